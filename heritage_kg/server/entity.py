"""Entity and concept IRIs: 303 redirects to their documents, and what those documents hold.

Entity IRIs (``https://w3id.org/heritage-kg/id/{slug}``; w3id sends them to ``/id/{slug}``)
and concept IRIs (``https://w3id.org/heritage-kg/vocab/{scheme}/{concept}``, served at
``/vocab/...``) are slash IRIs that name organisations, ties and ideas, not documents. Following
the W3C note "Cool URIs for the Semantic Web" (section 4.3, 303 URIs forwarding to one generic
document per format), they never answer 200: they answer ``303 See Other`` with ``Vary:
Accept``, to ``/page/{key}`` for HTML clients or to ``/data/{key}.{ttl,jsonld,nt,rdf}`` for RDF
clients. Hash IRIs would save that round trip, but they would put every entity in one document;
a slug per entity keeps each description small and each IRI readable. Concepts take the same
road (``/page/vocab/{scheme}/{concept}``, ``/data/vocab/{scheme}/{concept}.ttl``) so that one
rule covers every slash IRI the graph mints. The ontology's hash IRIs are ``ontologydoc``'s.

``/data/...`` holds the concise bounded description: every triple with the resource as subject,
the triples of its blank nodes (the evidence), and the triples of named nodes pointing at it.
``/page/...`` shows the graph as written in ``data/`` (not the materialised standard-vocabulary
triples, which would repeat each fact under several names), in both directions.
"""

from __future__ import annotations

import functools
import json
import math
import re
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..formats import RDF_FORMATS
from ..project import ENTITY_NS, ONTOLOGY_NS, VOCAB_NS
from ..serialise import serialise_triples
from ..terms import PREFIXES, short
from . import paging
from .negotiation import choose
from .pages import (CACHE_CONTROL, DATA_LANGS, AGENT_CLASSES, STATEMENT_CLASSES, TEXT, Names, cacheable, made, fold,
                    authored, lang_of, local_name, names, page_url, problem, render, switch_url, with_lang)
from .render import safe_href
from .state import State

H = ONTOLOGY_NS
#: Data documents: the RDF formats that hold a plain graph, by suffix.
DATA_FORMATS = {f.suffix: f for f in RDF_FORMATS.values() if not f.dataset}
#: What an entity IRI can be negotiated to; on a tie, the first listed wins (so */* gets HTML).
OFFERS = {"text/html": "html", "application/xhtml+xml": "html",
          **{f.media_type: f.suffix for f in DATA_FORMATS.values()}, "application/json": ".jsonld"}

#: The dates of a tie, shown after its kind and its sides.
DATES = tuple(H + p for p in ("date", "startDate", "temporalQualifier", "minimumDuration", "startEvent", "endDate"))
#: Shown in the page's head rather than in the table of statements.
XL_ALT_LABEL, XL_FORM = ("http://www.w3.org/2008/05/skos-xl#" + p for p in ("altLabel", "literalForm"))
HEAD = (PREFIXES["rdf"] + "type", PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel", H + "acronym", XL_ALT_LABEL,
        H + "description", H + "evidence", PREFIXES["owl"] + "sameAs", PREFIXES["rdfs"] + "comment",
        PREFIXES["skos"] + "definition")
SAME_AS = PREFIXES["owl"] + "sameAs"
EVIDENCE, SOURCE, LINE, SECTION, KEY_PHRASE, SUPPORTS = (H + p for p in ("evidence", "source", "line", "section",
                                                                          "keyPhrase", "supports"))
INFERRED = VOCAB_NS + "bases/inferred"
DIAGRAM_LIMIT = 18
#: The colour of a line in the diagram that is no tie of a kind in the table.
OTHER_COLOUR = "#7f8c9d"
#: Longest neighbour name drawn in full; beside a radius of 170 px, 26 characters fit in 760 px.
LABEL_LIMIT = 26


