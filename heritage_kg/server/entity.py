"""Entity and concept IRIs: 303 redirects to their documents, the documents, and the pages' routes.

An entity IRI (``/id/{slug}``) or a concept IRI (``/vocab/{scheme}/{concept}``) answers ``303 See
Other`` with ``Vary: Accept``: to ``/page/...`` for HTML clients, to ``/data/...{.ttl,.jsonld,.nt,.rdf}``
for RDF clients (why: docs/server.md). ``/data/...`` holds the node's concise bounded description
(its statements, its blank nodes' and those pointing at it); ``/page/...`` shows the graph as
written in ``data/``, without the materialised standard-vocabulary triples, in both directions.
"""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from ..asof import HOLDS, UNDATED
from ..asof import statuses as asof_statuses
from ..errors import UsageError
from ..jsonld import embedded_jsonld
from ..periods import Period, period
from ..project import ENTITY_NS, VOCAB_NS
from ..serialise import serialise_triples
from ..words import TEXT, said
from . import paging
from .entitypage import View
from .negotiation import DATA_FORMATS, OFFERS, choose
from .site import (CACHE_CONTROL, already_cached, authored_graph, cacheable, lang_of, problem, render, sentences,
                   switch_url, with_lang)
from .state import State, names


def resource_iri(key: str) -> str | None:
    """The IRI a path key stands for: ``icom`` or ``vocab/topics/conservation``."""
    if key.startswith("vocab/") and len(key) > 6:
        return VOCAB_NS + key[6:]
    if key and "/" not in key:
        return ENTITY_NS + key
    return None


def description(store: ox.Store, iri: str, incoming: bool = True) -> list[ox.Triple]:
    """The concise bounded description of ``iri``, plus (``incoming``) the triples of named nodes
    pointing at it. Blank nodes pointing at it (evidence citing a source) are left out: without
    their owner they would say nothing."""
    node = ox.NamedNode(iri)
    out: list[ox.Triple] = []
    todo, seen = [node], {node}
    while todo:
        for quad in store.quads_for_pattern(todo.pop(), None, None):
            out.append(quad.triple)
            if isinstance(quad.object, ox.BlankNode) and quad.object not in seen:
                seen.add(quad.object)
                todo.append(quad.object)
    if incoming:
        out.extend(q.triple for q in store.quads_for_pattern(None, None, node)
                   if isinstance(q.subject, ox.NamedNode) and q.subject != node)
    return out


# -- routes -------------------------------------------------------------------------------------

