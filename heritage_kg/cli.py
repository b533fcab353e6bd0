"""The heritage-kg command line: parse options, call the library, pick an output format, and map
errors to exit codes (0 success, 1 the data or the query failed, 2 a usage error).

Heavy libraries are imported inside the commands, so that ``heritage-kg --help`` stays fast.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import UsageError
from .formats import GRAPH_RESULT_FORMATS, NETWORK_FORMATS, RDF_FORMATS, REPORT_FORMATS, RESULT_FORMATS, SUFFIXES
from .guard import Group
from .project import LANGUAGES
from .server.state import Settings

#: The names --format takes: of an RDF file; of a query's answer (a table, else a graph).
RDF_FORMAT_NAMES = tuple(RDF_FORMATS)
RESULT_FORMAT_NAMES = tuple(dict.fromkeys((*RESULT_FORMATS, *GRAPH_RESULT_FORMATS)))


def _with_progress(command):
    """Show the progress of the command's long phases on stderr, when it is a terminal."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from .progress import shown_on

        with shown_on(sys.stderr):
            return command(*args, **kwargs)
    return wrapper


def _project(ctx: click.Context):
    from .project import Project

    root = ctx.obj.get("root")
    return Project.discover(Path(root) if root else None)


def _writable(ctx, param, value: str | None) -> Path | None:
    """The --output callback: a path that cannot be written is a usage error before any work."""
    if value is None:
        return None
    from .output import check_writable

    if value.endswith(("/", os.sep)):
        raise UsageError(f"{value}: is a folder, not a file")
    check_writable(Path(value))
    return Path(value)


def _output_option(command):
    return click.option("-o", "--output", type=click.Path(dir_okay=False), callback=_writable,
                        help="Write to this file (atomically) instead of stdout.")(command)


def _chosen(fmt: str | None, output: Path | None, suffixes: dict[str, str], default: str | None) -> str | None:
    """The --format given; else the one the output file's suffix names; else ``default`` for a
    file without a suffix. A suffix that names no format is a usage error, rather than a file
    whose name says one format and whose bytes are another."""
    if fmt is not None or output is None or not output.suffix:
        return fmt or default
    if output.suffix.lower() not in suffixes:
        known = ", ".join(sorted(set(suffixes)))
        raise UsageError(f"-o {output}: cannot tell the format from '{output.suffix}' ({known}); give --format")
    return suffixes[output.suffix.lower()]


def _store_option(command):
    return click.option("--store", "store_dir", type=click.Path(path_type=Path), metavar="DIR",
                        help="Read the on-disk store built by 'heritage-kg load --store DIR' instead of parsing the Turtle files.")(command)


def _published(project, store_dir: Path | None):
    """The published graph: the on-disk store at ``store_dir``, or built from the Turtle files."""
    if store_dir is None:
        from .build import build_store

        return build_store(project)
    return _opened(project, store_dir).store


