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
from .words import SHACL_MESSAGES

_XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE_OF = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
#: XSD datatypes whose lexical forms Oxigraph checks when it casts, so a cast that fails marks an
#: ill-formed literal, as rdflib's ``ill_typed`` does for pySHACL.
_CHECKED = {_XSD + n for n in ("boolean", "date", "dateTime", "decimal", "double", "duration", "float", "gDay",
                               "gMonth", "gMonthDay", "gYear", "gYearMonth", "int", "integer", "long", "time")}
#: The integer types Oxigraph does not cast to, with their bounds: a literal of one is well formed
#: when its text is an integer within them.
_BOUNDED = {_XSD + name: bounds for name, bounds in {
    "byte": (-128, 127), "short": (-32768, 32767), "unsignedByte": (0, 255), "unsignedShort": (0, 65535),
    "unsignedInt": (0, 4294967295), "unsignedLong": (0, 18446744073709551615), "positiveInteger": (1, None),
    "nonNegativeInteger": (0, None), "negativeInteger": (None, -1), "nonPositiveInteger": (None, 0)}.items()}
_NODE_KINDS = {
    "IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isIRI({v}) || isBlank({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
_COMPONENT = {
    "class": "Class", "datatype": "Datatype", "nodeKind": "NodeKind", "minExclusive": "MinExclusive",
    "minInclusive": "MinInclusive", "maxExclusive": "MaxExclusive", "maxInclusive": "MaxInclusive",
    "minLength": "MinLength", "maxLength": "MaxLength", "pattern": "Pattern", "languageIn": "LanguageIn",
    "uniqueLang": "UniqueLang", "in": "In", "hasValue": "HasValue", "minCount": "MinCount", "maxCount": "MaxCount",
    "equals": "Equals", "disjoint": "Disjoint", "lessThan": "LessThan", "lessThanOrEquals": "LessThanOrEquals",
    "not": "Not", "and": "And", "or": "Or", "xone": "Xone", "node": "Node", "closed": "Closed", "sparql": "SPARQL",
}
#: The comparison each range constraint makes between a value and its parameter.
_RANGES = {"minExclusive": ">", "minInclusive": ">=", "maxExclusive": "<", "maxInclusive": "<="}


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
    """One constraint of one shape, as the SPARQL query that finds what breaks it, and the
    message of its results, by language: the shape's own, else one that says what failed."""

    shape: Shape
    component: str
    query: str
    messages: dict = field(default_factory=dict, compare=False, hash=False)


def _said(shape: Shape, component: str, parameter) -> dict[str, str]:
    """The shape's messages, else each language's message for the component, with the parameter."""
    if shape.messages:
        return shape.messages
    if isinstance(parameter, Shape):
        shown = _short(parameter.node) if isinstance(parameter.node, ox.NamedNode) else "[]"
    elif isinstance(parameter, list):
        shown = "(" + ", ".join(_short(p.node) if isinstance(p, Shape) else p if isinstance(p, str) else _short(p)
                                for p in parameter) + ")"
    elif isinstance(parameter, (ox.NamedNode, ox.Literal)):
        shown = _short(parameter) if isinstance(parameter, ox.NamedNode) else parameter.value
    else:
        shown = str(parameter)
    return {lang: table[component].replace("{p}", shown) for lang, table in SHACL_MESSAGES.items() if component in table}


def compile_shapes(graph: ShapesGraph) -> list[Check]:
    """Every check of every targeted shape, of the property shapes of a targeted shape, and of
    theirs in turn (a property shape's property shapes have its value nodes as focus nodes)."""
    focus: dict = {}
    order: list[Shape] = []

    def add(shape: Shape, patterns: list[str], seen: frozenset) -> None:
        if shape.deactivated or shape.node in seen:
            return
        if shape.node not in focus:
            focus[shape.node] = []
            order.append(shape)
        focus[shape.node].extend(patterns)
        inner = patterns
        if shape.path is not None and shape.properties:
            union = " UNION ".join("{ " + p + " }" for p in sorted(set(patterns)))
            inner = [f"{{ SELECT DISTINCT (?this AS ?outer) WHERE {{ {union} }} }} ?outer {shape.path.sparql} ?this ."]
        for prop in shape.properties:
            add(prop, inner, seen | {shape.node})

    for shape in graph.shapes:
        add(shape, [_target(name, value) for name, value in shape.targets], frozenset())
    checks = []
    for shape in order:
        patterns = sorted(set(focus[shape.node]))
        if not patterns:
            continue
        select = "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join("{ " + p + " }" for p in patterns) + " } }"
        for name, parameter in shape.constraints:
            if name == "minCount" and parameter == 0:
                continue
            if name == "qualifiedValueShape":
                for least, most, component in ((shape.qualified_min, None, "QualifiedMinCount"),
                                               (None, shape.qualified_max, "QualifiedMaxCount")):
                    if (least or 0) > 0 or most is not None:
                        checks.append(Check(shape, component, _qualified(shape, parameter, select, least, most),
                                            _said(shape, component, least if most is None else most)))
                continue
            if name == "closed":
                checks.append(Check(shape, "Closed", _closed(shape, select), _said(shape, "Closed", "{path}")))
                continue
            if name == "sparql":
                if not parameter.deactivated:
                    checks.append(Check(shape, "SPARQL", _check(shape, name, parameter, select, graph.prefixes),
                                        parameter.messages or _said(shape, "SPARQL", "")))
                continue
            checks.append(Check(shape, _COMPONENT[name], _check(shape, name, parameter, select, graph.prefixes),
                                _said(shape, _COMPONENT[name], parameter)))
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
        if check.component in ("SPARQL", "Closed"):
            bound = row.get("path")
            # a SPARQL result names its path as ?path, else it is the property shape's own
            path = Path(f"<{bound.value}>", _short(bound), (f"<{bound.value}>",), bound) if isinstance(bound, ox.NamedNode) \
                else shape.path if check.component == "SPARQL" else None
        messages = check.messages or shape.messages
        if check.component == "Closed" and path is not None and not shape.messages:
            messages = {lang: text.replace("{path}", path.display) for lang, text in messages.items()}
        results.append(Result(row["this"], shape.node, path, row.get("value"), shape.severity,
                              SH + check.component + "ConstraintComponent", messages))
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
        text = parameter.select
        if "$PATH" in text:
            if shape.path is None:
                raise UnsupportedShape(f"{shape.node}: $PATH in the sh:sparql of a node shape")
            text = text.replace("$PATH", shape.path.sparql)
        return _sparql(text, focus, prefixes)
    path = shape.path.sparql if shape.path else None
    values = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
    if name == "minCount":
        if parameter == 1:  # MINUS, which Oxigraph runs as an anti-join, far faster than FILTER NOT EXISTS
            return f"SELECT ?this WHERE {{ {focus} MINUS {{ {values} }} }}"
        return (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {values} }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {parameter})")
    if name == "hasValue" and not path:  # the focus node is the value node; a result names none
        return f"SELECT ?this WHERE {{ {focus} FILTER(!sameTerm(?this, {_term(parameter)})) }}"
    if name == "uniqueLang":  # a result for each focus node with two values in one language
        return (f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?value . ?this {path} ?other . "
                f'FILTER(!sameTerm(?value, ?other) && lang(?value) != "" && lang(?value) = lang(?other)) }}')
    if name == "equals":  # the values of one not among the other's, each way
        other = _term(parameter)
        mine = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
        back = f"?this {path} ?value" if path else "FILTER(sameTerm(?value, ?this))"
        return (f"SELECT DISTINCT ?this ?value WHERE {{ {{ {focus} {mine} FILTER NOT EXISTS {{ ?this {other} ?value }} }} "
                f"UNION {{ {focus} ?this {other} ?value . FILTER NOT EXISTS {{ {back} }} }} }}")
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
    if name in ("lessThan", "lessThanOrEquals"):
        compare = "<" if name == "lessThan" else "<="
        return (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} ?this {_term(parameter)} ?other . "
                f"FILTER(!COALESCE(?value {compare} ?other, false)) }}")
    return f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} FILTER(!({_value(name, parameter, '?value', _names(shape.flags))})) }}"


