"""Deterministic serialisation: the same graph gives the same bytes on every run and machine.

Blank nodes get labels computed from their content (a hash of their triples and of the node
that holds them), N-Triples and N-Quads lines are sorted, and JSON-LD is written with sorted
keys and nodes. Turtle, TriG and RDF/XML come from rdflib, which orders subjects and
predicates; with stable blank-node labels its output is stable too.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import pyoxigraph as ox

from .errors import UsageError
from .formats import RDF_FORMATS
from .terms import PREFIXES, to_rdflib

GRAPH_IRI = "https://w3id.org/heritage-kg/graph"


def stable_blank_nodes(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Relabel blank nodes by a hash of their content, in two refinement rounds."""
    blanks = {t.subject for t in triples if isinstance(t.subject, ox.BlankNode)}
    blanks |= {t.object for t in triples if isinstance(t.object, ox.BlankNode)}
    if not blanks:
        return triples
    label = {b: "" for b in blanks}
    for _ in range(3):
        parts: dict[ox.BlankNode, list[str]] = {b: [] for b in blanks}
        for t in triples:
            s = label[t.subject] if t.subject in label else str(t.subject)
            o = label[t.object] if t.object in label else str(t.object)
            if t.subject in parts:
                parts[t.subject].append(f"> {t.predicate} {o}")
            if t.object in parts:
                parts[t.object].append(f"< {s} {t.predicate}")
        label = {b: "_:" + hashlib.sha256("\n".join(sorted(p)).encode()).hexdigest()[:20] for b, p in parts.items()}
    nodes = {b: ox.BlankNode("b" + label[b][2:]) for b in blanks}
    return [ox.Triple(nodes.get(t.subject, t.subject), t.predicate, nodes.get(t.object, t.object)) for t in triples]


def context() -> dict:
    return json.loads(resources.files("heritage_kg").joinpath("context.jsonld").read_text(encoding="utf-8"))


def _sort_json(value):
    if isinstance(value, dict):
        return {k: _sort_json(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_sort_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def serialise_triples(triples: list[ox.Triple], fmt: str, description: list[ox.Triple] | None = None) -> str:
    """Serialise ``triples`` (plus an optional dataset description) in format ``fmt``."""
    spec = RDF_FORMATS.get(fmt)
    if spec is None:
        raise UsageError(f"--format {fmt}: not an RDF format (one of {', '.join(RDF_FORMATS)})")
    description = description or []
    # sorted, so that serialisers which follow the store's insertion order are stable too
    triples = sorted(stable_blank_nodes(list(triples) + description), key=str)
    if fmt == "nt":
        return "".join(sorted({f"{t} .\n" for t in triples}))
    if fmt == "nq":
        described = set(stable_blank_nodes(description)) if description else set()
        graph = ox.NamedNode(GRAPH_IRI)
        lines = {f"{t} .\n" if t in described else f"{ox.Quad(t.subject, t.predicate, t.object, graph)} .\n" for t in triples}
        return "".join(sorted(lines))
    import rdflib

    if fmt == "trig":
        dataset = rdflib.Dataset()
        for prefix, iri in PREFIXES.items():
            dataset.bind(prefix, iri)
        described = set(stable_blank_nodes(description)) if description else set()
        named = dataset.graph(rdflib.URIRef(GRAPH_IRI))
        for t in triples:
            target = dataset.default_context if t in described else named
            target.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return dataset.serialize(format="trig")
    if fmt == "xml":
        prefixes = {p: iri for p, iri in PREFIXES.items() if p not in ("hkgsh",)}
        return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes).decode("utf-8")
    from .terms import graph_of

    graph = graph_of(triples)
    if fmt == "jsonld":
        ctx = context()
        text = graph.serialize(format="json-ld", context=ctx["@context"], auto_compact=True)
        data = json.loads(text)
        body = data.get("@graph", [data])
        return json.dumps({"@context": ctx["@context"], "@graph": _sort_json(body)}, indent=1, ensure_ascii=False) + "\n"
    return graph.serialize(format=spec.rdflib)
