"""The commands that help grow the graph: reconcile, fmt, add and source add."""

from __future__ import annotations

from pathlib import Path

import click

from ..project import LANGUAGES as DATA_LANGUAGES
from ..project import read_given
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

    text = read_given(table, encoding="utf-8-sig")
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


def _model(project):
    """The graph as written (ontology, data and shapes), its names, record kinds and sources."""
    from ..loading import load
    from ..names import Names
    from ..recordformat import Model
    from ..sources import Sources
    from ..ties import read

    loaded = load(project.graph_files() + project.shape_files())
    loaded.raise_for_issues()
    store = loaded.store()
    names = Names(store)
    model = Model(store, read(store))
    return loaded, store, names, model.kinds(), Sources(store, project), model.need_support()


def _concepts(store) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for concept, scheme in store.query("SELECT ?c ?s WHERE { ?c <http://www.w3.org/2004/02/skos/core#inScheme> ?s } ORDER BY ?c"):
        found.setdefault(scheme.value, []).append(concept.value.rsplit("/", 1)[-1])
    return found


def _commit(adder, change, dry_run: bool, what: str) -> None:
    """Validate the change in a copy of the project; then print it (--dry-run) or write every
    file, all or none."""
    from ..adding import refusal
    from ..errors import DataError
    from ..output import write_many

    report = adder.validate(change)
    if report.failed():
        raise DataError(refusal(report))
    warnings = report.count("warning")
    valid = "the graph stays valid" + (f" ({warnings} warnings)" if warnings else "")
    if dry_run:
        for path, text in change.added.items():
            click.echo(f"# {_shown(path)}\n{text}")
        for path in change.others:
            click.echo(f"# and {_shown(path)}", err=True)
        click.echo(f"{what}: nothing written (--dry-run); {valid}", err=True)
        return
    for path in change.others:
        path.parent.mkdir(parents=True, exist_ok=True)
    write_many({**change.others, **change.texts})
    for iri, kind, path in change.placed:
        click.echo(f"added kg:{iri.rsplit('/', 1)[-1]} ({kind}) to {_shown(path)}", err=True)
    for path in change.others:
        click.echo(f"added {_shown(path)}", err=True)
    click.echo(f"{what}: {_files(len(change.texts) + len(change.others))} written; {valid}", err=True)


@click.command()
@click.argument("records", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--template", "template_kind", metavar="KIND", help="Print a record of KIND to fill in, and exit.")
@click.option("--dry-run", is_flag=True, help="Print the Turtle and validate it, but write nothing.")
@click.pass_context
def add(ctx, records, template_kind, dry_run):
    """Add statements from records (YAML; - for stdin): each becomes Turtle in the house layout,
    in the data file of its kind, with its evidence. A key phrase must stand on the line it
    cites, each entity named must be one of the graph's (or of the batch), and the graph must
    stay valid; else nothing is written. The record format is docs/records.md.

    \b
    Examples:
      heritage-kg add --template membership
      heritage-kg add --dry-run docs/examples/name-wipo.yaml
      heritage-kg add docs/examples/name-wipo.yaml
    """
    from ..adding import Adder
    from ..errors import UsageError
    from ..recordformat import template
    from ..records import Records
    from ..recordtext import read

    project = project_of(ctx)
    loaded, store, names, kinds, sources, need_support = _model(project)
    if template_kind is not None:
        if template_kind not in kinds:
            raise UsageError(f"--template {template_kind!r}: the kinds are {', '.join(kinds)} (and name)")
        click.echo(template(kinds[template_kind], _concepts(store)), nl=False)
        return
    if records is None:
        raise UsageError("give a file of records, or - for stdin, or --template KIND")
    where = "<stdin>" if records == "-" else records
    text = click.get_text_stream("stdin").read() if records == "-" else read_given(Path(records))
    nodes = Records(store, names, kinds, sources, need_support).nodes(read(text, where), where)
    adder = Adder(project, loaded)
    _commit(adder, adder.change(nodes, kinds), dry_run, "add")


@click.group()
def source():
    """Register the source documents that evidence cites (heritage-kg source add --help).

    \b
    Examples:
      heritage-kg source add --title "ALIPH: about" --url https://www.aliph-foundation.org/en/about --retrieved 2026-12-05 --lang en --dry-run
    """


@source.command(name="add")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--title", required=True, help="The source's title, in its language.")
@click.option("--url", help="Where it was read.")
@click.option("--retrieved", required=True, metavar="DATE", help="The day it was read, as 2026-12-05.")
@click.option("--lang", type=click.Choice(DATA_LANGUAGES), required=True, help="The language it is written in.")
@click.option("--id", "slug", help="Its slug (kg:source-SLUG); made from the file's name or the title when left out.")
@click.option("--dry-run", is_flag=True, help="Print the source's node and validate it, but write nothing.")
@click.pass_context
def source_add(ctx, file, title, url, retrieved, lang, slug, dry_run):
    """Register a source document: its text (FILE) is kept under data/sources/ with its lines as
    they are, so that evidence can cite it by line, and its node (title, address, date read,
    language, SHA-256 of the text) goes in data/sources.ttl. A source with only --url has no
    text: evidence cites it by section and key phrase, without a line.

    \b
    Examples:
      heritage-kg source add page.txt --title "ICOM: about" --url https://icom.museum/en/about-us/ --retrieved 2026-12-05 --lang en
      heritage-kg source add --title "ALIPH: about" --url https://www.aliph-foundation.org/en/about --retrieved 2026-12-05 --lang en --dry-run
    """
    from ..adding import Adder
    from ..sources import register

    project = project_of(ctx)
    loaded, store, names, kinds, sources, _ = _model(project)
    made = register(project, set(sources.files), file, title, url, retrieved, lang, slug)
    adder = Adder(project, loaded)
    others = {made.snapshot: made.text} if made.snapshot is not None else {}
    change = adder.change([], kinds, others=others, blocks={project.folder("data") / "sources.ttl": made.turtle})
    change.placed.append((made.iri, "source", project.folder("data") / "sources.ttl"))
    _commit(adder, change, dry_run, "source add")
