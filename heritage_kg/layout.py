"""The house layout of the Turtle files (docs/data-model.md, "Layout"): Turtle text in, the same
triples and the same comments out, laid out one way.

Parsers keep no comments, so the text is read here into statements, pairs of a predicate and
its objects, and terms as written; each comment is kept with the part it stands above or beside.
What the layout changes is only order and white space: the terms are written as they were.
`check_same` then reads both texts with rdflib and refuses a layout that would lose or change a
triple or a comment.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .errors import DataError
from .project import ONTOLOGY_NS
from .sourcemap import tokens

WIDTH = 100
INDENT = 4

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_SKOSXL = "http://www.w3.org/2008/05/skos-xl#"
#: Within a block: the type, then the names, then the definitions, then the rest as written,
#: and the evidence last.
_FIRST = [_RDF + "type",
          _RDFS + "label", _SKOS + "prefLabel", _SKOS + "altLabel", _SKOSXL + "prefLabel",
          _SKOSXL + "altLabel", ONTOLOGY_NS + "acronym",
          _SKOS + "definition", ONTOLOGY_NS + "description", _RDFS + "comment"]
_LAST = [ONTOLOGY_NS + "evidence"]


@dataclass
class Term:
    """An object or subject: a term as written, a blank node's pairs, or a collection's items."""

    text: str = ""
    pairs: list[Pair] | None = None
    items: list[Term] | None = None


@dataclass
class Pair:
    """A predicate with its objects, and the comments above it and beside it."""

    verb: str
    objects: list[Term] = field(default_factory=list)
    above: list[str] = field(default_factory=list)
    beside: list[str] = field(default_factory=list)


@dataclass
class Statement:
    """A subject's block, with the comments above it: those set apart by a blank line (a
    heading over a part of the file) and those right above it."""

    subject: Term
    pairs: list[Pair] = field(default_factory=list)
    headings: list[list[str]] = field(default_factory=list)
    above: list[str] = field(default_factory=list)


@dataclass
class Document:
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    header: list[list[str]] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    tail: list[list[str]] = field(default_factory=list)


class _Reader:
    """Turtle text (already known to parse) into a `Document`."""

    def __init__(self, text: str, where: str):
        self.where, self.text = where, text
        self.items = list(self._significant(text))
        self.at = 0
        self.doc = Document()
        self.groups: list[list[str]] = []   # comments waiting for the part below them
        self.apart = False                  # whether the last group is set apart by a blank line
        self.last: Pair | None = None       # the pair a comment on its line is beside

    def _significant(self, text: str):
        """(kind, text, newlines before, offset) of each token but white space; a literal with its
        tag or datatype is one token, and the dot that ends a statement is split off a name."""
        newlines, pending = 0, None
        for kind, value, offset in tokens(text):
            if kind == "ws":
                newlines += value.count("\n")
                continue
            # no name or number ends with a dot: a word that seems to is one followed by the end of
            # its statement ("kg:x." or "1.")
            if kind == "word" and len(value) > 1 and value.endswith("."):
                parts = [("word", value[:-1], offset), ("dot", ".", offset + len(value) - 1)]
            else:
                parts = [(kind, value, offset)]
            for part_kind, part, at in parts:
                glued = pending is not None and newlines == 0 and (
                    part_kind == "word" and part.startswith(("@", "^^")) or
                    part_kind == "iri" and pending[1].endswith("^^"))
                if glued:
                    pending = (pending[0], pending[1] + part, pending[2], pending[3])
                    continue
                if pending is not None:
                    yield pending
                pending = ("term" if part_kind in ("iri", "word", "string", "long") else part_kind,
                           part, newlines, at)
                newlines = 0
        if pending is not None:
            yield pending

    # -- the grammar ---------------------------------------------------------------------------

    def read(self) -> Document:
        while self._peek() is not None:
            kind, value = self._peek()[:2]
            if kind == "directive":
                self._directive()
            else:
                self._statement()
        self._comments()
        self.doc.tail = self.groups
        return self.doc

    def _peek(self):
        self._comments()
        return self.items[self.at] if self.at < len(self.items) else None

    def _next(self):
        item = self._peek()
        if item is None:
            raise DataError(f"{self.where}: the file ends inside a statement")
        self.at += 1
        return item

    def _comments(self) -> None:
        while self.at < len(self.items) and self.items[self.at][0] == "comment":
            _, value, newlines, _ = self.items[self.at]
            self.at += 1
            value = value.rstrip()
            if newlines == 0 and self.at > 1 and self.last is not None:
                (self.last.above if self.last.beside else self.last.beside).append(value)
            elif newlines >= 2 or not self.groups or self.apart:
                self.groups.append([value])
                self.apart = False
            else:
                self.groups[-1].append(value)
        if self.at < len(self.items) and self.groups:
            self.apart = self.apart or self.items[self.at][2] >= 2

    def _directive(self) -> None:
        _, word, _, offset = self._next()
        self.doc.header += self._take_groups()
        if word.lower().lstrip("@") == "base":
            self.doc.base = self._next()[1]
        else:
            name, iri = self._next()[1], self._next()[1]
            if self.doc.prefixes.get(name, iri) != iri:
                line = self.text.count("\n", 0, offset) + 1
                raise DataError(f"{self.where}:{line}: the prefix {name} is declared again with another IRI; "
                                "the layout sorts the prefixes, which would change what the file says")
            self.doc.prefixes[name] = iri
        if word.startswith("@"):
            self._expect("dot")
        self.last = None

    def _take_groups(self) -> list[list[str]]:
        groups, self.groups, self.apart = self.groups, [], False
        return groups

    def _statement(self) -> None:
        apart, groups = self.apart, self._take_groups()
        statement = Statement(Term())
        if groups:
            statement.headings = groups if apart else groups[:-1]
            statement.above = [] if apart else groups[-1]
        if not self.doc.statements:
            self.doc.header += statement.headings
            statement.headings = []
        self.last = None
        statement.subject = self._term()
        if self._peek()[0] != "dot":
            statement.pairs = self._pairs()
        self._expect("dot")
        self.doc.statements.append(statement)

    def _pairs(self) -> list[Pair]:
        pairs = []
        while True:
            pair = Pair(self._next()[1], above=[line for group in self._take_groups() for line in group])
            self.last = pair
            pairs.append(pair)
            pair.objects.append(self._term())
            while self._peek()[0] == "comma":
                self._next()
                pair.objects.append(self._term())
            while self._peek()[0] == "semi":
                self._next()
            if self._peek()[0] in ("dot", "close"):
                return pairs

    def _term(self) -> Term:
        kind, value = self._next()[:2]
        if kind == "open" and value == "[":
            outer = self.last
            term = Term(pairs=[] if self._peek()[0] == "close" else self._pairs())
            self._expect("close")
            self.last = outer
            return term
        if kind == "open":
            term = Term(items=[])
            while self._peek()[0] != "close":
                term.items.append(self._term())
            self._next()
            return term
        if kind != "term":
            raise DataError(f"{self.where}:{self.text.count(chr(10), 0, self._offset()) + 1}: "
                            f"unexpected {value!r} where a term should be")
        return Term(value)

    def _offset(self) -> int:
        return self.items[max(self.at - 1, 0)][3]

    def _expect(self, kind: str) -> None:
        got = self._next()
        if got[0] != kind:
            line = self.text.count("\n", 0, got[3]) + 1
            raise DataError(f"{self.where}:{line}: unexpected {got[1]!r}")


def read(text: str, where: str = "<text>") -> Document:
    """The document a Turtle text holds; ``where`` names it in errors."""
    return _Reader(text, where).read()


# -- the layout --------------------------------------------------------------------------------


def _iri(verb: str, prefixes: dict[str, str]) -> str:
    if verb == "a":
        return _RDF + "type"
    if verb.startswith("<"):
        return verb[1:-1]
    name, _, local = verb.partition(":")
    return prefixes.get(name + ":", "<>")[1:-1] + local


def _ordered(pairs: list[Pair], prefixes: dict[str, str]) -> list[Pair]:
    """One pair per predicate, in the house order; each blank node's pairs ordered alike."""
    merged: dict[str, Pair] = {}
    for pair in pairs:
        key = _iri(pair.verb, prefixes)
        if key in merged:
            kept = merged[key]
            kept.objects += [o for o in pair.objects if o.text == "" or o.text not in {k.text for k in kept.objects}]
            kept.above += pair.above
            kept.beside += pair.beside
        else:
            merged[key] = pair
        for term in pair.objects:
            _order_term(term, prefixes)

    def rank(item):
        index, (key, _) = item
        if key in _FIRST:
            return (0, _FIRST.index(key))
        if key in _LAST:
            return (2, _LAST.index(key))
        return (1, index)

    return [pair for _, (_, pair) in sorted(enumerate(merged.items()), key=rank)]


