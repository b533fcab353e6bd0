"""`heritage-kg validate`: exit codes, locations, report formats, and the strict syntax gate."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest


def test_bundled_data_is_clean(run):
    result = run("validate")
    assert result.exit_code == 0, result.stdout
    assert "0 errors" in result.stderr


def _break(copy_project, name: str, text: str):
    path = copy_project / "data" / name
    path.write_text(text, encoding="utf-8")
    return path


BAD_TURTLE = {
    "literal-subject": ('@prefix ex: <http://example.org/> .\n\n"lit" ex:p ex:o .\n', 3, 1),
    "iri-with-space": ("@prefix ex: <http://example.org/> .\nex:a ex:p <http://example.org/a b> .\n", 2, 11),
    "lang-and-datatype": ('@prefix ex: <http://example.org/> .\nex:a ex:p "x"@en^^ex:dt .\n', 2, 17),
    "unknown-prefix": ("ex:a ex:p ex:o .\n", 1, 1),
    "not-rdf": ("\x89PNG binary-looking text\n", 1, 1),
}


@pytest.mark.parametrize("case", sorted(BAD_TURTLE))
def test_syntax_errors_name_file_line_and_column(run, copy_project, case):
    text, line, column = BAD_TURTLE[case]
    path = _break(copy_project, "zz-broken.ttl", text)
    result = run("--root", str(copy_project), "validate")
    assert result.exit_code == 1
    assert f"{path.name}" in result.stdout
    assert f"{line}:{column}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_every_broken_file_is_reported_not_just_the_first(run, copy_project):
    _break(copy_project, "aa-broken.ttl", "this is not turtle\n")
    _break(copy_project, "zz-broken.ttl", "@prefix ex: <http://e/> .\nex:a ex:b .\n")
    result = run("--root", str(copy_project), "validate", "--format", "json")
    report = json.loads(result.stdout)
    files = {r["file"].rsplit("/", 1)[-1] for r in report["results"] if r["kind"] == "syntax"}
    assert files == {"aa-broken.ttl", "zz-broken.ttl"}
    assert result.exit_code == 1


def test_deep_nesting_with_an_error_gives_a_clean_error(run, copy_project):
    depth = 200_000
    _break(copy_project, "deep.ttl", "@prefix ex: <http://e/> .\nex:a ex:b " + "(" * depth + ")" * depth + " .\nex:c ex:d\n")
    result = run("--root", str(copy_project), "validate", "--format", "json")
    assert result.exit_code == 1
    [syntax] = [r for r in json.loads(result.stdout)["results"] if r["kind"] == "syntax"]
    assert syntax["file"].endswith("deep.ttl") and syntax["line"] == 4


def test_deep_nesting_that_parses_is_validated(run, copy_project):
    depth = 20_000
    _break(copy_project, "deep.ttl", "@prefix ex: <http://e/> .\nex:a ex:b " + "[ ex:b " * depth + "ex:c" + " ]" * depth + " .\n")
    result = run("--root", str(copy_project), "validate", "--format", "json")
    assert "Recursion" not in result.stdout + result.stderr
    assert json.loads(result.stdout)["triples"] > depth


def test_shacl_result_points_at_the_defining_line(run, copy_project):
    path = copy_project / "data" / "agreements.ttl"
    text = path.read_text(encoding="utf-8")
    marker = "    hkg:party kg:icom, kg:interpol ;\n"
    assert marker in text
    path.write_text(text.replace(marker, "    hkg:party kg:icom ;\n"), encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("kg:agreement-icom-interpol-2000 a"))
    result = run("--root", str(copy_project), "validate", "--format", "json")
    assert result.exit_code == 1
    hits = [r for r in json.loads(result.stdout)["results"] if r["focus"] == "kg:agreement-icom-interpol-2000"]
    assert hits, result.stdout
    assert all(r["file"].endswith("data/agreements.ttl") and r["line"] == line for r in hits)
    assert all(r["shape"] and r["shape"].startswith("hkgsh:") for r in hits)


def test_messages_in_french(run, copy_project):
    path = copy_project / "data" / "people.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Peter Keller"@fr', '"Peter Keller"@de'), encoding="utf-8")
    english = json.loads(run("--root", str(copy_project), "validate", "--format", "json").stdout)
    french = json.loads(run("--root", str(copy_project), "validate", "--format", "json", "--lang", "fr").stdout)
    assert english["results"] and len(english["results"]) == len(french["results"])
    assert english["results"][0]["message"] != french["results"][0]["message"]
    assert french["results"][0]["message"] == french["results"][0]["messages"]["fr"]


def test_sarif_report_locates_results(run, copy_project):
    _break(copy_project, "zz-broken.ttl", "@prefix ex: <http://e/> .\nex:a ex:b .\n")
    result = run("--root", str(copy_project), "validate", "--format", "sarif")
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    [res] = sarif["runs"][0]["results"]
    region = res["locations"][0]["physicalLocation"]["region"]
    assert res["level"] == "error" and region["startLine"] == 2
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("zz-broken.ttl")


def test_github_annotations(run, copy_project):
    _break(copy_project, "zz-broken.ttl", "@prefix ex: <http://e/> .\nex:a ex:b .\n")
    result = run("--root", str(copy_project), "validate", "--format", "github")
    [line] = result.stdout.splitlines()
    assert line.startswith("::error file=") and ",line=2,col=" in line


def test_fail_on_warning(run, copy_project):
    path = copy_project / "data" / "observations.ttl"
    text = path.read_text(encoding="utf-8")
    clean = run("--root", str(copy_project), "validate", "--fail-on", "info")
    # the bundled data has undated figures, reported at Info severity
    assert clean.exit_code == 1 and " info " in clean.stdout
    assert run("--root", str(copy_project), "validate").exit_code == 0
    assert text


def test_missing_path_is_a_usage_error(run):
    result = run("validate", "no/such/file.ttl")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: no/such/file.ttl: no such file or folder"


def test_validating_given_paths_only(run, tmp_path):
    good = tmp_path / "x.ttl"
    good.write_text("@prefix ex: <http://e/> .\nex:a ex:b ex:c .\n", encoding="utf-8")
    result = run("validate", str(good), "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert str(good) in json.loads(result.stdout)["files"]


def test_unwritable_output_leaves_nothing(run, tmp_path):
    target = tmp_path / "missing-folder" / "report.json"
    result = run("validate", "--format", "json", "-o", str(target))
    assert result.exit_code == 2
    assert "missing-folder" in result.stderr and result.stdout == ""
    assert not target.exists()


def test_a_pattern_shape_runs_on_either_validator(run, copy_project):
    """sh:pattern, once refused by the compiled validator, now runs on it, with pySHACL's results."""
    (copy_project / "shapes" / "zz-pattern.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix hkg: <https://w3id.org/heritage-kg/ontology#> .\n"
        "@prefix hkgsh: <https://w3id.org/heritage-kg/shapes#> .\n"
        "hkgsh:AcronymUpper a sh:PropertyShape ; sh:targetSubjectsOf hkg:acronym ; sh:path hkg:acronym ;\n"
        "    sh:pattern \"^[a-z]\" ; sh:severity sh:Warning ; sh:message \"lower-case acronym\"@en .\n", encoding="utf-8")
    found = {}
    for validator in ("sparql", "pyshacl"):
        answer = run("--root", str(copy_project), "validate", "--validator", validator, "--format", "json")
        assert answer.exit_code == 0, answer.stderr
        found[validator] = sorted((r["focus"], r["value"]) for r in json.loads(answer.stdout)["results"]
                                  if r["shape"] == "hkgsh:AcronymUpper" and r["severity"] == "warning" and r["path"] == "hkg:acronym")
    assert found["sparql"] and found["sparql"] == found["pyshacl"]


