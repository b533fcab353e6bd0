"""`heritage-kg serve --processes N`: page processes forked once the service is made, each of
which answers by itself (an on-disk store opened again after the fork), replaced when one dies,
and all stopped with the server."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import ROOT
from .servers import heritage_kg_process
from .test_store import invoke


@pytest.fixture(scope="module")
def disk(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("forked") / "heritage-kg.store"
    assert invoke("load", "--store", str(folder)).exit_code == 0
    return folder


def _children(pid: int) -> list[int]:
    """The children of ``pid``, whichever of its threads started them."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            pass  # the thread has ended
    return found


def _descendants(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        found += [child, *_descendants(child)]
    return found


def _command(pid: int) -> bytes:
    """The process's command line, or nothing once it has ended (a process listed as a child a
    moment ago may be gone by the time it is read)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def _page_processes(server: subprocess.Popen) -> list[int]:
    """The forked copies of the server: its children that run the same command line (its query
    workers and their resource tracker are started afresh, so their command lines differ)."""
    return sorted(child for child in _children(server.pid) if _command(child) == _command(server.pid))


def _wait_for(condition, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not true after {seconds} s: {condition}")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _get(url: str, accept: str = "text/html") -> tuple[int, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=30) as response:
        return response.status, response.read()


def _answers(base: str) -> list[tuple[int, bytes]]:
    """A page, a description read from the published store, and a count by SPARQL."""
    count = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return [_get(f"{base}/page/icom"), _get(f"{base}/page/icom", "text/turtle"),
            _get(f"{base}/sparql?query={count}", "text/csv")]


@contextlib.contextmanager
def _alone(others: list[int]):
    """Stop the page processes ``others`` meanwhile, so that the one left accepts every connection."""
    for pid in others:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in others:
            os.kill(pid, signal.SIGCONT)


@pytest.mark.parametrize("on_disk", [False, True], ids=["in-memory", "store"])
def test_each_forked_process_answers_alone_and_all_agree(on_disk, disk, store):
    extra = ("--store", str(disk)) if on_disk else ()
    with heritage_kg_process(ROOT, "--processes", "2", "--workers", "1", *extra) as (base, server):
        pages = _wait_for(lambda: len(_page_processes(server)) == 2 and _page_processes(server))
        each = []
        for pid in pages:
            with _alone([other for other in pages if other != pid]):
                each.append(_answers(base))
        assert each[0] == each[1]
        assert [status for status, _ in each[0]] == [200, 200, 200]
        assert each[0][2][1].decode().splitlines() == ["n", str(len(store))]
        # and together, under concurrent requests
        with ThreadPoolExecutor(8) as pool:
            together = list(pool.map(lambda _: _answers(base), range(16)))
        assert all(answer == each[0] for answer in together)


def test_auto_the_default_forks_one_page_process_per_core():
    cores = len(os.sched_getaffinity(0))
    with heritage_kg_process(ROOT, "--processes", "auto", "--workers", "1") as (base, server):
        # one core: the service runs in the server's own process, with no forked copies
        pages = _wait_for(lambda: len(_page_processes(server)) == (cores if cores > 1 else 0)
                          and _page_processes(server) or cores == 1)
        assert pages is True or len(pages) == cores
        assert [status for status, _ in _answers(base)] == [200, 200, 200]
    shown = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "serve", "--help"],
                           capture_output=True, text=True, timeout=60).stdout
    shown = " ".join(shown.split())  # as one line, however the help is wrapped
    assert "'auto' is one for each core" in shown and "[default: auto]" in shown


@pytest.mark.parametrize("given", ["0", "two", "-1"])
def test_a_bad_count_of_processes_is_one_line(given):
    result = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), "serve",
                             "--port", "0", "--processes", given], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"Error: Invalid value for '--processes': '{given}' is neither a count of at least 1 "
                             "nor 'auto'; see 'heritage-kg serve --help'\n")


def test_a_page_process_that_dies_is_replaced(disk):
    with heritage_kg_process(ROOT, "--processes", "2", "--workers", "1", "--store", str(disk)) as (base, server):
        first = _wait_for(lambda: len(_page_processes(server)) == 2 and _page_processes(server))
        os.kill(first[0], signal.SIGKILL)
        later = _wait_for(lambda: (found := _page_processes(server)) and len(found) == 2 and first[0] not in found
                          and found)
        fresh = next(pid for pid in later if pid not in first)
        with _alone([first[1]]):
            assert [status for status, _ in _answers(base)] == [200, 200, 200]


def test_stopping_the_server_stops_every_process(disk, tmp_path):
    with heritage_kg_process(ROOT, "--processes", "2", "--workers", "1", "--store", str(disk),
                             log_dir=tmp_path) as (base, server):
        _wait_for(lambda: len(_page_processes(server)) == 2)
        _answers(base)  # query workers have started
        everything = _descendants(server.pid)
        assert len(everything) >= 2 + 2  # two page processes, and a query worker for each
        os.kill(server.pid, signal.SIGTERM)  # the server only, not its process group
        assert server.wait(timeout=30) == 0
        _wait_for(lambda: not any(_alive(pid) for pid in everything), seconds=15)
    # a clean stop: nothing but the line that says where it served (no traceback, no warning
    # about the query workers' queues left behind)
    [log] = tmp_path.glob("server-*.log")
    assert log.read_text().splitlines() == [f"serving heritage-kg on {base}/ (SPARQL at /sparql)"]


def test_a_port_in_use_is_one_line_before_start_up():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for processes in ("1", "2"):
            result = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), "serve",
                                     "--port", str(port), "--processes", processes],
                                    capture_output=True, text=True, timeout=60)
            assert result.returncode == 2, result.stderr
            assert result.stderr == f"Error: --port {port}: cannot listen on 127.0.0.1:{port}: address already in use\n"
            assert result.stdout == ""  # and no "serving ..." line: it failed before making the service


@pytest.mark.parametrize("host, message", [
    # no network needed for either: a scope that names no interface, an address not on this machine
    ("fe80::1%nosuchif", "Error: --host fe80::1%nosuchif: Name or service not known\n"),
    ("192.0.2.1", "Error: --host 192.0.2.1: cannot listen on 192.0.2.1:8123: cannot assign requested address\n"),
])
def test_a_bad_host_is_one_line(host, message):
    result = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), "serve",
                             "--host", host, "--port", "8123"], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr, result.stdout) == (2, message, "")
