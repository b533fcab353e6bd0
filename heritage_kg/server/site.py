"""What every page of the site shares: links in the page's language, rendering with the words of
that language, caching with ETags, and problem answers.

Every page is in the language of ``?lang=`` (the default without it, so that a link without the
parameter always works), is rendered once per process and language, and carries an ETag built
from the data version, so a client that has it gets 304.
"""

from __future__ import annotations

import hashlib
from typing import Callable
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..build import build_store
from ..grammar import number as write_number
from ..project import ENTITY_NS, ONTOLOGY_NS, VOCAB_NS
from ..sentences import Sentences
from ..words import DEFAULT, GRAMMAR, LANGS, TEXT, Said
from .negotiation import choose, not_modified
from .render import environment
from .state import State, names

CACHE_CONTROL = "public, max-age=3600"
ONTOLOGY_IRI = ONTOLOGY_NS.rstrip("#")
ENV = environment()


# -- language and links ---------------------------------------------------------------------------

def with_lang(url: str, lang: str) -> str:
    """``url`` in language ``lang``; a fragment stays last. Every link of the site names its
    language, English too: an address without one is where a reader arrives from elsewhere, and
    its language is the browser's (`lang_of`)."""
    path, hash_, fragment = url.partition("#")
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}lang={lang}{hash_}{fragment}"


def switch_url(request: Request, lang: str, keep: tuple[str, ...] = ()) -> list[dict]:
    """This page in each language (its code, its name in itself, its address, and whether it is
    the page's own), keeping the query parameters named in ``keep``."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k in keep]
    return [{"lang": other, "name": TEXT[other]["language_name"], "current": other == lang,
             "href": request.url.path + "?" + urlencode(params + [("lang", other)])} for other in LANGS]


def page_url(iri: str, lang: str = "en") -> str | None:
    """The page of a resource the site describes, or None for anything else."""
    if iri.startswith(ENTITY_NS) and "/" not in iri[len(ENTITY_NS):]:
        return with_lang("/page/" + iri[len(ENTITY_NS):], lang)
    if iri.startswith(VOCAB_NS):
        return with_lang("/page/vocab/" + iri[len(VOCAB_NS):], lang)
    if iri.startswith(ONTOLOGY_NS):
        return with_lang("/ontology", lang) + "#" + iri[len(ONTOLOGY_NS):]
    if iri == ONTOLOGY_IRI:
        return with_lang("/ontology", lang)
    return None


def authored_graph(state: State) -> ox.Store:
    """The graph as written in ontology/ and data/, without the materialised triples."""
    return state.cached("pages:authored", lambda: build_store(state.project, materialised=False))


def sentences(state: State) -> Sentences:
    """What says the ties of the graph as written as sentences, made once per process."""
    return state.cached("pages:sentences", lambda: Sentences(authored_graph(state), names(state), GRAMMAR))


# -- responses ------------------------------------------------------------------------------------

def number(value: int, lang: str) -> str:
    """A count as ``lang`` writes it: "9,672", "9 672"."""
    return write_number(value, GRAMMAR.get(lang, {}), lang)


def render(template: str, lang: str, **context) -> str:
    """``template`` in ``lang``, with its words (``t``), the languages, ``url(path)``, which
    gives a path of the site in the page's language, and ``number(n)``, a count in its style."""
    return ENV.get_template(template).render(lang=lang, t=TEXT[lang], langs=LANGS, default_lang=DEFAULT,
                                             number=lambda value: number(value, lang),
                                             language_names={code: TEXT[code]["language_name"] for code in LANGS},
                                             url=lambda path: with_lang(path, lang), **context)


def etag(state: State, *parts: str) -> str:
    """A strong validator: the data version, the package version, and what names the document."""
    digest = hashlib.sha256("\x00".join((state.data_version, __version__, *parts)).encode()).hexdigest()[:24]
    return f'"{digest}"'


def cacheable(request: Request, state: State, key: tuple, make: Callable[[], str | bytes], media_type: str,
              headers: dict[str, str] | None = None, keep: bool = True) -> Response:
    """A document made once per process, sent with ETag, Cache-Control and Vary, or a 304.

    Only call it for resources known to exist, so that the cache cannot grow without bound; a
    document of which there are very many (a timeline of any chosen years) is made each time
    it is asked for (``keep=False``), with the same validators.
    ``make`` runs under the lock of its own cache key, so it may use other cached values.
    """
    tag = etag(state, request.url.path, *map(str, key))
    common = {"ETag": tag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept", **(headers or {})}
    if not_modified(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=common)
    kept = keep and state.settings.keep_pages
    body = state.cached(("pages",) + key, make, keep=(lambda _: True) if kept else (lambda _: False))
    return Response(body, media_type=media_type, headers=common)


def already_cached(state: State, key: tuple) -> bool:
    """Whether `cacheable` holds the document of ``key`` already."""
    return state.holds(("pages",) + key)


def wants_html(request: Request) -> bool:
    return choose(request.headers.get("accept"), ["text/html", "text/plain"]) == "text/html"


def problem(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error as a small HTML page for browsers, or as one line of text for other clients."""
    if wants_html(request):
        lang = lang_of(request)
        # a message said in every language (`words.said`) is shown in the page's; another is English
        shown = message.by_lang.get(lang, message) if isinstance(message, Said) else message
        message_lang = None if lang == DEFAULT or isinstance(message, Said) and lang in message.by_lang else DEFAULT
        body = render("error.html", lang, status=status, message=shown, message_lang=message_lang,
                      switch=switch_url(request, lang))
        return HTMLResponse(body, status_code=status, headers=headers)
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def lang_of(request) -> str:
    """The language of a page: the one its address asks for (``?lang=``), else the first of the
    browser's ``Accept-Language`` that the site speaks, else the default."""
    value = request.query_params.get("lang")
    return value if value in TEXT else negotiated(request.headers.get("accept-language", ""))


def negotiated(header: str) -> str:
    """The first language of an ``Accept-Language`` header, by weight, that the site speaks:
    "fr-CH, fr;q=0.9, en;q=0.8" gives "fr"."""
    wanted = []
    for n, item in enumerate(header.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().split("-")[0].lower()
        if weight > 0 and primary:
            wanted.append((-weight, n, primary))
    for _, _, primary in sorted(wanted):
        if primary in TEXT:
            return primary
        if primary == "*":
            return DEFAULT
    return DEFAULT


class NegotiatedLanguage:
    """Says that a page asked for without ``?lang=`` is in the language the browser's
    ``Accept-Language`` chose (``Vary``, ``Content-Language``), so that no cache hands it to a
    reader of another language."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        asked = request.query_params.get("lang") in TEXT
        lang = lang_of(request)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers["content-language"] = lang
                    if not asked:
                        headers.add_vary_header("Accept-Language")
            await send(message)

        await self.app(scope, receive, sending)
