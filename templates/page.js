(function () {
  "use strict";
  var root = document.documentElement;
  var toggle = document.getElementById("theme-toggle");
  function dark() {
    var forced = root.getAttribute("data-theme");
    if (forced) { return forced === "dark"; }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  toggle.addEventListener("click", function () {
    root.setAttribute("data-theme", dark() ? "light" : "dark");
  });
  // Sorting: a cell sorts by the number it starts with, scaled by its unit, else by its text.
  // A range ("1.05 µs–1.06 µs") sorts by its first value; "124 M" is 124 million.
  var units = { ns: 1e-9, "\u00b5s": 1e-6, us: 1e-6, ms: 1e-3, s: 1, min: 60,
    B: 1, KiB: 1024, MiB: 1048576, GiB: 1073741824, x: 1, "\u00d7": 1, "%": 1,
    k: 1e3, M: 1e6, G: 1e9 };
  function key(cell) {
    var text = cell.textContent.trim();
    var m = /^([-+]?[0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)\s*([A-Za-z\u00b5\u00d7%]*)/.exec(text);
    if (m && (m[2] === "" || units.hasOwnProperty(m[2]))) {
      return { num: parseFloat(m[1]) * (units[m[2]] || 1), text: text };
    }
    return { num: null, text: text };
  }
  function compare(a, b) {
    if (a.num !== null && b.num !== null) { return a.num - b.num; }
    if (a.num !== null) { return -1; }
    if (b.num !== null) { return 1; }
    return a.text.localeCompare(b.text);
  }
  document.querySelectorAll("main table").forEach(function (table) {
    var head = table.tHead;
    var body = table.tBodies[0];
    if (!head || !body) { return; }
    Array.prototype.forEach.call(head.rows[0].cells, function (th, col) {
      th.setAttribute("title", "Sort by this column");
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.rows[0].cells, function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(key(r1.cells[col]), key(r2.cells[col]));
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
