#!/usr/bin/env python3
"""attachments_e2e.py: files on tickets against the real server (run by tests/e2e/run.sh).

    attachments_e2e.py <BASE> <articles-copy> <server-log> <counts-file> <data-dir>

The flows (contact form, status page reply, agent reply, the API with
multipart/form-data) and the hostile catalogue: a wrong extension both ways,
a GIF that is also HTML and script, a compressed PDF with a huge declared
size, a zip, an 11 MB file, 6 files, a path in the filename, SVG and HTML,
a trickled upload, a large body on a route without files, and access
without the token, with another ticket's token, with a staff session.
Every refusal is a 4xx with a message and leaves nothing behind: no row,
no blob, nothing staged. Python 3 standard library only.
"""
import hashlib
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import zlib

import hclib

HCCTL = os.environ.get("HC_BUILD", "build") + "/hcctl"
BASE = sys.argv[1].rstrip("/")
COUNTS = sys.argv[4]
DATA = sys.argv[5]
HOST = urllib.parse.urlsplit(BASE).hostname
PORT = urllib.parse.urlsplit(BASE).port
VERBOSE = os.environ.get("E2E_VERBOSE", "1") != "0"
TALLY = hclib.Tally(VERBOSE)
DB = os.path.join(DATA, "helpcenter.db")
BLOBS = os.path.join(DATA, "attachments")

ADDRS = hclib.AddressPool(20, start=1)
MB = 1024 * 1024

# Small real files, by their magic numbers (enough for the sniffer).
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"
       b"\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf"
       b"\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND"
       b"\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")
# A GIF header that is also an HTML page with a script, and JavaScript.
POLYGLOT = (b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=1;"
            b"<html><body><script>alert(document.cookie)</script></body></html>"
            b"//\x00\x3b")
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
       b'<script>alert(1)</script></svg>')
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40


def bomb_pdf():
    """A PDF whose one stream inflates to 200 MB and says so; 200 KB here."""
    raw = zlib.compress(b"\x00" * (200 * MB), 9)
    return (b"%PDF-1.7\n1 0 obj << /Length " + str(len(raw)).encode() +
            b" /Filter /FlateDecode /DL 209715200 >>\nstream\n" + raw +
            b"\nendstream endobj\ntrailer << /Size 99999999999 >>\n%%EOF\n")


def fresh_addr():
    return ADDRS.next()


def fetch(method, path, headers=None, body=None, addr=None):
    return hclib.fetch(HOST, PORT, method, path, headers, body,
                       addr or fresh_addr())


def check(name, fn):
    try:
        problems = fn()
    except Exception as e:  # a crash of a case is its failure
        problems = ["exception: %r" % (e,)]
    TALLY.record(name, problems or [])


def query(sql, args=()):
    db = sqlite3.connect("file:%s?mode=ro" % DB, uri=True, timeout=10)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def count(sql="SELECT count(*) FROM ticket_attachments", args=()):
    return query(sql, args)[0][0]


def blobs():
    """Every stored blob's path under DATA/attachments (not tmp/)."""
    out = []
    for d, _, files in os.walk(BLOBS):
        if os.path.basename(d) == "tmp":
            continue
        out += [os.path.join(d, f) for f in files]
    return sorted(out)


def leftovers():
    """Files being received: DATA/attachments/tmp and DATA/uploads. Kore
    removes a body's file when it frees the request, just after the answer
    went out: a loaded machine gets 2 s to do so."""
    deadline = time.time() + 2
    while True:
        out = []
        for d in (os.path.join(BLOBS, "tmp"), os.path.join(DATA, "uploads")):
            if os.path.isdir(d):
                out += [os.path.join(d, f) for f in os.listdir(d)]
        if not out or time.time() > deadline:
            return out
        time.sleep(0.05)


def blob_path(data):
    h = hashlib.sha256(data).hexdigest()
    return os.path.join(BLOBS, h[:2], h[2:])


