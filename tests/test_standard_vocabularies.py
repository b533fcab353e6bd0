"""A consumer who knows only the standard vocabularies, and runs no reasoner, gets the answers
from the exported graph: plain SPARQL over schema.org, W3C ORG, PROV-O and Dublin Core."""

from __future__ import annotations

import pytest
import pyoxigraph as ox

PREFIXES = """
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX kg: <https://w3id.org/heritage-kg/id/>
"""


@pytest.fixture(scope="module")
def dump(run_module):
    store = ox.Store()
    store.load(run_module, format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def run_module():
    from click.testing import CliRunner

    from heritage_kg.cli import cli

    from .conftest import ROOT

    return CliRunner().invoke(cli, ["--root", str(ROOT), "export", "--format", "nt"]).stdout.encode()


def rows(store, query):
    answer = store.query(PREFIXES + query)
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    return [tuple(t.value if t is not None else None for t in row) for row in answer]


def test_four_founders_of_blue_shield(dump):
    founders = rows(dump, """SELECT ?name WHERE { kg:blue-shield schema:founder ?f . ?f schema:name ?name FILTER(LANG(?name) = "en") } ORDER BY ?name""")
    assert len(founders) == 4
    memberships = rows(dump, """SELECT DISTINCT ?member ?role WHERE {
        ?m a org:Membership ; org:member ?member ; org:organization kg:blue-shield ; org:role ?r .
        ?r skos:prefLabel ?role FILTER(LANG(?role) = "fr") }""")
    assert {m for m, role in memberships if role == "membre fondateur"} == \
        {f"https://w3id.org/heritage-kg/id/{x}" for x in ("icom", "icomos", "ica", "ifla")}
    assert rows(dump, "SELECT ?d WHERE { kg:blue-shield schema:foundingDate ?d }") == [("1996-06-06",)]


def test_the_icom_aliph_memorandum(dump):
    [(date, place, occasion)] = rows(dump, """SELECT ?date ?place ?occasion WHERE {
        kg:mou-icom-aliph-2022 dcterms:date ?date ; schema:startDate ?date ; schema:location/schema:name ?place ;
            schema:subjectOf/schema:name ?occasion .
        FILTER(LANG(?place) = "en" && LANG(?occasion) = "en") }""")
    assert date == "2022-01-31" and place == "Louvre" and "Donors" in occasion
    signatories = rows(dump, """SELECT ?person ?role ?org WHERE {
        kg:mou-icom-aliph-2022 <https://w3id.org/heritage-kg/ontology#signature> ?s .
        ?s crm:P14_carried_out_by/schema:name ?person ;
           <https://w3id.org/heritage-kg/ontology#signerPost> ?post ;
           <https://w3id.org/heritage-kg/ontology#onBehalfOf> ?o .
        ?post org:role/skos:prefLabel ?role ; org:postIn ?o . ?o schema:name ?org .
        FILTER(LANG(?person) = "en" && LANG(?role) = "en" && LANG(?org) = "en") } ORDER BY ?person""")
    assert [(p, r) for p, r, _ in signatories] == [("Peter Keller", "director general"), ("Valéry Freland", "executive director")]


def test_partners_of_icom_with_kind_topic_and_start(dump):
    found = rows(dump, """SELECT ?partner ?start WHERE {
        ?tie dcterms:type ?kind ; schema:about ?topic .
        ?tie <https://w3id.org/heritage-kg/ontology#party> kg:icom, ?partner . FILTER(?partner != kg:icom)
        OPTIONAL { ?tie schema:startDate ?start } }""")
    starts = {(p.rsplit("/", 1)[-1], s) for p, s in found if s}
    assert {("interpol", "2000"), ("wco", "2000"), ("alecso", "2002")} <= starts


def test_provenance_and_wikidata_links(dump):
    assert rows(dump, "SELECT ?w WHERE { kg:icom owl:sameAs ?w }") == [("http://www.wikidata.org/entity/Q653054",)]
    assert rows(dump, "ASK { kg:icom schema:sameAs <http://www.wikidata.org/entity/Q653054> }")
    unsourced = rows(dump, """SELECT ?s WHERE { ?s a prov:Entity ; schema:name ?n .
        FILTER(STRSTARTS(STR(?s), "https://w3id.org/heritage-kg/id/"))
        FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?src } } LIMIT 5""")
    assert [s for (s,) in unsourced if "/source-" not in s] == []


def test_standard_types(dump):
    for cls in ("schema:Organization", "org:FormalOrganization"):
        assert rows(dump, f"ASK {{ kg:icom a {cls} }}")
    assert rows(dump, "SELECT ?l WHERE { kg:icom schema:name ?l FILTER(LANG(?l) = 'fr') }") == [("Conseil international des musées",)]
