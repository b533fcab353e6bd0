"""Ties said as sentences, in English or French: "ICOM is a founding member of Blue Shield (1996)."

The words of a sentence come from the sentence templates of the table of tie kinds
(``ontology/tiekinds.ttl``); how a language writes dates, figures, lists and the articles of names
comes from the ``[sentences]`` table of its catalogue (``languages/LANG.toml``). The template
language is described in ``docs/data-model.md``, and `templatefill` fills a template. The pages,
the search snippets and ``describe`` all say ties through `Sentences`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .errors import DataError
from .grammar import Grammar, contract, is_acronym
from .names import STATEMENT_CLASSES, Label, Names, fold
from .project import LANGUAGES, ONTOLOGY_NS
from .templatefill import DATES, Filler, Part, local
from .ties import TieKind
from .words import DEFAULT, GROUPS

TEMPLATE = ONTOLOGY_NS + "sentenceTemplate"
NAME_TEMPLATE = ONTOLOGY_NS + "nameTemplate"
SIGNATURES_TEMPLATE = ONTOLOGY_NS + "signaturesTemplate"
GROUP = ONTOLOGY_NS + "pageGroup"
#: The places a sentence says "in" before rather than "at" ("in Paris", "at the Louvre").
AREAS = tuple(ONTOLOGY_NS + c for c in ("City", "Country", "Region"))
@dataclass(frozen=True)
class Sentence:
    """A tie said in one language.

    Attributes:
        tie: the tie's IRI (for a direct tie, the IRI of the entity that is the subject).
        kind: the key of its kind of tie; group: the key of the group a page lists it under.
        parts: the sentence, as text and linked names.
        when: its date, for sorting ("1996", "2022-01-31"; "9999" when undated).
        tie_property: for a direct tie, the property that is the tie.
        lang: the language it is written in: the one asked for, or English where that language
            has no template for the tie (a page marks it).
    """

    tie: str
    kind: str
    group: str
    parts: tuple[Part, ...]
    when: str = "9999"
    tie_property: str | None = None
    lang: str = DEFAULT

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.parts)

    def __str__(self) -> str:
        return self.text


class Sentences:
    """Says the ties of a graph (a store with the ontology and the data) in each language.

    Args:
        store: the graph, as written or as published.
        names: its names index.
        grammar: each language's ``[sentences]`` table (`heritage_kg.words.GRAMMAR`).

    Raises:
        DataError: a kind of tie with no sentence template in one of the languages of the data
            (its ties would go unsaid there).
    """

    def __init__(self, store: ox.Store, names: Names, grammar: dict[str, dict]):
        self.store, self.names = store, names
        #: how each language writes names, dates and figures
        self.write = Grammar(names, grammar)
        # by annotation, then by subject (a kind or a variety), then by language
        self.by: dict[str, dict[str, dict[str, list[str]]]] = {}
        for annotation in (TEMPLATE, NAME_TEMPLATE, SIGNATURES_TEMPLATE):
            found = self.by.setdefault(annotation, {})
            for quad in store.quads_for_pattern(None, ox.NamedNode(annotation), None):
                if isinstance(quad.object, ox.Literal) and quad.object.language:
                    found.setdefault(quad.subject.value, {}).setdefault(quad.object.language, []).append(quad.object.value)
            for by_lang in found.values():
                for texts in by_lang.values():
                    texts.sort()
        self.templates = self.by[TEMPLATE]
        self.groups: dict[str, str] = {}
        for quad in store.quads_for_pattern(None, ox.NamedNode(GROUP), None):
            self.groups[quad.subject.value] = quad.object.value
        for kind in names.ties.kinds:
            missing = [lang for lang in LANGUAGES if lang not in self.templates.get(kind.iri, {})]
            if missing:
                raise DataError(f"{kind.iri}: a kind of tie needs an hkg:sentenceTemplate in each language of the data; "
                                f"it has none in {', '.join(missing)}")

    # -- what a page or `describe` asks for --------------------------------------------------------

    def about(self, iri: str, lang: str) -> list[Sentence]:
        """What the page of ``iri`` says: for a tie, the tie itself and who signed it; then every
        tie that names ``iri`` (by a side or otherwise, as an agreement names what it concerns)
        and every tie written as one property that it is either side of, sorted by group and
        date."""
        node = ox.NamedNode(iri)
        found: dict[str, Sentence] = {}
        kind = self.names.ties.of(self.names.types.get(iri, ()))
        own = [s for s in (self.tie(iri, lang), self.signatures(iri, lang)) if s is not None] if kind else []
        for quad in self.store.quads_for_pattern(None, None, node):
            subject = quad.subject
            if isinstance(subject, ox.NamedNode) and subject.value not in found and \
                    self.names.is_a(subject.value, STATEMENT_CLASSES):
                said = self.tie(subject.value, lang, first=iri)
                if said is not None:
                    found[subject.value] = said
        listed = list(found.values()) + self.direct_about(iri, lang)
        order = {key: n for n, key in enumerate(GROUPS[DEFAULT])}
        listed.sort(key=lambda s: (order.get(s.group, len(order)), s.when, fold(s.text)))
        return own + listed

    def group(self, kind: TieKind, variety: str | None) -> str:
        """The key of the group a page lists a tie of ``kind`` and ``variety`` under."""
        return self.groups.get(variety or "", self.groups.get(kind.iri, kind.key))

    def direct_about(self, iri: str, lang: str) -> list[Sentence]:
        """The ties written as one property that ``iri`` is either side of."""
        found = [self.direct(kind.key, subject, obj, lang) for kind, subject, obj in self.names.ties.direct_ties(self.store, iri)]
        return sorted((s for s in found if s is not None), key=lambda s: fold(s.text))

    def values(self, iri: str | ox.BlankNode) -> dict[str, list]:
        """The node's values of the ontology's properties, by the property's local name."""
        found: dict[str, list] = {}
        node = ox.NamedNode(iri) if isinstance(iri, str) else iri
        for quad in self.store.quads_for_pattern(node, None, None):
            if quad.predicate.value.startswith(ONTOLOGY_NS):
                found.setdefault(quad.predicate.value[len(ONTOLOGY_NS):], []).append(quad.object)
        return found

    def date_of(self, iri: str, lang: str) -> str:
        """When a tie happened or began, as the language writes a date ("6 June 1996"), or ""."""
        node = ox.NamedNode(iri)
        for p in ("date", "startDate"):
            found = next(self.store.quads_for_pattern(node, ox.NamedNode(ONTOLOGY_NS + p), None), None)
            if found is not None and isinstance(found.object, ox.Literal):
                return self.write.date(found.object.value, lang)[0]
        return ""

    def held(self, node: str | ox.BlankNode, lang: str) -> str:
        """When a name (or anything with a start and an end) held, as words: "6 June 1996–2016",
        "since 2018", "until 2016"; "" when undated."""
        values = self.values(node)
        g = self.write.table(lang)
        start = next(iter(values.get("date", []) + values.get("startDate", [])), None)
        end = next(iter(values.get("endDate", [])), None)
        start_text = self.write.date(start.value, lang)[0] if isinstance(start, ox.Literal) else None
        end_text = self.write.date(end.value, lang)[0] if isinstance(end, ox.Literal) else None
        if start_text and end_text:
            return g.get("span", "{start}–{end}").format(start=start_text, end=end_text)
        if start_text:
            return g.get("since", "since {date}").format(date=start_text)
        if end_text:
            return g.get("until", "until {end}").format(end=end_text)
        return ""

    def figure_of(self, iri: str, lang: str) -> str:
        """A figure with what it counts and its date: "almost 50,000 museum members (31 January 2022)"."""
        values = self.values(iri)
        measure = next((v.value for v in values.get("measure", ()) if isinstance(v, ox.NamedNode)), None)
        writer = Filler(self, lang, iri, values, measure)
        what = f" {self.names.label(measure, lang)}" if measure else ""
        return writer.figure() + what + "".join(part.text for part in writer.when(brackets=True))

    def signatures(self, iri: str, lang: str) -> Sentence | None:
        """Who signed the tie ``iri`` (an agreement), in one sentence from its kind's
        ``hkg:signaturesTemplate``: "Peter Keller, Director General of ICOM, and Valéry Freland,
        Executive Director of ALIPH, signed it on 31 January 2022 at the Louvre." None when it has
        no signature."""
        if next(self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(ONTOLOGY_NS + "signature"), None), None) is None:
            return None
        return self.tie(iri, lang, annotation=SIGNATURES_TEMPLATE)

    def tie(self, iri: str, lang: str, first: str | None = None, annotation: str = TEMPLATE) -> Sentence | None:
        """The sentence of the tie node ``iri`` in ``lang``, naming ``first`` (the entity whose
        page it is on) before the others on its side; None if no template of its kind can say it
        (the page then shows the tie's name). ``annotation`` chooses which templates: the
        sentence, or the name a tie is given inside another sentence (`NAME_TEMPLATE`)."""
        kind = self.names.ties.of(self.names.types.get(iri, ()))
        if kind is None:
            return None
        templates = self.by[annotation]
        values = self.values(iri)
        if not any(key in values for key in DATES):
            # a part of a tie (the signature of an agreement) happened when the whole did
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(ONTOLOGY_NS + "signature"), ox.NamedNode(iri)):
                whole = self.values(quad.subject.value)
                values.update({key: whole[key] for key in DATES if key in whole})
                break
        for found in values.values():
            found.sort(key=lambda term: (term.value != first, fold(self.names.short_label(term.value, lang)))
                       if isinstance(term, ox.NamedNode) else (True, term.value))
        variety = next((v.value for v in values.get(local(kind.kind_property), ()) if isinstance(v, ox.NamedNode)), None) \
            if kind.kind_property else None
        group = self.group(kind, variety)
        for written in dict.fromkeys((lang, DEFAULT)):  # English where the language has no template for it
            writer = Filler(self, written, iri, values, variety)
            parts = writer.say([templates.get(variety or "", {}).get(written, []),
                                templates.get(kind.iri, {}).get(written, [])])
            if parts is not None:
                return Sentence(iri, kind.key, group, parts, writer.sort_key(), lang=written)
        return None

    def direct(self, key: str, subject: str, obj: str, lang: str) -> Sentence | None:
        """The sentence of a tie written as one property (``subject hkg:unitOf obj``)."""
        kind = self.names.ties.by_key[key]
        values = {"subject": [ox.NamedNode(subject)], "object": [ox.NamedNode(obj)]}
        for written in dict.fromkeys((lang, DEFAULT)):
            parts = Filler(self, written, subject, values, None).say([self.templates.get(kind.iri, {}).get(written, [])])
            if parts is not None:
                return Sentence(subject, kind.key, self.groups.get(kind.iri, kind.key), parts, tie_property=kind.iri,
                                lang=written)
        return None

    # -- names, dates and figures as a language writes them --------------------------------------

    def name(self, iri: str, lang: str, case: str = "") -> list[Part]:
        """The name of ``iri`` as a sentence says it, with the article its language puts before it
        and the preposition ``case`` before that: in French "de" or "à", contracted with the
        article ("du", "au"); in English "at", which is "in" before a city, a country or a
        region."""
        types = self.names.types.get(iri, ())
        kind = self.names.ties.of(types)
        if kind is not None and lang in self.by[NAME_TEMPLATE].get(kind.iri, {}):
            # a tie named by what it ties, such as a signature by its signer and post
            named = self.tie(iri, lang, annotation=NAME_TEMPLATE)
            if named is not None and named.lang == lang:
                return list(named.parts)
        text, label = self.bare_name(iri, lang)
        article = self.write.article(iri, text, lang)
        if self.write.has_article(text, lang):  # its own article, lower-case within a sentence
            text = text[0].lower() + text[1:]
        elif self.write.titled(text, lang):
            text = self.write.table(lang).get("quote", "“{}”").format(text)
        if case == "at":
            case = "in" if self.names.is_a(iri, AREAS) else "at"
            lead = f"{case} {article} " if article else f"{case} "
        else:
            lead = contract(case, article, text)
        name = Part(text, iri, label.lang if label.lang and label.lang != lang else None)
        return [Part(lead), name] if lead else [name]

    def bare_name(self, iri: str, lang: str) -> tuple[str, Label]:
        """The name of ``iri`` without an article: a tie's name starts lower-case ("the founding
        of ICOM"), unless it is a title ("Director General of ICOM")."""
        kind = self.names.ties.of(self.names.types.get(iri, ()))
        statement = self.names.is_a(iri, STATEMENT_CLASSES) or kind is not None
        label = self.names.label(iri, lang) if statement else self.names.short_label(iri, lang)
        text = str(label)
        words = text.split()
        if statement and words and not is_acronym(words[0]) and not (len(words) > 1 and words[1][:1].isupper()):
            text = text[0].lower() + text[1:]
        return text, label