def multipart(fields, files):
    """fields: [(name, value)]; files: [(filename, bytes)] as "attachments"."""
    b = "----hcTest%s" % hashlib.sha1(os.urandom(8)).hexdigest()[:16]
    out = []
    for k, v in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                    % (b, k)).encode() + v.encode("utf-8") + b"\r\n")
    for name, data in files:
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        # The client's type is a lie on purpose: it must not matter.
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"attachments\"; "
                    "filename=\"%s\"\r\nContent-Type: image/png\r\n\r\n"
                    % (b, quoted)).encode("utf-8") + data + b"\r\n")
    out.append(("--%s--\r\n" % b).encode())
    return b"".join(out), "multipart/form-data; boundary=" + b


class Browser(hclib.Browser):
    """A visitor from its own address."""

    def __init__(self):
        super().__init__(fetch, fresh_addr())


def ticket_fields(hidden, **over):
    f = dict(hidden)
    f.update({"name": "Ann Example", "email": "ann@example.com",
              "subject": "The app shows an error", "body": "See the screenshot.\nThanks.",
              "category": "", "priority": "normal"})
    f.update(over)
    return list(f.items())


FORMS = []


def prepare_forms(n):
    """n contact forms, each its own visitor, filled after the minimum time."""
    for _ in range(n):
        v = Browser()
        r = v.req("GET", "/tickets/new")
        FORMS.append((v, v.hidden(r)))
    time.sleep(2.2)


def submit_form(files, **over):
    v, hidden = FORMS.pop()
    body, ctype = multipart(ticket_fields(hidden, **over), files)
    return v, v.req("POST", "/tickets/new", body, ctype=ctype)


STATE = {}


def ref_token(loc):
    m = re.match(r"^/tickets/(HC-\d{4}-\d{6})\?t=([0-9a-f]{32})$", loc or "")
    return (m.group(1), m.group(2)) if m else (None, None)


def links(page):
    """Each file's address once (an image links from itself and its name)."""
    out = []
    for u in re.findall(r'href="(/tickets/HC-[^"]+/attachments/\d+\?t=[0-9a-f]+)"', page):
        if u not in out:
            out.append(u)
    return out


# ---------------------------------------------------------------- flows

def flow_form():
    p = []
    before = count()
    v, r = submit_form([("screenshot.png", PNG), ("scan.pdf", PDF)])
    ref, token = ref_token(r.header("location"))
    if r.status != 303 or ref is None:
        return ["submit: %d %s %s" % (r.status, r.header("location"), r.text[:300])]
    STATE.update(ref=ref, token=token, browser=v)
    if count() != before + 2:
        p.append("rows %d -> %d" % (before, count()))
    rows = query("SELECT a.mime, a.name, a.size, a.event_id FROM ticket_attachments a "
                 "JOIN tickets t ON t.id = a.ticket_id WHERE t.ref = ? ORDER BY a.id", (ref,))
    if rows != [("image/png", "screenshot.png", len(PNG), None),
                ("application/pdf", "scan.pdf", len(PDF), None)]:
        p.append("rows: %r" % (rows,))
    for data in (PNG, PDF):
        bp = blob_path(data)
        if not os.path.isfile(bp) or open(bp, "rb").read() != data:
            p.append("blob %s missing or different" % bp)
    page = v.req("GET", r.header("location"))
    found = links(page.text)
    if len(found) != 2:
        p.append("status page links: %r" % (found,))
    if not re.search(r'<img src="/tickets/%s/attachments/\d+\?t=%s"' % (ref, token), page.text):
        p.append("no inline image on the status page")
    STATE["links"] = [unescape(u) for u in found]
    if leftovers():
        p.append("left staged: %r" % leftovers())
    return p


def unescape(s):
    return s.replace("&amp;", "&")


