"""check_votes.py: votes and timed jobs on two nodes at once (tests/multinode/run.sh runs it after check.py, on the same nodes and PostgreSQL).

1. One visitor votes on one article through node A and node B at the same
   moment, 50 rounds of a fresh visitor: each round is answered 201 once
   and 200 once, and PostgreSQL holds exactly one votes row per round.
2. 20 visitors (each at an address of its own) vote on one community post
   through both nodes at once: its score, read through either node, is the
   sum of their votes; 20 answers to that thread at once are all stored.
3. Both nodes' `hcctl jobs run` (the roll-up and the SLA job the workers'
   timers call, with their job locks) at the same moment, several rounds,
   on raw events seeded past RETENTION_DAYS and tickets pushed past their
   SLA with psql: event_daily holds exactly the counts of the raw events,
   none is left, and every overdue ticket has exactly one escalation.
"""
import json
import os
import random
import re
import subprocess
import threading
import time
import urllib.parse

import mnlib  # noqa: E402  (puts tests/e2e on the path)
import hclib  # noqa: E402
from mnlib import A, B, check, req  # noqa: E402

T = os.environ["T"]
RUN = "%x" % int(time.time())
# Voters' addresses: one per person (post votes count once per address).
ADDRS = hclib.AddressPool(40, start=1)


def psql(sql):
    """Rows of sql as lists of text (fields split on |)."""
    return [line.split("|") for line in mnlib.psql(sql).splitlines() if line]


def at_once(calls):
    """Runs each (fn, args) in its own thread, released together; the
    results in order."""
    res = [None] * len(calls)
    gate = threading.Barrier(len(calls))

    def one(i, fn, args):
        gate.wait()
        res[i] = fn(*args)

    ts = [threading.Thread(target=one, args=(i, fn, args))
          for i, (fn, args) in enumerate(calls)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return res


# ---- 1. One visitor, one article, both nodes at once, 50 rounds.
SLUG = "invoice"
VPREFIX = "c7%08x" % (int(time.time()) & 0xffffffff)


def vote(port, visitor, helpful):
    return req(port, "POST", "/api/v1/articles/%s/feedback" % SLUG, {
        "Cookie": "hc_v=" + visitor, "Content-Type": "application/json"},
        json.dumps({"helpful": helpful}))


rounds = []
for i in range(50):
    visitor = "%s%022x" % (VPREFIX, i)
    r = at_once([(vote, (A, visitor, True)), (vote, (B, visitor, i % 2 == 0))])
    rounds.append(sorted(x.status for x in r))
bad = [(i, s) for i, s in enumerate(rounds) if s != [200, 201]]
check("one visitor votes through A and B at once x50: 201 once and 200 "
      "once each round", not bad, "rounds not [200, 201]: %s" % bad[:5])
rows = psql("SELECT visitor, count(*) FROM votes WHERE visitor LIKE '%s%%' "
            "GROUP BY visitor" % VPREFIX)
counts = [int(n) for _, n in rows]
check("... and exactly one votes row per round in PostgreSQL",
      len(rows) == 50 and all(n == 1 for n in counts),
      "%d visitors with rows, counts %s" % (len(rows), sorted(set(counts))))
ev = psql("SELECT count(*) FROM events WHERE type = 'vote' AND visitor "
          "LIKE '%s%%'" % VPREFIX)
check("... each vote written with its event (100 vote events)",
      ev and int(ev[0][0]) == 100, ev)

# ---- 2. 20 visitors vote on one community post across both nodes at once.
asker = "c8%030x" % int(time.time())
r = req(A, "POST", "/api/v1/threads", {
    "Cookie": "hc_v=" + asker, "Content-Type": "application/json"},
    json.dumps({"title": "Which remote pairs on two nodes %s?" % RUN,
                "body": "Votes from both nodes at once, run %s." % RUN,
                "display_name": "Asker " + RUN}),
    ADDRS.next())
tid = r.json().get("id", 0) if r.status == 201 else 0
check("a community thread through node A: 201", tid > 0,
      "%s %s" % (r.status, r.text[:200]))
voters = []
for i in range(20):
    v = {"cookie": "c9%030x" % (int(time.time()) * 100 + i),
         "addr": ADDRS.next(), "port": A if i % 2 == 0 else B,
         "value": 1 if i % 3 else -1}
    page = req(v["port"], "GET", "/community/questions/%d" % tid,
               {"Cookie": "hc_v=" + v["cookie"]}, None, v["addr"])
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    v["csrf"] = m.group(1) if m else ""
    v["page"] = "%s %s" % (page.status, page.text[:300])
    voters.append(v)
check("each voter has the thread page and a CSRF token",
      tid > 0 and all(v["csrf"] for v in voters),
      [(v["port"], v["page"]) for v in voters if not v["csrf"]][:2])


def post_vote(v):
    return req(v["port"], "POST", "/community/questions/%d/vote" % tid, {
        "Cookie": "hc_v=" + v["cookie"], "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode({"csrf": v["csrf"], "post": "t%d" % tid,
                                "value": str(v["value"])}), v["addr"])


