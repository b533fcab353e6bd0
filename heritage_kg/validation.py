"""SHACL and the must-return-nothing checks, returning a report object that never prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .loading import Loaded, load
from .queries import read_query
from .sourcemap import Position, SourceMap
from .terms import graph_of, short

SEVERITIES = ("error", "warning", "info")
_SH = "http://www.w3.org/ns/shacl#"
_SEVERITY = {_SH + "Violation": "error", _SH + "Warning": "warning", _SH + "Info": "info"}


@dataclass
class Finding:
    severity: str
    kind: str  # "syntax", "shacl" or "check"
    message: dict[str, str]
    path: Path | None = None
    line: int | None = None
    column: int | None = None
    focus: str | None = None
    shape: str | None = None
    result_path: str | None = None
    value: str | None = None

    def text(self, lang: str = "en") -> str:
        return self.message.get(lang) or self.message.get("en") or next(iter(self.message.values()), "")

    @property
    def location(self) -> str:
        if self.path is None:
            return "-"
        return f"{self.path}:{self.line or 1}:{self.column or 1}"


@dataclass
class Report:
    files: list[Path]
    findings: list[Finding] = field(default_factory=list)
    triples: int = 0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failed(self, fail_on: str = "error") -> bool:
        threshold = SEVERITIES.index(fail_on)
        return any(SEVERITIES.index(f.severity) <= threshold for f in self.findings)


def validate(files: list[Path], shape_files: list[Path], check_files: list[Path]) -> Report:
    """Parse, then (if every file parsed) run the shapes and the checks."""
    loaded = load(files + shape_files)
    report = Report(files=files)
    for issue in loaded.issues:
        report.findings.append(Finding("error", "syntax", {"en": issue.message, "fr": issue.message},
                                       issue.path, issue.line, issue.column))
    if not loaded.ok:
        return report
    data = [t for path in files for t in loaded.triples[path]]
    report.triples = len(data)
    smap = SourceMap.of_files(files)
    shapes = [t for path in shape_files for t in loaded.triples[path]]
    report.findings.extend(_shacl(data, shapes, smap))
    report.findings.extend(_checks(loaded, files, check_files, smap))
    report.findings.sort(key=lambda f: (str(f.path or ""), f.line or 0, f.shape or "", f.focus or ""))
    return report


def _locate(node, graph, smap: SourceMap) -> Position | None:
    """Where a focus node is defined; a blank node is found through the node that holds it."""
    import rdflib

    seen = set()
    while isinstance(node, rdflib.BNode) and node not in seen:
        seen.add(node)
        parent = next(graph.subjects(None, node), None)
        if parent is None:
            return None
        node = parent
    return smap.get(str(node))


def _shacl(data, shapes, smap: SourceMap) -> list[Finding]:
    import rdflib
    from pyshacl import validate as shacl_validate

    if not shapes:
        return []
    data_graph = graph_of(data)
    shape_graph = graph_of(shapes)
    _, results, _ = shacl_validate(data_graph, shacl_graph=shape_graph, advanced=False, inplace=True,
                                   allow_warnings=True, allow_infos=True, inference="none")
    SH = rdflib.Namespace(_SH)
    findings = []
    # top-level results only: those of sh:node constraints nest their causes under sh:detail
    top = [r for report in results.subjects(rdflib.RDF.type, SH.ValidationReport) for r in results.objects(report, SH.result)]
    for result in top:
        focus = results.value(result, SH.focusNode)
        shape = results.value(result, SH.sourceShape)
        messages = {}
        for message in results.objects(result, SH.resultMessage):
            messages.setdefault(getattr(message, "language", None) or "en", str(message))
        position = _locate(focus, data_graph, smap)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        findings.append(Finding(
            severity=_SEVERITY.get(str(results.value(result, SH.resultSeverity)), "error"),
            kind="shacl",
            message=messages or {"en": "constraint violated"},
            path=position.path if position else None,
            line=position.line if position else None,
            column=position.column if position else None,
            focus=short(focus),
            shape=short(shape) if shape is not None and not isinstance(shape, rdflib.BNode) else None,
            result_path=short(path) if path is not None and not isinstance(path, rdflib.BNode) else None,
            value=short(value) if value is not None else None,
        ))
    return findings


def _checks(loaded: Loaded, files: list[Path], check_files: list[Path], smap: SourceMap) -> list[Finding]:
    if not check_files:
        return []
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for p in files for t in loaded.triples[p])
    findings = []
    for path in check_files:
        check = read_query(path)
        severity = str(check.meta.get("severity", "error"))
        severity = severity if severity in SEVERITIES else "error"
        title = check.title or check.name
        for row in store.query(check.text):
            focus, prop, value = (_get(row, v) for v in ("focus", "property", "value"))
            position = smap.get(focus.value) if isinstance(focus, ox.NamedNode) else None
            text = f"{title}: {short(prop) if prop is not None else ''} {short(value) if value is not None else ''}".strip()
            findings.append(Finding(
                severity=severity, kind="check", message={"en": text, "fr": text},
                path=position.path if position else None,
                line=position.line if position else None,
                column=position.column if position else None,
                focus=short(focus) if focus is not None else None,
                shape=f"check:{check.name}",
                result_path=short(prop) if prop is not None else None,
                value=short(value) if value is not None else None,
            ))
    return findings


def _get(row, variable: str):
    try:
        return row[variable]
    except KeyError:
        return None
