/* The static site's stand-in for the timeline's server (heritage-kg site; docs/static-site.md).
 *
 * A static timeline page is the server's drawing of the whole timeline, or of one
 * organisation's, with its marks as data (``tl-data``, `heritage_kg.timeline.Timeline.offline`):
 * where each falls on the axis, its groups under both groupings, and what it says. Here the
 * window (``from``, ``to``) and the grouping (``group``) of the address are drawn as the server's
 * Timeline.drawing draws them, with the same markup as _timeline_svg.html; and the query page's
 * timeline view (POST /timeline/draw) is drawn as Timeline.rows draws it.
 * tests/test_static_views.py holds the drawings to the server's. Runs after static/offline.js and
 * before static/timeline.js, which then finds the marks in place.
 */
(function () {
  "use strict";

  var offline = window.heritageOffline;
  if (!offline) return;
  var script = document.currentScript;
  var SVG = "http://www.w3.org/2000/svg";
  var DATE = /^(-?\d{4})(?:-(\d\d))?(?:-(\d\d))?$/;
  // the most marks drawn, and the drawing's measures, as heritage_kg.timeline has them
  var LIMIT = Number(script.dataset.limit);
  var measures = script.dataset.measures.split(",").map(Number);
  var WIDTH = measures[0], LEFT = measures[1], RIGHT = measures[2], ROW = measures[3], TOP = measures[4];

  // -- dates as years with their fractions, as heritage_kg.timeline reckons them ------------------

  function dayNumber(year, month, day) {
    var date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    return Math.round(date.getTime() / 86400000);
  }

  function at(year, month, day) {
    if (year < 1 || year > 9999) return year;
    var days = year < 9999 ? dayNumber(year + 1, 1, 1) - dayNumber(year, 1, 1) : 365;
    return year + (dayNumber(year, month || 1, day || 1) - dayNumber(year, 1, 1)) / days;
  }

  function dayAt(when) {
    var year = Math.floor(when);
    var days = dayNumber(year + 1, 1, 1) - dayNumber(year, 1, 1);
    var date = new Date(0);
    date.setUTCFullYear(year, 0, 1 + Math.round((when - year) * days));
    return date;
  }

  function yearOf(text) {
    var match = DATE.exec(text);
    return match[2] ? at(Number(match[1]), Number(match[2]), Number(match[3] || 1)) : Number(match[1]);
  }

  // A bound of a window: its start, or (end) the start of what follows it; null for none.
  function bound(text, end) {
    var match = DATE.exec(text);
    if (!match) return null;
    var year = Number(match[1]), month = match[2] ? Number(match[2]) : null, day = match[3] ? Number(match[3]) : null;
    if (!offline.dayExists(year > 0 ? year : 1, month || 1, day || 1)) return null;
    if (!end) return yearOf(text);
    if (month === null) return year + 1;
    if (day === null) return at(year + Math.floor(month / 12), month % 12 + 1);
    var next = new Date(0);
    next.setUTCFullYear(year, month - 1, day + 1);
    return at(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
  }

  // -- the drawing, as heritage_kg.timeline draws it ------------------------------------------------

  function scale(lo, hi) {
    var span = Math.max(1 / 365, hi - lo);
    return function (year) { return Math.round((LEFT + (Math.min(Math.max(year, lo), hi) - lo) / span * (WIDTH - LEFT - RIGHT)) * 10) / 10; };
  }

  function ticks(lo, hi, locale) {
    var span = hi - lo, out = [], step;
    if (span >= 3) {
      step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500].find(function (s) { return span / s <= 12; });
      for (var y = Math.ceil(lo / step) * step; y < Math.ceil(hi); y += step) out.push([y, String(y)]);
      return out;
    }
    if (span >= 2 / 12) {
      step = [1, 2, 3, 6].find(function (s) { return span * 12 / s <= 12; });
      var months = new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", timeZone: "UTC" });
      for (var year = Math.floor(lo), month = 1; at(year, month) < hi; year += month === 12 ? 1 : 0, month = month === 12 ? 1 : month + 1) {
        if (at(year, month) >= lo && (month - 1) % step === 0) out.push([at(year, month), months.format(Date.UTC(year, month - 1, 1))]);
      }
      return out;
    }
    step = [1, 2, 7, 14].find(function (s) { return span * 365 / s <= 12; });
    var days = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" });
    for (var day = dayAt(lo); at(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()) < hi;
         day = new Date(day.getTime() + step * 86400000)) {
      var when = at(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
      if (when >= lo) out.push([when, days.format(day)]);
    }
    return out;
  }

  function stacked(rows) {
    rows.forEach(function (row, n) {
      row.y = TOP + n * ROW + ROW / 2;
      row.anchor = row.x > WIDTH * 0.6 ? "end" : "start";
      row.lx = row.anchor === "end" ? row.x - 8 : row.x + 8;
    });
    return { rows: rows, height: TOP + rows.length * ROW + 6 };
  }

  function element(name, attributes, text) {
    var made = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { made.setAttribute(key, String(attributes[key])); });
    if (text !== undefined) made.textContent = text;
    return made;
  }

  // One group as _timeline_svg.html draws it: its axis and its marks.
  function svg(group, marks, label, words) {
    var drawn = element("svg", { viewBox: "0 0 " + WIDTH + " " + group.height, "aria-label": label });
    marks.forEach(function (tick) {
      drawn.appendChild(element("line", { "class": "tick", x1: tick.x, y1: 18, x2: tick.x, y2: group.height }));
      drawn.appendChild(element("text", { "class": "tick-label", x: tick.x, y: 12, "text-anchor": "middle" }, tick.year));
    });
    group.rows.forEach(function (row) {
      var mark = row.href ? element("a", { href: row.href }) : element("g", { tabindex: 0 });
      var sources = row.sources.length ? " — " + words.sources + words.colon + " " + row.sources.join("; ") : "";
      mark.appendChild(element("title", {}, row.title + sources));
      if (row.x_end !== null) mark.appendChild(element("line", { "class": "span", x1: row.x, y1: row.y, x2: row.x_end, y2: row.y }));
      mark.appendChild(element("circle", { "class": "mark", cx: row.x, cy: row.y, r: 5 }));
      mark.appendChild(element("text", { x: row.lx, y: row.y + 4, "text-anchor": row.anchor }, row.when + " · " + row.label));
      drawn.appendChild(mark);
    });
    return drawn;
  }

  // -- a timeline page: its window and its grouping ---------------------------------------------

  var say = offline.say;
  var holder = document.getElementById("tl-data");
  if (holder) page(JSON.parse(holder.textContent));

  function page(data) {
    var words = data.words, here = new URLSearchParams(window.location.search);
    var wanted = here.get("organisation") || "";
    if (here.has("organisation") && wanted !== data.organisation && /^([A-Za-z0-9][A-Za-z0-9_.-]*)?$/.test(wanted)) {
      // another organisation's timeline is another file
      var file = new URL(wanted ? "timeline/" + wanted + "." + offline.lang + ".html" : "timeline." + offline.lang + ".html", offline.root);
      here.delete("organisation");
      file.search = here.toString();
      window.location.replace(file.href);
      return;
    }
    // the form asks this file for another window, not the server's /timeline
    var form = document.querySelector("form.timeline-zoom");
    form.setAttribute("action", window.location.pathname);
    var who = form.querySelector("input[name=organisation]");
    if (who) who.remove();
    var from = here.get("from") || "", to = here.get("to") || "", group = here.get("group") || "kind";
    var problem = null, lo = null, hi = null;
    if (from && (lo = bound(from, false)) === null) problem = say(words.error_bound, { which: "from", given: "'" + from.slice(0, 20) + "'", forms: words.bound_forms });
    else if (to && (hi = bound(to, true)) === null) problem = say(words.error_bound, { which: "to", given: "'" + to.slice(0, 20) + "'", forms: words.bound_forms });
    else if (lo !== null && hi !== null && lo >= hi) problem = say(words.error_window_order, { start: from.slice(0, 20), end: to.slice(0, 20) });
    else if (group !== "kind" && group !== "organisation") problem = say(words.error_group, { given: "'" + group.slice(0, 20) + "'" });
    if (problem) {
      offline.problem(form, problem);
      return;
    }
    if (!from && !to && group === "kind") return;  // the server's own drawing
    var drawn = drawing(data, lo, hi, group === "organisation");
    show(data, drawn, from, to, group);
  }

  function drawing(data, lo, hi, byOrganisation) {
    var marks = data.marks;
    if (lo === null) lo = Math.floor(marks.length ? Math.min.apply(null, marks.map(function (m) { return m.at; })) : 2000);
    if (hi === null) {
      hi = Math.floor(marks.length ? Math.max.apply(null, marks.map(function (m) { return Math.max(m.at, m.end === null ? 0 : m.end); })) : 2020) + 2;
    }
    var shown = marks.filter(function (m) {
      return (lo <= m.at && m.at < hi) || (m.at < hi && ((m.end !== null && m.end >= lo) || m.ongoing));
    });
    var leftOut = Math.max(0, shown.length - LIMIT);
    shown = shown.slice(0, LIMIT);
    var x = scale(lo, hi), grouped = {}, keys = [];
    shown.forEach(function (m) {
      var row = { href: m.href, label: m.label, when: m.when, title: m.title, sources: m.sources, x: x(m.at),
                  x_end: m.end !== null ? x(m.end) : m.ongoing ? x(hi) : null };
      m.groups[byOrganisation ? "organisation" : "kind"].forEach(function (key) {
        if (!grouped[key]) { grouped[key] = []; keys.push(key); }
        grouped[key].push(Object.assign({}, row));
      });
    });
    function heading(key) { return data.headings[key] || key; }
    function compare(a, b) {
      var first = byOrganisation ? grouped[b].length - grouped[a].length
        : (data.kinds.indexOf(a) < 0 ? data.kinds.length : data.kinds.indexOf(a)) - (data.kinds.indexOf(b) < 0 ? data.kinds.length : data.kinds.indexOf(b));
      return first || (heading(a) < heading(b) ? -1 : heading(a) > heading(b) ? 1 : 0);
    }
    return {
      groups: keys.sort(compare).map(function (key) { return Object.assign({ key: key, heading: heading(key) }, stacked(grouped[key])); }),
      ticks: ticks(lo, hi, data.locale).map(function (tick) { return { year: tick[1], x: x(tick[0]) }; }),
      first: Math.floor(lo), last: Math.ceil(hi) - 1, left_out: leftOut, total: shown.length + leftOut
    };
  }

  function show(data, drawn, from, to, group) {
    var words = data.words, number = new Intl.NumberFormat(data.locale);
    var place = document.getElementById("tl-drawing");
    var count = document.createElement("p");
    count.className = "muted";
    count.id = "tl-count";
    count.textContent = say(words.timeline_count, { n: number.format(drawn.total) })
      + (drawn.left_out ? " · " + say(words.timeline_left_out, { n: number.format(drawn.left_out) }) : "");
    var made = [count];
    if (data.left_out) {
      // a timeline longer than a page holds: its windows are drawn from the part this copy has
      var part = document.createElement("p");
      part.className = "notice";
      part.textContent = say(words.timeline_static_part, { n: number.format(data.marks.length),
                                                           total: number.format(data.marks.length + data.left_out) });
      made.push(part);
    }
    drawn.groups.forEach(function (g) {
      var section = document.createElement("section");
      section.className = "timeline-group";
      section.id = "tl-" + g.key.replace(/:/g, "-").replace(/,/g, "-");
      var title = document.createElement("h2");
      var size = document.createElement("span");
      size.className = "count";
      size.textContent = String(g.rows.length);
      title.append(g.heading + " ", size);
      var figure = document.createElement("figure");
      figure.className = "timeline";
      var caption = document.createElement("figcaption");
      caption.className = "timeline-focus";
      caption.setAttribute("aria-live", "polite");
      caption.hidden = true;
      figure.append(svg(g, drawn.ticks, words.timeline + ": " + g.heading, words), caption);
      var list = document.createElement("ol");
      list.className = "timeline-text visually-hidden";
      g.rows.forEach(function (row) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        if (row.href) link.href = row.href;
        link.textContent = row.when + words.colon + " " + row.title;
        item.appendChild(link);
        list.appendChild(item);
      });
      section.append(title, figure, list);
      made.push(section);
    });
    place.replaceChildren.apply(place, made);
    // the controls say what is drawn, and their links keep it, as the server's page does
    var form = document.querySelector("form.timeline-zoom");
    form.elements.from.value = from || String(drawn.first);
    form.elements.to.value = to || String(drawn.last);
    if (group === "organisation" && !form.elements.group) {
      var kept = document.createElement("input");
      kept.type = "hidden";
      kept.name = "group";
      kept.value = group;
      form.prepend(kept);
    }
    Array.prototype.forEach.call(form.querySelectorAll("a.button"), function (link) {
      var url = new URL(link.href);
      if (group === "organisation") url.searchParams.set("group", group);
      link.href = url.href;
    });
    var grouping = document.getElementById("tl-grouping");
    Array.prototype.forEach.call(grouping.querySelectorAll("a, strong"), function (item, n) {
      var key = n === 0 ? "kind" : "organisation";
      var url = new URL(window.location.href);
      url.search = "";
      if (from) url.searchParams.set("from", from);
      if (to) url.searchParams.set("to", to);
      url.searchParams.set("group", key);
      var made = document.createElement(key === group ? "strong" : "a");
      if (key === group) made.setAttribute("aria-current", "true");
      else made.href = url.href;
      made.textContent = item.textContent;
      item.replaceWith(made);
    });
  }

  // -- the query page's timeline view ---------------------------------------------------------------

  offline.answer(/\/timeline\/draw$/, function (request) {
    var label = script.dataset.label || "", locale = script.dataset.locale || "en", first = script.dataset.firstDay || "";
    return request.text().then(function (body) {
      var given = JSON.parse(body).rows, found = [];
      if (!Array.isArray(given)) throw new Error("rows must be a list");
      given.forEach(function (row, n) {
        if (!row || typeof row.start !== "string") throw new Error("row " + (n + 1) + ": give a label and a start");
        [row.start, row.end].forEach(function (text) {
          if (text === null || text === undefined) return;
          var match = DATE.exec(String(text));
          if (!match) throw new Error("row " + (n + 1) + ": '" + String(text).slice(0, 20) + "' is not a year, month or day such as 1996, 1996-06 or 1996-06-06");
          if (match[2] && !offline.dayExists(Number(match[1]), Number(match[2]), Number(match[3] || 1))) {
            throw new Error("row " + (n + 1) + ": '" + String(text).slice(0, 20) + "' is a day that does not exist");
          }
        });
        var local = typeof row.href === "string" && /^\/[^/]/.test(row.href);
        found.push({ at: yearOf(row.start), until: row.end ? yearOf(row.end) : null, start: row.start,
                     label: String(row.label || "").slice(0, 200), href: local ? pageFile(row.href) : null });
      });
      found.sort(function (a, b) { return a.at - b.at; });
      var leftOut = Math.max(0, found.length - LIMIT);
      found = found.slice(0, LIMIT);
      var lo = Math.floor(found.length ? found[0].at : 2000);
      var hi = Math.floor(found.length ? Math.max.apply(null, found.map(function (r) { return Math.max(r.at, r.until === null ? r.at : r.until); })) : 2020) + 2;
      var x = scale(lo, hi);
      var rows = found.map(function (r) {
        var when = written(r.start, locale, first);
        return { href: r.href, x: x(r.at), x_end: r.until !== null ? x(r.until) : null, label: r.label.length <= 56 ? r.label : r.label.slice(0, 55).trimEnd() + "…",
                 when: when, title: when + ": " + r.label, sources: [] };
      });
      var marks = ticks(lo, hi, locale).map(function (tick) { return { year: tick[1], x: x(tick[0]) }; });
      var drawn = svg(stacked(rows), marks, label, {});
      return new Response(new XMLSerializer().serializeToString(drawn), {
        status: 200, headers: { "Content-Type": "image/svg+xml", "X-Left-Out": String(leftOut) }
      });
    }).catch(function (error) {
      return new Response("timeline: " + error.message + "\n", { status: 400, headers: { "Content-Type": "text/plain" } });
    });
  });

  // A page of the server (/page/icom?lang=en) as this site's file.
  function pageFile(href) {
    var url = new URL(href, window.location.origin);
    var lang = url.searchParams.get("lang") || offline.lang;
    return new URL(url.pathname.slice(1) + "." + lang + ".html", offline.root).href;
  }

  // A date as the pages write it (heritage_kg.grammar): a year; a month or a day in words, the
  // first of a month as the language writes it ("1er juin 1996").
  function written(text, locale, first) {
    var match = DATE.exec(text);
    if (!match[2]) return match[1];
    var when = new Date(0);
    when.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3] || 1));
    var parts = match[3] ? { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" } : { month: "long", year: "numeric", timeZone: "UTC" };
    var words = new Intl.DateTimeFormat(locale, parts).format(when);
    return match[3] && Number(match[3]) === 1 && first ? words.replace(/^0?1\b/, first) : words;
  }
}());
