"""`query --endpoint` against a real Oxigraph server: the same answers as the embedded engine,
and clean errors for unreachable and hung endpoints."""

from __future__ import annotations

import pytest

from heritage_kg.queries import catalogue

from .conftest import ROOT
from .servers import free_port, oxigraph_server, silent_server
from .test_queries import normalise

NAMED = catalogue(sorted((ROOT / "queries").glob("*.rq")))


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    from click.testing import CliRunner

    from heritage_kg.cli import cli

    folder = tmp_path_factory.mktemp("oxigraph")
    dump = folder / "dump.nt"
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "export", "--format", "nt", "-o", str(dump)])
    assert result.exit_code == 0, result.stderr
    with oxigraph_server(folder / "store", dump) as base:
        yield base + "/query"


@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_query_same_on_server_and_embedded(run, endpoint, name):
    embedded = run("query", name, "--format", "csv")
    remote = run("query", name, "--format", "csv", "--endpoint", endpoint)
    assert remote.exit_code == 0, remote.stderr
    assert normalise(remote.stdout) == normalise(embedded.stdout)
    assert len(normalise(remote.stdout)) > 1


def test_parameters_bind_the_same_way_remotely(run, endpoint):
    args = ("query", "partners", "-p", "organisation", "iccrom", "--format", "csv")
    assert normalise(run(*args, "--endpoint", endpoint).stdout) == normalise(run(*args).stdout)


def test_construct_remotely(run, endpoint):
    result = run("query", "--sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?s = <https://w3id.org/heritage-kg/id/icom>) }",
                 "--endpoint", endpoint, "--format", "nt")
    assert result.exit_code == 0 and "<http://www.wikidata.org/entity/Q653054>" in result.stdout


def test_sparql_syntax_error_from_the_server(run, endpoint):
    result = run("query", "--sparql", "SELECT * WHERE { ?s ?p }", "--endpoint", endpoint)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1


def test_unreachable_endpoint(run):
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = run("query", "founders", "--endpoint", url, "--timeout", "2")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {url}: unreachable")
    assert result.stdout == ""


def test_hung_endpoint_times_out(run):
    with silent_server() as url:
        result = run("query", "founders", "--endpoint", url, "--timeout", "1")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {url}: no answer within 1 s"


@pytest.mark.parametrize("status,headers", [(206, {}), (200, {"X-SQL-State": "S1TAT"})], ids=["206", "x-sql-state"])
def test_partial_answer_is_reported_incomplete(run, status, headers):
    from .servers import partial_answer_server

    with partial_answer_server(status, headers) as url:
        result = run("query", "--sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", url, "--format", "csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["s", "http://example.org/a"]
    assert "incomplete result" in result.stderr


def test_truncation_header_of_our_own_server_fails_the_query(run):
    """`serve --row-cap 2` cuts answers at two rows and says so in X-Result-Truncated: `query`
    prints what came, flags it and exits 1, rather than passing two rows off as the answer."""
    from .servers import heritage_kg_server

    with heritage_kg_server(ROOT, "--row-cap", "2") as base:
        result = run("query", "timeline", "--format", "csv", "--endpoint", base + "/sparql")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 3  # the header and the two rows sent
    assert result.stderr.strip() == ("warning: incomplete result: the endpoint cut the answer short "
                                     "(X-Result-Truncated: true; limit=2)")


def test_row_limit_header_of_virtuoso_fails_the_query(run):
    from .servers import partial_answer_server

    with partial_answer_server(200, {"X-SPARQL-MaxRows": "1"}) as url:
        result = run("query", "--sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", url, "--format", "csv")
    assert result.exit_code == 1 and "X-SPARQL-MaxRows: 1" in result.stderr


def test_the_projects_prefixes_need_no_declaration_remotely(run, endpoint):
    text = "SELECT ?o WHERE { ?o a hkg:Organisation ; hkg:acronym \"ICOM\"@en }"
    remote = run("query", "--sparql", text, "--format", "csv", "--endpoint", endpoint)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout.splitlines() == ["o", "https://w3id.org/heritage-kg/id/icom"]
    assert run("query", "--sparql", text, "--format", "csv").stdout == remote.stdout


def test_service_waits_no_longer_than_the_timeout(run):
    """SERVICE to a server that accepts and never answers: refused without --allow-service, and
    given up after --timeout with it."""
    import time

    with silent_server() as url:
        text = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
        refused = run("query", "--sparql", text)
        started = time.monotonic()
        waited = run("query", "--sparql", text, "--allow-service", "--timeout", "1")
        took = time.monotonic() - started
    assert refused.exit_code == 2 and "--allow-service" in refused.stderr
    assert waited.exit_code == 1 and waited.stderr.strip() == "Error: --sparql: no answer within 1 s (--timeout)"
    assert took < 30  # not the eleven minutes and more it hung for
