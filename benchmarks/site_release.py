"""`heritage-kg site` and `heritage-kg release` on large graphs: wall time, what they write, and
the peak memory of the process; then, in headless Chromium, the named query `founders` in the
static site's query page (the page until its first answer, and the query itself in the browser)
and the static explorer's and timeline's filters, answered in the browser.

Run from the repository root, on projects made by benchmarks/scale.py or benchmarks/generate.py:

    python3 benchmarks/site_release.py --root WORK/100000/root [--root WORK/1000000/root] [--browser 300000]
        [--commands site] [--views]

Each command runs once as a whole process (its peak resident memory is the child's own
ru_maxrss, from wait4). A release of a project outside git takes its date from --date. The
static site is served by `python -m http.server` on loopback for the browser. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(command: list[str]) -> tuple[float, int]:
    """Run ``command``; its wall time in seconds and its peak resident memory in MiB."""
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed: {child.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss // 1024


def size_of(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def triples(root: Path) -> int:
    lines = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(root), "stats", "--format", "json"],
                           capture_output=True, text=True, check=True).stdout
    import json

    return json.loads(lines)["triples"]


@contextlib.contextmanager
def chromium_on(site: Path):
    """Headless Chromium, and the address of ``site`` served by `python -m http.server` on loopback."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                  args=["--no-sandbox", "--disable-gpu"], headless=True)
            try:
                yield chromium, f"http://127.0.0.1:{port}"
            finally:
                chromium.close()
    finally:
        server.terminate()
        server.wait()


#: Each view: its address, what shows it is drawn, and a filter its page's script then asks for.
VIEWS = [("explorer", "network.en.html", "() => window.heritageNetwork",
          "/network.json?lang=en&asOf=1995"),
         ("explorer as of 1995", "network.en.html?asOf=1995", "() => window.heritageNetwork", None),
         ("explorer around a hub, 2 steps", "network.en.html?around=HUB&steps=2", "() => window.heritageNetwork", None),
         ("timeline", "timeline.en.html", "() => document.getElementById('tl-count')", None),
         ("timeline from 1990, by organisation", "timeline.en.html?from=1990&group=organisation",
          "() => document.getElementById('tl-count')", None)]


def browser_views(site: Path, runs: int = 3) -> list[tuple[str, float, float | None]]:
    """For each view and run, in a fresh page: milliseconds from asking for the page to its
    drawing, and those of the filter its script asks the offline stand-in for (where one is)."""
    out = []
    with chromium_on(site) as (chromium, base):
        for name, address, drawn, asked in VIEWS:
            for _ in range(runs):
                page = chromium.new_page()
                page.set_default_timeout(300_000)
                if "HUB" in address:  # the best-connected node the explorer holds
                    page.goto(f"{base}/network.en.html")
                    page.wait_for_function(drawn)
                    hub = page.evaluate("() => window.heritageNetwork.nodes().max(n => n.degree()).ele.id()")
                    address = address.replace("HUB", hub)
                started = time.monotonic()
                page.goto(f"{base}/{address}")
                page.wait_for_function(drawn)
                shown = (time.monotonic() - started) * 1000
                answer = page.evaluate("""async (path) => { const t = performance.now(); await (await fetch(path)).json();
                                          return performance.now() - t; }""", asked) if asked else None
                out.append((name, shown, answer))
                page.close()
    return out


