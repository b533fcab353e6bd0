"""The table of a kind's members: a row per member with its name, acronym, kind, seat, founding
date and number of ties, or, for a kind of tie, what it ties and when; sorted by any column, and
the same rows as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from ..names import STATEMENT_CLASSES, Names, fold
from ..project import ENTITY_NS, ONTOLOGY_NS, VOCAB_NS

#: The columns, in the order shown; the first is the default sort.
COLUMNS = ("name", "acronym", "kind", "between", "date", "seat", "founded", "ties")
#: Columns shown only where some member of the kind has a value.
OPTIONAL = ("acronym", "between", "date", "seat", "founded", "ties")
_DATES = (ONTOLOGY_NS + "date", ONTOLOGY_NS + "startDate")
_FOUNDINGS = """PREFIX hkg: <https://w3id.org/heritage-kg/ontology#>
SELECT ?founded ?date WHERE { ?founding a hkg:Founding ; hkg:founded ?founded ; hkg:date ?date }"""


class KindTables:
    """Builds the rows of any kind from the graph as written; the founding dates are read once."""

    def __init__(self, known: Names, store: ox.Store):
        self.known, self.store = known, store
        self.founded: dict[str, str] = {}
        for founded, date in store.query(_FOUNDINGS):
            self.founded.setdefault(founded.value, date.value)

    def ties(self, iri: str) -> int:
        """How many ties ``iri`` takes part in: tie nodes naming it, and ties written as one property."""
        node = ox.NamedNode(iri)
        nodes = {q.subject.value for q in self.store.quads_for_pattern(None, None, node)
                 if isinstance(q.subject, ox.NamedNode) and self.known.is_a(q.subject.value, STATEMENT_CLASSES)}
        return len(nodes) + len(self.known.ties.direct_ties(self.store, iri))

    def rows(self, cls: str, lang: str) -> list[dict]:
        """A row per member of ``cls`` (entities and concepts), in no set order."""
        known, out = self.known, []
        for iri in known.instances.get(cls, []):
            if not iri.startswith((ENTITY_NS, VOCAB_NS)):
                continue
            seat = next((q.object.value for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(ONTOLOGY_NS + "seat"), None)
                         if isinstance(q.object, ox.NamedNode)), None)
            tie = known.ties.of(known.types.get(iri, ()))
            out.append({"iri": iri, "name": known.label(iri, lang), "acronym": known.acronym(iri, lang) or "",
                        "kind": self.variety(iri, tie, lang) if tie else known.kind_label(iri, lang),
                        "between": self.between(iri, tie, lang) if tie else "", "date": self.date(iri) if tie else "",
                        "seat": known.label(seat, lang) if seat else "",
                        "seat_iri": seat, "founded": self.founded.get(iri, ""), "ties": 0 if tie else self.ties(iri)})
        return out

    def between(self, iri: str, tie, lang: str) -> str:
        """The names of what a tie ties, its first side's before its second's: "ICOM → Blue Shield",
        or "ICOM, INTERPOL" where the sides are alike."""
        node = ox.NamedNode(iri)
        sides = [sorted(str(self.known.short_label(q.object.value, lang))
                        for q in self.store.quads_for_pattern(node, ox.NamedNode(p), None) if isinstance(q.object, ox.NamedNode))
                 for p in dict.fromkeys(tie.sides)]
        return " → ".join(", ".join(names) for names in sides if names)

    def variety(self, iri: str, tie, lang: str) -> str:
        """A tie's kind as its variety names it ("memorandum of understanding"), else its kind's."""
        if tie.kind_property:
            found = next((q.object.value for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(tie.kind_property), None)
                          if isinstance(q.object, ox.NamedNode)), None)
            if found:
                return str(self.known.label(found, lang))
        return self.known.kind_label(iri, lang)

    def date(self, iri: str) -> str:
        return next((q.object.value for p in _DATES for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(p), None)
                     if isinstance(q.object, ox.Literal)), "")


def shown_columns(rows: list[dict]) -> list[str]:
    """The columns worth showing for these rows: the optional ones only where a row has a value."""
    return [c for c in COLUMNS if c not in OPTIONAL or any(row[c] for row in rows)]


def ordered(rows: list[dict], column: str, descending: bool) -> list[dict]:
    """The rows sorted by ``column``, then by name; empty values last either way."""
    def key(row):
        value = row[column]
        text = value if isinstance(value, int) else fold(str(value))
        return (text == "", text, fold(str(row["name"])), row["iri"])
    filled = sorted((r for r in rows if r[column] != ""), key=key, reverse=descending)
    return filled + sorted((r for r in rows if r[column] == ""), key=key)


def as_csv(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["iri", *columns])
    for row in rows:
        writer.writerow([row["iri"], *(row[c] for c in columns)])
    return out.getvalue()


def as_json(rows: list[dict], columns: list[str]) -> str:
    return json.dumps([{"iri": row["iri"], **{c: (row[c] if isinstance(row[c], int) else str(row[c])) for c in columns}}
                       for row in rows], ensure_ascii=False, indent=1) + "\n"
