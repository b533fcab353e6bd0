"""Turtle files into a store or graph, with every syntax error reported as file:line:col.

Parsing goes through Oxigraph's parser, which is strict: it rejects what the RDF 1.1 Turtle
grammar rejects (a literal as subject, an IRI with a space, ``"x"@en^^dt``) even where rdflib
would accept it, and it does not recurse, so deeply nested input cannot overflow the stack.

Files are parsed with no base IRI, so a relative IRI is an error rather than a path of this
machine (``<passwd>`` would otherwise become ``<file:///home/.../data/passwd>`` in every export),
and an IRI of the ``file:`` scheme, written in full, is refused too.
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


#: The longest token (a literal, an IRI) Oxigraph's parser holds in its buffer, in bytes.
MAX_TOKEN = 16 * 1024 * 1024
#: Syntax errors reported for one file at most; the parser goes on after each.
MAX_ISSUES = 100
_RELATIVE = "No scheme found in an absolute IRI"
#: Bytes that may spell a file: IRI: an IRI that starts with the scheme, or one with a \u escape
#: (literals and names hold neither, so "file:" in a text or "caf\u00e9" costs no scan).
_MAYBE_FILE = re.compile(rb"<(?i:file:)|<[^>\s]*\\[uU]")


def _issue(path: Path, error: SyntaxError, ours: bool = True) -> SyntaxIssue:
    """The parser's error as an issue at its line and column; in the project's own files
    (``ours``), a relative IRI is said in the project's terms."""
    text = str(error.msg if hasattr(error, "msg") else error)
    text = _TRAILER.sub("", _POSITION.sub("", text))
    if ours and text.startswith(_RELATIVE):
        text = "a relative IRI: the project's files have no base IRI, so write every IRI in full or as a prefixed name"
    return SyntaxIssue(path, error.lineno or 1, error.offset or 1, text)


class _TooLong(SyntaxIssue):
    """A token the parser could not hold: nothing after it was read."""


def _too_long(path: Path) -> SyntaxIssue:
    """Where the token that overflowed the parser's buffer starts."""
    from .sourcemap import long_token

    text = path.read_text(encoding="utf-8", errors="replace")
    line, column = long_token(text, MAX_TOKEN) or (1, 1)
    return _TooLong(path, line, column, f"a literal or IRI longer than the parser's limit of "
                                        f"{MAX_TOKEN // (1024 * 1024)} MiB, or one never closed")


def _file_iris(path: Path, data: bytes) -> list[SyntaxIssue]:
    """An issue for each IRI of the file: scheme in the file, which would publish a path of this
    machine. Scanned only when the bytes could spell one."""
    if not _MAYBE_FILE.search(data):
        return []
    from .sourcemap import iri_tokens

    return [SyntaxIssue(path, line, column, f"<{iri}>: an IRI of the file: scheme names a path of this machine; "
                                            "use an http(s) IRI")
            for iri, line, column in iri_tokens(data.decode("utf-8", errors="replace"))
            if iri.lower().startswith("file:")]


def all_issues(path: Path, data: bytes | None = None, base: str | None = None) -> list[SyntaxIssue]:
    """Every syntax issue of one file (up to `MAX_ISSUES`): those the parser finds going on
    after each, and those of each statement parsed alone, since after an error the parser skips
    to the next dot, which ends the following statement when the error was the dot itself.

    The project's files have no base IRI, so a relative IRI is an issue; ``base`` gives one, for
    Turtle from elsewhere (the W3C test suite's files are written against one)."""
    if data is None:
        data = _read(path)
    issues = _parser_issues(path, data, base)
    if issues and not isinstance(issues[-1], _TooLong):
        seen = {(i.line, i.column) for i in issues}
        issues += [i for i in _statement_issues(path, data.decode("utf-8", errors="replace"), base)
                   if (i.line, i.column) not in seen]
    issues = sorted(issues, key=lambda issue: (issue.line, issue.column))
    if len(issues) > MAX_ISSUES:
        last = issues[MAX_ISSUES]
        issues = issues[:MAX_ISSUES] + [SyntaxIssue(path, last.line, last.column,
                                                    f"more than {MAX_ISSUES} syntax errors; the rest are not listed")]
    # an IRI of the file: scheme is refused in the project's files, which have no base; Turtle
    # from elsewhere, read against its own base, may name one
    ours = _file_iris(path, data) if base is None else []
    return sorted(issues + ours, key=lambda issue: (issue.line, issue.column))


_DECLARES = re.compile(r"(?i)@?prefix\s+([^\s:]*):")
_SETS_BASE = re.compile(r"(?i)@?base\b")
_NAMES_PREFIX = re.compile(r"([A-Za-z][\w.-]*|)(?=:)")


def _statement_issues(path: Path, text: str, base_iri: str | None = None) -> list[SyntaxIssue]:
    """The first syntax issue of each statement, each parsed alone after the base and the prefix
    declarations it uses (not all those before it, which would make a file of many prefixes
    quadratic), with its lines and columns where they are in the file."""
    from .sourcemap import _Lines, statement_spans

    lines = _Lines(text)
    declared: dict[str, str] = {}  # prefix -> its latest declaration, as written
    base = ""
    found = []
    for start, end, directive in statement_spans(text):
        line, column = lines(start)
        chunk = text[start:end]
        used = {name for name in _NAMES_PREFIX.findall(chunk) if name in declared}
        before = (base + "\n" if base else "") + "".join(declared[name] + "\n" for name in sorted(used))
        # padded to its column, so that the parser's columns are the file's
        snippet = before + " " * (column - 1) + text[start:end]
        try:
            for _ in ox.parse(snippet.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base_iri):
                pass
        except SyntaxError as error:
            issue = _issue(path, error)
            found.append(SyntaxIssue(path, line + issue.line - 1 - before.count("\n"), issue.column, issue.message))
        except MemoryError:
            pass  # the parser's own pass has said so
        if directive:
            declares = _DECLARES.match(chunk)
            if declares:
                declared[declares.group(1)] = chunk
            elif _SETS_BASE.match(chunk):
                base = chunk
        if len(found) > MAX_ISSUES:
            break
    return found


