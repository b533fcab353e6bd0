"""The one table of formats: names, media types, file suffixes and parser/serialiser keys."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RdfFormat:
    name: str
    media_type: str
    suffix: str
    rdflib: str
    #: Whether the format carries named graphs.
    dataset: bool = False


RDF_FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("ttl", "text/turtle", ".ttl", "turtle"),
        RdfFormat("nt", "application/n-triples", ".nt", "nt"),
        RdfFormat("nq", "application/n-quads", ".nq", "nquads", dataset=True),
        RdfFormat("trig", "application/trig", ".trig", "trig", dataset=True),
        RdfFormat("jsonld", "application/ld+json", ".jsonld", "json-ld"),
        RdfFormat("xml", "application/rdf+xml", ".rdf", "xml"),
    )
}


@dataclass(frozen=True)
class ResultFormat:
    name: str
    media_type: str
    suffix: str
    #: The name of the format in pyoxigraph's QueryResultsFormat, for those Oxigraph writes.
    oxigraph: str | None = None


RESULT_FORMATS: dict[str, ResultFormat] = {
    f.name: f
    for f in (
        ResultFormat("table", "text/plain", ".txt"),
        ResultFormat("csv", "text/csv", ".csv", "CSV"),
        ResultFormat("tsv", "text/tab-separated-values", ".tsv", "TSV"),
        ResultFormat("json", "application/sparql-results+json", ".srj", "JSON"),
        ResultFormat("xml", "application/sparql-results+xml", ".srx", "XML"),
        ResultFormat("md", "text/markdown", ".md"),
    )
}

#: Formats for graph results (CONSTRUCT, DESCRIBE) of `query`.
GRAPH_RESULT_FORMATS = ("ttl", "nt", "jsonld", "xml")
#: Formats of the network picture of `heritage-kg graph`.
NETWORK_FORMATS = ("svg", "dot", "graphml", "mermaid")
#: Formats of the timeline of `heritage-kg timeline`.
TIMELINE_FORMATS = ("svg", "html")
#: The formats of a validation report (heritage_kg.reporting writes them).
REPORT_FORMATS = ("text", "json", "sarif", "github", "ttl")

#: File suffixes and the formats they stand for, for each kind of output, when -o is given
#: without --format: the suffixes of the tables above, and the common aliases of a few.
SUFFIXES: dict[str, dict[str, str]] = {
    "rdf": {spec.suffix: name for name, spec in RDF_FORMATS.items()},
    "result": {**{spec.suffix: name for name, spec in RESULT_FORMATS.items()}, ".json": "json", ".xml": "xml",
               **{RDF_FORMATS[name].suffix: name for name in GRAPH_RESULT_FORMATS}},
    "network": {".svg": "svg", ".dot": "dot", ".gv": "dot", ".graphml": "graphml", ".mmd": "mermaid"},
    "timeline": {".svg": "svg", ".html": "html", ".htm": "html"},
    "report": {".txt": "text", ".json": "json", ".sarif": "sarif", ".ttl": "ttl"},
}
