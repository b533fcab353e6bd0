"""The kinds of tie, read from the ontology's table of them (``ontology/tiekinds.ttl``).

Each kind is described there once, as annotations on its class (or, for a tie written as one
property, on that property); the pages, the network drawing, ``diff`` and the CLI read it from
here rather than keep lists of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import DataError

_QUERY = """PREFIX hkg: <https://w3id.org/heritage-kg/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?kind ?key ?colour ?line ?directed ?network ?property ?direct ?first ?second WHERE {
  ?kind hkg:tieKey ?key ; hkg:drawColour ?colour ; hkg:drawLine ?line ; hkg:drawDirected ?directed ;
        hkg:drawnInNetwork ?network .
  OPTIONAL { ?kind hkg:tieKindProperty ?property }
  OPTIONAL { ?kind hkg:firstSide ?first }
  OPTIONAL { ?kind hkg:secondSide ?second }
  BIND(EXISTS { ?kind a owl:ObjectProperty } AS ?direct)
}"""
_OTHERS = """PREFIX hkg: <https://w3id.org/heritage-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?kind ?p ?o WHERE {
  ?kind hkg:tieKey ?key .
  { ?kind hkg:tieDateProperty ?o BIND("date" AS ?p) } UNION { ?kind rdfs:label ?o BIND("label" AS ?p) }
}"""
_KEYED = "SELECT DISTINCT ?kind WHERE { ?kind <https://w3id.org/heritage-kg/ontology#tieKey> ?key }"
LINES = ("solid", "bold", "dashed", "dotted", "longdash", "dashdot")
#: The SVG stroke-dasharray of each line style that has dashes.
DASHES = {"dashed": "6 4", "dotted": "2 3", "longdash": "12 4", "dashdot": "8 3 2 3"}
#: The fields of `TieKind` that one annotation each gives, and that annotation.
_ANNOTATIONS = {"key": "hkg:tieKey", "colour": "hkg:drawColour", "line": "hkg:drawLine",
                "directed": "hkg:drawDirected", "in_network": "hkg:drawnInNetwork",
                "kind_property": "hkg:tieKindProperty", "sides": "hkg:firstSide and hkg:secondSide"}


@dataclass(frozen=True)
class TieKind:
    """One kind of tie.

    Attributes:
        key: its short name ("agreement"), for --kind, style classes and JSON.
        iri: its class; for a direct tie (``direct``), the property that is the tie.
        sides: the properties naming its sides, in the order a sentence says them: one where the
            sides are alike (the parties of an agreement), none for a direct tie, whose sides
            are the subject and the object.
        kind_property: the property whose concept names the variety of the tie, if any.
        dates: the properties that date it.
        words: its name in each language (the class's rdfs:label).
        colour, line, directed: how a drawing shows it; line is one of `LINES`, so that no two
            kinds drawn in the network look alike without their colours.
        in_network: whether it links organisations in the network.
    """

    key: str
    iri: str
    direct: bool
    colour: str
    line: str
    directed: bool
    in_network: bool
    sides: tuple[str, ...] = ()
    kind_property: str | None = None
    dates: tuple[str, ...] = ()
    words: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def word(self, lang: str) -> str:
        """The name of the kind in ``lang``, else in English, else its key."""
        return self.words.get(lang) or self.words.get("en") or self.key

    @property
    def dasharray(self) -> str | None:
        """The SVG stroke-dasharray of its line style."""
        return DASHES.get(self.line)

    @property
    def dot_style(self) -> str:
        """Its line style as Graphviz names one, which has no long dashes or dash-dots."""
        return "dashed" if self.line in ("longdash", "dashdot") else self.line

    @property
    def width(self) -> int:
        return 3 if self.line == "bold" else 2


class TieKinds:
    """Every kind of tie the ontology describes, sorted by key, with the sides, kind properties
    and dates of them all."""

    def __init__(self, kinds: list[TieKind]):
        self.kinds = sorted(kinds, key=lambda k: k.key)
        self.by_key = {k.key: k for k in self.kinds}
        self.sides = tuple(dict.fromkeys(s for k in self.kinds for s in k.sides))
        self.kind_properties = tuple(dict.fromkeys(k.kind_property for k in self.kinds if k.kind_property))
        self.dates = tuple(dict.fromkeys(d for k in self.kinds for d in k.dates))

    def network(self) -> list[TieKind]:
        return [k for k in self.kinds if k.in_network]

    def activity_links(self) -> tuple[TieKind, ...]:
        """The ties written as one property that the network does not draw between
        organisations: who runs, funds or hosts an activity or an event."""
        return tuple(k for k in self.kinds if k.direct and not k.in_network)

    def direct_ties(self, store: ox.Store, iri: str) -> list[tuple[TieKind, str, str]]:
        """The ties written as one property (``subject hkg:unitOf object``) that ``iri`` is either
        side of: each kind, subject and object, between named nodes."""
        node, found = ox.NamedNode(iri), []
        for kind in (k for k in self.kinds if k.direct):
            prop = ox.NamedNode(kind.iri)
            found += [(kind, iri, q.object.value) for q in store.quads_for_pattern(node, prop, None)
                      if isinstance(q.object, ox.NamedNode)]
            found += [(kind, q.subject.value, iri) for q in store.quads_for_pattern(None, prop, node)
                      if isinstance(q.subject, ox.NamedNode)]
        return found

    def of(self, types) -> TieKind | None:
        """The kind of a node with the classes ``types`` (IRIs), if it is a tie."""
        return next((k for k in self.kinds if not k.direct and k.iri in types), None)


def read(store: ox.Store) -> TieKinds:
    """The table from a store holding the ontology (the published graph, or the ontology alone).

    Raises:
        DataError: a kind whose line style is not one of `LINES`, two kinds with one key, a kind
            with two values of one annotation, or a kind without one of the drawing annotations
            (which would leave it out unseen).
    """
    kinds: dict[str, dict] = {}
    owners: dict[str, str] = {}  # tie key -> the kind that has it
    for kind, key, colour, line, directed, network, prop, direct, first, second in store.query(_QUERY):
        if line.value not in LINES:
            raise DataError(f"{kind.value}: hkg:drawLine {line.value!r} is not one of {', '.join(LINES)}")
        if owners.setdefault(key.value, kind.value) != kind.value:
            raise DataError(f"{kind.value}: hkg:tieKey {key.value!r} is used by another kind of tie too")
        found = {"key": key.value, "iri": kind.value, "colour": colour.value, "line": line.value,
                 "directed": directed.value == "true", "in_network": network.value == "true",
                 "direct": direct.value == "true", "kind_property": prop.value if prop else None,
                 "sides": tuple(side.value for side in (first, second) if side is not None),
                 "dates": [], "words": {}}
        # a second row for one kind: one of its annotations has two values, and either could win
        if kinds.setdefault(kind.value, found) != found:
            twice = next(_ANNOTATIONS[field] for field in _ANNOTATIONS if kinds[kind.value][field] != found[field])
            raise DataError(f"{kind.value}: a kind of tie has one {twice}, and this one has more")
    for kind, what, value in store.query(_OTHERS):
        if kind.value not in kinds:
            continue
        if what.value == "date":
            kinds[kind.value]["dates"].append(value.value)
        elif isinstance(value, ox.Literal) and value.language:
            kinds[kind.value]["words"].setdefault(value.language, value.value)
    for (subject,) in store.query(_KEYED):
        if subject.value not in kinds:
            raise DataError(f"{subject.value}: a kind of tie (hkg:tieKey) needs hkg:drawColour, hkg:drawLine, "
                            "hkg:drawDirected and hkg:drawnInNetwork")
    made = []
    for found in kinds.values():
        found["dates"] = tuple(sorted(found["dates"]))
        made.append(TieKind(**found))
    return TieKinds(made)