def server_answers(root: Path) -> list[tuple[str, float]]:
    """The same filters asked of `heritage-kg serve` (one page process) on loopback: the
    milliseconds of each answer, the first time and again (a year's answer is kept, a day's not)."""
    import signal
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "heritage_kg.cli", "--root", str(root), "serve", "--host", "127.0.0.1",
                               "--port", str(port), "--processes", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base, out = f"http://127.0.0.1:{port}", []

    def asked(path: str) -> float:
        started = time.monotonic()
        with urllib.request.urlopen(base + path, timeout=900) as answer:
            answer.read()
        return (time.monotonic() - started) * 1000

    try:
        for _ in range(600):
            try:
                asked("/sparql?query=ASK%7B%7D")
                break
            except OSError:
                time.sleep(1)
        asked("/network?lang=en")  # the view, made once, as the page's script finds it
        for path in ("/network.json?lang=en&asOf=1995", "/network.json?lang=en&asOf=1995",
                     "/network.json?lang=en&asOf=1995-06-01", "/timeline?lang=en",
                     "/timeline?lang=en&from=1990&group=organisation"):
            out.append((path, asked(path)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    return out


def browser_founders(site: Path, runs: int = 3) -> list[tuple[float, float, float]]:
    """For each run, in a fresh page: seconds from asking for the page to the first row, the
    query's own milliseconds in Oxigraph, and the milliseconds of the same query run again."""
    out = []
    with chromium_on(site) as (chromium, base):
        for _ in range(runs):
            page = chromium.new_page()
            page.set_default_timeout(300_000)
            started = time.monotonic()
            page.goto(f"{base}/query.en.html?name=founders")
            page.locator(".yasr table.dataTable tbody tr").first.wait_for()
            first = time.monotonic() - started
            query_ms = page.evaluate("window.heritageLastQueryMs")
            page.evaluate("window.heritageLastQueryMs = null")
            page.locator('form[data-name="founders"] button[type="submit"]').click()
            page.wait_for_function("() => window.heritageLastQueryMs !== null")
            out.append((first, query_ms, page.evaluate("window.heritageLastQueryMs")))
            page.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, action="append", required=True, help="A project to release (repeatable).")
    parser.add_argument("--browser", type=int, default=None,
                        help="Run founders in Chromium on the site of the largest project whose published graph has "
                             "this many triples or fewer "
                             "(the first given, if none).")
    parser.add_argument("--work", type=Path, default=None, help="Where to write (default: a temporary folder).")
    parser.add_argument("--commands", default="site,release --no-site,release",
                        help="Which commands to run, comma-separated (default: all three).")
    parser.add_argument("--views", action="store_true",
                        help="Also open the explorer and the timeline of the site the browser runs on, with filters.")
    args = parser.parse_args()
    wanted = [c.strip() for c in args.commands.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="hkg-site-"))
    cli = [sys.executable, "-m", "heritage_kg.cli"]
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d')}.\n")
    print("| graph | command | wall | peak memory | files | bytes |")
    print("|---|---|---|---|---|---|")
    sites, roots = {}, {}
    for root in args.root:
        count = triples(root)
        out = work / str(count)
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        for name, command in (("site", [*cli, "--root", str(root), "site", "-o", str(out / "site")]),
                              ("release --no-site", [*cli, "--root", str(root), "release", "1.0.0", "-o", str(out / "bare"),
                                                     "--date", "2026-12-05", "--no-site"]),
                              ("release", [*cli, "--root", str(root), "release", "1.0.0", "-o", str(out / "release"),
                                           "--date", "2026-12-05"])):
            if name not in wanted:
                continue
            wall, peak = run(command)
            folder = out / {"site": "site", "release --no-site": "bare", "release": "release"}[name]
            files, size = size_of(folder)
            print(f"| {count:,} triples | `{name}` | {wall:.1f} s | {peak:,} MiB | {files:,} | {size:,} |", flush=True)
        sites[count], roots[count] = out / "site", root
    chosen = [c for c in sites if args.browser is None or c <= args.browser]
    if chosen:
        count = max(chosen) if args.browser is not None else min(chosen)
        print(f"\n`founders` on the static site of {count:,} triples, in Chromium (/usr/bin/chromium, headless):\n")
        print("| run | page asked to first row | the query in Oxigraph (WebAssembly) | the query again |")
        print("|---|---|---|---|")
        for number, (first, query_ms, again_ms) in enumerate(browser_founders(sites[count]), 1):
            print(f"| {number} | {first:.2f} s | {query_ms:.0f} ms | {again_ms:.0f} ms |")
        if args.views:
            print(f"\nThe explorer and the timeline on the static site of {count:,} triples, in Chromium:\n")
            print("| view | page asked to drawn | a filter answered in the browser |")
            print("|---|---|---|")
            for name, shown, answer in browser_views(sites[count]):
                print(f"| {name} | {shown:,.0f} ms | {'' if answer is None else f'{answer:.1f} ms'} |", flush=True)
            print(f"\nThe same asked of `heritage-kg serve` on the project of {count:,} triples (loopback, one page process):\n")
            print("| asked | answer |")
            print("|---|---|")
            for path, ms in server_answers(roots[count]):
                print(f"| `{path}` | {ms:,.1f} ms |", flush=True)


if __name__ == "__main__":
    main()
