"""`heritage-kg export`: every format parses back, the output is byte-identical across runs,
the dataset describes itself, and a failed write leaves nothing behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import rdflib

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
    first, second = _export(fmt, "1"), _export(fmt, "2")
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
