"""The timeline page: everything dated on one axis, drawn on the server as SVG."""

from __future__ import annotations

import html
import re

import pytest
from starlette.testclient import TestClient

from heritage_kg.project import Project
from heritage_kg.server.app import create_app

from .conftest import ROOT


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Project(ROOT))) as test_client:
        yield test_client


def marks(page: str) -> list[dict]:
    """Each mark: its link, its tooltip, its x position and its text."""
    found = re.findall(r'<a href="([^"]+)"><title>(.*?)</title>.*?<circle class="mark" cx="([\d.]+)".*?>([^<]*)</text></a>',
                       page, re.S)
    return [{"href": href, "title": html.unescape(title), "x": float(x), "text": html.unescape(text)}
            for href, title, x, text in found]


def test_the_timeline_shows_icoms_founding_and_the_memorandum_with_their_sentences(client):
    page = client.get("/timeline?organisation=icom").text
    found = {m["href"].split("?")[0]: m for m in marks(page)}
    founding, mou = found["/page/founding-icom"], found["/page/mou-icom-aliph-2022"]
    assert founding["text"].startswith("1946 · ") and mou["text"].startswith("31 January 2022 · ")
    assert founding["x"] < mou["x"], "1946 is left of 2022"
    assert mou["title"].startswith("ICOM and ALIPH signed a memorandum of understanding on 31 January 2022")
    assert " — sources: " in mou["title"] and "line 10" in mou["title"]
    # only what ICOM takes part in
    assert "/page/founding-ancbs" not in found and "/page/founding-blue-shield" in found
    french = client.get("/timeline?organisation=icom&lang=fr").text
    assert any(m["text"].startswith("31 janvier 2022 · ") for m in marks(french))


def test_a_tie_that_still_holds_runs_on_to_the_end_of_the_axis(client):
    page = client.get("/timeline?organisation=icom").text
    alecso = re.search(r'<a href="/page/partnership-icom-alecso\?lang=en">.*?<line class="span" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"',
                       page, re.S)
    assert alecso and float(alecso[2]) > float(alecso[1])


def test_zooming_keeps_the_years_asked_for(client):
    page = client.get("/timeline?from=2015&to=2025").text
    drawn = [(int(m["text"].split(" · ")[0][-4:]), m["x"]) for m in marks(page)]
    assert drawn and all(year <= 2025 for year, _ in drawn)
    # what began before and still holds, or ends inside, is drawn from the left edge
    earlier = [x for year, x in drawn if year < 2015]
    assert earlier and all(x == 12 for x in earlier) and any(year >= 2015 for year, _ in drawn)
    ticks = [int(t) for t in re.findall(r'<text class="tick-label"[^>]*>(-?\d+)</text>', page)]
    assert min(ticks) >= 2015 and max(ticks) <= 2025


def test_an_organisations_page_links_to_its_timeline(client):
    assert 'href="/timeline?organisation=icom&amp;lang=en"' in client.get("/page/icom").text


@pytest.mark.parametrize("url, status", [("/timeline?from=abc", 400), ("/timeline?from=2020&to=2010", 400),
                                         ("/timeline?organisation=no-such-thing", 404)])
def test_bad_parameters_are_one_line(client, url, status):
    answer = client.get(url, headers={"accept": "text/plain"})
    assert answer.status_code == status and len(answer.text.strip().splitlines()) == 1


def test_the_timeline_groups_by_organisation_on_request(client):
    page = client.get("/timeline?organisation=icom&group=organisation").text
    headings = re.findall(r'<h2>([^<]*) <span class="count">(\d+)</span>', page)
    counts = [int(n) for _, n in headings]
    assert counts == sorted(counts, reverse=True), "the organisation with the most marks first"
    blue_shield = next(n for name, n in headings if name == "Blue Shield")
    section = page[page.index("<h2>Blue Shield "):]
    section = section[:section.index("</section>")]
    assert int(blue_shield) == len(marks(section)) and "/page/founding-blue-shield" in section
    assert '<strong aria-current="true">by organisation</strong>' in page
    assert client.get("/timeline?group=colour", headers={"accept": "text/plain"}).status_code == 400


def test_zooming_down_to_months_and_days(client):
    months = client.get("/timeline?from=2022-01&to=2022-03").text
    ticks = re.findall(r'<text class="tick-label"[^>]*>([^<]*)</text>', months)
    assert ticks[:3] == ["Jan 2022", "Feb 2022", "Mar 2022"]
    days = client.get("/timeline?organisation=icom&from=2022-01-25&to=2022-02-05").text
    assert "25 Jan" in re.findall(r'<text class="tick-label"[^>]*>([^<]*)</text>', days)
    mou = next(m for m in marks(days) if "/page/mou-icom-aliph-2022" in m["href"])
    assert mou["text"].startswith("31 January 2022")
    french = client.get("/timeline?from=2022-01&to=2022-03&lang=fr").text
    assert "janv. 2022" in french
    for bad in ("2022-13", "2022-02-30", "22", "9999-12-31&to=9999-12-31"):
        assert client.get(f"/timeline?from={bad}", headers={"accept": "text/plain"}).status_code == 400
