"""heritage-kg at scale, side by side with the plain stack (rdflib, pySHACL), in the same run.

Run from the repository root:

    python3 benchmarks/scale.py --sizes 10000 100000 1000000 [--runs 3] [--work /tmp/hkg-scale]

For each size it generates a synthetic graph (benchmarks/generate.py), then measures:

- load: the whole process of `heritage-kg load --store` (strict parse of ontology/ and data/,
  materialisation, on disk), of a pyoxigraph in-memory bulk load, of the `oxigraph load` CLI and
  of rdflib's Graph.parse; wall time and peak resident memory (the child's own ru_maxrss);
- each named query with its default parameters, on the same graph (the store that `load` built,
  materialised triples included): embedded Oxigraph in memory and on disk, and rdflib; plus the
  whole process of `heritage-kg query NAME --store DIR`;
- export to N-Triples: ours (heritage_kg.export, deterministic: sorted lines, stable blank-node
  labels) against rdflib's serialize, on the loaded graph, and the whole `heritage-kg export`
  (the other formats: benchmarks/export_formats.py, on the store this script leaves);
- validation, up to --validate-up-to triples: the whole `heritage-kg validate` (the shapes
  compiled to SPARQL, the checks and the file:line of each result) and `validate --store`
  against plain rdflib + pySHACL, and whether the results match the generator's manifest
  (tests/test_validators_agree.py proves the compiled results equal pySHACL's, result by result).

Times are the median of --runs runs; a step whose single run takes longer than --slow seconds is
run once, and the table says so. Markdown goes to stdout, progress to stderr, the raw figures to
WORK/results.json. It is not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from generate import fingerprint
from installed import like_an_install

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PY = sys.executable
HKG = [PY, "-m", "heritage_kg.cli"]

OX_LOAD = "import sys, pyoxigraph as ox; s = ox.Store(); s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.TURTLE); print(len(s))"
RDFLIB_LOAD = "import sys, rdflib; g = rdflib.Graph(); g.parse(sys.argv[1], format='turtle'); print(len(g))"
PLAIN_SHACL = """
import glob, sys, rdflib, pyshacl
root = sys.argv[1]
data = rdflib.Graph()
for f in sorted(glob.glob(root + "/ontology/*.ttl") + glob.glob(root + "/data/*.ttl")):
    data.parse(f, format="turtle")
shapes = rdflib.Graph()
for f in sorted(glob.glob(root + "/shapes/*.ttl")):
    shapes.parse(f, format="turtle")
pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True, allow_infos=True, inference="none")
"""
#: One engine's side of the queries and the export, in its own process so that a query that
#: runs away can be stopped: loads the graph once, then prints one JSON line per step.
SIDE = """
import json, statistics, sys, time
engine, source, runs, slow, with_export = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5] == "1"
queries = json.loads(sys.stdin.read())
started = time.perf_counter()
if engine == "rdflib":
    import rdflib
    g = rdflib.Graph()
    g.parse(source, format="nt")
    size = len(g)
    run_query = lambda text: len(list(g.query(text)))
    export = lambda: len(g.serialize(format="nt"))
else:
    from heritage_kg.engine import EmbeddedEngine
    from heritage_kg.export import export as ours
    if engine == "disk":
        from heritage_kg.store import open_store
        store = open_store(source).store
    else:
        import pyoxigraph as ox
        store = ox.Store()
        store.bulk_load(path=source, format=ox.RdfFormat.N_TRIPLES)
    size = len(store)
    engine_ = EmbeddedEngine(store)
    run_query = lambda text: len(engine_.query(text).rows)
    export = lambda: len(ours(store, "nt"))
print(json.dumps({"step": "parse", "seconds": time.perf_counter() - started, "triples": size}), flush=True)
def timed(make):
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        out = make()
        samples.append(time.perf_counter() - t)
        if samples[-1] > slow:
            break
    return {"seconds": statistics.median(samples), "runs": len(samples), "rows": out}
steps = [(name, "query", lambda text=text: run_query(text)) for name, text in queries]
if with_export:
    steps.append(("export", "export", export))
