"""Shared fixtures: the project, its published store, and helpers to run the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from heritage_kg.build import build_store
from heritage_kg.cli import cli
from heritage_kg.project import Project

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/golden/ from the current results (review the diff before committing).")


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def store(project):
    """The published graph: ontology and data, with the standard-vocabulary triples."""
    return build_store(project)


@pytest.fixture(scope="session")
def shared_dir(project) -> Path:
    shared = project.shared_dir()
    if not (shared / "seeds").is_dir():
        pytest.skip(f"the seed documents are not at {shared}/seeds; this test needs ../shared beside the checkout")
    return shared


@pytest.fixture
def run():
    """Invoke the CLI in-process from the project root; returns the click Result."""
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, ["--root", str(ROOT), *args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def copy_project(tmp_path) -> Path:
    """A throw-away copy of the project to break on purpose."""
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path
