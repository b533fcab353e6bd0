"""One small store interface, with two implementations: the embedded Oxigraph store and a
remote SPARQL 1.1 endpoint. Both return the same `Result`, made of Oxigraph terms, so every
renderer and test treats them alike."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import EndpointError, QueryError, UsageError
from .formats import RESULT_FORMATS
from .queries import query_form, with_prefixes
from .terms import PREFIXES as _PREFIXES


@dataclass
class Result:
    kind: str  # "bindings", "boolean" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, object]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    #: Set when the server said the answer is partial (Virtuoso's 206 or X-SQL-State).
    incomplete: str | None = None
    #: (format, bytes): the solutions already written by Oxigraph in that format, in place of rows.
    serialised: tuple[str, bytes] | None = None


class EmbeddedEngine:
    """Queries an in-memory or on-disk Oxigraph store."""

    def __init__(self, store: ox.Store):
        self.store = store

    def query(self, text: str, name: str = "query", fmt: str | None = None, timeout: float | None = None) -> Result:
        """The answer to ``text``. When ``fmt`` names a SPARQL results format, the solutions of a
        SELECT come back written in it (``Result.serialised``) rather than as rows. The project's
        prefixes need no declaration. With ``timeout``, a query still running after that many
        seconds (a SERVICE call to a server that never answers) is given up: Oxigraph has no
        limit of its own, and works without the GIL, so a thread can wait for it."""
        if timeout is None:
            return self._query(text, name, fmt)
        import threading

        box: list = []

        def work():
            try:
                box.append(self._query(text, name, fmt))
            except BaseException as error:
                # handed to the caller's thread without the frames that hold Oxigraph's answer,
                # which must be let go in the thread that made it
                error.__context__ = error.__cause__ = None
                box.append(error.with_traceback(None))
        worker = threading.Thread(target=work, name=f"query {name}", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            raise QueryError(f"{name}: no answer within {timeout:g} s (--timeout)")
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    def _query(self, text: str, name: str, fmt: str | None) -> Result:
        # Oxigraph evaluates as the answer is read, so errors can come while reading it too
        try:
            answer = self.store.query(text, prefixes=_PREFIXES)
            if isinstance(answer, ox.QueryBoolean):
                return Result("boolean", boolean=bool(answer))
            if isinstance(answer, ox.QuerySolutions):
                variables = [v.value for v in answer.variables]
                # At 1M triples a hub query has thousands of rows: making them into Python
                # objects and writing them again cost more than the query
                written_by = RESULT_FORMATS[fmt].oxigraph if fmt in RESULT_FORMATS else None
                if written_by:
                    data = answer.serialize(format=getattr(ox.QueryResultsFormat, written_by))
                    return Result("bindings", variables=variables, serialised=(fmt, data))
                rows = [{v: s[v] for v in variables if s[v] is not None} for s in answer]
                return Result("bindings", variables=variables, rows=rows)
            return Result("graph", triples=list(answer))
        except SyntaxError as error:
            raise QueryError(f"{name}: SPARQL syntax error: {_sparql_message(error, text)}") from None
        except (OSError, RuntimeError) as error:
            raise QueryError(f"{name}: {error}") from None


_AT = re.compile(r"^error at (\d+):(\d+): ")


#: A prefixed name's prefix, where the name is not inside a string, an IRI or a comment.
_PREFIX_USED = re.compile(r"(?<![\w.:?$-])([A-Za-z][\w.-]*|)(?=:[^\s/])")
_DECLARED = re.compile(r"(?i)\bPREFIX\s+([\w.-]*):")


def _sparql_message(error: SyntaxError, query: str = "") -> str:
    """Oxigraph's syntax error in plain words: where, and what was expected, briefly; an
    undeclared prefix is named as such, wherever the parser tripped on it."""
    from .queries import SKIP

    text = " ".join(str(error).split())
    where = ""
    at = _AT.match(text)
    if at:
        where = f"line {at.group(1)}, column {at.group(2)}: "
        text = text[at.end():]
    plain = SKIP.sub(" ", query)
    declared = set(_DECLARED.findall(plain)) | set(_PREFIXES)
    undeclared = sorted({p for p in _PREFIX_USED.findall(plain) if p not in declared})
    if undeclared or "Prefix not found" in text:
        named = ", ".join(f"{p}:" for p in undeclared)
        return (where + f"an undeclared prefix {named} ".replace("  ", " ")
                + "(declare it with PREFIX; the project's own, such as hkg: and kg:, need none)")
    if text.startswith("expected one of "):
        choices = [c for c in re.split(r", (?=\S)", text[len("expected one of "):])]
        # the character classes say little, but that a number would do; that goes first
        choices = (["a number"] if any("'0'..='9'" in c for c in choices) else []) + \
            [c for c in choices if not c.startswith("[")]
        text = "expected " + " or ".join(choices[:4]) + (" or something else" if len(choices) > 4 else "") \
            if choices else "unexpected text here"
    return where + (text if len(text) <= 160 else text[:157] + "...")


def http_url(url: str, option: str = "--endpoint") -> str:
    """``url`` when it is an http or https URL with a host; else a usage error naming
    ``option``. Other schemes are refused (``file:`` would read this machine's files), and so
    are credentials in the URL, which other users of the machine can read on the command line
    and which would be printed in messages."""
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise UsageError(f"{option} {url}: not a valid URL ({error})") from None
    if parts.username is not None or parts.password is not None:
        raise UsageError(f"{option}: credentials in the URL are refused; set HERITAGE_KG_USER and "
                         "HERITAGE_KG_PASSWORD, or use a netrc file")
    if any(char.isspace() or ord(char) < 32 for char in url):
        raise UsageError(f"{option} {url!r}: not a valid URL (it holds a space or a control character)")
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError(f"{option} {url}: not an http or https URL")
    return url


class RemoteEngine:
    """Queries a SPARQL 1.1 Protocol endpoint through SPARQLWrapper."""

    def __init__(self, endpoint: str, timeout: float = 30.0, default_graph: str | None = None):
        self.endpoint = http_url(endpoint)
        self.timeout = timeout
        #: Sent as the protocol's default-graph-uri, so that queries read this named graph.
        self.default_graph = default_graph

    def query(self, text: str, name: str = "query", fmt: str | None = None) -> Result:
        """The answer to ``text``, as rows: ``fmt`` is accepted for the common interface, and
        the rows are written in it by `results.render`."""
        from SPARQLWrapper import POST, SPARQLWrapper

        client = SPARQLWrapper(self.endpoint)
        client.setMethod(POST)
        client.setTimeout(int(max(1, self.timeout)))
        client.setQuery(with_prefixes(text))
        # SPARQLWrapper guesses the form from the first keyword it sees, comments included, so a
        # header that says "describe" or "load" would be sent as the wrong kind of request
        client.queryType = form = query_form(text)
        if self.default_graph:
            client.addDefaultGraph(self.default_graph)
        if form in ("CONSTRUCT", "DESCRIBE"):
            client.setReturnFormat("nt")
            client.addCustomHttpHeader("Accept", "application/n-triples")
        else:
            client.setReturnFormat("json")
        response = self._send(client, name)
        headers = {k.lower(): v for k, v in response.response.headers.items()}
        status = getattr(response.response, "status", getattr(response.response, "code", 200))
        incomplete = _partial(status, headers)
        body = response.response.read()
        if form in ("CONSTRUCT", "DESCRIBE"):
            try:
                triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            except SyntaxError as error:
                raise EndpointError(f"{self.endpoint}: unreadable N-Triples answer: {error}") from None
            return Result("graph", triples=triples, incomplete=incomplete)
        try:
            data = json.loads(body)
        except ValueError:
            raise EndpointError(f"{self.endpoint}: the answer is not SPARQL JSON results") from None
        if "boolean" in data:
            return Result("boolean", boolean=bool(data["boolean"]), incomplete=incomplete)
        variables = data.get("head", {}).get("vars", [])
        rows = [{k: _term(v) for k, v in row.items()} for row in data.get("results", {}).get("bindings", [])]
        return Result("bindings", variables=variables, rows=rows, incomplete=incomplete)

    def _send(self, client, name: str):
        import socket
        import urllib.error

        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        try:
            return client.query()
        except SPARQLWrapperException as error:
            message = str(error).splitlines()[0]
            if "QueryBadFormed" in type(error).__name__ or "400" in message:
                raise QueryError(f"{name}: the endpoint rejected the query: {message}") from None
            raise EndpointError(f"{self.endpoint}: {message}") from None
        except urllib.error.HTTPError as error:
            raise EndpointError(f"{self.endpoint}: HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
                raise EndpointError(f"{self.endpoint}: no answer within {self.timeout:g} s") from None
            raise EndpointError(f"{self.endpoint}: unreachable: {reason}") from None


def _partial(status: int, headers: dict[str, str]) -> str | None:
    """Why the answer is partial, by what the server said, or None: HTTP 206, Virtuoso's anytime
    query (X-SQL-State) and row limit (X-SPARQL-MaxRows), and `heritage-kg serve`'s row cap
    (X-Result-Truncated)."""
    if headers.get("x-result-truncated", "").lower().startswith("true"):
        return f"the endpoint cut the answer short (X-Result-Truncated: {headers['x-result-truncated']})"
    if "x-sparql-maxrows" in headers:
        return f"the endpoint cut the answer at its row limit (X-SPARQL-MaxRows: {headers['x-sparql-maxrows']})"
    if status == 206 or "x-sql-state" in headers:
        return f"the endpoint sent a partial answer (HTTP {status}, X-SQL-State {headers.get('x-sql-state', '-')})"
    return None


def _term(binding: dict):
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        # Virtuoso labels blank nodes "nodeID://b10493", which is no valid label in RDF syntaxes
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", value) or "b")
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)
