#!/usr/bin/env python3
"""community_e2e.py: community Q&A end to end: ask, answer, vote, accept, edit
window, moderation, search within 2 s, and the abuse catalogue (data rows).

    community_e2e.py <BASE> <articles-copy> <server-log> <counts-file> <data-dir>

Writes "<passed> <failed>" to the counts file. Python 3 standard library only.
All traffic comes from 127.0.0.1 (one client for the rate limits): a case
that meets an unexpected 429 waits Retry-After and tries again; the flood
case runs last.
"""
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
RUN = "%x" % int(time.time() * 1000)      # makes this run's texts unique
VERBOSE = os.environ.get("E2E_VERBOSE", "1") != "0"
TALLY = hclib.Tally(VERBOSE)



Resp = hclib.Resp


# Each visitor is a person at an address of its own: votes count once per
# post and client address, so several voters need several addresses (the
# loopback network is 127/8; no proxy header needs to be trusted).
ADDRS = hclib.AddressPool(12, start=1)


class Visitor:
    """A browser: its own cookie jar (visitor id, staff login) and address."""

    def __init__(self, name, token=None, addr=None):
        self.name = name
        self.cookies = {}
        self.token = token
        self.addr = addr or ADDRS.next()

    def req(self, method, path, body=None, ctype=None, headers=None,
            retry=True):
        for _ in range(3):
            conn = http.client.HTTPConnection(HOST, PORT, timeout=15,
                                              source_address=(self.addr, 0))
            h = {"Host": "%s:%d" % (HOST, PORT)}
            if self.cookies:
                h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
            if self.token:
                h["Authorization"] = "Bearer " + self.token
            if ctype:
                h["Content-Type"] = ctype
            h.update(headers or {})
            if isinstance(body, str):
                body = body.encode("utf-8")
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            hd = {}
            for k, v in r.getheaders():
                if k.lower() == "set-cookie":
                    name, _, rest = v.partition("=")
                    self.cookies[name] = rest.split(";")[0]
                hd[k.lower()] = v
            conn.close()
            resp = Resp(r.status, hd, data)
            if resp.status == 429 and retry:
                time.sleep(int(hd.get("retry-after", "5")) + 1)
                continue
            return resp
        return resp

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def form_tokens(self, path="/community/new"):
        r = self.get(path)
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text)
        ts = re.search(r'name="ts" value="([^"]+)"', r.text)
        return (csrf.group(1) if csrf else "", ts.group(1) if ts else "")

    def post_form(self, path, fields, **kw):
        return self.req("POST", path, urllib.parse.urlencode(fields),
                        "application/x-www-form-urlencoded", **kw)

    def post_json(self, path, obj, **kw):
        body = obj if isinstance(obj, (str, bytes)) else json.dumps(obj)
        return self.req("POST", path, body, "application/json", **kw)


record = TALLY.record


def expect(name, r, status, contains=(), absent=(), field=None):
    probs = []
    if r.status != status:
        probs.append("status %d, wanted %d" % (r.status, status))
    for c in contains:
        if c not in r.text:
            probs.append("missing %r" % c)
    for c in absent:
        if c in r.text:
            probs.append("should not contain %r" % c)
    if field is not None:
        got = r.json().get("error", {}).get("field")
        if got != field:
            probs.append("error field %r, wanted %r" % (got, field))
    if r.status >= 500:
        probs.append("a 5xx is a bug")
    record(name, probs, "" if not probs else "%d %s" % (r.status, r.text))
    return not probs


def token(role, name):
    out = subprocess.run([HCCTL, "token", "add", role, name],
                         env=dict(os.environ, DATA=DATA),
                         capture_output=True, text=True)
    m = re.search(r"hc_[0-9a-f]{40}", out.stdout + out.stderr)
    return m.group(0) if m else ""


def db_count(sql):
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(DATA, "helpcenter.db"), uri=True, timeout=10)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def thread_id_from(r):
    m = re.search(r"/community/questions/(\d+)", r.header("location") or "")
    return int(m.group(1)) if m else r.json().get("id", 0)


def search_ids(q):
    r = Visitor("s").get("/api/v1/search?type=thread&q=" + urllib.parse.quote(q))
    return [x.get("id") for x in r.json().get("results", [])]


def wait_search(q, tid, present, budget=2.0):
    start = time.time()
    while time.time() - start < 6:
        if (tid in search_ids(q)) == present:
            return time.time() - start
        time.sleep(0.05)
    return None


