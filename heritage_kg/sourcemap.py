"""Where each statement of the Turtle files is, so that reports can point at the line that caused
a finding, and at the subject's definition only when no statement is to blame.

Parsers keep no positions, so this module scans the Turtle text itself. To place findings it
needs only where each statement block starts and ends, what its subject is, and, for the few
subjects that have findings, which predicate and object each of their statements has: it tracks
strings, IRIs, comments, prefixes and bracket depth, and nothing else of the grammar. The same
scan also serves files that did not parse (`statement_spans`, `iri_tokens`, `long_token`), where
it follows what it can and never raises.

The scan keeps little: one record per statement block, and the statements themselves only of the
blocks asked about, scanned again from their offsets. Its patterns are possessive, so that a
literal of many megabytes is one match rather than one saved state per character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_TOKEN = re.compile(
    r'''(?P<ws>\s++)
      | (?P<comment>\#[^\n]*+)
      | (?P<iri><[^>\s]*+>)
      | (?P<long>"""(?:[^"\\]++|\\.|"(?!""))*+"""|\'\'\'(?:[^'\\]++|\\.|'(?!''))*+\'\'\')
      | (?P<string>"(?:[^"\\\n]++|\\.)*+"|'(?:[^'\\\n]++|\\.)*+')
      | (?P<directive>@prefix|@base|(?i:prefix|base)(?=\s))
      | (?P<open>[\[(])
      | (?P<close>[\])])
      | (?P<dot>\.(?![0-9]))
      | (?P<semi>;)
      | (?P<comma>,)
      | (?P<word>[^\s;,\[\]()"'<>\#]++)
      | (?P<punct>.)''',
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}


@dataclass(frozen=True)
class Position:
    path: Path
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, eq=False)
class Block:
    """One statement block of a subject: from its subject to the dot that ends it."""

    path: Path
    start: int
    end: int
    line: int
    column: int
    #: Whether the block states the subject's type (``a`` or rdf:type): its definition.
    typed: bool
    prefixes: dict
    base: str


def chain_key(parent: int, predicate: str) -> int:
    """The key of the chain of predicates that leads from a block's subject through ``parent``'s
    chain and then ``predicate`` to a blank node: one number however deep the nesting, so that
    chains compare in constant time. The subject's own chain is 0."""
    return hash((parent, predicate))


@dataclass(frozen=True)
class Statement:
    """A statement found in a block. ``chain`` is the `chain_key` of the predicates leading from
    the block's subject to the blank node the statement is about: 0 for the subject's own."""

    chain: int
    predicate: str
    #: The object's IRI or lexical form; None for a blank node or a collection.
    value: str | None
    line: int
    column: int


class _Lines:
    """Line and column of a character offset."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self._starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self._starts[lo] + 1


def unescape(text: str) -> str:
    """The characters of a Turtle string body or local name, its escapes undone."""
    if "\\" not in text:
        return text

    def one(match: re.Match) -> str:
        code = match.group(1) or match.group(2)
        if code:
            return chr(int(code, 16))
        char = match.group(3)
        return _SIMPLE.get(char, char)
    return _ESCAPE.sub(one, text)


def _resolve(token: str, prefixes: dict, base: str) -> str | None:
    if token.startswith("<"):
        return urljoin(base, unescape(token[1:-1])) if base else unescape(token[1:-1])
    if ":" in token and not token.startswith("_:"):
        prefix, local = token.split(":", 1)
        if prefix in prefixes:
            return prefixes[prefix] + unescape(local)
    return None


def _literal(kind: str, token: str) -> str:
    """The lexical form of a string token (its quotes and any language tag or datatype are
    separate tokens or absent)."""
    quote = 3 if kind == "long" else 1
    return unescape(token[quote:-quote])


def tokens(text: str):
    """Yield (kind, text, offset) for every token of a Turtle document, whitespace and comments
    included, as far as its quotes and brackets can be followed; the kinds are the names of the
    groups of the pattern above (iri, string, long, word, comment, ...)."""
    for match in _TOKEN.finditer(text):
        yield match.lastgroup, match.group(), match.start()


def iri_tokens(text: str):
    """Yield (IRI, line, column) for every IRI written in a Turtle document, in full or as a
    prefixed name, directives included: what a check of the IRIs the files use needs."""
    lines = _Lines(text)
    prefixes: dict[str, str] = {}
    base = ""
    directive: list[str] | None = None
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind in ("ws", "comment"):
            continue
        if kind == "directive":
            directive = [value]
            continue
        if directive is not None:
            directive.append(value)
            if kind == "iri":
                iri = _resolve(value, {}, base)
                yield (iri, *lines(match.start()))
                if directive[0].lower().lstrip("@") == "base":
                    base = iri
                elif len(directive) == 3:
                    prefixes[directive[1].rstrip(":")] = iri
            if kind == "dot" or kind == "iri" and not directive[0].startswith("@"):
                directive = None
            continue
        if kind in ("iri", "word"):
            iri = _resolve(value.removeprefix("^^").rstrip(".") if kind == "word" else value, prefixes, base)
            if iri is not None:
                yield (iri, *lines(match.start()))


def statement_spans(text: str):
    """Yield (start, end, is_directive) for each top-level statement and directive of a Turtle
    document, as far as its brackets and quotes can be followed: what lets each statement of a
    broken file be parsed alone."""
    depth = 0
    start = None
    directive = False
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind in ("ws", "comment"):
            continue
        if start is None:
            start, directive = match.start(), kind == "directive"
            if directive and not value.startswith("@"):
                directive = "sparql"  # PREFIX p: <iri> and BASE <iri> end with their IRI
            continue
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif depth == 0 and (kind == "dot" or (kind == "word" and value.endswith(".") and not directive)):
            yield start, match.end(), bool(directive)
            start = None
        elif directive == "sparql" and kind == "iri":
            yield start, match.end(), True
            start = None
    if start is not None:
        yield start, len(text), bool(directive)


def long_token(text: str, limit: int) -> tuple[int, int] | None:
    """(line, column) of the first token longer than ``limit`` bytes in UTF-8, or of a long
    string that is never closed (which runs to the end of the text), or None."""
    for match in _TOKEN.finditer(text):
        # a character is at most four bytes, so most tokens are measured without encoding them
        if match.end() - match.start() > limit // 4 and len(match.group().encode("utf-8")) > limit:
            return _Lines(text)(match.start())
        # an unclosed """ is read as the empty string "" and a lone quote
        if match.lastgroup == "string" and match.group() in ('""', "''") and text[match.end():match.end() + 1] == match.group()[0]:
            return _Lines(text)(match.start())
    return None


def blocks(text: str, path: Path):
    """Yield (subject IRI, Block) for each statement block of a Turtle document whose subject is
    an IRI."""
    lines = _Lines(text)
    prefixes: dict[str, str] = {}
    base = ""
    depth = 0
    # where we are at depth 0: "subject", "predicate" (next token names one) or "object"
    expect = "subject"
    directive: list[str] | None = None
    current: tuple | None = None  # (iri, start offset, typed)

    def close(end: int):
        iri, start, typed = current
        line, column = lines(start)
        return iri, Block(path, start, end, line, column, typed, prefixes, base)

    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind in ("ws", "comment"):
            continue
        if directive is not None:
            if kind == "dot":
                directive = None
                continue
            directive.append(value)
            if directive[0].lower().lstrip("@") == "base" and len(directive) == 2:
                base = _resolve(value, {}, base) or base
                if not directive[0].startswith("@"):
                    directive = None
            elif len(directive) == 3:
                # a new dict, so that the blocks read before keep the prefixes they were read with
                prefixes = {**prefixes, directive[1].rstrip(":"): _resolve(directive[2], {}, base)}
                if not directive[0].startswith("@"):
                    directive = None
            continue
        if kind == "directive" and depth == 0 and expect == "subject":
            directive = [value]
            continue
        if kind == "open":
            depth += 1
            if depth == 1 and expect == "subject":
                expect = "predicate"  # a blank node as subject: not a block we can name
                current = None
            continue
        if kind == "close":
            depth -= 1
            if depth == 0 and expect == "object":
                expect = "after-object"
            continue
        if depth:
            continue
        ends = kind == "dot" or (kind == "word" and value.endswith(".") and expect != "subject")
        if expect == "subject" and kind in ("iri", "word"):
            iri = _resolve(value.rstrip("."), prefixes, base)
            current = (iri, match.start(), False) if iri is not None else None
            expect = "predicate"
        elif expect == "predicate" and kind in ("iri", "word"):
            if current is not None and not current[2] and (
                    value == "a" or _resolve(value, prefixes, base) == _RDF_TYPE):
                current = (current[0], current[1], True)
            expect = "object"
        elif kind == "semi":
            expect = "predicate"
        elif kind == "comma":
            expect = "object"
        elif expect == "object":
            expect = "after-object"
        if ends:
            if current is not None:
                yield close(match.end())
            current = None
            expect = "subject"


class _Counted:
    """Line and column of offsets that only grow, from a place whose line is known: the newlines
    between them are counted, not those of the whole text."""

    def __init__(self, text: str, offset: int, line: int) -> None:
        self._text, self._offset, self._line = text, offset, line
        self._start = text.rfind("\n", 0, offset) + 1

    def __call__(self, offset: int) -> tuple[int, int]:
        newlines = self._text.count("\n", self._offset, offset)
        if newlines:
            self._line += newlines
            self._start = self._text.rfind("\n", 0, offset) + 1
        self._offset = offset
        return self._line, offset - self._start + 1


def statements(text: str, block: Block):
    """Yield the Statements of one block, scanned again from its offsets."""
    lines = _Counted(text, block.start, block.line)
    prefixes, base = block.prefixes, block.base
    # one frame per open blank node: (chain to it, its current predicate); the block's subject
    # is the first frame
    frames: list[list] = [[0, None]]
    skip = 0  # depth inside a collection, whose items are not statements we locate
    seen_subject = False
    expect = "predicate"
    for match in _TOKEN.finditer(text, block.start, block.end):
        kind, value = match.lastgroup, match.group()
        if kind in ("ws", "comment"):
            continue
        if not seen_subject:
            seen_subject = True
            continue
        if skip:
            skip += {"open": 1, "close": -1}.get(kind, 0) if value in "()" else 0
            if skip == 0:
                expect = "after-object"
            continue
        chain, predicate = frames[-1]
        if kind == "open" and value == "(":
            if predicate is not None and expect == "object":
                yield Statement(chain, predicate, None, *lines(match.start()))
            skip = 1
            continue
        if kind == "open":
            if predicate is not None and expect == "object":
                yield Statement(chain, predicate, None, *lines(match.start()))
                frames.append([chain_key(chain, predicate), None])
            else:
                frames.append([chain, None])
            expect = "predicate"
            continue
        if kind == "close":
            if len(frames) > 1:
                frames.pop()
            expect = "after-object"
            continue
        if kind == "semi":
            expect = "predicate"
        elif kind == "comma":
            expect = "object"
        elif expect == "predicate" and kind in ("iri", "word"):
            frames[-1][1] = _RDF_TYPE if value == "a" else _resolve(value, prefixes, base)
            expect = "object"
        elif expect == "object" and predicate is not None:
            if kind in ("string", "long"):
                found = _literal(kind, value)
            elif kind in ("iri", "word"):
                word = value[:-1] if kind == "word" and value.endswith(".") and not _is_number(value) else value
                found = _resolve(word, prefixes, base) or word
            else:
                found = None
            yield Statement(chain, predicate, found, *lines(match.start()))
            expect = "after-object"


def _is_number(word: str) -> bool:
    return bool(re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", word))


class SourceMap:
    """The statement blocks of each subject, in file order, and the statements in them on
    request."""

    def __init__(self) -> None:
        self._blocks: dict[str, list[Block]] = {}
        #: Each file's place in the load order.
        self._order: dict[Path, int] = {}

    def add_file(self, path: Path, text: str | None = None) -> None:
        if text is None:
            text = path.read_text(encoding="utf-8", errors="replace")
        self._order.setdefault(path, len(self._order))
        for iri, block in blocks(text, path):
            self._blocks.setdefault(iri, []).append(block)

    def get(self, iri: str) -> Position | None:
        """The subject's definition: its first block that states its type, else its first block."""
        found = self._blocks.get(iri)
        if not found:
            return None
        block = next((b for b in found if b.typed), found[0])
        return Position(block.path, block.line, block.column)

    def locate_all(self, wanted: list[tuple]) -> list[Position | None]:
        """For each (subject IRI, chain, predicate IRI or None, value or None) in ``wanted``: the
        place of that statement; else of the subject's first statement with that predicate (on
        the chain); else the subject's definition; else None. Each file is read once."""
        by_path: dict[Path, set[int]] = {}
        for index, (subject, _chain, predicate, _value) in enumerate(wanted):
            if predicate is not None:
                for block in self._blocks.get(subject, ()):
                    by_path.setdefault(block.path, set()).add(index)
        best: dict[int, tuple] = {}
        for path, indices in by_path.items():
            text = path.read_text(encoding="utf-8", errors="replace")
            scanned: dict[Block, dict] = {}
            for index in indices:
                subject, chain, predicate, value = wanted[index]
                for block in self._blocks[subject]:
                    if block.path != path:
                        continue
                    if block not in scanned:
                        scanned[block] = {}
                        for statement in statements(text, block):
                            scanned[block].setdefault((statement.chain, statement.predicate), []).append(statement)
                    for statement in scanned[block].get((chain, predicate), ()):
                        # the statement itself first; among equals, the file loaded first
                        key = (0 if value is not None and statement.value == value else 1,
                               self._order[path], statement.line, statement.column)
                        if index not in best or key < best[index][0]:
                            best[index] = (key, Position(path, statement.line, statement.column))
        return [best[i][1] if i in best else self.get(subject) for i, (subject, *_rest) in enumerate(wanted)]

    def __len__(self) -> int:
        return len(self._blocks)

    @classmethod
    def of_files(cls, paths) -> "SourceMap":
        smap = cls()
        for path in paths:
            smap.add_file(path)
        return smap
