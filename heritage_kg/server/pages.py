"""The HTML pages of the linked-data site: what every page shares, the home page and the kinds.

Three modules build on this one, and ``routes`` gathers their routes with its own:

- ``entity``: entity and concept IRIs, their 303 redirects, their pages and RDF descriptions;
- ``ontologydoc``: ``/ontology``, the ontology documented with its shapes and named queries;
- ``search``: search over names and acronyms in both languages, as JSON and as a page.

Every page is in English or French (``?lang=fr``; English by default, so that a link without
the parameter always works), is rendered once per process and language, and carries an ETag
built from the data version, so a client that has it gets 304.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from typing import Callable
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from .. import __version__
from ..build import build_store
from ..project import ENTITY_NS, LANGUAGES, ONTOLOGY_NS, VOCAB_NS
from ..terms import PREFIXES
from ..ties import read as read_tie_kinds
from . import paging
from .negotiation import choose, not_modified
from .render import environment
from .state import State
from .words import DEFAULT, LANGS, TEXT, lang_of

CACHE_CONTROL = "public, max-age=3600"
#: The languages the graph's names and texts are written in (the interface may have more).
DATA_LANGS = LANGUAGES
ONTOLOGY_IRI = ONTOLOGY_NS.rstrip("#")

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS_PREF = PREFIXES["skos"] + "prefLabel"
ACRONYM = ONTOLOGY_NS + "acronym"
OWL_CLASS = PREFIXES["owl"] + "Class"
SUBCLASS = PREFIXES["rdfs"] + "subClassOf"
SUBPROPERTY = PREFIXES["rdfs"] + "subPropertyOf"
INVERSE = PREFIXES["owl"] + "inverseOf"

#: Classes whose instances are statements about others: ties (n-ary relationships) and figures.
STATEMENT_CLASSES = (ONTOLOGY_NS + "Relationship", ONTOLOGY_NS + "Observation")
#: Classes whose instances act: they come first in search results and in diagrams.
AGENT_CLASSES = (ONTOLOGY_NS + "Organisation", ONTOLOGY_NS + "OrganisationalUnit", ONTOLOGY_NS + "Person")

ENV = environment()


# -- language and links ---------------------------------------------------------------------------

def with_lang(url: str, lang: str) -> str:
    """``url`` in language ``lang``: the default language needs no parameter; a fragment stays last."""
    if lang == DEFAULT:
        return url
    path, hash_, fragment = url.partition("#")
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}lang={lang}{hash_}{fragment}"


def switch_url(request: Request, lang: str, keep: tuple[str, ...] = ()) -> list[dict]:
    """This page in each other language (its code, its name in itself, its address), keeping the
    query parameters named in ``keep``."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k in keep]
    out = []
    for other in LANGS:
        if other != lang:
            query = params + ([("lang", other)] if other != DEFAULT else [])
            out.append({"lang": other, "name": TEXT[other]["language_name"],
                        "href": request.url.path + ("?" + urlencode(query) if query else "")})
    return out


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


def fold(text: str) -> str:
    """Text for matching and sorting: no accents, no case, one kind of apostrophe."""
    if text.isascii():  # most names; the same result without the per-character pass
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


# -- names and kinds ------------------------------------------------------------------------------

class Label(str):
    """A name, and the language it is written in (None for a local name made from an IRI): a
    page shows a name in the other language when its own is missing, and says so."""

    lang: str | None = None

    def __new__(cls, text: str, lang: str | None):
        made = super().__new__(cls, text)
        made.lang = lang or None
        return made


