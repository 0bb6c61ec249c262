#!/usr/bin/env python3
"""journey_e2e.py: one customer's journey across the domains (issues 4, 5, 6).

    journey_e2e.py <BASE> <articles-copy> <server-log> <counts-file> <data-dir>

One visitor (one cookie jar) searches, opens a result (sid & pos), votes
"No" with a reason through the plain form, follows the offer to contact
support, submits the form and opens the status page. An agent then sees
the ticket with the channel and the visitor's context (search, article,
vote with reason), in /agent and in the API, replies publicly and adds an
internal note; the requester sees the reply and not the note. Then a
community thread: the contact form names it, and opened from search
results it records a search click. Last, the editors' summary counts the
ticket. Each step is one counted case; a step whose predecessor failed
fails with "skipped".

Rate limits are on and count per client address; the suites before this
one flood some buckets from 127.0.0.1, so every request here comes from
its own loopback address (127.0.7.N; tickets_e2e.py uses 127.0.0.N).
Python 3 standard library only.
"""
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
VERBOSE = os.environ.get("E2E_VERBOSE", "1") != "0"
TALLY = hclib.Tally(VERBOSE)
RUN = "%x" % int(time.time() * 1000)      # makes this run's texts unique
QUERY = "支付方式"                        # finds billing/payment-methods
REASON = "unclear"

ADDRS = hclib.AddressPool(7, start=1)
Resp = hclib.Resp


def fresh_addr():
    return ADDRS.next()


def fetch(method, path, headers=None, body=None, addr=None):
    return hclib.fetch(HOST, PORT, method, path, headers, body,
                       addr or fresh_addr())


class Browser(hclib.Browser):
    """A visitor from its own address (and a staff cookie if given)."""

    def __init__(self, cookies=None):
        super().__init__(fetch, fresh_addr(), cookies)


record = TALLY.record


def step(name, fn, needs=()):
    """One counted case; it fails as skipped when a state it needs is missing."""
    missing = [k for k in needs if k not in S]
    if missing:
        record(name, ["skipped: an earlier step failed (no %s)" % ", ".join(missing)])
        return
    try:
        problems = fn()
    except Exception as e:  # a crash of a case is its failure
        problems = ["exception: %r" % (e,)]
    record(name, problems or [])


def query(sql, args=()):
    db = sqlite3.connect("file:%s?mode=ro" % DB, uri=True, timeout=10)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def token(role, name):
    p = subprocess.run([HCCTL, "token", "add", role, name],
                       env=dict(os.environ, DATA=DATA),
                       capture_output=True, text=True, timeout=30)
    m = re.search(r"hc_[0-9a-f]{40}", p.stdout)
    return m.group(0) if m else ""


def unescape(s):
    return (s.replace("&quot;", '"').replace("&#39;", "'").replace("&lt;", "<")
            .replace("&gt;", ">").replace("&amp;", "&"))


def hidden_fields(page):
    return dict(re.findall(r'<input type="hidden" name="([a-z]+)" value="([^"]*)"', page.text))


def csrf_of(page):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    return m.group(1) if m else ""


def flushed():
    """Buffered events (page views, searches, clicks) reach the table within 1 s."""
    time.sleep(1.5)


def agent_h(json_body=False):
    h = {"Authorization": "Bearer " + S["agent"]}
    if json_body:
        h["Content-Type"] = "application/json"
    return h


def summary():
    r = fetch("GET", "/api/v1/analytics/summary",
              {"Authorization": "Bearer " + S["editor"]})
    return r.status, r.json()


S = {}                   # what the steps learn, for the steps after them
V = Browser()            # the customer


# ---------------------------------------------------------------- the customer

def customer_search():
    p = []
    st, j = summary()
    if st != 200:
        p.append("editor summary before: %d" % st)
    S["tickets_before"] = j.get("tickets_submitted")
    S["before_ticket_before"] = {b.get("slug"): b.get("tickets") for b in j.get("before_ticket", [])}
    V.addr = fresh_addr()
    r = V.get("/search?q=" + urllib.parse.quote(QUERY))
    if r.status != 200:
        return p + ["search %d" % r.status]
    if "hc_v" not in V.cookies:
        p.append("no visitor cookie set")
    links = re.findall(r'href="(/articles/([a-z0-9-]+)\?[^"]*sid=([0-9a-f]+)&amp;pos=(\d+))"', r.text)
    if not links:
        return p + ["no article result with sid & pos: %s" % r.text[:300]]
    S["result"] = unescape(links[0][0])
    S["slug"], S["sid"], S["pos"] = links[0][1], links[0][2], int(links[0][3])
    return p


