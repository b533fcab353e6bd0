"""SHACL compiled to SPARQL, run on Oxigraph: the fast validator.

Each pair of a shape and one of its constraints becomes one SELECT query that returns the focus
nodes (and value nodes) that break it, so a whole graph is checked in one pass per constraint,
inside Oxigraph, rather than node by node in Python as pySHACL does. Nested shapes (sh:node, sh:or,
sh:qualifiedValueShape) become FILTER expressions. The results are meant to be the same as
pySHACL's, focus node for focus node; tests/test_validators_agree.py holds the two to that on the
bundled data, every shape example and generated graphs.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from .shapegraph import SH, Path, Shape, ShapesGraph, UnsupportedShape

_XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE_OF = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
#: XSD datatypes whose lexical forms Oxigraph checks when it casts, so a cast that fails marks an
#: ill-formed literal, as rdflib's ``ill_typed`` does for pySHACL.
_CHECKED = {_XSD + n for n in ("boolean", "date", "dateTime", "decimal", "double", "duration", "float", "gDay",
                               "gMonth", "gMonthDay", "gYear", "gYearMonth", "int", "integer", "long", "time")}
_NODE_KINDS = {
    "IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isIRI({v}) || isBlank({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
_COMPONENT = {
    "class": "Class", "datatype": "Datatype", "nodeKind": "NodeKind", "minInclusive": "MinInclusive",
    "languageIn": "LanguageIn", "hasValue": "HasValue", "minCount": "MinCount", "maxCount": "MaxCount",
    "disjoint": "Disjoint", "lessThanOrEquals": "LessThanOrEquals", "node": "Node", "or": "Or",
    "qualifiedValueShape": "QualifiedMinCount", "sparql": "SPARQL",
}


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL would report it at the top level."""

    focus: object
    shape: object
    path: Path | None
    value: object | None
    severity: ox.NamedNode
    component: str
    messages: dict = field(compare=False, hash=False)


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as the SPARQL query that finds what breaks it."""

    shape: Shape
    component: str
    query: str


def compile_shapes(graph: ShapesGraph) -> list[Check]:
    """Every check of every targeted shape and of the property shapes of targeted node shapes."""
    focus: dict = {}
    order: list[Shape] = []
    for shape in graph.shapes:
        for target in (shape, *shape.properties):
            if target.node not in focus:
                focus[target.node] = []
                order.append(target)
        focus[shape.node].extend(_target(name, value) for name, value in shape.targets)
        for prop in shape.properties:
            if prop.properties:
                raise UnsupportedShape(f"{prop.node}: a property shape with sh:property")
            focus[prop.node].extend(_target(name, value) for name, value in shape.targets)
    checks = []
    for shape in order:
        patterns = sorted(set(focus[shape.node]))
        if not patterns:
            continue
        select = "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join("{ " + p + " }" for p in patterns) + " } }"
        for name, parameter in shape.constraints:
            if name == "minCount" and parameter == 0:
                continue
            checks.append(Check(shape, _COMPONENT[name], _check(shape, name, parameter, select, graph.prefixes)))
    return checks


def run(engine, checks: list[Check]) -> list[Result]:
    """Run every check through ``engine`` (engine.EmbeddedEngine or engine.RemoteEngine)."""
    from .progress import phase

    results = []
    with phase("checking the shapes", total=len(checks)) as advance:
        for check in checks:
            results.extend(_run_one(engine, check))
            advance()
    return results


def _run_one(engine, check: Check) -> list[Result]:
    results = []
    shape = check.shape
    for row in engine.query(check.query, name=_short(shape.node)).rows:
        path = shape.path
        if check.component == "SPARQL":
            bound = row.get("path")
            path = Path(f"<{bound.value}>", _short(bound), (f"<{bound.value}>",)) if isinstance(bound, ox.NamedNode) else None
        results.append(Result(row["this"], shape.node, path, row.get("value"), shape.severity,
                              SH + check.component + "ConstraintComponent", shape.messages))
    return results


def _target(name: str, value) -> str:
    if name == "targetClass":
        return f"?this {_TYPE_OF} {_term(value)} ."
    if name == "targetNode":
        return f"VALUES ?this {{ {_term(value)} }}"
    if name == "targetSubjectsOf":
        return f"?this {_term(value)} [] ."
    return f"[] {_term(value)} ?this ."


def _check(shape: Shape, name: str, parameter, focus: str, prefixes: dict[str, str]) -> str:
    """The SELECT that returns ?this (and ?value where the result has one) for each violation."""
    if name == "sparql":
        return _sparql(parameter, focus, prefixes)
    path = shape.path.sparql if shape.path else None
    values = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
    if name == "minCount" or (name == "qualifiedValueShape" and path):
        least = parameter if name == "minCount" else shape.qualified_min
        if least is None:
            raise UnsupportedShape(f"{shape.node}: sh:qualifiedValueShape without sh:qualifiedMinCount")
        condition = f" FILTER({_conforms(parameter, '?value', _names())})" if name == "qualifiedValueShape" else ""
        if least == 1:  # MINUS, which Oxigraph runs as an anti-join, far faster than FILTER NOT EXISTS
            return f"SELECT ?this WHERE {{ {focus} MINUS {{ {values}{condition} }} }}"
        return (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {values}{condition} }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {least})")
    if name == "maxCount" and parameter == 1 and path:  # two distinct values: three times faster than GROUP BY
        return (f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?value . ?this {path} ?other . "
                f"FILTER(!sameTerm(?value, ?other)) }}")
    if name == "maxCount":
        return f"SELECT ?this WHERE {{ {focus} {values} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {parameter})"
    if name == "hasValue" and path:
        return f"SELECT ?this WHERE {{ {focus} MINUS {{ {shape.path.pattern('?this', _term(parameter), _names())} }} }}"
    if name == "class":
        return (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} "
                f"MINUS {{ ?value {_TYPE_OF} {_term(parameter)} }} }}")
    if name == "disjoint":
        return f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} ?this {_term(parameter)} ?value . }}"
    if name == "lessThanOrEquals":
        return (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} ?this {_term(parameter)} ?other . "
                f"FILTER(!COALESCE(?value <= ?other, false)) }}")
    return f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} FILTER(!({_value(name, parameter, '?value', _names())})) }}"


def _sparql(select: str, focus: str, prefixes: dict[str, str]) -> str:
    """A SHACL-SPARQL constraint with the focus nodes joined in where ``$this`` was pre-bound."""
    text = select.replace("$this", "?this")
    where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if where is None:
        raise UnsupportedShape("an sh:select without WHERE {")
    declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))
    return declared + text[:where.end()] + " " + focus + " " + text[where.end():]


def _names():
    """Fresh variable names for nested patterns."""
    return (f"?n{i}" for i in itertools.count())


def _value(name: str, parameter, v: str, names) -> str:
    """A SPARQL expression that is true when the value node ``v`` meets one constraint."""
    if name == "class":
        return f"EXISTS {{ {v} {_TYPE_OF} {_term(parameter)} }}"
    if name == "datatype":
        return _datatype(parameter.value, v)
    if name == "nodeKind":
        kind = parameter.value.removeprefix(SH)
        if kind not in _NODE_KINDS:
            raise UnsupportedShape(f"sh:nodeKind {parameter}")
        return _NODE_KINDS[kind].format(v=v)
    if name == "minInclusive":
        return f"COALESCE({v} >= {_term(parameter)}, false)"
    if name == "languageIn":
        tags = " || ".join(f'langMatches(lang({v}), "{tag}")' for tag in parameter) or "false"
        return f"(isLiteral({v}) && ({tags}))"
    if name == "hasValue":
        return f"sameTerm({v}, {_term(parameter)})"
    if name == "node":
        return _conforms(parameter, v, names)
    if name == "or":
        return "(" + " || ".join(_conforms(member, v, names) for member in parameter) + ")"
    raise UnsupportedShape(f"sh:{name} inside a nested shape or on a value node")


def _conforms(shape: Shape, v: str, names) -> str:
    """A SPARQL expression that is true when ``v`` conforms to ``shape`` (a nested shape)."""
    if shape.path is not None:
        raise UnsupportedShape(f"{shape.node}: a property shape used as a node shape")
    parts = [_value(name, parameter, v, names) for name, parameter in shape.constraints]
    parts += [_property_holds(prop, v, names) for prop in shape.properties]
    return "(" + " && ".join(parts) + ")" if parts else "true"


def _property_holds(prop: Shape, v: str, names) -> str:
    """A SPARQL expression that is true when the node ``v`` meets every constraint of ``prop``."""
    if prop.path is None:
        raise UnsupportedShape(f"{prop.node}: sh:property without sh:path")
    parts = []
    for name, parameter in prop.constraints:
        z, other = next(names), next(names)
        if name == "hasValue":
            parts.append(f"EXISTS {{ {prop.path.pattern(v, _term(parameter), names)} }}")
        elif name == "minCount" and parameter <= 1:
            parts.append(f"EXISTS {{ {v} {prop.path.sparql} {z} }}" if parameter else "true")
        elif name == "maxCount" and parameter == 1:
            parts.append(f"NOT EXISTS {{ {v} {prop.path.sparql} {z}, {other} FILTER({z} != {other}) }}")
        elif name in ("minCount", "maxCount", "qualifiedValueShape", "sparql", "disjoint", "lessThanOrEquals"):
            raise UnsupportedShape(f"{prop.node}: sh:{name} in a nested property shape")
        else:
            parts.append(f"NOT EXISTS {{ {v} {prop.path.sparql} {z} FILTER(!({_value(name, parameter, z, names)})) }}")
    return " && ".join(parts) or "true"


def _datatype(datatype: str, v: str) -> str:
    if datatype == "http://www.w3.org/2000/01/rdf-schema#Literal":
        return f"isLiteral({v})"
    if datatype == "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString":
        return f'(isLiteral({v}) && lang({v}) != "")'
    same = f"(isLiteral({v}) && sameTerm(datatype({v}), <{datatype}>))"
    if datatype in _CHECKED:
        return f"({same} && COALESCE(sameTerm(datatype(<{datatype}>({v})), <{datatype}>), false))"
    return same


def _term(term) -> str:
    if isinstance(term, ox.BlankNode):
        raise UnsupportedShape(f"a blank node as a constraint parameter: {term}")
    return str(term)


def _short(term) -> str:
    from .terms import short

    return short(term)
