"""Curating without hand-writing RDF: `heritage-kg add` turns records into Turtle in the house
layout, in the file of their kind, checked against the sources and the shapes, all or nothing;
`heritage-kg source add` registers a new source; `add --template` prints a record to fill in."""

from __future__ import annotations

import shutil

import pytest
import yaml
from click.testing import CliRunner

from heritage_kg.cli import cli

from .conftest import ROOT

SHARED = ROOT.parent / "shared"

MEMBERSHIP = """kind: membership
label: {en: ICOM's membership of WFFM, fr: Adhésion de l'ICOM à la FMAM}
member: ICOM
organisation: WFFM
role: member
startDate: 2000
temporalQualifier: in
sources:
  - cite: seed-001:62
    phrase: accord officiel de coopération
"""


@pytest.fixture
def checkout(tmp_path):
    """A copy of the project, with ../shared beside it, to add records to."""
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"the seed documents are not at {SHARED}/seeds; adding checks key phrases against them")
    root = tmp_path / "checkout"
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, root / name)
    (tmp_path / "shared").symlink_to(SHARED)
    return root


def run(root, *args, input=None):
    return CliRunner().invoke(cli, ["--root", str(root), *args], input=input)


def texts(root) -> dict:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((root / "data").rglob("*")) if p.is_file()}


def test_every_kind_has_a_template_that_reads_back_as_a_record():
    result = CliRunner().invoke(cli, ["add", "--template", "agreement"])
    assert result.exit_code == 0, result.output
    for kind in ("advice", "agreement", "event", "founding", "funding", "instrument", "mandate", "membership",
                 "observation", "organisation", "person", "place", "post", "programme", "recognition", "unit"):
        text = CliRunner().invoke(cli, ["add", "--template", kind]).stdout
        record = yaml.safe_load(text)
        assert record["kind"] == kind and record["sources"][0]["cite"] == "seed-002:16"
        assert "label" in record, kind  # every entity needs its names, so the field is not commented out
    agreement = yaml.safe_load(result.stdout)
    assert {"agreementKind", "label"} <= set(agreement) and "# party: " in result.stdout
    assert "memorandum-of-understanding" in result.stdout  # the concepts of its scheme are listed
    bad = CliRunner().invoke(cli, ["add", "--template", "treaty"])
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: --template 'treaty': the kinds are advice, agreement")


def test_a_record_becomes_turtle_in_the_house_layout_in_the_file_of_its_kind(checkout):
    before = texts(checkout)
    (checkout.parent / "m.yaml").write_text(MEMBERSHIP, encoding="utf-8")
    result = run(checkout, "add", str(checkout.parent / "m.yaml"))
    assert result.exit_code == 0, result.output
    assert "added kg:membership-icom-wffm-2000 (membership) to" in result.stderr and result.stdout == ""
    after = texts(checkout)
    assert [name for name in after if after[name] != before.get(name)] == ["memberships.ttl"]
    added = after["memberships.ttl"][len(before["memberships.ttl"]):]
    assert added.startswith("\nkg:membership-icom-wffm-2000 a hkg:Membership ;\n    rdfs:label ")
    assert "    hkg:member kg:icom ;\n    hkg:organisation kg:wffm ;\n    hkg:role role:member ;" in added
    assert 'hkg:keyPhrase "accord officiel de coopération"@fr' in added
    assert run(checkout, "fmt", "--check").exit_code == 0
    assert run(checkout, "validate").exit_code == 0
    said = run(checkout, "describe", "membership-icom-wffm-2000").stdout
    assert "ICOM is a member of WFFM (2000). [1]" in said
    again = run(checkout, "add", str(checkout.parent / "m.yaml"))
    assert again.exit_code == 1 and "kg:membership-icom-wffm-2000 is already used by" in again.stderr


def test_a_dry_run_prints_the_turtle_and_the_verdict_and_writes_nothing(checkout):
    before = texts(checkout)
    result = run(checkout, "add", "--dry-run", "-", input=MEMBERSHIP)
    assert result.exit_code == 0, result.output
    first, second = result.stdout.splitlines()[:2]
    assert first.startswith("# ") and first.endswith("data/memberships.ttl") and second.startswith("@prefix hkg: ")
    assert "kg:membership-icom-wffm-2000 a hkg:Membership ;" in result.stdout
    assert "nothing written (--dry-run); the graph stays valid" in result.stderr
    assert texts(checkout) == before


