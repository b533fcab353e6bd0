"""A versioned release folder: the dumps with their checksums, a changelog since the previous
release, the VoID/DCAT description of the release, a citation, and the static site.

The same commit gives the same bytes: the dumps are deterministic, the date is the commit's,
and nothing else varies (docs/releases.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import diff as diffs
from .describe import DATASET, Edition, describe
from .errors import UsageError
from .formats import RDF_FORMATS
from .project import BASE, ENTITY_NS, Project
from .serialise import serialise_store_utf8, serialise_triples
from .stats import figures
from .terms import PREFIXES
from .versions import Version, check, level_of, parse

#: The files of a release folder besides its dumps and its site.
SUMS, VOID, CHANGELOG, CHANGES, CITATION = "SHA256SUMS", "void.ttl", "CHANGELOG.md", "changelog.ttl", "CITATION.cff"
TITLE = "heritage-kg: cultural-heritage organisations and their ties"
_CS = "http://purl.org/vocab/changeset/schema#"
_SPDX = "http://spdx.org/rdf/terms#"
_XSD = PREFIXES["xsd"]


def release_iri(version: Version | str) -> str:
    return f"{BASE}release/{version}"


@dataclass(frozen=True)
class Previous:
    """The release before: its version, and its graph as the changelog compares it."""

    version: Version
    store: ox.Store
    #: Whether ``store`` is a dump (the published graph) rather than the Turtle files as written.
    dump: bool


def previous_folder(folder: Path) -> tuple[Version, Path]:
    """A release folder's version (from its VoID) and its N-Triples dump."""
    described, dump = folder / VOID, folder / "heritage-kg.nt"
    if not described.is_file() or not dump.is_file():
        raise UsageError(f"--previous {folder}: not a release folder (no {VOID} or heritage-kg.nt)")
    store = ox.Store()
    store.load(described.read_bytes(), format=ox.RdfFormat.TURTLE)
    found = [row["v"].value for row in store.query(f"SELECT ?v WHERE {{ ?r a <{PREFIXES['dcat']}Dataset> ; "
                                                   f"<{PREFIXES['dcat']}version> ?v ; <{PREFIXES['dcterms']}isVersionOf> ?d }}")]
    if len(found) != 1:
        raise UsageError(f"--previous {folder}: its {VOID} names no release version")
    return parse(found[0], f"--previous {folder}"), dump


def changes_since(previous: Previous | None, project: Project, current_dump: bytes) -> list[diffs.Change]:
    """What changed since ``previous``, compared like with like: the files as written against a
    tag's, or the dumps against a folder's."""
    if previous is None:
        return []
    if previous.dump:
        now = ox.Store()
        now.bulk_load(current_dump, format=ox.RdfFormat.N_TRIPLES)
    else:
        now = diffs.load_version(str(project.root), project.root)
    return diffs.diff(previous.store, now)


def _sources(store: ox.Store) -> dict[str, list[str]]:
    """Each node's sources, as "source-slug:line"."""
    rows = store.query(f"""SELECT ?node ?source ?line WHERE {{
        ?node <{PREFIXES['hkg']}evidence> ?e . ?e <{PREFIXES['hkg']}source> ?source .
        OPTIONAL {{ ?e <{PREFIXES['hkg']}line> ?line }} }}""")
    found: dict[str, set[str]] = {}
    for row in rows:
        cited = row["source"].value.removeprefix(ENTITY_NS) + (f":{row['line'].value}" if row["line"] is not None else "")
        found.setdefault(row["node"].value, set()).add(cited)
    return {node: sorted(cited, key=lambda c: (c.split(":")[0], int(c.split(":")[1]) if ":" in c else 0))
            for node, cited in found.items()}


def changelog_md(version: Version, previous: Previous | None, day: str, changes: list[diffs.Change],
                 sources: dict[str, list[str]]) -> str:
    lines = [f"# heritage-kg {version} ({day})", ""]
    if previous is None:
        return "\n".join(lines + ["The first release.", ""])
    level, why = level_of(changes)
    lines += [f"Since {previous.version}: {why}, a {level} change.", ""]
    for action in ("added", "removed", "changed"):
        items = [c for c in changes if c.action == action]
        if items:
            lines += [f"## {action.capitalize()}", ""]
            for c in items:
                cited = sources.get(c.subject, [])
                lines.append(f"- {c.text}" + (f" (sources: {', '.join(cited)})" if cited else ""))
            lines.append("")
    return "\n".join(lines)


def changelog_ttl(version: Version, previous: Previous | None, day: str, changes: list[diffs.Change],
                  sources: dict[str, list[str]]) -> str:
    """The changes as RDF: a changeset (the Talis changeset vocabulary) per change, part of the
    release, derived from the sources that back it."""
    release = ox.NamedNode(release_iri(version))
    n = lambda prefix, local: ox.NamedNode(prefix + local)
    out = [ox.Triple(release, n(PREFIXES["rdf"], "type"), n(PREFIXES["dcat"], "Dataset"))]
    if previous is not None:
        out.append(ox.Triple(release, n(PREFIXES["prov"], "wasRevisionOf"), ox.NamedNode(release_iri(previous.version))))
    for number, change in enumerate(changes, 1):
        node = ox.NamedNode(f"{release_iri(version)}/changes/{number}")
        out += [ox.Triple(node, n(PREFIXES["rdf"], "type"), n(_CS, "ChangeSet")),
                ox.Triple(node, n(_CS, "subjectOfChange"), ox.NamedNode(change.subject)),
                ox.Triple(node, n(_CS, "changeReason"), ox.Literal(change.text, language="en")),
                ox.Triple(node, n(_CS, "createdDate"), ox.Literal(f"{day}T00:00:00Z", datatype=n(_XSD, "dateTime"))),
                ox.Triple(node, n(PREFIXES["dcterms"], "type"), ox.Literal(change.action)),
                ox.Triple(node, n(PREFIXES["dcterms"], "isPartOf"), release)]
        for cited in sources.get(change.subject, []):
            out.append(ox.Triple(node, n(PREFIXES["prov"], "wasDerivedFrom"), ox.NamedNode(ENTITY_NS + cited.split(":")[0])))
    return serialise_triples(out, "ttl")