def serve_image():
    p = []
    r = fetch("GET", STATE["links"][0])
    if r.status != 200 or r.body != PNG:
        return ["GET image: %d %d bytes" % (r.status, len(r.body))]
    want = {"content-type": "image/png", "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer"}
    for k, val in want.items():
        if r.header(k) != val:
            p.append("%s: %r" % (k, r.header(k)))
    csp = r.header("content-security-policy") or ""
    if "sandbox" not in csp or "default-src 'none'" not in csp:
        p.append("CSP: %r" % csp)
    if not (r.header("content-disposition") or "").startswith("inline;"):
        p.append("disposition: %r" % r.header("content-disposition"))
    if "no-store" not in (r.header("cache-control") or ""):
        p.append("cacheable: %r" % r.header("cache-control"))
    r = fetch("GET", STATE["links"][1])
    if r.status != 200 or r.body != PDF or r.header("content-type") != "application/pdf":
        p.append("GET pdf: %d %r" % (r.status, r.header("content-type")))
    if not (r.header("content-disposition") or "").startswith("attachment;"):
        p.append("a PDF is not a download: %r" % r.header("content-disposition"))
    return p


def access_rules():
    p = []
    url = STATE["links"][0]
    bare = url.split("?")[0]
    r = fetch("GET", bare)
    if r.status != 404:
        p.append("without the token: %d" % r.status)
    r = fetch("GET", bare + "?t=" + "0" * 32)
    if r.status != 404:
        p.append("a wrong token: %d" % r.status)
    # Another ticket's token, on this ticket's file and on its own path.
    other_v, other = submit_form([])
    oref, otoken = ref_token(other.header("location"))
    if oref is None:
        return p + ["second ticket: %d" % other.status]
    r = fetch("GET", bare + "?t=" + otoken)
    if r.status != 404:
        p.append("another ticket's token: %d" % r.status)
    aid = bare.rsplit("/", 1)[1]
    r = fetch("GET", "/tickets/%s/attachments/%s?t=%s" % (oref, aid, otoken))
    if r.status != 404:
        p.append("this file under another ticket's path and token: %d" % r.status)
    r = fetch("GET", bare, {"Cookie": STATE["staff_cookie"]})
    if r.status != 200 or r.body != PNG:
        p.append("staff session: %d" % r.status)
    r = fetch("GET", bare, {"Authorization": "Bearer " + STATE["agent"]})
    if r.status != 200:
        p.append("agent bearer token: %d" % r.status)
    r = fetch("POST", url, {"Content-Type": "application/x-www-form-urlencoded"}, "a=b")
    if r.status != 405:
        p.append("POST on a file: %d" % r.status)
    return p


def status_reply():
    p = []
    v = STATE["browser"]
    r = v.req("GET", "/tickets/%s?t=%s" % (STATE["ref"], STATE["token"]))
    h = v.hidden(r)
    body, ctype = multipart([("csrf", h["csrf"]), ("t", STATE["token"]),
                             ("body", "Here is the receipt\nand a photo.")],
                            [("receipt.webp", WEBP), ("photo.jpeg", JPEG)])
    before = count()
    r = v.req("POST", "/tickets/" + STATE["ref"], body, ctype=ctype)
    if r.status != 303:
        return ["reply: %d %s" % (r.status, r.text[:300])]
    if count() != before + 2:
        p.append("rows %d -> %d" % (before, count()))
    rows = query("SELECT a.mime, a.name, e.kind FROM ticket_attachments a JOIN ticket_events e "
                 "ON e.id = a.event_id JOIN tickets t ON t.id = a.ticket_id WHERE t.ref = ? "
                 "ORDER BY a.id", (STATE["ref"],))
    if rows != [("image/webp", "receipt.webp", "reply"), ("image/jpeg", "photo.jpeg", "reply")]:
        p.append("rows: %r" % (rows,))
    page = v.req("GET", "/tickets/%s?t=%s" % (STATE["ref"], STATE["token"]))
    if len(links(page.text)) != 4:
        p.append("status page shows %d files, not 4" % len(links(page.text)))
    return p


