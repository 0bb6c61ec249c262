#!/usr/bin/env python3
"""deflection_e2e.py: the self-service funnel end to end (issue 4).

Run by tests/e2e/run.sh with argv BASE ARTICLES SERVER_LOG COUNTS DATA.

Scripted visitors (each its own hc_v cookie) search, click, read and vote
over HTTP; the ticket side (form shown, suggestion clicked, ticket
submitted, "this solved it") is written straight into DATA/helpcenter.db
as the ticket branch will record it. Other suites share this server, so
once the buffer is flushed the scripted visitors' events are moved, in
their order, to 2020-03-02, a day nobody else has: the summary for that
day must then be exactly the figures computed by hand below. Then the
refusals (CSRF, unknown slug, reason, oversized comment, content type),
and last the flood until 429 (all e2e traffic is one client).
"""
import concurrent.futures
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse

import hclib

# The tool of the build under test (make asan: build-asan/hcctl).
HCCTL = os.environ.get("HC_BUILD", "build") + "/hcctl"

BASE = sys.argv[1].rstrip("/")
COUNTS = sys.argv[4]
DATA = sys.argv[5]
HOST = urllib.parse.urlsplit(BASE).hostname
PORT = urllib.parse.urlsplit(BASE).port
DB = os.path.join(DATA, "helpcenter.db")
DAY = "2020-03-02"
DAY_TS = 1583107200          # 2020-03-02 00:00 UTC
VERBOSE = os.environ.get("E2E_VERBOSE", "1") != "0"
TALLY = hclib.Tally(VERBOSE)



record = TALLY.record


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.text = body.decode("utf-8", errors="replace")

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        try:
            return json.loads(self.text)
        except ValueError:
            return None


def fetch(method, path, visitor=None, headers=None, body=None):
    conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
    h = {"Host": "%s:%d" % (HOST, PORT)}
    if visitor:
        h["Cookie"] = "hc_v=" + visitor
    h.update(headers or {})
    if body is not None:
        body = body.encode("utf-8") if isinstance(body, str) else body
        h["Content-Length"] = str(len(body))
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        return Resp(r.status, {k.lower(): v for k, v in r.getheaders()},
                    r.read())
    finally:
        conn.close()


def vid(n):
    """A visitor cookie id of our own: 32 hex digits."""
    return "d5%030x" % n


def csrf_of(page):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    return m.group(1) if m else ""


def vote_form(visitor, slug, fields):
    return fetch("POST", "/articles/%s/feedback" % slug, visitor,
                 {"Content-Type": "application/x-www-form-urlencoded"},
                 urllib.parse.urlencode(fields))


def vote_json(visitor, slug, obj, ctype="application/json"):
    return fetch("POST", "/api/v1/articles/%s/feedback" % slug, visitor,
                 {"Content-Type": ctype},
                 obj if isinstance(obj, str) else json.dumps(obj))


def votes_of(visitor):
    with sqlite3.connect(DB, timeout=10) as c:
        return c.execute("SELECT slug, helpful, reason, comment FROM votes "
                         "WHERE visitor = ?", (visitor,)).fetchall()


def expect(name, r, status, problems=None, field=None):
    p = list(problems or [])
    if r.status != status:
        p.append("status %d, wanted %d" % (r.status, status))
    if field is not None:
        j = r.json() or {}
        got = (j.get("error") or {}).get("field")
        if got != field:
            p.append("error field %r, wanted %r" % (got, field))
    record(name, p, r.text[:200] if p else "")


