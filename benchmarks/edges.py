"""What the checks at the edges of the commands cost, before and after, in the same run.

Run from the repository root, with a graph made by benchmarks/scale.py or generate.py:

    python3 benchmarks/edges.py --before REV --work /tmp/hkg-scale/1000000 [--runs 3]

The commands that now check more than they did are timed as whole processes, as a user runs
them, on the code of commit REV (checked out in a git worktree) and on this checkout:

- `validate`: its file:line scan now records every statement block and places each result at
  the statement that caused it, and every file is scanned for IRIs of the file: scheme;
- `load --store`: the build's writer thread is held to the end on an interruption, and scratch
  of killed runs is swept;
- `export --store --format nt` and `--format ttl`: the kept export is checked against its
  recorded SHA-256 and line count before it is handed out;
- `query timeline --store`: days without a year are sorted last.

The plain alternatives run in the same run, for the ratio: `oxigraph dump` for the export (the
Rust CLI, on a store it loaded itself) and a pyoxigraph strict parse of the same files for the
validation's parse. Peak memory is the child's own (GNU time). Markdown goes to stdout.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def timed(cmd: list[str], cwd: Path, env: dict, ok=(0,)) -> tuple[float, int]:
    # ``cwd`` is never a checkout: ``python -m`` puts the working folder first on the path, which
    # would import that checkout's package whatever PYTHONPATH says
    """Wall time and peak resident memory (bytes) of one run of ``cmd``."""
    report = Path(os.environ.get("TMPDIR", "/tmp")) / f"hkg-edges-{os.getpid()}.txt"
    started = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(report), *cmd], cwd=cwd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.monotonic() - started
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)}: exit {done.returncode}: {done.stderr.decode()[-500:]}")
    rss = int(report.read_text().strip().splitlines()[-1]) * 1024
    report.unlink(missing_ok=True)
    return seconds, rss


def median(cmd, cwd, env, runs: int, ok=(0,), before=None) -> tuple[float, int]:
    samples, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        seconds, rss = timed(cmd, cwd, env, ok)
        samples.append(seconds)
        peaks.append(rss)
    return statistics.median(samples), max(peaks)


def _project(folder: Path, code: Path, dump: Path) -> Path:
    """A project at ``folder``: the ontology, shapes and queries of the checkout ``code``, and the
    generated graph as its only data file."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    for name in ("ontology", "shapes", "queries"):
        (folder / name).symlink_to(code / name)
    (folder / "data" / dump.name).symlink_to(dump)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="The commit to compare with.")
    parser.add_argument("--work", type=Path, required=True,
                        help="A folder holding synthetic.ttl, made by benchmarks/generate.py or scale.py.")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    dump = args.work / "synthetic.ttl"
    if not dump.is_file():
        raise SystemExit(f"{dump}: no graph here; make one with benchmarks/generate.py")
    checkout = args.work / "before"
    if not checkout.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(checkout), args.before], cwd=ROOT, check=True,
                       capture_output=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    sides = {"before": (checkout, {**env, "PYTHONPATH": str(checkout)}), "after": (ROOT, {**env, "PYTHONPATH": str(ROOT)})}
    rows = []
    for side, (code, side_env) in sides.items():
        root = _project(args.work / f"edges-{side}", code, dump)  # each side's own ontology, shapes and queries
        hkg = [PY, "-m", "heritage_kg.cli", "--root", str(root)]
        store = args.work / f"edges-{side}.store"
        out = args.work / f"edges-{side}.out"
        figures = {
            "load --store": median([*hkg, "load", "--store", str(store), "--force"], args.work, side_env, args.runs),
            "validate": median([*hkg, "validate", "--format", "json", "-o", str(out)], args.work, side_env, args.runs,
                               ok=(0, 1)),
            "export --store --format nt": median([*hkg, "export", "--store", str(store), "--format", "nt", "-o",
                                                  str(out)], args.work, side_env, args.runs),
            "export --store --format ttl": median([*hkg, "export", "--store", str(store), "--format", "ttl", "-o",
                                                   str(out)], args.work, side_env, args.runs),
            "query timeline --store": median([*hkg, "query", "timeline", "--store", str(store), "--format", "csv"],
                                             args.work, side_env, args.runs),
        }
        rows.append((side, figures))
        out.unlink(missing_ok=True)
        print(f"{side}: " + ", ".join(f"{step} {s:.2f} s {m / 2**20:.0f} MiB" for step, (s, m) in figures.items()),
              file=sys.stderr, flush=True)
    dump = args.work / "edges-published.nt"
    shutil.copy(args.work / "edges-after.store" / "export.nt", dump)
    plain_store = args.work / "edges-oxigraph"

    def fresh():
        shutil.rmtree(plain_store, ignore_errors=True)
    fresh()
    subprocess.run(["oxigraph", "load", "--location", str(plain_store), "--file", str(dump)], check=True,
                   capture_output=True)
    root = args.work / "edges-after"
    plain = {
        # (`oxigraph dump` needs --graph for a format without named graphs)
        "oxigraph dump (N-Triples)": median(["oxigraph", "dump", "--location", str(plain_store), "--graph", "default",
                                             "--file", str(args.work / "edges-plain.nt")], args.work, env, args.runs),
        "pyoxigraph strict parse of the files": median(
            [PY, "-c", "import glob, sys, pyoxigraph as ox; s = ox.Store()\n"
                       "for f in sorted(glob.glob(sys.argv[1] + '/ontology/*.ttl') + glob.glob(sys.argv[1] + '/data/*.ttl')):"
                       " s.bulk_load(path=f, format=ox.RdfFormat.TURTLE)", str(root)], args.work, env, args.runs),
    }
    for name in ("edges-before.store", "edges-after.store", "edges-oxigraph", "edges-published.nt", "edges-plain.nt",
                 "edges-before", "edges-after"):
        path = args.work / name
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT, capture_output=True)

    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; before = {args.before}, median of {args.runs}.\n")
    print("| step | before | after | after / before | peak before | peak after |")
    print("|---|---|---|---|---|---|")
    before, after = rows[0][1], rows[1][1]
    for step in before:
        (b, bm), (a, am) = before[step], after[step]
        print(f"| `{step}` | {b:.2f} s | {a:.2f} s | {a / b:.2f} | {bm / 2**20:.0f} MiB | {am / 2**20:.0f} MiB |")
    print("\n| plain alternative | time | peak |")
    print("|---|---|---|")
    for step, (seconds, rss) in plain.items():
        print(f"| {step} | {seconds:.2f} s | {rss / 2**20:.0f} MiB |")


if __name__ == "__main__":
    main()