def agent_reply():
    p = []
    staff = STATE["staff_cookie"]
    r = fetch("GET", "/agent/tickets/" + STATE["ref"], {"Cookie": staff},
              addr=STATE["staff_addr"])
    if r.status != 200:
        return ["agent page: %d" % r.status]
    if r.text.count("/attachments/") < 4:
        p.append("the agent page does not show the customer's files")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text).group(1)
    note_png = PNG + b"internal"
    for action, data, name in (("reply", JPEG + b"agent", "answer.jpg"),
                               ("note", note_png, "internal.png")):
        body, ctype = multipart([("csrf", csrf), ("action", action),
                                 ("body", "Agent %s with a file" % action)], [(name, data)])
        r = fetch("POST", "/agent/tickets/" + STATE["ref"],
                  {"Cookie": staff, "Content-Type": ctype}, body, addr=STATE["staff_addr"])
        if r.status != 303:
            p.append("agent %s: %d %s" % (action, r.status, r.text[:200]))
    page = fetch("GET", "/tickets/%s?t=%s" % (STATE["ref"], STATE["token"]))
    found = links(page.text)
    if len(found) != 5:
        p.append("the requester sees %d files (4 + the public reply's 1 expected)" % len(found))
    (note_id,) = query("SELECT a.id FROM ticket_attachments a JOIN ticket_events e ON "
                       "e.id = a.event_id JOIN tickets t ON t.id = a.ticket_id WHERE "
                       "e.kind = 'note' AND t.ref = ?", (STATE["ref"],))[0]
    r = fetch("GET", "/tickets/%s/attachments/%d?t=%s" % (STATE["ref"], note_id, STATE["token"]))
    if r.status != 404:
        p.append("an internal note's file with the status token: %d" % r.status)
    r = fetch("GET", "/tickets/%s/attachments/%d" % (STATE["ref"], note_id), {"Cookie": staff})
    if r.status != 200 or r.body != note_png:
        p.append("the note's file for staff: %d" % r.status)
    return p


def api_flows():
    p = []
    body, ctype = multipart([("name", "Bo"), ("email", "bo@example.com"),
                             ("subject", "API with files"), ("body", "Two files")],
                            [("a.png", PNG), ("b.gif", POLYGLOT)])
    r = fetch("POST", "/api/v1/tickets", {"Content-Type": ctype, "Idempotency-Key": "att-" + STATE["run"]}, body)
    if r.status != 201:
        return ["API create: %d %s" % (r.status, r.text[:300])]
    ref = r.json().get("ref")
    # The same key with other files is another ticket: a conflict.
    body2, ctype2 = multipart([("name", "Bo"), ("email", "bo@example.com"),
                               ("subject", "API with files"), ("body", "Two files")],
                              [("a.png", PNG)])
    r2 = fetch("POST", "/api/v1/tickets", {"Content-Type": ctype2, "Idempotency-Key": "att-" + STATE["run"]}, body2)
    if r2.status != 409:
        p.append("same key, other files: %d (409 expected)" % r2.status)
    r3 = fetch("POST", "/api/v1/tickets", {"Content-Type": ctype, "Idempotency-Key": "att-" + STATE["run"]}, body)
    if r3.status != 200 or r3.json().get("ref") != ref:
        p.append("same key, same files: %d (200 replay expected)" % r3.status)
    if count("SELECT count(*) FROM ticket_attachments a JOIN tickets t ON t.id = a.ticket_id "
             "WHERE t.ref = ?", (ref,)) != 2:
        p.append("the replay added rows")
    h = {"Authorization": "Bearer " + STATE["agent"]}
    r = fetch("GET", "/api/v1/tickets/" + ref, h)
    atts = r.json().get("attachments") or []
    if [a.get("mime") for a in atts] != ["image/png", "image/gif"]:
        p.append("API ticket attachments: %r" % atts)
    body, ctype = multipart([("body", "An internal note with a PDF"), ("public", "false")],
                            [("notes.pdf", PDF)])
    r = fetch("POST", "/api/v1/tickets/%s/comments" % ref, dict(h, **{"Content-Type": ctype}), body)
    if r.status != 201:
        p.append("API comment with a file: %d %s" % (r.status, r.text[:200]))
    else:
        evs = [e for e in r.json().get("events", []) if e.get("attachments")]
        if len(evs) != 1 or evs[0]["attachments"][0]["mime"] != "application/pdf" or evs[0]["public"]:
            p.append("the comment's file: %r" % evs)
    STATE["api_ref"] = ref
    return p


# ---------------------------------------------------------------- hostile

