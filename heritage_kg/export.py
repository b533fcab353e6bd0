"""The whole dataset, with its description, in one RDF format."""

from __future__ import annotations

import pyoxigraph as ox

from .describe import describe
from .serialise import serialise_store
from .stats import figures


def export(store: ox.Store, fmt: str) -> str:
    return serialise_store(store, fmt, description=describe(figures(store)))
