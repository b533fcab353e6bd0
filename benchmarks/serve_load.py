"""Load on `heritage-kg serve` from another process on loopback: requests per second, p50 and
p99 latency and errors for an entity page, a dump, a named query on /sparql, and the search;
then the same while a runaway query holds one query worker.

Run from the repository root:  python3 benchmarks/serve_load.py [--seconds 10] [--clients 4]
On a large graph:  python3 benchmarks/serve_load.py --root PROJECT --store DIR
(`serve --store DIR`; the dump and the comparison with `oxigraph serve` are left out, and a
target of cold entity pages, each requested once, is added). The load is bounded (a fixed duration and number of client threads) and only targets 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from heritage_kg.queries import read_query  # noqa: E402
from tests.servers import heritage_kg_server, oxigraph_server  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def targets(base: str) -> dict[str, tuple[str, dict]]:
    partners = read_query(ROOT / "queries" / "partners.rq").bind({})
    return {
        "entity page /page/icom": (base + "/page/icom", {"Accept": "text/html"}),
        "dump /download/heritage-kg.nt": (base + "/download/heritage-kg.nt", {}),
        "SPARQL named query (partners)": (base + "/sparql?" + urllib.parse.urlencode({"query": partners}),
                                          {"Accept": "application/sparql-results+json"}),
        "search /api/search?q=icom": (base + "/api/search?q=icom", {}),
        "network explorer /network": (base + "/network", {"Accept": "text/html"}),
        "network filter /network.json?year=1995": (base + "/network.json?year=1995", {}),
    }


def cold_pages(base: str, root: Path, count: int = 2000) -> list[str]:
    """Entity pages not yet rendered: organisations of the graph, each to be requested once."""
    query = urllib.parse.urlencode({"query": "SELECT ?o WHERE { ?o a <https://w3id.org/heritage-kg/ontology#Organisation> } "
                                             f"ORDER BY ?o LIMIT {count}"})
    with urllib.request.urlopen(urllib.request.Request(f"{base}/sparql?{query}", headers={"Accept": "text/csv"}), timeout=60) as r:
        iris = r.read().decode().splitlines()[1:]
    return [base + "/page/" + iri.rsplit("/", 1)[-1] for iri in iris]


def load(url, headers: dict, seconds: float, clients: int) -> dict:
    """``url`` is one URL, or a list whose URLs are each requested once, in turn."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    pending = list(url) if isinstance(url, list) else None

    def client():
        nonlocal errors
        while time.monotonic() < stop:
            with lock:
                if pending is not None and not pending:
                    return
                target = pending.pop() if pending is not None else url
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(target, headers=headers), timeout=30) as r:
                    r.read()
                    ok = r.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    begin = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - begin
    latencies.sort()
    return {"requests": len(latencies), "rps": len(latencies) / wall,
            "p50": statistics.median(latencies) * 1000,
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
            "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--root", type=Path, default=ROOT, help="The project to serve (default: this repository).")
    parser.add_argument("--store", type=Path, help="Serve this on-disk store ('heritage-kg load --store DIR').")
    parser.add_argument("--processes", default="auto", help="Page processes (`serve --processes`; its default, "
                                                                 "one for each core).")
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d')}; {args.clients} client threads for {args.seconds:g} s each, loopback; "
          f"`serve --processes {args.processes}`.\n")
    extra = ("--processes", str(args.processes), *(("--store", str(args.store)) if args.store else ()))
    # the server runs from the served project's folder, which need not hold this package
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
    with heritage_kg_server(args.root, "--query-timeout", "30", *extra) as base:
        chosen = targets(base)
        if args.store:
            del chosen["dump /download/heritage-kg.nt"]
        first = {}
        for name, (url, headers) in chosen.items():  # warm the caches, timing the first answer
            started = time.monotonic()
            urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120).read()
            first[name] = time.monotonic() - started
        print("First answer of each target (its caches cold), in seconds: "
              + "; ".join(f"{name} {seconds:.2f}" for name, seconds in first.items()) + "\n")
        print("| target | requests/s | p50 ms | p99 ms | errors |")
        print("|---|---|---|---|---|")
        if args.store:
            pages = cold_pages(base, args.root)
            r = load(pages, {"Accept": "text/html"}, args.seconds * 10, args.clients)
            print(f"| {len(pages)} entity pages, each rendered once (cold) | {r['rps']:.0f} | {r['p50']:.1f} | "
                  f"{r['p99']:.1f} | {r['errors']} |")
        for name, (url, headers) in chosen.items():
            r = load(url, headers, args.seconds, args.clients)
            print(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} |")

        def run_away():
            url = base + "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
            try:
                urllib.request.urlopen(url, timeout=60).read()
            except (urllib.error.URLError, OSError):
                pass  # the server answers 503 when it stops the query

        runaway = threading.Thread(target=run_away)
        runaway.start()
        time.sleep(0.5)
        print()
        print("While a runaway query holds one query worker (stopped at the 30 s limit):\n")
        print("| target | requests/s | p50 ms | p99 ms | errors |")
        print("|---|---|---|---|---|")
        for name, (url, headers) in chosen.items():
            r = load(url, headers, min(args.seconds, 5), args.clients)
            print(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} |")
        runaway.join()
        if args.store:
            return
        import tempfile

        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / "dump.nt"
            dump.write_bytes(urllib.request.urlopen(base + "/download/heritage-kg.nt", timeout=60).read())
            ours = load(*targets(base)["SPARQL named query (partners)"], args.seconds, args.clients)
            with oxigraph_server(Path(work) / "store", dump) as plain_base:
                url = plain_base + "/query?" + urllib.parse.urlencode({"query": read_query(ROOT / "queries" / "partners.rq").bind({})})
                plain = load(url, {"Accept": "application/sparql-results+json"}, args.seconds, args.clients)
        print()
        print("The same named query on the plain alternative, Oxigraph's own server (`oxigraph serve`), same data:\n")
        print("| endpoint | requests/s | p50 ms | p99 ms | errors |")
        print("|---|---|---|---|---|")
        print(f"| heritage-kg /sparql (sandboxed workers) | {ours['rps']:.0f} | {ours['p50']:.1f} | {ours['p99']:.1f} | {ours['errors']} |")
        print(f"| oxigraph serve /query | {plain['rps']:.0f} | {plain['p50']:.1f} | {plain['p99']:.1f} | {plain['errors']} |")
        print(f"\nRatio of throughput, heritage-kg / oxigraph serve: {ours['rps'] / plain['rps']:.2f}")


if __name__ == "__main__":
    main()
