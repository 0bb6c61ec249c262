#!/usr/bin/env python3
"""fts5_query.py: the SQLite FTS5 reference for make bench's search figures.

    fts5_query.py CORPUS-DIR QUERIES-FILE DB-PATH [ROUNDS]

Builds DB-PATH once (when missing) from every *.md under CORPUS-DIR: one row
per file, its title and its text (front matter left out), in an FTS5 table
with the trigram tokenizer. Then runs every query of QUERIES-FILE ROUNDS
times (default 3) in this process, one thread: the query's words (3
characters or more: the trigram tokenizer finds nothing shorter) each
quoted, joined with OR, ranked by bm25 with the title weighted 4, first 10
rows. Prints mean, p50 and p99 in microseconds and how many queries found
nothing. Stdlib only.
"""

import os
import sqlite3
import sys
import time


def build(corpus, path):
    tmp = path + ".tmp"
    if os.path.exists(tmp):
        os.unlink(tmp)
    db = sqlite3.connect(tmp)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, "
               "tokenize='trigram')")
    rows = []
    for root, _, files in os.walk(corpus):
        for name in files:
            if not name.endswith(".md"):
                continue
            with open(os.path.join(root, name), encoding="utf-8") as f:
                text = f.read()
            title = ""
            if text.startswith("---\n"):
                end = text.find("\n---\n", 4)
                head = text[4:end] if end > 0 else ""
                text = text[end + 5:] if end > 0 else text
                for line in head.splitlines():
                    if line.startswith("title:"):
                        title = line[6:].strip()
            rows.append((title, text))
    db.executemany("INSERT INTO docs VALUES (?, ?)", rows)
    db.commit()
    db.close()
    os.rename(tmp, path)


def fts_query(q):
    words = [w for w in q.split() if len(w) >= 3]
    return " OR ".join('"%s"' % w.replace('"', '""') for w in words)


def main():
    if len(sys.argv) < 4:
        print("usage: fts5_query.py CORPUS-DIR QUERIES-FILE DB-PATH [ROUNDS]",
              file=sys.stderr)
        return 2
    corpus, qfile, path = sys.argv[1:4]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    if not os.path.exists(path):
        build(corpus, path)
    with open(qfile, encoding="utf-8") as f:
        queries = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    db = sqlite3.connect(path)
    docs = db.execute("SELECT count(*) FROM docs").fetchone()[0]
    sql = ("SELECT rowid FROM docs WHERE docs MATCH ? "
           "ORDER BY bm25(docs, 4.0, 1.0) LIMIT 10")
    us, empty = [], 0
    for r in range(rounds):
        for q in queries:
            m = fts_query(q)
            t0 = time.perf_counter()
            rows = db.execute(sql, (m,)).fetchall() if m else []
            us.append((time.perf_counter() - t0) * 1e6)
            if r == 0 and not rows:
                empty += 1
    us.sort()

    def pct(p):
        return us[int(p * (len(us) - 1) + 0.5)]
    print("fts5_query: %d queries x %d rounds mean %.0f us p50 %.0f us "
          "p99 %.0f us empty %d docs %d"
          % (len(queries), rounds, sum(us) / len(us), pct(0.5), pct(0.99),
             empty, docs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
