"""The linked-data site as static files, for any static host (`heritage-kg site -o DIR`).

The pages are the server's own: each is asked of the web application in this process, and its
links are rewritten to the files written here, relative to the page, so that the folder works
from any address. A page's language is in its file name (``page/icom.en.html``,
``page/icom.fr.html``); a list of more than one page adds its number (``page/icom.en.p2.html``).
What only a server can answer is answered in the browser by ``static/offline.js``: SPARQL over
the dump with Oxigraph's WebAssembly build (loaded on the query page only), the named queries'
parameters, and the search, from ``search-index.json``; and by the explorer's and the
timeline's own stand-ins (``static/offline-network.js``, ``static/offline-timeline.js``), their
filters, from the data those pages carry in the static site (``Settings.offline``).
docs/static-site.md says what a host needs for redirects and content negotiation, and what is
lost without a server.
"""

from __future__ import annotations

import asyncio
import html
import json
import posixpath
import re
from collections import deque
from typing import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

from .describe import PACKAGE, Edition
from .names import fold
from .project import BASE, ENTITY_NS, ONTOLOGY_NS, VOCAB_NS, Project
from .words import DEFAULT, LANGS, TEXT

#: The start of the crawl, with each language's home page: what no page may link to.
_SEEDS = ("/download", "/.well-known/void", "/context.jsonld", "/ontology.ttl", "/kinds")
#: Links that carry a parameter the static pages keep in the file name, by path.
_PAGED = re.compile(r"^/(page/.+|kinds(/[^./]+)?|ontology)$")
#: Pages whose script reads the address (``?q=``, ``?query=``, ``?name=``): the parameters stay.
_SCRIPTED = {"/search": "search", "/query": "query", "/sparql": "query"}
#: What the explorer draws besides organisations: each set of them has a file of its own
#: (``network.en.html``, ``network.en.people.html``, ``network.en.instruments.people.html`` ...).
_EXTRAS = ("instruments", "people", "programmes")
#: The pages whose own scripts ask the server for more, and the scripts that answer them here.
_OWN_STAND_IN = {"network": ("offline-network.js",), "timeline": ("offline-timeline.js",),
                 "query": ("offline-timeline.js",)}
#: The address the pages are asked at, which they write in their examples.
_ASKED_AT = "http://site"
_LINK = re.compile(r'\b(href|src|action)="([^"]*)"')
#: The Content-Security-Policy of the static pages: the server's; the query page's also lets the
#: browser compile WebAssembly ('wasm-unsafe-eval'), which Oxigraph needs and nothing else does.
_WASM = "'wasm-unsafe-eval'"


def target(url: str, lang: str) -> tuple[str, str] | None:
    """The file a site address is written to, and the part of the address its page's script
    still reads (``q=...``), or None for an address the static site cannot answer."""
    parts = urlsplit(url)
    path, pairs = parts.path, parse_qsl(parts.query)
    params = dict(pairs)
    lang = params.pop("lang", lang)
    if lang not in LANGS:
        lang = DEFAULT
    if path.startswith(("/static/", "/data/", "/download/")) or re.fullmatch(r"/ontology\.\w+|/kinds/[^/]+\.\w+|/context\.jsonld", path):
        return path[1:], ""
    if path == "/.well-known/void":
        return "void.ttl", ""
    if path == "/":
        return f"index.{lang}.html", ""
    if path.startswith("/id/"):
        return f"page/{path[4:]}.{lang}.html", ""
    if path.startswith("/vocab/"):
        return f"page/vocab/{path[7:]}.{lang}.html", ""
    if path == "/download":
        return f"download.{lang}.html", ""
    if path in _SCRIPTED:
        kept = {k: v for k, v in params.items() if path != "/sparql"}
        return f"{_SCRIPTED[path]}.{lang}.html", urlencode(kept)
    if path == "/network":
        # a file for each set of extras, which changes what is sent; the other filters are the
        # script's (static/offline-network.js), and stay in the address
        extras = sorted({e for k, v in pairs if k == "with" for e in v.split(",") if e})
        if not set(extras) <= set(_EXTRAS):
            return None
        rest = [(k, v) for k, v in pairs if k not in ("with", "lang")]
        return f"network.{lang}" + ("".join("." + e for e in extras)) + ".html", urlencode(rest)
    if path == "/timeline":
        # a file for the whole timeline and for each organisation's; the window and the grouping
        # are the script's (static/offline-timeline.js)
        who = params.get("organisation", "")
        if who and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", who):
            return None
        rest = [(k, v) for k, v in pairs if k not in ("organisation", "lang")]
        return (f"timeline/{who}.{lang}.html" if who else f"timeline.{lang}.html"), urlencode(rest)
    about = re.fullmatch(r"/network/about/([A-Za-z0-9][A-Za-z0-9_.-]*)", path)
    if about:
        return f"network/about/{about.group(1)}.{lang}.json", ""
    if _PAGED.match(path):
        page = params.get("p", "1")
        return f"{path[1:]}.{lang}" + (f".p{page}" if page.isdigit() and page != "1" else "") + ".html", ""
    return None


