#!/usr/bin/env python3
"""probe.py: HTTP probes for make bench (stdlib only).

  probe.py queries BASE QUERIES-FILE
      runs every query once on /api/v1/search; prints
      "queries <n> errors <e> empty <z>" and, on stderr, the failing ones.
  probe.py edit BASE ARTICLE-FILE TIMEOUT-S
      appends a unique made-up word to the file, polls /api/v1/search?q=<word>
      every 20 ms until total >= 1; prints "edit <ms>" or "edit timeout";
      puts the file back as it was afterwards.
"""
import json
import random
import string
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def search(base, q, timeout=5):
    url = base + "/api/v1/search?q=" + urllib.parse.quote(q)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, json.loads(r.read().decode())
    except urllib.error.HTTPError as e:
        return e.code, None
    except (OSError, ValueError) as e:
        return str(e), None


def queries(base, path):
    qs = [l.rstrip("\n") for l in open(path, encoding="utf-8")]
    qs = [q for q in qs if q and not q.startswith("#")]
    errors = empty = 0
    for q in qs:
        status, body = search(base, q)
        if status != 200 or body is None:
            errors += 1
            print(f"probe: {q!r}: {status}", file=sys.stderr)
        elif int(body.get("total", 0)) < 1:
            empty += 1
            print(f"probe: {q!r}: no results", file=sys.stderr)
    print(f"queries {len(qs)} errors {errors} empty {empty}")


def edit(base, path, limit):
    token = "zqx" + "".join(random.choice(string.ascii_lowercase)
                            for _ in range(9))
    with open(path, "rb") as f:
        original = f.read()
    status, body = search(base, token)
    if status != 200 or body is None or body.get("total", 0) != 0:
        print(f"probe: {token} before the edit: {status}", file=sys.stderr)
    try:
        with open(path, "ab") as f:
            f.write(f"\n{token} appears here for the benchmark.\n".encode())
        t0 = time.monotonic()
        while True:
            status, body = search(base, token)
            ms = (time.monotonic() - t0) * 1000
            if status == 200 and body and int(body.get("total", 0)) >= 1:
                print(f"edit {ms:.0f}")
                return
            if ms > limit * 1000:
                print("edit timeout")
                return
            time.sleep(0.02)
    finally:
        with open(path, "wb") as f:
            f.write(original)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "queries":
        queries(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "edit":
        edit(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
