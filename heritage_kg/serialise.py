"""Deterministic serialisation: the same graph gives the same bytes on every run and machine.

Blank nodes get labels computed from their content (a hash of their triples and of the node
that holds them), N-Triples and N-Quads lines are sorted, and JSON-LD is written with sorted
keys and nodes. Oxigraph writes Turtle, TriG and RDF/XML from the triples in that sorted order,
so that the statements about one subject come together, in the same order on every run; rdflib
writes JSON-LD, compacted with our context.

A whole store (`serialise_store`) takes a shortcut with the same result: Oxigraph writes it as
N-Triples, and the labels and the sorting are done on those lines as bytes, with no Python
object per triple.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import re
from importlib import resources

import pyoxigraph as ox

from .errors import UsageError
from .formats import RDF_FORMATS
from .terms import PREFIXES

GRAPH_IRI = "https://w3id.org/heritage-kg/graph"


def _hash(pieces: list[str]) -> str:
    return "_:" + hashlib.sha256("\n".join(sorted(pieces)).encode()).hexdigest()[:20]


def _ordered(nodes: set, depends: dict) -> list:
    """``nodes`` in an order where each comes after those it ``depends`` on (a dict of sets, to
    be used up); those on a cycle, or after one, are left out."""
    waiting = {node: len(depends[node]) for node in nodes}
    users: dict = {}
    for node in nodes:
        for other in depends[node]:
            users.setdefault(other, []).append(node)
    ready = [node for node, count in waiting.items() if count == 0]
    order = []
    while ready:
        node = ready.pop()
        order.append(node)
        for user in users.get(node, ()):
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    return order


def stable_blank_nodes(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Relabel blank nodes by a hash of what they are: their own statements, with each blank node
    they hold stood for by a hash of its whole content (worked out from the leaves up), and the
    statements that hold them, with each blank node holder stood for by its label (worked out
    from the roots down). So two blank nodes get one label only when they are twins, with the
    same content at any depth under the same holders: merging those changes no meaning. The
    work is linear, however deep the nesting.

    A node with no blank node around it gets the hash of its statements alone, as the shortcut
    of `_stable_lines` labels it. Blank nodes on a cycle are labelled by refining their
    neighbours' labels until the labels tell no more of them apart."""
    blanks = {t.subject for t in triples if isinstance(t.subject, ox.BlankNode)}
    blanks |= {t.object for t in triples if isinstance(t.object, ox.BlankNode)}
    if not blanks:
        return triples
    out: dict = {b: [] for b in blanks}
    into: dict = {b: [] for b in blanks}
    for t in triples:
        if t.subject in out:
            out[t.subject].append(t)
        if t.object in into:
            into[t.object].append(t)
    content: dict = {}
    for b in _ordered(blanks, {b: {t.object for t in out[b] if t.object in blanks} for b in blanks}):
        content[b] = _hash([f"> {t.predicate} {content[t.object] if t.object in blanks else t.object}" for t in out[b]])
    if len(content) < len(blanks):
        label = _refined(triples, blanks)
    else:  # no cycle down, so none up
        label = {}
        for b in _ordered(blanks, {b: {t.subject for t in into[b] if t.subject in blanks} for b in blanks}):
            label[b] = _hash([f"> {t.predicate} {content[t.object] if t.object in blanks else t.object}"
                              for t in out[b]]
                             + [f"< {label[t.subject] if t.subject in blanks else t.subject} {t.predicate}"
                                for t in into[b]])
    nodes = {b: ox.BlankNode("b" + label[b][2:]) for b in blanks}
    return [ox.Triple(nodes.get(t.subject, t.subject), t.predicate, nodes.get(t.object, t.object)) for t in triples]