def customer_opens_result():
    p = []
    V.addr = fresh_addr()
    r = V.get(S["result"])
    if r.status != 200:
        return ["article %d" % r.status]
    if 'class="fb-vote"' not in r.text or not csrf_of(r):
        return ["no vote form with a CSRF token"]
    S["article_page"] = r
    flushed()
    vis = V.cookies["hc_v"]
    rows = query("SELECT search_id, position, target FROM events WHERE visitor=? AND type='search_click'", (vis,))
    if (S["sid"], S["pos"], "article:" + S["slug"]) not in rows:
        p.append("search_click not recorded for the result: %r" % rows)
    rows = query("SELECT query, search_id FROM events WHERE visitor=? AND type='search'", (vis,))
    if (QUERY, S["sid"]) not in rows:
        p.append("search not recorded with its id: %r" % rows)
    if not query("SELECT 1 FROM events WHERE visitor=? AND type='article_view' AND slug=?", (vis, S["slug"])):
        p.append("no article_view event")
    return p


def customer_votes_no():
    p = []
    slug = S["slug"]
    V.addr = fresh_addr()
    r = V.post_form("/articles/%s/feedback" % slug,
                    {"csrf": csrf_of(S["article_page"]), "lang": "zh-CN", "helpful": "no"})
    loc = r.header("location") or ""
    if r.status != 303 or not loc.endswith("feedback=no#feedback"):
        return ["vote no: %d %r" % (r.status, loc)]
    step2 = V.get(loc.split("#")[0])
    offer = "/tickets/new?article=%s&amp;from=feedback" % slug
    if offer not in step2.text:
        return ["the reasons step offers no contact link %s" % offer]
    if 'name="reason" value="%s"' % REASON not in step2.text:
        p.append("no reason button %s" % REASON)
    r = V.post_form("/articles/%s/feedback" % slug,
                    {"csrf": csrf_of(step2), "lang": "zh-CN", "helpful": "no",
                     "reason": REASON, "comment": "步骤看不懂 " + RUN})
    if r.status != 303 or "feedback=sent" not in (r.header("location") or ""):
        p.append("reason: %d %r" % (r.status, r.header("location")))
    votes = query("SELECT helpful, reason FROM votes WHERE visitor=? AND slug=?",
                  (V.cookies["hc_v"], slug))
    if votes != [(0, REASON)]:
        p.append("votes stored %r" % votes)
    S["offer"] = unescape(offer)
    return p


def customer_contact_form():
    p = []
    V.addr = fresh_addr()
    r = V.get(S["offer"])
    if r.status != 200:
        return ["form %d" % r.status]
    h = hidden_fields(r)
    for k in ("csrf", "ts", "idem"):
        if not h.get(k):
            p.append("hidden field %s missing" % k)
    if h.get("article") != S["slug"] or h.get("from") != "feedback":
        p.append("article/from not carried: %r" % h)
    if not re.search(r'class="tk-came-from">[^<]*<a href="/articles/%s">[^<]+</a>' % S["slug"], r.text):
        p.append("the form does not name the article")
    if 'name="website"' not in r.text:
        p.append("no honeypot field")
    S["hidden"] = h
    S["form_shown_at"] = time.time()
    return p


def customer_submits():
    p = []
    time.sleep(max(0, S["form_shown_at"] + 2.2 - time.time()))   # minimum fill time
    f = dict(S["hidden"])
    f.update({"name": "Jo Journey", "email": "jo@example.com",
              "subject": "支付方式里没有我的银行 " + RUN,
              "body": "文章第二步看不懂。\n我该怎么付款？", "category": "billing",
              "priority": "normal", "website": ""})
    r = V.post_form("/tickets/new", f)
    loc = r.header("location") or ""
    m = re.match(r"^/tickets/(HC-\d{4}-\d{6})\?t=([0-9a-f]{32})$", loc)
    if r.status != 303 or not m:
        return ["submit: %d %r %s" % (r.status, loc, r.text[:300])]
    S["ref"], S["status_url"], S["subject"] = m.group(1), loc, f["subject"]
    n = query("SELECT count(*) FROM events WHERE type='ticket_submitted' AND ticket_ref=? AND visitor=?",
              (S["ref"], V.cookies["hc_v"]))[0][0]
    if n != 1:
        p.append("ticket_submitted events of this visitor: %d" % n)
    return p


def customer_status_page():
    p = []
    V.addr = fresh_addr()
    r = V.get(S["status_url"])
    if r.status != 200:
        return ["status page %d" % r.status]
    if S["ref"] not in r.text or S["subject"] not in unescape(r.text):
        p.append("the status page names neither ref nor subject")
    if "no-store" not in (r.header("cache-control") or ""):
        p.append("the status page is cacheable")
    return p


# ---------------------------------------------------------------- the agent

def agent_sees_context():
    p = []
    r = fetch("GET", "/api/v1/tickets/" + S["ref"], agent_h())
    if r.status != 200:
        return ["agent GET %d %s" % (r.status, r.text[:200])]
    t = r.json()
    if t.get("channel") != "article_feedback":
        p.append("channel %r, want article_feedback" % t.get("channel"))
    ctx = t.get("context") or {}
    if ctx.get("article") != S["slug"]:
        p.append("context article %r" % ctx.get("article"))
    if not any(s.get("query") == QUERY for s in ctx.get("searches", [])):
        p.append("context misses the search %r: %r" % (QUERY, ctx.get("searches")))
    if not any(a.get("slug") == S["slug"] for a in ctx.get("articles", [])):
        p.append("context misses the article read: %r" % ctx.get("articles"))
    if not any(v.get("slug") == S["slug"] and v.get("helpful") in (0, False) and
               v.get("reason") == REASON for v in ctx.get("votes", [])):
        p.append("context misses the No vote with reason %s: %r" % (REASON, ctx.get("votes")))
    if t.get("group") != "billing":
        p.append("group %r, want billing" % t.get("group"))
    return p


def agent_queue_and_list():
    p = []
    a = Browser()
    # A session of its own (the token is no cookie), from this address.
    for part in hclib.staff_cookie(HOST, PORT, S["agent"], a.addr,
                                   "/agent").split("; "):
        if "=" in part:
            a.cookies[part.split("=")[0]] = part.split("=", 1)[1]
    r = a.get("/agent")
    if r.status != 200:
        p.append("/agent %d" % r.status)
    elif S["ref"] not in r.text:
        p.append("the ticket is not in /agent")
    found = False
    for page in range(1, 21):
        r = fetch("GET", "/api/v1/tickets?per_page=50&page=%d" % page, agent_h())
        if r.status != 200:
            p.append("list page %d: %d" % (page, r.status))
            break
        tickets = r.json().get("tickets", [])
        if any(t.get("ref") == S["ref"] for t in tickets):
            found = True
            break
        if len(tickets) < 50:
            break
    if not found:
        p.append("the ticket is not in GET /api/v1/tickets")
    r = fetch("GET", "/api/v1/tickets?status=new&group=billing&per_page=50", agent_h())
    if r.status != 200 or S["ref"] not in [t.get("ref") for t in r.json().get("tickets", [])]:
        p.append("not found with ?status=new&group=billing")
    return p


def agent_replies():
    p = []
    S["reply"] = "请改用支付宝付款，我们已更新文章。" + RUN
    S["note"] = "internal: customer bank unsupported " + RUN
    r = fetch("POST", "/api/v1/tickets/%s/comments" % S["ref"], agent_h(True),
              json.dumps({"body": S["reply"]}))
    if r.status != 201:
        return ["reply %d %s" % (r.status, r.text[:200])]
    if r.json().get("first_response_at") is None:
        p.append("first response not stamped")
    r = fetch("POST", "/api/v1/tickets/%s/comments" % S["ref"], agent_h(True),
              json.dumps({"body": S["note"], "public": False}))
    if r.status != 201:
        p.append("note %d %s" % (r.status, r.text[:200]))
    kinds = [e.get("kind") for e in r.json().get("events", [])]
    for k in ("reply", "note"):
        if k not in kinds:
            p.append("event %s missing: %r" % (k, kinds))
    return p


def customer_sees_reply():
    p = []
    V.addr = fresh_addr()
    r = V.get(S["status_url"])
    if r.status != 200:
        return ["status page %d" % r.status]
    if S["reply"] not in r.text:
        p.append("the public reply is not shown")
    if S["note"] in r.text or "internal:" in r.text:
        p.append("the internal note is shown to the requester")
    return p


# ---------------------------------------------------------------- community

