"""SPARQL evaluation in worker processes that can be killed.

A query cannot be interrupted inside rdflib or Oxigraph from another thread, so every query of
the public endpoint runs in a separate process. The parent waits for the answer up to the time
limit; past it, the worker is killed and replaced, and the request gets a clear error. Each
worker holds its own copy of the published graph, in the default graph and in the named graph
<https://w3id.org/heritage-kg/graph>. Nothing in a worker can reach outside: queries with
SERVICE are refused before they are sent, and FROM / FROM NAMED only select graphs of the local
store, which never fetches anything.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..serialise import GRAPH_IRI

_CONTEXT = multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class Job:
    query: str
    result_format: str  # json, xml, csv, tsv for solutions; ttl, nt, jsonld, xml for graphs
    row_cap: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    ok: bool
    body: bytes = b""
    kind: str = ""  # "bindings", "boolean" or "graph"
    truncated: bool = False
    error: str = ""


class QueryTimeout(Exception):
    pass


class Busy(Exception):
    pass


def _graph(iri: str):
    return ox.DefaultGraph() if iri == GRAPH_IRI else ox.NamedNode(iri)


def _take(items, cap: int) -> tuple[list, bool]:
    """At most ``cap`` items, and whether there were more."""
    taken = []
    for item in items:
        if len(taken) == cap:
            return taken, True
        taken.append(item)
    return taken, False


def _evaluate(store: ox.Store, job: Job) -> Answer:
    from ..engine import Result
    from ..results import render
    from ..serialise import serialise_triples

    kwargs = {}
    try:
        if job.default_graphs:
            kwargs["default_graph"] = [_graph(g) for g in job.default_graphs]
        if job.named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    except ValueError as error:
        return Answer(False, error=f"bad graph IRI: {error}")
    try:
        answer = store.query(job.query, **kwargs)
        if isinstance(answer, ox.QueryBoolean):
            result, truncated = Result("boolean", boolean=bool(answer)), False
        elif isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            solutions, truncated = _take(answer, job.row_cap)
            rows = [{v: solution[v] for v in variables if solution[v] is not None} for solution in solutions]
            result = Result("bindings", variables=variables, rows=rows)
        else:
            triples, truncated = _take(answer, job.row_cap)
            result = Result("graph", triples=triples)
    except SyntaxError as error:
        return Answer(False, error="SPARQL syntax error: " + str(error).replace("\n", " "))
    except (OSError, RuntimeError, ValueError) as error:
        return Answer(False, error=str(error).replace("\n", " "))
    if result.kind == "graph":
        body = serialise_triples(result.triples, job.result_format).encode("utf-8")
    else:
        body = render(result, job.result_format).encode("utf-8")
    return Answer(True, body=body, kind=result.kind, truncated=truncated)


def _worker(source: bytes | str, inbox, outbox) -> None:
    """Serve jobs from an in-memory copy of ``source`` (N-Triples), or, when ``source`` is the
    folder of an on-disk store, from that store opened read-only: no copy, nothing to load."""
    if isinstance(source, str):
        store = ox.Store.read_only(source)
    else:
        store = ox.Store()
        store.load(source, format=ox.RdfFormat.N_TRIPLES)
        store.load(source, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH_IRI))
    outbox.put("ready")
    while True:
        job = inbox.get()
        if job is None:
            return
        outbox.put(_evaluate(store, job))


class _Worker:
    def __init__(self, source: bytes | str):
        self.inbox = _CONTEXT.Queue()
        self.outbox = _CONTEXT.Queue()
        self.process = _CONTEXT.Process(target=_worker, args=(source, self.inbox, self.outbox), daemon=True)
        self.process.start()

    def wait_ready(self, seconds: float) -> None:
        if self.outbox.get(timeout=seconds) != "ready":
            raise RuntimeError("query worker failed to start")

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        for q in (self.inbox, self.outbox):
            q.close()
            # the thread that feeds a queue holds two of its semaphores until it ends; a job
            # already sits in the pipe, so it ends at once
            q.join_thread()


class Sandbox:
    """A pool of query workers with a time limit per query."""

    def __init__(self, store: ox.Store, workers: int = 2, timeout: float = 10.0, wait: float = 5.0,
                 store_dir: Path | None = None):
        if store_dir is not None:
            self.source: bytes | str = str(store_dir)
        else:
            self.source = ox.serialize(store, format=ox.RdfFormat.N_TRIPLES) if len(store) else b""
        self.timeout = timeout
        self.wait = wait
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        started = [self._spawn() for _ in range(max(1, workers))]
        for worker in started:
            worker.wait_ready(60)
            self._idle.put(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self.source)
        with self._lock:
            self._all.append(worker)
        return worker

    def _replace(self, dead: _Worker) -> None:
        dead.kill()
        with self._lock:
            if dead in self._all:
                self._all.remove(dead)
            if self._closed:
                return
        fresh = self._spawn()
        fresh.wait_ready(60)
        self._idle.put(fresh)

    def run(self, job: Job) -> Answer:
        """Evaluate ``job``; raise Busy when no worker frees up in time, QueryTimeout past the limit."""
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise Busy(f"all {len(self._all)} query workers are busy") from None
        worker.inbox.put(job)
        deadline = time.monotonic() + self.timeout
        try:
            answer = worker.outbox.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped") from None
        except (EOFError, OSError):
            threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
            raise QueryTimeout("the query worker died") from None
        self._idle.put(worker)
        return answer

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        while not self._idle.empty():  # the last references: each queue's semaphores go with it
            self._idle.get_nowait()
        for worker in workers:
            worker.kill()
