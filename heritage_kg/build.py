"""The published graph: the project's ontology and data, parsed and materialised in a store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .loading import load_into
from .materialise import materialise
from .project import Project


def build_store(project: Project, files: list[Path] | None = None, materialised: bool = True) -> ox.Store:
    """Parse the given files (default: ontology/ and data/) into a store; raise on any syntax error."""
    store = ox.Store()
    load_into(store, files if files is not None else project.graph_files())
    if materialised:
        materialise(store, project.rule_files())
    return store
