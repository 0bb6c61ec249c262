#!/usr/bin/env python3
"""crash.py: the client side of crash.sh.

    crash.py send BASE STATE_FILE SECONDS CLIENTS   # post tickets until killed or SECONDS pass
    crash.py check BASE STATE_FILE DB               # after the restart

send: CLIENTS threads post tickets to /api/v1/tickets, each with its own
Idempotency-Key and a subject naming the key; a 201 is written to the state
file as "ack KEY REF", a request without an answer as "lost KEY".
check: every acknowledged ticket exists; the lost ones, sent again with
the same key, give one ticket each (never two); no key or subject is
stored twice; PRAGMA integrity_check is ok. Prints one line per check and
exits 1 on any failure.
"""
import http.client
import json
import sqlite3
import sys
import threading
import time
import urllib.parse


def post(base, key):
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    body = json.dumps({"name": "Crash", "email": "crash@example.com",
                       "subject": "crash " + key, "body": "durability test"})
    try:
        conn.request("POST", "/api/v1/tickets", body,
                     {"Content-Type": "application/json", "Idempotency-Key": key})
        r = conn.getresponse()
        data = r.read()
        return r.status, json.loads(data) if data else None
    finally:
        conn.close()


def send(base, state, seconds, clients):
    lock = threading.Lock()
    out = open(state, "a", buffering=1)
    stop = time.time() + seconds

    def worker(n):
        i = 0
        while time.time() < stop:
            i += 1
            key = "crash-%d-%d-%d" % (n, i, time.time_ns())
            try:
                status, j = post(base, key)
            except Exception:
                # The server is gone: this request's fate is unknown.
                with lock:
                    out.write("lost %s\n" % key)
                return
            with lock:
                if status == 201:
                    out.write("ack %s %s\n" % (key, j["ref"]))
                else:
                    out.write("lost %s\n" % key)
    ts = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def check(base, state, dbpath):
    acks, lost = {}, set()
    for line in open(state):
        parts = line.split()
        if parts[0] == "ack":
            acks[parts[1]] = parts[2]
        else:
            lost.add(parts[1])
    failed = 0

    def report(ok, what):
        nonlocal failed
        print("%s crash: %s" % ("ok  " if ok else "FAIL", what))
        failed += 0 if ok else 1

    db = sqlite3.connect(dbpath, timeout=10)
    rows = db.execute("SELECT ref, subject FROM tickets WHERE name = 'Crash'").fetchall()
    refs = {r[0] for r in rows}
    missing = [k for k, ref in acks.items() if ref not in refs]
    report(len(acks) > 0 and not missing,
           "%d acknowledged tickets (201 reached the client) all present after kill -9 (missing %d)" % (len(acks), len(missing)))
    subjects = [r[1] for r in rows]
    report(len(subjects) == len(set(subjects)), "no duplicates among %d stored tickets" % len(subjects))
    # The lost requests, sent again with their keys: one ticket each.
    again = 0
    bad = []
    for key in sorted(lost):
        status, j = post(base, key)
        if status not in (200, 201):
            bad.append((key, status))
        again += 1
        status2, j2 = post(base, key)
        if status2 != 200 or j2["ref"] != j["ref"]:
            bad.append((key, "replay", status2))
    n = db.execute("SELECT count(*) FROM tickets WHERE name = 'Crash'").fetchone()[0]
    report(not bad and n == len(acks) + len(lost),
           "%d unanswered requests sent again: one ticket each (%d stored, want %d) %s" % (again, n, len(acks) + len(lost), bad[:3]))
    ok = db.execute("PRAGMA integrity_check").fetchone()[0]
    report(ok == "ok", "PRAGMA integrity_check: %s" % ok)
    db.close()
    return failed


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(1 if check(sys.argv[2], sys.argv[3], sys.argv[4]) else 0)
