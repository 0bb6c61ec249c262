#!/usr/bin/env python3
"""load.py: the mixed load of make soak and the fault tests, with per-request bookkeeping.

    load.py run BASE SECONDS CONNS ACKS STATS [MIX]
    load.py check ACKS DB

run: CONNS keep-alive connections (asyncio, one process) send a mix of
requests for SECONDS: article, category, home and thread pages, search,
suggest, JSON votes, thread posts, answers and tickets (Idempotency-Key).
MIX "soak" (default) is the whole mix; "faults" is tickets, answers, votes
and pages only. Every acknowledged write is appended to ACKS as it comes
back ("ticket KEY REF", "thread ID", "answer ID", "vote VISITOR SLUG"); a
write whose answer never came is "lost ticket KEY" (its fate is unknown).
A refused or broken connection is counted and retried after 50 ms, so the
driver rides through a server restart. STATS gets a JSON summary: counts by
kind and status, connection errors, p50/p99 per kind.

check: every acknowledged write is in the database DB (read directly);
unanswered tickets are not required (they may or may not be there), and
PRAGMA integrity_check is ok. One line per check, exit 1 on any failure.
"""
import asyncio
import json
import os
import random
import sqlite3
import sys
import time
import urllib.parse

WRITE_OK = {"ticket": (200, 201), "thread": (201, 202), "answer": (201, 202),
            "vote": (200, 201)}

MIXES = {
    # kind: weight
    "soak": {"article": 28, "category": 10, "home": 4, "search": 14,
             "suggest": 14, "thread_page": 5, "vote": 10, "thread": 2,
             "answer": 6, "ticket": 7},
    "faults": {"article": 30, "search": 10, "suggest": 5, "vote": 10,
               "answer": 10, "ticket": 35},
}

WORDS = ["退款", "密码", "refund", "password", "账号", "发票", "login", "物流",
         "支付", "order", "退货", "优惠券", "invoice", "delivery", "帳號"]


def pct(v, p):
    if not v:
        return None
    v = sorted(v)
    return round(v[min(len(v) - 1, int(len(v) * p))] * 1000, 2)


