"""The query page's result views besides the table: the view a named query declares (`#+ view:`)
and a `#defaultView:` comment choose, the server's drawing of the timeline view, and, in a real
browser, each view drawn, a chosen view kept in the share link, and the table's values and links."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from starlette.testclient import TestClient

from heritage_kg.errors import UsageError
from heritage_kg.project import Project
from heritage_kg.queries import read_query
from heritage_kg.server.app import create_app
from heritage_kg.timeline import MARK_LIMIT

from .browser import browser, screenshot, server, shots, watch  # noqa: F401 (fixtures, used by name)
from .conftest import ROOT


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Project(ROOT))) as test_client:
        yield test_client


@pytest.mark.parametrize("name, view", [("timeline", "Timeline"), ("neighbourhood", "Graph"), ("member-counts", "BarChart")])
def test_named_queries_declare_their_view(client, name, view):
    listed = {q["name"]: q["view"] for q in client.get("/api/queries").json()}
    assert listed[name] == {"Timeline": "timeline", "Graph": "graph", "BarChart": "chart"}[view]
    assert listed["agreements"] == "table"
    text = client.get(f"/api/queries/{name}").json()["query"]
    assert text.startswith(f"#defaultView:{view}\n")
    assert not client.get("/api/queries/agreements").json()["query"].startswith("#defaultView")


def test_a_view_that_is_none_is_refused(client, tmp_path):
    answer = client.get("/query?name=timeline&view=pie", headers={"Accept": "text/html"})
    assert answer.status_code == 400 and "view=&#39;pie&#39;: choose from table, graph, timeline, chart" in answer.text
    query = tmp_path / "pie.rq"
    query.write_text("#+ title: Pie\n#+ view: pie\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"pie.rq: view 'pie' is not one of table, graph, timeline, chart"):
        read_query(query)


def test_the_server_draws_rows_as_the_timeline_page_draws_them(client):
    rows = [{"label": "Founding of ICOM", "start": "1946", "href": "/page/founding-icom?lang=en"},
            {"label": "Memorandum", "start": "2022-01-31", "href": "https://elsewhere.example/x"},
            {"label": "A span", "start": "1996-06", "end": "2001"}]
    answer = client.post("/timeline/draw?lang=fr", json={"rows": rows})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    svg = answer.text
    assert svg.startswith("<svg") and 'aria-label="Chronologie"' in svg
    assert '<a href="/page/founding-icom?lang=en"><title>1946: Founding of ICOM</title>' in svg
    assert "31 janvier 2022 · Memorandum" in svg and "elsewhere.example" not in svg, "only links to this site are kept"
    assert re.search(r'<line class="span" x1="[\d.]+" y1="[\d.]+" x2="[\d.]+"', svg)
    assert answer.headers["x-left-out"] == "0"
    many = client.post("/timeline/draw", json={"rows": [{"label": str(n), "start": "2000"} for n in range(MARK_LIMIT + 5)]})
    assert many.headers["x-left-out"] == "5" and many.text.count('<circle class="mark"') == MARK_LIMIT


@pytest.mark.parametrize("body, message", [
    ("not json", "timeline: Expecting value"),
    ('{"rows": 3}', "timeline: rows must be a list"),
    ('{"rows": [{"label": "x"}]}', "timeline: row 1: give a label and a start"),
    ('{"rows": [{"label": "x", "start": "soon"}]}', "timeline: row 1: 'soon' is not a year, month or day"),
    ('{"rows": [{"label": "x", "start": "2022-02-30"}]}', "timeline: row 1: '2022-02-30' is a day that does not exist"),
])
def test_bad_rows_are_one_line(client, body, message):
    answer = client.post("/timeline/draw", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.text.startswith(message) and answer.text.count("\n") == 1


# -- in the browser -------------------------------------------------------------------------------

def open_query(browser, server, path: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    seen = watch(page)
    page.goto(server + path)
    return context, page, seen


def shown_view(page) -> str:
    return page.locator(".yasr .select_" + "table").evaluate(
        "el => el.closest('.yasr').querySelector('.yasr_btnGroup .selected').className.match(/select_(\\w+)/)[1]")


def test_a_named_query_opens_in_its_view_and_a_share_link_keeps_another(browser, server, shots):
    context, page, seen = open_query(browser, server, "/query?name=timeline")
    try:
        figure = page.locator(".qp-view-timeline svg")
        figure.wait_for()
        assert shown_view(page) == "timeline"
        founding = page.locator(".qp-view-timeline a[href='/page/founding-icom?lang=en']")
        assert founding.count() == 1 and "1946 · Founding of ICOM" in founding.text_content()
        mou = page.locator(".qp-view-timeline a[href='/page/mou-icom-aliph-2022?lang=en']")
        assert "31 January 2022" in mou.text_content()
        mou.focus()
        assert page.locator(".qp-view-timeline figcaption").inner_text().startswith("31 January 2022: ")
        screenshot(page, shots, "query-view-timeline")
        # the table instead: the address keeps the choice, and the table shows values as values
        page.locator(".yasr .select_table").click()
        page.wait_for_function("() => window.location.search.includes('view=table')")
        assert parse_qs(urlsplit(page.url).query) == {"name": ["timeline"], "view": ["table"]}
        assert page.get_attribute("#qp-share", "href") == "/query?name=timeline&view=table"
        first = page.locator(".yasr table.dataTable tbody tr").first
        assert first.locator("td").nth(0).inner_text().strip() == "1793", "a gYear shows as its value"
        assert first.locator("a").last.get_attribute("href") == "/page/founding-louvre?lang=en"
        shared = page.url
    finally:
        context.close()
    assert seen.problems() == []
    context, page, seen = open_query(browser, server, shared.removeprefix(server))
    try:
        page.locator(".yasr table.dataTable tbody tr").first.wait_for()
        assert shown_view(page) == "table" and page.locator(".qp-view-timeline").count() == 0
    finally:
        context.close()
    assert seen.problems() == []


def test_the_graph_view_draws_a_neighbourhood(browser, server, shots):
    context, page, seen = open_query(browser, server, "/query?name=neighbourhood&organisation=interpol&steps=1")
    try:
        page.locator(".qp-view-graph").wait_for()
        page.wait_for_function("() => window.heritageResultGraph !== undefined")
        labels = set(page.evaluate("window.heritageResultGraph.nodes().map(n => n.data('label'))"))
        assert {"kg:interpol", "International Council of Museums", "Works of Art Unit"} <= labels
        edges = page.evaluate("window.heritageResultGraph.edges().map(e => [e.source().data('iri'), e.target().data('iri')])")
        assert ["https://w3id.org/heritage-kg/id/interpol", "https://w3id.org/heritage-kg/id/icom"] in edges
        assert page.evaluate("window.heritageResultGraph.$('node[label = \"Works of Art Unit\"]').data('href')") == \
            "/page/interpol-stolen-works-of-art-unit?lang=en"
        screenshot(page, shots, "query-view-graph")
    finally:
        context.close()
    assert seen.problems() == []


def test_the_bar_chart_and_a_default_view_comment(browser, server, shots):
    context, page, seen = open_query(browser, server, "/query?name=member-counts", width=390)
    try:
        bars = page.locator("table.qp-view-chart meter")
        bars.first.wait_for()
        values = [float(v) for v in bars.evaluate_all("ms => ms.map(m => m.value)")]
        assert 50000 in values and 140 in values and bars.count() == 4
        assert "museum members · almost · 2022-01-31" in page.locator("table.qp-view-chart").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        screenshot(page, shots, "query-view-chart-390")
    finally:
        context.close()
    assert seen.problems() == []
    text = ("#defaultView:BarChart\nPREFIX hkg: <https://w3id.org/heritage-kg/ontology#>\n"
            "SELECT ?organisation (COUNT(?tie) AS ?ties) WHERE { ?tie hkg:party ?organisation } GROUP BY ?organisation ORDER BY DESC(?ties) LIMIT 5")
    context, page, seen = open_query(browser, server, "/query?query=" + quote(text))
    try:
        page.locator("table.qp-view-chart meter").first.wait_for()
        assert shown_view(page) == "chart"
        assert page.locator("table.qp-view-chart a").first.get_attribute("href") == "/page/icom?lang=en"
    finally:
        context.close()
    assert seen.problems() == []



@pytest.mark.parametrize("lang, names", [
    ("en", {"table": "Table", "response": "Response", "graph": "Graph", "timeline": "Timeline"}),
    ("fr", {"table": "Tableau", "response": "Réponse", "graph": "Graphe", "timeline": "Chronologie"}),
])
def test_every_views_button_is_named_in_the_pages_language(browser, server, lang, names):
    context, page, seen = open_query(browser, server, f"/query?name=founders&lang={lang}")
    try:
        page.locator(".yasr table.dataTable tbody tr").first.wait_for()
        for view, name in names.items():
            button = page.locator(".yasr .select_" + view)
            assert button.inner_text().strip() == name
            assert button.get_attribute("title") == name and button.get_attribute("aria-label") == name
    finally:
        context.close()
    assert seen.problems() == []
