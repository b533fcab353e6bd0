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
    """A line of the network: two sides, the kind of tie, its English label; the tie node it
    comes from (None for a tie written as one property) and its dates as the data gives them."""

    source: str
    target: str
    kind: str
    label: str
    tie: str | None = None
    variety: str | None = None
    start: str | None = None
    end: str | None = None

    @property
    def first_year(self) -> int | None:
        return year_of(self.start)

    @property
    def last_year(self) -> int | None:
        return year_of(self.end)


#: What the network draws on request besides organisations, and the kinds of tie that bring it:
#: people (their posts and signatures) and instruments (the mandates resting on them).
EXTRAS = {"people": ("post", "signature"), "instruments": ("mandate",)}


def year_of(text: str | None) -> int | None:
    """The year of a date as the data writes it ("1996-06-06", "1996", "-0050"), or None."""
    if not text:
        return None
    head = text[1:] if text.startswith("-") else text
    digits = head.split("-", 1)[0]
    return (-1 if text.startswith("-") else 1) * int(digits) if digits.isdigit() else None


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


_DATES = """OPTIONAL { ?tie hkg:startDate ?s } OPTIONAL { ?tie hkg:date ?d } OPTIONAL { ?tie hkg:endDate ?end }
            BIND(COALESCE(?s, ?d) AS ?start)"""


def _pattern(kind: TieKind) -> str:
    """The SPARQL pattern that binds ?a, ?b, the edge's English ?label, and for a tie node ?tie,
    its ?variety (the concept of its kind property) and its ?start and ?end: the label is the
    variety's, else the word for the kind. A tie with one side property (the parties of an
    agreement) gives each pair of its sides once, undirected."""
    if kind.direct:
        return f"?a <{kind.iri}> ?b . <{kind.iri}> rdfs:label ?label . FILTER(LANG(?label) = 'en')"
    first, last = kind.sides[0], kind.sides[-1]
    sides = f"?tie a <{kind.iri}> ; <{first}> ?a ; <{last}> ?b . {_DATES}"
    if first == last:
        sides += " FILTER(STR(?a) < STR(?b))"
    if kind.kind_property:
        return sides + f" ?tie <{kind.kind_property}> ?variety . ?variety skos:prefLabel ?label . FILTER(LANG(?label) = 'en')"
    return sides + f" <{kind.iri}> rdfs:label ?label . FILTER(LANG(?label) = 'en')"


def _value(term) -> str | None:
    return term.value if term is not None else None


def edges(store: ox.Store, kinds: list[TieKind], programmes: tuple[TieKind, ...] = ()) -> list[Edge]:
    """The lines of the network for ``kinds``, one for each tie and pair of its sides; and a line
    from each programme or project to who runs, funds or hosts it, by the ties ``programmes``
    (`TieKinds.activity_links`)."""
    found = set()
    for kind in kinds:
        if not kind.direct and not kind.sides:
            continue
        query = f"SELECT DISTINCT ?a ?b ?label ?tie ?variety ?start ?end WHERE {{ {_pattern(kind)} }}"
        for a, b, label, tie, variety, start, end in store.query(_PREFIX + query):
            found.add(Edge(a.value, b.value, kind.key, label.value, _value(tie), _value(variety), _value(start), _value(end)))
    if programmes:
        links = " ".join(f"<{k.iri}>" for k in programmes)
        query = f"""SELECT DISTINCT ?a ?b ?label ?start ?end WHERE {{
            VALUES ?p {{ {links} }} {{ ?a a hkg:Programme }} UNION {{ ?a a hkg:Project }}
            ?a ?p ?b . ?p rdfs:label ?label . FILTER(LANG(?label) = 'en')
            OPTIONAL {{ ?a hkg:startDate ?start }} OPTIONAL {{ ?a hkg:endDate ?end }} }}"""
        for a, b, label, start, end in store.query(_PREFIX + query):
            found.add(Edge(a.value, b.value, "programme", label.value, None, None, _value(start), _value(end)))
    return sorted(found, key=lambda e: (e.kind, e.source, e.target, e.label, e.tie or ""))


