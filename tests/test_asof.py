"""The graph as of a date: the named query `as-of`, `query --as-of`, `describe --as-of`, the
pages' and the explorer's `asOf`, which all follow the query's rules; and the named query
`lineage`, over the merger of ICBS and ANCBS written as an org:ChangeEvent."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys

import pytest
from starlette.testclient import TestClient

from heritage_kg.build import build_store
from heritage_kg.project import ENTITY_NS, Project
from heritage_kg.server.app import create_app

from .conftest import ROOT
from .test_server_network import page_data, shown

KG = ENTITY_NS


def rows(run, *args) -> list[dict]:
    result = run("query", *args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def partners(found: list[dict]) -> dict[str, set[str]]:
    """The other side of each agreement, with the statuses of its agreements."""
    out: dict[str, set[str]] = {}
    for row in found:
        if row["kind"] == "agreement":
            out.setdefault(row["other"].removeprefix(KG), set()).add(row["status"])
    return out


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Project(ROOT))) as client:
        yield client


def test_icoms_partners_as_of_1999_leave_out_those_that_began_later(run):
    before = partners(rows(run, "as-of", "-p", "organisation", "icom", "--as-of", "1999"))
    after = partners(rows(run, "as-of", "-p", "organisation", "icom", "--as-of", "2003"))
    # INTERPOL and the WCO in 2000, ALECSO since 2002
    for late in ("interpol", "wco", "alecso"):
        assert late not in before and after[late] == {"holds"}, late
    # UNESCO since ICOM's founding (1946); IFLA by the Blue Shield founders' agreement of 1996,
    # and by a partnership the sources do not date
    assert before["unesco"] == after["unesco"] == {"holds"}
    assert before["ifla"] == {"holds", "undated"}
    # an undated partnership is listed, marked undated, at every date (the 2022 memorandum
    # with ALIPH is not there yet)
    assert before["aliph"] == after["aliph"] == {"undated"}
    assert before["getty-foundation"] == {"undated"}, "for more than 25 years, said by an undated source"
    assert partners(rows(run, "as-of", "-p", "organisation", "icom", "--as-of", "2022"))["aliph"] == {"holds", "undated"}


def test_a_day_and_a_month_are_read_as_their_days(run):
    # the ICOM–ALIPH memorandum was signed on 31 January 2022 (its signatures are dated by it)
    day_before = rows(run, "as-of", "--as-of", "2022-01-30")
    that_month = rows(run, "as-of", "--as-of", "2022-01")
    signed = KG + "signature-mou-icom-aliph-2022-icom"
    assert not any(r["tie"] == signed for r in day_before)
    assert any(r["tie"] == signed and r["status"] == "holds" and r["start"] == "2022-01-31" for r in that_month)


def test_a_figure_holds_until_a_later_one_replaces_it(run):
    figures = [r for r in rows(run, "as-of", "--as-of", "2023") if r["kind"] == "observation" and r["status"] == "holds"]
    assert [r["tie"].removeprefix(KG) for r in figures] == ["observation-icom-museum-members-2022"]
    assert not [r for r in rows(run, "as-of", "--as-of", "2021") if r["kind"] == "observation" and r["status"] == "holds"]


def test_blue_shield_as_of_1997_has_its_four_founders_and_no_ancbs(run):
    found = rows(run, "as-of", "-p", "organisation", "blue-shield", "--as-of", "1997")
    founders = {r["other"].removeprefix(KG) for r in found if r["kind"] == "membership" and r["status"] == "holds"}
    assert founders == {"icom", "ica", "icomos", "ifla"}
    others = {r["other"].removeprefix(KG) for r in found}
    assert "ancbs" not in others and "ccaaa" not in others  # ANCBS came in 2006, CCAAA joined in 2005
    later = rows(run, "as-of", "-p", "organisation", "blue-shield", "--as-of", "2016")
    assert {"ancbs", "ccaaa"} <= {r["other"].removeprefix(KG) for r in later if r["status"] == "holds"}


def test_for_more_than_is_counted_back_from_the_sources_date(tmp_path):
    """With a date on the source that says "for more than 25 years", the Getty's support is dated."""
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, tmp_path / name)
    sources = tmp_path / "data" / "sources.ttl"
    text = sources.read_text(encoding="utf-8")
    marked = 'hkg:fileName "seeds/001_0f5df57eac7f995b.txt" ;'
    assert marked in text
    sources.write_text(text.replace(marked, marked + '\n    hkg:date "2021-05-18"^^<http://www.w3.org/2001/XMLSchema#date> ;'),
                       encoding="utf-8")
    store = build_store(Project(tmp_path))
    from heritage_kg.asof import statuses
    from heritage_kg.periods import period

    tie = KG + "funding-getty-foundation-icom"
    assert statuses(store, tmp_path / "queries", KG + "icom", period("1996-05-18", "test"))[tie] == "holds"
    assert statuses(store, tmp_path / "queries", KG + "icom", period("1996", "test"))[tie] == "holds"
    assert statuses(store, tmp_path / "queries", KG + "icom", period("1995", "test"))[tie] == "not yet"


def test_the_lineage_of_blue_shield_names_icbs_and_ancbs(run):
    found = rows(run, "lineage")
    merger = [(r["date"], r["body"].removeprefix(KG), r["bodyName"]) for r in found if r["event"] == KG + "blue-shield-merger-2016"]
    assert sorted(merger) == [("2016", "ancbs", "Association of National Committees of the Blue Shield"),
                              ("2016", "blue-shield", "International Committee of the Blue Shield")]
    assert ("2018", "named", "Blue Shield International") in {(r["date"], r["change"], r["bodyName"]) for r in found}
    assert found[0]["date"] == "1996-06-06" and found[0]["bodyName"] == "International Committee of the Blue Shield"


