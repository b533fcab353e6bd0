"""The kinds of tie live in one table, ontology/tiekinds.ttl: a kind added there, with its class
and properties, reaches the pages, the network drawing, `diff`, the CLI and the neighbourhood
query with no other change."""

from __future__ import annotations

import html
import re
import shutil

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from heritage_kg.build import build_store
from heritage_kg.cli import cli
from heritage_kg.diff import diff, load_version
from heritage_kg.project import Project
from heritage_kg.server.app import create_app
from heritage_kg.ties import read

from .conftest import ROOT

#: A kind of tie the ontology does not have, in the words a maintainer would add it with.
HOSTING = """
hkg:Hosting a owl:Class ;
    rdfs:label "hosting"@en, "accueil"@fr ;
    skos:definition "That one organisation hosts another."@en, "Le fait qu'une organisation en accueille une autre."@fr ;
    rdfs:subClassOf hkg:Relationship .
hkg:host a owl:ObjectProperty ; rdfs:label "host"@en, "hôte"@fr ; rdfs:domain hkg:Hosting .
hkg:guest a owl:ObjectProperty ; rdfs:label "guest"@en, "invité"@fr ; rdfs:domain hkg:Hosting .
hkg:Hosting hkg:tieKey "hosting" ;
    hkg:firstSide hkg:host ;
    hkg:secondSide hkg:guest ;
    hkg:tieDateProperty hkg:startDate ;
    hkg:drawColour "#0a7f6f" ;
    hkg:drawLine "dotted" ;
    hkg:drawDirected true ;
    hkg:drawnInNetwork true ;
    hkg:pageGroup "unit" ;
    hkg:sentenceTemplate "{host} {hosts|hosted|has hosted|hosted} {guest}{when}."@en,
        "{host} {accueille|a accueilli|accueille|accueillait} {guest}{when}."@fr .
"""
#: Its shape, as a maintainer would add it beside the others in shapes/.
SHAPE = """@prefix hkg: <https://w3id.org/heritage-kg/ontology#> .
@prefix hkgsh: <https://w3id.org/heritage-kg/shapes#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
hkgsh:HostingShape a sh:NodeShape ;
    rdfs:label "hosting"@en, "accueil"@fr ;
    sh:targetClass hkg:Hosting ;
    sh:property [ sh:path hkg:host ; sh:minCount 1 ; sh:maxCount 1 ;
                  sh:message "A hosting needs exactly one hkg:host."@en, "Un accueil a exactement un hkg:host."@fr ] ,
                [ sh:path hkg:guest ; sh:minCount 1 ; sh:maxCount 1 ;
                  sh:message "A hosting needs exactly one hkg:guest."@en, "Un accueil a exactement un hkg:guest."@fr ] ;
    sh:severity sh:Violation .
"""
#: One tie of it, to an organisation that has no other tie, so only the new kind reaches it; its
#: evidence cites a real line (the test of key phrases reads only the project's own data).
TIE = """@prefix hkg: <https://w3id.org/heritage-kg/ontology#> .
@prefix kg: <https://w3id.org/heritage-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix tq: <https://w3id.org/heritage-kg/vocab/temporal-qualifiers/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kg:guest-house a hkg:NonGovernmentalOrganisation ; rdfs:label "Guest House"@en, "Maison d'accueil"@fr ;
    hkg:evidence [ a hkg:Evidence ; hkg:source kg:source-seed-001 ; hkg:line 62 ;
                   hkg:keyPhrase "accord officiel de coopération"@fr ] .
kg:hosting-icom-guest-house a hkg:Hosting ;
    rdfs:label "ICOM hosts the Guest House"@en, "L'ICOM accueille la Maison d'accueil"@fr ;
    hkg:host kg:icom ; hkg:guest kg:guest-house ; hkg:startDate "2001"^^xsd:gYear ; hkg:temporalQualifier tq:in ;
    hkg:evidence [ a hkg:Evidence ; hkg:source kg:source-seed-001 ; hkg:line 62 ;
                   hkg:keyPhrase "accord officiel de coopération"@fr ] .
"""


