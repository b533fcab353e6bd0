"""The ontology's documentation: every term with its labels, definitions and super-terms, the
SHACL shapes that use it and the named queries that use it, and the concept schemes.

Ontology terms are hash IRIs (``https://w3id.org/heritage-kg/ontology#Agreement``): a client
strips the fragment and asks for ``/ontology``, which answers 200 directly (no redirect), by
``Accept``, with the HTML documentation or with the Turtle, JSON-LD, N-Triples or RDF/XML of
``ontology/*.ttl``, and ``Vary: Accept``; each term's block carries its local name as ``id``, so
the fragment lands on it. ``/ontology.ttl``, ``.jsonld``, ``.nt``, ``.rdf`` and ``.html`` name
each form for clients that cannot set headers.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from ..loading import load
from ..names import DATA_LANGS, fold, local_name
from ..project import ONTOLOGY_NS, VOCAB_NS
from ..queries import catalogue
from ..serialise import serialise_triples
from ..terms import PREFIXES, short
from ..words import TEXT, said
from .negotiation import DATA_FORMATS, OFFERS, choose
from .render import safe_href
from .site import ONTOLOGY_IRI, cacheable, lang_of, page_url, problem, render, switch_url, with_lang
from .state import State, names

RDF, RDFS, OWL, SKOS, SH, DCT = (PREFIXES[p] for p in ("rdf", "rdfs", "owl", "skos", "sh", "dcterms"))
SUBCLASS, SUBPROPERTY = RDFS + "subClassOf", RDFS + "subPropertyOf"
#: The sections of the page: which terms (their headings are the words section_ID).
SECTIONS = (
    ("classes", OWL + "Class"),
    ("object-properties", OWL + "ObjectProperty"),
    ("datatype-properties", OWL + "DatatypeProperty"),
    ("annotation-properties", OWL + "AnnotationProperty"),
)
#: The shape predicates whose values say which terms a shape is about.
MENTIONS = {SH + "path": "sh:path", SH + "targetClass": "sh:targetClass", SH + "class": "sh:class",
            SH + "targetSubjectsOf": "sh:targetSubjectsOf", SH + "targetObjectsOf": "sh:targetObjectsOf",
            SH + "targetNode": "sh:targetNode", SH + "hasValue": "sh:hasValue", SH + "in": "sh:in"}
SPARQL_TEXT = (SH + "select", SH + "ask")


def _store(triples) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def ontology_triples(state: State) -> list[ox.Triple]:
    def make():
        loaded = load(state.project.turtle_files("ontology"))
        loaded.raise_for_issues()
        return list(loaded.all_triples())
    return state.cached("pages:ontology-triples", make)


def _objects(store: ox.Store, s, p: str) -> list:
    return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)]


def _texts(store: ox.Store, s, p: str, lang: str | None = None) -> list[dict]:
    found = [o for o in _objects(store, s, p) if isinstance(o, ox.Literal)]
    if lang is not None:
        found = ([o for o in found if (o.language or "") in (lang, "")]
                 or [o for o in found if o.language == "en"] or found)
    return [{"text": o.value, "lang": o.language or None} for o in sorted(found, key=lambda o: (o.language or "", o.value))]


def _members(store: ox.Store, node, seen: set | None = None) -> list[str]:
    """The IRIs inside a blank-node structure: an RDF list, a union, a SHACL path."""
    if isinstance(node, ox.NamedNode):
        return [node.value] if node.value != RDF + "nil" else []
    seen = set() if seen is None else seen
    if not isinstance(node, ox.BlankNode) or node in seen:
        return []
    seen.add(node)
    return [iri for q in store.quads_for_pattern(node, None, None) for iri in _members(store, q.object, seen)]


# -- who uses each term ---------------------------------------------------------------------------

def shape_uses(state: State, lang: str) -> dict[str, list[dict]]:
    """For each term IRI, the named shapes that mention it, by path, target, class or SPARQL text."""
    loaded = load(state.project.shape_files())
    store = _store(loaded.all_triples())
    file_of = {t.subject: path.name for path, triples in loaded.triples.items() for t in triples}
    uses: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def owner(node):
        for _ in range(20):
            if isinstance(node, ox.NamedNode):
                return node
            parent = next(iter(store.quads_for_pattern(None, None, node)), None)
            if parent is None:
                return None
            node = parent.subject
        return None

    for quad in store:
        p = quad.predicate.value
        if p in MENTIONS:
            found = [(iri, MENTIONS[p]) for iri in _members(store, quad.object)]
        elif p in SPARQL_TEXT and isinstance(quad.object, ox.Literal):
            found = [(iri, "SPARQL") for iri in terms_in_text(quad.object.value)]
        else:
            continue
        shape = owner(quad.subject)
        if shape is not None:
            for iri, via in found:
                uses[iri][shape.value].add(via)
    out: dict[str, list[dict]] = {}
    for iri, shapes in uses.items():
        rows = []
        for shape, vias in shapes.items():
            node = ox.NamedNode(shape)
            rows.append({"name": short(node), "iri": shape, "file": file_of.get(node, ""), "via": ", ".join(sorted(vias)),
                         "label": next((t["text"] for t in _texts(store, node, RDFS + "label", lang)), ""),
                         "message": next((t["text"] for t in _texts(store, node, SH + "message", lang)), ""),
                         "severity": ", ".join(local_name(o.value) for o in _objects(store, node, SH + "severity"))})
        out[iri] = sorted(rows, key=lambda r: r["name"])
    return out


def terms_in_text(text: str) -> set[str]:
    """The ontology IRIs a SPARQL text names, by full IRI or by any prefix bound to the ontology."""
    found = {ONTOLOGY_NS + m for m in re.findall("<" + re.escape(ONTOLOGY_NS) + r"([A-Za-z_][\w-]*)>", text)}
    prefixes = re.findall(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<" + re.escape(ONTOLOGY_NS) + ">", text, re.IGNORECASE)
    for prefix in set(prefixes) | {"hkg"}:
        for m in re.findall(r"(?<![\w:<])" + re.escape(prefix) + r":([A-Za-z_][\w-]*)", text):
            found.add(ONTOLOGY_NS + m)
    return found


def query_uses(state: State) -> dict[str, list[dict]]:
    uses: dict[str, list[dict]] = defaultdict(list)
    for name, query in sorted(catalogue(state.project.query_files()).items()):
        entry = {"name": name, "title": query.title or name, "href": "/query?name=" + name}
        for iri in terms_in_text(query.text):
            uses[iri].append(entry)
    return uses


# -- the page -----------------------------------------------------------------------------------

def usage_counts(store: ox.Store) -> dict[str, int]:
    """How many triples use each property, and (under "a " + IRI) how many nodes have each
    class, counted by Oxigraph rather than by a loop over the quads in Python, which is many
    times slower on a large graph (docs/scaling.md)."""
    counts: dict[str, int] = defaultdict(int)
    for row in store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"):
        counts[row["p"].value] = int(row["n"].value)
    for row in store.query(f"SELECT ?c (COUNT(*) AS ?n) WHERE {{ ?s <{RDF}type> ?c }} GROUP BY ?c"):
        if isinstance(row["c"], ox.NamedNode):
            counts["a " + row["c"].value] = int(row["n"].value)
    return counts


def documentation(state: State, store: ox.Store, known, lang: str) -> dict:
    """What the page shows; ``store`` holds ontology/*.ttl, ``known`` is ``names(state)``."""
    shapes, queries = shape_uses(state, lang), query_uses(state)
    counts = state.cached("ontology-counts", lambda: usage_counts(state.store))

    def link(iri: str) -> dict:
        if iri.startswith(ONTOLOGY_NS):
            return {"text": short(ox.NamedNode(iri)), "href": "#" + iri[len(ONTOLOGY_NS):], "title": known.label(iri, lang)}
        return {"text": short(ox.NamedNode(iri)).strip("<>"), "href": safe_href(iri), "external": True}

    def links(node, p: str) -> list[dict]:
        return [link(i) for o in _objects(store, node, p) for i in _members(store, o)]

    sections = []
    for section_id, rdf_type in SECTIONS:
        iris = sorted({q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(rdf_type))
                       if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ONTOLOGY_NS)},
                      key=lambda i: local_name(i).casefold())
        terms = []
        for iri in iris:
            node = ox.NamedNode(iri)
            is_class = rdf_type == OWL + "Class"
            up = SUBCLASS if is_class else SUBPROPERTY
            subs = sorted(q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(up), node)
                          if isinstance(q.subject, ox.NamedNode))
            terms.append({
                "id": local_name(iri), "iri": iri, "name": short(node),
                "labels": {l: [t["text"] for t in _texts(store, node, RDFS + "label") if t["lang"] == l] for l in DATA_LANGS},
                "definitions": _texts(store, node, SKOS + "definition"),
                "comments": _texts(store, node, RDFS + "comment"),
                "supers": links(node, up), "subs": [link(s) for s in subs],
                "domain": links(node, RDFS + "domain"), "range": links(node, RDFS + "range"),
                "inverse": links(node, OWL + "inverseOf"), "equivalent": links(node, OWL + ("equivalentClass" if is_class else "equivalentProperty")),
                "count": counts["a " + iri] if is_class else counts[iri],
                "kind_href": with_lang("/kinds/" + local_name(iri), lang) if is_class and known.instances.get(iri) else None,
                "shapes": shapes.get(iri, []), "queries": queries.get(iri, []),
            })
        if terms:
            sections.append({"id": section_id, "heading": TEXT[lang]["section_" + section_id.replace("-", "_")],
                             "terms": terms})
    return {"meta": _meta(store, lang), "sections": sections, "schemes": _schemes(store, lang)}


def _meta(store: ox.Store, lang: str) -> dict:
    node = ox.NamedNode(ONTOLOGY_IRI)
    first = lambda p: next((t["text"] for t in _texts(store, node, p, lang)), "")
    licences = [o.value for o in _objects(store, node, DCT + "license") if isinstance(o, ox.NamedNode)]
    return {"title": first(DCT + "title") or "heritage-kg", "description": first(DCT + "description"),
            "version": first(OWL + "versionInfo"), "iri": ONTOLOGY_IRI,
            "licences": [{"text": l, "href": safe_href(l)} for l in licences]}


def _schemes(store: ox.Store, lang: str) -> list[dict]:
    schemes = []
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(SKOS + "ConceptScheme")):
        scheme = quad.subject
        concepts = []
        for q in store.quads_for_pattern(None, ox.NamedNode(SKOS + "inScheme"), scheme):
            c = q.subject
            labels = {l: [t["text"] for t in _texts(store, c, SKOS + "prefLabel") if t["lang"] == l] for l in DATA_LANGS}
            concepts.append({"iri": c.value, "labels": labels, "href": page_url(c.value, lang),
                             "definition": _texts(store, c, SKOS + "definition", lang)})
        concepts.sort(key=lambda c: fold((c["labels"].get(lang) or c["labels"]["en"] or [c["iri"]])[0]))
        schemes.append({"id": "vocab-" + scheme.value[len(VOCAB_NS):], "iri": scheme.value,
                        "href": page_url(scheme.value, lang),
                        "label": next((t["text"] for t in _texts(store, scheme, SKOS + "prefLabel", lang)), local_name(scheme.value)),
                        "definition": _texts(store, scheme, SKOS + "definition", lang), "concepts": concepts})
    return sorted(schemes, key=lambda s: fold(s["label"]))


# -- routes -------------------------------------------------------------------------------------

def handlers(state: State) -> dict:
    def html(request: Request) -> Response:
        lang = lang_of(request)
        triples, known = ontology_triples(state), names(state)
        store = state.cached("pages:ontology-store", lambda: _store(triples))

        def make() -> str:
            doc = documentation(state, store, known, lang)
            formats = [{"name": f.name, "href": "/ontology" + f.suffix, "media_type": f.media_type} for f in DATA_FORMATS.values()]
            return render("ontology.html", lang, doc=doc, formats=formats, switch=switch_url(request, lang))

        return cacheable(request, state, ("ontology", "html", lang), make, "text/html; charset=utf-8")

    def rdf(request: Request, suffix: str, located: bool) -> Response:
        spec = DATA_FORMATS[suffix]
        triples = ontology_triples(state)

        def make() -> bytes:
            return serialise_triples(triples, spec.name).encode("utf-8")

        headers = {"Access-Control-Allow-Origin": "*"}
        if located:
            headers["Content-Location"] = "/ontology" + suffix
        return cacheable(request, state, ("ontology", spec.name), make, f"{spec.media_type}; charset=utf-8", headers)

    def negotiated(request: Request) -> Response:
        chosen = choose(request.headers.get("accept"), list(OFFERS))
        if chosen is None:
            return problem(request, 406, said("error_not_acceptable", types=", ".join(OFFERS)), {"Vary": "Accept"})
        target = OFFERS[chosen]
        return html(request) if target == "html" else rdf(request, target, located=True)

    def suffixed(request: Request) -> Response:
        suffix = "." + request.path_params["ext"]
        if suffix == ".html":
            return html(request)
        if suffix not in DATA_FORMATS:
            return problem(request, 404, said("error_no_document", path="/ontology" + suffix,
                                               suffixes=".html, " + ", ".join(DATA_FORMATS)))
        return rdf(request, suffix, located=False)

    return {"ontology": negotiated, "ontology-file": suffixed}