def refused(name, files, status, words, fields=None):
    """A form post with these files is refused with status and a message
    holding words; nothing is stored, nothing left staged."""
    def case():
        p = []
        before = (count(), count("SELECT count(*) FROM tickets"), blobs())
        v, r = submit_form(files, **(fields or {}))
        if r.status != status:
            p.append("status %d, %d expected" % (r.status, status))
        text = re.sub(r"\s+", " ", r.text)
        for w in words:
            if w not in text:
                p.append("message lacks %r" % w)
        if 'value="Ann Example"' not in r.text:
            p.append("the form did not come back with what was typed")
        after = (count(), count("SELECT count(*) FROM tickets"), blobs())
        if after != before:
            p.append("something was stored: %r -> %r" % (before[:2], after[:2]))
        if leftovers():
            p.append("left staged: %r" % leftovers())
        return p
    check(name, case)


def wrong_extensions():
    p = []
    v, r = submit_form([("report.pdf", PNG + b"x"), ("shot.png", PDF + b"y")])
    ref, token = ref_token(r.header("location"))
    if ref is None:
        return ["submit: %d" % r.status]
    rows = query("SELECT a.mime, a.name FROM ticket_attachments a JOIN tickets t ON "
                 "t.id = a.ticket_id WHERE t.ref = ? ORDER BY a.id", (ref,))
    if rows != [("image/png", "report.png"), ("application/pdf", "shot.pdf")]:
        p.append("stored as %r" % (rows,))
    page = v.req("GET", r.header("location"))
    for u in links(page.text):
        g = fetch("GET", unescape(u))
        if "report" in (g.header("content-disposition") or "") and g.header("content-type") != "image/png":
            p.append("report.pdf served as %r" % g.header("content-type"))
        if "shot" in (g.header("content-disposition") or "") and g.header("content-type") != "application/pdf":
            p.append("shot.png served as %r" % g.header("content-type"))
    return p


def polyglot():
    """Decision (docs/tickets.md): a GIF that is also HTML/JS is kept as the
    GIF its first bytes say, and served so that nothing in it can run."""
    p = []
    v, r = submit_form([("cute.gif", POLYGLOT)])
    if r.status != 303:
        return ["submit: %d" % r.status]
    page = v.req("GET", r.header("location"))
    g = fetch("GET", unescape(links(page.text)[0]))
    if g.status != 200 or g.body != POLYGLOT:
        p.append("GET: %d" % g.status)
    if g.header("content-type") != "image/gif":
        p.append("type %r" % g.header("content-type"))
    if g.header("x-content-type-options") != "nosniff":
        p.append("no nosniff")
    if "sandbox" not in (g.header("content-security-policy") or ""):
        p.append("no sandbox")
    if "script-src" in (g.header("content-security-policy") or ""):
        p.append("the CSP allows scripts")
    return p


def bomb():
    """Never decompressed: stored and served as the bytes that came."""
    p = []
    data = bomb_pdf()
    v, r = submit_form([("bomb.pdf", data)])
    if r.status != 303:
        return ["submit: %d %s" % (r.status, r.text[:200])]
    page = v.req("GET", r.header("location"))
    g = fetch("GET", unescape(links(page.text)[0]))
    if g.status != 200 or g.body != data:
        p.append("GET: %d, %d bytes of %d" % (g.status, len(g.body), len(data)))
    if os.path.getsize(blob_path(data)) != len(data):
        p.append("the stored blob is not the bytes sent")
    return p


def path_filename():
    p = []
    v, r = submit_form([("../../etc/passwd", PNG + b"p"), ("C:\\Users\\x\\..\\evil\x07\u202egnp.exe", JPEG + b"w")])
    ref, _ = ref_token(r.header("location"))
    if ref is None:
        return ["submit: %d %s" % (r.status, r.text[:200])]
    names = [n for (n,) in query("SELECT a.name FROM ticket_attachments a JOIN tickets t ON "
                                 "t.id = a.ticket_id WHERE t.ref = ? ORDER BY a.id", (ref,))]
    if names != ["passwd.png", "evilgnp.jpg"]:
        p.append("names %r" % names)
    if os.path.exists(os.path.join(BLOBS, "etc")) or os.path.exists(os.path.join(DATA, "etc")):
        p.append("a folder from the filename exists")
    long = "a" * 300 + ".png"
    v, r = submit_form([(long, PNG + b"long")])
    ref, _ = ref_token(r.header("location"))
    (n,) = query("SELECT a.name FROM ticket_attachments a JOIN tickets t ON t.id = a.ticket_id "
                 "WHERE t.ref = ?", (ref,))[0]
    if len(n) > 104 or not n.endswith(".png"):
        p.append("long name kept as %d characters: %r" % (len(n), n[-10:]))
    return p


