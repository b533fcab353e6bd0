"""The README documents every command and every named query, with an example each."""

from __future__ import annotations

import re
import sys

import pytest

from heritage_kg.cli import cli

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_command_is_documented_with_an_example(command):
    assert f"### `heritage-kg {command}`" in README or f"`heritage-kg {command}`" in README
    assert re.search(rf"^heritage-kg {command}\b", README, re.MULTILINE), f"no example of {command}"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_command_help_has_an_example(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Example" in result.stdout


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "queries").glob("*.rq")))
def test_named_query_is_listed(name):
    assert f"| `{name}` |" in README


def test_two_setup_commands():
    blocks = re.findall(r"```sh\n(.*?)```", README.split("## Set up", 1)[1].split("## Commands", 1)[0], re.DOTALL)
    assert [b.strip() for b in blocks] == [
        "pip install -e . && heritage-kg validate && heritage-kg export --format ttl -o heritage-kg.ttl",
        "pip install -e '.[test]' && pytest",
    ]


def _examples() -> list[tuple[str, str]]:
    """(command, example) for every example in every --help, the group's included."""
    found = []
    for name, command in [("", cli), *sorted(cli.commands.items())]:
        for line in (command.help or "").splitlines():
            if line.strip().startswith("heritage-kg "):
                found.append((name, line.strip()))
    return found


#: The order the examples run in, so that each finds what an earlier one made: the store, the
#: graph published to the server; and a release before `add` and `fmt` change the files a
#: release must find as they were committed.
_FIRST = ("load", "export", "publish", "release")


@pytest.fixture(scope="module")
def workplace(tmp_path_factory):
    """A copy of the project under git, with two commits, and two dumps to compare."""
    import shutil
    import subprocess

    root = tmp_path_factory.mktemp("examples") / "checkout"
    for name in ("ontology", "data", "shapes", "queries", "docs"):
        shutil.copytree(ROOT / name, root / name)
    if (ROOT.parent / "shared").is_dir():  # `add` checks key phrases against the sources beside the checkout
        (root.parent / "shared").symlink_to(ROOT.parent / "shared")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], cwd=root, check=True)
    places = root / "data" / "places.ttl"
    places.write_text(places.read_text(encoding="utf-8") + "\n# a second commit\n", encoding="utf-8")
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "two"], cwd=root, check=True)
    for name in ("old.nt", "new.nt"):
        subprocess.run([sys.executable, "-m", "heritage_kg.cli", "export", "--format", "nt", "-o", name], cwd=root,
                       check=True, capture_output=True)
    return root


def test_every_help_example_runs(workplace, tmp_path_factory):
    """Each example in each command's --help, run as written, in a checkout: against a real
    Oxigraph server where it names one (on a free port in place of 7878), and for serve, until
    the service answers."""
    import subprocess

    from .servers import _stop, _wait_until_up, free_port, oxigraph_server

    examples = sorted(_examples(), key=lambda e: (_FIRST.index(e[0]) if e[0] in _FIRST else len(_FIRST)))
    assert len(examples) >= len(cli.commands)
    python = f"{sys.executable} -m heritage_kg.cli"
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "store") as base:
        for name, example in examples:
            line = example.replace("localhost:7878", base.removeprefix("http://")).replace("heritage-kg ", python + " ", 1)
            if name == "serve":
                port = free_port()
                line = re.sub(r"--port \d+", "", line) + f" --port {port}"
                log = workplace / f"serve-{port}.log"
                with open(log, "wb") as sink:
                    process = subprocess.Popen(["bash", "-c", f"exec {line}"], cwd=workplace, stdout=sink,
                                               stderr=subprocess.STDOUT, start_new_session=True)
                try:
                    _wait_until_up(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", process, log)
                finally:
                    _stop(process)
                continue
            done = subprocess.run(["bash", "-c", line], cwd=workplace, capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, f"{example}\n{done.stderr[-2000:]}"
            assert "Traceback" not in done.stdout + done.stderr, example