def _order_term(term: Term, prefixes: dict[str, str]) -> None:
    if term.pairs:
        term.pairs = _ordered(term.pairs, prefixes)
    for item in term.items or []:
        _order_term(item, prefixes)


def _inline(term: Term) -> str:
    if term.items is not None:
        return "(" + "".join(" " + _inline(item) for item in term.items) + " )"
    if term.pairs is not None:
        if not term.pairs:
            return "[]"
        return "[ " + " ; ".join(p.verb + " " + ", ".join(_inline(o) for o in p.objects) for p in term.pairs) + " ]"
    return term.text


def _pair_lines(pair: Pair, lead: str, indent: int, end: str) -> list[str]:
    """The lines of one pair: ``lead`` starts its first line; its objects follow on that line
    while they fit, each blank node opened there and closed on a line of its own."""
    lines, line = [], lead + pair.verb
    for number, term in enumerate(pair.objects):
        sep = " " if number == 0 else ", "
        if term.pairs:
            lines.append(line + sep + "[")
            lines += _block_lines(term.pairs, indent + INDENT)
            line = " " * indent + "]"
            continue
        text = _inline(term)
        if number and not line.endswith("]") and len(line) + len(sep) + len(text) > WIDTH:
            lines.append(line + ",")
            line = " " * (indent + INDENT) + text
        else:
            line += sep + text
    line += end
    if pair.beside:
        line += "  " + pair.beside[0]
    return lines + [line]


