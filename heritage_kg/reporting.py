"""Validation reports as text for people, JSON, SARIF 2.1 for code-scanning, GitHub workflow
annotations, and SHACL's own report graph in Turtle."""

from __future__ import annotations

import json
from itertools import groupby

from . import __version__
from .shapegraph import SH as _SH
from .validation import SEVERITY_OF, Report

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def render(report: Report, fmt: str, lang: str = "en", fail_on: str = "error") -> str:
    if fmt == "json":
        return _json(report, lang, fail_on)
    return {"text": _text, "sarif": _sarif, "github": _github, "ttl": _turtle}[fmt](report, lang)


def _text(report: Report, lang: str) -> str:
    lines = []
    for path, group in groupby(report.findings, key=lambda f: f.path):
        lines.append(str(path) if path else "(not located in a file)")
        for f in group:
            where = f"{f.line}:{f.column}" if f.line else "-"
            detail = " ".join(x for x in (
                f"[{f.shape}]" if f.shape else "",
                f"{f.focus}" if f.focus else "",
                f"{f.result_path}" if f.result_path else "",
                f"= {f.value}" if f.value else "") if x)
            lines.append(f"  {where:>8}  {f.severity:<7}  {f.text(lang)}" + (f"  {detail}" if detail else ""))
    counts = ", ".join(f"{report.count(s)} {s}{'s' if report.count(s) != 1 else ''}" for s in ("error", "warning", "info"))
    lines.append(f"{report.subject}, {report.triples} {report.counted}: {counts}")
    return "\n".join(lines) + "\n"


def _as_dict(f, lang: str) -> dict:
    return {
        "severity": f.severity, "kind": f.kind, "file": str(f.path) if f.path else None,
        "line": f.line, "column": f.column, "focus": f.focus, "shape": f.shape,
        "path": f.result_path, "value": f.value, "message": f.text(lang), "messages": f.message,
    }


def _json(report: Report, lang: str, fail_on: str) -> str:
    body = {
        # as the exit code says: no result of a severity that fails the run
        "conforms": not report.failed(fail_on),
        "fail_on": report.failing(fail_on),
        "files": [str(p) for p in report.files],
        "source": report.source,
        "skipped": report.skipped,
        "triples": report.triples,
        "triples_counted": report.counted,
        "counts": {s: report.count(s) for s in ("error", "warning", "info")},
        "results": [_as_dict(f, lang) for f in report.findings],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _sarif(report: Report, lang: str) -> str:
    rules: dict[str, dict] = {}
    results = []
    for f in report.findings:
        rule_id = f.shape or f"{f.kind}-error"
        rules.setdefault(rule_id, {"id": rule_id, "shortDescription": {"text": f.text(lang)}})
        result = {"ruleId": rule_id, "level": _SARIF_LEVEL[f.severity], "message": {"text": f.text(lang)}}
        if f.path:
            result["locations"] = [{"physicalLocation": {
                "artifactLocation": {"uri": f.path.as_posix()},
                "region": {"startLine": f.line or 1, "startColumn": f.column or 1}}}]
        if f.focus:
            result["properties"] = {"focusNode": f.focus, "resultPath": f.result_path, "value": f.value}
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "heritage-kg", "version": __version__,
                                "informationUri": "https://w3id.org/heritage-kg/",
                                "rules": sorted(rules.values(), key=lambda r: r["id"])}},
            "results": results,
        }],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(report: Report, lang: str) -> str:
    lines = []
    for f in report.findings:
        props = []
        if f.path:
            props += [f"file={_escape_property(f.path.as_posix())}", f"line={f.line or 1}", f"col={f.column or 1}"]
        if f.shape:
            props.append(f"title={_escape_property(f.shape)}")
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{_escape_data(f.text(lang))}")
    return "\n".join(lines) + ("\n" if lines else "")


_SEVERITY_IRI = {word: iri for iri, word in SEVERITY_OF.items()}


def _turtle(report: Report, lang: str) -> str:
    """The standard sh:ValidationReport graph. A SHACL finding is its result as the validator
    found it, with every message it has; a finding of another kind (a syntax error, a check of
    queries/checks/) is a result with its severity and message, and the file and line in its
    message, since SHACL has no term for them."""
    import pyoxigraph as ox

    sh = lambda local: ox.NamedNode(_SH + local)  # noqa: E731
    root = ox.BlankNode("report")
    triples = [ox.Triple(root, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), sh("ValidationReport")),
               ox.Triple(root, sh("conforms"), ox.Literal("true" if not report.findings else "false",
                                                           datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")))]
    for number, f in enumerate(report.findings, 1):
        node = ox.BlankNode(f"result{number}")
        triples += [ox.Triple(root, sh("result"), node),
                    ox.Triple(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), sh("ValidationResult"))]
        result = f.result
        if result is not None:
            triples += [ox.Triple(node, sh("focusNode"), result.focus), ox.Triple(node, sh("resultSeverity"), result.severity),
                        ox.Triple(node, sh("sourceShape"), result.shape),
                        ox.Triple(node, sh("sourceConstraintComponent"), ox.NamedNode(result.component))]
            if result.value is not None:
                triples.append(ox.Triple(node, sh("value"), result.value))
            if result.path is not None and result.path.node is not None:
                triples.append(ox.Triple(node, sh("resultPath"), result.path.node))
                triples += list(result.path.triples)
            messages = f.message.items()
        else:
            triples.append(ox.Triple(node, sh("resultSeverity"), ox.NamedNode(_SEVERITY_IRI[f.severity])))
            where = f"{f.location}: " if f.path else ""
            messages = [(code, where + text) for code, text in f.message.items()]
        triples += [ox.Triple(node, sh("resultMessage"), ox.Literal(text, language=code)) for code, text in sorted(messages)]
    # Oxigraph writes what rdflib cannot (an ill-typed literal as a value) as it is
    from .terms import PREFIXES

    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={**PREFIXES, "sh": _SH})
    return text.decode("utf-8")
