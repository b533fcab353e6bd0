"""The evidence of a node: each blank ``hkg:evidence`` node, read into one `Evidence`, for the
pages and for ``describe``."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .project import ONTOLOGY_NS, VOCAB_NS

EVIDENCE = ONTOLOGY_NS + "evidence"
INFERRED = VOCAB_NS + "bases/inferred"


@dataclass(frozen=True)
class Evidence:
    """Where a statement comes from: a source, the line and section of it, the key phrase there,
    the properties it backs, and whether it is read from the source rather than said there (with
    the reason, in each language given)."""

    source: str | None
    line: str | None
    section: str | None
    phrase: ox.Literal | None
    supports: tuple[str, ...]
    inferred: bool
    reasons: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def reason(self, lang: str) -> tuple[str, str] | None:
        """The reason for an inference in ``lang``, else in another language; with its language."""
        if not self.reasons:
            return None
        key = lang if lang in self.reasons else sorted(self.reasons)[0]
        return self.reasons[key], key


def evidence_of(store: ox.Store, node: ox.NamedNode | ox.BlankNode) -> list[Evidence]:
    """The evidence of ``node``, in no set order."""
    found = []
    for quad in store.quads_for_pattern(node, ox.NamedNode(EVIDENCE), None):
        fields: dict[str, list] = {}
        for q in store.quads_for_pattern(quad.object, None, None):
            fields.setdefault(q.predicate.value, []).append(q.object)
        first = lambda p: next(iter(fields.get(ONTOLOGY_NS + p, ())), None)
        source, line, section, phrase, basis = (first(p) for p in ("source", "line", "section", "keyPhrase", "basis"))
        reasons = {o.language or "": o.value for o in fields.get(ONTOLOGY_NS + "inferenceReason", ()) if isinstance(o, ox.Literal)}
        found.append(Evidence(
            source=source.value if isinstance(source, ox.NamedNode) else None,
            line=line.value if isinstance(line, ox.Literal) else None,
            section=section.value if isinstance(section, ox.Literal) else None,
            phrase=phrase if isinstance(phrase, ox.Literal) else None,
            supports=tuple(sorted(o.value for o in fields.get(ONTOLOGY_NS + "supports", ()) if isinstance(o, ox.NamedNode))),
            inferred=isinstance(basis, ox.NamedNode) and basis.value == INFERRED,
            reasons=reasons,
        ))
    return found
