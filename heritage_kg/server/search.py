"""Search over the names of the graph: labels, preferred labels and acronyms, in both languages.

``GET /api/search?q=ico&lang=en`` answers a JSON list of at most 20
``{"iri", "label", "kind", "page", "acronym"}``, best first; ``GET /search?q=...`` is the same
search as a page, for clients without JavaScript. Matching ignores case and accents ("musees"
finds "musées"); exact matches come first, then names that start with the query or have a word
that starts with it, then names that contain it, then names holding every word of it.
Within a rank, organisations, units and people come before other things, and ties and sources
last; then shorter names first.
"""

from __future__ import annotations

import bisect
import heapq
import itertools

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..project import ENTITY_NS, VOCAB_NS
from ..terms import PREFIXES
from .names import AGENT_CLASSES, STATEMENT_CLASSES, Names, fold, names
from .site import page_url, render, switch_url
from .state import State
from .words import TEXT, lang_of

LIMIT = 20
#: Longest query looked at; the rest is ignored.
MAX_QUERY = 100
_SOURCE = PREFIXES["hkg"] + "SourceDocument"


class SearchIndex:
    """Every name of every entity and concept, folded for matching; built once per process."""

    def __init__(self, known: Names):
        self.known = known
        self.entries: list[tuple[str, str]] = []
        self.tier: dict[str, int] = {}
        for iri in sorted(known.subjects):
            if not iri.startswith((ENTITY_NS, VOCAB_NS)):
                continue
            texts = {t for by_lang in (known.labels.get(iri, {}), known.acronyms.get(iri, {}))
                     for values in by_lang.values() for t in values}
            if not texts:
                continue
            self.entries.extend((fold(t), iri) for t in sorted(texts))
            if known.is_a(iri, AGENT_CLASSES):
                self.tier[iri] = 0
            elif known.is_a(iri, STATEMENT_CLASSES + (_SOURCE,)):
                self.tier[iri] = 2
            else:
                self.tier[iri] = 1
        # every folded text in one string, so that finding candidates is a scan in C (str.find),
        # not a Python loop over the entries: a million-triple graph has some 100,000 names
        self._blob = "\x00".join(text for text, _ in self.entries)
        self._starts = list(itertools.accumulate((len(text) + 1 for text, _ in self.entries[:-1]), initial=0))
        self._orders: dict[tuple[str, str], tuple] = {}

    def _candidates(self, word: str):
        """The entries whose text contains ``word``, each once, in index order."""
        seen = -1
        offset = self._blob.find(word)
        while offset >= 0:
            index = bisect.bisect_right(self._starts, offset) - 1
            if index != seen:
                seen = index
                yield self.entries[index]
            offset = self._blob.find(word, offset + 1)

    @staticmethod
    def rank(query: str, words: list[str], text: str) -> int | None:
        if text == query:
            return 0
        if text.startswith(query) or f" {query}" in text or any(text[i - 1] in "'-(/" for i in _starts(text, query)):
            return 1
        if query in text:
            return 2
        if len(words) > 1 and all(w in text for w in words):
            return 3
        return None

    def scheme_of(self, iri: str, lang: str) -> str:
        """A concept's kind is the name of its scheme ("kinds of agreement"); a scheme's is "concept scheme"."""
        if not iri.startswith(VOCAB_NS):
            return ""
        scheme, _, concept = iri[len(VOCAB_NS):].partition("/")
        if concept:
            return self.known.label(VOCAB_NS + scheme, lang)
        return TEXT[lang]["concept_scheme"]

    def search(self, query: str, lang: str = "en", limit: int = LIMIT) -> list[dict]:
        query = fold(query[:MAX_QUERY])
        if not query:
            return []
        words = query.split()
        if not words:
            return []
        best: dict[str, int] = {}
        # a text that ranks at all holds the query, or every word of it, so it holds the first word
        for text, iri in self._candidates(words[0]):
            rank = self.rank(query, words, text)
            if rank is not None and rank < best.get(iri, 99):
                best[iri] = rank
        known = self.known
        order = heapq.nsmallest(limit, best, key=lambda i: (best[i], *self._order(i, lang)))
        return [{"iri": i, "label": known.label(i, lang), "kind": known.kind_label(i, lang) or self.scheme_of(i, lang),
                 "page": page_url(i, lang), "acronym": known.acronym(i, lang)} for i in order]

    def _order(self, iri: str, lang: str) -> tuple:
        """Where ``iri`` comes among names of the same rank, worked out once per name and
        language: a common word matches thousands of names in a large graph."""
        key = self._orders.get((iri, lang))
        if key is None:
            label = self.known.label(iri, lang)
            key = self._orders[(iri, lang)] = (self.tier[iri], len(label), fold(label), iri)
        return key


def _starts(text: str, query: str):
    start = text.find(query, 1)
    while start > 0:
        yield start
        start = text.find(query, start + 1)


def index(state: State) -> SearchIndex:
    known = names(state)
    return state.cached("pages:search", lambda: SearchIndex(known))


def routes(state: State) -> list[Route]:
    def api(request: Request) -> Response:
        lang = lang_of(request)
        results = index(state).search(request.query_params.get("q", ""), lang)
        return JSONResponse(results, headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"})

    def page(request: Request) -> Response:
        lang = lang_of(request)
        q = request.query_params.get("q", "")[:MAX_QUERY]
        results = index(state).search(q, lang, limit=50)
        body = render("search.html", lang, q=q, search_query=q, results=results, switch=switch_url(request, lang, keep=("q",)))
        return HTMLResponse(body, headers={"Cache-Control": "public, max-age=300"})

    return [Route("/api/search", api, name="api-search"), Route("/search", page, name="search")]