res = at_once([(post_vote, (v,)) for v in voters])
statuses = [x.status for x in res]
want = sum(v["value"] for v in voters)
check("20 visitors vote on one post through both nodes at once: all 200",
      statuses == [200] * 20, "statuses %s %s" % (statuses, [
          x.text[:160] for x in res if x.status != 200][:2]))
for name, port in (("A", A), ("B", B)):
    r = req(port, "GET", "/api/v1/threads/%d" % tid)
    got = r.json().get("score")
    check("... the post's score read through node %s is their sum (%d)" %
          (name, want), got == want, "%s score %r" % (r.status, got))
rows = psql("SELECT count(*), coalesce(sum(value), 0) FROM community_votes "
            "WHERE kind = 't' AND post_id = %d" % tid)
check("... and PostgreSQL holds 20 vote rows of that sum",
      rows == [["20", str(want)]], rows)

# 20 answers to that thread through both nodes at once: every one stored
# (each writes the thread's count: PostgreSQL lets one at a time through).
def answer(i):
    return req(A if i % 2 else B, "POST", "/api/v1/threads/%d/answers" % tid,
               {"Cookie": "hc_v=ca%030x" % (int(time.time()) * 100 + i),
                "Content-Type": "application/json"},
               json.dumps({"display_name": "Helper %s %d" % (RUN, i),
                           "body": "Answer %d of run %s: hold the button "
                                   "for five seconds." % (i, RUN)}),
               ADDRS.next())


res = at_once([(answer, (i,)) for i in range(20)])
statuses = [x.status for x in res]
check("20 answers to one thread through both nodes at once: all 201",
      statuses == [201] * 20, "statuses %s" % statuses)
r = req(B, "GET", "/api/v1/threads/%d" % tid)
check("... and the thread counts 20 answers (read through node B)",
      len(r.json().get("answers", [])) == 20,
      "%s %d answers" % (r.status, len(r.json().get("answers", []))))

# ---- 3. The roll-up and the SLA job on both nodes at the same moment.
DAY = 86400
today = int(time.time()) // DAY
# Well past RETENTION_DAYS (180 by default): 12 days, more than one timed
# run's RETENTION_MAX_DAYS (7), so runs meet on the days still raw.
FIRST = today - 400
DAYS = 12
SPREFIX = "mn-roll-%s-" % RUN
expected = {}


def seed_events(n):
    """n raw events on days FIRST..FIRST+DAYS-1; the counts the roll-up
    must arrive at, keyed as event_daily is."""
    values = []
    for _ in range(n):
        d = FIRST + random.randrange(DAYS)
        ts = d * DAY + random.randrange(DAY)
        day = time.strftime("%Y-%m-%d", time.gmtime(d * DAY))
        if random.random() < 0.5:
            slug = SPREFIX + random.choice("abc")
            values.append("(%d, 'mn', 'article_view', '%s', NULL, NULL)" %
                          (ts, slug))
            key = (day, "article_view", slug, "", "0")
        else:
            q = SPREFIX + random.choice("xy")
            zero = random.choice((0, 3))
            values.append("(%d, 'mn', 'search', NULL, '%s', %d)" %
                          (ts, q, zero))
            key = (day, "search", "", q, "1" if zero == 0 else "0")
        expected[key] = expected.get(key, 0) + 1
    psql("INSERT INTO events(ts, visitor, type, slug, norm_query, "
         "result_count) VALUES " + ", ".join(values))


