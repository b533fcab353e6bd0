"""Each shape has a valid example that passes and an invalid one (the valid one plus exactly
one defect) that fails on exactly the shape named in its first line."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from heritage_kg.validation import validate

from .conftest import ROOT

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
VALID = sorted((ROOT / "tests" / "shapes" / "valid").glob("*.ttl"))
INVALID = sorted((ROOT / "tests" / "shapes" / "invalid").glob("*.ttl"))
SHAPES_NS = "https://w3id.org/heritage-kg/shapes#"


def _run(example: Path):
    files = sorted((ROOT / "ontology").glob("*.ttl")) + [ROOT / "data" / "sources.ttl", example]
    return validate(files, sorted((ROOT / "shapes").glob("*.ttl")), sorted((ROOT / "queries" / "checks").glob("*.rq")))


def _expected(example: Path) -> str:
    first = example.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect-shape: "), f"{example.name}: first line must name the shape"
    return first.removeprefix("# expect-shape: ").strip().removeprefix(SHAPES_NS)


@pytest.mark.parametrize("example", VALID, ids=lambda p: p.stem)
def test_valid_example_passes(example):
    report = _run(example)
    assert report.findings == [], [(f.shape, f.focus, f.text()) for f in report.findings]


@pytest.mark.parametrize("example", INVALID, ids=lambda p: p.stem)
def test_invalid_example_fails_on_exactly_its_shape(example):
    report = _run(example)
    fired = {f.shape for f in report.findings if f.kind == "shacl"}
    assert fired == {"hkgsh:" + _expected(example)}


def test_every_shape_that_can_fire_has_an_invalid_example():
    shapes = rdflib.Graph()
    for path in (ROOT / "shapes").glob("*.ttl"):
        shapes.parse(path)
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    targeted = {s for t in targets for s in shapes.subjects(t, None)}
    structural = {SH.property, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group, SH.deactivated,
                  rdflib.RDF.type, rdflib.RDFS.label, rdflib.RDFS.comment, rdflib.RDFS.isDefinedBy, *targets}
    firing = {s for s in targeted if any(p not in structural for p in shapes.predicates(s, None))}
    firing |= {p for s in targeted for p in shapes.objects(s, SH.property)}
    firing = {str(s).removeprefix(SHAPES_NS) for s in firing}
    assert len(firing) > 50
    covered = {_expected(p) for p in INVALID}
    assert firing - covered == set()


def test_every_invalid_example_has_its_valid_partner():
    valid_stems = {p.stem for p in VALID}
    for example in INVALID:
        number = example.stem.split("_", 1)[0]
        assert any(v.startswith(number + "_") for v in valid_stems), example.name


def test_every_shape_speaks_english_and_french_with_a_severity():
    shapes = rdflib.Graph()
    for path in (ROOT / "shapes").glob("*.ttl"):
        shapes.parse(path)
    for shape in set(shapes.subjects(SH.severity, None)):
        assert isinstance(shape, rdflib.URIRef), "every shape that can fire has an IRI"
        assert {m.language for m in shapes.objects(shape, SH.message)} >= {"en", "fr"}, shape
