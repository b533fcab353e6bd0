"""Export in every format from an on-disk store, side by side with the plain alternatives.

Run from the repository root:

    python3 benchmarks/export_formats.py --root PROJECT --store DIR [--runs 3] [--formats ttl nt ...]

(PROJECT and DIR are a project folder and the store `heritage-kg load --store` built from it,
such as `benchmarks/scale.py` leaves under WORK/SIZE/root and WORK/SIZE/store.)

For each format it measures:

- ours: the whole process of `heritage-kg export --store DIR --format F -o FILE` (deterministic:
  sorted, with stable blank-node labels), wall time and peak resident memory; and whether FILE
  parses back (with pyoxigraph) to as many statements as the store's export holds (a count, not
  a comparison: tests/test_export.py compares the statements);
- rdflib: `serialize` of the same triples in the same format, in one process that parsed the
  store's N-Triples export once beforehand (the parse is not counted, which favours rdflib);
- `oxigraph dump` (the Rust CLI) of the same store in the same format, whole process, where
  Oxigraph writes the format.

Times are the median of --runs runs (a run slower than --slow seconds is not repeated). Markdown
goes to stdout, progress to stderr. It is not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from installed import like_an_install
from scale import HKG, PY, fmt_mb, fmt_s, log, machine, median_of, ratio

from heritage_kg.formats import RDF_FORMATS  # (scale puts the repository on the path)

FORMATS = tuple(RDF_FORMATS)

#: rdflib's side: parse once, then serialize each format, one JSON line per format. The formats
#: come as rdflib's name, then "dataset" or "graph": N-Quads and TriG are written from a Dataset
#: holding the graph.
RDFLIB_SIDE = """
import json, sys, time, rdflib
source, target, names = sys.argv[1], sys.argv[2], sys.argv[3:]
dataset = rdflib.Dataset()
graph = dataset.graph(rdflib.URIRef("https://w3id.org/heritage-kg/graph"))
started = time.perf_counter()
graph.parse(source, format="nt")
print(json.dumps({"step": "parse", "seconds": time.perf_counter() - started}), flush=True)
for name, holds in zip(names[::2], names[1::2]):
    started = time.perf_counter()
    holder = dataset if holds == "dataset" else graph
    try:
        holder.serialize(destination=target, format=name)
        entry = {"seconds": time.perf_counter() - started}
    except Exception as error:
        entry = {"seconds": None, "note": f"{type(error).__name__}: {error}"[:100]}
    print(json.dumps({"step": name, **entry}), flush=True)
