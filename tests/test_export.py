"""`heritage-kg export`: every format parses back, the output is byte-identical across runs,
the dataset describes itself, and a failed write leaves nothing behind."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pyoxigraph as ox
import pytest
import rdflib

from heritage_kg.describe import describe
from heritage_kg.export import export_utf8
from heritage_kg.stats import figures
from heritage_kg.serialise import _stable_lines, serialise_store, serialise_triples
from heritage_kg.stats import compute
from heritage_kg.keptexport import KeptExport

from .conftest import ROOT

FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "xml": "xml"}
DATASET = rdflib.URIRef("https://w3id.org/heritage-kg/dataset")


def _export(fmt: str, seed: str) -> bytes:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), "export", "--format", fmt],
                          capture_output=True, env=env, check=True)
    return done.stdout


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_is_deterministic_and_parses_back(fmt):
    # two hash seeds: nothing may follow the order of a set or of a hash table (rdflib's TriG
    # serializer, which wrote the TriG export before Oxigraph's, did)
    first, second = _export(fmt, "0"), _export(fmt, "1")
    assert first == second
    if FORMATS[fmt] in ("nquads", "trig"):
        graph = rdflib.Dataset()
        graph.parse(data=first, format=FORMATS[fmt])
        triples = {(s, p, o) for s, p, o, _ in graph.quads()}
    else:
        graph = rdflib.Graph().parse(data=first, format=FORMATS[fmt])
        triples = set(graph)
    assert len(triples) > 10_000
    assert (DATASET, rdflib.RDF.type, rdflib.URIRef("http://rdfs.org/ns/void#Dataset")) in triples


def _canonical(graph: rdflib.Graph) -> set:
    """The triples with blank nodes relabelled by content, so equal graphs give equal sets."""
    import pyoxigraph as ox

    from heritage_kg.serialise import stable_blank_nodes
    from heritage_kg.terms import to_oxigraph

    triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]
    return {str(t) for t in stable_blank_nodes(triples)}


def test_all_formats_hold_the_same_triples():
    expected = _canonical(rdflib.Graph().parse(data=_export("nt", "0"), format="nt"))
    for fmt in ("ttl", "jsonld", "xml"):
        assert _canonical(rdflib.Graph().parse(data=_export(fmt, "0"), format=FORMATS[fmt])) == expected, fmt


#: Blank nodes in every position the shortcut of `serialise_store` reads from the bytes: several
#: held by one subject and predicate, one held by two subjects, one that is only an object, one
#: that is only a subject, and literals and an IRI that end like a blank node.
SMALL = """
@prefix ex: <http://example.org/> .
ex:a ex:evidence [ ex:line 1 ; ex:source ex:s1 ] , [ ex:line 2 ; ex:source ex:s1 ] ;
     ex:note "see _:x" , "see _:y"@en , "_:z"^^ex:code ; ex:link <http://example.org/_:w> .
