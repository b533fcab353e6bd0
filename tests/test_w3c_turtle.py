"""The W3C RDF 1.1 Turtle test suite (../shared/w3c/rdf-turtle, unchanged W3C copies) through the
syntax gate every data file passes (`heritage_kg.loading.all_issues`): each positive syntax and
evaluation test without an issue, each negative syntax test with one; and each evaluation test's
triples, as the gate's parser reads them, the same graph as its expected N-Triples."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from heritage_kg.loading import all_issues

from .conftest import ROOT

SUITE = ROOT.parent / "shared" / "w3c" / "rdf-turtle"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
#: The base IRI the suite's files are written against (the manifest's mf:assumedTestBase).
BASE = "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: Tests the gate fails on purpose, with the reason. (An IRI of the file: scheme, refused in the
#: project's own files, is allowed in Turtle read against a base of its own, as these are.)
EXCEPTIONS: dict[str, str] = {}


def _entries() -> list[tuple[str, str, Path, Path | None]]:
    if not (SUITE / "manifest.ttl").is_file():
        return []
    store = ox.Store()
    store.load(path=str(SUITE / "manifest.ttl"), format=ox.RdfFormat.TURTLE, base_iri=(SUITE / "manifest.ttl").as_uri())
    rows = store.query(f"""PREFIX mf: <{MF}> SELECT ?name ?type ?action ?result WHERE {{
        ?test a ?type ; mf:name ?name ; mf:action ?action . OPTIONAL {{ ?test mf:result ?result }} }} ORDER BY ?name""")
    return [(name.value, kind.value.rsplit("#", 1)[1], Path(action.value.removeprefix("file://")),
             Path(result.value.removeprefix("file://")) if result is not None else None)
            for name, kind, action, result in rows]


ENTRIES = _entries()


def test_the_suite_is_there():
    if not ENTRIES:
        pytest.skip(f"the W3C Turtle suite is not at {SUITE}: it comes with ../shared beside the checkout")
    kinds = [kind for _, kind, _, _ in ENTRIES]
    assert (kinds.count("TestTurtleNegativeSyntax"), kinds.count("TestTurtlePositiveSyntax") + kinds.count("TestTurtleEval")) == (94, 219)


@pytest.mark.parametrize("name, kind, action, result", ENTRIES, ids=[e[0] for e in ENTRIES])
def test_turtle_suite(name, kind, action, result):
    issues = all_issues(action, base=BASE + action.name)
    if action.name in EXCEPTIONS:
        assert issues, f"{name} passes the gate now: take it off the exceptions"
        pytest.xfail(EXCEPTIONS[action.name])
    if kind == "TestTurtleNegativeSyntax":
        assert issues, f"{name}: {action.name} is not Turtle, and the gate let it through"
        return
    assert issues == [], f"{name}: {issues[0]}"
    if kind == "TestTurtleEval":
        read = Graph()
        for t in ox.parse(path=str(action), format=ox.RdfFormat.TURTLE, base_iri=BASE + action.name):
            read.add((_term(t.subject), _term(t.predicate), _term(t.object)))
        expected = Graph()
        for triple in Graph().parse(result, format="nt"):
            expected.add(tuple(_lower_language(term) for term in triple))
        assert isomorphic(read, expected), f"{name}: the triples read differ from {result.name}"


def _term(term):
    """An Oxigraph term as rdflib's, for the comparison (blank nodes by their label, which both
    sides keep within one graph)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language.lower())
    if term.datatype.value == XSD_STRING:  # a simple literal, as rdflib reads one
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _lower_language(term):
    """Language tags compare without case (RDF 1.1 Concepts, 3.3); the parser writes them lower."""
    if isinstance(term, Literal) and term.language:
        return Literal(str(term), lang=term.language.lower())
    return term
