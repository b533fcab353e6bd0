"""One node's description as JSON-LD, written directly: the document a linked-data page embeds
in its <script type="application/ld+json">, with compact IRIs under the project's prefixes.

rdflib's JSON-LD serialiser would cost more than the rest of the page; this writes the node, its
statements and its blank nodes (evidence) nested, in a stable order.
"""

from __future__ import annotations

import functools
import json
import re

import pyoxigraph as ox

from .terms import PREFIXES

_RANKED = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_TYPE = PREFIXES["rdf"] + "type"
_STRING = PREFIXES["xsd"] + "string"
_LOCAL = re.compile(r"[A-Za-z0-9_][\w.-]*")


@functools.lru_cache(maxsize=1 << 16)
def compact(value: str) -> str:
    """``value`` as a compact IRI under the project's prefixes, when one fits. Kept for the most
    recent IRIs, since the same properties and classes come back on every page."""
    for prefix, ns in _RANKED:
        local = value[len(ns):]
        if value.startswith(ns) and local and _LOCAL.fullmatch(local) and not local.startswith("//"):
            return f"{prefix}:{local}"
    return value


_SORT_KEY = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode


def _in_order(values: list) -> list:
    if len(values) == 1:  # most are; the key is the costly part
        return values
    return sorted(values, key=_SORT_KEY)


def embedded_jsonld(store: ox.Store, iri: str) -> dict:
    """The node's own description (with its evidence nested) as JSON-LD, for the page's
    <script type="application/ld+json">. Written directly, with compact IRIs under the
    project's prefixes: rdflib's serialiser would cost more than the rest of the page.

    A blank node is written where it is first met. One met again (evidence that backs two
    statements) needs an identifier to be the same node: ``_:b1``, ``_:b2``... in the order of
    the finished document, so that the page is the same whatever the store calls its blank
    nodes (they differ from one parse of the files to the next)."""
    nested: dict = {}  # blank node -> its description
    again: dict = {}  # blank node -> the references to it after the first

    def term(o):
        kind = type(o)
        if kind is ox.NamedNode:
            return {"@id": compact(o.value)}
        if kind is ox.BlankNode:
            if o not in nested:
                return node(o)
            reference: dict = {"@id": None}
            again.setdefault(o, []).append(reference)
            return reference
        language = o.language
        if language:
            return {"@value": o.value, "@language": language}
        datatype = o.datatype.value
        if datatype == _STRING:
            return {"@value": o.value}
        return {"@value": o.value, "@type": compact(datatype)}

    def node(subject) -> dict:
        out: dict = {}
        if isinstance(subject, ox.BlankNode):
            nested[subject] = out
        else:
            out["@id"] = compact(subject.value)
        for quad in store.quads_for_pattern(subject, None, None):
            predicate, obj = quad.predicate.value, quad.object
            if predicate == _TYPE and type(obj) is ox.NamedNode:
                key, value = "@type", compact(obj.value)
            else:
                key, value = compact(predicate), term(obj)
            found = out.get(key)
            if found is None:
                out[key] = [value]
            else:
                found.append(value)
        ordered = {k: _in_order(v) if type(v) is list else v for k, v in sorted(out.items())}
        out.clear()
        out.update(ordered)  # in place: `nested` holds this very dict, and labels are found by identity
        return out

    document = {"@context": dict(sorted(PREFIXES.items())), **node(ox.NamedNode(iri))}
    if again:
        _label_shared(document, {id(nested[b]): b for b in again}, again)
    return document


def _label_shared(document: dict, shared: dict, again: dict) -> None:
    """Give each blank node met more than once its ``_:bN``, numbered in document order."""
    labels: dict = {}

    def visit(node: dict) -> None:
        blank = shared.get(id(node))
        if blank is not None and blank not in labels:
            labels[blank] = f"_:b{len(labels) + 1}"
            fields = list(node.items())
            node.clear()
            node.update([("@id", labels[blank]), *fields])
            for reference in again[blank]:
                reference["@id"] = labels[blank]
        for values in node.values():
            if type(values) is list:
                for item in values:
                    # only a nested node can hold a blank node: not a value, nor a reference
                    if type(item) is dict and "@value" not in item and not (len(item) == 1 and "@id" in item):
                        visit(item)

    visit(document)
