"""What the commands share: the project, the --output and --store options, the format an
output file's suffix names, and progress on a terminal."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from ..errors import UsageError
from ..formats import GRAPH_RESULT_FORMATS, RDF_FORMATS, RESULT_FORMATS

#: The names --format takes: of an RDF file; of a query's answer (a table, else a graph).
RDF_FORMAT_NAMES = tuple(RDF_FORMATS)
RESULT_FORMAT_NAMES = tuple(dict.fromkeys((*RESULT_FORMATS, *GRAPH_RESULT_FORMATS)))


def with_progress(command):
    """Show the progress of the command's long phases on stderr, when it is a terminal."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from ..progress import shown_on

        with shown_on(sys.stderr):
            return command(*args, **kwargs)
    return wrapper


def project_of(ctx: click.Context):
    from ..project import Project

    root = ctx.obj.get("root")
    return Project.discover(Path(root) if root else None)


def writable(ctx, param, value: str | None) -> Path | None:
    """The --output callback: a path that cannot be written is a usage error before any work."""
    if value is None:
        return None
    from ..output import check_writable

    if value.endswith(("/", os.sep)):
        raise UsageError(f"{value}: is a folder, not a file")
    check_writable(Path(value))
    return Path(value)


def output_option(command):
    return click.option("-o", "--output", type=click.Path(dir_okay=False), callback=writable,
                        help="Write to this file (atomically) instead of stdout.")(command)


def chosen_format(fmt: str | None, output: Path | None, suffixes: dict[str, str], default: str | None) -> str | None:
    """The --format given; else the one the output file's suffix names; else ``default`` for a
    file without a suffix. A suffix that names no format is a usage error, rather than a file
    whose name says one format and whose bytes are another."""
    if fmt is not None or output is None or not output.suffix:
        return fmt or default
    if output.suffix.lower() not in suffixes:
        known = ", ".join(sorted(set(suffixes)))
        raise UsageError(f"-o {output}: cannot tell the format from '{output.suffix}' ({known}); give --format")
    return suffixes[output.suffix.lower()]


def store_option(command):
    return click.option("--store", "store_dir", type=click.Path(path_type=Path), metavar="DIR",
                        help="Read the on-disk store built by 'heritage-kg load --store DIR' instead of parsing the Turtle files.")(command)


def published(project, store_dir: Path | None):
    """The published graph: the on-disk store at ``store_dir``, or built from the Turtle files."""
    if store_dir is None:
        from ..build import build_store

        return build_store(project)
    return opened_store(project, store_dir).store


def opened_store(project, store_dir: Path):
    """The on-disk store at ``store_dir``, opened read-only, with a warning when it is stale."""
    from ..store import open_store

    opened = open_store(store_dir, project)
    if opened.stale:
        click.echo(f"warning: {store_dir} was not built from the current ontology/ and data/; "
                   f"'heritage-kg load --store {store_dir}' rebuilds it", err=True)
    return opened
