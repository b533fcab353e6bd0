/* The query page's result views besides the table, as on the Wikidata Query Service: a graph, a
 * timeline and a bar chart, each a YASR plugin that the results choose for themselves when they
 * suit it. What each reads from the results:
 *
 * - graph: a node for each IRI; an edge between the IRIs of two neighbouring IRI columns of a
 *   row. A node is named by the column ?xLabel (or ?xName) of its column ?x, else by the text
 *   column right after it, else by its short name. Drawn with the same Cytoscape.js as /network.
 * - timeline: the first column of dates (xsd:date, dateTime, gYear, gYearMonth) places each row;
 *   a later date column whose name holds "end" ends it. Its label is the first text column, its
 *   link the first IRI of this site. Drawn by the server as the /timeline page is
 *   (POST /timeline/draw).
 * - bar chart: a bar for each row, from its first numeric column, named by its text and date
 *   cells, as a table of <meter> elements, which a screen reader says as values.
 *
 * IRIs of this graph link to their pages here, not to w3id.org. Text goes into the page with
 * textContent only; the timeline's SVG comes from this server and is parsed as XML.
 */
(function () {
  "use strict";

  var Yasr = window.Yasgui && window.Yasgui.Yasr;
  var settings = JSON.parse(document.getElementById("qp-data").textContent);
  if (!Yasr) return;

  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMBERS = ["integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
                 "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
                 "unsignedShort", "unsignedByte"].map(function (name) { return XSD + name; });
  var DATES = ["date", "dateTime", "dateTimeStamp", "gYear", "gYearMonth"].map(function (name) { return XSD + name; });
  var DATE_TEXT = /^-?[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?/;
  var GRAPH_LIMIT = 500;
  var CHART_LIMIT = 200;
  var words = settings.words;

  function isIri(cell) { return !!cell && cell.type === "uri"; }
  function isLiteral(cell) { return !!cell && (cell.type === "literal" || cell.type === "typed-literal"); }
  function isNumber(cell) { return isLiteral(cell) && NUMBERS.indexOf(cell.datatype) >= 0 && isFinite(Number(cell.value)); }
  function isDate(cell) { return isLiteral(cell) && DATES.indexOf(cell.datatype) >= 0 && DATE_TEXT.test(cell.value); }
  function isText(cell) { return isLiteral(cell) && !isNumber(cell) && !isDate(cell); }

  function results(yasr) {
    var found = yasr.results;
    if (!found || !found.getVariables || !found.getBindings) return { vars: [], rows: [] };
    return { vars: found.getVariables() || [], rows: found.getBindings() || [] };
  }

  function columnWhere(table, test, from) {
    for (var i = from || 0; i < table.vars.length; i++) {
      var name = table.vars[i];
      if (table.rows.some(function (row) { return test(row[name]); })) return name;
    }
    return null;
  }

  // The page of an IRI of this graph, in the page's language; null for any other IRI.
  function pageOf(iri) {
    var path = null;
    if (iri.indexOf(settings.pages.entity) === 0 && iri.slice(settings.pages.entity.length).indexOf("/") < 0) {
      path = "/page/" + iri.slice(settings.pages.entity.length);
    } else if (iri.indexOf(settings.pages.vocab) === 0) {
      path = "/page/vocab/" + iri.slice(settings.pages.vocab.length);
    }
    return path === null ? null : path + "?lang=" + encodeURIComponent(settings.lang);
  }
  window.heritagePageOf = pageOf;  // query.js points the table's links at our pages with it

  function shortName(iri, prefixes) {
    for (var prefix in prefixes) {
      if (iri.indexOf(prefixes[prefix]) === 0 && iri.length > prefixes[prefix].length) return prefix + ":" + iri.slice(prefixes[prefix].length);
    }
    var cut = Math.max(iri.lastIndexOf("/"), iri.lastIndexOf("#"));
    return cut >= 0 && cut < iri.length - 1 ? iri.slice(cut + 1) : iri;
  }

  function nameOf(table, row, column, prefixes) {
    var own = row[column + "Label"] || row[column + "Name"];
    if (isLiteral(own)) return own.value;
    var next = table.vars[table.vars.indexOf(column) + 1];
    if (next && isText(row[next])) return row[next].value;
    return shortName(row[column].value, prefixes);
  }

  // A 16-pixel icon of the given SVG path, in the colour of the text around it.
  function icon(path) {
    var SVG = "http://www.w3.org/2000/svg";
    var mark = document.createElementNS(SVG, "svg");
    mark.setAttribute("viewBox", "0 0 16 16");
    mark.setAttribute("width", "16");
    mark.setAttribute("height", "16");
    mark.setAttribute("aria-hidden", "true");
    mark.setAttribute("class", "qp-view-icon");
    var shape = document.createElementNS(SVG, "path");
    shape.setAttribute("d", path);
    shape.setAttribute("fill", "none");
    shape.setAttribute("stroke", "currentColor");
    shape.setAttribute("stroke-width", "1.6");
    mark.appendChild(shape);
    return mark;
  }

  function note(container, text) {
    var line = document.createElement("p");
    line.className = "qp-view-note";
    line.textContent = text;
    container.appendChild(line);
  }

  // -- graph ----------------------------------------------------------------------------------

  function GraphView(yasr) {
    this.yasr = yasr;
    this.label = words.view_graph;
    this.priority = 3;
    this.cy = null;
  }
  GraphView.prototype.canHandleResults = function () {
    return !!window.cytoscape && columnWhere(results(this.yasr), isIri) !== null;
  };
  GraphView.prototype.getIcon = function () { return icon("M4 4L12 5M4 4L7 12M12 5L7 12M2.5 4a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0M10.5 5a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0M5.5 12a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0"); };
  GraphView.prototype.destroy = function () { if (this.cy) this.cy.destroy(); this.cy = null; };
  GraphView.prototype.draw = function () {
    var table = results(this.yasr);
    var prefixes = this.yasr.getPrefixes ? this.yasr.getPrefixes() : {};
    var columns = table.vars.filter(function (name) { return table.rows.some(function (row) { return isIri(row[name]); }); });
    var nodes = {}, edges = {}, count = 0, leftOut = 0;
    table.rows.forEach(function (row) {
      var present = columns.filter(function (name) { return isIri(row[name]); });
      present.forEach(function (name) {
        var iri = row[name].value;
        if (nodes[iri]) return;
        if (count >= GRAPH_LIMIT) { leftOut++; return; }
        count++;
        nodes[iri] = { data: { id: "n" + count, iri: iri, label: nameOf(table, row, name, prefixes), href: pageOf(iri) || "" } };
      });
      for (var i = 0; i + 1 < present.length; i++) {
        var a = nodes[row[present[i]].value], b = nodes[row[present[i + 1]].value];
        if (!a || !b || a === b) continue;
        var key = a.data.id + ">" + b.data.id;
        var said = row.edgeLabel && isLiteral(row.edgeLabel) ? row.edgeLabel.value : "";
        edges[key] = { data: { id: "e" + key, source: a.data.id, target: b.data.id, label: said } };
      }
    });
    var box = document.createElement("div");
    box.className = "qp-view-graph";
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", words.view_graph_label);
    this.yasr.resultsEl.appendChild(box);
    if (leftOut) note(this.yasr.resultsEl, words.view_left_out.replace("{n}", String(leftOut)));
    var elements = Object.keys(nodes).map(function (k) { return nodes[k]; })
      .concat(Object.keys(edges).map(function (k) { return edges[k]; }));
    this.cy = window.cytoscape({
      container: box,
      elements: elements,
      style: [
        { selector: "node", style: { "label": "data(label)", "font-size": 12, "text-valign": "bottom", "text-margin-y": 3,
                                     "text-wrap": "ellipsis", "text-max-width": 140, "width": 14, "height": 14,
                                     "background-color": "#f4f1ea", "border-width": 1.5, "border-color": "#4a4a4a",
                                     "text-background-color": "#ffffff", "text-background-opacity": 0.75 } },
        { selector: "node[href != \"\"]", style: { "border-color": "#1d4e89", "border-width": 2 } },
        { selector: "edge", style: { "curve-style": "bezier", "width": 1.5, "line-color": "#6b7a90", "target-arrow-shape": "triangle",
                                     "target-arrow-color": "#6b7a90", "label": "data(label)", "font-size": 10 } }
      ]
    });
    this.cy.layout({ name: "circle", animate: false }).run();
    this.cy.layout({ name: "cose", animate: false, randomize: false, nodeDimensionsIncludeLabels: true,
                     idealEdgeLength: function () { return 100; }, nodeRepulsion: function () { return 200000; } }).run();
    this.cy.fit(undefined, 20);
    this.cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href) window.location.assign(href);
    });
    window.heritageResultGraph = this.cy;  // for the browser tests
  };

  // -- timeline -------------------------------------------------------------------------------

  function TimelineView(yasr) {
    this.yasr = yasr;
    this.label = words.view_timeline;
    this.priority = 2;
  }
  TimelineView.prototype.canHandleResults = function () { return columnWhere(results(this.yasr), isDate) !== null; };
  TimelineView.prototype.getIcon = function () { return icon("M1 13H15M3 4V10M3 7H9M11 9V12M7 2V6"); };
  TimelineView.prototype.draw = function () {
    var table = results(this.yasr);
    var prefixes = this.yasr.getPrefixes ? this.yasr.getPrefixes() : {};
    var start = columnWhere(table, isDate);
    var end = table.vars.filter(function (name) { return name !== start && /end/i.test(name); })[0] || null;
    // the label: a text column other than the dates, one called a name or label first
    var texts = table.vars.filter(function (name) {
      return name !== start && name !== end && table.rows.some(function (row) { return isText(row[name]); });
    });
    var label = texts.filter(function (name) { return /name|label/i.test(name); })[0] || texts[0] || null;
    var link = columnWhere(table, function (cell) { return isIri(cell) && pageOf(cell.value) !== null; });
    var rows = [];
    table.rows.forEach(function (row) {
      if (!isDate(row[start])) return;
      var iri = link && isIri(row[link]) ? row[link].value : null;
      rows.push({
        start: row[start].value.match(DATE_TEXT)[0],
        end: end && isDate(row[end]) ? row[end].value.match(DATE_TEXT)[0] : null,
        label: label && row[label] ? row[label].value : iri ? shortName(iri, prefixes) : "",
        href: iri ? pageOf(iri) : null
      });
    });
    var figure = document.createElement("figure");
    figure.className = "timeline qp-view-timeline";
    var caption = document.createElement("figcaption");
    caption.className = "timeline-focus";
    caption.hidden = true;
    caption.setAttribute("aria-live", "polite");
    figure.appendChild(caption);
    this.yasr.resultsEl.appendChild(figure);
    var resultsEl = this.yasr.resultsEl;
    return fetch("/timeline/draw?lang=" + encodeURIComponent(settings.lang), {
      method: "POST", headers: { "Content-Type": "application/json", Accept: "image/svg+xml" },
      body: JSON.stringify({ rows: rows })
    }).then(function (response) {
      return response.text().then(function (text) { return { ok: response.ok, text: text, leftOut: response.headers.get("X-Left-Out") }; });
    }).then(function (answer) {
      if (!answer.ok) { note(resultsEl, answer.text.trim()); return; }
      var svg = new DOMParser().parseFromString(answer.text, "image/svg+xml").documentElement;
      figure.insertBefore(document.importNode(svg, true), caption);
      if (window.heritageTimeline) window.heritageTimeline.attach(figure);
      if (answer.leftOut && answer.leftOut !== "0") note(resultsEl, words.view_left_out.replace("{n}", answer.leftOut));
    }).catch(function () { note(resultsEl, words.view_failed); });
  };

  // -- bar chart ------------------------------------------------------------------------------

  function ChartView(yasr) {
    this.yasr = yasr;
    this.label = words.view_chart;
    this.priority = 1;
  }
  ChartView.prototype.canHandleResults = function () {
    var table = results(this.yasr);
    return columnWhere(table, isNumber) !== null && table.rows.length > 0;
  };
  ChartView.prototype.getIcon = function () { return icon("M2 3H10M2 7H14M2 11H7M2 1V14"); };
  ChartView.prototype.draw = function () {
    var table = results(this.yasr);
    var prefixes = this.yasr.getPrefixes ? this.yasr.getPrefixes() : {};
    var value = columnWhere(table, isNumber);
    var format = new Intl.NumberFormat(settings.lang);
    var shown = table.rows.filter(function (row) { return isNumber(row[value]); }).slice(0, CHART_LIMIT);
    // a bar is named by the cells before its number, and by its dates
    var naming = table.vars.filter(function (name, i) {
      return name !== value && (i < table.vars.indexOf(value) || table.rows.some(function (row) { return isDate(row[name]); }));
    });
    var top = Math.max.apply(null, shown.map(function (row) { return Number(row[value].value); }).concat([0]));
    var chart = document.createElement("table");
    chart.className = "qp-view-chart";
    var head = chart.createTHead().insertRow();
    [naming.join(" · ") || words.view_chart_label, value, ""].forEach(function (text) {
      var cell = document.createElement("th");
      cell.scope = "col";
      cell.textContent = text;
      head.appendChild(cell);
    });
    var body = chart.createTBody();
    shown.forEach(function (row) {
      var parts = [], link = null;
      naming.forEach(function (name) {
        var cell = row[name];
        if (!cell) return;
        if (isIri(cell) && !link && pageOf(cell.value)) link = { href: pageOf(cell.value), text: nameOf(table, row, name, prefixes) };
        else if ((isText(cell) || isDate(cell)) && cell.value.length <= 60 && !(link && cell.value === link.text)) parts.push(cell.value);
      });
      var line = body.insertRow();
      var name = line.insertCell();
      if (link) {
        var anchor = document.createElement("a");
        anchor.href = link.href;
        anchor.textContent = link.text;
        name.appendChild(anchor);
        if (parts.length) name.appendChild(document.createTextNode(" · " + parts.join(" · ")));
      } else {
        name.textContent = parts.join(" · ");
      }
      var bar = document.createElement("meter");
      bar.min = 0;
      bar.max = top > 0 ? top : 1;
      bar.value = Math.max(0, Number(row[value].value));
      bar.textContent = format.format(Number(row[value].value));
      line.insertCell().appendChild(bar);
      line.insertCell().textContent = format.format(Number(row[value].value));
    });
    this.yasr.resultsEl.appendChild(chart);
    var left = table.rows.length - shown.length;
    if (left > 0) note(this.yasr.resultsEl, words.view_left_out.replace("{n}", String(left)));
  };

  // Yasr's own views name themselves in English as they are made: a name on their prototypes,
  // which ignores that assignment, gives them the page's words
  [["table", words.view_table], ["response", words.view_response]].forEach(function (pair) {
    var plugin = Yasr.plugins[pair[0]];
    if (!plugin || !pair[1]) return;
    Object.defineProperty(plugin.prototype, "label", {
      get: function () { return pair[1]; }, set: function () {}, configurable: true });
  });
  Yasr.registerPlugin("graph", GraphView);
  Yasr.registerPlugin("timeline", TimelineView);
  Yasr.registerPlugin("chart", ChartView);
})();
