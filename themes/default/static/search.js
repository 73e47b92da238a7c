// The search box: finds places and indicators by name in every language of the site. The
// index is a script (search-index.js) loaded on first use, because a page opened from
// file:// may run scripts but may not fetch a JSON file. Without JavaScript the box stays
// hidden and the home page's lists lead everywhere.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || !("normalize" in String.prototype)) return;
  var root = box.getAttribute("data-root");
  var lang = box.getAttribute("data-lang");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var index = null;
  var loading = false;
  // What to do once the index has loaded: the latest request wins.
  var pending = function () {};
  box.hidden = false;

  // "Perú", "peru" and "PERU" all match: accents and case are folded away.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function prepare() {
    var data = window.saludSearch;
    var at = Math.max(0, data.languages.indexOf(lang));
    var prefix = at === 0 ? "" : data.languages[at] + "/";
    index = {
      labels: data.labels[at],
      entries: data.entries.map(function (e) {
        return { name: e.names[at], url: root + prefix + e.path, kind: e.kind, keys: e.names.map(fold) };
      })
    };
  }

  function load(then) {
    if (index) return then();
    if (window.saludSearch) { prepare(); return then(); }
    pending = then;
    if (loading) return;
    loading = true;
    var script = document.createElement("script");
    script.src = root + "search-index.js";
    script.onload = function () { prepare(); pending(); };
    document.head.appendChild(script);
  }

  function matches(entry, words) {
    return entry.keys.some(function (key) {
      return words.every(function (w) { return key.indexOf(w) >= 0; });
    });
  }

  function show() {
    var query = fold(input.value.trim());
    list.textContent = "";
    if (!query) { list.hidden = true; status.textContent = ""; return; }
    var words = query.split(/\s+/);
    var hits = index.entries.filter(function (e) { return matches(e, words); });
    // Names that start with the query first, then the rest, each alphabetically.
    hits.sort(function (a, b) {
      var ra = a.keys.some(function (k) { return k.indexOf(query) === 0; }) ? 0 : 1;
      var rb = b.keys.some(function (k) { return k.indexOf(query) === 0; }) ? 0 : 1;
      return ra - rb || a.name.localeCompare(b.name);
    });
    hits.slice(0, 12).forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.url;
      link.textContent = hit.name;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = " " + index.labels[hit.kind];
      link.appendChild(kind);
      item.appendChild(link);
      list.appendChild(item);
    });
    if (!hits.length) {
      var none = document.createElement("li");
      none.textContent = index.labels[2];
      list.appendChild(none);
    }
    status.textContent = hits.length ? String(hits.length) : index.labels[2];
    list.hidden = false;
  }

  input.addEventListener("focus", function () { load(function () {}); });
  input.addEventListener("input", function () { load(show); });
  input.addEventListener("keydown", function (event) {
    var first = list.querySelector("a");
    if (event.key === "Enter" && first) { window.location.href = first.href; }
    if (event.key === "ArrowDown" && first) { event.preventDefault(); first.focus(); }
    if (event.key === "Escape") { input.value = ""; show(); }
  });
  list.addEventListener("keydown", function (event) {
    var item = document.activeElement.parentNode;
    var next = event.key === "ArrowDown" ? item.nextElementSibling : event.key === "ArrowUp" ? item.previousElementSibling : null;
    if (event.key === "ArrowUp" && !item.previousElementSibling) { event.preventDefault(); input.focus(); return; }
    if (next && next.querySelector("a")) { event.preventDefault(); next.querySelector("a").focus(); }
  });
})();
