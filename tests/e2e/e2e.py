#!/usr/bin/env python3
"""e2e.py: end-to-end cases against the real help center server.

Driven by tests/e2e/run.sh, which starts the server on a copy of
tests/e2e/articles and passes:

    e2e.py <BASE> <articles-copy> <server-log> <counts-file>

Part 1 is a table of request rows (CASES); part 2 edits the articles copy
while background clients keep requesting pages (hot reload). Results:
one line per case, failures with what was seen, and "<passed> <failed>"
written to the counts file (run.sh prints the summary line).

Python 3 standard library only.
"""
import http.client
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

import hclib

BASE = sys.argv[1].rstrip("/")
ARTICLES = sys.argv[2]
SERVER_LOG = sys.argv[3]
COUNTS = sys.argv[4]
HOST = urllib.parse.urlsplit(BASE).hostname
PORT = urllib.parse.urlsplit(BASE).port

RELOAD_BUDGET = 2.0     # SPEC section 2: live within 2 seconds
POLL_LIMIT = 10.0       # keep polling this long to report the real delay
POLL_EVERY = 0.02
CONFIRM = 10            # consecutive confirmations once a change shows

VERBOSE = os.environ.get("E2E_VERBOSE", "1") != "0"
TALLY = hclib.Tally(VERBOSE)



# ---------------------------------------------------------------- HTTP

class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # lower-case name -> list of values
        self.body = body                # bytes
        self.text = body.decode("utf-8", errors="replace")

    def header(self, name):
        v = self.headers.get(name.lower())
        return None if v is None else "\n".join(v)

    def json(self):
        return json.loads(self.text)


def _read(conn, method, path, headers, body):
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    hdrs = {"Host": "%s:%d" % (HOST, PORT)}
    hdrs.update(headers or {})
    if body is not None:
        body = body.encode("utf-8") if isinstance(body, str) else body
        hdrs.setdefault("Content-Length", str(len(body)))
    for k, v in hdrs.items():
        conn.putheader(k, v)
    conn.endheaders(body)
    r = conn.getresponse()
    data = r.read()
    hd = {}
    for k, v in r.getheaders():
        hd.setdefault(k.lower(), []).append(v)
    return Resp(r.status, hd, data)


def fetch(method, path, headers=None, body=None, timeout=10):
    """One request on a fresh connection; path is sent exactly as given."""
    conn = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    try:
        return _read(conn, method, path, headers, body)
    finally:
        conn.close()


def get(path, headers=None):
    return fetch("GET", path, headers)


# ---------------------------------------------------------------- results

record = TALLY.record


def excerpt(r, n=300):
    if r is None:
        return "no response"
    ct = r.header("content-type") or "-"
    body = r.text.replace("\n", "\\n")
    if len(body) > n:
        body = body[:n] + "..."
    return "status %d, content-type %s, body %r" % (r.status, ct, body)


# ---------------------------------------------------------------- JSON paths
#
# "a.b[0].c", "list[*].slug" (maps over a list), "list[slug=x].title"
# (first element whose key equals x).

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\*|-?\d+|[^\]=]+=[^\]]*)\]")


class Missing:
    def __repr__(self):
        return "<missing>"


MISSING = Missing()


def jget(obj, expr):
    vals, many = [obj], False
    for m in _TOKEN.finditer(expr):
        key, sel = m.group(1), m.group(2)
        out = []
        for v in vals:
            if key is not None:
                out.append(v.get(key, MISSING) if isinstance(v, dict)
                           else MISSING)
            elif sel == "*":
                many = True
                out.extend(v if isinstance(v, list) else [MISSING])
            elif "=" in sel:
                k, want = sel.split("=", 1)
                hit = [x for x in (v if isinstance(v, list) else [])
                       if isinstance(x, dict) and str(x.get(k)) == want]
                out.append(hit[0] if hit else MISSING)
            else:
                i = int(sel)
                out.append(v[i] if isinstance(v, list) and -len(v) <= i < len(v)
                           else MISSING)
        vals = out
    return vals if many else vals[0]


def jcheck(obj, expr, op, want):
    got = jget(obj, expr)
    ok = {
        "==": lambda: got == want,
        "!=": lambda: got != want,
        "type": lambda: isinstance(got, want),
        "nonempty": lambda: isinstance(got, (str, list, dict)) and len(got) > 0,
        "contains": lambda: isinstance(got, (list, str)) and want in got,
        "excludes": lambda: isinstance(got, (list, str)) and want not in got,
        "len": lambda: isinstance(got, (list, dict, str)) and len(got) == want,
        "len>=": lambda: isinstance(got, (list, dict, str)) and len(got) >= want,
        "missing": lambda: got is MISSING,
    }[op]()
    if ok:
        return None
    shown = repr(got)
    if len(shown) > 200:
        shown = shown[:200] + "..."
    return "json %s %s %r: got %s" % (expr, op, want, shown)


# ---------------------------------------------------------------- the table
#
# Each row: name, method (GET), path (sent raw), headers, body, status (an
# int, or "4xx"), hdr {name: substring} ("": must be present; None: must
# be absent), has / hasnt (body substrings), order (substrings in this
# order), json [(expr, op, value)], xml (body must parse), empty (body must
# be empty).
# "{BASE}" in any string is replaced by the server's base URL, and
# "{ETAG:/path}" by the ETag the server gives for /path.
#
# Every response is also held to the invariants in invariants().

LONG = "a" * 1990
XSS = "<script>alert(1)</script>"
XSS_Q = urllib.parse.quote(XSS)

HTML = {"content-type": "text/html; charset=utf-8"}
JSONCT = {"content-type": "application/json; charset=utf-8"}

ZH_TITLE = "<h1>如何注册账号</h1>"
EN_TITLE = "<h1>How to create an account</h1>"
NOTICE_EN = "This article is not yet available in your language"
NOTICE_ZH = "这篇文章还没有您所选语言的版本"
NOTICE_TW = "這篇文章還沒有您所選語言的版本"
SEARCH_FORM = 'action="/search"'

