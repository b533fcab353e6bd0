"""The query page: a SPARQL editor (YASGUI) with the named queries as examples, bound server-side.

``/query`` shows the editor, the list of named queries and, for the chosen one, a form for its
parameters. ``/query?name=partners&organisation=iccrom`` and ``/query?query=SELECT...`` are the
shareable URLs: the page opens with that query in the editor and runs it. The page works without
JavaScript as far as it can: the forms submit to ``/query``, the server binds the parameters and
shows the query text with links that download its results.

``/api/queries`` lists the named queries as JSON; ``/api/queries/{name}?param=value`` returns the
query text with the parameters bound as typed RDF terms by :meth:`NamedQuery.bind`, so the
browser never pastes a value into a query. The bound text leaves out the ``#+`` header: its
title, description and parameters are what the page shows around the editor.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse

from ..errors import HeritageKGError, UsageError
from ..project import ENTITY_NS, VOCAB_NS
from ..queries import VIEWS, NamedQuery, catalogue, in_language, query_form
from ..terms import PREFIXES
from ..words import DEFAULT, TEXT
from .site import lang_of, render, switch_url, with_lang
from .state import State

#: Query-string keys of /query that are not parameters of the named query.
RESERVED = ("name", "query", "lang", "view")
#: Download links offered for each form of query: (label, value of /sparql's `format`).
DOWNLOADS = {
    "SELECT": (("CSV", "csv"), ("JSON", "json")),
    "ASK": (("CSV", "csv"), ("JSON", "json")),
    "CONSTRUCT": (("Turtle", "ttl"), ("JSON-LD", "jsonld")),
    "DESCRIBE": (("Turtle", "ttl"), ("JSON-LD", "jsonld")),
}
#: The words of the result views, for the page's script.
VIEW_WORDS = ("view_table", "view_response", "view_graph", "view_graph_label", "view_timeline", "view_chart", "view_chart_label", "view_left_out", "view_failed")
#: The editor's text when the page is opened without a query.
STARTER = """PREFIX hkg: <https://w3id.org/heritage-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?organisation ?name WHERE {
  ?organisation a hkg:Organisation ; rdfs:label ?name .
  FILTER(LANG(?name) = "en")
}
ORDER BY ?name
LIMIT 50
"""
#: The HTML input that fits each parameter type: (type attribute, extra attributes).
INPUTS = {
    "iri": ("text", {"spellcheck": "false", "autocomplete": "off"}),
    "string": ("text", {}),
    "integer": ("number", {"step": "1"}),
    "date": ("date", {}),
    "year": ("text", {"inputmode": "numeric", "pattern": "[0-9]{4}", "maxlength": "4"}),
    "boolean": ("select", {}),
}


def without_header(text: str) -> str:
    """The query text without its leading ``#+`` metadata lines."""
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and lines[start].startswith("#+"):
        start += 1
    return "".join(lines[start:])


class _Problem(Exception):
    """A request the page or the API refuses: its status and its one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _plain(value: object) -> object:
    """A YAML default as JSON can carry it: dates become ISO text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def describe(query: NamedQuery) -> dict:
    """One named query as /api/queries lists it."""
    return {
        "name": query.name,
        "title": query.title or query.name,
        "description": query.description,
        "tags": list(query.tags),
        "view": query.view,
        "params": [{"name": p.name, "type": p.type, "default": _plain(p.default), "description": p.description}
                   for p in query.params],
    }


def download_links(text: str, form: str, name: str | None = None) -> list[dict]:
    """Plain links that make /sparql answer in a given format; each format's value is its file suffix."""
    return [{"label": label, "format": fmt, "filename": f"{name or 'query'}.{fmt}",
             "href": "/sparql?" + urlencode({"query": text, "format": fmt})}
            for label, fmt in DOWNLOADS.get(form, DOWNLOADS["SELECT"])]


def share_link(name: str | None, given: dict[str, str], text: str | None, lang: str = DEFAULT) -> str:
    """The URL that reopens the page on this query and runs it, in the page's language."""
    if name:
        return with_lang("/query?" + urlencode({"name": name, **given}), lang)
    return with_lang("/query?" + urlencode({"query": text or ""}), lang)


def handlers(state: State) -> dict:
    """The query page and its JSON API, each handler closing over the named queries, read once
    when the app is made: a broken query file stops the server from starting."""
    queries = catalogue(state.project.query_files())

    def page(request: Request) -> HTMLResponse:
        return _page(state, queries, request)

    async def api_list(request: Request) -> JSONResponse:
        return JSONResponse([describe(q) for q in queries.values()])

    async def api_bind(request: Request) -> JSONResponse:
        try:
            query = _named(queries, request.path_params["name"])
            text = _bind(query, _given(query, request))
        except _Problem as problem:
            return JSONResponse({"error": problem.message}, status_code=problem.status)
        return JSONResponse({"query": text})

    return {"query-page": page, "api-queries": api_list, "api-query": api_bind}


