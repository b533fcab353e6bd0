"""Turtle files into a store or graph, with every syntax error reported as file:line:col.

Parsing goes through Oxigraph's parser, which is strict: it rejects what the RDF 1.1 Turtle
grammar rejects (a literal as subject, an IRI with a space, ``"x"@en^^dt``) even where rdflib
would accept it, and it does not recurse, so deeply nested input cannot overflow the stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import DataError

_POSITION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")
_TRAILER = re.compile(r" \(line \d+\)$")


@dataclass(frozen=True)
class SyntaxIssue:
    path: Path
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass
class Loaded:
    """What a load produced: the triples of each file that parsed, and the syntax issues."""

    triples: dict[Path, list[ox.Triple]] = field(default_factory=dict)
    issues: list[SyntaxIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def all_triples(self):
        for triples in self.triples.values():
            yield from triples

    def store(self) -> ox.Store:
        """An in-memory Oxigraph store holding every triple in the default graph."""
        store = ox.Store()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.all_triples())
        return store

    def raise_for_issues(self) -> None:
        raise_for_issues(self.issues)


def raise_for_issues(issues: list[SyntaxIssue]) -> None:
    """One error naming the first syntax issue, and how many more there are."""
    if issues:
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        raise DataError(f"{issues[0]}{more}")


def _issue(path: Path, error: SyntaxError) -> SyntaxIssue:
    text = str(error.msg if hasattr(error, "msg") else error)
    text = _TRAILER.sub("", _POSITION.sub("", text))
    return SyntaxIssue(path, error.lineno or 1, error.offset or 1, text)


def load_each_into(store: ox.Store, paths: list[Path]) -> list[SyntaxIssue]:
    """Parse each file strictly straight into ``store`` (no Python object per triple), and return
    the syntax issues of all of them rather than stopping at the first."""
    issues = []
    for path in paths:
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        except SyntaxError as error:
            issues.append(_issue(path, error))
        except OSError as error:
            raise DataError(f"{path}: cannot read: {error.strerror or error}") from None
    return issues


def load_into(store: ox.Store, paths: list[Path]) -> None:
    """`load_each_into`, then one DataError naming the first syntax issue of all the files, and
    how many more there are."""
    raise_for_issues(load_each_into(store, paths))


def parse_file(path: Path) -> list[ox.Triple]:
    """Parse one Turtle file strictly; raise SyntaxError with its position on failure."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot read: {error.strerror or error}") from None
    base = path.resolve().as_uri()
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=base)
    ]


def load(paths: list[Path]) -> Loaded:
    """Parse every file, collecting the syntax issues of all of them rather than the first."""
    loaded = Loaded()
    for path in paths:
        try:
            loaded.triples[path] = parse_file(path)
        except SyntaxError as error:
            loaded.issues.append(_issue(path, error))
    return loaded