# ------------------------------------------------------------ the flow

alice, bob, carol, anon = Visitor("alice"), Visitor("bob"), Visitor("carol"), Visitor("anon")
editor = Visitor("editor", token("editor", "ed" + RUN))
agent = Visitor("agent", token("agent", "ag" + RUN))

a_csrf, a_ts = alice.form_tokens()
c_csrf, c_ts = carol.form_tokens()
time.sleep(3.2)                       # the minimum fill time

expect("list page", anon.get("/community"), 200, ["/community/new"])
expect("ask form", anon.get("/community/new"), 200, ['name="website"', 'name="ts"'])

word = "zebrafrost" + RUN
r = alice.post_form("/community/new", {"csrf": a_csrf, "ts": a_ts,
    "title": "How do I pair the %s remote?" % word,
    "body": "It blinks twice and **stops**. " + RUN,
    "display_name": "Alice", "tags": "remote, pairing", "action": "post"})
tid = thread_id_from(r)
expect("ask: 303 to the new thread", r, 303)
page = anon.get("/community/questions/%d" % tid)
expect("thread page: QAPage, support link, escaped", page, 200,
       ['"@type":"QAPage"', "/tickets/new?thread=%d" % tid, "Alice"])
d = wait_search(word, tid, True)
record("searchable within 2 s (%.2f s)" % (d or -1), [] if d is not None and d <= 2.0 else ["not found in time"])
expect("suggest includes the thread", anon.get("/api/v1/suggest?q=" + word), 200, ['"type":"thread"'])

r = bob.post_json("/api/v1/threads/%d/answers" % tid,
                  {"body": "Hold the button for 5 seconds. " + RUN, "display_name": "Bob"})
expect("answer by JSON: 201", r, 201)
bob_answer = r.json().get("id")
r = carol.post_form("/community/questions/%d/answer" % tid, {"csrf": c_csrf, "ts": c_ts,
    "body": "Change the batteries first. " + RUN, "display_name": "Carol"})
expect("answer by form: 303", r, 303)
carol_answer = int(re.search(r"#a(\d+)", r.header("location") or "#a0").group(1))

b_csrf, _ = bob.form_tokens("/community/questions/%d" % tid)
aj = {"Accept": "application/json"}
r = bob.post_form("/community/questions/%d/vote" % tid, {"csrf": b_csrf, "post": "t%d" % tid, "value": "1"}, headers=aj)
expect("vote up: score 1", r, 200, ['"score":1'])
r = bob.post_form("/community/questions/%d/vote" % tid, {"csrf": b_csrf, "post": "t%d" % tid, "value": "-1"}, headers=aj)
expect("vote changed: score -1", r, 200, ['"score":-1'])
a_csrf2, _ = alice.form_tokens("/community/questions/%d" % tid)
r = alice.post_form("/community/questions/%d/vote" % tid, {"csrf": a_csrf2, "post": "a%d" % carol_answer, "value": "1"}, headers=aj)
expect("alice votes carol's answer up", r, 200, ['"score":1'])
r = alice.post_form("/community/questions/%d/vote" % tid, {"csrf": a_csrf2, "post": "t%d" % tid, "value": "1"}, headers=aj)
expect("no vote on one's own post: 403", r, 403)
# One address, fresh cookies: the first vote counts, the others are refused.
shared = ADDRS.next()
scores = []
for i in range(4):
    v = Visitor("sock%d" % i, addr=shared)
    v_csrf, _ = v.form_tokens("/community/questions/%d" % tid)
    r = v.post_form("/community/questions/%d/vote" % tid, {"csrf": v_csrf, "post": "a%d" % carol_answer, "value": "1"}, headers=aj)
    scores.append((r.status, r.json().get("score")))
record("fresh-cookie votes from one address count once",
       [] if scores[0] == (200, 2) and all(st == 409 for st, _ in scores[1:]) else ["seen %r" % scores])
j = anon.get("/api/v1/threads/%d" % tid).json()
record("the answer's score stays 2 after the refused votes",
       [] if [a.get("score") for a in j.get("answers", []) if a.get("id") == carol_answer] == [2] else ["answers %r" % j.get("answers")])
