"""Progress of long work: drawn on stderr when it is a terminal, wiped at the end, and never
written where stderr is a pipe or a file."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys

from .conftest import ROOT


def _on_a_terminal(args: list[str]) -> tuple[int, bytes]:
    """Run the command with stderr on a pseudo-terminal; what the terminal received."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), *args],
                               stdout=subprocess.DEVNULL, stderr=terminal, close_fds=True)
    os.close(terminal)
    received = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        received += chunk
    os.close(controller)
    return process.wait(timeout=60), received


def test_load_draws_its_phases_on_a_terminal(tmp_path):
    code, received = _on_a_terminal(["load", "--store", str(tmp_path / "s.store")])
    assert code == 0
    for phase in (b"parsing", b"adding the standard-vocabulary triples", b"writing the store and its N-Triples export"):
        assert phase in received
    # the drawing is wiped before the command's own last line, which stands alone
    assert received.rstrip().rsplit(b"\n", 1)[-1].split(b"\x1b[2K")[-1].startswith(b"load: ")


def test_validate_draws_the_shapes_on_a_terminal():
    code, received = _on_a_terminal(["validate"])
    assert code == 0 and b"checking the shapes" in received


def test_nothing_is_drawn_on_a_pipe(tmp_path):
    done = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), "load", "--store",
                           str(tmp_path / "s.store")], capture_output=True, timeout=120)
    assert done.returncode == 0
    assert done.stderr.decode().startswith("load: ") and len(done.stderr.splitlines()) == 1
    assert b"\x1b" not in done.stderr
