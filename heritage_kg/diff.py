"""What changed between two versions of the data, said in domain terms.

A version is a git revision (its ontology/ and data/ Turtle files, read with ``git show``), or a
dump file in any RDF format, or a folder of Turtle files.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import DataError, UsageError
from .project import ENTITY_NS, GRAPH_DIRS
from .ties import TieKinds
from .ties import read as read_tie_kinds

_H = "https://w3id.org/heritage-kg/ontology#"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_OX_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
               ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML,
               ".xml": ox.RdfFormat.RDF_XML}
@dataclass(frozen=True)
class Change:
    action: str  # "added", "removed", "changed"
    subject: str
    text: str


def _git_files(root: Path, rev: str) -> list[tuple[str, bytes]]:
    listing = subprocess.run(["git", "-C", str(root), "ls-tree", "-r", "--name-only", rev, "--", *GRAPH_DIRS],
                             capture_output=True)
    if listing.returncode != 0:
        raise UsageError(f"{rev}: not a file, folder or git revision")
    out = []
    for name in listing.stdout.decode().split():
        if name.endswith(".ttl"):
            blob = subprocess.run(["git", "-C", str(root), "show", f"{rev}:{name}"], capture_output=True)
            out.append((f"{rev}:{name}", blob.stdout))
    return out


def load_version(spec: str, root: Path) -> ox.Store:
    path = Path(spec)
    if path.is_dir():
        files = [(str(p), p.read_bytes()) for d in ([path / g for g in GRAPH_DIRS if (path / g).is_dir()] or [path])
                 for p in sorted(d.glob("*.ttl"))]
        if not files:
            raise UsageError(f"{spec}: folder holds no Turtle files")
    elif path.is_file():
        fmt = _OX_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise UsageError(f"{spec}: unknown RDF file type (use {', '.join(sorted(_OX_FORMATS))})")
        files = [(spec, path.read_bytes())]
    else:
        files = _git_files(root, spec)
    store = ox.Store()
    for name, data in files:
        fmt = _OX_FORMATS.get(Path(name).suffix.lower(), ox.RdfFormat.TURTLE)
        try:
            store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt))
        except SyntaxError as error:
            raise DataError(f"{name}:{error.lineno or 1}:{error.offset or 1}: {error}") from None
    return store


def _snapshot(store: ox.Store) -> dict[str, dict]:
    """Per entity: its hkg type, labels, sides, and every other value, blank nodes left out."""
    entities: dict[str, dict] = {}
    for quad in store:
        s = quad.subject
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(ENTITY_NS):
            continue
        e = entities.setdefault(s.value, {"types": set(), "labels": {}, "values": set()})
        p, o = quad.predicate.value, quad.object
        if p == _TYPE and o.value.startswith(_H):
            e["types"].add(o.value[len(_H):])
        elif p == _LABEL and isinstance(o, ox.Literal):
            e["labels"][o.language or ""] = o.value
        elif not isinstance(o, ox.BlankNode):
            e["values"].add((p, str(o)))
    return entities


def _name(iri: str, snap: dict) -> str:
    e = snap.get(iri)
    if e:
        return e["labels"].get("en") or next(iter(e["labels"].values()), iri.removeprefix(ENTITY_NS))
    return iri.removeprefix(ENTITY_NS)


def _describe(iri: str, snap: dict, table: TieKinds, below: dict[str, set[str]], words: dict[str, str]) -> str:
    """What ``iri`` is, in words: a tie by its kind and its sides (a side property's
    sub-properties count, as hkg:funder does for hkg:party), anything else by its class and name."""
    e = snap[iri]
    kind = table.of({_H + t for t in e["types"]})
    if kind is not None:
        sides = [name for side in kind.sides  # in the table's order: member before organisation
                 for name in sorted(_name(o.strip("<>"), snap) for p, o in e["values"] if p in below.get(side, {side}))]
        word = kind.word("en")
        return f"{word} between {' and '.join(sides)}" if len(kind.sides) == 1 and len(sides) > 1 else \
            f"{word} {' / '.join(sides)}"
    kind_name = sorted(e["types"])[0] if e["types"] else "entity"
    return f"{words.get(_H + kind_name, kind_name)} {_name(iri, snap)}"


def _below(store: ox.Store) -> dict[str, set[str]]:
    """Each property -> itself and its sub-properties, however far down."""
    rows = store.query("SELECT ?p ?sub WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subPropertyOf>* ?p "
                       "FILTER(isIRI(?p) && isIRI(?sub)) }")
    below: dict[str, set[str]] = {}
    for p, sub in rows:
        below.setdefault(p.value, {p.value}).add(sub.value)
    return below


def diff(old: ox.Store, new: ox.Store, fallback: ox.Store | None = None) -> list[Change]:
    a, b = _snapshot(old), _snapshot(new)
    # the newer version's table of tie kinds, else the older one's, else ``fallback``'s (a dump
    # may hold no ontology, and a version older than the table none)
    for store in (new, old, fallback):
        if store is not None:
            table, below = read_tie_kinds(store), _below(store)
            if table.kinds:
                break
    # a class by its English name ("non-governmental organisation"), from the same version
    words = {row[0].value: row[1].value for row in store.query(
        'SELECT ?class ?word WHERE { ?class a <http://www.w3.org/2002/07/owl#Class> ; '
        f'<{_LABEL}> ?word FILTER(LANG(?word) = "en") }}')} if store is not None else {}
    changes: list[Change] = []
    for iri in sorted(set(b) - set(a)):
        changes.append(Change("added", iri, f"{_describe(iri, b, table, below, words)} added"))
    for iri in sorted(set(a) - set(b)):
        changes.append(Change("removed", iri, f"{_describe(iri, a, table, below, words)} removed"))
    for iri in sorted(set(a) & set(b)):
        ea, eb = a[iri], b[iri]
        for lang in sorted(set(ea["labels"]) | set(eb["labels"])):
            before, after = ea["labels"].get(lang), eb["labels"].get(lang)
            if before != after:
                word = _language(lang)
                changes.append(Change("changed", iri, f"{word} label of {_name(iri, b)} changed: {before!r} -> {after!r}"))
        for p, o in sorted(eb["values"] - ea["values"]):
            changes.append(Change("changed", iri, f"{_name(iri, b)}: {_short(p)} {o} added"))
        for p, o in sorted(ea["values"] - eb["values"]):
            changes.append(Change("changed", iri, f"{_name(iri, b)}: {_short(p)} {o} removed"))
    return changes


def _short(iri: str) -> str:
    return "hkg:" + iri[len(_H):] if iri.startswith(_H) else f"<{iri}>"


def render(changes: list[Change], fmt: str) -> str:
    import json

    if fmt == "json":
        return json.dumps([c.__dict__ for c in changes], indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        out = []
        for action in ("added", "removed", "changed"):
            items = [c for c in changes if c.action == action]
            if items:
                out += [f"## {action.capitalize()}", ""] + [f"- {c.text}" for c in items] + [""]
        return "\n".join(out) if out else "No changes.\n"
    return "".join(f"{c.text}\n" for c in changes) or "no changes\n"


def _language(tag: str | None) -> str:
    """A language tag's name in English, from Babel's data ("French" for fr)."""
    from babel import Locale, UnknownLocaleError

    if not tag:
        return "untagged"
    try:
        return Locale.parse(tag.replace("-", "_")).get_display_name("en") or tag
    except (UnknownLocaleError, ValueError):
        return tag