def new_ticket(i):
    r = req(A if i % 2 else B, "POST", "/api/v1/tickets",
            {"Content-Type": "application/json"}, json.dumps({
                "name": "Late", "email": "late@example.com",
                "subject": "SLA %s %d" % (RUN, i),
                "body": "Nobody answered this one in time."}))
    return r.json().get("ref") if r.status == 201 else None


def jobs(data):
    return subprocess.run(["build/hcctl", "jobs", "run"],
                          env=dict(os.environ, DATA=data),
                          capture_output=True, text=True)


refs = []
failures = []
worked = []
ROUNDS = 6
for rnd in range(ROUNDS):
    seed_events(300)
    made = [new_ticket(rnd * 5 + i) for i in range(5)]
    refs.extend(x for x in made if x)
    # Past the first-response due time, as if created hours ago.
    psql("UPDATE tickets SET due_at = %d WHERE ref IN (%s)" % (
        int(time.time()) - 3600, ", ".join("'%s'" % x for x in made if x)))
    for _ in range(3):
        for out in at_once([(jobs, (T + "/a",)), (jobs, (T + "/b",))]):
            if out.returncode != 0:
                failures.append(out.stderr.strip()[:200])
            m = re.search(r"roll-up: (\d+)", out.stdout)
            worked.append(int(m.group(1)) if m else -1)
check("hcctl jobs run on both nodes at once, %d rounds of 3: no failure "
      "(%d of %d runs rolled events up)" % (ROUNDS, sum(
          1 for n in worked if n > 0), len(worked)), not failures,
      failures[:3])
# Whatever the rounds left (at most 7 days a run), run one at a time.
for _ in range(5):
    out = jobs(T + "/a")
    if "roll-up: 0 " in out.stdout:
        break
left = psql("SELECT count(*) FROM events WHERE visitor = 'mn'")
check("... no raw event past the retention period is left", left == [["0"]],
      left)
got = {tuple(r[:5]): int(r[5]) for r in psql(
    "SELECT day, type, slug, query, zero, n FROM event_daily WHERE "
    "slug LIKE '%s%%' OR query LIKE '%s%%'" % (SPREFIX, SPREFIX))}
diff = {k: (expected.get(k), got.get(k)) for k in set(expected) | set(got)
        if expected.get(k) != got.get(k)}
check("... event_daily sums are exact: %d keys, %d events" % (
      len(expected), sum(expected.values())), not diff,
      "expected/got: %s" % sorted(diff.items())[:4])
check("... %d overdue tickets made" % (ROUNDS * 5), len(refs) == ROUNDS * 5,
      len(refs))
esc = psql("SELECT t.ref, t.escalated, count(e.id) FROM tickets t LEFT JOIN "
           "ticket_events e ON e.ticket_id = t.id AND e.kind = 'escalated' "
           "WHERE t.subject LIKE 'SLA %s %%' GROUP BY t.ref, t.escalated" % RUN)
once = [r for r in esc if r[1] == "1" and r[2] == "1"]
check("... each overdue ticket escalated exactly once (one escalation "
      "event each)", len(esc) == len(refs) and len(once) == len(refs),
      [r for r in esc if r not in once][:5])
other = psql("SELECT count(*) FROM ticket_events e JOIN tickets t ON "
             "t.id = e.ticket_id WHERE e.kind = 'escalated' AND t.subject "
             "NOT LIKE 'SLA %s %%'" % RUN)
check("... and no ticket within its SLA escalated", other == [["0"]], other)

mnlib.finish()