def api_refusals():
    p = []
    cases = [([("x.svg", SVG)], 415, "attachment_type_refused"),
             ([("f%d.png" % i, PNG + bytes([i])) for i in range(6)], 400, "attachment_too_many"),
             ([("big.png", PNG + b"\x00" * (11 * MB))], 413, "attachment_too_large"),
             ([("empty.png", b"")], 400, "attachment_empty")]
    for files, status, code in cases:
        before = (count(), count("SELECT count(*) FROM tickets"))
        body, ctype = multipart([("name", "Bo"), ("email", "bo@example.com"),
                                 ("subject", "Refused"), ("body", "x")], files)
        r = fetch("POST", "/api/v1/tickets", {"Content-Type": ctype}, body)
        err = r.json().get("error", {})
        if r.status != status or err.get("code") != code or not err.get("message"):
            p.append("%s: %d %r" % (code, r.status, err))
        if (count(), count("SELECT count(*) FROM tickets")) != before:
            p.append("%s stored something" % code)
    if leftovers():
        p.append("left staged: %r" % leftovers())
    return p


def large_body_elsewhere():
    p = []
    body = '{"title": "%s"}' % ("x" * 100000)
    r = fetch("POST", "/api/v1/threads", {"Content-Type": "application/json"}, body)
    if r.status != 413 or "64 KB" not in r.text:
        p.append("100 KB on /api/v1/threads: %d %s" % (r.status, r.text[:200]))
    r = fetch("POST", "/tickets/deflected", {"Content-Type": "application/x-www-form-urlencoded"},
              "a=" + "x" * 70000)
    if r.status != 413:
        p.append("70 KB on /tickets/deflected: %d" % r.status)
    # More than 5 x 10 MB declared: refused before a byte of it is read.
    s = socket.create_connection((HOST, PORT), timeout=10, source_address=(fresh_addr(), 0))
    try:
        s.sendall(("POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                   "boundary=b\r\nContent-Length: %d\r\n\r\n" % (60 * MB)).encode())
        got = s.recv(4096).decode("utf-8", "replace")
        if not got.startswith("HTTP/1.1 413") or "10 MB" not in got:
            p.append("60 MB declared: %r" % got[:200])
    finally:
        s.close()
    return p


def slow_upload():
    """Bytes trickled: the connection is closed after the deadline, no
    handler runs, nothing is stored, nothing stays staged."""
    p = []
    before = (count(), count("SELECT count(*) FROM tickets"), blobs())
    body, ctype = multipart([("name", "Slow"), ("email", "s@example.com"),
                             ("subject", "Slow"), ("body", "slow")], [("s.png", PNG * 100)])
    s = socket.create_connection((HOST, PORT), timeout=30, source_address=(fresh_addr(), 0))
    start = time.time()
    closed_after = None
    got = b""
    try:
        s.sendall(("POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n"
                   "Content-Length: %d\r\n\r\n" % (ctype, len(body))).encode())
        s.setblocking(False)
        for i in range(len(body)):
            if time.time() - start > 25:
                break
            try:
                s.send(body[i:i + 1])
            except OSError:
                closed_after = time.time() - start
                break
            try:
                chunk = s.recv(4096)
                if chunk == b"":
                    closed_after = time.time() - start
                    break
                got += chunk
            except BlockingIOError:
                pass
            time.sleep(0.5)
    finally:
        s.close()
    if closed_after is None:
        p.append("still open after 25 s")
    elif closed_after < 9:
        p.append("closed after %.1f s, before the 10 s grace" % closed_after)
    if got and not got.startswith(b"HTTP/1.1 408"):
        p.append("answer: %r" % got[:100])
    time.sleep(0.5)
    if (count(), count("SELECT count(*) FROM tickets"), blobs()) != before:
        p.append("something was stored")
    if leftovers():
        p.append("left staged: %r" % leftovers())
    return p


def steady_upload():
    """A slow but steady upload (about 1 MB/s, 3 MB) goes through."""
    body, ctype = multipart([("name", "Steady"), ("email", "s@example.com"),
                             ("subject", "Steady"), ("body", "steady")],
                            [("big.pdf", PDF + b"\x00" * (3 * MB))])
    s = socket.create_connection((HOST, PORT), timeout=30, source_address=(fresh_addr(), 0))
    try:
        s.sendall(("POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n"
                   "Content-Length: %d\r\nConnection: close\r\n\r\n" % (ctype, len(body))).encode())
        step = 256 * 1024
        for i in range(0, len(body), step):
            s.sendall(body[i:i + step])
            time.sleep(0.25)
        got = b""
        while True:
            c = s.recv(65536)
            if not c:
                break
            got += c
    finally:
        s.close()
    if not got.startswith(b"HTTP/1.1 201"):
        return ["answer: %r" % got[:200]]
    return []


def dedup():
    before = blobs()
    submit_form([("again.png", PNG)])
    return [] if blobs() == before else ["the same bytes made a second blob"]


def main():
    STATE["run"] = "%d" % (time.time() * 1000)
    env = dict(os.environ, DATA=DATA)
    out = subprocess.run([HCCTL, "token", "add", "agent", "att-" + STATE["run"]], env=env,
                         capture_output=True, text=True, timeout=30).stdout
    m = re.search(r"hc_[0-9a-f]{40}", out)
    STATE["agent"] = m.group(0) if m else ""
    STATE["staff_addr"] = fresh_addr()
    STATE["staff_cookie"] = hclib.staff_cookie(HOST, PORT, STATE["agent"], STATE["staff_addr"],
                                               "/agent")
    prepare_forms(18)
    check("form: a screenshot and a PDF on a new ticket, stored by content hash", flow_form)
    if "links" not in STATE:
        STATE["links"] = ["/none", "/none"]
    check("serve: image inline, PDF as a download, nosniff, sandbox CSP, no-store", serve_image)
    check("access: no token, a wrong one, another ticket's: 404; staff session and bearer: 200", access_rules)
    check("status page: a reply with two images", status_reply)
    check("agent page: sees the files; a reply's file public, a note's file staff only", agent_reply)
    check("API: multipart create and comment, idempotency counts the files", api_flows)
    check("hostile: a PNG named .pdf and a PDF named .png are stored as what they are", wrong_extensions)
    check("hostile: a GIF that is also HTML/JS is served as image/gif, nosniff, sandboxed", polyglot)
    check("hostile: a PDF inflating to 200 MB is stored as sent, never decompressed", bomb)
    check("hostile: a path in the filename, control and bidi characters, 300 characters", path_filename)
    refused("hostile: an SVG is refused", [("logo.svg", SVG)], 415, [])
    refused("hostile: an HTML file named .png is refused", [("page.png", HTML)], 415, [])
    refused("hostile: a zip is refused", [("bomb.zip", ZIP)], 415, [])
    refused("hostile: 11 MB -> 413 naming 10 MB", [("huge.png", PNG + b"\x00" * (11 * MB))],
            413, ["10 MB"])
    refused("hostile: 6 files -> 400 naming 5", [("f%d.png" % i, PNG + bytes([i])) for i in range(6)],
            400, ["5"])
    check("hostile: the API's refusals are JSON with a code and the limit", api_refusals)
    check("hostile: over 64 KB on a route without files, over 50 MB anywhere: 413 first", large_body_elsewhere)
    check("hostile: a trickled upload is cut off after the deadline, nothing stored", slow_upload)
    check("a slow but steady 3 MB upload is accepted", steady_upload)
    check("the same bytes twice are one blob", dedup)
    with open(COUNTS, "w") as f:
        f.write("%d %d\n" % TALLY.counts())


if __name__ == "__main__":
    main()
