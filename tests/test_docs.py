"""The README documents every command and every named query, with an example each."""

from __future__ import annotations

import re

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
