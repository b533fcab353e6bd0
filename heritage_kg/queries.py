"""Named queries: their `#+ ` YAML header, and typed parameters bound as RDF terms.

A parameter is never pasted into the query text as the user typed it. Its value is first
turned into an RDF term of the declared type (an IRI, a typed literal, ...), and that term,
serialised by Oxigraph, is bound with a ``VALUES`` block at the head of the outermost ``WHERE``
group. That binds the variable before any pattern is matched, and it works the same on the
embedded engine and on any SPARQL 1.1 endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from .errors import QueryError, UsageError
from .project import ENTITY_NS
from .terms import PREFIXES

_HEADER = "#+ "
_XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPES = ("iri", "string", "integer", "date", "year", "period", "boolean")
#: The views a query's results can be shown in on the query page (its `#+ view:`), by the name
#: a ``#defaultView:`` comment gives each, as on the Wikidata Query Service.
VIEWS = {"table": "Table", "graph": "Graph", "timeline": "Timeline", "chart": "BarChart"}
#: Strings, IRIs and comments: what to blank out before looking for keywords in a query.
SKIP = re.compile(r'#[^\n]*+|<[^>\s]*+>|"""(?:[^"\\]++|\\.|"(?!""))*+"""|\'\'\'(?:[^\'\\]++|\\.|\'(?!\'\'))*+\'\'\''
                  r'|"(?:[^"\\\n]++|\\.)*+"|\'(?:[^\'\\\n]++|\\.)*+\'')
_UPDATE = re.compile(r"(?<![\w:?$-])(LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|COPY|MOVE|ADD|WITH)(?![\w:-])", re.IGNORECASE)
_SERVICE = re.compile(r"(?<![\w:?$-])SERVICE(?![\w:-])", re.IGNORECASE)
_SCAN = re.compile(SKIP.pattern + r"|\bWHERE\s*\{", re.IGNORECASE)
_FORM = re.compile(r"^(?:\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
                   re.IGNORECASE)


def _in_languages(meta: dict, key: str) -> dict[str, str]:
    """A header's text in each language it gives: ``key`` is English, ``key_fr`` French, and so
    on, so that a tool reading grlc's headers still finds the English under the plain key."""
    found = {"en": str(meta.get(key, "")).strip()}
    for name, value in meta.items():
        if isinstance(name, str) and name.startswith(key + "_") and value is not None:
            found[name[len(key) + 1:]] = str(value).strip()
    return {lang: text for lang, text in found.items() if text}


def in_language(texts: dict[str, str], lang: str) -> tuple[str, str | None]:
    """The text in ``lang``, else in English: (text, its language, or None where it is ``lang``'s)."""
    if lang in texts:
        return texts[lang], None
    return texts.get("en", ""), "en" if texts.get("en") else None


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str = ""
    default: object = None
    #: For IRI parameters: the namespace a bare slug is expanded into (default: entities).
    namespace: str = ENTITY_NS
    #: For integer parameters: the smallest and largest values the query makes sense for.
    minimum: int | None = None
    maximum: int | None = None
    #: The description in each language it is given in.
    descriptions: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def required(self) -> bool:
        return self.default is None

    def term(self, raw: object) -> ox.NamedNode | ox.Literal:
        """The RDF term for a value given on the command line or as the default."""
        text = str(raw).strip() if not isinstance(raw, bool) else str(raw).lower()
        where = f"parameter {self.name!r}"
        if self.type == "iri":
            iri = _expand(text, self.namespace)
            try:
                return ox.NamedNode(iri)
            except ValueError:
                raise UsageError(f"{where}: {text!r} is not a valid IRI") from None
        if self.type == "string":
            return ox.Literal(text)
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d+", text):
                raise UsageError(f"{where}: {text!r} is not an integer")
            number = int(text)
            if (self.minimum is not None and number < self.minimum) or (self.maximum is not None and number > self.maximum):
                bounds = (f"from {self.minimum} to {self.maximum}" if self.minimum is not None and self.maximum is not None
                          else f"at least {self.minimum}" if self.minimum is not None else f"at most {self.maximum}")
                raise UsageError(f"{where}: {number} is out of range ({bounds})")
            return ox.Literal(str(number), datatype=ox.NamedNode(_XSD + "integer"))
        if self.type == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise UsageError(f"{where}: {text!r} is not a date (YYYY-MM-DD)")
            return ox.Literal(text, datatype=ox.NamedNode(_XSD + "date"))
        if self.type == "year":
            if not re.fullmatch(r"\d{4}", text):
                raise UsageError(f"{where}: {text!r} is not a year (YYYY)")
            return ox.Literal(text, datatype=ox.NamedNode(_XSD + "gYear"))
        if self.type == "period":  # a day, a month or a year (the graph as of a date)
            from .periods import period

            return period(text, where).term
        if self.type == "boolean":
            if text not in ("true", "false"):
                raise UsageError(f"{where}: {text!r} is not true or false")
            return ox.Literal(text, datatype=ox.NamedNode(_XSD + "boolean"))
        raise UsageError(f"{where}: unknown type {self.type!r}")


def _expand(text: str, namespace: str = ENTITY_NS) -> str:
    """A full IRI, a prefixed name such as kg:icom, or a bare entity slug such as icom."""
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        return text
    if ":" in text:
        prefix, local = text.split(":", 1)
        if prefix in PREFIXES:
            return PREFIXES[prefix] + local
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", text):
        return namespace + text
    return text


@dataclass
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    view: str = "table"
    #: The title and description in each language the header gives them in.
    titles: dict = field(default_factory=dict)
    descriptions: dict = field(default_factory=dict)

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        return query_form(self.text)

    def bind(self, given: dict[str, str]) -> str:
        """The query text with every parameter bound as a typed RDF term."""
        return bind_values(self.text, self.bindings(given), self.name)

    def bindings(self, given: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """The typed RDF term of every parameter: the one given, else its default."""
        known = {p.name for p in self.params}
        for name in given:
            if name not in known:
                listed = ", ".join(sorted(known)) or "none"
                raise UsageError(f"query {self.name!r}: unknown parameter {name!r} (parameters: {listed})")
        bindings = {}
        for param in self.params:
            if param.name in given:
                bindings[param.name] = param.term(given[param.name])
            elif param.required:
                raise UsageError(f"query {self.name!r}: missing parameter {param.name!r} (-p {param.name} VALUE)")
            else:
                bindings[param.name] = param.term(param.default)
        return bindings


def uses_service(query: str) -> bool:
    """Whether the query has a SERVICE clause (outside strings, IRIs and comments)."""
    return bool(_SERVICE.search(SKIP.sub(" ", query)))


def is_update(query: str) -> bool:
    """Whether the text is a SPARQL update (or holds one of its keywords outside strings, IRIs
    and comments)."""
    return bool(_UPDATE.search(SKIP.sub(" ", query)))


def with_prefixes(text: str) -> str:
    """``text`` with a PREFIX declaration for each of the project's prefixes that it uses without
    declaring, all on its first line, so that the lines of an error stay those the user wrote."""
    body = SKIP.sub(" ", text)  # a prefix inside a string, an IRI or a comment is none
    declared = {m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([\w.-]*):", body)}
    used = [prefix for prefix in PREFIXES if prefix not in declared
            and re.search(rf"(?<![\w.:?$-]){re.escape(prefix)}:", body)]
    if not used:
        return text
    return " ".join(f"PREFIX {prefix}: <{PREFIXES[prefix]}>" for prefix in used) + " " + text


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read from the head of the query (SELECT if unclear)."""
    match = _FORM.search(_strip_header(text))
    return match.group(1).upper() if match else "SELECT"


def _strip_header(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("#+"))


def bind_values(text: str, bindings: dict[str, object], name: str = "query") -> str:
    """Insert ``VALUES ?var { term }`` blocks at the head of the outermost WHERE group."""
    if not bindings:
        return text
    for match in _SCAN.finditer(text):
        token = match.group()
        if token.upper().startswith("WHERE"):
            block = " ".join(f"VALUES ?{var} {{ {term} }}" for var, term in bindings.items())
            return f"{text[:match.end()]} {block}{text[match.end():]}"
    raise QueryError(f"{name}: a parameterised query needs an explicit WHERE clause")


def parse_header(text: str, path: Path) -> dict:
    lines = [line[len(_HEADER):] if line.startswith(_HEADER) else "" for line in text.splitlines() if line.startswith("#+")]
    if not lines:
        return {}
    try:
        meta = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise UsageError(f"{path}{line}: bad #+ header: {getattr(error, 'problem', error)}") from None
    if not isinstance(meta, dict):
        raise UsageError(f"{path}: the #+ header must be a YAML mapping")
    return meta


def read_query(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read query: {error}") from None
    meta = parse_header(text, path)
    params = []
    for item in meta.get("params") or []:
        if not isinstance(item, dict) or "name" not in item:
            raise UsageError(f"{path}: each entry of 'params' needs a name")
        ptype = item.get("type", "string")
        if ptype not in _TYPES:
            raise UsageError(f"{path}: parameter {item['name']!r} has unknown type {ptype!r} (one of {', '.join(_TYPES)})")
        bounds = []
        for key in ("min", "max"):
            bound = item.get(key)
            if bound is not None and (ptype != "integer" or not isinstance(bound, int) or isinstance(bound, bool)):
                raise UsageError(f"{path}: parameter {item['name']!r}: {key} must be a whole number, for an integer parameter")
            bounds.append(bound)
        params.append(Param(str(item["name"]), ptype, str(item.get("description", "")), item.get("default"),
                            str(item.get("namespace", ENTITY_NS)), *bounds, descriptions=_in_languages(item, "description")))
    view = str(meta.get("view", "table"))
    if view not in VIEWS:
        raise UsageError(f"{path}: view {view!r} is not one of {', '.join(VIEWS)}")
    return NamedQuery(
        name=path.stem,
        path=path,
        text=text,
        title=str(meta.get("title", "")),
        description=str(meta.get("description", "")).strip(),
        tags=[str(t) for t in meta.get("tags") or []],
        params=params,
        meta=meta,
        view=view,
        titles=_in_languages(meta, "title"),
        descriptions=_in_languages(meta, "description"),
    )


def catalogue(paths: list[Path]) -> dict[str, NamedQuery]:
    return {q.name: q for q in map(read_query, paths)}
