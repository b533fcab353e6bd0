"""The linked-data site: 303 dereferencing, RDF descriptions, entity pages, the ontology
documentation, the kinds, search, and safe HTML."""

from __future__ import annotations

import json
import html
import re

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Literal, URIRef
from starlette.testclient import TestClient

from heritage_kg.project import Project
from heritage_kg.server.app import create_app

from .conftest import ROOT

KG = rdflib.Namespace("https://w3id.org/heritage-kg/id/")
HKG = rdflib.Namespace("https://w3id.org/heritage-kg/ontology#")
AK = rdflib.Namespace("https://w3id.org/heritage-kg/vocab/agreement-kinds/")
WIKIDATA_ICOM = URIRef("http://www.wikidata.org/entity/Q653054")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: (Accept header, suffix of the document it leads to, rdflib parser)
RDF_ACCEPTS = [
    ("text/turtle", ".ttl", "turtle"),
    ("application/ld+json", ".jsonld", "json-ld"),
    ("application/n-triples", ".nt", "nt"),
    ("application/rdf+xml", ".rdf", "xml"),
]
#: Triples each description must hold: its own statements, and those pointing at it.
EXPECTED = {
    "icom": [
        (KG.icom, RDFS.label, Literal("International Council of Museums", lang="en")),
        (KG.icom, RDFS.label, Literal("Conseil international des musées", lang="fr")),
        (KG.icom, RDF.type, HKG.NonGovernmentalOrganisation),
        (KG.icom, OWL.sameAs, WIKIDATA_ICOM),
        (KG["mou-icom-aliph-2022"], HKG.party, KG.icom),
    ],
    "mou-icom-aliph-2022": [
        (KG["mou-icom-aliph-2022"], RDF.type, HKG.Agreement),
        (KG["mou-icom-aliph-2022"], HKG.party, KG.icom),
        (KG["mou-icom-aliph-2022"], HKG.party, KG.aliph),
        (KG["mou-icom-aliph-2022"], HKG.agreementKind, AK["memorandum-of-understanding"]),
        (KG["mou-icom-aliph-2022"], HKG.date, Literal("2022-01-31", datatype=XSD.date)),
    ],
}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Project(ROOT))) as test_client:
        yield test_client


def get(client, url, accept=None, **headers):
    if accept is not None:
        headers["accept"] = accept
    return client.get(url, headers=headers, follow_redirects=False)


def parse(response, parser) -> rdflib.Graph:
    return rdflib.Graph().parse(data=response.text, format=parser)


def varies(response) -> set[str]:
    return {name.strip() for name in response.headers["vary"].split(",")}


def section(html: str, element_id: str) -> str:
    """The inside of the section, div or details with this id, however deep others nest in it."""
    match = re.search(rf'<(section|div|details) [^>]*id="{element_id}"[^>]*>', html)
    assert match, f"no element with id {element_id!r}"
    tag, depth, start = match.group(1), 1, match.end()
    for tags in re.finditer(rf"<(/?){tag}\b[^>]*>", html[start:]):
        depth += -1 if tags.group(1) else 1
        if depth == 0:
            return html[start:start + tags.start()]
    raise AssertionError(f"element {element_id!r} is not closed")


# -- 303 dereferencing ------------------------------------------------------------------------

@pytest.mark.parametrize("accept, location", [
    ("text/html", "/page/icom"),
    (BROWSER, "/page/icom"),
    ("*/*", "/page/icom"),
    (None, "/page/icom"),
    ("text/turtle", "/data/icom.ttl"),
    ("application/ld+json", "/data/icom.jsonld"),
    ("application/json", "/data/icom.jsonld"),
    ("application/n-triples", "/data/icom.nt"),
    ("application/rdf+xml", "/data/icom.rdf"),
    ("text/turtle;q=0.5, application/rdf+xml", "/data/icom.rdf"),
    ("text/html;q=0.1, text/turtle", "/data/icom.ttl"),
])
def test_entity_iri_answers_303_by_accept(client, accept, location):
    response = get(client, "/id/icom", accept)
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert response.headers["vary"] == "Accept"


