"""The static site's explorer and timeline answer their filters in the browser as the server does.

The static site (`heritage-kg site`), served by `python -m http.server`, and `heritage-kg serve`
run side by side on loopback ports; headless Chromium reads the same address from both, and what
each page shows is compared: the explorer's lists of organisations and ties, the timeline's
groups, marks and axis, the query page's timeline view, the errors of a bad address."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from heritage_kg import timeline
from heritage_kg.output import write_tree
from heritage_kg.project import Project
from heritage_kg.server import explorer
from heritage_kg.staticsite import build

from .browser import browser, screenshot, server, shots  # noqa: F401 (fixtures, used by name)
from .conftest import ROOT
from .servers import _server, free_port
from .test_static_site import opened, served, site  # noqa: F401 (fixtures, used by name)


def server_json(server: str, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(server + path, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def listed(page) -> dict:
    """The explorer's text lists: the organisations by id, the ties as their sentences."""
    return page.evaluate("""() => ({
        nodes: Array.from(document.querySelectorAll('#nw-node-list li')).map(li => li.dataset.id),
        edges: Array.from(document.querySelectorAll('#nw-edge-list li')).map(li => li.innerText.trim())})""")


EXPLORER = ["year=1999", "asOf=1999-12-31", "asOf=2000-01", "asOf=1996-06-05", "asOf=1996-06-06", "kind=founding",
            "kind=none", "type=IntergovernmentalOrganisation", "year=1950&type=NonGovernmentalOrganisation&kind=agreement,founding",
            "around=icom&steps=1", "around=ICOM&steps=2&year=2000", "with=people", "with=people,programmes&year=2005",
            "with=instruments&asOf=1970", "around=blue-shield&steps=3&with=programmes"]


@pytest.mark.parametrize("address", EXPLORER)
def test_the_explorer_shows_what_the_server_shows(browser, served, server, address):
    status, wanted = server_json(server, "/network.json?lang=en&" + address)
    assert status == 200
    with opened(browser, f"{served}network.en.html?{address}") as (page, seen, _):
        if "with=" in address:  # sent on to the file of those extras: the first file's loads stop
            seen.allowed.append("net::ERR_ABORTED")
        page.wait_for_function("() => window.heritageNetwork")
        got = listed(page)
        # a set of extras is a file of its own, the other filters stay in the address
        extras = sorted({e for part in address.split("&") if part.startswith("with=") for e in part[5:].split(",")})
        assert urlsplit(page.url).path == "/network.en" + "".join("." + e for e in extras) + ".html"
    assert got == {"nodes": [n["id"] for n in wanted["shown"]["nodes"]], "edges": [e["text"] for e in wanted["shown"]["edges"]]}
    assert got["nodes"], "a view with nothing in it shows nothing to compare"
    assert seen.problems() == []