class Names:
    """The labels, acronyms and kinds of every IRI in the published graph, by language.

    Built in one pass over the store, once per process (``names(state)``).
    """

    def __init__(self, store: ox.Store):
        self.labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.acronyms: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.types: dict[str, set[str]] = defaultdict(set)
        self.classes: set[str] = set()
        self.supers: dict[str, set[str]] = defaultdict(set)
        self.super_properties: dict[str, set[str]] = defaultdict(set)
        self.inverse: dict[str, str] = {}
        self.subjects: set[str] = set()
        for quad in store:
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if not isinstance(s, ox.NamedNode):
                continue
            iri = s.value
            self.subjects.add(iri)
            if p in (RDFS_LABEL, SKOS_PREF) and isinstance(o, ox.Literal):
                bucket = self.labels[iri][o.language or ""]
                if o.value not in bucket:
                    bucket.append(o.value)
            elif p == ACRONYM and isinstance(o, ox.Literal):
                bucket = self.acronyms[iri][o.language or ""]
                if o.value not in bucket:
                    bucket.append(o.value)
            elif p == RDF_TYPE and isinstance(o, ox.NamedNode):
                if o.value.startswith(ONTOLOGY_NS):
                    self.types[iri].add(o.value)
                if o.value == OWL_CLASS and iri.startswith(ONTOLOGY_NS):
                    self.classes.add(iri)
            elif p == SUBCLASS and isinstance(o, ox.NamedNode):
                self.supers[iri].add(o.value)
            elif p == SUBPROPERTY and isinstance(o, ox.NamedNode):
                self.super_properties[iri].add(o.value)
            elif p == INVERSE and isinstance(o, ox.NamedNode):
                self.inverse[iri], self.inverse[o.value] = o.value, iri
        for bucket in self.labels.values():
            for values in bucket.values():
                values.sort()
        for bucket in self.acronyms.values():
            for values in bucket.values():
                values.sort(key=lambda acronym: (not _in_both(bucket, acronym), acronym))
        self._ancestors: dict[str, set[str]] = {}
        self._property_ancestors: dict[str, set[str]] = {}
        self.ties = read_tie_kinds(store)
        self.instances: dict[str, list[str]] = defaultdict(list)
        for iri, kinds in self.types.items():
            for kind in kinds:
                self.instances[kind].append(iri)
        for members in self.instances.values():
            members.sort(key=lambda i: (fold(self.label(i)), i))

    def label(self, iri: str, lang: str = "en") -> Label:
        """The name of ``iri`` in ``lang``, else in the other language, else its local name; its
        ``lang`` says which."""
        by_lang = self.labels.get(iri)
        if by_lang:
            for key in (lang, *DATA_LANGS, ""):
                if by_lang.get(key):
                    return Label(by_lang[key][0], key)
        return Label(local_name(iri), None)

    def acronym(self, iri: str, lang: str = "en") -> Label | None:
        by_lang = self.acronyms.get(iri)
        if by_lang:
            for key in (lang, *DATA_LANGS, ""):
                if by_lang.get(key):
                    return Label(by_lang[key][0], key)
        return None

    def short_label(self, iri: str, lang: str = "en") -> str:
        return self.acronym(iri, lang) or self.label(iri, lang)

    def ancestors(self, cls: str) -> set[str]:
        """Every super-class of ``cls``, however far up."""
        if cls not in self._ancestors:
            self._ancestors[cls] = _upwards(self.supers, cls)
        return self._ancestors[cls]

    def property_ancestors(self, p: str) -> set[str]:
        """Every super-property of ``p``, however far up."""
        if p not in self._property_ancestors:
            self._property_ancestors[p] = _upwards(self.super_properties, p)
        return self._property_ancestors[p]

    def is_side(self, p: str) -> bool:
        """Whether ``p`` names a side of a tie: a side property of a tie kind, or one below it
        (hkg:funder, below hkg:party)."""
        return p in self.ties.sides or any(q in self.ties.sides for q in self.property_ancestors(p))

    def tie_key(self, iri: str) -> str:
        """The key of the kind of tie ``iri`` is, or "other"."""
        kind = self.ties.of(self.types.get(iri, ()))
        return kind.key if kind is not None else "other"

    def kinds(self, iri: str) -> list[str]:
        """The most specific hkg classes of ``iri``, sorted."""
        types = self.types.get(iri, set())
        implied = set().union(*(self.ancestors(t) for t in types)) if types else set()
        return sorted(types - implied)

    def is_a(self, iri: str, classes: tuple[str, ...]) -> bool:
        return any(c in self.types.get(iri, ()) for c in classes)

    def kind_label(self, iri: str, lang: str = "en") -> str:
        return ", ".join(self.label(k, lang) for k in self.kinds(iri))


