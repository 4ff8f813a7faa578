/* Site search: a box in the header and the page search/, over the site's Pagefind bundle.
 *
 * No index is loaded with a page: Pagefind is imported on the first query, and fetches only
 * the index chunks of the query's words and the fragments of the results shown.
 * Chinese is indexed as overlapping two-character pairs (bulletin/site/pairs.py); the query is
 * split the same way here, and excerpts are cut from the real text, joined back from the pairs.
 */
(function () {
  "use strict";

  var HANZI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}";
  var RUN = new RegExp("[" + HANZI + "]+", "gu");
  var INNER_SPACE = new RegExp("(?<=[" + HANZI + "])[ \\t\u3000]+(?=[" + HANZI + "])", "gu");
  var OVERLAP = new RegExp("([" + HANZI + "]) \\1", "gu");
  var FENCE = new RegExp("(?<=[" + HANZI + "]) | (?=[" + HANZI + "])", "gu");
  var SHOWN = 10;        // results under the header box
  var PAGE = 20;         // results added at a time on the search page
  var AROUND = 40;       // characters of excerpt either side of the first match

  function pairsOf(run) {
    var chars = Array.from(run);
    if (chars.length < 2) return [run];
    var out = [];
    for (var i = 0; i < chars.length - 1; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }

  /* The same as pairs.split: runs of hanzi as pairs, fenced and joined by spaces. */
  function split(text) {
    return text.replace(INNER_SPACE, "").replace(RUN, function (run) {
      return " " + pairsOf(run).join(" ") + " ";
    });
  }

  /* The same as pairs.join: the real text back from split's output. */
  function join(encoded) {
    return encoded.replace(/\s+/g, " ").replace(OVERLAP, "$1").replace(FENCE, "").trim();
  }

  /* The same as pairs.query_terms: the query as Pagefind receives it. */
  function queryTerms(query) {
    return split(query).split(/\s+/).filter(Boolean).join(" ");
  }

  /* What to look for in the real text: the query's runs of hanzi and its other words. */
  function needles(query) {
    return query.split(/[\s\p{P}\p{S}]+/u).filter(Boolean);
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  /* A short passage of the body around the first match (its opening if the match is in the title
   * or another field: the body comes first, the fields after "｜"), each match marked. */
  function excerpt(text, query) {
    var flat = text.split("｜")[0].replace(/\s+/g, " ").trim();
    var lower = flat.toLowerCase();
    var words = needles(query).map(function (w) { return w.toLowerCase(); });
    var first = -1;
    words.forEach(function (w) {
      var at = lower.indexOf(w);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var start = Math.max(0, first - AROUND);
    var end = Math.min(flat.length, Math.max(first, 0) + AROUND * 2);
    var part = flat.slice(start, end);
    var marked = escapeHtml(part);
    words.sort(function (a, b) { return b.length - a.length; }).forEach(function (w) {
      if (!w) return;
      var escaped = escapeHtml(w).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      marked = marked.replace(new RegExp("(?![^<]*>)" + escaped, "giu"), function (m) { return "<mark>" + m + "</mark>"; });
    });
    return (start > 0 ? "…" : "") + marked + (end < flat.length ? "…" : "");
  }

  var script = document.currentScript;
  var root = new URL("../", script ? script.src : location.href);  // this file is assets/bulletin-search.js
  var loading = null;

  function pagefind() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return pf.options({baseUrl: root.pathname, excerptLength: 0}).then(function () {
          // Pagefind takes its language from <html lang> when it starts, and for zh splits the
          // query again with Intl.Segmenter: the pairs would be cut into single hanzi. It starts
          // synchronously inside init(), so the page says "und" (the index's language) only then.
          var html = document.documentElement;
          var lang = html.getAttribute("lang");
          html.setAttribute("lang", "und");
          var started;
          try { started = pf.init(); } finally {
            if (lang === null) html.removeAttribute("lang"); else html.setAttribute("lang", lang);
          }
          return started;
        }).then(function () { return pf; });
      });
    }
    return loading;
  }

  /* Pagefind's results for a query: {count, results: [lazy result]}. */
  function find(query) {
    var terms = queryTerms(query);
    if (!terms) return Promise.resolve({count: 0, results: []});
    return pagefind().then(function (pf) { return pf.search(terms); }).then(function (found) {
      return {count: found.results.length, results: found.results};
    }, function () {
      return {count: 0, results: []};  // a site with no item has no index: nothing is found
    });
  }

  /* Whether a result's real text holds every word of the query. Pagefind answers a word it does
   * not hold with the longest word it holds that begins it (信 for 信访, b for briefing): then no
   * result holds the query, and each is dropped here; so is a page holding the pairs apart. */
  function matches(data, query) {
    var text = (join(data.content || "") + " " + ((data.meta || {}).title || "")).toLowerCase();
    return needles(query).every(function (w) { return text.indexOf(w.toLowerCase()) >= 0; });
  }

  /* Results from ``from`` on, loaded in batches, until ``count`` hold the query or none are left:
   * resolves to {shown: [data], next: where to go on from}. When the first batch holds none,
   * Pagefind answered a word it does not hold (no result can hold it): the rest is not loaded. */
  function verified(results, query, from, count, all) {
    var shown = [];
    function batch(at) {
      if (shown.length >= count || at >= results.length) return Promise.resolve({shown: shown, next: at});
      var take = results.slice(at, at + Math.min(count - shown.length, PAGE));
      return Promise.all(take.map(function (r) { return r.data(); })).then(function (datas) {
        datas.forEach(function (d) { if (matches(d, query)) shown.push(d); });
        if (!all && at === 0 && !shown.length) return {shown: shown, next: results.length};
        return batch(at + take.length);
      });
    }
    return batch(from);
  }

  /* Every result that holds the query (all fragments loaded: for tests and small result sets). */
  function findAll(query) {
    return find(query).then(function (found) {
      return verified(found.results, query, 0, Infinity, true).then(function (v) { return v.shown; });
    });
  }

  function resultHtml(data, query) {
    var meta = data.meta || {};
    var about = [meta.unit, meta.date].filter(Boolean).map(escapeHtml).join(" · ");
    return "<a class=\"bl-result__link\" href=\"" + escapeHtml(data.url) + "\">" +
      "<span class=\"bl-result__title\">" + escapeHtml(meta.title || data.url) + "</span>" +
      (about ? "<span class=\"bl-result__meta\">" + about + "</span>" : "") +
      "<span class=\"bl-result__excerpt\">" + excerpt(join(data.content || ""), query) + "</span></a>";
  }

  /* Add up to ``count`` results that hold the query, from ``from`` on; resolves to where it stopped. */
  function render(list, results, query, from, count) {
    return verified(results, query, from, count).then(function (v) {
      v.shown.forEach(function (data) {
        var li = document.createElement("li");
        li.className = "bl-result";
        li.innerHTML = resultHtml(data, query);
        list.appendChild(li);
      });
      return v;
    });
  }

  function countText(n, shown, query, page) {
    if (!shown) return "没有找到符合条件的结果";
    return (page ? "“" + query + "”：" : "") + "找到 " + n + " 条结果";
  }

  function searchUrl(query) {
    var url = new URL("search/", root);
    url.searchParams.set("q", query);
    return url.href;
  }

  /* -- the box in the header ------------------------------------------------------------- */

  function headerBox() {
    var inner = document.querySelector(".md-header__inner") || document.body;
    var form = document.createElement("form");
    form.className = "bl-search";
    form.setAttribute("role", "search");
    form.action = new URL("search/", root).href;
    form.innerHTML = "<input class=\"bl-search__input\" type=\"search\" name=\"q\" placeholder=\"搜索\" " +
      "aria-label=\"搜索\" autocomplete=\"off\"><div class=\"bl-search__output\" hidden>" +
      "<p class=\"bl-search__count\"></p><ol class=\"bl-search__list\"></ol>" +
      "<a class=\"bl-search__all\" hidden>查看全部结果</a></div>";
    inner.appendChild(form);
    var input = form.querySelector("input");
    var output = form.querySelector(".bl-search__output");
    var count = form.querySelector(".bl-search__count");
    var list = form.querySelector(".bl-search__list");
    var all = form.querySelector(".bl-search__all");
    var asked = "";
    var timer = null;

    function update() {
      var query = input.value.trim();
      if (query === asked) return;
      asked = query;
      if (!query) { output.hidden = true; return; }
      find(query).then(function (found) {
        if (query !== asked) return;
        var fresh = document.createElement("ol");
        fresh.className = list.className;
        return render(fresh, found.results, query, 0, SHOWN).then(function (v) {
          if (query !== asked) return;
          list.replaceWith(fresh);
          list = fresh;
          // a count Pagefind gave for a word it does not hold is no count: nothing shown, none found
          count.textContent = countText(found.count, v.shown.length, query, false);
          all.hidden = v.next >= found.count;
          all.href = searchUrl(query);
          output.hidden = false;
        });
      });
    }

    function soon() { clearTimeout(timer); timer = setTimeout(update, 100); }
    input.addEventListener("input", soon);
    input.addEventListener("keyup", soon);
    input.addEventListener("focus", function () { pagefind(); if (asked) output.hidden = false; });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) output.hidden = true; });
  }

  /* -- the page search/ ------------------------------------------------------------------ */

  function searchPage(page) {
    var query = (new URLSearchParams(location.search).get("q") || "").trim();
    var input = page.querySelector("input");
    var count = page.querySelector(".bl-search__count");
    var list = page.querySelector(".bl-search__list");
    var more = page.querySelector(".bl-search__more");
    input.value = query;
    if (!query) { count.textContent = "请输入要搜索的字词"; return; }
    find(query).then(function (found) {
      var at = 0;
      function next() {
        return render(list, found.results, query, at, PAGE).then(function (v) {
          if (at === 0) count.textContent = countText(found.count, v.shown.length, query, true);
          at = v.next;
          more.hidden = at >= found.count;
        });
      }
      more.addEventListener("click", next);
      return next();
    });
  }

  window.bulletinSearch = {split: split, join: join, queryTerms: queryTerms, excerpt: excerpt, find: find,
                          matches: matches, findAll: findAll};
  function start() {
    headerBox();
    var page = document.getElementById("bl-search-page");
    if (page) searchPage(page);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
