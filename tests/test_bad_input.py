"""The general guard: every command, given every kind of bad input, answers with its documented
exit code (1 the data or the query failed, 2 a usage error), one line on stderr, no traceback,
and no partial output (nothing on stdout, no file written where -o was given).

Each kind of bad input is made once (a project with a defect, a damaged store, a bad argument),
and every command that can meet it is run against it. ``validate`` is the one command whose
stdout carries its findings; it still says what it did in one line on stderr.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from heritage_kg.cli import cli

from .conftest import ROOT
from .servers import free_port

#: Defects of the files, each in a new data file of its own: (text, exit code of the commands
#: that read the files, a phrase of the message).
BAD_FILES = {
    "syntax-error": ("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", 1, "is not a valid RDF object"),
    "relative-iri": ("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n<passwd> rdfs:label \"p\"@en .\n",
                     1, "a relative IRI"),
    "file-iri": ("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                 "<https://example.org/a> rdfs:seeAlso <file:///etc/passwd> .\n", 1, "file: scheme"),
    "escaped-file-iri": ("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                         "<https://example.org/a> rdfs:seeAlso <\\u0066ile:///etc/passwd> .\n", 1, "file: scheme"),
    "not-utf8": (None, 1, ""),
    "huge-literal": (None, 1, "longer than the parser's limit"),
}
#: Commands that read the project's files, with the arguments that make them do so.
READERS = {
    "validate": ["validate"],
    "query": ["query", "founders"],
    "export": ["export", "--format", "nt"],
    "export-o": ["export", "--format", "ttl", "-o", "{out}"],
    "stats": ["stats"],
    "graph": ["graph", "--format", "dot"],
    "coverage": ["coverage"],
    "load": ["load", "--store", "{tmp}/new.store"],
    "publish": ["publish", "--endpoint", "http://127.0.0.1:9/store"],
}


def _check(result_code: int, stdout: str, stderr: str, code: int, phrase: str = "", command: str = "") -> None:
    assert result_code == code, (result_code, stderr)
    assert "Traceback" not in stdout + stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    if command != "validate":
        assert lines[0].startswith("Error: "), stderr
        assert stdout == "", stdout[:300]
        assert phrase in lines[0], lines[0]
    else:
        assert phrase in stdout, stdout[:300]


def invoke(root: Path, args: list[str]):
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A copy of the project for each defect of BAD_FILES."""
    made = {}
    for defect, (text, _, _) in BAD_FILES.items():
        root = tmp_path_factory.mktemp(defect)
        for name in ("ontology", "data", "shapes", "queries"):
            shutil.copytree(ROOT / name, root / name)
        path = root / "data" / "zz-defect.ttl"
        if defect == "huge-literal":
            with open(path, "w", encoding="utf-8") as handle:
                handle.write('<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#comment> "')
                handle.write("x" * (50 * 1024 * 1024))
                handle.write('" .\n')
        elif defect == "not-utf8":
            path.write_bytes(b'<https://example.org/a> <https://example.org/b> "caf\xe9" .\n')
        else:
            path.write_text(text, encoding="utf-8")
        made[defect] = root
    return made


@pytest.mark.parametrize("command", sorted(READERS))
@pytest.mark.parametrize("defect", sorted(BAD_FILES))
def test_bad_files(broken, tmp_path, defect, command):
    out = tmp_path / "out.ttl"
    args = [a.format(out=out, tmp=tmp_path) for a in READERS[command]]
    result = invoke(broken[defect], args)
    _, code, phrase = BAD_FILES[defect]
    _check(result.exit_code, result.stdout, result.stderr, code, phrase, command.split("-")[0])
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no file, no store, no scratch


@pytest.mark.parametrize("defect", ["relative-iri", "huge-literal"])
def test_bad_files_stop_the_server_before_it_serves(broken, defect):
    done = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(broken[defect]), "serve",
                           "--port", str(free_port())], capture_output=True, text=True, timeout=120)
    _check(done.returncode, done.stdout, done.stderr, 1, BAD_FILES[defect][2])


