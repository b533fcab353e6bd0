"""An entity's ties said as sentences, grouped as its page groups them, each with its sources:
what ``heritage-kg describe`` prints."""

from __future__ import annotations

import json
import textwrap
from dataclasses import replace

import pyoxigraph as ox

from .asof import HOLDS, UNDATED
from .evidence import Evidence, evidence_of
from .names import Names
from .periods import Period
from .project import ONTOLOGY_NS
from .sentences import Sentence, Sentences
from .words import DEFAULT, GRAMMAR, GROUPS, TEXT

DESCRIPTION = ONTOLOGY_NS + "description"


def sources(store: ox.Store, said: Sentence) -> list[Evidence]:
    """The evidence behind a sentence: the tie's own, or, for a tie written as one property, the
    subject's evidence for that property."""
    found = evidence_of(store, ox.NamedNode(said.tie))
    if said.tie_property:
        found = [e for e in found if said.tie_property in e.supports]
    return sorted(found, key=lambda e: (e.source or "", int(e.line) if e.line and e.line.isdigit() else 0))


def gather(store: ox.Store, iri: str, lang: str, as_of: tuple[Period, dict[str, str]] | None = None) -> dict:
    """What ``describe`` shows of ``iri`` in ``lang``, as plain data; with ``as_of``, a date and
    the statuses `asof.statuses` gave for it, only the ties that held then, and those the sources
    do not date in a group of their own."""
    names = Names(store)
    sentences = Sentences(store, names, GRAMMAR)
    said = sentences.about(iri, lang)
    headings = GROUPS.get(lang, GROUPS[DEFAULT])
    undated: list[Sentence] = []
    if as_of is not None:
        # as the pages do: a tie written as one property is dated by its subject where that is
        # dated (a programme); one the query does not know (a unit) is undated, never dropped
        status = {id(s): as_of[1].get(s.tie, UNDATED) for s in said}
        undated = [s for s in said if status[id(s)] == UNDATED]
        said = [s for s in said if status[id(s)] == HOLDS]
        said += [replace(s, group="undated") for s in undated]
    descriptions = [q.object for q in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(DESCRIPTION), None)
                    if isinstance(q.object, ox.Literal)]
    mine = [d for d in descriptions if d.language == lang] or descriptions
    groups: list[dict] = []
    for sentence in said:
        if not groups or groups[-1]["key"] != sentence.group:
            groups.append({"key": sentence.group, "heading": headings.get(sentence.group, sentence.group), "sentences": []})
        cited = [{"source": e.source, "name": str(names.label(e.source, lang)) if e.source else None,
                  "line": e.line, "phrase": e.phrase.value if e.phrase is not None else None,
                  "inferred": e.inferred} for e in sources(store, sentence)]
        same = next((s for s in groups[-1]["sentences"] if s["text"] == sentence.text), None)
        if same is None:
            groups[-1]["sentences"].append({"text": sentence.text, "tie": sentence.tie, "also": [], "sources": cited})
        else:  # two ties that read alike, said once with the sources of both
            same["also"].append(sentence.tie)
            same["sources"] += [c for c in cited if c not in same["sources"]]
    shown_date = sentences.write.date(as_of[0].text, lang)[0] if as_of is not None else None
    return {"iri": iri, "lang": lang, "label": str(names.label(iri, lang)),
            **({"asOf": as_of[0].text, "asOfText": shown_date} if as_of is not None else {}),
            "kinds": [str(names.label(k, lang)) for k in names.kinds(iri)],
            "description": sorted(d.value for d in mine)[0] if mine else None, "groups": groups}


def render(found: dict, fmt: str = "text", width: int = 100) -> str:
    """``found`` (from `gather`) as text for a terminal, each sentence with the numbers of its
    sources, listed at the end; or as JSON."""
    if fmt == "json":
        return json.dumps(found, ensure_ascii=False, indent=2) + "\n"
    t = TEXT.get(found["lang"], TEXT[DEFAULT])
    lines = [found["label"], " · ".join(found["kinds"] + [found["iri"]])]
    if "asOf" in found:
        lines.append(t["as_of_banner"].format(date=found["asOfText"]))
    if found["description"]:
        lines += [""] + textwrap.wrap(found["description"], width)
    if not found["groups"]:
        lines += ["", t["no_ties"]]
    numbers: dict[tuple, int] = {}
    for group in found["groups"]:
        lines += ["", group["heading"]]
        for sentence in group["sentences"]:
            refs = [numbers.setdefault((s["name"], s["line"], s["phrase"], s["inferred"]), len(numbers) + 1)
                    for s in sentence["sources"]]
            marks = "".join(f"[{n}]" for n in sorted(set(refs)))
            lines += textwrap.wrap(f"{sentence['text']} {marks}".rstrip(), width, initial_indent="  ", subsequent_indent="    ")
    if numbers:
        lines += ["", t["evidence"]]
        for (name, line, phrase, inferred), n in numbers.items():
            cited = t["cited_at"].format(source=name or "?", line=line or "?")
            if phrase:
                cited += t["quoted"].format(text=phrase)
            if inferred:
                cited += f" ({t['inferred']})"
            lines += textwrap.wrap(cited, width, initial_indent=f"  [{n}] ", subsequent_indent="      ")
    return "\n".join(lines) + "\n"
