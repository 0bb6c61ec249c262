/* tickets.js: article suggestions while the contact form's subject is typed. The form works without it. */
(function () {
  "use strict";
  var input = document.getElementById("tk-subject");
  var list = document.getElementById("tk-suggestions");
  var box = document.getElementById("tk-suggest");
  var from = input && input.form && input.form.elements.article;
  if (!input || !list || !box || !window.fetch) return;
  var timer = null, last = "", seq = 0;

  function render(items) {
    while (list.firstChild) list.removeChild(list.firstChild);
    // Not the article the customer just rated unhelpful.
    items = items.filter(function (s) { return !from || s.slug !== from.value; });
    box.hidden = items.length === 0;
    items.forEach(function (s) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = s.url;
      a.textContent = s.title;
      if (s.lang) a.lang = s.lang;
      li.appendChild(a);
      list.appendChild(li);
    });
  }

  function ask() {
    var q = input.value.trim();
    if (q === last) return;
    last = q;
    if (q.length < 2) return;
    var mine = ++seq;
    fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q),
        { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (j) { if (mine === seq) render(j.suggestions || []); })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
})();