def _named(queries: dict[str, NamedQuery], name: str) -> NamedQuery:
    query = queries.get(name)
    if query is None:
        listed = ", ".join(sorted(queries)) or "none"
        raise _Problem(404, f"unknown query {name!r} (queries: {listed})")
    return query


def _given(query: NamedQuery, request: Request, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """The parameters given in the query string, each at most once."""
    given: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in skip:
            continue
        if key in given:
            raise _Problem(400, f"query {query.name!r}: parameter {key!r} given more than once")
        given[key] = value
    return given


def _bind(query: NamedQuery, given: dict[str, str]) -> str:
    """The query text with the parameters bound as typed RDF terms."""
    try:
        text = without_header(query.bind(given))
        return text if query.view == "table" else f"#defaultView:{VIEWS[query.view]}\n{text}"
    except UsageError as error:
        raise _Problem(400, str(error)) from None
    except HeritageKGError as error:
        raise _Problem(500, str(error)) from None


def _page(state: State, queries: dict[str, NamedQuery], request: Request) -> HTMLResponse:
    """The query page: the named queries, the one chosen with its form filled, the editor."""
    params = request.query_params
    lang = lang_of(request)
    status, error = 200, None
    chosen: NamedQuery | None = None
    given: dict[str, str] = {}
    text: str | None = None
    try:
        for key in RESERVED:
            if len(params.getlist(key)) > 1:
                raise _Problem(400, f"{key!r} given more than once")
        if "name" in params and "query" in params:
            raise _Problem(400, "give either 'name' (a named query) or 'query' (SPARQL text), not both")
        if "name" in params:
            chosen = _named(queries, params["name"])
            given = _given(chosen, request, skip=RESERVED)
            text = _bind(chosen, given)
        elif "query" in params:
            text = params["query"]
            if not text.strip():
                raise _Problem(400, "the query is empty")
            if len(text) > state.settings.max_query:
                raise _Problem(400, f"the query is longer than {state.settings.max_query} characters")
        if params.get("view", "table") not in VIEWS:
            raise _Problem(400, f"view={params['view'][:20]!r}: choose from {', '.join(VIEWS)}")
    except _Problem as problem:
        status, error, text = problem.status, problem.message, None
        if problem.status == 404:
            chosen = None

    form = chosen.form if chosen is not None else query_form(text) if text is not None else "SELECT"
    initial = {
        "name": chosen.name if chosen is not None else None,
        "params": given,
        "query": text,
        "run": text is not None,
        "view": params.get("view") if error is None and params.get("view") in VIEWS else None,
    }
    context = {
        "queries": [_entry(q, given if q is chosen else {}, lang) for q in queries.values()],
        "chosen": chosen.name if chosen is not None else None,
        "text": text,
        "error": error,
        "downloads": download_links(text, form, initial["name"]) if text is not None else [],
        "share": share_link(initial["name"], given, text, lang) if text is not None else None,
        "data": {
            "endpoint": "/sparql",
            "api": "/api/queries",
            "starter": STARTER,
            "prefixes": PREFIXES,
            "initial": initial,
            "downloads": {kind: [list(d) for d in pairs] for kind, pairs in DOWNLOADS.items()},
            "words": {"editor": TEXT[lang]["qp_editor_label"], "results_per_page": TEXT[lang]["qp_rows_label"],
                      **{key: TEXT[lang][key] for key in VIEW_WORDS}},
            # the views by the name a #defaultView: comment gives them (lower-cased)
            "views": {shown.lower(): view for view, shown in VIEWS.items()},
            "pages": {"entity": ENTITY_NS, "vocab": VOCAB_NS},
            "lang": lang,
        },
    }
    # (the named queries' titles and descriptions are written in English, in their headers)
    body = render("query.html", lang, switch=switch_url(request, lang, keep=tuple(k for k in params.keys() if k != "lang")), **context)
    return HTMLResponse(body, status_code=status)


def _entry(query: NamedQuery, given: dict[str, str], lang: str = DEFAULT) -> dict:
    """A named query as the template shows it, in ``lang`` where its header says it so (else in
    English, marked as such): its form fields filled with the given values or defaults."""
    entry = describe(query)
    entry["title"], entry["title_lang"] = in_language(query.titles, lang) if query.titles else (query.name, None)
    entry["description"], entry["description_lang"] = in_language(query.descriptions, lang)
    for param, listed in zip(query.params, entry["params"]):
        listed["description"], listed["description_lang"] = in_language(param.descriptions, lang)
    fields = []
    for param, listed in zip(query.params, entry["params"]):
        kind, attrs = INPUTS.get(param.type, INPUTS["string"])
        default = listed["default"]
        if param.name in given:
            value = given[param.name]
        elif default is None:
            value = ""
        elif isinstance(default, bool):
            value = "true" if default else "false"
        else:
            value = str(default)
        fields.append({**listed, "input": kind, "attrs": attrs, "value": value, "required": param.required})
    entry["fields"] = fields
    entry["href"] = with_lang("/query?" + urlencode({"name": query.name}), lang)
    return entry
