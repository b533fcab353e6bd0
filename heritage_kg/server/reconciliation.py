"""The W3C Reconciliation Service API, version 0.2 (the one OpenRefine speaks), over the graph.

``/reconcile`` answers the service manifest; with ``queries=`` (a JSON object of queries, by
GET or form POST) a batch of reconciliation queries, each answered with its candidates, their
scores and whether one is a match; with ``extend=`` the values of properties for matched
entities. ``/reconcile/preview?id=`` is a small card of an entity for OpenRefine's pop-up (the
one page another site may frame), ``/reconcile/suggest/{entity,type,property}?prefix=`` the
suggest services, and ``/reconcile/properties`` the properties a data extension can fetch. It is
read-only and bounded: at most `MAX_QUERIES` queries and `MAX_IDS` entities a request, names cut
at `MAX_TEXT` characters; the request body limit is the server's own. Matching is
`heritage_kg.reconcile`.
"""

from __future__ import annotations

import json
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ..names import fold, local_name
from ..project import ENTITY_NS, ONTOLOGY_NS
from ..reconcile import PROPERTIES, Reconciler
from .site import lang_of, sentences
from .state import State, names

MAX_QUERIES = 50
MAX_IDS = 200
MAX_TEXT = 200
MAX_LIMIT = 25
#: Any site may call the service (OpenRefine runs in the browser, on its own origin).
OPEN = {"Access-Control-Allow-Origin": "*"}


class Refused(Exception):
    pass


def reconciler(state: State) -> Reconciler:
    return state.cached("reconcile", lambda: Reconciler(state.store, names(state)))


def manifest(base: str) -> dict:
    return {
        "versions": ["0.2"],
        "name": "heritage-kg: cultural-heritage organisations",
        "identifierSpace": ENTITY_NS,
        "schemaSpace": ONTOLOGY_NS,
        "defaultTypes": [{"id": "Organisation", "name": "organisation"}],
        "view": {"url": base + "/page/{{id}}"},
        "preview": {"url": base + "/reconcile/preview?id={{id}}", "width": 400, "height": 180},
        "suggest": {kind: {"service_url": base, "service_path": f"/reconcile/suggest/{kind}"}
                    for kind in ("entity", "type", "property")},
        "extend": {"propose_properties": {"service_url": base, "service_path": "/reconcile/properties"},
                   "property_settings": []},
    }


def _json_param(raw: str | None, name: str):
    try:
        value = json.loads(raw or "")
    except ValueError:
        raise Refused(f"{name}: not JSON") from None
    if not isinstance(value, dict):
        raise Refused(f"{name}: a JSON object is expected")
    return value


def answer_queries(state: State, given: dict, lang: str) -> dict:
    """Each query of a batch with its candidates, by the batch's keys.

    Raises:
        Refused: too many queries, or a query that is not one.
    """
    if len(given) > MAX_QUERIES:
        raise Refused(f"queries: {len(given)} in one batch; at most {MAX_QUERIES}")
    found = {}
    for key, query in given.items():
        if not isinstance(query, dict) or not isinstance(query.get("query"), str):
            raise Refused(f"queries: {str(key)[:20]!r} has no \"query\" text")
        limit = query.get("limit", 3)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
            raise Refused(f"queries: {str(key)[:20]!r}: limit is a whole number from 1 to {MAX_LIMIT}")
        kind = query.get("type")
        kind = kind[0] if isinstance(kind, list) and kind else kind
        properties = [(str(p.get("pid", "")), str(p.get("v", ""))[:MAX_TEXT]) for p in query.get("properties", [])
                      if isinstance(p, dict)]
        try:
            candidates = reconciler(state).query(query["query"][:MAX_TEXT], kind if isinstance(kind, str) else None,
                                                 properties, limit, lang)
        except ValueError as error:
            raise Refused(f"queries: {str(key)[:20]!r}: {error}") from None
        found[key] = {"result": [{"id": c.id, "name": c.name, "type": [{"id": k, "name": n} for k, n in c.types],
                                  "score": c.score, "match": c.match} for c in candidates]}
    return found