def resource_iri(key: str) -> str | None:
    """The IRI a path key stands for: ``icom`` or ``vocab/topics/conservation``."""
    if key.startswith("vocab/") and len(key) > 6:
        return VOCAB_NS + key[6:]
    if key and "/" not in key:
        return ENTITY_NS + key
    return None


def description(store: ox.Store, iri: str, incoming: bool = True) -> list[ox.Triple]:
    """The concise bounded description of ``iri``, plus (``incoming``) the triples of named nodes
    pointing at it. Blank nodes pointing at it (evidence citing a source) are left out: without
    their owner they would say nothing."""
    node = ox.NamedNode(iri)
    out: list[ox.Triple] = []
    todo, seen = [node], {node}
    while todo:
        for quad in store.quads_for_pattern(todo.pop(), None, None):
            out.append(quad.triple)
            if isinstance(quad.object, ox.BlankNode) and quad.object not in seen:
                seen.add(quad.object)
                todo.append(quad.object)
    if incoming:
        out.extend(q.triple for q in store.quads_for_pattern(None, None, node)
                   if isinstance(q.subject, ox.NamedNode) and q.subject != node)
    return out


# -- the page ---------------------------------------------------------------------------------

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
            basis = first(H + "basis")
            reasons = [o for q, o in fields if q == H + "inferenceReason" and isinstance(o, ox.Literal)]
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
        get = lambda p: sorted(found.get(H + p, ()), key=str)
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
        rank = {p: i for i, p in enumerate(ties.kind_properties + ties.sides + DATES)}
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
        only, since a hub's heads are kept (ICOM has 9,672 ties at 1M triples)."""
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
        figure = " ".join(self.value(o)["text"] for p in (H + "valueQualifier", H + "value") for q, o in pairs if q == p)
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

    def build(self, key: str, jsonld: dict, incoming: tuple, shown: list[dict], pager: paging.Pager | None) -> dict:
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
        return {
            "iri": self.iri, "key": key,
            "label": self.names.label(self.iri, self.lang),
            "labels": {l: self.names.labels.get(self.iri, {}).get(l, []) for l in DATA_LANGS},
            "acronyms": sorted({a for l in DATA_LANGS for a in self.names.acronyms.get(self.iri, {}).get(l, [])}),
            "dated_names": self.dated_names(pairs),
            "kinds": [{"text": self.names.label(k, self.lang), "href": with_lang("/kinds/" + local_name(k), self.lang)}
                      for k in self.names.kinds(self.iri)],
            "descriptions": self.texts(pairs, H + "description") + self.texts(pairs, PREFIXES["skos"] + "definition"),
            "comments": self.texts(pairs, PREFIXES["rdfs"] + "comment"),
            "own_refs": [e["n"] for e in evidence if not e["supports"]],
            "statements": statements, "ties": ties, "ties_total": len(heads), "pager": pager,
            "pointing": cut_rows, "citations": citations[:paging.PER_PAGE], "citations_total": len(citations),
            "citations_all": query_link(CITATIONS_QUERY.format(o=self.iri)),
            "same_as": sorted((self.value(o) for p, o in pairs if p == SAME_AS), key=lambda v: v["text"]),
            "same_as_refs": [e["n"] for e in evidence if SAME_AS in e["supports"]],
            "evidence": evidence,
            "inferred": {e["n"] for e in evidence if e["inferred"]},
            "diagram": diagram(self, statements, heads, pointing),
            "formats": [{"name": f.name, "suffix": f.suffix, "media_type": f.media_type, "href": f"/data/{key}{f.suffix}"}
                        for f in DATA_FORMATS.values()],
            "jsonld": jsonld,
        }


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


def node_class(known: Names, iri: str) -> str:
    if known.is_a(iri, AGENT_CLASSES):
        return "agent"
    if known.is_a(iri, (H + "Place",)):
        return "place"
    if known.is_a(iri, STATEMENT_CLASSES):
        return "tie"
    return "thing"