class Load:
    def __init__(self, base, seconds, conns, acks, mix):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.stop = time.monotonic() + seconds
        self.conns = conns
        self.acks = open(acks, "a", buffering=1)
        self.mix = MIXES[mix]
        self.kinds = list(self.mix)
        self.weights = [self.mix[k] for k in self.kinds]
        self.counts = {}
        self.lat = {}
        self.conn_errors = 0
        self.slugs, self.cats, self.threads = [], [], []
        self.seq = 0
        self.tag = "%010x" % random.getrandbits(40)

    def count(self, kind, status, secs):
        k = "%s %s" % (kind, status)
        self.counts[k] = self.counts.get(k, 0) + 1
        if secs is not None:
            self.lat.setdefault(kind, []).append(secs)

    def next_id(self):
        self.seq += 1
        return self.seq

    async def request(self, conn, method, path, body=None, headers=None):
        """One request on conn (a [reader, writer] pair, reopened when
        closed); returns (status, body bytes)."""
        if conn[0] is None:
            conn[0], conn[1] = await asyncio.open_connection(self.host,
                                                             self.port)
        h = "%s %s HTTP/1.1\r\nHost: %s:%d\r\n" % (method, path, self.host,
                                                   self.port)
        data = b""
        if body is not None:
            data = json.dumps(body).encode()
            h += "Content-Type: application/json\r\nContent-Length: %d\r\n" \
                % len(data)
        for k, v in (headers or {}).items():
            h += "%s: %s\r\n" % (k, v)
        conn[1].write(h.encode() + b"\r\n" + data)
        head = await asyncio.wait_for(conn[0].readuntil(b"\r\n\r\n"), 30)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length, close = 0, False
        for line in lines[1:]:
            k, _, v = line.partition(":")
            k = k.strip().lower()
            if k == "content-length":
                length = int(v)
            elif k == "connection" and v.strip().lower() == "close":
                close = True
        payload = await asyncio.wait_for(conn[0].readexactly(length), 30) \
            if length and method != "HEAD" else b""
        if close:
            self.close(conn)
        return status, payload

    def close(self, conn):
        if conn[1] is not None:
            conn[1].close()
        conn[0] = conn[1] = None

    def build(self, kind):
        """(method, path, body, headers, ack-maker) for one request."""
        n = self.next_id()
        visitor = "%s%022x" % (self.tag, n)
        if kind == "article":
            return "GET", "/articles/" + random.choice(self.slugs), None, {}, None
        if kind == "category":
            return "GET", "/categories/" + random.choice(self.cats), None, {}, None
        if kind == "home":
            return "GET", "/", None, {}, None
        if kind == "search":
            q = urllib.parse.quote(random.choice(WORDS))
            if random.random() < 0.5:
                return "GET", "/search?q=" + q, None, {}, None
            return "GET", "/api/v1/search?q=" + q, None, {}, None
        if kind == "suggest":
            w = random.choice(WORDS)
            w = w[:random.randint(1, len(w))]
            return "GET", "/api/v1/suggest?q=" + urllib.parse.quote(w), None, {}, None
        if kind == "thread_page":
            if not self.threads:
                return "GET", "/community", None, {}, None
            return "GET", "/community/questions/%d" % random.choice(self.threads), None, {}, None
        if kind == "vote":
            slug = random.choice(self.slugs)
            yes = random.random() < 0.6
            body = {"helpful": yes}
            if not yes:
                body["reason"] = random.choice(["outdated", "unclear", "other"])
            return ("POST", "/api/v1/articles/%s/feedback" % slug, body,
                    {"Cookie": "hc_v=" + visitor},
                    lambda j: "vote %s %s" % (visitor, slug))
        if kind == "thread":
            body = {"title": "Soak question %s-%d about my order" % (self.tag, n),
                    "body": "Load test question number %d from run %s: the "
                    "order page keeps loading." % (n, self.tag),
                    "display_name": "soak %s-%d" % (self.tag, n)}
            return ("POST", "/api/v1/threads", body, {"Cookie": "hc_v=" + visitor},
                    lambda j: "thread %d" % j["id"])
        if kind == "answer":
            if not self.threads:
                return self.build("thread")
            t = random.choice(self.threads)
            body = {"body": "Answer %d of run %s: sign out, then **retry** "
                    "the payment (step %d)." % (n, self.tag, n % 97),
                    "display_name": "soak %s-%d" % (self.tag, n)}
            return ("POST", "/api/v1/threads/%d/answers" % t, body,
                    {"Cookie": "hc_v=" + visitor},
                    lambda j: "answer %d" % j["id"])
        if kind == "ticket":
            key = "soak-%s-%d" % (self.tag, n)
            body = {"name": "Soak", "email": "soak@example.com",
                    "subject": "soak " + key, "body": "Load test ticket %d." % n}
            return ("POST", "/api/v1/tickets", body, {"Idempotency-Key": key},
                    lambda j, key=key: "ticket %s %s" % (key, j["ref"]))
        raise ValueError(kind)

    async def one(self, conn, kind):
        method, path, body, headers, ack = self.build(kind)
        if body is not None and path == "/api/v1/threads":
            kind = "thread"
        t0 = time.monotonic()
        try:
            status, payload = await self.request(conn, method, path, body, headers)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError,
                asyncio.LimitOverrunError, ValueError, IndexError):
            self.close(conn)
            self.conn_errors += 1
            self.count(kind, "conn", None)
            if kind == "ticket":
                self.acks.write("lost ticket %s\n" % headers["Idempotency-Key"])
            await asyncio.sleep(0.05)
            return
        self.count(kind, status, time.monotonic() - t0)
        if ack is not None and status in WRITE_OK[kind]:
            j = json.loads(payload)
            self.acks.write(ack(j) + "\n")
            if kind == "thread" and status == 201:
                self.threads.append(j["id"])
        elif kind == "ticket":
            self.acks.write("lost ticket %s %s\n" % (headers["Idempotency-Key"], status))

    async def client(self):
        conn = [None, None]
        while time.monotonic() < self.stop:
            kind = random.choices(self.kinds, self.weights)[0]
            await self.one(conn, kind)
        self.close(conn)

    async def setup(self):
        conn = [None, None]
        for _ in range(600):
            try:
                s, b = await self.request(conn, "GET", "/api/v1/articles?per_page=100")
                if s == 200:
                    break
            except OSError:
                self.close(conn)
            await asyncio.sleep(0.1)
        self.slugs = [a["slug"] for a in json.loads(b)["articles"]]
        s, b = await self.request(conn, "GET", "/api/v1/categories")
        for c in json.loads(b)["categories"]:
            self.cats.append(c["slug"])
            self.cats.extend(x["slug"] for x in c.get("sections", []))
        if "answer" in self.mix:
            await self.one(conn, "thread")
        self.close(conn)

    async def main(self):
        await self.setup()
        await asyncio.gather(*(self.client() for _ in range(self.conns)))

    def stats(self):
        total = sum(self.counts.values())
        by_status = {}
        for k, v in self.counts.items():
            st = k.split()[1]
            by_status[st] = by_status.get(st, 0) + v
        bad = {}
        for k, v in self.counts.items():
            kind, st = k.split()
            ok = (200,) if kind not in WRITE_OK else WRITE_OK[kind]
            if st == "conn" or int(st) not in ok:
                bad[k] = v
        return {"requests": total, "by_status": by_status, "unexpected": bad,
                "conn_errors": self.conn_errors, "counts": self.counts,
                "p50_ms": {k: pct(v, 0.5) for k, v in self.lat.items()},
                "p99_ms": {k: pct(v, 0.99) for k, v in self.lat.items()}}