for name, step, make in steps:
    try:
        entry = timed(make)
    except Exception as error:
        entry = {"seconds": None, "note": f"{type(error).__name__}: {error}"[:100]}
    print(json.dumps({"step": step, "name": name, **entry}), flush=True)
"""


def log(message: str) -> None:
    print(f"scale: {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], timeout: float, stdin: str | None = None, cwd: Path = ROOT) -> tuple[float, int, str]:
    """Run ``cmd``; return its wall seconds, exit status (negative when killed past ``timeout``)
    and stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        out, _ = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        # the whole process group: /usr/bin/time and the command it runs
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
    return time.perf_counter() - started, process.returncode, out


def measured(cmd: list[str], timeout: float, stdin: str | None = None) -> tuple[float, int, int, str]:
    """Like `run`, with the child's own peak resident memory in bytes, through GNU time."""
    report = Path(os.environ.get("TMPDIR", "/tmp")) / f"hkg-scale-time-{os.getpid()}.txt"
    seconds, status, out = run(["/usr/bin/time", "-f", "%M", "-o", str(report), *cmd], timeout, stdin)
    try:
        rss = int(report.read_text().strip().splitlines()[-1]) * 1024
    except (OSError, ValueError, IndexError):
        rss = 0
    report.unlink(missing_ok=True)
    return seconds, rss, status, out


def median_of(cmd, runs: int, slow: float, timeout: float, before=None, stdin=None, ok=(0,)) -> dict:
    samples, peaks, status = [], [], 0
    for _ in range(runs):
        if before:
            before()
        seconds, rss, status, _ = measured(cmd, timeout, stdin)
        if status not in ok:
            return {"seconds": None, "status": status, "runs": len(samples) + 1,
                    "note": "killed past the time limit" if status < 0 else f"exit {status}"}
        samples.append(seconds)
        peaks.append(rss)
        if seconds > slow:
            break
    return {"seconds": statistics.median(samples), "rss": max(peaks), "runs": len(samples)}


def steps(engine: str, source: Path, texts, runs: int, slow: float, per_step: float, memory_gib: float,
          with_export: bool) -> dict:
    """One engine's side in a child process, whose address space is capped at ``memory_gib``: a step
    that takes longer than ``per_step`` seconds, or dies, is recorded as not finished, and the
    child is started again (the graph parsed again) for the steps that remain."""
    import resource
    import selectors

    def cap():
        limit = int(memory_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done: dict = {}
    remaining = list(texts)
    while True:
        process = subprocess.Popen([PY, "-c", SIDE, engine, str(source), str(runs), str(slow), "1" if with_export else "0"],
                                   stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
                                   preexec_fn=cap)
        process.stdin.write(json.dumps(remaining))
        process.stdin.close()
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        expected = ["parse"] + [name for name, _ in remaining] + (["export"] if with_export else [])
        failed = None
        for step in expected:
            deadline = per_step * (5 if step == "parse" else 1)
            if not selector.select(timeout=deadline):
                process.kill()
                failed = (step, f"stopped after {deadline:g} s")
                break
            line = process.stdout.readline()
            if not line:
                failed = (step, "the process died (out of memory?)")
                break
            entry = json.loads(line)
            done.setdefault(entry.get("name", entry["step"]), entry)
            remaining = [(n, t) for n, t in remaining if n != entry.get("name")]
        process.wait()
        selector.close()
        if failed is None:
            return done
        step, why = failed
        log(f"{engine}: {step}: {why}")
        done[step] = {"seconds": None, "note": why}
        if step == "parse":
            return done
        if step == "export":
            return done
        remaining = [(n, t) for n, t in remaining if n != step]


def make_root(folder: Path, dump: Path) -> Path:
    root = folder / "root"
    (root / "data").mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "shapes", "queries"):
        link = root / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    target = root / "data" / dump.name
    if not target.exists():
        target.symlink_to(dump)
    return root


def _manifest(dump: Path) -> dict:
    """What the generator recorded beside ``dump`` (empty if nothing)."""
    try:
        return json.loads(dump.with_suffix(".violations.json").read_text())
    except (OSError, ValueError):
        return {}


