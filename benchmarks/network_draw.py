"""How long the network explorer takes in a browser: the page's answer, then Cytoscape.js laying
out and drawing what it was sent, in Debian's headless Chromium, for the whole network and for a
year of it.

Run from the repository root:  python3 benchmarks/network_draw.py [--root PROJECT --store DIR]
(`serve --store DIR` for a large graph). Only 127.0.0.1 is reached; the server is stopped after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.servers import heritage_kg_server  # noqa: E402

TARGETS = ("/network", "/network?year=1995", "/network?around=icom&steps=2")


def sent(base: str, path: str) -> tuple[float, int, int, int]:
    """The page's answer time, its size, and how many nodes and lines it sends."""
    started = time.monotonic()
    with urllib.request.urlopen(base + path, timeout=120) as answer:
        page = answer.read().decode("utf-8")
    seconds = time.monotonic() - started
    data = json.loads(re.search(r'<script type="application/json" id="nw-data">(.*?)</script>', page, re.S)[1])
    return seconds, len(page.encode()), len(data["elements"]["nodes"]), len(data["elements"]["edges"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d')}; Chromium {CHROMIUM}; best of {args.runs}.\n")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
    extra = ("--store", str(args.store)) if args.store else ()
    with heritage_kg_server(args.root, *extra) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        print("| page | first answer s | answer s (warm) | bytes | nodes | lines | drawn in Chromium s |")
        print("|---|---|---|---|---|---|---|")
        for path in TARGETS:
            first = sent(base, path)[0]
            warm, size, nodes, lines = min(sent(base, path) for _ in range(args.runs))
            drawn = []
            for _ in range(args.runs):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                started = time.monotonic()
                page.goto(base + path)
                page.wait_for_function("() => window.heritageNetwork !== undefined", timeout=120_000)
                drawn.append(time.monotonic() - started)
                page.close()
            print(f"| `{path}` | {first:.2f} | {warm:.2f} | {size:,} | {nodes} | {lines} | {min(drawn):.2f} |")
        browser.close()


if __name__ == "__main__":
    main()
