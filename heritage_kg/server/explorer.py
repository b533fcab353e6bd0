"""The network explorer: the organisations and the ties between them, drawn in the browser.

``/network`` draws every organisation and the ties of the kinds the tie-kind table marks as
drawn in the network (``hkg:drawnInNetwork``); ``with=people``, ``with=instruments`` and
``with=programmes`` add those, through posts and signatures, mandates, and who runs, funds or
hosts a programme. Its state is all in the address, so a view can be shared:

- ``kind=agreement&kind=founding``: only these kinds of tie (default: all);
- ``type=IntergovernmentalOrganisation``: only these kinds of organisation (default: all);
- ``asOf=1995-06-01`` (a day, a month or a year), or ``year=1995`` for short: the network as it
  stood then, by the rules of the named query ``as-of`` (docs/data-model.md): ties begun later,
  ties ended before, and organisations founded later hidden; undated ties kept and marked;
- ``around=icom&steps=2``: only what is within two ties of ICOM (several, comma-separated);
- ``focus=icom``: the organisation selected, centred and summarised.

The server draws nothing: it sends the elements (capped at `NODE_LIMIT` organisations, those
with the most ties first, and says how many it left out) and which of them the filters show,
and lists what is shown as text, which is the page for a reader without the picture.
``/network.json`` answers the same question for the page's script as it changes a filter;
``/network/about/{slug}`` is the summary of one node.
"""

from __future__ import annotations

import datetime
import heapq
import json
from collections import deque
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import asof, network
from ..errors import UsageError
from ..names import Names, fold, local_name
from ..periods import Period, period
from ..project import ENTITY_NS, ONTOLOGY_NS
from ..ties import DASHES
from ..words import TEXT, said
from .negotiation import not_modified
from .site import authored_graph, etag, lang_of, page_url, problem, render, sentences, switch_url
from .state import State, names

#: Most nodes sent to the page: a larger graph is cut to those with the most ties, and says so.
NODE_LIMIT = 300
#: Most ties sent with them.
EDGE_LIMIT = 1500
#: Most steps ``around`` may reach.
MAX_STEPS = 4
GROUPS = {ONTOLOGY_NS + "Organisation": "organisation", ONTOLOGY_NS + "OrganisationalUnit": "unit",
          ONTOLOGY_NS + "Person": "person", ONTOLOGY_NS + "LegalInstrument": "instrument",
          ONTOLOGY_NS + "Programme": "programme", ONTOLOGY_NS + "Project": "programme"}
EXTRAS = ("people", "instruments", "programmes")