def test_the_explorer_changes_its_filters_and_summarises_a_node_offline(browser, served, server, shots):
    with opened(browser, f"{served}network.fr.html") as (page, seen, _):
        page.wait_for_function("() => window.heritageNetwork")
        whole = listed(page)
        # a kind of tie unticked: the lists follow, as the server's /network.json has them
        page.locator('input[name="kind"][value="founding"]').uncheck()
        page.wait_for_function("n => document.querySelectorAll('#nw-edge-list li').length < n", arg=len(whole["edges"]))
        kinds = ",".join(sorted(page.eval_on_selector_all('input[name="kind"]:checked', "boxes => boxes.map(b => b.value)")))
        wanted = server_json(server, f"/network.json?lang=fr&kind={kinds}")[1]["shown"]
        assert listed(page)["edges"] == [e["text"] for e in wanted["edges"]]
        assert "kind=" in page.url and urlsplit(page.url).path == "/network.fr.html"
        # a node's summary, from its file
        page.locator('#nw-node-list li[data-id="icom"] button.nw-show').click()
        panel = page.locator("#nw-summary")
        panel.locator("h2").wait_for()
        assert panel.locator("h2").inner_text() == "Conseil international des musées"
        assert "1946" in panel.inner_text() and "L'ICOM a été créé en 1946." in panel.inner_text()
        assert panel.locator("a").first.get_attribute("href") == "page/icom.fr.html"
        screenshot(page, shots, "static-network-summary-fr")
        # "only around it": the neighbourhood, as the server draws it
        panel.locator("button").nth(1).click()
        page.wait_for_url("**/network.fr.html?*around=icom*")
        page.wait_for_function("() => window.heritageNetwork")
        assert page.locator("main h1 a").inner_text() == "Conseil international des musées"
        around = server_json(server, f"/network.json?lang=fr&kind={kinds}&around=icom&steps=1&focus=icom")[1]["shown"]
        assert listed(page)["nodes"] == [n["id"] for n in around["nodes"]]
        assert page.locator('select[name="steps"]').input_value() == "1"
        # people: another file (ticked where all kinds of tie are shown, since the kinds ticked
        # above are those of a view without people)
        page.goto(f"{served}network.fr.html?around=icom")
        page.wait_for_function("() => window.heritageNetwork")
        page.locator('input[name="with"][value="people"]').check()
        page.wait_for_url("**/network.fr.people.html?*")
        page.wait_for_function("() => window.heritageNetwork")
        assert "peter-keller" in listed(page)["nodes"]
        screenshot(page, shots, "static-network-around-people-fr")
    assert seen.problems() == []


@pytest.mark.parametrize("address, path", [
    ("year=abc", "/network"), ("kind=nope", "/network"), ("asOf=2022-02-30", "/network"), ("steps=9", "/network"),
    ("around=nowhere", "/network"), ("with=robots", "/network"),
    ("from=abc", "/timeline"), ("from=2000&to=1990", "/timeline"), ("group=x", "/timeline"),
])
def test_a_bad_address_says_what_the_server_says(browser, served, server, address, path):
    try:
        urllib.request.urlopen(f"{server}{path}?lang=en&{address}", timeout=30)
        pytest.fail("the server took a bad address")
    except urllib.error.HTTPError as error:
        assert error.code in (400, 404)
        said = error.read().decode("utf-8")
    with opened(browser, f"{served}{path[1:]}.en.html?{address}") as (page, seen, _):
        notice = page.locator("p.notice[role=alert]")
        notice.wait_for()
        assert notice.count() == 1
        message = notice.inner_text()
        assert message and message.replace("'", "&#39;") in said
    assert seen.problems() == []


DRAWING = """() => ({
  count: document.getElementById('tl-count').innerText, from: document.getElementById('tl-from').value,
  to: document.getElementById('tl-to').value,
  grouping: Array.from(document.querySelectorAll('#tl-grouping a, #tl-grouping strong')).map(e => e.tagName + ' ' + e.innerText),
  groups: Array.from(document.querySelectorAll('section.timeline-group')).map(s => ({
    id: s.id, heading: s.querySelector('h2').innerText, label: s.querySelector('svg').getAttribute('aria-label'),
    ticks: Array.from(s.querySelectorAll('svg text.tick-label')).map(t => Number(t.getAttribute('x')).toFixed(1) + ' ' + t.textContent),
    marks: Array.from(s.querySelectorAll('svg circle.mark')).map(c => {
      const mark = c.parentNode, span = mark.querySelector('line.span');
      return [Number(c.getAttribute('cx')).toFixed(1), span && Number(span.getAttribute('x2')).toFixed(1),
              Number(c.getAttribute('cy')).toFixed(1), mark.querySelector('text').getAttribute('text-anchor'),
              mark.querySelector('text').textContent, mark.querySelector('title').textContent];
    }),
    listed: Array.from(s.querySelectorAll('ol.timeline-text li')).map(li => li.textContent)}))})"""

TIMELINES = [("", "en", "from=1990"), ("", "fr", "from=1990&to=2000"), ("", "en", "group=organisation"),
             ("icom", "fr", "group=organisation&from=1995"), ("icom", "en", "from=2022-01&to=2022-03"),
             ("", "en", "from=2022-01-15&to=2022-02-10"), ("", "fr", "from=1996-06-01&to=1996-06-30"),
             ("blue-shield", "en", "from=1900"), ("", "fr", "from=1900&group=organisation")]


