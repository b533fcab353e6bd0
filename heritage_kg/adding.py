"""New nodes into data/: each written as Turtle in the file that holds its kind, laid out in the
house layout, and the whole graph validated before any file is written (`heritage-kg add`,
`heritage-kg source add`). All the files change, or none.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import DataError
from .layout import laid_out
from .loading import load
from .project import ONTOLOGY_NS, VOCAB_NS, Project
from .records import Cited, Node

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_PLAIN = (_XSD + "integer", _XSD + "boolean")
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
#: The most findings an error lists.
SHOWN = 5


@dataclass
class Change:
    """What adding makes: the new text of each data file touched, the Turtle added to each, and
    other files (a source's snapshot)."""

    texts: dict[Path, str] = field(default_factory=dict)
    added: dict[Path, str] = field(default_factory=dict)
    others: dict[Path, str] = field(default_factory=dict)
    placed: list[tuple[str, str, Path]] = field(default_factory=list)  # (IRI, kind, file)


class Turtle:
    """Writes terms and nodes with the prefixes the data files declare."""

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = prefixes
        self.used: set[str] = set()

    def term(self, term) -> str:
        if isinstance(term, list):
            return "[ " + " ; ".join(f"{self.iri(p)} {self.term(o)}" for p, o in term) + " ]"
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        datatype = term.datatype.value
        if datatype in _PLAIN:
            return term.value
        text = '"' + term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
        if term.language:
            return f"{text}@{term.language}"
        if datatype == _XSD + "string":
            return text
        return f"{text}^^{self.iri(datatype)}"

    def iri(self, iri: str) -> str:
        if iri == _RDF_TYPE:
            return "a"
        best = max((name for name, ns in self.prefixes.items() if iri.startswith(ns) and _LOCAL.fullmatch(iri[len(ns):])),
                   key=lambda name: len(self.prefixes[name]), default=None)
        if best is None:
            return f"<{iri}>"
        self.used.add(best)
        return f"{best}:{iri[len(self.prefixes[best]):]}"

    def node(self, node: Node) -> str:
        pairs: dict[str, list] = {}
        for p, o in node.values:
            if o not in pairs.setdefault(p, []):
                pairs[p].append(o)
        body = [f"{self.iri(p)} {', '.join(self.term(o) for o in objects)}" for p, objects in pairs.items()]
        body += ["hkg:evidence " + ", ".join(self.evidence(c) for c in node.evidence)] if node.evidence else []
        return self.iri(node.iri) + " " + " ;\n    ".join(body) + " .\n"

    def evidence(self, cited: Cited) -> str:
        parts = [f"a {self.iri(ONTOLOGY_NS + 'Evidence')}", f"hkg:source {self.iri(cited.source)}"]
        if cited.line is not None:
            parts.append(f"hkg:line {cited.line}")
        if cited.section:
            parts.append(f"hkg:section {self.term(ox.Literal(cited.section))}")
        parts.append(f"hkg:keyPhrase {self.term(ox.Literal(cited.phrase, language=cited.lang))}")
        if cited.basis:
            parts.append(f"hkg:basis {self.iri(VOCAB_NS + 'bases/' + cited.basis)}")
        if cited.reasons:
            parts.append("hkg:inferenceReason " + ", ".join(self.term(ox.Literal(t, language=l)) for l, t in sorted(cited.reasons.items())))
        if cited.supports:
            parts.append("hkg:supports " + ", ".join(self.iri(p) for p in cited.supports))
        self.used.add("hkg")
        return "[ " + " ; ".join(parts) + " ]"


def _prefixes(texts: dict[Path, str]) -> dict[Path, dict[str, str]]:
    found = {}
    for path, text in texts.items():
        found[path] = {m[1]: m[2] for m in re.finditer(r"^@prefix\s+([A-Za-z][\w-]*|):\s*<([^>]*)>\s*\.", text, re.M)}
    return found


class Adder:
    """Places new nodes in the data files of a project."""

    def __init__(self, project: Project, loaded=None):
        """``loaded``: the project's files as `loading.load` read them, if they are at hand."""
        self.project = project
        self.files = project.turtle_files("data")
        self.texts = {path: path.read_text(encoding="utf-8") for path in self.files}
        self.declared = _prefixes(self.texts)
        self.prefixes: dict[str, str] = {}
        for found in self.declared.values():
            for name, ns in found.items():
                self.prefixes.setdefault(name, ns)
        self.prefixes.setdefault("hkg", ONTOLOGY_NS)
        if loaded is None:
            loaded = load(self.files)
            loaded.raise_for_issues()
        self.subjects: dict[str, Path] = {}
        self.by_class: dict[str, Counter] = {}
        data = set(self.files)
        for path, triples in loaded.triples.items():
            if path not in data:
                continue
            for t in triples:
                if t.predicate.value == _RDF_TYPE and isinstance(t.subject, ox.NamedNode):
                    self.subjects.setdefault(t.subject.value, path)
                    self.by_class.setdefault(t.object.value, Counter())[path] += 1

    def file_for(self, node: Node, kind_classes: tuple[str, ...]) -> Path:
        """The file a node goes in: the one that holds it already; else the one that holds the
        most nodes of its class, else of its kind's classes; else a new file named for its kind."""
        if node.iri in self.subjects:
            return self.subjects[node.iri]
        for classes in (node.types, kind_classes):
            counts = Counter()
            for cls in classes:
                counts.update(self.by_class.get(cls, Counter()))
            if counts:
                return max(counts, key=lambda p: (counts[p], -self.files.index(p)))
        return self.project.folder("data") / f"{node.kind}s.ttl"

    def change(self, nodes: list[Node], kinds: dict, others: dict[Path, str] | None = None,
               blocks: dict[Path, str] | None = None) -> Change:
        """The new texts of the files the nodes go in (and of ``blocks``, Turtle given as text)."""
        change = Change(others=dict(others or {}))
        added: dict[Path, list[str]] = {}
        writers: dict[Path, Turtle] = {}
        for node in nodes:
            classes = kinds[node.kind].classes if node.kind in kinds else node.types
            path = self.file_for(node, classes)
            writer = writers.setdefault(path, Turtle(self.prefixes))
            added.setdefault(path, []).append(writer.node(node))
            change.placed.append((node.iri, node.kind, path))
        for path, text in (blocks or {}).items():
            writers.setdefault(path, Turtle(self.prefixes))
            added.setdefault(path, []).append(text)
            writers[path].used |= set(re.findall(r"(?<![\w.-])([A-Za-z][\w-]*):[A-Za-z0-9_-]", text)) & set(self.prefixes)
        for path, blocks_of in added.items():
            declared = self.declared.get(path, {})
            needed = sorted(writers[path].used - set(declared))
            heading = "".join(f"@prefix {name}: <{self.prefixes[name]}> .\n" for name in needed)
            addition = heading + "\n" + "\n".join(blocks_of)
            old = self.texts.get(path, "")
            where = str(path.relative_to(self.project.root)) if path.is_relative_to(self.project.root) else str(path)
            try:
                change.texts[path] = laid_out(old + "\n" + addition, where)
                change.added[path] = laid_out("".join(f"@prefix {n}: <{self.prefixes[n]}> .\n" for n in sorted(writers[path].used))
                                              + "\n" + "\n".join(blocks_of), where)
            except DataError as error:  # a bug of the writer, never the curator's: say so
                raise DataError(f"{error} (in the Turtle made from the records; please report it)") from None
        return change

    def validate(self, change: Change):
        """The validation report of the project with the change made, in a copy of it."""
        from .validation import validate

        with tempfile.TemporaryDirectory(prefix="heritage-kg-add-") as scratch:
            root = Path(scratch)
            for name in ("ontology", "shapes", "queries"):
                shutil.copytree(self.project.folder(name), root / name)
            (root / "data").mkdir()
            for path in self.files:
                shutil.copy(path, root / "data" / path.name)
            for path, text in change.texts.items():
                (root / "data" / path.name).write_text(text, encoding="utf-8")
            copy = Project(root)
            report = validate(copy.graph_files(), copy.shape_files(), copy.check_files())
            for finding in report.findings:  # the findings point at the real files
                if finding.path is not None and finding.path.is_relative_to(root):
                    finding.path = self.project.root / finding.path.relative_to(root)
            return report


def refusal(report) -> str:
    """The error that refuses a change whose graph has violations: the first of them."""
    failing = [f for f in report.findings if f.severity == "error"]
    listed = "; ".join(f"{f.location}: {f.text()}{' (' + f.focus + ')' if f.focus else ''}" for f in failing[:SHOWN])
    more = f" (and {len(failing) - SHOWN} more)" if len(failing) > SHOWN else ""
    return (f"the graph with these records has {len(failing)} violation{'s' * (len(failing) != 1)}, so nothing was "
            f"written (lines of the files as they would be): {listed}{more}")
