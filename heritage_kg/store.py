"""The persistent store: the published graph in an on-disk Oxigraph store, built once by
``heritage-kg load --store DIR`` and opened read-only by the commands that take ``--store``.

The store holds what ``build.build_store`` holds (ontology/ and data/, parsed strictly, with the
standard-vocabulary triples materialised), but each Turtle file is parsed straight into a
store, without a Python object per triple.

A build goes into a temporary folder beside DIR and is renamed into place only when it is
complete, so a failed or interrupted load never leaves a half-built store under DIR. The folder
carries a small manifest, ``heritage-kg-store.json``: the format version, the number of triples
and a hash of the source files, so that a store older than the data can be detected.

The folder also holds the N-Triples export, ``export.nt``, written at load time, byte for byte
what ``heritage-kg export --format nt`` gives: reading two million triples back out of the
store takes longer than the load spends writing them, so ``export``, ``publish`` and ``serve``
hand out this file instead (its SHA-256 and triple count are in the manifest).

Telling a stale store reads every source file only when their sizes or modification times
differ from those the manifest recorded (as git tells a changed file), since hashing a 50 MB
graph on every ``query --store`` costs more than many queries do.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .errors import DataError, UsageError
from .keptexport import KeptExport
from .project import Project

MANIFEST = "heritage-kg-store.json"
#: The N-Triples export, in the store's folder.
DUMP = "export.nt"
#: Bumped when the layout of the store or of its manifest changes.
FORMAT = "heritage-kg-store"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Manifest:
    format: str
    format_version: int
    heritage_kg: str
    pyoxigraph: str
    triples: int
    source_hash: str
    sources: int
    built: str
    #: [name, size, mtime_ns] of each source file when it was hashed (absent in older manifests)
    source_stats: list | None = None
    #: {"file", "sha256", "triples"} of the N-Triples export (absent in older manifests)
    dump: dict | None = None
    #: [name, size, mtime_ns, sha256] of each file of the database (absent in older manifests)
    files: list | None = None

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(**{name: data[name] for name, spec in cls.__dataclass_fields__.items()
                              if name in data or spec.default is dataclasses.MISSING})
            if manifest.dump is not None and not _is_dump_record(manifest.dump):
                raise ValueError(f"not a record of {DUMP}")
            if manifest.files is not None and not all(
                    isinstance(r, list) and [type(v) for v in r] == [str, int, int, str] for r in manifest.files):
                raise ValueError("not a record of the database's files")
        except OSError as error:
            raise UsageError(f"{folder}: cannot read {MANIFEST}: {error.strerror or error}") from None
        except (ValueError, KeyError, TypeError):
            raise UsageError(f"{folder}: {MANIFEST} is damaged; rebuild with 'heritage-kg load --store {folder} --force'") from None
        if manifest.format != FORMAT or manifest.format_version != FORMAT_VERSION:
            raise UsageError(f"{folder}: store format {manifest.format} {manifest.format_version} is not "
                             f"{FORMAT} {FORMAT_VERSION}; rebuild with 'heritage-kg load --store {folder} --force'")
        return manifest

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


def source_files(project: Project) -> list[Path]:
    """The files a store is built from: the graph's Turtle files and the materialisation rules."""
    return project.graph_files() + project.rule_files()


def _name(project: Project, path: Path) -> str:
    return path.relative_to(project.root).as_posix() if path.is_relative_to(project.root) else path.as_posix()


def source_stats(project: Project) -> list[list]:
    """[name, size, mtime_ns] of each source file, or [name, None, None] for one that is gone."""
    stats = []
    for path in source_files(project):
        try:
            info = path.stat()
            stats.append([_name(project, path), info.st_size, info.st_mtime_ns])
        except OSError:
            stats.append([_name(project, path), None, None])
    return stats


def source_hash(project: Project) -> str:
    """A hash of the names and bytes of the source files, to tell a stale store."""
    digest = hashlib.sha256()
    for path in source_files(project):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DataError(f"{path}: cannot read: {error.strerror or error}") from None
        name = _name(project, path)
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def is_store(folder: Path) -> bool:
    return (folder / MANIFEST).is_file() and (folder / "CURRENT").is_file()