def _block_lines(pairs: list[Pair], indent: int) -> list[str]:
    lines = []
    for number, pair in enumerate(pairs):
        end = " ;" if number < len(pairs) - 1 else ""
        lines += [" " * indent + c for c in pair.above + pair.beside[1:]]
        lines += _pair_lines(pair, " " * indent, indent, end)
    return lines


def _statement_lines(statement: Statement) -> list[str]:
    lines = []
    for group in statement.headings:
        lines += group + [""]
    lines += statement.above
    subject = _inline(statement.subject)
    if not statement.pairs:
        return lines + [subject + " ."]
    first, rest = statement.pairs[0], statement.pairs[1:]
    lines += first.above + first.beside[1:]
    lines += _pair_lines(first, subject + " ", INDENT, " ;" if rest else " .")
    if rest:
        body = _block_lines(rest, INDENT)
        body[-1] = _end_with(body[-1], " .")
        lines += body
    return lines


def _end_with(line: str, end: str) -> str:
    """``line`` with ``end`` written before the comment it may carry."""
    code, sep, comment = line.partition("  #")
    return code + end + (sep + comment if sep else "")


def write(doc: Document) -> str:
    """The document in the house layout."""
    lines = []
    if doc.base is not None:
        lines.append(f"@base {doc.base} .")
    for name in sorted(doc.prefixes, key=lambda n: (n.lower(), n)):
        lines.append(f"@prefix {name} {doc.prefixes[name]} .")
    for group in doc.header:
        lines += [""] + group
    merged: dict[str, Statement] = {}
    statements = []
    for statement in doc.statements:
        text = statement.subject.text
        key = _iri(text, doc.prefixes) if text and not text.startswith("_:") else None
        if key is not None and key in merged:
            kept = merged[key]
            # a second block of a subject joins its first; the comments over it go with its pairs
            moved = [line for group in statement.headings for line in group] + statement.above
            if statement.pairs:
                statement.pairs[0].above = moved + statement.pairs[0].above
            kept.pairs += statement.pairs
            continue
        if key is not None:
            merged[key] = statement
        statements.append(statement)
    for statement in statements:
        statement.pairs = _ordered(statement.pairs, doc.prefixes)
        lines += [""] + _statement_lines(statement)
    for group in doc.tail:
        lines += [""] + group
    while lines and lines[0] == "":
        lines.pop(0)
    return "\n".join(lines) + "\n"


def laid_out(text: str, where: str = "<text>") -> str:
    """``text`` in the house layout."""
    return write(read(text, where))


def comments(text: str) -> Counter:
    """The comments of a Turtle text, each as written without the space that ends it."""
    return Counter(value.rstrip() for kind, value, _ in tokens(text) if kind == "comment")


def check_same(before: str, after: str, where: str) -> None:
    """Refuse a layout that lost or changed a triple or a comment: both texts are read with
    rdflib and compared as graphs, blank nodes included."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    graphs = [Graph().parse(data=text, format="turtle") for text in (before, after)]
    if not isomorphic(*graphs):
        raise DataError(f"{where}: the layout would change the file's triples; it is left as it was (a bug: please report it)")
    if comments(before) != comments(after):
        raise DataError(f"{where}: the layout would lose a comment; it is left as it was (a bug: please report it)")


def files_laid_out(paths) -> dict:
    """{path: (text, text in the house layout)} of each Turtle file; a file that is not UTF-8 or
    has a syntax error is a `DataError` naming its line, before any file is laid out."""
    from pathlib import Path

    from .loading import all_issues, raise_for_issues

    texts = {}
    for path in map(Path, paths):
        data = path.read_bytes()
        try:
            texts[path] = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise DataError(f"{path}:{line}: not UTF-8 text (byte {error.start})") from None
        raise_for_issues(all_issues(path, data))
    laid = {}
    for path, text in texts.items():
        new = laid_out(text, str(path))
        if new != text:
            check_same(text, new, str(path))
        laid[path] = (text, new)
    return laid
