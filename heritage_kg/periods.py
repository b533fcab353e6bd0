"""A day, a month or a year, as the graph as of a date is asked for: ``2005``, ``2005-06`` or
``2005-06-01`` (docs/data-model.md, "The graph as of a date")."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import UsageError

_XSD = "http://www.w3.org/2001/XMLSchema#"
_FORMS = ((re.compile(r"\d{4}"), "gYear"), (re.compile(r"\d{4}-\d{2}"), "gYearMonth"), (re.compile(r"\d{4}-\d{2}-\d{2}"), "date"))


@dataclass(frozen=True)
class Period:
    """A day, a month or a year, as written: ``2005``, ``2005-06`` or ``2005-06-01``."""

    text: str

    @property
    def year(self) -> int:
        return int(self.text[:4])

    @property
    def term(self) -> ox.Literal:
        kind = next(kind for pattern, kind in _FORMS if pattern.fullmatch(self.text))
        return ox.Literal(self.text, datatype=ox.NamedNode(_XSD + kind))


def period(text: str, where: str) -> Period:
    """``text`` as a period; else a one-line error that names ``where`` it was given."""
    text = text.strip()
    for pattern, _ in _FORMS:
        if pattern.fullmatch(text):
            try:  # the month and the day must exist
                datetime.date.fromisoformat((text + "-01-01")[:10] if len(text) < 10 else text)
            except ValueError:
                break
            return Period(text)
    raise UsageError(f"{where}: {text!r} is not a date as YYYY, YYYY-MM or YYYY-MM-DD")