ex:b ex:evidence _:shared . ex:c ex:evidence _:shared . _:shared ex:line 3 .
ex:d ex:points _:end .
[ ex:kind "alone" ] .
"""
#: Graphs whose blank nodes the shortcut leaves to the general way.
AWKWARD = {
    "linked": SMALL + "ex:e ex:evidence [ ex:part [ ex:line 4 ] ] .",
    "twins": SMALL + "ex:f ex:evidence [ ex:line 5 ] , [ ex:line 5 ] .",
    "named-graph": SMALL + "GRAPH ex:g { [ ex:line 6 ] }",
}


def _store(text: str, fmt=ox.RdfFormat.TRIG) -> ox.Store:
    store = ox.Store()
    store.load(text.encode(), format=fmt)
    return store


def _both_ways(store: ox.Store, fmt: str, description=None) -> tuple[str, str]:
    """serialise_store, and serialise_triples of the same triples (the general way)."""
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store]
    return serialise_store(store, fmt, description), serialise_triples(triples, fmt, description)


#: One triple the store holds too, one it does not.
DESCRIPTION = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(
    b"<http://example.org/a> <http://example.org/link> <http://example.org/_:w> .\n"
    b"<http://example.org/dataset> <http://example.org/size> \"7\" .\n", format=ox.RdfFormat.N_TRIPLES)]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_store_shortcut_writes_what_the_general_way_writes(fmt, store):
    assert _stable_lines(store) is not None, "the bundled data takes the shortcut"
    fast, general = _both_ways(store, fmt, describe(compute(store)))
    assert fast == general


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", ["bundled", "small", "empty", *AWKWARD])
def test_export_made_from_the_kept_nt_is_the_export_made_from_the_store(fmt, case, store, tmp_path):
    """An on-disk store keeps its N-Triples export; every other format made from that file is
    byte for byte the format made from the store, whether the export took the shortcut or not."""
    graph = store if case == "bundled" else _store({"small": SMALL, "empty": "", **AWKWARD}[case])
    data = export_utf8(graph, "nt")
    (tmp_path / "export.nt").write_bytes(data)
    kept = KeptExport(tmp_path / "export.nt", hashlib.sha256(data).hexdigest(), data.count(b"\n"))
    assert export_utf8(graph, fmt, kept) == export_utf8(graph, fmt)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", ["small", "empty", *AWKWARD])
def test_store_shortcut_on_awkward_graphs(fmt, case):
    """Where the shortcut cannot label the blank nodes (blank nodes linked to each other, two
    with the same content, named graphs), it falls back to the general way: the same text."""
    store = _store({"small": SMALL, "empty": "", **AWKWARD}[case])
    assert (_stable_lines(store) is None) == (case in AWKWARD)
    fast, general = _both_ways(store, fmt, DESCRIPTION)
    assert fast == general


@pytest.mark.parametrize("fmt", ["nt", "nq"])  # rdflib takes no triple terms
def test_store_shortcut_leaves_triple_terms_to_the_general_way(fmt):
    store = _store(SMALL + "ex:h ex:says <<( ex:a ex:line [] )>> .")
    assert _stable_lines(store) is None
    fast, general = _both_ways(store, fmt, DESCRIPTION)
    assert fast == general


def test_blank_node_labels_do_not_depend_on_parse_order():
    first = serialise_store(_store(SMALL), "nt")
    assert serialise_store(_store(SMALL), "nt") == first, "new blank-node ids, the same labels"
    lines = _store(SMALL).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines(keepends=True)
    reordered = b"".join(reversed(lines)).decode()
    assert serialise_store(_store(reordered, ox.RdfFormat.N_TRIPLES), "nt") == first
    assert first.count(" _:b") == 5 and first.count("\n_:b") == 6 and '"see _:x"' in first


def test_description_figures_are_those_of_stats(store):
    full = compute(store)
    assert figures(store) == {key: full[key] for key in ("triples", "entities", "entities_per_class")}


def test_dataset_description(run):
    graph = rdflib.Graph().parse(data=run("export", "--format", "ttl").stdout, format="turtle")
    VOID, DCAT, SCHEMA, DCT = (rdflib.Namespace(n) for n in
                               ("http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#", "https://schema.org/", "http://purl.org/dc/terms/"))
    types = set(graph.objects(DATASET, rdflib.RDF.type))
    assert {VOID.Dataset, DCAT.Dataset, SCHEMA.Dataset} <= types
    assert {l.language for l in graph.objects(DATASET, DCT.title)} == {"en", "fr"}
    assert graph.value(DATASET, DCT.license) is not None
    from heritage_kg import __version__

    assert str(graph.value(DATASET, SCHEMA.version)) == __version__
    assert graph.value(DATASET, DCT.issued) is not None
    assert int(graph.value(DATASET, VOID.triples)) > 10_000
    partitions = {graph.value(p, VOID["class"]): int(graph.value(p, VOID.entities)) for p in graph.objects(DATASET, VOID.classPartition)}
    assert partitions[rdflib.URIRef("https://w3id.org/heritage-kg/ontology#Agreement")] >= 25
    media = {str(graph.value(d, SCHEMA.encodingFormat)) for d in graph.objects(DATASET, DCAT.distribution)}
    assert {"text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"} <= media


def test_jsonld_uses_readable_keys(run):
    doc = json.loads(run("export", "--format", "jsonld").stdout)
    assert doc["@context"]["label"]["@id"] == "rdfs:label"
    icom = next(n for n in doc["@graph"] if n.get("id") == "kg:icom")
    assert icom["label"]["en"] == "International Council of Museums"


def test_export_to_file_is_atomic(run, tmp_path):
    target = tmp_path / "dump.nt"
    result = run("export", "--format", "nt", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").count("\n") > 10_000
    assert [p.name for p in tmp_path.iterdir()] == ["dump.nt"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask, "a dump is as readable as any file the user writes"


def test_failed_export_leaves_no_file(run, copy_project, tmp_path):
    (copy_project / "data" / "broken.ttl").write_text("not turtle\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    target = out / "dump.ttl"
    result = run("--root", str(copy_project), "export", "-o", str(target))
    assert result.exit_code == 1
    assert "broken.ttl:1:" in result.stderr
    assert list(out.iterdir()) == []


def test_unwritable_output_path(run, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    result = run("export", "-o", str(folder))
    assert result.exit_code == 2 and "is a directory" in result.stderr
    missing = run("export", "-o", str(tmp_path / "nowhere" / "x.ttl"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


@pytest.mark.parametrize("depth", [4, 50_000])
def test_blank_nodes_that_differ_deep_down_are_never_merged(depth):
    """Two chains of blank nodes that differ only at their leaves are two chains in the export,
    however deep; true twins (the same content under the same holder) may be one."""
    chain = lambda leaf: "ex:s ex:p " + "[ ex:p " * depth + f'"{leaf}"' + " ]" * depth + " .\n"  # noqa: E731
    store = _store("@prefix ex: <http://example.org/> .\n" + chain("A") + chain("B") + 'ex:t ex:q [ ex:r "x" ], [ ex:r "x" ] .\n')
    exported = export_utf8(store, "nt").decode().splitlines()
    described = len(describe(figures(store)))
    # both chains whole (2 x (depth + 1) triples), the twins as one
    assert len(exported) - described == 2 * (depth + 1) + 2
    assert sum(1 for line in exported if line.startswith("<http://example.org/s>")) == 2


def test_json_ld_keeps_the_order_of_a_list():
    """Arrays are sorted for a stable output, but an @list array is an RDF collection, whose
    order is its meaning."""
    triples = [ox.Triple(t.subject, t.predicate, t.object) for t in ox.parse(
        b"@prefix ex: <http://example.org/> . ex:a ex:steps ( ex:zebra ex:apple ex:mango ) .",
        format=ox.RdfFormat.TURTLE)]
    graph = rdflib.Graph().parse(data=serialise_triples(triples, "jsonld"), format="json-ld")
    head = graph.value(rdflib.URIRef("http://example.org/a"), rdflib.URIRef("http://example.org/steps"))
    assert [str(item) for item in rdflib.collection.Collection(graph, head)] == [
        "http://example.org/zebra", "http://example.org/apple", "http://example.org/mango"]
