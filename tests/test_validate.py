"""`heritage-kg validate`: exit codes, locations, report formats, and the strict syntax gate."""

from __future__ import annotations

import json

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


def test_a_shape_the_compiler_refuses_still_runs_on_pyshacl(run, copy_project):
    (copy_project / "shapes" / "zz-pattern.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix hkg: <https://w3id.org/heritage-kg/ontology#> .\n"
        "@prefix hkgsh: <https://w3id.org/heritage-kg/shapes#> .\n"
        "hkgsh:AcronymUpper a sh:PropertyShape ; sh:targetSubjectsOf hkg:acronym ; sh:path hkg:acronym ;\n"
        "    sh:pattern \"^[a-z]\" ; sh:severity sh:Warning ; sh:message \"lower-case acronym\"@en .\n", encoding="utf-8")
    compiled = run("--root", str(copy_project), "validate")
    assert compiled.exit_code == 1
    assert compiled.stdout == ""
    assert compiled.stderr.strip().splitlines() == [
        "Error: shapes: hkgsh:AcronymUpper: the compiled validator does not support sh:pattern; "
        "'validate --validator pyshacl' runs every SHACL feature"]
    reference = run("--root", str(copy_project), "validate", "--validator", "pyshacl", "--format", "json")
    assert reference.exit_code == 0, reference.stderr
    warned = [r for r in json.loads(reference.stdout)["results"] if r["shape"] == "hkgsh:AcronymUpper"]
    assert warned and all(r["severity"] == "warning" and r["path"] == "hkg:acronym" for r in warned)
