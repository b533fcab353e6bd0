"""`stats`, `graph` and `diff`."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from heritage_kg.cli import cli

from .conftest import ROOT

KG = "https://w3id.org/heritage-kg/id/"


def test_stats_json(run):
    result = run("stats", "--format", "json")
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["entities_per_class"]["hkg:Organisation"] >= 25
    assert stats["relationships_per_kind"]["hkg:Agreement"] >= 25
    assert set(stats["statements_per_source"]) >= {f"kg:source-seed-00{i}" for i in range(5)}
    # every entity has a name, in English where one is known (all of them, today); a few have no
    # French name (the Getty Foundation), and no label is copied under the other tag to hide it
    assert stats["label_coverage"]["en"]["coverage"] == 1.0
    assert 0.9 < stats["label_coverage"]["fr"]["coverage"] < 1.0


def test_stats_table(run):
    result = run("stats")
    assert result.exit_code == 0 and "label coverage per language" in result.stdout


def test_graph_dot_draws_each_kind_distinctly(run):
    dot = run("graph", "--format", "dot").stdout
    colours = {line.split('color="')[1].split('"')[0] for line in dot.splitlines() if "->" in line}
    assert len(colours) >= 5
    assert 'label="ICOM"' in dot and "legend_membership" in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (.ci/run installs it)")
def test_graph_svg(run, tmp_path):
    target = tmp_path / "network.svg"
    assert run("graph", "-o", str(target)).exit_code == 0
    svg = ET.parse(target).getroot()
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"ICOM", "ICCROM", "INTERPOL", "memorandum of understanding"} <= texts


def test_graph_neighbourhood_and_kind_filter(run):
    mermaid = run("graph", "--format", "mermaid", "--around", "interpol", "--kind", "agreement").stdout
    assert mermaid.startswith("flowchart LR")
    assert "interpol" in mermaid and "icom" in mermaid and "unesco" not in mermaid


def test_graph_as_of_a_year(run):
    """Blue Shield was founded in 1996 (reference/blue-shield-founding): the network of 1995 has
    neither it nor its founding; that of 1996 has both. The ICOM-INTERPOL agreement of 2000 is
    there from 2000 on."""
    def drawn(year):
        return run("graph", "--format", "dot", "--year", str(year)).stdout

    before, after = drawn(1995), drawn(1996)
    assert "blue_shield [" not in before and "icom -> blue_shield [" not in before
    assert "icom -> blue_shield [label=\"founding\"" in after
    assert "icom -> interpol" not in drawn(1999) and "icom -> interpol" in drawn(2000)
    assert "interpol" in run("graph", "--format", "dot", "--focus", "interpol", "--steps", "1").stdout


def test_timeline_as_a_standalone_svg(run, tmp_path):
    target = tmp_path / "icom.svg"
    assert run("timeline", "--organisation", "icom", "-o", str(target)).exit_code == 0
    svg = ET.parse(target).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    titles = {a.get("href"): a.find(f"{ns}title").text for a in svg.iter(f"{ns}a")}
    founding = titles[KG + "founding-icom"]
    assert founding.startswith("ICOM was founded in 1946. — sources: ") and "(seed 003), line 3" in founding
    assert titles[KG + "mou-icom-aliph-2022"].startswith("ICOM and ALIPH signed a memorandum of understanding on 31 January 2022")
    assert len(list(svg.iter(f"{ns}circle"))) == len(titles)
    assert svg.find(f"{ns}title").text == "Timeline: International Council of Museums"


def test_timeline_as_html_in_french_and_zoomed(run):
    page = run("timeline", "--organisation", "icom", "--lang", "fr", "--format", "html").stdout
    assert page.startswith("<!doctype html>") and '<html lang="fr">' in page and "<script" not in page
    assert "1946\u202f: L&#39;ICOM a été créé en 1946." in page  # French puts a narrow space before a colon
    zoomed = run("timeline", "--from", "2022", "--to", "2022", "--format", "svg").stdout
    assert "31 January 2022 · " in zoomed and "1946 · " not in zoomed


def test_graph_graphml(run):
    root = ET.fromstring(run("graph", "--format", "graphml", "--kind", "membership").stdout)
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    kinds = {d.text for d in root.iter(f"{ns}data") if d.get("key") == "kind"}
    assert kinds == {"membership"}


def test_graph_unknown_organisation(run):
    result = run("graph", "--focus", "no-such-org", "--format", "dot")
    assert result.exit_code == 2 and "--focus no-such-org" in result.stderr


def test_diff_between_folders(run, copy_project):
    path = copy_project / "data" / "people.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace('"Peter Keller"@en', '"P. Keller"@en'), encoding="utf-8")
    agreements = copy_project / "data" / "agreements.ttl"
    text = agreements.read_text(encoding="utf-8")
    start = text.index("kg:agreement-icom-interpol-2000 a")
    end = text.index("\n\n", start)
    agreements.write_text(text[:start] + text[end + 2:], encoding="utf-8")
    result = run("diff", str(ROOT), str(copy_project))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "agreement between International Council of Museums and International Criminal Police Organization removed" in lines
    assert "English label of P. Keller changed: 'Peter Keller' -> 'P. Keller'" in lines
    md = run("diff", str(ROOT), str(copy_project), "--format", "md").stdout
    assert md.startswith("## Removed") or "## Removed" in md


def test_diff_between_dumps(run, tmp_path):
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    run("export", "--format", "nt", "-o", str(old))
    lines = old.read_text(encoding="utf-8").splitlines(keepends=True)
    new.write_text("".join(l for l in lines if "/id/wffm>" not in l.split(" ")[0]), encoding="utf-8")
    changes = json.loads(run("diff", str(old), str(new), "--format", "json").stdout)
    assert {"action": "removed", "subject": "https://w3id.org/heritage-kg/id/wffm"} in \
        [{k: c[k] for k in ("action", "subject")} for c in changes]


def test_diff_between_git_revisions(run, tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    result = run("diff", head, head)
    assert result.exit_code == 0 and result.stdout == "no changes\n"


def test_diff_bad_version(run):
    result = run("diff", "no-such-rev", "HEAD")
    assert result.exit_code == 2 and "no-such-rev" in result.stderr


def test_coverage_table_is_up_to_date(run, shared_dir):
    """(The table lists the seeds' lines that no statement cites, so it needs the seeds.)"""
    result = run("coverage")
    assert result.exit_code == 0
    committed = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert result.stdout == committed, "docs/coverage.md is stale: run heritage-kg coverage -o docs/coverage.md"
    for seed in ("000", "001", "002", "003", "004"):
        assert f"`seeds/{seed}_" in committed


@pytest.mark.parametrize("command, suffix, starts", [
    ("graph", ".dot", "digraph heritage_kg {"),
    ("graph", ".mmd", "flowchart LR"),
    ("graph", ".graphml", '<?xml version="1.0" encoding="UTF-8"?>\n<graphml'),
    ("export", ".nt", "<https://w3id.org/heritage-kg/"),
    ("export", ".jsonld", "{"),
    ("export", ".rdf", "<?xml"),
    ("query", ".csv", "founder,founderName,"),
    ("query", ".json", '{"head":'),
], ids=lambda value: value if isinstance(value, str) and value.startswith(".") else None)
def test_without_format_the_output_suffix_chooses(run, tmp_path, command, suffix, starts):
    target = tmp_path / f"out{suffix}"
    args = {"graph": ["graph"], "export": ["export"], "query": ["query", "founders"]}[command]
    result = run(*args, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith(starts)


def test_an_explicit_format_wins_over_the_suffix(run, tmp_path):
    target = tmp_path / "network.dot"
    assert run("graph", "--format", "mermaid", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("flowchart LR")


def test_each_command_says_what_its_triple_count_counts(run):
    """validate counts the files as written, stats the published graph (with the standard
    triples added), export that and the dataset description: three numbers, each named."""
    validated = run("validate")
    stats = json.loads(run("stats", "--format", "json").stdout)
    exported = run("export", "--format", "nt")
    written = int(validated.stderr.split(" triples as written in the files")[0].rsplit(" ", 1)[1])
    assert written < stats["triples"] < len(exported.stdout.splitlines())
    assert "validate counts the files as written" in stats["triples_counted"]
    assert exported.stderr.startswith(f"export: {len(exported.stdout.splitlines())} triples as nt: the published graph")
    assert f"{stats['triples']} as stats counts it) and its dataset description" in exported.stderr
    assert "as written in the files" in validated.stderr


def test_what_the_readme_writes_is_ignored_by_git():
    if not (ROOT / ".git").exists():
        pytest.fail("this test reads the checkout's .gitignore through git; run it in a clone")
    for name in ("heritage-kg.ttl", "heritage-kg.store/CURRENT", "report.sarif", "network.svg"):
        done = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT)
        assert done.returncode == 0, f"{name} is not ignored"


def test_every_line_not_cited_says_why(run, shared_dir):
    result = run("coverage")
    assert "## Lines not cited" in result.stdout
    missing = [line for line in result.stdout.splitlines() if "**no reason given**" in line]
    assert not missing, "\n".join(missing)



@pytest.mark.parametrize("row", ["seeds/000_x.txt\tnine\tHeading.", "seeds/000_x.txt\t9", "seeds/000_x.txt\t9\t "])
def test_a_broken_reason_row_is_named_by_its_line(tmp_path, shared_dir, row):
    """The reasons are read only beside the seeds, so the copy gets a ../shared of its own."""
    root = tmp_path / "main"
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, root / name)
    (tmp_path / "shared").symlink_to(shared_dir)
    (root / "docs").mkdir()
    (root / "docs" / "uncited.tsv").write_text(f"file\tline\treason\n{row}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(root), "coverage"])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == (f"Error: {root}/docs/uncited.tsv:2: expected a file, a line number "
                                     "and a reason, separated by tabs")
    assert result.stdout == ""
