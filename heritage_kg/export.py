"""The whole dataset, with its description, in one RDF format."""

from __future__ import annotations

import pyoxigraph as ox

from .describe import describe
from .serialise import serialise_store_utf8
from .stats import figures


def export_utf8(store: ox.Store, fmt: str) -> bytes:
    """The export's bytes: what a file or an HTTP body holds."""
    return serialise_store_utf8(store, fmt, description=describe(figures(store)))


def export(store: ox.Store, fmt: str) -> str:
    return export_utf8(store, fmt).decode("utf-8")
