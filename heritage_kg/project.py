"""Where the project's ontology/, data/, shapes/ and queries/ live, and which files are in them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

#: The folders whose Turtle files make up the graph, in load order.
GRAPH_DIRS = ("ontology", "data")
#: The languages the graph's names, texts and shape messages are written in.
LANGUAGES = ("en", "fr")
#: Environment variable that overrides where the project is found.
ROOT_ENV = "HERITAGE_KG_ROOT"

BASE = "https://w3id.org/heritage-kg/"
ONTOLOGY_NS = BASE + "ontology#"
ENTITY_NS = BASE + "id/"
VOCAB_NS = BASE + "vocab/"
SHAPES_NS = BASE + "shapes#"


def _is_root(path: Path) -> bool:
    return (path / "ontology").is_dir() and (path / "data").is_dir()


def find_root(start: Path | None = None) -> Path:
    """The project root: $HERITAGE_KG_ROOT, else the nearest parent of the working directory
    holding ontology/ and data/, else the source checkout this package was imported from."""
    env = os.environ.get(ROOT_ENV)
    if env:
        root = Path(env)
        if not _is_root(root):
            raise UsageError(f"{ROOT_ENV}={env}: no ontology/ and data/ folders there")
        return root
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_root(candidate):
            return candidate
    checkout = Path(__file__).resolve().parent.parent
    if _is_root(checkout):
        return checkout
    raise UsageError(
        "cannot find the heritage-kg project (ontology/ and data/): run inside a checkout "
        f"or set {ROOT_ENV}"
    )


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def discover(cls, start: Path | None = None) -> "Project":
        return cls(find_root(start))

    def folder(self, name: str) -> Path:
        return self.root / name

    def turtle_files(self, *folders: str) -> list[Path]:
        files: list[Path] = []
        for name in folders:
            files.extend(sorted(self.folder(name).glob("*.ttl")))
        return files

    def graph_files(self) -> list[Path]:
        """The ontology and the data: everything that is published."""
        return self.turtle_files(*GRAPH_DIRS)

    def shape_files(self) -> list[Path]:
        return self.turtle_files("shapes")

    def query_files(self) -> list[Path]:
        return sorted(self.folder("queries").glob("*.rq"))

    def check_files(self) -> list[Path]:
        return sorted((self.folder("queries") / "checks").glob("*.rq"))

    def rule_files(self) -> list[Path]:
        return sorted((self.folder("ontology") / "rules").glob("*.rq"))

    def shared_dir(self) -> Path:
        """../shared beside the checkout: the seed documents and reference facts."""
        return self.root.parent / "shared"


def read_given(path: Path, encoding: str = "utf-8") -> str:
    """The text of a file the user named (a table, records, a source), or a usage error that
    names it: missing, not UTF-8, or unreadable. Line ends are read as one kind."""
    try:
        return path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8 first") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror or error}") from None


def expand_paths(paths: list[str]) -> list[Path]:
    """Turn the PATHS a user gave into Turtle files; a folder stands for its *.ttl files."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.glob("*.ttl"))
            if not found:
                raise UsageError(f"{raw}: folder holds no .ttl files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return files
