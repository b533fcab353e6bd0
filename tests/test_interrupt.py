"""Interrupted work leaves nothing behind: SIGTERM or Ctrl-C at any point of `export -o` or
`load` leaves the target as it was or complete, and no scratch file or folder; what a killed run
left (SIGKILL cannot be cleaned up after) is swept by the next run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from heritage_kg.scratch import ASIDE
from heritage_kg.store import MANIFEST, Manifest, dump_file

from .conftest import ROOT

#: Seconds after the start at which the signal is sent: before the work, during parsing,
#: during writing, and about when it ends.
DELAYS = (0.3, 0.8, 1.5, 3.0)


def _cli(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "heritage_kg.cli", "--root", str(root), *args]


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A copy of the project with a bulk data file, so that a load or an export takes seconds."""
    root = tmp_path_factory.mktemp("big")
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, root / name)
    with open(root / "data" / "zz-bulk.ttl", "w", encoding="utf-8") as handle:
        handle.write("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
        for i in range(150_000):
            handle.write(f'<https://example.org/bulk/{i}> rdfs:label "bulk item {i}"@en ; '
                         f'rdfs:seeAlso <https://example.org/bulk/{i + 1}> .\n')
    return root


@pytest.fixture(scope="module")
def complete_export(big, tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("reference") / "x.ttl"
    subprocess.run(_cli(big, "export", "--format", "ttl", "-o", str(out)), check=True, capture_output=True, timeout=300)
    return out.read_bytes()


def _interrupt(command: list[str], delay: float, signum: int) -> subprocess.CompletedProcess:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)
    process.send_signal(signum)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(command, process.returncode, out.decode(), err.decode())


@pytest.mark.parametrize("delay", DELAYS)
def test_sigterm_during_export_leaves_the_old_file_or_the_new_one(big, complete_export, tmp_path, delay):
    target = tmp_path / "x.ttl"
    target.write_bytes(b"the old export\n")
    done = _interrupt(_cli(big, "export", "--format", "ttl", "-o", str(target)), delay, signal.SIGTERM)
    assert done.returncode in (0, 143, -signal.SIGTERM), done.stderr
    if delay < 1:  # the export takes seconds: these land while it works
        assert done.returncode != 0
    assert target.read_bytes() in (b"the old export\n", complete_export)
    if done.returncode == 143:
        assert done.stderr.strip() == "Error: terminated" and target.read_bytes() == b"the old export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.ttl"]
    assert "Traceback" not in done.stderr


def test_sigterm_while_the_output_is_written_removes_the_temporary_file(big, tmp_path):
    """The signal is sent the moment the temporary file appears, while the export is written."""
    target = tmp_path / "x.nt"
    process = subprocess.Popen(_cli(big, "export", "--format", "nt", "-o", str(target)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".x.nt.*.tmp")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode in (0, 143), err.decode()
    assert [p.name for p in tmp_path.iterdir()] in ([], ["x.nt"])  # no scratch; complete if there


@pytest.mark.parametrize("delay", DELAYS)
def test_sigterm_during_load_leaves_the_old_store_or_the_new_one(big, tmp_path, delay):
    target = tmp_path / "s.store"
    subprocess.run(_cli(ROOT, "load", "--store", str(target)), check=True, capture_output=True, timeout=300)
    before = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    done = _interrupt(_cli(big, "load", "--store", str(target)), delay, signal.SIGTERM)
    assert done.returncode in (0, 143, -signal.SIGTERM), done.stderr
    if delay < 2:  # the load takes seconds: these land while it works
        assert done.returncode != 0
    after = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    if after != before:  # the new store, whole: its kept export matches its record
        assert done.returncode == 0
        dump_file(target, Manifest.read(target)).verify()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.store"]
    assert "Traceback" not in done.stderr


def test_ctrl_c_exits_130_and_cleans_up(big, tmp_path):
    target = tmp_path / "x.nt"
    done = _interrupt(_cli(big, "export", "--format", "nt", "-o", str(target)), 1.2, signal.SIGINT)
    assert done.returncode in (0, 130), done.stderr
    assert done.returncode == 130  # the export takes seconds: this lands while it works
    assert done.stderr == "Error: interrupted\n" and not target.exists()
    assert [p.name for p in tmp_path.iterdir()] in ([], ["x.nt"])


def _dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_scratch_of_a_killed_run_is_swept_by_the_next(tmp_path):
    dead, alive = _dead_pid(), os.getpid()
    left = tmp_path / f".x.nt.{dead}.abcd1234.tmp"
    busy = tmp_path / f".x.nt.{alive}.efgh5678.tmp"
    reused = tmp_path / f".x.nt.{alive}.ijkl9012.tmp"  # an earlier process's with this id (containers)
    other = tmp_path / ".x.nt.notes.tmp"
    for path in (left, busy, reused, other):
        path.write_text("partial", encoding="utf-8")
    os.utime(reused, (time.time() - 365 * 86400,) * 2)
    building = tmp_path / f".s.store.{dead}.ijkl9012.building"
    (building / "store").mkdir(parents=True)
    subprocess.run(_cli(ROOT, "export", "--format", "nt", "-o", str(tmp_path / "x.nt")), check=True,
                   capture_output=True, timeout=300)
    subprocess.run(_cli(ROOT, "load", "--store", str(tmp_path / "s.store")), check=True,
                   capture_output=True, timeout=300)
    assert not left.exists() and not building.exists() and not reused.exists()
    assert busy.exists() and other.exists()  # another run's, still going; not of our naming


def test_a_store_put_aside_by_a_killed_build_is_put_back(tmp_path):
    """A build killed between its two renames (SIGKILL; the signals it can catch are held back
    there) leaves the old store in its scratch folder and nothing at the target; the next run
    that opens the store, or builds it, puts it back first."""
    target = tmp_path / "s.store"
    subprocess.run(_cli(ROOT, "load", "--store", str(target)), check=True, capture_output=True, timeout=300)
    before = (target / MANIFEST).read_bytes()
    scratch = tmp_path / f".s.store.{_dead_pid()}.mnop3456.building"
    scratch.mkdir()
    target.rename(scratch / ASIDE)
    done = subprocess.run(_cli(ROOT, "query", "founders", "--store", str(target), "--format", "csv"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (target / MANIFEST).read_bytes() == before
    subprocess.run(_cli(ROOT, "load", "--store", str(target)), check=True, capture_output=True, timeout=300)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.store"]