def _opened(project, store_dir: Path):
    """The on-disk store at ``store_dir``, opened read-only, with a warning when it is stale."""
    from .store import open_store

    opened = open_store(store_dir, project)
    if opened.stale:
        click.echo(f"warning: {store_dir} was not built from the current ontology/ and data/; "
                   f"'heritage-kg load --store {store_dir}' rebuilds it", err=True)
    return opened


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


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default=None,
              help="Report format: text for people (default), json, sarif (SARIF 2.1), github (workflow "
                   "annotations); with -o, the file's suffix chooses when this is not given.")
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
@_output_option
@click.pass_context
@_with_progress
def validate(ctx, paths, fmt, lang, fail_on, validator, endpoint, graph_iri, timeout, store_dir, output):
    """Check syntax, SHACL shapes and the checks in queries/checks/.

    With no PATHS, validates ontology/ and data/ against shapes/. PATHS may be files or folders
    of Turtle: the project's graph is validated with them in it (those outside data/ are
    added), and only the findings placed in them are reported, with every syntax error, which
    stops the whole validation. With --store or --endpoint, the
    published graph is validated instead, with the same shapes and the checks that apply to it
    (those of how files are written are skipped). Exit 0 when clean (warnings are allowed), 1 on
    violations or syntax errors, 2 on usage errors.

    \b
    Examples:
      heritage-kg validate
      heritage-kg validate data/agreements.ttl --format sarif -o report.sarif
      heritage-kg validate --format github --fail-on warning
      heritage-kg validate --validator pyshacl
      heritage-kg validate --store heritage-kg.store
      heritage-kg validate --endpoint http://localhost:7878/query --graph https://w3id.org/heritage-kg/graph
    """
    from .output import emit
    from .project import expand_paths
    from .reporting import render
    from .validation import validate as run

    project = _project(ctx)
    fmt = _chosen(fmt, output, SUFFIXES["report"], "text")
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
    emit(render(report, fmt, lang, fail_on), output)
    summary = f"{report.count('error')} errors, {report.count('warning')} warnings, {report.count('info')} infos"
    for name, why in report.skipped.items():
        click.echo(f"validate: check {name} skipped: {why}", err=True)
    click.echo(f"validate: {report.subject}, {report.triples} {report.counted}: {summary}", err=True)
    sys.exit(1 if report.failed(fail_on) else 0)


def _validate_published(project, paths, validator, endpoint, graph_iri, timeout, store_dir):
    """``validate --store`` or ``validate --endpoint``: the shapes compiled to SPARQL, run on the
    published graph, with file:line taken from the sources when the store is not stale."""
    from .engine import EmbeddedEngine, RemoteEngine
    from .validation import validate_published

    if paths:
        raise UsageError("PATHS cannot be given with --store or --endpoint")
    if endpoint and store_dir:
        raise UsageError("--store and --endpoint: give one of them")
    if validator != "sparql":
        raise UsageError("--validator pyshacl needs the Turtle files; --store and --endpoint use --validator sparql")
    if store_dir:
        if graph_iri:
            raise UsageError("--graph: only with --endpoint")
        opened = _opened(project, store_dir)
        sources = None if opened.stale else project.graph_files()  # else file:line would mislead
        return validate_published(EmbeddedEngine(opened.store), f"store {store_dir}", project.shape_files(),
                                  project.check_files(), store=opened.store, sources=sources)
    if graph_iri:
        from .publish import target_url

        target_url(endpoint, graph_iri)  # the same check of the IRI as publish makes
    return validate_published(RemoteEngine(endpoint, timeout, default_graph=graph_iri), f"endpoint {endpoint}",
                              project.shape_files(), project.check_files())


@cli.command("queries")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@click.pass_context
def list_queries(ctx, fmt):
    """List the named queries in queries/, with their parameters.

    \b
    Example:
      heritage-kg queries
    """
    import json

    from .queries import catalogue

    project = _project(ctx)
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


