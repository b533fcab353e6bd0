"""Adds the standard-vocabulary triples that the ontology's alignments imply.

A consumer who knows schema.org, W3C ORG or PROV-O, and runs no reasoner, must still find
``schema:Organization``, ``org:member`` or ``prov:wasDerivedFrom`` in the graph. This module
computes them once, at load time, from the ontology itself (sub-class, sub-property and inverse
axioms) and from the SPARQL Update rules in ``ontology/rules/``.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import DataError

_PREFIXES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

#: Only alignments stated by our own ontology are applied, never those of imported vocabularies.
_CLOSURE = (
    # types: every super-class, through sub-class and equivalence axioms (the pairs of classes
    # first, once, rather than a path walked from the class of every typed node)
    """INSERT { ?s a ?super } WHERE {
         { SELECT DISTINCT ?class ?super WHERE {
             ?class (rdfs:subClassOf|owl:equivalentClass)+ ?super . FILTER isIRI(?super) } }
         ?s a ?class }""",
    # inverse properties, both ways
    """INSERT { ?o ?q ?s } WHERE { ?p owl:inverseOf ?q . ?s ?p ?o . FILTER (!isLiteral(?o)) }""",
    """INSERT { ?o ?p ?s } WHERE { ?p owl:inverseOf ?q . ?s ?q ?o . FILTER (!isLiteral(?o)) }""",
    # values: every super-property
    """INSERT { ?s ?super ?o } WHERE { ?p rdfs:subPropertyOf+ ?super . ?s ?p ?o . FILTER isIRI(?super) }""",
)


def materialise(store: ox.Store, rules: list[Path]) -> None:
    """Add the implied triples to ``store``: the closure, then each rule, in order, each seeing
    what the ones before it added. (It does not count them: ``len`` of a store of millions of
    triples takes a good part of a second.)"""
    from .progress import phase

    with phase("adding the standard-vocabulary triples", total=len(_CLOSURE) + len(rules)) as advance:
        for update in _CLOSURE:
            store.update(_PREFIXES + update)
            advance()
        for rule in rules:
            try:
                store.update(rule.read_text(encoding="utf-8"))
            except SyntaxError as error:
                raise DataError(f"{rule}:{error.lineno or 1}: {error}") from None
            advance()