"""


def statements(path: Path, fmt: str) -> int | None:
    """How many triples or quads the file at ``path`` holds, or None if it does not parse."""
    try:
        parsed = ox.parse(path=str(path), format=ox.RdfFormat.from_media_type(RDF_FORMATS[fmt].media_type))
        return sum(1 for _ in parsed)
    except (SyntaxError, OSError, ValueError):
        return None


def rdflib_side(dump: Path, formats: list[str], limit: float, work: Path) -> dict:
    """rdflib's serialize time for each format, after one parse of ``dump``; a format not
    reached within ``limit`` seconds in all is marked as stopped."""
    names = [RDF_FORMATS[fmt].rdflib for fmt in formats]
    holders = ["dataset" if RDF_FORMATS[fmt].dataset else "graph" for fmt in formats]
    process = subprocess.Popen([PY, "-c", RDFLIB_SIDE, str(dump), str(work / "rdflib.out"),
                                *(word for pair in zip(names, holders) for word in pair)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    found, stopped = {}, False
    try:
        out, _ = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
        stopped = True
    for line in out.splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # the line it was writing when it was stopped
        found[entry.pop("step")] = entry
    note = f"stopped: {limit:.0f} s in all" if stopped else f"not reached: rdflib ended with exit {process.returncode}"
    return {fmt: found.get(name, {"seconds": None, "note": note}) for fmt, name in zip(formats, names)} | \
        {"parse": found.get("parse")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True, help="The project folder the store was built from.")
    parser.add_argument("--store", type=Path, required=True, help="A store built by heritage-kg load --store.")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow", type=float, default=20.0, help="A run slower than this is not repeated.")
    parser.add_argument("--timeout", type=float, default=600.0, help="Limit of one export of ours or of oxigraph dump.")
    parser.add_argument("--rdflib-timeout", type=float, default=1800.0, help="Limit of rdflib's whole side.")
    args = parser.parse_args()
    like_an_install()
    manifest = json.loads((args.store / "heritage-kg-store.json").read_text(encoding="utf-8"))
    expected = manifest["dump"]["triples"]
    work = Path(tempfile.mkdtemp(prefix="hkg-export-"))
    rows = []
    try:
        for fmt in args.formats:
            target = work / f"ours.{fmt}"
            log(f"heritage-kg export --format {fmt}")
            ours = median_of([*HKG, "--root", str(args.root), "export", "--store", str(args.store), "--format", fmt,
                              "-o", str(target)], args.runs, args.slow, args.timeout)
            held = statements(target, fmt) if ours.get("seconds") is not None else None
            size = target.stat().st_size if ours.get("seconds") is not None else None
            media_type = RDF_FORMATS[fmt].media_type
            log(f"oxigraph dump --format {media_type}")
            # `oxigraph dump` needs --graph for a format without named graphs
            graph = [] if RDF_FORMATS[fmt].dataset else ["--graph", "default"]
            plain = median_of(["oxigraph", "dump", "--location", str(args.store), "--format", media_type,
                               *graph, "--file", str(work / f"oxigraph.{fmt}")], args.runs, args.slow, args.timeout)
            rows.append((fmt, ours, held, plain, size))
            target.unlink(missing_ok=True)
            (work / f"oxigraph.{fmt}").unlink(missing_ok=True)
        log("rdflib: parse once, then serialize each format")
        plain_rdflib = rdflib_side(args.store / manifest["dump"]["file"], args.formats, args.rdflib_timeout, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(markdown(rows, plain_rdflib, expected, manifest["triples"], machine()))


def markdown(rows, plain_rdflib: dict, expected: int, triples: int, about: dict) -> str:
    parse = plain_rdflib.get("parse")
    out = [f"Store of {triples:,} triples; its N-Triples export holds {expected:,} lines. "
           f"rdflib parsed that export once beforehand in {fmt_s(parse)} (not counted below).", "",
           "| format | `heritage-kg export --store` (whole process) | peak RSS | size | parses back, as many statements | "
           "rdflib serialize (in process) | rdflib / ours | `oxigraph dump` (whole process) | ours / oxigraph |",
           "|---|---|---|---|---|---|---|---|---|"]
    for fmt, ours, held, plain, size in rows:
        # the description (VoID/DCAT) is in every format; N-Quads and TriG keep it in the default graph
        whole = "yes" if held == expected else ("does not parse" if held is None else f"no: {held:,}")
        out.append(f"| {fmt} | {fmt_s(ours)} | {fmt_mb(ours)} | {size / 2**20:.1f} MiB | {whole} | "
                   f"{fmt_s(plain_rdflib.get(fmt))} | {ratio(plain_rdflib.get(fmt), ours)} | {fmt_s(plain)} | "
                   f"{ratio(ours, plain)} |" if size is not None else
                   f"| {fmt} | {fmt_s(ours)} | | | | {fmt_s(plain_rdflib.get(fmt))} | | {fmt_s(plain)} | |")
    out += ["", f"Machine: {about['cpu']}, {about['nproc']} cores, {about['ram']}; Python {about['python']}, "
                f"pyoxigraph {about['pyoxigraph']}, rdflib {about['rdflib']}; {about['date']}, "
                f"{time.strftime('%H:%M UTC', time.gmtime())}."]
    return "\n".join(out)


if __name__ == "__main__":
    main()