def test_a_finding_points_at_the_file_and_line_of_its_statement(run, copy_project):
    """A subject described in two files: a finding about the statement in the second file is
    placed there, not at the subject's definition in the first."""
    extra = _break(copy_project, "zz-extra.ttl",
                   "@prefix hkg: <https://w3id.org/heritage-kg/ontology#> .\n"
                   "@prefix kg: <https://w3id.org/heritage-kg/id/> .\n"
                   "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                   "# ICOM, described again\n"
                   "kg:icom\n"
                   "    rdfs:label \"Internationaler Museumsrat\"@de .\n"
                   "kg:icom hkg:evidence [ a hkg:Evidence ; hkg:line \"x\" ] .\n")
    result = run("--root", str(copy_project), "validate", "--format", "json")
    found = [r for r in json.loads(result.stdout)["results"] if r["kind"] == "shacl"
             and (r["focus"] == "kg:icom" or r["focus"].startswith("_:"))]
    assert found, result.stdout
    placed = {(r["path"], Path(r["file"]).name, r["line"]) for r in found}
    assert ("rdfs:label", extra.name, 6) in placed
    # the evidence node is found by its own statements, not by the first hkg:evidence of ICOM
    assert {(p, f, line) for p, f, line in placed if p in ("hkg:line", "hkg:source", "hkg:keyPhrase")} == {
        ("hkg:line", extra.name, 7), ("hkg:source", extra.name, 7), ("hkg:keyPhrase", extra.name, 7)}
    assert all(name == extra.name for _, name, _ in placed)


