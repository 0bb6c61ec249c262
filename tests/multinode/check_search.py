"""check_search.py: the multinode checks of the community's search outbox (tests/multinode/run.sh runs it after check.py): a thread written through one node is searchable on the other within 2 s, also while another outbox row's transaction is held open."""
import json
import subprocess
import time
import urllib.parse

import mnlib  # noqa: E402  (puts tests/e2e on the path)
import hclib  # noqa: E402
from mnlib import A, B, PG_URL, check, psql  # noqa: E402

BUDGET = 2.0
RUN = "%x" % int(time.time() * 1000)
addrs = hclib.AddressPool(20, start=40)
names = iter(range(1, 1000))


def req(port, method, path, obj=None):
    """A JSON request from the next address of this check's own range."""
    h, body = {}, None
    if obj is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(obj)
    return mnlib.req(port, method, path, h, body, addrs.next())


def ask(port, word):
    r = req(port, "POST", "/api/v1/threads", {
        "title": "How do I reset the %s console?" % word,
        "body": "It hangs at the logo, run %s." % RUN,
        "display_name": "Asker %s %d" % (RUN, next(names))})
    return r.json().get("id", 0) if r.status == 201 else 0, r


def answer(port, tid, word):
    r = req(port, "POST", "/api/v1/threads/%d/answers" % tid, {
        "body": "Hold the %s button for ten seconds." % word,
        "display_name": "Helper %s %d" % (RUN, next(names))})
    return r


def found(port, word, tid):
    r = req(port, "GET", "/api/v1/search?type=thread&q=" +
            urllib.parse.quote(word))
    if r.status != 200:
        return False
    return tid in [x.get("id") for x in r.json().get("results", [])]


def wait_found(port, word, tid, limit=6.0):
    """Seconds until node port finds thread tid by word, or None."""
    t0 = time.time()
    while time.time() - t0 < limit:
        if found(port, word, tid):
            return time.time() - t0
        time.sleep(0.05)
    return None


def within(d):
    return d is not None and d <= BUDGET


def cross(writer, reader, wname, rname, tag):
    """A thread asked and answered through writer, searched on reader."""
    q = "q%s%s" % (tag, RUN)
    w = "w%s%s" % (tag, RUN)
    tid, r = ask(writer, q)
    check("%s: a thread through node %s is 201" % (tag, wname), tid > 0,
          "%s %s" % (r.status, r.text[:200]))
    if not tid:
        return 0
    d = wait_found(reader, q, tid)
    check("%s: the question is searchable on node %s within 2 s (%.2f s)"
          % (tag, rname, d or -1), within(d))
    r = answer(writer, tid, w)
    check("%s: its answer through node %s is 201" % (tag, wname),
          r.status == 201, "%s %s" % (r.status, r.text[:200]))
    d = wait_found(reader, w, tid)
    check("%s: the answer is searchable on node %s within 2 s (%.2f s)"
          % (tag, rname, d or -1), within(d))
    d = wait_found(writer, w, tid)
    check("%s: ... and on node %s itself (%.2f s)" % (tag, wname, d or -1),
          within(d))
    return tid


# 1. Written through A, read on B; and the reverse.
held_tid = cross(A, B, "A", "B", "ab")
cross(B, A, "B", "A", "ba")

# 2. Another writer's transaction is held open with an outbox row in it:
#    it began before the next posts, and commits after them.
held_word = "h%s" % RUN
hold = None
if held_tid:
    hold = subprocess.Popen(["psql", PG_URL, "-q", "-v", "ON_ERROR_STOP=1"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    hold.stdin.write("BEGIN;\nUPDATE threads SET title = 'Held open %s', "
                     "updated = updated + 1 WHERE id = %d;\n"
                     "INSERT INTO search_outbox(thread_id) VALUES (%d);\n"
                     % (held_word, held_tid, held_tid))
    hold.stdin.flush()
    # Its statements ran: the session waits, in its transaction.
    t0 = time.time()
    while time.time() - t0 < 5 and psql(
            "SELECT count(*) FROM pg_stat_activity WHERE state = "
            "'idle in transaction' AND query LIKE 'INSERT INTO search_outbox%'"
            ) != "1":
        time.sleep(0.05)
    check("a transaction holding an outbox row is open",
          psql("SELECT count(*) FROM pg_stat_activity WHERE state = "
               "'idle in transaction'") != "0")
    cross(A, B, "A", "B", "heldab")
    cross(B, A, "B", "A", "heldba")
    check("... the held thread is not searchable before its commit",
          not found(A, held_word, held_tid) and
          not found(B, held_word, held_tid))
    hold.stdin.write("COMMIT;\n")
    hold.stdin.close()
    hold.wait(timeout=10)
    check("the held transaction committed", hold.returncode == 0,
          hold.stdout.read() if hold.stdout else "")
    for port, name in ((A, "A"), (B, "B")):
        d = wait_found(port, held_word, held_tid)
        check("its thread is searchable on node %s within 2 s after its "
              "commit (%.2f s)" % (name, d or -1), within(d))

# 3. The log: both nodes keep a cursor and a recent heartbeat.
rows = psql("SELECT node FROM search_cursors WHERE seen > "
            "extract(epoch FROM now())::bigint - 60 ORDER BY node")
check("both nodes' cursors are recorded (search_cursors)",
      rows.split() == ["node-a", "node-b"], rows)

mnlib.finish("search outbox: ")
