"""The guard around every command: whatever goes wrong becomes one line on stderr and the
documented exit code, never a traceback.

- 0 success; 1 the data or the query failed; 2 a usage error (click's own included, on one line
  with the command whose help to read);
- 130 when interrupted by Ctrl-C (SIGINT), 143 by SIGTERM, as shells expect. SIGTERM is raised as
  an exception where the program is, as Ctrl-C is, so that every ``finally`` and
  ``except BaseException`` that removes a temporary file or folder runs before the process ends.
- Anything else is a bug: one line that says so, exit 1; ``HERITAGE_KG_DEBUG=1`` shows the
  traceback.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import threading
import traceback

import click

from .errors import HeritageKGError

DEBUG_ENV = "HERITAGE_KG_DEBUG"
INTERRUPTED = 130
TERMINATED = 143


class Terminated(BaseException):
    """SIGTERM was received. A BaseException, as KeyboardInterrupt is, so that ``except
    Exception`` does not swallow it."""


class Interrupted(BaseException):
    """Ctrl-C, carried past click, which would print an empty line for a KeyboardInterrupt."""


class ReaderGone(BaseException):
    """The reader of stdout went away (``| head``), carried past click, which would exit 1."""


def _terminate(signum, frame):
    raise Terminated()


@contextlib.contextmanager
def terminating():
    """SIGTERM raises `Terminated` in the main thread while the block runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def uninterrupted():
    """Hold SIGINT and SIGTERM back while the block runs (renames that must happen together, a
    thread that must be started and waited for), and deliver them after it, to the handlers in
    place then. The handlers are swapped rather than the signals blocked, since the system may
    hand a signal to any thread, and Python runs its handler in the main thread all the same."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum, frame):
        held.append(signum)
    previous = {signum: signal.signal(signum, hold) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if held:
            signal.raise_signal(held[0])


def say(message: str) -> None:
    """One line on stderr, however many lines ``message`` has."""
    click.echo("Error: " + " ".join(str(message).split()), err=True)


def exit_code(call) -> int:
    """Run ``call`` (click's main, not standalone) and turn whatever it raises into an exit code,
    having said what went wrong in one line."""
    try:
        with terminating():
            result = call()
        return result if isinstance(result, int) else 0
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        say(stop.code)
        return 1
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.UsageError as error:
        where = f"; see '{error.ctx.command_path} --help'" if error.ctx is not None else ""
        message = re.sub(r"\. Did you mean (.*)\?$", r" (did you mean \1?)", error.format_message())
        say(message.rstrip(".") + where)
        return error.exit_code
    except click.ClickException as error:
        say(error.format_message())
        return error.exit_code
    except HeritageKGError as error:
        say(str(error))
        return error.exit_code
    except (click.Abort, KeyboardInterrupt, Interrupted):
        say("interrupted")
        return INTERRUPTED
    except Terminated:
        say("terminated")
        return TERMINATED
    except (BrokenPipeError, ReaderGone):
        # the reader went away (| head), which is no failure: stop quietly, and let nothing more
        # be flushed into the closed pipe when the process ends
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except RecursionError:  # before RuntimeError, of which it is one
        say("the input is nested too deeply to process")
        return 1
    except MemoryError:
        say("out of memory")
        return 1
    except (OSError, RuntimeError) as error:
        if "Corruption" in str(error):
            # RocksDB checks a block when it first reads it, so damage can surface after opening
            say(f"the store is damaged ({str(error).splitlines()[0]}); rebuild it with "
                "'heritage-kg load --store DIR --force'")
            return 2
        if isinstance(error, OSError):  # the system failed us (a full disk), not the program
            where = f"{error.filename}: " if error.filename else ""
            say(f"{where}{error.strerror or error}")
            return 1
        return _bug(error)
    except Exception as error:
        return _bug(error)


def _bug(error: Exception) -> int:
    """A bug: still one line, unless asked for the traceback."""
    if os.environ.get(DEBUG_ENV):
        traceback.print_exception(error)
    say(f"internal error: {type(error).__name__}: {error}; this is a bug in heritage-kg "
        f"({DEBUG_ENV}=1 shows where)")
    return 1


class Group(click.Group):
    """A click group whose main runs every command inside `exit_code`."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted() from None
        except BrokenPipeError:
            raise ReaderGone() from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        sys.exit(exit_code(lambda: super(Group, self).main(args, prog_name, complete_var,
                                                           standalone_mode=False, **extra)))
