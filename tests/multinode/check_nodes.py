"""check_nodes.py: the multinode checks of the nodes themselves (tests/multinode/run.sh
runs it after check.py): page views counted exactly once, node A killed
with kill -9 under ticket load, catalog pinning on /healthz.

Node A's kill comes last: afterwards only node B serves.
"""
import glob
import json
import os
import secrets
import signal
import subprocess
import threading
import time

import mnlib  # noqa: E402
from mnlib import A, B, LB, check, req  # noqa: E402

PID_A = int(os.environ["PID_a"])
ARTICLES_B = os.environ["ARTICLES_b"]


def sql(query):
    """One value (or rows, tab-separated) from the shared database, or
    None when psql fails."""
    try:
        return mnlib.psql(query, sep="\t")
    except (RuntimeError, OSError, subprocess.SubprocessError):
        return None


def in_parallel(n, fn):
    ts = [threading.Thread(target=fn, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


# 1. 1,000 page views through the balancer: exactly 1,000 rows, once
#    both event writers have flushed (one visitor cookie marks them).
visitor = secrets.token_hex(16)
slugs = ["invoice", "payment-methods", "refund-policy"]
views = []
vlock = threading.Lock()


def viewer(k):
    addr = "127.0.60.%d" % (k + 1)
    for i in range(k, 1000, 8):
        r = req(LB, "GET", "/articles/" + slugs[i % len(slugs)],
                {"Cookie": "hc_v=" + visitor}, None, addr)
        with vlock:
            views.append(r.status)


in_parallel(8, viewer)
check("1,000 article pages through haproxy are 200",
      views.count(200) == 1000,
      "statuses %s" % sorted(set(views)))
count_q = ("SELECT COUNT(*) FROM events WHERE visitor = '%s' AND "
           "type = 'article_view'" % visitor)
n = None
deadline = time.time() + 20
while time.time() < deadline:
    n = sql(count_q)
    if n == "1000":
        break
    time.sleep(0.2)
# Some more turns of both writers: nothing written twice afterwards.
time.sleep(1)
n = sql(count_q)
check("... exactly 1,000 page-view rows in PostgreSQL", n == "1000",
      "%s rows" % n)
runs = sql("SELECT COUNT(DISTINCT node) FROM event_offsets WHERE node IN "
           "('node-a', 'node-b')")
check("... each node's writer recorded its ring offsets", runs == "2",
      "%s nodes in event_offsets" % runs)


# 2. Catalog pinning: node B's articles changed, both nodes' /healthz
#    degraded after the window (HC_TEST_CATALOG_DIFF_SECS), naming the
#    other node; the change undone, both ok again.
def health(port):
    r = req(port, "GET", "/healthz")
    return r.status, r.json()


def pin_reason(doc):
    return [x for x in doc.get("reasons", []) if "has differed" in x]


st, doc = health(A)
nodes = doc.get("nodes", {})
names = sorted(x.get("name") for x in nodes.get("nodes", []))
hashes = set(x.get("snapshot_hash") for x in nodes.get("nodes", []))
check("/healthz lists both nodes and their snapshot hash, the same",
      st == 200 and names == ["node-a", "node-b"] and len(hashes) == 1 and
      all(len(h or "") == 64 for h in hashes),
      "%s %s" % (st, json.dumps(nodes)[:300]))
path = os.path.join(ARTICLES_B, "billing", "invoice.md")
with open(path, "rb") as f:
    original = f.read()
with open(path, "ab") as f:
    f.write(b"\nOnly on node B.\n")
t0 = time.time()
seen = {}
while time.time() - t0 < 30 and len(seen) < 2:
    for name, port in (("a", A), ("b", B)):
        st, doc = health(port)
        if st == 503 and pin_reason(doc):
            seen.setdefault(name, (time.time() - t0, pin_reason(doc)[0]))
    time.sleep(0.3)
check("node B's articles changed: both /healthz degraded (503) after the "
      "window, each naming the other node",
      "a" in seen and "b" in seen and "node-b" in seen["a"][1] and
      "node-a" in seen["b"][1],
      json.dumps(seen)[:400])
with open(path, "wb") as f:
    f.write(original)
t0 = time.time()
back = {}
while time.time() - t0 < 30 and len(back) < 2:
    for name, port in (("a", A), ("b", B)):
        st, doc = health(port)
        if st == 200 and not pin_reason(doc):
            back.setdefault(name, round(time.time() - t0, 1))
    time.sleep(0.3)
check("... the change undone: both ok again", len(back) == 2,
      "ok after %s" % back)


# 3. kill -9 of node A (its Kore parent and workers) under ticket load:
#    every acknowledged ticket is in PostgreSQL, and each key made one
#    ticket once the unanswered keys are sent again through node B.
def children(pid):
    out = []
    for d in glob.glob("/proc/[0-9]*"):
        try:
            with open(d + "/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(d[6:]))
        except (OSError, ValueError, IndexError):
            pass
    return out


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead: its parent (run.sh's shell) reaps it later.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


tag = "kill-%d" % int(time.time())
answers = {}
alock = threading.Lock()
stop = threading.Event()


def ticket(port, key):
    return req(port, "POST", "/api/v1/tickets",
               {"Content-Type": "application/json", "Idempotency-Key": key},
               json.dumps({"name": "Kill", "email": "kill@example.com",
                           "subject": key,
                           "body": "Sent while node A is killed."}))


def sender(k):
    port = LB if k < 2 else A
    i = 0
    while not stop.is_set():
        key = "%s-%d-%d" % (tag, k, i)
        i += 1
        r = ticket(port, key)
        ref = r.json().get("ref") if r.status in (200, 201) else None
        with alock:
            answers[key] = ref
        if ref is None and port == A:
            break   # node A is gone: its keys go to B below
        if ref is None:
            time.sleep(0.05)


threads = [threading.Thread(target=sender, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
time.sleep(1.0)
kids = children(PID_A)
workers = [p for p in kids if not comm(p).startswith("hc-")]
helpers = [p for p in kids if comm(p).startswith("hc-")]
for p in [PID_A] + workers:
    try:
        os.kill(p, signal.SIGKILL)
    except ProcessLookupError:
        pass
time.sleep(1.0)
stop.set()
for t in threads:
    t.join()
deadline = time.time() + 10
while time.time() < deadline and any(alive(p) for p in
                                     [PID_A] + workers + helpers):
    time.sleep(0.2)
left = [p for p in [PID_A] + workers + helpers if alive(p)]
check("node A's parent, %d workers and %d helpers are gone after kill -9"
      % (len(workers), len(helpers)), not left and len(workers) >= 1,
      "still running: %s" % left)
acked = {k: v for k, v in answers.items() if v}
unanswered = [k for k, v in answers.items() if not v]
for key in unanswered:
    for _ in range(20):
        r = ticket(B, key)
        if r.status in (200, 201) and r.json().get("ref"):
            answers[key] = r.json().get("ref")
            break
        time.sleep(0.2)
check("load during the kill: %d keys, %d acknowledged, %d sent again "
      "through B" % (len(answers), len(acked), len(unanswered)),
      len(acked) >= 10 and all(answers.values()),
      "%d keys still without a ticket" %
      len([k for k, v in answers.items() if not v]))
rows = sql("SELECT subject, ref FROM tickets WHERE subject LIKE '%s-%%'" % tag)
stored = {}
for line in (rows or "").splitlines():
    subj, ref = line.split("\t")
    stored.setdefault(subj, []).append(ref)
missing = [k for k, ref in acked.items() if ref not in stored.get(k, [])]
check("every acknowledged ticket is in PostgreSQL",
      rows is not None and not missing,
      "%d missing, e.g. %s" % (len(missing), missing[:3]))
dupes = {k: v for k, v in stored.items() if len(v) != 1}
check("each Idempotency-Key made exactly one ticket",
      not dupes and set(stored) == set(answers) and
      all(stored[k] == [answers[k]] for k in answers),
      "%d keys, %d in PostgreSQL, duplicates %s" %
      (len(answers), len(stored), list(dupes.items())[:3]))
r = req(B, "GET", "/articles/invoice")
check("node B still serves after A is gone", r.status == 200, r.status)

mnlib.finish()
