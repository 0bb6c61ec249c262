"""check.py: the multinode checks (tests/multinode/run.sh starts two nodes, haproxy and PostgreSQL, and runs this)."""
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse

import mnlib  # noqa: E402
from mnlib import A, B, LB, check, req  # noqa: E402

TOKEN = os.environ.get("TOKEN", "")


def ticket(port, key=None, subject="Two nodes"):
    h = {"Content-Type": "application/json"}
    if key:
        h["Idempotency-Key"] = key
    return req(port, "POST", "/api/v1/tickets", h, json.dumps({
        "name": "Multi", "email": "multi@example.com", "subject": subject,
        "body": "Made on one node, read on the other."}))


# 1. A ticket made through A, its status page (token) read through B.
r = ticket(A)
check("a ticket through node A is 201", r.status == 201, r.status)
url = r.json().get("url", "") if r.status == 201 else ""
path = urllib.parse.urlsplit(url).path + "?" + urllib.parse.urlsplit(url).query
r2 = req(B, "GET", path)
check("its status page (token minted on A) through node B is 200",
      r2.status == 200, "%s %s" % (r2.status, path))

# 2. A CSRF token and visitor cookie minted on A accepted by B (/login).
r = req(A, "GET", "/login?next=/agent")
vis = re.search(r"hc_v=([0-9a-f]+)", " ".join(r.cookies))
csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text)
ok = bool(vis and csrf)
if ok:
    body = urllib.parse.urlencode({"csrf": csrf.group(1), "token": TOKEN,
                                   "next": "/agent"})
    r = req(B, "POST", "/login", {
        "Cookie": "hc_v=" + vis.group(1),
        "Content-Type": "application/x-www-form-urlencoded"}, body)
    staff = re.search(r"hc_staff=([0-9a-f]+)", " ".join(r.cookies))
    check("CSRF of node A accepted by node B (sign-in 303)",
          r.status == 303 and staff is not None, r.status)
    # 3. The staff session made on B works on A.
    cookie = "hc_v=%s; hc_staff=%s" % (vis.group(1),
                                         staff.group(1) if staff else "")
    r = req(A, "GET", "/agent", {"Cookie": cookie})
    check("staff cookie of node B works on node A (/agent 200)",
          r.status == 200, r.status)
else:
    check("node A served /login with a CSRF token", False, r.status)

# 4. One Idempotency-Key to both nodes at once, 50 times.
statuses = []
refs = set()
lock = threading.Lock()


def send(port, key):
    r = ticket(port, key, "Same key")
    with lock:
        statuses.append(r.status)
        if r.status in (200, 201):
            refs.add((key, r.json().get("ref")))


for i in range(50):
    key = "multi-%04d-%d" % (i, int(time.time()))
    ts = [threading.Thread(target=send, args=(p, key)) for p in (A, B)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
fives = [s for s in statuses if s >= 500]
check("same Idempotency-Key to both nodes at once x50: no 5xx",
      not fives, "statuses %s" % sorted(set(statuses)))
keys = {}
for k, ref in refs:
    keys.setdefault(k, set()).add(ref)
check("... and one ticket per key", len(keys) == 50 and
      all(len(v) == 1 for v in keys.values()),
      "%d keys, %d refs" % (len(keys), len(refs)))
check("... answered 201 once and 200 once per key",
      statuses.count(201) == 50 and statuses.count(200) == 50,
      "201: %d, 200: %d" % (statuses.count(201), statuses.count(200)))

# 5. PostgreSQL stopped for 3 s: writes 503 with Retry-After, pages 200.
subprocess.run(["sh", "-c", ". tests/lib/pg.sh && pg_pause"], check=False)
t0 = time.time()
w = ticket(LB, None, "During the outage")
p = req(LB, "GET", "/articles/invoice")
p2 = req(LB, "GET", "/")
check("PostgreSQL down: a write is 503 with Retry-After",
      w.status == 503 and w.header("retry-after") is not None,
      "%s %s" % (w.status, w.text[:120]))
check("PostgreSQL down: pages are 200", p.status == 200 and p2.status == 200,
      "%s %s" % (p.status, p2.status))
time.sleep(max(0, 3 - (time.time() - t0)))
subprocess.run(["sh", "-c", ". tests/lib/pg.sh && pg_resume"], check=False)
ok = []
for port in (A, B):
    r = ticket(port, None, "After the outage")
    ok.append(r.status)
check("PostgreSQL back: writes through both nodes are 201",
      ok == [201, 201], ok)

mnlib.finish()
