"""The network of organisations as a picture: DOT, SVG (through Graphviz), GraphML and Mermaid."""

from __future__ import annotations

import shutil
import subprocess
from collections import deque
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .errors import DataError, UsageError
from .project import ENTITY_NS
from .ties import TieKind, TieKinds
from .ties import read as read_tie_kinds


_PREFIX = """PREFIX hkg: <https://w3id.org/heritage-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str
    label: str


def _labels(store: ox.Store) -> dict[str, str]:
    """A short English name for each organisation or unit: its acronym (one both languages write
    first, as INTERPOL before ICPO), else its label (the French one where no English one is
    known), else its IRI."""
    rows = store.query(_PREFIX + """SELECT ?o ?acr ?both ?l ?fr WHERE {
        { ?o a hkg:Organisation } UNION { ?o a hkg:OrganisationalUnit }
        OPTIONAL { ?o hkg:acronym ?acr FILTER(LANG(?acr) = 'en')
                   BIND(EXISTS { ?o hkg:acronym ?same FILTER(LANG(?same) = 'fr' && STR(?same) = STR(?acr)) } AS ?both) }
        OPTIONAL { ?o rdfs:label ?l FILTER(LANG(?l) = 'en') }
        OPTIONAL { ?o rdfs:label ?fr FILTER(LANG(?fr) = 'fr') } }""")
    acronyms: dict[str, set] = {}
    labels: dict[str, dict[str, set]] = {}
    for iri, acronym, both, english, french in rows:
        if acronym is not None:
            acronyms.setdefault(iri.value, set()).add((both is None or both.value != "true", acronym.value))
        found = labels.setdefault(iri.value, {"en": set(), "fr": set()})
        for lang, term in (("en", english), ("fr", french)):
            if term is not None:
                found[lang].add(term.value)
    names = {}
    for iri, found in labels.items():
        text = min(found["en"] or found["fr"] or {iri})
        short = min(acronyms[iri])[1] if iri in acronyms else None
        names[iri] = text if len(text) <= 20 or short is None else short
    return names


def _pattern(kind: TieKind) -> str:
    """The SPARQL pattern that binds ?a, ?b and the edge's English ?label for a kind of tie: the
    concept of its kind property, else the word for the kind. A tie with one side property (the
    parties of an agreement) gives each pair of its sides once, undirected."""
    if kind.direct:
        return f"?a <{kind.iri}> ?b . <{kind.iri}> rdfs:label ?label . FILTER(LANG(?label) = 'en')"
    first, last = kind.sides[0], kind.sides[-1]
    sides = f"?tie a <{kind.iri}> ; <{first}> ?a ; <{last}> ?b ."
    if first == last:
        sides += " FILTER(STR(?a) < STR(?b))"
    if kind.kind_property:
        return sides + f" ?tie <{kind.kind_property}> ?k . ?k skos:prefLabel ?label . FILTER(LANG(?label) = 'en')"
    return sides + f" <{kind.iri}> rdfs:label ?label . FILTER(LANG(?label) = 'en')"


def edges(store: ox.Store, kinds: list[TieKind]) -> list[Edge]:
    found = set()
    for kind in kinds:
        if not kind.direct and not kind.sides:
            continue
        for row in store.query(_PREFIX + f"SELECT DISTINCT ?a ?b ?label WHERE {{ {_pattern(kind)} }}"):
            found.add(Edge(row[0].value, row[1].value, kind.key, row[2].value))
    return sorted(found, key=lambda e: (e.kind, e.source, e.target, e.label))


def neighbourhood(all_edges: list[Edge], centre: str, depth: int) -> list[Edge]:
    adjacent: dict[str, set[str]] = {}
    for e in all_edges:
        adjacent.setdefault(e.source, set()).add(e.target)
        adjacent.setdefault(e.target, set()).add(e.source)
    if centre not in adjacent:
        raise UsageError(f"--around {centre.removeprefix(ENTITY_NS)}: no such organisation in the network")
    reached = {centre: 0}
    queue = deque([centre])
    while queue:
        node = queue.popleft()
        if reached[node] == depth:
            continue
        for other in sorted(adjacent[node]):
            if other not in reached:
                reached[other] = reached[node] + 1
                queue.append(other)
    return [e for e in all_edges if e.source in reached and e.target in reached]


def _id(iri: str) -> str:
    return iri.removeprefix(ENTITY_NS).replace("-", "_")


def to_dot(es: list[Edge], labels: dict[str, str], table: TieKinds) -> str:
    nodes = sorted({e.source for e in es} | {e.target for e in es})
    out = ["digraph heritage_kg {", '  graph [rankdir=LR, overlap=false, splines=true, fontname="Helvetica"];',
           '  node [shape=box, style="rounded,filled", fillcolor="#f4f1ea", fontname="Helvetica", fontsize=11];',
           '  edge [fontname="Helvetica", fontsize=9];']
    for n in nodes:
        out.append(f'  {_id(n)} [label={_dq(labels.get(n, n))}, URL={_dq(n)}];')
    for e in es:
        kind = table.by_key[e.kind]
        colour, style, directed = kind.colour, kind.line, kind.directed
        arrow = "normal" if directed else "none"
        out.append(f'  {_id(e.source)} -> {_id(e.target)} [label={_dq(e.label)}, color="{colour}", '
                   f'fontcolor="{colour}", style={style}, arrowhead={arrow}];')
    out.append('  subgraph cluster_legend { label="kinds of tie"; fontname="Helvetica"; fontsize=10; style=dashed;')
    for tie_kind in table.network():
        kind, colour, style, directed = tie_kind.key, tie_kind.colour, tie_kind.line, tie_kind.directed
        if any(e.kind == kind for e in es):
            out.append(f'    legend_{kind} [shape=plaintext, style="", label={_dq(kind)}, fontcolor="{colour}"];')
            out.append(f'    legend_{kind}_end [shape=point, style=invis, width=0.01];')
            out.append(f'    legend_{kind} -> legend_{kind}_end [color="{colour}", style={style}, '
                       f'arrowhead={"normal" if directed else "none"}];')
    out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def _dq(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_svg(dot: str) -> str:
    exe = shutil.which("dot")
    if exe is None:
        raise DataError("--format svg needs Graphviz's 'dot' program (Debian: apt-get install graphviz)")
    done = subprocess.run([exe, "-Tsvg"], input=dot.encode(), capture_output=True, timeout=120)
    if done.returncode != 0:
        raise DataError(f"Graphviz failed: {done.stderr.decode(errors='replace').strip().splitlines()[0]}")
    return done.stdout.decode("utf-8")


def to_mermaid(es: list[Edge], labels: dict[str, str], table: TieKinds) -> str:
    out = ["flowchart LR"]
    for n in sorted({e.source for e in es} | {e.target for e in es}):
        out.append(f'  {_id(n)}["{labels.get(n, n).replace(chr(34), "#quot;")}"]')
    styles = []
    for i, e in enumerate(es):
        kind = table.by_key[e.kind]
        link = "-->" if kind.directed else "---"
        if kind.line in ("dashed", "dotted"):
            link = "-.->" if kind.directed else "-.-"
        elif kind.line == "bold":
            link = "==>"
        out.append(f'  {_id(e.source)} {link}|"{e.label.replace(chr(34), "#quot;")}"| {_id(e.target)}')
        styles.append(f"  linkStyle {i} stroke:{kind.colour}")
    return "\n".join(out + styles) + "\n"


def to_graphml(es: list[Edge], labels: dict[str, str]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
           '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
           '  <key id="iri" for="node" attr.name="iri" attr.type="string"/>',
           '  <key id="kind" for="edge" attr.name="kind" attr.type="string"/>',
           '  <key id="elabel" for="edge" attr.name="label" attr.type="string"/>',
           '  <graph id="heritage-kg" edgedefault="directed">']
    for n in sorted({e.source for e in es} | {e.target for e in es}):
        out.append(f'    <node id={quoteattr(_id(n))}><data key="label">{escape(labels.get(n, n))}</data>'
                   f'<data key="iri">{escape(n)}</data></node>')
    for i, e in enumerate(es):
        out.append(f'    <edge id="e{i}" source={quoteattr(_id(e.source))} target={quoteattr(_id(e.target))}>'
                   f'<data key="kind">{e.kind}</data><data key="elabel">{escape(e.label)}</data></edge>')
    out += ["  </graph>", "</graphml>"]
    return "\n".join(out) + "\n"


def render(store: ox.Store, fmt: str, kinds: list[str], around: str | None, depth: int) -> str:
    """The network in ``fmt``, of the tie kinds named in ``kinds`` (every kind drawn in the
    network where it is empty).

    Raises:
        UsageError: a name in ``kinds`` that is not a kind of tie drawn in the network.
    """
    table = read_tie_kinds(store)
    drawn = {k.key: k for k in table.network()}
    unknown = [k for k in kinds if k not in drawn]
    if unknown:
        raise UsageError(f"--kind {unknown[0]}: not a kind of tie in the network; choose from {', '.join(drawn)}")
    es = edges(store, [drawn[k] for k in kinds] if kinds else list(drawn.values()))
    if around:
        es = neighbourhood(es, around, depth)
    labels = _labels(store)
    if fmt == "mermaid":
        return to_mermaid(es, labels, table)
    if fmt == "graphml":
        return to_graphml(es, labels)
    dot = to_dot(es, labels, table)
    return to_svg(dot) if fmt == "svg" else dot
