"""Long lists on the HTML pages (the ties of a hub, the members of a kind, what points at a node,
the statements citing a source) come a hundred at a time, with links between the pages and a
query for the whole of a list."""

from __future__ import annotations

import re
import shutil
import urllib.parse

import pytest
from starlette.testclient import TestClient

from heritage_kg.build import build_store
from heritage_kg.project import Project
from heritage_kg.server.app import create_app
from heritage_kg.server.diagram import DIAGRAM_LIMIT
from heritage_kg.server.paging import PER_PAGE, TIES_PER_PAGE
from heritage_kg.ties import read

from .conftest import ROOT

ID = "https://w3id.org/heritage-kg/id/"
#: Added to a copy of the project: ties enough for three pages, units and citations beyond one.
AGREEMENTS, UNITS = 2 * PER_PAGE + 37, PER_PAGE + 30


def _added() -> str:
    lines = ["@prefix hkg: <https://w3id.org/heritage-kg/ontology#> .",
             "@prefix kg: <https://w3id.org/heritage-kg/id/> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."]
    for n in range(AGREEMENTS):
        lines.append(f'kg:paging-agreement-{n:03d} a hkg:Agreement ; hkg:party kg:icom, kg:unesco ; '
                     f'rdfs:label "Paging agreement {n:03d}"@en ; hkg:startDate "{1900 + n % 120}"^^xsd:gYear ; '
                     f'hkg:evidence [ a hkg:Evidence ; hkg:source kg:source-seed-002 ; hkg:line {n + 1} ; '
                     f'hkg:keyPhrase "paging {n}"@en ] .')
    for n in range(UNITS):
        lines.append(f'kg:paging-unit-{n:03d} a hkg:NationalCommittee ; hkg:unitOf kg:icom ; '
                     f'rdfs:label "Paging unit {n:03d}"@en .')
        lines.append(f'kg:paging-organisation-{n:03d} a hkg:NonGovernmentalOrganisation ; '
                     f'rdfs:label "Paging organisation {n:03d}"@en .')
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    root = tmp_path_factory.mktemp("paging")
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, root / name)
    (root / "data" / "paging.ttl").write_text(_added(), encoding="utf-8")
    project = Project(root)
    with TestClient(create_app(project)) as client:
        yield client, build_store(project, materialised=False)


def page(client, url: str) -> str:
    response = client.get(url, headers={"accept": "text/html"})
    assert response.status_code == 200, (url, response.text[:200])
    return response.text


def tie_links(html: str) -> list[str]:
    """The pages of the ties listed, from each sentence's links to its details (two ties that
    read alike are one sentence with a link to each)."""
    section = html[html.index('<section id="ties">'):html.index('<section id="neighbourhood">')]
    return re.findall(r'<a class="details muted" href="([^"]+)"', section)


def pager_links(html: str) -> dict[str, str]:
    return {rel: link.replace("&amp;", "&") for rel, link in re.findall(r'<a rel="(prev|next)" href="([^"]+)"', html)}


def icom_ties(store) -> set[str]:
    rows = store.query(f"""PREFIX hkg: <https://w3id.org/heritage-kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?tie WHERE {{ ?tie ?p <{ID}icom> ; a/rdfs:subClassOf* ?c .
                                      VALUES ?c {{ hkg:Relationship hkg:Observation }} }}""")
    # and the ties written as one property: its units, and what it runs, funds or hosts
    direct = " ".join(f"<{kind.iri}>" for kind in read(store).kinds if kind.direct)
    units = store.query(f"SELECT ?unit WHERE {{ VALUES ?p {{ {direct} }} ?unit ?p <{ID}icom> }}")
    return {f"/page/{row['tie'].value[len(ID):]}?lang=en" for row in rows} | \
        {f"/page/{row['unit'].value[len(ID):]}?lang=en" for row in units}


