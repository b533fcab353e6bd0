"""Reconciliation: the W3C Reconciliation Service API (v0.2) of `heritage-kg serve`, in-process
and over HTTP as OpenRefine calls it, and `heritage-kg reconcile` on a CSV file."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import urllib.request

import pytest
from starlette.testclient import TestClient

from heritage_kg.project import ENTITY_NS, ONTOLOGY_NS, Project
from heritage_kg.server.app import create_app
from heritage_kg.server.reconciliation import MAX_QUERIES

from .browser import server  # noqa: F401 (fixture, used by name)
from .conftest import ROOT

#: Names as spreadsheets write them: both languages, acronyms in any case, slips of the pen.
NAMES = {
    "Interpol": "interpol", "Conseil international des musées": "icom", "ICOMOS": "icomos", "Unesco": "unesco",
    "World Custom Organization": "wco", "ICCROM": "iccrom", "International Council of Museums": "icom",
    "Bouclier bleu": "blue-shield", "Blue Shield": "blue-shield", "Aliph": "aliph", "OMD": "wco",
    "Organisation mondiale des douanes": "wco", "IFLA": "ifla", "United Nations": "united-nations", "WIPO": "wipo",
    "Unidroit": "unidroit", "ECOSOC": "ecosoc", "Internatonal Council on Archives": "ica",
    "Organisation internationale de police criminelle": "interpol", "Getty Foundation": "getty-foundation",
}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Project(ROOT))) as test_client:
        yield test_client


def reconcile(client, queries: dict) -> dict:
    answer = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_manifest_has_what_openrefine_reads(client):
    manifest = client.get("/reconcile").json()
    assert manifest["versions"] == ["0.2"] and manifest["name"]
    assert manifest["identifierSpace"] == ENTITY_NS and manifest["schemaSpace"] == ONTOLOGY_NS
    assert {"id": "Organisation", "name": "organisation"} in manifest["defaultTypes"]
    assert manifest["view"]["url"].endswith("/page/{{id}}")
    assert manifest["preview"]["url"].endswith("/reconcile/preview?id={{id}}")
    assert isinstance(manifest["preview"]["width"], int) and isinstance(manifest["preview"]["height"], int)
    for kind in ("entity", "type", "property"):
        service = manifest["suggest"][kind]
        assert service["service_url"].startswith("http") and service["service_path"] == f"/reconcile/suggest/{kind}"
    assert manifest["extend"]["propose_properties"]["service_path"] == "/reconcile/properties"
    assert client.get("/reconcile").headers["access-control-allow-origin"] == "*"


def test_twenty_names_find_the_right_organisation_first(client):
    queries = {f"q{n}": {"query": name, "type": "Organisation", "limit": 3} for n, name in enumerate(NAMES)}
    found = reconcile(client, queries)
    wrong = {name: found[f"q{n}"]["result"][0]["id"] if found[f"q{n}"]["result"] else None
             for n, name in enumerate(NAMES) if not found[f"q{n}"]["result"] or found[f"q{n}"]["result"][0]["id"] != NAMES[name]}
    assert wrong == {}
    matched = {name for n, name in enumerate(NAMES) if found[f"q{n}"]["result"][0]["match"]}
    assert matched == set(NAMES), "each is a sure match"
    first = found["q0"]["result"][0]
    assert first["name"] == "International Criminal Police Organization" and first["score"] == 100
    assert {"id": "IntergovernmentalOrganisation", "name": "intergovernmental organisation"} in first["type"]


def test_a_half_name_is_a_candidate_not_a_match(client):
    found = reconcile(client, {"q": {"query": "Getty"}})["q"]["result"]
    assert found[0]["id"] == "getty-foundation" and not found[0]["match"]
    assert reconcile(client, {"q": {"query": "Nothing Like It", "type": "Organisation"}})["q"]["result"] == []


def test_the_kind_and_the_properties_narrow_the_candidates(client):
    people = reconcile(client, {"q": {"query": "ICOM", "type": "Person"}})["q"]["result"]
    assert all(r["id"] != "icom" for r in people)
    by_qid = reconcile(client, {"q": {"query": "the council", "type": "Organisation",
                                      "properties": [{"pid": "wikidata", "v": "Q653054"}]}})["q"]["result"]
    assert by_qid[0]["id"] == "icom"
    ica = reconcile(client, {"q": {"query": "International Council", "properties": [{"pid": "acronym", "v": "ica"}]}})["q"]["result"]
    assert ica[0]["id"] == "ica"


def test_data_extension_and_suggest_and_preview(client):
    extended = client.post("/reconcile", data={"extend": json.dumps(
        {"ids": ["icom", "unesco"], "properties": [{"id": "seat"}, {"id": "founded"}, {"id": "wikidata"}, {"id": "website"}]})}).json()
    assert [m["id"] for m in extended["meta"]] == ["seat", "founded", "wikidata", "website"]
    assert extended["rows"]["icom"] == {"seat": [{"id": "paris", "name": "Paris"}], "founded": [{"str": "1946"}],
                                        "wikidata": [{"str": "Q653054"}], "website": [{"str": "http://icom.museum/"}]}
    assert extended["rows"]["unesco"]["founded"] == [{"str": "1945"}]
    proposed = client.get("/reconcile/properties?type=Organisation").json()
    assert {"id": "founded", "name": "founding year"} in proposed["properties"]
    entities = client.get("/reconcile/suggest/entity?prefix=bouc").json()["result"]
    assert entities[0]["id"] == "blue-shield"
    assert {"id": "IntergovernmentalOrganisation", "name": "intergovernmental organisation"} in \
        client.get("/reconcile/suggest/type?prefix=interg").json()["result"]
    assert client.get("/reconcile/suggest/property?prefix=wiki").json()["result"] == [{"id": "wikidata", "name": "Wikidata QID"}]
    card = client.get("/reconcile/preview?id=icom")
    assert card.status_code == 200 and "International Council of Museums" in card.text and "(ICOM)" in card.text
    assert "ICOM was founded in 1946." in card.text
    assert "frame-ancestors *" in card.headers["content-security-policy"] and "<script" not in card.text
    assert client.get("/reconcile/preview?id=nowhere").status_code == 404


@pytest.mark.parametrize("params, message", [
    ({"queries": "not json"}, "queries: not JSON"),
    ({"queries": "[1, 2]"}, "queries: a JSON object is expected"),
    ({"queries": json.dumps({"a": {"nothing": 1}})}, "queries: 'a' has no \"query\" text"),
    ({"queries": json.dumps({"a": {"query": "x", "limit": 0}})}, "limit is a whole number from 1 to 25"),
    ({"queries": json.dumps({"a": {"query": "x", "type": "Dragon"}})}, "type 'Dragon': not a kind of entity"),
    ({"queries": json.dumps({f"q{n}": {"query": "x"} for n in range(MAX_QUERIES + 1)})}, f"at most {MAX_QUERIES}"),
    ({"extend": json.dumps({"ids": ["icom"], "properties": [{"id": "colour"}]})}, "extend: property 'colour': choose from"),
    ({"extend": json.dumps({"ids": ["nowhere"], "properties": [{"id": "seat"}]})}, "extend: 'nowhere': no such entity"),
])
def test_bad_requests_are_one_line(client, params, message):
    answer = client.post("/reconcile", data=params)
    assert answer.status_code == 400 and message in answer.json()["error"]


def test_over_http_as_openrefine_calls_it(server):
    """OpenRefine reads the manifest with GET, then posts its batches as a form."""
    with urllib.request.urlopen(server + "/reconcile", timeout=30) as answer:
        assert json.load(answer)["versions"] == ["0.2"]
    batch = {"q0": {"query": "Unesco", "type": "Organisation", "type_strict": "should"},
             "q1": {"query": "Bouclier bleu", "type": "Organisation"}}
    body = urllib.parse.urlencode({"queries": json.dumps(batch)}).encode()
    request = urllib.request.Request(server + "/reconcile", data=body,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        found = json.load(answer)
    assert found["q0"]["result"][0]["id"] == "unesco" and found["q1"]["result"][0]["id"] == "blue-shield"
    with urllib.request.urlopen(server + "/reconcile/preview?id=unesco", timeout=30) as answer:
        assert "frame-ancestors *" in answer.headers["Content-Security-Policy"]


def test_the_command_line_reconciles_a_csv(run, tmp_path):
    table = tmp_path / "names.csv"
    table.write_text("name,note\n" + "\n".join(f"{name},x" for name in NAMES) + "\nNothing Like It,x\n", encoding="utf-8")
    out = tmp_path / "matched.csv"
    assert run("reconcile", "--column", "name", str(table), "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["name_id"].removeprefix(ENTITY_NS) for r in rows[:-1]] == list(NAMES.values())
    assert rows[-1]["name_id"] == "" and rows[-1]["name_match"] == "false"
    assert all(r["name_match"] == "true" for r in rows[:-1]) and rows[0]["name_label"] == "International Criminal Police Organization"


@pytest.mark.parametrize("args, message", [
    (["--column", "nom", "TABLE"], "--column 'nom': TABLE has no such column; its columns are name, note"),
    (["--column", "name", "--type", "Dragon", "TABLE"], "--type: type 'Dragon': not a kind of entity"),
    (["--column", "name", "MISSING"], "MISSING: no such file"),
    (["--column", "name", "LATIN1"], "LATIN1: not UTF-8 text (byte 13); save it as UTF-8 first"),
])
def test_the_command_line_refuses_in_one_line(run, tmp_path, args, message):
    table = tmp_path / "names.csv"
    table.write_text("name,note\nICOM,x\n", encoding="utf-8")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("name,note\nMus\u00e9e,x\n".encode("latin-1"))
    named = {"TABLE": str(table), "MISSING": str(tmp_path / "none.csv"), "LATIN1": str(latin1)}
    answer = run("reconcile", *(named.get(a, a) for a in args))
    shown = message
    for key, value in named.items():
        shown = shown.replace(key, value)
    assert answer.exit_code == 2 and answer.stdout == "" and shown in answer.stderr and len(answer.stderr.strip().splitlines()) == 1
