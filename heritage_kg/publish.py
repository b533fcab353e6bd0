"""Publishing the dataset to a SPARQL server with the SPARQL 1.1 Graph Store Protocol.

One HTTP PUT sends the whole export to ``ENDPOINT?graph=IRI`` (or ``ENDPOINT?default``). The
protocol defines PUT as "replace the graph with this content", in one request, so publishing
twice leaves one copy, and a reader sees either the old graph or the new one (on servers that
apply a request in one transaction, as Oxigraph and Virtuoso do).

Credentials are never taken from the command line, where other users of the machine can read
them: they come from $HERITAGE_KG_TOKEN (an access token, sent as HTTP Bearer), or
$HERITAGE_KG_USER and $HERITAGE_KG_PASSWORD, or else from the netrc file ($NETRC, else ~/.netrc)
entry of the endpoint's host. They are sent only over https, or to a loopback address; a user
and password go as HTTP Basic, or as HTTP Digest when the server asks for it (Virtuoso's
``/sparql-graph-crud-auth`` does).
"""

from __future__ import annotations

import ipaddress
import netrc
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import EndpointError, UsageError
from .formats import RDF_FORMATS

USER_ENV = "HERITAGE_KG_USER"
PASSWORD_ENV = "HERITAGE_KG_PASSWORD"
#: An access token sent as ``Authorization: Bearer`` (QLever's Graph Store Protocol takes one).
TOKEN_ENV = "HERITAGE_KG_TOKEN"
#: The formats a graph can be sent in: the Graph Store Protocol carries one graph, not a dataset.
FORMATS = ("nt", "ttl")
_OK = (200, 201, 204)


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)
    origin: str
    #: "password" (HTTP Basic, or Digest when the server asks) or "token" (HTTP Bearer)
    kind: str = "password"


@dataclass(frozen=True)
class Published:
    url: str
    triples: int
    size: int
    status: int
    seconds: float
    #: The query endpoint the graph's triple count was read back from, and that count.
    query_url: str = ""
    found: int = 0


#: Graph Store Protocol paths of well-known servers, and the query endpoint beside each.
_QUERY_BESIDE = (
    ("/store", "/query"),  # Oxigraph server
    ("/sparql-graph-crud-auth", "/sparql"),  # Virtuoso
    ("/sparql-graph-crud", "/sparql"),  # Virtuoso
    ("/data", "/sparql"),  # Apache Jena Fuseki
)


def query_endpoint_for(endpoint: str) -> str | None:
    """The query endpoint beside the Graph Store ``endpoint`` of a well-known server, or None."""
    parts = urllib.parse.urlsplit(endpoint)
    for store, query in _QUERY_BESIDE:
        if parts.path.endswith(store):
            path = parts.path[: -len(store)] + query
            return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return None


def targets(endpoint: str, graph: str | None, query_endpoint: str | None) -> tuple[str, str]:
    """The Graph Store URL to send ``graph`` to, and the query endpoint to count it back from;
    a usage error when either cannot be told."""
    from .engine import http_url

    url = target_url(endpoint, graph)
    query_url = query_endpoint or query_endpoint_for(endpoint)
    if query_url is None:
        raise UsageError(f"--endpoint {endpoint}: cannot tell this server's query endpoint, from which the "
                         "published triples are counted back; give it with --query-endpoint URL")
    return url, http_url(query_url, "--query-endpoint")


def count_query(graph: str | None) -> str:
    """The SPARQL that counts the triples of ``graph`` (the default graph when None)."""
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"


#: What the named graphs of a server hold, which a default graph that is their union holds too.
_IN_NAMED_GRAPHS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def read_back(query_url: str, graph: str | None, timeout: float, sent: int) -> int:
    """How many of the triples sent ``graph`` holds, as the server's query endpoint counts them.
    A default graph that is the union of all graphs (Virtuoso's, or Oxigraph's with
    --union-default-graph) also holds the named graphs' triples, which are taken off."""
    found = _count(query_url, count_query(graph), timeout)
    if graph is None and found != sent:
        beside = _count(query_url, _IN_NAMED_GRAPHS, timeout)
        if beside and found == sent + beside:
            return sent
    return found


def _count(query_url: str, text: str, timeout: float) -> int:
    from .engine import RemoteEngine

    try:
        rows = RemoteEngine(query_url, timeout).query(text, name="count").rows
        return int(rows[0]["n"].value)
    except (IndexError, KeyError, ValueError, AttributeError):
        raise EndpointError(f"{query_url}: the count of the published graph came back unreadable") from None


