"""Query results rendered in the standard formats: SPARQL JSON/XML/CSV/TSV, a table, Markdown,
and RDF serialisations for graph results."""

from __future__ import annotations

import csv
import io
import json
from html import escape

import pyoxigraph as ox

from .engine import Result
from .errors import UsageError
from .terms import short

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def render(result: Result, fmt: str) -> str:
    if result.kind == "graph":
        from .serialise import serialise_triples

        return serialise_triples(result.triples, fmt)
    if result.serialised is not None:
        written_as, data = result.serialised
        assert written_as == fmt, f"the solutions were written as {written_as}, not {fmt}"
        # Oxigraph ends JSON and XML without a line feed; a terminal wants one
        return data.decode("utf-8") + ("" if data.endswith(b"\n") else "\n")
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise UsageError(f"--format {fmt}: not a format for {'ASK' if result.kind == 'boolean' else 'SELECT'} results")
    return renderer(result)


def _plain(term) -> str:
    """A term as SPARQL CSV writes it: the IRI or the literal's text, and a blank node as _:label."""
    if term is None:
        return ""
    return str(term) if isinstance(term, ox.BlankNode) else term.value


def _table(result: Result) -> str:
    if result.kind == "boolean":
        return ("true" if result.boolean else "false") + "\n"
    header = result.variables
    rows = [[short(row.get(v)) if row.get(v) is not None else "" for v in header] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _md(result: Result) -> str:
    if result.kind == "boolean":
        return f"**{'true' if result.boolean else 'false'}**\n"
    cell = lambda t: "" if t is None else short(t).replace("|", "\\|").replace("\n", " ")
    out = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
    out += ["| " + " | ".join(cell(row.get(v)) for v in result.variables) + " |" for row in result.rows]
    return "\n".join(out) + "\n"


def _csv(result: Result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "boolean":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    else:
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([_plain(row.get(v)) for v in result.variables])
    return buffer.getvalue()


def _tsv_term(term) -> str:
    return "" if term is None else str(term)


def _tsv(result: Result) -> str:
    if result.kind == "boolean":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_term(row.get(v)) for v in result.variables) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _json(result: Result) -> str:
    # Compact, as Oxigraph writes it (with a line feed after): the same bytes from every engine,
    # and json's fast encoder, which it does not use when asked to indent
    if result.kind == "boolean":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, separators=(",", ":")) + "\n"
    body = {"head": {"vars": result.variables},
            "results": {"bindings": [{v: _json_term(t) for v, t in row.items()} for row in result.rows]}}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"


def _quoteattr(value: str) -> str:
    """An XML attribute value in double quotes (html.escape escapes quotes too; it imports
    faster than xml.sax.saxutils, which pulls in urllib)."""
    return f'"{escape(value)}"'


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={_quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != _XSD_STRING:
        return f"<literal datatype={_quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml(result: Result) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
    if result.kind == "boolean":
        out += ["  </head>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f"    <variable name={_quoteattr(v)}/>" for v in result.variables]
    out += ["  </head>", "  <results>"]
    for row in result.rows:
        out.append("    <result>")
        out += [f"      <binding name={_quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in row.items()]
        out.append("    </result>")
    out += ["  </results>", "</sparql>"]
    return "\n".join(out) + "\n"


_RENDERERS = {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "xml": _xml, "md": _md}