def diagram(view: View, statements: list[dict], ties: list[dict], pointing: list[dict]) -> dict:
    """A radial drawing of the node and its direct neighbours, for the SVG in the page (from all
    its ties, as `View.tie_head` gives them, whichever page of them is shown)."""
    known, lang = view.names, view.lang
    picked: dict[str, dict] = {}

    def add(iri: str, edge: str, title: str) -> None:
        if iri.startswith(ENTITY_NS) and iri != view.iri and iri not in picked and iri in known.subjects:
            picked[iri] = {"iri": iri, "edge": edge, "title": title}

    for tie in ties:
        sides = tie["sides"]
        if sides:
            for side in sides:
                add(side, tie["cls"], f"{tie['kind']}: {tie['label']}")
        elif tie["cls"] != "observation":
            add(tie["iri"], tie["cls"], tie["kind"])
    own = known.tie_key(view.iri) if known.is_a(view.iri, STATEMENT_CLASSES) else "link"
    for row in statements:
        edge = own if known.is_side(row["iri"]) else "link"
        for v in row["vals"]:
            add(v.get("iri", ""), edge, row["prop"]["text"])
    for row in pointing:
        for v in row["vals"]:
            add(v.get("iri", ""), "link", row["prop"]["text"])
    chosen = list(picked.values())
    chosen.sort(key=lambda n: (n["edge"] == "link", node_class(known, n["iri"]) != "agent",
                               fold(known.short_label(n["iri"], lang))))
    more = max(0, len(chosen) - DIAGRAM_LIMIT)
    chosen = chosen[:DIAGRAM_LIMIT]
    width, height, cx, cy = 760, 440, 380, 220
    rx, ry = 170, 165
    nodes = []
    for i, n in enumerate(chosen):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(chosen))
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        c = math.cos(angle)
        anchor = "start" if c > 0.25 else "end" if c < -0.25 else "middle"
        lx = x + (10 if anchor == "start" else -10 if anchor == "end" else 0)
        ly = y + (4 if anchor != "middle" else (-12 if math.sin(angle) < 0 else 20))
        full = known.label(n["iri"], lang)
        text = known.short_label(n["iri"], lang)
        nodes.append({"x": round(x, 1), "y": round(y, 1), "lx": round(lx, 1), "ly": round(ly, 1), "anchor": anchor,
                      "text": text if len(text) <= LABEL_LIMIT else text[:LABEL_LIMIT - 1] + "…", "full": full, "title": n["title"],
                      "href": page_url(n["iri"], lang), "edge": n["edge"], "cls": node_class(known, n["iri"])})
    centre = known.short_label(view.iri, lang)
    styles = {key: edge_style(known, key, lang) for key in sorted({n["edge"] for n in nodes})}
    for n in nodes:
        n["style"] = styles[n["edge"]]
    return {"width": width, "height": height, "cx": cx, "cy": cy, "nodes": nodes, "more": more,
            "centre": centre if len(centre) <= 32 else centre[:31] + "…", "full": known.label(view.iri, lang),
            "edges": list(styles.values())}


def edge_style(known: Names, key: str, lang: str) -> dict:
    """How the diagram draws a line of the kind of tie ``key`` (from the ontology's table of tie
    kinds), or a link that is no tie ("link", "other"): its colour, dashes, width and legend word."""
    kind = known.ties.by_key.get(key)
    if kind is None:
        return {"key": key, "colour": OTHER_COLOUR, "dash": "4 3", "width": 2, "word": TEXT[lang]["edge_" + key]}
    return {"key": key, "colour": kind.colour, "dash": kind.dasharray, "width": kind.width, "word": kind.word(lang)}


# -- routes -------------------------------------------------------------------------------------