r = Visitor("sock-late", addr=shared)
l_csrf, _ = r.form_tokens("/community/questions/%d" % tid)
r = r.post_form("/community/questions/%d/vote" % tid, {"csrf": l_csrf, "post": "a%d" % carol_answer, "value": "1"})
expect("a refused vote without JavaScript: 409 page with a message", r, 409, ["one vote per post and address"])
r = bob.post_form("/community/questions/%d/accept" % tid, {"csrf": b_csrf, "answer": str(bob_answer)})
expect("accept by another visitor: 403", r, 403)
r = alice.post_form("/community/questions/%d/accept" % tid, {"csrf": a_csrf2, "answer": str(bob_answer)})
expect("asker accepts: 303", r, 303)
j = anon.get("/api/v1/threads/%d" % tid).json()
record("accepted answer first, then by score",
       [] if [a["id"] for a in j.get("answers", [])] == [bob_answer, carol_answer] and j.get("solved") else ["order %r" % j.get("answers")])
r = alice.post_form("/community/questions/%d/edit" % tid, {"csrf": a_csrf2, "post": "t%d" % tid,
    "title": "How do I pair the %s remote? (edited)" % word, "body": "Edited body text."})
expect("asker edits within 30 min: 303", r, 303)
expect("edit shows", anon.get("/community/questions/%d" % tid), 200, ["(edited)", "Edited body text."])
r = alice.post_form("/community/questions/%d/edit" % tid, {"csrf": a_csrf2, "post": "a%d" % bob_answer, "body": "hijack"})
expect("editing another's answer: 403", r, 403)
r = alice.post_form("/community/questions/%d/edit" % tid, {"csrf": a_csrf2, "post": "t%d" % tid,
    "title": "How do I pair the %s remote? (edited)" % word,
    "body": "Cheap pills http://spam.example/a http://spam.example/b"})
expect("a new poster's edit adding links: 400", r, 400)
expect("the links did not replace the text", anon.get("/community/questions/%d" % tid), 200, ["Edited body text."])

# Moderation
r = anon.get("/admin/moderation")
expect("moderation unauthenticated: 303 to login", r, 303)
record("login redirect target", [] if r.header("location") == "/login?next=/admin/moderation" else [r.header("location")])
expect("moderation with a token: 200", editor.get("/admin/moderation"), 200, ["/admin", "/admin/moderation"])
r = editor.get("/admin/moderation/export/%d" % tid)
expect("draft export: Markdown attachment", r, 200, ["draft: true", "Hold the button"])
record("export is an attachment", [] if "attachment" in (r.header("content-disposition") or "") else ["no attachment header"])
expect("export by an agent: 403", agent.get("/admin/moderation/export/%d" % tid), 403)
# Moderation is the editors': an agent's token is refused with a message.
r = agent.post_form("/admin/moderation/act", {"post": "a%d" % carol_answer, "action": "hide"})
expect("agent hides a post: 403 with a message", r, 403, ["Only editors moderate"])
for act in ("delete", "approve", "unhide"):
    r = agent.post_form("/admin/moderation/act", {"post": "a%d" % carol_answer, "action": act})
    expect("agent %s: 403" % act, r, 403, ["Only editors moderate"])
expect("agent's moderation page: 403", agent.get("/admin/moderation"), 403, ["Only editors moderate"])
j = anon.get("/api/v1/threads/%d" % tid).json()
record("the agent's moderation changed nothing",
       [] if carol_answer in [a.get("id") for a in j.get("answers", [])] else ["answer gone"])
r = carol.post_form("/community/questions/%d/report" % tid, {"csrf": c_csrf, "post": "a%d" % bob_answer})
expect("report: 200", r, 200)
expect("reported post in the queue", editor.get("/admin/moderation"), 200, ["Hold the button"])
r = editor.post_form("/admin/moderation/act", {"post": "t%d" % tid, "action": "lock"})
expect("lock: 303", r, 303)
r = carol.post_json("/api/v1/threads/%d/answers" % tid, {"body": "Late answer here " + RUN})
expect("answer on a locked thread: 409", r, 409)
r = bob.post_form("/community/questions/%d/edit" % tid, {"csrf": b_csrf, "post": "a%d" % bob_answer, "body": "Changed after the lock " + RUN})
expect("author edits an answer on a locked thread: 409", r, 409, ["locked"])
r = alice.post_form("/community/questions/%d/accept" % tid, {"csrf": a_csrf2, "answer": str(carol_answer)})
expect("asker accepts on a locked thread: 409", r, 409, ["locked"])
j = anon.get("/api/v1/threads/%d" % tid).json()
record("locked thread unchanged (accepted answer, text)",
       [] if j.get("accepted_answer") == bob_answer and "Changed after the lock" not in json.dumps(j) else ["changed: %r" % j.get("accepted_answer")])