# -- damaged stores ------------------------------------------------------------------------------

def _truncate_export(folder: Path) -> None:
    path = folder / "export.nt"
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:1000]))


def _empty_current(folder: Path) -> None:
    (folder / "CURRENT").write_bytes(b"")


def _truncate_sst(folder: Path) -> None:
    table = sorted(folder.glob("*.sst"))[0]
    with open(table, "r+b") as handle:
        handle.truncate(100)


def _overwrite_sst(folder: Path) -> None:
    """Bytes in the middle of the largest table changed, its size kept."""
    table = max(folder.glob("*.sst"), key=lambda path: path.stat().st_size)
    with open(table, "r+b") as handle:
        handle.seek(table.stat().st_size // 2)
        handle.write(b"\0" * 64)


def _no_manifest(folder: Path) -> None:
    (folder / "heritage-kg-store.json").unlink()


def _bad_manifest(folder: Path) -> None:
    (folder / "heritage-kg-store.json").write_text("{not json", encoding="utf-8")


#: How a store is damaged: (the damage, exit code, a phrase of the message).
DAMAGES = {
    "truncated-export": (_truncate_export, 1, "holds 1000 lines where the store recorded"),
    "empty-current": (_empty_current, 2, "the store is damaged"),
    "truncated-sst": (_truncate_sst, 2, "the store is damaged"),
    "overwritten-sst": (_overwrite_sst, 2, "was changed after the load"),
    "no-manifest": (_no_manifest, 2, "not a heritage-kg store"),
    "bad-manifest": (_bad_manifest, 2, "is damaged; rebuild"),
}
#: Commands that read a store, and the damages that stop them (a command that does not read the
#: kept export does not notice it cut).
STORE_READERS = {
    "export-nt": (["export", "--format", "nt"], set(DAMAGES)),
    "export-ttl": (["export", "--format", "ttl", "-o", "{out}"], set(DAMAGES)),
    "publish": (["publish", "--endpoint", "http://127.0.0.1:9/store"], set(DAMAGES)),
    "query": (["query", "founders"], set(DAMAGES) - {"truncated-export"}),
    "stats": (["stats"], set(DAMAGES) - {"truncated-export"}),
    "graph": (["graph", "--format", "dot"], set(DAMAGES) - {"truncated-export"}),
    "validate": (["validate"], set(DAMAGES) - {"truncated-export"}),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("built") / "heritage-kg.store"
    assert invoke(ROOT, ["load", "--store", str(folder)]).exit_code == 0
    return folder


@pytest.mark.parametrize("damage, command", [(d, c) for d in sorted(DAMAGES) for c in sorted(STORE_READERS)
                                              if d in STORE_READERS[c][1]])
def test_damaged_stores(built, tmp_path, damage, command):
    args, _ = STORE_READERS[command]
    folder = tmp_path / "store"
    shutil.copytree(built, folder)
    spoil, code, phrase = DAMAGES[damage]
    spoil(folder)
    out = tmp_path / "out.ttl"
    result = invoke(ROOT, [*[a.format(out=out) for a in args], "--store", str(folder)])
    _check(result.exit_code, result.stdout, result.stderr, code, phrase)
    assert not out.exists()


@pytest.mark.parametrize("damage", ["truncated-export", "truncated-sst", "overwritten-sst"])
def test_a_damaged_store_stops_the_server_before_it_serves(built, tmp_path, damage):
    folder = tmp_path / "store"
    shutil.copytree(built, folder)
    spoil, code, phrase = DAMAGES[damage]
    spoil(folder)
    done = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), "serve", "--store", str(folder),
                           "--port", str(free_port())], capture_output=True, text=True, timeout=120)
    _check(done.returncode, done.stdout, done.stderr, code, phrase)


# -- bad arguments -------------------------------------------------------------------------------