@pytest.mark.parametrize("organisation, lang, address", TIMELINES)
def test_the_timeline_draws_a_window_and_a_grouping_as_the_server_does(browser, served, server, organisation, lang, address):
    file = f"timeline/{organisation}.{lang}.html" if organisation else f"timeline.{lang}.html"
    with opened(browser, f"{served}{file}?{address}") as (page, seen, _):
        got = page.evaluate(DRAWING)
    with opened(browser, f"{server}/timeline?lang={lang}&{address}" + (f"&organisation={organisation}" if organisation else "")) as (page, _, _):
        wanted = page.evaluate(DRAWING)
    assert got == wanted
    assert sum(len(g["marks"]) for g in got["groups"]) > 0
    assert seen.problems() == []


def test_an_organisations_timeline_is_its_own_file_and_keeps_its_window(browser, served, shots):
    with opened(browser, f"{served}page/icom.en.html") as (page, seen, _):
        page.locator("a[href$='timeline/icom.en.html']").first.click()
        page.wait_for_url("**/timeline/icom.en.html")
        assert "International Council of Museums" in page.locator("h1").inner_text()
        page.fill("#tl-from", "2000")
        page.locator("form.timeline-zoom button[type=submit]").click()
        # the form asks this file for the window, not the whole timeline
        page.wait_for_url("**/timeline/icom.en.html?*from=2000*")
        page.locator("#tl-grouping a").click()
        page.wait_for_url("**/timeline/icom.en.html?*group=organisation*")
        assert page.input_value("#tl-from") == "2000"
        assert page.locator("#tl-grouping strong").inner_text() == "by organisation"
        years = [int(t) for t in page.eval_on_selector_all("section.timeline-group svg text.tick-label", "ts => ts.map(t => t.textContent)")]
        assert min(years) >= 2000
        screenshot(page, shots, "static-timeline-icom-from-2000")
    assert seen.problems() == []
    # the server's address of an organisation's timeline, written by hand, is sent on to its file
    with opened(browser, f"{served}timeline.en.html?organisation=icom&from=2000") as (page, seen, _):
        seen.allowed.append("net::ERR_ABORTED")  # the whole timeline's loads, stopped
        page.wait_for_url("**/timeline/icom.en.html?from=2000")
        assert page.input_value("#tl-from") == "2000"
    assert seen.problems() == []


@pytest.mark.parametrize("lang, name", [("en", "timeline"), ("fr", "timeline"), ("fr", "lineage")])
def test_the_query_pages_timeline_view_is_drawn_in_the_browser(browser, served, server, lang, name):
    marks = """() => Array.from(document.querySelectorAll('.qp-view-timeline svg circle.mark')).map(c => {
        const mark = c.parentNode;
        return [Number(c.getAttribute('cx')).toFixed(1), Number(c.getAttribute('cy')).toFixed(1),
                mark.querySelector('text').textContent, mark.querySelector('title').textContent, mark.getAttribute('href')];
      }).concat(Array.from(document.querySelectorAll('.qp-view-timeline svg text.tick-label')).map(t => t.textContent))"""
    drawn = []
    for url in (f"{served}query.{lang}.html?name={name}", f"{server}/query?lang={lang}&name={name}"):
        with opened(browser, url) as (page, seen, _):
            page.locator(".qp-view-timeline svg circle.mark").first.wait_for()
            drawn.append(page.evaluate(marks))
            assert seen.problems() == []
    static, served_by_server = drawn
    # the same marks, each leading to the page of its node: a file here, the server's page there
    for mine, theirs in zip(static, served_by_server):
        if isinstance(mine, list) and mine[4]:
            slug, lang_of = urlsplit(theirs[4]).path.removeprefix("/page/"), theirs[4].rsplit("lang=", 1)[-1]
            assert mine[4].endswith(f"/page/{slug}.{lang_of}.html")
            mine, theirs = mine[:4], theirs[:4]
        assert mine == theirs
    assert len(static) == len(served_by_server) > 4
    if (lang, name) == ("fr", "timeline"):  # the first of a month as French writes it
        assert any(isinstance(mark, list) and mark[2].startswith("1er juillet 2013") for mark in static)