@pytest.fixture(scope="module")
def roots(tmp_path_factory):
    """Two copies of the project: as it is, and with the new kind and one tie of it."""
    base = tmp_path_factory.mktemp("tie-kinds")
    made = {}
    for name in ("before", "after"):
        root = base / name
        for folder in ("ontology", "data", "shapes", "queries"):
            shutil.copytree(ROOT / folder, root / folder)
        made[name] = root
    with open(made["after"] / "ontology" / "tiekinds.ttl", "a", encoding="utf-8") as handle:
        handle.write(HOSTING)
    (made["after"] / "data" / "zz-hosting.ttl").write_text(TIE, encoding="utf-8")
    (made["after"] / "shapes" / "zz-hosting.ttl").write_text(SHAPE, encoding="utf-8")
    return made


def test_a_new_kind_with_its_shape_validates_and_its_shape_holds_it(roots, tmp_path):
    result = CliRunner().invoke(cli, ["--root", str(roots["after"]), "validate"])
    assert result.exit_code == 0, result.output
    broken = tmp_path / "broken"
    shutil.copytree(roots["after"], broken)
    tie = broken / "data" / "zz-hosting.ttl"
    tie.write_text(tie.read_text(encoding="utf-8").replace(" hkg:guest kg:guest-house ;", ""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(broken), "validate"])
    assert result.exit_code == 1 and "A hosting needs exactly one hkg:guest." in result.output


def test_the_table_holds_every_kind_with_its_sides(roots):
    table = read(build_store(Project(roots["after"]), materialised=False))
    hosting = table.by_key["hosting"]
    assert hosting.sides == ("https://w3id.org/heritage-kg/ontology#host", "https://w3id.org/heritage-kg/ontology#guest")
    assert hosting.word("fr") == "accueil" and hosting.in_network and hosting.line == "dotted"
    assert set(table.by_key) >= {"agreement", "membership", "founding", "advice", "recognition", "mandate",
                                 "post", "signature", "observation", "unit"}


def test_the_kinds_the_network_draws_differ_without_their_colours(project):
    table = read(build_store(project, materialised=False))
    drawn = [(kind.line, kind.directed) for kind in table.network()]
    assert len(set(line for line, _ in drawn)) == len(drawn), drawn
    assert {"run-by", "funded-by", "hosted-by"} <= set(table.by_key)
    assert {k.key for k in table.activity_links()} == {"run-by", "funded-by", "hosted-by"}


def test_a_new_kind_is_drawn_in_the_network_and_named_by_the_cli(roots):
    result = CliRunner().invoke(cli, ["--root", str(roots["after"]), "graph", "--format", "dot", "--kind", "hosting"])
    assert result.exit_code == 0, result.output
    assert 'icom -> guest_house [label="hosting", color="#0a7f6f"' in result.stdout
    assert 'legend_hosting [shape=plaintext, style="", label="hosting", fontcolor="#0a7f6f"]' in result.stdout
    before = CliRunner().invoke(cli, ["--root", str(roots["before"]), "graph", "--format", "dot", "--kind", "hosting"])
    assert before.exit_code == 2 and "--kind hosting: not a kind of tie in the network" in before.stderr


def test_a_new_kind_is_walked_by_the_neighbourhood_query(roots):
    for name, found in (("before", False), ("after", True)):
        result = CliRunner().invoke(cli, ["--root", str(roots[name]), "query", "neighbourhood", "--format", "csv"])
        assert result.exit_code == 0, result.output
        assert ("https://w3id.org/heritage-kg/id/guest-house,Guest House,1" in result.stdout) is found


def test_a_new_kind_is_said_by_diff(roots):
    changes = diff(load_version(str(roots["before"]), roots["before"]), load_version(str(roots["after"]), roots["after"]))
    texts = [c.text for c in changes if c.subject.endswith("hosting-icom-guest-house")]
    assert texts == ["hosting International Council of Museums / Guest House added"]


