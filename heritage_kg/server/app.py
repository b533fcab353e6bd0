"""The web application: the parts of the service put together behind the security fences.

The handlers that make a page or a document are plain functions, which Starlette runs in its
thread pool: a slow one (the first view of a hub of a large graph) then shares the
interpreter with the others instead of holding up every request behind it."""

from __future__ import annotations

import contextlib
import gc

from brotli_asgi import BrotliMiddleware
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from ..build import build_store
from ..project import Project
from ..store import Opened
from ..words import TEXT
from . import downloads, entity, explorer, ontologydoc, pages, querypage, reconciliation, search, sparql, timeline
from .assets import VersionedStatic
from .render import ASSETS
from .security import BodySizeLimit, SecurityHeaders
from .site import NegotiatedLanguage, authored_graph, lang_of, problem, sentences
from .state import Settings, State, names


def create_app(project: Project, settings: Settings | None = None, opened: Opened | None = None) -> Starlette:
    """The service for ``project``: it publishes the graph built from the project's files, or the
    on-disk store ``opened`` (by `heritage_kg.store.open_store`). Then the query workers open that
    folder read-only instead of each loading a copy, ETags come from the manifest's hash of the
    sources, and the N-Triples dump is the export kept in the folder."""
    settings = settings or Settings()
    kept = opened.kept_export() if opened is not None else None
    if kept is not None:
        kept.verify()  # a damaged export is refused at start-up, not handed out
    state = State(project=project, settings=settings,
                  store=opened.store if opened is not None else build_store(project),
                  store_dir=opened.folder if opened is not None else None,
                  source_hash=opened.manifest.source_hash if opened is not None else None,
                  kept_dump=kept)
    _warm(state)
    routes = _routes(state)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await sparql.start(state)
        # What start-up made lives as long as the process (on a large graph, very many objects).
        # Out of the collector's sight, a full collection no longer walks all of it while
        # requests wait (docs/scaling.md). Garbage is collected first, so
        # that none is kept for good, and all is handed back when the application stops.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            sparql.shutdown(state)

    app = Starlette(
        routes=routes,
        exception_handlers={404: _not_found},
        # compressed with brotli where the client accepts it, else gzip; not the dumps, which are
        # files sent as they are (with ranges, for resumed downloads)
        middleware=[Middleware(BrotliMiddleware, quality=5, minimum_size=1024, gzip_fallback=True, excluded_handlers=["^/download/"]),
                    Middleware(SecurityHeaders), Middleware(BodySizeLimit, limit=settings.max_body), Middleware(NegotiatedLanguage)],
        lifespan=lifespan,
    )
    app.state.hkg = state
    return app


#: The methods the SPARQL protocols take (the service refuses writes itself, with a clear answer).
_ANY = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
_READ = ["GET", "HEAD"]


def _routes(state: State) -> list:
    """The one route table: every path the service answers, in the order they are tried, with
    the handlers each page module makes for ``state`` (its ``handlers(state)``: functions of the
    request, closed over the state)."""
    h: dict = {}
    for module in (sparql, querypage, downloads, pages, entity, ontologydoc, search, timeline, explorer, reconciliation):
        h.update(module.handlers(state))
    return [
        Route("/sparql", h["sparql"], methods=_ANY, name="sparql"),
        Route("/store", h["graph-store"], methods=_ANY, name="graph-store"),
        Route("/query", h["query-page"], methods=_READ, name="query-page"),
        Route("/api/queries", h["api-queries"], methods=_READ, name="api-queries"),
        Route("/api/queries/{name}", h["api-query"], methods=_READ, name="api-query"),
        Route("/context.jsonld", h["context"], name="context"),
        Route("/download", h["download"], name="download"),
        Route("/download/heritage-kg.{suffix}", h["dump"], name="dump"),
        Route("/.well-known/void", h["void"], name="void"),
        Route("/", h["home"], name="home"),
        Route("/kinds", h["kinds"], name="kinds"),
        Route("/kinds/{name}.{fmt}", h["kind-data"], name="kind-data"),
        Route("/kinds/{name}", h["kind"], name="kind"),
        Route("/id/{slug}", h["entity-iri"], name="entity-iri"),
        Route("/vocab/{rest:path}", h["concept-iri"], name="concept-iri"),
        Route("/data/{name:path}", h["entity-data"], name="entity-data"),
        Route("/page/{key:path}", h["entity-page"], name="entity-page"),
        Route("/ontology", h["ontology"], name="ontology"),
        Route("/ontology.{ext}", h["ontology-file"], name="ontology-file"),
        Route("/api/search", h["api-search"], name="api-search"),
        Route("/search", h["search"], name="search"),
        Route("/timeline", h["timeline"], name="timeline"),
        Route("/timeline/draw", h["timeline-draw"], methods=["POST"], name="timeline-draw"),
        Route("/network", h["network"], name="network"),
        Route("/network.json", h["network-data"], name="network-data"),
        Route("/network/about/{slug}", h["network-about"], name="network-about"),
        Route("/reconcile", h["reconcile"], methods=["GET", "POST"], name="reconcile"),
        Route("/reconcile/suggest/{what}", h["reconcile-suggest"], name="reconcile-suggest"),
        Route("/reconcile/properties", h["reconcile-properties"], name="reconcile-properties"),
        Route("/reconcile/preview", h["reconcile-preview"], name="reconcile-preview"),
        Mount("/static", VersionedStatic(ASSETS), name="static"),
    ]


def _warm(state: State) -> None:
    """Make what every page needs with the app rather than on its first request (the start-up
    time at scale is in docs/scaling.md): the names, the authored graph, the sentences, the
    search index, the counts; then the ties of the hubs."""
    names(state), authored_graph(state), sentences(state), search.index(state), state.data_version, state.triples
    entity.warm_hubs(state)


async def _not_found(request: Request, exc: Exception) -> Response:
    """A path no route answers: a page with the search box for a browser, one line for others."""
    lang = lang_of(request)
    return problem(request, 404, TEXT[lang]["no_page"].format(path=request.url.path))