r = editor.post_form("/admin/moderation/act", {"post": "t%d" % tid, "action": "pin"})
expect("pin: 303", r, 303)
r = editor.post_form("/admin/moderation/act", {"post": "t%d" % tid, "action": "duplicate", "target": "thread:999999"})
expect("duplicate of a missing thread: 400", r, 400)
r = editor.post_form("/admin/moderation/act", {"post": "t%d" % tid, "action": "hide"})
expect("hide: 303", r, 303)
d = wait_search(word, tid, False)
record("hidden thread gone from search within 2 s (%.2f s)" % (d or -1), [] if d is not None and d <= 2.0 else ["still found"])
expect("hidden thread: 410, noindex", anon.get("/community/questions/%d" % tid), 410, ['name="robots" content="noindex"'])
expect("hidden thread gone from the API", anon.get("/api/v1/threads/%d" % tid), 404)
expect("staff still sees it, noindex", editor.get("/community/questions/%d" % tid), 200, ["noindex"])
r = editor.post_form("/admin/moderation/act", {"post": "t%d" % tid, "action": "unhide"})
d = wait_search(word, tid, True)
record("unhidden thread back in search", [] if d is not None else ["not found"])
r = editor.post_form("/admin/moderation/act", {"post": "t%d" % tid, "action": "delete"})
expect("delete: 303", r, 303)
expect("deleted thread: 404", anon.get("/community/questions/%d" % tid), 404)

# Display names: bidi controls, zero-width and invisible-only names, copies.
NAMES = [
    ("right-to-left override", "\u202eevil.exe", 400),
    ("left-to-right mark", "Bob\u200e", 400),
    ("zero-width space inside", "Ali\u200bce", 400),
    ("zero-width joiner only", "\u200d\u200d", 400),
    ("Hangul fillers only", "\u3164\u3164", 400),
    ("combining marks only", "\u0301\u0301", 400),
    ("braille blank only", "\u2800", 400),
    ("a copy in full-width letters", "ＡＬＩＣＥ", 409),
    ("a copy in another case", "alice", 409),
    ("a copy with extra spaces", " Alice  ", 409),
    ("a copy in mathematical bold (NFKC)", "\U0001d400\U0001d425\U0001d422\U0001d41c\U0001d41e", 409),
]
r = alice.post_json("/api/v1/threads", {"title": "Names thread for %s checks" % RUN, "body": "Open thread for the name rules " + RUN})
expect("an open thread for the name checks: 201", r, 201)
first_open = r.json().get("id", 0)
before_names = db_count("SELECT count(*) FROM community_names")
for label, name, status in NAMES:
    v = Visitor("n-" + label)
    r = v.post_json("/api/v1/threads/%d/answers" % first_open, {"body": "Name test " + label + RUN, "display_name": name})
    expect("display name, %s: %d naming display_name" % (label, status), r, status, field="display_name")
record("refused names stored nothing",
       [] if db_count("SELECT count(*) FROM community_names") == before_names else ["a name was stored"])
v = Visitor("n-ok")
r = v.post_json("/api/v1/threads/%d/answers" % first_open, {"body": "Name test fine " + RUN, "display_name": "Alice Two ❤️"})
expect("display name with an emoji and a variation selector: 201", r, 201)

# Explicit deflection: nothing posted
before = anon.get("/api/v1/threads").json().get("total")
r = carol.post_form("/community/new", {"csrf": c_csrf, "ts": c_ts, "title": "Refund time for card payments?",
    "body": "x", "action": "deflected", "answered_by": "article:x"})
expect("deflected: 200, not posted", r, 200)
record("deflection posts nothing", [] if anon.get("/api/v1/threads").json().get("total") == before else ["a thread was posted"])
expect("similar suggestions endpoint", anon.get("/community/similar?q=" + urllib.parse.quote(word)), 200, ['"suggestions"'])

# ------------------------------------------------------------ abuse catalogue
# (name, visitor, kind, path, payload, status, contains, absent, field)
# kind: json (API post), form (with fresh tokens), raw (content type given)

