"""Materialisation: the closure and the rules add exactly the triples that the plain SPARQL
updates they were written from add, evaluated one after the other."""

from __future__ import annotations

import pyoxigraph as ox

from heritage_kg.loading import load_into
from heritage_kg.materialise import _PREFIXES, materialise

#: The closure as first written: property paths walked from every typed node.
REFERENCE = (
    "INSERT { ?s a ?super } WHERE { ?s a ?class . ?class (rdfs:subClassOf|owl:equivalentClass)+ ?super . FILTER isIRI(?super) }",
    "INSERT { ?o ?q ?s } WHERE { ?p owl:inverseOf ?q . ?s ?p ?o . FILTER (!isLiteral(?o)) }",
    "INSERT { ?o ?p ?s } WHERE { ?p owl:inverseOf ?q . ?s ?q ?o . FILTER (!isLiteral(?o)) }",
    "INSERT { ?s ?super ?o } WHERE { ?p rdfs:subPropertyOf+ ?super . ?s ?p ?o . FILTER isIRI(?super) }",
)


def _canonical(store: ox.Store) -> set[str]:
    """The quads with blank nodes labelled by RDFC-1.0, so that equal graphs give equal sets."""
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def test_materialise_adds_what_the_reference_updates_add(project):
    parsed = ox.Store()
    load_into(parsed, project.graph_files())
    ours = ox.Store()
    ours.extend(parsed)
    materialise(ours, project.rule_files())
    reference = ox.Store()
    reference.extend(parsed)
    for update in REFERENCE:
        reference.update(_PREFIXES + update)
    for rule in project.rule_files():
        reference.update(rule.read_text(encoding="utf-8"))
    assert len(ours) > 1.5 * len(parsed), "the closure and the rules roughly double the graph"
    assert _canonical(ours) == _canonical(reference)