ENDPOINTS = {
    "not-a-url": ("not-a-url", "not an http or https URL"),
    "file": ("file:///etc/passwd", "not an http or https URL"),
    "ftp": ("ftp://127.0.0.1/sparql", "not an http or https URL"),
    "no-host": ("http:///sparql", "not an http or https URL"),
    "bad-port": ("http://127.0.0.1:port/sparql", "not a valid URL"),
    "space": ("http://exa mple.org/sparql", "not a valid URL"),
    "credentials": ("http://curator:s3cret@127.0.0.1:9/sparql", "credentials in the URL are refused"),
}
ENDPOINT_USERS = {
    "query": ["query", "founders", "--endpoint"],
    "validate": ["validate", "--endpoint"],
    "publish": ["publish", "--endpoint"],
    "publish-query-endpoint": ["publish", "--endpoint", "http://127.0.0.1:9/store", "--query-endpoint"],
}


@pytest.mark.parametrize("command", sorted(ENDPOINT_USERS))
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_bad_endpoints(command, endpoint):
    url, phrase = ENDPOINTS[endpoint]
    result = invoke(ROOT, [*ENDPOINT_USERS[command], url])
    _check(result.exit_code, result.stdout, result.stderr, 2, phrase)
    assert "s3cret" not in result.stderr


