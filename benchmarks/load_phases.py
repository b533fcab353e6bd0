"""Where `heritage-kg load --store` spends its time: each phase of a store build, timed in one
process with the functions the build calls, beside `oxigraph load` (the Rust CLI) on the same
data files.

Run from the repository root:  python3 benchmarks/load_phases.py --root PROJECT [--runs 3]
(PROJECT is a project folder, such as one `benchmarks/scale.py` makes under its --work folder.)
Prints a Markdown table of the median of each phase, for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from heritage_kg.export import export_utf8  # noqa: E402
from heritage_kg.loading import load_into  # noqa: E402
from heritage_kg.materialise import materialise  # noqa: E402
from heritage_kg.project import Project  # noqa: E402

PHASES = (
    "parse the Turtle into memory (strict)",
    "materialise the standard triples (SPARQL Update)",
    "render the N-Triples export",
    "write every triple to RocksDB (bulk load)",
    "compact the store (optimize)",
)


def one_build(project: Project, work: Path) -> tuple[list[float], int]:
    """The phases of `heritage_kg.store.build`, one after the other. (The build runs the export
    on one thread beside the write on another; measured on two cores, the two together take as
    long as one after the other, so their sum stands for both.)"""
    times = []
    started = time.perf_counter()

    def lap() -> None:
        nonlocal started
        now = time.perf_counter()
        times.append(now - started)
        started = now

    memory = ox.Store()
    load_into(memory, project.graph_files())
    lap()
    materialise(memory, project.rule_files())
    lap()
    export_utf8(memory, "nt")
    lap()
    store = ox.Store(str(work / "store"))
    store.bulk_extend(memory)
    lap()
    store.optimize()
    lap()
    return times, len(memory)


def oxigraph_cli(project: Project, work: Path) -> float:
    target = work / "oxigraph"
    command = ["oxigraph", "load", "--location", str(target)]
    for path in project.graph_files():
        command += ["--file", str(path)]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    shutil.rmtree(target)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, required=True, help="The project folder to build a store of.")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    project = Project(args.root)
    samples: list[list[float]] = []
    cli: list[float] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="hkg-load-phases-") as folder:
            times, triples = one_build(project, Path(folder))
            samples.append(times)
            cli.append(oxigraph_cli(project, Path(folder)))
    medians = [statistics.median(column) for column in zip(*samples)]
    print(f"{triples:,} triples published; runs: {args.runs} (the median of each phase); {time.strftime('%Y-%m-%d')}\n")
    print("| phase | seconds |\n|---|---|")
    for phase, seconds in zip(PHASES, medians):
        print(f"| {phase} | {seconds:.2f} |")
    print(f"| **sum** | **{sum(medians):.2f}** |")
    print(f"| `oxigraph load` (the Rust CLI) of the same Turtle files, not materialised | {statistics.median(cli):.2f} |")


if __name__ == "__main__":
    main()
