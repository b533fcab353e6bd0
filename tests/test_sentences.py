"""Ties said as sentences (heritage_kg/sentences.py): every kind of tie in both languages, dates,
figures and qualifiers as people write them, and `heritage-kg describe`."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from heritage_kg.build import build_store
from heritage_kg.cli import cli
from heritage_kg.names import Names
from heritage_kg.project import ENTITY_NS, LANGUAGES, ONTOLOGY_NS, Project
from heritage_kg.sentences import Sentences
from heritage_kg.words import GRAMMAR

ID = ENTITY_NS
#: A narrow no-break space: how French separates thousands ("50 000").
NNBSP = "\u202f"


@pytest.fixture(scope="module")
def graph():
    store = build_store(Project.discover(None), materialised=False)
    return store, Names(store)


@pytest.fixture(scope="module")
def said(graph):
    store, names = graph
    return Sentences(store, names, GRAMMAR)


def test_every_kind_of_tie_is_said_in_every_language_of_the_data(made_up):
    store, names = made_up
    said = Sentences(store, names, GRAMMAR)
    for kind in names.ties.kinds:
        if kind.direct:
            pairs = [(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(kind.iri), None)]
            cases = [((s, o), {s, o}) for s, o in pairs]
            say = lambda case, lang: said.direct(kind.key, *case, lang)
        else:
            # kg:no-member lacks a side on purpose (a tie no template can say, tested below)
            ties = [iri for iri, types in names.types.items() if kind.iri in types and iri != ID + "no-member"]
            cases = [(iri, {q.object.value for side in kind.sides
                            for q in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(side), None)}) for iri in ties]
            say = lambda case, lang: said.tie(case, lang)
        assert cases, f"no tie of kind {kind.key} in the data or in the made-up ties to say"
        for case, sides in cases:
            for lang in LANGUAGES:
                sentence = say(case, lang)
                assert sentence is not None, f"a {kind.key} tie ({case}) that no {lang} template can say"
                text = sentence.text
                assert not re.search(r"[{}<>|]", text), f"a placeholder left in {text!r}"
                assert text[0].isupper() and text.endswith("."), text
                assert sentence.kind == kind.key
                # each side is named: linked to its page, or inside a linked name that holds it
                # ("Peter Keller is Director General of ICOM", linked to the post)
                linked = {part.iri for part in sentence.parts if part.iri}
                unlinked = [side for side in sides - linked if str(names.short_label(side, lang)) not in text]
                assert not unlinked and linked, (text, unlinked)


@pytest.mark.parametrize("tie, lang, expected", [
    ("membership-icom-blue-shield", "en", "ICOM is a founding member of Blue Shield (1996)."),
    ("membership-icom-blue-shield", "fr", "L'ICOM est membre fondateur du Bouclier bleu (1996)."),
    ("agreement-icom-interpol-2000", "en", "ICOM and INTERPOL signed a cooperation agreement in 2000."),
    ("agreement-icom-interpol-2000", "fr", "L'ICOM et INTERPOL ont signé un accord de coopération en 2000."),
    ("funding-getty-foundation-icom", "en",
     "The Getty Foundation has supported ICOM and the ICOM International Committees for more than 25 years."),
    ("funding-getty-foundation-icom", "fr",
     "La Getty Foundation soutient l'ICOM et les Comités internationaux de l'ICOM depuis plus de 25 ans."),
    ("observation-icom-museum-members-2022", "en", "ICOM had almost 50,000 museum members (31 January 2022)."),
    ("observation-icom-museum-members-2022", "fr",
     f"L'ICOM comptait près de 50{NNBSP}000 membres muséaux (31 janvier 2022)."),
    ("founding-blue-shield", "fr",
     "L'ICOM, l'ICA, l'ICOMOS et l'IFLA ont fondé le Bouclier bleu le 6 juin 1996 à Paris."),
    ("founding-icom", "fr", "L'ICOM a été créé en 1946."),
    ("partnership-icom-unesco", "en", "ICOM and UNESCO have worked together since the founding of ICOM."),
    ("partnership-icom-unesco", "fr", "L'ICOM et l'UNESCO coopèrent depuis la création de l'ICOM."),
    ("partnership-icom-alecso", "en", "ICOM and ALECSO have worked together since 2002."),
    ("partnership-icom-alecso", "fr", "L'ICOM et l'ALECSO coopèrent depuis 2002."),
    ("partnership-icom-aliph", "en", "ICOM and ALIPH work together."),
    ("partnership-icom-aliph", "fr", "L'ICOM et l'ALIPH coopèrent."),
    ("mou-icom-aliph-2022", "en", "ICOM and ALIPH signed a memorandum of understanding on 31 January 2022 at the Louvre."),
    ("mou-icom-aliph-2022", "fr", "L'ICOM et l'ALIPH ont signé un protocole d'accord le 31 janvier 2022 au Musée du Louvre."),
    ("advice-icom-unesco", "fr", "L'ICOM est un conseiller officiel de l'UNESCO."),
    ("post-icom-director-general", "en", "Peter Keller is Director General of ICOM."),
    ("post-icom-director-general", "fr", "Peter Keller est directeur général de l'ICOM."),
    ("founding-blue-shield", "en", "ICOM, ICA, ICOMOS and IFLA founded Blue Shield on 6 June 1996 in Paris."),
    ("agreement-icbs-founding-1996", "fr",
     "L'ICOM, l'ICA, l'ICOMOS et l'IFLA ont signé un accord de coopération le 6 juin 1996 à Paris."),
    ("advice-iccrom-world-heritage-committee", "en", "ICCROM is an advisory body to the World Heritage Committee."),
    ("advice-iccrom-world-heritage-committee", "fr",
     "L'ICCROM est une organisation consultative du Comité du patrimoine mondial."),
    ("recognition-ecosoc-icom", "en", "ECOSOC recognises ICOM as an expert non-governmental organisation."),
    ("recognition-ecosoc-icom", "fr", "L'ECOSOC reconnaît l'ICOM comme organisation non gouvernementale experte."),
    ("mandate-blue-shield-emblem-hague-convention-1954", "en",
     "Blue Shield is the emblem of the Convention for the Protection of Cultural Property in the Event of Armed Conflict."),
    ("mandate-blue-shield-emblem-hague-convention-1954", "fr",
     "Le Bouclier bleu est le symbole de la Convention pour la protection des biens culturels en cas de conflit armé."),
    ("mandate-iccrom-declaration-cultural-diversity-2001", "en",
     "The work of ICCROM follows the spirit of the UNESCO Universal Declaration on Cultural Diversity."),
    ("mandate-iccrom-declaration-cultural-diversity-2001", "fr",
     "L'action de l'ICCROM s'inscrit dans l'esprit de la Déclaration universelle de l'UNESCO sur la diversité culturelle."),
    ("observation-eu-member-countries-undated", "en", "The European Union has exactly 27 member countries."),
    ("observation-eu-member-countries-undated", "fr", "L'Union européenne compte exactement 27 pays membres."),
    ("signature-mou-icom-aliph-2022-icom", "fr", "Peter Keller a signé le protocole d'accord entre l'ICOM et l'ALIPH (2022) "
                                                "le 31 janvier 2022 en qualité de directeur général de l'ICOM."),
])
def test_a_tie_reads_as_people_write_it(said, tie, lang, expected):
    sentence = said.tie(ID + tie, lang, first=ID + "icom")
    assert sentence is not None and sentence.text == expected


def test_a_founding_without_founders_agrees_with_what_was_founded(said):
    assert said.tie(ID + "founding-ancbs", "en").text == "ANCBS was founded on 28 September 2006."
    assert said.tie(ID + "founding-ancbs", "fr").text == "L'ACNBB a été créée le 28 septembre 2006."


def test_a_signature_names_the_signer_the_post_the_agreement_and_the_party(said):
    sentence = said.tie(ID + "signature-mou-icom-aliph-2022-aliph", "en")
    # dated by the agreement it is part of
    assert sentence.text == ("Valéry Freland signed the memorandum of understanding between ICOM and ALIPH (2022) "
                             "on 31 January 2022 as Executive Director of ALIPH.")
    linked = {part.text: part.iri for part in sentence.parts if part.iri}
    assert linked["Valéry Freland"] == ID + "valery-freland"
    assert linked["Executive Director of ALIPH"] == ID + "post-aliph-executive-director"
    assert linked["memorandum of understanding between ICOM and ALIPH (2022)"] == ID + "mou-icom-aliph-2022"


def test_a_tie_written_as_one_property_is_said_too(said):
    assert said.direct("unit", ID + "cidoc", ID + "icom", "en").text == "ICOM counts CIDOC among its units."
    assert said.direct("unit", ID + "cidoc", ID + "icom", "fr").text == "L'ICOM compte le CIDOC parmi ses composantes."
    # a unit whose name is plural agrees with nothing: the organisation is the subject
    assert said.direct("unit", ID + "icom-international-committees", ID + "icom", "en").text == \
        "ICOM counts the ICOM International Committees among its units."
    assert said.direct("run-by", ID + "red-lists", ID + "icom", "fr").text == "L'ICOM mène les Listes rouges de l'ICOM."
    assert said.direct("funded-by", ID + "icom-getty-international-programme", ID + "getty-foundation", "en").text == \
        "The Getty Foundation funds the ICOM–Getty International Programme."


EXTRA = """@prefix hkg: <https://w3id.org/heritage-kg/ontology#> .
@prefix kg: <https://w3id.org/heritage-kg/id/> .
@prefix ak: <https://w3id.org/heritage-kg/vocab/agreement-kinds/> .
@prefix adv: <https://w3id.org/heritage-kg/vocab/advisory-kinds/> .
@prefix mr: <https://w3id.org/heritage-kg/vocab/mandate-relations/> .
@prefix role: <https://w3id.org/heritage-kg/vocab/roles/> .
@prefix rs: <https://w3id.org/heritage-kg/vocab/recognition-statuses/> .
@prefix tq: <https://w3id.org/heritage-kg/vocab/temporal-qualifiers/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kg:ended a hkg:Membership ; hkg:member kg:icom ; hkg:organisation kg:blue-shield ; hkg:role role:member ;
    hkg:startDate "1996"^^xsd:gYear ; hkg:temporalQualifier tq:in ; hkg:endDate "2016"^^xsd:gYear .
tq:around skos:prefLabel "around"@en, "vers"@fr .
kg:around a hkg:Membership ; hkg:member kg:icom ; hkg:organisation kg:blue-shield ; hkg:role role:member ;
    hkg:startDate "1990"^^xsd:gYear ; hkg:temporalQualifier tq:around .
kg:no-member a hkg:Membership ; hkg:organisation kg:blue-shield ; hkg:role role:member .
kg:member-undated a hkg:Membership ; hkg:member kg:icom ; hkg:organisation kg:blue-shield ; hkg:role role:member .
kg:agreement-undated a hkg:Agreement ; hkg:agreementKind ak:cooperation-agreement ; hkg:party kg:icom, kg:interpol .
kg:agreement-since a hkg:Agreement ; hkg:agreementKind ak:partnership ; hkg:party kg:icom, kg:wipo ;
    hkg:startDate "2002"^^xsd:gYear ; hkg:temporalQualifier tq:since .
kg:agreement-ended a hkg:Agreement ; hkg:agreementKind ak:partnership ; hkg:party kg:icom, kg:wipo ;
    hkg:startDate "2002"^^xsd:gYear ; hkg:endDate "2010"^^xsd:gYear .
kg:founding-undated a hkg:Founding ; hkg:founded kg:aliph ; hkg:founder kg:unesco .
kg:founding-dated a hkg:Founding ; hkg:founded kg:aliph ; hkg:founder kg:unesco ; hkg:date "2017-03-20"^^xsd:date ;
    hkg:place kg:paris .
