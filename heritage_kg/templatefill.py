"""Fills one sentence template for one tie, in one language: the template language of
docs/data-model.md ("Sentences"): choices by aspect, agreement with the subject, names with their
articles and prepositions, dates and figures. `heritage_kg.sentences` chooses the templates and
says the ties through `Filler`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from .names import fold
from .project import ONTOLOGY_NS

#: The date qualifiers that say a tie still holds from a past start ("since 2002").
ONGOING = ("since", "since-event", "for-more-than")
#: The aspects a template's ``{a|b|c|d}`` chooses between, in that order.
UNDATED, DATED, ONGOING_ASPECT, ENDED = range(4)

#: The local names of the properties that date a tie, as a template's {when} reads them.
DATES = ("date", "startDate", "endDate", "temporalQualifier", "minimumDuration", "startEvent")
_PLACEHOLDER = re.compile(r"\{([^{}|]*)\}")
_CHOICE = re.compile(r"\{([^{}]*\|[^{}]*)\}")
_AGREEMENT = re.compile(r"<([^<>]*/[^<>]*)>")
_PIECES = re.compile(r"(\{[^{}]*\}|<[^<>]*/[^<>]*>)")


@dataclass(frozen=True)
class Part:
    """A piece of a sentence: plain text, or a name that links to ``iri`` and, when it falls back
    to another language than the sentence's, says which (``lang``)."""

    text: str
    iri: str | None = None
    lang: str | None = None