def extend(state: State, given: dict, lang: str) -> dict:
    """The values of the properties asked for, for each entity asked for.

    Raises:
        Refused: too many entities, an entity or a property that is not one.
    """
    ids, props = given.get("ids"), given.get("properties")
    if not isinstance(ids, list) or not isinstance(props, list):
        raise Refused("extend: give \"ids\" and \"properties\" as lists")
    if len(ids) > MAX_IDS:
        raise Refused(f"extend: {len(ids)} entities; at most {MAX_IDS}")
    wanted = [str(p.get("id", "")) if isinstance(p, dict) else "" for p in props]
    known = {pid: name for pid, name, _ in PROPERTIES}
    for pid in wanted:
        if pid not in known:
            raise Refused(f"extend: property {pid[:40]!r}: choose from {', '.join(known)}")
    found = reconciler(state)
    rows = {}
    for entity in ids:
        iri = ENTITY_NS + str(entity)
        if iri not in found.folded:
            raise Refused(f"extend: {str(entity)[:40]!r}: no such entity")
        rows[str(entity)] = {pid: found.values(iri, pid, lang) for pid in wanted}
    return {"meta": [{"id": pid, "name": known[pid]} for pid in wanted], "rows": rows}


def suggest(state: State, what: str, prefix: str, lang: str) -> list[dict]:
    """Entities, kinds or properties whose name starts with (or holds a word starting with) ``prefix``."""
    wanted = fold(prefix)[:MAX_TEXT]
    found = reconciler(state)
    if what == "entity":
        hits = []
        for iri, texts in found.folded.items():
            if any(f.startswith(wanted) or f" {wanted}" in f" {f}" for f, _ in texts):
                hits.append((min(len(f) for f, _ in texts), iri))
        known = names(state)
        return [{"id": local_name(iri), "name": str(known.label(iri, lang)), "description": known.kind_label(iri, lang)}
                for _, iri in sorted(hits)[:20]]
    if what == "type":
        return [{"id": k, "name": n} for k, n in found.kinds() if fold(n).startswith(wanted) or fold(k).startswith(wanted)][:20]
    return [{"id": pid, "name": name} for pid, name, _ in PROPERTIES if fold(name).startswith(wanted) or pid.startswith(wanted)]


def preview(state: State, slug: str, lang: str) -> str:
    """A small HTML card of an entity: its names, its kind and its first statements."""
    known = names(state)
    iri = ENTITY_NS + slug
    label = escape(str(known.label(iri, lang)))
    acronym = known.acronym(iri, lang)
    kind = escape(known.kind_label(iri, lang))
    said = [escape(s.text) for s in sentences(state).about(iri, lang)[:3]]
    items = "".join(f"<li>{s}</li>" for s in said)
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{label}</title></head>'
            f'<body style="font-family:sans-serif;font-size:13px;margin:6px">'
            f'<strong><a href="/page/{escape(slug)}?lang={lang}" target="_blank" rel="noopener">{label}</a></strong>'
            f'{" (" + escape(acronym) + ")" if acronym else ""}<br><span style="color:#555">{kind}</span>'
            f'<ul style="padding-left:16px;margin:4px 0">{items}</ul></body></html>')


def handlers(state: State) -> dict:
    async def service(request: Request) -> Response:
        lang = lang_of(request)
        params = dict(request.query_params)
        if request.method == "POST":
            form = await request.form()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        try:
            if "queries" in params:
                return JSONResponse(answer_queries(state, _json_param(params["queries"], "queries"), lang), headers=OPEN)
            if "extend" in params:
                return JSONResponse(extend(state, _json_param(params["extend"], "extend"), lang), headers=OPEN)
        except Refused as refused:
            return JSONResponse({"error": str(refused)}, status_code=400, headers=OPEN)
        base = str(request.base_url).rstrip("/")
        return JSONResponse(manifest(base), headers=OPEN)

    async def suggestion(request: Request) -> Response:
        what = request.path_params["what"]
        if what not in ("entity", "type", "property"):
            return JSONResponse({"error": f"no suggest service {what[:20]!r} (entity, type, property)"}, status_code=404)
        return JSONResponse({"result": suggest(state, what, request.query_params.get("prefix", ""), lang_of(request))},
                            headers=OPEN)

    async def properties(request: Request) -> Response:
        kind = request.query_params.get("type", "Organisation")
        return JSONResponse({"type": kind, "properties": [{"id": pid, "name": name} for pid, name, _ in PROPERTIES]},
                            headers=OPEN)

    async def card(request: Request) -> Response:
        slug = request.query_params.get("id", "")
        if ENTITY_NS + slug not in reconciler(state).folded:
            return HTMLResponse(f"<p>{escape(slug[:40])}: no such entity</p>", status_code=404)
        # the one page OpenRefine frames: no script, no style from elsewhere, any site may frame it
        return HTMLResponse(preview(state, slug, lang_of(request)),
                            headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"})

    return {"reconcile": service, "reconcile-suggest": suggestion, "reconcile-properties": properties,
            "reconcile-preview": card}