def main():
    X, Y = "payment-methods", "refund-policy"
    A, B, C, D, E, F, G = (vid(i) for i in range(1, 8))
    mine = [A, B, C, D, E, F, G]
    tok = subprocess.run([HCCTL, "token", "add", "editor",
                          "deflection-e2e"], env=dict(os.environ, DATA=DATA),
                         capture_output=True, text=True)
    m = re.search(r"hc_[0-9a-f]{40}", tok.stdout)
    token = m.group(0) if m else ""
    record("hcctl token add editor", [] if token else ["no token printed"],
           tok.stderr)
    auth = {"Authorization": "Bearer " + token}
    # The pages want a session: the token itself is refused as the cookie.
    staff = hclib.staff_cookie(HOST, PORT, token, "127.0.0.1")

    # ---- the scripted visitors, over HTTP ----
    # A: searches (API), clicks the first result, votes yes with the form.
    # (e2e.py's hot-reload part removes invoice; create-account stays.)
    s = fetch("GET", "/api/v1/search?q=%s" % urllib.parse.quote("注册"), A)
    res = [x for x in (s.json() or {}).get("results") or []
           if x.get("slug") not in (X, Y)] or [{}]
    url = res[0].get("url", "")
    P = res[0].get("slug", "")
    record("A: search finds an article to click", [] if url and
           P not in (X, Y) else ["results %r" % res], s.text[:200])
    fetch("GET", "/search?q=%s&page=2" % urllib.parse.quote("注册"), A)
    page = fetch("GET", url, A)
    r = vote_form(A, P, {"csrf": csrf_of(page), "lang": "zh-CN",
                         "helpful": "yes"})
    expect("A: plain vote yes -> 303 back to #feedback", r, 303,
           [] if (r.header("location") or "").endswith(
               "feedback=yes#feedback") else
           ["location %r" % r.header("location")])
    back = fetch("GET", (r.header("location") or "/").split("#")[0], A)
    record("A: the article shows the thank-you state",
           [] if re.search(r'class="fb-thanks" role="status">', back.text)
           else ["no visible thanks"])
    # B: zero-result search, keystrokes (not counted), reads X, votes no
    # then replaces it.
    fetch("GET", "/search?q=qqqzzzx", B)
    fetch("GET", "/api/v1/suggest?q=%s" % urllib.parse.quote("支"), B)
    fetch("GET", "/articles/" + X, B)
    r = vote_json(B, X, {"helpful": False})
    expect("B: JSON vote no -> 201", r, 201,
           [] if (r.json() or {}).get("contact_url") ==
           "/tickets/new?article=%s&from=feedback" % X else
           ["no contact_url"])
    r = vote_json(B, X, {"helpful": False, "reason": "outdated"})
    expect("B: second vote replaces the first -> 200", r, 200,
           [] if (r.json() or {}).get("replaced") is True else
           ["replaced not true"])
    record("B: one vote stored, the latest",
           [] if votes_of(B) == [(X, 0, "outdated", None)] else
           ["votes %r" % votes_of(B)])
    # C: reads Y, says no with the form, then a reason and a comment.
    page = fetch("GET", "/articles/" + Y, C)
    r = vote_form(C, Y, {"csrf": csrf_of(page), "helpful": "no"})
    loc = r.header("location") or ""
    expect("C: plain vote no -> 303 to the reasons step", r, 303,
           [] if loc.endswith("feedback=no#feedback") else
           ["location %r" % loc])
    step = fetch("GET", loc.split("#")[0], C)
    probs = []
    if 'name="reason" value="not_my_issue"' not in step.text:
        probs.append("no reason buttons")
    if "/tickets/new?article=%s&amp;from=feedback" % Y not in step.text:
        probs.append("no offer to contact support")
    if re.search(r'<form class="fb-reasons"[^>]*hidden', step.text):
        probs.append("reasons form hidden")
    record("C: reasons step shows one-click reasons and the ticket offer",
           probs)
    r = vote_form(C, Y, {"csrf": csrf_of(step), "helpful": "no",
                         "reason": "not_my_issue", "comment": "想问的是\n发票"})
    expect("C: reason and comment -> 303 sent", r, 303,
           [] if (r.header("location") or "").endswith(
               "feedback=sent#feedback") else
           ["location %r" % r.header("location")])
    record("C: one vote with reason and multi-line comment",
           [] if votes_of(C) == [(Y, 0, "not_my_issue", "想问的是\n发票")]
           else ["votes %r" % votes_of(C)])
    # D: searches, reads Y; then (ticket side) form, suggestion, ticket.
    fetch("GET", "/api/v1/search?q=%s" % urllib.parse.quote("退款"), D)
    fetch("GET", "/articles/" + Y, D)
    # F reads X (and later says it was solved); G reads X before a ticket.
    fetch("GET", "/articles/" + X, F)
    fetch("GET", "/articles/" + X, G)
    fetch("GET", "/articles/" + X + ".md", G)     # the source: not a view

    time.sleep(1.5)   # the workers flush their buffers every second
    with sqlite3.connect(DB, timeout=10) as c:
        q = ",".join("?" * len(mine))
        t0 = c.execute("SELECT min(ts) FROM events WHERE visitor IN (%s)" % q,
                       mine).fetchone()[0] or 0
        c.execute("UPDATE events SET ts = ? + ts - ? WHERE visitor IN (%s)"
                  % q, [DAY_TS + 3600, t0] + mine)
        c.execute("UPDATE votes SET ts = ? + ts - ? WHERE visitor IN (%s)"
                  % q, [DAY_TS + 3600, t0] + mine)
        ins = ("INSERT INTO events(ts, visitor, type, position, target, "
               "ticket_ref) VALUES (?, ?, ?, ?, ?, ?)")
        base = DAY_TS + 7200
        for row in [
            (base + 100, D, "ticket_form_shown", None, None, None),
            (base + 110, D, "suggestion_clicked", 1, "article:" + Y, None),
            (base + 400, D, "ticket_submitted", None, None, "T-1"),
            (base + 120, E, "ticket_form_shown", None, None, None),
            (base + 130, E, "suggestion_clicked", 2, "article:" + X, None),
            (base + 140, F, "deflected", None, "article:" + X, None),
            (base + 150, G, "ticket_form_shown", None, None, None),
            (base + 500, G, "ticket_submitted", None, None, "T-2"),
        ]:
            c.execute(ins, row)

    # ---- the figures, computed by hand ----
    want = {
        "visitors": 7, "ticket_visitors": 2, "self_service_score": 3.5,
        "tickets_submitted": 2,
        "deflection.explicit": 2,         # F said solved + A's yes
        "deflection.yes_votes": 1,        # B's no replaced nothing yes
        "deflection.deflected_events": 1,
        "deflection.implicit": 1,         # E: no ticket in 24 h
        "deflection.implicit_pending": 0,
        "deflection.rate": 0.6,           # 3 / (3 + 2)
        "ticket_form.shown": 3, "ticket_form.suggestion_clicks": 2,
        "ticket_form.left_after_suggestion": 1,
        "searches.total": 3,              # page 2 and suggest not counted
        "searches.zero_result": 1, "searches.zero_result_rate": 0.3333,
        "searches.clicks": 1, "searches.click_through": 0.3333,
        "searches.article_views": 6,      # one each but E; not ?feedback=
    }
    r = fetch("GET", "/api/v1/analytics/summary?from=%s&to=%s" % (DAY, DAY),
              headers=auth)
    sm = r.json() or {}
    probs = [] if r.status == 200 else ["status %d" % r.status]
    for k, v in want.items():
        got = sm
        for part in k.split("."):
            got = got.get(part) if isinstance(got, dict) else None
        if got != v:
            probs.append("%s = %r, wanted %r" % (k, got, v))
    arts = {a["slug"]: (a["views"], a["yes"], a["no"])
            for a in sm.get("articles", [])}
    if arts != {P: (1, 1, 0), X: (3, 0, 1), Y: (2, 0, 1)}:
        probs.append("articles %r" % arts)
    if {x["reason"]: x["count"] for x in sm.get("reasons", [])} != \
            {"outdated": 1, "not_my_issue": 1}:
        probs.append("reasons %r" % sm.get("reasons"))
    if {x["slug"]: x["tickets"] for x in sm.get("before_ticket", [])} != \
            {X: 1, Y: 1}:
        probs.append("before_ticket %r" % sm.get("before_ticket"))
    if [x["query"] for x in sm.get("zero_result_queries", [])] != ["qqqzzzx"]:
        probs.append("zero_result_queries %r" % sm.get("zero_result_queries"))
    if {x["stage"]: x["visitors"] for x in sm.get("funnel", [])} != {
            "visited": 7, "searched": 3, "clicked_result": 1,
            "read_article": 6, "opened_ticket_form": 3,
            "submitted_ticket": 2}:
        probs.append("funnel %r" % sm.get("funnel"))
    d = (sm.get("daily") or [{}])[0]
    if (d.get("searches"), d.get("views"), d.get("tickets"),
            d.get("deflection_rate")) != (3, 6, 2, 0.6):
        probs.append("daily %r" % d)
    h = [a for a in sm.get("articles", []) if a["slug"] == P]
    if not h or h[0]["helpfulness"] != 0.2065:
        probs.append("helpfulness of 1 yes of 1 %r" % h)
    record("summary: exactly the hand-computed figures", probs)

    cli = subprocess.run([HCCTL, "analytics", "--from", DAY, "--to",
                          DAY, "--json"], env=dict(os.environ, DATA=DATA),
                         capture_output=True, text=True)
    try:
        same = {k: v for k, v in json.loads(cli.stdout).items()} == \
            {k: v for k, v in sm.items() if k != "articles"} | \
            {"articles": [{k: v for k, v in a.items() if k != "title"}
                          for a in sm.get("articles", [])]}
    except ValueError:
        same = False
    record("hcctl analytics --json gives the same figures",
           [] if same else ["differs"], cli.stderr[:200])

    page = fetch("GET", "/admin?from=%s&to=%s" % (DAY, DAY),
                 headers={"Cookie": staff})
    probs = [] if page.status == 200 else ["status %d" % page.status]
    for frag in ["60.0 %", "3.50", "<svg", "qqqzzzx",
                 '/admin/export/articles.csv?from=2020-03-02&amp;to=2020-03-02',
                 'href="/admin/moderation"']:
        if frag not in page.text:
            probs.append("missing %r" % frag)
    record("/admin shows the same figures, charts, CSV links", probs)
    r = fetch("GET", "/admin/export/reasons.csv?from=%s&to=%s" % (DAY, DAY),
              headers=auth)
    expect("CSV export of reasons", r, 200,
           [] if r.text.startswith("reason,count\r\n") and
           "not_my_issue,1" in r.text and "text/csv" in
           (r.header("content-type") or "") else ["body %r" % r.text[:80]])
    r = fetch("GET", "/admin/export/secrets.csv", headers=auth)
    expect("CSV export of an unknown table -> 404", r, 404)

    # ---- access and dates ----
    r = fetch("GET", "/admin")
    expect("/admin without login -> 303 to /login", r, 303,
           [] if r.header("location") == "/login?next=/admin" else
           ["location %r" % r.header("location")])
    r = fetch("GET", "/api/v1/analytics/summary")
    expect("summary without token -> 401 JSON", r, 401,
           [] if (r.json() or {}).get("error") else ["no JSON error"])
    r = fetch("GET", "/api/v1/analytics/summary",
              headers={"Authorization": "Bearer hc_" + "0" * 40})
    expect("summary with a wrong token -> 401", r, 401)
    for q, field in [("from=2020-02-30", "from"), ("to=yesterday", "to"),
                     ("from=2020-03-05&to=2020-03-01", "from"),
                     ("from=2000-01-01&to=2020-01-01", "to"),
                     ("from=%ZZ", "from")]:
        r = fetch("GET", "/api/v1/analytics/summary?" + q, headers=auth)
        expect("summary ?%s -> 400 naming %s" % (q, field), r, 400,
               field=field)
    r = fetch("GET", "/admin?from=2020-13-01",
              headers={"Cookie": staff})
    expect("/admin with a bad date -> 400 page naming the field", r, 400,
           [] if "from" in r.text else ["field not named"])

    # ---- refusals: nothing stored ----
    H = vid(99)
    page = fetch("GET", "/articles/" + X, H)
    r = vote_form(H, X, {"helpful": "yes"})
    expect("plain vote without CSRF token -> 403", r, 403)
    r = vote_form(H, X, {"csrf": "0" * 64, "helpful": "yes"})
    expect("plain vote with a wrong CSRF token -> 403", r, 403)
    r = vote_form(vid(98), X, {"csrf": csrf_of(page), "helpful": "yes"})
    expect("CSRF token of another visitor -> 403", r, 403)
    r = vote_form(H, X, {"csrf": csrf_of(page), "helpful": "no",
                         "reason": "boring"})
    expect("plain vote with an unknown reason -> 400", r, 400)
    r = vote_form(H, "no-such-article", {"csrf": csrf_of(page),
                                         "helpful": "yes"})
    expect("plain vote on an unknown slug -> 404", r, 404)
    # An unknown article is an unknown resource, as everywhere: 404.
    expect("JSON vote, unknown slug -> 404",
           vote_json(H, "no-such-article", {"helpful": True}), 404,
           field="slug")
    for name, slug, body, field in [
        ("unknown reason", X, {"helpful": False, "reason": "boring"},
         "reason"),
        ("comment of 501 characters", X,
         {"helpful": False, "comment": "字" * 501}, "comment"),
        ("helpful missing", X, {"reason": "other"}, "helpful"),
        ("helpful not a boolean", X, {"helpful": "yes"}, "helpful"),
        ("reason with a yes", X, {"helpful": True, "reason": "other"},
         "reason"),
        ("reason not a string", X, {"helpful": False, "reason": 3},
         "reason"),
    ]:
        expect("JSON vote, %s -> 400" % name, vote_json(H, slug, body), 400,
               field=field)
    expect("JSON vote, malformed JSON -> 400",
           vote_json(H, X, '{"helpful": tru'), 400)
    expect("JSON vote as a form body -> 415",
           vote_json(H, X, "helpful=true",
                     "application/x-www-form-urlencoded"), 415)
    expect("GET on the feedback endpoint -> 405",
           fetch("GET", "/api/v1/articles/%s/feedback" % X, H), 405)
    record("refused votes stored nothing",
           [] if votes_of(H) == [] else ["votes %r" % votes_of(H)])
    r = vote_json(H, X, {"helpful": False, "comment": "字" * 500})
    expect("JSON vote, comment of exactly 500 characters -> 201", r, 201)

    # ---- the page cache: one rendered page, each visitor's own token ----
    I, J = vid(97), vid(96)
    p1, p2, p3 = (fetch("GET", "/articles/" + X, v) for v in (I, I, J))
    t1, t2, t3 = csrf_of(p1), csrf_of(p2), csrf_of(p3)
    probs = []
    if not t1 or t1 != t2:
        probs.append("one visitor, two tokens %r %r" % (t1, t2))
    if t3 == t1:
        probs.append("two visitors, one token")
    if p1.text.replace(t1, "") != p3.text.replace(t3, ""):
        probs.append("the pages differ beyond the token")
    for p, t in ((p1, t1), (p3, t3)):
        if t and p.text.count(t) != 2:
            probs.append("token shown %d times, not 2" % p.text.count(t))
    record("article page from the cache: each visitor's own CSRF token",
           probs)
    expect("a plain vote with the cached page's token -> 303",
           vote_form(J, X, {"csrf": t3, "helpful": "yes"}), 303)
    fresh = fetch("GET", "/articles/" + X)
    cookie = (fresh.header("set-cookie") or "").split(";")[0]
    expect("a new visitor's cached page votes with its new cookie -> 303",
           vote_form(cookie.partition("=")[2], X,
                     {"csrf": csrf_of(fresh), "helpful": "no"}), 303)

    # ---- repeated searches: answered from the cache, each its own search ----
    K = vid(95)
    path = "/api/v1/search?q=%s&per_page=3" % urllib.parse.quote("退款")
    answers = [fetch("GET", path, K).json() or {} for _ in range(4)]
    ids = [a.get("search_id") for a in answers]
    probs = []
    if len(set(ids)) != 4 or None in ids:
        probs.append("search ids %r" % ids)
    for a in answers:
        urls = [r.get("url", "") for r in a.get("results", [])]
        if not urls or any("sid=%s&" % a.get("search_id") not in u
                           for u in urls):
            probs.append("result links without their own sid: %r" % urls)
        if not isinstance(a.get("took_ms"), int):
            probs.append("took_ms %r" % a.get("took_ms"))
    if len({json.dumps(a.get("results", []))
            .replace(a.get("search_id") or "-", "") for a in answers}) != 1:
        probs.append("the answers differ beyond the search id")
    time.sleep(0.5)
    with sqlite3.connect(DB, timeout=10) as c:
        rows = c.execute("SELECT search_id, result_count FROM events WHERE "
                         "visitor = ? AND type = 'search'", (K,)).fetchall()
    if sorted(r[0] for r in rows) != sorted(ids):
        probs.append("search events %r" % rows)
    record("a repeated search: new search id, own links, own event", probs)

    # ---- votes at once: one commit for all, each its own answer ----
    # The worker writes the votes that arrive together in one transaction
    # (http/vote_batch.c); each request must still get its own outcome.
    crowd = [vid(150 + i) for i in range(8)]
    def both_rounds(v):
        first = vote_json(v, Y, {"helpful": True})
        second = vote_json(v, Y, {"helpful": False, "reason": "outdated"})
        return first, second
    with concurrent.futures.ThreadPoolExecutor(len(crowd)) as pool:
        answers = list(pool.map(both_rounds, crowd))
    probs = []
    for v, (first, second) in zip(crowd, answers):
        if first.status != 201 or (first.json() or {}).get("replaced"):
            probs.append("%s first: %d %s" % (v, first.status,
                                              first.text[:80]))
        if second.status != 200 or not (second.json() or {}).get(
                "replaced"):
            probs.append("%s second: %d %s" % (v, second.status,
                                               second.text[:80]))
        if votes_of(v) != [(Y, 0, "outdated", None)]:
            probs.append("%s stored %r" % (v, votes_of(v)))
    record("8 visitors vote twice at once: 201 then 200 replaced, "
           "each vote stored", probs)

    # ---- last: the flood (one client for the whole e2e run) ----
    seen = None
    for i in range(80):
        r = vote_json(vid(200 + i), X, {"helpful": True})
        if r.status == 429:
            seen = r
            break
    record("votes are rate limited: 429 with Retry-After",
           [] if seen is not None and seen.header("retry-after") else
           ["no 429 in 80 votes"])

    with open(COUNTS, "w") as f:
        f.write("%d %d\n" % TALLY.counts())


if __name__ == "__main__":
    main()