def routes(state: State) -> list[Route]:
    def existing(key: str) -> str | None:
        iri = resource_iri(key)
        return iri if iri is not None and iri in names(state).subjects else None

    def redirect(request: Request, key: str) -> Response:
        if existing(key) is None:
            return problem(request, 404, f"nothing in the graph is called {key!r}")
        chosen = choose(request.headers.get("accept"), list(OFFERS))
        if chosen is None:
            listed = ", ".join(dict.fromkeys(OFFERS))
            return problem(request, 406, f"cannot answer in any type you accept; available: {listed}", {"Vary": "Accept"})
        target = OFFERS[chosen]
        location = with_lang(f"/page/{key}", lang_of(request)) if target == "html" else f"/data/{key}{target}"
        return Response(status_code=303, headers={"Location": location, "Vary": "Accept", "Cache-Control": CACHE_CONTROL})

    async def entity_iri(request: Request) -> Response:
        return redirect(request, request.path_params["slug"])

    async def concept_iri(request: Request) -> Response:
        return redirect(request, "vocab/" + request.path_params["rest"])

    def data(request: Request) -> Response:
        name = request.path_params["name"]
        suffix = next((s for s in DATA_FORMATS if name.endswith(s)), None)
        key = name[: -len(suffix)] if suffix else name
        iri = existing(key) if suffix else None
        if iri is None:
            return problem(request, 404, f"no data document at /data/{name} (suffixes: {', '.join(DATA_FORMATS)})")
        spec = DATA_FORMATS[suffix]

        def make() -> bytes:
            return serialise_triples(description(state.store, iri), spec.name).encode("utf-8")

        return cacheable(request, state, ("data", iri, spec.name), make, f"{spec.media_type}; charset=utf-8",
                         {"Access-Control-Allow-Origin": "*"})

    def page(request: Request) -> Response:
        key = request.path_params["key"]
        iri = existing(key)
        if iri is None:
            return problem(request, 404, f"nothing in the graph is called {key!r}")
        lang = lang_of(request)
        view = View(names(state), authored(state), iri, lang)
        try:
            number = paging.requested(request)
            if made(state, ("page", iri, lang, number)):
                # made before, when its number was checked: the list is not needed again
                found = shown = pager = None
            else:
                # checked before anything is kept under the page's number
                found = incoming(state, view)
                shown, pager = paging.cut(found[0], number, request)
        except paging.BadPage as bad:
            return problem(request, bad.status, bad.message)

        def make() -> str:
            built = view.build(key, embedded_jsonld(state.store, iri), found, shown, pager)
            return render("entity.html", lang, e=built, switch=switch_url(request, lang, keep=("p",)))

        return cacheable(request, state, ("page", iri, lang, number), make, "text/html; charset=utf-8")

    return [
        Route("/id/{slug}", entity_iri, name="entity-iri"),
        Route("/vocab/{rest:path}", concept_iri, name="concept-iri"),
        Route("/data/{name:path}", data, name="entity-data"),
        Route("/page/{key:path}", page, name="entity-page"),
    ]


def incoming(state: State, view: View) -> tuple[list[dict], list[dict], list[dict]]:
    """What points at the view's node (`View.incoming`), kept per node and language when its ties
    fill more than one page, so that each page of a hub's ties is cut from the same list. A
    smaller list is made with its only page: kept for every node, these lists held most of the
    objects the collector walks (700,000 after 2,000 pages at 1M triples), and its pauses grew
    to 300 ms."""
    return state.cached(("incoming", view.iri, view.lang), view.incoming,
                        keep=lambda found: len(found[0]) > paging.PER_PAGE)


#: Entities and concepts that more than a page of named subjects point at: the candidates for
#: hubs (the evidence citing a source is left out, as blank nodes).
_CROWDED = f"""
SELECT ?node WHERE {{
  ?subject ?p ?node .
  FILTER(isIRI(?subject) && isIRI(?node) && (STRSTARTS(STR(?node), "{ENTITY_NS}") || STRSTARTS(STR(?node), "{VOCAB_NS}")))
}}
GROUP BY ?node HAVING (COUNT(DISTINCT ?subject) > {paging.PER_PAGE})
"""


