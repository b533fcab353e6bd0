"""Search: the true number of matches, a page at a time, across both languages, exact names
first, a filter by kind, and ties said as sentences."""

from __future__ import annotations

import html
import re
import unicodedata

import pytest
from starlette.testclient import TestClient

from heritage_kg.project import Project
from heritage_kg.server.app import create_app

from .conftest import ROOT


@pytest.fixture(scope="module")
def app_and_client():
    app = create_app(Project(ROOT))
    with TestClient(app) as test_client:
        yield app, test_client


@pytest.fixture(scope="module")
def client(app_and_client):
    return app_and_client[1]


def results(page: str) -> list[str]:
    return re.findall(r'<li><a href="(/page/[^"?]+)\?lang=[a-z]+">', page)


def total(page: str) -> int:
    found = re.search(r'<p class="total">.*?<strong>([\d,\u202f]+)</strong>', page, re.S)
    return int(re.sub(r"[^\d]", "", found[1]))


def folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def test_search_reports_the_true_number_of_matches(app_and_client):
    app, client = app_and_client
    store = app.state.hkg.store
    # counted here independently: every entity or concept with a name or acronym holding "icom"
    named = set()
    for quad in store:
        subject, p, o = quad.subject.value, quad.predicate.value, quad.object
        if p.endswith(("#label", "#prefLabel", "#acronym")) and "icom" in folded(getattr(o, "value", "")) and \
                subject.startswith(("https://w3id.org/heritage-kg/id/", "https://w3id.org/heritage-kg/vocab/")):
            named.add(subject)
    page = client.get("/search?q=icom").text
    assert total(page) == len(named) > 50
    assert client.get("/api/search?q=icom").headers["x-total-count"] == str(len(named))
    assert len(results(page)) == min(len(named), 100)


def test_a_long_list_of_matches_is_paged_keeping_the_query(client):
    first = client.get("/search?q=a").text
    found = total(first)
    assert found > 100 and len(results(first)) == 100
    following = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert following and html.unescape(following[1]) == "/search?lang=en&q=a&p=2"
    second = client.get(html.unescape(following[1])).text
    assert len(results(second)) == min(100, found - 100)
    assert not set(results(first)) & set(results(second))
    assert client.get("/search?q=a&p=99").status_code == 404


def test_an_exact_name_comes_first(client):
    assert results(client.get("/search?q=unesco").text)[0] == "/page/unesco"
    assert results(client.get("/search?q=Blue%20Shield").text)[0] == "/page/blue-shield"


def test_search_reads_both_languages_and_says_which_name_matched(client):
    page = client.get("/search?q=mus%C3%A9es").text
    item = next(li for li in page.split("<li>") if 'href="/page/icom?lang=en"' in li)
    assert '<span lang="fr">Conseil international des musées</span>' in item
    # the words of a query may be spread over an entity's names in both languages
    assert "/page/icom" in results(client.get("/search?q=conseil+icom").text)
    assert "/page/icom" in results(client.get("/search?q=musees").text), "accents do not matter"


def test_search_filters_by_kind(client):
    everything = client.get("/search?q=icom").text
    committees = client.get("/search?q=icom&kind=NationalCommittee").text
    offered = re.search(r'href="([^"]*kind=NationalCommittee[^"]*)">national committee \((\d+)\)', everything)
    assert offered and int(offered[2]) == total(committees) == len(results(committees))
    assert all(url.startswith("/page/icom-") for url in results(committees))
    # a broader kind holds its narrower ones
    assert total(client.get("/search?q=icom&kind=OrganisationalUnit").text) > total(committees)


def test_a_tie_found_is_said_as_its_sentence(client):
    page = client.get("/search?q=memorandum").text
    snippets = [html.unescape(s) for s in re.findall(r'<span class="snippet">(.*?)</span>', page)]
    assert "ALIPH and ICOM signed a memorandum of understanding on 31 January 2022 at the Louvre." in snippets
    french = client.get("/search?q=protocole&lang=fr").text
    assert "L'ALIPH et l'ICOM ont signé un protocole d'accord le 31 janvier 2022 au Musée du Louvre." in html.unescape(french)