CASES = [
    # --- home, categories, sections
    dict(name="home", path="/", hdr=HTML,
         has=['<html lang="zh-CN">', SEARCH_FORM, "新手入门", "支付与退款",
              'href="/categories/getting-started"', 'href="/categories/billing"',
              "如何注册账号", "/assets/site.css?v="],
         hasnt=["尚未发布的草稿文章", "secret-plan", "个人资料</h3>"]),
    dict(name="home in English (?lang=en)", path="/?lang=en", hdr=HTML,
         has=['<html lang="en">', "Getting started", "How to create an account"]),
    dict(name="HEAD home", method="HEAD", path="/", hdr=HTML, empty=True),
    dict(name="category", path="/categories/billing", hdr=HTML,
         has=["<h1>支付与退款</h1>", "支付方式、退款政策与发票。",
              'href="/articles/payment-methods"', 'href="/articles/invoice"'],
         order=["支持的支付方式", "退款政策", "如何开具发票", "特殊字符"],
         hasnt=["尚未发布的草稿文章"]),
    dict(name="category with a section", path="/categories/getting-started",
         hdr=HTML,
         has=["<h1>新手入门</h1>", 'href="/categories/getting-started/profile"',
              "个人资料", 'href="/articles/create-account"',
              'href="/articles/change-avatar"']),
    dict(name="category in English (Accept-Language)", path="/categories/getting-started",
         headers={"Accept-Language": "en-US,en;q=0.9"}, hdr=HTML,
         has=["<h1>Getting started</h1>", "How to create an account"]),
    dict(name="section page", path="/categories/getting-started/profile",
         hdr=HTML,
         has=["<h1>个人资料</h1>", 'href="/categories/getting-started"',
              'href="/articles/change-avatar"', "如何修改头像"],
         hasnt=['href="/articles/create-account"']),
    dict(name="unknown category -> 404", path="/categories/nope", status=404,
         hdr=HTML, has=[SEARCH_FORM]),

    # --- articles and languages
    dict(name="article zh-CN by default", path="/articles/create-account",
         # A returning visitor (deflection sets hc_v for new ones): no
         # cookie at all, in particular no lang cookie without a choice.
         headers={"Cookie": "hc_v=" + "0" * 32},
         hdr=dict(HTML, **{"set-cookie": None}),
         has=['<html lang="zh-CN">', ZH_TITLE,
              'href="/categories/getting-started"',          # breadcrumb
              '<time datetime="',                             # updated date
              'class="toc"', 'href="#手机号注册"', 'href="#收不到验证码"',
              '<h2 id="手机号注册">', '<h3 id="收不到验证码">',
              '<img src="/articles/create-account.assets/signup-flow.svg"',
              'href="/articles/refund-policy#',               # link by slug
              'href="/articles/change-avatar"',
              'hreflang="en"',                                # other languages
              "/tickets/new?article=create-account"],         # contact us
         hasnt=[EN_TITLE, NOTICE_ZH, NOTICE_EN]),
    dict(name="article ?lang=en: English and sets the lang cookie",
         path="/articles/create-account?lang=en",
         hdr=dict(HTML, **{"set-cookie": "lang=en"}),
         has=['<html lang="en">', EN_TITLE, "Sign up with a phone number",
              'href="#sign-up-with-a-phone-number"'],
         hasnt=[ZH_TITLE, NOTICE_EN]),
    dict(name="lang cookie is for the whole site and lasts",
         path="/articles/create-account?lang=en",
         hdr={"set-cookie": "Path=/", "content-type": "text/html"},
         has=[EN_TITLE]),
    dict(name="article Accept-Language: en", path="/articles/create-account",
         headers={"Accept-Language": "en"}, hdr=HTML,
         has=[EN_TITLE], hasnt=[ZH_TITLE]),
    dict(name="article Accept-Language: fr -> default zh-CN",
         path="/articles/create-account",
         headers={"Accept-Language": "fr-FR,fr;q=0.9"}, hdr=HTML,
         has=[ZH_TITLE], hasnt=[NOTICE_ZH]),
    dict(name="article cookie lang=en beats Accept-Language",
         path="/articles/create-account",
         headers={"Cookie": "lang=en", "Accept-Language": "zh-CN"}, hdr=HTML,
         has=[EN_TITLE]),
    dict(name="article ?lang= beats the cookie",
         path="/articles/create-account?lang=zh-CN",
         headers={"Cookie": "lang=en"}, hdr=HTML, has=[ZH_TITLE]),
    dict(name="article missing in English falls back with a notice",
         path="/articles/invoice?lang=en", hdr=HTML,
         has=["<h1>如何开具发票</h1>", NOTICE_EN]),
    dict(name="article missing in zh-TW falls back with a notice",
         path="/articles/invoice?lang=zh-TW", hdr=HTML,
         has=["<h1>如何开具发票</h1>", NOTICE_TW, '<html lang="zh-TW">']),
    dict(name="article in a section: two-level breadcrumb",
         path="/articles/change-avatar", hdr=HTML,
         has=["<h1>如何修改头像</h1>", 'href="/categories/getting-started"',
              'href="/categories/getting-started/profile"']),
    dict(name="article with a table", path="/articles/refund-policy",
         hdr=HTML,
         has=["<table>", "<th>支付方式</th>", "<td>银行卡</td>",
              '<h2 id="退款时限">']),
    dict(name="article raw HTML and javascript: links are neutralised",
         path="/articles/invoice", hdr=HTML,
         has=["<h1>如何开具发票</h1>", "危险链接"],
         hasnt=['alert("raw-html-xss")', "onclick=", "javascript:",
                '<div class="raw-block"']),
    dict(name="HEAD article", method="HEAD", path="/articles/create-account",
         hdr=HTML, empty=True),
    dict(name="article Markdown source", path="/articles/create-account.md",
         hdr={"content-type": "text/markdown; charset=utf-8"},
         has=["title: 如何注册账号", "## 手机号注册",
              "[退款政策](refund-policy#退款时限)"]),
    dict(name="article Markdown source ?lang=en",
         path="/articles/create-account.md?lang=en",
         hdr={"content-type": "text/markdown; charset=utf-8"},
         has=["title: How to create an account"]),
    dict(name="alias -> 301", path="/articles/old-avatar", status=301,
         hdr={"location": "/articles/change-avatar"}),
    dict(name="alias keeps ?lang= in the redirect",
         path="/articles/old-avatar?lang=en", status=301,
         hdr={"location": "/articles/change-avatar?lang=en"}),
    dict(name="alias .md -> 301 to the source", path="/articles/old-avatar.md",
         status=301, hdr={"location": "/articles/change-avatar.md"}),
    dict(name="draft -> 404", path="/articles/secret-plan", status=404,
         hdr=HTML, has=[SEARCH_FORM],
         hasnt=["尚未发布的草稿文章", "DRAFT-BODY-MARKER"]),
    dict(name="draft source -> 404", path="/articles/secret-plan.md",
         status=404, hasnt=["DRAFT-BODY-MARKER"]),
    dict(name="unknown article -> 404 with a search box",
         path="/articles/no-such-article", status=404, hdr=HTML,
         has=[SEARCH_FORM, 'name="q"']),
    dict(name="unknown article -> 404 in English",
         path="/articles/no-such-article", status=404,
         headers={"Accept-Language": "en"}, has=["Page not found", SEARCH_FORM]),
    dict(name="unknown page -> 404 with a search box", path="/no/such/page",
         status=404, hdr=HTML, has=[SEARCH_FORM]),

    # --- images beside articles, static assets
    dict(name="article image", path="/articles/create-account.assets/signup-flow.svg",
         hdr={"content-type": "image/svg+xml", "x-content-type-options": "nosniff"},
         has=["<svg", "signup-flow"]),
    dict(name="unknown article image -> 404",
         path="/articles/create-account.assets/nope.svg", status=404),
    dict(name="image of an unknown article -> 404",
         path="/articles/nope.assets/signup-flow.svg", status=404),
    dict(name="site.css: ETag and immutable", path="/assets/site.css",
         hdr={"content-type": "text/css", "etag": '"',
              "cache-control": "immutable"}),
    dict(name="site.css conditional -> 304", path="/assets/site.css",
         headers={"If-None-Match": "{ETAG:/assets/site.css}"}, status=304,
         hdr={"etag": '"'}, empty=True),
    dict(name="site.css other ETag -> 200", path="/assets/site.css",
         headers={"If-None-Match": '"0000000000000000"'},
         hdr={"cache-control": "immutable"}, has=["{"]),
    dict(name="site.css weak ETag (as a gzip proxy sends it) -> 304",
         path="/assets/site.css",
         headers={"If-None-Match": "W/{ETAG:/assets/site.css}"}, status=304,
         empty=True),
    dict(name="site.css ETag in a list -> 304", path="/assets/site.css",
         headers={"If-None-Match": '"0000000000000000", {ETAG:/assets/site.css}'},
         status=304, empty=True),
    dict(name="site.js", path="/assets/site.js",
         hdr={"content-type": "javascript", "cache-control": "immutable"}),
    dict(name="unknown asset -> 404", path="/assets/nope.css", status=404),

    # --- feeds
    dict(name="sitemap.xml", path="/sitemap.xml",
         hdr={"content-type": "xml"}, xml=True,
         has=["<urlset", "<loc>{BASE}/</loc>",
              "<loc>{BASE}/articles/create-account</loc>",
              "<loc>{BASE}/categories/getting-started/profile</loc>",
              'hreflang="en" href="{BASE}/articles/create-account?lang=en"'],
         hasnt=["secret-plan", "old-avatar"]),
    dict(name="feed.atom", path="/feed.atom",
         hdr={"content-type": "application/atom+xml"}, xml=True,
         has=["<feed", "<entry>", "<title>如何注册账号</title>",
              'href="{BASE}/articles/create-account"',
              'rel="self" href="{BASE}/feed.atom"'],
         hasnt=["secret-plan", "尚未发布的草稿文章"]),
    dict(name="robots.txt", path="/robots.txt",
         hdr={"content-type": "text/plain"},
         has=["User-agent: *", "Sitemap: {BASE}/sitemap.xml"]),
    dict(name="healthz", path="/healthz", hdr=JSONCT,
         json=[("status", "==", "ok"), ("catalog.usable", "==", True),
               ("catalog.articles", "==", 6), ("catalog.categories", "==", 3),
               ("catalog.problems", "==", 0), ("database.usable", "==", True),
               ("database.writable", "==", True), ("database.message", "==", "ok"),
               ("index.usable", "==", True), ("index.message", "==", "ok")]),

    # --- JSON API
    dict(name="api categories", path="/api/v1/categories", hdr=JSONCT,
         json=[("categories[*].slug", "==", ["getting-started", "billing"]),
               ("categories[slug=getting-started].title", "==", "新手入门"),
               ("categories[slug=getting-started].count", "==", 2),
               ("categories[slug=billing].count", "==", 4),
               ("categories[slug=getting-started].sections[*].slug", "==",
                ["getting-started/profile"]),
               ("categories[slug=getting-started].sections[0].count", "==", 1)]),
    dict(name="api categories ?lang=en", path="/api/v1/categories?lang=en",
         hdr=JSONCT,
         json=[("categories[slug=getting-started].title", "==",
                "Getting started")]),
    dict(name="api articles", path="/api/v1/articles", hdr=JSONCT,
         json=[("total", "==", 6), ("articles", "len", 6),
               ("articles[*].slug", "contains", "create-account"),
               ("articles[*].slug", "contains", "change-avatar"),
               ("articles[*].slug", "excludes", "secret-plan"),
               ("articles[slug=create-account].title", "==", "如何注册账号"),
               ("articles[slug=create-account].url", "==",
                "/articles/create-account"),
               ("articles[slug=create-account].langs", "==", ["zh-CN", "en"]),
               ("articles[slug=create-account].category.slug", "==",
                "getting-started"),
               ("articles[slug=create-account].updated", "nonempty", None),
               ("articles[slug=create-account].html", "missing", None)]),
    dict(name="api articles ?category=billing",
         path="/api/v1/articles?category=billing", hdr=JSONCT,
         json=[("total", "==", 4),
               ("articles[*].slug", "excludes", "create-account"),
               ("articles[*].slug", "contains", "refund-policy")]),
    dict(name="api articles ?category= includes its sections",
         path="/api/v1/articles?category=getting-started", hdr=JSONCT,
         json=[("total", "==", 2),
               ("articles[*].slug", "contains", "change-avatar")]),
    dict(name="api articles ?category=<section>",
         path="/api/v1/articles?category=getting-started%2Fprofile", hdr=JSONCT,
         json=[("total", "==", 1),
               ("articles[0].slug", "==", "change-avatar")]),
    dict(name="api articles ?category=<section> unencoded",
         path="/api/v1/articles?category=getting-started/profile", hdr=JSONCT,
         json=[("total", "==", 1)]),
    dict(name="api articles ?lang=en", path="/api/v1/articles?lang=en",
         hdr=JSONCT,
         json=[("articles[slug=create-account].title", "==",
                "How to create an account"),
               ("articles[slug=create-account].lang", "==", "en"),
               ("articles[slug=invoice].lang", "==", "zh-CN")]),
    dict(name="api articles ?lang=xx -> 400 lang",
         path="/api/v1/articles?lang=xx", status=400, hdr=JSONCT,
         json=[("error.code", "nonempty", None),
               ("error.message", "nonempty", None),
               ("error.field", "==", "lang")]),
    dict(name="api articles ?lang=<malformed UTF-8> -> 400 lang",
         path="/api/v1/articles?lang=%ff%fe", status=400, hdr=JSONCT,
         json=[("error.field", "==", "lang")]),
    dict(name="api articles unknown category -> 400 category",
         path="/api/v1/articles?category=nope", status=400, hdr=JSONCT,
         json=[("error.code", "nonempty", None),
               ("error.message", "nonempty", None),
               ("error.field", "==", "category")]),
    dict(name="api article", path="/api/v1/articles/create-account",
         hdr=JSONCT,
         json=[("slug", "==", "create-account"), ("title", "==", "如何注册账号"),
               ("lang", "==", "zh-CN"), ("fallback", "==", False),
               ("html", "contains", '<h2 id="手机号注册">'),
               ("html", "contains", 'href="/articles/change-avatar"'),
               ("toc", "len", 4), ("toc[0].level", "==", 2),
               ("toc[0].anchor", "==", "手机号注册"),
               ("toc[0].text", "==", "手机号注册"),
               ("toc[1].level", "==", 3)]),
    dict(name="api article ?lang=en", path="/api/v1/articles/create-account?lang=en",
         hdr=JSONCT,
         json=[("title", "==", "How to create an account"),
               ("lang", "==", "en"), ("fallback", "==", False),
               ("toc[0].anchor", "==", "sign-up-with-a-phone-number")]),
    dict(name="api article fallback", path="/api/v1/articles/invoice?lang=en",
         hdr=JSONCT,
         json=[("lang", "==", "zh-CN"), ("fallback", "==", True),
               ("html", "excludes", "<script"),
               ("html", "excludes", "javascript:")]),
    dict(name="api article with a table", path="/api/v1/articles/refund-policy",
         hdr=JSONCT,
         json=[("html", "contains", "<table>"), ("toc", "len", 2)]),
    dict(name="api article alias -> 301", path="/api/v1/articles/old-avatar",
         status=301, hdr={"location": "/api/v1/articles/change-avatar"}),
    dict(name="api article alias keeps ?lang= in the redirect",
         path="/api/v1/articles/old-avatar?lang=en", status=301,
         hdr={"location": "/api/v1/articles/change-avatar?lang=en"}),
    dict(name="api article unknown -> 404 error object",
         path="/api/v1/articles/no-such-article", status=404, hdr=JSONCT,
         json=[("error.code", "nonempty", None),
               ("error.message", "nonempty", None)]),
    dict(name="api article draft -> 404", path="/api/v1/articles/secret-plan",
         status=404, hdr=JSONCT, json=[("error.code", "nonempty", None)],
         hasnt=["DRAFT-BODY-MARKER"]),
    dict(name="api article bad escape -> 404 JSON",
         path="/api/v1/articles/%zz", status=404, hdr=JSONCT,
         json=[("error.code", "nonempty", None)]),
    dict(name="api article ?lang=xx -> 400 lang",
         path="/api/v1/articles/create-account?lang=xx", status=400,
         hdr=JSONCT, json=[("error.field", "==", "lang")]),
    dict(name="api unknown endpoint -> 404 JSON error",
         path="/api/v1/no-such-endpoint", status=404, hdr=JSONCT,
         json=[("error.code", "nonempty", None),
               ("error.message", "nonempty", None)]),

    # --- methods
    dict(name="POST to a page -> 405", method="POST", path="/",
         headers={"Content-Type": "application/x-www-form-urlencoded"},
         body="a=b", status=405, hdr=dict(HTML, allow="GET")),
    dict(name="POST to an article -> 405", method="POST",
         path="/articles/create-account",
         headers={"Content-Type": "application/x-www-form-urlencoded"},
         body="a=b", status=405, hdr={"allow": "GET"}),
    dict(name="DELETE an article -> 405", method="DELETE",
         path="/articles/create-account", status=405),
    dict(name="POST to a GET-only API -> 405 JSON", method="POST",
         path="/api/v1/categories", headers={"Content-Type": "application/json"},
         body="{}", status=405, hdr=dict(JSONCT, allow="GET"),
         json=[("error.code", "nonempty", None)]),

    # --- security headers
    dict(name="security headers on HTML", path="/articles/create-account",
         hdr={"content-security-policy": "frame-ancestors 'none'",
              "x-content-type-options": "nosniff",
              "referrer-policy": "",
              "strict-transport-security": None}),
    dict(name="security headers on the 404 page", path="/nope", status=404,
         hdr={"content-security-policy": "frame-ancestors 'none'",
              "x-content-type-options": "nosniff", "referrer-policy": "",
              "strict-transport-security": None}),

    # --- bad paths: 4xx, never 5xx, never a file's content
    dict(name="bad path ../../etc/passwd", path="/articles/../../etc/passwd",
         status="4xx", hasnt=["root:x:0:0"]),
    dict(name="bad path encoded ../", path="/articles/%2e%2e%2fetc%2fpasswd",
         status="4xx", hasnt=["root:x:0:0"]),
    dict(name="bad path %zz", path="/articles/%zz", status="4xx"),
    dict(name="bad path %00", path="/articles/%00", status="4xx"),
    dict(name="bad path %00 in a slug", path="/articles/create-account%00.md",
         status="4xx"),
    dict(name="bad path overlong UTF-8 %C0%AF", path="/articles/%C0%AF",
         status="4xx"),
    dict(name="bad path /categories/%ff", path="/categories/%ff",
         status="4xx"),
    dict(name="bad path 2000 chars", path="/articles/" + LONG, status="4xx"),
    dict(name="bad path 2000 chars in categories", path="/categories/" + LONG,
         status="4xx"),
    dict(name="bad path 2000 chars in the API", path="/api/v1/articles/" + LONG,
         status="4xx"),
    dict(name="bad path 1000 chars", path="/articles/" + "b" * 1000,
         status=404),
    dict(name="bad path /assets/../kore.conf", path="/assets/../kore.conf",
         status="4xx", hasnt=["server default", "bind"]),
    dict(name="bad path /assets/%2e%2e%2fkore.conf",
         path="/assets/%2e%2e%2fkore.conf", status="4xx",
         hasnt=["server default"]),
    dict(name="bad path a.assets/../../x", path="/articles/a.assets/../../x",
         status="4xx"),
    dict(name="bad path assets/../../_index.md",
         path="/articles/create-account.assets/..%2f..%2f_index.md",
         status="4xx", hasnt=["title: 新手入门"]),
    dict(name="bad path .assets/%2e%2e/", path="/articles/create-account.assets/%2e%2e/create-account.md",
         status="4xx", hasnt=["title: 如何注册账号"]),
    dict(name="bad path uppercase slug", path="/articles/Create-Account",
         status=404),
    dict(name="bad path trailing slash", path="/articles/create-account/",
         status="4xx"),
    dict(name="bad path double slash", path="/articles//create-account",
         status="4xx"),
    dict(name="bad path empty slug", path="/articles/", status="4xx"),
    dict(name="bad path empty category", path="/categories/", status="4xx"),
    dict(name="bad path /categories/../articles",
         path="/categories/../articles", status="4xx"),
    dict(name="bad path /api/v1/articles/%2e%2e",
         path="/api/v1/articles/%2e%2e", status="4xx"),

    # --- odd headers and queries: no 5xx
    dict(name="odd Accept-Language", path="/",
         headers={"Accept-Language": ";q=,,;;q=abc, -, *;q=2"}, status=200),
    dict(name="huge Accept-Language", path="/",
         headers={"Accept-Language": ",".join(["en-US;q=0.%d" % (i % 10)
                                               for i in range(600)])},
         status=200),
    dict(name="odd cookie", path="/articles/create-account",
         headers={"Cookie": "lang=%3Cscript%3E; lang=; =;;"}, status=200,
         has=[ZH_TITLE], hasnt=["<script>alert"]),
    dict(name="query without '='", path="/api/v1/articles?lang&category",
         status=200, hdr=JSONCT, json=[("total", "==", 6)]),
    dict(name="query with a bad escape", path="/articles/create-account?lang=%zz",
         status=200, has=[ZH_TITLE]),

    # --- HTML escaping: what a visitor types is never reflected raw
    dict(name="XSS in ?lang= (raw) on an article",
         path="/articles/create-account?lang=" + XSS, status=200,
         has=[ZH_TITLE], hasnt=[XSS, "<script>alert"]),
    dict(name="XSS in ?lang= (encoded) on an article",
         path="/articles/create-account?lang=" + XSS_Q, status=200,
         hasnt=[XSS, "<script>alert"]),
    dict(name="XSS in ?lang= on home", path="/?lang=" + XSS_Q, status=200,
         hasnt=[XSS, "<script>alert"]),
    dict(name="XSS in ?lang= on a category",
         path="/categories/billing?lang=" + XSS_Q, status=200,
         hasnt=[XSS, "<script>alert"]),
    dict(name="XSS in ?lang= on a 404", path="/articles/nope?lang=" + XSS_Q,
         status=404, hasnt=[XSS, "<script>alert"]),
    dict(name="XSS in ?lang= on the API", path="/api/v1/articles?lang=" + XSS_Q,
         status=400, hdr=JSONCT, hasnt=["<script>alert"],
         json=[("error.field", "==", "lang")]),
    dict(name="XSS in the path of a 404 (raw)",
         path='/nope/"><script>alert(1)</script>', status=404,
         hasnt=["<script>alert", '"><script']),
    dict(name="XSS in the path of a 404 (encoded)",
         path="/nope/%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E", status=404,
         hasnt=["<script>alert", '"><script']),
    dict(name="protocol-relative path on a 404 gives no off-site links",
         path="//evil.example/x", status=404,
         hasnt=['href="//evil.example']),
    dict(name="backslash path on a 404 gives no off-site links",
         path="/\\evil.example/x", status=404,
         hasnt=['href="/\\evil.example']),
    dict(name="HTML in a title and summary is escaped on the article",
         path="/articles/special-chars", hdr=HTML,
         has=["&lt;b&gt;标题&lt;/b&gt; &amp;", "&lt;i&gt;斜体&lt;/i&gt;"],
         hasnt=["<b>标题</b>", "<i>斜体</i>", "<em>一</em>"]),
    dict(name="HTML in a title is escaped on the category page",
         path="/categories/billing", hdr=HTML,
         has=["&lt;b&gt;标题&lt;/b&gt;"], hasnt=["<b>标题</b>", "<i>斜体</i>"]),
    dict(name="HTML in a title is escaped on home", path="/", hdr=HTML,
         hasnt=["<b>标题</b>"]),
    dict(name="HTML in a title is escaped in the feed", path="/feed.atom",
         xml=True, has=["<title>特殊字符 &lt;b&gt;标题&lt;/b&gt; &amp;"],
         hasnt=["<b>标题</b>", "<i>斜体</i>"]),
    dict(name="HTML in a title is plain text in the API",
         path="/api/v1/articles/special-chars", hdr=JSONCT,
         json=[("title", "==", '特殊字符 <b>标题</b> & "引号"'),
               ("summary", "==", "摘要 <i>斜体</i> & 更多"),
               ("html", "excludes", "<em>"),
               ("toc[0].text", "contains", "小节")]),
    dict(name="XSS in the path of a category",
         path="/categories/%3Cscript%3Ealert(1)%3C%2Fscript%3E", status="4xx",
         hasnt=["<script>alert"]),
    # ---- search: results, and bad input that must never give a 5xx ----
    dict(name="search API finds an article by a Chinese word",
         path="/api/v1/search?q=%E5%8F%91%E7%A5%A8", hdr=JSONCT,
         json=[("results[0].slug", "==", "invoice"),
               ("search_id", "nonempty", None),
               ("results[0].snippet", "contains", "<mark>")]),
    dict(name="search API: no facets unless asked for",
         path="/api/v1/search?q=%E5%8F%91%E7%A5%A8", hdr=JSONCT,
         json=[("facets", "missing", None), ("total", "type", int)]),
    dict(name="search API: facets=1 counts by category, type and language",
         path="/api/v1/search?q=%E5%8F%91%E7%A5%A8&facets=1", hdr=JSONCT,
         json=[("facets.categories", "nonempty", None),
               ("facets.types[0].value", "==", "article"),
               ("facets.langs", "nonempty", None)]),
    dict(name="search: facets=2 -> 400", path="/api/v1/search?q=a&facets=2",
         status=400, hdr=JSONCT, json=[("error.field", "==", "facets")]),
    dict(name="search API: traditional characters find simplified text",
         path="/api/v1/search?q=%E7%99%BC%E7%A5%A8", hdr=JSONCT,
         json=[("results[0].slug", "==", "invoice")]),
    dict(name="search page shows results with highlights",
         path="/search?q=%E5%8F%91%E7%A5%A8", hdr=HTML,
         has=["<mark>", "/articles/invoice?"]),
    dict(name="search page with nothing found offers community and ticket",
         path="/search?q=zzqqxxyy", hdr=HTML,
         has=["/community/new?title=zzqqxxyy", "/tickets/new?q=zzqqxxyy"]),
    dict(name="search: a script in the query is escaped",
         path="/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", hdr=HTML,
         hasnt=["<script>alert"]),
    dict(name="search: unbalanced quote", path="/api/v1/search?q=%22%E5%8F%91%E7%A5%A8",
         hdr=JSONCT, json=[("results[0].slug", "==", "invoice")]),
    dict(name="search: a lone operator", path="/api/v1/search?q=AND",
         hdr=JSONCT, json=[("total", "==", 0)]),
    dict(name="search: operators around CJK", path="/api/v1/search?q=%E5%8F%91%E7%A5%A8+NOT+%22a",
         hdr=JSONCT),
    dict(name="search: an operator with nothing after it searches the words",
         path="/api/v1/search?q=%E5%8F%91%E7%A5%A8+OR", hdr=JSONCT,
         json=[("results[0].slug", "==", "invoice")]),
    dict(name="search: Chinese between Latin words beside an operator searches the words",
         path="/api/v1/search?q=open+%E5%8F%91%E7%A5%A8+page+AND+%E5%8F%91%E7%A5%A8",
         hdr=JSONCT, json=[("results[0].slug", "==", "invoice")]),
    dict(name="search: AND NOT with Chinese words",
         path="/api/v1/search?q=%E5%8F%91%E7%A5%A8+AND+NOT+%E9%80%80%E6%AC%BE",
         hdr=JSONCT, json=[("results[0].slug", "==", "invoice")]),
    dict(name="search: 257 characters -> 400 q",
         path="/api/v1/search?q=" + "a" * 257, status=400, hdr=JSONCT,
         json=[("error.field", "==", "q")]),
    dict(name="search: bad UTF-8 -> 400 q", path="/api/v1/search?q=%ff%fe",
         status=400, hdr=JSONCT, json=[("error.field", "==", "q")]),
    dict(name="search: overlong UTF-8 -> 400 q", path="/api/v1/search?q=%C0%AF",
         status=400, hdr=JSONCT, json=[("error.field", "==", "q")]),
    dict(name="search: missing q -> 400 q", path="/api/v1/search",
         status=400, hdr=JSONCT, json=[("error.field", "==", "q")]),
    dict(name="search: per_page=51 -> 400", path="/api/v1/search?q=a&per_page=51",
         status=400, hdr=JSONCT, json=[("error.field", "==", "per_page")]),
    dict(name="search: page=0 -> 400", path="/api/v1/search?q=a&page=0",
         status=400, hdr=JSONCT, json=[("error.field", "==", "page")]),
    dict(name="search: page=abc -> 400", path="/api/v1/search?q=a&page=abc",
         status=400, hdr=JSONCT, json=[("error.field", "==", "page")]),
    dict(name="search: unknown type -> 400", path="/api/v1/search?q=a&type=video",
         status=400, hdr=JSONCT, json=[("error.field", "==", "type")]),
    dict(name="search: unknown category -> 400", path="/api/v1/search?q=a&category=nope",
         status=400, hdr=JSONCT, json=[("error.field", "==", "category")]),
    dict(name="search: filter by category", path="/api/v1/search?q=%E5%8F%91%E7%A5%A8&category=billing",
         hdr=JSONCT, json=[("results[0].slug", "==", "invoice")]),
    dict(name="search page: bad page -> 400 page", path="/search?q=a&page=-1",
         status=400, hdr=HTML),
    dict(name="suggest: prefix of a word", path="/api/v1/suggest?q=acc",
         hdr=JSONCT),
    dict(name="suggest: empty query gives no suggestions", path="/api/v1/suggest?q=",
         hdr=JSONCT, json=[("suggestions", "==", [])]),
    dict(name="suggest: bad UTF-8 -> 400", path="/api/v1/suggest?q=%ff",
         status=400, hdr=JSONCT),
]


