"""Search over the names of the graph: labels, preferred labels and acronyms, in both languages.

``GET /api/search?q=ico&lang=en`` answers a JSON list of at most 20
``{"iri", "label", "kind", "page", "acronym", "matched", "matched_lang"}``, best first, and the
number of all matches in ``X-Total-Count``; ``GET /search?q=...`` is the same search as a page,
for clients without JavaScript, with every match a page at a time and a filter by kind
(``&kind=Organisation``). Matching ignores case and accents ("musees" finds "musées") and
reads the names in both languages: exact matches come first, then names that start with the
query or have a word that starts with it, then names that contain it, then names holding every
word of it, then entities whose names, taken together, hold every word ("icom paris" finds
nothing, "conseil icom" finds ICOM). Within a rank, organisations, units and people come before
other things, and ties and sources last; then shorter names first.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ..names import AGENT_CLASSES, STATEMENT_CLASSES, Names, fold
from ..project import ENTITY_NS, ONTOLOGY_NS, VOCAB_NS
from ..terms import PREFIXES
from ..words import TEXT
from . import paging
from .site import lang_of, page_url, problem, render, sentences, switch_url, with_lang
from .state import State, names

LIMIT = 20
#: Longest query looked at; the rest is ignored.
MAX_QUERY = 100
#: The rank of a match that holds only some of the query's words (plus one per word it lacks),
#: after every rank of a match that holds them all; and the shortest word such a match counts.
PARTIAL, MIN_WORD = 5, 3
_SOURCE = PREFIXES["hkg"] + "SourceDocument"


class SearchIndex:
    """Every name of every entity and concept, folded for matching; built once per process."""

    def __init__(self, known: Names):
        self.known = known
        #: (folded text, IRI, the text as written, its language), one per name of each node
        self.entries: list[tuple[str, str, str, str]] = []
        self.tier: dict[str, int] = {}
        #: all the folded names of a node in one string, for queries whose words are spread over them
        self.joined: dict[str, str] = {}
        for iri in sorted(known.subjects):
            if not iri.startswith((ENTITY_NS, VOCAB_NS)):
                continue
            texts = {(t, lang) for by_lang in (known.labels.get(iri, {}), known.acronyms.get(iri, {}))
                     for lang, values in by_lang.items() for t in values}
            if not texts:
                continue
            folded = sorted((fold(t), t, lang) for t, lang in texts)
            self.entries.extend((f, iri, t, lang) for f, t, lang in folded)
            self.joined[iri] = "\x01".join(f for f, _, _ in folded)
            if known.is_a(iri, AGENT_CLASSES):
                self.tier[iri] = 0
            elif known.is_a(iri, STATEMENT_CLASSES + (_SOURCE,)):
                self.tier[iri] = 2
            else:
                self.tier[iri] = 1
        # every folded text in one string, so that finding candidates is a scan in C (str.find),
        # not a Python loop over the entries: a million-triple graph has some 100,000 names
        self._blob = "\x00".join(entry[0] for entry in self.entries)
        self._starts = list(itertools.accumulate((len(entry[0]) + 1 for entry in self.entries[:-1]), initial=0))
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

    def matches(self, query: str) -> dict[str, tuple[int, str, str]]:
        """Every node a query matches, with its rank and the name that matched (as written,
        with its language)."""
        query = fold(query[:MAX_QUERY])
        words = query.split()
        if not words:
            return {}
        best: dict[str, tuple[int, str, str]] = {}
        # a text that ranks at all holds the query, or every word of it, so it holds the first word
        for text, iri, written, lang in self._candidates(words[0]):
            rank = self.rank(query, words, text)
            if rank is None and len(words) > 1 and all(w in self.joined[iri] for w in words):
                rank = 4  # the words are spread over its names
            if rank is not None and rank < best.get(iri, (99,))[0]:
                best[iri] = (rank, written, lang)
        if not best and len(words) > 1:
            # no node has every word: those with some of them, the most words first
            held: dict[str, set] = {}
            for word in (w for w in words if len(w) >= MIN_WORD):
                for text, iri, written, lang in self._candidates(word):
                    held.setdefault(iri, set()).add(word)
                    best.setdefault(iri, (0, written, lang))
            best = {iri: (PARTIAL + len(words) - len(held[iri]), *best[iri][1:]) for iri in best}
        return best

    def search(self, query: str, lang: str = "en", limit: int = LIMIT) -> tuple[list[dict], int]:
        """The best ``limit`` matches of ``query``, best first, and how many match in all."""
        best = self.matches(query)
        order = heapq.nsmallest(limit, best, key=lambda i: (best[i][0], *self._order(i, lang)))
        return [self.result(i, best[i], lang, query) for i in order], len(best)

    def all(self, query: str, lang: str, kind: str | None = None) -> tuple[list[dict], list[dict]]:
        """Every match of ``query``, best first, kept to the nodes of class ``kind`` (a local
        name of the ontology) when it is given; and the kinds of all the matches, with how many
        of each, for the filter."""
        best = self.matches(query)
        kinds: dict[str, int] = {}
        for iri in best:
            for k in self.known.kinds(iri):
                kinds[k] = kinds.get(k, 0) + 1
        if kind:
            wanted = ONTOLOGY_NS + kind
            best = {i: m for i, m in best.items() if any(t == wanted or wanted in self.known.ancestors(t)
                                                         for t in self.known.types.get(i, ()))}
        order = sorted(best, key=lambda i: (best[i][0], *self._order(i, lang)))
        facets = [{"key": k[len(ONTOLOGY_NS):], "label": self.known.label(k, lang), "count": n}
                  for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], fold(self.known.label(kv[0], lang))))
                  if k.startswith(ONTOLOGY_NS)]
        return [self.result(i, best[i], lang, query) for i in order], facets

    def result(self, iri: str, match: tuple[int, str, str], lang: str, query: str = "") -> dict:
        """A match as the results show it; the name that matched is shown where the name shown
        does not hold the query itself."""
        known = self.known
        label, acronym = known.label(iri, lang), known.acronym(iri, lang)
        _, written, written_lang = match
        words = fold(query).split()
        holds = words and all(w in fold(label) or (acronym and w in fold(acronym)) for w in words)
        shown = written not in (label, acronym) and not holds
        return {"iri": iri, "label": label, "kind": known.kind_label(iri, lang) or self.scheme_of(iri, lang),
                "partial": match[0] >= PARTIAL,
                "page": page_url(iri, lang), "acronym": acronym,
                "matched": written if shown else None, "matched_lang": (written_lang or None) if shown else None}

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


def handlers(state: State) -> dict:
    def api(request: Request) -> Response:
        lang = lang_of(request)
        results, total = index(state).search(request.query_params.get("q", ""), lang)
        return JSONResponse(results, headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*",
                                              "X-Total-Count": str(total)})

    def page(request: Request) -> Response:
        lang = lang_of(request)
        q = request.query_params.get("q", "")[:MAX_QUERY]
        kind = request.query_params.get("kind") or None
        try:
            number = paging.requested(request)
            results, facets = index(state).all(q, lang, kind) if q.strip() else ([], [])
            shown, pager = paging.cut(results, number, request, keep=("q", "kind"))
        except paging.BadPage as bad:
            return problem(request, bad.status, bad.message)
        for result in shown:
            said = sentences(state).tie(result["iri"], lang)
            result["sentence"] = said.text if said is not None else None
        filters = [{**f, "href": with_lang("/search?" + urlencode({"q": q, "kind": f["key"]}), lang),
                    "current": f["key"] == kind} for f in facets]
        body = render("search.html", lang, q=q, search_query=q, results=shown, total=len(results), paged=pager,
                      kinds=filters, kind=kind, everything=with_lang("/search?" + urlencode({"q": q}), lang),
                      switch=switch_url(request, lang, keep=("q", "kind", "p")))
        return HTMLResponse(body, headers={"Cache-Control": "public, max-age=300"})

    return {"api-search": api, "search": page}
