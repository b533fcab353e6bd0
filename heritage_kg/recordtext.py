"""How a record is written: YAML read with the line each mapping starts on, and the forms a value
takes (a date, a year, a duration...) read into literals of the datatypes a field allows."""

from __future__ import annotations

import datetime
import re

import pyoxigraph as ox
import yaml

from .errors import DataError
from .names import local_name

XSD = "http://www.w3.org/2001/XMLSchema#"


class Located(dict):
    """A mapping of the YAML, with the line it starts on."""

    line = 0


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader, node):
    pairs = loader.construct_pairs(node, deep=True)
    seen = set()
    for (key, _), (key_node, _) in zip(pairs, node.value):
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} is given twice", key_node.start_mark)
        seen.add(key)
    made = Located(pairs)
    made.line = node.start_mark.line + 1
    return made


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read(text: str, where: str) -> list[Located]:
    """The records of a YAML text: a list of them, one, or one per document.

    Raises:
        DataError: text that is not YAML, or holds something other than records.
    """
    try:
        documents = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        at = f":{mark.line + 1}" if mark is not None else ""
        raise DataError(f"{where}{at}: not YAML: {getattr(error, 'problem', None) or error}") from None
    records: list[Located] = []
    for document in documents:
        for item in document if isinstance(document, list) else [document]:
            if not isinstance(item, Located):
                raise DataError(f"{where}: a record is a mapping of fields, such as 'kind: agreement'")
            records.append(item)
    if not records:
        raise DataError(f"{where}: holds no record")
    return records


def literal(item, datatypes: tuple[str, ...], at: str) -> ox.Literal:
    """A value as a literal of one of ``datatypes``: a date, a year, a day without a year, a
    duration, a whole number, a truth value or a string, read from how it is written."""
    candidates = []
    if isinstance(item, bool):
        candidates = [("boolean", str(item).lower())]
    elif isinstance(item, int):
        candidates = [("integer", str(item)), ("gYear", f"{item:04d}")]
    elif isinstance(item, datetime.date):
        candidates = [("date", item.isoformat())]
    elif isinstance(item, str):
        text = item.strip()
        for name, pattern in (("date", r"-?\d{4}-\d\d-\d\d"), ("gYear", r"-?\d{4}"), ("gMonthDay", r"--\d\d-\d\d"),
                              ("duration", r"P(?:\d+Y)?(?:\d+M)?(?:\d+D)?"), ("integer", r"-?\d+")):
            if re.fullmatch(pattern, text):
                candidates.append((name, text))
        candidates += [("string", text), ("language", text)]
    for name, text in candidates:
        if XSD + name in datatypes:
            try:
                return ox.Literal(text, datatype=ox.NamedNode(XSD + name))
            except ValueError:
                break
    wanted = ", ".join(local_name(d) for d in datatypes)
    raise DataError(f"{at}: {item!r} is not a value of the kind this field takes ({wanted})")
