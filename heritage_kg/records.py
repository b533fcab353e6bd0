"""Records: what a curator writes to add statements (YAML, described in docs/records.md; read by
`recordtext`), checked against the graph and its sources, and turned into the nodes they describe.

Each record names its kind, its fields (the properties of `recordformat`) and its sources. An
entity it names is found by slug, acronym or name in either language; a name that fits several
is refused with the candidates. A key phrase must stand on the line cited. `adding` writes the
nodes into data/.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import DataError
from .names import Names, fold, local_name
from .project import ENTITY_NS, LANGUAGES, ONTOLOGY_NS, VOCAB_NS
from .recordformat import FUNDING, RDF, RDFS, SKOS, XSD, Field, Kind, Value
from .recordtext import Located, literal
from .sources import Sources

#: The keys of a record that are no field of its kind.
RESERVED = ("kind", "id", "existing", "type", "sources", "signatures", "of")
SOURCE_KEYS = ("cite", "phrase", "section", "supports", "basis", "reason", "lang")
SIGNATURE_KEYS = ("signer", "post", "for", "label", "sources")
#: A signature's name where the record gives none, in each language of the data.
SIGNATURE_NAMES = {"en": "Signature by {signer} ({party}): {agreement}", "fr": "Signature par {signer} ({party})\u202f: {agreement}"}
BASES = ("stated", "inferred", "reference")
SKOSXL = "http://www.w3.org/2008/05/skos-xl#"
WIKIDATA = "http://www.wikidata.org/entity/"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: A key phrase is a few words, never a sentence.
MAX_PHRASE_WORDS = 15
_TEXT = Value("text")


@dataclass
class Cited:
    """One piece of evidence: a source, its line, the key phrase there and its language, and
    what the statement rests on."""

    source: str
    line: int | None
    phrase: str
    lang: str
    section: str | None = None
    supports: tuple[str, ...] = ()
    basis: str | None = None
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass
class Node:
    """A node a record makes or adds to: its values (a value may be a blank node, given as its
    own list of (property, value)) and its evidence."""

    iri: str
    kind: str
    types: tuple[str, ...]
    values: list[tuple[str, object]] = field(default_factory=list)
    evidence: list[Cited] = field(default_factory=list)
    where: str = ""
    existing: bool = False


def slug_of(text: str) -> str:
    """A slug as the existing ones are made: lower case, no accents, words joined by hyphens."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain))


