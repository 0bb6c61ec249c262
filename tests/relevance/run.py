#!/usr/bin/env python3
"""run.py: search relevance against a running help center.

    python3 tests/relevance/run.py http://127.0.0.1:8888 [queries.tsv]

Starts nothing. For each judged row of queries.tsv (query, expected_slug,
must_rank 1|3, kind, note) it asks GET /api/v1/search?q=...&per_page=10
(lang unset) and finds the rank of the expected article. Prints every row
not ranked first (WARN when it also misses its must_rank), then success@1,
success@3 and MRR per kind and overall.

Exit status: 1 when MRR < 0.85 or when an expected slug does not exist
(GET /api/v1/articles/<slug> is not 200) or the table or the API is broken;
0 otherwise. Stdlib only.
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

MRR_THRESHOLD = 0.85
PER_PAGE = 10
HERE = os.path.dirname(os.path.abspath(__file__))


def die(msg):
    print("relevance: " + msg, file=sys.stderr)
    sys.exit(1)


def get(base, path, params=None):
    url = base + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if n == 1 and cols[0] == "query":
                continue
            if len(cols) < 4:
                die("%s:%d: expected query, slug, must_rank, kind[, note]"
                    % (path, n))
            q, slug, must, kind = (c.strip() for c in cols[:4])
            if not q or not slug or must not in ("1", "3") or not kind:
                die("%s:%d: bad row %r" % (path, n, line))
            rows.append({"line": n, "q": q, "slug": slug, "must": int(must),
                         "kind": kind,
                         "note": cols[4].strip() if len(cols) > 4 else ""})
    if not rows:
        die("%s: no judged queries" % path)
    return rows


def check_slugs(base, rows, path):
    missing = []
    for slug in sorted({r["slug"] for r in rows}):
        status, _ = get(base, "/api/v1/articles/" + urllib.parse.quote(slug))
        if status != 200:
            missing.append((slug, status))
    if missing:
        for slug, status in missing:
            lines = [str(r["line"]) for r in rows if r["slug"] == slug]
            print("ERROR expected slug %r does not exist (GET "
                  "/api/v1/articles/%s -> %s), %s line %s"
                  % (slug, slug, status, os.path.basename(path),
                     ", ".join(lines)), file=sys.stderr)
        die("%d expected slug(s) missing: fix the judgments" % len(missing))


def search(base, q):
    status, body = get(base, "/api/v1/search", {"q": q, "per_page": PER_PAGE})
    if status != 200:
        die("search %r answered %d: %s" % (q, status, body[:200]))
    try:
        d = json.loads(body)
        return [r.get("slug") for r in d["results"]
                if r.get("type", "article") == "article"], d.get("suggestion")
    except (ValueError, KeyError, TypeError) as e:
        die("search %r: bad JSON (%s)" % (q, e))


def stats(rs):
    n = len(rs)
    mrr = sum(1.0 / r["rank"] for r in rs if r["rank"]) / n
    s1 = sum(1 for r in rs if r["rank"] == 1) / n
    s3 = sum(1 for r in rs if r["rank"] and r["rank"] <= 3) / n
    return mrr, s1, s3


def main():
    if len(sys.argv) < 2:
        die("usage: run.py BASE_URL [queries.tsv]")
    base = sys.argv[1].rstrip("/")
    path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE,
                                                              "queries.tsv")
    rows = load(path)
    check_slugs(base, rows, path)

    for r in rows:
        slugs, sugg = search(base, r["q"])
        r["top"] = slugs
        r["sugg"] = sugg
        r["rank"] = slugs.index(r["slug"]) + 1 if r["slug"] in slugs else 0

    def show(r):
        rank = r["rank"] if r["rank"] else ">%d" % PER_PAGE
        extra = "  suggestion=%r" % r["sugg"] if r["sugg"] else ""
        return ("%-8s %-24s expected %-30s rank %-4s top3: %s%s"
                % (r["kind"], r["q"], r["slug"], rank,
                   ", ".join(r["top"][:3]) or "(none)", extra))

    # Every row not ranked first; WARN when it also misses its must_rank.
    misses = [r for r in rows if r["rank"] != 1]
    warns = [r for r in rows if not r["rank"] or r["rank"] > r["must"]]
    if misses:
        print("-- not ranked first: %d (WARN = must_rank missed: %d)"
              % (len(misses), len(warns)))
        for r in misses:
            tag = "WARN" if r in warns else "miss"
            print("%s must_rank=%d %s" % (tag, r["must"], show(r)))

    print("-- per kind")
    kinds = []
    for r in rows:
        if r["kind"] not in kinds:
            kinds.append(r["kind"])
    for k in kinds:
        rs = [r for r in rows if r["kind"] == k]
        mrr, s1, s3 = stats(rs)
        print("%-10s n=%-3d MRR=%.3f success@1=%.3f success@3=%.3f"
              % (k, len(rs), mrr, s1, s3))
    mrr, s1, s3 = stats(rows)
    print("MRR=%.3f success@1=%.3f success@3=%.3f over %d queries"
          % (mrr, s1, s3, len(rows)))
    if mrr < MRR_THRESHOLD:
        print("FAIL: MRR %.3f below %.2f" % (mrr, MRR_THRESHOLD))
        return 1
    print("ok: MRR %.3f >= %.2f (%d must_rank warnings)"
          % (mrr, MRR_THRESHOLD, len(warns)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