def _in_both(by_lang: dict[str, list[str]], name: str) -> bool:
    """Whether both languages write ``name``: the short name to show first (INTERPOL, not ICPO)."""
    return all(name in by_lang.get(lang, ()) for lang in DATA_LANGS)


def _upwards(links: dict[str, set[str]], start: str) -> set[str]:
    """Everything reachable from ``start`` by following ``links``, however far."""
    seen: set[str] = set()
    todo = list(links.get(start, ()))
    while todo:
        up = todo.pop()
        if up not in seen:
            seen.add(up)
            todo.extend(links.get(up, ()))
    return seen


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


def names(state: State) -> Names:
    return state.cached("pages:names", lambda: Names(state.store))


def authored_graph(state: State) -> ox.Store:
    """The graph as written in ontology/ and data/, without the materialised triples."""
    return state.cached("pages:authored", lambda: build_store(state.project, materialised=False))


# -- responses ------------------------------------------------------------------------------------

def render(template: str, lang: str, **context) -> str:
    """``template`` in ``lang``, with its words (``t``), the languages, and ``url(path)``, which
    gives a path of the site in the page's language."""
    return ENV.get_template(template).render(lang=lang, t=TEXT[lang], langs=LANGS, default_lang=DEFAULT,
                                             language_names={code: TEXT[code]["language_name"] for code in LANGS},
                                             url=lambda path: with_lang(path, lang), **context)


def etag(state: State, *parts: str) -> str:
    """A strong validator: the data version, the package version, and what names the document."""
    digest = hashlib.sha256("\x00".join((state.data_version, __version__, *parts)).encode()).hexdigest()[:24]
    return f'"{digest}"'


