/* Scoring workspace behaviour: the cell drawer, arrow keys in the matrix, and swapping the
   answers htmx would otherwise drop (409 conflict, 422 invalid form, 403 closed campaign):
   each of them carries the cell as it is now and must be shown. */
(function () {
  "use strict";
  var SHOWN = { 403: true, 409: true, 422: true };
  var activeId = null;

  function panel() { return document.getElementById("cell-panel"); }
  function isDrawer(p) { return p && p.classList.contains("drawer"); }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    if (SHOWN[evt.detail.xhr.status]) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  function markActive() {
    document.querySelectorAll("a.cell.active").forEach(function (a) { a.classList.remove("active"); });
    var link = activeId && document.getElementById(activeId);
    if (link) link.classList.add("active");
  }

  document.addEventListener("htmx:afterSettle", function (evt) {
    var p = panel();
    if (!p || evt.detail.target !== p) return;
    var box = p.querySelector("[data-cell]");
    if (box) activeId = box.getAttribute("data-cell");
    if (isDrawer(p)) {
      p.hidden = false;
      document.body.classList.add("drawer-open");
      markActive();
    }
    // Focus what needs attention: a conflict or refusal, else the first field with an error
    // (a reversal's fields are inside <details>, opened by the server), else the heading.
    var bad = p.querySelector(".errorlist");
    var field = bad && bad.parentElement.querySelector("input:not([type=hidden]), textarea, select");
    var target = p.querySelector("[role=alert]") || field || p.querySelector("#cell-title");
    if (target) target.focus();
    var link = activeId && document.getElementById(activeId);
    if (link && isDrawer(p) && link.scrollIntoView) link.scrollIntoView({ block: "nearest", inline: "nearest" });
  });

  function closePanel() {
    var p = panel();
    if (!isDrawer(p) || p.hidden) return;
    p.hidden = true;
    p.innerHTML = "";
    document.body.classList.remove("drawer-open");
    var link = activeId && document.getElementById(activeId);
    if (link) { link.classList.remove("active"); link.focus(); }
  }

  document.addEventListener("click", function (evt) {
    if (evt.target.closest && evt.target.closest("[data-close-panel]")) {
      evt.preventDefault();
      closePanel();
    }
  });

  // Arrow keys move between cells of one table; Home/End go to the row's ends.
  function move(link, key) {
    var td = link.parentElement, tr = td.parentElement, index = td.cellIndex;
    var next = null;
    if (key === "ArrowRight") next = td.nextElementSibling;
    else if (key === "ArrowLeft") next = td.previousElementSibling;
    else if (key === "ArrowDown" && tr.nextElementSibling) next = tr.nextElementSibling.cells[index];
    else if (key === "ArrowUp" && tr.previousElementSibling) next = tr.previousElementSibling.cells[index];
    else if (key === "Home") next = tr.querySelector("td.c");
    else if (key === "End") { var all = tr.querySelectorAll("td.c"); next = all[all.length - 1]; }
    var target = next && next.querySelector("a.cell");
    if (target) target.focus();
    return !!target;
  }

  document.addEventListener("keydown", function (evt) {
    if (evt.key === "Escape") {
      if (!/^(INPUT|TEXTAREA|SELECT)$/.test(evt.target.tagName)) closePanel();
      return;
    }
    var link = evt.target.closest && evt.target.closest("table.ws a.cell");
    if (link && !evt.altKey && !evt.ctrlKey && !evt.metaKey && move(link, evt.key)) evt.preventDefault();
  });
})();
