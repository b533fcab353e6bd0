"""Dumps in every export format at /download, and the VoID/DCAT description at /.well-known/void."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from ..describe import describe
from ..errors import DataError
from ..export import export_utf8
from ..formats import RDF_FORMATS
from ..keptexport import FORMAT as KEPT_FORMAT
from ..serialise import serialise_triples
from ..stats import compute
from ..store import MANIFEST
from .negotiation import choose, not_modified
from .site import CACHE_CONTROL, lang_of, render, switch_url
from .state import State

_BY_SUFFIX = {spec.suffix.lstrip("."): name for name, spec in RDF_FORMATS.items()}


def _tag(body: bytes) -> str:
    """A strong ETag from the bytes themselves."""
    return _tag_of(hashlib.sha256(body).hexdigest())


def _tag_of(sha256: str) -> str:
    """The ETag of bytes whose SHA-256 is ``sha256`` (hexadecimal)."""
    return '"' + sha256[:32] + '"'


def _dump(state: State, fmt: str) -> tuple[bytes, str]:
    """The dump in ``fmt``, made once, and its SHA-256 (hexadecimal)."""
    def make():
        body = export_utf8(state.store, fmt, state.kept_dump, state.settings.edition)
        return body, hashlib.sha256(body).hexdigest()
    return state.cached(("dump", fmt), make)


def _cacheable(request: Request, body: bytes | Path, etag: str, media: str, extra: dict | None = None) -> Response:
    """``body``, or the file at that path (sent with ranges, for resumed downloads), with
    caching headers, or 304 when the client holds it already. The ETag is the bytes' own hash
    (not the data version that `site.cacheable` uses), so that a resumed download of a kept file
    is checked against the very bytes it continues."""
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Access-Control-Allow-Origin": "*", **(extra or {})}
    if not_modified(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    if isinstance(body, Path):
        return FileResponse(body, media_type=media, headers=headers)
    return Response(body, headers={**headers, "Content-Type": media})


def dump(state: State, request: Request) -> Response:
    fmt = _BY_SUFFIX.get(request.path_params["suffix"])
    if fmt is None:
        return PlainTextResponse("No dump in that format.\n", status_code=404)
    spec = RDF_FORMATS[fmt]
    charset = "" if fmt == "xml" else "; charset=utf-8"
    disposition = {"Content-Disposition": f'attachment; filename="heritage-kg{spec.suffix}"'}
    try:
        if fmt == KEPT_FORMAT and state.kept_dump is not None:
            # the export an on-disk store keeps, checked unless unchanged since it last was, under
            # the ETag the same bytes made here would get
            kept = state.kept_dump
            kept.verify()
            return _cacheable(request, kept.path, _tag_of(kept.sha256), spec.media_type + charset, disposition)
        body, sha256 = _dump(state, fmt)
    except DataError:
        return PlainTextResponse("The dump is unavailable: the store's kept export is damaged. "
                                 "The operator must rebuild the store.\n", status_code=503)
    return _cacheable(request, body, _tag_of(sha256), spec.media_type + charset, disposition)


#: Up to this many triples, the download page makes every dump to give its size and checksum
#: (a second or two for the bundled data); above it, only those already made or kept.
EAGER_TRIPLES = 250_000


def _files(state: State) -> list[dict]:
    """Each dump: its format, media type, address, and, where it is made or cheap to make, its
    size and SHA-256."""
    eager = state.triples <= EAGER_TRIPLES
    out = []
    for name, spec in RDF_FORMATS.items():
        size = sha256 = None
        try:
            if name == KEPT_FORMAT and state.kept_dump is not None:
                size, sha256 = state.kept_dump.path.stat().st_size, state.kept_dump.sha256
            elif eager or state.holds(("dump", name)):
                body, sha256 = _dump(state, name)
                size = len(body)
        except (DataError, OSError):
            pass  # the dump itself answers 503, and says why
        out.append({"name": name, "media_type": spec.media_type, "file": f"heritage-kg{spec.suffix}",
                    "href": f"/download/heritage-kg{spec.suffix}", "size": size, "sha256": sha256})
    return out


def _modified(state: State) -> datetime:
    """When the published data last changed: the on-disk store's manifest, or the newest file of
    the graph."""
    if state.store_dir is not None:
        stamp = (state.store_dir / MANIFEST).stat().st_mtime
    else:
        stamp = max(path.stat().st_mtime for path in state.project.graph_files())
    return datetime.fromtimestamp(stamp, tz=timezone.utc)


def index(state: State, request: Request) -> Response:
    lang = lang_of(request)
    base = str(request.base_url).rstrip("/")
    files = _files(state)
    # every file is made from the data as it stands, so each carries the data's date
    modified = _modified(state)
    return HTMLResponse(render("download.html", lang, formats=files, triples=state.triples, base=base,
                               modified=modified.strftime("%Y-%m-%d %H:%M UTC"),
                               modified_iso=modified.isoformat(timespec="minutes"),
                               example=files[0],
                               switch=switch_url(request, lang)))


def void(state: State, request: Request) -> Response:
    offers = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt", "application/rdf+xml": "xml"}
    media = choose(request.headers.get("accept"), list(offers))
    if media is None:
        return PlainTextResponse("Not acceptable: the description is available as " + ", ".join(offers) + ".\n", status_code=406)

    def make():
        body = serialise_triples(describe(compute(state.store), state.settings.edition), offers[media]).encode("utf-8")
        return body, _tag(body)

    body, etag = state.cached(("void", media), make)
    return _cacheable(request, body, etag, media + "; charset=utf-8", {"Vary": "Accept"})


async def context(request: Request) -> Response:
    """The JSON-LD @context that the JSON-LD dump and descriptions use, with readable keys."""
    from importlib import resources

    body = resources.files("heritage_kg").joinpath("context.jsonld").read_bytes()
    return _cacheable(request, body, _tag(body), "application/ld+json")


def handlers(state: State) -> dict:
    """The dumps, the download page, the VoID description and the JSON-LD context, each handler
    bound to ``state``."""
    def download(request: Request) -> Response:
        return index(state, request)

    def dump_file(request: Request) -> Response:
        return dump(state, request)

    def void_description(request: Request) -> Response:
        return void(state, request)

    return {"context": context, "download": download, "dump": dump_file, "void": void_description}
