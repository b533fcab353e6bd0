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

  function search(q) {
    return index().then(function (found) {
      var query = fold(q.slice(0, 100));
      var words = query.split(" ").filter(Boolean);
      var best = [];
      if (!words.length) return { results: [], total: 0 };
      found.nodes.forEach(function (node) {
        var top = null;
        node.names.forEach(function (name) {
          var r = rank(query, words, name[0]);
          if (r !== null && (top === null || r < top[0])) top = [r, name[1], name[2]];
        });
        if (top === null && words.length > 1) {
          var joined = node.names.map(function (n) { return n[0]; }).join("\u0001");
          if (words.every(function (w) { return joined.indexOf(w) >= 0; })) top = [4, node.names[0][1], node.names[0][2]];
        }
        if (top !== null) best.push({ node: node, match: top });
      });
      best.sort(function (a, b) {
        var x = a.node[lang] || a.node.en, y = b.node[lang] || b.node.en;
        return a.match[0] - b.match[0] || a.node.tier - b.node.tier || x[0].length - y[0].length
          || (fold(x[0]) < fold(y[0]) ? -1 : fold(x[0]) > fold(y[0]) ? 1 : 0);
      });
      return {
        total: best.length,
        results: best.map(function (hit) {
          var shown = hit.node[lang] || hit.node.en;
          var holds = words.every(function (w) { return fold(shown[0]).indexOf(w) >= 0 || fold(shown[1]).indexOf(w) >= 0; });
          var matched = hit.match[1] !== shown[0] && hit.match[1] !== shown[1] && !holds;
          return {
            key: hit.node.key, label: shown[0], acronym: shown[1] || null, kind: shown[2],
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

  // What a page's own stand-in answers (static/offline-network.js, static/offline-timeline.js),
  // each a pattern of the path and what answers it.
  var answers = [];
  window.heritageOffline = {
    root: root, lang: lang, fetch: realFetch, json: json, fold: fold,
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
    // the search page: the matches of ?q=, drawn as the server draws them
    document.addEventListener("DOMContentLoaded", function () {
      var input = document.getElementById("search-again");
      if (input) input.value = here.get("q");
      search(here.get("q")).then(function (found) {
        var total = document.createElement("p");
        total.className = "total";
        total.textContent = (lang === "fr" ? "Résultats pour « " + here.get("q") + " » : " : "Results for “" + here.get("q") + "”: ")
          + found.total.toLocaleString(lang === "fr" ? "fr-FR" : "en-GB");
        var list = document.createElement("ol");
        list.className = "results";
        found.results.forEach(function (hit) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = hit.page;
          link.textContent = hit.label;
          item.appendChild(link);
          if (hit.acronym && hit.acronym !== hit.label) {
            var acronym = document.createElement("span");
            acronym.className = "acronym";
            acronym.textContent = " " + hit.acronym;
            item.appendChild(acronym);
          }
          var kind = document.createElement("span");
          kind.className = "muted";
          kind.textContent = " " + hit.kind;
          item.appendChild(kind);
          if (hit.matched) {
            var matched = document.createElement("span");
            matched.lang = hit.matched_lang || "";
            matched.textContent = " (" + hit.matched + ")";
            item.appendChild(matched);
          }
          list.appendChild(item);
        });
        results.after(total, list);
      });
    });
  }
}());
