/* plankb site search: runs over window.KB_INDEX (search-index.js), never fetches.
   Results are built with createElement/textContent only: corpus text is never parsed as HTML. */
(function () {
  "use strict";
  var IDX = window.KB_INDEX;
  var T2S = {};
  var normTexts = [];

  function prepare() {
    var s = IDX.t2s;
    for (var i = 0; i + 1 < s.length; i += 2) T2S[s.charAt(i)] = s.charAt(i + 1);
    for (var u = 0; u < IDX.units.length; u++) normTexts.push(norm(IDX.units[u][3]));
  }

  /* same mapping as kb/site/searchindex.py normalize(): one UTF-16 unit in, one out */
  function norm(s) {
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i), ch = s.charAt(i);
      if (c >= 0xFF01 && c <= 0xFF5E) ch = String.fromCharCode(c - 0xFEE0);
      else if (c === 0x3000) ch = " ";
      if (Object.prototype.hasOwnProperty.call(T2S, ch)) ch = T2S[ch];
      if (ch >= "A" && ch <= "Z") ch = ch.toLowerCase();
      out.push(ch);
    }
    return out.join("");
  }

  function candidates(term) {
    var cps = Array.from(term);
    if (cps.length < 2) return null; /* one character: scan everything */
    var best = null;
    for (var i = 0; i + 1 < cps.length; i++) {
      var list = IDX.grams[cps[i] + cps[i + 1]];
      if (!list) return [];
      if (best === null || list.length < best.length) best = list;
    }
    return best;
  }

  function occurrences(text, term) {
    var hits = [], from = 0, k;
    while ((k = text.indexOf(term, from)) >= 0) { hits.push([k, k + term.length]); from = k + 1; }
    return hits;
  }

  function search(query) {
    var terms = norm(query).split(/\s+/).filter(function (t) { return t.length > 0; });
    if (!terms.length) return [];
    var pool = null;
    terms.forEach(function (t) {
      var c = candidates(t);
      if (c === null) return;
      var set = {};
      c.forEach(function (u) { set[u] = true; });
      pool = pool === null ? set : Object.keys(pool).reduce(function (acc, u) { if (set[u]) acc[u] = true; return acc; }, {});
    });
    var ids = pool === null ? IDX.units.map(function (_, i) { return i; }) : Object.keys(pool).map(Number);
    var results = [];
    ids.sort(function (a, b) { return a - b; });
    ids.forEach(function (u) {
      var hits = [], ok = true;
      terms.forEach(function (t) {
        var h = occurrences(normTexts[u], t);
        if (!h.length) ok = false;
        hits = hits.concat(h);
      });
      if (!ok) return;
      hits.sort(function (a, b) { return a[0] - b[0]; });
      var labelHit = terms.some(function (t) { return norm(IDX.units[u][2]).indexOf(t) >= 0; });
      results.push({ unit: u, hits: hits, score: hits.length + (labelHit ? 5 : 0) });
    });
    results.sort(function (a, b) { return b.score - a.score || a.unit - b.unit; });
    return results;
  }

  function sentenceOf(unit, pos) {
    var sents = IDX.units[unit][4];
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
      var u = IDX.units[r.unit];
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

  function init() {
    copyLinks();
    if (!IDX) return;
    prepare();
    var input = document.getElementById("q");
    var box = document.getElementById("results");
    if (!input || !box) return;
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { show(box, input.value); }, 60);
    });
    input.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      show(box, input.value);
      var first = box.querySelector("a.rlink");
      if (first) window.location.href = first.getAttribute("href");
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { box.hidden = true; }
      else if (ev.key === "/" && document.activeElement !== input) { ev.preventDefault(); input.focus(); }
    });
    var m = /[?&]q=([^&#]*)/.exec(window.location.search);
    if (m) {
      try { input.value = decodeURIComponent(m[1].replace(/\+/g, " ")); } catch (e) { input.value = ""; }
      show(box, input.value);
    }
  }

  window.kbSearch = { search: search, norm: norm };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
