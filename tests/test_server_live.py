"""A live `heritage-kg serve` on a loopback port, queried by real clients: SPARQLWrapper,
rdflib's SPARQLStore and plain HTTP with each Accept header; every RDF answer parsed back."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest
import rdflib

from .conftest import ROOT
from .servers import heritage_kg_server

ICOM = "https://w3id.org/heritage-kg/id/icom"
FOUNDERS = """SELECT ?f WHERE { ?m a <https://w3id.org/heritage-kg/ontology#Membership> ;
  <https://w3id.org/heritage-kg/ontology#organisation> <https://w3id.org/heritage-kg/id/blue-shield> ;
  <https://w3id.org/heritage-kg/ontology#role> <https://w3id.org/heritage-kg/vocab/roles/founding-member> ;
  <https://w3id.org/heritage-kg/ontology#member> ?f } ORDER BY ?f"""
FOUR = [ICOM.replace("icom", x) for x in ("ica", "icom", "icomos", "ifla")]


@pytest.fixture(scope="module")
def server():
    with heritage_kg_server(ROOT) as base:
        yield base


def test_sparqlwrapper_select(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(FOUNDERS)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["f"]["value"] for r in rows] == FOUR


def test_sparqlwrapper_post_and_construct(server):
    from SPARQLWrapper import POST, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(server + "/sparql")
    client.setMethod(POST)
    client.setQuery(f"CONSTRUCT {{ <{ICOM}> ?p ?o }} WHERE {{ <{ICOM}> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert (rdflib.URIRef(ICOM), rdflib.OWL.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q653054")) in graph


def test_rdflib_sparqlstore(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server + "/sparql", returnFormat="json")
    graph = rdflib.Graph(store=store)
    assert sorted(str(r.f) for r in graph.query(FOUNDERS)) == FOUR
    assert (rdflib.URIRef(ICOM), rdflib.OWL.sameAs, None) in graph


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_plain_http_rdf(server, accept, fmt):
    query = urllib.parse.urlencode({"query": f"DESCRIBE <{ICOM}>"})
    request = urllib.request.Request(f"{server}/sparql?{query}", headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"].startswith(accept)
        graph = rdflib.Graph().parse(data=response.read(), format=fmt)
    assert (rdflib.URIRef(ICOM), rdflib.RDF.type, None) in graph


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_plain_http_results(server, accept):
    query = urllib.parse.urlencode({"query": FOUNDERS})
    request = urllib.request.Request(f"{server}/sparql?{query}", headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read().decode()
        assert response.headers["Content-Type"].startswith(accept)
    for iri in FOUR:
        assert iri in body


def test_cli_query_against_the_live_server(server, run):
    from .test_queries import normalise

    remote = run("query", "founders", "--endpoint", server + "/sparql", "--format", "csv")
    local = run("query", "founders", "--format", "csv")
    assert remote.exit_code == 0
    assert normalise(remote.stdout) == normalise(local.stdout)


def test_dump_parses(server):
    with urllib.request.urlopen(server + "/download/heritage-kg.ttl", timeout=30) as response:
        graph = rdflib.Graph().parse(data=response.read(), format="turtle")
    assert len(graph) > 10_000