def test_a_graph_larger_than_a_page_says_what_this_copy_draws_from(browser, monkeypatch, tmp_path):
    """With the explorer cut to 12 nodes and the timeline to 10 marks (as a large graph is cut),
    the static pages say that a neighbourhood and a window are drawn from what they hold."""
    monkeypatch.setattr(explorer, "NODE_LIMIT", 12)
    monkeypatch.setattr(timeline, "MARK_LIMIT", 10)
    folder = tmp_path / "site"
    # in a thread of its own: the browser's driver holds this thread's event loop
    with ThreadPoolExecutor(1) as pool:
        pool.submit(write_tree, folder, lambda put: build(Project(ROOT), put)).result()
    port = free_port()
    with _server([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
                 "/index.html", port) as base:
        with opened(browser, f"{base}/network.en.html?around=icom") as (page, seen, _):
            page.wait_for_function("() => window.heritageNetwork")
            said = page.locator("p.notice").all_inner_texts()
            assert "This copy of the site draws the neighbourhood from the 12 nodes it holds, not from the whole graph as the server does." in said
            assert "icom" in [n for n in page.eval_on_selector_all("#nw-node-list li", "items => items.map(i => i.dataset.id)")]
        with opened(browser, f"{base}/timeline.fr.html?from=1990") as (page, seen_timeline, _):
            notice = page.locator("#tl-drawing p.notice")
            notice.wait_for()
            assert notice.inner_text().startswith("Cette copie du site contient les 10 éléments datés les plus anciens")
            assert page.locator("script[data-limit='10']").count() == 1
    assert seen.problems() == [] and seen_timeline.problems() == []


SEARCH = """() => ({
  total: (document.querySelector('p.total') || {}).innerText,
  partial: Array.from(document.querySelectorAll('main p.muted')).map(p => p.innerText).filter(t => t.length > 0),
  facets: Array.from(document.querySelectorAll('nav.facets a, nav.facets strong')).map(e => e.tagName + ' ' + e.innerText),
  facetKinds: Array.from(document.querySelectorAll('nav.facets a')).map(a => new URL(a.href).searchParams.get('kind')),
  results: Array.from(document.querySelectorAll('ol.results li')).map(li => {
    const link = li.querySelector('a'), matched = li.querySelector('span[lang]');
    return [link.innerText, (li.querySelector('.acronym') || {}).innerText || null, li.querySelector('.muted').innerText,
            matched ? matched.innerText : null];
  })})"""


@pytest.mark.parametrize("lang, q", [("en", "icom"), ("fr", "musées"), ("en", "blue shield"),
                                     ("en", "museums nowhere")])
def test_the_search_page_finds_and_filters_by_kind_as_the_server_does(browser, served, server, lang, q):
    def read(url: str) -> dict:
        with opened(browser, url) as (page, seen, _):
            page.locator("p.total").wait_for()
            found = page.evaluate(SEARCH)
            assert seen.problems() == []
        return found

    whole = read(f"{server}/search?lang={lang}&q={q}")
    assert len(whole["facets"]) > 1, "a search with one kind of match tests no filter"
    for kind in (None, whole["facetKinds"][1]):
        chosen = f"&kind={kind}" if kind else ""
        wanted, got = read(f"{server}/search?lang={lang}&q={q}{chosen}"), read(f"{served}search.{lang}.html?q={q}{chosen}")
        assert got["total"] == wanted["total"] and got["facets"] == wanted["facets"] and got["partial"] == wanted["partial"]
        # the server shows a page of them at a time, the static page all
        assert got["results"][:len(wanted["results"])] == wanted["results"] and len(wanted["results"]) > 0
