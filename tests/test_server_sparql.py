"""The SPARQL 1.1 Protocol endpoint, in-process: every request form, status and fence."""

from __future__ import annotations

import csv
import io
import json
import threading
import time

import pytest
import rdflib
from starlette.testclient import TestClient

from heritage_kg.project import Project
from heritage_kg.server.app import create_app
from heritage_kg.server.state import Settings

from .conftest import ROOT

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/heritage-kg/ontology#Agreement> }"
ICOM = "https://w3id.org/heritage-kg/id/icom"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def client():
    app = create_app(Project(ROOT), Settings(query_timeout=3.0, row_cap=50, workers=2, max_body=16 * 1024, max_query=4000))
    with TestClient(app) as c:
        yield c


def _count(response) -> int:
    return int(json.loads(response.text)["results"]["bindings"][0]["n"]["value"])


def test_get(client):
    r = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    assert _count(r) >= 25


def test_post_form_and_direct(client):
    form = client.post("/sparql", data={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    direct = client.post("/sparql", content=COUNT, headers={"Content-Type": "application/sparql-query",
                                                             "Accept": "application/sparql-results+json"})
    assert form.status_code == direct.status_code == 200
    assert _count(form) == _count(direct)


@pytest.mark.parametrize("accept,media", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
    (None, "application/sparql-results+json"),
])
def test_select_negotiation(client, accept, media):
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": COUNT}, headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert "Accept" in r.headers["vary"]


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_construct_negotiation(client, accept, fmt):
    query = f"CONSTRUCT {{ <{ICOM}> ?p ?o }} WHERE {{ <{ICOM}> ?p ?o }}"
    r = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    graph = rdflib.Graph().parse(data=r.text, format=fmt)
    assert (rdflib.URIRef(ICOM), rdflib.OWL.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q653054")) in graph


def test_ask(client):
    r = client.get("/sparql", params={"query": f"ASK {{ <{ICOM}> ?p ?o }}"}, headers={"Accept": "application/sparql-results+json"})
    assert json.loads(r.text)["boolean"] is True


def test_format_parameter_for_plain_links(client):
    r = client.get("/sparql", params={"query": COUNT, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv") and list(csv.reader(io.StringIO(r.text)))[0] == ["n"]


@pytest.mark.parametrize("case,request_args,status", [
    ("no query", {"method": "POST", "data": {"x": "1"}}, 400),
    ("two queries", {"method": "GET", "params": [("query", COUNT), ("query", COUNT)]}, 400),
    ("syntax error", {"method": "GET", "params": {"query": "SELEC * WHERE {}"}}, 400),
    ("wrong media type", {"method": "POST", "content": COUNT, "headers": {"Content-Type": "text/plain"}}, 415),
    ("unacceptable", {"method": "GET", "params": {"query": COUNT}, "headers": {"Accept": "image/png"}}, 406),
    ("unknown format", {"method": "GET", "params": {"query": COUNT, "format": "pdf"}}, 400),
    ("update parameter", {"method": "POST", "data": {"update": "DROP ALL"}}, 403),
    ("update body", {"method": "POST", "content": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}, 403),
    ("LOAD", {"method": "POST", "data": {"query": "LOAD <http://example.org/x>"}}, 403),
    ("SERVICE", {"method": "GET", "params": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"}}, 403),
    ("graph store PUT", {"method": "PUT", "content": "<a> <b> <c> .", "headers": {"Content-Type": "text/turtle"}}, 405),
    ("graph store DELETE", {"method": "DELETE"}, 405),
    ("query too long", {"method": "POST", "data": {"query": "ASK {}" + " " * 5000}}, 413),
    ("body too large", {"method": "POST", "content": "ASK {}" + " " * 20000, "headers": {"Content-Type": "application/sparql-query"}}, 413),
])
def test_protocol_errors(client, case, request_args, status):
    args = dict(request_args)
    method = args.pop("method")
    r = client.request(method, "/sparql", **args)
    assert r.status_code == status, r.text
    assert r.text.strip() and "\n" not in r.text.strip()


def test_graph_store_writes_refused(client):
    assert client.put("/store?default", content=b"<a> <b> <c> .").status_code == 405
    assert client.post("/store?default", content=b"<a> <b> <c> .").status_code == 405


def test_service_in_a_string_or_name_is_not_refused(client):
    r = client.get("/sparql", params={"query": 'SELECT ?service WHERE { BIND("SERVICE <x>" AS ?service) }'},
                   headers={"Accept": "text/csv"})
    assert r.status_code == 200


def test_from_never_fetches(client):
    r = client.get("/sparql", params={"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and json.loads(r.text)["results"]["bindings"] == []
    r = client.get("/sparql", params={"query": "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }"},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and json.loads(r.text)["results"]["bindings"] == []


def test_dataset_parameters(client):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    whole = _count(client.get("/sparql", params={"query": query}))
    assert whole > 10_000
    other = client.get("/sparql", params={"query": query, "default-graph-uri": "http://example.org/nothing"})
    assert _count(other) == 0
    named = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                          "named-graph-uri": "https://w3id.org/heritage-kg/graph"})
    assert _count(named) == whole


def test_row_cap_is_signalled(client):
    r = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert r.status_code == 200
    assert len(r.text.strip().splitlines()) == 51
    assert r.headers["x-result-truncated"].startswith("true")


def test_runaway_query_is_stopped_and_others_go_on(client):
    outcome = {}

    def runaway():
        outcome["status"] = client.get("/sparql", params={"query": RUNAWAY}).status_code

    thread = threading.Thread(target=runaway)
    start = time.monotonic()
    thread.start()
    time.sleep(0.3)
    quick = client.get("/sparql", params={"query": COUNT})
    quick_done = time.monotonic() - start
    thread.join(timeout=30)
    assert quick.status_code == 200 and quick_done < 2.5
    assert outcome["status"] == 503
    # the killed worker is replaced: the endpoint still answers
    time.sleep(1.5)
    assert client.get("/sparql", params={"query": COUNT}).status_code == 200


def test_service_description(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=r.text, format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, rdflib.RDF.type, SD.Service) in graph
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in graph


def test_cors(client):
    r = client.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    assert r.status_code == 204 and r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    assert client.get("/sparql", params={"query": COUNT}).headers["access-control-allow-origin"] == "*"


def test_security_headers(client):
    r = client.get("/sparql", params={"query": COUNT})
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("suffix,fmt", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")])
def test_dumps(client, suffix, fmt):
    r = client.get(f"/download/heritage-kg.{suffix}")
    assert r.status_code == 200
    graph = rdflib.Graph().parse(data=r.content, format=fmt)
    assert len(graph) > 10_000
    again = client.get(f"/download/heritage-kg.{suffix}", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    weak = client.get(f"/download/heritage-kg.{suffix}", headers={"If-None-Match": '"other", W/' + r.headers["etag"]})
    assert weak.status_code == 304


def test_dataset_dumps_and_index(client):
    assert client.get("/download/heritage-kg.nq").status_code == 200
    assert client.get("/download/heritage-kg.trig").status_code == 200
    assert client.get("/download/heritage-kg.pdf").status_code == 404
    page = client.get("/download")
    assert page.status_code == 200 and "/download/heritage-kg.jsonld" in page.text


def test_void(client):
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=r.text, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/heritage-kg/dataset"), rdflib.RDF.type,
            rdflib.URIRef("http://rdfs.org/ns/void#Dataset")) in graph
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


def test_published_jsonld_context(client):
    r = client.get("/context.jsonld")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert r.json()["@context"]["label"]["@id"] == "rdfs:label"
