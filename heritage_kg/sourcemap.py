"""Which file and line defines each subject, so that reports can point at them.

Parsers keep no positions, so this module scans the Turtle text itself. It runs only on files
that have already parsed, and it only needs to find where each statement starts and what its
subject is: it tracks strings, IRIs, comments and bracket depth, and nothing else of the grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

_TOKEN = re.compile(
    r'''(?P<ws>\s+)
      | (?P<comment>\#[^\n]*)
      | (?P<iri><[^>\s]*>)
      | (?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')
      | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<directive>@prefix|@base|(?i:prefix|base)(?=\s))
      | (?P<open>[\[(])
      | (?P<close>[\])])
      | (?P<dot>\.(?![0-9]))
      | (?P<word>[^\s;,\[\]()"'<>\#]+)
      | (?P<punct>.)''',
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Position:
    path: Path
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class SourceMap:
    """Maps subject IRIs to the place of their first statement block."""

    def __init__(self) -> None:
        self._positions: dict[str, Position] = {}

    def add_file(self, path: Path, text: str | None = None) -> None:
        if text is None:
            text = path.read_text(encoding="utf-8", errors="replace")
        for iri, line, column in subjects(text, path.resolve().as_uri()):
            self._positions.setdefault(iri, Position(path, line, column))

    def get(self, iri: str) -> Position | None:
        return self._positions.get(iri)

    def __len__(self) -> int:
        return len(self._positions)

    @classmethod
    def of_files(cls, paths) -> "SourceMap":
        smap = cls()
        for path in paths:
            smap.add_file(path)
        return smap


def _unescape_local(local: str) -> str:
    return re.sub(r"\\(.)", r"\1", local)


def subjects(text: str, base: str):
    """Yield (subject IRI, line, column) for each statement of a Turtle document."""
    prefixes: dict[str, str] = {}
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    depth = 0
    expecting_subject = True
    directive: list[str] | None = None

    def where(offset: int) -> tuple[int, int]:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - line_starts[lo] + 1

    def resolve(token: str) -> str | None:
        if token.startswith("<"):
            return urljoin(base, token[1:-1])
        if ":" in token and not token.startswith("_:"):
            prefix, local = token.split(":", 1)
            if prefix in prefixes:
                return prefixes[prefix] + _unescape_local(local)
        return None

    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind in ("ws", "comment"):
            continue
        if directive is not None:
            if kind == "dot":
                directive = None
                expecting_subject = True
                continue
            directive.append(value)
            if directive[0].lower() in ("@base", "base") and len(directive) == 2:
                base = urljoin(base, value[1:-1])
                if not directive[0].startswith("@"):
                    directive = None
            elif len(directive) == 3:
                prefixes[directive[1].rstrip(":")] = urljoin(base, directive[2][1:-1])
                if not directive[0].startswith("@"):
                    directive = None
            continue
        if kind == "directive" and depth == 0 and expecting_subject:
            directive = [value]
            continue
        if kind == "open":
            depth += 1
            expecting_subject = False
        elif kind == "close":
            depth -= 1
        elif kind == "dot" and depth == 0:
            expecting_subject = True
        elif kind == "word" and value.endswith(".") and depth == 0 and not expecting_subject:
            expecting_subject = True  # a prefixed name or number glued to the final dot
        elif expecting_subject and depth == 0 and kind in ("iri", "word"):
            expecting_subject = False
            iri = resolve(value.rstrip("."))
            if iri is not None:
                line, column = where(match.start())
                yield iri, line, column