def thread_posted_and_named():
    p = []
    V.addr = fresh_addr()
    S["word"] = "journeyqx" + RUN
    title = "How do I pay with a %s card?" % S["word"]
    r = V.post_json("/api/v1/threads", {"title": title,
                                        "body": "The payment page rejects it. " + RUN,
                                        "display_name": "Jo"})
    if r.status != 201 or not r.json().get("id"):
        return ["POST /api/v1/threads %d %s" % (r.status, r.text[:200])]
    S["thread"], S["thread_title"] = r.json()["id"], title
    r = V.get("/tickets/new?thread=%d" % S["thread"])
    if r.status != 200:
        return p + ["form %d" % r.status]
    if title not in unescape(r.text):
        p.append("the form does not show the thread's title")
    if 'href="/community/questions/%d"' % S["thread"] not in r.text:
        p.append("no link back to the thread")
    return p


def thread_search_click():
    p = []
    V.addr = fresh_addr()
    link, start = None, time.time()
    while time.time() - start < 5 and link is None:   # searchable within 2 s
        r = V.get("/search?q=" + urllib.parse.quote(S["word"]))
        m = re.search(r'href="(/community/questions/%d\?sid=([0-9a-f]+)&amp;pos=1)"' % S["thread"], r.text)
        if m:
            link, sid = unescape(m.group(1)), m.group(2)
        else:
            time.sleep(0.2)
    if link is None:
        return ["the thread is not in the search results as pos=1 after 5 s"]
    r = V.get(link)
    if r.status != 200:
        return ["thread page %d" % r.status]
    flushed()
    rows = query("SELECT search_id, position, target FROM events WHERE visitor=? AND type='search_click' "
                 "AND target LIKE 'thread:%'", (V.cookies["hc_v"],))
    if (sid, 1, "thread:%d" % S["thread"]) not in rows:
        p.append("no search_click with target thread:%d: %r" % (S["thread"], rows))
    return p


# ---------------------------------------------------------------- the editors

def editors_count_ticket():
    p = []
    st, j = summary()
    if st != 200:
        return ["summary %d" % st]
    got = j.get("tickets_submitted")
    if got != (S["tickets_before"] or 0) + 1:
        p.append("tickets_submitted %r, was %r before the journey" % (got, S["tickets_before"]))
    bt = {b.get("slug"): b.get("tickets") for b in j.get("before_ticket", [])}
    if bt.get(S["slug"], 0) < S["before_ticket_before"].get(S["slug"], 0) + 1:
        p.append("%s not counted as read before a ticket: %r" % (S["slug"], j.get("before_ticket")))
    if (j.get("ticket_visitors") or 0) < 1:
        p.append("ticket_visitors %r" % j.get("ticket_visitors"))
    return p


def main():
    S["agent"] = token("agent", "journey-agent-" + RUN)
    S["editor"] = token("editor", "journey-editor-" + RUN)
    record("hcctl token add agent and editor",
           [] if S["agent"] and S["editor"] else ["no token printed"])
    step("customer: /search finds an article, the result link carries sid & pos", customer_search)
    step("customer: the result opens the article (search click, view recorded)",
         customer_opens_result, ("result",))
    step("customer: votes No with a reason through the plain form (CSRF)",
         customer_votes_no, ("article_page",))
    step("customer: the offered contact link opens the form naming the article",
         customer_contact_form, ("offer",))
    step("customer: submits after the fill time -> 303 to /tickets/<ref>?t=",
         customer_submits, ("hidden",))
    step("customer: opens the status page", customer_status_page, ("ref",))
    step("agent: API shows channel article_feedback and the search, read and vote",
         agent_sees_context, ("ref",))
    step("agent: the ticket is in /agent and in GET /api/v1/tickets",
         agent_queue_and_list, ("ref",))
    step("agent: public reply and internal note via the API", agent_replies, ("ref",))
    step("customer: the status page shows the reply, not the note",
         customer_sees_reply, ("reply",))
    step("community: a thread posted by the API is named on /tickets/new?thread=",
         thread_posted_and_named)
    step("community: the thread opened from search results records search_click thread:<id>",
         thread_search_click, ("thread",))
    step("editors: the analytics summary counts the submitted ticket",
         editors_count_ticket, ("ref", "tickets_before"))
    print("journey: %d passed, %d failed" % TALLY.counts())
    with open(COUNTS, "w") as f:
        f.write("%d %d\n" % TALLY.counts())


if __name__ == "__main__":
    main()
