"""Writing results: to stdout, or atomically to a file (a temporary file, then a rename)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Callable

from . import scratch
from .errors import UsageError


def check_writable(path: Path) -> None:
    """Fail early, before any work, if ``path`` cannot be written."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder, not a file")
    if not folder.is_dir():
        raise UsageError(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{path}: not writable")


def _mode_for(path: Path) -> int:
    """The mode a plain open() would give: the existing file's, else 0666 less the umask
    (mkstemp makes its files private, which a published dump must not be)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def write_atomic(path: Path, text: str | bytes | None = None, source: Path | None = None) -> None:
    """Write ``text`` (or bytes), or a copy of the file ``source``, to ``path`` through a
    temporary file, which is removed if anything fails, the process being interrupted included;
    what an earlier run that was killed left is swept first.

    A symbolic link is followed, and the file it names replaced. A device, a pipe or a socket
    (``-o /dev/null``) is written to as it is: replacing it by a file would break it."""
    check_writable(path)
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        _write_through(path, text, source)
        return
    scratch.sweep(path)
    fd, tmp = _made(path)
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as handle:
                handle.write(text)
        elif source is None:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        else:
            with os.fdopen(fd, "wb") as handle, open(source, "rb") as original:
                shutil.copyfileobj(original, handle, 1 << 20)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_many(texts: dict[Path, str]) -> None:
    """Write several files, all or none: each text goes to a temporary file beside its target
    first, and the files are renamed into place only once every one is written, so a failure
    (a full disk, an unwritable folder, Ctrl-C) leaves every target as it was."""
    written: list[tuple[str, Path]] = []
    try:
        for path, text in texts.items():
            check_writable(path)
            path = path.resolve() if path.is_symlink() else path
            scratch.sweep(path)
            fd, tmp = _made(path)
            written.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            os.chmod(tmp, _mode_for(path))
    except OSError as error:
        _forget(texts, written)
        raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None
    except BaseException:
        _forget(texts, written)
        raise
    for tmp, path in written:
        os.replace(tmp, path)


def write_tree(folder: Path, make: Callable[[Callable[[str, bytes], None]], None]) -> None:
    """Write a new folder, all or none: ``make`` is called with a function that writes one file
    of it (its name relative to the folder, with "/" for sub-folders, and its bytes), so that the
    files need not all be held at once. They are written in a scratch folder beside ``folder``,
    which is renamed into place once ``make`` has returned; ``folder`` may exist if it is empty."""
    folder = folder.absolute()
    scratch.sweep(folder)
    try:
        building = scratch.make_folder(folder)
    except OSError as error:
        raise UsageError(f"{folder}: cannot write: {error.strerror or error}") from None
    mode = _mode_for(folder / "-")

    def put(name: str, body: bytes) -> None:
        path = building / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        os.chmod(path, mode)

    try:
        make(put)
        os.chmod(building, 0o777 & ~_umask())
        if folder.is_dir():
            folder.rmdir()  # empty, as the command checked: the rename needs it gone
        os.rename(building, folder)
    except OSError as error:
        shutil.rmtree(building, ignore_errors=True)
        raise UsageError(f"{folder}: cannot write: {error.strerror or error}") from None
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _forget(texts: dict, written: list) -> None:
    """Remove the temporary files of a `write_many` that failed, named or not yet."""
    for tmp, _ in written:
        Path(tmp).unlink(missing_ok=True)
    for path in texts:
        scratch.remove_own(path.resolve() if path.is_symlink() else path)


def _made(path: Path) -> tuple[int, str]:
    """A temporary file beside ``path``; none is left if a signal lands while it is made."""
    try:
        return scratch.make_file(path)
    except BaseException:
        scratch.remove_own(path)
        raise


def _write_through(path: Path, text: str | bytes | None, source: Path | None) -> None:
    try:
        with open(path, "wb") as handle:
            if source is not None:
                with open(source, "rb") as original:
                    shutil.copyfileobj(original, handle, 1 << 20)
            else:
                handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))
    except OSError as error:
        raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None


def emit(text: str | bytes, output: Path | None) -> None:
    """Write ``text`` (or UTF-8 bytes) to stdout or, atomically, to ``output``."""
    if output is None and isinstance(text, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.buffer.flush()
    elif output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(output, text)


def emit_file(source: Path, output: Path | None) -> None:
    """Copy the file ``source`` to stdout or, atomically, to ``output``."""
    if output is None:
        sys.stdout.flush()
        with open(source, "rb") as original:
            shutil.copyfileobj(original, sys.stdout.buffer, 1 << 20)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, source=source)
