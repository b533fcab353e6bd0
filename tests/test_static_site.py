"""`heritage-kg site`: the static site, written twice to the same bytes, served by `python -m
http.server` on a loopback port and read in headless Chromium: the pages in both languages, the
data documents, the query page running SPARQL in the browser, and the offline search."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

import pytest
import rdflib

from .browser import browser, screenshot, shots, watch  # noqa: F401 (fixtures, used by name)
from .conftest import ROOT
from .servers import _server, free_port
from .test_release import files_of

ICOM = rdflib.URIRef("https://w3id.org/heritage-kg/id/icom")


def write_site(folder: Path) -> Path:
    result = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), "site", "-o", str(folder)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"site written to {folder}: ")
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return write_site(tmp_path_factory.mktemp("static") / "site")


@pytest.fixture(scope="module")
def served(site):
    """The folder served as a static host serves it: by `python -m http.server`, on loopback."""
    port = free_port()
    with _server([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
                 "/index.html", port) as base:
        yield base + "/"


@contextlib.contextmanager
def opened(browser, url: str, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(30_000)
    seen = watch(page)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(url)
    try:
        yield page, seen, asked
    finally:
        page.close()


def test_the_same_commit_gives_the_same_bytes(site, tmp_path):
    again = write_site(tmp_path / "again")
    first, second = files_of(site), files_of(again)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_every_link_of_every_page_leads_to_a_file_of_the_site(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 400
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for value in re.findall(r'\b(?:href|src|action)="([^"]*)"', text):
            value = value.replace("&amp;", "&")
            if re.match(r"^(?:[a-z]+:|#|//)", value) or value == "":
                continue
            assert not value.startswith("/"), f"{page.relative_to(site)}: a link to the server's {value}"
            path = urlsplit(value).path
            assert (page.parent / unquote(path)).resolve().is_file(), f"{page.relative_to(site)}: {value} leads nowhere"
        # and the links its script writes from the data it carries (the explorer's lists)
        for value in re.findall(r'"href": ?"([^"]+)"', text):
            assert not value.startswith("/"), f"{page.relative_to(site)}: a link to the server's {value}"
            assert (page.parent / unquote(urlsplit(value).path)).resolve().is_file(), f"{page.relative_to(site)}: {value} leads nowhere"
    # a node's summary, which the explorer at the folder's top shows, links its page from there
    summaries = sorted((site / "network" / "about").glob("*.json"))
    assert len(summaries) > 100
    for summary in summaries:
        href = json.loads(summary.read_text(encoding="utf-8"))["href"]
        assert (site / href).is_file(), f"{summary.name}: {href} leads nowhere"


def test_pages_are_small_and_only_the_query_page_may_compile_webassembly(site):
    entity_pages = list((site / "page").glob("*.html"))
    largest = max(entity_pages, key=lambda p: p.stat().st_size)
    assert largest.stat().st_size < 100_000, f"{largest.name}: {largest.stat().st_size} bytes"
    for page in site.rglob("*.html"):
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page.read_text(encoding="utf-8"))
        assert policy, page
        assert ("'wasm-unsafe-eval'" in policy.group(1)) == page.name.startswith("query."), page
        assert "script-src 'self'" in policy.group(1) and "unsafe-inline" not in policy.group(1)


def test_a_host_finds_its_redirects_headers_and_types(site):
    htaccess = (site / ".htaccess").read_text(encoding="utf-8")
    assert "RewriteCond %{HTTP_ACCEPT} text/turtle\nRewriteRule ^id/([^/]+)$ data/$1.ttl [R=303,L]" in htaccess
    assert "AddType text/turtle .ttl" in htaccess and "Content-Security-Policy" in htaccess
    assert "/id/:slug /page/:slug.en.html 303" in (site / "_redirects").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in (site / "_headers").read_text(encoding="utf-8")
    assert (site / ".nojekyll").is_file() and (site / "404.html").is_file()
    assert (site / "static" / "oxigraph" / "LICENSE-MIT").is_file() and (site / "static" / "oxigraph" / "LICENSE-APACHE").is_file()


def test_the_data_of_an_entity_and_the_void_description_parse(served):
    graph = rdflib.Graph().parse(served + "data/icom.ttl", format="turtle")
    assert (ICOM, rdflib.RDFS.label, rdflib.Literal("International Council of Museums", lang="en")) in graph
    void = rdflib.Graph().parse(served + "void.ttl", format="turtle")
    assert (None, rdflib.URIRef("http://rdfs.org/ns/void#triples"), None) in void
    dump = rdflib.Graph().parse(served + "download/heritage-kg.nt", format="nt")
    assert (ICOM, rdflib.RDFS.label, rdflib.Literal("Conseil international des musées", lang="fr")) in dump


@pytest.mark.parametrize("lang, heading, sentence", [
    ("en", "International Council of Museums", "ICOM is a founding member of Blue Shield (1996)."),
    ("fr", "Conseil international des musées", "L'ICOM est membre fondateur du Bouclier bleu (1996)."),
])
def test_an_entity_page_renders_in_both_languages(browser, served, shots, lang, heading, sentence):
    with opened(browser, f"{served}page/icom.{lang}.html") as (page, seen, asked):
        assert page.locator("h1").first.inner_text().startswith(heading)
        assert sentence in page.locator("#ties").inner_text()
        assert page.locator("#neighbourhood svg").count() >= 1  # the diagram and its legend
        other = "fr" if lang == "en" else "en"
        assert page.locator("a.lang-switch").get_attribute("href") == f"icom.{other}.html"
        screenshot(page, shots, f"static-icom-{lang}")
        page.locator("a.lang-switch").click()
        page.wait_for_url(f"**/page/icom.{other}.html")
        assert not [url for url in asked if "oxigraph" in url or url.endswith(".wasm")], "WebAssembly on a page that runs no query"
    assert seen.problems() == []


def test_the_query_page_runs_founders_in_the_browser(browser, served, shots):
    with opened(browser, f"{served}query.en.html?name=founders") as (page, seen, asked):
        rows = page.locator(".yasr table.dataTable tbody tr")
        rows.first.wait_for()
        assert rows.count() == 4
        names = {rows.nth(i).locator("td").nth(1).inner_text().strip() for i in range(4)}
        assert names == {"International Council of Museums", "International Council on Archives",
                         "International Council on Monuments and Sites",
                         "International Federation of Library Associations and Institutions"}
        assert any(url.endswith("static/oxigraph/web_bg.wasm") for url in asked)
        screenshot(page, shots, "static-query-founders")
        # a parameter of a named query, bound in the browser
        page.fill('form[data-name="founders"] input[name="organisation"]', "blue-shield-executive-committee")
        page.locator('form[data-name="founders"] button[type="submit"]').click()
        page.wait_for_function("() => !document.querySelector('.yasr table.dataTable tbody tr')"
                               " || document.querySelector('.yasr').innerText.includes('0 results')"
                               " || document.querySelectorAll('.yasr table.dataTable tbody tr').length !== 4")
    assert seen.problems() == []


def test_a_named_query_in_the_address_takes_its_parameters(browser, served):
    with opened(browser, f"{served}query.en.html?name=founders&organisation=ifla") as (page, seen, _):
        page.wait_for_function("() => document.querySelector('.yasr').innerText.includes('0 results')"
                               " || document.querySelectorAll('.yasr table.dataTable tbody tr').length > 0")
        assert page.input_value('form[data-name="founders"] input[name="organisation"]') == "ifla"
        assert "<https://w3id.org/heritage-kg/id/ifla>" in page.locator(".CodeMirror").inner_text()
        assert urlsplit(page.url).path == "/query.en.html" and "organisation=ifla" in page.url
    assert seen.problems() == []


def test_a_query_in_the_address_runs_in_the_browser_and_downloads_its_results(browser, served, run):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?o a <https://w3id.org/heritage-kg/ontology#Organisation> }"
    expected = run("query", "--sparql", text, "--format", "csv").output.splitlines()[1]
    with opened(browser, f"{served}query.fr.html?" + urlencode({"query": text})) as (page, seen, _):
        cell = page.locator(".yasr table.dataTable tbody tr td").first
        cell.wait_for()
        assert cell.inner_text().strip() == expected
        assert page.locator(".yasr .select_table").inner_text().strip() == "Tableau"
        # the address stays this file's, so that it can be reloaded and shared
        assert urlsplit(page.url).path == "/query.fr.html" and "query=" in page.url
        with page.expect_download() as download:
            page.locator("#qp-downloads a", has_text="CSV").click()
        assert Path(download.value.path()).read_text(encoding="utf-8").splitlines() == ["n", expected]
    assert seen.problems() == []


def test_search_finds_icom_by_its_french_name_offline(browser, served, shots):
    with opened(browser, f"{served}search.fr.html?q=Conseil%20international%20des%20mus%C3%A9es") as (page, seen, asked):
        first = page.locator("ol.results li").first
        first.wait_for()
        assert first.locator("a").inner_text() == "Conseil international des musées"
        assert first.locator("a").get_attribute("href").endswith("page/icom.fr.html")
        assert "1" in page.locator("p.total").inner_text()
        assert any(url.endswith("search-index.json") for url in asked)
        screenshot(page, shots, "static-search-fr")
        first.locator("a").click()
        page.wait_for_url("**/page/icom.fr.html")
    assert seen.problems() == []


@pytest.mark.parametrize("name, drawn", [("network.en.html", "#nw-canvas canvas"), ("timeline.fr.html", "svg")])
def test_the_explorer_and_the_timeline_draw_with_their_controls_at_hand(browser, served, shots, name, drawn):
    with opened(browser, served + name) as (page, seen, asked):
        page.locator(drawn).first.wait_for(state="attached")
        assert page.locator("form[inert]").count() == 0  # the controls work here (tests/test_static_views.py)
        assert page.locator("main form input").count() > 2
        assert not [url for url in asked if "oxigraph" in url or url.endswith(".wasm")], "WebAssembly on a page that runs no query"
        screenshot(page, shots, "static-" + name.replace(".html", ""))
    assert seen.problems() == []
