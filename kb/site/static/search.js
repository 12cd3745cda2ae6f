/* plankb site search: runs over window.KB_INDEX (assets/search-index.js, the list of shards)
   and window.KB_SHARDS (assets/search/*.js, one per document), never fetches. Nothing is loaded
   until the search box is first used (focus, typing, "/" or a ?q= address): then search.js adds
   the script tags itself, which works from file:// and under the page's CSP (script-src 'self').
   Results are built with createElement/textContent only: corpus text is never parsed as HTML. */
(function () {
  "use strict";
  var me = document.currentScript;
  /* the folder of search.js (assets/), whatever page loaded it */
  var BASE = me && me.src ? me.src.replace(/[^\/]*$/, "") : "assets/";
  var IDX = null;     /* the manifest, once loaded */
  var UNITS = [];     /* every unit of every shard, in document order then unit order */
  var NORM = [];      /* normalised unit texts, filled on first need */
  var T2S = {};
  var ODD = null;     /* the characters norm() changes: full-width ASCII, U+3000, A-Z, T2S's keys */
  var loading = null; /* the promise of the whole index, once asked for */
  var done = false;   /* the whole index is in */

  function inject(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = BASE + src;
      s.async = true;
      s.setAttribute("data-kb-index", src);
      s.onload = function () { resolve(); };
      s.onerror = function () { s.parentNode && s.parentNode.removeChild(s); reject(new Error(src)); };
      document.head.appendChild(s);
    });
  }

  /* the manifest, then all shards at once (in parallel); the order of UNITS is the manifest's */
  function load() {
    if (loading) return loading;
    loading = inject("search-index.js").then(function () {
      IDX = window.KB_INDEX;
      if (!IDX || !IDX.shards) throw new Error("search-index.js");
      var s = IDX.t2s;
      var keys = [];
      for (var i = 0; i + 1 < s.length; i += 2) { T2S[s.charAt(i)] = s.charAt(i + 1); keys.push(s.charAt(i)); }
      ODD = new RegExp("[\\uFF01-\\uFF5E\\u3000A-Z" + keys.join("") + "]", "g");
      var all = window.KB_SHARDS || {};
      return Promise.all(IDX.shards.map(function (sh) { return all[sh[0]] ? null : inject(sh[1]); }));
    }).then(function () {
      var all = window.KB_SHARDS || {};
      UNITS = []; NORM = [];
      IDX.shards.forEach(function (sh) {
        var d = all[sh[0]];
        if (!d) throw new Error(sh[1]);
        for (var i = 0; i < d.units.length; i++) UNITS.push(d.units[i]);
      });
      done = true;
      return UNITS.length;
    });
    loading.catch(function () { loading = null; }); /* a later use tries again */
    return loading;
  }

  function ready() { return done; }

  function normText(u) {
    var n = NORM[u];
    if (n === undefined) n = NORM[u] = norm(UNITS[u][3]);
    return n;
  }

  /* same mapping as kb/site/searchindex.py normalize(): one UTF-16 unit in, one out */
  function normChar(ch) {
    var c = ch.charCodeAt(0);
    if (c >= 0xFF01 && c <= 0xFF5E) ch = String.fromCharCode(c - 0xFEE0);
    else if (c === 0x3000) ch = " ";
    if (Object.prototype.hasOwnProperty.call(T2S, ch)) ch = T2S[ch];
    if (ch >= "A" && ch <= "Z") ch = ch.toLowerCase();
    return ch;
  }

  /* only the characters that change go through normChar: a whole collection's texts are
     normalised on the first search, so the common case stays in the regex engine */
  function norm(s) {
    return ODD ? s.replace(ODD, normChar) : s.split("").map(normChar).join("");
  }

  function occurrences(text, term) {
    var hits = [], from = 0, k;
    while ((k = text.indexOf(term, from)) >= 0) { hits.push([k, k + term.length]); from = k + 1; }
    return hits;
  }

  /* every unit containing every term; r.unit numbers units across shards (kbSearch.unit(r.unit)).
     Ranked by hits (a hit in the label counts 5 more), then document order, then unit order. */
  function search(query) {
    var terms = norm(query).split(/\s+/).filter(function (t) { return t.length > 0; });
    if (!terms.length) return [];
    var results = [];
    /* every unit is tested: the shards carry no postings (they were as large as the texts),
       and a substring test over the normalised texts finds the same units */
    for (var u = 0; u < UNITS.length; u++) {
      var text = normText(u), hits = [], ok = true;
      for (var k = 0; k < terms.length && ok; k++) {
        var h = occurrences(text, terms[k]);
        if (!h.length) ok = false;
        hits = hits.concat(h);
      }
      if (!ok) continue;
      hits.sort(function (a, b) { return a[0] - b[0]; });
      var label = norm(UNITS[u][2]);
      var labelHit = terms.some(function (t) { return label.indexOf(t) >= 0; });
      results.push({ unit: u, hits: hits, score: hits.length + (labelHit ? 5 : 0) });
    }
    results.sort(function (a, b) { return b.score - a.score || a.unit - b.unit; });
    return results;
  }

  function sentenceOf(unit, pos) {
    var sents = UNITS[unit][4];
    for (var i = 0; i < sents.length; i++) if (pos < sents[i][2]) return sents[i];
    return sents.length ? sents[sents.length - 1] : null;
  }

  /* a text node / <mark> sequence for text[start:end) with the hits inside it marked */
  function snippet(text, start, end, hits) {
    var frag = document.createDocumentFragment();
    var WIDE = 36;
    var first = null;
    hits.forEach(function (h) { if (first === null && h[0] >= start && h[0] < end) first = h; });
    if (first && end - start > 2 * WIDE + 20) {
      var s2 = Math.max(start, first[0] - WIDE), e2 = Math.min(end, first[1] + 2 * WIDE);
      if (s2 > start) frag.appendChild(document.createTextNode("…"));
      start = s2;
      var cut = e2 < end;
      end = e2;
      build(); if (cut) frag.appendChild(document.createTextNode("…"));
      return frag;
    }
    build();
    return frag;
    function build() {
      var pos = start;
      hits.forEach(function (h) {
        var a = Math.max(h[0], pos), b = Math.min(h[1], end);
        if (b <= a) return;
        if (a > pos) frag.appendChild(document.createTextNode(text.slice(pos, a)));
        var m = document.createElement("mark");
        m.textContent = text.slice(a, b);
        frag.appendChild(m);
        pos = b;
      });
      if (pos < end) frag.appendChild(document.createTextNode(text.slice(pos, end)));
    }
  }

  var MAX = 40;

  function show(box, query) {
    while (box.firstChild) box.removeChild(box.firstChild);
    if (!query.trim()) { box.hidden = true; return; }
    var results = search(query);
    box.hidden = false;
    var head = document.createElement("p");
    head.className = "rcount";
    head.textContent = results.length ? "“" + query.trim() + "”：" + results.length + " 个单元" : "“" + query.trim() + "”：没有结果";
    box.appendChild(head);
    var ol = document.createElement("ol");
    results.slice(0, MAX).forEach(function (r) {
      var u = UNITS[r.unit];
      var li = document.createElement("li");
      li.className = "result";
      li.setAttribute("data-unit", u[0]);
      var shown = [];
      r.hits.forEach(function (h) {
        var s = sentenceOf(r.unit, h[0]);
        if (s && shown.indexOf(s) < 0 && shown.length < 2) shown.push(s);
      });
      var a = document.createElement("a");
      a.className = "rlink";
      a.href = u[1] + (shown.length ? "#" + shown[0][0] : "");
      var id = document.createElement("span");
      id.className = "rid";
      id.textContent = u[0];
      var lab = document.createElement("span");
      lab.className = "rlabel";
      lab.textContent = u[2];
      a.appendChild(id); a.appendChild(document.createTextNode(" ")); a.appendChild(lab);
      li.appendChild(a);
      shown.forEach(function (s) {
        var p = document.createElement("a");
        p.className = "snip";
        p.href = u[1] + "#" + s[0];
        p.appendChild(snippet(u[3], s[1], s[2], r.hits));
        li.appendChild(p);
      });
      ol.appendChild(li);
    });
    box.appendChild(ol);
    if (results.length > MAX) {
      var more = document.createElement("p");
      more.className = "rcount";
      more.textContent = "只显示前 " + MAX + " 个；请输入更长的词语缩小范围。";
      box.appendChild(more);
    }
  }

  /* the small sentence numbers are permalinks: following one also copies its address */
  function copyLinks() {
    document.addEventListener("click", function (ev) {
      var a = ev.target.closest ? ev.target.closest("a.sa") : null;
      if (!a || !navigator.clipboard) return;
      var url = a.href;
      navigator.clipboard.writeText(url).then(function () {
        a.classList.add("copied");
        setTimeout(function () { a.classList.remove("copied"); }, 1200);
      }, function () { /* no clipboard permission: the address bar still shows the link */ });
    });
  }

  function status(box, text) {
    while (box.firstChild) box.removeChild(box.firstChild);
    var p = document.createElement("p");
    p.className = "rcount rstatus";
    p.textContent = text;
    box.appendChild(p);
    box.hidden = false;
  }

  /* search for the box's text, loading the index first if need be; resolves once shown */
  function run(input, box) {
    if (ready()) { show(box, input.value); return Promise.resolve(true); }
    if (input.value.trim()) status(box, "正在载入索引…");
    input.setAttribute("aria-busy", "true");
    return load().then(function () {
      input.removeAttribute("aria-busy");
      show(box, input.value);
      return true;
    }, function (err) {
      input.removeAttribute("aria-busy");
      if (input.value.trim()) status(box, "无法载入搜索索引（" + err.message + "）。");
      return false;
    });
  }

  function init() {
    copyLinks();
    var input = document.getElementById("q");
    var box = document.getElementById("results");
    if (!input || !box) return;
    var timer = null;
    input.addEventListener("focus", function () { load().catch(function () {}); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (!ready()) { run(input, box); return; }
      timer = setTimeout(function () { run(input, box); }, 60);
    });
    input.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      run(input, box).then(function (ok) {
        var first = ok ? box.querySelector("a.rlink") : null;
        if (first) window.location.href = first.getAttribute("href");
      });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { box.hidden = true; }
      else if (ev.key === "/" && document.activeElement !== input) { ev.preventDefault(); input.focus(); }
    });
    var m = /[?&]q=([^&#]*)/.exec(window.location.search);
    if (m) {
      try { input.value = decodeURIComponent(m[1].replace(/\+/g, " ")); } catch (e) { input.value = ""; }
      run(input, box);
    }
  }

  window.kbSearch = {
    search: search, norm: norm, load: load,
    loaded: function () { return ready(); },
    unit: function (u) { return UNITS[u]; },
    size: function () { return UNITS.length; }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
