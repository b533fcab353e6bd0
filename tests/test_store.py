"""`heritage-kg load --store DIR` and the commands that read the on-disk store: the same answers
as the in-memory graph, atomic builds, and one-line errors for folders that are not stores."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from heritage_kg.cli import cli
from heritage_kg.queries import catalogue
from heritage_kg.store import MANIFEST, source_hash

from .conftest import ROOT
from .servers import heritage_kg_server
from .test_queries import normalise

NAMED = catalogue(sorted((ROOT / "queries").glob("*.rq")))


def invoke(*args, root: Path = ROOT):
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def one_line_error(result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""
    return result.stderr.strip()


@pytest.fixture(scope="module")
def disk(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("disk") / "heritage-kg.store"
    result = invoke("load", "--store", str(folder))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("load: ") and result.stdout == ""
    return folder


def test_manifest_records_count_and_sources(disk, store, project):
    manifest = json.loads((disk / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["format"] == "heritage-kg-store" and manifest["format_version"] == 1
    assert manifest["triples"] == len(store)
    assert manifest["source_hash"] == source_hash(project)
    assert manifest["sources"] == len(project.graph_files()) + len(project.rule_files())


@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_query_same_on_disk_and_in_memory(disk, name):
    in_memory = invoke("query", name, "--format", "csv")
    on_disk = invoke("query", name, "--format", "csv", "--store", str(disk))
    assert on_disk.exit_code == 0, on_disk.stderr
    assert on_disk.stderr == ""
    assert normalise(on_disk.stdout) == normalise(in_memory.stdout)
    assert len(normalise(on_disk.stdout)) > 1


@pytest.mark.parametrize("args", [("export", "--format", "nt"), ("export", "--format", "ttl"),
                                  ("stats", "--format", "json"), ("graph", "--format", "dot")],
                         ids=["export-nt", "export-ttl", "stats", "graph"])
def test_same_output_on_disk_and_in_memory(disk, args):
    on_disk = invoke(*args, "--store", str(disk))
    assert on_disk.exit_code == 0, on_disk.stderr
    assert on_disk.stdout == invoke(*args).stdout


def test_serve_from_the_store(disk, store):
    with heritage_kg_server(ROOT, "--store", str(disk), "--workers", "1") as base:
        query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        request = urllib.request.Request(f"{base}/sparql?query={query}", headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.read().decode().splitlines() == ["n", str(len(store))]
        # the workers open the folder read-only, so the graph is not also held under its name
        description = urllib.request.Request(f"{base}/sparql", headers={"Accept": "application/n-triples"})
        with urllib.request.urlopen(description, timeout=30) as response:
            text = response.read().decode()
        assert "defaultGraph" in text and "namedGraph" not in text


def test_load_replaces_a_store_and_leaves_no_temporary_folder(tmp_path):
    folder = tmp_path / "s"
    for _ in range(2):
        result = invoke("load", "--store", str(folder))
        assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]
    assert invoke("stats", "--store", str(folder)).exit_code == 0


def test_failed_load_keeps_the_old_store(tmp_path, copy_project):
    out = tmp_path / "out"
    out.mkdir()
    folder = out / "s"
    assert invoke("load", "--store", str(folder), root=copy_project).exit_code == 0
    before = (folder / MANIFEST).read_text(encoding="utf-8")
    broken = copy_project / "data" / "organisations.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nkg:x kg:y .\n", encoding="utf-8")
    message = one_line_error(invoke("load", "--store", str(folder), root=copy_project), 1)
    assert f"{broken}:" in message
    assert (folder / MANIFEST).read_text(encoding="utf-8") == before
    assert sorted(p.name for p in out.iterdir()) == ["s"]


def test_stale_store_is_flagged(tmp_path, copy_project):
    folder = tmp_path / "s"
    assert invoke("load", "--store", str(folder), root=copy_project).exit_code == 0
    changed = copy_project / "data" / "sources.ttl"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = invoke("stats", "--store", str(folder), root=copy_project)
    assert result.exit_code == 0
    assert result.stderr.startswith(f"warning: {folder} was not built from the current ontology/ and data/")


def test_load_refuses_a_folder_that_is_not_a_store(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    message = one_line_error(invoke("load", "--store", str(folder)), 2)
    assert message == f"Error: {folder}: exists and is not a heritage-kg store; --force replaces it"
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"
    result = invoke("load", "--store", str(folder), "--force")
    assert result.exit_code == 0, result.stderr
    assert not (folder / "notes.txt").exists() and (folder / MANIFEST).is_file()


@pytest.mark.parametrize("make", ["file", "missing-parent"])
def test_load_bad_target(tmp_path, make):
    if make == "file":
        target = tmp_path / "file"
        target.write_text("x", encoding="utf-8")
        expected = f"Error: {target}: exists and is not a folder"
    else:
        target = tmp_path / "nowhere" / "s"
        expected = f"Error: {target}: folder {target.parent} does not exist"
    assert one_line_error(invoke("load", "--store", str(target)), 2) == expected


@pytest.mark.parametrize("command", [("query", "founders"), ("export",), ("stats",), ("graph", "--format", "dot"),
                                     ("serve", "--port", "0"), ("publish", "--endpoint", "http://127.0.0.1:9/store")],
                         ids=lambda c: c[0])
@pytest.mark.parametrize("kind", ["missing", "file", "not-a-store", "damaged-manifest"])
def test_bad_store_is_a_usage_error(tmp_path, command, kind):
    folder = tmp_path / "s"
    if kind == "file":
        folder.write_text("x", encoding="utf-8")
    elif kind == "not-a-store":
        folder.mkdir()
    elif kind == "damaged-manifest":
        folder.mkdir()
        (folder / MANIFEST).write_text("{not json", encoding="utf-8")
    message = one_line_error(invoke(*command, "--store", str(folder)), 2)
    assert message.startswith(f"Error: {folder}: ")


def test_store_and_endpoint_together_is_a_usage_error(disk):
    result = invoke("query", "founders", "--store", str(disk), "--endpoint", "http://127.0.0.1:9/query")
    assert one_line_error(result, 2) == "Error: give either --endpoint or --store, not both"
