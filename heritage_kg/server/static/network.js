/* The network explorer: draws the elements the server sent with Cytoscape.js.
 *
 * The server decides what is shown (/network.json answers for the current filters); this script
 * only lays the elements out once, hides and shows them, keeps the address in step with the
 * controls, and shows a node's summary. Without it, the page's lists say the same. Text from the
 * server goes into the page with textContent only; no inline script or style is used.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("nw-data").textContent);
  var form = document.getElementById("nw-controls");
  var canvas = document.getElementById("nw-canvas");
  var tools = document.querySelector(".nw-tools");
  var panel = document.getElementById("nw-summary");
  var slider = document.getElementById("nw-slider");
  var yearInput = document.getElementById("nw-year");
  var focusInput = document.getElementById("nw-focus");
  var words = data.words;
  var lang = data.lang;
  // the address of a view: the server's /network; in the static site, the file that holds its
  // extras (static/offline-network.js says which)
  var path = form.getAttribute("action").split("?")[0];
  function address(params) {
    var offline = window.heritageOffline;
    return offline && offline.networkAddress ? offline.networkAddress(params) : path + "?" + params.toString();
  }
  if (!window.cytoscape) return;  // the lists below the controls are the page without the picture

  var kinds = {};
  data.kinds.forEach(function (kind) { kinds[kind.key] = kind; });
  function kindOf(edge) { return kinds[edge.data("kind")] || { colour: "#555555", line: "dotted", directed: true }; }

  canvas.hidden = false;
  tools.hidden = false;
  slider.hidden = false;

  var cy = window.cytoscape({
    container: canvas,
    elements: data.elements.nodes.concat(data.elements.edges),
    minZoom: 0.1,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
        "label": "data(label)", "font-size": 13, "font-family": "system-ui, sans-serif", "color": "#1f1f1f",
        "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": 120,
        "text-background-color": "#ffffff", "text-background-opacity": 0.75, "text-background-padding": 1,
        "width": 16, "height": 16, "background-color": "#f4f1ea", "border-width": 1.5, "border-color": "#4a4a4a",
        "shape": function (node) {
          return { unit: "rectangle", person: "ellipse", instrument: "diamond", programme: "hexagon" }[node.data("group")] || "round-rectangle";
        }
      } },
      { selector: "edge", style: {
        "curve-style": "bezier", "opacity": 0.85, "arrow-scale": 0.9,
        "line-color": function (edge) { return kindOf(edge).colour; },
        "target-arrow-color": function (edge) { return kindOf(edge).colour; },
        "target-arrow-shape": function (edge) { return kindOf(edge).directed ? "triangle" : "none"; },
        "line-style": function (edge) {
          var line = kindOf(edge).line;
          return line === "bold" || line === "solid" ? "solid" : line === "dotted" ? "dotted" : "dashed";
        },
        "line-dash-pattern": function (edge) {
          var dash = kindOf(edge).dash;
          return dash ? dash.split(" ").map(Number) : [6, 3];
        },
        "width": function (edge) { return kindOf(edge).line === "bold" ? 4 : 1.5; }
      } },
      { selector: "edge.undated", style: {
        "label": "?", "font-size": 13, "font-weight": "bold", "color": "#1f1f1f",
        "text-background-color": "#ffffff", "text-background-opacity": 1, "text-background-padding": 2
      } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#000000", "background-color": "#ffd966" } },
      { selector: ".hidden", style: { "display": "none" } }
    ]
  });

  // One layout of everything sent, so that hiding and showing never moves what stays.
  cy.layout({ name: "circle", animate: false }).run();
  cy.layout({ name: "cose", animate: false, randomize: false, nodeDimensionsIncludeLabels: true,
              idealEdgeLength: function () { return 110; }, nodeRepulsion: function () { return 400000; },
              nodeOverlap: 20, gravity: 40, numIter: 1500, fit: false }).run();

  var initial = { extras: chosen("with"), around: form.elements.around ? form.elements.around.value : "",
                  steps: form.elements.steps ? form.elements.steps.value : "1" };

  function chosen(name) {
    return Array.prototype.filter.call(form.querySelectorAll("input[name=\"" + name + "\"]"), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; }).join(",");
  }

  // -- what is shown --------------------------------------------------------------------------

  function apply(shown) {
    var nodes = {}, edges = {}, undated = {};
    shown.nodes.forEach(function (node) { nodes[node.id] = true; });
    shown.edges.forEach(function (edge) { edges[edge.id] = true; });
    shown.undated.forEach(function (id) { undated[id] = true; });
    cy.batch(function () {
      cy.nodes().forEach(function (node) { node.toggleClass("hidden", !nodes[node.id()]); });
      // a line draws every tie of its kind between its two nodes: it shows while one of them
      // does, marked undated when all of those are
      cy.edges().forEach(function (edge) {
        var ties = edge.data("ties").filter(function (id) { return edges[id]; });
        edge.toggleClass("hidden", ties.length === 0);
        edge.toggleClass("undated", ties.length > 0 && ties.every(function (id) { return undated[id]; }));
      });
    });
    list(document.getElementById("nw-node-list"), shown.nodes, function (item, node) {
      var link = document.createElement("a");
      link.href = node.href;
      link.textContent = node.label;
      var kind = document.createElement("span");
      kind.className = "muted";
      kind.textContent = " " + node.kind + " ";
      var show = document.createElement("button");
      show.type = "button";
      show.className = "nw-show";
      show.textContent = words.network_focus_button;
      show.setAttribute("aria-label", words.network_focus_button + words.colon + " " + node.label);
      show.addEventListener("click", function () { select(node.id, true); });
      item.append(link, kind, show);
    });
    list(document.getElementById("nw-edge-list"), shown.edges, function (item, edge) {
      var text = edge.href ? document.createElement("a") : document.createElement("span");
      if (edge.href) text.href = edge.href;
      text.textContent = edge.text;
      item.appendChild(text);
    });
    document.getElementById("nw-node-count").textContent = String(shown.nodes.length);
    document.getElementById("nw-edge-count").textContent = String(shown.edges.length);
    var format = new Intl.NumberFormat(lang);
    document.getElementById("nw-counts").textContent = words.network_counts
      .replace("{nodes}", format.format(shown.nodes.length)).replace("{edges}", format.format(shown.edges.length));
  }

  function list(element, items, fill) {
    element.replaceChildren();
    items.forEach(function (entry) {
      var item = document.createElement("li");
      item.dataset.id = entry.id;
      fill(item, entry);
      element.appendChild(item);
    });
  }

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (String(value) !== "") params.append(key, String(value)); });
    // all ticked is asked for as nothing (an absent filter means all); nothing ticked as "none"
    ["kind", "type"].forEach(function (name) {
      var boxes = form.querySelectorAll("input[name=\"" + name + "\"]");
      var ticked = form.querySelectorAll("input[name=\"" + name + "\"]:checked");
      if (boxes.length && ticked.length === boxes.length) params.delete(name);
      else if (boxes.length && !ticked.length) params.set(name, "none");
    });
    var focused = cy.$("node:selected");
    params.delete("focus");
    if (focused.length) params.set("focus", focused.id());
    return params;
  }

  var sequence = 0;
  function refresh() {
    var params = query();
    var mine = ++sequence;
    window.history.replaceState(null, "", address(params));
    fetch("/network.json?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (mine !== sequence) return;  // a later change has been asked for
        if (body.error) { showProblem(body.error); return; }
        apply(body.shown);
      })
      .catch(function () {});
  }

  function reload(params) {
    window.location.assign(address(params));
  }

  function showProblem(message) {
    panel.replaceChildren();
    var text = document.createElement("p");
    text.className = "notice";
    text.textContent = message;
    panel.appendChild(text);
    panel.hidden = false;
  }

  // -- the controls ---------------------------------------------------------------------------

  var timer = null;
  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name === "with" || name === "steps") { reload(query()); return; }
    if (event.target === focusInput) { findFocus(); return; }
    if (name === "kind" || name === "type" || name === "year") refresh();
  });
  slider.addEventListener("input", function () {
    yearInput.value = slider.value;
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 120);
  });
  yearInput.addEventListener("input", function () {
    if (/^[0-9]{4}$/.test(yearInput.value)) slider.value = yearInput.value;
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var params = query();
    if (chosen("with") !== initial.extras) { reload(params); return; }
    if (!findFocus()) refresh();
  });

  function findFocus() {
    var wanted = focusInput.value.trim().toLowerCase();
    if (!wanted) return false;
    var found = cy.nodes().filter(function (node) {
      return node.id() === wanted || String(node.data("name")).toLowerCase() === wanted || String(node.data("label")).toLowerCase() === wanted;
    });
    if (found.length) { select(found[0].id(), true); return true; }
    return false;
  }

  // -- a node's summary -----------------------------------------------------------------------

  function select(id, centre) {
    var node = cy.getElementById(id);
    if (!node.length) return;
    cy.$(":selected").unselect();
    node.select();
    if (centre) cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 200 });
    focusInput.value = id;
    window.history.replaceState(null, "", address(query()));
    fetch("/network/about/" + encodeURIComponent(id) + "?lang=" + encodeURIComponent(lang), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (about) { if (!about.error) summarise(about); })
      .catch(function () {});
  }

  function summarise(about) {
    panel.replaceChildren();
    var heading = document.createElement("h2");
    heading.textContent = about.label;
    heading.id = "nw-summary-heading";
    var kind = document.createElement("p");
    kind.className = "muted";
    kind.textContent = about.kind + (about.founded ? " · " + words.network_summary_founded + " " + about.founded : "");
    panel.append(heading, kind);
    var names = about.names.map(function (name) { return name.text; }).concat(about.acronyms);
    if (names.length) {
      var line = document.createElement("p");
      line.textContent = words.network_summary_names + words.colon + " " + names.filter(function (n, i) { return names.indexOf(n) === i; }).join(" · ");
      panel.appendChild(line);
    }
    if (about.statements.length) {
      var statements = document.createElement("ul");
      about.statements.forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        statements.appendChild(item);
      });
      panel.appendChild(statements);
    }
    var actions = document.createElement("p");
    actions.className = "nw-actions";
    var page = document.createElement("a");
    page.href = about.href;
    page.textContent = words.network_summary_page;
    var expand = button(words.network_expand, function () { around(initial.around ? initial.around.split(",").concat([about.id]) : [about.id]); });
    var only = button(words.network_only_around, function () { around([about.id]); });
    var close = button(words.network_close, function () {
      cy.$(":selected").unselect();
      panel.hidden = true;
      focusInput.value = "";
      window.history.replaceState(null, "", address(query()));
      canvas.focus();
    });
    actions.append(page, " ", expand, " ", only, " ", close);
    panel.appendChild(actions);
    panel.setAttribute("aria-labelledby", heading.id);
    panel.hidden = false;
  }

  function button(text, action) {
    var made = document.createElement("button");
    made.type = "button";
    made.textContent = text;
    made.addEventListener("click", action);
    return made;
  }

  function around(ids) {
    var params = query();
    params.set("around", ids.filter(function (id, i) { return ids.indexOf(id) === i; }).join(","));
    if (!params.get("steps")) params.set("steps", initial.steps || "1");
    reload(params);
  }

  // A line's ties, as the list below the picture says them (their sentences and links).
  function describeEdge(edge) {
    panel.replaceChildren();
    var said = document.createElement("ul");
    edge.data("ties").forEach(function (id) {
      var item = document.querySelector("#nw-edge-list li[data-id=\"" + id + "\"]");
      if (!item) return;  // a tie the filters hide
      var copy = document.createElement("li");
      copy.appendChild(item.firstChild.cloneNode(true));
      said.appendChild(copy);
    });
    panel.append(said, button(words.network_close, function () { panel.hidden = true; }));
    panel.hidden = false;
  }

  cy.on("tap", "node", function (event) { select(event.target.id(), false); });
  cy.on("tap", "edge", function (event) { describeEdge(event.target); });

  // -- moving by keyboard and buttons ---------------------------------------------------------

  function zoom(factor) {
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: canvas.clientWidth / 2, y: canvas.clientHeight / 2 } });
  }
  tools.addEventListener("click", function (event) {
    var how = event.target.dataset && event.target.dataset.zoom;
    if (how === "in") zoom(1.25);
    else if (how === "out") zoom(0.8);
    else if (how === "fit") cy.fit(cy.elements(":visible"), 20);
  });
  canvas.addEventListener("keydown", function (event) {
    var moves = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] };
    if (moves[event.key]) cy.panBy({ x: moves[event.key][0], y: moves[event.key][1] });
    else if (event.key === "+" || event.key === "=") zoom(1.25);
    else if (event.key === "-") zoom(0.8);
    else if (event.key === "0") cy.fit(cy.elements(":visible"), 20);
    else return;
    event.preventDefault();
  });

  apply(data.shown);
  cy.fit(cy.elements(":visible"), 20);
  if (data.focus) select(data.focus, true);
  window.heritageNetwork = cy;  // for the browser tests, which read what is drawn
})();
