"""Temporary files and folders of our own naming, made beside what they will replace.

Their names carry the id of the process that made them, ``.NAME.PID.RANDOM.tmp`` or
``.NAME.PID.RANDOM.building``, so that a later run can tell one left by a process that was killed
(SIGKILL, a power cut: nothing can clean up after those) from one that a running process is still
writing, and sweep only the first kind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

#: The name, inside a build's scratch folder, under which the folder it replaces is put aside.
ASIDE = "old"
#: Scratch of the naming before process ids were added is swept once it is this old, in seconds.
_UNNAMED_AGE = 24 * 3600


def make_file(target: Path) -> tuple[int, str]:
    """A new temporary file beside ``target``: (open file descriptor, path)."""
    return tempfile.mkstemp(dir=_folder(target), prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")


def make_folder(target: Path) -> Path:
    """A new temporary folder beside ``target``."""
    return Path(tempfile.mkdtemp(dir=_folder(target), prefix=f".{target.name}.{os.getpid()}.", suffix=".building"))


def sweep(target: Path) -> list[Path]:
    """Remove the scratch that runs now gone left beside ``target``; return what was removed."""
    removed = []
    for entry, match in _ours(target):
        if not _abandoned(entry, match.group(1)):
            continue
        path = Path(entry.path)
        try:
            if match.group(2) == "building" and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            elif match.group(2) == "tmp" and entry.is_file(follow_symlinks=False):
                path.unlink()
            else:
                continue
        except OSError:
            continue
        removed.append(path)
    return removed


def remove_own(target: Path) -> None:
    """Remove the temporary files this process made beside ``target``: one a signal interrupted
    in the making, before its name was known."""
    for entry, match in _ours(target):
        if match.group(1) == str(os.getpid()) and match.group(2) == "tmp":
            Path(entry.path).unlink(missing_ok=True)


def restore_aside(target: Path) -> Path | None:
    """Put back the folder that a build killed between its two renames left aside in its scratch
    folder, when nothing has taken ``target``'s place since; return the folder it came from."""
    if target.exists():
        return None
    for entry, match in _ours(target):
        aside = Path(entry.path) / ASIDE
        if match.group(2) == "building" and match.group(1) and _abandoned(entry, match.group(1)) and aside.is_dir():
            aside.rename(target)
            return Path(entry.path)
    return None


def _ours(target: Path):
    """(entry, match) for each file or folder beside ``target`` named as our scratch for it; the
    match's groups are the process id (None in the older naming) and the kind."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:(\d+)\.)?[A-Za-z0-9_]{{8}}\.(tmp|building)")
    try:
        entries = list(os.scandir(_folder(target)))
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is not None:
            yield entry, match


def _abandoned(entry: os.DirEntry, pid: str | None) -> bool:
    """Whether the process that made ``entry`` is gone: no process has its id, or the one that
    has it started after ``entry`` was last written (ids are reused: in a container, every run
    may be process 1)."""
    try:
        written = entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    if pid is None:
        return time.time() - written > _UNNAMED_AGE
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, OverflowError):
        return True
    except PermissionError:
        pass  # a live process of another user
    started = _started(int(pid))
    return started is not None and started > written


def _started(pid: int) -> float | None:
    """When process ``pid`` started, in seconds since the epoch (Linux's /proc), or None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            # the command name, in parentheses, may hold spaces: the fields after it are split
            ticks = int(handle.read().rpartition(")")[2].split()[19])
        with open("/proc/stat", encoding="ascii") as handle:
            boot = next(int(line.split()[1]) for line in handle if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _folder(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")
