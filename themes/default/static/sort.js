// Sortable tables: each heading of a table marked data-sortable becomes a button that sorts
// the rows by that column, numbers by their value (data-value), places by name; a second
// press reverses the order. Places without a value always go last. Without JavaScript the
// table reads as written, in alphabetical order.
(function () {
  "use strict";
  var tables = document.querySelectorAll("table[data-sortable]");
  if (!tables.length) return;
  var hints = document.querySelectorAll(".sort-hint");
  for (var h = 0; h < hints.length; h++) hints[h].hidden = false;
  var collator = new Intl.Collator(document.documentElement.lang || undefined, { sensitivity: "base" });

  function key(row, column, numeric) {
    var cell = row.children[column];
    if (!cell) return null;
    if (numeric) {
      var v = cell.getAttribute("data-value");
      return v === null ? null : parseFloat(v);
    }
    return cell.textContent.trim();
  }

  function sort(table, column, numeric, descending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, i) { row.setAttribute("data-order", row.getAttribute("data-order") || i); });
    rows.sort(function (a, b) {
      var x = key(a, column, numeric), y = key(b, column, numeric);
      if (x === null && y === null) return a.getAttribute("data-order") - b.getAttribute("data-order");
      if (x === null) return 1;
      if (y === null) return -1;
      var order = numeric ? x - y : collator.compare(x, y);
      if (order === 0) return a.getAttribute("data-order") - b.getAttribute("data-order");
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(tables, function (table) {
    var headings = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headings, function (th, column) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        // Numbers sort from the highest first, names from A: what readers look for first.
        var numeric = kind === "number";
        var current = th.getAttribute("aria-sort");
        var descending = current ? current === "ascending" : numeric;
        Array.prototype.forEach.call(headings, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        sort(table, column, numeric, descending);
      });
    });
  });
})();