def _refined(triples: list[ox.Triple], blanks: set) -> dict:
    """Labels for blank nodes on cycles: each round hashes a node's statements with its blank
    neighbours' labels of the round before, until a round tells no more nodes apart."""
    label = {b: "" for b in blanks}
    classes = 1
    while True:
        parts: dict = {b: [] for b in blanks}
        for t in triples:
            s = label[t.subject] if t.subject in label else str(t.subject)
            o = label[t.object] if t.object in label else str(t.object)
            if t.subject in parts:
                parts[t.subject].append(f"> {t.predicate} {o}")
            if t.object in parts:
                parts[t.object].append(f"< {s} {t.predicate}")
        label = {b: _hash(p) for b, p in parts.items()}
        if len(set(label.values())) == classes:
            return label
        classes = len(set(label.values()))


#: The formats Oxigraph writes for us from sorted triples.
_OXIGRAPH_WRITES = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "xml": ox.RdfFormat.RDF_XML}


def _prefixes() -> dict[str, str]:
    """The prefixes of the exports (not that of our shapes, which the graph does not use)."""
    return {prefix: iri for prefix, iri in PREFIXES.items() if prefix != "hkgsh"}


def context() -> dict:
    return json.loads(resources.files("heritage_kg").joinpath("context.jsonld").read_text(encoding="utf-8"))


