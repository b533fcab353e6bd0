"""`heritage-kg load --store DIR` and the commands that read the on-disk store: the same answers
as the in-memory graph, atomic builds, and one-line errors for folders that are not stores."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from heritage_kg import __version__
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


@pytest.mark.parametrize("args", [*(("export", "--format", fmt) for fmt in ("nt", "ttl", "nq", "trig", "jsonld", "xml")),
                                  ("stats", "--format", "json"), ("graph", "--format", "dot")],
                         ids=["export-nt", "export-ttl", "export-nq", "export-trig", "export-jsonld", "export-xml",
                              "stats", "graph"])
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


def test_store_keeps_the_ntriples_export(disk):
    exported = invoke("export", "--format", "nt").stdout_bytes
    kept = (disk / "export.nt").read_bytes()
    assert kept == exported
    manifest = json.loads((disk / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["dump"] == {"file": "export.nt", "sha256": hashlib.sha256(kept).hexdigest(),
                                "triples": kept.count(b"\n")}


def _rewrite_kept(folder, data: bytes) -> None:
    """Give the store at ``folder`` another kept export, recorded in its manifest as its own."""
    (folder / "export.nt").write_bytes(data)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["dump"].update(sha256=hashlib.sha256(data).hexdigest(), triples=data.count(b"\n"))
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_export_copies_the_kept_file(disk, tmp_path):
    folder = tmp_path / "s"
    shutil.copytree(disk, folder)
    kept = folder / "export.nt"
    _rewrite_kept(folder, kept.read_bytes() + b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
    out = tmp_path / "out.nt"
    result = invoke("export", "--store", str(folder), "--format", "nt", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == kept.read_bytes()
    assert invoke("export", "--store", str(folder), "--format", "nt").stdout_bytes == kept.read_bytes()


def test_store_without_a_kept_export_still_exports(disk, tmp_path):
    folder = tmp_path / "s"
    shutil.copytree(disk, folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    del manifest["dump"]  # as built before the export was kept
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "export.nt").unlink()
    assert invoke("export", "--store", str(folder), "--format", "nt").stdout_bytes == (disk / "export.nt").read_bytes()


@pytest.mark.parametrize("fmt", ["nt", "nq", "ttl"])
def test_kept_export_of_another_version_is_not_used(disk, tmp_path, fmt):
    """The export describes the dataset with the version of heritage-kg that wrote it; a store
    built by another version exports what this version makes from the store."""
    folder = tmp_path / "s"
    shutil.copytree(disk, folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["heritage_kg"] = "0.0.1"
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    kept = folder / "export.nt"
    old = f'"{__version__}"'.encode()
    assert old in kept.read_bytes()
    kept.write_bytes(kept.read_bytes().replace(old, b'"0.0.1"'))
    done = invoke("export", "--store", str(folder), "--format", fmt)
    assert done.exit_code == 0, done.stderr
    assert done.stdout_bytes == invoke("export", "--format", fmt).stdout_bytes


def test_missing_kept_export_is_a_usage_error(disk, tmp_path):
    folder = tmp_path / "s"
    shutil.copytree(disk, folder)
    (folder / "export.nt").unlink()
    message = one_line_error(invoke("export", "--store", str(folder), "--format", "nt"), 2)
    assert message == f"Error: {folder}: export.nt is missing; rebuild with 'heritage-kg load --store {folder} --force'"
    # the other formats are made from the store instead, the same bytes
    done = invoke("export", "--store", str(folder), "--format", "ttl")
    assert done.exit_code == 0 and done.stdout == invoke("export", "--store", str(disk), "--format", "ttl").stdout


def test_a_copy_without_its_times_still_opens(disk, tmp_path):
    """A copy that did not keep modification times (cp -r) is checked by content, and is whole."""
    folder = tmp_path / "s"
    shutil.copytree(disk, folder, copy_function=shutil.copy)
    for path in folder.iterdir():
        os.utime(path, ns=(1, 1))
    result = invoke("query", "founders", "--store", str(folder), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert normalise(result.stdout) == normalise(invoke("query", "founders", "--format", "csv").stdout)


def test_serve_never_sends_a_kept_export_damaged_after_start(disk, tmp_path):
    """The kept export is checked at start-up, and again when it has changed since: cut while the
    server runs, it is not handed out, in N-Triples or in any format made from it."""
    folder = tmp_path / "s"
    shutil.copytree(disk, folder)
    with heritage_kg_server(ROOT, "--store", str(folder), "--workers", "1") as base:
        with urllib.request.urlopen(f"{base}/download/heritage-kg.nt", timeout=30) as response:
            assert response.read() == (folder / "export.nt").read_bytes()
        kept = folder / "export.nt"
        kept.write_bytes(b"".join(kept.read_bytes().splitlines(keepends=True)[:1000]))
        for suffix in ("nt", "ttl"):
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(f"{base}/download/heritage-kg.{suffix}", timeout=30)
            assert answer.value.code == 503
            assert b"damaged" in answer.value.read()


def test_serve_sends_the_kept_export(disk):
    kept = (disk / "export.nt").read_bytes()
    etag = '"' + hashlib.sha256(kept).hexdigest()[:32] + '"'
    with heritage_kg_server(ROOT, "--store", str(disk), "--workers", "1") as base:
        url = f"{base}/download/heritage-kg.nt"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.read() == kept
            assert response.headers["ETag"] == etag
            assert response.headers["Content-Type"] == "application/n-triples; charset=utf-8"
            assert response.headers["Content-Disposition"] == 'attachment; filename="heritage-kg.nt"'
        # a resumed download asks for the rest
        request = urllib.request.Request(url, headers={"Range": f"bytes={len(kept) - 100}-"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 206 and response.read() == kept[-100:]
        request = urllib.request.Request(url, headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=30)
        assert answer.value.code == 304


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


def _stats_stderr(folder: Path, root: Path) -> str:
    result = invoke("stats", "--store", str(folder), root=root)
    assert result.exit_code == 0, result.stderr
    return result.stderr


def test_stale_store_is_flagged(tmp_path, copy_project):
    folder = tmp_path / "s"
    assert invoke("load", "--store", str(folder), root=copy_project).exit_code == 0
    assert _stats_stderr(folder, copy_project) == ""
    changed = copy_project / "data" / "sources.ttl"
    # touched, not changed: the sizes and times differ from the manifest's, the hash does not
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    assert _stats_stderr(folder, copy_project) == ""
    # one byte replaced by another: the same size, a later time, another hash
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("Blue", "Blve", 1), encoding="utf-8")
    assert len(changed.read_bytes()) == len(text.encode())
    assert _stats_stderr(folder, copy_project).startswith(
        f"warning: {folder} was not built from the current ontology/ and data/")


def test_manifest_without_file_stats_is_checked_by_hash(tmp_path, copy_project):
    folder = tmp_path / "s"
    assert invoke("load", "--store", str(folder), root=copy_project).exit_code == 0
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert [name for name, _size, _time in manifest["source_stats"]][:1] == ["ontology/activities.ttl"]
    del manifest["source_stats"]  # as written before the stats were recorded
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert _stats_stderr(folder, copy_project) == ""
    changed = copy_project / "data" / "sources.ttl"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _stats_stderr(folder, copy_project).startswith(f"warning: {folder} was not built")


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
@pytest.mark.parametrize("kind", ["missing", "file", "not-a-store", "damaged-manifest", "foreign-dump"])
def test_bad_store_is_a_usage_error(tmp_path, command, kind, disk):
    folder = tmp_path / "s"
    if kind == "file":
        folder.write_text("x", encoding="utf-8")
    elif kind == "not-a-store":
        folder.mkdir()
    elif kind == "damaged-manifest":
        folder.mkdir()
        (folder / MANIFEST).write_text("{not json", encoding="utf-8")
    elif kind == "foreign-dump":  # the manifest names a file outside the store as its export
        shutil.copytree(disk, folder)
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        manifest["dump"]["file"] = "../../etc/passwd"
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    message = one_line_error(invoke(*command, "--store", str(folder)), 2)
    assert message.startswith(f"Error: {folder}: ")


def test_store_and_endpoint_together_is_a_usage_error(disk):
    result = invoke("query", "founders", "--store", str(disk), "--endpoint", "http://127.0.0.1:9/query")
    assert one_line_error(result, 2) == "Error: give either --endpoint or --store, not both"