def test_entity_iri_keeps_the_language(client):
    assert get(client, "/id/icom?lang=fr", "text/html").headers["location"] == "/page/icom?lang=fr"


def test_unknown_entity_is_404(client):
    assert get(client, "/id/no-such-thing", "text/turtle").status_code == 404
    assert get(client, "/id/no-such-thing", "text/html").status_code == 404


def test_unacceptable_type_is_406(client):
    response = get(client, "/id/icom", "image/png")
    assert response.status_code == 406
    assert "text/turtle" in response.text


@pytest.mark.parametrize("slug", sorted(EXPECTED))
@pytest.mark.parametrize("accept, suffix, parser", RDF_ACCEPTS)
def test_303_leads_to_a_description_that_parses(client, slug, accept, suffix, parser):
    redirect = get(client, f"/id/{slug}", accept)
    assert redirect.headers["location"] == f"/data/{slug}{suffix}"
    response = get(client, redirect.headers["location"])
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    graph = parse(response, parser)
    for triple in EXPECTED[slug]:
        assert triple in graph, triple


def test_description_holds_the_evidence(client):
    graph = parse(get(client, "/data/mou-icom-aliph-2022.ttl"), "turtle")
    phrase = Literal("signed a Memorandum of Understanding (MOU)", lang="en")
    evidence = [e for e in graph.objects(KG["mou-icom-aliph-2022"], HKG.evidence) if (e, HKG.keyPhrase, phrase) in graph]
    assert evidence and (evidence[0], HKG.source, KG["source-seed-002"]) in graph


def test_data_has_etag_cache_control_and_vary(client):
    response = get(client, "/data/icom.ttl")
    assert response.headers["etag"].startswith('"')
    assert "public" in response.headers["cache-control"] and "max-age=3600" in response.headers["cache-control"]
    assert varies(response) == {"Accept", "Accept-Encoding"}  # compressed for a client that accepts it
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    tag = response.headers["etag"]
    for header in (tag, f"W/{tag}", f'"other", {tag}'):
        again = get(client, "/data/icom.ttl", **{"if-none-match": header})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tag
    assert get(client, "/data/icom.ttl", **{"if-none-match": '"stale"'}).status_code == 200
    assert get(client, "/data/icom.nt").headers["etag"] != tag


@pytest.mark.parametrize("url", ["/data/no-such-thing.ttl", "/data/icom.xyz", "/data/icom", "/page/no-such-thing",
                                 "/kinds/NoSuchKind", "/vocab/agreement-kinds/no-such-kind", "/ontology.xyz"])
def test_unknown_documents_are_404(client, url):
    assert get(client, url).status_code == 404


def test_concept_iri_answers_303(client):
    iri = "/vocab/agreement-kinds/memorandum-of-understanding"
    assert get(client, iri, "text/html").headers["location"] == "/page" + iri
    redirect = get(client, iri, "text/turtle")
    assert redirect.status_code == 303 and redirect.headers["location"] == "/data" + iri + ".ttl"
    graph = parse(get(client, redirect.headers["location"]), "turtle")
    assert (AK["memorandum-of-understanding"], SKOS.prefLabel, Literal("protocole d'accord", lang="fr")) in graph
    page = get(client, "/page" + iri)
    assert page.status_code == 200 and 'href="/page/mou-icom-aliph-2022?lang=en"' in page.text


# -- the entity page --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def icom(client) -> str:
    return get(client, "/page/icom").text


@pytest.fixture(scope="module")
def mou(client) -> str:
    return get(client, "/page/mou-icom-aliph-2022").text


def test_page_has_etag_and_answers_304(client):
    response = get(client, "/page/icom")
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    # its address names no language, so the browser's chose it
    assert varies(response) == {"Accept", "Accept-Language", "Accept-Encoding"} and "max-age=3600" in response.headers["cache-control"]
    assert response.headers["content-language"] == "en"
    assert get(client, "/page/icom", **{"if-none-match": response.headers["etag"]}).status_code == 304
    assert get(client, "/page/icom?lang=fr").headers["etag"] != response.headers["etag"]


