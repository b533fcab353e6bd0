"""The browse pages: the home page, the index of kinds, and each kind's members."""

from __future__ import annotations

from collections import defaultdict

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..names import STATEMENT_CLASSES, Names, fold, local_name
from ..project import ENTITY_NS, ONTOLOGY_NS, VOCAB_NS
from ..words import TEXT
from . import paging
from .site import cacheable, lang_of, page_url, problem, render, switch_url, with_lang
from .state import State, names


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