def _qualified(shape: Shape, qualified: Shape, focus: str, least: int | None, most: int | None) -> str:
    """The SELECT of the focus nodes with fewer than ``least`` (or more than ``most``) value
    nodes that conform to ``qualified`` and, where the shape asks for disjoint qualified value
    shapes, to none of its siblings'."""
    if shape.path is None:
        raise UnsupportedShape(f"{shape.node}: sh:qualifiedValueShape on a node shape")
    names = _names()
    condition = " && ".join([_conforms(qualified, "?value", names),
                             *(f"!{_conforms(other, '?value', names)}" for other in shape.siblings)])
    values = f"?this {shape.path.sparql} ?value . FILTER({condition})"
    if most is not None:
        return f"SELECT ?this WHERE {{ {focus} {values} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {most})"
    if least == 1:
        return f"SELECT ?this WHERE {{ {focus} MINUS {{ {values} }} }}"
    return (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {values} }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {least})")


def _closed(shape: Shape, focus: str) -> str:
    """The SELECT of each value of a value node through a predicate that neither a property
    shape of a closed shape nor its sh:ignoredProperties names; the result names the predicate."""
    values = f"?this {shape.path.sparql} ?node ." if shape.path else "BIND(?this AS ?node)"
    return (f"SELECT DISTINCT ?this ?path ?value WHERE {{ {focus} {values} ?node ?path ?value . "
            f"FILTER(?path NOT IN ({_allowed(shape)})) }}")


