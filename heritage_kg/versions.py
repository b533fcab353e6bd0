"""Release versions: the semantic-version scheme (docs/releases.md), the previous release, and
the version that the changes since it call for."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .diff import Change
from .errors import UsageError

_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
#: The parts of a version, from the one a change raises most to the least.
LEVELS = ("major", "minor", "patch")


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def raised(self, level: str) -> Version:
        if level == "major":
            return Version(self.major + 1, 0, 0)
        if level == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)


def parse(text: str, where: str) -> Version:
    match = _SEMVER.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"{where}: {text!r} is not a version MAJOR.MINOR.PATCH, such as 1.0.0")
    return Version(*(int(part) for part in match.groups()))


def level_of(changes: list[Change]) -> tuple[str, str]:
    """Which part of the version the changes raise, and why, in words: an entity removed (an
    IRI changed is one removed and one added) is major, one added is minor, anything else is a
    patch."""
    counts = {action: sum(1 for c in changes if c.action == action) for action in ("removed", "added", "changed")}
    if counts["removed"]:
        return "major", f"{counts['removed']} removed (an entity or tie removed, or its IRI changed)"
    if counts["added"]:
        return "minor", f"{counts['added']} added"
    if counts["changed"]:
        return "patch", f"{counts['changed']} statements changed"
    return "patch", "no change to the data"


def check(version: Version, previous: Version | None, changes: list[Change]) -> None:
    """Refuse a version that does not follow from the previous one and the changes since it."""
    if previous is None:
        return
    level, why = level_of(changes)
    allowed = [previous.raised(name) for name in LEVELS[:LEVELS.index(level) + 1]]
    if version not in allowed:
        raise UsageError(f"VERSION {version}: the changes since {previous} are {why}, a {level} change; "
                         f"the next version is {' or '.join(str(v) for v in reversed(allowed))}")


def _git(root: Path, *args: str) -> subprocess.CompletedProcess | None:
    """``git -C root ARGS``, or None where git is not installed."""
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    except FileNotFoundError:
        return None


def tagged(root: Path) -> list[tuple[Version, str]]:
    """The release tags (vMAJOR.MINOR.PATCH) of the checkout at ``root`` that HEAD contains,
    oldest version first."""
    listing = _git(root, "tag", "--merged", "HEAD", "--list", "v*")
    if listing is None or listing.returncode != 0:
        return []
    found = []
    for tag in listing.stdout.split():
        match = _SEMVER.fullmatch(tag[1:])
        if match:
            found.append((Version(*(int(p) for p in match.groups())), tag))
    return sorted(found)


def commit_of(root: Path) -> tuple[str, str] | None:
    """The commit checked out at ``root`` and its date (YYYY-MM-DD), or None outside git."""
    shown = _git(root, "log", "-1", "--format=%H %cs")
    if shown is None or shown.returncode != 0 or not shown.stdout.strip():
        return None
    commit, day = shown.stdout.split()
    return commit, day


def changed_files(root: Path, folders: tuple[str, ...]) -> list[str]:
    """The files under ``folders`` that differ from the commit checked out (or are new)."""
    status = _git(root, "status", "--porcelain", "--", *folders)
    return [line[3:] for line in status.stdout.splitlines() if line.strip()] if status is not None else []