def _fetch_url(url: str, file: str, lang: str) -> str:
    """The address to ask the application for ``file``, the file `target` gives ``url``: a
    file's own path; a page's, in its language, with its number if it has one."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    if file.startswith("network/about/"):
        return parts.path + "?" + urlencode({"lang": lang})
    if not file.endswith(".html"):
        return parts.path
    keep = {"lang": params.get("lang", lang)}
    if parts.path == "/network" and file.count(".") > 2:
        keep["with"] = ",".join(file.split(".")[2:-1])
    if parts.path == "/timeline" and params.get("organisation"):
        keep["organisation"] = params["organisation"]
    if _PAGED.match(parts.path) and params.get("p", "1").isdigit() and params.get("p", "1") != "1":
        keep["p"] = params["p"]
    return parts.path + "?" + urlencode(keep)


class _App:
    """Asks an ASGI application for addresses, in this process, as a browser would."""

    def __init__(self, app):
        self.app = app

    async def get(self, url: str, accept: str = "text/html") -> tuple[int, str, bytes]:
        parts = urlsplit(url)
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": parts.path, "raw_path": parts.path.encode(), "query_string": parts.query.encode(),
                 "root_path": "", "headers": [(b"host", _ASKED_AT[7:].encode()), (b"accept", accept.encode())],
                 "client": ("127.0.0.1", 0), "server": (_ASKED_AT[7:], 80)}
        answer = {"status": 0, "type": "", "body": []}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["type"] = dict(message.get("headers", [])).get(b"content-type", b"").decode()
            elif message["type"] == "http.response.body":
                answer["body"].append(message.get("body", b""))

        await self.app(scope, receive, send)
        return answer["status"], answer["type"], b"".join(answer["body"])


def build(project: Project, put: Callable[[str, bytes], None], edition: Edition = PACKAGE) -> None:
    """Write every file of the static site with ``put`` (its path in the folder, its bytes), one
    at a time; its dumps and its VoID description say they are ``edition`` of the dataset (a
    release's, in a release folder)."""
    from .server.app import create_app
    from .server.render import ASSETS
    from .server.state import Settings

    app = create_app(project, Settings(edition=edition, keep_pages=False, offline=True))
    state = app.state.hkg
    asyncio.run(_crawl(_App(app), put))
    for path in sorted(ASSETS.folder.rglob("*")):
        if path.is_file():
            put("static/" + path.relative_to(ASSETS.folder).as_posix(), path.read_bytes())
    put("search-index.json", _search_index(state))
    for lang in LANGS:
        put(f"api/queries.{lang}.json", _queries(project, lang))
    for name, body in _host_files().items():
        put(name, body)


async def _crawl(client: _App, put: Callable[[str, bytes], None]) -> None:
    queue = deque()
    seen: set[str] = set()

    def want(url: str, lang: str) -> tuple[str, str] | None:
        """The file of ``url`` (`target`), queued to be asked for if it is new."""
        found = target(url, lang)
        if found is not None and found[0] not in seen and not found[0].startswith("static/"):
            seen.add(found[0])
            queue.append((found[0], _fetch_url(url, found[0], lang), lang))
        return found

    for lang in LANGS:
        want(f"/?lang={lang}", lang)
        for seed in _SEEDS:
            want(f"{seed}?lang={lang}" if "." not in seed.rsplit("/", 1)[-1] else seed, lang)
        for name in ("/search", "/query", "/timeline"):
            want(f"{name}?lang={lang}", lang)
        for chosen in range(2 ** len(_EXTRAS)):
            extras = ",".join(e for n, e in enumerate(_EXTRAS) if chosen >> n & 1)
            want(f"/network?lang={lang}" + (f"&with={extras}" if extras else ""), lang)
    # the page a host shows for a file it does not have; its language switch leads home
    missing = (await client.get("/no-such-page"))[2].decode("utf-8").replace('"/no-such-page?', '"/?')
    put("404.html", _rewrite(missing, "404.html", DEFAULT, want).encode("utf-8"))
    while queue:
        name, url, lang = queue.popleft()
        accept = "text/turtle" if name == "void.ttl" else "text/html"
        status, kind, body = await client.get(url, accept)
        if status != 200:
            continue  # a link to nothing: the page that had it keeps it as it is
        if kind.startswith("text/html"):
            page = _rewrite(body.decode("utf-8"), name, lang, want)
            body = page.encode("utf-8")
            if name.startswith("network."):
                # each node's summary, which the explorer asks for when it is chosen
                for node in json.loads(_script_data(page, "nw-data"))["offline"]["nodes"]:
                    want(f"/network/about/{node}?lang={lang}", lang)
        elif name.startswith("network/about/"):
            # its link leads from the explorer, at the folder's top, to the node's page
            body = _json_links(body.decode("utf-8"), "", lang, want).encode("utf-8")
        put(name, body)
        if name == f"index.{DEFAULT}.html":
            put("index.html", body)  # the folder's own address: the home page, in the default language


def _rewrite(page: str, name: str, lang: str, want) -> str:
    """A page with its links made relative to its file, the files they lead to queued, the
    static policy in a meta element, and the offline script before its other scripts run."""
    here = posixpath.dirname(name)

    def link(match: re.Match) -> str:
        attribute, value = match.groups()
        if not value.startswith("/") or value.startswith("//"):
            return match.group(0)
        address, _, fragment = value.partition("#")
        address = address.replace("&amp;", "&")
        if address.startswith("/static/"):
            address = _plain_static(address)
        found = want(address, lang)
        if found is None:
            return match.group(0)
        file, query = found
        relative = posixpath.relpath(file, here or ".")
        if attribute == "action":
            return f'{attribute}="{relative}"'
        shown = relative + ("?" + query if query else "") + ("#" + fragment if fragment else "")
        return f'{attribute}="{shown.replace("&", "&amp;")}"'

    page = _LINK.sub(link, page)
    # the links a page's script writes, from the data the page carries (the explorer's lists)
    page = re.sub(r'(<script type="application/json"[^>]*>)(.*?)(</script>)',
                  lambda m: m.group(1) + _json_links(m.group(2), here, lang, want) + m.group(3), page, flags=re.S)
    # what asks the server leaves the page: the form that asks for the ties as of a date. So do
    # the modelling detail that a page with ties folds away (its statements as a table) and the
    # JSON-LD embedded for search engines: the page links its data in every format
    # (data/SLUG.ttl, .jsonld, ...), and without them the largest page, ICOM's, is under 100 KB
    page = re.sub(r'<form class="as-of-form".*?</form>\n?', "", page, flags=re.S)
    page = re.sub(r'<script type="application/ld\+json">.*?</script>\n?', "", page, flags=re.S)
    page = re.sub(r'<details id="statements"><summary>.*?</details>\n?', "", page, flags=re.S)
    # the query page says where its queries run; the download page's commands name the
    # dataset's public address rather than the one the pages were asked at
    page = re.sub(r'<p class="qp-intro">.*?</p>', lambda _: f'<p class="qp-intro">{html.escape(TEXT[lang]["qp_intro_static"])}</p>',
                  page, count=1, flags=re.S)
    page = page.replace(_ASKED_AT, BASE.rstrip("/"))
    root = posixpath.relpath(".", here or ".")
    root = "" if root == "." else root + "/"
    from .server.security import CSP

    policy = CSP.replace("script-src 'self'", f"script-src 'self' {_WASM}") if name.startswith("query.") else CSP
    # a meta policy cannot set frame-ancestors: the host's headers do (docs/static-site.md)
    policy = "; ".join(p for p in policy.split("; ") if not p.startswith("frame-ancestors"))
    page = page.replace('<meta charset="utf-8">', f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{policy}">', 1)
    # before the page's own scripts, which come after its content (and its data, such as the
    # query page's), so that they find the stand-in in place and the data it has set
    script = f'<script src="{root}static/offline.js" data-root="{root}" data-lang="{lang}"></script>\n'
    for part in _OWN_STAND_IN.get(name.split("/")[0].split(".")[0], ()):
        script += f'<script src="{root}static/{part}"{_script_words(part, lang)}></script>\n'
    content_end = page.find("</main>")
    first = page.find("<script src=", content_end) if content_end >= 0 else -1
    at = first if first >= 0 else page.rfind("</body>")
    return page[:at] + script + page[at:]


def _json_links(text: str, here: str, lang: str, want) -> str:
    """JSON with each ``"href"`` that leads to a page of the site made relative to ``here``."""
    def link(match: re.Match) -> str:
        found = want(match.group(2), lang)
        if found is None:
            return match.group(0)
        file, query = found
        return match.group(1) + posixpath.relpath(file, here or ".") + ("?" + query if query else "") + '"'

    return re.sub(r'("href": ?")(/[^"\\]*)"', link, text)


def _script_data(page: str, element: str) -> str:
    """The JSON a page carries in its ``<script type="application/json" id=element>``."""
    return re.search(rf'<script type="application/json" id="{element}">(.*?)</script>', page, flags=re.S).group(1)


def _script_words(part: str, lang: str) -> str:
    """What the timeline's stand-in needs (as attributes of its script): the most marks drawn
    and the drawing's measures (`heritage_kg.timeline`), and of the language the timeline's
    name, the locale its axis and dates are written in and how it writes a month's first day."""
    if part != "offline-timeline.js":
        return ""
    from . import timeline
    from .grammar import locale_of
    from .words import GRAMMAR

    locale = str(locale_of(GRAMMAR.get(lang, {}), lang)).replace("_", "-")
    first = GRAMMAR.get(lang, {}).get("first-day") or ""
    measures = ",".join(str(n) for n in (timeline.WIDTH, timeline.LEFT, timeline.RIGHT, timeline.ROW, timeline.TOP))
    return (f' data-limit="{timeline.MARK_LIMIT}" data-measures="{measures}" data-label="{html.escape(TEXT[lang]["timeline"])}"'
            f' data-locale="{html.escape(locale)}" data-first-day="{html.escape(first)}"')


def _plain_static(address: str) -> str:
    """A versioned static address (``/static/site.0123456789.css``) as its file's own name."""
    from .server.render import ASSETS

    plain, _ = ASSETS.plain(address[len("/static/"):])
    return "/static/" + plain


def _search_index(state) -> bytes:
    """The names the offline search reads, in the server's order (by IRI): each entity's and
    concept's names, folded for matching as the server folds them, with its tier of the server's
    ranking, its page in each language and its kind; the kinds
    it counts under and those it is kept to when a kind is chosen (the server's filter), by local
    name, with their names; the server's measures of a partial match; and the words of the
    search page."""
    from .server.search import MIN_WORD, PARTIAL, index

    searched = index(state)
    known = searched.known
    nodes, kinds = [], {}
    for iri in sorted(searched.joined):
        names = sorted({(fold(t), t, lang) for by_lang in (known.labels.get(iri, {}), known.acronyms.get(iri, {}))
                        for lang, values in by_lang.items() for t in values})
        key = iri[len(ENTITY_NS):] if iri.startswith(ENTITY_NS) else "vocab/" + iri[len(VOCAB_NS):]
        counted = [k for k in known.kinds(iri) if k.startswith(ONTOLOGY_NS)]
        within = sorted({c for t in known.types.get(iri, ()) for c in (t, *known.ancestors(t)) if c.startswith(ONTOLOGY_NS)})
        for k in counted:
            kinds.setdefault(k[len(ONTOLOGY_NS):], {lang: str(known.label(k, lang)) for lang in LANGS})
        nodes.append({"key": key, "tier": searched.tier[iri], "names": [list(n) for n in names],
                      "kinds": [k[len(ONTOLOGY_NS):] for k in counted], "within": [c[len(ONTOLOGY_NS):] for c in within],
                      **{lang: [str(known.label(iri, lang)), known.acronym(iri, lang) or "",
                                known.kind_label(iri, lang) or searched.scheme_of(iri, lang)] for lang in LANGS}})
    words = {lang: {w: TEXT[lang][w] for w in ("results_for", "colon", "filter_by_kind", "every_kind", "matched", "no_results",
                                               "search_partial")}
             for lang in LANGS}
    return json.dumps({"nodes": nodes, "kinds": kinds, "words": words, "partial": [PARTIAL, MIN_WORD]},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _queries(project: Project, lang: str) -> bytes:
    """The named queries as the query page's script binds them without a server: their text,
    where the bindings go, and each parameter's type, default and namespace."""
    from .queries import VIEWS, bind_values, catalogue
    from .server.querypage import describe, without_header

    out = {}
    for name, query in catalogue(project.query_files()).items():
        text = without_header(query.text)
        marked = bind_values(text, {"hkg_offline_mark": "<urn:x>"}, name)
        at = marked.index("VALUES ?hkg_offline_mark")
        out[name] = {**describe(query), "text": marked.replace("VALUES ?hkg_offline_mark { <urn:x> }", "", 1),
                     "at": at, "view": VIEWS[query.view] if query.view != "table" else None,
                     "params": [{"name": p.name, "type": p.type, "default": p.default, "namespace": p.namespace,
                                 "minimum": p.minimum, "maximum": p.maximum} for p in query.params]}
    return json.dumps(out, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


def _host_files() -> dict[str, bytes]:
    """What a host reads to redirect IRIs and negotiate content (docs/static-site.md)."""
    from .server.security import CSP

    htaccess = """# Apache: IRIs to pages or data by what the client accepts, and each page's policy.
Options -MultiViews
RewriteEngine On
AddType text/turtle .ttl
AddType application/n-triples .nt
AddType application/n-quads .nq
AddType application/trig .trig
AddType application/ld+json .jsonld
AddType application/rdf+xml .rdf
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^id/([^/]+)$ data/$1.ttl [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteRule ^id/([^/]+)$ data/$1.jsonld [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteRule ^id/([^/]+)$ data/$1.nt [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/rdf\\+xml
RewriteRule ^id/([^/]+)$ data/$1.rdf [R=303,L]
RewriteCond %{HTTP_ACCEPT_LANGUAGE} ^fr
RewriteRule ^id/([^/]+)$ page/$1.fr.html [R=303,L]
RewriteRule ^id/([^/]+)$ page/$1.en.html [R=303,L]
RewriteRule ^\\.well-known/void$ void.ttl [L,T=text/turtle]
Header always set Content-Security-Policy "POLICY"
Header always set X-Content-Type-Options nosniff
""".replace("POLICY", CSP.replace("script-src 'self'", f"script-src 'self' {_WASM}"))
    headers = "/*\n  Content-Security-Policy: %s\n  X-Content-Type-Options: nosniff\n/query.*\n  Content-Security-Policy: %s\n" % (
        CSP, CSP.replace("script-src 'self'", f"script-src 'self' {_WASM}"))
    redirects = "/id/:slug /page/:slug.en.html 303\n/.well-known/void /void.ttl 200\n"
    return {".htaccess": htaccess.encode(), "_headers": headers.encode(), "_redirects": redirects.encode(),
            ".nojekyll": b""}