@cli.command()
@click.argument("query", required=False)
@click.option("--sparql", "sparql_text", help="Run this SPARQL text instead of a named query or file.")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Set a parameter of a named query; repeatable.")
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
@_store_option
@_output_option
@click.pass_context
@_with_progress
def query(ctx, query, sparql_text, params, fmt, endpoint, graph_iri, timeout, allow_service, store_dir, output):
    """Run a named query (QUERY is its name), a .rq file, or - for stdin.

    Parameters are bound as typed RDF terms, never pasted into the query text; an IRI parameter
    that names nothing in the graph is refused, with the nearest known names. The project's
    prefixes (hkg:, kg:, skos:, ...) need no PREFIX line. Only queries are run: updates are
    refused, and so is SERVICE unless --allow-service is given.

    \b
    Examples:
      heritage-kg query founders
      heritage-kg query partners -p organisation icom --format csv
      heritage-kg query --sparql 'SELECT ?o WHERE { ?o a hkg:Organisation } LIMIT 5'
      heritage-kg query agreements --endpoint http://localhost:7878/query
      heritage-kg query agreements --endpoint http://localhost:7878/query --graph https://w3id.org/heritage-kg/graph
      heritage-kg query timeline --store heritage-kg.store
    """
    from .asking import check_terms, choose, refuse
    from .output import emit
    from .queries import bind_values
    from .results import render

    project = _project(ctx)
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
    chosen = _chosen(fmt, output, SUFFIXES["result"], "ttl" if graph_form else "table")
    fits = GRAPH_RESULT_FORMATS if graph_form else tuple(RESULT_FORMATS)
    if chosen not in fits:
        given = f"--format {fmt}" if fmt is not None else f"-o {output}"
        raise UsageError(f"{given}: a {named.form} answer is written as one of {', '.join(fits)}")
    if given and not named.params:
        raise UsageError(f"query {named.name!r} takes no parameters")
    bindings = named.bindings(given)
    if endpoint:
        from .engine import RemoteEngine
        from .publish import target_url

        if graph_iri:
            target_url(endpoint, graph_iri)  # the same check of the IRI as publish makes
        engine = RemoteEngine(endpoint, timeout, default_graph=graph_iri)
    else:
        from .engine import EmbeddedEngine

        engine = EmbeddedEngine(_published(project, store_dir))
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


@cli.command()
@click.option("--format", "fmt", type=click.Choice(RDF_FORMAT_NAMES), default=None,
              help="ttl (default), nt, nq, trig, jsonld or xml; with -o, the file's suffix chooses when this is not given.")
@_store_option
@_output_option
@click.pass_context
@_with_progress
def export(ctx, fmt, store_dir, output):
    """Export the whole dataset, with its standard-vocabulary triples and its VoID/DCAT
    description. The output is byte-identical across runs.

    \b
    Examples:
      heritage-kg export --format ttl -o heritage-kg.ttl
      heritage-kg export --format jsonld > heritage-kg.jsonld
      heritage-kg export --store heritage-kg.store --format nt -o heritage-kg.nt
    """
    from .export import make_export
    from .output import emit, emit_file

    project = _project(ctx)
    fmt = _chosen(fmt, output, SUFFIXES["rdf"], "ttl")
    if store_dir is None:
        made = make_export(_published(project, None), fmt)
        emit(made.body, output)
        graph, triples = made.graph, made.triples
    else:
        opened = _opened(project, store_dir)
        # --format nt is the kept file itself; the other formats are made from it when it is there
        kept = opened.kept_export(required=fmt == "nt")
        if kept is not None and fmt == "nt":
            kept.verify()
            emit_file(kept.path, output)
            graph, triples = opened.manifest.triples, kept.triples
        else:
            made = make_export(opened.store, fmt, kept, opened.manifest.triples)
            emit(made.body, output)
            graph, triples = made.graph, made.triples
    click.echo(f"export: {triples} triples as {fmt}: the published graph (the files and the standard-vocabulary "
               f"triples added to them, {graph} as stats counts it) and its dataset description", err=True)


@cli.command()
@click.option("--store", "store_dir", type=click.Path(path_type=Path), metavar="DIR", required=True,
              help="Folder to build the store in; built beside it, then renamed into place.")
@click.option("--force", is_flag=True, help="Replace DIR even if it is not a heritage-kg store.")
@click.pass_context
@_with_progress
def load(ctx, store_dir, force):
    """Build the on-disk store that query, export, stats, graph, serve and publish read with --store.

    Parses ontology/ and data/ strictly, adds the standard-vocabulary triples, and records the
    triple count and a hash of the sources in DIR/heritage-kg-store.json, so that a store older
    than the data is flagged. It also writes the N-Triples export, DIR/export.nt, which export,
    publish and serve then hand out as it is. A failed load leaves DIR as it was.

    \b
    Example:
      heritage-kg load --store heritage-kg.store
    """
    import time

    from .store import build

    started = time.monotonic()
    manifest = build(_project(ctx), store_dir, force=force)
    click.echo(f"load: {manifest.triples} triples from {manifest.sources} files into {store_dir} "
               f"in {time.monotonic() - started:.1f} s", err=True)


