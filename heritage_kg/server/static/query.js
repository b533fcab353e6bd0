/* The query page: YASGUI's editor (Yasqe) and result view (Yasr) over this server's /sparql.
 *
 * Named queries are bound by the server (GET /api/queries/{name}?param=value), never here: the
 * page only puts the text it gets back into the editor and runs it. The address bar always holds
 * a shareable URL: /query?name=...&param=... for a named query as bound, /query?query=... for
 * anything else, with &view= where the results are shown otherwise than the query asks. The view
 * a query asks for is its `#defaultView:Graph` comment (Graph, Timeline, BarChart, Table), which
 * the server writes at the head of a named query that declares one. No inline script or style
 * is used, so the page runs under the server's CSP.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("qp-data").textContent);
  var Yasqe = window.Yasgui && window.Yasgui.Yasqe;
  var Yasr = window.Yasgui && window.Yasgui.Yasr;
  var editorEl = document.getElementById("qp-editor");
  var resultsEl = document.getElementById("qp-results");
  var errorEl = document.getElementById("qp-error");
  var linksEl = document.getElementById("qp-links");
  var downloadsEl = document.getElementById("qp-downloads");
  var shareEl = document.getElementById("qp-share");

  if (!Yasqe || !Yasr) {
    showError("The editor could not be loaded (/static/yasgui/yasgui.min.js).");
    return;
  }

  // The named query the editor holds, as the server bound it: {name, params, text}; null for free text.
  var bound = null;
  var initial = data.initial || {};
  // The view chosen on this page rather than asked for by the query, if any.
  var chosenView = initial.view || null;
  if (initial.name && initial.query !== null) {
    bound = { name: initial.name, params: initial.params || {}, text: initial.query };
  }

  var firstRun = true;
  var fallback = document.getElementById("qp-text");
  if (fallback) fallback.remove();

  var yasqe = new Yasqe(editorEl, {
    value: initial.query !== null && initial.query !== undefined ? initial.query : data.starter,
    requestConfig: {
      endpoint: new URL(data.endpoint, window.location.href).href,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
      acceptHeaderGraph: "text/turtle,*/*;q=0.9"
    },
    persistenceId: null,          // the URL, not localStorage, says which query is shown
    consumeShareLink: null,       // this page reads ?name= and ?query= itself
    createShareableLink: null,    // the page's own "Link to this query" replaces YASGUI's
    editorHeight: "260px",
    resizeable: true
  });

  labelControls();

  var yasr = new Yasr(resultsEl, {
    persistenceId: null,
    // IRIs in the table are shortened with the project's prefixes and those the query declares.
    prefixes: function () { return Object.assign({}, data.prefixes, yasqe.getPrefixesFromQuery()); },
    pluginOrder: ["table", "graph", "timeline", "chart", "response"],
    defaultPlugin: "table",
    // values as values ("1793", not "1793"^^xsd:gYear); the table's "Simple view" box turns it off
    plugins: { table: { enabled: true, dynamicConfig: { compact: true } } }
  });

  function declaredView(text) {
    var found = /^[ \t]*#[ \t]*defaultView[ \t]*:[ \t]*([A-Za-z]+)/m.exec(text || "");
    return found ? data.views[found[1].toLowerCase()] || null : null;
  }

  function wantedView() {
    return chosenView || declaredView(yasqe.getValue()) || "table";
  }

  // After each drawing: a view picked among Yasr's buttons is kept in the address.
  yasr.on("drawn", function () {
    var shown = yasr.getSelectedPluginName();
    var asked = declaredView(yasqe.getValue()) || "table";
    if (shown === wantedView()) return;
    if (yasr.plugins[shown] && yasr.plugins[shown].canHandleResults()) {
      chosenView = shown === asked ? null : shown;
      var url = shareUrl(yasqe.getValue());
      shareEl.href = url;
      if (url !== currentUrl()) window.history.replaceState(null, "", url);
    }
  });

  labelControls();
  new MutationObserver(labelControls).observe(resultsEl, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });

  // YASGUI's editor and result view leave some controls without a name a screen reader can say,
  // and the editor's scrolling box out of the keyboard's reach: name them, and let it take focus.
  function labelControls() {
    // Yasr greys out the views the results do not suit with a class only: say so to assistive
    // technology too (which also spares them the contrast rules of active text)
    document.querySelectorAll(".qp .yasr .yasr_btn").forEach(function (button) {
      var off = button.classList.contains("disabled");
      if ((button.getAttribute("aria-disabled") === "true") !== off) button.setAttribute("aria-disabled", off ? "true" : "false");
      // its name is the view's, in the page's language ("Shows … view" is Yasr's English)
      if (button.title && button.getAttribute("aria-label") !== button.title) button.setAttribute("aria-label", button.title);
    });
    // IRIs of this graph lead to their pages here rather than to w3id.org
    if (window.heritagePageOf) {
      document.querySelectorAll(".qp .yasr a.iri:not([data-page])").forEach(function (link) {
        var page = window.heritagePageOf(link.getAttribute("href") || "");
        link.dataset.page = page ? "ours" : "other";
        if (page) { link.setAttribute("href", page); link.removeAttribute("target"); }
      });
    }
    document.querySelectorAll(".qp .CodeMirror textarea:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", data.words.editor || "SPARQL");
    });
    document.querySelectorAll(".qp .yasr select:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", data.words.results_per_page || "rows");
    });
    document.querySelectorAll(".qp .CodeMirror-scroll:not([tabindex=\"0\"])").forEach(function (el) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("aria-label", data.words.editor || "SPARQL");
    });
  }

  yasqe.on("queryBefore", function () {
    hideError();
    var text = yasqe.getValue();
    if (bound && text !== bound.text) bound = null;  // edited by hand: now it is free text
    updateLinks(text);
    var url = shareUrl(text);
    if (url !== currentUrl()) {
      // The run the page opened with only tidies its own URL; later runs add to the history.
      if (firstRun) window.history.replaceState(null, "", url);
      else window.history.pushState(null, "", url);
    }
    firstRun = false;
  });
  yasqe.on("queryResponse", function (_yasqe, response, duration) {
    var view = wantedView();
    if (yasr.plugins[view] && yasr.getSelectedPluginName() !== view) yasr.selectedPlugin = view;
    yasr.setResponse(response, duration);
  });

  function run() {
    // Yasqe shows failures in Yasr itself; the rejection only needs catching.
    yasqe.query().catch(function () {});
  }

  // -- the named queries ----------------------------------------------------------------------

  var forms = Array.prototype.slice.call(document.querySelectorAll("form.qp-form"));
  var examples = Array.prototype.slice.call(document.querySelectorAll(".qp-examples a[data-name]"));

  function formFor(name) {
    for (var i = 0; i < forms.length; i++) if (forms[i].dataset.name === name) return forms[i];
    return null;
  }

  function choose(name) {
    forms.forEach(function (form) { form.hidden = form.dataset.name !== name; });
    examples.forEach(function (link) {
      var chosen = link.dataset.name === name;
      link.parentNode.classList.toggle("qp-chosen", chosen);
      if (chosen) link.setAttribute("aria-current", "true"); else link.removeAttribute("aria-current");
    });
  }

  function paramsOf(form) {
    var params = {};
    new FormData(form).forEach(function (value, key) {
      if (key !== "name" && key !== "lang") params[key] = String(value);  // the page's own, not the query's
    });
    return params;
  }

  function bindAndRun(name, params) {
    var url = data.api + "/" + encodeURIComponent(name) + "?" + new URLSearchParams(params).toString();
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          showError(answer.body.error || "The query could not be bound.");
          return;
        }
        bound = { name: name, params: params, text: answer.body.query };
        chosenView = null;  // a named query opens in the view it asks for
        yasqe.setValue(answer.body.query);
        run();
      })
      .catch(function () { showError("The server could not be reached."); });
  }

  examples.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      var name = link.dataset.name;
      choose(name);
      var form = formFor(name);
      bindAndRun(name, form ? paramsOf(form) : {});
    });
  });

  forms.forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      bindAndRun(form.dataset.name, paramsOf(form));
    });
  });

  // -- links: downloads and the shareable URL -------------------------------------------------

  function currentUrl() {
    return window.location.pathname + window.location.search;
  }

  function shareUrl(text) {
    var params = new URLSearchParams();
    if (bound) {
      params.set("name", bound.name);
      Object.keys(bound.params).forEach(function (key) { params.set(key, bound.params[key]); });
    } else {
      params.set("query", text);
    }
    if (chosenView) params.set("view", chosenView);
    return "/query?" + params.toString();
  }

  function updateLinks(text) {
    var form = yasqe.getQueryType ? String(yasqe.getQueryType() || "SELECT").toUpperCase() : "SELECT";
    var choices = data.downloads[form] || data.downloads.SELECT;
    var stem = bound ? bound.name : "query";
    downloadsEl.replaceChildren();
    choices.forEach(function (choice) {
      var link = document.createElement("a");
      link.href = data.endpoint + "?" + new URLSearchParams({ query: text, format: choice[1] }).toString();
      link.download = stem + "." + choice[1];
      link.dataset.format = choice[1];
      link.textContent = choice[0];
      downloadsEl.appendChild(link);
    });
    shareEl.href = shareUrl(text);
    linksEl.hidden = false;
  }

  function showError(message) {
    errorEl.textContent = message;
    errorEl.hidden = false;
  }

  function hideError() {
    errorEl.hidden = true;
    errorEl.textContent = "";
  }

  // Back and forward move between queries already run: show the page for that URL again.
  window.addEventListener("popstate", function () { window.location.reload(); });

  if (initial.run) run();
})();