def test_pages_are_read_only(client):
    assert client.head("/page/icom").status_code == 200
    assert client.post("/page/icom").status_code == 405
    assert client.post("/id/icom").status_code == 405


def test_concept_scheme_page_lists_its_concepts(client):
    page = get(client, "/page/vocab/agreement-kinds")
    assert page.status_code == 200
    assert 'href="/page/vocab/agreement-kinds/memorandum-of-understanding?lang=en"' in page.text
    assert 'href="/page/vocab/agreement-kinds?lang=en"' in get(client, "/kinds").text


def test_page_ignores_an_rdf_accept(client):
    response = get(client, "/page/icom", "text/turtle")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")


def test_page_names_in_both_languages_and_switches(client, icom):
    assert '<html lang="en">' in icom
    assert '<h1 lang="en">International Council of Museums' in icom
    assert '<span lang="fr">Conseil international des musées</span>' in icom
    assert 'href="/page/icom?lang=fr"' in icom
    french = get(client, "/page/icom?lang=fr").text
    assert '<html lang="fr">' in french
    assert '<h1 lang="fr">Conseil international des musées' in french
    assert 'href="/page/icom?lang=en"' in french
    assert "Toutes les déclarations" in french and "Liens et chiffres" in french


def test_page_shows_the_kind(icom):
    assert 'href="/kinds/NonGovernmentalOrganisation?lang=en"' in icom and "non-governmental organisation" in icom


def test_ties_show_in_both_directions(icom, mou):
    ties = section(icom, "ties")
    said = next(r for r in ties.split("<li") if 'href="/page/mou-icom-aliph-2022?lang=en"' in r)
    assert 'href="/page/aliph?lang=en"' in said, "the tie names the other side"
    assert "signed a memorandum of understanding on 31 January 2022 at" in said
    statements = section(mou, "statements")
    assert 'href="/page/icom?lang=en"' in statements and 'href="/page/aliph?lang=en"' in statements


def test_page_shows_sources_and_key_phrases(icom, mou):
    sources = section(icom, "sources")
    assert '<q lang="en">The International Council of Museums</q>' in sources
    assert 'href="/page/source-seed-003?lang=en"' in sources and "line 5" in sources
    assert '<q lang="en">signed a Memorandum of Understanding (MOU)</q>' in mou


def test_the_summarys_founding_and_figures_lead_to_their_sources(client):
    found = []
    for number in (1, 2):  # ICOM's ties fill two pages: the figures come last
        page = client.get(f"/page/icom?lang=en&p={number}").text
        box = page[page.index('<aside class="infobox"'):page.index("</aside>")]
        anchors = re.findall(r'<a class="ref" href="#(tie-[^"]+)" aria-label="sources \((\d+)\): [^"]+">', box)
        for anchor, count in anchors:  # each leads to the sentence whose fold-out holds that many sources
            said = re.search(rf'<p class="sentence" id="{anchor}">.*?</p>\s*<details class="sources"><summary>sources \((\d+)\)',
                             page, re.S)
            assert said and said.group(1) == count, anchor
        found += anchors
    assert ("tie-founding-icom", "2") in found
    assert any(anchor.startswith("tie-observation-icom-") for anchor, _ in found)  # a figure


def test_page_links_same_as_out(icom):
    assert f'href="{WIKIDATA_ICOM}"' in section(icom, "same-as")


def test_the_diagram_draws_the_same_neighbours_in_both_languages(client):
    drawn = {}
    for lang in ("en", "fr"):
        drawing = section(get(client, f"/page/icom?lang={lang}").text, "neighbourhood")
        drawn[lang] = set(re.findall(r'<a href="/page/([^"?]+)\?lang=' + lang + '"><title>', drawing))
    assert drawn["en"] == drawn["fr"] and "unesco" in drawn["en"] and len(drawn["en"]) == 18


