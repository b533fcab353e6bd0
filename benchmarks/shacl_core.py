"""SHACL Core at scale: the compiled validator against pySHACL and pyrudof (native mode), side by
side in one run, as whole processes, on generated graphs with known injected defects.

Run from the repository root:

    python3 benchmarks/shacl_core.py --triples 100000 1000000 [--defects 25] [--work /tmp/hkg-shacl]

For each size: the graph of benchmarks/generate.py (reused from --work when it is there), and a
file of defects that breaks each shape of benchmarks/shacl-core.shapes.ttl --defects times (one
shape of each kind the compiler learnt last: pattern, in, closed, qualified, or, xone,
languageIn, uniqueLang, lessThan). Every validator reads the ontology, the graph and the
defects, and the project's shapes with those; each reports per shape, and a validator is right
when it finds exactly the injected defects of each benchmark shape (the generated graph meets
all of them, which the compiled validator checks first, on the graph without defects). Wall
time and peak memory come from GNU time. pyrudof does not read SHACL-SPARQL, so it gets the
project's shapes without their two sh:sparql constraints; the others get all of them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scale import measured  # noqa: E402

PY = sys.executable
BENCH_SHAPES = ROOT / "benchmarks" / "shacl-core.shapes.ttl"
BENCH = "https://w3id.org/heritage-kg/shapes/bench#"
KG, HKG = "https://w3id.org/heritage-kg/id/", "https://w3id.org/heritage-kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: The defect written for each benchmark shape, as Turtle for the n-th copy.
DEFECTS = {
    "WikidataPattern": '<{kg}bench-sameas-{n}> <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/X{n}> .',
    "QualifierIn": '<{kg}bench-observation-q-{n}> <{hkg}valueQualifier> <https://w3id.org/heritage-kg/vocab/value-qualifiers/roughly> .',
    "EvidenceClosed": '<{kg}bench-evidence-{n}> a <{hkg}Evidence> ; <{hkg}colour> "red" .',
    "AgreementOrganisationParty": '<{kg}bench-agreement-{n}> a <{hkg}Agreement> ; <{hkg}party> <{kg}bench-nobody-{n}> .',
    "ObservationDateForm": '<{kg}bench-observation-d-{n}> a <{hkg}Observation> ; <{hkg}date> "sometime" .',
    "EvidenceLineForm": '<{kg}bench-evidence-l-{n}> a <{hkg}Evidence> ; <{hkg}line> "twelve" .',
    "OrganisationLabelLanguage": '<{kg}bench-organisation-{n}> a <{hkg}Organisation> ; <http://www.w3.org/2000/01/rdf-schema#label> "Bank {n}"@de .',
    "ConceptOneLabelPerLanguage": ('<{kg}bench-concept-{n}> a <http://www.w3.org/2004/02/skos/core#Concept> ; '
                                   '<http://www.w3.org/2004/02/skos/core#prefLabel> "one {n}"@en, "another {n}"@en .'),
    "StartBeforeEnd": (f'<{{kg}}bench-tie-{{n}}> a <{{hkg}}Membership> ; <{{hkg}}startDate> "2010"^^<{XSD}gYear> ; '
                       f'<{{hkg}}endDate> "2005"^^<{XSD}gYear> .'),
}

PYSHACL = """
import json, sys, rdflib, pyshacl
from collections import Counter
data, shapes = rdflib.Graph(), rdflib.Graph()
for f in sys.argv[2:]:
    data.parse(f, format="turtle")
for f in sys.argv[1].split(","):
    shapes.parse(f, format="turtle")
_, report, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True, allow_infos=True, inference="none")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
print(json.dumps(Counter(str(report.value(r, SH.sourceShape)) for r in report.subjects(rdflib.RDF.type, SH.ValidationResult))))
"""
PYRUDOF = """
import json, sys, pyrudof
from collections import Counter
rudof = pyrudof.Rudof(pyrudof.RudofConfig())
for n, f in enumerate(sys.argv[2:]):
    rudof.read_data(f, merge=n > 0)
