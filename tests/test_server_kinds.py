"""The tables of a kind's members: useful columns, sorted by any of them, as CSV and JSON too."""

from __future__ import annotations

import csv
import html
import io
import json
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


def rows(client, url):
    return list(csv.DictReader(io.StringIO(client.get(url).text)))


def test_a_kind_lists_seat_founding_and_ties(client):
    page = client.get("/kinds/Organisation").text
    heads = re.findall(r'<th scope="col"[^>]*><a href="[^"]+">([a-z]+)', page)
    assert heads == ["name", "acronym", "kind", "seat", "founded", "ties"]
    assert 'aria-sort="ascending"><a href="/kinds/Organisation?sort=name&amp;order=desc&amp;lang=en">name' in page
    icom = next(r for r in rows(client, "/kinds/Organisation.csv") if r["iri"].endswith("/id/icom"))
    assert icom["seat"] == "Paris" and icom["founded"] == "1946" and icom["acronym"] == "ICOM"
    # its ties: as many as its page lists
    listed = re.search(r'<h2>Ties and figures <span class="count">(\d+)</span>', client.get("/page/icom").text)
    assert int(icom["ties"]) == int(listed[1])


def test_a_kind_sorts_by_any_column_with_empty_values_last(client):
    founded = [r["founded"] for r in rows(client, "/kinds/Organisation.csv?sort=founded&order=asc")]
    dated = [f for f in founded if f]
    assert dated == sorted(dated) and founded == dated + [""] * (len(founded) - len(dated))
    ties = [int(r["ties"]) for r in rows(client, "/kinds/Organisation.csv?sort=ties&order=desc")]
    assert ties == sorted(ties, reverse=True) and ties[0] > ties[-1]
    page = client.get("/kinds/Organisation?sort=ties&order=desc").text
    first = re.search(r"<tbody>\s*<tr><td[^>]*><a href=\"/page/([^\"?]+)", page)
    assert first[1] == "icom"
    assert 'aria-sort="descending"' in page


def test_the_csv_and_json_lists_agree_and_follow_the_language(client):
    listed = rows(client, "/kinds/Organisation.csv?lang=fr")
    answer = client.get("/kinds/Organisation.json?lang=fr")
    assert answer.headers["content-type"] == "application/json"
    assert [r["iri"] for r in listed] == [r["iri"] for r in json.loads(answer.text)]
    icom = next(r for r in json.loads(answer.text) if r["iri"].endswith("/id/icom"))
    assert icom["name"] == "Conseil international des musées" and isinstance(icom["ties"], int)
    page = client.get("/kinds/Organisation?lang=fr").text
    assert 'href="/kinds/Organisation.csv?sort=name&amp;order=asc&amp;lang=fr"' in page


@pytest.mark.parametrize("url, status", [("/kinds/Organisation?sort=colour", 400), ("/kinds/Organisation?order=up", 400),
                                         ("/kinds/Organisation.xml", 404), ("/kinds/Nothing.csv", 404)])
def test_a_bad_sort_or_format_is_one_line(client, url, status):
    answer = client.get(url, headers={"accept": "text/plain"})
    assert answer.status_code == status and len(answer.text.strip().splitlines()) == 1