def test_a_key_phrase_not_on_its_line_is_refused_with_what_the_line_says(checkout):
    record = MEMBERSHIP.replace("accord officiel de coopération", "accord secret")
    result = run(checkout, "add", "-", input=record)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "<stdin>:9: the key phrase 'accord secret' is not on line 62 of seed-001; line 62 reads: 'INTERPOL" in result.stderr
    # a phrase copied from another line is pointed to
    moved = run(checkout, "add", "-", input=MEMBERSHIP.replace("seed-001:62", "seed-001:63"))
    assert "is not on line 63 of seed-001; it stands on line 62; line 63 reads: " in moved.stderr


@pytest.mark.parametrize("change, message", [
    (("organisation: WFFM", "organisation: Comité"), "organisation: 'Comité' is part of the names of several: "),
    (("organisation: WFFM", "organisation: Nowhere Institute"), "organisation: 'Nowhere Institute' names no Organisation"),
    (("role: member", "role: chairman"), "role: 'chairman' is not one of the concepts of roles: active-member"),
    (("startDate: 2000", "startDate: 31/01/2000"), "startDate: '31/01/2000' is not a value of the kind this field takes"),
    (("member: ICOM", "membre: ICOM"), "a membership has no field 'membre'; its fields are"),
    (("kind: membership", "kind: membershp"), "kind 'membershp' is not one of advice, agreement"),
    (("cite: seed-001:62", "cite: seed-009:62"), "'seed-009' is no source of the graph; the sources are"),
    (("cite: seed-001:62", "cite: seed-001:9999"), "seed-001 has "),
    (("member: ICOM\n", "member: ICOM\nmember: UNESCO\n"), "<stdin>:4: not YAML: the key 'member' is given twice"),
    (("label: {en: ICOM's", "label: [en: ICOM's"), "<stdin>:"),
])
def test_a_bad_record_gets_one_line_naming_its_line_and_nothing_is_written(checkout, change, message):
    before = texts(checkout)
    result = run(checkout, "add", "-", input=MEMBERSHIP.replace(*change))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert texts(checkout) == before


def test_a_name_that_fits_several_lists_the_candidates(checkout):
    result = run(checkout, "add", "-", input=MEMBERSHIP.replace("organisation: WFFM", "organisation: Comité"))
    listed = result.stderr.split("is part of the names of several: ", 1)[1]
    assert "blue-shield-executive-committee (Blue Shield Executive Committee)" in listed and "give the slug" in listed
    # two entities of one name, both of this batch: the name is refused with both
    twins = """
- {kind: organisation, id: twin-one, label: {en: Twin Museum}, sources: [{cite: "seed-001:62", phrase: "accord"}]}
- {kind: organisation, id: twin-two, label: {en: Twin Museum}, sources: [{cite: "seed-001:62", phrase: "accord"}]}
- {kind: membership, label: {en: x}, member: Twin Museum, organisation: ICOM, role: member,
   sources: [{cite: "seed-001:62", phrase: "accord"}]}
"""
    result = run(checkout, "add", "-", input=twins)
    assert result.exit_code == 1
    assert "'Twin Museum' names several: twin-one (Twin Museum); twin-two (Twin Museum); give the slug" in result.stderr


def test_a_records_file_not_in_utf8_is_a_usage_error(checkout, tmp_path):
    latin1 = tmp_path / "records.yaml"
    latin1.write_bytes(MEMBERSHIP.encode("latin-1", errors="replace"))
    result = run(checkout, "add", str(latin1))
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"Error: {latin1}: not UTF-8 text (byte ")
    assert result.stderr.rstrip().endswith("save it as UTF-8 first")
    source = run(checkout, "source", "add", str(latin1), "--title", "x", "--retrieved", "2026-12-05", "--lang", "en")
    assert source.exit_code == 2 and source.stderr.startswith(f"Error: {latin1}: not UTF-8 text (byte ")
    assert not (checkout / "data" / "sources").exists()


@pytest.mark.parametrize("args, code, message", [
    (["add", "nowhere.yaml"], 2, "Error: nowhere.yaml: no such file"),
    (["add"], 2, "Error: give a file of records, or - for stdin, or --template KIND"),
])
def test_a_missing_file_is_a_usage_error(checkout, args, code, message):
    result = run(checkout, *args)
    assert result.exit_code == code and result.stderr.startswith(message)


def test_a_batch_is_written_whole_or_not_at_all(checkout):
    before = texts(checkout)
    second = MEMBERSHIP.replace("member: ICOM", "member: UNESCO").replace("organisation: WFFM", "organisation: UNESCO")
    result = run(checkout, "add", "-", input=f"- {MEMBERSHIP.replace(chr(10), chr(10) + '  ')}\n- {second.replace(chr(10), chr(10) + '  ')}")
    assert result.exit_code == 1
    assert "the graph with these records has 1 violation, so nothing was written" in result.stderr
    assert "no organisation is its own member" in result.stderr
    assert texts(checkout) == before
    assert not list(checkout.rglob(".*.tmp"))