mallory = Visitor("mallory")
m_csrf, m_ts = mallory.form_tokens()
time.sleep(3.2)
p = "/api/v1/threads"
T = lambda s: s + " " + RUN
XSS_TITLE = '<script>alert(1)</script> title %s' % RUN
rows = [
    ("links from a new poster: queued", "json", p, {"title": T("Cheap pills here now"), "body": "https://a.example https://b.example", "display_name": "M"}, 202, None, ['"status":"queued"'], [], None),
    ("script in title: stored, escaped", "json", p, {"title": XSS_TITLE, "body": "b"}, 201, "view", ["&lt;script&gt;alert(1)"], ["<script>alert(1)"], None),
    ("img onerror in body: dropped", "json", p, {"title": T("Image handler test"), "body": '<img src=x onerror=alert(1)>'}, 201, "view", [], ["onerror", "<img src=x"], None),
    ("svg onload in title: escaped", "json", p, {"title": '"><svg onload=alert(1)> ' + RUN, "body": "b"}, 201, "view", ["&lt;svg onload"], ["<svg onload"], None),
    ("javascript: link neutralised", "json", p, {"title": T("Javascript link test"), "body": "[click](javascript:alert(1))"}, 201, "view", ['rel="nofollow ugc noopener"'], ['href="javascript:'], None),
    ("data: link neutralised", "json", p, {"title": T("Data link test here"), "body": "[x](data:text/html,<script>alert(1)</script>)"}, 201, "view", [], ['href="data:'], None),
    ("raw iframe dropped", "json", p, {"title": T("Iframe test title"), "body": "<iframe src=//evil></iframe>"}, 201, "view", [], ["<iframe"], None),
    ("empty title", "json", p, {"title": "", "body": "b"}, 400, None, [], [], "title"),
    ("blank title", "json", p, {"title": "    ", "body": "b"}, 400, None, [], [], "title"),
    ("title too short", "json", p, {"title": "short", "body": "b"}, 400, None, [], [], "title"),
    ("title too long", "json", p, {"title": "x" * 151, "body": "b"}, 400, None, [], [], "title"),
    ("title with a newline", "json", p, {"title": "line one\nline two", "body": "b"}, 400, None, [], [], "title"),
    ("empty body", "json", p, {"title": T("Empty body test"), "body": ""}, 400, None, [], [], "body"),
    ("body too long", "json", p, {"title": T("Long body test"), "body": "y" * 10001}, 400, None, [], [], "body"),
    ("control character in body", "json", p, {"title": T("Control char test"), "body": "a\u0001b"}, 400, None, [], [], "body"),
    ("title is a number", "json", p, {"title": 5, "body": "b"}, 400, None, [], [], "title"),
    ("unknown category", "json", p, {"title": T("Category test here"), "body": "b", "category": "nope"}, 400, None, [], [], "category"),
    ("too many tags", "json", p, {"title": T("Tag count test"), "body": "b", "tags": ["a", "b", "c", "d", "e", "f"]}, 400, None, [], [], "tags"),
    ("bad tag characters", "json", p, {"title": T("Tag chars test"), "body": "b", "tags": "<b>"}, 400, None, [], [], "tags"),
    ("nested quotes too deep", "json", p, {"title": T("Nesting test title"), "body": "> " * 50 + "x"}, 400, None, [], [], "body"),
    ("too many brackets", "json", p, {"title": T("Brackets test title"), "body": "![[" * 400}, 400, None, [], [], "body"),
    ("duplicate post: queued", "json", p, {"title": XSS_TITLE, "body": "b"}, 202, None, ['"reason":"duplicate"'], [], None),
    ("wrong content type: 415", "raw", p, ("text/plain", '{"title":"x"}'), 415, None, [], [], None),
    ("form content type on the API: 415", "raw", p, ("application/x-www-form-urlencoded", "title=abcdefghij&body=b"), 415, None, [], [], None),
    ("JSON array body: 400", "raw", p, ("application/json", "[1,2]"), 400, None, [], [], None),
    ("malformed JSON: 400", "raw", p, ("application/json", '{"title":'), 400, None, [], [], None),
    ("bad UTF-8: 400", "raw", p, ("application/json", b'{"title":"\xff\xfe bad","body":"b"}'), 400, None, [], [], None),
    ("body over 64 KiB: refused", "raw", p, ("application/json", '{"body":"' + "z" * 70000 + '"}'), 413, None, [], [], None),
    ("answer to a missing thread: 404", "json", "/api/v1/threads/999999/answers", {"body": "hello there"}, 404, None, [], [], None),
    ("form without CSRF: 403", "form", "/community/new", {"title": T("No csrf title"), "body": "b", "csrf": ""}, 403, None, [], [], None),
    ("form with a forged time stamp: 400", "form", "/community/new", {"title": T("Forged stamp title"), "body": "b", "ts": "1.00000000000000000000000000000000"}, 400, None, [], [], None),
    ("form honeypot filled: queued", "form", "/community/new", {"title": T("Honeypot filled title"), "body": "b", "website": "http://spam"}, 202, None, [], [], None),
    ("form sent too fast: queued", "fastform", "/community/new", {"title": T("Too fast title here"), "body": "b"}, 202, None, [], [], None),
    ("form, title too short: 400 in the page's language (zh-CN)", "form", "/community/new", {"title": "短标题", "body": "b"}, 400, None, ["标题太短", "短标题"], ["too short"], None),
    ("form, title too short: 400 in English with ?lang=en", "form", "/community/new?lang=en", {"title": "Short", "body": "b"}, 400, None, ["The title is too short", "Short"], [], None),
    ("thread id not a number: 404", "get", "/community/questions/abc", None, 404, None, [], [], None),
    ("thread id zero: 404", "get", "/api/v1/threads/0", None, 404, None, [], [], None),
    ("thread id overflow: 404", "get", "/api/v1/threads/99999999999999999999999", None, 404, None, [], [], None),
    ("missing thread page: 404", "get", "/community/questions/99999999", None, 404, None, [], [], None),
    ("unknown sort: 400", "get", "/api/v1/threads?sort=bogus", None, 400, None, [], [], "sort"),
    ("page 0: 400", "get", "/api/v1/threads?page=0", None, 400, None, [], [], "page"),
    ("page not a number: 400", "get", "/community?page=x", None, 400, None, [], [], None),
    ("moderation action without a token: 403", "anonform", "/admin/moderation/act", {"post": "t1", "action": "hide"}, 403, None, [], [], None),
    ("GET on an action: 405", "get", "/community/questions/1/vote", None, 405, None, [], [], None),
]
first_id = None
for name, kind, path, payload, status, view, contains, absent, field in rows:
    if kind == "json":
        r = mallory.post_json(path, payload)
    elif kind == "raw":
        r = mallory.req("POST", path, payload[1], payload[0])
    elif kind in ("form", "fastform"):
        c, ts = (m_csrf, m_ts) if kind == "form" else mallory.form_tokens()
        f = {"csrf": c, "ts": ts, "action": "post"}
        f.update(payload)
        r = mallory.post_form(path, f)
    elif kind == "anonform":
        r = anon.post_form(path, payload)
    else:
        r = anon.get(path)
    if view == "view" and r.status == 201:
        ok = expect(name + " (post)", r, status, [], [], field)
        page = anon.get(r.json().get("url", "/"))
        expect(name, page, 200, contains, absent)
        first_id = first_id or r.json().get("id")
    else:
        expect(name, r, status, contains, absent, field)

