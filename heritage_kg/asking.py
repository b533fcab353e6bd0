"""From what a user typed to the SPARQL that `heritage-kg query` sends: which query (a name, a
file, stdin or ``--sparql``), its parameters bound and checked against the graph, and a refusal
in plain words of what the command does not do (updates; SERVICE unless allowed)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from .errors import UsageError
from .project import Project
from .queries import NamedQuery, is_update, read_query, uses_service


def choose(project: Project, query: str | None, sparql_text: str | None) -> NamedQuery:
    """The query the user named: QUERY (a named query, a .rq file or - for stdin) or ``--sparql``."""
    if (query is None) == (sparql_text is None):
        raise UsageError("give either a QUERY (name, file or -) or --sparql TEXT")
    if sparql_text is not None:
        return NamedQuery("--sparql", Path("--sparql"), sparql_text)
    if query == "-":
        return NamedQuery("stdin", Path("-"), sys.stdin.read())
    if query.endswith(".rq") or "/" in query:
        if not Path(query).is_file():
            raise UsageError(f"{query}: no such query file")
        return read_query(Path(query))
    known = {path.stem: path for path in project.query_files()}
    if query not in known:
        near = difflib.get_close_matches(query, known, n=3)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise UsageError(f"unknown query {query!r}{hint}; 'heritage-kg queries' lists them")
    return read_query(known[query])  # only this one: another's broken header is not this one's error


def refuse(named: NamedQuery, allow_service: bool) -> None:
    """Refuse, in plain words, what `query` does not do."""
    if is_update(named.text):
        raise UsageError(f"{named.name}: updates are not supported: heritage-kg query only reads")
    if uses_service(named.text) and not allow_service:
        raise UsageError(f"{named.name}: SERVICE sends requests to other servers; heritage-kg query refuses "
                         "it unless --allow-service is given (and then waits --timeout seconds at most)")


def check_terms(named: NamedQuery, bindings: dict, given: dict[str, str], engine) -> None:
    """Refuse an IRI parameter the user gave that names nothing in the graph behind ``engine``,
    with the nearest known names of its namespace."""
    for param in named.params:
        if param.type != "iri" or param.name not in given:
            continue
        term = bindings[param.name]
        if _holds(engine, term):
            continue
        typed = given[param.name]
        slug = term.value.removeprefix(param.namespace)
        near = difflib.get_close_matches(slug, _names(engine, param.namespace), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UsageError(f"parameter {param.name!r}: {typed!r} names nothing in the graph{hint}")


def _holds(engine, term) -> bool:
    """Whether the graph behind ``engine`` has ``term`` in a triple."""
    return bool(engine.query(f"ASK {{ {{ {term} ?p ?o }} UNION {{ ?s ?p {term} }} }}", "check").boolean)


def _names(engine, namespace: str) -> list[str]:
    """The local names of the subjects in ``namespace``: asked only when a name is missing."""
    rows = engine.query(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), \"{namespace}\")) }}",
                        "names").rows
    return [row["s"].value.removeprefix(namespace) for row in rows if "s" in row]
