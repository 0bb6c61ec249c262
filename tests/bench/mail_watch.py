#!/usr/bin/env python3
"""mail_watch.py: when each outbox row appeared and when its email arrived.

    mail_watch.py <helpcenter.db> <sink-dir> <stop-file> <drain-seconds> <kv-file> [<prefix> [<after-id>]]

Polls mail_outbox every 20 ms (read-only) and notes the wall time each row
id is first seen: its "queued" time, to the poll's resolution (the table
keeps whole seconds only). The SMTP sink's files carry the arrival time
(mtime, nanoseconds) and the row id inside their Message-ID
(<HC-...-NNNNNN.<row id>.<sig>@...>). Runs until stop-file exists (the load
is over) and then every row is sent, or drain-seconds more have passed.
Writes <prefix>.* figures (key TAB value; prefix "mail" by default) to
kv-file and prints a summary; only rows with an id above after-id count.
"""
import glob
import os
import re
import sqlite3
import sys
import time

DB, SINK, STOP, DRAIN, KV = sys.argv[1:6]
DRAIN = float(DRAIN)
PREFIX = sys.argv[6] if len(sys.argv) > 6 else "mail"
AFTER = int(sys.argv[7]) if len(sys.argv) > 7 else 0
MSGID = re.compile(rb"^Message-ID:\s*<HC-\d{4}-\d{6}\.(\d+)\.", re.I | re.M)


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def main():
    queued = {}
    last = AFTER
    drain_until = None
    db = None
    while True:
        now = time.time()
        try:
            if db is None:
                db = sqlite3.connect("file:%s?mode=ro" % DB, uri=True,
                                     timeout=5)
            rows = db.execute("SELECT id FROM mail_outbox WHERE id > ?",
                              (last,)).fetchall()
            for (i,) in rows:
                queued.setdefault(i, now)
                last = max(last, i)
            left = db.execute("SELECT count(*) FROM mail_outbox WHERE "
                              "state IN ('queued', 'sending') AND id > ?",
                              (AFTER,)).fetchone()[0]
        except sqlite3.Error:
            db, left = None, 1
        if drain_until is None and os.path.exists(STOP):
            drain_until = now + DRAIN
        if drain_until is not None and (left == 0 or now > drain_until):
            break
        time.sleep(0.02)
    arrived = {}
    for path in glob.glob(os.path.join(SINK, "*.eml")):
        with open(path, "rb") as f:
            head = f.read(8192)
        m = MSGID.search(head)
        if m and int(m.group(1)) > AFTER:
            arrived[int(m.group(1))] = os.stat(path).st_mtime_ns / 1e9
    delays = [arrived[i] - queued[i] for i in arrived if i in queued]
    first_q = min(queued.values()) if queued else 0
    times = sorted(arrived.values())
    # Sending rate over the time the mailer had work: first queued to last
    # delivered.
    span = (times[-1] - first_q) if times and first_q else 0
    rate = len(times) / span if span > 0 else 0
    p50, p99 = pct(delays, 50), pct(delays, 99)
    out = {"queued": len(queued), "sent": len(arrived),
           "left": len(queued) - len(arrived),
           "rate": "%.1f" % rate,
           "delay_p50": "%.0f" % (p50 * 1000) if p50 is not None else "x",
           "delay_p99": "%.0f" % (p99 * 1000) if p99 is not None else "x",
           "delay_max": "%.0f" % (max(delays) * 1000) if delays else "x"}
    with open(KV, "a") as f:
        for k, v in out.items():
            f.write("%s.%s\t%s\n" % (PREFIX, k, v))
    print("%s: %d queued, %d delivered (%d left after the drain), %.1f "
          "emails/s; outbox delay queued -> delivered p50 %s ms, p99 %s ms, "
          "max %s ms" % (PREFIX, len(queued), len(arrived),
                         len(queued) - len(arrived), rate, out["delay_p50"],
                         out["delay_p99"], out["delay_max"]))


main()
