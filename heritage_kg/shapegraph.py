"""The SHACL shapes graph read into plain Python objects, for the SPARQL compiler.

Every target of SHACL Core (with implicit class targets: a shape that is also a class), every
kind of path, and the constraint components listed in ``SUPPORTED``. A shape that uses another
term of the SHACL namespace raises ``UnsupportedShape`` naming the shape and the term, so the
compiled validator can never quietly skip a rule; terms of other vocabularies (rdfs:label,
rdfs:seeAlso...) describe a shape and are left alone. A deactivated shape is read, but checks
nothing and is met by every node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_FIRST, _REST, _NIL = (ox.NamedNode(_RDF + n) for n in ("first", "rest", "nil"))

TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
#: Constraint parameters the compiler turns into SPARQL.
SUPPORTED = ("class", "datatype", "nodeKind", "minExclusive", "minInclusive", "maxExclusive", "maxInclusive",
             "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "in", "hasValue", "minCount", "maxCount",
             "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node",
             "qualifiedValueShape", "closed", "sparql")
#: Terms that describe a shape, or qualify one of its constraints, without constraining anything themselves.
DESCRIPTIVE = {"property", "path", "severity", "message", "name", "description", "order", "group", "defaultValue",
               "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "flags", "ignoredProperties",
               "deactivated", "prefixes", "declare", "shapesGraph", "suggestedShapesGraph", *TARGETS}
_CLASSES = {"http://www.w3.org/2000/01/rdf-schema#Class", "http://www.w3.org/2002/07/owl#Class"}


class UnsupportedShape(Exception):
    """A shape uses SHACL the compiler does not translate."""


@dataclass(frozen=True)
class SparqlConstraint:
    """A SHACL-SPARQL constraint: its SELECT (with $this, and $PATH in a property shape), its own
    messages, and whether it is switched off."""

    select: str
    messages: dict = field(default_factory=dict, compare=False, hash=False)
    deactivated: bool = False


@dataclass(frozen=True)
class Path:
    """A SHACL path as SPARQL property-path text, and as the short form used in reports."""

    sparql: str
    display: str
    steps: tuple[str, ...] = ()
    #: The path as written in the shapes graph: its node, and the triples that spell it out
    #: (none for a predicate), for a report graph's sh:resultPath.
    node: object = field(default=None, compare=False)
    triples: tuple = field(default=(), compare=False)

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
    qualified_max: int | None = None
    #: sh:qualifiedValueShapesDisjoint: the qualified value shapes of the sibling property shapes
    siblings: list["Shape"] = field(default_factory=list)
    deactivated: bool = False
    flags: str = ""
    #: sh:closed: the predicates allowed besides those of its property shapes
    ignored: list[str] = field(default_factory=list)

    @property
    def is_property_shape(self) -> bool:
        return self.path is not None


class ShapesGraph:
    """Every shape of a shapes graph, with targets, constraints and nested shapes resolved."""

    def __init__(self, triples) -> None:
        triples = list(triples)
        # A store writes "1"^^xsd:boolean as "true": the switches that only "true" turns on
        # (sh:uniqueLang "1" is ignored, SHACL 4.4.4) are read from the triples as written.
        switches = {SH + n for n in ("uniqueLang", "closed", "deactivated", "qualifiedValueShapesDisjoint")}
        self._off = {(t.subject, t.predicate.value) for t in triples
                     if t.predicate.value in switches and not (isinstance(t.object, ox.Literal) and t.object.value == "true")}
        self._store = ox.Store()
        self._store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        self._shapes: dict = {}
        self.prefixes = self._prefixes()
        self.implicit = self._implicit_targets()
        self.shapes = [self.shape(node) for node in self._shape_nodes()]

    def _implicit_targets(self) -> set:
        """The shapes that are also classes, and so target the instances of that class (SHACL 2.1.3.3)."""
        found = set()
        for quad in self._store.quads_for_pattern(None, RDF_TYPE, None):
            if quad.object.value in _CLASSES and isinstance(quad.subject, ox.NamedNode) and (
                    ox.Quad(quad.subject, RDF_TYPE, ox.NamedNode(SH + "NodeShape")) in self._store
                    or ox.Quad(quad.subject, RDF_TYPE, ox.NamedNode(SH + "PropertyShape")) in self._store):
                found.add(quad.subject)
        return found

    def _objects(self, node, name: str) -> list:
        return [q.object for q in self._store.quads_for_pattern(node, ox.NamedNode(SH + name), None)]

    def _on(self, node, name: str) -> bool:
        """Whether a switch of ``node`` (sh:closed, sh:deactivated...) is written as true."""
        return self._one(node, name) is not None and (node, SH + name) not in self._off

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
        # sh:target (SHACL-SPARQL's targets) is read too, so that it is refused rather than skipped
        nodes = {q.subject for name in (*TARGETS, "target") for q in self._store.quads_for_pattern(None, ox.NamedNode(SH + name), None)}
        return sorted(nodes | self.implicit, key=str)

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
        unknown = {q.predicate.value for q in self._store.quads_for_pattern(node, None, None) if q.predicate.value.startswith(SH)}
        unknown -= {SH + n for n in (*DESCRIPTIVE, *SUPPORTED)}
        if unknown:
            names = ", ".join(sorted(_short(ox.NamedNode(u)) for u in unknown))
            raise UnsupportedShape(f"{_short(node)}: the compiled validator does not support {names}")
        if (path := self._one(node, "path")) is not None:
            shape.path = self.path(path)
        shape.targets = [(name, o) for name in TARGETS for o in self._objects(node, name)]
        if node in self.implicit:
            shape.targets.append(("targetClass", node))
        shape.severity = self._one(node, "severity") or shape.severity
        shape.messages = {(m.language or "en"): m.value for m in self._objects(node, "message")}
        shape.deactivated = self._on(node, "deactivated")
        flags = self._one(node, "flags")
        shape.flags = flags.value if flags is not None else ""
        for name in SUPPORTED:
            for value in self._objects(node, name):
                if name in ("closed", "uniqueLang"):
                    if self._on(node, name):
                        shape.constraints.append((name, True))
                    continue
                shape.constraints.append((name, self._parameter(node, name, value)))
        for name, attribute in (("qualifiedMinCount", "qualified_min"), ("qualifiedMaxCount", "qualified_max")):
            if (qualified := self._one(node, name)) is not None:
                setattr(shape, attribute, int(qualified.value))
        for ignored in self._objects(node, "ignoredProperties"):
            shape.ignored += [p.value for p in self._list(ignored) if isinstance(p, ox.NamedNode)]
        shape.properties = [self.shape(p) for p in sorted(self._objects(node, "property"), key=str)]
        for prop in shape.properties:  # sh:qualifiedValueShapesDisjoint: the siblings' qualified value shapes
            if self._on(prop.node, "qualifiedValueShapesDisjoint"):
                prop.siblings += [value for other in shape.properties if other is not prop
                                  for name, value in other.constraints if name == "qualifiedValueShape"]
        return shape

    def _parameter(self, node, name: str, value):
        if name in ("node", "qualifiedValueShape", "not"):
            return self.shape(value)
        if name in ("or", "and", "xone"):
            return [self.shape(member) for member in self._list(value)]
        if name == "languageIn":
            return [tag.value for tag in self._list(value)]
        if name == "in":
            return self._list(value)
        if name in ("minCount", "maxCount", "minLength", "maxLength"):
            return int(value.value)
        if name == "sparql":
            select = self._one(value, "select")
            if select is None:
                raise UnsupportedShape(f"{node}: an sh:sparql constraint without sh:select (sh:ask is for components)")
            return SparqlConstraint(select.value, {(m.language or "en"): m.value for m in self._objects(value, "message")},
                                    self._on(value, "deactivated"))
        return value

    def path(self, node) -> Path:
        """The path at ``node``, with the triples that spell it out."""
        found = self._read_path(node)
        return replace(found, node=node, triples=tuple(self._closure(node)))

    def _closure(self, node) -> list:
        """The triples reachable from ``node`` through blank nodes (a path's lists and nodes)."""
        found, todo, seen = [], [node], set()
        while todo:
            current = todo.pop()
            if not isinstance(current, ox.BlankNode) or current in seen:
                continue
            seen.add(current)
            for quad in self._store.quads_for_pattern(current, None, None):
                found.append(ox.Triple(quad.subject, quad.predicate, quad.object))
                todo.append(quad.object)
        return found

    def _read_path(self, node) -> Path:
        if isinstance(node, ox.NamedNode):
            return Path(f"<{node.value}>", _short(node), (f"<{node.value}>",))
        if list(self._store.quads_for_pattern(node, _FIRST, None)):  # a list is a sequence, whatever else it says
            parts = [self.path(p) for p in self._list(node)]
            steps = tuple(p.sparql for p in parts) if all(len(p.steps) == 1 for p in parts) else ()
            return Path("(" + "/".join(p.sparql for p in parts) + ")", "/".join(p.display for p in parts), steps)
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
        raise UnsupportedShape(f"{node}: unsupported kind of sh:path")


def _short(node: ox.NamedNode) -> str:
    from .terms import short

    return short(node)
