"""The timeline page: everything dated on one time axis, drawn on the server as SVG.

``/timeline`` shows the foundings, agreements, memberships, events, instruments, programmes and
figures of the graph, grouped by kind, each at its date as the source gives it (a day, a year, a
start that still holds); ``?organisation=icom`` keeps what an organisation takes part in;
``?from=1990&to=2000`` zooms to those years (or months, ``2022-01``, or days, ``2022-01-31``);
``?group=organisation`` groups by organisation rather than by kind. Each mark links to its page,
and its tooltip (an SVG ``<title>``, shown on hover, and under the drawing on focus) says it as a
sentence with its sources. ``POST /timeline/draw`` draws the rows of the query page's timeline
view the same way. What is drawn is worked out in `heritage_kg.timeline`.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..project import ENTITY_NS
from ..timeline import BadWindow, Timeline, window
from ..words import TEXT, said
from .site import authored_graph, cacheable, lang_of, page_url, problem, render, sentences, switch_url, with_lang
from .state import State, names


def timeline(state: State) -> Timeline:
    """The graph's timeline, found once per process, its marks leading to the pages."""
    return state.cached("timeline", lambda: Timeline(authored_graph(state), names(state), sentences(state), page_url))


def handlers(state: State) -> dict:
    def page(request: Request) -> Response:
        lang = lang_of(request)
        params = request.query_params
        organisation = None
        if params.get("organisation"):
            slug = params["organisation"]
            organisation = ENTITY_NS + slug
            if organisation not in names(state).subjects:
                return problem(request, 404, said("error_parameter_nothing", name="organisation", given=repr(slug[:40])))
        try:
            lo, hi = window(params.get("from"), params.get("to"))
        except BadWindow as bad:
            if bad.which is None:
                return problem(request, 400, said("error_window_order", start=params["from"][:20], end=params["to"][:20]))
            return problem(request, 400, said("error_bound", which=bad.which, given=repr(params[bad.which][:20]),
                                              forms=said("bound_forms")))
        group = params.get("group", "kind")
        if group not in ("kind", "organisation"):
            return problem(request, 400, said("error_group", given=repr(group[:20])))

        def make() -> str:
            drawn = timeline(state).drawing(lang, organisation, lo, hi, by_organisation=group == "organisation")
            base = {"organisation": params.get("organisation", ""), "group": "organisation" if group == "organisation" else ""}
            zoom = [{"text": text, "href": with_lang("/timeline?" + "&".join(f"{k}={v}" for k, v in {**base, **q}.items() if v), lang)}
                    for text, q in ((TEXT[lang]["timeline_all"], {}), ("1900–", {"from": "1900"}),
                                    ("1990–", {"from": "1990"}), ("2015–", {"from": "2015"}))]
            who = names(state).label(organisation, lang) if organisation else None
            plain = {"organisation": params.get("organisation", ""), "from": params.get("from", ""), "to": params.get("to", "")}
            grouping = [{"text": TEXT[lang]["timeline_by_" + g], "current": g == group,
                         "href": with_lang("/timeline?" + "&".join(f"{k}={v}" for k, v in {**plain, "group": g}.items() if v), lang)}
                        for g in ("kind", "organisation")]
            offline = None
            if state.settings.offline:  # what the static site's script draws the filters from
                t = TEXT[lang]
                offline = {**timeline(state).offline(lang, organisation), "organisation": params.get("organisation", ""),
                           "words": {k: t[k] for k in ("timeline", "timeline_count", "timeline_left_out", "sources", "colon",
                                                       "error_bound", "bound_forms", "error_window_order", "error_group",
                                                       "timeline_static_part")}}
            return render("timeline.html", lang, d=drawn, who=who, offline=offline, who_href=page_url(organisation, lang) if organisation else None,
                          zoom=zoom, grouping=grouping, organisation=params.get("organisation", ""), group=group,
                          from_text=params.get("from", ""), to_text=params.get("to", ""),
                          switch=switch_url(request, lang, keep=("organisation", "from", "to", "group")))

        # a window of one's own choosing is one of very many: made when asked, not kept
        return cacheable(request, state, ("timeline", lang, organisation, lo, hi, group), make, "text/html; charset=utf-8",
                         keep=lo is None and hi is None)

    async def draw(request: Request) -> Response:
        """POST /timeline/draw: the query page's timeline view, drawn as the timeline page is."""
        lang = lang_of(request)
        try:
            given = json.loads(await request.body())
            drawn, group, left_out = timeline(state).rows(given.get("rows") if isinstance(given, dict) else None, lang)
        except (ValueError, UnicodeDecodeError) as error:
            return PlainTextResponse(f"timeline: {error}\n", status_code=400)
        svg = render("_timeline_svg.html", lang, d=drawn, g=group, svg_label=TEXT[lang]["timeline"]).strip()
        return Response(svg, media_type="image/svg+xml", headers={"X-Left-Out": str(left_out), "Cache-Control": "no-store"})

    return {"timeline": page, "timeline-draw": draw}
