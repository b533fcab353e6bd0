"""The N-Triples export an on-disk store keeps beside its database, checked before it is used."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError

#: The format of the kept export: a dump in it is the kept file itself, and the other formats
#: are made from it.
FORMAT = "nt"


@dataclass
class KeptExport:
    """The N-Triples export kept in a store's folder, and what its manifest records of it. It is
    handed out only once its bytes are checked against the record, so that a damaged or cut file
    is never published as the dataset."""

    path: Path
    sha256: str
    triples: int
    #: (size, mtime_ns) of the file when its bytes were last found to match the record
    _checked: tuple | None = None

    def _damaged(self, why: str) -> DataError:
        folder = self.path.parent
        return DataError(f"{self.path}: {why}; the store is damaged: rebuild it with "
                         f"'heritage-kg load --store {folder} --force'")

    def _stat(self) -> tuple:
        try:
            info = self.path.stat()
        except OSError as error:
            raise self._damaged(f"cannot read it: {error.strerror or error}") from None
        return info.st_size, info.st_mtime_ns

    def verify(self, data: bytes | None = None) -> None:
        """Check the file's bytes (or ``data``, read from it) against the record; raise
        DataError when they differ. Unchanged since the last check, it is not read again."""
        stat = self._stat()
        if data is None and stat == self._checked:
            return
        digest, lines = hashlib.sha256(), 0
        if data is not None:
            digest.update(data)
            lines = data.count(b"\n")
        else:
            with open(self.path, "rb") as handle:
                while chunk := handle.read(1 << 22):
                    digest.update(chunk)
                    lines += chunk.count(b"\n")
        if lines != self.triples:
            raise self._damaged(f"holds {lines} lines where the store recorded {self.triples}")
        if digest.hexdigest() != self.sha256:
            raise self._damaged("its SHA-256 is not the one the store recorded")
        self._checked = stat

    def read(self) -> bytes:
        """The file's bytes, checked."""
        try:
            data = self.path.read_bytes()
        except OSError as error:
            raise self._damaged(f"cannot read it: {error.strerror or error}") from None
        self.verify(data)
        return data