def handlers(state: State) -> dict:
    def existing(key: str) -> str | None:
        iri = resource_iri(key)
        return iri if iri is not None and iri in names(state).subjects else None

    def redirect(request: Request, key: str) -> Response:
        if existing(key) is None:
            return problem(request, 404, said("error_nothing_called", name=repr(key)))
        chosen = choose(request.headers.get("accept"), list(OFFERS))
        if chosen is None:
            listed = ", ".join(dict.fromkeys(OFFERS))
            return problem(request, 406, said("error_not_acceptable", types=listed), {"Vary": "Accept"})
        target = OFFERS[chosen]
        # the page in the language asked for, else at its plain address, whose language is the browser's
        asked = request.query_params.get("lang")
        page = with_lang(f"/page/{key}", asked) if asked in TEXT else f"/page/{key}"
        location = page if target == "html" else f"/data/{key}{target}"
        return Response(status_code=303, headers={"Location": location, "Vary": "Accept", "Cache-Control": CACHE_CONTROL})

    async def entity_iri(request: Request) -> Response:
        return redirect(request, request.path_params["slug"])

    async def concept_iri(request: Request) -> Response:
        return redirect(request, "vocab/" + request.path_params["rest"])

    def data(request: Request) -> Response:
        name = request.path_params["name"]
        suffix = next((s for s in DATA_FORMATS if name.endswith(s)), None)
        key = name[: -len(suffix)] if suffix else name
        iri = existing(key) if suffix else None
        if iri is None:
            return problem(request, 404, said("error_no_document", path="/data/" + name, suffixes=", ".join(DATA_FORMATS)))
        spec = DATA_FORMATS[suffix]

        def make() -> bytes:
            return serialise_triples(description(state.store, iri), spec.name).encode("utf-8")

        return cacheable(request, state, ("data", iri, spec.name), make, f"{spec.media_type}; charset=utf-8",
                         {"Access-Control-Allow-Origin": "*"})

    def page(request: Request) -> Response:
        key = request.path_params["key"]
        iri = existing(key)
        if iri is None:
            return problem(request, 404, said("error_nothing_called", name=repr(key)))
        lang = lang_of(request)
        view = View(names(state), authored_graph(state), iri, lang, sentences(state))
        asked = request.query_params.get("asOf")
        try:
            when = period(asked, "asOf") if asked is not None else None
        except UsageError:
            return problem(request, 400, said("error_bad_date", name="asOf", given=repr(asked[:40])))
        try:
            number = paging.requested(request)
            cache_key = ("page", iri, lang, number) + ((when.text,) if when is not None else ())
            if already_cached(state, cache_key):
                # made before, when its number was checked: the list is not needed again
                found = shown = pager = None
            else:
                # checked before anything is kept under the page's number
                found = incoming(state, view)
                if when is not None:
                    found = as_of(state, view, found, when)
                shown, pager = paging.cut(found[0], number, request, keep=("asOf",), per=paging.TIES_PER_PAGE)
        except paging.BadPage as bad:
            return problem(request, bad.status, bad.message)

        def make() -> str:
            built = view.build(key, embedded_jsonld(state.store, iri), found, shown, pager, when)
            return render("entity.html", lang, e=built, switch=switch_url(request, lang, keep=("p", "asOf")))

        # a page as of a date is made each time: the dates a client may ask for are without end
        return cacheable(request, state, cache_key, make, "text/html; charset=utf-8", keep=when is None)

    return {"entity-iri": entity_iri, "concept-iri": concept_iri, "entity-data": data, "entity-page": page}


def as_of(state: State, view: View, found: tuple, when: Period) -> tuple:
    """What `incoming` found, with only the ties that held as of ``when``, and after them, marked,
    those the sources do not date (a tie written as one property has no dates: undated)."""
    statuses = asof_statuses(state.store, state.project.folder("queries"), view.iri, when)
    heads, *rest = found
    # a tie written as one property is dated by its subject where that is dated (a programme
    # run by the node); one the query does not know (a unit) is undated: shown apart, not dropped
    status = [statuses.get(head["iri"], UNDATED) for head in heads]
    held = [head for head, s in zip(heads, status) if s == HOLDS]
    undated = [{**head, "undated": True} for head, s in zip(heads, status) if s == UNDATED]
    return (held + undated, *rest)


def incoming(state: State, view: View) -> tuple[list[dict], list[dict], list[dict]]:
    """What points at the view's node (`View.incoming`), kept per node and language when its ties
    fill more than one page, so that each page of a hub's ties is cut from the same list. A
    smaller list is made with its only page: kept for every node, these lists held most of the
    objects the garbage collector walks, and its pauses grew with them (docs/scaling.md)."""
    return state.cached(("incoming", view.iri, view.lang), view.incoming,
                        keep=lambda found: len(found[0]) > paging.TIES_PER_PAGE)


#: Entities and concepts that more than a page of named subjects point at: the candidates for
#: hubs (the evidence citing a source is left out, as blank nodes).
_CROWDED = f"""
SELECT ?node WHERE {{
  ?subject ?p ?node .
  FILTER(isIRI(?subject) && isIRI(?node) && (STRSTARTS(STR(?node), "{ENTITY_NS}") || STRSTARTS(STR(?node), "{VOCAB_NS}")))
}}
GROUP BY ?node HAVING (COUNT(DISTINCT ?subject) > {paging.PER_PAGE})
"""


def warm_hubs(state: State) -> None:
    """Work out, at start-up, the English ties of the nodes with more than a page of them. At 1M
    triples a hub's first view took up to a second, and every request that came meanwhile
    waited for the interpreter. (The French ones are worked out on their first view.)"""
    known, store, said = names(state), authored_graph(state), sentences(state)
    for row in store.query(_CROWDED):
        incoming(state, View(known, store, row[0].value, "en", said))