def bench_size(size: int, args, results: dict) -> None:
    import pyoxigraph as ox

    from heritage_kg.project import Project
    from heritage_kg.queries import catalogue
    from heritage_kg.store import open_store

    folder = args.work / str(size)
    folder.mkdir(parents=True, exist_ok=True)
    dump = folder / "synthetic.ttl"
    manifest = _manifest(dump)
    if not dump.exists() or manifest.get("generator") != fingerprint():
        log(f"{size}: generating")
        subprocess.run([PY, str(ROOT / "benchmarks" / "generate.py"), "--triples", str(size), "-o", str(dump)], check=True)
        manifest = _manifest(dump)
    root = make_root(folder, dump)
    project = Project(root)
    row: dict = {"data_triples": manifest["triples"], "copies": manifest["copies"]}
    results[str(size)] = row
    runs, slow, limit = args.runs, args.slow, args.timeout

    # -- load ---------------------------------------------------------------------------------
    store_dir = folder / "store"
    oxi_dir = folder / "oxigraph-cli"
    clear_oxi = lambda: shutil.rmtree(oxi_dir, ignore_errors=True)  # noqa: E731
    log(f"{size}: load")
    row["load"] = {
        "heritage-kg load --store": median_of([*HKG, "--root", str(root), "load", "--store", str(store_dir), "--force"], runs, slow, limit),
        "pyoxigraph bulk_load (memory)": median_of([PY, "-c", OX_LOAD, str(dump)], runs, slow, limit),
        "oxigraph load (CLI, disk)": median_of(["oxigraph", "load", "--location", str(oxi_dir), "--file", str(dump)], runs, slow, limit, before=clear_oxi),
        "rdflib Graph.parse": median_of([PY, "-c", RDFLIB_LOAD, str(dump)], runs, slow, limit),
    }
    clear_oxi()
    opened = open_store(store_dir)
    row["published_triples"] = len(opened.store)

    # -- queries and export ------------------------------------------------------------------------
    named = catalogue(project.query_files())
    texts = [(name, q.bind({}) if q.params else q.text) for name, q in sorted(named.items())]
    nt_dump = folder / "published.nt"
    nt_dump.write_bytes(ox.serialize(opened.store, format=ox.RdfFormat.N_TRIPLES))
    del opened
    sides = {}
    for engine, source, with_export in (("memory", nt_dump, True), ("disk", store_dir, False), ("rdflib", nt_dump, True)):
        log(f"{size}: queries, {engine} (at most {args.query_timeout:g} s a step)")
        sides[engine] = steps(engine, source, texts, runs, slow, args.query_timeout, args.memory, with_export)
    queries = {}
    for name, _ in texts:
        log(f"{size}: heritage-kg query {name} --store")
        cli = median_of([*HKG, "--root", str(root), "query", name, "--store", str(store_dir), "--format", "csv"],
                        runs, slow, args.query_timeout)
        queries[name] = {engine: sides[engine].get(name) for engine in sides} | {"cli": cli}
    log(f"{size}: heritage-kg export --store")
    cli_export = median_of([*HKG, "--root", str(root), "export", "--store", str(store_dir), "--format", "nt",
                            "-o", str(folder / "export.nt")], runs, slow, limit)
    row["queries"] = queries
    row["export_nt"] = {"ours": sides["memory"].get("export"), "heritage-kg export --store": cli_export,
                        "rdflib": sides["rdflib"].get("export")}
    row["parse_nt"] = {engine: sides[engine].get("parse") for engine in sides}

    # -- validation -----------------------------------------------------------------------------
    if size <= args.validate_up_to:
        log(f"{size}: validate")
        report = folder / "report.json"
        ours = median_of([*HKG, "--root", str(root), "validate", "--format", "json", "-o", str(report)], runs, slow,
                         args.validate_timeout, ok=(0, 1))
        stored = median_of([*HKG, "--root", str(root), "validate", "--store", str(store_dir), "--format", "json",
                            "-o", str(folder / "report-store.json")], runs, slow, args.validate_timeout, ok=(0, 1))
        plain = median_of([PY, "-c", PLAIN_SHACL, str(root)], runs, slow, args.validate_timeout)
        found = Counter()
        if report.exists():
            for result in json.loads(report.read_text())["results"]:
                found[(result["shape"], result["severity"])] += 1
        expected = Counter({(e["shape"], e["severity"]): e["count"] for e in manifest["expected_results"]})
        row["validate"] = {"heritage-kg validate": ours, "heritage-kg validate --store": stored, "pySHACL": plain,
                           "results_as_expected": found == expected,
                           "results": sum(found.values()), "expected": sum(expected.values())}
    else:
        row["validate"] = {"skipped": f"above --validate-up-to {args.validate_up_to}"}


