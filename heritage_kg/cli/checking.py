"""The commands that check and ask the graph: validate, queries and query."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import UsageError
from ..formats import GRAPH_RESULT_FORMATS, REPORT_FORMATS, RESULT_FORMATS, SUFFIXES
from ..project import LANGUAGES
from .options import (RESULT_FORMAT_NAMES, chosen_format, opened_store, output_option, project_of,
                      published, store_option, with_progress)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default=None,
              help="Report format: text for people (default), json, sarif (SARIF 2.1), github (workflow "
                   "annotations), ttl (SHACL's sh:ValidationReport graph); with -o, the file's suffix chooses "
                   "when this is not given.")
@click.option("--lang", type=click.Choice(LANGUAGES), default=LANGUAGES[0], show_default=True, help="Language of the messages.")
@click.option("--fail-on", type=click.Choice(("error", "warning", "info")), default="error", show_default=True,
              help="Lowest severity that makes the command fail (exit 1).")
@click.option("--validator", type=click.Choice(("sparql", "pyshacl")), default="sparql", show_default=True,
              help="SHACL engine: sparql runs the shapes compiled to SPARQL on Oxigraph; pyshacl is the "
                   "reference implementation, with the same results, many times slower on large graphs.")
@click.option("--endpoint", help="Validate the graph published at this SPARQL 1.1 endpoint (http or https) instead of the files.")
@click.option("--graph", "graph_iri", metavar="IRI",
              help="With --endpoint: the named graph to validate (as 'publish --graph'); default: the default graph.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=300.0, show_default=True,
              help="With --endpoint: seconds to wait for each query.")
@click.option("--store", "store_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="Validate the on-disk store built by 'heritage-kg load --store DIR' instead of the files.")
@click.option("--shapes", "shape_paths", multiple=True, metavar="FILE_OR_DIR",
              help="Validate --data against these shapes instead of the project's (repeatable; Turtle, N-Triples, "
                   "N-Quads, TriG, JSON-LD or RDF/XML by suffix).")
@click.option("--data", "data_paths", multiple=True, metavar="FILE_OR_DIR",
              help="With --shapes: the data to validate, any RDF file or folder (repeatable); no project is needed.")
@output_option
@click.pass_context
@with_progress
def validate(ctx, paths, fmt, lang, fail_on, validator, endpoint, graph_iri, timeout, store_dir, shape_paths, data_paths, output):
    """Check syntax, SHACL shapes and the checks in queries/checks/.

    With no PATHS, validates ontology/ and data/ against shapes/. PATHS may be files or folders
    of Turtle: the project's graph is validated with them in it (those outside data/ are
    added), and only the findings placed in them are reported, with every syntax error, which
    stops the whole validation. With --store or --endpoint, the
    published graph is validated instead, with the same shapes and the checks that apply to it
    (those of how files are written are skipped). With --shapes and --data, any RDF files are
    validated against any shapes, outside the project. Exit 0 when clean (warnings are allowed),
    1 on violations or syntax errors, 2 on usage errors.

    \b
    Examples:
      heritage-kg validate
      heritage-kg validate data/agreements.ttl --format sarif -o report.sarif
      heritage-kg validate --format github --fail-on warning
      heritage-kg validate --validator pyshacl
      heritage-kg validate --store heritage-kg.store
      heritage-kg validate --endpoint http://localhost:7878/query --graph https://w3id.org/heritage-kg/graph
      heritage-kg validate --shapes shapes --data ontology --data data --format ttl -o report.ttl
    """
    from ..project import expand_paths
    from ..validation import validate as run

    fmt = chosen_format(fmt, output, SUFFIXES["report"], "text")
    if shape_paths or data_paths:
        report = _validate_any(paths, shape_paths, data_paths, validator, endpoint, store_dir, graph_iri)
        _finish(report, fmt, lang, fail_on, output)
    project = project_of(ctx)
    if endpoint or store_dir:
        report = _validate_published(project, paths, validator, endpoint, graph_iri, timeout, store_dir)
    else:
        if graph_iri:
            raise UsageError("--graph: only with --endpoint")
        files = project.graph_files()
        given = expand_paths(list(paths)) if paths else []
        known = {f.resolve() for f in files}
        files += [g for g in given if g.resolve() not in known]
        report = run(files, project.shape_files(), project.check_files(), validator)
        if given:
            report.keep_placed_in(given)
    _finish(report, fmt, lang, fail_on, output)


def _finish(report, fmt: str, lang: str, fail_on: str, output) -> None:
    """Write the report, say what was validated on stderr, and exit with the documented code."""
    from ..output import emit
    from ..reporting import render

    emit(render(report, fmt, lang, fail_on), output)
    summary = f"{report.count('error')} errors, {report.count('warning')} warnings, {report.count('info')} infos"
    for name, why in report.skipped.items():
        click.echo(f"validate: check {name} skipped: {why}", err=True)
    click.echo(f"validate: {report.subject}, {report.triples} {report.counted}: {summary}", err=True)
    sys.exit(1 if report.failed(fail_on) else 0)


def _validate_any(paths, shape_paths, data_paths, validator, endpoint, store_dir, graph_iri):
    """``validate --shapes ... --data ...``: any RDF against any shapes, outside the project."""
    from ..loading import any_files
    from ..validation import validate_any

    if not shape_paths or not data_paths:
        raise UsageError("--shapes and --data go together: give both")
    if paths or endpoint or store_dir or graph_iri:
        raise UsageError("--shapes and --data validate files of their own: give no PATHS, --store, --endpoint or --graph with them")
    return validate_any(any_files(list(data_paths), "--data"), any_files(list(shape_paths), "--shapes"), validator)


def _validate_published(project, paths, validator, endpoint, graph_iri, timeout, store_dir):
    """``validate --store`` or ``validate --endpoint``: the shapes compiled to SPARQL, run on the
    published graph, with file:line taken from the sources when the store is not stale."""
    from ..engine import EmbeddedEngine, RemoteEngine
    from ..validation import validate_published

    if paths:
        raise UsageError("PATHS cannot be given with --store or --endpoint")
    if endpoint and store_dir:
        raise UsageError("--store and --endpoint: give one of them")
    if validator != "sparql":
        raise UsageError("--validator pyshacl needs the Turtle files; --store and --endpoint use --validator sparql")
    if store_dir:
        if graph_iri:
            raise UsageError("--graph: only with --endpoint")
        opened = opened_store(project, store_dir)
        sources = None if opened.stale else project.graph_files()  # else file:line would mislead
        return validate_published(EmbeddedEngine(opened.store), f"store {store_dir}", project.shape_files(),
                                  project.check_files(), store=opened.store, sources=sources)
    if graph_iri:
        from ..publish import target_url

        target_url(endpoint, graph_iri)  # the same check of the IRI as publish makes
    return validate_published(RemoteEngine(endpoint, timeout, default_graph=graph_iri), f"endpoint {endpoint}",
                              project.shape_files(), project.check_files())


@click.command("queries")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@click.pass_context
def list_queries(ctx, fmt):
    """List the named queries in queries/, with their parameters.

    \b
    Example:
      heritage-kg queries
    """
    import json

    from ..queries import catalogue

    project = project_of(ctx)
    named = catalogue(project.query_files())
    if fmt == "json":
        body = [{"name": q.name, "title": q.title, "description": q.description, "tags": q.tags,
                 "params": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                            for p in q.params]} for q in named.values()]
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    for q in named.values():
        params = " ".join(f"-p {p.name} <{p.type}>" + (f" (default {p.default})" if p.default is not None else "")
                          for p in q.params)
        click.echo(f"{q.name}\n    {q.title}" + (f"\n    {params}" if params else ""))


@click.command()
@click.argument("query", required=False)
@click.option("--sparql", "sparql_text", help="Run this SPARQL text instead of a named query or file.")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Set a parameter of a named query; repeatable.")
@click.option("--as-of", "as_of", metavar="DATE",
              help="The date of a query that asks what held on a date (YYYY, YYYY-MM or YYYY-MM-DD), "
                   "such as 'as-of': its date parameter.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMAT_NAMES), default=None,
              help="table (default), csv, tsv, json, xml, md for SELECT/ASK; ttl (default), nt, jsonld, xml for "
                   "CONSTRUCT/DESCRIBE; with -o, the file's suffix chooses when this is not given.")
@click.option("--endpoint", help="Run against this SPARQL 1.1 endpoint (http or https) instead of the bundled data.")
@click.option("--graph", "graph_iri", metavar="IRI",
              help="With --endpoint: query this named graph as the default graph (sent as default-graph-uri), "
                   "such as the one 'publish --graph' replaced.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds to wait for a remote endpoint, or for SERVICE with --allow-service.")
@click.option("--allow-service", is_flag=True,
              help="Let SERVICE send requests to other servers (refused otherwise, as the server refuses it).")
@store_option
@output_option
@click.pass_context
@with_progress
def query(ctx, query, sparql_text, params, as_of, fmt, endpoint, graph_iri, timeout, allow_service, store_dir, output):
    """Run a named query (QUERY is its name), a .rq file, or - for stdin.

    Parameters are bound as typed RDF terms, never pasted into the query text; an IRI parameter
    that names nothing in the graph is refused, with the nearest known names. The project's
    prefixes (hkg:, kg:, skos:, ...) need no PREFIX line. Only queries are run: updates are
    refused, and so is SERVICE unless --allow-service is given.

    \b
    Examples:
      heritage-kg query founders
      heritage-kg query partners -p organisation icom --format csv
      heritage-kg query as-of -p organisation icom --as-of 1999
      heritage-kg query --sparql 'SELECT ?o WHERE { ?o a hkg:Organisation } LIMIT 5'
      heritage-kg query agreements --endpoint http://localhost:7878/query
      heritage-kg query agreements --endpoint http://localhost:7878/query --graph https://w3id.org/heritage-kg/graph
      heritage-kg query timeline --store heritage-kg.store
    """
    from ..asking import check_terms, choose, refuse
    from ..output import emit
    from ..queries import bind_values
    from ..results import render

    project = project_of(ctx)
    if endpoint and store_dir:
        raise UsageError("give either --endpoint or --store, not both")
    if graph_iri and not endpoint:
        raise UsageError("--graph: only with --endpoint (the bundled data and a store hold one graph)")
    given = {}
    for name, value in params:
        if name in given:
            raise UsageError(f"parameter {name!r} given twice")
        given[name] = value
    named = choose(project, query, sparql_text)
    refuse(named, allow_service)
    graph_form = named.form in ("CONSTRUCT", "DESCRIBE")
    chosen = chosen_format(fmt, output, SUFFIXES["result"], "ttl" if graph_form else "table")
    fits = GRAPH_RESULT_FORMATS if graph_form else tuple(RESULT_FORMATS)
    if chosen not in fits:
        given = f"--format {fmt}" if fmt is not None else f"-o {output}"
        raise UsageError(f"{given}: a {named.form} answer is written as one of {', '.join(fits)}")
    if as_of is not None:
        given = _with_date(project, named, given, as_of)
    if given and not named.params:
        raise UsageError(f"query {named.name!r} takes no parameters")
    bindings = named.bindings(given)
    if endpoint:
        from ..engine import RemoteEngine
        from ..publish import target_url

        if graph_iri:
            target_url(endpoint, graph_iri)  # the same check of the IRI as publish makes
        engine = RemoteEngine(endpoint, timeout, default_graph=graph_iri)
    else:
        from ..engine import EmbeddedEngine

        engine = EmbeddedEngine(published(project, store_dir))
    check_terms(named, bindings, given, engine)
    text = bind_values(named.text, bindings, named.name) if bindings else named.text
    if endpoint:
        result = engine.query(text, named.name, chosen)
    else:
        result = engine.query(text, named.name, chosen, timeout=timeout if allow_service else None)
    fmt = chosen
    emit(render(result, fmt), output)
    if result.incomplete:
        click.echo(f"warning: incomplete result: {result.incomplete}", err=True)
        sys.exit(1)


def _with_date(project, named, given: dict, as_of: str) -> dict:
    """The parameters with ``--as-of`` given to the query's date parameter (its one of type
    period)."""
    from ..periods import period
    from ..queries import catalogue

    dated = [p.name for p in named.params if p.type == "period"]
    if not dated:
        able = sorted(q.name for q in catalogue(project.query_files()).values() if any(p.type == "period" for p in q.params))
        raise UsageError(f"--as-of: query {named.name!r} takes no date" + (f" (the queries that do: {', '.join(able)})" if able else ""))
    if dated[0] in given:
        raise UsageError(f"--as-of: parameter {dated[0]!r} is given with -p too")
    period(as_of, "--as-of")  # a bad date is named as the option it came from
    return {**given, dated[0]: as_of}
