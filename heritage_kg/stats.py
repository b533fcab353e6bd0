"""Counts over the published graph: entities per class, ties per kind, statements per source,
and label coverage per language."""

from __future__ import annotations

import pyoxigraph as ox

from .project import LANGUAGES
from .terms import short

_PREFIX = """PREFIX hkg: <https://w3id.org/heritage-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
#: Where the Wikidata items the entities are the same as live.
WIKIDATA = "http://www.wikidata.org/entity/"
_ENTITY = "FILTER(STRSTARTS(STR(?e), 'https://w3id.org/heritage-kg/id/'))"


def _pairs(store: ox.Store, query: str) -> list[tuple[str, int]]:
    return [(short(row[0]) if row[0] is not None else "-", int(row[1].value)) for row in store.query(_PREFIX + query)]


def _entities_per_class(store: ox.Store) -> dict[str, int]:
    return dict(_pairs(store, f"""SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE {{
        ?e a ?class . ?class rdfs:isDefinedBy <https://w3id.org/heritage-kg/ontology> . {_ENTITY}
        }} GROUP BY ?class ORDER BY DESC(?n) ?class"""))


def _entity_count(store: ox.Store) -> int:
    query = _PREFIX + f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a hkg:Entity . {_ENTITY} }}"
    return int(next(iter(store.query(query)))[0].value)


def figures(store: ox.Store) -> dict:
    """The counts a dataset description states (a subset of `compute`): only these, since the
    others (statements per source, label coverage) take seconds on a large store."""
    return {"triples": len(store), "entities": _entity_count(store), "entities_per_class": _entities_per_class(store)}


def compute(store: ox.Store) -> dict:
    entities = _entities_per_class(store)
    ties = _pairs(store, f"""SELECT ?kind (COUNT(DISTINCT ?e) AS ?n) WHERE {{
        ?e a ?kind . ?kind rdfs:subClassOf+ hkg:Relationship . {_ENTITY}
        }} GROUP BY ?kind ORDER BY DESC(?n) ?kind""")
    agreements = _pairs(store, """SELECT ?kind (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?e a hkg:Agreement ; hkg:agreementKind ?kind } GROUP BY ?kind ORDER BY DESC(?n) ?kind""")
    sources = _pairs(store, """SELECT ?source (COUNT(?ev) AS ?n) WHERE {
        ?node hkg:evidence ?ev . ?ev hkg:source ?source } GROUP BY ?source ORDER BY ?source""")
    links = next(iter(store.query(_PREFIX + f"""SELECT (COUNT(*) AS ?n) WHERE {{
        ?e owl:sameAs ?w . FILTER(STRSTARTS(STR(?w), "{WIKIDATA}")) }}""")))[0]
    total = _entity_count(store)
    labels = {}
    for lang in LANGUAGES:
        count = next(iter(store.query(_PREFIX + f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
            ?e a hkg:Entity ; rdfs:label ?l . FILTER(LANGMATCHES(LANG(?l), '{lang}')) {_ENTITY} }}""")))[0]
        labels[lang] = {"labelled": int(count.value), "entities": total,
                        "coverage": round(int(count.value) / total, 4) if total else 1.0}
    return {
        "triples": len(store),
        "triples_counted": TRIPLES_COUNTED,
        "entities": total,
        "entities_per_class": entities,
        "relationships_per_kind": dict(ties),
        "agreements_per_kind": dict(agreements),
        "statements_per_source": dict(sources),
        "label_coverage": labels,
        "wikidata_links": int(links.value),
    }


#: What `compute`'s "triples" counts, beside the counts of `validate` and `export`.
TRIPLES_COUNTED = ("the published graph: the files and the standard-vocabulary triples added to them; "
                   "validate counts the files as written, and export adds the dataset description")


def render_table(stats: dict) -> str:
    out = [f"triples   {stats['triples']}  ({TRIPLES_COUNTED})", f"entities  {stats['entities']}", ""]
    for title, key in (("entities per class", "entities_per_class"),
                       ("relationships per kind", "relationships_per_kind"),
                       ("agreements per kind", "agreements_per_kind"),
                       ("statements per source", "statements_per_source")):
        rows = stats[key]
        width = max([len(k) for k in rows] + [len(title)])
        out.append(title)
        out += [f"  {k.ljust(width)}  {v:>6}" for k, v in rows.items()]
        out.append("")
    out.append("label coverage per language")
    for lang, c in stats["label_coverage"].items():
        out.append(f"  {lang}  {c['labelled']}/{c['entities']}  {c['coverage']:.1%}")
    return "\n".join(out) + "\n"