def _sort_json(value, ordered: bool = False):
    """Keys and arrays sorted, so that the output is stable; an ``@list`` array keeps its order,
    which is its meaning (an RDF collection)."""
    if isinstance(value, dict):
        return {k: _sort_json(v, ordered=k == "@list") for k, v in sorted(value.items())}
    if isinstance(value, list) and ordered:
        return [_sort_json(v) for v in value]
    if isinstance(value, list):
        items = [_sort_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _format(fmt: str):
    spec = RDF_FORMATS.get(fmt)
    if spec is None:
        raise UsageError(f"--format {fmt}: not an RDF format (one of {', '.join(RDF_FORMATS)})")
    return spec


def serialise_triples(triples: list[ox.Triple], fmt: str, description: list[ox.Triple] | None = None) -> str:
    """Serialise ``triples`` (plus an optional dataset description) in format ``fmt``."""
    _format(fmt)
    description = description or []
    # sorted, so that serialisers which follow the store's insertion order are stable too
    triples = sorted(stable_blank_nodes(list(triples) + description), key=str)
    return _serialise_stable(triples, fmt, description)


#: One run of N-Triples lines with the same blank subject (the text after ``_:`` is group 1).
_SUBJECT_RUN = re.compile(rb"_:([^ ]+) [^\n]*\n(?:_:\1 [^\n]*\n)*")
#: The end of a line whose object is a blank node (not of a literal ending in " _:x", nor of an
#: IRI: the label holds no quote, space or ">").
_BLANK_OBJECT = re.compile(rb" _:([^ \"<>\n]+) \.$", re.MULTILINE)


def _stable_lines(store: ox.Store) -> tuple[list[bytes], bytes] | None:
    """The triples of ``store`` as sorted N-Triples lines (``... .``, without the line feed),
    with the blank nodes labelled as `stable_blank_nodes` labels them: the lines whose subject
    is an IRI, and the text of those whose subject is a blank node (all of which sort after).

    Where no blank node touches another, one round of `stable_blank_nodes` settles the labels:
    the hash of a node's lines, with the node left out (``> predicate object`` for those it is
    the subject of, ``< subject predicate`` for those it is the object of), and those pieces are
    cut from the bytes. Returns None where this does not hold (blank nodes linked to each other,
    triple terms, named graphs, two nodes with the same content), for the general way.
    """
    if next(iter(store.named_graphs()), None) is not None:
        return None
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    if b">> .\n" in data or b"\n<<" in data or data.startswith(b"<<"):
        return None  # a triple term (no IRI ends with ">"), which may hold blank nodes
    lines = data.split(b"\n")
    del data
    lines.pop()  # after the last line feed
    lines.sort()
    split = bisect.bisect_left(lines, b"_")  # IRIs (<) sort before blank nodes (_)
    tail = b"\n".join(lines[split:]) + b"\n" if split < len(lines) else b""
    del lines[split:]
    head = lines
    if _BLANK_OBJECT.search(tail):
        return None
    incoming: dict[bytes, list[bytes]] = {}
    objects = []
    for i in [i for i, line in enumerate(head) if b" _:" in line]:
        found = _BLANK_OBJECT.search(head[i])
        if found:
            incoming.setdefault(found[1], []).append(b"< " + head[i][:found.start()])
            objects.append((i, found.start()))
    labels: dict[bytes, bytes] = {}
    runs = []
    end = 0
    for run in _SUBJECT_RUN.finditer(tail):
        if run.start() != end:
            return None
        end = run.end()
        node, text = run[1], b"\n" + run[0]
        # "_:node p o .\n" lines, in order of "p o": the "> p o" pieces, already sorted
        pieces = text.replace(b"\n_:" + node + b" ", b"\n> ").replace(b" .\n", b"\n")[1:-1]
        before = incoming.pop(node, None)
        label = _label(b"\n".join(sorted(before)) + b"\n" + pieces if before else pieces)
        labels[node] = label
        runs.append((label, text.replace(b"\n_:" + node + b" ", b"\n_:" + label + b" ")[1:]))
    if end != len(tail):
        return None
    for node, before in incoming.items():  # objects only
        labels[node] = _label(b"\n".join(sorted(before)))
    if len(set(labels.values())) < len(labels):
        return None  # stable_blank_nodes would merge them
    for i, at in objects:
        line = head[i]
        head[i] = line[:at] + b" _:" + labels[line[at + 3:-2]] + b" ."
    head.sort()  # only runs of blank objects of one subject and predicate moved
    runs.sort()
    return head, b"".join([text for _, text in runs])


def _label(pieces: bytes) -> bytes:
    return b"b" + hashlib.sha256(pieces).hexdigest()[:20].encode("ascii")


def serialise_store(store: ox.Store, fmt: str, description: list[ox.Triple] | None = None) -> str:
    """The same text as ``serialise_triples(list of the store's triples, fmt, description)``,
    many times faster on a large store."""
    return serialise_store_utf8(store, fmt, description).decode("utf-8")


def serialise_store_utf8(store: ox.Store, fmt: str, description: list[ox.Triple] | None = None) -> bytes:
    """`serialise_store` encoded as UTF-8, without decoding the N-Triples and N-Quads it makes as
    bytes (at a million triples, a decode and an encode take most of a second)."""
    _format(fmt)
    description = description or []
    found = None if _has_blank_nodes(description) else _stable_lines(store)
    if found is None:
        return serialise_triples([ox.Triple(q.subject, q.predicate, q.object) for q in store], fmt, description).encode("utf-8")
    # (the lines are dropped as soon as they are joined: at a million triples, each copy of the
    # text is hundreds of megabytes)
    head, tail = found
    del found
    described = _lines(description)
    text = _joined(_merged(head, [line for line in described if not _holds(head, line)]), tail)
    del head, tail
    return _from_export(text, fmt, described)


def serialise_export_utf8(text: bytes, fmt: str, description: list[ox.Triple]) -> bytes | None:
    """What `serialise_store_utf8` gives in ``fmt`` for a store whose N-Triples it gave as
    ``text`` (an on-disk store keeps that text), with the same ``description``: the same bytes,
    without reading the store again. None where the description has blank nodes, whose labels
    only the store can give."""
    _format(fmt)
    if _has_blank_nodes(description):
        return None
    return _from_export(text, fmt, _lines(description))


def _has_blank_nodes(triples: list[ox.Triple]) -> bool:
    return any(isinstance(term, ox.BlankNode) for t in triples for term in (t.subject, t.object))


def _lines(triples: list[ox.Triple]) -> list[bytes]:
    """Sorted N-Triples lines, each once, without their line feeds."""
    return sorted({f"{t} .".encode("utf-8") for t in triples})


def _from_export(text: bytes, fmt: str, described: list[bytes]) -> bytes:
    """``fmt`` from ``text``, the whole export as sorted N-Triples with stable blank-node labels,
    where ``described`` are the sorted lines of the description (which ``text`` holds too)."""
    if fmt == "nt":
        return text
    if fmt in ("ttl", "xml"):
        # already sorted, with each triple once
        return ox.serialize(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), format=_OXIGRAPH_WRITES[fmt],
                            prefixes=_prefixes())
    if fmt in ("nq", "trig"):
        # the description in the default graph, everything else in the graph: a line the
        # description holds is written once, in the default graph
        rest = text.split(b"\n")
        rest.pop()  # after the last line feed
        held = set(described)
        rest = [line for line in rest if line not in held]
        in_graph = f" <{GRAPH_IRI}> .\n".encode("utf-8")
        if fmt == "nq":
            # \0 (never in N-Triples) marks the description lines through the sort, so that they
            # keep " ." where the others get the graph's name
            text = _joined(_merged(rest, [line + b"\0" for line in described]), b"")
            return text.replace(b" .\n", in_graph).replace(b" .\0\n", b" .\n")
        # TriG: the default graph first, then the graph
        quads = itertools.chain(
            ox.parse(_joined(list(described), b""), format=ox.RdfFormat.N_TRIPLES),
            ox.parse(_joined(rest, b"").replace(b" .\n", in_graph), format=ox.RdfFormat.N_QUADS))
        return ox.serialize(quads, format=_OXIGRAPH_WRITES[fmt], prefixes=_prefixes())
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]
    return _serialise_stable(triples, fmt, []).encode("utf-8")