def test_page_draws_its_neighbourhood(icom):
    drawing = section(icom, "neighbourhood")
    assert "<svg" in drawing and 'href="/page/aliph?lang=en"' in drawing


def test_page_embeds_its_json_ld(icom):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', icom, re.DOTALL).group(1)
    graph = rdflib.Graph().parse(data=block, format="json-ld")
    assert (KG.icom, OWL.sameAs, WIKIDATA_ICOM) in graph
    assert (KG.icom, RDFS.label, Literal("International Council of Museums", lang="en")) in graph


@pytest.mark.parametrize("slug", ["icom", "mou-icom-aliph-2022", "blue-shield"])
def test_embedded_json_ld_is_exactly_the_nodes_own_description(client, slug):
    """Every statement of the node and of its evidence, and nothing else, whatever the order in
    which the page writes them."""
    from rdflib.compare import isomorphic

    from heritage_kg.server.entity import description

    page = get(client, f"/page/{slug}").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1)
    embedded = rdflib.Graph().parse(data=block, format="json-ld")
    expected = rdflib.Graph().parse(data="\n".join(f"{t} ." for t in description(client.app.state.hkg.store,
                                                                                   str(KG[slug]), incoming=False)),
                                    format="nt")
    assert len(embedded) == len(expected) > 5
    assert isomorphic(embedded, expected)


def test_embedded_json_ld_is_the_same_from_another_parse_of_the_files(client):
    """Blank nodes are named afresh by each parse; the page must not depend on those names."""
    def embedded(test_client):
        page = get(test_client, "/page/icom").text
        return re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1)

    with TestClient(create_app(Project(ROOT))) as other:
        assert embedded(other) == embedded(client)
    assert '"_:b1"' in embedded(client)  # ICOM's page has evidence that backs two statements


def test_page_links_its_rdf(icom):
    for suffix in (".ttl", ".jsonld", ".nt", ".rdf"):
        assert f'href="/data/icom{suffix}"' in icom


# -- kinds, home, search ----------------------------------------------------------------------

def test_home_page(client):
    home = get(client, "/").text
    for href in ("/kinds?lang=en", "/query?lang=en", "/ontology?lang=en", "/download?lang=en", "/sparql"):
        assert f'href="{href}"' in home
    assert 'action="/search"' in home and "data-autocomplete" in home


def test_kinds(client):
    kinds = get(client, "/kinds")
    assert kinds.status_code == 200 and 'href="/kinds/Agreement?lang=en"' in kinds.text
    agreements = get(client, "/kinds/Agreement")
    assert agreements.status_code == 200 and 'href="/page/mou-icom-aliph-2022?lang=en"' in agreements.text
    french = get(client, "/kinds/Agreement?lang=fr").text
    assert "Protocole d'accord entre l'ICOM et l'ALIPH (2022)" in french.replace("&#39;", "'")
    assert 'href="/page/mou-icom-aliph-2022?lang=fr"' in french


@pytest.mark.parametrize("q", ["icom", "ICOM", "Conseil international", "musées", "musees", "Musees", "council of mus"])
def test_search_finds_icom(client, q):
    response = get(client, f"/api/search?q={q}")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    results = response.json()
    assert 0 < len(results) <= 20
    assert str(KG.icom) in [r["iri"] for r in results]
    assert set(results[0]) >= {"iri", "label", "kind", "page"}


def test_search_puts_the_exact_match_first_and_speaks_french(client):
    first = get(client, "/api/search?q=icom&lang=fr").json()[0]
    assert first == {**first, "iri": str(KG.icom), "label": "Conseil international des musées",
                     "page": "/page/icom?lang=fr"}
    assert get(client, "/api/search?q=").json() == []


def test_search_page_works_without_javascript(client):
    response = get(client, "/search?q=musees")
    assert response.status_code == 200 and 'href="/page/icom?lang=en"' in response.text
    assert get(client, "/search").status_code == 200