@cli.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's Graph Store Protocol URL, e.g. http://localhost:7878/store.")
@click.option("--graph", metavar="IRI", help="Replace this named graph (default: the default graph).")
@click.option("--format", "fmt", type=click.Choice(("nt", "ttl")), default="nt", show_default=True,
              help="Format of the upload.")
@click.option("--query-endpoint", metavar="URL",
              help="The server's SPARQL query endpoint, from which the published triples are counted back "
                   "(default: found beside --endpoint on Oxigraph, Virtuoso and Fuseki).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds to wait for the server at each step.")
@_store_option
@click.pass_context
@_with_progress
def publish(ctx, endpoint, graph, fmt, query_endpoint, timeout, store_dir):
    """Upload the dataset to a SPARQL server with the Graph Store Protocol (one HTTP PUT that
    replaces the graph, so publishing twice leaves one copy), then count the graph's triples
    back from the server's query endpoint: a count that differs from what was sent fails (exit
    1). With --store, the store's kept export is checked against its recorded SHA-256 and line
    count first, so a damaged store is never sent.

    Credentials come from $HERITAGE_KG_TOKEN (sent as a Bearer token), $HERITAGE_KG_USER and
    $HERITAGE_KG_PASSWORD, or the netrc file ($NETRC, else ~/.netrc), never from the command line;
    they are sent only over https or to a loopback address.

    \b
    Examples:
      heritage-kg publish --endpoint http://localhost:7878/store
      heritage-kg publish --endpoint http://localhost:7878/store --graph https://w3id.org/heritage-kg/graph
      heritage-kg publish --store heritage-kg.store --endpoint http://localhost:7878/store
    """
    from .publish import publish as run, targets

    project = _project(ctx)
    targets(endpoint, graph, query_endpoint)  # before any work
    ready = None
    if store_dir is None:
        store = _published(project, None)
    else:
        opened = _opened(project, store_dir)
        store = opened.store
        kept = opened.kept_export(required=fmt == "nt")
        if kept is not None:
            from .export import export_utf8

            ready = (export_utf8(store, fmt, kept), kept.triples)
    done = run(store, endpoint, graph, fmt, timeout, ready=ready, query_endpoint=query_endpoint)
    click.echo(f"publish: sent {done.triples} triples ({done.size} bytes) to {done.url}: "
               f"HTTP {done.status} in {done.seconds:.1f} s; {done.query_url} counts {done.found}", err=True)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@_store_option
@click.pass_context
@_with_progress
def stats(ctx, fmt, store_dir):
    """Entities per class, relationships per kind, statements per source, label coverage.

    \b
    Example:
      heritage-kg stats --format json
    """
    import json

    from .stats import compute, render_table

    figures = compute(_published(_project(ctx), store_dir))
    click.echo(json.dumps(figures, indent=2) if fmt == "json" else render_table(figures), nl=fmt == "json")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(NETWORK_FORMATS), default=None,
              help="svg (default), dot, graphml or mermaid; with -o, the file's suffix chooses when this is not given.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Draw only this kind of tie, as ontology/tiekinds.ttl names it (agreement, membership...); "
                   "repeatable (default: every kind drawn in the network). An unknown kind lists the others.")
