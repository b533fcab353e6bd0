"""The static files under versioned names: ``/static/site.3f2a9c1e07.css`` carries a hash of the
file's bytes, so a page always links to the bytes it was made with, and a browser may keep them
for a year. The plain name (``/static/site.css``) still answers, for links from elsewhere, and is
kept briefly."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

#: A versioned name never changes its bytes.
IMMUTABLE = "public, max-age=31536000, immutable"
#: A plain name may change with the next release.
BRIEF = "public, max-age=3600"
_VERSIONED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<suffix>\.[A-Za-z0-9]+)$")


class Assets:
    """The files of a static folder, and the versioned name of each, worked out once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._hashes: dict[str, str] = {}

    def digest(self, name: str) -> str | None:
        """The first ten hex digits of the SHA-256 of ``folder/name``; None if it is no file there."""
        if name not in self._hashes:
            path = (self.folder / name).resolve()
            if not path.is_relative_to(self.folder.resolve()) or not path.is_file():
                return None
            self._hashes[name] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        return self._hashes[name]

    def url(self, name: str) -> str:
        """The address of ``name`` under its versioned name (``yasgui/yasgui.min.js`` gives
        ``/static/yasgui/yasgui.min.<hash>.js``)."""
        digest = self.digest(name)
        if digest is None:
            raise ValueError(f"no static file {name!r}")
        stem, dot, suffix = name.rpartition(".")
        return f"/static/{stem}.{digest}.{suffix}" if dot else f"/static/{name}.{digest}"

    def plain(self, name: str) -> tuple[str, bool]:
        """The file a requested name stands for, and whether the name is the current version of
        it (an outdated hash gets today's bytes, but not for long)."""
        match = _VERSIONED.match(name)
        if match:
            plain = match["stem"] + match["suffix"]
            digest = self.digest(plain)
            if digest is not None:
                return plain, digest == match["hash"]
        return name, False


class VersionedStatic(StaticFiles):
    """Starlette's static files (ETags, 304s, ranges), answering versioned names too, with the
    caching each kind of name deserves."""

    def __init__(self, assets: Assets):
        super().__init__(directory=assets.folder)
        self.assets = assets

    async def get_response(self, path: str, scope: Scope) -> Response:
        plain, current = self.assets.plain(path)
        response = await super().get_response(plain, scope)
        if response.status_code in (200, 206, 304):
            response.headers["Cache-Control"] = IMMUTABLE if current else BRIEF
        return response
