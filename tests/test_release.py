"""`heritage-kg release`: a versioned release folder, made in a git checkout of a copy of the
project; the same commit gives the same bytes, SHA256SUMS verify with `sha256sum -c`, the
changelog says what changed since the tag before, the VoID links the release before, and a
version that does not follow from the changes is refused."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
import yaml

from .conftest import ROOT

RELEASE = "https://w3id.org/heritage-kg/release/"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
CS = rdflib.Namespace("http://purl.org/vocab/changeset/schema#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
NEW_BODY = """
kg:fictional-heritage-council a hkg:NonGovernmentalOrganisation ;
    rdfs:label "Fictional Heritage Council"@en, "Conseil fictif du patrimoine"@fr ;
    hkg:evidence [
        a hkg:Evidence ;
        hkg:source kg:source-seed-003 ;
        hkg:line 5 ;
        hkg:section "Overview" ;
        hkg:keyPhrase "The International Council of Museums"@en
    ] .
"""


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def heritage_kg(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(root), *args],
                          capture_output=True, text=True, timeout=900)


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-q", "-m", message)


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A git checkout of a copy of the project, tagged v1.0.0."""
    root = tmp_path / "project"
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, root / name)
    git(root, "init", "-q")
    commit(root, "the project")
    git(root, "tag", "v1.0.0")
    return root


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_release_built_twice_is_the_same_and_its_sums_verify(checkout, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        made = heritage_kg(checkout, "release", "1.0.0", "-o", str(out))
        assert made.returncode == 0, made.stderr
        assert made.stderr.startswith(f"release 1.0.0 written to {out}: ") and "the first release" in made.stderr
    one, two = files_of(first), files_of(second)
    assert sorted(one) == sorted(two) and [name for name in one if one[name] != two[name]] == []
    assert {"heritage-kg.ttl", "heritage-kg.nt", "heritage-kg.jsonld", "CHANGELOG.md", "changelog.ttl", "void.ttl",
            "CITATION.cff", "SHA256SUMS", "site/index.html", "site/page/icom.fr.html"} <= set(one)
    checked = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=first, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK\n") == len(one) - 1  # every file but SHA256SUMS itself
    assert "The first release." in one["CHANGELOG.md"].decode()
    # the dumps say which release they are, and the site's are the same files
    dump = rdflib.Graph().parse(data=one["heritage-kg.ttl"], format="turtle")
    assert (None, DCAT.version, rdflib.Literal("1.0.0")) in dump
    for suffix in ("ttl", "nt", "jsonld", "rdf", "nq", "trig"):
        assert one[f"site/download/heritage-kg.{suffix}"] == one[f"heritage-kg.{suffix}"], suffix


def test_the_changelog_since_the_tag_and_the_void_that_links_it(checkout, tmp_path):
    (checkout / "data" / "organisations.ttl").write_text(
        (checkout / "data" / "organisations.ttl").read_text(encoding="utf-8") + NEW_BODY, encoding="utf-8")
    text = (checkout / "data" / "organisations.ttl").read_text(encoding="utf-8")
    (checkout / "data" / "organisations.ttl").write_text(
        text.replace('"Getty Foundation"@en', '"The Getty Foundation"@en', 1), encoding="utf-8")
    commit(checkout, "a council added, a name changed")
    refused = heritage_kg(checkout, "release", "1.0.1", "-o", str(tmp_path / "patch"))
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == ("Error: VERSION 1.0.1: the changes since 1.0.0 are 1 added, a minor change; "
                              "the next version is 1.1.0 or 2.0.0\n")
    assert not (tmp_path / "patch").exists()
    out = tmp_path / "minor"
    made = heritage_kg(checkout, "release", "1.1.0", "-o", str(out), "--no-site")
    assert made.returncode == 0, made.stderr
    changelog = (out / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# heritage-kg 1.1.0 (")
    assert "Since 1.0.0: 1 added, a minor change." in changelog
    assert "## Added\n\n- non-governmental organisation Fictional Heritage Council added (sources: source-seed-003:5)" in changelog
    assert "English label of The Getty Foundation changed: 'Getty Foundation' -> 'The Getty Foundation'" in changelog
    changes = rdflib.Graph().parse(out / "changelog.ttl", format="turtle")
    added = [c for c in changes.subjects(CS.subjectOfChange, rdflib.URIRef("https://w3id.org/heritage-kg/id/fictional-heritage-council"))]
    assert len(added) == 1 and (added[0], DCTERMS.type, rdflib.Literal("added")) in changes
    assert (added[0], PROV.wasDerivedFrom, rdflib.URIRef("https://w3id.org/heritage-kg/id/source-seed-003")) in changes
    void = rdflib.Graph().parse(out / "void.ttl", format="turtle")
    release = rdflib.URIRef(RELEASE + "1.1.0")
    assert (release, PROV.wasRevisionOf, rdflib.URIRef(RELEASE + "1.0.0")) in void
    assert (release, DCAT.version, rdflib.Literal("1.1.0")) in void
    distributions = list(void.objects(release, DCAT.distribution))
    listed = {str(d).rsplit("/", 1)[-1] for d in distributions}
    assert listed == {p.name for p in out.iterdir()} - {"SHA256SUMS", "void.ttl"}
    for dist in distributions:
        body = (out / str(dist).rsplit("/", 1)[-1]).read_bytes()
        assert int(void.value(dist, DCAT.byteSize)) == len(body)
        checksum = void.value(dist, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
    citation = yaml.safe_load((out / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == "1.1.0" and citation["cff-version"] == "1.2.0"
    assert str(citation["date-released"]) == git(checkout, "log", "-1", "--format=%cs").strip()
    assert str(void.value(release, rdflib.URIRef("https://schema.org/citation"))).endswith(RELEASE + "1.1.0")


def test_a_removal_is_a_major_change_and_a_release_folder_can_be_the_one_before(checkout, tmp_path):
    first = tmp_path / "1.0.0"
    assert heritage_kg(checkout, "release", "1.0.0", "-o", str(first), "--no-site").returncode == 0
    text = (checkout / "data" / "organisations.ttl").read_text(encoding="utf-8")
    (checkout / "data" / "organisations.ttl").write_text(text + NEW_BODY, encoding="utf-8")
    commit(checkout, "a council added")
    since_folder = heritage_kg(checkout, "release", "1.1.0", "-o", str(tmp_path / "by-folder"), "--no-site",
                               "--previous", str(first))
    assert since_folder.returncode == 0, since_folder.stderr
    assert "Fictional Heritage Council added" in (tmp_path / "by-folder" / "CHANGELOG.md").read_text(encoding="utf-8")
    git(checkout, "tag", "v1.1.0")
    (checkout / "data" / "organisations.ttl").write_text(text, encoding="utf-8")
    commit(checkout, "the council removed")
    refused = heritage_kg(checkout, "release", "1.2.0", "-o", str(tmp_path / "minor"), "--no-site")
    assert refused.returncode == 2
    assert refused.stderr.startswith("Error: VERSION 1.2.0: the changes since 1.1.0 are 1 removed")
    assert refused.stderr.endswith("a major change; the next version is 2.0.0\n")
    assert heritage_kg(checkout, "release", "2.0.0", "-o", str(tmp_path / "major"), "--no-site").returncode == 0


@pytest.mark.parametrize("args, message", [
    (("1.0",), "Error: VERSION: '1.0' is not a version MAJOR.MINOR.PATCH, such as 1.0.0\n"),
    (("1.0.0", "--date", "2026-13-01"), "Error: --date: '2026-13-01' is not a date YYYY-MM-DD\n"),
    (("1.1.0", "--previous", "v9.9.9"), "Error: v9.9.9: not a file, folder or git revision\n"),
])
def test_a_bad_argument_is_one_line(checkout, tmp_path, args, message):
    out = tmp_path / "out"
    result = heritage_kg(checkout, "release", args[0], "-o", str(out), "--no-site", *args[1:])
    assert (result.returncode, result.stderr, result.stdout) == (2, message, "")
    assert not out.exists()


def test_a_folder_that_is_not_empty_and_files_not_committed_are_refused(checkout, tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    (full / "kept.txt").write_text("mine", encoding="utf-8")
    result = heritage_kg(checkout, "release", "1.0.0", "-o", str(full))
    assert result.returncode == 2
    assert result.stderr == (f"Error: Invalid value for '-o' / '--output': {full}: exists and is not an empty folder; "
                             "see 'heritage-kg release --help'\n")
    assert [p.name for p in full.iterdir()] == ["kept.txt"]
    with (checkout / "data" / "places.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n# an edit not committed\n")
    dirty = heritage_kg(checkout, "release", "1.0.0", "-o", str(tmp_path / "dirty"), "--no-site")
    assert dirty.returncode == 2
    assert dirty.stderr == ("Error: data/places.ttl: differs from the commit checked out (1 such files); "
                            "commit it, or give --allow-dirty\n")
    assert heritage_kg(checkout, "release", "1.0.0", "-o", str(tmp_path / "dirty"), "--no-site",
                       "--allow-dirty").returncode == 0


def test_a_folder_whose_making_fails_is_not_left_half_written(tmp_path):
    """write_tree: the files go to a scratch folder, renamed into place only once all are there."""
    from heritage_kg.output import write_tree

    def make(put):
        put("first.txt", b"one")
        put("sub/second.txt", b"two")
        raise KeyboardInterrupt  # as Ctrl-C would, half-way

    with pytest.raises(KeyboardInterrupt):
        write_tree(tmp_path / "out", make)
    assert list(tmp_path.iterdir()) == []  # neither the folder nor its scratch
    write_tree(tmp_path / "out", lambda put: (put("first.txt", b"one"), put("sub/second.txt", b"two")))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == \
        ["out/first.txt", "out/sub/second.txt"]
