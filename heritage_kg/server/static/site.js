// heritage-kg: autocomplete for the search boxes (input[data-autocomplete]).
// Every page works without this script: the search form posts to /search.
// Data from the server is only ever put in the page with textContent, never as HTML.
(function () {
  "use strict";

  var lang = document.documentElement.lang || "en";
  var counter = 0;

  function isLocalPath(href) {
    return typeof href === "string" && href.charAt(0) === "/" && href.charAt(1) !== "/";
  }

  function setup(input) {
    var form = input.form;
    if (!form) { return; }
    counter += 1;
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.id = "suggestions-" + counter;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var results = [];
    var active = -1;
    var timer = null;
    var sequence = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.children;
      for (var i = 0; i < items.length; i += 1) {
        items[i].classList.toggle("active", i === index);
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }

    function show(data) {
      results = Array.isArray(data) ? data.filter(function (r) { return r && isLocalPath(r.page); }) : [];
      while (list.firstChild) { list.removeChild(list.firstChild); }
      if (!results.length) { close(); return; }
      results.forEach(function (r, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        var link = document.createElement("a");
        link.href = r.page;
        link.tabIndex = -1;
        link.appendChild(document.createTextNode(String(r.label || r.iri || "")));
        if (r.acronym && r.acronym !== r.label) {
          var acronym = document.createElement("span");
          acronym.className = "acronym";
          acronym.textContent = String(r.acronym);
          link.appendChild(acronym);
        }
        if (r.kind) {
          var kind = document.createElement("span");
          kind.className = "kind";
          kind.textContent = String(r.kind);
          link.appendChild(kind);
        }
        item.appendChild(link);
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function lookup() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      sequence += 1;
      var mine = sequence;
      var url = "/api/search?" + new URLSearchParams({ q: q, lang: lang }).toString();
      fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (data) { if (mine === sequence) { show(data); } })
        .catch(close);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(results[active].page);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-autocomplete]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
