"""The words of the interface: one catalogue per language, ``words/LANG.toml``.

English (``en.toml``) is the default language and holds every key; another catalogue that lacks
a word shows the English one. A new interface language is one new file in that folder, named by
its language code: the pages offer it, link to it and take their words from it, with no change
to the code. (The folder can be pointed elsewhere with ``HERITAGE_KG_WORDS``, for tests.)
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from ..errors import DataError

DEFAULT = "en"


def load(folder: Path) -> dict[str, dict[str, str]]:
    """Every catalogue in ``folder``, by language code, each completed from the English one.

    Raises:
        DataError: a catalogue that is not valid TOML, or no English catalogue.
    """
    catalogues: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            with open(path, "rb") as handle:
                catalogues[path.stem] = {k: str(v) for k, v in tomllib.load(handle).items()}
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise DataError(f"{path}: {error}") from None
    if DEFAULT not in catalogues:
        raise DataError(f"{folder}: no {DEFAULT}.toml, the catalogue every other one falls back to")
    english = catalogues[DEFAULT]
    return {lang: {**english, **words} for lang, words in catalogues.items()}


#: The words of each language, by key.
TEXT = load(Path(os.environ.get("HERITAGE_KG_WORDS") or Path(__file__).with_name("words")))
#: The interface languages: the default first, then the others by code.
LANGS = (DEFAULT, *sorted(lang for lang in TEXT if lang != DEFAULT))


def lang_of(request) -> str:
    """The language a request asks for with ``?lang=``, else the default."""
    value = request.query_params.get("lang", DEFAULT)
    return value if value in TEXT else DEFAULT
