"""The query page and its JSON API, in-process: listing, server-side binding, and errors."""

from __future__ import annotations

import html

import pytest
from starlette.testclient import TestClient

from heritage_kg.project import Project
from heritage_kg.queries import catalogue
from heritage_kg.server.app import create_app

from .conftest import ROOT

NAMED = catalogue(sorted((ROOT / "queries").glob("*.rq")))


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Project(ROOT))) as c:
        yield c


def test_api_lists_every_named_query(client):
    listed = client.get("/api/queries").json()
    assert {q["name"] for q in listed} == set(NAMED)
    partners = next(q for q in listed if q["name"] == "partners")
    assert partners["params"] == [{"name": "organisation", "type": "iri", "default": "icom",
                                   "description": partners["params"][0]["description"]}]


def test_api_binds_on_the_server(client):
    bound = client.get("/api/queries/partners", params={"organisation": "iccrom"})
    assert bound.status_code == 200
    assert "VALUES ?organisation { <https://w3id.org/heritage-kg/id/iccrom> }" in bound.json()["query"]


@pytest.mark.parametrize("name,params,status,text", [
    ("no-such-query", {}, 404, "no-such-query"),
    ("partners", {"organisation": "not an iri"}, 400, "not a valid IRI"),
    ("neighbourhood", {"steps": "two"}, 400, "not an integer"),
    ("partners", {"colour": "red"}, 400, "unknown parameter 'colour'"),
])
def test_api_errors(client, name, params, status, text):
    r = client.get(f"/api/queries/{name}", params=params)
    assert r.status_code == status and text in r.json()["error"]


def test_page_lists_queries_and_shares_urls(client):
    page = client.get("/query", params={"name": "partners", "organisation": "iccrom"})
    assert page.status_code == 200
    for named in NAMED.values():
        assert named.title in html.unescape(page.text)
    assert 'href="/query?name=partners&amp;organisation=iccrom&amp;lang=en"' in page.text
    assert "<script>" not in page.text, "no inline script: the CSP would refuse it"


def test_page_escapes_a_hostile_query(client):
    page = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p \"</script><script>alert(1)</script>\" }"})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text


def test_the_query_page_speaks_french_and_keeps_the_language(client):
    page = client.get("/query", params={"name": "founders", "organisation": "icom", "lang": "fr"})
    assert page.status_code == 200
    html = page.text
    assert '<html lang="fr">' in html and "<h1>Interroger le graphe</h1>" in html and ">Lancer</button>" in html
    # the forms, the links to the named queries and the shared link stay in French; the switch
    # keeps the query and its parameters
    assert '<input type="hidden" name="lang" value="fr">' in html
    assert 'href="/query?name=partners&amp;lang=fr"' in html
    assert 'href="/query?name=founders&amp;organisation=icom&amp;lang=fr">Lien vers cette requête</a>' in html
    assert 'href="/query?name=founders&amp;organisation=icom&amp;lang=en" hreflang="en" lang="en">English</a>' in html
    # "lang" is the page's, not a parameter of the query
    assert 'class="qp-error"' in html and 'role="alert" hidden' in html


def test_named_queries_are_titled_and_described_in_french_where_their_headers_say_so(client, tmp_path):
    html = client.get("/query", params={"name": "founders", "lang": "fr"}).text
    assert 'data-name="founders" aria-current="true">Fondateurs d&#39;une organisation</a>' in html
    assert "<h2><span>Fondateurs d&#39;une organisation</span> <code" in html
    assert "Les membres fondateurs d&#39;une organisation (le Bouclier bleu par défaut)" in html
    assert ">L&#39;organisation, par son identifiant court (blue-shield)" in html
    english = client.get("/query", params={"name": "founders", "lang": "en"}).text
    assert ">Founders of an organisation</a>" in english and "Fondateurs" not in english
    # a query whose header gives no French words says its English ones, marked as English
    from heritage_kg.queries import in_language
    assert in_language({"en": "Partners"}, "fr") == ("Partners", "en")
    assert in_language({"en": "Partners", "fr": "Partenaires"}, "fr") == ("Partenaires", None)
