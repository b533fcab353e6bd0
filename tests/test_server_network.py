"""The network explorer: what the server sends and shows for each filter (TestClient), and the
drawing itself in a real browser (Cytoscape.js in headless Chromium): filters, the year slider,
a node's summary, the keyboard, a shared address, and 1280 and 390 px screenshots."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from heritage_kg.build import build_store
from heritage_kg.project import ENTITY_NS, Project
from heritage_kg.server import explorer
from heritage_kg.server.app import create_app

from .browser import browser, screenshot, server, shots, watch  # noqa: F401 (fixtures, used by name)
from .conftest import ROOT


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Project(ROOT))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def organisations() -> set[str]:
    """Every organisation of the data, by slug, asked of the graph itself."""
    store = build_store(Project(ROOT))
    rows = store.query("SELECT DISTINCT ?o WHERE { ?o a <https://w3id.org/heritage-kg/ontology#Organisation> }")
    return {row[0].value.removeprefix(ENTITY_NS) for row in rows if isinstance(row[0], ox.NamedNode)
            and row[0].value.startswith(ENTITY_NS)}


def page_data(client, query: str = "") -> dict:
    page = client.get("/network" + query)
    assert page.status_code == 200, page.text
    found = re.search(r'<script type="application/json" id="nw-data">(.*?)</script>', page.text, re.S)
    return json.loads(found[1])


def shown(client, query: str) -> dict:
    answer = client.get("/network.json" + query)
    assert answer.status_code == 200, answer.text
    return answer.json()["shown"]


def test_every_organisation_is_sent_and_shown(client, organisations):
    data = page_data(client)
    sent = {n["data"]["id"] for n in data["elements"]["nodes"]}
    assert organisations <= sent
    assert organisations <= {n["id"] for n in data["shown"]["nodes"]}
    # the text alternative lists the same, with each tie as a sentence
    assert "ICOM and INTERPOL signed a cooperation agreement in 2000." in {e["text"] for e in data["shown"]["edges"]}


def test_the_year_hides_what_had_not_begun(client):
    data = page_data(client)
    founding = {tie for e in data["elements"]["edges"] for tie in e["data"]["ties"]
                if e["data"]["target"] == "blue-shield" and e["data"]["kind"] == "founding"}
    assert len(founding) == 4, "ICOM, ICA, ICOMOS and IFLA founded Blue Shield"
    before, after = shown(client, "?year=1995"), shown(client, "?year=1996")
    assert "blue-shield" not in {n["id"] for n in before["nodes"]} and not founding & {e["id"] for e in before["edges"]}
    assert "blue-shield" in {n["id"] for n in after["nodes"]} and founding <= {e["id"] for e in after["edges"]}
    # undated ties stay, marked as such in the text and for the drawing
    assert before["undated"] and all(any(e["id"] == u and e["text"].endswith("(undated)") for e in before["edges"])
                                     for u in before["undated"])
    assert shown(client, "")["undated"] == []


def test_kind_and_type_filters(client):
    data = page_data(client)
    kinds = {tie: e["data"]["kind"] for e in data["elements"]["edges"] for tie in e["data"]["ties"]}
    agreements = shown(client, "?kind=agreement")
    assert agreements["edges"] and {kinds[e["id"]] for e in agreements["edges"]} == {"agreement"}
    assert shown(client, "?kind=none")["edges"] == []
    igos = shown(client, "?type=IntergovernmentalOrganisation")
    ids = {n["id"] for n in igos["nodes"]}
    assert {"unesco", "iccrom", "interpol"} <= ids and "icom" not in ids
    assert all("intergovernmental organisation" in n["kind"] for n in igos["nodes"])


def test_the_ties_of_one_kind_between_two_nodes_draw_as_one_line(client):
    data = page_data(client)
    lines = [(e["data"]["kind"], e["data"]["source"], e["data"]["target"]) for e in data["elements"]["edges"]]
    assert len(lines) == len(set(lines))
    ties = [tie for e in data["elements"]["edges"] for tie in e["data"]["ties"]]
    assert sorted(ties) == sorted(e["id"] for e in data["shown"]["edges"])
    aliph_icom = [e["data"]["ties"] for e in data["elements"]["edges"]
                  if {e["data"]["source"], e["data"]["target"]} == {"icom", "aliph"} and e["data"]["kind"] == "agreement"]
    assert len(aliph_icom) == 1 and len(aliph_icom[0]) >= 2, "ALIPH and ICOM have a memorandum and funding agreements"


def test_people_instruments_and_programmes_on_request(client):
    plain = page_data(client)
    groups = {n["data"]["group"] for n in plain["elements"]["nodes"]}
    assert groups <= {"organisation", "unit"}
    extra = page_data(client, "?with=people&with=instruments&with=programmes")
    groups = {n["data"]["id"]: n["data"]["group"] for n in extra["elements"]["nodes"]}
    assert groups["peter-keller"] == "person"
    assert {"instrument", "programme"} <= set(groups.values())
    assert any(e["data"]["kind"] == "signature" and e["data"]["source"] == "peter-keller" for e in extra["elements"]["edges"])


def test_around_draws_a_neighbourhood_and_focus_takes_a_name(client):
    data = page_data(client, "?around=interpol&steps=1")
    sent = {n["data"]["id"] for n in data["elements"]["nodes"]}
    assert {"interpol", "icom", "interpol-stolen-works-of-art-unit"} <= sent and "iccrom" not in sent
    wider = {n["data"]["id"] for n in page_data(client, "?around=interpol&steps=2")["elements"]["nodes"]}
    assert sent < wider
    assert page_data(client, "?focus=ICOM")["focus"] == "icom"
    assert page_data(client, "?focus=Conseil%20international%20des%20mus%C3%A9es")["focus"] == "icom"


@pytest.mark.parametrize("query, status, message", [
    ("?year=abc", 400, "year='abc': give a year"),
    ("?kind=friendship", 400, "kind='friendship': choose from"),
    ("?type=Person", 400, "type='Person': choose from"),
    ("?with=everything", 400, "with='everything': choose from instruments, people, programmes"),
    ("?around=nowhere", 404, "around='nowhere': nothing in the graph is called so"),
    ("?around=icom&steps=9", 400, "steps='9': give a number of ties from 1 to 4"),
])
def test_bad_addresses_are_one_line(client, query, status, message):
    for path in ("/network", "/network.json"):
        answer = client.get(path + query, headers={"Accept": "text/plain"})
        assert answer.status_code == status
        text = answer.json()["error"] if path.endswith(".json") else answer.text
        assert text.strip().startswith(message) and "\n" not in text.strip()


def test_a_nodes_summary(client):
    about = client.get("/network/about/icom").json()
    assert about["label"] == "International Council of Museums" and about["founded"] == 1946
    assert {"text": "Conseil international des musées", "lang": "fr"} in about["names"] and about["acronyms"] == ["ICOM"]
    assert "ICOM was founded in 1946." in about["statements"] and about["href"] == "/page/icom?lang=en"
    assert client.get("/network/about/icom?lang=fr").json()["statements"][0] == "L'ICOM a été créé en 1946."
    assert client.get("/network/about/nowhere").status_code == 404


def test_a_large_graph_is_cut_to_the_best_connected_and_says_so(monkeypatch, organisations):
    monkeypatch.setattr(explorer, "NODE_LIMIT", 10)
    with TestClient(create_app(Project(ROOT))) as fresh:
        page = fresh.get("/network").text
        data = page_data(fresh)
    sent = [n["data"]["id"] for n in data["elements"]["nodes"]]
    assert len(sent) == 10 and "icom" in sent and "unesco" in sent
    left_out = int(re.search(r"10 of its best-connected organisations are drawn, grown from the one with the most ties, and (\d+) more are left out", page)[1])
    assert left_out >= len(organisations) - 10


def test_organisation_pages_link_to_their_neighbourhood(client):
    page = client.get("/page/icom").text
    assert 'href="/network?around=icom&amp;focus=icom&amp;lang=en"' in page


# -- in the browser -------------------------------------------------------------------------------

def visible(page, selector: str) -> list[str]:
    return page.evaluate(f"window.heritageNetwork.elements({json.dumps(selector)}).filter(e => e.visible()).map(e => e.id())")


def open_network(browser, server, path: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    seen = watch(page)
    page.goto(server + path)
    page.wait_for_function("() => window.heritageNetwork !== undefined")
    return context, page, seen


def test_the_explorer_draws_filters_and_summarises(browser, server, shots, organisations):
    context, page, seen = open_network(browser, server, "/network")
    try:
        assert organisations <= set(visible(page, "node"))
        screenshot(page, shots, "network-1280")
        # a filter hides a kind of tie, and the address says so
        assert visible(page, 'edge[kind = "founding"]')
        page.get_by_role("checkbox", name="founding").uncheck()
        page.wait_for_function("() => window.location.search.includes('kind=')")
        page.wait_for_function("""() => window.heritageNetwork.edges('[kind = "founding"]').filter(e => e.visible()).length === 0""")
        assert "founding" not in parse_qs(urlsplit(page.url).query)["kind"]
        assert visible(page, 'edge[kind = "agreement"]')
        page.get_by_role("checkbox", name="founding").check()
        page.wait_for_function("""() => window.heritageNetwork.edges('[kind = "founding"]').filter(e => e.visible()).length > 0""")
        # the year slider at 1995 hides Blue Shield and its founding
        page.eval_on_selector("#nw-slider", "s => { s.value = '1995'; s.dispatchEvent(new Event('input')); }")
        page.wait_for_function("() => !window.heritageNetwork.getElementById('blue-shield').visible()")
        assert not visible(page, 'edge[kind = "founding"][target = "blue-shield"]')
        assert parse_qs(urlsplit(page.url).query)["year"] == ["1995"]
        assert page.locator("#nw-year").input_value() == "1995"
        assert "?" in page.evaluate("window.heritageNetwork.edges('.undated').map(e => e.style('label'))")
        assert page.locator("#nw-node-list li[data-id='blue-shield']").count() == 0
        # clicking ICOM opens its summary
        page.locator("#nw-canvas").scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # Cytoscape takes the container's new place on the page from a scroll event
        point = page.evaluate("""(() => { const p = window.heritageNetwork.getElementById('icom').renderedPosition();
                                 const box = document.getElementById('nw-canvas').getBoundingClientRect();
                                 return {x: box.left + p.x, y: box.top + p.y}; })()""")
        page.mouse.click(point["x"], point["y"])
        summary = page.locator("#nw-summary")
        summary.get_by_text("founded 1946").wait_for()
        assert "International Council of Museums" in summary.inner_text() and "ICOM was founded in 1946." in summary.inner_text()
        assert summary.get_by_role("link", name="Open its page").get_attribute("href") == "/page/icom?lang=en"
        assert parse_qs(urlsplit(page.url).query)["focus"] == ["icom"]
        screenshot(page, shots, "network-1995-icom-1280")
        # the keyboard zooms and pans the picture
        before = page.evaluate("window.heritageNetwork.zoom()")
        page.locator("#nw-canvas").focus()
        page.keyboard.press("+")
        assert page.evaluate("window.heritageNetwork.zoom()") > before
        shared = page.url
    finally:
        context.close()
    assert seen.problems() == []
    # the shared address opens the same view
    context, page, seen = open_network(browser, server, shared.removeprefix(server))
    try:
        page.locator("#nw-summary").get_by_text("founded 1946").wait_for()
        assert not page.evaluate("window.heritageNetwork.getElementById('blue-shield').visible()")
        assert page.locator("#nw-year").input_value() == "1995" and page.locator("#nw-slider").input_value() == "1995"
        assert page.evaluate("window.heritageNetwork.$(':selected').map(e => e.id())") == ["icom"]
    finally:
        context.close()
    assert seen.problems() == []


def test_the_explorer_expands_a_neighbourhood_and_fits_a_phone(browser, server, shots):
    context, page, seen = open_network(browser, server, "/network?around=interpol&focus=interpol", width=390)
    try:
        before = set(visible(page, "node"))
        assert "iccrom" not in before
        page.locator("#nw-summary").get_by_role("button", name="Add its neighbours").wait_for()
        page.evaluate("window.heritageNetwork.getElementById('icom').emit('tap')")
        page.locator("#nw-summary h2", has_text="International Council of Museums").wait_for()
        with page.expect_navigation():
            page.locator("#nw-summary").get_by_role("button", name="Add its neighbours").click()
        page.wait_for_function("() => window.heritageNetwork !== undefined")
        assert set(parse_qs(urlsplit(page.url).query)["around"][0].split(",")) == {"interpol", "icom"}
        assert before < set(visible(page, "node")) and "iccrom" in visible(page, "node")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        screenshot(page, shots, "network-around-390")
    finally:
        context.close()
    assert seen.problems() == []


def test_the_timeline_shows_a_marks_sources_on_keyboard_focus(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = watch(page)
    try:
        page.goto(server + "/timeline?organisation=icom")
        mark = page.locator("figure.timeline a[href^='/page/mou-icom-aliph-2022']").first
        mark.focus()
        caption = mark.locator("xpath=ancestor::figure").locator("figcaption")
        caption.wait_for()
        text = caption.inner_text()
        assert text.startswith("ICOM and ALIPH signed a memorandum of understanding on 31 January 2022") and "line 10" in text
        assert page.locator("figure.timeline a[href^='/page/founding-icom']").count() == 1
    finally:
        context.close()
    assert seen.problems() == []