@click.option("--around", help="Draw only the neighbourhood of this organisation (slug, prefixed name or IRI).")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="Steps from --around.")
@_store_option
@_output_option
@click.pass_context
@_with_progress
def graph(ctx, fmt, kinds, around, depth, store_dir, output):
    """Draw the network of organisations: SVG, or DOT, GraphML and Mermaid for other tools.

    Each kind of tie has its own colour and line style, and a legend names them.

    \b
    Examples:
      heritage-kg graph -o network.svg
      heritage-kg graph --around icom --depth 1 --kind agreement -o icom.svg
      heritage-kg graph --format mermaid
    """
    from .network import render
    from .output import emit
    from .queries import Param

    project = _project(ctx)
    fmt = _chosen(fmt, output, SUFFIXES["network"], "svg")
    centre = Param("around", "iri").term(around).value if around else None
    emit(render(_published(project, store_dir), fmt, list(kinds), centre, depth), output)


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(("text", "json", "md")), default="text", show_default=True)
@_output_option
@click.pass_context
@_with_progress
def diff(ctx, old, new, fmt, output):
    """Say what changed between two versions of the data, in domain terms.

    OLD and NEW are git revisions, dump files (.ttl, .nt, .nq, .trig, .jsonld, .rdf) or folders.

    \b
    Examples:
      heritage-kg diff HEAD~1 HEAD
      heritage-kg diff old.nt new.nt --format md
    """
    from .diff import diff as run, load_version, render
    from .output import emit

    project = _project(ctx)
    # the checkout's ontology describes the kinds of tie where neither version carries the table
    here = load_version(str(project.root / "ontology"), project.root)
    changes = run(load_version(old, project.root), load_version(new, project.root), here)
    emit(render(changes, fmt), output)


@cli.command()
@_output_option
@click.pass_context
@_with_progress
def coverage(ctx, output):
    """Write the coverage table: per source document and line, the statements taken from it,
    how each rests on the line and the IRIs that hold them; then the lines of the seeds no
    statement cites, with the reason nothing was taken (docs/uncited.tsv).

    \b
    Example:
      heritage-kg coverage -o docs/coverage.md
    """
    from .build import build_store
    from .coverage import NOTES, render
    from .output import emit

    project = _project(ctx)
    store = build_store(project, materialised=False)
    shared = project.shared_dir()
    if not (shared / "seeds").is_dir():
        click.echo(f"warning: the seed documents are not at {shared}/seeds: the lines not cited are left out",
                   err=True)
        shared = None
    emit(render(store, shared, project.root / NOTES), output)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--query-timeout", type=click.FloatRange(min=0.1), default=Settings.query_timeout, show_default=True,
              help="Seconds a SPARQL query may run before it is stopped.")
@click.option("--row-cap", type=click.IntRange(min=1), default=Settings.row_cap, show_default=True,
              help="Most rows a SPARQL answer carries; longer answers are cut and flagged.")
@click.option("--workers", type=click.IntRange(min=1), default=Settings.workers, show_default=True,
              help="Processes that evaluate SPARQL queries, for each page process.")
@click.option("--processes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes that make pages, forked after start-up so that they share its memory; "
                   "one per core suits a large graph.")
@_store_option
@click.pass_context
def serve(ctx, host, port, query_timeout, row_cap, workers, processes, store_dir):
    """Publish the graph: a read-only SPARQL endpoint, linked-data pages and dumps.

    \b
    Examples:
      heritage-kg serve --port 8000
      heritage-kg serve --store heritage-kg.store --processes 2
    """
    from .server import serving
    from .server.app import create_app

    settings = Settings(query_timeout=query_timeout, row_cap=row_cap, workers=workers)
    project = _project(ctx)
    sock = serving.listen(host, port)
    shown = f"[{host}]" if ":" in host else host

    def make():
        if store_dir:
            opened = _opened(project, store_dir)
            app = create_app(project, settings, opened=opened)
        else:
            app = create_app(project, settings)
        click.echo(f"serving heritage-kg on http://{shown}:{sock.getsockname()[1]}/ (SPARQL at /sparql)", err=True)
        return app

    from .guard import Terminated

    try:
        serving.run(make, sock, processes)
    except (KeyboardInterrupt, Terminated):
        pass  # how a service is stopped: the server has shut down cleanly by now


def main() -> None:
    from .guard import INTERRUPTED, TERMINATED

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


if __name__ == "__main__":
    main()
