/* plankb: sortable tables on the targets page (click a header). Sorts by a cell's data-sort
   key when it has one, else by its text; the page is already ordered by deadline without JS. */
(function () {
  "use strict";
  function key(cell) {
    var k = cell.querySelector("[data-sort]");
    return k ? k.getAttribute("data-sort") : cell.textContent;
  }
  function init() {
    var tables = Array.prototype.filter.call(document.querySelectorAll("main table"), function (t) { return t.querySelector("[data-sort]"); });
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead, body = table.tBodies[0];
      if (!head || !body || body.rows.length < 2) return;
      Array.prototype.forEach.call(head.rows[0].cells, function (th, col) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = th.textContent;
        var asc = true;
        b.addEventListener("click", function () {
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (r1, r2) {
            var a = key(r1.cells[col]), z = key(r2.cells[col]);
            return (a < z ? -1 : a > z ? 1 : 0) * (asc ? 1 : -1);
          });
          asc = !asc;
          rows.forEach(function (r) { body.appendChild(r); });
        });
        th.textContent = "";
        th.appendChild(b);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
