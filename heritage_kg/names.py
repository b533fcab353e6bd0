"""The names index: the labels, acronyms and kinds of every IRI of the published graph, in each
language the data has, built once per process; and the classes pages sort things by. The pages,
the sentences and `describe` read names from it."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

import pyoxigraph as ox

from .project import LANGUAGES, ONTOLOGY_NS
from .terms import PREFIXES
from .ties import read as read_tie_kinds

#: The languages the graph's names and texts are written in (the interface may have more).
DATA_LANGS = LANGUAGES
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS_PREF = PREFIXES["skos"] + "prefLabel"
ACRONYM = ONTOLOGY_NS + "acronym"
OWL_CLASS = PREFIXES["owl"] + "Class"
SUBCLASS = PREFIXES["rdfs"] + "subClassOf"
SUBPROPERTY = PREFIXES["rdfs"] + "subPropertyOf"
INVERSE = PREFIXES["owl"] + "inverseOf"

#: Classes whose instances are statements about others: ties (n-ary relationships) and figures.
STATEMENT_CLASSES = (ONTOLOGY_NS + "Relationship", ONTOLOGY_NS + "Observation")
#: Classes whose instances act: they come first in search results and in diagrams.
AGENT_CLASSES = (ONTOLOGY_NS + "Organisation", ONTOLOGY_NS + "OrganisationalUnit", ONTOLOGY_NS + "Person")


def fold(text: str) -> str:
    """Text for matching and sorting: no accents, no case, one kind of apostrophe."""
    if text.isascii():  # most names; the same result without the per-character pass
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


class Label(str):
    """A name, and the language it is written in (None for a local name made from an IRI): a
    page shows a name in the other language when its own is missing, and says so."""

    lang: str | None = None

    def __new__(cls, text: str, lang: str | None):
        made = super().__new__(cls, text)
        made.lang = lang or None
        return made


class Names:
    """The labels, acronyms and kinds of every IRI in the published graph, by language.

    Built in one pass over the store, once per process (``names(state)``).
    """

    def __init__(self, store: ox.Store):
        self.labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.acronyms: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.types: dict[str, set[str]] = defaultdict(set)
        self.classes: set[str] = set()
        self.supers: dict[str, set[str]] = defaultdict(set)
        self.super_properties: dict[str, set[str]] = defaultdict(set)
        self.inverse: dict[str, str] = {}
        self.subjects: set[str] = set()
        for quad in store:
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if not isinstance(s, ox.NamedNode):
                continue
            iri = s.value
            self.subjects.add(iri)
            if p in (RDFS_LABEL, SKOS_PREF) and isinstance(o, ox.Literal):
                bucket = self.labels[iri][o.language or ""]
                if o.value not in bucket:
                    bucket.append(o.value)
            elif p == ACRONYM and isinstance(o, ox.Literal):
                bucket = self.acronyms[iri][o.language or ""]
                if o.value not in bucket:
                    bucket.append(o.value)
            elif p == RDF_TYPE and isinstance(o, ox.NamedNode):
                if o.value.startswith(ONTOLOGY_NS):
                    self.types[iri].add(o.value)
                if o.value == OWL_CLASS and iri.startswith(ONTOLOGY_NS):
                    self.classes.add(iri)
            elif p == SUBCLASS and isinstance(o, ox.NamedNode):
                self.supers[iri].add(o.value)
            elif p == SUBPROPERTY and isinstance(o, ox.NamedNode):
                self.super_properties[iri].add(o.value)
            elif p == INVERSE and isinstance(o, ox.NamedNode):
                self.inverse[iri], self.inverse[o.value] = o.value, iri
        for bucket in self.labels.values():
            for values in bucket.values():
                values.sort()
        for bucket in self.acronyms.values():
            # which acronyms both languages write, found before sorting: a list being sorted
            # looks empty to the sort's own key
            both = {a for values in bucket.values() for a in values if _in_both(bucket, a)}
            for values in bucket.values():
                values.sort(key=lambda acronym: (acronym not in both, acronym))
        self._ancestors: dict[str, set[str]] = {}
        self._property_ancestors: dict[str, set[str]] = {}
        self.ties = read_tie_kinds(store)
        self.instances: dict[str, list[str]] = defaultdict(list)
        for iri, kinds in self.types.items():
            for kind in kinds:
                self.instances[kind].append(iri)
        for members in self.instances.values():
            members.sort(key=lambda i: (fold(self.label(i)), i))

    def label(self, iri: str, lang: str = "en") -> Label:
        """The name of ``iri`` in ``lang``, else in the other language, else its local name; its
        ``lang`` says which."""
        by_lang = self.labels.get(iri)
        if by_lang:
            for key in (lang, *DATA_LANGS, ""):
                if by_lang.get(key):
                    return Label(by_lang[key][0], key)
        return Label(local_name(iri), None)

    def acronym(self, iri: str, lang: str = "en") -> Label | None:
        by_lang = self.acronyms.get(iri)
        if by_lang:
            for key in (lang, *DATA_LANGS, ""):
                if by_lang.get(key):
                    return Label(by_lang[key][0], key)
        return None

    def short_label(self, iri: str, lang: str = "en") -> Label:
        """The name to write where space or flow is short: the acronym of a long name ("ICOM"),
        but a name of one or two words as it is ("Blue Shield", not "BSI"), and the acronym
        where the name is only in another language."""
        label, acronym = self.label(iri, lang), self.acronym(iri, lang)
        if acronym is not None and (len(label.split()) > 2 or label.lang != lang):
            return acronym
        return label

    def ancestors(self, cls: str) -> set[str]:
        """Every super-class of ``cls``, however far up."""
        if cls not in self._ancestors:
            self._ancestors[cls] = _upwards(self.supers, cls)
        return self._ancestors[cls]

    def property_ancestors(self, p: str) -> set[str]:
        """Every super-property of ``p``, however far up."""
        if p not in self._property_ancestors:
            self._property_ancestors[p] = _upwards(self.super_properties, p)
        return self._property_ancestors[p]

    def is_side(self, p: str) -> bool:
        """Whether ``p`` names a side of a tie: a side property of a tie kind, or one below it
        (hkg:funder, below hkg:party)."""
        return p in self.ties.sides or any(q in self.ties.sides for q in self.property_ancestors(p))

    def tie_key(self, iri: str) -> str:
        """The key of the kind of tie ``iri`` is, or "other"."""
        kind = self.ties.of(self.types.get(iri, ()))
        return kind.key if kind is not None else "other"

    def kinds(self, iri: str) -> list[str]:
        """The most specific hkg classes of ``iri``, sorted."""
        types = self.types.get(iri, set())
        implied = set().union(*(self.ancestors(t) for t in types)) if types else set()
        return sorted(types - implied)

    def is_a(self, iri: str, classes: tuple[str, ...]) -> bool:
        return any(c in self.types.get(iri, ()) for c in classes)

    def kind_label(self, iri: str, lang: str = "en") -> str:
        return ", ".join(self.label(k, lang) for k in self.kinds(iri))


def _in_both(by_lang: dict[str, list[str]], name: str) -> bool:
    """Whether both languages write ``name``: the short name to show first (INTERPOL, not ICPO)."""
    return all(name in by_lang.get(lang, ()) for lang in DATA_LANGS)


def _upwards(links: dict[str, set[str]], start: str) -> set[str]:
    """Everything reachable from ``start`` by following ``links``, however far."""
    seen: set[str] = set()
    todo = list(links.get(start, ()))
    while todo:
        up = todo.pop()
        if up not in seen:
            seen.add(up)
            todo.extend(links.get(up, ()))
    return seen


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri

