"""The record format of `heritage-kg add`, read from the model rather than kept beside it.

A record's kind names a class; its fields are properties, named by their local names
(``party``, ``startDate``), each with its words, whether it is required or single, and what its
values are. The shapes say most of that: the counts of the shapes that target the class, and the
classes, schemes and datatypes of the shapes that target a property's subjects. The ontology adds
its domains and ranges, and the table of tie kinds the sides and dates of a tie. The optional
fields that none of them ties to a class (a place, a topic) are those that the nodes of the
class in data/ already use. docs/records.md describes the format, and what the model cannot say.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .project import ONTOLOGY_NS

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
_PREFIXES = f"PREFIX sh: <{SH}> PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> PREFIX skos: <{SKOS}> PREFIX hkg: <{ONTOLOGY_NS}>\n"

#: The kinds of record that are no kind of tie, and the classes their `type` may name (with
#: their subclasses); the first is the type of a record that names none.
ENTITY_KINDS = {
    "organisation": ("Organisation",),
    "unit": ("OrganisationalUnit",),
    "person": ("Person",),
    "place": ("Place",),
    "programme": ("Programme", "Activity"),
    "event": ("Event", "EventSeries"),
    "instrument": ("Convention", "LegalInstrument"),
}
#: A funding is an agreement of this kind whose sides are its funders and beneficiaries.
FUNDING = ("funding", "agreement", "funding-or-support")
#: Fields every record of an entity may have, whatever the data holds yet.
NAMES = (RDFS + "label", SKOS + "altLabel", ONTOLOGY_NS + "acronym", ONTOLOGY_NS + "description")
#: Properties a record never gives as a field: the type is `type`, evidence is `sources`, an
#: agreement's signatures are `signatures`, dated names are `name` records, and the network's
#: sides are derived by the graph.
NOT_FIELDS = {RDF + "type", ONTOLOGY_NS + "evidence", ONTOLOGY_NS + "signature", ONTOLOGY_NS + "networkSide",
              "http://www.w3.org/2008/05/skos-xl#altLabel"}


@dataclass(frozen=True)
class Value:
    """What a field's values are: ``entity`` (of ``classes``), ``concept`` (of ``scheme``),
    ``literal`` (of one of ``datatypes``), ``text`` (one per language) or ``address`` (a web
    address)."""

    kind: str
    classes: tuple[str, ...] = ()
    scheme: str | None = None
    datatypes: tuple[str, ...] = ()


@dataclass
class Field:
    name: str
    iri: str
    value: Value
    required: bool = False
    single: bool = False
    words: dict[str, str] = field(default_factory=dict)
    #: where the field comes from: "shapes", "ontology", "tie kinds" or "data"
    source: str = "data"


@dataclass
class Kind:
    key: str
    classes: tuple[str, ...]  # the class a record makes, then the others its `type` may name
    fields: dict[str, Field]
    words: dict[str, str] = field(default_factory=dict)


def local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class Model:
    """The record kinds of one graph: a store holding the ontology, the shapes and data/."""

    def __init__(self, store: ox.Store, ties):
        self.store, self.ties = store, ties

    def _rows(self, query: str):
        return list(self.store.query(_PREFIXES + query))

    def _words(self, iri: str) -> dict[str, str]:
        return {row[0].language: row[0].value for row in self._rows(f"SELECT ?l WHERE {{ <{iri}> rdfs:label ?l }}")
                if isinstance(row[0], ox.Literal) and row[0].language}

    def need_support(self) -> set[str]:
        """The properties whose evidence must name them (hkg:supports), by the shapes whose path
        is ( hkg:evidence hkg:supports ) and whose value is the property."""
        rows = self._rows("""SELECT ?p WHERE { ?s sh:targetSubjectsOf ?p ; sh:hasValue ?p ; sh:path ?l .
            ?l rdf:first hkg:evidence ; rdf:rest/rdf:first hkg:supports }""")
        return {row[0].value for row in rows}

    def subclasses(self, iri: str) -> list[str]:
        rows = self._rows(f"SELECT DISTINCT ?c WHERE {{ ?c rdfs:subClassOf* <{iri}> FILTER(isIRI(?c)) }}")
        return sorted(row[0].value for row in rows)

    def kinds(self) -> dict[str, Kind]:
        """Every kind of record, by its key."""
        kinds = {}
        for tie in self.ties.kinds:
            if not tie.direct:
                kinds[tie.key] = self.kind(tie.key, (tie.iri,), tie)
        for key, names in ENTITY_KINDS.items():
            bases = [ONTOLOGY_NS + n for n in names]
            kinds[key] = self.kind(key, tuple(dict.fromkeys(c for base in bases for c in [base, *self.subclasses(base)])))
        funding = self.kind(FUNDING[0], kinds[FUNDING[1]].classes, self.ties.by_key[FUNDING[1]])
        kinds[FUNDING[0]] = funding
        return dict(sorted(kinds.items()))

    def kind(self, key: str, classes: tuple[str, ...], tie=None) -> Kind:
        main = classes[0]
        supers = [row[0].value for row in self._rows(f"SELECT ?c WHERE {{ <{main}> rdfs:subClassOf* ?c FILTER(isIRI(?c)) }}")]
        values = " ".join(f"<{c}>" for c in supers)
        fields: dict[str, Field] = {}

        def add(iri: str, source: str) -> Field:
            if iri not in fields:
                fields[iri] = Field(local(iri), iri, self.value_of(iri), words=self._words(iri), source=source)
            return fields[iri]

        for p, low, high in self._rows(f"""SELECT ?p ?min ?max WHERE {{
              VALUES ?c {{ {values} }}
              {{ ?s sh:targetClass ?c ; sh:property ?ps }} UNION {{ ?ps sh:targetClass ?c }}
              ?ps sh:path ?p FILTER(isIRI(?p))
              FILTER NOT EXISTS {{ ?ps sh:severity ?severity FILTER(?severity != sh:Violation) }}
              OPTIONAL {{ ?ps sh:minCount ?min }} OPTIONAL {{ ?ps sh:maxCount ?max }} }}"""):
            found = add(p.value, "shapes")
            found.required |= bool(low) and int(low.value) > 0
            found.single |= bool(high) and int(high.value) == 1
        if tie is not None:
            for iri in (*tie.sides, *([tie.kind_property] if tie.kind_property else []), *tie.dates):
                add(iri, "tie kinds")
        for (p,) in self._rows(f"SELECT DISTINCT ?p WHERE {{ VALUES ?c {{ {values} }} ?p rdfs:domain ?c }}"):
            add(p.value, "ontology")
        if not main.endswith(("Relationship", "Observation")) and tie is None:
            for iri in NAMES:
                add(iri, "ontology")
        elif tie is not None:
            for iri in NAMES[0:1] + NAMES[3:]:
                add(iri, "ontology")
        members = " ".join(f"<{c}>" for c in classes)
        for (p,) in self._rows(f"SELECT DISTINCT ?p WHERE {{ VALUES ?t {{ {members} }} ?s a ?t ; ?p ?o }} ORDER BY ?p"):
            add(p.value, "data")
        for iri in NOT_FIELDS:
            fields.pop(iri, None)
        if key == FUNDING[0]:
            # the parties are the funders and beneficiaries, and the kind has a default
            fields.pop(ONTOLOGY_NS + "party", None)
            for side in ("funder", "beneficiary"):
                add(ONTOLOGY_NS + side, "ontology").required = True
            fields[ONTOLOGY_NS + "agreementKind"].required = False
        return Kind(key, classes, {f.name: f for f in fields.values()}, self._words(main))

    def value_of(self, iri: str) -> Value:
        """What the values of the property ``iri`` are, from the shapes, else the ontology's
        range, else the values the data gives it."""
        classes = sorted({row[0].value for row in self._rows(f"""SELECT ?k WHERE {{
            ?ps sh:targetSubjectsOf <{iri}> ; sh:path <{iri}> .
            {{ ?ps sh:class ?k }} UNION {{ ?ps sh:or/rdf:rest*/rdf:first/sh:class ?k }} }}""")})
        if classes:
            return Value("entity", classes=tuple(classes))
        scheme = self._rows(f"""SELECT ?scheme WHERE {{ ?ps sh:path <{iri}> ; sh:node/sh:property ?q .
            ?q sh:path skos:inScheme ; sh:hasValue ?scheme }} LIMIT 1""")
        if scheme:
            return Value("concept", scheme=scheme[0][0].value)
        datatypes = sorted({row[0].value for row in self._rows(f"""SELECT ?d WHERE {{ ?ps sh:path <{iri}> .
            {{ ?ps sh:datatype ?d }} UNION {{ ?ps sh:or/rdf:rest*/rdf:first/sh:datatype ?d }} }}""")})
        ranges = [row[0].value for row in self._rows(f"SELECT ?r WHERE {{ <{iri}> rdfs:range ?r }}")]
        datatypes = datatypes or [r for r in ranges if r.startswith(XSD)]
        if datatypes and datatypes != [RDF + "langString"]:
            return Value("literal", datatypes=tuple(datatypes))
        if datatypes or RDF + "langString" in ranges:
            return Value("text")
        if ranges and ranges[0] != SKOS + "Concept":
            return Value("entity", classes=tuple(ranges))
        sample = self._rows(f"SELECT ?o ?t WHERE {{ ?s <{iri}> ?o OPTIONAL {{ ?o a ?t }} }} LIMIT 1")
        if sample and isinstance(sample[0][0], ox.Literal):
            literal = sample[0][0]
            return Value("text") if literal.language else Value("literal", datatypes=(literal.datatype.value,))
        if sample and sample[0][1] is None and iri.startswith(ONTOLOGY_NS):
            return Value("address")
        if iri == "http://www.w3.org/2002/07/owl#sameAs":
            return Value("address")
        return Value("entity", classes=(ONTOLOGY_NS + "Entity",))


#: How a template shows a value of each kind, by its datatypes where it is a literal.
_EXAMPLES = {XSD + "date": "2022-01-31", XSD + "gYear": "2000", XSD + "gMonthDay": "--08-04", XSD + "duration": "P25Y",
             XSD + "integer": "50000", XSD + "boolean": "true", XSD + "string": "...", XSD + "language": "fr"}


def template(kind: Kind, concepts: dict[str, list[str]]) -> str:
    """A record of ``kind`` to fill in, as YAML with comments: its required fields first, then
    its optional ones commented out, then its sources. ``concepts`` lists the concepts of each
    scheme, by the last part of their IRIs."""
    lines = [f"# A {kind.key} record for heritage-kg add: fill in the fields, delete the optional ones you",
             "# do not need, and cite each source at the line its key phrase stands on.",
             f"kind: {kind.key}",
             "# id: a-slug            # made from the names or sides when left out"]
    if len(kind.classes) > 1:
        lines.append(f"# type: {local(kind.classes[0])}   # one of {', '.join(local(c) for c in kind.classes)}")
    ordered = sorted(kind.fields.values(), key=lambda f: (not f.required, f.source != "shapes", f.name))
    for f in ordered:
        value, note = _example(f, concepts)
        words = f.words.get("en", f.name)
        how = "required" if f.required else "optional"
        many = "" if f.single or f.value.kind == "text" else ", one or a list"
        mark = "" if f.required else "# "
        lines.append(f"{mark}{f.name}: {value}".ljust(44) + f"  # {words}: {how}{many}{note}")
    if kind.key in ("agreement", "funding"):
        lines += ["# signatures:                      # who signed it, each by slug, acronym or name",
                  "#   - signer: Peter Keller",
                  "#     post: post-icom-director-general",
                  "#     for: ICOM"]
    lines += ["sources:",
              "  - cite: seed-002:16            # a source (heritage-kg source add registers one) and its line",
              "    phrase: a few words copied from that line",
              "    # section: the heading the line stands under",
              "    # supports: [fieldName]      # the fields it backs, where it backs only some",
              "    # basis: inferred            # stated (the default), inferred or reference",
              "    # reason: {en: ..., fr: ...}   # what was reasoned, where inferred"]
    return "\n".join(lines) + "\n"


def _example(f: Field, concepts: dict[str, list[str]]) -> tuple[str, str]:
    value = f.value
    if value.kind == "text":
        return "{en: ..., fr: ...}", ""
    if value.kind == "entity":
        return "...", f" ({' or '.join(local(c) for c in value.classes)}, by slug, acronym or name)"
    if value.kind == "concept":
        found = concepts.get(value.scheme or "", [])
        shown = ", ".join(found[:8]) + (", ..." if len(found) > 8 else "")
        return (found[0] if found else "..."), f" ({shown})" if shown else ""
    if value.kind == "address":
        return "https://...", ""
    examples = [_EXAMPLES.get(d, "...") for d in value.datatypes]
    return examples[0], f" (as {' or '.join(dict.fromkeys(examples))})" if len(examples) > 1 else ""