def citation(version: Version, day: str) -> str:
    return (f"heritage-kg contributors ({day[:4]}). {TITLE}, version {version} [Data set]. "
            f"{release_iri(version)}")


def citation_cff(version: Version, day: str) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for the release."""
    return "\n".join([
        "cff-version: 1.2.0",
        'message: "If you use this dataset, please cite it as below."',
        "type: dataset",
        f"title: {json.dumps(TITLE)}",
        f"version: {json.dumps(str(version))}",
        f"date-released: {json.dumps(day)}",
        "license: CC-BY-4.0",
        f"url: {json.dumps(release_iri(version))}",
        "authors:",
        '  - name: "heritage-kg contributors"',
        "keywords:",
        *(f"  - {json.dumps(k)}" for k in ("cultural heritage", "knowledge graph", "linked data", "museums")),
        "",
    ])


def void(stats: dict, version: Version, previous: Previous | None, day: str, files: dict[str, bytes]) -> str:
    """The release's VoID/DCAT description: the dataset as the dumps describe it, then this
    release as a version of it, with a distribution (size, media type, SHA-256) per file."""
    known = {**PREFIXES, "spdx": _SPDX}
    n = lambda curie: ox.NamedNode(known[curie.split(":", 1)[0]] + curie.split(":", 1)[1])
    release, dataset = ox.NamedNode(release_iri(version)), ox.NamedNode(DATASET)
    out = describe(stats, Edition(str(version), day))
    add = lambda s, p, o: out.append(ox.Triple(s, n(p), o))
    for cls in ("void:Dataset", "dcat:Dataset", "schema:Dataset"):
        add(release, "rdf:type", n(cls))
    add(release, "dcterms:title", ox.Literal(f"{TITLE}, version {version}", language="en"))
    add(release, "dcterms:isVersionOf", dataset)
    add(dataset, "dcterms:hasVersion", release)
    add(release, "dcat:version", ox.Literal(str(version)))
    add(release, "schema:version", ox.Literal(str(version)))
    add(release, "dcterms:issued", ox.Literal(day, datatype=n("xsd:date")))
    add(release, "dcterms:license", ox.NamedNode("https://creativecommons.org/licenses/by/4.0/"))
    add(release, "schema:citation", ox.Literal(citation(version, day)))
    if previous is not None:
        add(release, "prov:wasRevisionOf", ox.NamedNode(release_iri(previous.version)))
        add(release, "dcat:previousVersion", ox.NamedNode(release_iri(previous.version)))
    for name in sorted(files):
        body = files[name]
        dist = ox.NamedNode(f"{release_iri(version)}/{name}")
        add(release, "dcat:distribution", dist)
        add(dist, "rdf:type", n("dcat:Distribution"))
        add(dist, "dcat:downloadURL", dist)
        add(dist, "dcterms:title", ox.Literal(name))
        add(dist, "dcat:byteSize", ox.Literal(str(len(body)), datatype=n("xsd:nonNegativeInteger")))
        media = _media_type(name)
        add(dist, "dcat:mediaType", ox.NamedNode("https://www.iana.org/assignments/media-types/" + media))
        checksum = ox.NamedNode(f"{release_iri(version)}/{name}#sha256")
        add(dist, "spdx:checksum", checksum)
        add(checksum, "rdf:type", ox.NamedNode(_SPDX + "Checksum"))
        add(checksum, "spdx:algorithm", ox.NamedNode(_SPDX + "checksumAlgorithm_sha256"))
        add(checksum, "spdx:checksumValue", ox.Literal(hashlib.sha256(body).hexdigest(), datatype=n("xsd:hexBinary")))
    return serialise_triples(out, "ttl")


def _media_type(name: str) -> str:
    for spec in RDF_FORMATS.values():
        if name.endswith(spec.suffix):
            return spec.media_type
    return {".md": "text/markdown", ".cff": "application/x-yaml"}.get(Path(name).suffix, "text/plain")


def sums(digests: dict[str, str]) -> str:
    """SHA256SUMS from each file's SHA-256 (hex), as `sha256sum -c` reads it."""
    return "".join(f"{digests[name]}  {name}\n" for name in sorted(digests))


def contents(project: Project, store: ox.Store, version: Version, previous: Previous | None, day: str) -> dict[str, bytes]:
    """Every file of the release folder but the site, by name."""
    stats = figures(store)
    description = describe(stats, Edition(str(version), day))
    files = {f"heritage-kg{spec.suffix}": serialise_store_utf8(store, name, description=description)
             for name, spec in sorted(RDF_FORMATS.items())}
    changes = changes_since(previous, project, files["heritage-kg.nt"])
    check(version, previous.version if previous is not None else None, changes)
    new_sources = _sources(store)
    old_sources = _sources(previous.store) if previous is not None else {}
    cited = {c.subject: (old_sources if c.action == "removed" else new_sources).get(c.subject, []) for c in changes}
    files[CHANGELOG] = changelog_md(version, previous, day, changes, cited).encode("utf-8")
    files[CHANGES] = changelog_ttl(version, previous, day, changes, cited).encode("utf-8")
    files[CITATION] = citation_cff(version, day).encode("utf-8")
    files[VOID] = void(stats, version, previous, day, dict(files)).encode("utf-8")
    return files
