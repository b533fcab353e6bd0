/* The static site's stand-in for the explorer's server (heritage-kg site; docs/static-site.md).
 *
 * The static explorer is the server's page for one set of extras, with what the filters need to
 * know of each node and tie (``offline`` in its data, `heritage_kg.server.explorer.offline`).
 * Here the filters of the address are read as the server reads them, and what they show is
 * worked out as the server's ``shown`` works it out, before the page's own script draws it;
 * /network.json and /network/about/NAME are answered for that script as the server answers
 * them. A tie holds on a date by the comparison that ends the named query ``as-of``, over the
 * start, end and replacement that query reads; tests/test_static_views.py holds the two to the
 * same answers. Runs after static/offline.js and before static/network.js.
 */
(function () {
  "use strict";

  var offline = window.heritageOffline;
  var holder = document.getElementById("nw-data");
  if (!offline || !holder) return;
  var data = JSON.parse(holder.textContent);
  var facts = data.offline;
  if (!facts) return;
  var words = facts.words;
  var whole = {};  // the view's lists, unfiltered, by id: their text and links are the server's
  data.shown.nodes.forEach(function (node) { whole[node.id] = node; });
  data.shown.edges.forEach(function (edge) { whole[edge.id] = edge; });
  var order = data.shown.nodes.map(function (node) { return node.id; });

  var say = offline.say;

  function quoted(text) { return "'" + String(text).slice(0, 40) + "'"; }

  function Bad(message) { this.message = message; }

  // -- the address, read as the server's explorer.parse reads it -----------------------------------

  function chosen(params, name) {
    var values = [];
    params.getAll(name).forEach(function (raw) { raw.split(",").forEach(function (v) { if (v) values.push(v); }); });
    if (values.length === 1 && values[0] === "none") return new Set();
    var allowed = facts.allowed[name];
    values.forEach(function (v) {
      if (allowed.indexOf(v) < 0) {
        throw new Bad(say(words.error_choose_from, { name: name, given: quoted(v), allowed: allowed.slice().sort().join(", ") }));
      }
    });
    return values.length ? new Set(values) : null;
  }

  function isPeriod(text) {
    var match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
    if (!match || match[1] === "0000") return false;
    return offline.dayExists(Number(match[1]), match[2] ? Number(match[2]) : 1, match[3] ? Number(match[3]) : 1);
  }

  function resolve(text, name) {
    if (facts.nodes[text]) return text;
    var wanted = offline.fold(text);
    var found = Object.keys(facts.nodes).filter(function (id) {
      var node = data.elements.nodes.find(function (n) { return n.data.id === id; });
      return node && (offline.fold(node.data.name) === wanted || offline.fold(node.data.label) === wanted);
    }).sort();
    if (found.length === 1) return found[0];
    if (found.length) throw new Bad(say(words.error_names_several, { name: name, given: quoted(text), listed: found.slice(0, 5).join(", ") }));
    throw new Bad(say(words.error_parameter_nothing, { name: name, given: quoted(text) }));
  }

  function parse(params) {
    var filters = { extras: (chosen(params, "with") ? Array.from(chosen(params, "with")).sort() : []),
                    kinds: chosen(params, "kind"), types: chosen(params, "type"), year: null, asOf: null };
    var year = params.get("year");
    if (year) {
      if (!/^\d+$/.test(year) || Number(year) < 1 || Number(year) > 9999) throw new Bad(say(words.error_year, { given: quoted(year) }));
      filters.year = Number(year);
      filters.asOf = ("000" + Number(year)).slice(-4);
    }
    var asOf = params.get("asOf");
    if (asOf) {
      if (!isPeriod(asOf.trim())) throw new Bad(say(words.error_bad_date, { name: "asOf", given: quoted(asOf) }));
      filters.asOf = asOf.trim();
      filters.year = Number(filters.asOf.slice(0, 4));
    }
    filters.around = [];
    params.getAll("around").forEach(function (raw) {
      raw.split(",").forEach(function (slug) { if (slug) filters.around.push(resolve(slug, "around")); });
    });
    filters.around = Array.from(new Set(filters.around)).sort();
    var steps = params.get("steps") || "1";
    if (!/^\d+$/.test(steps) || Number(steps) < 1 || Number(steps) > facts.most_steps) {
      throw new Bad(say(words.error_steps, { given: quoted(steps), most: facts.most_steps }));
    }
    filters.steps = Number(steps);
    filters.focus = params.get("focus") ? resolve(params.get("focus"), "focus") : null;
    return filters;
  }

  // -- what the filters show, as the server's explorer.shown works it out ------------------------

  // The first and last day of a year, a month or a day, as the named query as-of writes them.
  function firstDay(text) { return text.length === 4 ? text + "-01-01" : text.length === 7 ? text + "-01" : text; }
  function lastDay(text) { return text.length === 4 ? text + "-12-31" : text.length === 7 ? text + "-31" : text; }

  function status(span, asked) {
    if (!span || span[0] === null) return "undated";
    var first = firstDay(asked), last = lastDay(asked);
    if (firstDay(span[0]) > last) return "not yet";
    if ((span[1] !== null && lastDay(span[1]) < first) || (span[2] !== null && span[2].slice(0, 10) <= last)) return "ended";
    return "holds";
  }

  function reach(centres, depth) {
    var adjacent = {};
    facts.ties.forEach(function (tie) {
      (adjacent[tie.source] = adjacent[tie.source] || new Set()).add(tie.target);
      (adjacent[tie.target] = adjacent[tie.target] || new Set()).add(tie.source);
    });
    var reached = {}, queue = centres.slice();
    centres.forEach(function (c) { reached[c] = 0; });
    while (queue.length) {
      var node = queue.shift();
      if (reached[node] === depth) continue;
      Array.from(adjacent[node] || []).sort().forEach(function (other) {
        if (!(other in reached)) { reached[other] = reached[node] + 1; queue.push(other); }
      });
    }
    return reached;
  }

  function shown(filters) {
    var reached = filters.around.length ? reach(filters.around, filters.steps) : null;
    function passes(id) {
      var node = facts.nodes[id];
      if (!node || (reached && !(id in reached))) return false;
      if ((node.group === "organisation" || node.group === "unit") && filters.types
          && !node.types.some(function (t) { return filters.types.has(t); })) return false;
      return filters.year === null || node.founded === null || node.founded <= filters.year;
    }
    var edges = [], undated = [], touched = {};
    facts.ties.forEach(function (tie, index) {
      if (filters.kinds && !filters.kinds.has(tie.kind)) return;
      if (!passes(tie.source) || !passes(tie.target)) return;
      var id = "e" + index;
      if (filters.asOf !== null) {
        var found = status(tie.span, filters.asOf);
        if (found !== "holds" && found !== "undated") return;
        if (found === "undated") undated.push(id);
      }
      touched[tie.source] = touched[tie.target] = true;
      edges.push(id);
    });
    var nodes = order.filter(function (id) {
      return passes(id) && (facts.nodes[id].group === "organisation" || touched[id]);
    });
    var marked = new Set(undated);
    return {
      nodes: nodes.map(function (id) { return whole[id]; }),
      edges: edges.map(function (id) {
        var edge = whole[id];
        return marked.has(id) ? Object.assign({}, edge, { text: edge.text + " (" + data.words.network_undated + ")" }) : edge;
      }),
      undated: undated.sort(function (a, b) { return Number(a.slice(1)) - Number(b.slice(1)); })
    };
  }

  // -- the page as the server would have made it for its address --------------------------------

  var form = document.getElementById("nw-controls");
  var here = new URLSearchParams(window.location.search);

  function fileFor(extras) {
    return new URL("network." + data.lang + extras.map(function (e) { return "." + e; }).join("") + ".html", offline.root);
  }

  function arrange(filters) {
    Array.prototype.forEach.call(form.querySelectorAll("input[name=kind]"), function (box) {
      box.checked = !filters.kinds || filters.kinds.has(box.value);
    });
    Array.prototype.forEach.call(form.querySelectorAll("input[name=type]"), function (box) {
      box.checked = !filters.types || filters.types.has(box.value);
    });
    var slider = document.getElementById("nw-slider");
    document.getElementById("nw-year").value = filters.year === null ? "" : String(filters.year);
    if (filters.year !== null) slider.value = String(filters.year);
    if (!filters.around.length) return;
    var labels = filters.around.map(function (id) { return whole[id] ? whole[id].label : id; });
    document.title = words.network + ": " + labels.join(", ") + " · heritage-kg";
    var heading = document.querySelector("main h1");
    heading.append(": ");
    filters.around.forEach(function (id, n) {
      var link = document.createElement("a");
      link.href = whole[id] ? whole[id].href : "#";
      link.textContent = labels[n];
      heading.append(n ? ", " : "", link);
    });
    var kept = document.createElement("input");
    kept.type = "hidden";
    kept.name = "around";
    kept.value = filters.around.join(",");
    form.prepend(kept);
    var label = document.createElement("label");
    var steps = document.createElement("select");
    steps.name = "steps";
    for (var s = 1; s <= facts.most_steps; s++) steps.add(new Option(String(s), String(s), false, s === filters.steps));
    label.append(words.network_around + " ", steps, " " + words.network_steps);
    var all = document.createElement("a");
    all.href = fileFor(filters.extras).href;
    all.textContent = words.network_whole;
    document.querySelector("#nw-controls .nw-find").append(label, " ", all);
    if (!facts.whole) {
      // a graph larger than the view: the neighbourhood is drawn from what the view holds
      var part = document.createElement("p");
      part.className = "notice";
      part.textContent = say(words.network_static_part, { n: new Intl.NumberFormat(data.lang).format(order.length) });
      form.after(part);
    }
  }

  var filters = null;
  try {
    filters = parse(here);
  } catch (error) {
    if (!(error instanceof Bad)) throw error;
    offline.problem(form, error.message);
  }
  if (filters && filters.extras.join() !== facts.extras.join()) {
    // another set of extras is another file, whose address keeps them as the server's does
    var target = fileFor(filters.extras);
    target.search = here.toString();
    window.location.replace(target.href);
    return;
  }
  // the explorer's address for a view is the file that holds its extras, with the view's
  // filters; the form, sent without the script, comes back to this file
  form.setAttribute("action", fileFor(facts.extras).pathname);
  offline.networkAddress = function (params) {
    var extras = [];
    params.getAll("with").forEach(function (raw) { raw.split(",").forEach(function (e) { if (e && extras.indexOf(e) < 0) extras.push(e); }); });
    var known = extras.every(function (e) { return facts.allowed["with"].indexOf(e) >= 0; });
    var file = fileFor(known ? extras.sort() : facts.extras);
    file.search = params.toString();
    return file.pathname + file.search;
  };
  if (filters) {
    arrange(filters);
    data.shown = shown(filters);
    data.focus = filters.focus;
    holder.textContent = JSON.stringify(data);
  }

  // -- what the page's script asks ------------------------------------------------------------------

  offline.answer(/\/network\.json$/, function (request, url) {
    try {
      return Promise.resolve(offline.json({ shown: shown(parse(url.searchParams)) }));
    } catch (error) {
      if (!(error instanceof Bad)) throw error;
      return Promise.resolve(offline.json({ error: error.message }, 400));
    }
  });
  offline.answer(/\/network\/about\/[^/]+$/, function (request, url) {
    var id = decodeURIComponent(url.pathname.replace(/^.*\//, ""));
    if (!facts.nodes[id]) return Promise.resolve(offline.json({ error: quoted(id) + ": not in this view" }, 404));
    return offline.fetch(new URL("network/about/" + id + "." + data.lang + ".json", offline.root));
  });
}());
