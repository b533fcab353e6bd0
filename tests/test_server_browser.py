"""`heritage-kg serve` in a real browser: Debian's headless Chromium, driven by Playwright.

One server for the module, started on a free loopback port and always stopped. Every test fails,
rather than skips, when Chromium or Playwright is missing: `.ci/run` installs both. Every page
must load without a console error, an uncaught exception, a failed request or a
Content-Security-Policy violation. Screenshots go to a temporary folder, and also to
$HERITAGE_KG_SHOTS when it is set, so that someone can look at them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from .browser import browser, screenshot, server, shots, watch  # noqa: F401 (fixtures, used by name)

KG = "https://w3id.org/heritage-kg/id/"
#: The founders of the Blue Shield, the default organisation of the `founders` query.
BLUE_SHIELD_FOUNDERS = {KG + "icom", KG + "icomos", KG + "ica", KG + "ifla"}
def assert_clean(seen, *allowed: str) -> None:
    patterns = [re.compile(p) for p in allowed]
    problems = [p for p in seen.problems() if not any(rx.search(p) for rx in patterns)]
    assert problems == [], "the page complained:\n" + "\n".join(problems)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    seen = watch(page)
    try:
        yield page, seen
    finally:
        context.close()


def result_rows(page) -> int:
    page.wait_for_selector(".yasr table.dataTable tbody tr td", state="attached")
    return page.locator(".yasr table.dataTable tbody tr").count()


def result_iris(page) -> set[str]:
    """The IRIs the result table links to: those of this graph link to their pages here."""
    hrefs = page.eval_on_selector_all(".yasr table.dataTable tbody a[href]", "links => links.map(a => a.getAttribute('href'))")
    return {KG + urlsplit(h).path.removeprefix("/page/") if h.startswith("/page/") else h for h in hrefs}


def editor_text(page) -> str:
    return page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")


# -- entity pages ----------------------------------------------------------------------------------


def test_entity_page_shows_its_name(server, page, shots):
    page, seen = page
    response = page.goto(server + "/page/icom")
    assert response.status == 200
    heading = page.locator("h1")
    heading.wait_for()
    assert "International Council of Museums" in heading.inner_text()
    assert page.get_attribute("html", "lang") == "en"
    screenshot(page, shots, "entity-icom-en")
    assert_clean(seen)


def test_entity_page_switches_language(server, page, shots):
    page, seen = page
    page.goto(server + "/page/icom")
    page.locator("a[hreflang=fr]").first.click()
    page.locator("html[lang=fr]").wait_for(state="attached")
    assert "Conseil international des musées" in page.locator("h1").inner_text()
    screenshot(page, shots, "entity-icom-fr")
    assert_clean(seen)


# -- the query page ----------------------------------------------------------------------------------


def test_query_page_runs_a_named_query_from_its_url(server, page, shots):
    page, seen = page
    response = page.goto(server + "/query?name=founders")
    assert response.status == 200
    assert result_rows(page) == 4
    assert BLUE_SHIELD_FOUNDERS <= result_iris(page)
    table = page.locator(".yasr table.dataTable")
    assert "International Council of Museums" in table.inner_text()
    assert "VALUES ?organisation { <https://w3id.org/heritage-kg/id/blue-shield> }" in editor_text(page)
    assert "#+" not in editor_text(page)
    # The table fits its column: the resizer's rules come from query.css, not a refused <style>.
    results = page.locator("#qp-results").bounding_box()
    box = table.bounding_box()
    assert box["x"] + box["width"] <= results["x"] + results["width"] + 1
    assert page.locator(".qp-examples li.qp-chosen a").inner_text() == "Founders of an organisation"
    assert page.locator("form[data-name=founders]").is_visible()
    screenshot(page, shots, "query-founders")
    assert_clean(seen)


def test_query_page_downloads_csv_and_json(server, page):
    page, seen = page
    page.goto(server + "/query?name=founders")
    result_rows(page)
    links = {a.get_attribute("data-format"): a.get_attribute("href") for a in page.locator("#qp-downloads a").all()}
    assert set(links) == {"csv", "json"}
    for fmt, href in links.items():
        assert href.startswith("/sparql?")
        assert parse_qs(urlsplit(href).query)["format"] == [fmt]
    answer = page.request.get(server + links["csv"])
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text())))
    assert {row["founder"] for row in rows} == BLUE_SHIELD_FOUNDERS
    answer = page.request.get(server + links["json"])
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/sparql-results+json")
    bindings = json.loads(answer.text())["results"]["bindings"]
    assert {b["founder"]["value"] for b in bindings} == BLUE_SHIELD_FOUNDERS
    assert_clean(seen)


def test_query_page_binds_the_form_on_the_server(server, page, shots):
    page, seen = page
    page.goto(server + "/query")
    page.get_by_role("link", name="Partners of an organisation").click()
    field = page.locator("#qp-partners-organisation")
    assert field.is_visible() and field.input_value() == "icom"  # the default, pre-filled
    result_rows(page)  # choosing a query runs it with its defaults
    field.fill("iccrom")
    with page.expect_response(lambda r: "/api/queries/partners?" in r.url) as bound:
        page.locator("form[data-name=partners] button[type=submit]").click()
    assert bound.value.json()["query"].count("VALUES ?organisation { <https://w3id.org/heritage-kg/id/iccrom> }") == 1
    page.wait_for_url(re.compile(r"/query\?name=partners&organisation=iccrom$"))
    page.locator(".yasr table.dataTable tbody a[href^='/page/icom?']").first.wait_for()
    assert KG + "icom" in result_iris(page)
    assert page.get_attribute("#qp-share", "href") == "/query?name=partners&organisation=iccrom"
    screenshot(page, shots, "query-partners-iccrom")
    # The shareable URL opens the same query, bound the same way.
    page.goto(server + "/query?name=partners&organisation=iccrom")
    result_rows(page)
    assert KG + "icom" in result_iris(page)
    assert page.locator("#qp-partners-organisation").input_value() == "iccrom"
    assert_clean(seen)


def test_query_page_runs_free_text_from_its_url(server, page, shots):
    page, seen = page
    text = ('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n'
            'SELECT ?name WHERE { <https://w3id.org/heritage-kg/id/icom> rdfs:label ?name } ORDER BY ?name')
    share = page.evaluate("text => '/query?' + new URLSearchParams({query: text})", text)
    page.goto(server + share)
    assert result_rows(page) >= 2
    table = page.locator(".yasr table.dataTable").inner_text()
    assert "International Council of Museums" in table and "Conseil international des musées" in table
    assert editor_text(page) == text
    assert page.get_attribute("#qp-share", "href") == share
    screenshot(page, shots, "query-free-text")
    assert_clean(seen)


def test_query_page_shows_a_bad_parameter(server, page, shots):
    page, seen = page
    page.goto(server + "/query?name=neighbourhood")
    page.locator(".qp-view-graph").wait_for()  # the view the query declares
    page.locator("#qp-neighbourhood-organisation").fill("not an iri")
    page.locator("form[data-name=neighbourhood] button[type=submit]").click()
    alert = page.locator("#qp-error")
    alert.wait_for()
    assert alert.inner_text() == "parameter 'organisation': 'not an iri' is not a valid IRI"
    screenshot(page, shots, "query-bad-parameter")
    # The refusal is the expected 400 from the binding API, and nothing else.
    assert_clean(seen, r"/api/queries/neighbourhood\?organisation=not")


def test_query_page_without_javascript(browser, server, shots):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        response = page.goto(server + "/query?name=founders&organisation=blue-shield")
        assert response.status == 200
        assert "VALUES ?organisation { <https://w3id.org/heritage-kg/id/blue-shield> }" in page.inner_text("#qp-text")
        href = page.get_attribute("#qp-downloads a[data-format=csv]", "href")
        answer = page.request.get(server + href)
        assert {row["founder"] for row in csv.DictReader(io.StringIO(answer.text()))} == BLUE_SHIELD_FOUNDERS
        screenshot(page, shots, "query-no-javascript")
        response = page.goto(server + "/query?name=founders&organisation=not%20an%20iri")
        assert response.status == 400
        assert "is not a valid IRI" in page.inner_text("#qp-error")
    finally:
        context.close()
