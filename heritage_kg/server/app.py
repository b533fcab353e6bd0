"""The web application: the parts of the service put together behind the security fences."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from ..build import build_store
from ..project import Project
from . import downloads, pages, querypage, sparql
from .security import BodySizeLimit, SecurityHeaders
from .state import STATIC, Settings, State


def create_app(project: Project, settings: Settings | None = None, store: ox.Store | None = None,
               store_dir: Path | None = None, source_hash: str | None = None) -> Starlette:
    """The service for ``project``; it publishes ``store`` when given, else the graph built from
    the project's files. With ``store_dir`` (an on-disk store opened by
    `heritage_kg.store.open_store`), the query workers open that folder read-only instead of each
    loading a copy, and ETags come from ``source_hash``, the store manifest's hash of its sources."""
    settings = settings or Settings()
    state = State(project=project, settings=settings, store=store if store is not None else build_store(project),
                  store_dir=store_dir, source_hash=source_hash)
    routes = [*sparql.routes(state), *querypage.routes(state), *downloads.routes(state), *pages.routes(state),
              Mount("/static", StaticFiles(directory=STATIC), name="static")]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await sparql.start(state)
        yield
        sparql.shutdown(state)

    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(BodySizeLimit, limit=settings.max_body)],
        lifespan=lifespan,
    )
    app.state.hkg = state
    return app