# -- the ontology -----------------------------------------------------------------------------

def test_ontology_negotiates(client):
    html = get(client, "/ontology", BROWSER)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert varies(html) == {"Accept", "Accept-Language", "Accept-Encoding"}
    assert get(client, "/ontology", "image/png").status_code == 406


@pytest.mark.parametrize("accept, suffix, parser", RDF_ACCEPTS)
def test_ontology_as_rdf(client, accept, suffix, parser):
    for response in (get(client, "/ontology", accept), get(client, "/ontology" + suffix)):
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == accept
        graph = parse(response, parser)
        assert (HKG.Agreement, RDF.type, OWL.Class) in graph
        assert (HKG.Agreement, RDFS.label, Literal("accord", lang="fr")) in graph
    assert get(client, "/ontology", accept).headers["content-location"] == "/ontology" + suffix


def test_ontology_page_documents_agreement(client):
    page = get(client, "/ontology").text
    block = section(page, "Agreement")
    assert ">agreement</span>" in block and ">accord</span>" in block
    assert "hkgsh:AgreementShape" in block, "a shape that targets hkg:Agreement"
    assert 'href="/query?name=agreements"' in block, "a named query that uses hkg:Agreement"
    assert 'href="#Relationship"' in block
    assert 'id="vocab-agreement-kinds"' in page
    etag = get(client, "/ontology").headers["etag"]
    assert get(client, "/ontology", **{"if-none-match": etag}).status_code == 304


def test_ontology_links_standard_super_terms_out(client):
    block = section(get(client, "/ontology").text, "Organisation")
    assert re.search(r'href="(http://www\.w3\.org/ns/org#|https://schema\.org/)', block)


# -- safe HTML --------------------------------------------------------------------------------

PAGES = ["/", "/kinds", "/kinds/Agreement", "/page/icom", "/page/mou-icom-aliph-2022", "/ontology", "/search?q=icom",
         "/page/vocab/agreement-kinds"]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_and_no_inline_script_or_style(client, url):
    response = get(client, url)
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    for tag in re.findall(r"<script\b[^>]*>", response.text):
        assert 'src="/static/' in tag or 'type="application/ld+json"' in tag, tag
    assert not re.search(r"\sstyle=", response.text)
    assert "<style" not in response.text


def test_api_search_has_security_headers(client):
    response = get(client, "/api/search?q=icom")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in response.headers


HOSTILE = """\
@prefix hkg: <https://w3id.org/heritage-kg/ontology#> .
@prefix kg: <https://w3id.org/heritage-kg/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

kg:hostile a hkg:NonGovernmentalOrganisation ;
    rdfs:label "<script>alert(1)</script>"@en, "</script><script>alert(2)</script>"@fr ;
    hkg:acronym "<script>alert(3)</script>"@en ;
    hkg:description "<img src=x onerror=alert(4)>"@en ;
    hkg:website <javascript:alert(1)> ;
    owl:sameAs <javascript:alert(1)> ;
    hkg:evidence [
        a hkg:Evidence ;
        hkg:source kg:source-seed-000 ;
        hkg:line 1 ;
        hkg:section "<script>alert(5)</script>" ;
        hkg:keyPhrase "\\"><script>alert(6)</script>"@en
    ], [
        a hkg:Evidence ;
        hkg:source kg:source-seed-000 ;
        hkg:line "<script>alert(8)</script>" ;
        hkg:keyPhrase "x"@en ;
        hkg:supports owl:sameAs
    ] .

kg:hostile-tie a hkg:Agreement ;
    rdfs:label "<script>alert(7)</script>"@en, "<script>alert(7)</script>"@fr ;
    hkg:agreementKind <https://w3id.org/heritage-kg/vocab/agreement-kinds/partnership> ;
    hkg:party kg:hostile, kg:icom .
"""


@pytest.fixture
def hostile(copy_project):
    (copy_project / "data" / "hostile.ttl").write_text(HOSTILE, encoding="utf-8")
    with TestClient(create_app(Project(copy_project))) as test_client:
        yield test_client


