"""The source documents that evidence cites: where each one's text is, what stands on a line of
it, and how a new one is registered (`heritage-kg source add`).

A source's ``hkg:fileName`` is a path under ``../shared`` (the seed documents and the reference
facts) or, for a snapshot registered here, under the project (``data/sources/NAME.txt``). A
source registered by its address alone has no text: evidence cites it by section and key
phrase, and its lines cannot be checked.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import DataError, UsageError
from .project import ENTITY_NS, LANGUAGES, ONTOLOGY_NS, Project, read_given

SOURCE = ONTOLOGY_NS + "SourceDocument"
#: Where registered snapshots are kept, under the project.
SNAPSHOTS = "data/sources"
_DCTERMS_LANGUAGE = "http://purl.org/dc/terms/language"


class Sources:
    """The source documents of one graph, and their texts."""

    def __init__(self, store: ox.Store, project: Project):
        self.project = project
        self.files: dict[str, str | None] = {}
        self.languages: dict[str, str] = {}
        rows = store.query(f"""SELECT ?s ?file ?lang WHERE {{ ?s a <{SOURCE}> .
            OPTIONAL {{ ?s <{ONTOLOGY_NS}fileName> ?file }} OPTIONAL {{ ?s <{_DCTERMS_LANGUAGE}> ?lang }} }}""")
        for source, file, lang in rows:
            self.files[source.value] = file.value if file is not None else None
            if lang is not None:
                self.languages[source.value] = lang.value
        self._lines: dict[str, list[str]] = {}

    def find(self, name: str, where: str) -> str:
        """A source by its slug, with or without "source-" ("seed-002"), its prefixed name or its IRI."""
        slug = name.removeprefix("kg:").removeprefix(ENTITY_NS).removeprefix("source-")
        iri = ENTITY_NS + "source-" + slug
        if iri not in self.files:
            known = ", ".join(sorted(s[len(ENTITY_NS) + len("source-"):] for s in self.files))
            raise DataError(f"{where}: {name!r} is no source of the graph; the sources are {known} "
                            "(heritage-kg source add registers another)")
        return iri

    def language(self, source: str) -> str:
        return self.languages.get(source, "en")

    def path(self, source: str) -> Path | None:
        """Where the text of a source is; None for one registered by its address alone."""
        file = self.files.get(source)
        if file is None:
            return None
        return self.project.root / file if file.startswith(SNAPSHOTS + "/") else self.project.shared_dir() / file

    def lines(self, source: str) -> list[str] | None:
        if source not in self._lines:
            path = self.path(source)
            if path is None:
                return None
            try:
                self._lines[source] = path.read_text(encoding="utf-8").splitlines()
            except OSError as error:
                raise DataError(f"{path}: cannot read the text of {source.rsplit('/', 1)[-1]}: "
                                f"{error.strerror or error} (../shared must be beside the checkout)") from None
        return self._lines[source]

    def check(self, source: str, line: int | None, phrase: str, where: str) -> None:
        """Refuse a key phrase that is not verbatim on the line cited, showing what the line says."""
        lines = self.lines(source)
        name = source.rsplit("/", 1)[-1].removeprefix("source-")
        if lines is None:
            if line is not None:
                raise DataError(f"{where}: {name} has no text kept with the data, so it is cited without a line "
                                f"(cite: {name}), by its section and key phrase")
            return
        if line is None:
            raise DataError(f"{where}: cite the line of {name} the key phrase stands on: cite: {name}:LINE")
        if not 1 <= line <= len(lines):
            raise DataError(f"{where}: {name} has {len(lines)} lines, not {line}")
        if phrase not in lines[line - 1]:
            text = lines[line - 1].strip()
            shown = text if len(text) <= 240 else text[:237] + "..."
            elsewhere = [n for n, other in enumerate(lines, 1) if phrase in other]
            hint = f"; it stands on line {', '.join(map(str, elsewhere[:5]))}" if elsewhere else ""
            raise DataError(f"{where}: the key phrase {phrase!r} is not on line {line} of {name}{hint}; "
                            f"line {line} reads: {shown!r}")


@dataclass
class Registered:
    """A new source: its node as Turtle, and its snapshot (path and text) if it has one."""

    iri: str
    turtle: str
    snapshot: Path | None
    text: str | None


def register(project: Project, taken: set[str], file: Path | None, title: str, url: str | None,
             retrieved: str, lang: str, slug: str | None = None) -> Registered:
    """A source document for the graph: its text kept under ``data/sources/`` with the lines it
    has (or none, for a source given by its address alone), and its node with its title, address,
    date of retrieval, language and the SHA-256 of its text.

    Raises:
        UsageError: a file that is missing or not UTF-8 text, a bad date, language or address, or
            a slug already taken.
    """
    if file is None and url is None:
        raise UsageError("give the source's text (FILE), its address (--url), or both")
    if lang not in LANGUAGES:
        raise UsageError(f"--lang {lang!r}: the language of the source is one of {', '.join(LANGUAGES)}")
    try:
        datetime.date.fromisoformat(retrieved)
    except ValueError:
        raise UsageError(f"--retrieved {retrieved!r}: give the day it was read, as 2026-12-05") from None
    if url is not None and not re.match(r"https?://\S+$", url):
        raise UsageError(f"--url {url!r}: an http:// or https:// address")
    slug = slug or "-".join(re.findall(r"[a-z0-9]+", (file.stem if file else title).lower()))[:60].strip("-")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug or ""):
        raise UsageError(f"--id {slug!r}: lower-case letters and digits joined by hyphens")
    iri = f"{ENTITY_NS}source-{slug}"
    if iri in taken:
        raise UsageError(f"--id {slug}: kg:source-{slug} is already a source; give another --id")
    text = None
    snapshot = None
    if file is not None:
        # the lines as they are, with one kind of line end, so that a line number stays put
        text = read_given(file)
        text = text if text.endswith("\n") else text + "\n"
        snapshot = project.root / SNAPSHOTS / f"{slug}.txt"
        if snapshot.exists():
            raise UsageError(f"{snapshot}: already exists; give another --id")
    lines = [f"kg:source-{slug} a hkg:SourceDocument ;",
             f"    rdfs:label {_literal(title)}@{lang} ;"]
    if snapshot is not None:
        lines += [f'    hkg:fileName "{SNAPSHOTS}/{slug}.txt" ;',
                  f'    hkg:checksum "sha256:{hashlib.sha256(text.encode("utf-8")).hexdigest()}" ;',
                  "    hkg:sourceKind sk:snapshot ;"]
    else:
        lines.append("    hkg:sourceKind sk:web-page ;")
    if url is not None:
        lines.append(f"    hkg:sourceAddress <{url}> ;")
    lines += [f'    hkg:retrieved "{retrieved}"^^xsd:date ;', f'    dcterms:language "{lang}" .']
    return Registered(iri, "\n".join(lines) + "\n", snapshot, text)


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