def fmt_s(entry) -> str:
    if not entry or entry.get("seconds") is None:
        return (entry.get("note") or "not finished") if entry else "not run"
    s = entry["seconds"]
    text = f"{s:.3f} s" if s < 10 else f"{s:.1f} s"
    return text + (" (1 run)" if entry.get("runs", 3) == 1 and s > 1 else "")


def fmt_mb(entry) -> str:
    rss = (entry or {}).get("rss")
    return f"{rss / 2**20:.0f} MiB" if rss else "-"


def ratio(slow_entry, fast_entry) -> str:
    try:
        value = slow_entry["seconds"] / fast_entry["seconds"]
        return f"{value:.0f}x" if value >= 10 else f"{value:.1f}x"
    except (TypeError, KeyError, ZeroDivisionError):
        return "-"


def plain_whole(parse: dict | None, query: dict | None) -> dict | None:
    """What a whole process of the plain stack takes for one query: rdflib has no store that
    outlives a process, so it parses the Turtle (measured as a whole process), then queries
    (measured in process). The sum of the two medians, or what is known of it."""
    if not parse or parse.get("seconds") is None or not query:
        return None
    if query.get("seconds") is not None:
        return {"seconds": parse["seconds"] + query["seconds"]}
    stopped = re.match(r"stopped after ([0-9.]+) s", query.get("note") or "")
    if stopped:
        return {"seconds": None, "at_least": parse["seconds"] + float(stopped.group(1)),
                "note": f"over {parse['seconds'] + float(stopped.group(1)):.0f} s"}
    return {"seconds": None, "note": "the query failed"}