def substitute(s, cache):
    if not isinstance(s, str):
        return s
    s = s.replace("{BASE}", BASE)

    def etag(m):
        p = m.group(1)
        if p not in cache:
            cache[p] = get(p).header("etag") or "no-etag"
        return cache[p]
    return re.sub(r"\{ETAG:([^}]*)\}", etag, s)


def status_ok(want, got):
    if want == "4xx":
        return 400 <= got <= 499
    return got == want


def invariants(row, r):
    """What every response must satisfy, whatever the row."""
    out = []
    path = row["path"]
    if r.status >= 500:
        out.append("status %d: a 5xx is a bug" % r.status)
    if r.header("strict-transport-security") is not None:
        out.append("Strict-Transport-Security sent on plain HTTP")
    ct = r.header("content-type") or ""
    if ct.startswith("text/html"):
        csp = r.header("content-security-policy") or ""
        if "frame-ancestors 'none'" not in csp:
            out.append("HTML without CSP frame-ancestors 'none'")
        if (r.header("x-content-type-options") or "") != "nosniff":
            out.append("HTML without X-Content-Type-Options: nosniff")
        if r.header("referrer-policy") is None:
            out.append("HTML without Referrer-Policy")
        if r.status == 404 and SEARCH_FORM not in r.text:
            out.append("404 page without a search box")
    if (path.startswith("/api/") and not 300 <= r.status < 400
            and r.status not in (414,)):
        if not ct.startswith("application/json"):
            out.append("API answered %r, not JSON" % ct)
        elif r.status >= 400:
            try:
                err = r.json().get("error", {})
                if not (err.get("code") and err.get("message")):
                    out.append("API error without error.code/message")
                elif not re.fullmatch(r"[a-z][a-z0-9_]*", err["code"]):
                    out.append("error.code %r is not snake_case" % err["code"])
            except Exception as e:  # noqa: BLE001
                out.append("API error body is not an error object: %s" % e)
    # Errors never show a stack or a file path.
    if not ct.startswith(("text/css", "text/javascript", "image/")):
        for leak in (ARTICLES, os.getcwd(), "Traceback", "segfault"):
            if leak in r.text:
                out.append("body leaks %r" % leak)
                break
        m = re.search(r"[\w/]+\.[ch]:\d+", r.text)
        if m:
            out.append("body shows a source location %r" % m.group(0))
    return out


