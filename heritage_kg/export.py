"""The whole dataset, with its description, in one RDF format."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .describe import PACKAGE, Edition, describe
from .formats import RDF_FORMATS
from .keptexport import FORMAT as KEPT_FORMAT, KeptExport
from .progress import phase
from .serialise import serialise_export_utf8, serialise_store_utf8
from .stats import figures


@dataclass(frozen=True)
class Export:
    """An export's bytes, and what it holds: the published graph (the files and the
    standard-vocabulary triples materialised from them) and the dataset's description."""

    body: bytes
    #: Triples of the published graph, as the store counts them.
    graph: int
    #: Triples in the export: the graph's and the description's, blank nodes with the same
    #: content counted once (they are one node in the export).
    triples: int


def make_export(store: ox.Store, fmt: str, kept: KeptExport | None = None, graph: int | None = None,
                edition: Edition = PACKAGE) -> Export:
    """The export of ``store`` in ``fmt``.

    ``kept`` is the N-Triples export an on-disk store keeps (`store.dump_file`), checked against
    its record before use, and ``graph`` the number of triples the store's manifest records. The
    other formats are made from it, the same bytes as from the store: reading millions of
    triples back out of RocksDB takes longer than all the rest of the work.
    """
    with phase(f"writing the export as {RDF_FORMATS[fmt].suffix.lstrip('.')}" if fmt in RDF_FORMATS else "writing the export"):
        if kept is None:
            stats = figures(store)
            description = describe(stats, edition)
            body = serialise_store_utf8(store, fmt, description=description)
            # blank nodes are labelled by their content, so two with the same content are one in
            # the export: its triples are counted in its N-Triples form, a line each
            lines = body if fmt == "nt" else serialise_store_utf8(store, "nt", description=description)
            return Export(body, stats["triples"], lines.count(b"\n"))
        text = kept.read()
        counted = graph if graph is not None else len(store)
        if fmt == KEPT_FORMAT:
            return Export(text, counted, kept.triples)
        # only N-Quads and TriG need to know which lines are the description: they put it in the
        # default graph
        description = describe(figures(store), edition) if fmt in ("nq", "trig") else []
        made = serialise_export_utf8(text, fmt, description)
        body = made if made is not None else serialise_store_utf8(store, fmt, description=description)
        return Export(body, counted, kept.triples)


def export_utf8(store: ox.Store, fmt: str, kept: KeptExport | None = None, edition: Edition = PACKAGE) -> bytes:
    """The export's bytes: what a file or an HTTP body holds."""
    return make_export(store, fmt, kept, edition=edition).body


def export(store: ox.Store, fmt: str) -> str:
    return export_utf8(store, fmt).decode("utf-8")
