"""The page of a node: what it says (its statements, its ties, its evidence, what points at it),
as `View` reads it from the authored graph, gathered in `EntityPage` for entity.html."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox

from ..periods import Period
from ..evidence import evidence_of
from ..names import AGENT_CLASSES, DATA_LANGS, STATEMENT_CLASSES, Names, fold, local_name
from ..project import ONTOLOGY_NS
from ..sentences import Part, Sentence, Sentences
from ..terms import PREFIXES, short
from ..words import DEFAULT, GROUPS, TEXT
from . import paging
from .diagram import diagram
from .negotiation import DATA_FORMATS
from .render import safe_href
from .site import number, page_url, with_lang

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
EVIDENCE, LINE, KEY_PHRASE = (HKG + p for p in ("evidence", "line", "keyPhrase"))



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
    #: Its statements, one row per property (`View.statements`): the modelling detail, shown
    #: folded under the data section where the page says the same as sentences.
    statements: list[dict]
    #: For a tie: the tie said as a sentence, and its signatures (`View.sentence` dicts).
    summary: list[dict]
    #: The infobox's rows beside the names: founded, seat, website, Wikidata, figures, ties by
    #: group; each ``{"label", "vals", "refs"}``.
    infobox: list[dict]
    #: The ties it takes part in, on the page shown, as sentences in their groups
    #: (``{"key", "heading", "sentences"}``); how many in all; the pager, if several pages.
    groups: list[dict]
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
    #: The date the ties are shown as of (``?asOf=``): as asked, and as the language writes it.
    as_of: dict | None = None


class View:
    """Builds what the entity template shows, from the graph as written (not materialised)."""

    def __init__(self, known: Names, store: ox.Store, iri: str, lang: str, said: Sentences):
        self.names, self.store, self.said = known, store, said
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
        return self.said.write.duration(text, self.lang)

    def prop(self, p: str) -> dict:
        label = self.names.label(p, self.lang)
        if label.lang is None:  # a term of another vocabulary, which the graph does not name
            label = TEXT[self.lang].get("property_" + local_name(p), label)
        return {"text": label, "href": page_url(p, self.lang) or safe_href(p), "title": short(ox.NamedNode(p))}

    def texts(self, pairs, predicate: str) -> list[dict]:
        """Literals of ``predicate`` in the page's language, else in any language."""
        found = [o for p, o in pairs if p == predicate and isinstance(o, ox.Literal)]
        mine = [o for o in found if (o.language or "") in (self.lang, "")] or found
        return [{"text": o.value, "lang": o.language or None} for o in sorted(mine, key=lambda o: o.value)]

    def evidence(self, node) -> list[dict]:
        items = []
        for ev in evidence_of(self.store, node):
            reason = ev.reason(self.lang)
            items.append({
                "inferred": ev.inferred,
                "reason": reason[0] if reason else None,
                "reason_lang": reason[1] if reason else None,
                "source": self.value(ox.NamedNode(ev.source)) if ev.source else None,
                "line": ev.line, "section": ev.section,
                "phrase": ev.phrase.value if ev.phrase is not None else None,
                "phrase_lang": ev.phrase.language if ev.phrase is not None else None,
                "supports": list(ev.supports),
                "supported": [self.prop(p) for p in ev.supports],
            })
        items.sort(key=lambda e: (fold(e["source"]["text"]) if e["source"] else "", _number(e["line"]), e["phrase"] or ""))
        return items

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
        # when it happened or began, for the order of the page: its first date, else its first start
        key = next((o.value for p in (HKG + "date", HKG + "startDate") for o in sorted((o for q, o in pairs if q == p), key=str)),
                   "9999")
        kind = self.names.ties.of(self.names.types.get(tie, ()))
        variety = next((o.value for p, o in pairs if p in self.names.ties.kind_properties and isinstance(o, ox.NamedNode)), None)
        return {"iri": tie, "roles": roles, "label": self.names.label(tie, self.lang),
                "group": self.said.group(kind, variety) if kind is not None else "other",
                "kind": " · ".join(k for k in kinds if k), "key": key, "cls": self.names.tie_key(tie),
                "sides": self.across(kind, roles, pairs)}

    def across(self, kind, roles: list[str], pairs) -> list[str]:
        """The sides of a tie facing this node: for a tie with two sides, those on the side it is
        not on (a founding's founded, not the other founders); else every other side."""
        facing = [p for p in (kind.sides if kind is not None else ()) if p not in roles]
        if kind is None or len(set(kind.sides)) < 2 or len(facing) != 1:
            facing = None
        return [o.value for p, o in pairs if self.names.is_side(p) and (facing is None or p in facing)
                and isinstance(o, ox.NamedNode) and o != self.node]

    def tie(self, head: dict) -> dict:
        """An item of the list of ties: the tie as a sentence, with its sources; only for the
        ties of the page shown."""
        if head.get("direct"):
            said = self.said.direct(head["direct"], head["iri"], head["object"], self.lang) or \
                Sentence(head["iri"], head["cls"], head["group"], (Part(head["label"], head["sides"][0], head["label"].lang),),
                         tie_property=self.names.ties.by_key[head["direct"]].iri)
            evidence = [e for e in self.evidence(ox.NamedNode(head["iri"])) if said.tie_property in e["supports"]]
            return {**self.sentence(said, evidence), "href": page_url(head["sides"][0], self.lang)}
        said = self.said.tie(head["iri"], self.lang, first=self.iri)
        if said is None:  # no template can say it: its name, which is never lost
            said = Sentence(head["iri"], head["cls"], head["group"], (Part(head["label"], head["iri"], head["label"].lang),))
        return self.sentence(said, self.evidence(ox.NamedNode(head["iri"])))

    def sentence(self, said: Sentence, evidence: list[dict]) -> dict:
        """A sentence as the template shows it: its parts, each name linked to its page."""
        parts = [{"text": part.text, "href": page_url(part.iri, self.lang) if part.iri and part.iri != self.iri else None,
                  "lang": part.lang if part.lang and part.lang != self.lang else None} for part in said.parts]
        return {"parts": parts, "text": said.text, "href": page_url(said.tie, self.lang), "iri": said.tie,
                "lang": said.lang if said.lang != self.lang else None,
                "group": said.group, "cls": said.kind, "evidence": evidence, "inferred": any(e["inferred"] for e in evidence)}

    def direct_heads(self) -> list[dict]:
        """The ties written as one property (units) that the node is either side of, as heads
        like `tie_head`'s, so that they are listed and paged with the others."""
        heads = []
        for kind, subject, obj in self.names.ties.direct_ties(self.store, self.iri):
            other = obj if subject == self.iri else subject
            heads.append({"iri": subject, "object": obj, "direct": kind.key, "roles": [], "cls": kind.key,
                          "label": self.names.label(other, self.lang), "group": self.said.group(kind, None),
                          "kind": kind.word(self.lang), "key": "9999", "sides": [other]})
        return heads

    def summary(self) -> list[dict]:
        """For a tie, the tie said as a sentence (its sources are the page's own, listed below),
        then who signed it, with the sources that name the signatories."""
        if self.names.ties.of(self.names.types.get(self.iri, ())) is None:
            return []
        out = []
        own = self.said.tie(self.iri, self.lang)
        if own is not None:
            out.append({**self.sentence(own, []), "href": None})
        signed = self.said.signatures(self.iri, self.lang)
        if signed is not None:
            signatures = [o for p, o in self.out(self.node) if p == HKG + "signature" and isinstance(o, ox.NamedNode)]
            evidence = [e for sig in signatures for e in self.evidence(sig)]
            out.append({**self.sentence(signed, evidence), "href": None})
        return out

    def infobox(self, statements: list[dict], heads: list[dict], same_as: list[dict], same_as_refs: list[int],
                anchors: dict[str, dict]) -> list[dict]:
        """The infobox's rows: founded, seat, website, Wikidata, the latest figures, and how
        many ties of each group. A founding or a figure whose sentence is on the page links to
        it, where its sources fold out."""
        t, rows = self.t, []

        def sourced(value: dict, tie: str) -> dict:
            shown = anchors.get(tie)
            if shown is None or not shown["evidence"]:
                return value
            return {**value, "anchor": shown["anchor"], "sources": len(shown["evidence"])}

        by_property = {row["iri"]: row for row in statements}
        for head in heads:
            if head["cls"] == "founding" and HKG + "founded" in head["roles"]:
                place = next((o for p, o in self.out(ox.NamedNode(head["iri"])) if p == HKG + "place"), None)
                vals = [sourced({"text": self.said.date_of(head["iri"], self.lang) or head["label"],
                                 "href": page_url(head["iri"], self.lang)}, head["iri"])]
                if place is not None:
                    vals.append(self.value(place))
                rows.append({"label": t["founded"], "vals": vals, "refs": []})
        for p, word in ((HKG + "seat", "seat"), (HKG + "website", "website")):
            if p in by_property:
                rows.append({"label": t[word], "vals": by_property[p]["vals"], "refs": by_property[p]["refs"]})
        if same_as:
            shown = [{**v, "text": v["text"].rsplit("/", 1)[-1]} if "wikidata.org/entity/" in v["text"] else v for v in same_as]
            rows.append({"label": "Wikidata", "vals": shown, "refs": same_as_refs})
        figures = [h for h in heads if h["cls"] == "observation" and HKG + "observedEntity" in h["roles"]]
        # the latest dated figures first, then the undated ones
        figures = sorted((h for h in figures if h["key"] != "9999"), key=lambda h: h["key"], reverse=True) + \
            [h for h in figures if h["key"] == "9999"]
        if figures:
            rows.append({"label": t["figures"], "refs": [],
                         "vals": [sourced({"text": self.said.figure_of(h["iri"], self.lang),
                                           "href": page_url(h["iri"], self.lang)}, h["iri"])
                                  for h in figures[:paging.PER_PAGE]]})
        if self.names.is_a(self.iri, AGENT_CLASSES) and any(h["key"] != "9999" for h in heads):
            rows.append({"label": t["timeline"], "refs": [],
                         "vals": [{"text": t["timeline_of"], "href": with_lang("/timeline?organisation=" + local_name(self.iri), self.lang)}]})
        if self.names.is_a(self.iri, AGENT_CLASSES[:2]):
            rows.append({"label": t["network"], "refs": [],
                         "vals": [{"text": t["network_of"],
                                   "href": with_lang(f"/network?around={local_name(self.iri)}&focus={local_name(self.iri)}", self.lang)}]})
        counts: dict[str, int] = {}
        for group in (h["group"] for h in heads):
            counts[group] = counts.get(group, 0) + 1
        if counts:
            headings = GROUPS.get(self.lang, GROUPS[DEFAULT])
            rows.append({"label": t["ties"], "refs": [],
                         "vals": [{"text": f"{headings.get(g, g)}{t['colon']} {number(counts[g], self.lang)}", "href": "#group-" + g}
                                  for g in _group_order(counts)]})
        return rows

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
        rank = {g: n for n, g in enumerate(GROUPS[DEFAULT])}
        heads = [self.tie_head(t, roles) for t, roles in ties.items()] + self.direct_heads()
        heads.sort(key=lambda r: (rank.get(r["group"], len(rank)), r["key"], fold(r["label"])))
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
                    key = next((v.value for q, v in fields if q in (HKG + "date", HKG + "startDate", HKG + "endDate")), "9999")
                    out.append({"text": form.value, "lang": form.language, "dates": self.said.held(o, self.lang), "key": key})
        return sorted(out, key=lambda n: (n["key"], n["text"]))

    def build(self, key: str, jsonld: dict, incoming: tuple, shown: list[dict], pager: paging.Pager | None,
              when: Period | None = None) -> EntityPage:
        """What the template shows, from what `incoming` found and the ties of the page shown
        (as of ``when``, if given: `entity.as_of` has kept only those)."""
        pairs = self.out(self.node)
        evidence = self.evidence(self.node)
        for n, item in enumerate(evidence, 1):
            item["n"] = n
        heads, pointing, citations = incoming
        ties = [{**self.tie(head), "group": "undated"} if head.get("undated") else self.tie(head) for head in shown]
        # the other long lists show their first page, and a query for the whole of them
        cut_rows = [{**row, "vals": row["vals"][:paging.PER_PAGE], "more": len(row["vals"]) - paging.PER_PAGE,
                     "all": query_link(POINTING_QUERY.format(p=row["iri"], o=self.iri, lang=self.lang))}
                    for row in pointing]
        statements = self.statements(pairs, evidence)
        same_as = sorted((self.value(o) for p, o in pairs if p == SAME_AS), key=lambda v: v["text"])
        same_as_refs = [e["n"] for e in evidence if SAME_AS in e["supports"]]
        headings = GROUPS.get(self.lang, GROUPS[DEFAULT])
        groups: list[dict] = []
        anchors: dict[str, dict] = {}  # each tie shown: the sentence that says it, with its sources
        for item in ties:
            if not groups or groups[-1]["key"] != item["group"]:
                groups.append({"key": item["group"], "heading": headings.get(item["group"], item["group"]), "sentences": []})
            said = groups[-1]["sentences"]
            same = next((s for s in said if s["text"] == item["text"]), None)
            if same is None:
                said.append({**item, "also": [], "anchor": "tie-" + item["iri"].rsplit("/", 1)[-1]})
                anchors[item["iri"]] = said[-1]
            else:  # two ties that read alike (two sources' words for one partnership): one sentence
                anchors[item["iri"]] = same
                same["also"].append(item["href"])
                same["evidence"] += [e for e in item["evidence"] if e not in same["evidence"]]
                same["inferred"] = same["inferred"] or item["inferred"]
        for group in groups:
            for item in group["sentences"]:
                item["cited"] = cited(item["evidence"])
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
            statements=statements, summary=self.summary(),
            infobox=self.infobox(statements, heads, same_as, same_as_refs, anchors),
            groups=groups, ties_total=len(heads), pager=pager,
            pointing=cut_rows, citations=citations[:paging.PER_PAGE], citations_total=len(citations),
            citations_all=query_link(CITATIONS_QUERY.format(o=self.iri)),
            same_as=same_as, same_as_refs=same_as_refs,
            evidence=evidence,
            inferred={e["n"] for e in evidence if e["inferred"]},
            diagram=diagram(self, statements, heads, pointing),
            formats=[{"name": f.name, "suffix": f.suffix, "media_type": f.media_type, "href": f"/data/{key}{f.suffix}"}
                     for f in DATA_FORMATS.values()],
            jsonld=jsonld,
            as_of={"text": when.text, "written": self.said.write.date(when.text, self.lang)[0],
                   "all": with_lang("/page/" + key, self.lang)} if when is not None else None,
        )


def cited(evidence: list[dict]) -> list[dict]:
    """A tie's evidence as its fold-out lists it: the key phrases of one place (a source, its
    line and section, stated or inferred for one reason) under one citation, in the order the
    places first come."""
    places: dict[tuple, dict] = {}
    for ev in evidence:
        key = (ev["source"]["text"] if ev["source"] else None, ev["line"], ev["section"], ev["inferred"], ev["reason"])
        place = places.setdefault(key, {**ev, "phrases": []})
        if ev["phrase"]:
            place["phrases"].append({"text": ev["phrase"], "lang": ev["phrase_lang"]})
    return list(places.values())


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


def _group_order(groups) -> list[str]:
    """Group keys in the order the pages list them (English's catalogue), unknown ones last."""
    rank = {g: n for n, g in enumerate(GROUPS[DEFAULT])}
    return sorted(groups, key=lambda g: (rank.get(g, len(rank)), g))

