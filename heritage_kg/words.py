"""The words of the interface: one catalogue per language, ``languages/LANG.toml``.

English (``en.toml``) is the default language and holds every key; another catalogue that lacks
a word shows the English one. A new interface language is one new file in that folder, named by
its language code: the pages offer it, link to it and take their words from it, with no change
to the code. (The folder can be pointed elsewhere with ``HERITAGE_KG_WORDS``, for tests.)

Besides its words, a catalogue holds three tables: ``[groups]``, the headings under which an
entity's page lists its ties, ``[sentences]``, how the language writes dates, figures and the
articles of names (`heritage_kg.grammar`), and ``[shacl]``, the message of a validation result
whose shape gives none.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from .errors import DataError

DEFAULT = "en"


def read(folder: Path) -> dict[str, dict]:
    """Every catalogue in ``folder``, by language code, as written.

    Raises:
        DataError: a catalogue that is not valid TOML, or no English catalogue.
    """
    catalogues: dict[str, dict] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            with open(path, "rb") as handle:
                catalogues[path.stem] = tomllib.load(handle)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise DataError(f"{path}: {error}") from None
    if DEFAULT not in catalogues:
        raise DataError(f"{folder}: no {DEFAULT}.toml, the catalogue every other one falls back to")
    return catalogues


def load(folder: Path) -> dict[str, dict[str, str]]:
    """The words of every catalogue in ``folder``, by language code, each completed from the
    English one (its tables, such as ``[sentences]``, left out)."""
    words = {lang: {k: str(v) for k, v in catalogue.items() if not isinstance(v, dict)}
             for lang, catalogue in read(folder).items()}
    return {lang: {**words[DEFAULT], **mine} for lang, mine in words.items()}


_FOLDER = Path(os.environ.get("HERITAGE_KG_WORDS") or Path(__file__).with_name("languages"))
_CATALOGUES = read(_FOLDER)
#: The words of each language, by key.
TEXT = load(_FOLDER)
#: How each language writes sentences (its ``[sentences]`` table: dates, lists, articles), not
#: completed from English: a language without one writes names bare and dates as its locale does.
GRAMMAR: dict[str, dict] = {lang: catalogue.get("sentences", {}) for lang, catalogue in _CATALOGUES.items()}
#: The headings of the groups an entity's ties are listed in, by group key, in English's order;
#: each language's completed from English's.
GROUPS: dict[str, dict[str, str]] = {lang: {**_CATALOGUES[DEFAULT].get("groups", {}), **catalogue.get("groups", {})}
                                     for lang, catalogue in _CATALOGUES.items()}
#: The message of a SHACL result whose shape gives none, by constraint component (``Pattern``),
#: with ``{p}`` for the constraint's parameter; each language's completed from English's.
SHACL_MESSAGES: dict[str, dict[str, str]] = {lang: {**_CATALOGUES[DEFAULT].get("shacl", {}), **catalogue.get("shacl", {})}
                                             for lang, catalogue in _CATALOGUES.items()}
#: The interface languages: the default first, then the others by code.
LANGS = (DEFAULT, *sorted(lang for lang in TEXT if lang != DEFAULT))



class Said(str):
    """A message in English, which it is as a string, with its words in every language of the
    catalogues (`said`), so that an error page can show it in the page's language."""

    by_lang: dict[str, str]

    def __new__(cls, by_lang: dict[str, str]):
        made = super().__new__(cls, by_lang[DEFAULT])
        made.by_lang = by_lang
        return made

    def __reduce__(self):  # kept whole through a copy or a pickle
        return (Said, (self.by_lang,))


def said(key: str, **fields) -> Said:
    """The catalogues' word ``key`` in every language, with its ``{fields}`` filled in; a field
    that is itself `said` is filled in the same language."""
    return Said({lang: words[key].format(**{name: value.by_lang.get(lang, value) if isinstance(value, Said) else value
                                            for name, value in fields.items()})
                 for lang, words in TEXT.items()})
