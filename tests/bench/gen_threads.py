#!/usr/bin/env python3
"""gen_threads.py: bulk-insert N synthetic community threads into a help center database.

usage: gen_threads.py DB N [--outbox] [--categories K] [--seed S]

Rows follow the store's schema (src/community/migrations.c) the way
cm_thread_create and cm_answer_create leave them: Markdown, rendered HTML
(one paragraph, as cmark renders this plain text) and plain text, a body
hash, published status, the answer count, and an accepted answer for about
a third of the threads. Each thread gets 0 to 2 answers. The text uses
gen_articles.py's vocabulary (70 % Chinese), so tests/bench/queries.txt
finds threads as well as articles. Categories cat0..cat(K-1) are
gen_articles.py's folders (K = 0: none).

--outbox also writes one search_outbox row per thread, as the store does in
the transaction of every change, so that a running server's watcher indexes
them; without it, the threads reach the index through cm_index_reconcile
(hcctl reindex, or the watcher's first pass at start).
Deterministic for a seed. Prints the first and last thread id.
"""
import hashlib
import html
import os
import random
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_articles import EN_WORDS, ZH_WORDS, sentence  # noqa: E402


def post(rng, zh, sentences):
    text = " ".join(sentence(rng, zh) for _ in range(sentences))
    return text, "<p>" + html.escape(text, quote=False) + "</p>\n", text


def digest(s):
    return hashlib.blake2b(s.encode(), digest_size=8).hexdigest()


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    path, n = args[0], int(args[1])
    outbox = "--outbox" in args
    ncat = int(args[args.index("--categories") + 1]) if "--categories" in args else 0
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 7
    rng = random.Random(seed)
    db = sqlite3.connect(path, timeout=30)
    db.execute("PRAGMA busy_timeout = 30000")
    now = int(time.time())
    first = last = None
    batch = 5000
    done = 0
    while done < n:
        db.execute("BEGIN IMMEDIATE")
        for _ in range(min(batch, n - done)):
            zh = rng.random() < 0.7
            if zh:
                title = "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(3, 6))) + "怎么办？"
            else:
                title = "How do I " + " ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(3, 6))) + "?"
            md, body_html, plain = post(rng, zh, rng.randint(2, 5))
            ts = now - rng.randint(0, 365 * 86400)
            visitor = "%032x" % rng.getrandbits(128)
            cat = "cat%d" % rng.randrange(ncat) if ncat and rng.random() < 0.8 else ""
            tags = " %s %s " % (rng.choice(EN_WORDS), rng.choice(EN_WORDS))
            cur = db.execute(
                "INSERT INTO threads(visitor, author, title, body_md, body_html, body_plain, "
                "category, tags, lang, status, body_hash, score, created, updated, activity) "
                "VALUES (?,?,?,?,?,?,?,?,?,'published',?,?,?,?,?)",
                (visitor, "user%d" % rng.randrange(100000), title, md, body_html, plain, cat,
                 tags, "zh-CN" if zh else "en", digest(title + md), rng.randint(-2, 20), ts, ts, ts))
            tid = cur.lastrowid
            first = tid if first is None else first
            last = tid
            na = rng.choice((0, 1, 1, 2))
            aids = []
            for k in range(na):
                amd, ahtml, aplain = post(rng, zh, rng.randint(1, 3))
                cur = db.execute(
                    "INSERT INTO answers(thread_id, visitor, author, body_md, body_html, body_plain, "
                    "status, body_hash, score, created, updated) "
                    "VALUES (?,?,?,?,?,?,'published',?,?,?,?)",
                    (tid, "%032x" % rng.getrandbits(128), "user%d" % rng.randrange(100000),
                     amd, ahtml, aplain, digest(amd), rng.randint(0, 10), ts + 60 * (k + 1),
                     ts + 60 * (k + 1)))
                aids.append(cur.lastrowid)
            accepted = aids[0] if aids and rng.random() < 0.6 else None
            if na or accepted:
                db.execute("UPDATE threads SET answers = ?, accepted = ?, activity = ? WHERE id = ?",
                           (na, accepted, ts + 60 * na, tid))
            if outbox:
                db.execute("INSERT INTO search_outbox(thread_id) VALUES (?)", (tid,))
        db.execute("COMMIT")
        done += min(batch, n - done)
    db.close()
    print(first, last)


if __name__ == "__main__":
    main()