def cacheable(request: Request, state: State, key: tuple, make: Callable[[], str | bytes], media_type: str,
              headers: dict[str, str] | None = None) -> Response:
    """A document made once per process, sent with ETag, Cache-Control and Vary, or a 304.

    Only call it for resources known to exist, so that the cache cannot grow without bound.
    ``make`` runs under the lock of its own cache key, so it may use other cached values.
    """
    tag = etag(state, request.url.path, *map(str, key))
    common = {"ETag": tag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept", **(headers or {})}
    if not_modified(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=common)
    body = state.cached(("pages",) + key, make)
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
        body = render("error.html", lang, status=status, message=message)
        return HTMLResponse(body, status_code=status, headers=headers)
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


# -- the home page and the kinds ------------------------------------------------------------------

def _home(state: State):
    def home(request: Request) -> Response:
        lang = lang_of(request)
        known = names(state)
        triples = state.triples

        def make() -> str:
            entities = sum(1 for i in known.subjects if i.startswith(ENTITY_NS) and i in known.types)
            ties = sum(1 for i in known.subjects if i.startswith(ENTITY_NS) and known.is_a(i, STATEMENT_CLASSES))
            counts = TEXT[lang]["count_line"].format(entities=entities, ties=ties, triples=triples)
            featured = _featured(known, lang)
            return render("home.html", lang, counts=counts, switch=switch_url(request, lang),
                          featured=featured[:paging.PER_PAGE], more=len(featured) - paging.PER_PAGE,
                          all_href=with_lang("/kinds/Organisation", lang))

        return cacheable(request, state, ("home", lang), make, "text/html; charset=utf-8")

    return home


def _featured(known: Names, lang: str) -> list[dict]:
    """The organisations, as a first list of links on the home page (its first hundred; a large
    graph has thousands, listed a page at a time at /kinds/Organisation)."""
    cls = ONTOLOGY_NS + "Organisation"
    return [{"label": known.label(i, lang), "acronym": known.acronym(i, lang), "href": page_url(i, lang)}
            for i in known.instances.get(cls, []) if i.startswith(ENTITY_NS)]


def class_tree(known: Names, lang: str) -> list[dict]:
    """The hkg classes as a tree, each with its count of instances that have IRIs (pages)."""
    children: dict[str, list[str]] = defaultdict(list)
    roots = []
    for cls in known.classes:
        ups = [u for u in known.supers.get(cls, ()) if u in known.classes]
        for up in ups:
            children[up].append(cls)
        if not ups:
            roots.append(cls)

    def node(cls: str) -> dict:
        count = sum(1 for i in known.instances.get(cls, []) if i.startswith((ENTITY_NS, VOCAB_NS)))
        kids = sorted(children.get(cls, []), key=lambda c: fold(known.label(c, lang)))
        return {"name": local_name(cls), "label": known.label(cls, lang), "count": count,
                "href": with_lang("/kinds/" + local_name(cls), lang) if count else None,
                "doc": page_url(cls, lang), "children": [node(k) for k in kids]}

    return [node(r) for r in sorted(roots, key=lambda c: fold(known.label(c, lang)))]


def concept_schemes(known: Names, lang: str) -> list[dict]:
    """The SKOS concept schemes, each with its number of concepts."""
    concepts: dict[str, int] = defaultdict(int)
    for iri in known.subjects:
        if iri.startswith(VOCAB_NS) and "/" in iri[len(VOCAB_NS):]:
            concepts[VOCAB_NS + iri[len(VOCAB_NS):].split("/", 1)[0]] += 1
    schemes = [{"label": known.label(s, lang), "href": page_url(s, lang), "count": n}
               for s, n in concepts.items() if s in known.subjects]
    return sorted(schemes, key=lambda s: fold(s["label"]))


def _kinds(state: State):
    def kinds(request: Request) -> Response:
        lang = lang_of(request)
        known = names(state)

        def make() -> str:
            return render("kinds.html", lang, tree=class_tree(known, lang), schemes=concept_schemes(known, lang),
                          switch=switch_url(request, lang))

        return cacheable(request, state, ("kinds", lang), make, "text/html; charset=utf-8")

    def kind(request: Request) -> Response:
        lang = lang_of(request)
        known = names(state)
        cls = ONTOLOGY_NS + request.path_params["name"]
        if cls not in known.classes:
            return problem(request, 404, f"no kind of entity is called {request.path_params['name']!r}")

        def sorted_members() -> list[str]:
            members = [i for i in known.instances.get(cls, []) if i.startswith((ENTITY_NS, VOCAB_NS))]
            return sorted(members, key=lambda i: fold(known.label(i, lang)))

        # the order once per kind and language; the page number is checked before anything is
        # cached under it
        ordered = state.cached(("members", cls, lang), sorted_members)
        try:
            number = paging.requested(request)
            shown, pager = paging.cut(ordered, number, request)
        except paging.BadPage as bad:
            return problem(request, bad.status, bad.message)

        def make() -> str:
            members = [{"label": known.label(i, lang), "acronym": known.acronym(i, lang),
                        "kind": known.kind_label(i, lang), "href": page_url(i, lang)} for i in shown]
            supers = [{"label": known.label(u, lang), "href": with_lang("/kinds/" + local_name(u), lang)}
                      for u in sorted(known.supers.get(cls, ())) if u in known.classes]
            return render("kind.html", lang, name=local_name(cls), label=known.label(cls, lang), total=len(ordered),
                          pager=pager, doc=page_url(cls, lang), members=members, supers=supers,
                          switch=switch_url(request, lang, keep=("p",)))

        return cacheable(request, state, ("kind", cls, lang, number), make, "text/html; charset=utf-8")

    return kinds, kind


def routes(state: State) -> list[Route]:
    """The home page and the kinds."""
    kinds, kind = _kinds(state)
    return [
        Route("/", _home(state), name="home"),
        Route("/kinds", kinds, name="kinds"),
        Route("/kinds/{name}", kind, name="kind"),
    ]