@pytest.mark.parametrize("lang, word, role, sentence", [
    ("en", "hosting", "host", "ICOM hosted Guest House in 2001."),
    ("fr", "accueil", "hôte", "L'ICOM a accueilli Maison d'accueil en 2001."),
])
def test_a_new_kind_is_shown_on_the_pages(roots, lang, word, role, sentence):
    with TestClient(create_app(Project(roots["after"]))) as client:
        page = client.get(f"/page/icom?lang={lang}").text
        tie = client.get(f"/page/hosting-icom-guest-house?lang={lang}").text
        guest = client.get(f"/page/guest-house?lang={lang}").text
    said = re.search(r'<li class="tie-hosting"><p class="sentence" id="tie-hosting-icom-guest-house">(.*?)</p>', page, re.S)
    assert said and html.unescape(re.sub(r"<[^>]+>", "", said.group(1))).split(" " + ("details" if lang == "en" else "détails"))[0].strip() == sentence
    assert said.group(1).count('href="/page/guest-house') == 1
    # the guest's diagram draws the tie in the kind's colour and dashes, and names it in the legend
    assert 'stroke="#0a7f6f" stroke-width="2" stroke-dasharray="2 3"' in guest
    assert f'stroke-dasharray="2 3"/></svg>{word}</span>' in guest
    assert "Guest House" in tie and f">{role}</a>" in tie


def test_a_kind_without_its_drawing_is_named_not_left_out(roots, tmp_path):
    root = tmp_path / "broken"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(roots["before"] / folder, root / folder)
    with open(root / "ontology" / "tiekinds.ttl", "a", encoding="utf-8") as handle:
        handle.write('\nhkg:Hosting hkg:tieKey "hosting" ; hkg:firstSide hkg:party .\n')
    result = CliRunner().invoke(cli, ["--root", str(root), "graph", "--format", "dot"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == ("Error: https://w3id.org/heritage-kg/ontology#Hosting: a kind of tie (hkg:tieKey) "
                                     "needs hkg:drawColour, hkg:drawLine, hkg:drawDirected and hkg:drawnInNetwork")


@pytest.mark.parametrize("block, error", [
    ('hkg:Agreement hkg:drawLine "wavy" .', 'hkg:drawLine \'wavy\' is not one of solid, bold, dashed, dotted'),
    ('hkg:Hosting hkg:tieKey "agreement" ; hkg:drawColour "#000000" ; hkg:drawLine "solid" ; '
     'hkg:drawDirected true ; hkg:drawnInNetwork true .', "hkg:tieKey 'agreement' is used by another kind of tie too"),
    ('hkg:unitOf hkg:drawColour "#000000" .', "a kind of tie has one hkg:drawColour, and this one has more"),
])
def test_a_table_that_cannot_be_drawn_is_one_line_naming_the_kind(roots, tmp_path, block, error):
    root = tmp_path / "broken"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(roots["before"] / folder, root / folder)
    with open(root / "ontology" / "tiekinds.ttl", "a", encoding="utf-8") as handle:
        handle.write("\n" + block + "\n")
    result = CliRunner().invoke(cli, ["--root", str(root), "graph", "--format", "dot"])
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: https://w3id.org/heritage-kg/ontology#") and error in lines[0]


def test_a_kind_that_cannot_be_said_in_a_language_is_one_line_naming_it(roots, tmp_path):
    root = tmp_path / "unsaid"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(roots["before"] / folder, root / folder)
    with open(root / "ontology" / "tiekinds.ttl", "a", encoding="utf-8") as handle:
        handle.write('\nhkg:Hosting hkg:tieKey "hosting" ; hkg:drawColour "#000000" ; hkg:drawLine "solid" ; '
                     'hkg:drawDirected true ; hkg:drawnInNetwork true ; hkg:sentenceTemplate "{party} host."@en .\n')
    result = CliRunner().invoke(cli, ["--root", str(root), "describe", "icom"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == ("Error: https://w3id.org/heritage-kg/ontology#Hosting: a kind of tie needs an "
                                     "hkg:sentenceTemplate in each language of the data; it has none in fr")


def test_a_new_kind_is_drawn_by_the_explorer(roots):
    with TestClient(create_app(Project(roots["after"]))) as client:
        shown = client.get("/network.json?kind=hosting").json()["shown"]
        page = client.get("/network?kind=hosting&lang=fr").text
    assert [e["text"] for e in shown["edges"]] == ["ICOM hosted Guest House in 2001."]
    assert {"icom", "guest-house"} <= {n["id"] for n in shown["nodes"]}
    # the legend lists it in French, checked, with its line style in words
    assert 'value="hosting" checked>' in page and 'accueil <span class="muted">(pointillés)</span>' in page