def run_row(row, etags):
    method = row.get("method", "GET")
    path = row["path"]
    headers = {k: substitute(v, etags) for k, v in row.get("headers", {}).items()}
    try:
        r = fetch(method, path, headers, row.get("body"))
    except Exception as e:  # noqa: BLE001
        return ["request failed: %s: %s" % (type(e).__name__, e)], None
    problems = []
    want = row.get("status", 200)
    if not status_ok(want, r.status):
        problems.append("status %d, expected %s" % (r.status, want))
    for name, sub in row.get("hdr", {}).items():
        v = r.header(name)
        if sub is None:
            if v is not None:
                problems.append("header %s must be absent, got %r" % (name, v))
        elif v is None:
            problems.append("header %s missing" % name)
        elif substitute(sub, etags) not in v:
            problems.append("header %s is %r, expected to contain %r"
                            % (name, v, substitute(sub, etags)))
    for s in row.get("has", []):
        s = substitute(s, etags)
        if s not in r.text:
            problems.append("body lacks %r" % s)
    for s in row.get("hasnt", []):
        s = substitute(s, etags)
        if s in r.text:
            i = r.text.index(s)
            problems.append("body contains %r: ...%s..."
                            % (s, r.text[max(0, i - 60):i + 60]))
    pos = 0
    for s in row.get("order", []):
        i = r.text.find(s, pos)
        if i < 0:
            problems.append("body lacks %r after position %d (order %r)"
                            % (s, pos, row["order"]))
            break
        pos = i + len(s)
    if row.get("empty") and r.body:
        problems.append("body must be empty, has %d bytes" % len(r.body))
    if row.get("xml"):
        try:
            ET.fromstring(r.body)
        except ET.ParseError as e:
            problems.append("body is not well-formed XML: %s" % e)
    if row.get("json"):
        try:
            doc = r.json()
        except ValueError as e:
            problems.append("body is not JSON: %s" % e)
        else:
            for expr, op, val in row["json"]:
                p = jcheck(doc, expr, op, val)
                if p:
                    problems.append(p)
    problems += invariants(row, r)
    return problems, r


