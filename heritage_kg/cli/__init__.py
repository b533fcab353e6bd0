"""The heritage-kg command line: parse options, call the library, pick an output format, and map
errors to exit codes (0 success, 1 the data or the query failed, 2 a usage error).

The commands live by what they do: checking.py (validate, queries, query), publishing.py (load,
export, publish, serve), viewing.py (stats, describe, graph, timeline, diff, coverage),
curating.py (reconcile, fmt, add, source) and releasing.py (release, site); options.py holds what they share. Heavy libraries are imported inside the commands, so that ``heritage-kg --help`` stays fast.
"""

from __future__ import annotations

import os
import sys

import click

from .. import __version__
from ..guard import Group
from .checking import list_queries, query, validate
from .curating import add, fmt, reconcile, source
from .publishing import export, load, publish, serve
from .releasing import release, site
from .viewing import coverage, describe, diff, graph, stats, timeline


@click.group(name="heritage-kg", cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="heritage-kg")
@click.option("--root", type=click.Path(file_okay=False), envvar="HERITAGE_KG_ROOT",
              help="Project folder holding ontology/, data/, shapes/ and queries/ (default: found from the working directory).")
@click.pass_context
def cli(ctx: click.Context, root: str | None) -> None:
    """heritage-kg: a knowledge graph of cultural-heritage organisations and their ties.

    \b
    Examples:
      heritage-kg validate
      heritage-kg query founders -p organisation blue-shield
      heritage-kg export --format ttl -o heritage-kg.ttl
    """
    ctx.ensure_object(dict)
    ctx.obj["root"] = root


for command in (validate, list_queries, query, export, load, publish, stats, describe, graph, timeline, diff, coverage,
                reconcile, fmt, add, source, serve, release, site):
    cli.add_command(command)


def main() -> None:
    from ..guard import INTERRUPTED, TERMINATED

    try:
        cli(prog_name="heritage-kg")
    except SystemExit as stop:
        if stop.code not in (INTERRUPTED, TERMINATED):
            raise
        # Interrupted: what had to be cleaned up was on the way here. Work still running in
        # other threads (a query inside Oxigraph) cannot be stopped, and the interpreter would
        # wait for it at exit, so the process ends now.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(stop.code)