# Vote on another thread's answer, bad vote value
if first_id:
    x_csrf, _ = carol.form_tokens("/community/questions/%d" % first_id)
    expect("vote with a bad value: 400", carol.post_form("/community/questions/%d/vote" % first_id,
           {"csrf": x_csrf, "post": "t%d" % first_id, "value": "5"}, headers=aj), 400)
    expect("vote on another thread's answer: 404", carol.post_form("/community/questions/%d/vote" % first_id,
           {"csrf": x_csrf, "post": "a%d" % bob_answer, "value": "1"}, headers=aj), 404)
    expect("queue lists held posts", editor.get("/admin/moderation"), 200, ["honeypot", "duplicate", "links"])

# Last: the vote flood (the limit is per client and minute).
if first_id:
    x_csrf, _ = carol.form_tokens("/community/questions/%d" % first_id)
    got = None
    for i in range(200):
        r = carol.post_form("/community/questions/%d/vote" % first_id,
                            {"csrf": x_csrf, "post": "t%d" % first_id, "value": str(1 - 2 * (i % 2))},
                            headers=aj, retry=False)
        if r.status != 200:
            got = r
            break
    record("vote flood: 429 with Retry-After",
           [] if got is not None and got.status == 429 and got.header("retry-after") else
           ["no 429 (%s)" % (got.status if got else "none")])

with open(COUNTS, "w") as fh:
    fh.write("%d %d\n" % TALLY.counts())
print("community: %d passed, %d failed" % TALLY.counts())