def run_table():
    print("== request table (%d rows)" % len(CASES))
    etags = {}
    for row in CASES:
        problems, r = run_row(row, etags)
        name = "%s  [%s %s]" % (row["name"], row.get("method", "GET"),
                                row["path"] if len(row["path"]) < 80
                                else row["path"][:77] + "...")
        record(name, problems, excerpt(r) if problems else "")


# ---------------------------------------------------------------- hot reload

class Hammer(threading.Thread):
    """Requests pages non-stop; any answer but 200 is a failed request."""

    URLS = ["/articles/create-account", "/", "/articles/create-account?lang=en",
            "/api/v1/articles", "/categories/billing", "/articles/refund-policy",
            "/articles/payment-methods"]

    def __init__(self, keepalive):
        super().__init__(daemon=True)
        self.keepalive = keepalive
        self.stop = threading.Event()
        self.count = 0
        self.errors = []

    def one(self, conn, path):
        r = _read(conn, "GET", path, {}, None)
        if (r.header("connection") or "").lower() == "close":
            conn.close()
        return r

    def run(self):
        conn = None
        i = 0
        while not self.stop.is_set():
            path = self.URLS[i % len(self.URLS)]
            i += 1
            try:
                if self.keepalive:
                    if conn is None:
                        conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
                    try:
                        r = self.one(conn, path)
                    except (http.client.RemoteDisconnected,
                            ConnectionResetError, BrokenPipeError):
                        # The server may close an idle or used-up keep-alive
                        # connection; a client retries once on a new one.
                        conn.close()
                        conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
                        r = self.one(conn, path)
                else:
                    r = fetch("GET", path)
                self.count += 1
                if r.status != 200:
                    self.errors.append("%s -> %d at %s" % (
                        path, r.status, time.strftime("%H:%M:%S")))
            except Exception as e:  # noqa: BLE001
                self.count += 1
                self.errors.append("%s -> %s: %s" % (path, type(e).__name__, e))
                if conn is not None:
                    conn.close()
                    conn = None
                time.sleep(0.01)


