"""Two forms of the named queries, side by side on one store: the same rows, and how long each
takes inside Oxigraph (the best of three runs, the store opened once).

Run from the repository root, with a store made by `heritage-kg load` (for instance the one of
benchmarks/scale.py) and a folder holding the other forms, such as the queries of an earlier
commit (`git show REV:queries/timeline.rq > /tmp/before/timeline.rq`):

    python3 benchmarks/query_forms.py --store WORK/1000000/store --before /tmp/before [--names timeline,partners]

It prints a Markdown table: each query, whether both forms give the same rows in the same order
(the values compared as N-Triples terms, so a language tag counts), and the two times.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rows(store, text: str) -> tuple[list[tuple], float]:
    best = None
    rows: list[tuple] = []
    for _ in range(3):
        started = time.perf_counter()
        rows = [tuple(str(term) if term is not None else "" for term in row) for row in store.query(text)]
        took = time.perf_counter() - started
        best = took if best is None else min(best, took)
    return rows, best


def main() -> None:
    import pyoxigraph as ox

    from heritage_kg.queries import read_query

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--before", type=Path, required=True, help="The folder of the other forms.")
    parser.add_argument("--after", type=Path, default=ROOT / "queries", help="Default: this checkout's queries.")
    parser.add_argument("--names", help="Comma-separated query names (default: those in both folders).")
    args = parser.parse_args()
    store = ox.Store.read_only(str(args.store))
    names = args.names.split(",") if args.names else sorted(
        {p.stem for p in args.before.glob("*.rq")} & {p.stem for p in args.after.glob("*.rq")})
    print("| query | rows | same rows | before | after |")
    print("|---|---|---|---|---|")
    for name in names:
        forms = []
        for folder in (args.before, args.after):
            query = read_query(folder / f"{name}.rq")
            forms.append(_rows(store, query.bind({}) if query.params else query.text))
        (old, old_time), (new, new_time) = forms
        same = "yes" if old == new else ("same set" if sorted(old) == sorted(new) else "no")
        print(f"| `{name}` | {len(new)} | {same} | {old_time:.3f} s | {new_time:.3f} s |")


if __name__ == "__main__":
    main()
