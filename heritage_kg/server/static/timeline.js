/* The timeline: a mark's sentence and sources, which its tooltip shows to a pointer, are written
 * under its drawing too while it has the keyboard's focus (or the pointer), so that a reader
 * who tabs through the marks sees them. Text goes in with textContent only. */
(function () {
  "use strict";

  function attach(figure) {
    var caption = figure.querySelector("figcaption.timeline-focus");
    if (!caption || figure.dataset.focusCaption) return;
    figure.dataset.focusCaption = "on";
    function show(event) {
      var mark = event.target.closest ? event.target.closest("a, g[tabindex]") : null;
      var title = mark ? mark.querySelector("title") : null;
      if (!title) return;
      caption.textContent = title.textContent;
      caption.hidden = false;
    }
    figure.addEventListener("focusin", show);
    figure.addEventListener("mouseover", show);
    figure.addEventListener("focusout", function () { caption.hidden = true; });
  }

  document.querySelectorAll("figure.timeline").forEach(attach);
  window.heritageTimeline = { attach: attach };  // the query page's timeline view uses it too
})();
