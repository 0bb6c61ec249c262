// community.js: on the ask form, matching articles and threads while the title is typed; voting in place on thread pages.
(function () {
  "use strict";

  // --- Ask form: similar articles and threads (deflection) ---
  var title = document.getElementById("cm-title");
  var box = document.getElementById("cm-similar");
  var list = document.getElementById("cm-similar-list");
  var answered = document.getElementById("cm-answered-by");
  var timer = null, last = "";

  function show(items) {
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (s) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = s.url;
      a.textContent = s.title;          // text, never HTML
      a.target = "_blank";
      a.rel = "noopener";
      a.addEventListener("click", function () {
        if (answered) answered.value = s.ref || "";
      });
      li.appendChild(a);
      if (s.type === "thread") li.appendChild(document.createTextNode(" (community)"));
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
    if (answered && items.length > 0 && !answered.value) answered.value = items[0].ref || "";
  }

  function lookup() {
    var q = title.value.trim();
    if (q === last) return;
    last = q;
    if (q.length < 2) { show([]); return; }
    fetch("/community/similar?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (d) { if (title.value.trim() === q) show(d.suggestions || []); })
      .catch(function () { /* suggestions are optional */ });
  }

  if (title && box && list) {
    title.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 250);
    });
  }

  // --- Thread page: vote without reloading ---
  document.querySelectorAll("form.cm-vote").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var btn = e.submitter;
      if (!btn || !window.fetch || !window.URLSearchParams) return;
      e.preventDefault();
      var pressed = btn.getAttribute("aria-pressed") === "true";
      var body = new URLSearchParams(new FormData(form));
      body.set("value", pressed ? "0" : btn.value);
      fetch(form.action, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
        body: body.toString()
      }).then(function (r) {
        return r.json().then(function (d) { return { ok: r.ok, d: d }; });
      }).then(function (res) {
        if (!res.ok) { alert(res.d.error ? res.d.error.message : "Error"); return; }
        form.querySelector(".cm-score").textContent = res.d.score;
        form.querySelectorAll("button").forEach(function (b) {
          b.setAttribute("aria-pressed", String(res.d.vote !== 0 && b.value === String(res.d.vote)));
        });
      }).catch(function () { form.submit(); });
    });
  });
})();
