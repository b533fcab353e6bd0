"""Helpers for the browser tests: a real `heritage-kg serve` on a loopback port, Debian's headless
Chromium driven by Playwright, a watch on everything a page complains about, and screenshots."""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import ROOT
from .servers import heritage_kg_server

#: Debian's chromium (apt-get install chromium); Playwright's own browser downloads are not used.
CHROMIUM = Path(os.environ.get("HERITAGE_KG_CHROMIUM", "/usr/bin/chromium"))
#: Headless, offline and quiet: no sandbox (CI runs as root), no GPU, no calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
#: When set, every screenshot is also copied into this folder, to be looked at after the run.
SHOTS_ENV = "HERITAGE_KG_SHOTS"


def require_browser():
    """Playwright's sync API, or a failure that says how to install what is missing. Never a skip:
    CI installs both, so a missing browser is a broken set-up, not an optional extra."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is not installed: pip install -e '.[test]' installs it")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `apt-get install -y chromium` "
                    f"(Debian's package; .ci/run installs it), or set HERITAGE_KG_CHROMIUM to a Chromium executable. "
                    f"Do not run `playwright install`.")
    return sync_playwright


@contextlib.contextmanager
def heritage_server(root: Path, log_dir: Path):
    """`heritage-kg serve` on a free loopback port, in its own process group; always stopped."""
    with heritage_kg_server(root, log_dir=log_dir) as base:
        yield base


@dataclass
class Watch:
    """What a page complained about: console errors, uncaught exceptions, CSP violations, failed
    requests and answers of 400 or more. ``allowed`` holds substrings of complaints a test expects."""

    console: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = ([f"console: {m}" for m in self.console] + [f"exception: {m}" for m in self.exceptions]
                 + [f"CSP: {m}" for m in self.csp] + [f"request: {m}" for m in self.requests])
        return [p for p in found if not any(a in p for a in self.allowed)]


_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__hkgCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} (${e.sample || ""})`);
});
"""


def watch(page) -> Watch:
    """Start recording a page's complaints; call before the first navigation."""
    seen = Watch()
    page.on("console", lambda m: seen.console.append(f"{m.text} [{m.location.get('url', '')}]")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.exceptions.append(str(e)))
    page.on("requestfailed", lambda r: seen.requests.append(f"{r.method} {r.url} failed: {r.failure}"))
    page.on("response", lambda r: seen.requests.append(f"{r.request.method} {r.url} -> {r.status}")
            if r.status >= 400 else None)
    page.expose_function("__hkgCspViolation", lambda text: seen.csp.append(text))
    page.add_init_script(_CSP_LISTENER)
    return seen


def screenshot(page, folder: Path, name: str) -> Path:
    """A full-page PNG in ``folder``, copied also to $HERITAGE_KG_SHOTS when that is set."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    extra = os.environ.get(SHOTS_ENV)
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / path.name)
    return path


# -- the fixtures the browser tests share: a module imports them by name --------------------------

@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, for the module."""
    sync_playwright = require_browser()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`heritage-kg serve` of this checkout, for the module; its address."""
    with heritage_server(ROOT, tmp_path_factory.mktemp("serve")) as base:
        yield base


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where the module's screenshots go."""
    return tmp_path_factory.mktemp("shots")