def test_a_finding_with_no_statement_to_blame_points_at_the_definition(run, copy_project):
    path = copy_project / "data" / "agreements.ttl"
    text = path.read_text(encoding="utf-8")
    _break(copy_project, "zz-extra.ttl", "@prefix kg: <https://w3id.org/heritage-kg/id/> .\n"
                                         "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                                         "kg:agreement-icom-interpol-2000 rdfs:comment \"more\"@en .\n")
    path.write_text(text.replace("    hkg:party kg:icom, kg:interpol ;\n", "    hkg:party kg:icom ;\n"), encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("kg:agreement-icom-interpol-2000 a"))
    result = run("--root", str(copy_project), "validate", "--format", "json")
    [count] = [r for r in json.loads(result.stdout)["results"] if r["shape"] == "hkgsh:AgreementPartyCount"]
    assert (Path(count["file"]).name, count["line"]) == ("agreements.ttl", line)


def test_every_syntax_error_of_a_file_is_reported(run, copy_project):
    _break(copy_project, "zz-broken.ttl", "@prefix ex: <http://example.org/> .\n"
                                          "ex:a ex:b .\n"
                                          "ex:a ex:b .\n"  # which the parser skips, going on after the error before
                                          "ex:c ex:d ex:e .\n"
                                          "ex:f \"lit\" ex:g .\n"
                                          "PREFIX q: <http://example.org/q/>\n"
                                          "q:h q:i .\n"
                                          "<relative> ex:k ex:l .\n")
    result = run("--root", str(copy_project), "validate", "--format", "json")
    places = [(r["line"], r["column"]) for r in json.loads(result.stdout)["results"] if r["kind"] == "syntax"]
    assert places == [(2, 11), (3, 11), (5, 6), (7, 9), (8, 1)]
    assert result.exit_code == 1


