"""Whole-process wall time of the CLI on the bundled data, against the plain rdflib + pySHACL stack.

Run from the repository root:  python3 benchmarks/cli_speed.py [--runs 5]
Prints a Markdown table (median and best of N runs, in seconds) for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from installed import like_an_install

ROOT = Path(__file__).resolve().parent.parent

PLAIN_VALIDATE = """
import glob, rdflib, pyshacl
data = rdflib.Graph()
for f in sorted(glob.glob("ontology/*.ttl") + glob.glob("data/*.ttl")):
    data.parse(f)
shapes = rdflib.Graph()
for f in sorted(glob.glob("shapes/*.ttl")):
    shapes.parse(f)
conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_infos=True)
"""

PLAIN_QUERY = """
import glob, sys, rdflib
from heritage_kg.queries import read_query
from pathlib import Path
g = rdflib.Graph()
for f in sorted(glob.glob("ontology/*.ttl") + glob.glob("data/*.ttl")):
    g.parse(f)
q = read_query(Path(sys.argv[1]))
list(g.query(q.bind({}) if q.params else q.text))
"""


LIMIT = 120.0


def timed(cmd: list[str], runs: int) -> tuple[float, float] | str:
    """Median and best wall time; a run past LIMIT seconds is stopped and counted as infinite.
    A run that fails is not timed: the answer is then what failed (``exit 1``)."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                                  timeout=LIMIT)
        except subprocess.TimeoutExpired:
            samples.append(float("inf"))
            break
        if done.returncode != 0:
            return f"exit {done.returncode}"
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples)


def _s(seconds: float) -> str:
    return f"> {LIMIT:g} (stopped)" if seconds == float("inf") else f"{seconds:.3f}"


def _row(name: str, ours: tuple[float, float] | str, plain: tuple[float, float] | str | None) -> str:
    def cells(measured) -> str:
        if isinstance(measured, str):
            return f"failed ({measured})"
        return _s(measured[0])

    if isinstance(ours, str):
        head = f"| {name} | failed ({ours}) | |"
    else:
        head = f"| {name} | {_s(ours[0])} | {_s(ours[1])} |"
    if plain is None:
        return head + " | |"
    timed_both = not isinstance(ours, str) and not isinstance(plain, str)
    if not timed_both or ours[0] == float("inf"):
        ratio = "-"
    elif plain[0] == float("inf"):
        ratio = f"> {LIMIT / ours[0]:.0f}x"
    else:
        ratio = f"{plain[0] / ours[0]:.1f}x"
    return f"{head} {cells(plain)} | {ratio} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    like_an_install()
    exe = [sys.executable, "-m", "heritage_kg.cli"]
    rows = []
    help_time = timed(exe + ["--help"], args.runs)
    rows.append(("`heritage-kg --help`", help_time, None))
    ours = timed(exe + ["validate"], args.runs)
    plain = timed([sys.executable, "-c", PLAIN_VALIDATE], args.runs)
    rows.append(("`heritage-kg validate` vs rdflib parse + pySHACL", ours, plain))
    for query in sorted((ROOT / "queries").glob("*.rq")):
        ours = timed(exe + ["query", query.stem, "--format", "csv"], args.runs)
        plain = timed([sys.executable, "-c", PLAIN_QUERY, str(query)], args.runs)
        rows.append((f"`heritage-kg query {query.stem}` vs rdflib", ours, plain))
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d')}; median / best of {args.runs} runs, whole process, seconds.\n")
    print("| operation | heritage-kg median | best | plain median | ratio |")
    print("|---|---|---|---|---|")
    for name, ours, plain in rows:
        print(_row(name, ours, plain))


if __name__ == "__main__":
    main()
