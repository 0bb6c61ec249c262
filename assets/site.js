/* site.js: small additions on top of pages that work without JavaScript. */
"use strict";

/* Mark the table-of-contents entry of the section being read. */
document.addEventListener("DOMContentLoaded", function () {
  var links = document.querySelectorAll(".toc a");
  if (!links.length || !("IntersectionObserver" in window)) return;
  var byId = {};
  links.forEach(function (a) { byId[decodeURIComponent(a.hash.slice(1))] = a; });
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (!e.isIntersecting || !byId[e.target.id]) return;
      links.forEach(function (a) { a.removeAttribute("aria-current"); });
      byId[e.target.id].setAttribute("aria-current", "location");
    });
  }, { rootMargin: "0px 0px -70% 0px" });
  document.querySelectorAll(".article-body h2[id], .article-body h3[id]")
    .forEach(function (h) { observer.observe(h); });
});