class Records:
    """Turns records into nodes, against one graph (a store of the ontology, the shapes and
    data/) and its sources."""

    def __init__(self, store: ox.Store, names: Names, kinds: dict[str, Kind], sources: Sources,
                 need_support: set[str] = frozenset()):
        self.store, self.names, self.kinds, self.sources = store, names, kinds, sources
        #: properties whose evidence must name them: a source that names nothing backs them all
        self.need_support = need_support
        #: the names of the nodes of this batch, folded, so that records may name each other
        self.batch: dict[str, set[str]] = {}
        self.batch_types: dict[str, set[str]] = {}
        self.batch_labels: dict[str, dict[str, str]] = {}

    # -- the whole batch ---------------------------------------------------------------------------

    def nodes(self, records: list[Located], where: str) -> list[Node]:
        """The nodes of every record, in the order written; entities first, so that a tie may
        name one the batch adds."""
        order = sorted(range(len(records)), key=lambda n: self._kind(records[n], where).key in self._tie_kinds())
        made: dict[int, list[Node]] = {}
        for n in order:
            made[n] = self.record(records[n], where)
        return [node for n in range(len(records)) for node in made[n]]

    def _tie_kinds(self) -> set[str]:
        return {key for key, kind in self.kinds.items() if kind.classes[0] in {t.iri for t in self.names.ties.kinds}}

    def _kind(self, record: Located, where: str) -> Kind:
        at = f"{where}:{record.line}"
        key = record.get("kind")
        if key == "name":
            return Kind("name", (), {})
        if key not in self.kinds:
            raise DataError(f"{at}: kind {key!r} is not one of {', '.join([*self.kinds, 'name'])}")
        return self.kinds[key]

    # -- one record ----------------------------------------------------------------------------------

    def record(self, record: Located, where: str) -> list[Node]:
        at = f"{where}:{record.line}"
        kind = self._kind(record, where)
        if kind.key == "name":
            return [self._name(record, at)]
        unknown = [k for k in record if k not in RESERVED and k not in kind.fields]
        if unknown:
            raise DataError(f"{at}: a {kind.key} has no field {unknown[0]!r}; its fields are "
                            f"{', '.join(kind.fields)} (heritage-kg add --template {kind.key})")
        cls = self._class(record, kind, at)
        values: list[tuple[str, object]] = [(RDF + "type", ox.NamedNode(cls))]
        found: dict[str, list] = {}
        # written in the order of the table of tie kinds: sides, variety, dates; then the rest
        tie = self.names.ties.by_key.get("agreement" if kind.key == FUNDING[0] else kind.key)
        first = (*tie.sides, *([tie.kind_property] if tie.kind_property else []), *tie.dates) if tie else ()
        ordered = sorted(kind.fields.items(), key=lambda item: first.index(item[1].iri) if item[1].iri in first else len(first))
        for name, f in ordered:
            if name in record:
                found[name] = self.values(f, record[name], f"{at}: {name}")
                if f.single and len(found[name]) > 1:
                    raise DataError(f"{at}: {name} takes one value, not {len(found[name])}")
                values += [(f.iri, v) for v in found[name]]
            elif f.required:
                raise DataError(f"{at}: a {kind.key} needs {name} ({f.words.get('en', name)})")
        if kind.key == FUNDING[0]:
            values += self._funding(found, kind)
        iri = self._iri(record, kind, found, at)
        evidence = self.cited(record.get("sources"), kind, at)
        backed = tuple(dict.fromkeys(p for p, _ in values if p in self.need_support))
        for cited in evidence:  # a source that says what it backs of none backs the whole record
            if not cited.supports and backed:
                cited.supports = backed
        node = Node(iri, kind.key, (cls,), values, evidence, at, bool(record.get("existing")))
        self._remember(node, found)
        out = [node]
        if "signatures" in record:
            if kind.key not in ("agreement", FUNDING[0]):
                raise DataError(f"{at}: only an agreement has signatures")
            out += self._signatures(record["signatures"], node, evidence, at)
        return out

    def _class(self, record: Located, kind: Kind, at: str) -> str:
        given = record.get("type")
        if given is None:
            return kind.classes[0]
        wanted = ONTOLOGY_NS + str(given)
        if wanted not in kind.classes:
            raise DataError(f"{at}: type {given!r} is not one of {', '.join(local_name(c) for c in kind.classes)}")
        return wanted

    def _funding(self, found: dict, kind: Kind) -> list[tuple[str, object]]:
        """A funding's parties are its funders and beneficiaries; its kind has a default."""
        parties = list(dict.fromkeys(found.get("funder", []) + found.get("beneficiary", [])))
        extra = [(ONTOLOGY_NS + "party", p) for p in parties]
        if "agreementKind" not in found:
            extra.append((ONTOLOGY_NS + "agreementKind", ox.NamedNode(f"{VOCAB_NS}agreement-kinds/{FUNDING[2]}")))
        return extra

    # -- slugs ---------------------------------------------------------------------------------------

    def _iri(self, record: Located, kind: Kind, found: dict, at: str) -> str:
        given = record.get("id")
        if given is not None:
            slug = str(given).removeprefix("kg:")
            if not _SLUG.fullmatch(slug):
                raise DataError(f"{at}: id {given!r} is no slug: lower-case letters and digits joined by hyphens")
        else:
            slug = self.mint(kind, record, found, at)
        iri = ENTITY_NS + slug
        taken = iri in self.names.subjects or iri in self.batch
        if record.get("existing"):
            if iri not in self.names.subjects:
                raise DataError(f"{at}: existing: true, but nothing in the graph is kg:{slug}")
        elif taken:
            what = self.names.label(iri) if iri in self.names.subjects else "another record of this batch"
            raise DataError(f"{at}: kg:{slug} is already used by {what}; give the record an id of its own, "
                            "or 'existing: true' if it describes that entity")
        return iri

    def mint(self, kind: Kind, record: Located, found: dict, at: str) -> str:
        """The slug the way the existing ones were made: an entity's from its acronym, else its
        name; a tie's from its kind and what it ties ("membership-icom-blue-shield"), with the
        year where it has one."""
        def slugs(name: str) -> list[str]:
            return [local_name(v.value) for v in found.get(name, []) if isinstance(v, ox.NamedNode)]

        def year() -> list[str]:
            dated = next((v.value for name in ("date", "startDate") for v in found.get(name, [])), None)
            return [dated[:4]] if dated else []

        texts = record.get("acronym") or record.get("label") or {}
        if kind.key in ("founding",):
            parts = ["founding", *slugs("founded")]
        elif kind.key == "observation":
            parts = ["observation", *slugs("observedEntity"), *[s.rsplit("/", 1)[-1] for s in slugs("measure")], *(year() or ["undated"])]
        elif kind.key == "post":
            parts = ["post", *slugs("postIn"), *[s.rsplit("/", 1)[-1] for s in slugs("postRole")]]
        elif kind.key == FUNDING[0]:
            parts = ["funding", *slugs("funder"), *slugs("beneficiary")]
        elif kind.key in self._tie_kinds():
            tie = self.names.ties.by_key[kind.key]
            parts = [kind.key, *[s for side in dict.fromkeys(tie.sides) for s in slugs(local_name(side))], *year()]
        elif isinstance(texts, dict) and texts:
            parts = [str(texts.get("en") or next(iter(texts.values())))]
        else:
            raise DataError(f"{at}: give the record an id or a label to make its slug from")
        return slug_of("-".join(parts))

    # -- values --------------------------------------------------------------------------------------

    def values(self, f: Field, raw, at: str) -> list:
        """The RDF values of a field, from what the record gives."""
        if f.value.kind == "text":
            if not isinstance(raw, dict):
                raise DataError(f"{at}: give the text in each language it is written in, such as {{en: ..., fr: ...}}")
            bad = [lang for lang in raw if lang not in LANGUAGES]
            if bad:
                raise DataError(f"{at}: {bad[0]!r} is not a language of the data ({', '.join(LANGUAGES)})")
            return [ox.Literal(str(text), language=lang) for lang, texts in raw.items()
                    for text in (texts if isinstance(texts, list) else [texts])]
        items = raw if isinstance(raw, list) else [raw]
        if f.value.kind == "entity":
            return [ox.NamedNode(self.find(str(item), f.value.classes, at)) for item in items]
        if f.value.kind == "concept":
            return [ox.NamedNode(self.concept(str(item), f.value.scheme, at)) for item in items]
        if f.value.kind == "address":
            return [ox.NamedNode(self.address(f, str(item), at)) for item in items]
        return [literal(item, f.value.datatypes, at) for item in items]

    def address(self, f: Field, text: str, at: str) -> str:
        if f.iri.endswith("#sameAs") and re.fullmatch(r"Q\d+", text):
            return WIKIDATA + text
        if not re.match(r"https?://\S+$", text):
            raise DataError(f"{at}: {text!r} is not a web address (http:// or https://)")
        return text

    def find(self, text: str, classes: tuple[str, ...], at: str) -> str:
        """The entity a record names by slug, acronym or name in either language, of one of
        ``classes``; one of this batch's, or one of the graph's."""
        wanted = fold(text.removeprefix("kg:"))
        fits = lambda iri: not classes or any(self._is_a(iri, c) for c in classes)
        if wanted.startswith(("http://", "https://")):
            matches = [text] if text in self.names.subjects or text in self.batch else []
        else:
            matches = sorted(iri for iri in set(self.names.subjects) | set(self.batch)
                             if iri.startswith(ENTITY_NS) and fits(iri) and wanted in self._names(iri))
        if len(matches) == 1:
            return matches[0]
        kinds = " or ".join(local_name(c) for c in classes)
        if not matches:
            # no whole name: the names that hold every word of it are the candidates
            words = wanted.split()
            matches = sorted(iri for iri in set(self.names.subjects) | set(self.batch)
                             if iri.startswith(ENTITY_NS) and fits(iri)
                             and any(all(w in name.split() for w in words) for name in self._names(iri)))
            listed = "; ".join(f"{local_name(m)} ({self.label_of(m, 'en')})" for m in matches[:6])
            more = f" and {len(matches) - 6} more" if len(matches) > 6 else ""
            if len(matches) > 1:
                raise DataError(f"{at}: {text!r} is part of the names of several: {listed}{more}; "
                                "give the slug or the whole name")
            if matches:
                raise DataError(f"{at}: {text!r} is no whole name; did you mean {listed}? Give its slug or whole name")
            raise DataError(f"{at}: {text!r} names no {kinds or 'entity'} in the graph{self._close(wanted, fits)}")
        listed = "; ".join(f"{local_name(m)} ({self.label_of(m, 'en')})" for m in matches[:6])
        raise DataError(f"{at}: {text!r} names several: {listed}; give the slug")

    def _names(self, iri: str) -> set[str]:
        found = {local_name(iri)} | self.batch.get(iri, set())
        for table in (self.names.labels.get(iri, {}), self.names.acronyms.get(iri, {})):
            found |= {fold(text) for texts in table.values() for text in texts}
        return found

    def _close(self, wanted: str, fits) -> str:
        """Some names close to one that names nothing, for the error."""
        import difflib

        pool = {name: iri for iri in self.names.subjects if iri.startswith(ENTITY_NS) and fits(iri)
                for name in self._names(iri)}
        close = difflib.get_close_matches(wanted, list(pool), n=3, cutoff=0.6)
        return f"; did you mean {', '.join(local_name(pool[c]) for c in close)}?" if close else ""

    def _is_a(self, iri: str, cls: str) -> bool:
        types = self.batch_types.get(iri) or self.names.types.get(iri, set())
        return any(t == cls or cls in self.names.ancestors(t) for t in types)

    def concept(self, text: str, scheme: str, at: str) -> str:
        """A concept of ``scheme``, by the last part of its IRI or its name in either language."""
        rows = self.store.query(f"""SELECT ?c ?l WHERE {{ ?c <{SKOS}inScheme> <{scheme}> .
            OPTIONAL {{ ?c <{SKOS}prefLabel> ?l }} }}""")
        wanted = fold(text)
        by: dict[str, set[str]] = {}
        for concept, label in rows:
            by.setdefault(concept.value, {fold(concept.value.rsplit("/", 1)[-1])})
            if label is not None:
                by[concept.value].add(fold(label.value))
        matches = sorted(c for c, names in by.items() if wanted in names)
        if len(matches) == 1:
            return matches[0]
        listed = ", ".join(sorted(c.rsplit("/", 1)[-1] for c in by))
        raise DataError(f"{at}: {text!r} is not one of the concepts of {scheme.rsplit('/', 1)[-1]}: {listed}")

    def _remember(self, node: Node, found: dict) -> None:
        names = {local_name(node.iri)}
        for key in ("label", "acronym"):
            names |= {fold(v.value) for v in found.get(key, []) if isinstance(v, ox.Literal)}
        self.batch[node.iri] = names
        self.batch_types[node.iri] = set(node.types)
        self.batch_labels[node.iri] = {v.language: v.value for v in found.get("label", []) if isinstance(v, ox.Literal)}

    def label_of(self, iri: str, lang: str, short: bool = False) -> str:
        """A name of a node of the graph or of this batch, in ``lang`` where it has one."""
        if iri in self.batch_labels:
            labels = self.batch_labels[iri]
            return labels.get(lang) or next(iter(labels.values()), local_name(iri))
        return str(self.names.short_label(iri, lang) if short else self.names.label(iri, lang))

    # -- evidence ------------------------------------------------------------------------------------

    def cited(self, given, kind: Kind, at: str) -> list[Cited]:
        """The evidence a record's ``sources`` give; each key phrase checked at its line."""
        if not given:
            raise DataError(f"{at}: a record needs its sources: a list of {{cite: SOURCE:LINE, phrase: ...}}")
        out = []
        for item in given if isinstance(given, list) else [given]:
            where = _line_of(item, at)
            if not isinstance(item, dict):
                raise DataError(f"{where}: a source is a mapping such as {{cite: seed-002:16, phrase: ...}}")
            unknown = [k for k in item if k not in SOURCE_KEYS]
            if unknown:
                raise DataError(f"{where}: a source has no key {unknown[0]!r}; its keys are {', '.join(SOURCE_KEYS)}")
            out.append(self._one(item, kind, where))
        return out

    def _one(self, item: dict, kind: Kind, where: str) -> Cited:
        cite, phrase = str(item.get("cite", "")), item.get("phrase")
        if not cite or not phrase:
            raise DataError(f"{where}: a source needs cite (SOURCE:LINE) and phrase (a few words of that line)")
        name, _, line_text = cite.rpartition(":") if re.search(r":\d+$", cite) else (cite, "", "")
        source = self.sources.find(name, where)
        line = int(line_text) if line_text else None
        phrase = str(phrase)
        if len(phrase.split()) > MAX_PHRASE_WORDS:
            raise DataError(f"{where}: a key phrase is a few words of the source, not {len(phrase.split())}")
        self.sources.check(source, line, phrase, where)
        supports = []
        for name in item.get("supports") or []:
            if name not in kind.fields:
                raise DataError(f"{where}: supports {name!r}, which is no field of a {kind.key}")
            supports.append(kind.fields[name].iri)
        basis = item.get("basis")
        if basis is not None and basis not in BASES:
            raise DataError(f"{where}: basis {basis!r} is not one of {', '.join(BASES)}")
        reasons = item.get("reason") or {}
        if basis == "inferred" and (not isinstance(reasons, dict) or set(LANGUAGES) - set(reasons)):
            raise DataError(f"{where}: an inferred statement needs its reason in {' and '.join(LANGUAGES)}: "
                            "reason: {en: ..., fr: ...}")
        lang = str(item.get("lang") or self.sources.language(source))
        if lang not in LANGUAGES:
            raise DataError(f"{where}: lang {lang!r} is not a language of the data ({', '.join(LANGUAGES)})")
        return Cited(source, line, phrase, lang,
                     str(item["section"]) if item.get("section") else None, tuple(supports), basis, dict(reasons))

    # -- signatures and names ------------------------------------------------------------------------

    def _signatures(self, given, agreement: Node, evidence: list[Cited], at: str) -> list[Node]:
        out = []
        for item in given if isinstance(given, list) else [given]:
            where = _line_of(item, at)
            if not isinstance(item, dict) or not {"signer", "for"} <= set(item):
                raise DataError(f"{where}: a signature needs signer and for (the organisation signed for); post is optional")
            unknown = [k for k in item if k not in SIGNATURE_KEYS]
            if unknown:
                raise DataError(f"{where}: a signature has no key {unknown[0]!r}; its keys are {', '.join(SIGNATURE_KEYS)}")
            party = self.find(str(item["for"]), (ONTOLOGY_NS + "Organisation", ONTOLOGY_NS + "OrganisationalUnit"), where)
            values = [(RDF + "type", ox.NamedNode(ONTOLOGY_NS + "Signature")),
                      (ONTOLOGY_NS + "signer", ox.NamedNode(self.find(str(item["signer"]), (ONTOLOGY_NS + "Person",), where))),
                      (ONTOLOGY_NS + "onBehalfOf", ox.NamedNode(party))]
            if item.get("post"):
                values.append((ONTOLOGY_NS + "signerPost", ox.NamedNode(self.find(str(item["post"]), (ONTOLOGY_NS + "Post",), where))))
            if item.get("label"):
                labels = self.values(Field("label", RDFS + "label", _TEXT), item["label"], f"{where}: label")
            else:
                signer = values[1][1].value
                labels = [ox.Literal(pattern.format(signer=self.label_of(signer, lang), party=self.label_of(party, lang, short=True),
                                                    agreement=self.label_of(agreement.iri, lang)), language=lang)
                          for lang, pattern in SIGNATURE_NAMES.items()]
            values += [(RDFS + "label", label) for label in labels]
            iri = f"{agreement.iri}-{local_name(party)}".replace(ENTITY_NS, ENTITY_NS + "signature-", 1)
            cited = self.cited(item["sources"], self.kinds["signature"], where) if item.get("sources") else evidence
            out.append(Node(iri, "signature", (ONTOLOGY_NS + "Signature",), values, cited, where))
            agreement.values.append((ONTOLOGY_NS + "signature", ox.NamedNode(iri)))
        return out

    def _name(self, record: Located, at: str) -> Node:
        """A name record adds names to an entity: labels, other names, acronyms, and a name held
        for a time (with startDate or endDate) as a SKOS-XL label."""
        allowed = ("kind", "of", "label", "altLabel", "acronym", "startDate", "endDate", "sources")
        unknown = [k for k in record if k not in allowed]
        if unknown or "of" not in record:
            raise DataError(f"{at}: a name record has of (the entity) and label, altLabel or acronym, "
                            f"with startDate or endDate for a name held for a time{'; not ' + unknown[0] if unknown else ''}")
        iri = self.find(str(record["of"]), (), at)
        text = lambda key: self.values(Field(key, "", _TEXT), record[key], f"{at}: {key}") if key in record else []
        values: list[tuple[str, object]] = []
        dated = [k for k in ("startDate", "endDate") if k in record]
        if dated:
            for form in text("altLabel") + text("label"):
                blank = [(RDF + "type", ox.NamedNode(SKOSXL + "Label")), (SKOSXL + "literalForm", form)]
                blank += [(ONTOLOGY_NS + k, literal(record[k], (XSD + "date", XSD + "gYear"), f"{at}: {k}")) for k in dated]
                if "startDate" in record:
                    blank.append((ONTOLOGY_NS + "temporalQualifier", ox.NamedNode(f"{VOCAB_NS}temporal-qualifiers/in")))
                values.append((SKOSXL + "altLabel", blank))
        else:
            values += [(RDFS + "label", v) for v in text("label")] + [(SKOS + "altLabel", v) for v in text("altLabel")]
        values += [(ONTOLOGY_NS + "acronym", v) for v in text("acronym")]
        if not values:
            raise DataError(f"{at}: a name record gives label, altLabel or acronym")
        kind = Kind("name", (), {"label": Field("label", RDFS + "label", _TEXT), "altLabel": Field("altLabel", SKOS + "altLabel", _TEXT),
                                 "acronym": Field("acronym", ONTOLOGY_NS + "acronym", _TEXT)})
        evidence = self.cited(record.get("sources"), kind, at)
        for cited in evidence:  # a name's evidence says what it supports
            cited.supports = cited.supports or tuple(dict.fromkeys(p for p, _ in values if p != RDF + "type"))
        return Node(iri, "name", tuple(self.names.types.get(iri, ())), values, evidence, at, existing=True)


def _line_of(item, at: str) -> str:
    """FILE:LINE of a mapping inside a record (a source, a signature), else of the record."""
    line = getattr(item, "line", 0)
    return f"{at.rpartition(':')[0]}:{line}" if line else at
