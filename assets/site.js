/* site.js: small additions on top of pages that work without JavaScript. */
"use strict";

/*
 * Mark the table-of-contents entry of the section being read: the last
 * heading above the top third of the window, or the one just jumped to.
 */
document.addEventListener("DOMContentLoaded", function () {
  var links = document.querySelectorAll(".toc a");
  if (!links.length || !("IntersectionObserver" in window)) return;
  var byId = {};
  links.forEach(function (a) { byId[decodeURIComponent(a.hash.slice(1))] = a; });
  var headings = Array.prototype.filter.call(
    document.querySelectorAll(".article-body h2[id], .article-body h3[id]"),
    function (h) { return byId[h.id]; });
  function mark(id) {
    links.forEach(function (a) { a.removeAttribute("aria-current"); });
    if (byId[id]) byId[id].setAttribute("aria-current", "location");
  }
  var jumped = null, jumpedAt = 0;
  function current() {
    var line = window.innerHeight * 0.3, id = null, top;
    /* The heading jumped to stays marked while the smooth scroll brings it
       up (a second), then while it is near the top, even when a short
       section lets the next heading in too. */
    if (jumped && document.getElementById(jumped)) {
      top = document.getElementById(jumped).getBoundingClientRect().top;
      if ((top >= -10 && top <= line) || Date.now() - jumpedAt < 1000) {
        mark(jumped);
        return;
      }
      jumped = null;
    }
    headings.forEach(function (h) {
      if (h.getBoundingClientRect().top <= line) id = h.id;
    });
    if (id) mark(id);
  }
  /* Headings crossing the top third are the moments the answer changes. */
  var observer = new IntersectionObserver(current,
    { rootMargin: "0px 0px -70% 0px" });
  headings.forEach(function (h) { observer.observe(h); });
  /* A heading near the end may never reach the top: the jump decides. */
  window.addEventListener("hashchange", function () {
    jumped = decodeURIComponent(location.hash.slice(1));
    jumpedAt = Date.now();
    mark(jumped);
  });
});

/*
 * Search as you type: every search box gets a list of matching articles
 * from /api/v1/suggest. The plain form still works without this.
 */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[role=search] input[type=search]").forEach(attach);

  function attach(input, n) {
    var list = document.createElement("ul");
    var timer = null, items = [], active = -1, lastQuery = "";
    list.id = "suggest-" + n;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.form.classList.add("has-suggest");
    input.insertAdjacentElement("afterend", list);

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        move(e.key === "ArrowDown" ? 1 : -1);
      } else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        window.location.href = items[active].url;
      } else if (e.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (!q) { close(); return; }
      fetch("/api/v1/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (q === lastQuery) show(data.suggestions || []); })
        .catch(close);
    }
    function show(s) {
      items = s;
      active = -1;
      list.textContent = "";
      s.forEach(function (item, i) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        a.href = item.url;
        a.textContent = item.title;   /* text, never HTML */
        a.tabIndex = -1;
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = s.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
    }
    function move(d) {
      var opts = list.querySelectorAll("li");
      if (!opts.length) return;
      if (active >= 0) opts[active].removeAttribute("aria-selected");
      active = (active + d + opts.length) % opts.length;
      opts[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", opts[active].id);
    }
    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
  }
});
