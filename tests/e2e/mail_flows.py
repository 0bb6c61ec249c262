#!/usr/bin/env python3
"""mail_flows.py: email both ways against the real server and a real SMTP
receiver (run by tests/e2e/mail.sh; not named *_e2e.py, since run.sh's
server has no SMTP_URL).

    mail_flows.py <BASE> <articles> <server-log> <counts-file> <data-dir> <sink-port> <sink-dir>

The receiver (tests/lib/smtp_sink.py, Debian's aiosmtpd, run by Debian's
/usr/bin/python3) is started, stopped and restarted here, by pid. Flows:
the form and its promise, the "received" email and its status link, an
agent's reply, an internal note (no email), the customer's emailed reply
through hcctl mail-in, refusals with their exit codes, the "solved" email
with the rating link; the relay down for 10 s (every message arrives once
when it is back); a reply lost on its way back (not sent again by itself).
"""
import email
import email.message
import email.policy
import glob
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse

import hclib

HCCTL = os.environ.get("HC_BUILD", "build") + "/hcctl"
BASE = sys.argv[1].rstrip("/")
COUNTS = sys.argv[4]
DATA = sys.argv[5]
SINK_PORT = sys.argv[6]
SINK_DIR = sys.argv[7]
HOST = urllib.parse.urlsplit(BASE).hostname
PORT = urllib.parse.urlsplit(BASE).port
TALLY = hclib.Tally(os.environ.get("E2E_VERBOSE", "1") != "0")
ADDRS = hclib.AddressPool(200)
DB = os.path.join(DATA, "helpcenter.db")
DOMAIN = "example.com"
EX_NOPERM, EX_DATAERR, EX_TEMPFAIL = 77, 65, 75


def fetch(method, path, headers=None, body=None):
    return hclib.fetch(HOST, PORT, method, path, headers, body, ADDRS.next())


def check(name, fn):
    try:
        problems = fn()
    except Exception as e:  # a crash of a case is its failure
        problems = ["exception: %r" % (e,)]
    TALLY.record(name, problems or [])


def hcctl(*args, stdin=None, env_extra=None):
    env = dict(os.environ, DATA=DATA)
    env.pop("ORIGINAL_RECIPIENT", None)
    env.update(env_extra or {})
    p = subprocess.run([HCCTL] + list(args), env=env, input=stdin,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def query(sql, args=()):
    db = sqlite3.connect("file:%s?mode=ro" % DB, uri=True, timeout=10)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


# ---- The SMTP receiver ----

class Sink:
    proc = None

    def start(self, *extra):
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "tests/lib/smtp_sink.py", SINK_PORT,
             SINK_DIR] + list(extra), stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True)
        with open(os.path.join(os.path.dirname(SINK_DIR), "sink.pid"), "w") as f:
            f.write(str(self.proc.pid))
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP receiver did not start")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


SINK = Sink()


def messages():
    """Every message received so far, parsed, with its raw bytes."""
    out = []
    for path in sorted(glob.glob(os.path.join(SINK_DIR, "*.eml"))):
        with open(path, "rb") as f:
            raw = f.read()
        m = email.message_from_bytes(raw, policy=email.policy.default)
        m.raw = raw
        out.append(m)
    return out


def for_ref(ref):
    return [m for m in messages() if "[%s]" % ref in str(m["Subject"])]


def wait_for(fn, timeout=20):
    """Polls fn() until it returns something true; returns the last value."""
    end = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > end:
            return v
        time.sleep(0.2)


def text_of(m, kind="plain"):
    part = m.get_body(preferencelist=(kind,))
    return part.get_content() if part is not None else ""


# ---- The help center's side ----

def api_ticket(subject, lang="en", name="Ann Example", addr="ann@example.com"):
    r = fetch("POST", "/api/v1/tickets",
              {"Content-Type": "application/json", "Accept-Language": lang},
              json.dumps({"name": name, "email": addr, "subject": subject,
                          "body": "Something is wrong."}))
    if r.status != 201:
        raise RuntimeError("ticket not created: %d %s" % (r.status, r.text[:200]))
    return r.json()["ref"], r.json()["url"]


