"""Named queries: every one matches its golden result; parameters are typed and bound safely."""

from __future__ import annotations

import csv
import io
import json

import pytest

from heritage_kg.engine import EmbeddedEngine
from heritage_kg.errors import UsageError
from heritage_kg.queries import catalogue
from heritage_kg.results import render

from .conftest import GOLDEN, ROOT

NAMED = catalogue(sorted((ROOT / "queries").glob("*.rq")))


def normalise(text: str) -> list[list[str]]:
    """CSV rows, with the order inside GROUP_CONCAT cells (" | ") made irrelevant."""
    rows = list(csv.reader(io.StringIO(text)))
    return [[" | ".join(sorted(cell.split(" | "))) for cell in row] for row in rows]


def test_there_are_named_queries():
    assert {"founders", "agreements", "partners", "topic", "mandates", "member-counts",
            "neighbourhood", "timeline", "statement-sources"} <= set(NAMED)


@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_query_matches_golden(name, store, request):
    query = NAMED[name]
    assert query.title and query.description, f"{name}: the #+ header needs a title and a description"
    text = query.bind({}) if query.params else query.text
    result = render(EmbeddedEngine(store).query(text, name), "csv")
    golden = GOLDEN / f"{name}.csv"
    if request.config.getoption("--update-golden"):
        golden.write_text(result, encoding="utf-8", newline="")
    assert golden.exists(), f"no golden result {golden}; run pytest --update-golden and review it"
    assert normalise(result) == normalise(golden.read_text(encoding="utf-8"))


def test_blue_shield_has_exactly_its_four_founders(store):
    result = EmbeddedEngine(store).query(NAMED["founders"].bind({}))
    assert sorted(row["founder"].value.rsplit("/", 1)[-1] for row in result.rows) == ["ica", "icom", "icomos", "ifla"]


def test_parameters_change_the_answer(run):
    icom = run("query", "partners", "--format", "json")
    iccrom = run("query", "partners", "-p", "organisation", "iccrom", "--format", "json")
    assert icom.exit_code == iccrom.exit_code == 0
    names = lambda r: {b["partner"]["value"] for b in json.loads(r.stdout)["results"]["bindings"]}
    assert "https://w3id.org/heritage-kg/id/interpol" in names(icom)
    assert "https://w3id.org/heritage-kg/id/icom" in names(iccrom) and "https://w3id.org/heritage-kg/id/interpol" not in names(iccrom)


def test_parameter_forms_are_equivalent(run):
    forms = ["icom", "kg:icom", "https://w3id.org/heritage-kg/id/icom", "<https://w3id.org/heritage-kg/id/icom>"]
    outputs = {run("query", "partners", "-p", "organisation", f, "--format", "csv").stdout for f in forms}
    assert len(outputs) == 1


def test_a_string_parameter_cannot_inject_sparql():
    query = NAMED["partners"]
    hostile = 'x> } } SELECT * WHERE { ?s ?p ?o } #'
    with pytest.raises(UsageError):
        query.bind({"organisation": hostile})


def test_injection_attempt_through_a_literal_stays_a_literal(store):
    from heritage_kg.queries import Param, bind_values

    term = Param("name", "string").term('" } ?s ?p ?o . FILTER("1"="1')
    text = bind_values("SELECT ?name ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?name }", {"name": term})
    assert EmbeddedEngine(store).query(text).rows == []


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml", "md"])
def test_select_formats(run, fmt):
    result = run("query", "founders", "--format", fmt)
    assert result.exit_code == 0
    assert "icomos" in result.stdout


def _solutions(data: bytes, fmt: str) -> list[dict]:
    import pyoxigraph as ox

    parsed = ox.parse_query_results(data, format=getattr(ox.QueryResultsFormat, fmt.upper()))
    names = [v.value for v in parsed.variables]
    return [{v: s[v] for v in names if s[v] is not None} for s in parsed]