def _allowed(shape: Shape) -> str:
    """The predicates a closed shape allows, as the list of a SPARQL ``IN``."""
    predicates = {prop.path.predicate for prop in shape.properties if prop.path and not prop.path.inverse}
    return ", ".join(sorted(f"<{p}>" for p in predicates | set(shape.ignored) if p))


def _sparql(select: str, focus: str, prefixes: dict[str, str]) -> str:
    """A SHACL-SPARQL constraint with the focus nodes joined in where ``$this`` was pre-bound."""
    text = select.replace("$this", "?this")
    where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if where is None:
        raise UnsupportedShape("an sh:select without WHERE {")
    declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))
    return declared + text[:where.end()] + " " + focus + " " + text[where.end():]


def _names(flags: str = "") -> _Names:
    """Fresh variable names for nested patterns, with the sh:flags of the shape compiled."""
    return _Names(flags)


def _value(name: str, parameter, v: str, names: _Names) -> str:
    """A SPARQL expression that is true when the value node ``v`` meets one constraint that
    looks at the value node alone."""
    if name == "class":
        return f"EXISTS {{ {v} {_TYPE_OF} {_term(parameter)} }}"
    if name == "datatype":
        return _datatype(parameter.value, v)
    if name == "nodeKind":
        kind = parameter.value.removeprefix(SH)
        if kind not in _NODE_KINDS:
            raise UnsupportedShape(f"sh:nodeKind {parameter}")
        return _NODE_KINDS[kind].format(v=v)
    if name in _RANGES:
        return f"COALESCE({v} {_RANGES[name]} {_term(parameter)}, false)"
    if name in ("minLength", "maxLength"):
        return f"(!isBlank({v}) && STRLEN(STR({v})) {'>=' if name == 'minLength' else '<='} {parameter})"
    if name == "pattern":
        flags = f", {ox.Literal(names.flags)}" if names.flags else ""
        return f"(!isBlank({v}) && REGEX(STR({v}), {ox.Literal(parameter.value)}{flags}))"
    if name == "languageIn":
        tags = " || ".join(f'langMatches(lang({v}), "{tag}")' for tag in parameter) or "false"
        return f"(isLiteral({v}) && ({tags}))"
    if name == "in":
        return "(" + (" || ".join(f"sameTerm({v}, {_term(member)})" for member in parameter) or "false") + ")"
    if name == "hasValue":
        return f"sameTerm({v}, {_term(parameter)})"
    if name == "node":
        return _conforms(parameter, v, names)
    if name == "not":
        return f"!{_conforms(parameter, v, names)}"
    if name == "and":
        return "(" + (" && ".join(_conforms(member, v, names) for member in parameter) or "true") + ")"
    if name == "or":
        return "(" + (" || ".join(_conforms(member, v, names) for member in parameter) or "false") + ")"
    if name == "xone":
        return "((" + (" + ".join(f"IF({_conforms(member, v, names)}, 1, 0)" for member in parameter) or "0") + ") = 1)"
    raise UnsupportedShape(f"sh:{name} inside a nested shape or on a value node")