def warm_hubs(state: State) -> None:
    """Work out, at start-up, the English ties of the nodes with more than a page of them. At 1M
    triples a hub's first view took up to a second, and every request that came meanwhile
    waited for the interpreter. (The French ones are worked out on their first view.)"""
    known, store = names(state), authored(state)
    for row in store.query(_CROWDED):
        incoming(state, View(known, store, row[0].value, "en"))


_RANKED = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_LOCAL = re.compile(r"[A-Za-z0-9_][\w.-]*")


@functools.lru_cache(maxsize=1 << 16)
def compact(value: str) -> str:
    """``value`` as a compact IRI under the project's prefixes, when one fits. Kept for the most
    recent IRIs, since the same properties and classes come back on every page."""
    for prefix, ns in _RANKED:
        local = value[len(ns):]
        if value.startswith(ns) and local and _LOCAL.fullmatch(local) and not local.startswith("//"):
            return f"{prefix}:{local}"
    return value


_SORT_KEY = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode


def _in_order(values: list) -> list:
    if len(values) == 1:  # most are; the key is the costly part
        return values
    return sorted(values, key=_SORT_KEY)


def embedded_jsonld(store: ox.Store, iri: str) -> dict:
    """The node's own description (with its evidence nested) as JSON-LD, for the page's
    <script type="application/ld+json">. Written directly, with compact IRIs under the
    project's prefixes: rdflib's serialiser would cost more than the rest of the page.

    A blank node is written where it is first met. One met again (evidence that backs two
    statements) needs an identifier to be the same node: ``_:b1``, ``_:b2``... in the order of
    the finished document, so that the page is the same whatever the store calls its blank
    nodes (they differ from one parse of the files to the next)."""
    nested: dict = {}  # blank node -> its description
    again: dict = {}  # blank node -> the references to it after the first

    def term(o):
        if isinstance(o, ox.NamedNode):
            return {"@id": compact(o.value)}
        if isinstance(o, ox.BlankNode):
            if o not in nested:
                return node(o)
            reference: dict = {"@id": None}
            again.setdefault(o, []).append(reference)
            return reference
        if o.language:
            return {"@value": o.value, "@language": o.language}
        if o.datatype.value == PREFIXES["xsd"] + "string":
            return {"@value": o.value}
        return {"@value": o.value, "@type": compact(o.datatype.value)}

    def node(subject) -> dict:
        out: dict = {}
        if isinstance(subject, ox.BlankNode):
            nested[subject] = out
        else:
            out["@id"] = compact(subject.value)
        for quad in store.quads_for_pattern(subject, None, None):
            if quad.predicate.value == PREFIXES["rdf"] + "type" and isinstance(quad.object, ox.NamedNode):
                out.setdefault("@type", []).append(compact(quad.object.value))
            else:
                out.setdefault(compact(quad.predicate.value), []).append(term(quad.object))
        ordered = {k: _in_order(v) if isinstance(v, list) else v for k, v in sorted(out.items())}
        out.clear()
        out.update(ordered)  # in place: `nested` holds this very dict, and labels are found by identity
        return out

    document = {"@context": dict(sorted(PREFIXES.items())), **node(ox.NamedNode(iri))}
    if again:
        _label_shared(document, {id(nested[b]): b for b in again}, again)
    return document


def _label_shared(document: dict, shared: dict, again: dict) -> None:
    """Give each blank node met more than once its ``_:bN``, numbered in document order."""
    labels: dict = {}

    def visit(value) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            blank = shared.get(id(value))
            if blank is not None and blank not in labels:
                labels[blank] = f"_:b{len(labels) + 1}"
                fields = list(value.items())
                value.clear()
                value.update([("@id", labels[blank]), *fields])
                for reference in again[blank]:
                    reference["@id"] = labels[blank]
            for item in value.values():
                visit(item)

    visit(document)
