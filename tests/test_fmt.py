"""The house layout of the Turtle files (heritage_kg/layout.py) and `heritage-kg fmt`: the layout
docs/data-model.md describes, the same triples and comments after it, the same text when laid out
twice, and a check for CI."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from heritage_kg.errors import DataError
from heritage_kg.layout import check_same, comments, laid_out

from .conftest import ROOT

TURTLE = sorted((ROOT / "data").glob("*.ttl")) + sorted((ROOT / "ontology").glob("*.ttl")) + \
    sorted((ROOT / "shapes").glob("*.ttl"))

MESSY = '''# The file's own heading.
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
PREFIX kg: <https://w3id.org/heritage-kg/id/>
@prefix hkg: <https://w3id.org/heritage-kg/ontology#> .

# --- A part of the file ---

# about ICOM
kg:icom hkg:seat kg:paris ; hkg:evidence [ hkg:line 5 ; a hkg:Evidence ; hkg:source kg:source-seed-003 ] ;
  rdfs:label "International Council of Museums"@en ;   # the English name
  a hkg:NonGovernmentalOrganisation .
kg:paris a hkg:City ; rdfs:label "Paris"@en, "Paris"@fr.
kg:icom rdfs:label "Conseil international des musées"@fr ; hkg:website <http://icom.museum/> .
'''

LAID = '''@prefix hkg: <https://w3id.org/heritage-kg/ontology#> .
@prefix kg: <https://w3id.org/heritage-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

# The file's own heading.

# --- A part of the file ---

# about ICOM
kg:icom a hkg:NonGovernmentalOrganisation ;
    rdfs:label "International Council of Museums"@en, "Conseil international des musées"@fr ;  # the English name
    hkg:seat kg:paris ;
    hkg:website <http://icom.museum/> ;
    hkg:evidence [
        a hkg:Evidence ;
        hkg:line 5 ;
        hkg:source kg:source-seed-003
    ] .

kg:paris a hkg:City ;
    rdfs:label "Paris"@en, "Paris"@fr .
'''


def graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def test_a_messy_file_is_laid_out_as_the_data_model_says():
    assert laid_out(MESSY) == LAID
    assert isomorphic(graph(MESSY), graph(LAID)) and comments(MESSY) == comments(LAID)


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_file_keeps_its_triples_and_comments_and_is_laid_out_once_for_all(path):
    text = path.read_text(encoding="utf-8")
    once = laid_out(text, str(path))
    assert isomorphic(graph(text), graph(once))
    assert comments(text) == comments(once)
    assert laid_out(once, str(path)) == once


def test_the_data_files_are_in_the_house_layout(run):
    result = run("fmt", "--check")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_objects_wrap_at_the_width_and_long_terms_stay_whole():
    many = ", ".join(f"kg:organisation-number-{n}" for n in range(8))
    text = f"@prefix kg: <https://w3id.org/heritage-kg/id/> .\nkg:a kg:b {many} .\n"
    lines = laid_out(text).splitlines()
    assert all(len(line) <= 100 for line in lines) and len(lines) > 3
    assert lines[3].startswith("        kg:organisation-number-")
    long = '"' + "x" * 150 + '"'
    assert f"kg:a kg:b {long} ." in laid_out(f"@prefix kg: <https://w3id.org/heritage-kg/id/> .\nkg:a kg:b {long} .\n")


def test_literals_numbers_and_collections_are_written_as_they_were():
    text = ('@prefix kg: <https://w3id.org/heritage-kg/id/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
            'kg:a kg:b """two\nlines""", \'single\', "x"^^<http://www.w3.org/2001/XMLSchema#string>, 1.5, -3, true, '
            '"2000"^^xsd:gYear ; kg:c ( kg:d kg:e ), [] .\n')
    out = laid_out(text)
    for written in ('"""two\nlines"""', "'single'", '"x"^^<http://www.w3.org/2001/XMLSchema#string>', "1.5", "-3",
                    "true", '"2000"^^xsd:gYear', "( kg:d kg:e )", "[]"):
        assert written in out
    check_same(text, out, "t.ttl")
    assert laid_out(out) == out


def test_a_statement_that_ends_on_a_name_or_a_number_with_no_space_before_its_dot():
    text = "@prefix kg: <https://w3id.org/heritage-kg/id/> .\nkg:a kg:b 1.\nkg:c kg:d 1.5.\nkg:e kg:f kg:g.\n"
    out = laid_out(text)
    assert "kg:a kg:b 1 .\n" in out and "kg:c kg:d 1.5 .\n" in out and "kg:e kg:f kg:g .\n" in out
    check_same(text, out, "t.ttl")


def test_a_prefix_declared_twice_with_two_iris_is_refused_rather_than_sorted():
    text = "@prefix p: <http://a/> .\np:x p:y p:z .\n@prefix p: <http://b/> .\np:x p:y p:z .\n"
    with pytest.raises(DataError, match=r"t.ttl:3: the prefix p: is declared again"):
        laid_out(text, "t.ttl")


def test_a_layout_that_changes_the_triples_is_refused():
    with pytest.raises(DataError, match="would change the file's triples"):
        check_same("<http://a> <http://b> <http://c> .\n", "<http://a> <http://b> <http://d> .\n", "t.ttl")
    with pytest.raises(DataError, match="would lose a comment"):
        check_same("# note\n<http://a> <http://b> <http://c> .\n", "<http://a> <http://b> <http://c> .\n", "t.ttl")


def test_fmt_rewrites_what_is_out_of_layout_and_check_says_which(run, tmp_path):
    messy, tidy = tmp_path / "messy.ttl", tmp_path / "tidy.ttl"
    messy.write_text(MESSY, encoding="utf-8")
    tidy.write_text(LAID, encoding="utf-8")
    check = run("fmt", "--check", str(tmp_path))
    assert check.exit_code == 1 and check.stdout.strip() == f"would reformat {messy}"
    assert "1 file would be reformatted, 1 file already laid out" in check.stderr
    assert messy.read_text(encoding="utf-8") == MESSY
    diff = run("fmt", "--diff", str(messy))
    assert diff.exit_code == 0 and "+kg:icom a hkg:NonGovernmentalOrganisation ;" in diff.stdout
    assert messy.read_text(encoding="utf-8") == MESSY
    done = run("fmt", str(messy), str(tidy))
    assert done.exit_code == 0 and done.stdout == ""
    assert f"reformatted {messy}" in done.stderr and "1 file reformatted, 1 file left as they were" in done.stderr
    assert messy.read_text(encoding="utf-8") == LAID
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_syntax_error_in_any_file_writes_none(run, tmp_path):
    messy, broken = tmp_path / "a.ttl", tmp_path / "b.ttl"
    messy.write_text(MESSY, encoding="utf-8")
    broken.write_text("@prefix kg: <https://w3id.org/heritage-kg/id/> .\n\nkg:a kg:b kg:c ;\n  kg:d .\n", encoding="utf-8")
    result = run("fmt", str(messy), str(broken))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {broken}:4:") and result.stderr.count("\n") == 1
    assert messy.read_text(encoding="utf-8") == MESSY


def test_a_missing_path_is_a_usage_error(run, tmp_path):
    result = run("fmt", str(tmp_path / "nope.ttl"))
    assert result.exit_code == 2 and "nope.ttl: no such file or folder" in result.stderr


def test_the_pre_commit_hooks_pass_on_the_project_and_stop_a_file_out_of_layout(tmp_path):
    if shutil.which("pre-commit") is None or shutil.which("git") is None:
        pytest.fail("pre-commit and git are needed: pip install -e '.[test]' installs pre-commit")
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".pre-commit-config.yaml", tmp_path)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / ".cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}

    def sh(*args):
        return subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    assert sh("git", "init", "-q").returncode == 0
    sh("git", "add", "-A")
    clean = sh("pre-commit", "run", "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Turtle in the house layout" in clean.stdout and "Passed" in clean.stdout
    advice = tmp_path / "data" / "advice.ttl"
    advice.write_text(advice.read_text(encoding="utf-8").replace(" ;\n    hkg:advisee", " ; hkg:advisee", 1), encoding="utf-8")
    sh("git", "add", "-A")
    stopped = sh("pre-commit", "run", "--files", "data/advice.ttl")
    assert stopped.returncode == 1 and "would reformat data/advice.ttl" in stopped.stdout, stopped.stdout
