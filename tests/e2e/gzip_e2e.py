#!/usr/bin/env python3
"""gzip_e2e.py: compression as curl sees it (docs/ui.md, "Compression").

    gzip_e2e.py <BASE> <articles-copy> <server-log> <counts-file> <data-dir>

Assets come gzip'd with their own ETag when Accept-Encoding allows it
(q=0 respected), and the same bytes once inflated; pages, JSON answers and
the sitemap likewise; small answers and staff requests go out as they are;
the visitor's CSRF token travels as stored (uncompressed) bytes, so no
reflected input is compressed against it (BREACH). Every request is made
with curl, which does not inflate unless told to.
"""
import gzip
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

import hclib

BASE = sys.argv[1].rstrip("/")
COUNTS = sys.argv[4]
TALLY = hclib.Tally(os.environ.get("E2E_VERBOSE", "1") != "0")


def curl(path, *headers):
    """(status, {lower-case header: value}, raw body bytes)."""
    with tempfile.NamedTemporaryFile() as body:
        argv = ["curl", "-s", "-m", "10", "-D", "-", "-o", body.name]
        for h in headers:
            argv += ["-H", h]
        out = subprocess.run(argv + [BASE + path], capture_output=True,
                             check=False).stdout.decode("latin-1")
        raw = open(body.name, "rb").read()
    blocks = out.strip().split("\r\n\r\n")
    lines = blocks[-1].split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0] else 0
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        k = k.strip().lower()
        hdrs[k] = (hdrs[k] + ", " if k in hdrs else "") + v.strip()
    return status, hdrs, raw


def case(name, fn):
    try:
        problems, seen = fn()
    except Exception as e:          # a crash is this case's failure
        problems, seen = ["raised %r" % e], ""
    TALLY.record(name, problems, seen)


def expect(problems, cond, what):
    if not cond:
        problems.append(what)


GZ = "Accept-Encoding: gzip, deflate, br"


def compressed_same(path, extra=(), exact=True):
    def fn():
        p = []
        s1, h1, raw = curl(path, GZ, *extra)
        s2, h2, plain = curl(path, "Accept-Encoding: identity", *extra)
        expect(p, s1 == 200 and s2 == 200, "status %s/%s" % (s1, s2))
        expect(p, h1.get("content-encoding") == "gzip",
               "gzip asked: Content-Encoding %r" % h1.get("content-encoding"))
        expect(p, "accept-encoding" in h1.get("vary", "").lower(),
               "gzip: Vary %r" % h1.get("vary"))
        expect(p, "accept-encoding" in h2.get("vary", "").lower(),
               "identity: Vary %r" % h2.get("vary"))
        expect(p, "content-encoding" not in h2, "identity asked: encoded")
        expect(p, len(raw) < len(plain), "not smaller: %d >= %d" %
               (len(raw), len(plain)))
        if h1.get("content-encoding") == "gzip":
            inflated = gzip.decompress(raw)
            # Pages carry a per-visitor token: compare without it.
            strip = lambda b: re.sub(rb'value="[0-9a-f]{64}"', b"", b)
            # and search answers their search id and timing.
            strip2 = lambda b: re.sub(rb'"took_ms":\d+|[0-9a-f]{16}',
                                      b"", strip(b))
            if exact:
                expect(p, strip2(inflated) == strip2(plain),
                       "inflated differs from identity")
            else:
                # The home page's popular list moves between requests.
                expect(p, inflated.rstrip().endswith(b"</html>") and
                       abs(len(inflated) - len(plain)) < len(plain) // 10,
                       "inflated is not the page")
        return p, "%s / %s" % (h1.get("content-encoding"), h1.get("vary"))
    return fn


def asset_etags():
    p = []
    _, h1, _ = curl("/assets/site.css", GZ)
    _, h2, _ = curl("/assets/site.css")
    g, i = h1.get("etag", ""), h2.get("etag", "")
    expect(p, g and i and g != i, "ETags %r / %r not distinct" % (g, i))
    s, h, raw = curl("/assets/site.css", GZ, "If-None-Match: " + g)
    expect(p, s == 304 and raw == b"", "gzip ETag + gzip: %d" % s)
    expect(p, h.get("etag") == g, "304 names the gzip ETag")
    s, _, _ = curl("/assets/site.css", "If-None-Match: " + g)
    expect(p, s == 200, "gzip ETag, identity asked: %d, want 200" % s)
    s, _, _ = curl("/assets/site.css", "If-None-Match: " + i)
    expect(p, s == 304, "identity ETag + identity: %d" % s)
    return p, "%s / %s" % (g, i)


def refused(value):
    def fn():
        _, h, raw = curl("/assets/site.css", "Accept-Encoding: " + value)
        return ([] if "content-encoding" not in h and raw[:2] != b"\x1f\x8b"
                else ["encoded: %r" % h.get("content-encoding")]), value
    return fn


def accepted(value):
    def fn():
        _, h, _ = curl("/assets/site.css", "Accept-Encoding: " + value)
        return ([] if h.get("content-encoding") == "gzip" else
                ["not gzip: %r" % h.get("content-encoding")]), value
    return fn


def small_not_compressed():
    _, h, _ = curl("/healthz", GZ)
    return ([] if "content-encoding" not in h else
            ["/healthz compressed"]), h.get("content-length")


def staff_not_compressed():
    p = []
    for extra in ("Cookie: hc_staff=0000", "Authorization: Bearer hc_" + "0" * 40):
        _, h, _ = curl("/", GZ, extra)
        expect(p, "content-encoding" not in h, "%s: compressed" % extra)
    return p, ""


def token_stored():
    # The CSRF token is in the raw gzip bytes verbatim: a stored block.
    p = []
    _, h, raw = curl("/articles/create-account", GZ,
                     "Cookie: hc_v=" + "ab" * 16)
    expect(p, h.get("content-encoding") == "gzip", "not gzip")
    page = gzip.decompress(raw) if h.get("content-encoding") == "gzip" else raw
    m = re.search(rb'name="csrf" value="([0-9a-f]{64})"', page)
    expect(p, m is not None, "no CSRF token in the page")
    if m:
        expect(p, m.group(1) in raw, "the token was compressed")
    return p, ""


case("site.css: gzip, Vary, same bytes inflated", compressed_same("/assets/site.css"))
case("site.js: gzip", compressed_same("/assets/site.js"))
case("site.css: ETags distinct per encoding, 304 per encoding", asset_etags)
for v in ("gzip;q=0", "identity", "deflate, br", "*;q=0", "gzip;q=0, *"):
    case("Accept-Encoding: %s -> identity" % v, refused(v))
for v in ("gzip", "*", "GZIP;q=0.5, br", "x-gzip"):
    case("Accept-Encoding: %s -> gzip" % v, accepted(v))
case("home page: gzip", compressed_same("/", exact=False))
case("article page: gzip", compressed_same("/articles/create-account"))
case("articles API: gzip", compressed_same("/api/v1/articles"))
case("search API: gzip", compressed_same(
    "/api/v1/search?per_page=50&q=" + urllib.parse.quote("如何")))
case("sitemap.xml: gzip", compressed_same("/sitemap.xml"))
case("small answers go out as they are", small_not_compressed)
case("staff requests are not compressed", staff_not_compressed)
case("the CSRF token is not compressed (BREACH)", token_stored)

with open(COUNTS, "w") as f:
    f.write("%d %d\n" % TALLY.counts())