def test_the_merger_is_a_change_event_in_w3c_org_terms(store):
    event = f"<{KG}blue-shield-merger-2016>"
    org = "http://www.w3.org/ns/org#"
    assert store.query(f"ASK {{ {event} a <{org}ChangeEvent> ; <{org}originalOrganization> <{KG}ancbs>, <{KG}blue-shield> ; "
                       f"<{org}resultingOrganization> <{KG}blue-shield> }}")


@pytest.mark.parametrize("args, message", [
    (("founders", "--as-of", "1999"), "Error: --as-of: query 'founders' takes no date (the queries that do: as-of)\n"),
    (("as-of", "--as-of", "1999-02-30"), "Error: --as-of: '1999-02-30' is not a date as YYYY, YYYY-MM or YYYY-MM-DD\n"),
    (("as-of", "-p", "asOf", "19"), "Error: parameter 'asOf': '19' is not a date as YYYY, YYYY-MM or YYYY-MM-DD\n"),
    (("as-of", "--as-of", "1999", "-p", "asOf", "2000"), "Error: --as-of: parameter 'asOf' is given with -p too\n"),
])
def test_a_bad_date_is_one_line(args, message):
    result = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), "query", *args],
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr, result.stdout) == (2, message, "")


def test_describe_as_of_shows_what_held_and_the_undated_apart(run):
    result = run("describe", "blue-shield", "--as-of", "1997")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "As of 1997: the ties that held then" in text
    assert "ICOM is a founding member of Blue Shield (1996)." in text
    assert "CCAAA" not in text
    held, undated = text.split("Not dated by the sources")
    assert "Blue Shield and ICOM work together." in undated and "Blue Shield and ICOM work together." not in held
    french = run("describe", "blue-shield", "--as-of", "2005", "--lang", "fr").output
    assert "À la date de 2005" in french and "Le CCAAA est membre du Bouclier bleu (2005)." in french
    assert run("describe", "icom", "--as-of", "soon").output.endswith(
        "--as-of: 'soon' is not a date as YYYY, YYYY-MM or YYYY-MM-DD\n")


def _page_ties(page: str) -> set[str]:
    """The ties a page says, by the anchors of their sentences."""
    return {ENTITY_NS + anchor for anchor in re.findall(r'<p class="sentence" id="tie-([^"]+)"', page)}


@pytest.mark.parametrize("when", ["1946", "1999", "2003", "2022-01-30", "2022-01"])
def test_the_page_as_of_a_date_says_what_the_query_finds(client, store, when):
    from heritage_kg.asof import statuses
    from heritage_kg.periods import period

    page, number = "", 1
    while True:  # every page of the ties
        answer = client.get(f"/page/icom?asOf={when}&p={number}")
        if answer.status_code == 404:
            break
        page += answer.text
        number += 1
    every = statuses(store, ROOT / "queries", KG + "icom", period(when, "test"))
    found = {tie: status for tie, status in every.items() if status in ("holds", "undated")}
    # the ties written as one property, which the query does not know, are undated on the page
    direct = {ENTITY_NS + a for a in re.findall(r'<li class="tie-(?:unit|run-by|funded-by|hosted-by)"><p class="sentence" id="tie-([^"]+)"', page)}
    ties = _page_ties(page) - (direct - set(every))
    # every tie the page says is one the query keeps, and every one the query keeps is said
    # (ties that read alike are said once: their other IRIs are among the "details" links)
    said_too = {ENTITY_NS + href for href in re.findall(r'href="/page/([^"?]+)\?lang=en"[^>]*>details \d', page)}
    assert said_too, "ICOM and ICCROM work together: two ties said once"
    assert ties <= set(found) and set(found) <= ties | said_too
    undated = page[page.index('id="group-undated"'):] if 'id="group-undated"' in page else ""
    assert {t for t in found if found[t] == "undated"} <= _page_ties(undated) | said_too
    assert f'value="{when}"' in page  # the form keeps the date
    assert "the ties that held then" in page


def test_the_page_as_of_a_date_keeps_it_in_its_links(client):
    page = client.get("/page/icom?asOf=2003&lang=fr").text
    assert "À la date de 2003" in page and 'href="/page/icom?asOf=2003&amp;lang=en"' in page
    assert 'href="/page/icom?lang=fr">Tous les liens' in page
    assert "INTERPOL ont signé un accord de coopération en 2000" in page
    assert "INTERPOL ont signé" not in client.get("/page/icom?asOf=1999&lang=fr").text


def test_a_bad_date_on_a_page_is_a_400_that_says_so(client):
    answer = client.get("/page/icom?asOf=1999-13")
    assert answer.status_code == 400
    assert "asOf=&#39;1999-13&#39;: a date is written YYYY, YYYY-MM or YYYY-MM-DD" in answer.text


def test_the_explorer_as_of_a_date(client):
    data = page_data(client)
    interpol = {tie for e in data["elements"]["edges"] for tie in e["data"]["ties"]
                if {e["data"]["source"], e["data"]["target"]} == {"icom", "interpol"}}
    assert interpol
    assert not interpol & {e["id"] for e in shown(client, "?asOf=1999-12-31")["edges"]}
    assert interpol <= {e["id"] for e in shown(client, "?asOf=2000-01")["edges"]}
    # the year slider's form says the same as the date
    assert shown(client, "?year=1999") == shown(client, "?asOf=1999")
    # a partnership without a date stays, marked
    assert shown(client, "?asOf=1999")["undated"]
    assert client.get("/network.json?asOf=1999-1").status_code == 400