rudof.read_shacl(sys.argv[1])
report = rudof.validate_shacl(mode=pyrudof.ShaclValidationMode.Native)
print(json.dumps(Counter(str(entry.source_shape).strip("<>") for entry in report)))
"""


def log(message: str) -> None:
    print(f"shacl_core: {message}", file=sys.stderr, flush=True)


def prepare(size: int, work: Path, defects: int) -> dict:
    """The graph of ``size`` triples, its defects, and the shapes files each validator reads."""
    folder = work / str(size)
    folder.mkdir(parents=True, exist_ok=True)
    graph = folder / "synthetic.ttl"
    if not graph.is_file():
        log(f"{size}: generating")
        subprocess.run([PY, str(ROOT / "benchmarks" / "generate.py"), "--triples", str(size), "-o", str(graph)], check=True,
                       capture_output=True)
    injected = folder / "defects.ttl"
    injected.write_text("\n".join(DEFECTS[shape].format(kg=KG, hkg=HKG, n=n) for shape in DEFECTS for n in range(defects)) + "\n",
                        encoding="utf-8")
    ontology = sorted((ROOT / "ontology").glob("*.ttl"))
    project_shapes = sorted((ROOT / "shapes").glob("*.ttl"))
    # one file of every shape, for the validators that read one; and one without SHACL-SPARQL, for pyrudof
    together = folder / "all.shapes.ttl"
    import pyoxigraph as ox

    triples = [t for f in [*project_shapes, BENCH_SHAPES] for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)]
    together.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE))
    sparql = {t.subject for t in triples if t.predicate.value == "http://www.w3.org/ns/shacl#sparql"}
    plain = folder / "core.shapes.ttl"
    plain.write_bytes(ox.serialize([t for t in triples if not (t.subject in sparql and t.predicate.value == "http://www.w3.org/ns/shacl#sparql")],
                                   format=ox.RdfFormat.TURTLE))
    return {"graph": graph, "defects": injected, "ontology": ontology, "shapes": together, "core_shapes": plain, "folder": folder}


def ours_counts(report: Path) -> Counter:
    results = json.loads(report.read_text(encoding="utf-8"))["results"]
    return Counter(r["shape"].strip("<>") for r in results if r.get("shape"))


def bench_only(counts: Counter) -> dict:
    return {shape.removeprefix(BENCH): n for shape, n in counts.items() if shape.startswith(BENCH)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000])
    parser.add_argument("--defects", type=int, default=25)
    parser.add_argument("--work", type=Path, default=Path("/tmp/hkg-shacl"))
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()
    expected = {shape: args.defects for shape in DEFECTS}
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {time.strftime('%Y-%m-%d')}; "
          f"{args.defects} defects for each of the {len(DEFECTS)} benchmark shapes; whole processes, one run each.\n")
    print("| triples | validator | seconds | peak RSS | benchmark shapes right | ratio to compiled |")
    print("|---|---|---|---|---|---|")
    for size in args.triples:
        files = prepare(size, args.work, args.defects)
        data = [str(f) for f in files["ontology"]] + [str(files["graph"])]
        clean = files["folder"] / "clean.json"
        command = [PY, "-m", "heritage_kg.cli", "--root", str(ROOT), "validate", "--shapes", str(files["shapes"]),
                   *sum((["--data", d] for d in data), []), "--format", "json", "--fail-on", "info"]
        log(f"{size}: the compiled validator on the graph without defects")
        seconds, _, status, _ = measured([*command, "-o", str(clean)], args.timeout)
        if status not in (0, 1):
            raise SystemExit(f"the compiled validator failed on the clean graph (exit {status})")
        baseline = bench_only(ours_counts(clean))
        if baseline:
            raise SystemExit(f"the generated graph already breaks benchmark shapes: {baseline}")
        rows = []
        report = files["folder"] / "report.json"
        log(f"{size}: compiled")
        seconds, rss, status, _ = measured([*command, "--data", str(files["defects"]), "-o", str(report)], args.timeout)
        ours = bench_only(ours_counts(report)) if status in (0, 1) else None
        rows.append(("heritage-kg validate (compiled)", seconds, rss, ours))
        every = [*data, str(files["defects"])]
        log(f"{size}: pySHACL")
        seconds, rss, status, out = measured([PY, "-c", PYSHACL, str(files["shapes"]), *every], args.timeout)
        rows.append(("pySHACL", seconds if status == 0 else None, rss, bench_only(Counter(json.loads(out))) if status == 0 else None))
        log(f"{size}: pyrudof")
        seconds, rss, status, out = measured([PY, "-c", PYRUDOF, str(files["core_shapes"]), *every], args.timeout)
        rows.append(("pyrudof (native)", seconds if status == 0 else None, rss,
                     bench_only(Counter(json.loads(out.strip().splitlines()[-1]))) if status == 0 and out.strip() else None))
        compiled = rows[0][1]
        for name, seconds, rss, counts in rows:
            right = "yes" if counts == expected else "no" if counts is not None else "-"
            if counts is not None and counts != expected:
                right += " (" + ", ".join(f"{k} {counts.get(k, 0)}" for k in DEFECTS if counts.get(k, 0) != args.defects) + ")"
            shown = f"{seconds:.1f}" if seconds is not None else f"failed or stopped at {args.timeout:.0f} s"
            ratio = f"{seconds / compiled:.1f}x" if seconds is not None and compiled and name != rows[0][0] else ""
            print(f"| {size:,} | {name} | {shown} | {rss / 2**20:.0f} MiB | {right} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
