"""The timeline: everything dated on one time axis, drawn on the server as SVG.

``/timeline`` shows the foundings, agreements, memberships, events, instruments, programmes and
figures of the graph, grouped by kind, each at its date as the source gives it (a day, a year, a
start that still holds); ``?organisation=icom`` keeps what an organisation takes part in;
``?from=1990&to=2000`` zooms to those years (or months, ``2022-01``, or days, ``2022-01-31``); ``?group=organisation`` groups by organisation rather
than by kind. Each mark links to its page, and its tooltip (an SVG
``<title>``, shown on hover and read on focus) says it as a sentence with its sources.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ..evidence import evidence_of
from ..names import AGENT_CLASSES
from ..project import ENTITY_NS, ONTOLOGY_NS
from ..words import DEFAULT, GROUPS, TEXT
from .site import authored_graph, cacheable, lang_of, page_url, problem, render, sentences, switch_url, with_lang
from .state import State, names

#: Most marks drawn at once; a wider view says how many it left out.
MARK_LIMIT = 400
WIDTH, LEFT, RIGHT, ROW, TOP = 900, 12, 12, 22, 28
_DATE = re.compile(r"(-?\d{4})(?:-(\d\d))?(?:-(\d\d))?")
_ONGOING = ("since", "since-event", "for-more-than")


@dataclass(frozen=True)
class Mark:
    """A dated node: when it starts (and ends), whether it still holds, its group, and the
    organisations and people it involves."""

    iri: str
    start: str
    end: str | None
    ongoing: bool
    group: str
    involves: frozenset[str]

    @property
    def year(self) -> float:
        return _year(self.start)


def _year(text: str) -> float:
    """A date as a year with its fraction: "2022-01-31" is 2022 and 30/365."""
    year, month, day = _DATE.match(text).groups()
    return _at(int(year), int(month or 1), int(day or 1)) if month else float(year)


def _at(year: int, month: int = 1, day: int = 1) -> float:
    if not 1 <= year <= 9999:
        return float(year)
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days if year < 9999 else 365
    return year + (date(year, month, day) - date(year, 1, 1)).days / days


def _day(at: float) -> date:
    """The day at a year with its fraction (the inverse of `_at`)."""
    year = math.floor(at)
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    return date(year, 1, 1) + timedelta(days=round((at - year) * days))


def marks(state: State) -> list[Mark]:
    """Every node dated with a year, oldest first; built once per process."""
    def make() -> list[Mark]:
        store, known, said = authored_graph(state), names(state), sentences(state)
        date_of: dict[str, str] = {}
        for p in ("startDate", "date"):  # a start wins over a date
            for quad in store.quads_for_pattern(None, ox.NamedNode(ONTOLOGY_NS + p), None):
                if isinstance(quad.subject, ox.NamedNode) and _DATE.match(quad.object.value):
                    date_of.setdefault(quad.subject.value, quad.object.value)
        found = []
        for iri, start in date_of.items():
            if not iri.startswith(ENTITY_NS):
                continue
            values: dict[str, list] = {}
            for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None):
                values.setdefault(quad.predicate.value, []).append(quad.object)
            end = next((o.value for o in values.get(ONTOLOGY_NS + "endDate", ()) if _DATE.match(o.value)), None)
            qualifier = next((o.value.rsplit("/", 1)[-1] for o in values.get(ONTOLOGY_NS + "temporalQualifier", ())), "")
            kind = known.ties.of(known.types.get(iri, ()))
            if kind is not None:
                variety = next((o.value for p in known.ties.kind_properties for o in values.get(p, ())), None)
                group = said.group(kind, variety)
            else:
                group = "kind:" + ",".join(known.kinds(iri))
            involves = {o.value for p, objects in values.items() for o in objects
                        if isinstance(o, ox.NamedNode) and known.is_a(o.value, AGENT_CLASSES)}
            if known.is_a(iri, AGENT_CLASSES):
                involves.add(iri)
            mark = Mark(iri, start, end, qualifier in _ONGOING, group, frozenset(involves))
            try:
                mark.year, _year(end) if end else None
            except ValueError:  # a day that is none (2022-02-30): validation reports it; the timeline leaves it out
                continue
            found.append(mark)
        return sorted(found, key=lambda m: (m.year, m.iri))
    return state.cached("timeline:marks", make)


def _short(label: str, limit: int = 56) -> str:
    """A name cut to fit beside its mark; the whole of it is in the mark's tooltip."""
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def _ticks(lo: float, hi: float, write, lang: str) -> list[tuple[float, str]]:
    """Where the axis is marked, and what it says there: years over a wide span, months over a
    few months, days over a few weeks."""
    span = hi - lo
    if span >= 3:
        step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if span / s <= 12)
        start = math.ceil(lo / step) * step
        return [(float(y), str(y)) for y in range(start, math.ceil(hi), step)]
    if span >= 2 / 12:
        step = next(s for s in (1, 2, 3, 6) if span * 12 / s <= 12)
        out, year, month = [], math.floor(lo), 1
        while _at(year, month) < hi:
            if _at(year, month) >= lo and (month - 1) % step == 0:
                out.append((_at(year, month), write.month(year, month, lang)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out
    step = next(s for s in (1, 2, 7, 14) if span * 365 / s <= 12)
    out, day = [], _day(lo)
    while _at(day.year, day.month, day.day) < hi:
        if _at(day.year, day.month, day.day) >= lo:
            out.append((_at(day.year, day.month, day.day), write.day(day, lang)))
        day += timedelta(days=step)
    return out


def _bounds(text: str, end: bool) -> float:
    """A year, month or day given as a bound: its start, or (``end``) the start of what follows it."""
    match = _DATE.fullmatch(text)
    year, month, day = match.groups()
    date(int(year) if int(year) > 0 else 1, int(month or 1), int(day or 1))  # a month or day that is none raises
    if not end:
        return _year(text)
    if month is None:
        return float(int(year) + 1)
    if day is None:
        return _at(int(year) + int(month) // 12, int(month) % 12 + 1)
    following = date(int(year), int(month), int(day)) + timedelta(days=1)
    return _at(following.year, following.month, following.day)


def _group_heading(key: str, lang: str, state: State) -> str:
    if key.startswith("who:"):
        return str(names(state).label(key[4:], lang))
    if key.startswith("kind:"):
        known = names(state)
        return ", ".join(known.label(k, lang) for k in key[5:].split(",") if k) or key
    return GROUPS.get(lang, GROUPS[DEFAULT]).get(key, key)


def drawing(state: State, lang: str, organisation: str | None, lo: float | None, hi: float | None,
            by_organisation: bool = False) -> dict:
    """What timeline.html draws: groups of rows, each mark placed on the axis from ``lo`` to
    ``hi`` (years with their fractions; by default, all the years of the marks). The groups
    are the kinds of tie, or (``by_organisation``) the organisations and people, each with the
    marks it takes part in, those with the most first; a mark then shows in each of its groups."""
    chosen = [m for m in marks(state) if organisation is None or organisation in m.involves or m.iri == organisation]
    if lo is None:
        lo = float(math.floor(min((m.year for m in chosen), default=2000)))
    if hi is None:
        hi = float(math.floor(max((max(m.year, _year(m.end) if m.end else 0) for m in chosen), default=2020)) + 2)
    shown = [m for m in chosen if lo <= m.year < hi or (m.year < hi and ((m.end and _year(m.end) >= lo) or m.ongoing))]
    left_out = max(0, len(shown) - MARK_LIMIT)
    shown = shown[:MARK_LIMIT]
    x = _scale(lo, hi)
    rank = {g: n for n, g in enumerate(GROUPS[DEFAULT])}
    said, known = sentences(state), names(state)
    grouped: dict[str, list[dict]] = {}
    for m in shown:
        sentence = said.tie(m.iri, lang, first=organisation) if known.ties.of(known.types.get(m.iri, ())) else None
        text = sentence.text if sentence is not None else f"{known.label(m.iri, lang)} ({said.write.date(m.start, lang)[0]})"
        sources = sorted({str(known.label(e.source, lang)) + (f", {TEXT[lang]['line']} {e.line}" if e.line else "")
                          for e in evidence_of(authored_graph(state), ox.NamedNode(m.iri)) if e.source})
        row = {"href": page_url(m.iri, lang), "x": x(m.year), "x_end": x(_year(m.end)) if m.end else x(hi) if m.ongoing else None,
               "label": _short(str(known.label(m.iri, lang))), "when": said.write.date(m.start, lang)[0], "title": text,
               "sources": sources}
        keys = sorted("who:" + who for who in m.involves if who != organisation) if by_organisation else [m.group]
        for key in keys or ["who:" + (organisation or m.iri)]:
            grouped.setdefault(key, []).append(dict(row))
    order = (lambda g: (-len(grouped[g]), _group_heading(g, lang, state))) if by_organisation else \
        (lambda g: (rank.get(g, len(rank)), _group_heading(g, lang, state)))
    groups = [{"key": key, "heading": _group_heading(key, lang, state), **_stacked(grouped[key])}
              for key in sorted(grouped, key=order)]
    ticks = [{"year": text, "x": x(at)} for at, text in _ticks(lo, hi, said.write, lang)]
    return {"groups": groups, "ticks": ticks, "width": WIDTH, "first": math.floor(lo), "last": math.ceil(hi) - 1, "left_out": left_out,
            "total": len(shown) + left_out}


def _scale(lo: float, hi: float):
    """Where a year (with its fraction) falls across the drawing, kept inside it."""
    span = max(1 / 365, hi - lo)
    return lambda year: round(LEFT + (min(max(year, lo), hi) - lo) / span * (WIDTH - LEFT - RIGHT), 1)


def _stacked(rows: list[dict]) -> dict:
    """A group's rows one under the other, each label on the side of its mark with more room."""
    for n, row in enumerate(rows):
        row["y"] = TOP + n * ROW + ROW / 2
        row["anchor"] = "end" if row["x"] > WIDTH * 0.6 else "start"
        row["lx"] = row["x"] - 8 if row["anchor"] == "end" else row["x"] + 8
    return {"rows": rows, "height": TOP + len(rows) * ROW + 6}


def rows_drawing(state: State, given: list, lang: str) -> tuple[dict, dict, int]:
    """Rows of a query's results (each a label, a start, perhaps an end, perhaps a link to a page
    of this site) drawn as one group of the timeline, oldest first; and how many were left out.

    Raises:
        ValueError: rows that are not a list of such objects, or a start that is not a date.
    """
    if not isinstance(given, list):
        raise ValueError("rows must be a list")
    found = []
    for n, row in enumerate(given):
        if not isinstance(row, dict) or not isinstance(row.get("label", ""), str) or not isinstance(row.get("start"), str):
            raise ValueError(f"row {n + 1}: give a label and a start")
        start, end, href = row["start"], row.get("end"), row.get("href")
        if not _DATE.fullmatch(start) or (end is not None and not (isinstance(end, str) and _DATE.fullmatch(end))):
            raise ValueError(f"row {n + 1}: {str(start)[:20]!r} is not a year, month or day such as 1996, 1996-06 or 1996-06-06")
        try:
            at, until = _year(start), _year(end) if end else None
        except ValueError:
            raise ValueError(f"row {n + 1}: {start[:20]!r} is a day that does not exist") from None
        local = isinstance(href, str) and href.startswith("/") and not href.startswith("//")
        found.append((at, until, start, row.get("label", "")[:200], href if local else None))
    found.sort(key=lambda r: r[0])
    left_out = max(0, len(found) - MARK_LIMIT)
    found = found[:MARK_LIMIT]
    lo = float(math.floor(min((r[0] for r in found), default=2000)))
    hi = float(math.floor(max((max(r[0], r[1] or r[0]) for r in found), default=2020)) + 2)
    x, write = _scale(lo, hi), sentences(state).write
    rows = []
    for at, until, start, label, href in found:
        when = write.date(start, lang)[0]
        rows.append({"href": href, "x": x(at), "x_end": x(until) if until is not None else None, "label": _short(label),
                     "when": when, "title": f"{when}: {label}", "sources": []})
    ticks = [{"year": text, "x": x(at)} for at, text in _ticks(lo, hi, write, lang)]
    return {"ticks": ticks, "width": WIDTH}, _stacked(rows), left_out


def routes(state: State) -> list[Route]:
    def page(request: Request) -> Response:
        lang = lang_of(request)
        params = request.query_params
        organisation = None
        if params.get("organisation"):
            slug = params["organisation"]
            organisation = ENTITY_NS + slug
            if organisation not in names(state).subjects:
                return problem(request, 404, f"organisation={slug[:40]!r}: nothing in the graph is called so")
        bounds = []
        for name in ("from", "to"):
            text = params.get(name, "")
            try:
                bounds.append(_bounds(text, end=name == "to") if text else None)
            except (AttributeError, ValueError, OverflowError):
                return problem(request, 400, f"{name}={text[:20]!r}: give a year, a month or a day, such as 1996, 1996-06 or 1996-06-06")
        lo, hi = bounds
        if lo is not None and hi is not None and lo >= hi:
            return problem(request, 400, f"from={params['from'][:20]} is not before to={params['to'][:20]}")
        group = params.get("group", "kind")
        if group not in ("kind", "organisation"):
            return problem(request, 400, f"group={group[:20]!r}: the timeline groups by kind or by organisation")

        def make() -> str:
            drawn = drawing(state, lang, organisation, lo, hi, by_organisation=group == "organisation")
            base = {"organisation": params.get("organisation", ""), "group": "organisation" if group == "organisation" else ""}
            zoom = [{"text": text, "href": with_lang("/timeline?" + "&".join(f"{k}={v}" for k, v in {**base, **q}.items() if v), lang)}
                    for text, q in ((TEXT[lang]["timeline_all"], {}), ("1900–", {"from": "1900"}),
                                    ("1990–", {"from": "1990"}), ("2015–", {"from": "2015"}))]
            who = names(state).label(organisation, lang) if organisation else None
            plain = {"organisation": params.get("organisation", ""), "from": params.get("from", ""), "to": params.get("to", "")}
            grouping = [{"text": TEXT[lang]["timeline_by_" + g], "current": g == group,
                         "href": with_lang("/timeline?" + "&".join(f"{k}={v}" for k, v in {**plain, "group": g}.items() if v), lang)}
                        for g in ("kind", "organisation")]
            return render("timeline.html", lang, d=drawn, who=who, who_href=page_url(organisation, lang) if organisation else None,
                          zoom=zoom, grouping=grouping, organisation=params.get("organisation", ""), group=group,
                          from_text=params.get("from", ""), to_text=params.get("to", ""),
                          switch=switch_url(request, lang, keep=("organisation", "from", "to", "group")))

        return cacheable(request, state, ("timeline", lang, organisation, lo, hi, group), make, "text/html; charset=utf-8")

    async def draw(request: Request) -> Response:
        """POST /timeline/draw: the query page's timeline view, drawn as the timeline page is."""
        lang = lang_of(request)
        try:
            given = json.loads(await request.body())
            drawn, group, left_out = rows_drawing(state, given.get("rows") if isinstance(given, dict) else None, lang)
        except (ValueError, UnicodeDecodeError) as error:
            return PlainTextResponse(f"timeline: {error}\n", status_code=400)
        svg = render("_timeline_svg.html", lang, d=drawn, g=group, svg_label=TEXT[lang]["timeline"]).strip()
        return Response(svg, media_type="image/svg+xml", headers={"X-Left-Out": str(left_out), "Cache-Control": "no-store"})

    return [Route("/timeline", page, name="timeline"), Route("/timeline/draw", draw, methods=["POST"], name="timeline-draw")]