class _Names:
    """Fresh variable names for nested patterns, and the sh:flags of the shape being compiled."""

    def __init__(self, flags: str = ""):
        self._count = itertools.count()
        self.flags = flags

    def __iter__(self):
        return self

    def __next__(self) -> str:
        return f"?n{next(self._count)}"

    def under(self, shape: Shape) -> "_Names":
        """The same counter, with ``shape``'s flags."""
        made = _Names(shape.flags)
        made._count = self._count
        return made


def _conforms(shape: Shape, v: str, names: _Names) -> str:
    """A SPARQL expression that is true when ``v`` conforms to ``shape`` (a nested shape); a
    property shape used as one is met when its constraints hold of ``v``'s values."""
    if shape.deactivated:
        return "true"
    names = names.under(shape)
    if shape.path is not None:
        return "(" + _property_holds(shape, v, names) + ")"
    parts = [_value(name, parameter, v, names) for name, parameter in shape.constraints
             if name not in ("closed", "equals", "disjoint")]
    for name, parameter in shape.constraints:
        z = next(names)
        if name == "closed":
            parts.append(f"NOT EXISTS {{ {v} ?{z[1:]}p {z} . FILTER(?{z[1:]}p NOT IN ({_allowed(shape)})) }}")
        elif name == "equals":
            parts.append(f"(EXISTS {{ {v} {_term(parameter)} {v} }} && "
                         f"NOT EXISTS {{ {v} {_term(parameter)} {z} . FILTER(!sameTerm({z}, {v})) }})")
        elif name == "disjoint":
            parts.append(f"NOT EXISTS {{ {v} {_term(parameter)} {v} }}")
    parts += [_property_holds(prop, v, names.under(prop))
              for prop in shape.properties if not prop.deactivated]
    return "(" + " && ".join(parts) + ")" if parts else "true"


