"""Conversions between Oxigraph terms and rdflib terms, and short display forms.

rdflib is imported only by the functions that make or read rdflib terms, so that commands
which never touch it (a query on the store, say) do not pay for importing it.
"""

from __future__ import annotations

import pyoxigraph as ox

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
    import rdflib

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
    import rdflib

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


def graph_of(triples) -> "rdflib.Graph":
    """An rdflib graph holding Oxigraph triples, with the project's prefixes bound."""
    import rdflib

    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    add = graph.add
    for t in triples:
        add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def short(term) -> str:
    """A compact display form: a prefixed name where a prefix fits, else the N-Triples form."""
    if isinstance(term, ox.NamedNode):
        return _short_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    if type(term).__module__.startswith("rdflib"):  # rdflib is then imported already
        import rdflib

        if isinstance(term, rdflib.URIRef):
            return _short_iri(str(term))
        if isinstance(term, rdflib.BNode):
            return f"_:{term}"
    return str(term)


def _short_iri(iri: str) -> str:
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
