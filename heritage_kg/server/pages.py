"""The browse pages: the home page, the index of kinds, and each kind's members."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from ..names import STATEMENT_CLASSES, Names, fold, local_name
from ..project import ENTITY_NS, ONTOLOGY_NS, VOCAB_NS
from ..words import TEXT, said
from . import paging
from .kindtable import COLUMNS, KindTables, as_csv, as_json, ordered, shown_columns
from .site import authored_graph, cacheable, lang_of, page_url, problem, render, sentences, switch_url, with_lang
from .state import State, names


def _home(state: State):
    def home(request: Request) -> Response:
        lang = lang_of(request)
        known = names(state)
        triples = state.triples

        def make() -> str:
            entities = sum(1 for i in known.subjects if i.startswith(ENTITY_NS) and i in known.types)
            ties = sum(1 for i in known.subjects if i.startswith(ENTITY_NS) and known.is_a(i, STATEMENT_CLASSES))
            counts = TEXT[lang]["count_line"].format(entities=entities, ties=ties, triples=triples)
            featured = _featured(known, lang)
            return render("home.html", lang, counts=counts, switch=switch_url(request, lang),
                          featured=featured[:paging.PER_PAGE], more=len(featured) - paging.PER_PAGE,
                          all_href=with_lang("/kinds/Organisation", lang))

        return cacheable(request, state, ("home", lang), make, "text/html; charset=utf-8")

    return home


def _featured(known: Names, lang: str) -> list[dict]:
    """The organisations, as a first list of links on the home page (its first hundred; a large
    graph has thousands, listed a page at a time at /kinds/Organisation)."""
    cls = ONTOLOGY_NS + "Organisation"
    return [{"label": known.label(i, lang), "acronym": known.acronym(i, lang), "href": page_url(i, lang)}
            for i in known.instances.get(cls, []) if i.startswith(ENTITY_NS)]


def class_tree(known: Names, lang: str) -> list[dict]:
    """The hkg classes as a tree, each with its count of instances that have IRIs (pages)."""
    children: dict[str, list[str]] = defaultdict(list)
    roots = []
    for cls in known.classes:
        ups = [u for u in known.supers.get(cls, ()) if u in known.classes]
        for up in ups:
            children[up].append(cls)
        if not ups:
            roots.append(cls)

    def node(cls: str) -> dict:
        count = sum(1 for i in known.instances.get(cls, []) if i.startswith((ENTITY_NS, VOCAB_NS)))
        kids = sorted(children.get(cls, []), key=lambda c: fold(known.label(c, lang)))
        return {"name": local_name(cls), "label": known.label(cls, lang), "count": count,
                "href": with_lang("/kinds/" + local_name(cls), lang) if count else None,
                "doc": page_url(cls, lang), "children": [node(k) for k in kids]}

    return [node(r) for r in sorted(roots, key=lambda c: fold(known.label(c, lang)))]


def concept_schemes(known: Names, lang: str) -> list[dict]:
    """The SKOS concept schemes, each with its number of concepts."""
    concepts: dict[str, int] = defaultdict(int)
    for iri in known.subjects:
        if iri.startswith(VOCAB_NS) and "/" in iri[len(VOCAB_NS):]:
            concepts[VOCAB_NS + iri[len(VOCAB_NS):].split("/", 1)[0]] += 1
    schemes = [{"label": known.label(s, lang), "href": page_url(s, lang), "count": n}
               for s, n in concepts.items() if s in known.subjects]
    return sorted(schemes, key=lambda s: fold(s["label"]))


def _kinds(state: State):
    def kinds(request: Request) -> Response:
        lang = lang_of(request)
        known = names(state)

        def make() -> str:
            return render("kinds.html", lang, tree=class_tree(known, lang), schemes=concept_schemes(known, lang),
                          switch=switch_url(request, lang))

        return cacheable(request, state, ("kinds", lang), make, "text/html; charset=utf-8")

    def tables() -> KindTables:
        return state.cached("pages:kind-tables", lambda: KindTables(names(state), authored_graph(state)))

    def chosen(request: Request, lang: str) -> tuple[str, list[dict], list[str], str, bool]:
        """The kind asked for, its rows in the order asked for, the columns shown, and that order.

        Raises:
            paging.BadPage: no such kind, or a sort that is not a column.
        """
        known = names(state)
        name = request.path_params["name"]
        cls = ONTOLOGY_NS + name
        if cls not in known.classes:
            raise paging.BadPage(404, said("error_no_kind", name=repr(name)))
        column, order = request.query_params.get("sort", "name"), request.query_params.get("order", "asc")
        if column not in COLUMNS or order not in ("asc", "desc"):
            raise paging.BadPage(400, said("error_sort", sort=repr(column[:20]), order=repr(order[:20]),
                                           columns=", ".join(COLUMNS)))
        rows = state.cached(("members", cls, lang), lambda: tables().rows(cls, lang))
        columns = shown_columns(rows)
        return cls, state.cached(("members", cls, lang, column, order),
                                 lambda: ordered(rows, column, order == "desc")), columns, column, order == "desc"

    def kind(request: Request) -> Response:
        lang = lang_of(request)
        known = names(state)
        try:
            cls, rows, columns, column, descending = chosen(request, lang)
            number = paging.requested(request)
            shown, pager = paging.cut(rows, number, request, keep=("sort", "order"))
        except paging.BadPage as bad:
            return problem(request, bad.status, bad.message)

        def make() -> str:
            said = sentences(state)
            members = [{**row, "href": page_url(row["iri"], lang), "seat_href": page_url(row["seat_iri"], lang) if row["seat_iri"] else None,
                        "founded_text": said.write.date(row["founded"], lang)[0] if row["founded"] else "",
                        "date_text": said.write.date(row["date"], lang)[0] if row["date"] else ""} for row in shown]
            supers = [{"label": known.label(u, lang), "href": with_lang("/kinds/" + local_name(u), lang)}
                      for u in sorted(known.supers.get(cls, ())) if u in known.classes]
            base = "/kinds/" + local_name(cls)
            heads = [{"key": c, "sorted": "descending" if c == column and descending else "ascending" if c == column else None,
                      "href": with_lang(base + "?" + urlencode({"sort": c, "order": "desc" if c == column and not descending else "asc"}), lang)}
                     for c in columns]
            order = urlencode({"sort": column, "order": "desc" if descending else "asc"})
            downloads = [{"name": suffix.upper(), "href": f"{base}.{suffix}?{order}&lang={lang}"} for suffix in ("csv", "json")]
            return render("kind.html", lang, kind_name=local_name(cls), label=known.label(cls, lang), total=len(rows),
                          pager=pager, doc=page_url(cls, lang), members=members, supers=supers, heads=heads,
                          downloads=downloads, switch=switch_url(request, lang, keep=("p", "sort", "order")))

        return cacheable(request, state, ("kind", cls, lang, number, column, descending), make, "text/html; charset=utf-8")

    def kind_data(request: Request) -> Response:
        lang = lang_of(request)
        fmt = request.path_params["fmt"]
        if fmt not in ("csv", "json"):
            return problem(request, 404, said("error_list_format", given=repr(fmt[:20])))
        try:
            cls, rows, columns, column, descending = chosen(request, lang)
        except paging.BadPage as bad:
            return problem(request, bad.status, bad.message)
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        return cacheable(request, state, ("kind-data", cls, lang, fmt, column, descending),
                         lambda: (as_csv if fmt == "csv" else as_json)(rows, columns), media,
                         {"Content-Disposition": f'inline; filename="{local_name(cls)}.{fmt}"'})

    return kinds, kind, kind_data


def handlers(state: State) -> dict:
    """The home page and the kinds."""
    kinds, kind, kind_data = _kinds(state)
    return {"home": _home(state), "kinds": kinds, "kind-data": kind_data, "kind": kind}
