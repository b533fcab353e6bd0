"""HTTP content negotiation (Accept with its q-values) and conditional requests (If-None-Match)."""

from __future__ import annotations

from ..formats import RDF_FORMATS

#: Data documents: the RDF formats that hold a plain graph, by suffix.
DATA_FORMATS = {f.suffix: f for f in RDF_FORMATS.values() if not f.dataset}
#: What an entity or ontology IRI can be negotiated to; on a tie, the first listed wins (so */*
#: gets HTML).
OFFERS = {"text/html": "html", "application/xhtml+xml": "html",
          **{f.media_type: f.suffix for f in DATA_FORMATS.values()}, "application/json": ".jsonld"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their quality, best first; a missing header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for index, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality, -index))
    ranges.sort(key=lambda r: (r[1], _specificity(r[0]), r[2]), reverse=True)
    return [(m, q) for m, q, _ in ranges]


def _specificity(media: str) -> int:
    if media == "*/*":
        return 0
    return 1 if media.endswith("/*") else 2


def _matches(media_range: str, offer: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return offer.split("/")[0] == media_range[:-2]
    return media_range == offer


def choose(header: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers most; ties go to the server's order. None if nothing fits."""
    best, best_key = None, None
    ranges = parse_accept(header)
    for position, offer in enumerate(offers):
        quality, specificity = 0.0, -1
        for media_range, q in ranges:
            if _matches(media_range, offer) and _specificity(media_range) > specificity:
                quality, specificity = q, _specificity(media_range)
        if quality <= 0:
            continue
        key = (quality, specificity, -position)
        if best_key is None or key > best_key:
            best, best_key = offer, key
    return best


def not_modified(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header matches ``tag``: ``*``, or the tag by weak comparison."""
    if not if_none_match:
        return False
    candidates = [c.strip() for c in if_none_match.split(",")]
    return "*" in candidates or tag in (c[2:] if c.startswith("W/") else c for c in candidates)
