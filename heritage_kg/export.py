"""The whole dataset, with its description, in one RDF format."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .describe import describe
from .serialise import serialise_export_utf8, serialise_store_utf8
from .stats import figures


def export_utf8(store: ox.Store, fmt: str, kept: Path | None = None) -> bytes:
    """The export's bytes: what a file or an HTTP body holds.

    ``kept`` is the N-Triples export an on-disk store keeps (`store.dump_file`). The other
    formats are made from it, the same bytes as from the store: reading millions of triples back
    out of RocksDB takes longer than all the rest of the work.
    """
    if kept is None:
        return serialise_store_utf8(store, fmt, description=describe(figures(store)))
    text = kept.read_bytes()
    if fmt == "nt":
        return text
    # only N-Quads and TriG need to know which lines are the description: they put it in the
    # default graph
    description = describe(figures(store)) if fmt in ("nq", "trig") else []
    made = serialise_export_utf8(text, fmt, description)
    return made if made is not None else serialise_store_utf8(store, fmt, description=description)


def export(store: ox.Store, fmt: str) -> str:
    return export_utf8(store, fmt).decode("utf-8")
