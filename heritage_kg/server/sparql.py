"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only, fenced, and time-limited.

Queries come by GET (``?query=``), by POST as a form, or by POST with the query as the body
(``application/sparql-query``); ``default-graph-uri`` and ``named-graph-uri`` select the
dataset. The result format follows ``Accept`` (with q-values) or a ``format`` parameter for
plain links. Updates, LOAD and Graph Store writes are refused; SERVICE is refused before
evaluation; every query runs in a worker process that is killed at the time limit.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from ..formats import RDF_FORMATS
from ..queries import is_update, query_form, uses_service
from ..serialise import GRAPH_IRI, serialise_triples
from .negotiation import choose
from .sandbox import Busy, Job, QueryTimeout, Sandbox
from .state import State

#: media type -> result format name, in the server's order of preference
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
}
GRAPH_TYPES = {spec.media_type: name for name, spec in RDF_FORMATS.items() if not spec.dataset}
GRAPH_TYPES.update({"application/json": "jsonld", "application/xml": "xml"})
_FORMAT_PARAM = {
    "solutions": {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values"},
    "graph": {"ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
              "jsonld": "application/ld+json", "xml": "application/rdf+xml", "rdfxml": "application/rdf+xml"},
}
_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "X-Result-Truncated"}
def _error(status: int, message: str, headers: dict | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers={**_CORS, **(headers or {})})


async def start(state: State) -> None:
    """Start the query workers before the first request, so that it does not wait for them."""
    await run_in_threadpool(_sandbox, state)


def shutdown(state: State) -> None:
    sandbox = state._cache.get("sandbox")
    if sandbox is not None:
        sandbox.close()


def _sandbox(state: State) -> Sandbox:
    s = state.settings
    return state.cached("sandbox", lambda: Sandbox(state.store, s.workers, s.query_timeout, store_dir=state.store_dir))


def _service_description(state: State, request: Request) -> Response:
    import pyoxigraph as ox

    endpoint = str(request.url.replace(query=""))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    node = ox.NamedNode(endpoint)
    n = ox.NamedNode
    triples = [
        ox.Triple(node, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(sd + "Service")),
        ox.Triple(node, n(sd + "endpoint"), node),
        ox.Triple(node, n(sd + "supportedLanguage"), n(sd + "SPARQL11Query")),
    ]
    for media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                  "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
                  "application/rdf+xml"):
        triples.append(ox.Triple(node, n(sd + "resultFormat"), n("http://www.w3.org/ns/formats/" + {
            "application/sparql-results+json": "SPARQL_Results_JSON", "application/sparql-results+xml": "SPARQL_Results_XML",
            "text/csv": "SPARQL_Results_CSV", "text/tab-separated-values": "SPARQL_Results_TSV",
            "text/turtle": "Turtle", "application/n-triples": "N-Triples", "application/ld+json": "JSON-LD",
            "application/rdf+xml": "RDF_XML"}[media])))
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    named = ox.BlankNode("named")
    triples += [
        ox.Triple(node, n(sd + "defaultDataset"), dataset),
        ox.Triple(dataset, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(sd + "Dataset")),
        ox.Triple(dataset, n(sd + "defaultGraph"), default),
        ox.Triple(default, n("http://rdfs.org/ns/void#triples"), ox.Literal(str(state.triples), datatype=n("http://www.w3.org/2001/XMLSchema#integer"))),
        ox.Triple(node, n("http://rdfs.org/ns/void#sparqlEndpoint"), node),
    ]
    if state.store_dir is None:  # the in-memory workers also hold the graph under its name
        triples += [ox.Triple(dataset, n(sd + "namedGraph"), named), ox.Triple(named, n(sd + "name"), n(GRAPH_IRI))]
    offers = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt", "application/rdf+xml": "xml"}
    media = choose(request.headers.get("accept"), list(offers)) or "text/turtle"
    body = serialise_triples(triples, offers[media])
    return Response(body, media_type=media, headers={**_CORS, "Vary": "Accept"})