def write(rel, text):
    path = os.path.join(ARTICLES, rel)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def read(rel):
    with open(os.path.join(ARTICLES, rel), encoding="utf-8") as f:
        return f.read()


def wait_until(pred):
    """Seconds until pred() holds, then CONFIRM more times; None if never."""
    start = time.monotonic()
    while time.monotonic() - start < POLL_LIMIT:
        try:
            ok, _ = pred()
        except Exception:  # noqa: BLE001
            ok = False
        if ok:
            delay = time.monotonic() - start
            for _ in range(CONFIRM):
                ok, seen = pred()
                if not ok:
                    return delay, "showed after %.3f s, then flapped back: %s" % (
                        delay, seen)
                time.sleep(POLL_EVERY)
            return delay, None
        time.sleep(POLL_EVERY)
    return None, "not seen within %.0f s: %s" % (POLL_LIMIT, pred()[1])


def page_has(path, status, text=None):
    def pred():
        r = get(path)
        ok = r.status == status and (text is None or text in r.text)
        return ok, excerpt(r, 160)
    return pred


def healthz():
    return get("/healthz").json()


delays = []


def reload_case(name, action, pred):
    action()
    delay, err = wait_until(pred)
    problems = []
    if err:
        problems.append(err)
    elif delay > RELOAD_BUDGET:
        problems.append("took %.3f s, more than %.1f s" % (delay, RELOAD_BUDGET))
    if delay is not None:
        delays.append((name, delay))
    record("hot reload: " + name, problems,
           "%.3f s" % delay if delay is not None and not problems else "")
    return not problems


