"""The commands that help grow the graph: reconcile, fmt."""

from __future__ import annotations

from pathlib import Path

import click

from ..project import LANGUAGES as DATA_LANGUAGES
from .options import output_option, project_of, published, store_option, with_progress


@click.command()
@click.argument("table", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--column", required=True, help="The column of names to reconcile.")
@click.option("--type", "kind", default="Organisation", show_default=True,
              help="The kind of entity the names are of (a class of the ontology, such as Person); 'any' for every kind.")
@click.option("--lang", type=click.Choice(DATA_LANGUAGES), default="en", show_default=True, help="The language of the names written back.")
@store_option
@output_option
@click.pass_context
@with_progress
def reconcile(ctx, table, column, kind, lang, store_dir, output):
    """Match a CSV column of names to the graph's entities, as the server's reconciliation
    service does for OpenRefine.

    Adds four columns after the others: COLUMN_id (the entity's IRI, or empty), COLUMN_label,
    COLUMN_score (0 to 100) and COLUMN_match (true where the best candidate is a sure match).

    \b
    Examples:
      heritage-kg reconcile --column name docs/examples/organisations.csv
      heritage-kg reconcile --column name --type any --lang fr -o matched.csv docs/examples/organisations.csv
    """
    import csv
    import io

    from ..errors import UsageError
    from ..output import emit
    from ..reconcile import Reconciler

    try:
        text = table.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{table}: no such file") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{table}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise UsageError(f"{table}: cannot read: {error.strerror or error}") from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise UsageError(f"{table}: not a CSV table: {error}") from None
    if not rows:
        raise UsageError(f"{table}: the table is empty; it needs a row of column names")
    header = rows[0]
    if column not in header:
        raise UsageError(f"--column {column!r}: {table} has no such column; its columns are {', '.join(header)}")
    at = header.index(column)
    matcher = Reconciler(published(project_of(ctx), store_dir))
    try:
        matcher.query("", None if kind == "any" else kind)
    except ValueError as error:
        raise UsageError(f"--type: {error}") from None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header + [f"{column}_id", f"{column}_label", f"{column}_score", f"{column}_match"])
    for number, row in enumerate(rows[1:], 2):
        name = row[at] if at < len(row) else ""
        best = matcher.query(name, None if kind == "any" else kind, limit=1, lang=lang) if name.strip() else []
        found = best[0] if best else None
        writer.writerow(row + ([found.iri, found.name, f"{found.score:g}", "true" if found.match else "false"]
                               if found else ["", "", "", "false"]))
    emit(out.getvalue(), output)
    click.echo(f"reconcile: {len(rows) - 1} rows of {table}", err=True)


@click.command(name="fmt")
@click.argument("paths", nargs=-1)
@click.option("--check", is_flag=True, help="Change nothing: list the files that would change, and exit 1 if any would.")
@click.option("--diff", "show_diff", is_flag=True, help="Change nothing: print what would change, as a unified diff.")
@click.pass_context
def fmt(ctx, paths, check, show_diff):
    """Lay out Turtle files in the house layout of docs/data-model.md: prefixes sorted, one
    block per subject, the type, names and definitions first and the evidence last, objects
    wrapped at 100 columns. Comments are kept; the triples are checked to be the same before a
    file is written. PATHS are files or folders (default: the project's data/).

    Every file is read and checked before any is written, and all are written or none.

    \b
    Examples:
      heritage-kg fmt
      heritage-kg fmt --check
      heritage-kg fmt --diff data/agreements.ttl
    """
    import difflib

    from ..layout import files_laid_out
    from ..output import write_many
    from ..project import expand_paths

    files = expand_paths(list(paths)) if paths else project_of(ctx).turtle_files("data")
    laid = files_laid_out(files)
    changed = {path: new for path, (old, new) in laid.items() if new != old}
    if show_diff:
        for path in changed:
            old = laid[path][0]
            click.echo("".join(difflib.unified_diff(old.splitlines(True), changed[path].splitlines(True),
                                                    _shown(path), _shown(path))), nl=False)
    if check or show_diff:
        for path in changed if check else ():
            click.echo(f"would reformat {_shown(path)}")
        click.echo(f"{_files(len(changed))} would be reformatted, {_files(len(laid) - len(changed))} already laid out",
                   err=True)
        if check and changed:
            ctx.exit(1)
        return
    write_many(changed)
    for path in changed:
        click.echo(f"reformatted {_shown(path)}", err=True)
    click.echo(f"{_files(len(changed))} reformatted, {_files(len(laid) - len(changed))} left as they were", err=True)


def _shown(path: Path) -> str:
    """A path as the user would write it: from the working folder where it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _files(count: int) -> str:
    return f"{count} file" + ("" if count == 1 else "s")
