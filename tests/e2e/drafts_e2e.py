#!/usr/bin/env python3
"""drafts_e2e.py: a draft article (draft: true) previewed by editors only.

    drafts_e2e.py <BASE> <articles-copy> <server-log> <counts-file> <data-dir>

The e2e tree's billing/secret-plan.md is a draft. A signed-in editor sees
it at /articles/secret-plan with a "draft" banner in the interface's
language, noindex and Cache-Control: private, no-store; everyone else
(anonymous, an agent's session or token, an editor's token on the API)
gets 404, before and after the editor's visit (the page cache must not
carry it either way). It is in no list: home, category, sitemap, feed,
the API's article list, search (page and API), and a preview records no
view event (so it cannot become "popular").
"""
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse

import hclib

BASE = sys.argv[1].rstrip("/")
COUNTS = sys.argv[4]
DATA = sys.argv[5]
HOST = urllib.parse.urlsplit(BASE).hostname
PORT = urllib.parse.urlsplit(BASE).port
HCCTL = os.environ.get("HC_BUILD", "build") + "/hcctl"
TALLY = hclib.Tally(os.environ.get("E2E_VERBOSE", "1") != "0")
ADDRS = hclib.AddressPool(212)

SLUG = "secret-plan"
MARKER = "DRAFT-BODY-MARKER"
TITLE = "尚未发布的草稿文章"
BANNERS = {"zh-CN": "草稿预览：这篇文章尚未发布",
           "en": "Draft preview: this article is not published",
           "zh-TW": "草稿預覽：這篇文章尚未發布"}
NOINDEX = '<meta name="robots" content="noindex">'


def fetch(path, headers=None, method="GET", body=None):
    return hclib.fetch(HOST, PORT, method, path, headers or {}, body,
                       ADDRS.next())


def token(role, name):
    env = dict(os.environ, DATA=DATA)
    out = subprocess.run([HCCTL, "token", "add", role, name], env=env,
                         capture_output=True, text=True, timeout=30).stdout
    m = re.search(r"hc_[0-9a-f]{40}", out)
    if not m:
        raise RuntimeError("hcctl token add %s: %r" % (role, out))
    return m.group(0)


def case(name, fn):
    try:
        problems = fn()
    except Exception as e:          # a crash is this case's failure
        problems = ["raised %r" % (e,)]
    TALLY.record(name, problems or [])


def absent(r, what, echoed=()):
    """Problems when response r shows the draft: a link to it, its slug as
    a JSON value, its title or its text (but what the request echoes, a
    query or a path, in echoed)."""
    p = []
    for s in ('href="/articles/%s' % SLUG, '/articles/%s<' % SLUG,
              '"%s"' % SLUG, TITLE, MARKER):
        if s in r.text and not any(s in e for e in echoed):
            p.append("%s shows %r" % (what, s))
    return p


# A 404 page links its own path (the language switcher): its title and
# text are what must not be there.
SELF = ['href="/articles/%s' % SLUG, '/articles/%s<' % SLUG, '"%s"' % SLUG]


