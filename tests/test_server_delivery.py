"""How the site delivers its pages: compressed, with static files under versioned names, in the
reader's language, and the downloads described well enough to fetch and check."""

from __future__ import annotations

import gzip
import hashlib
import re

import brotli
import pytest
from starlette.testclient import TestClient

from heritage_kg.project import Project
from heritage_kg.server.app import create_app

from .conftest import ROOT


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Project(ROOT))) as test_client:
        yield test_client


def raw(client, url: str, **headers):
    """The answer's bytes as they travel, not decoded."""
    with client.stream("GET", url, headers=headers) as response:
        return response, b"".join(response.iter_raw())


# -- compression ------------------------------------------------------------------------------

@pytest.mark.parametrize("accept, encoding, decode", [("br, gzip", "br", brotli.decompress),
                                                      ("gzip", "gzip", gzip.decompress)])
def test_pages_and_answers_are_compressed_as_the_client_accepts(client, accept, encoding, decode):
    plain = client.get("/page/icom", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    for url in ("/page/icom", "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%20300",
                "/data/icom.ttl"):
        response, body = raw(client, url, **{"accept-encoding": accept})
        assert response.headers["content-encoding"] == encoding, url
        assert "Accept-Encoding" in response.headers["vary"]
        assert len(body) < len(decode(body)) / 3, f"{url} hardly shrank"
    response, body = raw(client, "/page/icom", **{"accept-encoding": accept})
    assert decode(body) == plain.content


def test_dumps_are_sent_as_the_files_they_are(client):
    response, body = raw(client, "/download/heritage-kg.ttl", **{"accept-encoding": "br, gzip"})
    assert response.status_code == 200 and "content-encoding" not in response.headers
    assert body.startswith(b"@prefix") or b"@prefix" in body[:2000]


# -- static files -----------------------------------------------------------------------------

def test_pages_link_static_files_under_versioned_names_kept_for_a_year(client):
    html = client.get("/page/icom").text
    css = re.search(r'href="(/static/site\.([0-9a-f]{10})\.css)"', html)
    assert css, "the stylesheet is linked under a versioned name"
    assert css[2] == hashlib.sha256((ROOT / "heritage_kg/server/static/site.css").read_bytes()).hexdigest()[:10]
    versioned = client.get(css[1])
    assert versioned.status_code == 200 and versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert versioned.content == (ROOT / "heritage_kg/server/static/site.css").read_bytes()
    # the plain name still answers, briefly cached; an outdated version gets today's bytes, briefly
    for url in ("/static/site.css", "/static/site.0123456789.css"):
        answer = client.get(url)
        assert answer.status_code == 200 and answer.headers["cache-control"] == "public, max-age=3600", url
    query = client.get("/query").text
    assert re.search(r'src="/static/yasgui/yasgui\.min\.[0-9a-f]{10}\.js"', query)


def test_static_names_stay_inside_the_folder(client):
    for url in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fstate.py"):
        assert client.get(url).status_code == 404, url


# -- the reader's language --------------------------------------------------------------------

def test_an_address_without_a_language_answers_in_the_browsers(client):
    french = client.get("/page/icom", headers={"accept-language": "fr-CH, fr;q=0.9, en;q=0.8"})
    assert '<html lang="fr">' in french.text and french.headers["content-language"] == "fr"
    assert "Accept-Language" in french.headers["vary"]
    # links name their language, so a reader who switches keeps it whatever the browser prefers
    assert 'href="/page/blue-shield?lang=fr"' in french.text
    english = client.get("/page/icom?lang=en", headers={"accept-language": "fr"})
    assert '<html lang="en">' in english.text and "Accept-Language" not in english.headers.get("vary", "")
    assert 'href="/page/blue-shield?lang=en"' in english.text
    # a language the site does not speak, or none: English
    for header in ("de-DE, de;q=0.9", "", "*"):
        assert '<html lang="en">' in client.get("/page/icom", headers={"accept-language": header}).text


def test_every_page_declares_its_versions_in_each_language(client):
    for url in ("/page/icom", "/kinds", "/search?q=icom", "/download", "/query", "/ontology"):
        html = client.get(url).text
        alternates = dict(re.findall(r'<link rel="alternate" hreflang="([a-z]+)" href="([^"]+)">', html))
        assert set(alternates) == {"en", "fr"}, url
        assert all("lang=" + lang in href for lang, href in alternates.items()), url


def test_an_entity_iri_leads_to_the_page_in_the_browsers_language(client):
    response = client.get("/id/icom", headers={"accept": "text/html", "accept-language": "fr"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/page/icom"
    assert '<html lang="fr">' in client.get("/id/icom", headers={"accept": "text/html", "accept-language": "fr"}).text


# -- the download page ------------------------------------------------------------------------

def test_the_download_page_gives_each_files_size_checksum_and_a_command(client):
    html = client.get("/download").text
    rows = re.findall(r'<tr><td[^>]*><a href="(/download/[^"]+)" download>.*?<td[^>]*>([\d,]+) bytes</td>\s*'
                      r'<td[^>]*><time [^>]*>[^<]+</time></td>\s*<td[^>]*><code class="hash">([0-9a-f]{64})</code>', html, re.S)
    assert len(rows) == 6
    for href, size, sha256 in rows:
        body = client.get(href).content
        assert int(size.replace(",", "")) == len(body), href
        assert hashlib.sha256(body).hexdigest() == sha256, href
    assert re.search(r"curl -o heritage-kg\.ttl http://testserver/download/heritage-kg\.ttl", html)
    assert re.search(r'sha256sum -c', html) and re.search(r"Data last changed: \d{4}-\d\d-\d\d \d\d:\d\d UTC", html)
    # and each file's row has its date, as a machine-readable time too
    dated = re.findall(r'<td data-label="modified"><time datetime="(\d{4}-\d\d-\d\dT\d\d:\d\d\+00:00)">', html)
    assert len(dated) == html.count('<td data-label="format">') == 6
    assert re.search(r"\d{1,3}(\u202f\d{3})+ octets", client.get("/download?lang=fr").text), "French groups digits its way"


def test_the_void_description_counts_the_links_to_wikidata_as_a_linkset(client):
    import rdflib
    from rdflib.namespace import OWL, RDF, VOID

    graph = rdflib.Graph().parse(data=client.get("/.well-known/void", headers={"accept": "text/turtle"}).text,
                                 format="turtle")
    linksets = list(graph.subjects(RDF.type, VOID.Linkset))
    assert len(linksets) == 1
    links = linksets[0]
    assert graph.value(links, VOID.linkPredicate) == OWL.sameAs
    assert (None, VOID.subset, links) in graph
    wikidata = graph.value(links, VOID.objectsTarget)
    assert str(graph.value(wikidata, VOID.uriSpace)) == "http://www.wikidata.org/entity/"
    dump = rdflib.Graph().parse(data=client.get("/download/heritage-kg.ttl").text, format="turtle")
    expected = sum(1 for _, _, o in dump.triples((None, OWL.sameAs, None)) if str(o).startswith("http://www.wikidata.org/entity/"))
    assert expected > 10 and int(graph.value(links, VOID.triples)) == expected