def run_hot_reload():
    print("== hot reload")
    hammers = [Hammer(False), Hammer(True)]
    for h in hammers:
        h.start()
    time.sleep(0.5)
    base_problems = healthz()["catalog"]["problems"]

    # (a) an edited title shows
    old = read("billing/payment-methods.md")
    reload_case("edit a title",
                lambda: write("billing/payment-methods.md",
                              old.replace("title: 支持的支付方式",
                                          "title: 支持的支付方式（已更新）")),
                page_has("/articles/payment-methods", 200,
                         "<h1>支持的支付方式（已更新）</h1>"))
    r = get("/api/v1/articles?category=billing")
    record("hot reload: edited title in the API and category page",
           [p for p in [
               jcheck(r.json(), "articles[slug=payment-methods].title", "==",
                      "支持的支付方式（已更新）"),
               None if "支持的支付方式（已更新）" in get("/categories/billing").text
               else "category page still shows the old title"] if p])

    # (b) a new article is served
    new = ("---\ntitle: 礼品卡使用说明\nsummary: 如何使用礼品卡。\n"
           "tags: [礼品卡]\norder: 4\n---\n\n礼品卡可以在结算时抵扣。\n\n"
           "## 余额查询\n\n在 **我的 → 礼品卡** 查看余额。\n")
    reload_case("add an article",
                lambda: write("billing/gift-card.md", new),
                page_has("/articles/gift-card", 200, "<h1>礼品卡使用说明</h1>"))
    r = get("/api/v1/articles?category=billing")
    record("hot reload: new article listed in the API",
           [p for p in [jcheck(r.json(), "total", "==", 5),
                        jcheck(r.json(), "articles[*].slug", "contains",
                               "gift-card")] if p])

    # (c) a deleted article is gone
    reload_case("delete an article",
                lambda: os.unlink(os.path.join(ARTICLES, "billing/invoice.md")),
                page_has("/articles/invoice", 404))
    r = get("/sitemap.xml")
    record("hot reload: deleted article gone from the sitemap",
           ["sitemap still lists /articles/invoice"]
           if "/articles/invoice<" in r.text else [])

    # (d) a renamed file moves
    def renamed():
        a, b = get("/articles/gift-card"), get("/articles/gift-cards")
        return (a.status == 404 and b.status == 200
                and "<h1>礼品卡使用说明</h1>" in b.text,
                "old %d, new %d" % (a.status, b.status))
    reload_case("rename an article file",
                lambda: os.rename(os.path.join(ARTICLES, "billing/gift-card.md"),
                                  os.path.join(ARTICLES, "billing/gift-cards.md")),
                renamed)
    h = healthz()
    record("hot reload: no problems after the renames and deletes",
           [] if h["catalog"]["problems"] == base_problems else
           ["healthz problems %d, was %d" % (h["catalog"]["problems"],
                                            base_problems)],
           json.dumps(h["catalog"]))

    # (e) broken YAML: the last good version stays, the problem is reported
    good = read("getting-started/create-account.md")
    broken = good.replace("title: 如何注册账号", "title: [如何注册账号 (unclosed",
                          1)
    assert broken != good

    def problems_up():
        n = healthz()["catalog"]["problems"]
        return n > base_problems, "problems %d (was %d)" % (n, base_problems)
    reload_case("broken YAML is reported on /healthz",
                lambda: write("getting-started/create-account.md", broken),
                problems_up)
    seen = []
    for _ in range(20):
        r = get("/articles/create-account")
        if r.status != 200 or ZH_TITLE not in r.text:
            seen.append(excerpt(r, 160))
        time.sleep(0.02)
    record("hot reload: broken YAML keeps the last good version served",
           ["%d of 20 requests did not show the last good version"
            % len(seen)] if seen else [], seen[0] if seen else "")
    r = get("/articles/create-account?lang=en")
    record("hot reload: broken source leaves its translation served",
           [] if r.status == 200 and EN_TITLE in r.text else
           ["English version not served"],
           "" if r.status == 200 and EN_TITLE in r.text else excerpt(r, 160))
    time.sleep(0.3)
    try:
        with open(SERVER_LOG, encoding="utf-8", errors="replace") as f:
            log = f.read()
    except OSError as e:
        log = str(e)
    m = re.search(r"getting-started/create-account\.md:(\d+): (.+)", log)
    record("hot reload: the log names the file, line and reason",
           [] if m and int(m.group(1)) > 0 else
           ["no 'getting-started/create-account.md:<line>: <reason>' in the log"],
           m.group(0) if m else log[-300:])

    # ... and fixing it goes live again
    fixed = good.replace("title: 如何注册账号", "title: 如何注册新账号", 1)

    def fixed_live():
        r = get("/articles/create-account")
        n = healthz()["catalog"]["problems"]
        return (r.status == 200 and "<h1>如何注册新账号</h1>" in r.text
                and n == base_problems,
                "problems %d; %s" % (n, excerpt(r, 120)))
    reload_case("fix the broken YAML", lambda: write(
        "getting-started/create-account.md", fixed), fixed_live)

    # (f) an edited translation shows
    en = read("getting-started/create-account.en.md")
    reload_case("edit a translation",
                lambda: write("getting-started/create-account.en.md",
                              en.replace("title: How to create an account",
                                         "title: How to sign up")),
                page_has("/articles/create-account?lang=en", 200,
                         "<h1>How to sign up</h1>"))

    # (g) a new category folder with an article
    def new_category():
        os.mkdir(os.path.join(ARTICLES, "warranty"))
        write("warranty/_index.md", "---\ntitle: 保修服务\norder: 3\n---\n")
        write("warranty/repair.md", "---\ntitle: 如何申请维修\n---\n\n"
              "在订单详情页点击 **申请维修**。\n")

    def category_live():
        a, c = get("/articles/repair"), get("/categories/warranty")
        return (a.status == 200 and "<h1>如何申请维修</h1>" in a.text
                and c.status == 200 and "<h1>保修服务</h1>" in c.text,
                "article %d, category %d" % (a.status, c.status))
    reload_case("add a category folder with an article", new_category,
                category_live)

    # (h) a new image beside an article
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           '<title>new-image</title></svg>\n')
    reload_case("add an image",
                lambda: write("getting-started/create-account.assets/new.svg",
                              svg),
                page_has("/articles/create-account.assets/new.svg", 200,
                         "new-image"))

    # (i) a duplicate slug: the article served so far stays, the new file
    # is the one reported
    base_problems = healthz()["catalog"]["problems"]
    reload_case("duplicate slug is reported on /healthz",
                lambda: write("billing/change-avatar.md",
                              "---\ntitle: 重复的头像文章\n---\n\n正文。\n"),
                problems_up)
    seen = []
    for _ in range(10):
        r = get("/articles/change-avatar")
        if r.status != 200 or "<h1>如何修改头像</h1>" not in r.text:
            seen.append(excerpt(r, 160))
        time.sleep(0.02)
    record("hot reload: duplicate slug leaves the existing article served",
           ["%d of 10 requests did not show the existing article" % len(seen)]
           if seen else [], seen[0] if seen else "")
    reload_case("remove the duplicate",
                lambda: os.unlink(os.path.join(ARTICLES,
                                               "billing/change-avatar.md")),
                lambda: (healthz()["catalog"]["problems"] == base_problems
                         and "<h1>如何修改头像</h1>"
                         in get("/articles/change-avatar").text, "still"))

    # (j) a deleted translation: the source is shown with the notice
    reload_case("delete a translation",
                lambda: os.unlink(os.path.join(
                    ARTICLES, "getting-started/create-account.en.md")),
                page_has("/articles/create-account?lang=en", 200, NOTICE_EN))

    # (k) a burst of saves: the last one wins, nothing fails meanwhile
    pm = read("billing/payment-methods.md")

    def burst():
        for i in range(30):
            write("billing/payment-methods.md",
                  re.sub(r"(?m)^title: .*$", "title: 支付方式第%d版" % i, pm))
            time.sleep(0.03)
    reload_case("a burst of 30 saves, the last is live", burst,
                page_has("/articles/payment-methods", 200,
                         "<h1>支付方式第29版</h1>"))

    # (l) the index folder replaced (as a damaged one is moved aside and
    # rebuilt): workers must follow the new folder, which reopen() misses
    data_dir = os.path.dirname(SERVER_LOG)

    def swap_index():
        os.rename(os.path.join(data_dir, "index"),
                  os.path.join(data_dir, "index.aside"))
        write("billing/zqxswap.md", "---\ntitle: 换索引 zqxswap\n---\n\nzqxswap\n")

    def swapped():
        r = get("/api/v1/search?q=zqxswap")
        return (r.status == 200 and '"slug":"zqxswap"' in r.text,
                "status %d, %s" % (r.status, r.text[:200]))

    reload_case("index folder replaced: search follows the new one",
                swap_index, swapped)

    time.sleep(0.5)
    for h in hammers:
        h.stop.set()
    for h in hammers:
        h.join(15)
    for h in hammers:
        kind = "keep-alive" if h.keepalive else "new connection each"
        record("hot reload: no failed request in the background (%s)" % kind,
               ["%d of %d requests failed" % (len(h.errors), h.count)]
               + h.errors[:10] if h.errors or h.count == 0 else [],
               "%d requests" % h.count)


def main():
    try:
        run_table()
        run_hot_reload()
    except Exception as e:  # noqa: BLE001
        import traceback
        traceback.print_exc()
        record("e2e.py ran to the end", ["crashed: %s: %s" % (
            type(e).__name__, e)])
    if delays:
        print("hot-reload delays: " + ", ".join(
            "%s %.3f s" % d for d in delays))
    if TALLY.failures:
        print("\n%d failure(s):" % len(TALLY.failures))
        for name, problems, _ in TALLY.failures:
            print("  %s: %s" % (name, "; ".join(problems)))
    with open(COUNTS, "w") as f:
        f.write("%d %d\n" % TALLY.counts())


if __name__ == "__main__":
    main()