def main():
    editor = token("editor", "draft-editor-%d" % os.getpid())
    agent = token("agent", "draft-agent-%d" % os.getpid())
    ed_cookie = hclib.staff_cookie(HOST, PORT, editor, ADDRS.next())
    ag_cookie = hclib.staff_cookie(HOST, PORT, agent, ADDRS.next(), "/agent")
    if not ed_cookie or not ag_cookie:
        TALLY.record("drafts: staff sign-in", ["no session cookie"])
        return
    page = "/articles/" + SLUG

    def not_public_first():
        # Before any editor's visit, so no cache can be warm with it.
        r = fetch(page)
        p = [] if r.status == 404 else ["anonymous: %d" % r.status]
        return p + absent(r, "anonymous 404 page", SELF)
    case("drafts: anonymous gets 404 at the draft's URL", not_public_first)

    def editor_sees():
        p = []
        for lang, banner in BANNERS.items():
            r = fetch(page, {"Cookie": ed_cookie, "Accept-Language": lang})
            if r.status != 200:
                p.append("%s: %d" % (lang, r.status))
                continue
            if MARKER not in r.text or TITLE not in r.text:
                p.append("%s: the draft's text is missing" % lang)
            if banner not in r.text or "draft-banner" not in r.text:
                p.append("%s: no banner %r" % (lang, banner))
            if NOINDEX not in r.text:
                p.append("%s: no robots noindex" % lang)
            if r.header("cache-control") != "private, no-store":
                p.append("%s: Cache-Control %r" % (lang,
                                                   r.header("cache-control")))
            if 'id="feedback"' in r.text:
                p.append("%s: a preview asks for feedback" % lang)
        r = fetch(page + ".md", {"Cookie": ed_cookie})
        if r.status != 200 or MARKER not in r.text or \
                r.header("cache-control") != "private, no-store":
            p.append("editor's .md source: %d %r" % (
                r.status, r.header("cache-control")))
        return p
    case("drafts: an editor's session sees the draft with a banner (zh-CN, "
         "en, zh-TW), noindex, private no-store", editor_sees)

    def others_404():
        p = []
        for who, h in (("anonymous", {}),
                       ("agent session", {"Cookie": ag_cookie}),
                       ("agent token", {"Authorization": "Bearer " + agent}),
                       ("editor token as a cookie",
                        {"Cookie": "hc_staff=" + editor})):
            for path in (page, page + ".md"):
                r = fetch(path, h)
                if r.status != 404:
                    p.append("%s %s: %d" % (who, path, r.status))
                p += absent(r, "%s %s" % (who, path), SELF)
        for h in ({}, {"Authorization": "Bearer " + editor}):
            r = fetch("/api/v1/articles/" + SLUG, h)
            if r.status != 404:
                p.append("API article %s: %d" % (list(h) or "anonymous",
                                                 r.status))
        return p
    case("drafts: anonymous, an agent (session or token) and the API get "
         "404, after an editor's visit too", others_404)

    def editor_after_public():
        # A public request in between must not leave a page the editor gets.
        fetch(page)
        r = fetch(page, {"Cookie": ed_cookie})
        p = [] if r.status == 200 and BANNERS["zh-CN"] in r.text else [
            "editor after a public 404: %d" % r.status]
        r = fetch("/articles/refund-policy", {"Cookie": ed_cookie})
        if r.status == 200 and "draft-banner" in r.text:
            p.append("a published page shows the draft banner")
        return p
    case("drafts: the page cache never mixes the preview and the public "
         "answer; published pages carry no banner", editor_after_public)

    def in_no_list():
        p = []
        for path in ("/", "/categories/billing", "/sitemap.xml",
                     "/feed.atom", "/api/v1/articles",
                     "/api/v1/articles?category=billing",
                     "/search?q=" + MARKER,
                     "/search?q=" + urllib.parse.quote("草稿正文"),
                     "/api/v1/search?q=" + MARKER,
                     "/api/v1/search?q=" + urllib.parse.quote(TITLE),
                     "/api/v1/suggest?q=" + urllib.parse.quote("尚未发布")):
            for who, h in (("anonymous", {}), ("editor",
                                               {"Cookie": ed_cookie})):
                r = fetch(path, h)
                if r.status != 200:
                    p.append("%s %s: %d" % (who, path, r.status))
                q = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
                p += absent(r, "%s %s" % (who, path), q.get("q", []))
        return p
    case("drafts: in no list (home, category, sitemap, feed, API list), "
         "not searchable, for anyone", in_no_list)

    def no_view_events():
        time.sleep(0.5)   # hc-events writes every 100 ms
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(
            DATA, "helpcenter.db"), uri=True, timeout=10)
        try:
            n = db.execute("SELECT count(*) FROM events WHERE slug = ?",
                           (SLUG,)).fetchone()[0]
        finally:
            db.close()
        return [] if n == 0 else ["%d events name the draft" % n]
    case("drafts: a preview records no view (never popular)", no_view_events)


try:
    main()
finally:
    with open(COUNTS, "w") as f:
        f.write("%d %d\n" % TALLY.counts())