def test_a_hub_lists_its_ties_a_page_at_a_time(big):
    client, store = big
    expected = icom_ties(store)
    assert len(expected) > 2 * TIES_PER_PAGE
    seen, url, pages = [], "/page/icom", 0
    while url:
        html = page(client, url)
        links = tie_links(html)
        assert len(links) == min(TIES_PER_PAGE, len(expected) - len(seen))
        first = len(seen) + 1
        seen += links
        pages += 1
        assert f'<span class="count">{len(expected)}</span>' in html
        assert f"{first:,}–{len(seen):,} of {len(expected):,}" in html
        moves = pager_links(html)
        assert ("prev" in moves) == (pages > 1)
        url = moves.get("next")
        if url:
            assert url == f"/page/icom?lang=en&p={pages + 1}"
    assert pages == -(-len(expected) // TIES_PER_PAGE)
    assert len(seen) == len(set(seen)) and set(seen) == expected
    # the pages follow one order: by date, so that the added agreements run from 1900 on
    added = [link for link in seen if link.startswith("/page/paging-agreement-")]
    years = [1900 + int(link.split("?")[0][-3:]) % 120 for link in added]
    assert years == sorted(years)


def test_every_page_draws_the_same_neighbourhood(big):
    client, _ = big
    drawings = []
    for url in ("/page/icom", "/page/icom?p=2", "/page/icom?p=3"):
        html = page(client, url)
        drawings.append(html[html.index('<section id="neighbourhood">'):].split("</section>")[0])
    # drawn from all the ties: pages 2 and 3 alone hold only the added agreements, whose one
    # other side is UNESCO, and would draw other neighbours than page 1
    assert drawings[0] == drawings[1] == drawings[2]
    assert drawings[0].count('<a href="/page/') == DIAGRAM_LIMIT


def test_pages_keep_the_language(big):
    client, _ = big
    html = page(client, "/page/icom?lang=fr&p=2&utm_source=x")
    # the page is cached, so its links keep only the language, not what this client added
    assert pager_links(html) == {"prev": "/page/icom?lang=fr", "next": "/page/icom?lang=fr&p=3"}
    assert 'href="/page/icom?p=2&amp;lang=en"' in html  # the switch to English keeps the page
    # an unknown language is the browser's, here English, with English links (a page rendered first here)
    assert pager_links(page(client, "/kinds/Agreement?lang=xx&p=2&utm_source=x")) == {
        "prev": "/kinds/Agreement?lang=en", "next": "/kinds/Agreement?lang=en&p=3"}
    french = client.get("/kinds/Agreement?lang=xx&p=2", headers={"accept-language": "fr-CH, fr;q=0.9, en;q=0.8"}).text
    assert pager_links(french) == {"prev": "/kinds/Agreement?lang=fr", "next": "/kinds/Agreement?lang=fr&p=3"}
    assert "précédents" in html and " sur " in html


@pytest.mark.parametrize("query, status", [("p=0", 400), ("p=x", 400), ("p=-1", 400), ("p=1&p=2", 400),
                                           ("p=99", 404), ("p=99999999999", 404), ("p=" + "9" * 5000, 404),
                                           ("p=%EF%BC%92", 400)])
def test_bad_page_numbers(big, query, status):
    client, _ = big
    for url in (f"/page/icom?{query}", f"/kinds/Agreement?{query}"):
        response = client.get(url, headers={"accept": "text/plain"})
        assert response.status_code == status, url
        assert len(response.text.strip().splitlines()) == 1 and "p" in response.text


def test_a_short_list_has_no_pager(big):
    client, _ = big
    html = page(client, "/page/aliph")
    assert 'class="pager"' not in html
    assert client.get("/page/aliph?p=2", headers={"accept": "text/plain"}).status_code == 404


def test_pointing_values_show_one_page_and_a_query_for_all(big):
    client, _ = big
    html = page(client, "/page/icom")
    section = html[html.index('<div class="scroll" id="pointing">'):].split("</details>")[0]
    row = next(r for r in section.split("<tr>") if "paging-unit-" in r)
    assert row.count('<a href="/page/') == PER_PAGE
    more = re.search(r'<p class="more muted">and ([\d,]+) more · <a href="([^"]+)">', row)
    assert more is not None
    link = more[2].replace("&amp;", "&")
    text = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["query"][0]
    answer = client.get("/sparql", params={"query": text}, headers={"accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    nodes = [b["node"]["value"] for b in answer.json()["results"]["bindings"]]
    units = [n for n in nodes if n.startswith(ID + "paging-unit-")]
    assert len(units) == UNITS
    assert int(more[1].replace(",", "")) == len(nodes) - PER_PAGE
    assert page(client, link).count("<form") >= 1  # the query page opens with the query


def test_citations_show_one_page_and_a_query_for_all(big):
    client, store = big
    cited = len(list(store.query(f"""SELECT ?e WHERE {{ ?e <https://w3id.org/heritage-kg/ontology#source>
                                                    <{ID}source-seed-002> }}""")))
    html = page(client, "/page/source-seed-002")
    section = html[html.index('<section id="citations">'):].split("</section>")[0]
    assert f'<span class="count">{cited}</span>' in section
    assert section.count("<li>") == PER_PAGE
    assert f"and {cited - PER_PAGE:,} more" in section


def test_a_kind_lists_its_members_a_page_at_a_time(big):
    client, store = big
    total = len(list(store.query(f"""SELECT DISTINCT ?a WHERE {{
        ?a a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <https://w3id.org/heritage-kg/ontology#Agreement>
        FILTER STRSTARTS(STR(?a), "{ID}") }}""")))
    names, url = [], "/kinds/Agreement"
    while url:
        html = page(client, url)
        names += re.findall(r'<tr><td[^>]*><a href="/page/([^"?]+)\?lang=en">', html)
        assert f'<span class="count">{total}</span>' in html
        url = pager_links(html).get("next")
    assert len(names) == len(set(names)) == total


def test_the_home_page_lists_the_first_organisations_and_links_to_all(big):
    client, store = big
    total = len(list(store.query("""SELECT DISTINCT ?o WHERE {
        ?o a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <https://w3id.org/heritage-kg/ontology#Organisation>
        FILTER STRSTARTS(STR(?o), "https://w3id.org/heritage-kg/id/") }""")))
    assert total > PER_PAGE
    html = page(client, "/")
    listed = html[html.index('<ul class="columns">'):].split("</ul>")[0]
    assert listed.count("<li>") == PER_PAGE
    assert f'and {total - PER_PAGE:,} more · <a href="/kinds/Organisation?lang=en">' in html
    assert f'<span class="count">{total}</span>' in page(client, "/kinds/Organisation")


def test_start_up_works_out_the_ties_of_hubs_and_keeps_no_others(big):
    client, _ = big
    with TestClient(create_app(client.app.state.hkg.project)) as fresh:
        state = fresh.app.state.hkg
        kept = lambda: {key[1:] for key in state._cache if isinstance(key, tuple) and key[0] == "incoming"}
        # before any request: the two nodes with more than a page of ties, and nothing else
        assert kept() == {(ID + "icom", "en"), (ID + "unesco", "en")}
        page(fresh, "/page/aliph")  # one page of ties: made with the page, not kept
        page(fresh, "/page/icom?lang=fr")
        assert kept() == {(ID + "icom", "en"), (ID + "unesco", "en"), (ID + "icom", "fr")}


def test_a_page_being_made_does_not_hold_up_the_others(big, monkeypatch):
    import threading

    from heritage_kg.server.entitypage import View

    client, _ = big
    entered, release, order = threading.Event(), threading.Event(), []
    original = View.incoming

    def slow(view):
        if view.iri == ID + "paging-unit-007":
            entered.set()
            release.wait(10)
            order.append("slow page")
        return original(view)

    monkeypatch.setattr(View, "incoming", slow)
    statuses = []
    held = threading.Thread(target=lambda: statuses.append(client.get("/page/paging-unit-007").status_code))
    held.start()
    try:
        assert entered.wait(10)
        page(client, "/page/paging-unit-008")
        order.append("other page")
    finally:
        release.set()
        held.join(10)
    # had the slow page held the event loop, the other would have waited until it was released
    assert order == ["other page", "slow page"]
    assert not held.is_alive() and statuses == [200]


def test_a_page_made_before_is_sent_without_working_out_its_list_again(big, monkeypatch):
    from heritage_kg.server.entitypage import View

    client, _ = big
    calls = []
    original = View.incoming
    monkeypatch.setattr(View, "incoming", lambda view: calls.append(view.iri) or original(view))
    first = page(client, "/page/paging-unit-011")
    tag = client.get("/page/paging-unit-011").headers["etag"]
    assert page(client, "/page/paging-unit-011") == first
    assert client.get("/page/paging-unit-011", headers={"if-none-match": tag}).status_code == 304
    assert calls == [ID + "paging-unit-011"]
    # a page number past the end is still refused, though page 1 is kept
    assert client.get("/page/paging-unit-011?p=2").status_code == 404
