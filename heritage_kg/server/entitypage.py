"""The page of a node: what it says (its statements, its ties, its evidence, what points at it),
as `View` reads it from the authored graph, gathered in `EntityPage` for entity.html."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox

from ..project import ONTOLOGY_NS, VOCAB_NS
from ..terms import PREFIXES, short
from . import paging
from .diagram import diagram
from .names import DATA_LANGS, STATEMENT_CLASSES, Names, fold, local_name
from .negotiation import DATA_FORMATS
from .render import safe_href
from .site import page_url, with_lang
from .words import TEXT

HKG = ONTOLOGY_NS

#: The order in which a tie's dates are shown, after its kind and its sides: when, from when, how
#: the start is qualified, for how long, since what, until when. Which properties are dates is
#: the table of tie kinds' (hkg:tieDateProperty); one this list lacks comes after them.
DATE_ORDER = tuple(HKG + p for p in ("date", "startDate", "temporalQualifier", "minimumDuration", "startEvent", "endDate"))
#: Shown in the page's head rather than in the table of statements.
XL_ALT_LABEL, XL_FORM = ("http://www.w3.org/2008/05/skos-xl#" + p for p in ("altLabel", "literalForm"))
HEAD = (PREFIXES["rdf"] + "type", PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel", HKG + "acronym", XL_ALT_LABEL,
        HKG + "description", HKG + "evidence", PREFIXES["owl"] + "sameAs", PREFIXES["rdfs"] + "comment",
        PREFIXES["skos"] + "definition")
SAME_AS = PREFIXES["owl"] + "sameAs"
EVIDENCE, SOURCE, LINE, SECTION, KEY_PHRASE, SUPPORTS = (HKG + p for p in ("evidence", "source", "line", "section",
                                                                          "keyPhrase", "supports"))
INFERRED = VOCAB_NS + "bases/inferred"



@dataclass
class EntityPage:
    """What an entity's page shows (entity.html), made by `View.build`.

    The lists hold plain dicts of strings, as the template reads them: a value is ``{"text",
    "href", "lang", ...}`` (`View.value`), a piece of evidence ``{"n", "source", "line",
    "section", "phrase", "supports", "inferred", "reason", ...}`` (`View.evidence`).
    """

    #: The node's IRI, and the key of its page (``icom``, ``vocab/agreement-kinds/mou``).
    iri: str
    key: str
    #: Its name in the page's language, else in the other (a `names.Label`, which says which).
    label: str
    #: Its names, acronyms and dated names (SKOS-XL labels with their dates), in each language.
    labels: dict[str, list[str]]
    acronyms: list[str]
    dated_names: list[dict]
    #: Its classes, each with the page of its kind.
    kinds: list[dict]
    #: Its descriptions and definitions, and its comments, each with its language.
    descriptions: list[dict]
    comments: list[dict]
    #: The numbers of the evidence that backs the node as a whole.
    own_refs: list[int]
    #: Its statements, one row per property (`View.statements`).
    statements: list[dict]
    #: The ties it takes part in, on the page shown; how many in all; the pager, if several pages.
    ties: list[dict]
    ties_total: int
    pager: paging.Pager | None
    #: What points at it, each list cut to its first page, with a query for the whole.
    pointing: list[dict]
    #: For a source: the statements citing it (first page), how many, and a query for them all.
    citations: list[dict]
    citations_total: int
    citations_all: str
    #: Its owl:sameAs links (Wikidata), and the evidence numbers that back them.
    same_as: list[dict]
    same_as_refs: list[int]
    #: Its evidence, numbered; the numbers of the inferred pieces.
    evidence: list[dict]
    inferred: set[int]
    #: The neighbourhood diagram (`diagram.diagram`).
    diagram: dict
    #: Its description as data: a link per RDF format, and the JSON-LD embedded in the page.
    formats: list[dict]
    jsonld: dict


class View:
    """Builds what the entity template shows, from the graph as written (not materialised)."""

    def __init__(self, known: Names, store: ox.Store, iri: str, lang: str):
        self.names, self.store = known, store
        self.iri, self.node, self.lang, self.t = iri, ox.NamedNode(iri), lang, TEXT[lang]

    def out(self, node) -> list[tuple[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
        """The node's statements, without those a more specific one repeats (hkg:party beside
        hkg:funder for the same organisation)."""
        pairs = [(q.predicate.value, q.object) for q in self.store.quads_for_pattern(node, None, None)]
        by_object: dict = {}
        for p, o in pairs:
            by_object.setdefault(o, []).append(p)
        return [(p, o) for p, o in pairs if not any(q != p and p in self.supers(q) for q in by_object[o])]

    def supers(self, p: str) -> set[str]:
        """Every super-property of ``p``."""
        return self.names.property_ancestors(p)

    def value(self, term) -> dict:
        if isinstance(term, ox.NamedNode):
            href = page_url(term.value, self.lang)
            if href:
                return {"text": self.names.label(term.value, self.lang), "href": href, "iri": term.value}
            return {"text": term.value, "href": safe_href(term.value), "external": True, "iri": term.value}
        if isinstance(term, ox.Literal):
            if term.datatype.value.endswith("#duration"):
                return {"text": self.duration(term.value)}
            return {"text": term.value, "lang": term.language or None}
        return {"text": "[…]"}

    def duration(self, text: str) -> str:
        match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?", text)
        if not match or not any(match.groups()):
            return text
        units = zip(match.groups(), ("years", "months", "days"))
        return " ".join(f"{n} {self.t[unit]}" for n, unit in units if n)

    def prop(self, p: str) -> dict:
        return {"text": self.names.label(p, self.lang), "href": page_url(p, self.lang) or safe_href(p),
                "title": short(ox.NamedNode(p))}

    def texts(self, pairs, predicate: str) -> list[dict]:
        """Literals of ``predicate`` in the page's language, else in any language."""
        found = [o for p, o in pairs if p == predicate and isinstance(o, ox.Literal)]
        mine = [o for o in found if (o.language or "") in (self.lang, "")] or found
        return [{"text": o.value, "lang": o.language or None} for o in sorted(mine, key=lambda o: o.value)]

    def evidence(self, node) -> list[dict]:
        items = []
        for ev in (o for p, o in self.out(node) if p == EVIDENCE):
            fields = self.out(ev)
            first = lambda p: next((o for q, o in fields if q == p), None)
            source, line, section, phrase = first(SOURCE), first(LINE), first(SECTION), first(KEY_PHRASE)
            basis = first(HKG + "basis")
            reasons = [o for q, o in fields if q == HKG + "inferenceReason" and isinstance(o, ox.Literal)]
            reason = next((o for o in reasons if o.language == self.lang), reasons[0] if reasons else None)
            items.append({
                "inferred": isinstance(basis, ox.NamedNode) and basis.value == INFERRED,
                "reason": reason.value if reason is not None else None,
                "reason_lang": reason.language if reason is not None else None,
                "source": self.value(source) if source is not None else None,
                "line": line.value if isinstance(line, ox.Literal) else None,
                "section": section.value if isinstance(section, ox.Literal) else None,
                "phrase": phrase.value if isinstance(phrase, ox.Literal) else None,
                "phrase_lang": phrase.language if isinstance(phrase, ox.Literal) else None,
                "supports": sorted(o.value for q, o in fields if q == SUPPORTS and isinstance(o, ox.NamedNode)),
            })
            items[-1]["supported"] = [self.prop(p) for p in items[-1]["supports"]]
        items.sort(key=lambda e: (fold(e["source"]["text"]) if e["source"] else "", _number(e["line"]), e["phrase"] or ""))
        return items

    def dates(self, pairs) -> tuple[str, str]:
        """A tie's dates as words ("since 2002", "for more than 25 years"), and a sort key."""
        found: dict[str, list] = {}
        for q, o in pairs:
            found.setdefault(q, []).append(o)
        get = lambda p: sorted(found.get(HKG + p, ()), key=str)
        qualifier = " ".join(self.names.label(o.value, self.lang) for o in get("temporalQualifier"))
        exact_in = [o.value for o in get("temporalQualifier")] == [VOCAB_NS + "temporal-qualifiers/in"]
        parts = []
        for o in get("startDate"):
            parts.append(o.value if exact_in and len(o.value) > 4 else f"{qualifier} {o.value}".strip())
        for o in get("minimumDuration"):
            parts.append(f"{qualifier} {self.duration(o.value)}".strip())
        for o in get("startEvent"):
            parts.append(f"{qualifier}: {self.names.label(o.value, self.lang)}" if qualifier else self.names.label(o.value, self.lang))
        starts = {o.value for o in get("startDate")}
        parts[:0] = [o.value for o in get("date") if o.value not in starts]
        parts += [f"{self.t['until']} {o.value}" for o in get("endDate")]
        key = next((o.value for o in get("date") + get("startDate")), "9999")
        return ", ".join(parts), key

    # the sections of the page ------------------------------------------------------------------

    def statements(self, pairs, numbered: list[dict]) -> list[dict]:
        ties = self.names.ties
        dates = sorted(ties.dates, key=lambda d: (DATE_ORDER.index(d) if d in DATE_ORDER else len(DATE_ORDER), d))
        rank = {p: i for i, p in enumerate(ties.kind_properties + ties.sides + tuple(dates))}
        rows: dict[str, list] = {}
        for p, o in pairs:
            if p not in HEAD:
                rows.setdefault(p, []).append(o)
        out = []
        for p in sorted(rows, key=lambda p: (rank.get(p, len(rank)), fold(self.names.label(p, self.lang)))):
            values = sorted((self.value(o) for o in rows[p]), key=lambda v: fold(v["text"]))
            refs = [e["n"] for e in numbered if p in e["supports"]]
            out.append({"iri": p, "prop": self.prop(p), "vals": values, "refs": refs})
        return out

    def tie_head(self, tie: str, roles: list[str]) -> dict:
        """What the order of the ties and the diagram need of a tie, for every tie of a hub: strings
        only, since a hub's heads are kept, and a hub of a large graph has thousands of ties."""
        pairs = self.out(ox.NamedNode(tie))
        kinds = [self.names.kind_label(tie, self.lang)]
        kinds += sorted(self.names.label(o.value, self.lang) for p, o in pairs
                        if p in self.names.ties.kind_properties and isinstance(o, ox.NamedNode))
        dates, key = self.dates(pairs)
        return {"iri": tie, "roles": roles, "label": self.names.label(tie, self.lang),
                "kind": " · ".join(k for k in kinds if k), "dates": dates, "key": key, "cls": self.names.tie_key(tie),
                "sides": [o.value for p, o in pairs if self.names.is_side(p) and isinstance(o, ox.NamedNode) and o != self.node]}

    def tie(self, head: dict) -> dict:
        """A row of the table of ties: only for the ties of the page shown."""
        pairs, roles = self.out(ox.NamedNode(head["iri"])), head["roles"]
        roles = [r for r in set(roles) if not any(r in self.supers(q) for q in roles)]
        others = [{**self.value(o), "role": self.names.label(p, self.lang)}
                  for p, o in pairs if self.names.is_side(p) and isinstance(o, ox.NamedNode) and o != self.node]
        figure = " ".join(self.value(o)["text"] for p in (HKG + "valueQualifier", HKG + "value") for q, o in pairs if q == p)
        evidence = self.evidence(ox.NamedNode(head["iri"]))
        return {"href": page_url(head["iri"], self.lang), "label": head["label"], "kind": head["kind"],
                "role": ", ".join(sorted(self.names.label(r, self.lang) for r in set(roles))), "others": others,
                "dates": head["dates"], "figure": figure, "evidence": evidence,
                "inferred": any(e["inferred"] for e in evidence),
                "key": head["key"], "cls": head["cls"], "iri": head["iri"]}

    def incoming(self) -> tuple[list[dict], list[dict], list[dict]]:
        """Ties and figures this node takes part in (as `tie_head`, in the order of the page),
        other named nodes pointing here, citations."""
        ties: dict[str, list[str]] = {}
        pointing: dict[str, list] = {}
        citations = []
        for quad in self.store.quads_for_pattern(None, None, self.node):
            s, p = quad.subject, quad.predicate.value
            if isinstance(s, ox.BlankNode):
                owner = next((q.subject for q in self.store.quads_for_pattern(None, ox.NamedNode(EVIDENCE), s)), None)
                if isinstance(owner, ox.NamedNode):
                    fields = dict((q.predicate.value, q.object) for q in self.store.quads_for_pattern(s, None, None))
                    line, phrase = fields.get(LINE), fields.get(KEY_PHRASE)
                    citations.append({**self.value(owner), "line": line.value if line else "",
                                      "phrase": phrase.value if phrase else "",
                                      "phrase_lang": phrase.language if phrase else None})
            elif self.names.is_a(s.value, STATEMENT_CLASSES):
                ties.setdefault(s.value, []).append(p)
            else:
                pointing.setdefault(p, []).append(s)
        heads = sorted((self.tie_head(t, roles) for t, roles in ties.items()), key=lambda r: (r["key"], fold(r["label"])))
        rows = []
        for p, subjects in sorted(pointing.items(), key=lambda kv: fold(self.names.label(kv[0], self.lang))):
            inverse = self.names.inverse.get(p)
            rows.append({"iri": p, "prop": self.prop(inverse or p), "reverse": inverse is None,
                         "vals": sorted((self.value(s) for s in subjects), key=lambda v: fold(v["text"]))})
        citations.sort(key=lambda c: (fold(c["text"]), _number(c["line"])))
        return heads, rows, citations

    def dated_names(self, pairs) -> list[dict]:
        """The names the node had or has for a time (SKOS-XL labels), each with its dates."""
        out = []
        for p, o in pairs:
            if p == XL_ALT_LABEL and not isinstance(o, ox.Literal):
                fields = self.out(o)
                form = next((v for q, v in fields if q == XL_FORM and isinstance(v, ox.Literal)), None)
                if form is not None:
                    dates, key = self.dates(fields)
                    out.append({"text": form.value, "lang": form.language, "dates": dates, "key": key})
        return sorted(out, key=lambda n: (n["key"], n["text"]))

    def build(self, key: str, jsonld: dict, incoming: tuple, shown: list[dict], pager: paging.Pager | None) -> EntityPage:
        """What the template shows, from what `incoming` found and the ties of the page shown."""
        pairs = self.out(self.node)
        evidence = self.evidence(self.node)
        for n, item in enumerate(evidence, 1):
            item["n"] = n
        heads, pointing, citations = incoming
        ties = [self.tie(head) for head in shown]
        # the other long lists show their first page, and a query for the whole of them
        cut_rows = [{**row, "vals": row["vals"][:paging.PER_PAGE], "more": len(row["vals"]) - paging.PER_PAGE,
                     "all": query_link(POINTING_QUERY.format(p=row["iri"], o=self.iri, lang=self.lang))}
                    for row in pointing]
        statements = self.statements(pairs, evidence)
        return EntityPage(
            iri=self.iri, key=key,
            label=self.names.label(self.iri, self.lang),
            labels={l: self.names.labels.get(self.iri, {}).get(l, []) for l in DATA_LANGS},
            acronyms=sorted({a for l in DATA_LANGS for a in self.names.acronyms.get(self.iri, {}).get(l, [])}),
            dated_names=self.dated_names(pairs),
            kinds=[{"text": self.names.label(k, self.lang), "href": with_lang("/kinds/" + local_name(k), self.lang)}
                   for k in self.names.kinds(self.iri)],
            descriptions=self.texts(pairs, HKG + "description") + self.texts(pairs, PREFIXES["skos"] + "definition"),
            comments=self.texts(pairs, PREFIXES["rdfs"] + "comment"),
            own_refs=[e["n"] for e in evidence if not e["supports"]],
            statements=statements, ties=ties, ties_total=len(heads), pager=pager,
            pointing=cut_rows, citations=citations[:paging.PER_PAGE], citations_total=len(citations),
            citations_all=query_link(CITATIONS_QUERY.format(o=self.iri)),
            same_as=sorted((self.value(o) for p, o in pairs if p == SAME_AS), key=lambda v: v["text"]),
            same_as_refs=[e["n"] for e in evidence if SAME_AS in e["supports"]],
            evidence=evidence,
            inferred={e["n"] for e in evidence if e["inferred"]},
            diagram=diagram(self, statements, heads, pointing),
            formats=[{"name": f.name, "suffix": f.suffix, "media_type": f.media_type, "href": f"/data/{key}{f.suffix}"}
                     for f in DATA_FORMATS.values()],
            jsonld=jsonld,
        )


POINTING_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?node ?name WHERE {{
  ?node <{p}> <{o}> .
  OPTIONAL {{ ?node rdfs:label ?name . FILTER(LANG(?name) = "{lang}") }}
}}
ORDER BY ?name ?node"""

CITATIONS_QUERY = """PREFIX hkg: <https://w3id.org/heritage-kg/ontology#>
SELECT ?node ?line ?phrase WHERE {{
  ?node hkg:evidence ?evidence .
  ?evidence hkg:source <{o}> .
  OPTIONAL {{ ?evidence hkg:line ?line }}
  OPTIONAL {{ ?evidence hkg:keyPhrase ?phrase }}
}}
ORDER BY ?node ?line"""


def query_link(text: str) -> str:
    """The query page, holding ``text``, ready to run."""
    return "/query?" + urlencode({"query": text})


def _number(text: str | None) -> int:
    """A line number for sorting; anything that is not one sorts first."""
    return int(text) if text and text.isdigit() else 0