@pytest.mark.parametrize("folder", ["ontology", "data", "shapes"])
def test_relative_and_file_iris_are_errors_in_every_folder(run, copy_project, folder):
    path = copy_project / folder / "zz-iris.ttl"
    path.write_text("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    "<https://example.org/a> rdfs:seeAlso <file:///etc/passwd> .\n", encoding="utf-8")
    result = run("--root", str(copy_project), "validate", "--format", "json")
    [found] = [r for r in json.loads(result.stdout)["results"] if r["kind"] == "syntax"]
    assert (Path(found["file"]).name, found["line"], found["column"]) == ("zz-iris.ttl", 2, 38)
    assert "file: scheme" in found["message"] and result.exit_code == 1
    path.write_text("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n<passwd> rdfs:label \"p\"@en .\n",
                    encoding="utf-8")
    result = run("--root", str(copy_project), "validate", "--format", "json")
    [found] = [r for r in json.loads(result.stdout)["results"] if r["kind"] == "syntax"]
    assert (found["line"], found["column"]) == (3, 1) and "relative IRI" in found["message"]


def test_a_long_literal_needs_memory_in_proportion(copy_project, tmp_path):
    """15 MB in one literal: validate's peak memory stays a small multiple of the input (the
    file:line scan once took 4 GB for it)."""
    import subprocess
    import sys

    with open(copy_project / "data" / "zz-long.ttl", "w", encoding="utf-8") as handle:
        handle.write('@prefix kg: <https://w3id.org/heritage-kg/id/> .\n'
                     '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                     'kg:icom rdfs:comment """' + "x" * 15_000_000 + '"""@en .\n')
    probe = ("import resource, subprocess, sys\n"
             "done = subprocess.run([sys.executable, '-m', 'heritage_kg.cli', '--root', sys.argv[1], 'validate'],"
             " capture_output=True)\n"
             "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    code, peak_kib = subprocess.run([sys.executable, "-c", probe, str(copy_project)], capture_output=True, text=True,
                                    check=True, timeout=600).stdout.split()
    assert code == "0"
    assert int(peak_kib) < 400 * 1024, f"peak {int(peak_kib) // 1024} MiB for a 15 MB literal"


def test_nested_blank_nodes_are_placed_with_one_lookup_each(store):
    """Each of n nested blank nodes with a finding is traced to the subject that holds it: one
    parent lookup per node in all (linear), not one per node for each of them (quadratic)."""
    import pyoxigraph as ox

    from heritage_kg.validation import _Holders, _where

    depth = 500
    nested = ox.Store()
    nested.load(("@prefix ex: <https://example.org/> .\nex:a ex:p " + "[ ex:p " * depth + "ex:z" + " ]" * depth
                 + " .\n").encode(), format=ox.RdfFormat.TURTLE)

    class Counting:
        lookups = 0

        def quads_for_pattern(self, *pattern):
            Counting.lookups += 1
            return nested.quads_for_pattern(*pattern)

    holders = _Holders(Counting())
    blanks = [q.subject for q in nested if isinstance(q.subject, ox.BlankNode)]
    wanted = [_where(holders, blank, "https://example.org/p", None) for blank in reversed(blanks)]
    assert {w[0] for w in wanted} == {"https://example.org/a"}
    assert Counting.lookups <= 2 * depth  # a parent lookup each, and one telling statement each


def test_json_report_conforms_as_the_exit_code_says(run):
    default = run("validate", "--format", "json")
    strict = run("validate", "--format", "json", "--fail-on", "info")
    assert default.exit_code == 0 and strict.exit_code == 1
    assert json.loads(default.stdout)["conforms"] is True and json.loads(default.stdout)["fail_on"] == ["error"]
    assert json.loads(strict.stdout)["conforms"] is False
    assert json.loads(strict.stdout)["fail_on"] == ["error", "warning", "info"]
    assert json.loads(default.stdout)["counts"]["info"] > 0  # the infos are there; they do not fail the run


def test_a_file_of_many_syntax_errors_says_that_more_are_not_listed(run, copy_project):
    _break(copy_project, "zz-broken.ttl", "@prefix ex: <http://example.org/> .\n" + "ex:a ex:b .\n" * 300)
    result = run("--root", str(copy_project), "validate", "--format", "json")
    found = [r for r in json.loads(result.stdout)["results"] if r["kind"] == "syntax"]
    assert len(found) == 101 and "more than 100 syntax errors" in found[-1]["message"]


# -- any data, any shapes --------------------------------------------------------------------------

ANY_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:ItemShape a sh:NodeShape ; sh:targetClass ex:Item ;
    sh:property [ sh:path ex:code ; sh:pattern "^Q[0-9]+$" ; sh:minCount 1 ] ;
    sh:closed true ; sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) .
"""
#: The same data in each format: ex:a conforms; ex:b's code breaks the pattern; ex:c has a
#: property the closed shape does not allow, and no code.
ANY_DATA = {
    "ttl": '@prefix ex: <http://example.org/> .\nex:a a ex:Item ; ex:code "Q1" .\nex:b a ex:Item ; ex:code "X" .\n'
           'ex:c a ex:Item ; ex:colour "red" .\n',
    "nt": '<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/Item> .\n'
          '<http://example.org/a> <http://example.org/code> "Q1" .\n'
          '<http://example.org/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/Item> .\n'
          '<http://example.org/b> <http://example.org/code> "X" .\n'
          '<http://example.org/c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/Item> .\n'
          '<http://example.org/c> <http://example.org/colour> "red" .\n',
    "jsonld": json.dumps({"@context": {"ex": "http://example.org/"}, "@graph": [
        {"@id": "ex:a", "@type": "ex:Item", "ex:code": "Q1"}, {"@id": "ex:b", "@type": "ex:Item", "ex:code": "X"},
        {"@id": "ex:c", "@type": "ex:Item", "ex:colour": "red"}]}),
    "rdf": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
           '<ex:Item rdf:about="http://example.org/a"><ex:code>Q1</ex:code></ex:Item>'
           '<ex:Item rdf:about="http://example.org/b"><ex:code>X</ex:code></ex:Item>'
           '<ex:Item rdf:about="http://example.org/c"><ex:colour>red</ex:colour></ex:Item></rdf:RDF>\n',
    "trig": '@prefix ex: <http://example.org/> .\nex:g { ex:a a ex:Item ; ex:code "Q1" .\nex:b a ex:Item ; ex:code "X" . }\n'
            'ex:c a ex:Item ; ex:colour "red" .\n',
}


@pytest.mark.parametrize("suffix", sorted(ANY_DATA))
def test_any_data_against_any_shapes(run, tmp_path, suffix):
    """validate --shapes --data reads each RDF format by its suffix, needs no project, and
    finds the same results in each; the messages say what failed where the shapes say nothing."""
    shapes, data = tmp_path / "shapes.ttl", tmp_path / f"data.{suffix}"
    shapes.write_text(ANY_SHAPES, encoding="utf-8")
    data.write_text(ANY_DATA[suffix], encoding="utf-8")
    answer = run("validate", "--shapes", str(shapes), "--data", str(data), "--format", "json")
    assert answer.exit_code == 1, answer.stderr
    results = sorted((r["focus"], r["message"]) for r in json.loads(answer.stdout)["results"])
    assert results == [
        ("<http://example.org/b>", "Value does not match pattern '^Q[0-9]+$'"),
        ("<http://example.org/c>", "Fewer than 1 values"),
        ("<http://example.org/c>", "Predicate <http://example.org/colour> is not allowed by the closed shape"),
    ]
    french = json.loads(run("validate", "--shapes", str(shapes), "--data", str(data), "--format", "json", "--lang", "fr").stdout)
    assert "La valeur ne correspond pas au motif « ^Q[0-9]+$ »" in {r["message"] for r in french["results"]}


def test_the_standard_report_graph(run, tmp_path):
    shapes, data, report = tmp_path / "shapes.ttl", tmp_path / "data.ttl", tmp_path / "report.ttl"
    shapes.write_text(ANY_SHAPES, encoding="utf-8")
    data.write_text(ANY_DATA["ttl"], encoding="utf-8")
    assert run("validate", "--shapes", str(shapes), "--data", str(data), "-o", str(report)).exit_code == 1
    store = ox.Store()
    store.load(path=str(report), format=ox.RdfFormat.TURTLE)
    rows = store.query("""PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?conforms ?focus ?component ?path WHERE {
        ?report a sh:ValidationReport ; sh:conforms ?conforms ; sh:result ?r .
        ?r sh:focusNode ?focus ; sh:sourceConstraintComponent ?component ; sh:resultSeverity sh:Violation .
        OPTIONAL { ?r sh:resultPath ?path } } ORDER BY ?focus ?component""")
    found = [(c.value, f.value.rsplit("/", 1)[1], k.value.rsplit("#", 1)[1], p.value if p else None) for c, f, k, p in rows]
    assert found == [("false", "b", "PatternConstraintComponent", "http://example.org/code"),
                     ("false", "c", "ClosedConstraintComponent", "http://example.org/colour"),
                     ("false", "c", "MinCountConstraintComponent", "http://example.org/code")]


@pytest.mark.parametrize("args, message", [
    (["--shapes", "SHAPES"], "--shapes and --data go together: give both"),
    (["--shapes", "SHAPES", "--data", "NOWHERE"], "--data NOWHERE: no such file or folder"),
    (["--shapes", "SHAPES", "--data", "ODD"], "--data ODD: cannot tell the RDF format from '.csv'"),
    (["--shapes", "SHAPES", "--data", "DATA", "--store", "x"], "--shapes and --data validate files of their own"),
])
def test_any_data_bad_usage(run, tmp_path, args, message):
    shapes, data, odd = tmp_path / "shapes.ttl", tmp_path / "data.ttl", tmp_path / "odd.csv"
    shapes.write_text(ANY_SHAPES, encoding="utf-8")
    data.write_text(ANY_DATA["ttl"], encoding="utf-8")
    odd.write_text("a,b\n", encoding="utf-8")
    named = {"SHAPES": str(shapes), "DATA": str(data), "NOWHERE": str(tmp_path / "none.ttl"), "ODD": str(odd)}
    answer = run("validate", *(named.get(a, a) for a in args))
    shown = message.replace("NOWHERE", named["NOWHERE"]).replace("ODD", named["ODD"])
    assert answer.exit_code == 2 and answer.stdout == "" and shown in answer.stderr and len(answer.stderr.strip().splitlines()) == 1


def test_any_data_with_a_syntax_error_names_the_line(run, tmp_path):
    shapes, data = tmp_path / "shapes.ttl", tmp_path / "data.nt"
    shapes.write_text(ANY_SHAPES, encoding="utf-8")
    data.write_text('<http://example.org/a> <http://example.org/p> "x" .\n<http://example.org/a> <http://example.org/p> .\n')
    answer = run("validate", "--shapes", str(shapes), "--data", str(data), "--format", "json")
    assert answer.exit_code == 1
    found = json.loads(answer.stdout)["results"]
    assert [(r["kind"], r["file"], r["line"]) for r in found] == [("syntax", str(data), 2)]
