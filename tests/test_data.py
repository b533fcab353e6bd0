"""The data: every term declared, every entity labelled, every key phrase found verbatim in the
document it cites, and everything loadable by rdflib and Oxigraph."""

from __future__ import annotations

import logging
import re
import warnings

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from heritage_kg.loading import load
from heritage_kg.sources import SNAPSHOTS

from .conftest import ROOT

H = rdflib.Namespace("https://w3id.org/heritage-kg/ontology#")
KG = "https://w3id.org/heritage-kg/id/"
SKOSXL = "http://www.w3.org/2008/05/skos-xl#"
ALLOWED_FOREIGN = {RDF.type, RDFS.label, RDFS.comment, OWL.sameAs, DCTERMS.language, SKOS.altLabel,
                   URIRef(SKOSXL + "altLabel"), URIRef(SKOSXL + "literalForm")}
DATA_FILES = sorted((ROOT / "data").glob("*.ttl"))


@pytest.fixture(scope="module")
def ontology():
    graph = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def data():
    graph = rdflib.Graph()
    for path in DATA_FILES:
        graph.parse(path)
    return graph


def test_every_term_data_uses_is_declared(ontology, data):
    declared = set(ontology.subjects(RDF.type, None))
    undeclared = set()
    for s, p, o in data:
        if p not in ALLOWED_FOREIGN and p not in declared:
            undeclared.add(p)
        if p == RDF.type and o not in declared and o != URIRef(SKOSXL + "Label"):
            undeclared.add(o)
        if isinstance(o, rdflib.URIRef) and str(o).startswith("https://w3id.org/heritage-kg/vocab/") and o not in declared:
            undeclared.add(o)
    assert not undeclared, sorted(undeclared)


def test_every_entity_has_a_label_in_english_or_french(data):
    """Both languages where a name is known in both: tests/test_names.py holds the organisations
    to the reference names, and the check name-under-both-tags refuses a copy."""
    entities = {s for s in data.subjects(RDF.type, None) if str(s).startswith(KG)}
    assert len(entities) > 150
    missing = [str(e) for e in sorted(entities)
               if not any(label.language in ("en", "fr") for label in data.objects(e, RDFS.label))]
    assert not missing, missing


def test_every_entity_and_tie_carries_evidence(data):
    entities = {s for s in data.subjects(RDF.type, None)
                if str(s).startswith(KG) and (s, RDF.type, H.SourceDocument) not in data}
    bare = sorted(e for e in entities if (e, H.evidence, None) not in data)
    assert not bare, bare


def test_key_phrases_occur_in_the_cited_document(data, shared_dir):
    """Each key phrase stands on the line it cites, in a seed, a reference file or a snapshot kept
    under data/sources/ (a source registered by its address alone has no lines to check)."""
    checked, misses = 0, []
    for evidence, source in data.subject_objects(H.source):
        if data.value(source, H.fileName) is None:
            continue
        kept = str(data.value(source, H.fileName))
        path = ROOT / kept if kept.startswith(SNAPSHOTS + "/") else shared_dir / kept
        lines = path.read_text(encoding="utf-8").splitlines()
        line, phrase = int(data.value(evidence, H.line)), data.value(evidence, H.keyPhrase)
        checked += 1
        if not (1 <= line <= len(lines) and str(phrase) in lines[line - 1]):
            misses.append(f"{data.value(source, H.fileName)}:{line}: {phrase!r}")
        if len(str(phrase).split()) > 15:
            misses.append(f"{data.value(source, H.fileName)}:{line}: key phrase too long for a phrase: {phrase!r}")
    assert checked > 300
    assert not misses, "\n".join(misses)


def test_key_phrases_are_tagged_with_a_language(data):
    untagged = [str(p) for p in data.objects(None, H.keyPhrase) if p.language not in ("en", "fr")]
    assert not untagged


def test_reference_facts_cite_the_reference_sources(data):
    for same in data.subjects(OWL.sameAs, None):
        sources = {data.value(ev, H.source) for ev in data.objects(same, H.evidence)
                   if (ev, H.supports, OWL.sameAs) in data}
        assert sources == {rdflib.URIRef(KG + "source-reference-organisations")}, same


@pytest.mark.parametrize("path", DATA_FILES + sorted((ROOT / "ontology").glob("*.ttl")), ids=lambda p: p.name)
def test_loads_in_rdflib_and_oxigraph_without_warnings(path, caplog):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.WARNING):
            graph = rdflib.Graph().parse(path)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    loaded = load([path])
    assert loaded.ok, loaded.issues
    assert len(graph) == len({(t.subject, t.predicate, t.object) for t in loaded.triples[path]
                              if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)}) + \
        sum(1 for t in loaded.triples[path] if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))


def test_no_text_in_the_data_names_a_raw_iri():
    """Labels, descriptions, comments and reasons are read by people on the pages and in
    `describe`: they name what they mention in words, never as kg:slug or hkg:term."""
    found = []
    for path in sorted((ROOT / "data").glob("*.ttl")):
        store = ox.Store()
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        for quad in store:
            text = quad.object
            if isinstance(text, ox.Literal) and text.language and re.search(r"\b(kg|hkg):[A-Za-z]", text.value):
                found.append(f"{path.name}: {text.value[:80]}")
    assert not found, found