def _property_holds(prop: Shape, v: str, names: _Names) -> str:
    """A SPARQL expression that is true when the node ``v`` meets every constraint of ``prop``."""
    if prop.path is None:
        raise UnsupportedShape(f"{prop.node}: sh:property without sh:path")
    if prop.deactivated:
        return "true"
    path = prop.path.sparql
    parts = []
    for name, parameter in prop.constraints:
        z, other = next(names), next(names)
        if name == "hasValue":
            parts.append(f"EXISTS {{ {prop.path.pattern(v, _term(parameter), names)} }}")
        elif name == "minCount" and parameter <= 1:
            parts.append(f"EXISTS {{ {v} {path} {z} }}" if parameter else "true")
        elif name == "maxCount" and parameter == 1:
            parts.append(f"NOT EXISTS {{ {v} {path} {z}, {other} FILTER(!sameTerm({z}, {other})) }}")
        elif name in ("minCount", "maxCount"):
            compare = "<" if name == "minCount" else ">"
            parts.append(_counted(v, path, z, "true", compare, parameter))
        elif name == "qualifiedValueShape":
            condition = " && ".join([_conforms(parameter, z, names), *(f"!{_conforms(o, z, names)}" for o in prop.siblings)])
            if prop.qualified_min:
                parts.append(_counted(v, path, z, condition, "<", prop.qualified_min))
            if prop.qualified_max is not None:
                parts.append(_counted(v, path, z, condition, ">", prop.qualified_max))
        elif name == "uniqueLang":
            parts.append(f'NOT EXISTS {{ {v} {path} {z}, {other} . FILTER(!sameTerm({z}, {other}) && lang({z}) != "" '
                         f"&& lang({z}) = lang({other})) }}")
        elif name == "equals":
            parts.append(f"NOT EXISTS {{ {v} {path} {z} . FILTER NOT EXISTS {{ {v} {_term(parameter)} {z} }} }} && "
                         f"NOT EXISTS {{ {v} {_term(parameter)} {z} . FILTER NOT EXISTS {{ {v} {path} {z} }} }}")
        elif name == "disjoint":
            parts.append(f"NOT EXISTS {{ {v} {path} {z} . {v} {_term(parameter)} {z} }}")
        elif name in ("lessThan", "lessThanOrEquals"):
            compare = "<" if name == "lessThan" else "<="
            parts.append(f"NOT EXISTS {{ {v} {path} {z} . {v} {_term(parameter)} {other} . "
                         f"FILTER(!COALESCE({z} {compare} {other}, false)) }}")
        elif name == "closed":
            parts.append(f"NOT EXISTS {{ {v} {path} {z} . {z} ?{other[1:]}p ?{other[1:]}o . "
                         f"FILTER(?{other[1:]}p NOT IN ({_allowed(prop)})) }}")
        elif name == "sparql":
            raise UnsupportedShape(f"{prop.node}: sh:sparql in a nested property shape")
        else:
            parts.append(f"NOT EXISTS {{ {v} {path} {z} FILTER(!({_value(name, parameter, z, names)})) }}")
    for inner in prop.properties:  # a property shape's property shapes hold of each of its values
        z = next(names)
        parts.append(f"NOT EXISTS {{ {v} {path} {z} FILTER(!({_property_holds(inner, z, names.under(inner))})) }}")
    return " && ".join(parts) or "true"


def _counted(v: str, path: str, z: str, condition: str, compare: str, bound: int) -> str:
    """True unless the values of ``v`` through ``path`` that meet ``condition`` number
    ``compare bound`` (fewer than a minimum, more than a maximum)."""
    if compare == "<":
        return (f"EXISTS {{ SELECT {v} WHERE {{ {v} {path} {z} . FILTER({condition}) }} "
                f"GROUP BY {v} HAVING (COUNT(DISTINCT {z}) >= {bound}) }}" if bound > 0 else "true")
    return (f"NOT EXISTS {{ SELECT {v} WHERE {{ {v} {path} {z} . FILTER({condition}) }} "
            f"GROUP BY {v} HAVING (COUNT(DISTINCT {z}) > {bound}) }}")


def _datatype(datatype: str, v: str) -> str:
    if datatype == "http://www.w3.org/2000/01/rdf-schema#Literal":
        return f"isLiteral({v})"
    if datatype == "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString":
        return f'(isLiteral({v}) && lang({v}) != "")'
    same = f"(isLiteral({v}) && sameTerm(datatype({v}), <{datatype}>))"
    if datatype in _CHECKED:
        return f"({same} && COALESCE(sameTerm(datatype(<{datatype}>({v})), <{datatype}>), false))"
    if datatype in _BOUNDED:
        low, high = _BOUNDED[datatype]
        number = f"<{_XSD}integer>(STR({v}))"
        tests = [f"BOUND({number})" if low is None and high is None else "true",
                 *([f"{number} >= {low}"] if low is not None else []), *([f"{number} <= {high}"] if high is not None else [])]
        return f"({same} && COALESCE({' && '.join(tests)}, false))"
    return same


def _term(term) -> str:
    if isinstance(term, ox.BlankNode):
        raise UnsupportedShape(f"a blank node as a constraint parameter: {term}")
    return str(term)


def _short(term) -> str:
    from .terms import short

    return short(term)
