"""The commands that describe the graph: stats, describe, graph, timeline, diff and coverage."""

from __future__ import annotations

import click

from ..formats import NETWORK_FORMATS, SUFFIXES, TIMELINE_FORMATS
from ..project import LANGUAGES as DATA_LANGUAGES
from .options import chosen_format, output_option, project_of, published, store_option, with_progress


@click.command()
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@store_option
@click.pass_context
@with_progress
def stats(ctx, fmt, store_dir):
    """Entities per class, relationships per kind, statements per source, label coverage.

    \b
    Example:
      heritage-kg stats --format json
    """
    import json

    from ..stats import compute, render_table

    figures = compute(published(project_of(ctx), store_dir))
    click.echo(json.dumps(figures, indent=2) if fmt == "json" else render_table(figures), nl=fmt == "json")


@click.command()
@click.argument("entity")
@click.option("--lang", type=click.Choice(DATA_LANGUAGES), default="en", show_default=True,
              help="The language of the sentences.")
@click.option("--as-of", "as_of", metavar="DATE",
              help="Only the ties that held on this date (YYYY, YYYY-MM or YYYY-MM-DD), and those the sources "
                   "do not date, apart; the rules are in docs/data-model.md.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@store_option
@output_option
@click.pass_context
@with_progress
def describe(ctx, entity, lang, as_of, fmt, store_dir, output):
    """Say an entity's ties as sentences, grouped by kind, each with its sources.

    ENTITY is a slug (icom), a prefixed name (kg:icom) or an IRI.

    \b
    Examples:
      heritage-kg describe icom
      heritage-kg describe blue-shield --lang fr
      heritage-kg describe mou-icom-aliph-2022 --format json
      heritage-kg describe blue-shield --as-of 1997
    """
    import pyoxigraph as ox

    from ..asof import statuses
    from ..entitytext import gather, render
    from ..periods import period
    from ..errors import UsageError
    from ..output import emit
    from ..queries import Param

    iri = Param("entity", "iri").term(entity).value
    when = period(as_of, "--as-of") if as_of is not None else None
    project = project_of(ctx)
    store = published(project, store_dir)
    if next(store.quads_for_pattern(ox.NamedNode(iri), None, None), None) is None:
        raise UsageError(f"entity {entity!r}: no such entity in the graph ({iri})")
    dated = (when, statuses(store, project.folder("queries"), iri, when)) if when is not None else None
    emit(render(gather(store, iri, lang, dated), fmt), output)


@click.command()
@click.option("--format", "fmt", type=click.Choice(NETWORK_FORMATS), default=None,
              help="svg (default), dot, graphml or mermaid; with -o, the file's suffix chooses when this is not given.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Draw only this kind of tie, as ontology/tiekinds.ttl names it (agreement, membership...); "
                   "repeatable (default: every kind drawn in the network). An unknown kind lists the others.")
@click.option("--focus", "--around", "around", metavar="SLUG",
              help="Draw only the neighbourhood of this organisation (slug, prefixed name or IRI), as the explorer's focus does.")
@click.option("--steps", "--depth", "depth", type=click.IntRange(min=1), default=1, show_default=True,
              help="How many ties away from --focus to draw.")
@click.option("--year", type=click.IntRange(min=1, max=9999), default=None,
              help="Draw the network as it stood in this year: ties begun later or ended before, and organisations "
                   "founded later, are left out; undated ties are kept.")
@store_option
@output_option
@click.pass_context
@with_progress
def graph(ctx, fmt, kinds, around, depth, year, store_dir, output):
    """Draw the network of organisations: SVG, or DOT, GraphML and Mermaid for other tools.

    Each kind of tie has its own colour and line style, and a legend names them.

    \b
    Examples:
      heritage-kg graph -o network.svg
      heritage-kg graph --focus icom --steps 1 --kind agreement -o icom.svg
      heritage-kg graph --year 1995 --format mermaid
    """
    from ..network import render
    from ..output import emit
    from ..queries import Param

    project = project_of(ctx)
    fmt = chosen_format(fmt, output, SUFFIXES["network"], "svg")
    centre = Param("focus", "iri").term(around).value if around else None
    emit(render(published(project, store_dir), fmt, list(kinds), centre, depth, year), output)


@click.command()
@click.option("--organisation", metavar="SLUG",
              help="Only what this organisation or person takes part in (slug, prefixed name or IRI), as on its page's timeline.")
@click.option("--from", "start", metavar="DATE", help="The first year, month or day shown (1990, 1990-06, 1990-06-01).")
@click.option("--to", "end", metavar="DATE", help="The last year, month or day shown.")
@click.option("--group", type=click.Choice(("kind", "organisation")), default="kind", show_default=True,
              help="Group the marks by kind of tie, or by the organisations and people they involve.")
@click.option("--lang", type=click.Choice(DATA_LANGUAGES), default="en", show_default=True, help="The language of the names and dates.")
@click.option("--format", "fmt", type=click.Choice(TIMELINE_FORMATS), default=None,
              help="svg (default) or html; with -o, the file's suffix chooses when this is not given.")
@store_option
@output_option
@click.pass_context
@with_progress
def timeline(ctx, organisation, start, end, group, lang, fmt, store_dir, output):
    """Draw everything dated on one time axis, as a standalone SVG or HTML file.

    The same drawing as the server's /timeline page: foundings, agreements, memberships, events,
    instruments, programmes and figures, each at its date as the source gives it, with its
    sentence and sources as its tooltip, and a link to its IRI. The HTML file lists them too.

    \b
    Examples:
      heritage-kg timeline -o timeline.svg
      heritage-kg timeline --organisation icom --lang fr -o icom.html
      heritage-kg timeline --from 1990 --to 2000 --group organisation -o nineties.svg
    """
    import pyoxigraph as ox

    from ..errors import UsageError
    from ..names import Names
    from ..output import emit
    from ..project import ENTITY_NS
    from ..queries import Param
    from ..sentences import Sentences
    from ..server.site import render
    from ..timeline import BOUND_FORMS, BadWindow, Timeline, window
    from ..words import GRAMMAR, TEXT

    project = project_of(ctx)
    fmt = chosen_format(fmt, output, SUFFIXES["timeline"], "svg")
    try:
        lo, hi = window(start, end)
    except BadWindow as bad:
        if bad.which is None:
            raise UsageError(f"--from {start} is not before --to {end}") from None
        raise UsageError(f"--{bad.which} {(start if bad.which == 'from' else end)[:20]!r}: {BOUND_FORMS}") from None
    store = published(project, store_dir)
    iri = Param("organisation", "iri").term(organisation).value if organisation else None
    if iri is not None and next(store.quads_for_pattern(ox.NamedNode(iri), None, None), None) is None:
        raise UsageError(f"--organisation {organisation!r}: no such entity in the graph ({iri})")
    names = Names(store)
    line = Timeline(store, names, Sentences(store, names, GRAMMAR), lambda node, _lang: node if node.startswith(ENTITY_NS) else None)
    drawn = line.drawing(lang, iri, lo, hi, by_organisation=group == "organisation")
    title = TEXT[lang]["timeline"] + (f": {names.label(iri, lang)}" if iri else "")
    tops, y = [], 40
    for drawn_group in drawn["groups"]:
        tops.append(y + 22)
        y += 22 + drawn_group["height"] + 12
    emit(render(f"timeline_file.{fmt}", lang, d=drawn, title=title, tops=tops, height=y).lstrip(), output)


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(("text", "json", "md")), default="text", show_default=True)
@output_option
@click.pass_context
@with_progress
def diff(ctx, old, new, fmt, output):
    """Say what changed between two versions of the data, in domain terms.

    OLD and NEW are git revisions, dump files (.ttl, .nt, .nq, .trig, .jsonld, .rdf) or folders.

    \b
    Examples:
      heritage-kg diff HEAD~1 HEAD
      heritage-kg diff old.nt new.nt --format md
    """
    from ..diff import diff as run, load_version, render
    from ..output import emit

    project = project_of(ctx)
    # the checkout's ontology describes the kinds of tie where neither version carries the table
    here = load_version(str(project.root / "ontology"), project.root)
    changes = run(load_version(old, project.root), load_version(new, project.root), here)
    emit(render(changes, fmt), output)


@click.command()
@output_option
@click.pass_context
@with_progress
def coverage(ctx, output):
    """Write the coverage table: per source document and line, the statements taken from it,
    how each rests on the line and the IRIs that hold them; then the lines of the seeds no
    statement cites, with the reason nothing was taken (docs/uncited.tsv).

    \b
    Example:
      heritage-kg coverage -o docs/coverage.md
    """
    from ..build import build_store
    from ..coverage import NOTES, render
    from ..output import emit

    project = project_of(ctx)
    store = build_store(project, materialised=False)
    shared = project.shared_dir()
    if not (shared / "seeds").is_dir():
        click.echo(f"warning: the seed documents are not at {shared}/seeds: the lines not cited are left out",
                   err=True)
        shared = None
    emit(render(store, shared, project.root / NOTES), output)
