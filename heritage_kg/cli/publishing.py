"""The commands that build, write and publish the graph: load, export, publish and serve."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..formats import SUFFIXES
from ..keptexport import FORMAT as KEPT_FORMAT
from ..server.state import Settings
from .options import (RDF_FORMAT_NAMES, chosen_format, opened_store, output_option, project_of, published,
                      store_option, with_progress)


@click.command()
@click.option("--format", "fmt", type=click.Choice(RDF_FORMAT_NAMES), default=None,
              help="ttl (default), nt, nq, trig, jsonld or xml; with -o, the file's suffix chooses when this is not given.")
@store_option
@output_option
@click.pass_context
@with_progress
def export(ctx, fmt, store_dir, output):
    """Export the whole dataset, with its standard-vocabulary triples and its VoID/DCAT
    description. The output is byte-identical across runs.

    \b
    Examples:
      heritage-kg export --format ttl -o heritage-kg.ttl
      heritage-kg export --format jsonld > heritage-kg.jsonld
      heritage-kg export --store heritage-kg.store --format nt -o heritage-kg.nt
    """
    from ..export import make_export
    from ..output import emit, emit_file

    project = project_of(ctx)
    fmt = chosen_format(fmt, output, SUFFIXES["rdf"], "ttl")
    if store_dir is None:
        made = make_export(published(project, None), fmt)
        emit(made.body, output)
        graph, triples = made.graph, made.triples
    else:
        opened = opened_store(project, store_dir)
        # --format nt is the kept file itself; the other formats are made from it when it is there
        kept = opened.kept_export(required=fmt == KEPT_FORMAT)
        if kept is not None and fmt == KEPT_FORMAT:
            kept.verify()
            emit_file(kept.path, output)
            graph, triples = opened.manifest.triples, kept.triples
        else:
            made = make_export(opened.store, fmt, kept, opened.manifest.triples)
            emit(made.body, output)
            graph, triples = made.graph, made.triples
    click.echo(f"export: {triples} triples as {fmt}: the published graph (the files and the standard-vocabulary "
               f"triples added to them, {graph} as stats counts it) and its dataset description", err=True)


@click.command()
@click.option("--store", "store_dir", type=click.Path(path_type=Path), metavar="DIR", required=True,
              help="Folder to build the store in; built beside it, then renamed into place.")
@click.option("--force", is_flag=True, help="Replace DIR even if it is not a heritage-kg store.")
@click.pass_context
@with_progress
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

    from ..store import build

    started = time.monotonic()
    manifest = build(project_of(ctx), store_dir, force=force)
    click.echo(f"load: {manifest.triples} triples from {manifest.sources} files into {store_dir} "
               f"in {time.monotonic() - started:.1f} s", err=True)


@click.command()
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
@store_option
@click.pass_context
@with_progress
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
    from ..publish import publish as run, targets

    project = project_of(ctx)
    targets(endpoint, graph, query_endpoint)  # before any work
    ready = None
    if store_dir is None:
        store = published(project, None)
    else:
        opened = opened_store(project, store_dir)
        store = opened.store
        kept = opened.kept_export(required=fmt == KEPT_FORMAT)
        if kept is not None:
            from ..export import export_utf8

            ready = (export_utf8(store, fmt, kept), kept.triples)
    done = run(store, endpoint, graph, fmt, timeout, ready=ready, query_endpoint=query_endpoint)
    click.echo(f"publish: sent {done.triples} triples ({done.size} bytes) to {done.url}: "
               f"HTTP {done.status} in {done.seconds:.1f} s; {done.query_url} counts {done.found}", err=True)


def _processes(ctx, param, value: str) -> int:
    """`--processes`: a count of at least one, or 'auto' for the cores this process may run on."""
    if value == "auto":
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise click.BadParameter(f"{value!r} is neither a count of at least 1 nor 'auto'")
    return count


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--query-timeout", type=click.FloatRange(min=0.1), default=Settings.query_timeout, show_default=True,
              help="Seconds a SPARQL query may run before it is stopped.")
@click.option("--row-cap", type=click.IntRange(min=1), default=Settings.row_cap, show_default=True,
              help="Most rows a SPARQL answer carries; longer answers are cut and flagged.")
@click.option("--workers", type=click.IntRange(min=1), default=Settings.workers, show_default=True,
              help="Processes that evaluate SPARQL queries, for each page process.")
@click.option("--processes", callback=_processes, default="auto", show_default=True, metavar="N|auto",
              help="Processes that make pages, forked after start-up so that they share its memory; "
                   "'auto' is one for each core this process may use.")
@store_option
@click.pass_context
def serve(ctx, host, port, query_timeout, row_cap, workers, processes, store_dir):
    """Publish the graph: a read-only SPARQL endpoint, linked-data pages and dumps.

    \b
    Examples:
      heritage-kg serve --port 8000
      heritage-kg serve --store heritage-kg.store --processes 2
      heritage-kg serve --processes 1
    """
    from ..server import serving
    from ..server.app import create_app

    settings = Settings(query_timeout=query_timeout, row_cap=row_cap, workers=workers)
    project = project_of(ctx)
    sock = serving.listen(host, port)
    shown = f"[{host}]" if ":" in host else host

    def make():
        if store_dir:
            opened = opened_store(project, store_dir)
            app = create_app(project, settings, opened=opened)
        else:
            app = create_app(project, settings)
        click.echo(f"serving heritage-kg on http://{shown}:{sock.getsockname()[1]}/ (SPARQL at /sparql)", err=True)
        return app

    from ..guard import Terminated

    try:
        serving.run(make, sock, processes)
    except (KeyboardInterrupt, Terminated):
        pass  # how a service is stopped: the server has shut down cleanly by now
