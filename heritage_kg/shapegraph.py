"""The SHACL shapes graph read into plain Python objects, for the SPARQL compiler.

Only the part of SHACL that our shapes use is understood: the four kinds of target, every kind
of path, and the constraint components listed in ``SUPPORTED``.
A shape that uses anything else raises ``UnsupportedShape`` naming the shape and the term, so the
compiled validator can never quietly skip a rule; ``validate --validator pyshacl`` still runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_FIRST, _REST, _NIL = (ox.NamedNode(_RDF + n) for n in ("first", "rest", "nil"))

TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
#: Constraint parameters the compiler turns into SPARQL.
SUPPORTED = ("class", "datatype", "nodeKind", "minInclusive", "languageIn", "hasValue", "minCount", "maxCount",
             "disjoint", "lessThanOrEquals", "node", "or", "qualifiedValueShape", "sparql")
#: Terms that describe a shape without constraining anything.
DESCRIPTIVE = {"property", "path", "severity", "message", "name", "description", "order", "group",
               "qualifiedMinCount", "prefixes", "declare", *TARGETS}
_OTHER_DESCRIPTIVE = {_RDF + "type", "http://www.w3.org/2000/01/rdf-schema#label",
                      "http://www.w3.org/2000/01/rdf-schema#comment", "http://www.w3.org/2000/01/rdf-schema#isDefinedBy"}


class UnsupportedShape(Exception):
    """A shape uses SHACL the compiler does not translate."""


@dataclass(frozen=True)
class Path:
    """A SHACL path as SPARQL property-path text, and as the short form used in reports."""

    sparql: str
    display: str
    steps: tuple[str, ...] = ()

    @property
    def predicate(self) -> str | None:
        """The IRI of a path that is one predicate, or the inverse of one; else None."""
        match = re.fullmatch(r"\^?\(?<([^>]*)>\)?", self.sparql)
        return match.group(1) if match else None

    @property
    def inverse(self) -> bool:
        return self.sparql.startswith("^")

    def pattern(self, subject: str, obj: str, names) -> str:
        """Triple patterns from ``subject`` to ``obj``: a sequence of predicates is spelled out as
        a join, which Oxigraph plans far better than a sequence path with a fixed end."""
        if len(self.steps) < 2:
            return f"{subject} {self.sparql} {obj} ."
        inner = [next(names) for _ in self.steps[:-1]]
        nodes = [subject, *inner, obj]
        return " ".join(f"{a} {step} {b} ." for a, step, b in zip(nodes, self.steps, nodes[1:]))


@dataclass
class Shape:
    node: ox.NamedNode | ox.BlankNode
    path: Path | None = None
    targets: list[tuple[str, ox.NamedNode]] = field(default_factory=list)
    constraints: list[tuple[str, object]] = field(default_factory=list)
    properties: list["Shape"] = field(default_factory=list)
    severity: ox.NamedNode = ox.NamedNode(SH + "Violation")
    messages: dict[str, str] = field(default_factory=dict)
    qualified_min: int | None = None

    @property
    def is_property_shape(self) -> bool:
        return self.path is not None


class ShapesGraph:
    """Every shape of a shapes graph, with targets, constraints and nested shapes resolved."""

    def __init__(self, triples) -> None:
        self._store = ox.Store()
        self._store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        self._shapes: dict = {}
        self.prefixes = self._prefixes()
        self._refuse_implicit_targets()
        self.shapes = [self.shape(node) for node in self._shape_nodes()]

    def _refuse_implicit_targets(self) -> None:
        """A shape that is also a class targets the instances of that class (SHACL 2.1.3.3)."""
        classes = {"http://www.w3.org/2000/01/rdf-schema#Class", "http://www.w3.org/2002/07/owl#Class"}
        for quad in self._store.quads_for_pattern(None, RDF_TYPE, None):
            if quad.object.value in classes and (
                    ox.Quad(quad.subject, RDF_TYPE, ox.NamedNode(SH + "NodeShape")) in self._store
                    or ox.Quad(quad.subject, RDF_TYPE, ox.NamedNode(SH + "PropertyShape")) in self._store):
                raise UnsupportedShape(f"{_short(quad.subject)}: a shape that is also a class (implicit class target)")

    def _objects(self, node, name: str) -> list:
        return [q.object for q in self._store.quads_for_pattern(node, ox.NamedNode(SH + name), None)]

    def _one(self, node, name: str):
        values = self._objects(node, name)
        if len(values) > 1:
            raise UnsupportedShape(f"{node}: more than one sh:{name}")
        return values[0] if values else None

    def _list(self, head) -> list:
        items = []
        while head != _NIL:
            first = [q.object for q in self._store.quads_for_pattern(head, _FIRST, None)]
            rest = [q.object for q in self._store.quads_for_pattern(head, _REST, None)]
            if len(first) != 1 or len(rest) != 1:
                raise UnsupportedShape(f"{head}: not a well-formed RDF list")
            items.append(first[0])
            head = rest[0]
        return items

    def _shape_nodes(self) -> list:
        """The shapes that are checked on their own: those with a target."""
        nodes = {q.subject for name in TARGETS for q in self._store.quads_for_pattern(None, ox.NamedNode(SH + name), None)}
        return sorted(nodes, key=str)

    def _prefixes(self) -> dict[str, str]:
        prefixes = {}
        for declaration in (q.object for q in self._store.quads_for_pattern(None, ox.NamedNode(SH + "declare"), None)):
            prefix, namespace = self._one(declaration, "prefix"), self._one(declaration, "namespace")
            if prefix is not None and namespace is not None:
                prefixes[prefix.value] = namespace.value
        return prefixes

    def shape(self, node) -> Shape:
        """The shape at ``node``, read once and shared by every shape that refers to it."""
        if node in self._shapes:
            return self._shapes[node]
        shape = Shape(node)
        self._shapes[node] = shape  # before recursing, so a cycle ends here
        unknown = {q.predicate.value for q in self._store.quads_for_pattern(node, None, None)}
        unknown -= {SH + n for n in (*DESCRIPTIVE, *SUPPORTED)} | _OTHER_DESCRIPTIVE
        if unknown:
            names = ", ".join(sorted(_short(ox.NamedNode(u)) for u in unknown))
            raise UnsupportedShape(f"{_short(node)}: the compiled validator does not support {names}")
        if (path := self._one(node, "path")) is not None:
            shape.path = self.path(path)
        shape.targets = [(name, o) for name in TARGETS for o in self._objects(node, name)]
        shape.severity = self._one(node, "severity") or shape.severity
        shape.messages = {(m.language or "en"): m.value for m in self._objects(node, "message")}
        for name in SUPPORTED:
            for value in self._objects(node, name):
                shape.constraints.append((name, self._parameter(node, name, value)))
        if (qualified := self._one(node, "qualifiedMinCount")) is not None:
            shape.qualified_min = int(qualified.value)
        shape.properties = [self.shape(p) for p in sorted(self._objects(node, "property"), key=str)]
        return shape

    def _parameter(self, node, name: str, value):
        if name in ("node", "qualifiedValueShape"):
            return self.shape(value)
        if name == "or":
            return [self.shape(member) for member in self._list(value)]
        if name == "languageIn":
            return [tag.value for tag in self._list(value)]
        if name in ("minCount", "maxCount"):
            return int(value.value)
        if name == "sparql":
            select = self._one(value, "select")
            if select is None or self._objects(value, "message") or self._objects(value, "deactivated"):
                raise UnsupportedShape(f"{node}: only an sh:select without its own message is supported")
            return select.value
        return value

    def path(self, node) -> Path:
        if isinstance(node, ox.NamedNode):
            return Path(f"<{node.value}>", _short(node), (f"<{node.value}>",))
        inverse = self._one(node, "inversePath")
        if inverse is not None:
            inner = self.path(inverse)
            return Path(f"^({inner.sparql})", f"^{inner.display}")
        alternatives = self._one(node, "alternativePath")
        if alternatives is not None:
            parts = [self.path(p) for p in self._list(alternatives)]
            return Path("(" + "|".join(p.sparql for p in parts) + ")", "(" + "|".join(p.display for p in parts) + ")")
        for name, mark in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
            repeated = self._one(node, name)
            if repeated is not None:
                inner = self.path(repeated)
                return Path(f"({inner.sparql}){mark}", f"({inner.display}){mark}")
        if list(self._store.quads_for_pattern(node, _FIRST, None)):
            parts = [self.path(p) for p in self._list(node)]
            steps = tuple(p.sparql for p in parts) if all(len(p.steps) == 1 for p in parts) else ()
            return Path("(" + "/".join(p.sparql for p in parts) + ")", "/".join(p.display for p in parts), steps)
        raise UnsupportedShape(f"{node}: unsupported kind of sh:path")


def _short(node: ox.NamedNode) -> str:
    from .terms import short

    return short(node)