class Filler:
    """Fills one template for one tie in one language, for ``sentences`` (the
    `heritage_kg.sentences.Sentences` asking: its names, grammar and store)."""

    def __init__(self, sentences, lang: str, iri: str, values: dict[str, list], variety: str | None):
        self.s, self.lang, self.iri, self.values, self.variety = sentences, lang, iri, values, variety
        self.grammar = sentences.write.table(lang)

    def first(self, key: str) -> ox.Literal | ox.NamedNode | None:
        found = self.values.get(key)
        return found[0] if found else None

    def qualifier(self) -> str:
        found = self.first("temporalQualifier")
        return found.value.rsplit("/", 1)[-1] if isinstance(found, ox.NamedNode) else ""

    def aspect(self) -> int:
        if self.first("endDate") is not None:
            return ENDED
        if self.qualifier() in ONGOING:
            return ONGOING_ASPECT
        if self.first("date") is not None or self.first("startDate") is not None:
            return DATED
        return UNDATED

    def sort_key(self) -> str:
        found = self.first("date") or self.first("startDate") or self.first("endDate")
        return found.value if isinstance(found, ox.Literal) else "9999"

    # which template --------------------------------------------------------------------------

    def can_fill(self, name: str) -> bool:
        field = name.split(":", 1)[-1]
        if field in ("when", "(when)", "this"):
            return True
        if field.startswith("!"):  # said only of a tie that lacks the field, and says nothing
            return not self.values.get(field[1:])
        if field == "kind":
            return self.variety is not None
        if field == "figure":
            return self.first("value") is not None
        if field.startswith("^"):
            return any(True for _ in self.s.store.quads_for_pattern(None, ox.NamedNode(ONTOLOGY_NS + field[1:]), ox.NamedNode(self.iri)))
        return bool(self.values.get(field))

    def say(self, choices: list[list[str]]) -> tuple[Part, ...] | None:
        """The sentence from the first list of templates that has one this tie can fill, taking
        the template that names the most of what the tie has."""
        for templates in choices:
            usable = [t for t in templates if all(self.can_fill(n) for n in _PLACEHOLDER.findall(t))]
            if usable:
                best = max(usable, key=lambda t: (len(_PLACEHOLDER.findall(t)), t))
                return _capitalised(_joined(self.fill(best)))
        return None

    # filling ---------------------------------------------------------------------------------

    def fill(self, template: str) -> list[Part]:
        subject = next((n for n in _PLACEHOLDER.findall(template)
                        if n.split(":", 1)[-1] not in ("when", "(when)", "kind", "figure", "this")
                        and not n.startswith("!")), None)
        parts: list[Part] = []
        for piece in _PIECES.split(template):
            if not piece:
                continue
            if _CHOICE.fullmatch(piece):
                options = piece[1:-1].split("|")
                aspect = self.aspect()
                parts.append(Part(options[aspect] if aspect < len(options) else options[0]))
            elif _AGREEMENT.fullmatch(piece):
                parts.append(Part(self.agreement(piece[1:-1].split("/"), subject)))
            elif _PLACEHOLDER.fullmatch(piece):
                parts += self.placeholder(piece[1:-1])
            else:
                parts.append(Part(piece))
        # a list in apposition closes with a comma where words follow it, not before a full stop
        for n, part in enumerate(parts):
            if part.text == "\x00":
                following = "".join(p.text for p in parts[n + 1:])
                parts[n] = Part("," if re.match(r"\s+\w", following) else "")
        return parts

    def agreement(self, options: list[str], subject: str | None) -> str:
        """The form that agrees with the template's subject: singular/plural, or masculine/
        feminine/plural."""
        named = self.named(subject.split(":", 1)[-1]) if subject else []
        if len(named) > 1:
            return options[-1]
        if len(options) > 2 and named and isinstance(named[0], ox.NamedNode):
            text = str(self.s.names.short_label(named[0].value, self.lang))
            return options[1] if self.s.write.gender(named[0].value, text, self.lang) == "feminine" else options[0]
        return options[0]

    def named(self, field: str) -> list:
        if field.startswith("^"):
            found = [q.subject for q in self.s.store.quads_for_pattern(None, ox.NamedNode(ONTOLOGY_NS + field[1:]), ox.NamedNode(self.iri))]
            return sorted(found, key=lambda t: t.value)
        return self.values.get(field, [])

    def placeholder(self, name: str) -> list[Part]:
        case, _, field = name.rpartition(":")
        if field == "when":
            return self.when(brackets=False)
        if field == "(when)":
            return self.when(brackets=True)
        if field == "kind":
            label = str(self.s.names.label(self.variety, self.lang))
            return [Part(self.indefinite(case, label) + label, self.variety)]
        if field == "figure":
            return [Part(self.figure())]
        if field.startswith("!"):
            return []
        if field == "this":  # the tie's own name, bare: "Peter Keller is Director General of ICOM"
            text, label = self.s.bare_name(self.iri, self.lang)
            return [Part(text, self.iri, label.lang if label.lang and label.lang != self.lang else None)]
        names = [self.s.name(term.value, self.lang, case) if isinstance(term, ox.NamedNode) else [Part(term.value)]
                 for term in self.named(field)]
        # a name that holds a comma ("Peter Keller, Director General of ICOM") stands in
        # apposition: the list takes a comma before its last "and", and closes with one
        apposition = any("," in "".join(part.text for part in name) for name in names)
        if apposition:
            names.sort(key=lambda name: fold("".join(part.text for part in name)))
        out: list[Part] = []
        for n, name in enumerate(names):
            if n:
                last = f"{',' if apposition else ''} {self.grammar.get('and', 'and')} "
                out.append(Part(last if n == len(names) - 1 else ", "))
            out += name
        if apposition and len(names) > 1:
            out.append(Part("\x00"))  # a comma, if words follow (`fill`)
        return out

    def indefinite(self, case: str, label: str) -> str:
        """"a "/"an " before a kind in English ({a:kind}); "un "/"une " in French ({un:kind})."""
        if case == "a":
            return "an " if re.match(r"[aeio]", label, re.I) else "a "
        if case == "un":
            return "une " if self.s.write.gender(None, label, self.lang) == "feminine" else "un "
        return ""

    def figure(self) -> str:
        value = self.first("value")
        qualifier = self.first("valueQualifier")
        number = self.s.write.number(value.value, self.lang) if isinstance(value, ox.Literal) else ""
        if isinstance(qualifier, ox.NamedNode):
            return f"{self.s.names.label(qualifier.value, self.lang)} {number}"
        return number

    def when(self, brackets: bool) -> list[Part]:
        """The tie's dates as the language says them, with a leading space, or nothing."""
        g = self.grammar
        qualifier = self.qualifier()
        start = self.first("date") or self.first("startDate")
        end = self.first("endDate")
        event, duration = self.first("startEvent"), self.first("minimumDuration")
        if qualifier == "since-event" and isinstance(event, ox.NamedNode):
            return [Part(" ")] + _phrase(g.get("since-event", "since {event}"), event=self.s.name(event.value, self.lang))
        if qualifier == "for-more-than" and isinstance(duration, ox.Literal):
            return [Part(" " + g.get("for-more-than", "for more than {duration}").format(duration=self.s.write.duration(duration.value, self.lang)))]
        if start is not None and qualifier == "since" and end is None:
            return [Part(" " + g.get("since", "since {date}").format(date=self.s.write.date(start.value, self.lang)[0]))]
        if start is not None and end is not None:
            first, last = self.s.write.date(start.value, self.lang)[0], self.s.write.date(end.value, self.lang)[0]
            if brackets:
                return [Part(" (" + g.get("span", "{start}–{end}").format(start=first, end=last) + ")")]
            return [Part(" " + g.get("from-to", "from {start} to {end}").format(start=first, end=last))]
        if start is not None:
            text, precision = self.s.write.date(start.value, self.lang)
            if qualifier and qualifier not in ("in", *ONGOING):  # a qualifier the grammar has no phrase for is kept
                text = f"{self.s.names.label(self.first('temporalQualifier').value, self.lang)} {text}"
            if brackets:
                return [Part(f" ({text})")]
            return [Part(" " + g.get(precision, "{date}").format(date=text))]
        if end is not None:
            return [Part(" " + g.get("until", "until {end}").format(end=self.s.write.date(end.value, self.lang)[0]))]
        return []


def local(iri: str | None) -> str:
    return iri[len(ONTOLOGY_NS):] if iri and iri.startswith(ONTOLOGY_NS) else ""


def _phrase(pattern: str, **fields: list[Part]) -> list[Part]:
    """``pattern`` with its ``{field}``s replaced by the parts given for them."""
    out: list[Part] = []
    for piece in re.split(r"(\{\w+\})", pattern):
        if piece.startswith("{") and piece[1:-1] in fields:
            out += fields[piece[1:-1]]
        elif piece:
            out.append(Part(piece))
    return out


def _joined(parts: list[Part]) -> tuple[Part, ...]:
    """Neighbouring plain texts made one, so that a sentence is as few parts as it can be."""
    out: list[Part] = []
    for part in parts:
        if out and part.iri is None and out[-1].iri is None and part.lang is None and out[-1].lang is None:
            out[-1] = Part(out[-1].text + part.text)
        elif part.text:
            out.append(part)
    return tuple(out)


def _capitalised(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    if not parts:
        return parts
    head = parts[0]
    return (Part(head.text[:1].upper() + head.text[1:], head.iri, head.lang), *parts[1:])