def test_an_agreement_with_its_signatories_new_people_and_posts_in_one_batch(checkout):
    records = """
- kind: person
  label: {en: Jane Doe, fr: Jane Doe}
  sources: [{cite: "seed-002:16", phrase: "Director General of ICOM"}]
- kind: post
  label: {en: Director General of WIPO, fr: Directrice générale de l'OMPI}
  postIn: WIPO
  heldBy: Jane Doe
  postRole: director-general
  sources: [{cite: "seed-002:16", phrase: "Director General of ICOM"}]
- kind: agreement
  label: {en: ICOM–WIPO memorandum (test), fr: Protocole ICOM–OMPI (essai)}
  agreementKind: memorandum-of-understanding
  party: [ICOM, OMPI]
  date: 2019-03-01
  place: Paris
  signatures:
    - signer: jane-doe
      post: post-wipo-director-general
      for: WIPO
  sources: [{cite: "seed-002:10", phrase: "signed a Memorandum of Understanding"}]
"""
    result = run(checkout, "add", "-", input=records)
    assert result.exit_code == 0, result.output
    for line in ("added kg:jane-doe (person) to data/people.ttl", "added kg:post-wipo-director-general (post) to data/people.ttl",
                 "added kg:agreement-icom-wipo-2019 (agreement) to data/agreements.ttl",
                 "added kg:signature-agreement-icom-wipo-2019-wipo (signature) to data/agreements.ttl"):
        assert line in result.stderr.replace(str(checkout) + "/", "")
    said = run(checkout, "describe", "agreement-icom-wipo-2019").stdout
    assert "ICOM and WIPO signed a memorandum of understanding on 1 March 2019 in Paris." in said
    assert "Signed by Jane Doe, Director General of WIPO." in said
    assert run(checkout, "describe", "agreement-icom-wipo-2019", "--lang", "fr").stdout.count("1er mars 2019") == 1
    assert run(checkout, "validate").exit_code == 0 and run(checkout, "fmt", "--check").exit_code == 0


def test_a_name_held_for_a_time_and_an_existing_entity(checkout):
    record = """kind: name
of: ALIPH
altLabel: {en: A name for a while}
startDate: 2025
sources: [{cite: "seed-002:10", phrase: "ALIPH"}]
"""
    result = run(checkout, "add", "-", input=record)
    assert result.exit_code == 0, result.output
    organisations = (checkout / "data" / "organisations.ttl").read_text(encoding="utf-8")
    assert organisations.count("kg:aliph a ") == 1  # the name joins ALIPH's block
    assert 'skosxl:literalForm "A name for a while"@en ;\n        hkg:startDate "2025"^^xsd:gYear' in organisations
    funding = """kind: funding
label: {en: Support test, fr: Soutien (essai)}
funder: Getty Foundation
beneficiary: ICCROM
sources: [{cite: "seed-001:105", phrase: "la fondation apporte un soutien financier"}]
"""
    result = run(checkout, "add", "-", input=funding)
    assert result.exit_code == 0, result.output
    said = run(checkout, "describe", "funding-getty-foundation-iccrom").stdout
    assert "The Getty Foundation supports ICCROM." in said


def test_a_new_source_is_kept_with_its_lines_and_cited_by_line(checkout, tmp_path):
    text = tmp_path / "news.txt"
    text.write_bytes(b"A heading\r\nICOM and WFFM renewed their partnership in 2021.\r\n")
    result = run(checkout, "source", "add", str(text), "--title", "A news item", "--url", "https://example.org/news",
                 "--retrieved", "2026-12-05", "--lang", "en", "--id", "news-item")
    assert result.exit_code == 0, result.output
    kept = checkout / "data" / "sources" / "news-item.txt"
    assert kept.read_text(encoding="utf-8") == "A heading\nICOM and WFFM renewed their partnership in 2021.\n"
    sources = (checkout / "data" / "sources.ttl").read_text(encoding="utf-8")
    assert 'kg:source-news-item a hkg:SourceDocument ;\n    rdfs:label "A news item"@en ;' in sources
    assert 'hkg:fileName "data/sources/news-item.txt" ;' in sources and "hkg:sourceKind sk:snapshot ;" in sources
    assert 'hkg:checksum "sha256:' in sources and 'hkg:retrieved "2026-12-05"^^xsd:date' in sources
    record = MEMBERSHIP.replace("cite: seed-001:62", "cite: news-item:2").replace("accord officiel de coopération", "renewed their partnership")
    assert run(checkout, "add", "-", input=record).exit_code == 0
    wrong = run(checkout, "add", "-", input=record.replace("WFFM", "UNESCO").replace("news-item:2", "news-item:1"))
    assert wrong.exit_code == 1 and "is not on line 1 of news-item; it stands on line 2; line 1 reads: 'A heading'" in wrong.stderr
    again = run(checkout, "source", "add", str(text), "--title", "x", "--retrieved", "2026-12-05", "--lang", "en", "--id", "news-item")
    assert again.exit_code == 2 and "kg:source-news-item is already a source" in again.stderr


