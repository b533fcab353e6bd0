"""The whole dataset, with its description, in one RDF format."""

from __future__ import annotations

import pyoxigraph as ox

from .describe import describe
from .serialise import serialise_triples
from .stats import compute


def export(store: ox.Store, fmt: str) -> str:
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store]
    return serialise_triples(triples, fmt, description=describe(compute(store)))