def target_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of ``graph`` (the default graph when None) at ``endpoint``."""
    from .engine import http_url

    parts = urllib.parse.urlsplit(http_url(endpoint))
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError:
            raise UsageError(f"--graph {graph}: not an absolute IRI") from None
        if ":" not in graph:
            raise UsageError(f"--graph {graph}: not an absolute IRI")
        extra = "graph=" + urllib.parse.quote(graph, safe="")
    else:
        extra = "default"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def credentials(host: str) -> Credentials | None:
    """Credentials for ``host``: from the environment, else from the netrc file, else None."""
    token = os.environ.get(TOKEN_ENV)
    if token:
        return Credentials("", token, "the environment", kind="token")
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user is not None or password is not None:
        if not user or password is None:
            raise UsageError(f"set both {USER_ENV} and {PASSWORD_ENV}, or neither")
        return Credentials(user, password, "the environment")
    explicit = os.environ.get("NETRC")
    path = Path(explicit) if explicit else Path.home() / ".netrc"
    if not path.is_file():
        if explicit:
            raise UsageError(f"NETRC={explicit}: no such file")
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as error:
        raise UsageError(f"{error.filename or path}:{error.lineno}: bad netrc file: {error.msg}") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror or error}") from None
    if entry is None:
        return None
    login, _, secret = entry
    if not login or secret is None:
        return None
    return Credentials(login, secret, f"netrc file {path}")


def payload(store: ox.Store, fmt: str) -> tuple[bytes, int]:
    """The export of ``store`` in ``fmt`` (the same bytes as `heritage-kg export`), and how
    many triples it holds."""
    from .export import make_export

    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt}: the Graph Store Protocol takes one of {', '.join(FORMATS)}")
    made = make_export(store, fmt)
    return made.body, made.triples


def publish(store: ox.Store, endpoint: str, graph: str | None = None, fmt: str = "nt",
            timeout: float = 60.0, ready: tuple[bytes, int] | None = None,
            query_endpoint: str | None = None) -> Published:
    """Replace ``graph`` at the Graph Store ``endpoint`` with the dataset held by ``store``;
    ``ready`` is its `payload` in ``fmt`` where that is made already (an on-disk store keeps
    its N-Triples export). Then read the graph's triple count back from ``query_endpoint`` (by
    default the one beside ``endpoint`` on well-known servers), and fail when it is not what
    was sent."""
    url, query_url = targets(endpoint, graph, query_endpoint)
    host = urllib.parse.urlsplit(url).hostname or ""
    creds = credentials(host)
    if creds is not None and urllib.parse.urlsplit(url).scheme != "https" and not is_loopback(host):
        raise UsageError(f"--endpoint {endpoint}: refusing to send the credentials from {creds.origin} "
                         "over plain http; use an https URL")
    body, count = ready if ready is not None else payload(store, fmt)
    started = time.monotonic()
    status = put(url, body, RDF_FORMATS[fmt].media_type, creds, timeout)
    seconds = time.monotonic() - started
    found = read_back(query_url, graph, timeout, count)
    if found != count:
        where = f"graph <{graph}>" if graph else "the default graph"
        raise EndpointError(f"{_public(url)}: HTTP {status}, but {query_url} counts {found} triples in {where} "
                            f"where {count} were sent; the server did not store the dataset whole")
    return Published(url, count, len(body), status, seconds, query_url, found)


def put(url: str, body: bytes, media_type: str, creds: Credentials | None, timeout: float) -> int:
    """Send one PUT; return the HTTP status, or raise EndpointError with a one-line reason.

    With credentials, an OPTIONS request (safe, and without a body) first asks which scheme the
    server wants, so that the body is sent once: HTTP Digest when it says so, else HTTP Basic.
    """
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": f"{media_type}; charset=utf-8"})
    if creds is not None:
        challenge = _challenge(url, timeout) if creds.kind == "password" else ""
        request.add_unredirected_header("Authorization", _authorization(request, creds, challenge))
    opener = urllib.request.build_opener()
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        detail = _detail(error)
        hint = ""
        if error.code in (401, 403) and creds is None:
            hint = f" (no credentials were sent: set {USER_ENV} and {PASSWORD_ENV}, or a netrc entry)"
        raise EndpointError(f"{_public(url)}: HTTP {error.code} {error.reason}{detail}{hint}") from None
    except (urllib.error.URLError, OSError) as error:
        raise _unreachable(url, error, timeout) from None
    if status not in _OK:
        raise EndpointError(f"{_public(url)}: unexpected HTTP {status}")
    return status


def _challenge(url: str, timeout: float) -> str:
    """The WWW-Authenticate header that an unauthenticated OPTIONS request gets, or ""."""
    probe = urllib.request.Request(url, method="OPTIONS")
    try:
        with urllib.request.build_opener().open(probe, timeout=timeout) as response:
            response.read()
            return ""
    except urllib.error.HTTPError as error:
        error.read()
        return error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
    except (urllib.error.URLError, OSError) as error:
        raise _unreachable(url, error, timeout) from None


def _authorization(request: urllib.request.Request, creds: Credentials, challenge: str) -> str:
    if creds.kind == "token":
        return f"Bearer {creds.password}"
    scheme, _, params = challenge.partition(" ")
    if scheme.lower() == "digest":
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, request.full_url, creds.user, creds.password)
        digest = urllib.request.HTTPDigestAuthHandler(passwords)
        answer = digest.get_authorization(request, urllib.request.parse_keqv_list(urllib.request.parse_http_list(params)))
        if answer:
            return f"Digest {answer}"
    token = b64encode(f"{creds.user}:{creds.password}".encode("utf-8")).decode("ascii")
    return f"Basic {token}"


def _unreachable(url: str, error: OSError, timeout: float) -> EndpointError:
    reason = getattr(error, "reason", error)
    if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
        return EndpointError(f"{_public(url)}: no answer within {timeout:g} s")
    if isinstance(reason, (BrokenPipeError, ConnectionResetError)):
        return EndpointError(f"{_public(url)}: the server closed the connection during the upload "
                             "(it may have refused the credentials or the size of the body)")
    return EndpointError(f"{_public(url)}: unreachable: {reason}")


def _public(url: str) -> str:
    """``url`` without any user:password@ part, for messages."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def _detail(error: urllib.error.HTTPError) -> str:
    """The first line of a plain-text error body, if short; HTML bodies say nothing useful."""
    try:
        text = error.read(2000).decode("utf-8", errors="replace")
    except OSError:
        return ""
    if "<" in text[:200]:
        return ""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f": {line[:200]}" if line else ""
