"""The W3C SHACL Core test suite (../shared/w3c/shacl-core, unchanged W3C copies) through the
compiled validator: for every test, the same conformance and the same results as the W3C
expected report, each result by its focus node, path, value, severity, source shape and
constraint component. Blank nodes compare by structure: a property shape by its path, any other
blank node as a blank node."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from heritage_kg.engine import EmbeddedEngine
from heritage_kg.shaclsparql import compile_shapes, run
from heritage_kg.shapegraph import ShapesGraph

from .conftest import ROOT

SUITE = ROOT.parent / "shared" / "w3c" / "shacl-core"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _read(path: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    return store


def _triples(path: Path) -> list:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))


def _one(store: ox.Store, subject, predicate: str):
    found = [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]
    return found[0] if found else None


def _list(store: ox.Store, head) -> list:
    items = []
    while head != ox.NamedNode(RDF + "nil"):
        items.append(_one(store, head, RDF + "first"))
        head = _one(store, head, RDF + "rest")
    return items


def _local(iri: str) -> Path:
    return Path(iri.removeprefix("file://"))


def _entries() -> list[tuple[str, Path, object]]:
    """Every test of the suite: its name, its file, and its node in that file."""
    if not (SUITE / "manifest.ttl").is_file():
        return []
    found = []
    top = _read(SUITE / "manifest.ttl")
    for part in sorted(q.object.value for q in top.quads_for_pattern(None, ox.NamedNode(MF + "include"), None)):
        listing = _read(_local(part))
        for included in sorted(q.object.value for q in listing.quads_for_pattern(None, ox.NamedNode(MF + "include"), None)):
            file = _local(included)
            store = _read(file)
            for manifest in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(MF + "Manifest")):
                for test in _list(store, _one(store, manifest.subject, MF + "entries")):
                    found.append((f"{file.parent.name}/{test.value.rsplit('/', 1)[-1]}", file, test))
    return found


ENTRIES = _entries()


def _path_text(store: ox.Store, node) -> str:
    """A SHACL path written as the compiled validator writes one (``Path.sparql``)."""
    if isinstance(node, ox.NamedNode):
        return f"<{node.value}>"
    if _one(store, node, RDF + "first") is not None:
        return "(" + "/".join(_path_text(store, part) for part in _list(store, node)) + ")"
    if (inverse := _one(store, node, SH + "inversePath")) is not None:
        return f"^({_path_text(store, inverse)})"
    if (alternatives := _one(store, node, SH + "alternativePath")) is not None:
        return "(" + "|".join(_path_text(store, part) for part in _list(store, alternatives)) + ")"
    for name, mark in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        if (inner := _one(store, node, SH + name)) is not None:
            return f"({_path_text(store, inner)}){mark}"
    raise AssertionError(f"not a path: {node}")


def _shape_key(store: ox.Store, node) -> str:
    if isinstance(node, ox.BlankNode):
        path = _one(store, node, SH + "path")
        return f"shape with path {_path_text(store, path)}" if path is not None else "a blank node"
    return str(node)


def _term_key(term) -> str | None:
    if term is None:
        return None
    return "a blank node" if isinstance(term, ox.BlankNode) else str(term)


def _expected(store: ox.Store, test) -> tuple[bool, set]:
    report = _one(store, test, MF + "result")
    conforms = _one(store, report, SH + "conforms").value == "true"
    results = set()
    for result in (q.object for q in store.quads_for_pattern(report, ox.NamedNode(SH + "result"), None)):
        path = _one(store, result, SH + "resultPath")
        results.add((_term_key(_one(store, result, SH + "focusNode")), _path_text(store, path) if path is not None else None,
                     _term_key(_one(store, result, SH + "value")), str(_one(store, result, SH + "resultSeverity")),
                     _shape_key(store, _one(store, result, SH + "sourceShape")),
                     str(_one(store, result, SH + "sourceConstraintComponent"))))
    return conforms, results


def test_the_suite_is_there():
    if not ENTRIES:
        pytest.skip(f"the W3C SHACL Core suite is not at {SUITE}: it comes with ../shared beside the checkout")
    assert len(ENTRIES) == 98


@pytest.mark.parametrize("name, file, test", ENTRIES, ids=[e[0] for e in ENTRIES])
def test_shacl_core_suite(name, file, test):
    store = _read(file)
    action = _one(store, test, MF + "action")
    data, shapes = _local(_one(store, action, SHT + "dataGraph").value), _local(_one(store, action, SHT + "shapesGraph").value)
    shape_triples = _triples(shapes)
    shape_store = ox.Store()
    shape_store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in shape_triples)
    conforms, expected = _expected(store, test)

    results = run(EmbeddedEngine(_read(data)), compile_shapes(ShapesGraph(shape_triples)))
    found = {(_term_key(r.focus), r.path.sparql if r.path is not None else None, _term_key(r.value), str(r.severity),
              _shape_key(shape_store, r.shape), f"<{r.component}>") for r in results}
    assert (not found) == conforms, f"{name}: conforms should be {conforms}"
    assert found == expected, f"{name}: missing {sorted(expected - found, key=str)}; unexpected {sorted(found - expected, key=str)}"


def test_the_suite_through_the_command_line(run):
    """Every test again, through `heritage-kg validate --shapes --data --format ttl`: the report
    graph it writes has the expected conformance, and the expected results by focus node,
    severity, source shape and constraint component."""
    if not ENTRIES:
        pytest.skip(f"the W3C SHACL Core suite is not at {SUITE}: it comes with ../shared beside the checkout")
    wrong = []
    for name, file, test in ENTRIES:
        store = _read(file)
        action = _one(store, test, MF + "action")
        data, shapes = _local(_one(store, action, SHT + "dataGraph").value), _local(_one(store, action, SHT + "shapesGraph").value)
        conforms, expected = _expected(store, test)
        answer = run("validate", "--shapes", str(shapes), "--data", str(data), "--format", "ttl", "--fail-on", "info")
        report = ox.Store()
        report.load(answer.stdout.encode(), format=ox.RdfFormat.TURTLE)
        root = next(report.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(SH + "ValidationReport"))).subject
        # a shape that is a blank node is named by nothing the report can carry: it compares as one
        found = {(_term_key(_one(report, r, SH + "focusNode")), str(_one(report, r, SH + "resultSeverity")),
                  _term_key(_one(report, r, SH + "sourceShape")), str(_one(report, r, SH + "sourceConstraintComponent")))
                 for r in (q.object for q in report.quads_for_pattern(root, ox.NamedNode(SH + "result"), None))}
        wanted = {(focus, severity, "a blank node" if shape.startswith("shape with path") else shape, component)
                  for focus, _, _, severity, shape, component in expected}
        said = _one(report, root, SH + "conforms").value == "true"
        if said != conforms or answer.exit_code != (0 if conforms else 1) or found != wanted:
            wrong.append(f"{name}: conforms {said}, exit {answer.exit_code}; missing {wanted - found}; unexpected {found - wanted}")
    assert wrong == []
