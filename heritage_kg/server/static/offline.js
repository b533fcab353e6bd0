/* The static site's stand-in for the server (heritage-kg site; docs/static-site.md).
 *
 * The pages are the server's, and their scripts ask the server for what it computes: SPARQL
 * answers (/sparql), named queries with their parameters bound (/api/queries/NAME), and search
 * matches (/api/search). Here those requests are answered in the browser: SPARQL by Oxigraph's
 * WebAssembly build over the release's dump, loaded on the first query only; named queries from
 * api/queries.LANG.json; search from search-index.json, matched as the server matches. The script
 * runs before the page's own (it is not deferred), so they find it in place.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = new URL(script.dataset.root || "./", window.location.href);
  var lang = script.dataset.lang || "en";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var realFetch = window.fetch.bind(window);
  var cache = {};

  function once(key, make) {
    if (!cache[key]) cache[key] = make();
    return cache[key];
  }

  function json(body, status, headers) {
    return new Response(JSON.stringify(body), {
      status: status || 200,
      headers: Object.assign({ "Content-Type": "application/json" }, headers || {})
    });
  }

  // -- SPARQL in the browser ---------------------------------------------------------------------

  function store() {
    return once("store", function () {
      return import(new URL("static/oxigraph/web.js", root).href).then(function (oxigraph) {
        return oxigraph.default({ module_or_path: new URL("static/oxigraph/web_bg.wasm", root) }).then(function () {
          return realFetch(new URL("download/heritage-kg.nt", root)).then(function (response) {
            return response.text();
          }).then(function (text) {
            var loaded = new oxigraph.Store();
            loaded.load(text, { format: "application/n-triples" });
            return loaded;
          });
        });
      });
    });
  }

  function formatOf(accept, text) {
    var graph = /^\s*(?:(?:PREFIX|BASE)[^\n]*\n|#[^\n]*\n|\s)*(CONSTRUCT|DESCRIBE)\b/i.test(text);
    if (graph) return "text/turtle";
    if (/sparql-results\+xml/.test(accept) && !/json/.test(accept)) return "application/sparql-results+xml";
    if (/text\/csv/.test(accept) && !/json/.test(accept)) return "text/csv";
    return "application/sparql-results+json";
  }

  //: The media type of each format a download link of the query page asks for (?format=).
  var FORMATS = {
    csv: "text/csv", tsv: "text/tab-separated-values", json: "application/sparql-results+json",
    xml: "application/sparql-results+xml", ttl: "text/turtle", nt: "application/n-triples",
    jsonld: "application/ld+json", rdf: "application/rdf+xml"
  };

  function sparql(request, forced) {
    var url = new URL(request.url);
    var asked = url.searchParams.get("query") ? Promise.resolve(url.searchParams.get("query"))
      : request.text().then(function (body) { return new URLSearchParams(body).get("query") || body; });
    return asked.then(function (text) {
      return store().then(function (loaded) {
        var format = forced || formatOf(request.headers.get("Accept") || "", text);
        var started = performance.now();
        var body;
        try {
          body = loaded.query(text, { results_format: format });
        } catch (error) {
          return new Response(String(error && error.message || error), { status: 400, headers: { "Content-Type": "text/plain" } });
        }
        window.heritageLastQueryMs = performance.now() - started;
        return new Response(typeof body === "string" ? body : String(body), {
          status: 200, headers: { "Content-Type": format + "; charset=utf-8" }
        });
      });
    });
  }

  // -- named queries, bound here as the server binds them ------------------------------------------

  function queries() {
    return once("queries", function () {
      return realFetch(new URL("api/queries." + lang + ".json", root)).then(function (r) { return r.json(); });
    });
  }

  function term(param, value) {
    var text = String(value).trim();
    var where = "parameter '" + param.name + "'";
    var typed = function (type, pattern, what) {
      if (!pattern.test(text)) throw new Error(where + ": '" + text + "' is not " + what);
      return '"' + text + '"^^<' + XSD + type + ">";
    };
    switch (param.type) {
      case "iri":
        if (/^<.*>$/.test(text)) return text;
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return "<" + text + ">";
        if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(text)) return "<" + param.namespace + text + ">";
        if (/^[a-z]+:/.test(text)) return text;  // a prefixed name: the query's prefixes say what it is
        throw new Error(where + ": '" + text + "' is not a valid IRI");
      case "integer":
        if (!/^[+-]?\d+$/.test(text)) throw new Error(where + ": '" + text + "' is not an integer");
        var number = parseInt(text, 10);
        if ((param.minimum !== null && number < param.minimum) || (param.maximum !== null && number > param.maximum)) {
          throw new Error(where + ": " + number + " is out of range");
        }
        return '"' + number + '"^^<' + XSD + "integer>";
      case "date": return typed("date", /^\d{4}-\d{2}-\d{2}$/, "a date (YYYY-MM-DD)");
      case "year": return typed("gYear", /^\d{4}$/, "a year (YYYY)");
      case "period":
        if (/^\d{4}$/.test(text)) return typed("gYear", /./, "");
        if (/^\d{4}-\d{2}$/.test(text)) return typed("gYearMonth", /./, "");
        return typed("date", /^\d{4}-\d{2}-\d{2}$/, "a date as YYYY, YYYY-MM or YYYY-MM-DD");
      case "boolean": return typed("boolean", /^(true|false)$/, "true or false");
      default: return JSON.stringify(text);
    }
  }

  function bind(query, given) {
    var block = query.params.map(function (param) {
      var value = Object.prototype.hasOwnProperty.call(given, param.name) && given[param.name] !== "" ? given[param.name] : param.default;
      if (value === null || value === undefined) throw new Error("parameter '" + param.name + "' is required");
      return "VALUES ?" + param.name + " { " + term(param, value) + " }";
    }).join(" ");
    var text = query.params.length ? query.text.slice(0, query.at) + block + query.text.slice(query.at) : query.text;
    return query.view ? "#defaultView:" + query.view + "\n" + text : text;
  }

  function named(request) {
    var url = new URL(request.url);
    var name = decodeURIComponent(url.pathname.replace(/^.*\/api\/queries\/?/, ""));
    return queries().then(function (all) {
      if (!name) return json(Object.keys(all).map(function (key) { return all[key]; }));
      var query = all[name];
      if (!query) return json({ error: "unknown query '" + name + "'" }, 404);
      var given = {};
      url.searchParams.forEach(function (value, key) { if (key !== "lang") given[key] = value; });
      try {
        return json({ query: bind(query, given) });
      } catch (error) {
        return json({ error: error.message }, 400);
      }
    });
  }

  // -- search, as the server ranks it ----------------------------------------------------------------

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[\u2018\u2019]/g, "'")
      .replace(/\s+/g, " ").trim();
  }

  function index() {
    return once("index", function () {
      return realFetch(new URL("search-index.json", root)).then(function (r) { return r.json(); });
    });
  }

  function rank(query, words, text) {
    if (text === query) return 0;
    if (text.indexOf(query) === 0 || text.indexOf(" " + query) >= 0) return 1;
    var at = text.indexOf(query, 1);
    while (at > 0) {
      if ("'-(/".indexOf(text[at - 1]) >= 0) return 1;
      at = text.indexOf(query, at + 1);
    }
    if (text.indexOf(query) >= 0) return 2;
    if (words.length > 1 && words.every(function (w) { return text.indexOf(w) >= 0; })) return 3;
    return null;
  }

  // The matches of q, best first, kept to the nodes of the kind chosen (a local name of the
  // ontology, or none); and the kinds of all the matches with how many of each, for the filter.
  function search(q, kind) {
    return index().then(function (found) {
      var query = fold(q.slice(0, 100));
      var words = query.split(" ").filter(Boolean);
      var best = [];
      if (!words.length) return { results: [], total: 0, facets: [] };
      found.nodes.forEach(function (node, at) {
        var top = null;
        node.names.forEach(function (name) {
          var r = rank(query, words, name[0]);
          if (r !== null && (top === null || r < top[0])) top = [r, name[1], name[2]];
        });
        if (top === null && words.length > 1) {
          var joined = node.names.map(function (n) { return n[0]; }).join("\u0001");
          if (words.every(function (w) { return joined.indexOf(w) >= 0; })) top = [4, node.names[0][1], node.names[0][2]];
        }
        if (top !== null) best.push({ node: node, at: at, match: top });
      });
      if (!best.length && words.length > 1) {
        // no node has every word: those with some of them, the most words first
        var held = new Map();
        words.filter(function (w) { return w.length >= found.partial[1]; }).forEach(function (word) {
          found.nodes.forEach(function (node, at) {
            node.names.forEach(function (name) {
              if (name[0].indexOf(word) < 0) return;
              if (!held.has(at)) held.set(at, { words: new Set(), first: [name[1], name[2]] });
              held.get(at).words.add(word);
            });
          });
        });
        held.forEach(function (entry, at) {
          best.push({ node: found.nodes[at], at: at, match: [found.partial[0] + words.length - entry.words.size, entry.first[0], entry.first[1]] });
        });
      }
      var counted = {};
      best.forEach(function (hit) { hit.node.kinds.forEach(function (k) { counted[k] = (counted[k] || 0) + 1; }); });
      var facets = Object.keys(counted).map(function (k) {
        return { key: k, label: found.kinds[k][lang] || found.kinds[k].en, count: counted[k] };
      }).sort(function (a, b) {
        return b.count - a.count || (fold(a.label) < fold(b.label) ? -1 : fold(a.label) > fold(b.label) ? 1 : 0);
      });
      if (kind) best = best.filter(function (hit) { return hit.node.within.indexOf(kind) >= 0; });
      best.sort(function (a, b) {
        var x = a.node[lang] || a.node.en, y = b.node[lang] || b.node.en;
        return a.match[0] - b.match[0] || a.node.tier - b.node.tier || x[0].length - y[0].length
          || (fold(x[0]) < fold(y[0]) ? -1 : fold(x[0]) > fold(y[0]) ? 1 : 0) || a.at - b.at;
      });
      return {
        total: best.length, facets: facets, words: found.words[lang] || found.words.en,
        results: best.map(function (hit) {
          var shown = hit.node[lang] || hit.node.en;
          var holds = words.every(function (w) { return fold(shown[0]).indexOf(w) >= 0 || fold(shown[1]).indexOf(w) >= 0; });
          var matched = hit.match[1] !== shown[0] && hit.match[1] !== shown[1] && !holds;
          return {
            key: hit.node.key, label: shown[0], acronym: shown[1] || null, kind: shown[2], partial: hit.match[0] >= found.partial[0],
            page: new URL("page/" + hit.node.key + "." + lang + ".html", root).href,
            matched: matched ? hit.match[1] : null, matched_lang: matched ? hit.match[2] || null : null
          };
        })
      };
    });
  }

  function searchApi(request) {
    var q = new URL(request.url).searchParams.get("q") || "";
    return search(q).then(function (found) {
      return json(found.results.slice(0, 20), 200, { "X-Total-Count": String(found.total) });
    });
  }

  // -- what the pages' own stand-ins share (static/offline-network.js, static/offline-timeline.js) --

  // A sentence of the server's words with its {names} filled in.
  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  // Whether a month and a day exist in a year (2022-02-30 does not).
  function dayExists(year, month, day) {
    var date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  }

  // A bad address's one line, where the server's page would have stood: before ``element``.
  function problem(element, message) {
    var notice = document.createElement("p");
    notice.className = "notice";
    notice.setAttribute("role", "alert");
    notice.textContent = message;
    element.before(notice);
  }

  // What a page's own stand-in answers, each a pattern of the path and what answers it.
  var answers = [];
  window.heritageOffline = {
    root: root, lang: lang, fetch: realFetch, json: json, fold: fold, say: say, dayExists: dayExists, problem: problem,
    answer: function (pattern, handler) { answers.push([pattern, handler]); }
  };

  window.fetch = function (input, init) {
    var request = new Request(input, init);
    var url = new URL(request.url);
    if (url.origin === window.location.origin) {
      for (var i = 0; i < answers.length; i++) {
        if (answers[i][0].test(url.pathname)) return answers[i][1](request, url);
      }
      if (/\/sparql$/.test(url.pathname)) return sparql(request);
      if (/\/api\/queries(\/|$)/.test(url.pathname)) return named(request);
      if (/\/api\/search$/.test(url.pathname)) return searchApi(request);
    }
    return realFetch(input, init);
  };

  // -- links to what the server answers ------------------------------------------------------------

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var url = new URL(link.getAttribute("href"), window.location.href);
    if (url.origin !== window.location.origin) return;
    if (/\/sparql$/.test(url.pathname) && url.searchParams.get("query")) {
      // a download of the results: made here, and saved as the link names it
      event.preventDefault();
      var format = FORMATS[url.searchParams.get("format")] || "application/sparql-results+json";
      sparql(new Request(url.href), format).then(function (response) { return response.blob(); }).then(function (blob) {
        var save = document.createElement("a");
        save.href = URL.createObjectURL(blob);
        save.download = link.getAttribute("download") || "query." + (url.searchParams.get("format") || "json");
        document.body.appendChild(save);
        save.click();
        save.remove();
      });
    } else if (/\/query$/.test(url.pathname)) {
      // the query page's own links ("Link to this query"): this file, with the same address
      event.preventDefault();
      window.location.href = window.location.pathname + url.search + url.hash;
    }
  });

  // The query page keeps a shareable address in the bar, written as the server's (/query?...):
  // here it is this file's, with the same parameters, so that reloading the page works.
  ["pushState", "replaceState"].forEach(function (method) {
    var original = window.history[method].bind(window.history);
    window.history[method] = function (state, title, url) {
      if (typeof url === "string" && /^\/query(\?|$)/.test(url)) url = window.location.pathname + url.slice(6);
      return original(state, title, url);
    };
  });

  // -- what the server put in a page from its address --------------------------------------------

  var here = new URLSearchParams(window.location.search);
  var pageData = document.getElementById("qp-data");
  if (pageData && (here.get("query") || here.get("name"))) {
    // the query page: the text the address asks for goes into the editor before the page's
    // script reads it; a named query is bound by that script through /api/queries
    var settings = JSON.parse(pageData.textContent);
    if (here.get("query")) {
      settings.initial = Object.assign({}, settings.initial, { query: here.get("query"), name: null, run: true,
                                                              view: here.get("view") || null });
      pageData.textContent = JSON.stringify(settings);
    } else {
      // its form takes the parameters the address gives; then it is chosen and run as a
      // reader's click on it would
      document.addEventListener("DOMContentLoaded", function () {
        var name = CSS.escape(here.get("name"));
        var form = document.querySelector('form[data-name="' + name + '"]');
        if (form) {
          here.forEach(function (value, key) {
            var field = form.elements.namedItem(key);
            if (field && key !== "name" && key !== "lang") field.value = value;
          });
        }
        var link = document.querySelector('a[data-name="' + name + '"]');
        if (link) link.click();
      });
    }
  }

  var results = document.querySelector("main form.search.big");
  if (results && here.get("q")) {
    // the search page: the matches of ?q= (and ?kind=), drawn as the server draws them
    document.addEventListener("DOMContentLoaded", function () {
      var input = document.getElementById("search-again");
      var q = here.get("q"), kind = here.get("kind") || null;
      if (input) input.value = q;
      search(q, kind).then(function (found) { results.after.apply(results, searchPage(found, q, kind)); });
    });
  }

  function element(name, text, attributes) {
    var made = document.createElement(name);
    if (text !== undefined && text !== null) made.textContent = text;
    Object.keys(attributes || {}).forEach(function (key) { made.setAttribute(key, attributes[key]); });
    return made;
  }

  function searchPage(found, q, kind) {
    var words = found.words;
    var address = function (chosen) {
      var params = new URLSearchParams({ q: q });
      if (chosen) params.set("kind", chosen);
      return window.location.pathname + "?" + params.toString();
    };
    var total = element("p", null, { "class": "total" });
    total.append(words.results_for + " ", element("q", q), words.colon + " ",
                 element("strong", found.total.toLocaleString(lang === "fr" ? "fr-FR" : "en-GB")));
    var made = [total];
    if (found.results.length && found.results[0].partial) made.push(element("p", words.search_partial, { "class": "muted" }));
    if (found.facets.length > 1 || kind) {
      var facets = element("nav", null, { "class": "facets", "aria-label": words.filter_by_kind });
      facets.append(element("span", words.filter_by_kind + words.colon, { "class": "muted" }), " ");
      if (kind) facets.append(element("a", words.every_kind, { href: address(null) }), " ");
      found.facets.forEach(function (facet) {
        var text = facet.label + " (" + facet.count + ")";
        facets.append(facet.key === kind ? element("strong", text, { "aria-current": "true" })
                                         : element("a", text, { href: address(facet.key) }), " ");
      });
      made.push(facets);
    }
    if (!found.results.length) {
      made.push(element("p", words.no_results + "."));
      return made;
    }
    var list = element("ol", null, { "class": "results" });
    found.results.forEach(function (hit) {
      var item = element("li");
      item.appendChild(element("a", hit.label, { href: hit.page }));
      if (hit.acronym && hit.acronym !== hit.label) item.append(" ", element("span", hit.acronym, { "class": "acronym" }));
      item.append(" ", element("span", hit.kind, { "class": "muted" }));
      if (hit.matched) {
        item.append(element("br"), element("span", words.matched, { "class": "muted" }), " ",
                    element("span", hit.matched, { lang: hit.matched_lang || "" }));
      }
      list.appendChild(item);
    });
    made.push(list);
    return made;
  }
}());