def test_a_source_known_by_its_address_alone_is_cited_without_a_line(checkout):
    result = run(checkout, "source", "add", "--title", "WFFM: about", "--url", "https://example.org/wffm",
                 "--retrieved", "2026-12-05", "--lang", "en", "--id", "wffm-about")
    assert result.exit_code == 0, result.output
    assert not (checkout / "data" / "sources").exists()
    record = MEMBERSHIP.replace("cite: seed-001:62", "cite: wffm-about").replace("accord officiel de coopération", "member")
    result = run(checkout, "add", "-", input=record)
    assert result.exit_code == 0, result.output
    with_line = record.replace("cite: wffm-about", "cite: wffm-about:3").replace("WFFM", "UNESCO")
    result = run(checkout, "add", "-", input=with_line)
    assert result.exit_code == 1 and "wffm-about has no text kept with the data" in result.stderr
    assert "(cite: wffm-about), by its section and key phrase" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--title", "x", "--retrieved", "2026-12-05", "--lang", "en"], "give the source's text (FILE), its address (--url), or both"),
    (["--title", "x", "--url", "ftp://x", "--retrieved", "2026-12-05", "--lang", "en"], "--url 'ftp://x': an http:// or https:// address"),
    (["--title", "x", "--url", "https://x.org", "--retrieved", "05/12/2026", "--lang", "en"], "--retrieved '05/12/2026': give the day"),
    (["missing.txt", "--title", "x", "--retrieved", "2026-12-05", "--lang", "en"], "missing.txt: no such file"),
])
def test_source_add_refuses_bad_input_in_one_line(checkout, args, message):
    before = texts(checkout)
    result = run(checkout, "source", "add", *args)
    assert result.exit_code == 2 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert texts(checkout) == before


def test_the_founding_added_with_the_documented_record_is_in_the_data():
    result = CliRunner().invoke(cli, ["add", "--dry-run", str(ROOT / "docs" / "examples" / "founding-icom-itc.yaml")])
    assert result.exit_code == 1 and "kg:founding-icom-itc is already used by Founding of ICOM-ITC" in result.stderr


#: A record of each kind the other tests do not add, with the values its template asks for.
EACH_KIND = {
    "advice": "advisor: ICCROM\nadvisee: UNESCO\nadvisoryKind: official-advisor",
    "recognition": "grantedBy: UNESCO\ngrantedTo: ICCROM\nstatus: expert-ngo\nstartDate: 2001\ntemporalQualifier: since",
    "mandate": "mandateHolder: ICCROM\ninstrument: hague-convention-1954\ninstrumentRelation: rests-on",
    "observation": "observedEntity: ICCROM\nmeasure: member-countries\nvalue: 137\nvalueQualifier: exactly\ndate: 2022",
    "programme": "type: Project\nrunBy: ICCROM\ntopic: illicit-trafficking",
    "event": "date: 2022-06-01\nplace: Paris\nrunBy: ICOM",
    "organisation": "type: NonGovernmentalOrganisation\nacronym: {en: TMC, fr: CMT}\nseat: Paris\nsameAs: Q653054",
    "unit": "type: Committee\nunitOf: ICOM",
    "place": "type: City\nlocatedIn: France",
    "instrument": "type: Declaration\nadoptedBy: UNESCO\ndate: 2001",
}


@pytest.mark.parametrize("kind", sorted(EACH_KIND))
def test_every_kind_of_record_becomes_valid_turtle(checkout, kind):
    record = (f"kind: {kind}\nlabel: {{en: A test {kind}, fr: Un essai}}\n{EACH_KIND[kind]}\n"
              "sources: [{cite: \"seed-001:62\", phrase: \"accord officiel de coopération\"}]\n")
    result = run(checkout, "add", "-", input=record)
    assert result.exit_code == 0, result.output
    assert f"({kind}) to data/" in result.stderr.replace(str(checkout) + "/", "")
    assert run(checkout, "validate").exit_code == 0 and run(checkout, "fmt", "--check").exit_code == 0
