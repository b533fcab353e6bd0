"""SHACL and the must-return-nothing checks, returning a report object that never prints."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .engine import EmbeddedEngine
from .errors import DataError
from .loading import SyntaxIssue, load, load_each_into
from .queries import read_query
from .shaclsparql import Result, compile_shapes
from .shaclsparql import run as run_checks
from .shapegraph import ShapesGraph, UnsupportedShape
from .sourcemap import SourceMap, chain_key
from .terms import graph_of, short, to_oxigraph

SEVERITIES = ("error", "warning", "info")
_SH = "http://www.w3.org/ns/shacl#"
#: The word for each SHACL severity, as reports write it.
SEVERITY_OF = {_SH + "Violation": "error", _SH + "Warning": "warning", _SH + "Info": "info"}


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
    #: The SHACL result itself, with its RDF terms, for the standard report graph.
    result: object | None = field(default=None, compare=False, repr=False)

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
    #: What was validated when it was not files: "store DIR" or "endpoint URL".
    source: str | None = None
    #: Checks left out, by name, with the reason.
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return self.source or f"{len(self.files)} files"

    @property
    def counted(self) -> str:
        """What ``triples`` counts: the files as written, or the published graph (the files and
        the standard-vocabulary triples added to them, which `export` adds its description to)."""
        return "triples as published" if self.source else "triples as written in the files"

    def keep_placed_in(self, paths: list[Path]) -> None:
        """Keep the findings placed in ``paths``, and every syntax error: one in any file stops
        the validation of all of them."""
        wanted = {p.resolve() for p in paths}
        self.findings = [f for f in self.findings
                         if f.kind == "syntax" or (f.path is not None and f.path.resolve() in wanted)]

    def failing(self, fail_on: str = "error") -> list[str]:
        """The severities that fail the run."""
        return list(SEVERITIES[:SEVERITIES.index(fail_on) + 1])

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failed(self, fail_on: str = "error") -> bool:
        threshold = SEVERITIES.index(fail_on)
        return any(SEVERITIES.index(f.severity) <= threshold for f in self.findings)


def validate(files: list[Path], shape_files: list[Path], check_files: list[Path], validator: str = "sparql") -> Report:
    """Parse, then (if every file parsed) run the shapes and the checks. ``validator`` "sparql"
    runs the shapes compiled to SPARQL on Oxigraph; "pyshacl" runs the reference implementation."""
    store = ox.Store()
    report = Report(files=files)
    for issue in load_each_into(store, files):
        report.findings.append(_syntax(issue))
    shapes = load(shape_files)
    report.findings.extend(_syntax(issue) for issue in shapes.issues)
    if report.findings:
        return report
    report.triples = len(store)
    _run(report, EmbeddedEngine(store), store, list(shapes.all_triples()), [read_query(path) for path in check_files],
         files, validator)
    return report


def validate_any(data_files: list[Path], shape_files: list[Path], validator: str = "sparql") -> Report:
    """Validate any RDF files (`loading.load_any`: Turtle, N-Triples, N-Quads, TriG, JSON-LD,
    RDF/XML) against any shapes, with no project around them: no checks of queries/checks/, and
    file:line for findings in Turtle files."""
    from .loading import load_any, load_any_into

    report = Report(files=data_files)
    store = ox.Store()
    shapes = load_any(shape_files)
    report.findings.extend(_syntax(issue) for issue in load_any_into(store, data_files) + shapes.issues)
    if report.findings:
        return report
    report.triples = len(store)
    turtle = [path for path in data_files if path.suffix.lower() == ".ttl"]
    _run(report, EmbeddedEngine(store), store, list(shapes.all_triples()), [], turtle, validator)
    return report


def validate_published(engine, source: str, shape_files: list[Path], check_files: list[Path],
                       store: ox.Store | None = None, sources: list[Path] | None = None) -> Report:
    """Run the compiled shapes and the checks on a published graph: an on-disk store or a SPARQL
    endpoint. Checks of how files are written (``scope: files``) do not apply to it, and are
    skipped. ``sources``, when given, are the Turtle files the graph was built from, for file:line."""
    report = Report(files=[], source=source)
    shapes = load(shape_files)
    shapes.raise_for_issues()
    count = engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", name="count").rows
    report.triples = int(count[0]["n"].value) if count else 0
    checks = []
    for path in check_files:
        check = read_query(path)
        if str(check.meta.get("scope", "graph")) == "files":
            report.skipped[check.name] = "it checks the files as written, not the published graph"
        else:
            checks.append(check)
    _run(report, engine, store, list(shapes.all_triples()), checks, sources or [])
    return report


def _run(report: Report, engine, store: ox.Store | None, shape_triples: list, checks: list, sources: list[Path],
         validator: str = "sparql") -> None:
    """Run the shapes and the checks through ``engine``, give each finding the file:line of its
    node in ``sources``, and add them to ``report``. Oxigraph (and the server behind an endpoint)
    works without the GIL while a query runs, so the file:line scan of the Turtle text (pure
    Python), the shapes and the checks share the cores. On an error or an interruption, the
    work still running is not waited for: a query inside Oxigraph cannot be stopped."""
    pool = ThreadPoolExecutor(max_workers=3)
    try:
        positions = pool.submit(SourceMap.of_files, sources) if sources else None
        if validator == "pyshacl":
            shacl = pool.submit(_pyshacl, store, shape_triples)
        else:
            shacl = pool.submit(shacl_results, engine, shape_triples)
        holders = _Holders(store)
        checked = pool.submit(_checks, engine, checks, holders)
        shacl_findings = [_finding(r, holders) for r in shacl.result()]
        findings = shacl_findings + checked.result()
        _place(report, findings, positions.result() if positions else SourceMap())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def shacl_results(engine, shape_triples: list) -> list[Result]:
    """The top-level SHACL results of the shapes compiled to SPARQL, run through ``engine``."""
    if not shape_triples:
        return []
    try:
        checks = compile_shapes(ShapesGraph(shape_triples))
    except UnsupportedShape as error:
        raise DataError(f"shapes: {error}; 'validate --validator pyshacl' runs every SHACL feature") from None
    return sorted(set(run_checks(engine, checks)), key=_result_key)


def _syntax(issue: SyntaxIssue) -> Finding:
    return Finding("error", "syntax", {"en": issue.message, "fr": issue.message}, issue.path, issue.line, issue.column)


def _place(report: Report, findings: list[tuple[Finding, tuple | None]], smap: SourceMap) -> None:
    """Give each finding the file:line of the statement that caused it (else of its node's
    definition), and sort them by place."""
    wanted = [where for _, where in findings if where is not None]
    places = iter(smap.locate_all(wanted))
    for finding, where in findings:
        position = next(places) if where is not None else None
        if position is not None:
            finding.path, finding.line, finding.column = position.path, position.line, position.column
        report.findings.append(finding)
    report.findings.sort(key=lambda f: (str(f.path or ""), f.line or 0, f.shape or "", f.focus or ""))


class _Holders:
    """The named node whose statement block holds each blank node, and the chain of predicates
    that leads from it to the blank node (`sourcemap.chain_key`), each found once: n nested blank
    nodes cost n steps, not n steps for each of them. Blank-node labels from a remote endpoint
    name nothing outside their answer, so without a store they stay as they are."""

    def __init__(self, store: ox.Store | None) -> None:
        self._store = store
        #: blank node -> (root, its chain, the chain of its parent, the predicate from the parent)
        self._known: dict = {}

    def __call__(self, node) -> tuple:
        if self._store is None or not isinstance(node, ox.BlankNode):
            return node, 0, None, None
        walked = []  # (blank node, predicate from its parent), from the node up
        seen = set()
        while isinstance(node, ox.BlankNode) and node not in self._known and node not in seen:
            seen.add(node)
            parent = next(iter(self._store.quads_for_pattern(None, None, node, ox.DefaultGraph())), None)
            if parent is None:
                self._known[node] = (node, 0, None, None)
                break
            walked.append((node, parent.predicate.value))
            node = parent.subject
        root, chain = self._known.get(node, (node, 0))[:2]
        for blank, predicate in reversed(walked):
            self._known[blank] = (root, chain_key(chain, predicate), chain, predicate)
            chain = chain_key(chain, predicate)
        return self._known[walked[0][0]] if walked else self._known.get(node, (node, 0, None, None))

    def telling(self, node: ox.BlankNode) -> tuple[str, str] | None:
        """(predicate, value) of the statement that best tells a blank node from its siblings in
        the files, which all sit on the same chain: its longest literal, else an IRI."""
        best = None
        for quad in self._store.quads_for_pattern(node, None, None, ox.DefaultGraph()):
            term = quad.object
            if isinstance(term, (ox.Literal, ox.NamedNode)):
                rank = (isinstance(term, ox.Literal), len(term.value))
                if best is None or rank > best[0]:
                    best = (rank, quad.predicate.value, term.value)
        return best[1:] if best else None


def _where(holders: _Holders, focus, predicate: str | None, value, inverse: bool = False) -> tuple | None:
    """What to look for in the files to place a finding: (subject IRI, chain, predicate, value)."""
    def key(term):
        return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else None

    if inverse and predicate is not None and isinstance(value, ox.NamedNode):
        return value.value, 0, predicate, key(focus)
    root, chain, parent, link = holders(focus)
    if not isinstance(root, ox.NamedNode):
        return None
    if link is not None and (predicate is None or inverse or value is None):
        # no statement to blame, in a blank node: one of its own statements that tells it from
        # its siblings, else the bracket that opens it
        telling = holders.telling(focus)
        return (root.value, chain, *telling) if telling else (root.value, parent, link, None)
    if predicate is None or inverse:
        return root.value, 0, None, None  # the subject's definition
    return root.value, chain, predicate, key(value)


def _finding(result: Result, holders: _Holders) -> tuple[Finding, tuple | None]:
    shape = result.shape
    path = result.path
    predicate, inverse = (path.predicate, path.inverse) if path is not None else (None, False)
    return Finding(
        severity=SEVERITY_OF.get(result.severity.value, "error"),
        kind="shacl",
        message=dict(result.messages) or {"en": "constraint violated"},
        focus=short(result.focus),
        shape=short(shape) if isinstance(shape, ox.NamedNode) else None,
        result_path=path.display if path else None,
        value=short(result.value) if result.value is not None else None,
        result=result,
    ), _where(holders, result.focus, predicate, result.value, inverse)


def _result_key(r: Result) -> tuple:
    return (str(r.shape), str(r.focus), r.path.sparql if r.path else "", str(r.value), r.component)


def _pyshacl(store: ox.Store, shape_triples: list) -> list[Result]:
    import rdflib
    from pyshacl import validate as shacl_validate

    data_graph = graph_of(q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    shape_graph = graph_of(shape_triples)
    _, results, _ = shacl_validate(data_graph, shacl_graph=shape_graph, advanced=True, inplace=True,
                                   allow_warnings=True, allow_infos=True, inference="none")
    SH = rdflib.Namespace(_SH)
    out = []
    # top-level results only: those of sh:node constraints nest their causes under sh:detail
    top = [r for report in results.subjects(rdflib.RDF.type, SH.ValidationReport) for r in results.objects(report, SH.result)]
    for result in top:
        messages = {}
        for message in results.objects(result, SH.resultMessage):
            messages.setdefault(getattr(message, "language", None) or "en", str(message))
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        out.append(Result(
            focus=to_oxigraph(results.value(result, SH.focusNode)),
            shape=to_oxigraph(results.value(result, SH.sourceShape)),
            path=_path_of(results, path) if path is not None else None,
            value=to_oxigraph(value) if value is not None else None,
            severity=ox.NamedNode(str(results.value(result, SH.resultSeverity))),
            component=str(results.value(result, SH.sourceConstraintComponent)),
            messages=messages,
        ))
    return sorted(set(out), key=_result_key)


def _path_of(results, path):
    """A result path of pySHACL's report in the compiler's form, so that both engines compare. It
    reads only the path's own triples, so shapes the compiler does not support are no obstacle."""
    import rdflib

    closure, todo = [], [path] if isinstance(path, rdflib.BNode) else []
    while todo:
        for s, p, o in results.triples((todo.pop(), None, None)):
            closure.append(ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)))
            todo.append(o)
    return ShapesGraph(closure).path(to_oxigraph(path))


def _checks(engine, checks: list, holders: _Holders) -> list[tuple[Finding, tuple | None]]:
    findings = []
    for check in checks:
        severity = str(check.meta.get("severity", "error"))
        severity = severity if severity in SEVERITIES else "error"
        title = check.title or check.name
        for row in engine.query(check.text, name=check.name).rows:
            focus, prop, value = (row.get(v) for v in ("focus", "property", "value"))
            text = f"{title}: {short(prop) if prop is not None else ''} {short(value) if value is not None else ''}".strip()
            findings.append((Finding(
                severity=severity, kind="check", message={"en": text, "fr": text},
                focus=short(focus) if focus is not None else None,
                shape=f"check:{check.name}",
                result_path=short(prop) if prop is not None else None,
                value=short(value) if value is not None else None,
            ), _where(holders, focus, prop.value if isinstance(prop, ox.NamedNode) else None, value)))
    return findings