class BadView(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Universe:
    """Every line the network can draw with these extras, and what the filters need to know of
    each node: built once per process and set of extras."""

    edges: list[network.Edge]
    founded: dict[str, int]
    degree: dict[str, int] = field(default_factory=dict)


@dataclass
class View:
    """The elements sent to the page: nodes and edges (each edge a line of one tie), and how
    many were left out by the cap."""

    nodes: list[str]
    edges: list[network.Edge]
    left_out: int
    kinds: list[str]
    types: list[str]


@dataclass(frozen=True)
class Filters:
    """What the address asks for: kinds of tie and of organisation (None for all), a year, the
    extras, the organisations to draw around and how far, and the one selected."""

    kinds: frozenset[str] | None
    types: frozenset[str] | None
    year: int | None
    extras: tuple[str, ...]
    around: tuple[str, ...]
    steps: int
    focus: str | None
    #: The date asked for (``asOf``, or ``year`` as its shorthand), whose year is ``year``.
    as_of: Period | None = None


def group_of(known: Names, iri: str) -> str:
    for cls, group in GROUPS.items():
        if cls in known.types.get(iri, ()):
            return group
    return "other"


def universe(state: State, extras: tuple[str, ...]) -> Universe:
    def make() -> Universe:
        store, known = authored_graph(state), names(state)
        wanted = [k for k in known.ties.network()]
        for extra in extras:
            wanted += [known.ties.by_key[key] for key in network.EXTRAS.get(extra, ()) if key in known.ties.by_key]
        edges = network.edges(store, wanted, programmes=known.ties.activity_links() if "programmes" in extras else ())
        found = Universe(edges, network.founded(store, known.ties))
        for e in edges:
            for n in (e.source, e.target):
                found.degree[n] = found.degree.get(n, 0) + 1
        return found
    return state.cached(("network:universe", extras), make)


def view(state: State, filters: Filters) -> View:
    """The nodes and edges sent for ``filters``' extras and neighbourhood: every organisation
    (or every one within reach of ``around``), and every node the edges reach. Past
    `NODE_LIMIT` nodes, the picture is grown from the best-connected one, adding the
    best-connected neighbour each time (so that what is drawn hangs together), or, around
    organisations, the nearest first; past `EDGE_LIMIT` ties, each node in turn keeps one more."""
    def make() -> View:
        known, every = names(state), universe(state, filters.extras)
        if filters.around:
            distance = network.reach(every.edges, list(filters.around), filters.steps)
        else:
            distance = {i: 0 for i in known.instances.get(ONTOLOGY_NS + "Organisation", []) if i.startswith(ENTITY_NS)}
            for e in every.edges:
                distance.setdefault(e.source, 0)
                distance.setdefault(e.target, 0)
        rank = {n: (distance[n], -every.degree.get(n, 0), fold(known.label(n)), n) for n in distance}
        adjacent: dict[str, list[network.Edge]] = {}
        for e in every.edges:
            if e.source in rank and e.target in rank:
                adjacent.setdefault(e.source, []).append(e)
                adjacent.setdefault(e.target, []).append(e)
        kept = _grown(rank, adjacent) if len(rank) > NODE_LIMIT and not filters.around else \
            sorted(rank, key=rank.__getitem__)[:NODE_LIMIT]
        nodes = sorted(kept, key=lambda n: (fold(known.short_label(n)), n))
        kinds = sorted({e.kind for e in every.edges})
        types = sorted({k for n in nodes if group_of(known, n) in ("organisation", "unit") for k in known.kinds(n)},
                       key=lambda k: fold(known.label(k)))
        return View(nodes, _shared(kept, adjacent), max(0, len(rank) - len(kept)), kinds, types)
    # a neighbourhood is one of very many: made when asked, not kept
    return state.cached(("network:view", filters.extras, filters.around, filters.steps), make,
                        keep=lambda _: not filters.around)


def _grown(rank: dict[str, tuple], adjacent: dict[str, list[network.Edge]]) -> list[str]:
    """`NODE_LIMIT` nodes grown from the best-ranked: each step adds the best-ranked neighbour
    of what is kept, or, when nothing more is reached, the best-ranked node left."""
    kept: list[str] = []
    chosen: set[str] = set()
    left = iter(sorted(rank, key=rank.__getitem__))
    frontier: list[tuple] = []
    while len(kept) < NODE_LIMIT:
        while frontier and frontier[0][1] in chosen:
            heapq.heappop(frontier)
        if frontier:
            node = heapq.heappop(frontier)[1]
        else:
            node = next((n for n in left if n not in chosen), None)
            if node is None:
                break
        kept.append(node)
        chosen.add(node)
        for e in adjacent.get(node, ()):
            other = e.target if e.source == node else e.source
            if other not in chosen:
                heapq.heappush(frontier, (rank[other], other))
    return kept


def _shared(kept: list[str], adjacent: dict[str, list[network.Edge]]) -> list[network.Edge]:
    """The ties between kept nodes, up to `EDGE_LIMIT`: each node in turn (in the order kept)
    takes its next tie, so that no node is left bare while another keeps hundreds."""
    inside = set(kept)
    queues = {n: deque(e for e in adjacent.get(n, ()) if e.source in inside and e.target in inside) for n in kept}
    taken: dict[network.Edge, None] = {}
    while len(taken) < EDGE_LIMIT and any(queues.values()):
        for n in kept:
            queue = queues[n]
            while queue and queue[0] in taken:
                queue.popleft()
            if queue and len(taken) < EDGE_LIMIT:
                taken[queue.popleft()] = None
    return sorted(taken, key=lambda e: (e.kind, e.source, e.target, e.label, e.tie or ""))


def shown(state: State, v: View, filters: Filters) -> tuple[list[str], list[int], set[int]]:
    """Which nodes and edges (by index) the filters show, and which of those edges are undated
    while a year is chosen."""
    known, every = names(state), universe(state, filters.extras)
    year = filters.year

    def node_passes(n: str) -> bool:
        if group_of(known, n) in ("organisation", "unit") and filters.types is not None \
                and not filters.types.intersection(known.kinds(n)):
            return False
        return year is None or every.founded.get(n, year) <= year

    passing = {n for n in v.nodes if node_passes(n)}
    # as of a date: the rules of the named query as-of, for every tie at once (a tie written as
    # one property has no dates; a programme's line is dated by the programme)
    statuses = None if filters.as_of is None else state.cached(
        ("as-of", filters.as_of), lambda: asof.statuses(state.store, state.project.folder("queries"), None, filters.as_of),
        keep=lambda _: _on_the_slider(filters.as_of, every))
    edges, undated = [], set()
    for index, e in enumerate(v.edges):
        if filters.kinds is not None and e.kind not in filters.kinds:
            continue
        if e.source not in passing or e.target not in passing:
            continue
        if statuses is not None:
            # as the pages do: a tie written as one property is dated by its subject where that
            # is dated (a programme); one the query does not know (a unit) is undated
            status = statuses.get(e.tie or e.source, asof.UNDATED)
            if status not in (asof.HOLDS, asof.UNDATED):
                continue
            if status == asof.UNDATED:
                undated.add(index)
        edges.append(index)
    touched = {n for i in edges for n in (v.edges[i].source, v.edges[i].target)}
    nodes = [n for n in v.nodes if n in passing and (group_of(known, n) == "organisation" or n in touched)]
    return nodes, edges, undated


def _on_the_slider(when: Period, every: Universe) -> bool:
    """Whether the answer for ``when`` is kept: a year the slider can show (from the first
    founding to this year), so that the kept answers are few however many dates are asked."""
    first = min(every.founded.values(), default=1900)
    return len(when.text) == 4 and first <= when.year <= _this_year()


def parse(state: State, request: Request) -> Filters:
    """The filters the address asks for.

    Raises:
        BadView: a kind, type, extra, year, organisation or step count that is not one.
    """
    params, known = request.query_params, names(state)

    def chosen(name: str, allowed) -> frozenset[str] | None:
        """The values of ``name``: None where it is not given (all), none at all for "none"."""
        values = [v for raw in params.getlist(name) for v in raw.split(",") if v]
        if values == ["none"]:
            return frozenset()
        for v in values:
            if v not in allowed:
                raise BadView(400, said("error_choose_from", name=name, given=repr(v[:40]), allowed=", ".join(sorted(allowed))))
        return frozenset(values) if values else None

    extras = tuple(sorted(chosen("with", EXTRAS) or ()))
    kinds = chosen("kind", _kind_keys(known))
    types = chosen("type", _type_names(known))
    year = when = None
    if params.get("year"):
        text = params["year"]
        if not (text.isdigit() and 1 <= int(text) <= 9999):
            raise BadView(400, said("error_year", given=repr(text[:20])))
        year = int(text)
        when = Period(f"{year:04d}")
    if params.get("asOf"):  # a day, a month or a year; the year slider shows its year
        try:
            when = period(params["asOf"], "asOf")
        except UsageError:
            raise BadView(400, said("error_bad_date", name="asOf", given=repr(params["asOf"][:40]))) from None
        year = when.year
    around = tuple(resolve(known, slug, "around") for raw in params.getlist("around") for slug in raw.split(",") if slug)
    steps_text = params.get("steps", "1")
    if not (steps_text.isdigit() and 1 <= int(steps_text) <= MAX_STEPS):
        raise BadView(400, said("error_steps", given=repr(steps_text[:20]), most=MAX_STEPS))
    focus = resolve(known, params["focus"], "focus") if params.get("focus") else None
    return Filters(kinds, None if types is None else frozenset(ONTOLOGY_NS + t for t in types), year, extras,
                   tuple(sorted(set(around))), int(steps_text), focus, when)


def _kind_keys(known: Names) -> set[str]:
    """The kinds of tie the address may name: the table's, and the line of a programme."""
    return {k.key for k in known.ties.kinds} | {"programme"}


def _type_names(known: Names) -> set[str]:
    """The kinds of organisation the address may name, by local name."""
    return {local_name(k) for cls in ("Organisation", "OrganisationalUnit")
            for n in known.instances.get(ONTOLOGY_NS + cls, []) for k in known.kinds(n)}


def resolve(known: Names, text: str, name: str) -> str:
    """An organisation named by its slug, or by a name or acronym in either language."""
    if ENTITY_NS + text in known.subjects:
        return ENTITY_NS + text
    wanted = fold(text)
    matches = sorted({iri for iri, by_lang in (*known.labels.items(), *known.acronyms.items())
                      if iri.startswith(ENTITY_NS) and any(fold(v) == wanted for vs in by_lang.values() for v in vs)})
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise BadView(400, said("error_names_several", name=name, given=repr(text[:40]),
                                listed=", ".join(local_name(m) for m in matches[:5])))
    raise BadView(404, said("error_parameter_nothing", name=name, given=repr(text[:40])))


def _edge_text(state: State, e: network.Edge, lang: str) -> str:
    """The tie an edge draws, as a sentence (made once per tie and language)."""
    def make() -> str:
        said, known = sentences(state), names(state)
        sentence = said.tie(e.tie, lang, first=e.source) if e.tie else \
            said.direct(e.kind, e.source, e.target, lang) if e.kind in known.ties.by_key else None
        if sentence is not None:
            return sentence.text
        return f"{known.short_label(e.source, lang)} — {edge_label(known, e, lang)} — {known.short_label(e.target, lang)}"
    return state.cached(("network:text", e.tie or (e.kind, e.source, e.target), lang), make)


def edge_label(known: Names, e: network.Edge, lang: str) -> str:
    if e.variety:
        return str(known.label(e.variety, lang))
    kind = known.ties.by_key.get(e.kind)
    if kind is not None:
        return kind.word(lang)
    return e.label


def elements(state: State, v: View, lang: str) -> dict:
    """The view as Cytoscape elements (data only; the page's script styles them). The ties of
    one kind between the same two nodes draw as one line, which lists them (``ties``): between
    two hubs of a large graph there may be hundreds."""
    known = names(state)
    nodes = [{"data": {"id": local_name(n), "label": str(known.short_label(n, lang)), "name": str(known.label(n, lang)),
                       "group": group_of(known, n), "href": page_url(n, lang) or ""}} for n in v.nodes]
    lines: dict[tuple, list[int]] = {}
    for i, e in enumerate(v.edges):
        lines.setdefault((e.kind, e.source, e.target), []).append(i)
    edges = []
    for n, ((kind, source, target), ties) in enumerate(lines.items()):
        first = v.edges[ties[0]]
        edges.append({"data": {"id": f"line{n}", "source": local_name(source), "target": local_name(target), "kind": kind,
                               "label": edge_label(known, first, lang), "ties": [f"e{i}" for i in ties],
                               "href": (page_url(first.tie, lang) if first.tie else page_url(source, lang)) or ""}})
    return {"nodes": nodes, "edges": edges}


def legend(state: State, v: View, lang: str, filters: Filters) -> list[dict]:
    """The kinds of tie of the view, with their colour, line and direction, and whether shown."""
    known, out = names(state), []
    for key in v.kinds:
        kind = known.ties.by_key.get(key)
        word = kind.word(lang) if kind else TEXT[lang]["network_programme_link"]
        colour, line, directed = (kind.colour, kind.line, kind.directed) if kind else ("#555555", "dotted", True)
        out.append({"key": key, "word": word, "colour": colour, "line": line, "directed": directed,
                    "dash": DASHES.get(line, ""), "width": 4 if line == "bold" else 2,
                    "checked": filters.kinds is None or key in filters.kinds})
    return out


def text(state: State, v: View, filters: Filters, lang: str) -> dict:
    """What the filters show, as lists: the text alternative of the picture."""
    known = names(state)
    nodes, edge_indexes, undated = shown(state, v, filters)
    t = TEXT[lang]
    return {
        "nodes": [{"id": local_name(n), "label": str(known.label(n, lang)), "href": page_url(n, lang) or "",
                   "kind": known.kind_label(n, lang)} for n in nodes],
        "edges": [{"id": f"e{i}", "text": _edge_text(state, v.edges[i], lang) + (f" ({t['network_undated']})" if i in undated else ""),
                   "href": page_url(v.edges[i].tie, lang) if v.edges[i].tie else ""} for i in edge_indexes],
        "undated": [f"e{i}" for i in sorted(undated)],
    }


def offline(state: State, v: View, filters: Filters, lang: str) -> dict:
    """What the static site's script (``static/offline-network.js``) needs to show what `shown`
    shows for any filters, in the browser, over this view: each node's group, kinds and founding
    year; each tie's kind, sides and dates as the named query ``as-of`` reads them (start, end,
    a figure's replacement), by the index of its line in the lists; whether the view is the
    whole graph (then a neighbourhood drawn from it is the server's); and the words of its
    errors."""
    known, every = names(state), universe(state, filters.extras)
    spans = state.cached("as-of:spans", lambda: asof.spans(state.store, state.project.folder("queries")))
    nodes = {local_name(n): {"group": group_of(known, n), "types": sorted(local_name(k) for k in known.kinds(n)),
                             "founded": every.founded.get(n)} for n in v.nodes}
    ties = [{"kind": e.kind, "source": local_name(e.source), "target": local_name(e.target),
             "span": spans.get(e.tie or e.source)} for e in v.edges]
    t = TEXT[lang]
    return {"extras": list(filters.extras), "whole": v.left_out == 0, "nodes": nodes, "ties": ties, "most_steps": MAX_STEPS,
            "allowed": {"kind": sorted(_kind_keys(known)), "type": sorted(_type_names(known)), "with": list(EXTRAS)},
            "words": {key: t[key] for key in ("error_bad_date", "error_choose_from", "error_year", "error_steps",
                                              "error_parameter_nothing", "error_names_several", "network_around",
                                              "network_steps", "network_whole", "network", "network_static_part")}}


def summary(state: State, iri: str, lang: str) -> dict:
    """A node's names, kind, founding year and first few statements, for the explorer's panel."""
    known, said = names(state), sentences(state)
    labels = [{"lang": code, "text": value} for code, values in sorted(known.labels.get(iri, {}).items()) for value in values[:1]]
    acronyms = sorted({a for values in known.acronyms.get(iri, {}).values() for a in values})
    statements = [s.text for s in said.about(iri, lang)][:5]
    founded = universe(state, ()).founded.get(iri)
    return {"id": local_name(iri), "label": str(known.label(iri, lang)), "names": labels, "acronyms": acronyms,
            "kind": known.kind_label(iri, lang), "founded": founded, "statements": statements,
            "href": page_url(iri, lang) or ""}


def handlers(state: State) -> dict:
    def answer(request: Request, make, media: str) -> Response:
        tag = etag(state, request.url.path, request.url.query, lang_of(request))
        headers = {"ETag": tag, "Cache-Control": "no-cache", "Vary": "Accept, Accept-Language"}
        if not_modified(request.headers.get("if-none-match"), tag):
            return Response(status_code=304, headers=headers)
        return Response(make(), media_type=media, headers=headers)

    def page(request: Request) -> Response:
        lang = lang_of(request)
        try:
            filters = parse(state, request)
            v = view(state, filters)
        except BadView as bad:
            return problem(request, bad.status, bad.message)

        def make() -> str:
            known = names(state)
            listed = text(state, v, filters, lang)
            data = {"elements": elements(state, v, lang), "shown": listed, "words": _script_words(lang),
                    "kinds": legend(state, v, lang, filters), "focus": local_name(filters.focus) if filters.focus else None,
                    "lang": lang}
            if state.settings.offline:
                data["offline"] = offline(state, v, filters, lang)
            years = sorted(y for y in universe(state, filters.extras).founded.values())
            types = [{"name": local_name(c), "label": known.label(c, lang),
                      "checked": filters.types is None or c in filters.types} for c in v.types]
            return render("network.html", lang, data=data, listed=listed, kinds=data["kinds"], types=types, filters=filters,
                          extras=[{"key": e, "word": TEXT[lang]["network_with_" + e], "checked": e in filters.extras} for e in EXTRAS],
                          first_year=min(years, default=1900), last_year=_this_year(),
                          around=[{"id": local_name(a), "label": known.label(a, lang), "href": page_url(a, lang)} for a in filters.around],
                          left_out=v.left_out, limit=NODE_LIMIT,
                          switch=switch_url(request, lang, keep=("kind", "type", "with", "year", "around", "steps", "focus")))

        return answer(request, make, "text/html; charset=utf-8")

    def as_json(request: Request) -> Response:
        lang = lang_of(request)
        try:
            filters = parse(state, request)
            v = view(state, filters)
        except BadView as bad:
            return JSONResponse({"error": bad.message}, status_code=bad.status)
        return answer(request, lambda: json.dumps({"shown": text(state, v, filters, lang), "left_out": v.left_out},
                                                  ensure_ascii=False), "application/json")

    def about(request: Request) -> Response:
        lang = lang_of(request)
        iri = ENTITY_NS + request.path_params["slug"]
        if iri not in names(state).subjects:
            return JSONResponse({"error": f"{request.path_params['slug'][:40]!r}: nothing in the graph is called so"},
                                status_code=404)
        return answer(request, lambda: json.dumps(summary(state, iri, lang), ensure_ascii=False), "application/json")

    return {"network": page, "network-data": as_json, "network-about": about}


def _this_year() -> int:
    return datetime.date.today().year


def _script_words(lang: str) -> dict:
    t = TEXT[lang]
    return {key: t[key] for key in ("network_summary_names", "network_summary_founded", "network_summary_page",
                                    "network_expand", "network_only_around", "network_undated", "network_close",
                                    "network_focus_button", "network_counts", "colon")}