def _holds(lines: list[bytes], line: bytes) -> bool:
    at = bisect.bisect_left(lines, line)
    return at < len(lines) and lines[at] == line


def _merged(head: list[bytes], extra: list[bytes]) -> list[bytes]:
    if extra:
        head.extend(extra)
        head.sort()  # two sorted runs: one merge
    return head


def _joined(head: list[bytes], tail: bytes) -> bytes:
    """The lines of ``head`` and then ``tail`` as one text (``head`` is emptied)."""
    head.append(tail)  # which ends with a line feed, or is empty
    text = b"\n".join(head)
    head.clear()
    return text


def _serialise_stable(triples: list[ox.Triple], fmt: str, description: list[ox.Triple]) -> str:
    """Serialise ``triples``, whose blank nodes already have stable labels, sorted."""
    triples = list(dict.fromkeys(triples))  # a triple also in the description is written once
    if fmt == "nt":
        return "".join(sorted({f"{t} .\n" for t in triples}))
    if fmt == "nq":
        described = set(stable_blank_nodes(description)) if description else set()
        graph = ox.NamedNode(GRAPH_IRI)
        lines = {f"{t} .\n" if t in described else f"{ox.Quad(t.subject, t.predicate, t.object, graph)} .\n" for t in triples}
        return "".join(sorted(lines))
    if fmt in ("ttl", "xml"):
        return ox.serialize(triples, format=_OXIGRAPH_WRITES[fmt], prefixes=_prefixes()).decode("utf-8")
    if fmt == "trig":
        described = set(stable_blank_nodes(description)) if description else set()
        graph = ox.NamedNode(GRAPH_IRI)
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples if t in described]
        quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples if t not in described]
        return ox.serialize(quads, format=_OXIGRAPH_WRITES[fmt], prefixes=_prefixes()).decode("utf-8")
    # JSON-LD: compacted with our context by rdflib, then sorted
    from .terms import graph_of

    ctx = context()
    text = graph_of(triples).serialize(format="json-ld", context=ctx["@context"], auto_compact=True)
    data = json.loads(text)
    body = data.get("@graph", [data])
    return json.dumps({"@context": ctx["@context"], "@graph": _sort_json(body)}, indent=1, ensure_ascii=False) + "\n"