def test_hostile_data_is_escaped_everywhere(hostile):
    urls = ["/page/hostile", "/page/hostile?lang=fr", "/page/hostile-tie", "/page/icom", "/kinds/NonGovernmentalOrganisation",
            "/kinds/Agreement", "/search?q=script", "/", "/page/source-seed-000"]
    for url in urls:
        response = get(hostile, url)
        assert response.status_code == 200, url
        text = response.text
        assert "<script>alert" not in text, url
        assert "<img src=x" not in text, url
        assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", text, re.IGNORECASE), url
    page = get(hostile, "/page/hostile").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:alert(1)" in page, "a non-http IRI stays visible as text"


def test_hostile_json_ld_cannot_end_its_script(hostile):
    page = get(hostile, "/page/hostile?lang=fr").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1)
    assert "</" not in block and "<" not in block
    data = json.loads(block)
    labels = {label["@value"] for label in data["rdfs:label"]}
    assert labels == {"<script>alert(1)</script>", "</script><script>alert(2)</script>"}


def test_hostile_search_results_are_plain_json(hostile):
    response = get(hostile, "/api/search?q=alert")
    assert response.headers["content-type"] == "application/json"
    assert "<script>alert(1)</script>" in [r["label"] for r in response.json()]


@pytest.mark.parametrize("lang, heading, words", [("en", "404 — Not found", "There is no page at /no/such/route"),
                                                  ("fr", "404 — Introuvable", "Il n&#39;y a pas de page à l&#39;adresse /no/such/route")])
def test_a_route_nothing_answers_is_a_page_with_the_search_box(client, lang, heading, words):
    page = get(client, f"/no/such/route?lang={lang}", "text/html")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert f"<h1>{heading}</h1>" in page.text and words in page.text
    assert '<form class="search" action="/search"' in page.text and f'<html lang="{lang}">' in page.text
    other = "fr" if lang == "en" else "en"
    assert f'class="lang-switch" href="/no/such/route?lang={other}" hreflang="{other}"' in page.text
    plain = get(client, "/no/such/route", "text/plain")
    assert plain.status_code == 404 and plain.text == "There is no page at /no/such/route.\n"


@pytest.mark.parametrize("url, english, french", [
    ("/page/nope", "nothing in the graph is called 'nope'", "rien dans le graphe ne s'appelle 'nope'"),
    ("/network?year=abc", "year='abc': give a year, such as 1995", "year='abc'\u202f: donner une année, comme 1995"),
    ("/network?steps=9", "steps='9': give a number of ties from 1 to", "steps='9'\u202f: donner un nombre de liens de 1 à"),
    ("/timeline?group=x", "group='x': the timeline groups by kind or by organisation",
     "group='x'\u202f: la chronologie se groupe par type ou par organisation"),
    ("/timeline?from=abc", "from='abc': give a year, a month or a day",
     "from='abc'\u202f: donner une année, un mois ou un jour"),
    ("/kinds/Organisation?sort=x", "sort='x', order='asc': sort is one of", "sort='x', order='asc'\u202f: sort est l'un de"),
    ("/search?q=icom&p=99", "p=99: there is only 1 page", "p=99\u202f: il n'y a qu'une page"),
])
def test_error_pages_say_what_is_wrong_in_the_page_language(client, url, english, french):
    en = get(client, url + ("&" if "?" in url else "?") + "lang=en", accept="text/html").text
    fr = get(client, url + ("&" if "?" in url else "?") + "lang=fr", accept="text/html").text
    assert html.unescape(re.sub(r"<[^>]+>", "", en)).count(english) == 1
    assert html.unescape(re.sub(r"<[^>]+>", "", fr)).count(french) == 1
    assert 'lang="en"' not in fr.split("<main", 1)[1]  # the message is said in French, not left in English
    # a client that asks for no page gets the English line as before
    assert get(client, url, accept="text/plain").text.startswith(english)