async def _parameters(request: Request) -> tuple[list[tuple[str, str]], Response | None]:
    """All protocol parameters, from the URL and (for POST) the body; or an error response."""
    params = list(parse_qsl(request.url.query, keep_blank_values=True))
    if request.method != "POST":
        return params, None
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if media == "application/x-www-form-urlencoded":
        try:
            params += parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            return params, _error(400, "The form body is not UTF-8.")
    elif media == "application/sparql-query":
        if any(k == "query" for k, _ in params):
            return params, _error(400, "A direct POST carries the query in the body, not also in the URL.")
        try:
            params.append(("query", body.decode("utf-8")))
        except UnicodeDecodeError:
            return params, _error(400, "The query body is not UTF-8.")
    elif media == "application/sparql-update":
        return params, _error(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    else:
        return params, _error(415, "POST a form (application/x-www-form-urlencoded) or a query (application/sparql-query).")
    return params, None


async def endpoint(state: State, request: Request) -> Response:
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={**_CORS, "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                                  "Access-Control-Allow-Headers": "Accept, Content-Type",
                                                  "Access-Control-Max-Age": "86400"})
    if request.method not in ("GET", "POST"):
        return _error(405, "This endpoint is read-only: use GET or POST with a query.", {"Allow": "GET, POST, OPTIONS"})
    if len(request.url.query) > state.settings.max_query * 3:
        return _error(414, "The request URL is too long; POST the query instead.")
    params, problem = await _parameters(request)
    if problem is not None:
        return problem
    names = [k for k, _ in params]
    if "update" in names:
        return _error(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    queries = [v for k, v in params if k == "query"]
    if not queries:
        if request.method == "GET":
            if choose(request.headers.get("accept"), ["text/html", "text/turtle"]) == "text/html" \
                    and "text/html" in request.headers.get("accept", ""):
                return RedirectResponse("/query", status_code=303)
            return _service_description(state, request)
        return _error(400, "No query: give exactly one 'query' parameter.")
    if len(queries) > 1:
        return _error(400, "More than one 'query' parameter.")
    query = queries[0]
    if len(query) > state.settings.max_query:
        return _error(413, f"The query is longer than {state.settings.max_query} characters.")
    if uses_service(query):
        return _error(403, "SERVICE is not allowed: this endpoint never sends requests to other servers.")
    if is_update(query):
        return _error(403, "This endpoint is read-only: SPARQL Update (LOAD, INSERT, DELETE, ...) is not accepted.")
    kind = "graph" if query_form(query) in ("CONSTRUCT", "DESCRIBE") else "solutions"
    types = GRAPH_TYPES if kind == "graph" else SOLUTION_TYPES
    requested = [v for k, v in params if k == "format"]
    if requested:
        media = _FORMAT_PARAM[kind].get(requested[-1].lower())
        if media is None:
            return _error(400, f"Unknown format {requested[-1]!r} for this query: one of {', '.join(_FORMAT_PARAM[kind])}.")
    else:
        media = choose(request.headers.get("accept"), list(types))
        if media is None:
            return _error(406, "No acceptable result format; this query can answer in " + ", ".join(dict.fromkeys(types)) + ".")
    job = Job(query=query, result_format=types[media], row_cap=state.settings.row_cap,
              default_graphs=tuple(v for k, v in params if k == "default-graph-uri"),
              named_graphs=tuple(v for k, v in params if k == "named-graph-uri"))
    sandbox = _sandbox(state)
    try:
        answer = await run_in_threadpool(sandbox.run, job)
    except QueryTimeout as error:
        return _error(503, f"Query stopped: {error}.")
    except Busy as error:
        return _error(503, f"Try again shortly: {error}.", {"Retry-After": "2"})
    if not answer.ok:
        return _error(400, answer.error)
    headers = {**_CORS, "Vary": "Accept", "Cache-Control": "public, max-age=300"}
    if answer.truncated:
        headers["X-Result-Truncated"] = f"true; limit={state.settings.row_cap}"
        headers["Warning"] = f'199 heritage-kg "result cut at {state.settings.row_cap} rows"'
    if media == "application/json" and kind == "solutions":
        media = "application/sparql-results+json"
    charset = "; charset=utf-8"
    return Response(answer.body, headers={**headers, "Content-Type": media + charset})


async def graph_store(request: Request) -> Response:
    """The Graph Store Protocol, read-only: writes are refused with 405."""
    if request.method in ("GET", "HEAD"):
        return RedirectResponse("/download", status_code=303)
    return _error(405, "This service is read-only: Graph Store writes are not accepted.", {"Allow": "GET, HEAD"})


def handlers(state: State) -> dict:
    """The SPARQL endpoint and the read-only Graph Store Protocol."""
    async def sparql_endpoint(request: Request) -> Response:
        return await endpoint(state, request)

    return {"sparql": sparql_endpoint, "graph-store": graph_store}