kg:advice-since a hkg:AdvisoryRelation ; hkg:advisor kg:icom ; hkg:advisee kg:unesco ;
    hkg:advisoryKind adv:official-advisor ; hkg:startDate "1946"^^xsd:gYear ; hkg:temporalQualifier tq:since .
kg:recognition-since a hkg:Recognition ; hkg:grantedBy kg:ecosoc ; hkg:grantedTo kg:icom ; hkg:status rs:expert-ngo ;
    hkg:startDate "2000"^^xsd:gYear ; hkg:temporalQualifier tq:since .
kg:mandate-in a hkg:Mandate ; hkg:mandateHolder kg:icom ; hkg:instrument kg:unesco-convention-1970 ;
    hkg:instrumentRelation mr:rests-on ; hkg:startDate "1970"^^xsd:gYear ; hkg:temporalQualifier tq:in .
kg:post-ended a hkg:Post ; hkg:postIn kg:icom ; hkg:heldBy kg:peter-keller ;
    hkg:startDate "2017"^^xsd:gYear ; hkg:endDate "2021"^^xsd:gYear ; rdfs:label "Director General of ICOM"@en .
kg:icom-general-conference hkg:hostedBy kg:paris .
"""


@pytest.fixture(scope="module")
def made_up():
    """The graph with ties the data does not have: one that ended, one with a qualifier the
    grammar has no phrase for, and one that lacks a side."""
    store = build_store(Project.discover(None), materialised=False)
    store.load(EXTRA.encode(), format=ox.RdfFormat.TURTLE)
    return store, Names(store)


@pytest.mark.parametrize("tie, lang, expected", [
    ("member-undated", "en", "ICOM is a member of Blue Shield."),
    ("member-undated", "fr", "L'ICOM est membre du Bouclier bleu."),
    ("agreement-undated", "en", "ICOM and INTERPOL signed a cooperation agreement."),
    ("agreement-undated", "fr", "L'ICOM et INTERPOL ont signé un accord de coopération."),
    ("agreement-since", "en", "ICOM and WIPO have worked together since 2002."),
    ("agreement-since", "fr", "L'ICOM et l'OMPI coopèrent depuis 2002."),
    ("agreement-ended", "en", "ICOM and WIPO worked together from 2002 to 2010."),
    ("agreement-ended", "fr", "L'ICOM et l'OMPI ont coopéré de 2002 à 2010."),
    ("founding-undated", "en", "UNESCO founded ALIPH."),
    ("founding-undated", "fr", "L'UNESCO a fondé l'ALIPH."),
    ("founding-dated", "en", "UNESCO founded ALIPH on 20 March 2017 in Paris."),
    ("founding-dated", "fr", "L'UNESCO a fondé l'ALIPH le 20 mars 2017 à Paris."),
    ("advice-since", "en", "ICOM has been an official advisor to UNESCO since 1946."),
    ("advice-since", "fr", "L'ICOM est un conseiller officiel de l'UNESCO depuis 1946."),
    ("recognition-since", "en", "ECOSOC has recognised ICOM as an expert non-governmental organisation since 2000."),
    ("recognition-since", "fr", "L'ECOSOC reconnaît l'ICOM comme organisation non gouvernementale experte depuis 2000."),
    ("post-ended", "en", "Peter Keller was Director General of ICOM from 2017 to 2021."),
])
def test_every_kind_of_tie_reads_well_undated_qualified_or_ended(made_up, tie, lang, expected):
    assert Sentences(*made_up, GRAMMAR).tie(ID + tie, lang).text == expected


def test_a_name_missing_in_the_language_falls_back_and_says_so(made_up):
    sentence = Sentences(*made_up, GRAMMAR).tie(ID + "post-ended", "fr")
    assert sentence.text == "Peter Keller était Director General of ICOM de 2017 à 2021."
    assert any(part.text == "Director General of ICOM" and part.lang == "en" for part in sentence.parts)


def test_hosting_is_said_in_both_languages(made_up):
    said = Sentences(*made_up, GRAMMAR)
    assert said.direct("hosted-by", ID + "icom-general-conference", ID + "paris", "en").text == \
        "Paris hosts the ICOM General Conference."
    assert said.direct("hosted-by", ID + "icom-general-conference", ID + "paris", "fr").text == \
        "Paris accueille la Conférence générale de l'ICOM."


def test_titles_that_open_with_a_verb_are_quoted_and_names_keep_their_own_article(said):
    assert said.direct("run-by", ID + "icom-return-of-cultural-property", ID + "icom", "en").text == \
        "ICOM runs “Securing the return of cultural property”."
    assert said.direct("run-by", ID + "icom-facebook", ID + "icom", "fr").text == "L'ICOM mène l'ICOM sur Facebook."


def test_french_writes_the_first_of_a_month_as_1er(said):
    assert said.write.date("1996-06-01", "fr")[0] == "1er juin 1996"
    assert said.write.date("1996-06-11", "fr")[0] == "11 juin 1996"
    assert said.write.date("1996-06-01", "en")[0] == "1 June 1996"


def test_an_ended_tie_is_said_in_the_past_with_both_dates(made_up):
    said = Sentences(*made_up, GRAMMAR)
    assert said.tie(ID + "ended", "en").text == "ICOM was a member of Blue Shield (1996–2016)."
    assert said.tie(ID + "ended", "fr").text == "L'ICOM était membre du Bouclier bleu (1996–2016)."


def test_a_qualifier_without_a_phrase_is_kept_in_its_own_words(made_up):
    said = Sentences(*made_up, GRAMMAR)
    assert said.tie(ID + "around", "en").text == "ICOM is a member of Blue Shield (around 1990)."
    assert said.tie(ID + "around", "fr").text == "L'ICOM est membre du Bouclier bleu (vers 1990)."


def test_a_tie_no_template_can_say_is_left_to_its_name(made_up):
    assert Sentences(*made_up, GRAMMAR).tie(ID + "no-member", "en") is None


def test_a_language_without_a_grammar_writes_names_bare_and_dates_in_its_locale(graph):
    store, names = graph
    grammar = {**GRAMMAR, "de": {}}
    said = Sentences(store, names, grammar)
    said.templates.setdefault(ONTOLOGY_NS + "Membership", {})["de"] = ["{member} ist {kind} von {organisation}{(when)}."]
    assert said.tie(ID + "membership-icom-blue-shield", "de").text == "ICOM ist founding member von BSI (1996)."
    assert said.write.date("1996-06-06", "de")[0] == "6. Juni 1996"


def test_describe_prints_the_sentences_with_their_sources(tmp_path):
    result = CliRunner().invoke(cli, ["describe", "icom", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Conseil international des musées"
    sentence = next(line for line in lines if "membre fondateur du Bouclier bleu" in line)
    assert sentence.strip().startswith("L'ICOM est membre fondateur du Bouclier bleu (1996). [")
    numbers = re.findall(r"\[(\d+)\]", sentence)
    assert numbers and "Sources et expressions clés" in lines
    cited = re.search(rf"^  \[{numbers[0]}\] (.*?)(?=^  \[|\Z)", result.stdout, re.M | re.S)
    assert cited and re.search(r", ligne \d+ : « .+ »", " ".join(cited.group(1).split()))
    assert "Fondations et adhésions" in lines and "Chiffres" in lines


def test_describe_as_json_carries_each_sentence_with_its_sources():
    result = CliRunner().invoke(cli, ["describe", "kg:blue-shield", "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    said = [s for g in found["groups"] for s in g["sentences"]]
    first = next(s for s in said if s["text"] == "ICOM is a founding member of Blue Shield (1996).")
    assert first["tie"] == ID + "membership-icom-blue-shield"
    assert any(source["line"] == "14" and source["phrase"] for source in first["sources"])


@pytest.mark.parametrize("args, message", [
    (["describe", "no-such-thing"], "Error: entity 'no-such-thing': no such entity in the graph"),
    (["describe", "icom", "--lang", "de"], "Error: Invalid value for '--lang'"),
    (["describe", "icom", "--format", "xml"], "Error: Invalid value for '--format'"),
])
def test_describe_refuses_bad_input_in_one_line(args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith(message)


@pytest.mark.parametrize("lang, expected", [
    ("en", "Signed by Peter Keller, Director General of ICOM, and Valéry Freland, Executive Director of ALIPH."),
    ("fr", f"Signataires{NNBSP}: Peter Keller, directeur général de l'ICOM, et Valéry Freland, directeur exécutif "
           "de l'ALIPH."),
])
def test_an_agreement_says_who_signed_it_in_one_sentence(said, lang, expected):
    sentence = said.signatures(ID + "mou-icom-aliph-2022", lang)
    assert sentence.text == expected
    linked = {part.iri for part in sentence.parts if part.iri}
    assert {ID + "peter-keller", ID + "valery-freland", ID + "post-icom-director-general"} <= linked
    # an agreement nobody is recorded as signing has no such sentence
    assert said.signatures(ID + "agreement-icom-interpol-2000", lang) is None
