"""Conversions between Oxigraph terms and rdflib terms, and short display forms."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib

from .project import ENTITY_NS, ONTOLOGY_NS, SHAPES_NS, VOCAB_NS

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Prefixes used for display and in serialisations, sorted.
PREFIXES = {
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "hkg": ONTOLOGY_NS,
    "hkgsh": SHAPES_NS,
    "hkv": VOCAB_NS,
    "kg": ENTITY_NS,
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "void": "http://rdfs.org/ns/void#",
    "wd": "http://www.wikidata.org/entity/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return rdflib.Literal(term.value)
        # as written: rdflib would otherwise rewrite some lexical forms ("2022-02-28"^^xsd:dateTime)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype), normalize=False)
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term):
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _LANG_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def graph_of(triples) -> rdflib.Graph:
    """An rdflib graph holding Oxigraph triples, with the project's prefixes bound."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    add = graph.add
    for t in triples:
        add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def short(term) -> str:
    """A compact display form: a prefixed name where a prefix fits, else the N-Triples form."""
    value = getattr(term, "value", None) if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else None
    if isinstance(term, (rdflib.URIRef, ox.NamedNode)):
        iri = str(term) if isinstance(term, rdflib.URIRef) else value
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and iri != ns:
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"
    if isinstance(term, (rdflib.BNode, ox.BlankNode)):
        return f"_:{term}" if isinstance(term, rdflib.BNode) else f"_:{value}"
    if isinstance(term, rdflib.Literal):
        return str(term)
    if isinstance(term, ox.Literal):
        return value
    return str(term)
