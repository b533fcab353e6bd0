"""The dataset description that travels with every dump: VoID, DCAT and schema.org Dataset."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from . import RELEASE_DATE, __version__
from .formats import RDF_FORMATS
from .project import BASE, LANGUAGES
from .stats import WIKIDATA
from .terms import PREFIXES

DATASET = BASE + "dataset"
_XSD = PREFIXES["xsd"]


def _n(iri: str) -> ox.NamedNode:
    prefix, _, local = iri.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local) if prefix in PREFIXES and "//" not in iri else ox.NamedNode(iri)


@dataclass(frozen=True)
class Edition:
    """Which edition of the dataset a description gives: its version and the day it was issued."""

    version: str
    issued: str


#: The package's own: what a dump says when no release of the data says otherwise.
PACKAGE = Edition(__version__, RELEASE_DATE)


def describe(stats: dict, edition: Edition = PACKAGE) -> list[ox.Triple]:
    """Triples describing the dataset, from the counts of `stats.compute` (taken before the
    description is added), as ``edition`` of it."""
    version, issued = edition.version, edition.issued
    ds = ox.NamedNode(DATASET)
    out: list[ox.Triple] = []
    add = lambda s, p, o: out.append(ox.Triple(s, _n(p), o))
    integer = lambda n: ox.Literal(str(n), datatype=ox.NamedNode(_XSD + "integer"))
    for cls in ("void:Dataset", "dcat:Dataset", "schema:Dataset"):
        add(ds, "rdf:type", _n(cls))
    title = {"en": "heritage-kg: cultural-heritage organisations and their ties",
             "fr": "heritage-kg : les organisations du patrimoine culturel et leurs liens"}
    text = {"en": "Organisations of the cultural-heritage field (ICOM, ICCROM, Blue Shield, UNESCO, ALIPH, INTERPOL and their peers) and the ties between them, each statement with its source and a verbatim key phrase.",
            "fr": "Les organisations du patrimoine culturel (ICOM, ICCROM, Bouclier bleu, UNESCO, ALIPH, INTERPOL et leurs pairs) et les liens entre elles, chaque énoncé avec sa source et une expression clé citée."}
    for lang in LANGUAGES:
        for p in ("dcterms:title", "schema:name", "rdfs:label"):
            add(ds, p, ox.Literal(title[lang], language=lang))
        for p in ("dcterms:description", "schema:description"):
            add(ds, p, ox.Literal(text[lang], language=lang))
    licence = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")
    for p in ("dcterms:license", "schema:license"):
        add(ds, p, licence)
    for p in ("owl:versionInfo", "schema:version", "dcat:version"):
        add(ds, p, ox.Literal(version))
    for p in ("dcterms:issued", "schema:datePublished"):
        add(ds, p, ox.Literal(issued, datatype=ox.NamedNode(_XSD + "date")))
    add(ds, "void:triples", integer(stats["triples"]))
    add(ds, "void:entities", integer(stats["entities"]))
    add(ds, "void:uriSpace", ox.Literal(BASE + "id/"))
    add(ds, "void:sparqlEndpoint", ox.NamedNode(BASE + "sparql"))
    add(ds, "void:rootResource", ox.NamedNode(BASE + "id/icom"))
    for vocab in ("hkg", "schema", "org", "prov", "crm", "skos", "dcterms", "foaf", "time", "owl"):
        add(ds, "void:vocabulary", ox.NamedNode(PREFIXES[vocab]))
    for cls, count in stats["entities_per_class"].items():
        part = ox.NamedNode(f"{DATASET}/class/{cls.split(':', 1)[-1]}")
        add(ds, "void:classPartition", part)
        add(part, "void:class", _n(cls))
        add(part, "void:entities", integer(count))
    # the links to Wikidata, as a linkset: which predicate, towards which dataset, how many
    links, wikidata = ox.NamedNode(f"{DATASET}/wikidata-links"), ox.NamedNode("https://www.wikidata.org/")
    add(ds, "void:subset", links)
    add(links, "rdf:type", _n("void:Linkset"))
    add(links, "void:linkPredicate", _n("owl:sameAs"))
    add(links, "void:subjectsTarget", ds)
    add(links, "void:objectsTarget", wikidata)
    add(links, "void:triples", integer(stats.get("wikidata_links", 0)))
    add(links, "dcterms:title", ox.Literal("Links to Wikidata", language="en"))
    add(links, "dcterms:title", ox.Literal("Liens vers Wikidata", language="fr"))
    add(wikidata, "rdf:type", _n("void:Dataset"))
    add(wikidata, "dcterms:title", ox.Literal("Wikidata"))
    add(wikidata, "void:uriSpace", ox.Literal(WIKIDATA))
    for name, spec in sorted(RDF_FORMATS.items()):
        dist = ox.NamedNode(f"{BASE}download/heritage-kg{spec.suffix}")
        add(ds, "dcat:distribution", dist)
        add(ds, "void:dataDump", dist)
        add(dist, "rdf:type", _n("dcat:Distribution"))
        add(dist, "dcat:mediaType", ox.NamedNode("https://www.iana.org/assignments/media-types/" + spec.media_type))
        add(dist, "dcat:downloadURL", dist)
        add(dist, "schema:encodingFormat", ox.Literal(spec.media_type))
        add(dist, "dcterms:title", ox.Literal(f"heritage-kg dump ({name})", language="en"))
    return out
