"""The ontology: versioned like the package, every term labelled, defined and aligned."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

import heritage_kg

from .conftest import ROOT

H = rdflib.Namespace("https://w3id.org/heritage-kg/ontology#")
ONTOLOGY = rdflib.URIRef("https://w3id.org/heritage-kg/ontology")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path)
    return graph


def _terms(ontology):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted({s for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith(str(H))})


def test_version_matches_the_package(ontology):
    assert str(ontology.value(ONTOLOGY, OWL.versionInfo)) == heritage_kg.__version__
    assert str(ontology.value(ONTOLOGY, OWL.versionIRI)).endswith("/" + heritage_kg.__version__)


def test_every_term_has_labels_definitions_and_is_defined_by(ontology):
    missing = []
    for term in _terms(ontology) + list(ontology.subjects(RDF.type, SKOS.Concept)):
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in ontology.objects(term, prop)}
            if not {"en", "fr"} <= langs:
                missing.append(f"{term} {prop} {sorted(map(str, langs))}")
        if (term, RDFS.isDefinedBy, ONTOLOGY) not in ontology:
            missing.append(f"{term} rdfs:isDefinedBy")
    assert not missing, "\n".join(missing)


def _aligned(ontology, term, seen=()) -> bool:
    for prop in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty):
        for other in ontology.objects(term, prop):
            if not str(other).startswith(str(H)):
                return True
            if other not in seen and _aligned(ontology, other, seen + (term,)):
                return True
    return False


def test_every_term_is_aligned_or_says_why_not(ontology):
    loose = [t for t in _terms(ontology) if not _aligned(ontology, t) and (t, RDFS.comment, None) not in ontology]
    assert not loose, "terms with no standard super-term and no comment saying why: " + ", ".join(loose)


def test_alignment_reaches_each_standard_vocabulary(ontology):
    used = {str(o) for p in (RDFS.subClassOf, RDFS.subPropertyOf) for o in ontology.objects(None, p)}
    for ns in ("http://www.w3.org/ns/org#", "https://schema.org/", "http://www.cidoc-crm.org/cidoc-crm/",
               "http://www.w3.org/ns/prov#", "http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/",
               "http://www.w3.org/2006/time#", "http://xmlns.com/foaf/0.1/"):
        assert any(u.startswith(ns) for u in used), ns


def test_concept_schemes_cover_the_kinds_and_topics(ontology):
    vocab = "https://w3id.org/heritage-kg/vocab/"
    concepts = {str(c) for c in ontology.subjects(RDF.type, SKOS.Concept)}
    for needed in ("agreement-kinds/memorandum-of-understanding", "agreement-kinds/cooperation-agreement",
                   "agreement-kinds/partnership", "agreement-kinds/funding-or-support",
                   "topics/illicit-trafficking", "topics/conflict-zones", "topics/emergency-preparedness",
                   "topics/intellectual-property", "topics/training", "roles/founding-member"):
        assert vocab + needed in concepts
