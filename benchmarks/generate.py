"""A synthetic heritage graph of a requested size, shaped by our ontology and conforming to our
shapes except for a known number of injected violations of each kind.

Run from the repository root:

    python3 benchmarks/generate.py --triples 100000 -o /tmp/hkg-100k/synthetic.ttl

How it is made. The bundled data (data/*.ttl) is the template: it holds organisations of every
kind in the ontology, with English and French labels and evidence, memberships, agreements with
parties, kinds, topics and dates, observations, and the sources they cite. It is copied as many
times as the size needs. Copy 0 is the bundled data itself, so the named queries' defaults
(ICOM, Blue Shield...) still find something; in copy k every entity IRI kg:x becomes kg:x-k, and
every rdfs:label gets " k", so that no two entities of a class share a label. A few hubs are not
copied but shared by every copy: the places, the source documents and the large international
organisations (ICOM, UNESCO, ICCROM...). So ICOM gains members, partners and agreements with
every copy, as it would with its real 50,000 members, and the network stays one network.

Then a known number of defects of each kind is injected, each one breaking exactly one shape
(``KINDS`` below). They are written with the expected results of the whole graph to
``<output>.violations.json``: per shape, how many SHACL results a validator must report (the
injected ones, plus the bundled data's own Info results about undated observations, once per
copy of the observation).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from heritage_kg.terms import PREFIXES  # noqa: E402

ID = "https://w3id.org/heritage-kg/id/"
HKG = "https://w3id.org/heritage-kg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
H = lambda local: ox.NamedNode(HKG + local)  # noqa: E731

#: Organisations every copy shares rather than copies: the hubs of the network.
HUBS = ("icom", "unesco", "iccrom", "icomos", "ifla", "interpol", "blue-shield", "aliph", "wco", "unodc")

#: The defects injected, each breaking exactly one shape: name -> (shape, description).
KINDS = {
    "no-label": ("hkgsh:EntityLabel", "an organisation without any rdfs:label"),
    "no-key-phrase": ("hkgsh:EvidenceKeyPhrase", "an evidence node without hkg:keyPhrase"),
    "string-value": ("hkgsh:ValueDatatype", "an observation whose hkg:value is a string, not an xsd:integer"),
    "no-agreement-kind": ("hkgsh:AgreementKindCount", "an agreement without hkg:agreementKind"),
    "two-members": ("hkgsh:MembershipMemberCount", "a membership with a second hkg:member"),
}


def fingerprint() -> str:
    """A hash of this script, recorded in the manifest: a graph made by another version of the
    generator is made again rather than measured (`scale.py` keeps the graphs it made)."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def template() -> list[ox.Triple]:
    """The bundled data, with its blank nodes labelled b0, b1... in the order the files give them
    (the parser's own labels are random, and the defects are picked from nodes sorted by label:
    with random labels, one --seed picked different nodes on each run)."""
    triples = []
    for path in sorted((ROOT / "data").glob("*.ttl")):
        triples.extend(ox.Triple(q.subject, q.predicate, q.object)
                       for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    labels: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            return labels.setdefault(term, ox.BlankNode(f"b{len(labels)}"))
        return term

    return [ox.Triple(stable(t.subject), t.predicate, stable(t.object)) for t in triples]


def shared_iris(triples: list[ox.Triple]) -> set[str]:
    """The IRIs not copied: hubs, places and source documents."""
    shared = {ID + h for h in HUBS}
    kinds = {H(k) for k in ("Place", "City", "Country", "Region", "Site", "PostalAddress", "SourceDocument")}
    shared |= {t.subject.value for t in triples if t.predicate == RDF_TYPE and t.object in kinds}
    return shared


def owners(triples: list[ox.Triple]) -> dict[ox.BlankNode, ox.Node]:
    """The IRI that (through blank nodes) holds each blank node."""
    parent = {t.object: t.subject for t in triples if isinstance(t.object, ox.BlankNode)}
    owner = {}
    for blank in parent:
        node, seen = blank, set()
        while isinstance(node, ox.BlankNode) and node in parent and node not in seen:
            seen.add(node)
            node = parent[node]
        owner[blank] = node
    return owner


def copy_of(triples, k: int, shared: set[str], owner) -> list[ox.Triple]:
    """Copy ``k`` of the template: entity IRIs and blank nodes renamed, labels numbered, and the
    statements about shared nodes left out (copy 0 holds them)."""
    if k == 0:
        return list(triples)
    iri_cache: dict = {}

    def rename(term):
        if isinstance(term, ox.NamedNode):
            if not term.value.startswith(ID) or term.value in shared:
                return term
            hit = iri_cache.get(term)
            if hit is None:
                hit = iri_cache[term] = ox.NamedNode(f"{term.value}-{k}")
            return hit
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{term.value}k{k}")
        return term

    out = []
    for t in triples:
        holder = owner.get(t.subject, t.subject) if isinstance(t.subject, ox.BlankNode) else t.subject
        if isinstance(holder, ox.NamedNode) and holder.value in shared:
            continue
        obj = t.object
        if t.predicate == LABEL and isinstance(obj, ox.Literal):
            obj = ox.Literal(f"{obj.value} {k}", language=obj.language) if obj.language else ox.Literal(f"{obj.value} {k}")
        else:
            obj = rename(obj)
        out.append(ox.Triple(rename(t.subject), t.predicate, obj))
    return out


def inject(graph: list[ox.Triple], per_kind: int, seed: int) -> tuple[list[ox.Triple], dict]:
    """Inject ``per_kind`` defects of each kind into distinct nodes; return the graph and what
    was injected where."""
    rng = random.Random(seed)
    by_subject: dict = defaultdict(list)
    for i, t in enumerate(graph):
        by_subject[t.subject].append(i)
    types = defaultdict(set)
    for t in graph:
        if t.predicate == RDF_TYPE:
            types[t.subject].add(t.object.value.removeprefix(HKG))
    organisation_kinds = {"Organisation", "NonGovernmentalOrganisation", "IntergovernmentalOrganisation",
                          "Foundation", "MuseumOrInstitution", "GovernmentBody", "UnitedNationsBody",
                          "SupranationalUnion", "TrainingCentre"}
    hubs = {ID + h for h in HUBS}
    organisations = sorted((s for s, k in types.items() if k & organisation_kinds and s.value not in hubs), key=str)
    removed: set[int] = set()
    added: list[ox.Triple] = []
    where: dict[str, list[str]] = {}

    def pick(candidates, n):
        candidates = sorted(set(candidates), key=str)
        if len(candidates) < n:
            raise SystemExit(f"generate: only {len(candidates)} candidates for {n} defects; ask for a larger graph")
        return rng.sample(candidates, n)

    # no-label
    chosen = pick(organisations, per_kind)
    for s in chosen:
        removed.update(i for i in by_subject[s] if graph[i].predicate == LABEL)
    where["no-label"] = [s.value for s in chosen]
    # no-key-phrase
    evidence = [t.subject for t in graph if t.predicate == H("keyPhrase") and isinstance(t.subject, ox.BlankNode)]
    chosen = pick(evidence, per_kind)
    for s in chosen:
        removed.update(i for i in by_subject[s] if graph[i].predicate == H("keyPhrase"))
    where["no-key-phrase"] = [s.value for s in chosen]
    # string-value
    chosen = pick([t.subject for t in graph if t.predicate == H("value")], per_kind)
    for s in chosen:
        for i in by_subject[s]:
            if graph[i].predicate == H("value"):
                removed.add(i)
                added.append(ox.Triple(s, H("value"), ox.Literal(graph[i].object.value, datatype=XSD_STRING)))
    where["string-value"] = [s.value for s in chosen]
    # no-agreement-kind
    # not one whose evidence names hkg:agreementKind: without the kind, that evidence would also
    # (rightly) trip the unused-supports check, a second result the manifest does not expect
    naming = {t.subject for t in graph if t.predicate == H("supports") and t.object == H("agreementKind")}
    named = {t.subject for t in graph if t.predicate == H("evidence") and t.object in naming}
    chosen = pick([t.subject for t in graph if t.predicate == H("agreementKind") and t.subject not in named], per_kind)
    for s in chosen:
        removed.update(i for i in by_subject[s] if graph[i].predicate == H("agreementKind"))
    where["no-agreement-kind"] = [s.value for s in chosen]
    # two-members: the extra member is an organisation that is neither the member nor the organisation
    memberships = [s for s, k in types.items() if "Membership" in k]
    chosen = pick(memberships, per_kind)
    for s in chosen:
        involved = {graph[i].object for i in by_subject[s] if graph[i].predicate in (H("member"), H("organisation"))}
        extra = next(o for o in organisations[rng.randrange(len(organisations)):] + organisations if o not in involved)
        added.append(ox.Triple(s, H("member"), extra))
    where["two-members"] = [s.value for s in chosen]
    out = [t for i, t in enumerate(graph) if i not in removed] + added
    return out, where


def baseline_results(copies: int, shared: set[str]) -> Counter:
    """The bundled data's own SHACL results (pySHACL, through heritage_kg.validation), counted once
    per copy of their focus node (once for a shared node)."""
    from heritage_kg.project import Project
    from heritage_kg.validation import validate

    project = Project(ROOT)
    report = validate(project.graph_files(), project.shape_files(), [])
    counts: Counter = Counter()
    for finding in report.findings:
        if finding.kind != "shacl":
            continue
        focus = (finding.focus or "").replace("kg:", ID, 1)
        counts[(finding.shape, finding.severity)] += 1 if focus in shared else copies
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, required=True, help="Approximate size of the graph, e.g. 100000.")
    parser.add_argument("-o", "--output", type=Path, required=True, help="The Turtle file to write.")
    parser.add_argument("--violations", type=int, default=5, help="Defects injected per kind (default 5).")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    base = template()
    shared = shared_iris(base)
    owner = owners(base)
    per_copy = len(copy_of(base, 1, shared, owner))
    copies = max(1, 1 + round((args.triples - len(base)) / per_copy))
    graph: list[ox.Triple] = []
    for k in range(copies):
        graph.extend(copy_of(base, k, shared, owner))
    graph, where = inject(graph, args.violations, args.seed)
    graph.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    prefixes = {p: PREFIXES[p] for p in ("hkg", "kg", "rdfs", "owl", "xsd", "skos") if p in PREFIXES}
    ox.serialize(graph, output=str(args.output), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    expected = baseline_results(copies, shared)
    for name, (shape, _) in KINDS.items():
        expected[(shape, "error")] += args.violations
    manifest = {
        "generator": fingerprint(),
        "triples": len(graph),
        "copies": copies,
        "seed": args.seed,
        "injected": {name: {"shape": shape, "what": what, "count": args.violations, "nodes": where[name]}
                     for name, (shape, what) in KINDS.items()},
        "expected_results": [{"shape": s, "severity": sev, "count": n} for (s, sev), n in sorted(expected.items())],
    }
    report = args.output.with_suffix(".violations.json")
    report.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"generate: {len(graph)} triples ({copies} copies of the bundled data) in {args.output} "
          f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    for name, (shape, what) in KINDS.items():
        print(f"generate: injected {args.violations} x {name} ({shape}): {what}", file=sys.stderr)
    print(f"generate: expected SHACL results in {report}", file=sys.stderr)


if __name__ == "__main__":
    main()
