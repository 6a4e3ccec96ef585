// Filters by status and label, expand/collapse, and full content in print. Plain DOM, no
// library, no request: the page works from file:// and offline.
(function () {
  "use strict";
  var all = function (sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); };
  var specs = all(".spec");
  var statusButtons = all("[data-filter-status]");
  var labelButtons = all("[data-filter-label]");
  var shown = document.getElementById("shown-count");
  var noMatch = document.getElementById("no-match");
  var toggle = document.getElementById("toggle-details");
  var pressed = function (b) { return b.getAttribute("aria-pressed") === "true"; };
  var labelsOf = function (spec) {
    try { return JSON.parse(spec.getAttribute("data-labels")) || []; } catch (e) { return []; }
  };

  // A spec is shown when its status is pressed and, if any label is pressed, it has one of them.
  function apply() {
    var states = {};
    statusButtons.forEach(function (b) { if (pressed(b)) { states[b.getAttribute("data-filter-status")] = true; } });
    var labels = labelButtons.filter(pressed).map(function (b) { return b.getAttribute("data-filter-label"); });
    var n = 0;
    specs.forEach(function (spec) {
      var ok = states[spec.getAttribute("data-state")] === true;
      if (ok && labels.length > 0) {
        var own = labelsOf(spec);
        ok = labels.some(function (l) { return own.indexOf(l) >= 0; });
      }
      spec.hidden = !ok;
      if (ok) { n++; }
    });
    shown.textContent = String(n);
    noMatch.hidden = n !== 0;
  }

  statusButtons.concat(labelButtons).forEach(function (b) {
    b.addEventListener("click", function () {
      b.setAttribute("aria-pressed", pressed(b) ? "false" : "true");
      apply();
    });
  });
  document.getElementById("reset-filters").addEventListener("click", function () {
    statusButtons.forEach(function (b) { b.setAttribute("aria-pressed", "true"); });
    labelButtons.forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    apply();
  });

  var details = function () { return all(".spec details"); };
  toggle.addEventListener("click", function () {
    var open = toggle.textContent === "Expand all";
    details().forEach(function (d) { d.open = open; });
    toggle.textContent = open ? "Collapse all" : "Expand all";
  });

  // Paper cannot be clicked: print every collapsed section, then restore what was open.
  var wasOpen = null;
  window.addEventListener("beforeprint", function () {
    wasOpen = all("details").map(function (d) { var o = d.open; d.open = true; return o; });
  });
  window.addEventListener("afterprint", function () {
    if (wasOpen === null) { return; }
    all("details").forEach(function (d, i) { d.open = wasOpen[i]; });
    wasOpen = null;
  });

  apply();
}());

// The label chips are many (one per check ID): collapsed behind a search box that narrows them.
(function () {
  "use strict";
  var box = document.getElementById("label-search");
  if (!box) { return; }
  var chips = Array.prototype.slice.call(document.querySelectorAll("[data-filter-label]"));
  box.addEventListener("input", function () {
    var q = box.value.trim().toLowerCase();
    chips.forEach(function (c) { c.hidden = q !== "" && c.getAttribute("data-filter-label").toLowerCase().indexOf(q) < 0; });
  });
}());
