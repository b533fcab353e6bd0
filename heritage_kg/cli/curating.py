"""The commands that help grow the graph: reconcile."""

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