def _parser_issues(path: Path, data: bytes, base: str | None = None) -> list[SyntaxIssue]:
    """The syntax issues the parser reports, going on after each."""
    issues: list[SyntaxIssue] = []
    quads = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=base)
    while True:
        try:
            next(quads)
        except StopIteration:
            break
        except SyntaxError as error:
            issue = _issue(path, error)
            if issues and (issues[-1].line, issues[-1].column) == (issue.line, issue.column):
                break  # the parser is not moving on
            issues.append(issue)
            if len(issues) > MAX_ISSUES:
                break
        except MemoryError:
            issues.append(_too_long(path))
            break
    return issues


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot read: {error.strerror or error}") from None


def load_each_into(store: ox.Store, paths: list[Path]) -> list[SyntaxIssue]:
    """Parse each file strictly straight into ``store`` (no Python object per triple), and return
    the syntax issues of all of them rather than stopping at the first."""
    from .progress import phase

    issues = []
    sizes = [_size(path) for path in paths]
    with phase("parsing", total=sum(sizes)) as advance:
        for path, size in zip(paths, sizes):
            try:
                store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
            except (SyntaxError, MemoryError):
                issues.extend(all_issues(path) or [_too_long(path)])
                continue
            except OSError as error:
                raise DataError(f"{path}: cannot read: {error.strerror or error}") from None
            issues.extend(_file_iris(path, _read(path)))
            advance(size)
    return issues


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def load_into(store: ox.Store, paths: list[Path]) -> None:
    """`load_each_into`, then one DataError naming the first syntax issue of all the files, and
    how many more there are."""
    raise_for_issues(load_each_into(store, paths))


def _parse_file(path: Path) -> list[ox.Triple]:
    """Parse one Turtle file strictly; raise _Unparsed with every issue of the file on failure."""
    data = _read(path)
    issues = _file_iris(path, data)
    try:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    except (SyntaxError, MemoryError):
        raise _Unparsed(all_issues(path, data) or [_too_long(path)]) from None
    if issues:
        raise _Unparsed(issues)
    return triples


class _Unparsed(Exception):
    def __init__(self, issues: list[SyntaxIssue]) -> None:
        super().__init__(str(issues[0]))
        self.issues = issues


def load(paths: list[Path]) -> Loaded:
    """Parse every file, collecting the syntax issues of all of them rather than the first."""
    loaded = Loaded()
    for path in paths:
        try:
            loaded.triples[path] = _parse_file(path)
        except _Unparsed as error:
            loaded.issues.extend(error.issues)
    return loaded


#: Oxigraph's parser for each RDF file suffix `load_any` reads.
ANY_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
               ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
               ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML}


def any_files(given: list[str], option: str) -> list[Path]:
    """The RDF files named by ``given`` (files, or folders searched for every suffix of
    `ANY_FORMATS`), in order.

    Raises:
        UsageError: a path that does not exist, a file whose suffix names no RDF format, or
            a folder with no RDF file.
    """
    from .errors import UsageError

    found: list[Path] = []
    for text in given:
        path = Path(text)
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ANY_FORMATS)
            if not inside:
                raise UsageError(f"{option} {text}: no RDF file in the folder ({', '.join(ANY_FORMATS)})")
            found += inside
        elif path.is_file():
            if path.suffix.lower() not in ANY_FORMATS:
                raise UsageError(f"{option} {text}: cannot tell the RDF format from {path.suffix or 'no suffix'!r} "
                                 f"({', '.join(ANY_FORMATS)})")
            found.append(path)
        else:
            raise UsageError(f"{option} {text}: no such file or folder")
    return found


def load_any(paths: list[Path]) -> Loaded:
    """Parse RDF files from anywhere, each by its suffix, with its own address as the base of
    its relative IRIs (the project's own rules, such as no relative IRI, are not applied); the
    quads of a dataset are read into one graph. A file that does not parse gives one issue,
    where the parser stopped."""
    loaded = Loaded()
    loaded.issues = _each_any(paths, lambda path, quads: loaded.triples.__setitem__(
        path, [ox.Triple(q.subject, q.predicate, q.object) for q in quads]))
    return loaded


def load_any_into(store: ox.Store, paths: list[Path]) -> list[SyntaxIssue]:
    """`load_any` straight into ``store``'s default graph, the quads of a dataset with their
    graph dropped. Blank nodes keep the labels of the file (a store's own loader would rename
    them), so that a report names them as the file does. A file that does not parse gives one
    issue; what it held before the error may stay."""
    def take(path: Path, quads) -> None:
        if ANY_FORMATS[path.suffix.lower()] in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        else:
            store.bulk_extend(quads)  # triples parse into the default graph already
    return _each_any(paths, take)


def _each_any(paths: list[Path], take) -> list[SyntaxIssue]:
    """Parse each file by its suffix against its own address, and hand its quads to
    ``take(path, quads)``; the issue of each file that does not parse or cannot be read."""
    issues = []
    for path in paths:
        try:
            take(path, ox.parse(path=str(path), format=ANY_FORMATS[path.suffix.lower()], base_iri=path.resolve().as_uri()))
        except SyntaxError as error:
            issues.append(_issue(path, error, ours=False))
        except (OSError, MemoryError) as error:
            issues.append(SyntaxIssue(path, 1, 1, f"cannot read: {getattr(error, 'strerror', None) or error}"))
    return issues
