"""Real servers for tests, on loopback ports, always stopped by the test that starts them."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with {process.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, even if not with 200
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start within {seconds} s:\n{log.read_text(errors='replace')[-2000:]}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group (with any workers it started), then SIGKILL."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # workers left behind by a server that died
    if process.poll() is None:
        process.wait(timeout=10)


@contextlib.contextmanager
def _server_process(command: list[str], probe: str, port: int, log_dir: Path | None = None, **popen):
    """Run ``command`` in its own process group, logging to a file; yield its base URL and the
    process; always stop it."""
    with contextlib.ExitStack() as stack:
        folder = log_dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        log = folder / f"server-{port}.log"
        with open(log, "wb") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True, **popen)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base + probe, process, log)
            yield base, process
        finally:
            _stop(process)


@contextlib.contextmanager
def _server(command: list[str], probe: str, port: int, log_dir: Path | None = None, **popen):
    with _server_process(command, probe, port, log_dir, **popen) as (base, _):
        yield base


@contextlib.contextmanager
def oxigraph_server(location: Path, dump: Path | None = None, *extra: str):
    """Oxigraph's own server (the `oxigraph` package on PyPI) on a free loopback port; ``extra``
    are more options of `oxigraph serve`."""
    exe = shutil.which("oxigraph")
    if exe is None:
        pytest.fail("the oxigraph server is not installed: pip install -e '.[test]' installs it")
    if dump is not None:
        subprocess.run([exe, "load", "--location", str(location), "--file", str(dump)], check=True, capture_output=True)
    port = free_port()
    with _server([exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *extra],
                 "/query?query=ASK%7B%7D", port) as base:
        yield base


@contextlib.contextmanager
def heritage_kg_server(root: Path, *extra: str, log_dir: Path | None = None):
    """`heritage-kg serve` in its own process on a free loopback port; stopped on exit."""
    with heritage_kg_process(root, *extra, log_dir=log_dir) as (base, _):
        yield base


@contextlib.contextmanager
def heritage_kg_process(root: Path, *extra: str, log_dir: Path | None = None):
    """`heritage_kg_server`, yielding the server's process too."""
    port = free_port()
    # one page process unless a test asks for more: 'auto', the default, would fork one per core
    # for every server a test starts (tests/test_server_processes.py tests the default)
    chosen = () if "--processes" in extra else ("--processes", "1")
    command = [sys.executable, "-m", "heritage_kg.cli", "--root", str(root), "serve", "--host", "127.0.0.1",
               "--port", str(port), *chosen, *extra]
    with _server_process(command, "/sparql?query=ASK%7B%7D", port, log_dir, cwd=root) as found:
        yield found


@contextlib.contextmanager
def silent_server():
    """A loopback server that accepts connections and never answers: a hung endpoint."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        listener.close()


@contextlib.contextmanager
def partial_answer_server(status: int = 206, headers: dict | None = None):
    """A loopback endpoint that answers every query as Virtuoso does when it cuts a result short."""
    from http.server import BaseHTTPRequestHandler

    body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://example.org/a"}}]}}'

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    with threaded_http_server(Handler) as port:
        yield f"http://127.0.0.1:{port}/sparql"


@contextlib.contextmanager
def threaded_http_server(handler):
    """A stdlib HTTP server with ``handler`` on a free loopback port, in a thread; yields the port."""
    from http.server import ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)
