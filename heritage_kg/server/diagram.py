"""The neighbourhood diagram of a page: the node in the middle, its direct neighbours around it,
each line drawn as the ontology's table of tie kinds says (colour, dashes, width), with a legend."""

from __future__ import annotations

import math

import pyoxigraph as ox

from ..names import AGENT_CLASSES, STATEMENT_CLASSES, Names, fold
from ..project import ENTITY_NS, ONTOLOGY_NS
from ..words import DEFAULT, GROUPS, TEXT
from .site import page_url

#: Most neighbours drawn; a "+N more" says how many are left out.
DIAGRAM_LIMIT = 18
#: The colour of a line in the diagram that is no tie of a kind in the table.
OTHER_COLOUR = "#7f8c9d"
#: Longest neighbour name drawn in full; beside a radius of 170 px, 26 characters fit in 760 px.
LABEL_LIMIT = 26


def node_class(known: Names, iri: str) -> str:
    if known.is_a(iri, AGENT_CLASSES):
        return "agent"
    if known.is_a(iri, (ONTOLOGY_NS + "Place",)):
        return "place"
    if known.is_a(iri, STATEMENT_CLASSES):
        return "tie"
    return "thing"


def diagram(view, statements: list[dict], ties: list[dict], pointing: list[dict]) -> dict:
    """A radial drawing of the node of ``view`` (an `entity.View`) and its direct neighbours, for
    the SVG in the page (from all its ties, as `View.tie_head` gives them, whichever page of them
    is shown)."""
    known, lang = view.names, view.lang
    rank = {group: n for n, group in enumerate(GROUPS[DEFAULT])}
    picked: dict[str, dict] = {}

    def add(iri: str, edge: str, title: str, group: str = "link", tie: tuple | None = None) -> None:
        """Draw ``iri``, tied by ``edge``; ``tie`` says how to say the tie: ("tie", IRI) or, for a
        tie written as one property, ("direct", key, subject, object)."""
        if iri.startswith(ENTITY_NS) and iri != view.iri and iri in known.subjects:
            node = picked.setdefault(iri, {"iri": iri, "edge": edge, "title": title, "ties": 0, "rank": len(rank) + 1,
                                           "tie": tie})
            node["ties"] += 1
            order = -1 if group == "own" else rank.get(group, len(rank))  # a side of the tie itself first
            if order < node["rank"]:  # drawn as its most important tie
                node.update(rank=order, edge=edge, title=title, tie=tie)

    for tie in ties:
        sides = tie["sides"]
        if sides:
            for side in sides:
                said = ("direct", tie["direct"], tie["iri"], tie["object"]) if tie.get("direct") else ("tie", tie["iri"])
                add(side, tie["cls"], str(tie["label"]), tie.get("group", "other"), said)
        elif tie["cls"] != "observation":
            add(tie["iri"], tie["cls"], str(tie["label"]), tie.get("group", "other"), ("tie", tie["iri"]))
    own = known.tie_key(view.iri) if known.is_a(view.iri, STATEMENT_CLASSES) else "link"
    for row in statements:
        edge = own if known.is_side(row["iri"]) else "link"
        for v in row["vals"]:
            iri = v.get("iri", "")
            kind = known.ties.of(known.types.get(iri, ()))
            if kind is not None and kind.sides:  # a tie (a signature): the people and bodies it ties, not its node
                for p, o in view.out(ox.NamedNode(iri)):
                    if known.is_side(p) and isinstance(o, ox.NamedNode):
                        add(o.value, kind.key, known.label(iri, lang), view.said.group(kind, None), ("tie", iri))
            else:
                add(iri, edge, row["prop"]["text"], "own" if edge == own and own != "link" else "link")
    for row in pointing:
        for v in row["vals"]:
            add(v.get("iri", ""), "link", row["prop"]["text"])
    # the most important neighbours, the same in every language: organisations and people before
    # activities and places; then by the kind of tie (foundings and memberships, then agreements,
    # then funding... units last); then those with the most ties to this node; then by IRI
    chosen = sorted(picked.values(), key=lambda n: (n["edge"] == "link", node_class(known, n["iri"]) != "agent",
                                                    n["rank"], -n["ties"], n["iri"]))
    more = max(0, len(chosen) - DIAGRAM_LIMIT)
    # drawn around the circle by kind of tie, then by name
    chosen = sorted(chosen[:DIAGRAM_LIMIT], key=lambda n: (n["rank"], fold(known.short_label(n["iri"], lang))))
    width, height, cx, cy = 760, 440, 380, 220
    rx, ry = 170, 165
    nodes = []
    for i, n in enumerate(chosen):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(chosen))
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        c = math.cos(angle)
        anchor = "start" if c > 0.25 else "end" if c < -0.25 else "middle"
        lx = x + (10 if anchor == "start" else -10 if anchor == "end" else 0)
        ly = y + (4 if anchor != "middle" else (-12 if math.sin(angle) < 0 else 20))
        full = known.label(n["iri"], lang)
        text = known.short_label(n["iri"], lang)
        title = n["title"]
        if n["tie"] and n["tie"][0] == "direct":  # a tie written as one property has no name: its sentence
            said = view.said.direct(*n["tie"][1:], lang)
            title = said.text if said is not None else title
        nodes.append({"x": round(x, 1), "y": round(y, 1), "lx": round(lx, 1), "ly": round(ly, 1), "anchor": anchor,
                      "text": text if len(text) <= LABEL_LIMIT else text[:LABEL_LIMIT - 1] + "…", "full": full, "title": title,
                      "href": page_url(n["iri"], lang), "edge": n["edge"], "cls": node_class(known, n["iri"])})
    centre = known.short_label(view.iri, lang)
    styles = {key: edge_style(known, key, lang) for key in sorted({n["edge"] for n in nodes})}
    for n in nodes:
        n["style"] = styles[n["edge"]]
    return {"width": width, "height": height, "cx": cx, "cy": cy, "nodes": nodes, "more": more,
            "centre": centre if len(centre) <= 32 else centre[:31] + "…", "full": known.label(view.iri, lang),
            "edges": list(styles.values())}


def edge_style(known: Names, key: str, lang: str) -> dict:
    """How the diagram draws a line of the kind of tie ``key`` (from the ontology's table of tie
    kinds), or a link that is no tie ("link", "other"): its colour, dashes, width and legend word."""
    kind = known.ties.by_key.get(key)
    if kind is None:
        return {"key": key, "colour": OTHER_COLOUR, "dash": "4 3", "width": 2, "word": TEXT[lang]["edge_" + key]}
    return {"key": key, "colour": kind.colour, "dash": kind.dasharray, "width": kind.width, "word": kind.word(lang)}
