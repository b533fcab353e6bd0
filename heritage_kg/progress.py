"""Progress of long work (a load, an export, a validation at a million triples), shown on a
terminal and nowhere else.

The library marks its phases with `phase`, which does nothing unless the command line has asked
for progress with `shown_on` and stderr is a terminal: a pipe, a file and CI logs stay clean.
Drawing is left to rich, which redraws from a thread of its own, so a phase that cannot count its
steps (one long call into Oxigraph or rdflib) still shows that it is alive and for how long. The
drawing lasts while a phase runs and is wiped when the last one ends, so that what a command
prints between phases, and after them, stands alone.
"""

from __future__ import annotations

import contextlib
import threading

_lock = threading.Lock()
_stream = None  # where to draw, when shown
_drawing = None  # the rich Progress being drawn, while a phase runs
_open = 0  # phases running


def _nothing(advance: int = 1) -> None:
    return None


@contextlib.contextmanager
def phase(description: str, total: float | None = None):
    """A phase of work; yields a function that records ``advance`` steps out of ``total`` (None
    when the steps cannot be counted)."""
    global _drawing, _open
    if _stream is None:
        yield _nothing
        return
    with _lock:
        if _drawing is None:
            _drawing = _progress(_stream)
            _drawing.start()
        _open += 1
        drawing = _drawing
        task = drawing.add_task(description, total=total)
    try:
        yield lambda advance=1: drawing.advance(task, advance)
    finally:
        with _lock:
            _open -= 1
            if _open == 0:
                drawing.stop()
                _drawing = None
            else:
                drawing.update(task, completed=total if total is not None else 1, total=total or 1)


def _progress(stream):
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                    TimeElapsedColumn(), console=Console(file=stream), transient=True,
                    redirect_stdout=False, redirect_stderr=False)


@contextlib.contextmanager
def shown_on(stream):
    """Draw the phases of the work done in the block on ``stream``, if it is a terminal."""
    global _stream
    if not getattr(stream, "isatty", lambda: False)() or _stream is not None:
        yield
        return
    _stream = stream
    try:
        yield
    finally:
        _stream = None
