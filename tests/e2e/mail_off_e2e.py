#!/usr/bin/env python3
"""mail_off_e2e.py: without SMTP_URL (run.sh's server) nothing promises
email and nothing is queued (tests/e2e/mail.sh tests email on).

    mail_off_e2e.py <BASE> <articles-copy> <server-log> <counts-file> <data-dir>
"""
import json
import os
import sqlite3
import sys
import urllib.parse

import hclib

BASE = sys.argv[1].rstrip("/")
COUNTS = sys.argv[4]
DB = os.path.join(sys.argv[5], "helpcenter.db")
HOST = urllib.parse.urlsplit(BASE).hostname
PORT = urllib.parse.urlsplit(BASE).port
TALLY = hclib.Tally(os.environ.get("E2E_VERBOSE", "1") != "0")
ADDRS = hclib.AddressPool(230)


def fetch(method, path, headers=None, body=None):
    return hclib.fetch(HOST, PORT, method, path, headers, body, ADDRS.next())


def check(name, fn):
    try:
        problems = fn()
    except Exception as e:  # a crash of a case is its failure
        problems = ["exception: %r" % (e,)]
    TALLY.record(name, problems or [])


def form_and_status():
    p = []
    for lang, promise, way_back in (
            ("en", "We will send the reply here", "status link"),
            ("zh-CN", "我们会把回复发送到这个邮箱", "状态链接")):
        r = fetch("GET", "/tickets/new?lang=" + lang)
        if promise in r.text:
            p.append("%s form promises email without SMTP_URL" % lang)
        if way_back not in r.text:
            p.append("%s form does not point to the status link" % lang)
    r = fetch("POST", "/api/v1/tickets", {"Content-Type": "application/json"},
              json.dumps({"name": "Mo", "email": "mo@example.com",
                          "subject": "No mail here", "body": "Hello"}))
    if r.status != 201:
        return p + ["ticket: %d" % r.status]
    r = fetch("GET", urllib.parse.urlsplit(r.json()["url"]).path + "?" +
              urllib.parse.urlsplit(r.json()["url"]).query + "&lang=en")
    if "Replies also come to your email" in r.text:
        p.append("the status page promises email without SMTP_URL")
    if "This is your private link" not in r.text:
        p.append("the status page lost its private-link line")
    db = sqlite3.connect("file:%s?mode=ro" % DB, uri=True, timeout=10)
    try:
        n = db.execute("SELECT count(*) FROM mail_outbox").fetchone()[0]
    finally:
        db.close()
    if n != 0:
        p.append("%d emails queued without SMTP_URL" % n)
    h = fetch("GET", "/healthz").json()
    if "mailer" in h.get("helpers", {}):
        p.append("/healthz lists a mailer that does not run")
    return p


try:
    check("mail off: no SMTP_URL, no promise of email on the form or the "
          "status page, nothing queued, no mailer", form_and_status)
finally:
    with open(COUNTS, "w") as f:
        f.write("%d %d\n" % TALLY.counts())