def distinct(es: list[Edge]) -> list[Edge]:
    """One line for each pair, kind and label, as a drawing wants them (two agreements of the
    same kind between the same two organisations draw as one line)."""
    seen: dict[tuple, Edge] = {}
    for e in es:
        seen.setdefault((e.kind, e.source, e.target, e.label), Edge(e.source, e.target, e.kind, e.label))
    return list(seen.values())


def holds_in(edge: Edge, year: int) -> bool:
    """Whether a tie held in ``year``: begun by then (an undated one is assumed to) and not
    ended before it."""
    first, last = edge.first_year, edge.last_year
    return (first is None or first <= year) and (last is None or last >= year)


def founded(store: ox.Store, table: TieKinds) -> dict[str, int]:
    """The year each organisation was founded, where the data dates its founding."""
    kind = table.by_key.get("founding")
    if kind is None or not kind.sides:
        return {}
    years: dict[str, int] = {}
    query = f"SELECT ?o ?d WHERE {{ ?f a <{kind.iri}> ; <{kind.sides[-1]}> ?o ; hkg:date ?d }}"
    for o, d in store.query(_PREFIX + query):
        year = year_of(d.value)
        if year is not None:
            years[o.value] = min(year, years.get(o.value, year))
    return years


def reach(all_edges: list[Edge], centres: list[str], depth: int) -> dict[str, int]:
    """Every node within ``depth`` steps of one of ``centres``, with its distance; the centres
    that are in no edge are reached at 0 all the same."""
    adjacent: dict[str, set[str]] = {}
    for e in all_edges:
        adjacent.setdefault(e.source, set()).add(e.target)
        adjacent.setdefault(e.target, set()).add(e.source)
    reached = dict.fromkeys(centres, 0)
    queue = deque(centres)
    while queue:
        node = queue.popleft()
        if reached[node] == depth:
            continue
        for other in sorted(adjacent.get(node, ())):
            if other not in reached:
                reached[other] = reached[node] + 1
                queue.append(other)
    return reached


def neighbourhood(all_edges: list[Edge], centre: str, depth: int) -> list[Edge]:
    if not any(centre in (e.source, e.target) for e in all_edges):
        raise UsageError(f"--focus {centre.removeprefix(ENTITY_NS)}: no such organisation in the network")
    reached = reach(all_edges, [centre], depth)
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
        colour, style, directed = kind.colour, kind.dot_style, kind.directed
        arrow = "normal" if directed else "none"
        out.append(f'  {_id(e.source)} -> {_id(e.target)} [label={_dq(e.label)}, color="{colour}", '
                   f'fontcolor="{colour}", style={style}, arrowhead={arrow}];')
    out.append('  subgraph cluster_legend { label="kinds of tie"; fontname="Helvetica"; fontsize=10; style=dashed;')
    for tie_kind in table.network():
        kind, colour, style, directed = tie_kind.key, tie_kind.colour, tie_kind.dot_style, tie_kind.directed
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
        if kind.dasharray:
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


def render(store: ox.Store, fmt: str, kinds: list[str], around: str | None, depth: int, year: int | None = None) -> str:
    """The network in ``fmt``, of the tie kinds named in ``kinds`` (every kind drawn in the
    network where it is empty), as it stood in ``year`` where one is given (ties begun later or
    ended before left out; undated ones kept).

    Raises:
        UsageError: a name in ``kinds`` that is not a kind of tie drawn in the network.
    """
    table = read_tie_kinds(store)
    drawn = {k.key: k for k in table.network()}
    unknown = [k for k in kinds if k not in drawn]
    if unknown:
        raise UsageError(f"--kind {unknown[0]}: not a kind of tie in the network; choose from {', '.join(drawn)}")
    es = edges(store, [drawn[k] for k in kinds] if kinds else list(drawn.values()))
    if year is not None:
        born = founded(store, table)
        es = [e for e in es if holds_in(e, year) and all(born.get(n, year) <= year for n in (e.source, e.target))]
    if around:
        es = neighbourhood(es, around, depth)
    es = distinct(es)
    labels = _labels(store)
    if fmt == "mermaid":
        return to_mermaid(es, labels, table)
    if fmt == "graphml":
        return to_graphml(es, labels)
    dot = to_dot(es, labels, table)
    return to_svg(dot) if fmt == "svg" else dot