def _check_target(folder: Path, force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not is_store(folder) and not force:
        raise UsageError(f"{folder}: exists and is not a heritage-kg store; --force replaces it")
    parent = folder.parent
    if not parent.is_dir():
        raise UsageError(f"{folder}: folder {parent} does not exist")


def build(project: Project, folder: Path, force: bool = False) -> Manifest:
    """Build the store of ``project`` at ``folder``, atomically; return its manifest.

    An existing heritage-kg store (or empty folder) at ``folder`` is replaced; any other folder
    is refused unless ``force``.
    """
    # what only a build needs is imported here: every other command opens a store, and pays
    # for its imports on every run
    import datetime
    import shutil
    import traceback

    from . import scratch
    from .build import build_store
    from .export import export_utf8
    from .progress import phase

    folder = Path(folder)
    scratch.restore_aside(folder)
    _check_target(folder, force)
    scratch.sweep(folder)
    try:
        work = scratch.make_folder(folder)
    except OSError as error:
        raise UsageError(f"{folder}: cannot write in {folder.parent}: {error.strerror or error}") from None
    store = memory = None
    try:
        stats = source_stats(project)
        digest = source_hash(project)
        # Parse and materialise in memory, where SPARQL updates run several times faster than in
        # an on-disk transaction, then write everything out in one bulk load, while this thread
        # renders the N-Triples export from the same triples.
        memory = build_store(project)
        triples = len(memory)
        store = ox.Store(str(work / "store"))
        with phase("writing the store and its N-Triples export"):
            dump = _written_while(store, memory, lambda: export_utf8(memory, "nt"))
        memory = None
        (work / "store" / DUMP).write_bytes(dump)
        dumped = {"file": DUMP, "sha256": hashlib.sha256(dump).hexdigest(), "triples": dump.count(b"\n")}
        dump = None
        store = None  # the last reference: this closes the database, so that its folder can be renamed
        manifest = Manifest(FORMAT, FORMAT_VERSION, __version__, ox.__version__, triples, digest,
                            len(source_files(project)),
                            datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
                            stats, dumped, _database_files(work / "store"))
        manifest.write(work / "store")
        _swap(work / "store", folder)
    except BaseException as error:
        # The database must be closed before its folder is removed, or its background threads may
        # write into the folder while it is being deleted; the traceback's frames hold it open.
        traceback.clear_frames(error.__traceback__)
        store = memory = None
        if isinstance(error, OSError):
            raise UsageError(f"{folder}: cannot build the store: {error.strerror or error}") from None
        raise
    finally:
        store = None
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def _is_dump_record(record) -> bool:
    return (isinstance(record, dict) and record.get("file") == DUMP and isinstance(record.get("sha256"), str)
            and isinstance(record.get("triples"), int))


def _write(store: ox.Store, memory: ox.Store) -> None:
    store.bulk_extend(memory)
    store.optimize()
    store.flush()


def _written_while(store: ox.Store, memory: ox.Store, work):
    """Write ``memory`` into ``store`` in a thread while this one does ``work``; return what
    ``work`` returns. The thread is started, and waited for, with interruptions held back, so
    that it always ends before the caller goes on: a store still being written after its folder
    is removed would write parts of itself back."""
    import threading

    from .guard import uninterrupted

    failed: list[BaseException] = []

    def write():
        try:
            _write(store, memory)
        except BaseException as error:
            failed.append(error)
    writer = threading.Thread(target=write, name="store writer")
    try:
        with uninterrupted():  # a signal held back here is raised at the end of the block
            writer.start()
        done = work()
    finally:
        if writer.ident is not None:  # started
            with uninterrupted():
                writer.join()
    if failed:
        raise failed[0]
    return done


def dump_file(folder: Path, manifest: Manifest) -> KeptExport | None:
    """The N-Triples export kept in the store at ``folder``, or None for a store built before
    the export was kept there, or by another version of heritage-kg: the export holds the
    dataset's description, which names the version that wrote it."""
    if manifest.dump is None or manifest.heritage_kg != __version__:
        return None
    path = Path(folder) / DUMP
    if not path.is_file():
        raise UsageError(f"{folder}: {DUMP} is missing; rebuild with 'heritage-kg load --store {folder} --force'")
    return KeptExport(path, manifest.dump["sha256"], manifest.dump["triples"])


def _swap(built: Path, folder: Path) -> None:
    """Put ``built`` at ``folder``: a rename when nothing is there, else rename the old folder
    aside first, so that at no point does ``folder`` hold a partial store. Signals are held back
    between the two renames; were the process killed there all the same, the next build finds
    the old store aside (`scratch.restore_aside`) and puts it back."""
    from . import scratch
    from .guard import uninterrupted

    if not folder.exists():
        built.rename(folder)
        return
    old = built.parent / scratch.ASIDE
    with uninterrupted():
        folder.rename(old)
        try:
            built.rename(folder)
        except OSError:
            old.rename(folder)
            raise


@dataclass
class Opened:
    """A store opened read-only, with its manifest and its folder."""

    store: ox.Store
    manifest: Manifest
    stale: bool
    folder: Path

    def kept_export(self, required: bool = True) -> KeptExport | None:
        """The N-Triples export this store keeps, for export, publish and serve to hand out (after
        `KeptExport.verify`), or None for a store that keeps none (`dump_file`). A store whose
        manifest records the export but whose file is gone is an error when ``required``; when
        it is not, the caller makes its export from the store instead.

        Raises:
            UsageError: the file is gone and ``required``.
        """
        try:
            return dump_file(self.folder, self.manifest)
        except UsageError:
            if required:
                raise
            return None


def open_store(folder: Path, project: Project | None = None) -> Opened:
    """Open a store built by `build`, read-only. ``stale`` says whether the project's source
    files have changed since (only checked when ``project`` is given)."""
    from .scratch import restore_aside

    folder = Path(folder)
    if not folder.exists() and restore_aside(folder) is None:
        raise UsageError(f"{folder}: no such store; build it with 'heritage-kg load --store {folder}'")
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder, so not a heritage-kg store")
    if not (folder / MANIFEST).is_file():
        raise UsageError(f"{folder}: not a heritage-kg store (no {MANIFEST}); build one with 'heritage-kg load --store DIR'")
    manifest = Manifest.read(folder)
    damage = _damage(folder, manifest)
    if damage is not None:
        raise UsageError(f"{folder}: the store is damaged ({damage}); rebuild it with "
                         f"'heritage-kg load --store {folder} --force'")
    try:
        store = ox.Store.read_only(str(folder))
    except (OSError, RuntimeError) as error:
        first = (str(error).splitlines() or [type(error).__name__])[0]
        if "Corruption" in first or not (folder / "CURRENT").is_file():
            raise UsageError(f"{folder}: the store is damaged ({first}); rebuild it with "
                             f"'heritage-kg load --store {folder} --force'") from None
        raise UsageError(f"{folder}: cannot open the store: {first}") from None
    stale = project is not None and _is_stale(project, manifest)
    return Opened(store, manifest, stale, folder)


#: Files of a store's folder that are not the database's data: RocksDB's lock and logs, and ours.
_NOT_DATA = re.compile(r"LOCK|LOG(\..*)?|" + re.escape(MANIFEST) + "|" + re.escape(DUMP))


def _database_files(folder: Path) -> list[list]:
    """[name, size, mtime_ns, sha256] of each file of the closed database in ``folder``."""
    records = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and not _NOT_DATA.fullmatch(path.name):
            info = path.stat()
            records.append([path.name, info.st_size, info.st_mtime_ns, _sha256(path)])
    return records


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _damage(folder: Path, manifest: Manifest) -> str | None:
    """What is wrong with the database's files, against the manifest's record of them, or None.
    A file whose size and modification time are as recorded is taken as it was (as git does);
    one whose time differs (a copy made without keeping times) is read and hashed."""
    for name, size, mtime_ns, sha256 in manifest.files or []:
        path = folder / name
        try:
            info = path.stat()
        except OSError:
            return f"{name} is missing"
        if info.st_size != size:
            return f"{name} holds {info.st_size} bytes where the load wrote {size}"
        if info.st_mtime_ns != mtime_ns and _sha256(path) != sha256:
            return f"{name} was changed after the load"
    return None


def _is_stale(project: Project, manifest: Manifest) -> bool:
    if manifest.source_stats is not None and source_stats(project) == manifest.source_stats:
        return False
    try:
        return source_hash(project) != manifest.source_hash
    except DataError:
        return True