def markdown(results: dict, machine: dict) -> str:
    out = [f"Machine: {machine['cpu']}, {machine['nproc']} cores, {machine['ram']} RAM; Python {machine['python']}, "
           f"pyoxigraph {machine['pyoxigraph']}, rdflib {machine['rdflib']}, pySHACL {machine['pyshacl']}; {machine['date']}.", ""]
    for size, row in results.items():
        out.append(f"#### {int(size):,} triples requested: {row['data_triples']:,} data triples "
                   f"({row['copies']} copies), {row['published_triples']:,} published with ontology and materialised triples")
        out += ["", "| load (whole process) | time | peak RSS |", "|---|---|---|"]
        for name, entry in row["load"].items():
            out.append(f"| {name} | {fmt_s(entry)} | {fmt_mb(entry)} |")
        rd = row["load"]["rdflib Graph.parse"]
        parse = row["parse_nt"]
        out.append(f"| loading the published N-Triples in process: Oxigraph {fmt_s(parse['memory'])}, "
                   f"rdflib {fmt_s(parse['rdflib'])} | {ratio(parse['rdflib'], parse['memory'])} | |")
        out.append(f"| rdflib / `heritage-kg load` | {ratio(rd, row['load']['heritage-kg load --store'])} | |")
        out.append(f"| rdflib / pyoxigraph bulk_load | {ratio(rd, row['load']['pyoxigraph bulk_load (memory)'])} | |")
        out += ["", "| named query | rows | Oxigraph, memory | Oxigraph, disk | rdflib | rdflib / Oxigraph | "
                    "`heritage-kg query --store` (whole process) | rdflib, whole process | rdflib / ours, whole processes |",
                "|---|---|---|---|---|---|---|---|---|"]
        for name, q in row["queries"].items():
            ours, other = (q.get("memory") or {}).get("rows"), (q.get("rdflib") or {}).get("rows")
            rows = f"{ours}" + (f" (rdflib: {other})" if other is not None and other != ours else "")
            whole = plain_whole(rd, q["rdflib"])
            times = (f"over {whole['at_least'] / q['cli']['seconds']:.0f}x" if whole and whole.get("at_least")
                     and (q["cli"] or {}).get("seconds") else ratio(whole, q["cli"]))
            out.append(f"| `{name}` | {rows} | {fmt_s(q['memory'])} | {fmt_s(q['disk'])} | {fmt_s(q['rdflib'])} | "
                       f"{ratio(q['rdflib'], q['memory'])} | {fmt_s(q['cli'])} | {fmt_s(whole)} | {times} |")
        ex = row["export_nt"]
        out += ["", "| export to N-Triples | time |", "|---|---|",
                f"| ours, in process (sorted, stable blank nodes) | {fmt_s(ex['ours'])} |",
                f"| `heritage-kg export --store --format nt` (whole process) | {fmt_s(ex['heritage-kg export --store'])} |",
                f"| rdflib serialize, in process | {fmt_s(ex['rdflib'])} |",
                f"| rdflib / ours | {ratio(ex['rdflib'], ex['ours'])} |"]
        v = row["validate"]
        if "skipped" in v:
            out += ["", f"Validation: not run ({v['skipped']})."]
        else:
            out += ["", "| validate (whole process) | time | peak RSS |", "|---|---|---|",
                    f"| `heritage-kg validate` (compiled shapes, checks, file:line) | {fmt_s(v['heritage-kg validate'])} | {fmt_mb(v['heritage-kg validate'])} |",
                    f"| `heritage-kg validate --store` (the published graph) | {fmt_s(v.get('heritage-kg validate --store'))} | {fmt_mb(v.get('heritage-kg validate --store'))} |",
                    f"| plain rdflib + pySHACL | {fmt_s(v['pySHACL'])} | {fmt_mb(v['pySHACL'])} |",
                    f"| pySHACL / `heritage-kg validate` | {ratio(v['pySHACL'], v['heritage-kg validate'])} | |",
                    "", f"Results as the generator's manifest expects: {'yes' if v['results_as_expected'] else 'NO'} "
                    f"({v['results']} found, {v['expected']} expected)."]
        out.append("")
    return "\n".join(out)


def machine() -> dict:
    import pyoxigraph
    import pyshacl
    import rdflib

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    ram = next((f"{int(line.split()[1]) / 2**20:.0f} GiB" for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "?")
    return {"cpu": cpu, "nproc": os.cpu_count(), "ram": ram, "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__, "pyshacl": pyshacl.__version__,
            "date": time.strftime("%Y-%m-%d")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow", type=float, default=60.0, help="A step slower than this is run once.")
    parser.add_argument("--timeout", type=float, default=600.0, help="Limit of one whole-process step.")
    parser.add_argument("--query-timeout", type=float, default=120.0,
                        help="Limit of one query or export of an engine (loading the graph gets five times as long).")
    parser.add_argument("--memory", type=float, default=8.0, help="GiB of address space an engine's process may use.")
    parser.add_argument("--validate-up-to", type=int, default=100_000, help="Validate sizes up to this many triples.")
    parser.add_argument("--validate-timeout", type=float, default=300.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/hkg-scale"))
    args = parser.parse_args()
    if shutil.which("oxigraph") is None:
        raise SystemExit("scale: the oxigraph CLI is not installed (pip install oxigraph)")
    args.work.mkdir(parents=True, exist_ok=True)
    like_an_install()
    results: dict = {}
    for size in args.sizes:
        bench_size(size, args, results)
        (args.work / "results.json").write_text(json.dumps({"machine": machine(), "results": results}, indent=2))
    print(markdown(results, machine()))


if __name__ == "__main__":
    main()