#: Arguments that are wrong for the command: (arguments, exit code, a phrase of the message).
BAD_ARGUMENTS = {
    "unknown-command": (["nope"], 2, "No such command 'nope'"),
    "unknown-option": (["query", "founders", "--nope"], 2, "see 'heritage-kg query --help'"),
    "bad-choice": (["export", "--format", "docx"], 2, "'docx' is not one of"),
    "missing-store": (["stats", "--store", "/nonexistent/store"], 2, "no such store"),
    "unwritable-output": (["export", "-o", "/nonexistent/folder/x.ttl"], 2, "does not exist"),
    "output-is-a-folder": (["graph", "-o", "/tmp"], 2, "is a directory"),
    "unknown-query": (["query", "founders-of"], 2, "did you mean founders?"),
    "missing-query-file": (["query", "nope.rq"], 2, "no such query file"),
    "update": (["query", "--sparql", "INSERT DATA { <a:b> <a:c> <a:d> }"], 2, "updates are not supported"),
    "load": (["query", "--sparql", "LOAD <http://example.org/x>"], 2, "updates are not supported"),
    "service": (["query", "--sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], 2,
                "unless --allow-service"),
    "syntax": (["query", "--sparql", "SELECT ?s WHERE {\n  ?s ?p\n}"], 1, "line 3"),
    "undeclared-prefix": (["query", "--sparql", "SELECT ?s WHERE { ?s a nope:Thing }"], 1, "undeclared prefix"),
    "unknown-parameter": (["query", "founders", "-p", "nope", "x"], 2, "unknown parameter 'nope'"),
    "parameter-twice": (["query", "founders", "-p", "organisation", "icom", "-p", "organisation", "icom"], 2,
                        "given twice"),
    "iri-names-nothing": (["query", "partners", "-p", "organisation", "blueshield"], 2, "did you mean blue-shield"),
    "below-range": (["query", "neighbourhood", "-p", "steps", "-1"], 2, "out of range (from 1 to 4)"),
    "above-range": (["query", "neighbourhood", "-p", "steps", "99"], 2, "out of range (from 1 to 4)"),
    "not-an-integer": (["query", "neighbourhood", "-p", "steps", "two"], 2, "is not an integer"),
    "graph-without-endpoint": (["query", "founders", "--graph", "https://example.org/g"], 2, "only with --endpoint"),
    "graph-not-an-iri": (["query", "founders", "--endpoint", "http://127.0.0.1:9/q", "--graph", "not an iri"], 2,
                         "not an absolute IRI"),
    "unknown-kind": (["graph", "--kind", "friendship"], 2, "--kind friendship: not a kind of tie in the network"),
    "around-nothing": (["graph", "--around", "nowhere", "--format", "dot"], 2, "no such organisation"),
    "diff-nothing": (["diff", "nope-old", "nope-new"], 2, "nope-old"),
    "validate-missing-path": (["validate", "data/nope.ttl"], 2, "no such file or folder"),
    "serve-bad-host": (["serve", "--host", "256.0.0.1", "--port", "0"], 2, "--host"),
    "unknown-suffix-export": (["export", "-o", "/tmp/heritage-kg.json"], 2, "cannot tell the format from '.json'"),
    "unknown-suffix-graph": (["graph", "-o", "/tmp/network.png"], 2, "cannot tell the format from '.png'"),
    "unknown-suffix-timeline": (["timeline", "-o", "/tmp/timeline.png"], 2, "cannot tell the format from '.png'"),
    "timeline-month-13": (["timeline", "--from", "1996-13"], 2, "--from '1996-13': give a year, a month or a day"),
    "timeline-backwards": (["timeline", "--from", "2030", "--to", "2000"], 2, "--from 2030 is not before --to 2000"),
    "timeline-nobody": (["timeline", "--organisation", "nowhere"], 2, "--organisation 'nowhere': no such entity"),
    "graph-year-zero": (["graph", "--year", "0"], 2, "0 is not in the range 1<=x<=9999"),
    "suffix-of-another-form": (["query", "founders", "-o", "/tmp/rows.ttl"], 2,
                               "-o /tmp/rows.ttl: a SELECT answer is written as one of"),
    "output-ends-in-a-slash": (["export", "-o", "/tmp/nope/"], 2, "is a folder"),
    "format-of-another-form": (["query", "--sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv"], 2,
                               "--format csv: a CONSTRUCT answer is written as one of"),
    "limit-without-a-number": (["query", "--sparql", "SELECT ?s WHERE { ?s ?p ?o } LIMIT"], 1, "expected a number"),
    "undeclared-prefix-in-filter": (["query", "--sparql", "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = ex:foo) }"], 1,
                                    "an undeclared prefix ex:"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGUMENTS))
def test_bad_arguments(case):
    args, code, phrase = BAD_ARGUMENTS[case]
    result = invoke(ROOT, args)
    _check(result.exit_code, result.stdout, result.stderr, code, phrase)


def test_a_bug_is_still_one_line(monkeypatch):
    """Whatever a command raises that nothing expected is one line, and says it is a bug."""
    import heritage_kg.stats

    def broken(store):
        raise KeyError("boom")
    monkeypatch.setattr(heritage_kg.stats, "compute", broken)
    result = invoke(ROOT, ["stats"])
    _check(result.exit_code, result.stdout, result.stderr, 1, "internal error: KeyError")
    assert "this is a bug" in result.stderr


def test_recursion_is_named_as_nesting_not_as_a_bug(monkeypatch):
    import heritage_kg.stats

    def deep(store):
        raise RecursionError("maximum recursion depth exceeded")
    monkeypatch.setattr(heritage_kg.stats, "compute", deep)
    result = invoke(ROOT, ["stats"])
    _check(result.exit_code, result.stdout, result.stderr, 1, "the input is nested too deeply to process")


def test_a_broken_dump_for_diff(tmp_path):
    broken = tmp_path / "broken.nt"
    broken.write_text("<https://example.org/a> <https://example.org/b> .\n", encoding="utf-8")
    result = invoke(ROOT, ["diff", str(broken), str(broken)])
    assert result.exit_code in (1, 2)
    _check(result.exit_code, result.stdout, result.stderr, result.exit_code, "broken.nt")


def test_a_reader_that_goes_away_ends_the_command_quietly():
    """`heritage-kg export | head -1`: the pipe closes under the export, which stops, exit 0,
    with no error and no traceback."""
    process = subprocess.Popen([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), "export", "--format",
                                "nt"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert "Error" not in err and "Traceback" not in err


def test_a_full_disk_is_one_line_not_a_bug():
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), "stats"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    _check(done.returncode, "", done.stderr, 1, "No space left on device")
