"""Names: every organisation, body and instrument of reference/names.tsv carries the official
English and French names given there (and none in a language whose cell is empty), and every
key phrase is tagged with the language it is written in."""

from __future__ import annotations

import csv
import re
from collections import defaultdict

import pytest
import rdflib
from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from .conftest import ROOT

H = rdflib.Namespace("https://w3id.org/heritage-kg/ontology#")
NAMES_SOURCE = rdflib.URIRef("https://w3id.org/heritage-kg/id/source-reference-names")
#: Rows with no entity of their own, and why.
WITHOUT_ENTITY = {
    "interpol-stolen-works-of-art-database": "the seeds name a database ICOM and INTERPOL built together, "
                                             "which no source says is this one",
    "icom-unesco-status": "a status, held by the tie kg:advice-icom-unesco, whose names are the graph's own",
    "icom-ecosoc-status": "a status, held by the tie kg:recognition-ecosoc-icom, whose names are the graph's own",
}
#: Rows that give other names of an entity that another row names (alternative labels there).
OTHER_NAMES_OF = {"interpol-cultural-heritage-unit": "interpol-stolen-works-of-art-unit", "icbs": "blue-shield"}


@pytest.fixture(scope="module")
def data():
    graph = rdflib.Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def rows(shared_dir):
    with open(shared_dir / "reference" / "names.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _entities_by_row(data) -> dict[str, set]:
    """The entities that each row of names.tsv (by its key, the section) names: those whose
    evidence cites the row for their names, or for no property in particular. A node that cites a
    row for another fact (the founding of ICOM-ITC, for the date in the row's note) is not named
    by it."""
    names = {RDFS.label, SKOS.altLabel, H.acronym, URIRef("http://www.w3.org/2008/05/skos-xl#altLabel")}
    found = defaultdict(set)
    for node, evidence in data.subject_objects(H.evidence):
        supports = set(data.objects(evidence, H.supports))
        if data.value(evidence, H.source) == NAMES_SOURCE and (not supports or supports & names):
            found[str(data.value(evidence, H.section))].add(node)
    return found


def _texts(data, node, predicate, lang: str) -> set[str]:
    return {str(value) for value in data.objects(node, predicate) if getattr(value, "language", None) == lang}


def _main(cell: str) -> str:
    """The name or acronym of a cell, without the variants it gives in brackets."""
    return cell.split(" (")[0].strip()


def test_every_row_names_one_entity_or_says_why_not(data, rows):
    by_row = _entities_by_row(data)
    for row in rows:
        key = row["key"]
        if key in WITHOUT_ENTITY:
            assert not by_row.get(key), f"{key} has an entity now; take it out of WITHOUT_ENTITY"
            continue
        assert len(by_row.get(key, ())) == 1, f"{key}: cited by {sorted(by_row.get(key, ()))}"
    assert set(by_row) <= {row["key"] for row in rows}


def test_entities_carry_the_reference_names(data, rows):
    by_row = _entities_by_row(data)
    wrong = []
    for row in rows:
        key = row["key"]
        if key in WITHOUT_ENTITY or key in OTHER_NAMES_OF:
            continue
        [node] = by_row[key]
        english, french = row["name_en"], row["name_fr"]
        expected = {"en": {english} if english else set(),
                    "fr": {english} if french == "SAME" else ({french} if french else set())}
        for lang, names in expected.items():
            found = _texts(data, node, RDFS.label, lang)
            if found != names:
                wrong.append(f"{key} ({node}) @{lang}: {sorted(found)} where names.tsv gives {sorted(names)}")
        for lang in ("en", "fr"):
            acronym = _main(row[f"acronym_{lang}"])
            if acronym and acronym not in _texts(data, node, H.acronym, lang):
                wrong.append(f"{key} ({node}): no acronym {acronym!r}@{lang}")
        if french == "SAME" and (node, H.sameNameInBothLanguages, rdflib.Literal(True)) not in data:
            wrong.append(f"{key} ({node}): the same name in both languages, not marked so")
    assert not wrong, "\n".join(wrong)


def test_other_names_are_alternative_labels(data, rows):
    by_row = _entities_by_row(data)
    wrong = []
    for row in rows:
        key = row["key"]
        if key not in OTHER_NAMES_OF:
            continue
        [owner] = by_row[OTHER_NAMES_OF[key]]
        assert by_row[key] == {owner}, f"{key}: its names belong on {owner}"
        for lang in ("en", "fr"):
            name = row[f"name_{lang}"]
            if name and name not in _texts(data, owner, SKOS.altLabel, lang) | _dated_variants(data, owner, lang):
                wrong.append(f"{key}: {name!r}@{lang} is no alternative label of {owner}")
    assert not wrong, "\n".join(wrong)


def test_variant_acronyms_in_brackets_are_alternative_labels(data, rows):
    """'ICA (also CIA)': CIA is a variant the French write, kept as an alternative label."""
    by_row = _entities_by_row(data)
    wrong = []
    for row in rows:
        if row["key"] in WITHOUT_ENTITY or row["key"] in OTHER_NAMES_OF:
            continue
        [node] = by_row[row["key"]]
        for lang in ("en", "fr"):
            also = re.search(r"\(also (\w+)\)", row[f"acronym_{lang}"])
            if also and also.group(1) not in _texts(data, node, SKOS.altLabel, lang):
                wrong.append(f"{row['key']}: no alternative label {also.group(1)!r}@{lang}")
    assert not wrong, "\n".join(wrong)


def _dated_variants(data, node, lang: str) -> set[str]:
    skosxl = rdflib.Namespace("http://www.w3.org/2008/05/skos-xl#")
    return {str(form) for label in data.objects(node, skosxl.altLabel) for form in data.objects(label, skosxl.literalForm)
            if form.language == lang}


# -- the language of key phrases -------------------------------------------------------------------

#: Words that mark a text as French, and as English (a crude test, but the phrases are short and
#: the two lists share no word).
FRENCH = {"le", "la", "les", "des", "du", "de", "et", "pour", "une", "un", "est", "sur", "dans", "avec", "aux",
          "au", "à", "ses", "son", "sa", "leur", "leurs", "qui", "que", "ou", "par", "ces", "cette", "nous", "ont"}
ENGLISH = {"the", "of", "and", "for", "with", "to", "is", "on", "its", "their", "which", "that", "by", "from",
           "an", "are", "was", "has", "have", "our", "this", "these", "at", "as"}
#: Key phrases whose words mislead the test, and the language they are tagged with: place names,
#: which keep the language of the text that quotes them.
MISLEADING = {
    "Charenton-le-Pont": "en",
}


def _language_of(phrase: str) -> str | None:
    # an acronym in capitals ("UN") is no French article
    words = [word.lower() for word in re.findall(r"[^\W\d_]+", phrase.replace("’", "'")) if not word.isupper()]
    elided = len(re.findall(r"\b[ldjnqs]'\w", phrase.lower().replace("’", "'")))
    french = sum(word in FRENCH for word in words) + elided
    english = sum(word in ENGLISH for word in words)
    if french > english:
        return "fr"
    if english > french:
        return "en"
    return None


def test_key_phrases_are_tagged_with_the_language_they_are_written_in(data):
    wrong = []
    for phrase in set(data.objects(None, H.keyPhrase)):
        written = MISLEADING.get(str(phrase)) or _language_of(str(phrase))
        if written is not None and written != phrase.language:
            wrong.append(f"{str(phrase)!r}@{phrase.language} reads as {written}")
    assert not wrong, "\n".join(sorted(wrong))


@pytest.mark.parametrize("phrase, language", [
    ("accord officiel de coopération", "fr"), ("The Palace Museum", "en"), ("Musée du Louvre", "fr"),
    ("l'ICOMOS, l'ICOM", "fr"), ("signed by ICOM and ALIPH representatives", "en"), ("Q653054", None),
])
def test_the_language_test_itself(phrase, language):
    assert _language_of(phrase) == language