ODD_TERMS = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
_:b1 ex:p "line\\nbreak, \\"quoted\\" \\t tab; <tag> & 'single'"@en-gb .
ex:a ex:p 42 , 1.5 , true , "1e3"^^xsd:double , "2020-01-01"^^xsd:date , "" , "é 😀" .
ex:b ex:p ex:c .
"""


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
@pytest.mark.parametrize("case", [*sorted(NAMED), "odd terms"])
def test_results_written_by_oxigraph_equal_those_written_from_rows(store, case, fmt):
    """The embedded engine lets Oxigraph write SPARQL results; a remote endpoint's rows are written
    by results.render. Both must give the same answer, for every named query and for odd terms
    (blank nodes, languages, datatypes, quotes, line breaks, unbound variables). CSV and JSON
    are the same bytes; TSV and XML may lay out the same terms differently, so they are compared
    parsed (CSV cannot be parsed back: it drops the kind of each term)."""
    import pyoxigraph as ox

    if case == "odd terms":
        graph = ox.Store()
        graph.load(ODD_TERMS.encode(), format=ox.RdfFormat.TURTLE)
        text = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?unbound FILTER(false) } } ORDER BY ?s ?o"
    else:
        graph, text = store, NAMED[case].bind({}) if NAMED[case].params else NAMED[case].text
    engine = EmbeddedEngine(graph)
    written, from_rows = engine.query(text, fmt=fmt), engine.query(text)
    assert written.serialised is not None and not written.rows and from_rows.rows
    native, rendered = render(written, fmt).encode(), render(from_rows, fmt).encode()
    assert native.endswith(b"\n") and rendered.endswith(b"\n")
    if fmt in ("csv", "json"):
        assert native == rendered
    else:
        assert _solutions(native, fmt) == _solutions(rendered, fmt)


def test_sparql_json_and_xml_are_standard(run):
    import xml.etree.ElementTree as ET

    data = json.loads(run("query", "founders", "--format", "json").stdout)
    assert data["head"]["vars"][0] == "founder" and len(data["results"]["bindings"]) == 4
    root = ET.fromstring(run("query", "founders", "--format", "xml").stdout)
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert len(root.findall(f"{ns}results/{ns}result")) == 4


def test_ask_and_construct(run, tmp_path):
    ask = run("query", "--sparql", "ASK { <https://w3id.org/heritage-kg/id/icom> a <https://schema.org/Organization> }")
    assert ask.stdout.strip() == "true"
    construct = run("query", "--sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?s = <https://w3id.org/heritage-kg/id/icom>) }",
                    "--format", "nt")
    import rdflib

    graph = rdflib.Graph().parse(data=construct.stdout, format="nt")
    assert (rdflib.URIRef("https://w3id.org/heritage-kg/id/icom"), rdflib.OWL.sameAs,
            rdflib.URIRef("http://www.wikidata.org/entity/Q653054")) in graph


def test_query_from_file_and_stdin(run, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/heritage-kg/ontology#Agreement> }")
    from_file = run("query", str(path), "--format", "csv").stdout
    from_stdin = run("query", "-", "--format", "csv", input=path.read_text()).stdout
    assert from_file == from_stdin and int(from_file.splitlines()[1]) > 20


def test_queries_lists_every_named_query(run):
    listed = json.loads(run("queries", "--format", "json").stdout)
    assert {q["name"] for q in listed} == set(NAMED)
    partners = next(q for q in listed if q["name"] == "partners")
    assert partners["params"][0]["name"] == "organisation" and partners["params"][0]["type"] == "iri"


BAD = {
    "unknown query": (["query", "no-such-query"], 2, "unknown query 'no-such-query'"),
    "unknown parameter": (["query", "partners", "-p", "colour", "red"], 2, "unknown parameter 'colour'"),
    "mistyped parameter": (["query", "neighbourhood", "-p", "steps", "two"], 2, "parameter 'steps': 'two' is not an integer"),
    "sparql syntax": (["query", "--sparql", "SELEC * WHERE {}"], 1, "SPARQL syntax error"),
    "missing query file": (["query", "nowhere/q.rq"], 2, "nowhere/q.rq: no such query file"),
    "two sources": (["query", "founders", "--sparql", "ASK {}"], 2, "give either a QUERY"),
    "param to a plain query": (["query", "--sparql", "ASK {}", "-p", "a", "b"], 2, "takes no parameters"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_gets_one_line_and_exit_code(run, case):
    args, code, text = BAD[case]
    result = run(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and text in line


def test_missing_required_parameter(tmp_path, run):
    path = tmp_path / "needs.rq"
    path.write_text("#+ title: t\n#+ params:\n#+   - name: org\n#+     type: iri\nSELECT ?o WHERE { ?o ?p ?org }\n")
    result = run("query", str(path))
    assert result.exit_code == 2 and "missing parameter 'org'" in result.stderr


def test_topic_keeps_the_other_organisations_of_a_tie_when_one_has_no_english_name(store):
    """An organisation without an English name is shown by its French one, and one with no name
    at all by its IRI (engines differ on GROUP_CONCAT over an unbound name: Oxigraph empties the
    cell); the others stay."""
    import pyoxigraph as ox

    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    ties = {"https://w3id.org/heritage-kg/ontology#" + p for p in
            ("party", "runBy", "fundedBy", "participant", "grantedBy", "grantedTo", "hostedBy")}
    rows = EmbeddedEngine(store).query(NAMED["topic"].bind({})).rows
    node, cell = next((r["node"], r["organisations"].value) for r in rows
                      if "organisations" in r and len(r["organisations"].value.split(" | ")) >= 2)
    unnamed = next(q.object for q in store.quads_for_pattern(node, None, None) if q.predicate.value in ties)
    french = next(q.object.value for q in store.quads_for_pattern(unnamed, label, None) if q.object.language == "fr")
    for languages, shown in (({"en"}, french), ({"en", "fr"}, unnamed.value)):
        copy = ox.Store()
        copy.extend(q for q in store if not (q.subject == unnamed and q.predicate == label
                                             and q.object.language in languages))
        after = next(r["organisations"].value for r in EmbeddedEngine(copy).query(NAMED["topic"].bind({})).rows
                     if r["node"] == node)
        assert shown in after.split(" | ")
        assert len(after.split(" | ")) == len(cell.split(" | "))


def test_timeline_puts_days_without_a_year_last(run):
    """Oldest first: a day without a year (--08-04, an anniversary) cannot be placed among the
    years, so it comes after them, not before 1793."""
    rows = run("query", "timeline", "--format", "csv").stdout.splitlines()[1:]
    dated = [row.split(",", 1)[0] for row in rows]
    yearless = [i for i, when in enumerate(dated) if when.startswith("--")]
    assert yearless and yearless == list(range(len(dated) - len(yearless), len(dated)))
    assert dated[0] == "1793"


def test_ad_hoc_queries_need_no_prefix_lines_and_errors_keep_their_lines(run):
    found = run("query", "--sparql", "SELECT ?o WHERE { ?o hkg:acronym \"ICOM\"@en }", "--format", "csv")
    assert found.stdout.splitlines() == ["o", "https://w3id.org/heritage-kg/id/icom"]
    broken = run("query", "--sparql", "SELECT ?o\nWHERE {\n  ?o hkg:acronym\n}")
    assert broken.exit_code == 1
    assert broken.stderr.startswith("Error: --sparql: SPARQL syntax error: line 4, column ")
