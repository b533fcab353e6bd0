"""The timeline: everything dated, placed on one time axis, ready to draw as SVG.

The foundings, agreements, memberships, events, instruments, programmes and figures of the
graph, each at its date as the source gives it (a day, a year, a start that still holds),
grouped by kind of tie or by organisation, and cut to a window of years, months or days. The
server's ``/timeline`` page, the query page's timeline view and ``heritage-kg timeline`` draw
what `Timeline.drawing` and `Timeline.rows` return, with ``_timeline_svg.html``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import pyoxigraph as ox

from .evidence import evidence_of
from .names import AGENT_CLASSES, Names
from .project import ENTITY_NS, ONTOLOGY_NS
from .sentences import Sentences
from .words import DEFAULT, GROUPS, TEXT

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


class Timeline:
    """The dated nodes of a graph (found once, when it is made), and their drawings.

    ``link(iri, lang)`` gives the address a mark leads to: a page of the server, or the IRI
    itself in a file written for use elsewhere.
    """

    def __init__(self, store: ox.Store, names: Names, said: Sentences, link: Callable[[str, str], str | None]):
        self.store, self.names, self.said, self.link = store, names, said, link
        self.marks = self._find()
        #: Each organisation's or person's marks, oldest first: what its own timeline draws.
        self.of: dict[str, list[Mark]] = {}
        for m in self.marks:
            for who in m.involves | {m.iri}:
                self.of.setdefault(who, []).append(m)

    def _find(self) -> list[Mark]:
        """Every node dated with a year, oldest first."""
        store, known, said = self.store, self.names, self.said
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

    def heading(self, key: str, lang: str) -> str:
        """The heading of a group: an organisation's name, a kind of entity, or a kind of tie."""
        if key.startswith("who:"):
            return str(self.names.label(key[4:], lang))
        if key.startswith("kind:"):
            text = ", ".join(self.names.label(k, lang) for k in key[5:].split(",") if k) or key
            return text[:1].upper() + text[1:]
        return GROUPS.get(lang, GROUPS[DEFAULT]).get(key, key)

    def drawing(self, lang: str, organisation: str | None, lo: float | None, hi: float | None,
                by_organisation: bool = False) -> dict:
        """What ``_timeline_svg.html`` draws, group by group: each mark placed on the axis from
        ``lo`` to ``hi`` (years with their fractions; by default, all the years of the marks).
        The groups are the kinds of tie, or (``by_organisation``) the organisations and people,
        each with the marks it takes part in, those with the most first; a mark then shows in
        each of its groups."""
        chosen = self.marks if organisation is None else self.of.get(organisation, [])
        if lo is None:
            lo = float(math.floor(min((m.year for m in chosen), default=2000)))
        if hi is None:
            hi = float(math.floor(max((max(m.year, _year(m.end) if m.end else 0) for m in chosen), default=2020)) + 2)
        shown = [m for m in chosen if lo <= m.year < hi or (m.year < hi and ((m.end and _year(m.end) >= lo) or m.ongoing))]
        left_out = max(0, len(shown) - MARK_LIMIT)
        shown = shown[:MARK_LIMIT]
        x = _scale(lo, hi)
        rank = {g: n for n, g in enumerate(GROUPS[DEFAULT])}
        grouped: dict[str, list[dict]] = {}
        for m in shown:
            row = {**self._said(m, lang, organisation), "x": x(m.year),
                   "x_end": x(_year(m.end)) if m.end else x(hi) if m.ongoing else None}
            for key in self._keys(m, organisation, by_organisation):
                grouped.setdefault(key, []).append(dict(row))
        order = (lambda g: (-len(grouped[g]), self.heading(g, lang))) if by_organisation else \
            (lambda g: (rank.get(g, len(rank)), self.heading(g, lang)))
        groups = [{"key": key, "heading": self.heading(key, lang), **_stacked(grouped[key])}
                  for key in sorted(grouped, key=order)]
        ticks = [{"year": text, "x": x(at)} for at, text in _ticks(lo, hi, self.said.write, lang)]
        return {"groups": groups, "ticks": ticks, "width": WIDTH, "first": math.floor(lo), "last": math.ceil(hi) - 1,
                "left_out": left_out, "total": len(shown) + left_out}

    def _said(self, m: Mark, lang: str, organisation: str | None) -> dict:
        """What a mark says: where it leads, its short name, its date, its sentence and sources."""
        said, known = self.said, self.names
        sentence = said.tie(m.iri, lang, first=organisation) if known.ties.of(known.types.get(m.iri, ())) else None
        text = sentence.text if sentence is not None else f"{known.label(m.iri, lang)} ({said.write.date(m.start, lang)[0]})"
        sources = sorted({str(known.label(e.source, lang)) + (f", {TEXT[lang]['line']} {e.line}" if e.line else "")
                          for e in evidence_of(self.store, ox.NamedNode(m.iri)) if e.source})
        return {"href": self.link(m.iri, lang), "label": _short(str(known.label(m.iri, lang))),
                "when": said.write.date(m.start, lang)[0], "title": text, "sources": sources}

    @staticmethod
    def _keys(m: Mark, organisation: str | None, by_organisation: bool) -> list[str]:
        """The groups a mark shows in: its kind; or each organisation or person it involves but
        the one whose timeline it is (else that one, or the mark itself)."""
        keys = sorted("who:" + who for who in m.involves if who != organisation) if by_organisation else [m.group]
        return keys or ["who:" + (organisation or m.iri)]

    def offline(self, lang: str, organisation: str | None) -> dict:
        """What the static site's script (``static/offline-timeline.js``) needs to draw this
        timeline, in the browser, for any window and either grouping as `drawing` draws it: each
        mark of ``organisation`` (of all, for None), oldest first, up to `MARK_LIMIT` of them,
        with its place on the axis (years with their fractions), its groups under both
        groupings and what it says; each group's heading; the order of the kinds; and the locale
        the axis is written in."""
        chosen = self.marks if organisation is None else self.of.get(organisation, [])
        sent = chosen[:MARK_LIMIT]
        marks, headings = [], {}
        for m in sent:
            row = self._said(m, lang, organisation)
            keys = {"kind": self._keys(m, organisation, False), "organisation": self._keys(m, organisation, True)}
            for key in keys["kind"] + keys["organisation"]:
                headings.setdefault(key, self.heading(key, lang))
            marks.append({**row, "at": m.year, "end": _year(m.end) if m.end else None, "ongoing": m.ongoing, "groups": keys})
        return {"marks": marks, "left_out": len(chosen) - len(sent), "headings": headings,
                "kinds": list(GROUPS[DEFAULT]), "locale": str(self.said.write.locale(lang)).replace("_", "-")}

    def rows(self, given: list, lang: str) -> tuple[dict, dict, int]:
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
        x, write = _scale(lo, hi), self.said.write
        rows = []
        for at, until, start, label, href in found:
            when = write.date(start, lang)[0]
            rows.append({"href": href, "x": x(at), "x_end": x(until) if until is not None else None, "label": _short(label),
                         "when": when, "title": f"{when}: {label}", "sources": []})
        ticks = [{"year": text, "x": x(at)} for at, text in _ticks(lo, hi, write, lang)]
        return {"ticks": ticks, "width": WIDTH}, _stacked(rows), left_out


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


#: What a bound of a window of the timeline may be, said where one is not.
BOUND_FORMS = TEXT[DEFAULT]["bound_forms"]


class BadWindow(ValueError):
    """A window that is none: ``which`` bound ("from" or "to") is not a date, or (None) the
    first is not before the second."""

    def __init__(self, which: str | None):
        super().__init__(which)
        self.which = which


def window(start: str | None, end: str | None) -> tuple[float | None, float | None]:
    """The years, with their fractions, from the start of ``start`` to the end of ``end`` (a
    year, month or day each); None for a bound not given.

    Raises:
        BadWindow: a bound that is not a date, or one after the other.
    """
    found = []
    for which, text in (("from", start), ("to", end)):
        try:
            found.append(_bounds(text, end=which == "to") if text else None)
        except (AttributeError, ValueError, OverflowError):
            raise BadWindow(which) from None
    lo, hi = found
    if lo is not None and hi is not None and lo >= hi:
        raise BadWindow(None)
    return lo, hi


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
