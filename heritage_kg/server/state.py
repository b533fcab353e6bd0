"""What every part of the web service shares: the settings, the published store, the templates."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..describe import PACKAGE, Edition
from ..names import Names
from ..project import Project


@dataclass(frozen=True)
class Settings:
    #: Seconds a SPARQL query may run before its worker is killed.
    query_timeout: float = 10.0
    #: Most rows (or triples) a SPARQL answer carries; more are cut and the answer is flagged.
    row_cap: int = 10_000
    #: Largest request body accepted, in bytes.
    max_body: int = 64 * 1024
    #: Largest query text accepted, in characters.
    max_query: int = 20_000
    #: Worker processes that evaluate SPARQL queries.
    workers: int = 2
    #: Public base of entity IRIs; the server answers for them under its own host.
    base: str = "https://w3id.org/heritage-kg/"
    #: The edition the dumps and the VoID description say they are (a release's, for its site).
    edition: Edition = PACKAGE
    #: Whether pages are kept once made; the static site asks for each page once, and keeps none.
    keep_pages: bool = True
    #: Whether the explorer's and the timeline's pages carry what the static site's scripts need
    #: to answer their filters in the browser (`heritage_kg.staticsite`).
    offline: bool = False


@dataclass
class State:
    project: Project
    settings: Settings
    store: ox.Store
    #: The on-disk store being published (``serve --store``), and its manifest's hash of sources.
    store_dir: Path | None = None
    source_hash: str | None = None
    #: The N-Triples export that the on-disk store keeps (a `heritage_kg.keptexport.KeptExport`).
    kept_dump: object | None = None
    _cache: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    _key_locks: dict = field(default_factory=dict)

    def cached(self, key, make, keep=None):
        """Compute once per process (dumps, the ontology page, the search index), or each time
        when ``keep`` says the value is not worth keeping.

        Each key has its own lock, held only while that value is made, so a slow value (a dump)
        never blocks the others, and ``make`` may itself use other cached values. When ``keep``
        is given, a value is kept only if ``keep(value)`` is true; otherwise it is made afresh
        each time it is asked for."""
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._cache:
                    return self._cache[key]
            value = make()
            with self._lock:
                if keep is None or keep(value):
                    self._cache[key] = value
                # whoever waits on this lock finds the value in the cache, or makes it again
                self._key_locks.pop(key, None)
            return value

    def holds(self, key) -> bool:
        """Whether ``key`` has a value kept."""
        with self._lock:
            return key in self._cache

    @property
    def triples(self) -> int:
        """How many triples are published, counted once per process (at a million triples, a
        count takes half a second, too long for every view of the home page)."""
        return self.cached("triples", lambda: len(self.store))

    @property
    def data_version(self) -> str:
        """A short hash of the published triples, used in ETags. An on-disk store is identified by
        its manifest's hash of the files it was built from, without reading a triple."""
        if self.source_hash:
            return self.source_hash[:16]

        def make():
            digest = hashlib.sha256()
            for line in sorted(str(q) for q in self.store):
                digest.update(line.encode())
            return digest.hexdigest()[:16]
        return self.cached("data-version", make)


TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")


def names(state: State) -> Names:
    """The names index of the published store, built once per process."""
    return state.cached("pages:names", lambda: Names(state.store))