TOKEN = None


def agent(method, path, body=None):
    return fetch(method, path, {"Authorization": "Bearer " + TOKEN,
                                "Content-Type": "application/json"},
                 json.dumps(body) if body is not None else None)


def requester_replies(ref):
    t = agent("GET", "/api/v1/tickets/" + ref).json()
    return [e["body"] for e in t.get("events", [])
            if e["kind"] == "reply" and e["actor"] == "requester"]


def reply_mail(to, frm="Ann Example <ann@example.com>", body="", headers=(),
               msgid=None):
    msgid = msgid or "<%s.%d@client.example>" % (time.time(), os.getpid())
    h = ["From: " + frm, "To: " + to, "Subject: Re: your request",
         "Message-ID: " + msgid, "MIME-Version: 1.0",
         "Content-Type: text/plain; charset=utf-8"] + list(headers)
    return ("\r\n".join(h) + "\r\n\r\n" + body).encode("utf-8")


def main():
    global TOKEN
    rc, out, err = hcctl("token", "add", "agent", "mailbot")
    TOKEN = re.search(r"hc_[0-9a-f]{40}", out).group(0)
    SINK.start()
    state = {}

    def form_promises_email():
        p = []
        r = fetch("GET", "/tickets/new?lang=en")
        if "We will send the reply here" not in r.text:
            p.append("the English form does not say the reply is emailed")
        r = fetch("GET", "/tickets/new?lang=zh-CN")
        if "我们会把回复发送到这个邮箱" not in r.text:
            p.append("the Chinese form does not say the reply is emailed")
        return p
    check("mail: with SMTP_URL the form promises the reply by email",
          form_promises_email)

    def form_to_received_mail():
        p = []
        addr = ADDRS.next()
        cookies = {}

        def req(method, path, body=None, ctype=None):
            h = {"Accept-Language": "en"}
            if cookies:
                h["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
            if ctype:
                h["Content-Type"] = ctype
            r = hclib.fetch(HOST, PORT, method, path, h, body, addr)
            for k, v in re.findall(r"(hc_v)=([0-9a-f]+)", r.headers.get("set-cookie", "")):
                cookies[k] = v
            return r
        r = req("GET", "/tickets/new?lang=en")
        fields = dict(re.findall(r'<input type="hidden" name="([a-z]+)" value="([^"]*)"', r.text))
        fields.update({"name": "Ann Example", "email": "ann@example.com",
                       "subject": "Payment failed", "body": "My card was declined.",
                       "priority": "normal"})
        time.sleep(2.2)  # the form's minimum fill time
        r = req("POST", "/tickets/new", urllib.parse.urlencode(fields),
                "application/x-www-form-urlencoded")
        loc = r.header("location") or ""
        m = re.match(r"/tickets/(HC-\d{4}-\d{6})\?t=([0-9a-f]{32})$", loc)
        if r.status != 303 or not m:
            return ["the form did not make a ticket: %d %s" % (r.status, loc)]
        ref, token = m.group(1), m.group(2)
        state["ref"], state["token"] = ref, token
        r = req("GET", loc + "&lang=en")
        if "Replies also come to your email" not in r.text:
            p.append("the status page does not say replies come by email")
        got = wait_for(lambda: for_ref(ref))
        if len(got) != 1:
            return p + ["want 1 email for %s, got %d" % (ref, len(got))]
        msg = got[0]
        state["received"] = msg
        link = "%s/tickets/%s?t=%s" % (BASE, ref, token)
        if "We have your request" not in str(msg["Subject"]):
            p.append("subject is not the English 'received' one: %s" % msg["Subject"])
        if msg.get_content_type() != "multipart/alternative":
            p.append("not multipart/alternative: %s" % msg.get_content_type())
        if link not in text_of(msg, "plain"):
            p.append("the plain text lacks the status link " + link)
        if link not in text_of(msg, "html"):
            p.append("the HTML lacks the status link")
        if msg["From"].addresses[0].addr_spec != "help@example.com":
            p.append("From is %s" % msg["From"])
        if not re.fullmatch(r"reply\+%s\.[0-9a-f]{16}@%s" % (ref, DOMAIN),
                            msg["Reply-To"].addresses[0].addr_spec):
            p.append("Reply-To is not a signed reply address: %s" % msg["Reply-To"])
        if not re.fullmatch(r"<%s\.\d+\.[0-9a-f]{16}@%s>" % (ref, DOMAIN),
                            msg["Message-ID"].strip()):
            p.append("Message-ID is not ours: %s" % msg["Message-ID"])
        if msg["To"].addresses[0].addr_spec != "ann@example.com":
            p.append("To is %s" % msg["To"])
        return p
    check("mail: the form's ticket gets a 'received' email with the status "
          "link, signed Reply-To and Message-ID, text and HTML",
          form_to_received_mail)

    def chinese_headers():
        ref, url = api_ticket("退款还没到账", lang="zh-CN", name="张三",
                              addr="zhang@example.com")
        got = wait_for(lambda: for_ref(ref))
        if len(got) != 1:
            return ["want 1 email, got %d" % len(got)]
        m = got[0]
        p = []
        head = m.raw.split(b"\r\n\r\n", 1)[0]
        if any(b > 127 for b in head):
            p.append("raw 8-bit bytes in the headers (not RFC 2047)")
        if b"=?" not in head:
            p.append("no RFC 2047 encoded word in the headers")
        if "我们已收到您的请求" not in str(m["Subject"]) or "退款还没到账" not in str(m["Subject"]):
            p.append("decoded subject: %s" % m["Subject"])
        if str(m["To"].addresses[0].display_name) != "张三":
            p.append("To name: %s" % m["To"])
        if url not in text_of(m):
            p.append("status link missing in the Chinese text")
        if "您好" not in text_of(m):
            p.append("the text is not Chinese")
        return p
    check("mail: a zh-CN ticket's email is Chinese, headers RFC 2047-encoded",
          chinese_headers)

    def agent_reply_and_note():
        ref = state["ref"]
        first = state["received"]["Message-ID"].strip()
        r = agent("POST", "/api/v1/tickets/%s/comments" % ref,
                  {"body": "Please try the card again today.", "public": True})
        if r.status not in (200, 201):
            return ["reply refused: %d %s" % (r.status, r.text[:200])]
        r = agent("POST", "/api/v1/tickets/%s/comments" % ref,
                  {"body": "INTERNAL: customer seems confused", "public": False})
        if r.status not in (200, 201):
            return ["note refused: %d" % r.status]
        # A public reply after the note: once it is in, the note's turn is past.
        agent("POST", "/api/v1/tickets/%s/comments" % ref,
              {"body": "One more thing: use the app.", "public": True})
        got = wait_for(lambda: [m for m in for_ref(ref)
                                if "use the app" in text_of(m)])
        p = []
        mails = for_ref(ref)
        if not got:
            p.append("the second public reply never arrived")
        if len(mails) != 3:
            p.append("want 3 emails (received, 2 replies), got %d" % len(mails))
        if any("INTERNAL" in text_of(m) or "INTERNAL" in text_of(m, "html")
               for m in mails):
            p.append("the internal note was emailed")
        replies = [m for m in mails if "Please try the card" in text_of(m)]
        if len(replies) != 1:
            p.append("the first reply: %d emails" % len(replies))
        elif (replies[0]["In-Reply-To"] or "").strip() != first:
            p.append("the reply does not thread under the first email: %s"
                     % replies[0]["In-Reply-To"])
        state["reply_mail"] = replies[0] if replies else None
        return p
    check("mail: an agent's public reply is emailed (threaded), an internal "
          "note is not", agent_reply_and_note)

    def reply_by_email():
        ref = state["ref"]
        m = state["reply_mail"]
        to = m["Reply-To"].addresses[0].addr_spec
        raw = reply_mail(to, body="It worked this time, thanks!\r\n\r\n"
                         "On Mon, 3 Dec 2026, Support <help@example.com> wrote:\r\n"
                         "> Please try the card again today.\r\n",
                         headers=["In-Reply-To: " + m["Message-ID"]],
                         msgid="<r1.%d@client.example>" % os.getpid())
        state["email_reply"] = raw
        rc, out, err = hcctl("mail-in", stdin=raw)
        p = []
        if rc != 0:
            p.append("mail-in exit %d: %s" % (rc, err))
        got = requester_replies(ref)
        if got[-1:] != ["It worked this time, thanks!"]:
            p.append("the ticket's last requester reply: %r" % got[-1:])
        if any("Please try the card" in b for b in got):
            p.append("the quoted text was kept")
        # The MTA delivers it twice: one comment.
        rc, out, err = hcctl("mail-in", stdin=raw)
        if rc != 0 or len(requester_replies(ref)) != len(got):
            p.append("a redelivery: exit %d, replies %d -> %d"
                     % (rc, len(got), len(requester_replies(ref))))
        return p
    check("mail: the customer's emailed reply (built from Reply-To) becomes "
          "a comment, quotes stripped, once", reply_by_email)

    def reply_with_files():
        ref = state["ref"]
        to = state["reply_mail"]["Reply-To"].addresses[0].addr_spec
        # A real 1x1 PNG, named as a JPEG: the bytes decide its type.
        png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
               b"\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
               b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05"
               b"\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        p = []

        def send(text, files, tag):
            m = email.message.EmailMessage()
            m["From"] = "Ann Example <ann@example.com>"
            m["To"] = to
            m["Subject"] = "Re: your request"
            m["Message-ID"] = "<%s.%d@client.example>" % (tag, os.getpid())
            m.set_content(text)
            for name, data, mt in files:
                m.add_attachment(data, maintype=mt[0], subtype=mt[1],
                                 filename=name)
            return hcctl("mail-in", stdin=m.as_bytes())

        def files_of_last_reply():
            t = agent("GET", "/api/v1/tickets/" + ref).json()
            evs = [e for e in t.get("events", [])
                   if e["kind"] == "reply" and e["actor"] == "requester"]
            return evs[-1] if evs else {}

        rc, out, err = send("Here is the screenshot.",
                            [("screen.jpg", png, ("image", "jpeg"))], "png")
        if rc != 0:
            p.append("mail-in with a PNG: exit %d %s" % (rc, err))
        ev = files_of_last_reply()
        if ev.get("body") != "Here is the screenshot.":
            p.append("the reply with a PNG: %r" % ev.get("body"))
        atts = ev.get("attachments") or []
        if [(a.get("mime"), a.get("name")) for a in atts] != [("image/png", "screen.png")]:
            p.append("the reply's files: %r" % atts)
        else:
            aid = atts[0]["id"]
            r = agent("GET", "/tickets/%s/attachments/%d" % (ref, aid))
            if r.status != 200 or r.body != png:
                p.append("staff GET of the emailed PNG: %d, %d bytes"
                         % (r.status, len(r.body or b"")))
            r = fetch("GET", "/tickets/%s/attachments/%d" % (ref, aid))
            if r.status == 200:
                p.append("the emailed PNG served without staff or token")
        rc, out, err = send("The logo, as SVG.",
                            [("logo.svg", svg, ("image", "svg+xml"))], "svg")
        if rc != 0:
            p.append("mail-in with an SVG: exit %d %s (the text must be kept)"
                     % (rc, err))
        ev = files_of_last_reply()
        if ev.get("body") != "The logo, as SVG.":
            p.append("the reply with an SVG lost its text: %r" % ev.get("body"))
        if ev.get("attachments"):
            p.append("the SVG was kept: %r" % ev.get("attachments"))
        if "logo.svg" not in err or "dropped" not in err:
            p.append("stderr does not name the dropped file: %r" % err)
        n = query("SELECT count(*) FROM ticket_attachments a JOIN tickets t "
                  "ON t.id = a.ticket_id WHERE t.ref = ?", (ref,))[0][0]
        if n != 1:
            p.append("%d attachment rows on the ticket (1 expected)" % n)
        return p
    check("mail: an emailed reply's PNG is kept (sniffed, served to staff); "
          "an SVG is dropped and named, its text kept", reply_with_files)

    def refusals():
        ref = state["ref"]
        m = state["reply_mail"]
        to = m["Reply-To"].addresses[0].addr_spec
        other_ref, _ = api_ticket("Another one")
        forged_other = to.replace(ref, other_ref)
        sig = to.split("@")[0][-16:]
        forged_sig = to.replace(sig, "0" * 16 if sig != "0" * 16 else "1" * 16)
        before = len(requester_replies(ref))
        rows = [
            ("unsigned (our plain address, no references)",
             reply_mail("help@example.com", body="Hi"), EX_NOPERM),
            ("a forged signature", reply_mail(forged_sig, body="Hi"), EX_NOPERM),
            ("another ticket under this signature",
             reply_mail(forged_other, body="Hi"), EX_NOPERM),
            ("a forged In-Reply-To",
             reply_mail("help@example.com", body="Hi", headers=[
                 "In-Reply-To: <%s.1.%s@example.com>" % (ref, "a" * 16)]),
             EX_NOPERM),
            ("the right address from someone else",
             reply_mail(to, frm="Eve <eve@example.net>", body="Hi"), EX_NOPERM),
            ("a From that lies with a second address",
             reply_mail(to, frm="eve@example.net, ann@example.com", body="Hi"),
             EX_NOPERM),
            ("only quoted text", reply_mail(to, body="> old\r\n"), EX_DATAERR),
            ("not a message", b"\x00\x01\x02 garbage", EX_DATAERR),
            ("a binary part that says it is text",
             reply_mail(to, body="") + bytes(range(0, 256)) * 4, EX_DATAERR),
            ("larger than 1 MB", reply_mail(to, body="x" * (1024 * 1024 + 10)),
             EX_DATAERR),
        ]
        p = []
        for name, raw, want in rows:
            rc, out, err = hcctl("mail-in", stdin=raw)
            if rc != want:
                p.append("%s: exit %d, want %d (%s)" % (name, rc, want, err.strip()))
            elif "refused: " not in err or len(err.strip()) < 30:
                p.append("%s: no clear reason on stderr: %r" % (name, err))
        if len(requester_replies(ref)) != before:
            p.append("a refused message added a comment")
        return p
    check("mail: unsigned, forged, mismatched and unreadable mail refused "
          "(77/65) with a reason, nothing added", refusals)

    def busy_database():
        ref = state["ref"]
        to = state["reply_mail"]["Reply-To"].addresses[0].addr_spec
        before = len(requester_replies(ref))
        db = sqlite3.connect(DB, timeout=10, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        try:
            rc, out, err = hcctl("mail-in", stdin=reply_mail(to, body="Busy?"))
        finally:
            db.execute("ROLLBACK")
            db.close()
        p = []
        if rc != EX_TEMPFAIL:
            p.append("exit %d, want 75 (%s)" % (rc, err.strip()))
        if len(requester_replies(ref)) != before:
            p.append("something was added")
        return p
    check("mail: a busy database answers EX_TEMPFAIL (75), adds nothing",
          busy_database)

    def solved_mail():
        ref, token = state["ref"], state["token"]
        r = agent("PATCH", "/api/v1/tickets/" + ref, {"status": "solved"})
        if r.status != 200:
            return ["PATCH solved: %d" % r.status]
        got = wait_for(lambda: [m for m in for_ref(ref)
                                if "solved" in str(m["Subject"])])
        if len(got) != 1:
            return ["want 1 'solved' email, got %d" % len(got)]
        rate = "%s/tickets/%s?t=%s#rate" % (BASE, ref, token)
        p = []
        if rate not in text_of(got[0]) or rate not in text_of(got[0], "html"):
            p.append("the rating link %s is missing" % rate)
        return p
    check("mail: solved is emailed with the satisfaction link (#rate)",
          solved_mail)

    def relay_down():
        SINK.stop()
        refs = [api_ticket("Relay down %d" % i)[0] for i in range(5)]
        time.sleep(10)
        p = []
        hr = fetch("GET", "/healthz")
        h = hr.json()
        mailer = h.get("helpers", {}).get("mailer", {})
        if not mailer.get("last_error") or "relay" not in json.dumps(mailer):
            p.append("/healthz does not show the relay failing: %s" % mailer)
        if not any("hc-mailer" in x for x in h.get("reasons", [])):
            p.append("/healthz reasons do not name the mailer: %s" % h.get("reasons"))
        # The site works and mail waits: no 503 for a relay outage.
        if hr.status != 200:
            p.append("/healthz answered %d for a relay outage" % hr.status)
        queued = query("SELECT count(*) FROM mail_outbox WHERE state = 'queued'")[0][0]
        if queued < 5:
            p.append("only %d rows queued while the relay is down" % queued)
        SINK.start()
        got = wait_for(lambda: all(for_ref(r) for r in refs), timeout=40)
        if not got:
            p.append("not every message arrived within 40 s of the relay's "
                     "return: %s" % [len(for_ref(r)) for r in refs])
        time.sleep(2)
        for r in refs:
            if len(for_ref(r)) != 1:
                p.append("%s: %d copies" % (r, len(for_ref(r))))
        h = wait_for(lambda: fetch("GET", "/healthz").json().get("helpers", {})
                     .get("mailer", {}).get("message") == "ok", timeout=10)
        if not h:
            p.append("/healthz does not say the mailer is ok again")
        return p
    check("mail: the relay down for 10 s: all 5 messages arrive after, none "
          "twice; /healthz names it and stays 200", relay_down)

    def lost_reply():
        SINK.stop()
        SINK.start("--lose-replies", "1")
        ref, _ = api_ticket("Lost reply")
        p = []
        got = wait_for(lambda: for_ref(ref))
        if len(got) != 1:
            return ["the relay did not get the message: %d" % len(got)]
        row = wait_for(lambda: query("SELECT o.id, o.state FROM mail_outbox o "
                                     "JOIN tickets t ON t.id = o.ticket_id "
                                     "WHERE t.ref = ? AND o.state = 'unsure'",
                                     (ref,)), timeout=15)
        if not row:
            return ["the row did not become 'unsure': %s" % query(
                "SELECT o.state, o.last_error FROM mail_outbox o JOIN tickets t "
                "ON t.id = o.ticket_id WHERE t.ref = ?", (ref,))]
        time.sleep(3)
        if len(for_ref(ref)) != 1:
            p.append("sent again by itself: %d copies" % len(for_ref(ref)))
        rc, out, err = hcctl("mail", "retry", str(row[0][0]))
        if rc != 0:
            p.append("hcctl mail retry: %d %s" % (rc, err))
        again = wait_for(lambda: len(for_ref(ref)) == 2)
        if not again:
            p.append("hcctl mail retry did not resend it")
        else:
            ids = {m["Message-ID"] for m in for_ref(ref)}
            if len(ids) != 1:
                p.append("the resend has another Message-ID: %s" % ids)
            state["retried"] = ids
        return p
    check("mail: a reply lost on the way back is not resent by itself "
          "(unsure); hcctl mail retry resends the same Message-ID", lost_reply)

    def no_duplicates():
        seen = {}
        for m in messages():
            seen.setdefault(m["Message-ID"], 0)
            seen[m["Message-ID"]] += 1
        twice = {k: v for k, v in seen.items() if v > 1}
        if twice != {k: 2 for k in state.get("retried", set())}:
            return ["Message-IDs delivered more than once: %s" % twice]
        return []
    check("mail: no Message-ID delivered twice (but the operator's retry)",
          no_duplicates)


try:
    main()
finally:
    SINK.stop()
    with open(COUNTS, "w") as f:
        f.write("%d %d\n" % TALLY.counts())
