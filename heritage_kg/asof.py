"""The graph as of a date: which of a node's ties held on a day, in a month or in a year.

The rules are the named query ``as-of`` (queries/as-of.rq, described in docs/data-model.md);
the pages, ``describe`` and the explorer ask it, so that all of them agree with it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .periods import Period
from .queries import bind_values, read_query

#: A tie that held on the date, and one whose start the sources do not give.
HOLDS, UNDATED = "holds", "undated"


@lru_cache(maxsize=4)
def _query(queries: Path):
    return read_query(queries / "as-of.rq")


def statuses(store: ox.Store, queries: Path, node: str | None, when: Period) -> dict[str, str]:
    """Each tie of ``node`` (of every node, for None), by IRI: whether it held as of ``when``
    ("holds"), had not begun ("not yet"), had ended ("ended"), or is undated ("undated")."""
    given = {"asOf": when.text, "all": "true"} | ({"organisation": f"<{node}>"} if node is not None else {})
    return {row["tie"].value: row["status"].value for row in _rows(store, queries, given)}


def spans(store: ox.Store, queries: Path) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Each tie's start, end and (a figure's) replacement, by IRI, as the named query ``as-of``
    reads them from the data: what the static site's explorer needs to tell, in the browser,
    which ties held on any date, by the comparison that ends that query."""
    return {row["tie"].value: tuple(None if row[v] is None else row[v].value for v in ("start", "end", "replaced"))
            for row in _rows(store, queries, {"asOf": "2000", "all": "true"})}


def _rows(store: ox.Store, queries: Path, given: dict[str, str]):
    """The rows of the named query ``as-of`` with the parameters ``given`` bound, and the others
    left unbound: without an organisation, the rows are every organisation's."""
    query = _query(queries)
    chosen = {name: term for name, term in query.bindings(given).items() if name in given}
    return store.query(bind_values(query.text, chosen, query.name))
