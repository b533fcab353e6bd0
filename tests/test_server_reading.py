"""Every kind of page as a reader meets it, in a real browser at a desk's width (1280 px) and a
phone's (390 px): no sideways scroll, no serious or critical accessibility violation (axe-core,
vendored under tests/vendor), the sentences in both languages, and a screenshot of each."""

from __future__ import annotations

import re

import pytest

from .browser import browser, screenshot, server, shots, watch  # noqa: F401 (fixtures, used by name)
from .conftest import ROOT

AXE = (ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = (1280, 390)
#: One page of each kind, in both languages.
PAGES = {
    "home": "/", "organisation": "/page/icom", "network-hub": "/page/blue-shield", "agreement": "/page/mou-icom-aliph-2022",
    "person": "/page/peter-keller", "figure": "/page/observation-icom-museum-members-2022", "concept": "/page/vocab/roles/founding-member",
    "source": "/page/source-seed-002", "kinds": "/kinds", "kind": "/kinds/Organisation", "search": "/search?q=icom",
    "ontology": "/ontology", "download": "/download", "query": "/query?name=founders", "not-found": "/no/such/page",
    "timeline": "/timeline?organisation=icom", "timeline-by-organisation": "/timeline?group=organisation",
    "network": "/network?focus=icom", "network-around": "/network?around=interpol&with=people",
}


def open_page(browser, width: int, lang: str):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB" if lang == "en" else "fr-FR")
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page, watch(page)


def serious_violations(page) -> list[str]:
    """What axe-core finds serious or critical on the page. It is evaluated through the browser's
    debugging protocol, which the page's Content-Security-Policy does not govern."""
    page.evaluate(AXE + "\n;undefined")
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join("; ")})`);
    }""")
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ("en", "fr"))
def test_every_kind_of_page_fits_the_screen_and_passes_axe(browser, server, shots, width, lang):
    context, page, seen = open_page(browser, width, lang)
    failures = []
    try:
        for kind, path in PAGES.items():
            url = server + path + ("&" if "?" in path else "?") + f"lang={lang}"
            page.goto(url)
            if kind == "query":
                page.wait_for_selector(".CodeMirror")
            sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if sideways > 0:
                failures.append(f"{kind} at {width} px scrolls {sideways} px sideways")
            failures += [f"{kind}: {v}" for v in serious_violations(page)]
            screenshot(page, shots, f"{kind}-{lang}-{width}")
    finally:
        context.close()
    problems = [p for p in seen.problems() if "/no/such/page" not in p]
    assert failures == [] and problems == [], "\n".join(failures + problems)


@pytest.mark.parametrize("lang, sentence", [
    ("en", "ICOM is a founding member of Blue Shield (1996)."),
    ("fr", "L'ICOM est membre fondateur du Bouclier bleu (1996)."),
])
def test_icoms_page_says_its_founding_membership_and_draws_unesco(browser, server, lang, sentence):
    context, page, _ = open_page(browser, 1280, lang)
    try:
        page.goto(f"{server}/page/icom?lang={lang}")
        # the first Tab reaches the skip link, which leads past the header
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
        assert page.evaluate("document.activeElement.textContent") == {"en": "Skip to content", "fr": "Aller au contenu"}[lang]
        said = page.locator("#group-founding p.sentence").all_inner_texts()
        assert any(text.startswith(sentence) for text in said), said
        drawn = page.locator("#neighbourhood svg text").all_text_contents()
        assert "UNESCO" in drawn
        # the sources of a sentence are one click away
        first = page.locator("#group-founding details.sources").first
        first.locator("summary").click()
        assert first.locator("q").first.is_visible()
    finally:
        context.close()


def test_search_for_icom_reports_every_match(browser, server):
    context, page, _ = open_page(browser, 390, "en")
    try:
        page.goto(f"{server}/?lang=en")
        page.fill("header input[type=search]", "icom")
        page.press("header input[type=search]", "Enter")
        page.wait_for_url(re.compile(r"/search\?"))
        total = int(re.sub(r"\D", "", page.locator("p.total strong").inner_text()))
        shown = page.locator("ol.results > li").count()
        assert total > shown >= 50 or total == shown > 50
    finally:
        context.close()
