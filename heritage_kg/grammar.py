"""How each language writes what a sentence names: the article of a name, its gender, dates,
durations and figures. The rules are each catalogue's ``[sentences]`` table
(``languages/LANG.toml``), with Babel's data for the language's dates and numbers; a language
without a table writes names bare and dates as its locale does."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from babel.units import format_unit

from .names import Names
from .project import ONTOLOGY_NS

PERSON = ONTOLOGY_NS + "Person"
VOWEL = re.compile(r"^[aeiouyhàâäéèêëîïôöùûü]", re.I)


class Grammar:
    """The writing rules of every language, over the names of one graph."""

    def __init__(self, names: Names, tables: dict[str, dict]):
        self.names, self.tables = names, tables

    def table(self, lang: str) -> dict:
        """The ``[sentences]`` table of ``lang``, empty if it has none."""
        return self.tables.get(lang, {})

    def locale(self, lang: str) -> Locale:
        return locale_of(self.table(lang), lang)

    def article(self, iri: str, text: str, lang: str) -> str:
        """The article a name takes in ``lang``: "the" or nothing in English; "le", "la", "l'",
        "les" or nothing in French; nothing in a language whose catalogue says nothing."""
        grammar = self.table(lang)
        if PERSON in self.names.types.get(iri, ()) or text in grammar.get("no-article", ()) or self.titled(text, lang) \
                or self.has_article(text, lang):
            return ""
        if "the-words" in grammar:
            words = {w.casefold() for w in re.findall(r"[\w]+", text)}
            possessive = re.search(r"[’']s\b", text)
            takes = (not is_acronym(text) and not possessive and words & set(grammar["the-words"])) \
                or text in grammar.get("the-names", ())
            return "the" if takes else ""
        if "masculine" in grammar:
            gender = self.gender(iri, text, lang)
            if gender == "plural":
                return "les"
            if gender and VOWEL.match(text):
                return "l'"
            return {"masculine": "le", "feminine": "la"}.get(gender or "", "")
        return ""

    def titled(self, text: str, lang: str) -> bool:
        """Whether a name is a title that opens with a verb ("Securing the return of cultural
        property", "Obtenir le retour de biens culturels"), which a sentence quotes, bare."""
        pattern = self.table(lang).get("title-verb")
        return bool(pattern and re.match(pattern, text))

    def has_article(self, text: str, lang: str) -> bool:
        """Whether a name opens with an article of its own ("L'ICOM sur Facebook")."""
        return any(text.startswith(a) for a in self.table(lang).get("articles", ()))

    def gender(self, iri: str | None, text: str, lang: str) -> str | None:
        """The grammatical gender of a name in a language that has them, read from the first word
        of its full name (or the last, for a name left in English); an acronym takes its full
        name's."""
        grammar = self.table(lang)
        full = text
        if iri is not None and is_acronym(text):
            full = str(self.names.label(iri, lang))
        words = re.findall(r"[\w]+", full.casefold())
        if words and words[0] in grammar.get("ordinals", ()) or words and re.fullmatch(r"\d+\w*", words[0]):
            words = words[1:]  # "Deuxième enquête…" is of the gender of "enquête"
        if not words:
            return None
        for word in (words[0], words[-1]):
            for gender in ("plural", "masculine", "feminine"):
                if word in grammar.get(gender, ()):
                    return gender
        return None

    def date(self, text: str, lang: str) -> tuple[str, str]:
        """A date as the language writes it ("6 June 1996", "juin 1996", "1996"), and which of
        the grammar's phrases fits its precision (day, month, year)."""
        locale = self.locale(lang)
        match = re.fullmatch(r"(-?\d{4})(?:-(\d\d))?(?:-(\d\d))?", text)
        if not match:
            return text, "year"
        year, month, day = match.groups()
        try:
            if day:
                written = format_date(date(int(year), int(month), int(day)), format="long", locale=locale)
                first = self.table(lang).get("first-day")  # "1er juin 1996"
                if first and int(day) == 1:
                    written = re.sub(r"^0?1\b", first, written)
                return written, "day"
            if month:
                return format_skeleton("yMMMM", date(int(year), int(month), 1), locale=locale), "month"
        except ValueError:
            return text, "year"
        return year, "year"

    def month(self, year: int, month: int, lang: str) -> str:
        """A month, short, as a mark on an axis: "Jan 2022", "janv. 2022"."""
        return format_skeleton("yMMM", date(year, month, 1), locale=self.locale(lang))

    def day(self, day: date, lang: str) -> str:
        """A day, short, as a mark on an axis: "31 Jan", "31 janv."."""
        return format_skeleton("MMMd", day, locale=self.locale(lang))

    def duration(self, text: str, lang: str) -> str:
        """An xsd:duration as words: "25 years", "25 ans"."""
        match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?", text)
        if not match or not any(match.groups()):
            return text
        units = zip(match.groups(), ("duration-year", "duration-month", "duration-day"))
        return " ".join(format_unit(int(n), unit, length="long", locale=self.locale(lang)) for n, unit in units if n)

    def number(self, text: str, lang: str) -> str:
        return number(text, self.table(lang), lang)


def locale_of(table: dict, lang: str) -> Locale:
    """The Babel locale a language's table names, else the language's own, else English."""
    try:
        return Locale.parse(table.get("locale") or lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def number(text: str | int, table: dict, lang: str) -> str:
    """A figure with the language's separators: "50,000", "50 000"."""
    try:
        return format_decimal(Decimal(str(text)), locale=locale_of(table, lang))
    except (InvalidOperation, ValueError):
        return str(text)


def is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and " " not in text.strip()


def contract(case: str, article: str, text: str) -> str:
    """The words before a name: its article, joined to a French preposition ("du", "à l'")."""
    if case == "de":
        return {"le": "du ", "les": "des ", "la": "de la ", "l'": "de l'"}.get(article, "d'" if VOWEL.match(text) else "de ")
    if case == "à":
        return {"le": "au ", "les": "aux ", "la": "à la ", "l'": "à l'"}.get(article, "à ")
    if article == "l'":
        return "l'"
    return article + " " if article else ""
