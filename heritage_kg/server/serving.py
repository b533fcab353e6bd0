"""Running the web service on its socket: in this process under Uvicorn, or in several processes
that Gunicorn forks once the service is made.

One process makes pages on one core. With ``processes`` above one, Gunicorn's arbiter makes the
application once (the names of every IRI and the ties of the hubs, which take time and memory
on a large graph: docs/scaling.md), then forks the page processes, which share that memory until they write to
it; it restarts any that dies, and stops them all when it is stopped. Each forked process runs
the application under Uvicorn, with its own query workers.

An on-disk store is not carried across the fork: the arbiter lets go of its handle before
forking, and each page process opens the folder read-only for itself (a RocksDB handle has
threads and locks, which a fork does not copy).

The socket is opened before the application is made, so that a port in use is reported at once
rather than after start-up, and nothing can take the port in between.
"""

from __future__ import annotations

import errno
import gc
import socket
from typing import Callable

import pyoxigraph as ox
from gunicorn.app.base import BaseApplication
from starlette.applications import Starlette

from ..errors import UsageError


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port``, or a UsageError naming the option at fault."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise UsageError(f"--host {host}: {error.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        sock.close()
        # an address this machine does not have is the host's fault; the rest, the port's
        option = f"--host {host}" if error.errno == errno.EADDRNOTAVAIL else f"--port {port}"
        raise UsageError(f"{option}: cannot listen on {host}:{port}: {(error.strerror or str(error)).lower()}") from None
    sock.set_inheritable(True)
    return sock


def run(make: Callable[[], Starlette], sock: socket.socket, processes: int = 1) -> None:
    """Serve the application that ``make`` returns on ``sock``, from ``processes`` processes."""
    if processes == 1:
        import uvicorn

        uvicorn.Server(uvicorn.Config(make(), log_level="warning")).run(sockets=[sock])
    else:
        _Forked(make, {
            "bind": f"fd://{sock.fileno()}",
            "workers": processes,
            "worker_class": "uvicorn_worker.UvicornWorker",
            "preload_app": True,
            "post_fork": _reopen,
            "proc_name": "heritage-kg",
            "loglevel": "warning",
            "accesslog": None,
            "errorlog": "-",
            # start-up is over before the fork, so a page process silent this long is stuck
            "timeout": 60,
        }).run()


class _Forked(BaseApplication):
    def __init__(self, make: Callable[[], Starlette], options: dict):
        self._make, self._options = make, options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Starlette:
        app = self._make()
        state = app.state.hkg
        if state.store_dir is not None:
            state.store = None  # the last reference: RocksDB closes before the fork
        # What was made is kept for good. Frozen, the collectors of the page processes never walk
        # it, so they neither pause on it nor copy the memory pages that hold it.
        gc.collect()
        gc.freeze()
        return app


def _reopen(arbiter, worker) -> None:
    state = arbiter.app.callable.state.hkg
    if state.store_dir is not None:
        state.store = ox.Store.read_only(str(state.store_dir))
