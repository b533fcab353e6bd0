"""Reconciliation: which entity of the graph a name in a spreadsheet means, as OpenRefine asks.

A name is matched against every label and acronym of the graph's entities, in both languages,
without case or accents ("Conseil international des musees", "Unesco"), and forgiving a slip
("World Custom Organization"): each candidate is scored 0 to 100 by how close its nearest name
is, and a kind (``Organisation``, with its subclasses) and properties (an acronym, a Wikidata
QID, a country) narrow and raise the candidates. A candidate is a ``match`` when its score is
at least `MATCH` and no other comes within `MARGIN` of it. The server's Reconciliation Service
API (`heritage_kg.server.reconciliation`) and ``heritage-kg reconcile`` both use this.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pyoxigraph as ox

from .names import Names, fold, local_name
from .project import ENTITY_NS, ONTOLOGY_NS
from .terms import PREFIXES

#: A score from which a lone best candidate is a match.
MATCH = 90
#: How far ahead of the next a best candidate must be to be a match.
MARGIN = 10
#: Candidates scored for one query at most: those sharing the most words with it.
POOL = 200
WIKIDATA = "http://www.wikidata.org/entity/"
SAME_AS = PREFIXES["owl"] + "sameAs"
_WORD = re.compile(r"\w+")
#: The properties a query may give, and the data extension may fetch: (id, name, property IRI).
PROPERTIES = (
    ("acronym", "acronym", ONTOLOGY_NS + "acronym"),
    ("wikidata", "Wikidata QID", SAME_AS),
    ("country", "country", ONTOLOGY_NS + "country"),
    ("seat", "seat", ONTOLOGY_NS + "seat"),
    ("website", "website", ONTOLOGY_NS + "website"),
    ("founded", "founding year", None),
)


@dataclass(frozen=True)
class Candidate:
    iri: str
    name: str
    types: tuple[tuple[str, str], ...]
    score: float
    match: bool
    #: the name of the entity the query matched best, as written
    matched: str

    @property
    def id(self) -> str:
        return local_name(self.iri)


class Reconciler:
    """The names of every entity of a graph, indexed by word; built once."""

    def __init__(self, store: ox.Store, names: Names | None = None):
        self.store = store
        self.names = names or Names(store)
        self.words: dict[str, set[str]] = {}
        self.folded: dict[str, list[tuple[str, str]]] = {}
        for iri in self.names.subjects:
            if not iri.startswith(ENTITY_NS) or iri not in self.names.types:
                continue
            texts = {t for by_lang in (self.names.labels.get(iri, {}), self.names.acronyms.get(iri, {}))
                     for values in by_lang.values() for t in values}
            if not texts:
                continue
            self.folded[iri] = sorted((fold(t), t) for t in texts)
            for folded, _ in self.folded[iri]:
                for word in _WORD.findall(folded):
                    self.words.setdefault(word, set()).add(iri)

    def kinds(self) -> list[tuple[str, str]]:
        """The kinds of entity that have entities, as (local name, English label)."""
        used = {k for iri in self.folded for k in self.names.types.get(iri, ())}
        return sorted(((local_name(k), str(self.names.label(k))) for k in used if k.startswith(ONTOLOGY_NS)),
                      key=lambda pair: fold(pair[1]))

    def query(self, text: str, kind: str | None = None, properties: list[tuple[str, str]] = (), limit: int = 3,
              lang: str = "en") -> list[Candidate]:
        """The best candidates for ``text``, best first.

        Raises:
            ValueError: a kind or a property that is not one.
        """
        wanted = fold(text)
        kind_iri = self._kind(kind) if kind else None
        given = [(self._property(pid), fold(value)) for pid, value in properties if value]
        words = _WORD.findall(wanted)
        shared: dict[str, int] = {}
        for word in words:
            for iri in self.words.get(word, ()):
                shared[iri] = shared.get(iri, 0) + 1
        for iri in self._by_property(given):
            shared.setdefault(iri, 0)
        pool = sorted(shared, key=lambda iri: (-shared[iri], iri))[:POOL]
        scored = []
        for iri in pool:
            if kind_iri and not self._is_a(iri, kind_iri):
                continue
            score, matched = max((_closeness(wanted, f), t) for f, t in self.folded[iri])
            for prop, value in given:
                score = min(100.0, score + 20) if self._has(iri, prop, value) else max(0.0, score - 20)
            scored.append((round(score, 1), iri, matched))
        scored.sort(key=lambda s: (-s[0], s[1]))
        best = scored[:limit]
        out = []
        for n, (score, iri, matched) in enumerate(best):
            lone = n == 0 and score >= MATCH and (len(scored) < 2 or scored[1][0] <= score - MARGIN)
            types = tuple((local_name(k), str(self.names.label(k, lang))) for k in self.names.kinds(iri))
            out.append(Candidate(iri, str(self.names.label(iri, lang)), types, score, lone, matched))
        return out

    def values(self, iri: str, pid: str, lang: str = "en") -> list[dict]:
        """An entity's values of one of `PROPERTIES`, for the data extension: entities as
        ``{"id", "name"}``, the rest as ``{"str"}``."""
        if pid == "founded":
            rows = self.store.query(f"""SELECT ?d WHERE {{ ?f <{ONTOLOGY_NS}founded> <{iri}> ; <{ONTOLOGY_NS}date> ?d }}""")
            return [{"str": row[0].value[:4]} for row in rows]
        prop = self._property(pid)
        out = []
        for quad in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(prop), None):
            value = quad.object
            if pid == "wikidata":
                if value.value.startswith(WIKIDATA):
                    out.append({"str": value.value.removeprefix(WIKIDATA)})
            elif isinstance(value, ox.NamedNode) and value.value.startswith(ENTITY_NS):
                out.append({"id": local_name(value.value), "name": str(self.names.label(value.value, lang))})
            elif isinstance(value, ox.Literal) and value.language not in (None, "", lang) and pid == "acronym":
                continue
            else:
                out.append({"str": value.value})
        return sorted(out, key=lambda v: v.get("str") or v.get("name", ""))

    def _kind(self, kind: str) -> str:
        iri = kind if kind.startswith(("http://", "https://")) else ONTOLOGY_NS + kind
        if iri not in self.names.classes:
            raise ValueError(f"type {kind[:60]!r}: not a kind of entity of this graph")
        return iri

    def _property(self, pid: str) -> str:
        for known, _, iri in PROPERTIES:
            if pid == known and iri:
                return iri
        raise ValueError(f"property {pid[:60]!r}: choose from {', '.join(p for p, _, i in PROPERTIES if i)}")

    def _is_a(self, iri: str, kind: str) -> bool:
        return any(k == kind or kind in self.names.ancestors(k) for k in self.names.types.get(iri, ()))

    def _has(self, iri: str, prop: str, value: str) -> bool:
        for quad in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(prop), None):
            term = quad.object.value
            if prop == SAME_AS:
                term = term.removeprefix(WIKIDATA)
            written = [term] + ([str(self.names.label(term, lang)) for lang in ("en", "fr")] if term.startswith(ENTITY_NS) else [])
            if any(fold(w) == value or fold(local_name(w)) == value for w in written):
                return True
        return False

    def _by_property(self, given: list[tuple[str, str]]) -> set[str]:
        """Entities found by a property alone (a Wikidata QID names one, whatever it is called)."""
        found = set()
        for prop, value in given:
            if prop == SAME_AS:
                qid = value.upper()
                for quad in self.store.quads_for_pattern(None, ox.NamedNode(SAME_AS), ox.NamedNode(WIKIDATA + qid)):
                    found.add(quad.subject.value)
        return found


def _closeness(wanted: str, name: str) -> float:
    """0 to 100: 100 for the same name; else how much of the two the longest common runs cover,
    and at least 70 and more for a name that holds every word asked for ("Getty" in "Getty
    Foundation"), the more of it they make up."""
    if wanted == name:
        return 100.0
    close = 100.0 * difflib.SequenceMatcher(None, wanted, name, autojunk=False).ratio()
    words, held = _WORD.findall(wanted), set(_WORD.findall(name))
    if words and all(w in held for w in words):
        close = max(close, 70.0 + 20.0 * len(wanted) / max(len(name), 1))
    return close