def run(base, seconds, conns, acks, stats, mix="soak"):
    ld = Load(base, float(seconds), int(conns), acks, mix)
    t0 = time.monotonic()
    asyncio.run(ld.main())
    s = ld.stats()
    s["seconds"] = round(time.monotonic() - t0, 1)
    with open(stats, "w") as f:
        json.dump(s, f, indent=1, sort_keys=True)


def check(acks, dbpath):
    want = {"ticket": set(), "thread": set(), "answer": set(), "vote": set()}
    lost = 0
    for line in open(acks):
        p = line.split()
        if not p:
            continue
        if p[0] == "lost":
            lost += 1
        elif p[0] == "ticket":
            want["ticket"].add(p[2])
        elif p[0] in ("thread", "answer"):
            want[p[0]].add(int(p[1]))
        elif p[0] == "vote":
            want["vote"].add((p[1], p[2]))
    db = sqlite3.connect(dbpath, timeout=30)
    have = {
        "ticket": {r[0] for r in db.execute("SELECT ref FROM tickets")},
        "thread": {r[0] for r in db.execute("SELECT id FROM threads")},
        "answer": {r[0] for r in db.execute("SELECT id FROM answers")},
        "vote": {(r[0], r[1]) for r in db.execute("SELECT visitor, slug FROM votes")},
    }
    failed = 0
    for kind in ("ticket", "thread", "answer", "vote"):
        missing = want[kind] - have[kind]
        ok = not missing
        failed += 0 if ok else 1
        print("%s acknowledged %ss stored: %d of %d%s" % (
            "ok  " if ok else "FAIL", kind, len(want[kind]) - len(missing),
            len(want[kind]), "" if ok else " (missing e.g. %s)" % sorted(missing)[:3]))
    ic = db.execute("PRAGMA integrity_check").fetchone()[0]
    failed += 0 if ic == "ok" else 1
    print("%s PRAGMA integrity_check: %s (%d tickets unanswered, not required)" % (
        "ok  " if ic == "ok" else "FAIL", ic, lost))
    db.close()
    return failed


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(*sys.argv[2:])
    elif sys.argv[1] == "check":
        sys.exit(1 if check(sys.argv[2], sys.argv[3]) else 0)
    else:
        sys.exit(__doc__)
