"""hclib.py: what the end-to-end suites share: a response value and one
request per connection from a chosen loopback address.

Each suite binds its requests to its own range of 127.0.x.y source
addresses, so that the per-client rate limits of one case (or suite) do not
spend another's budget. Python 3 standard library only.
"""
import http.client
import re
import urllib.parse
import sys
import json


class Resp:
    """A response: status, lower-case headers (repeats joined with ", "),
    every Set-Cookie value raw, the body as bytes and as text."""

    def __init__(self, status, headers, body, cookies=()):
        self.status = status
        self.headers = headers
        self.cookies = list(cookies)
        self.body = body
        self.text = body.decode("utf-8", errors="replace")

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        """The body as JSON, or {} when it is not JSON (a check on a
        member then fails)."""
        try:
            return json.loads(self.text)
        except ValueError:
            return {}


class AddressPool:
    """Loopback source addresses 127.0.<base + k>.<1..250>, one after the
    other from number start; with wrap, k cycles through wrap values."""

    def __init__(self, base, start=0, wrap=None):
        self.base = base
        self.n = start
        self.wrap = wrap

    def next(self):
        n = self.n
        self.n += 1
        k = n // 250 if self.wrap is None else (n // 250) % self.wrap
        return "127.0.%d.%d" % (self.base + k, n % 250 + 1)


def fetch(host, port, method, path, headers, body, addr):
    """One request on its own connection from addr; path is sent as given
    (it may hold anything the test wants to send)."""
    conn = http.client.HTTPConnection(host, port, timeout=15,
                                      source_address=(addr, 0))
    try:
        conn.putrequest(method, path, skip_host=True,
                        skip_accept_encoding=True)
        hdrs = {"Host": "%s:%d" % (host, port)}
        hdrs.update(headers or {})
        if body is not None:
            body = body.encode("utf-8") if isinstance(body, str) else body
            hdrs["Content-Length"] = str(len(body))
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders(body)
        r = conn.getresponse()
        data = r.read()
        hd, cookies = {}, []
        for k, v in r.getheaders():
            k = k.lower()
            if k == "set-cookie":
                cookies.append(v)
            hd[k] = hd[k] + ", " + v if k in hd else v
        return Resp(r.status, hd, data, cookies)
    finally:
        conn.close()


def staff_cookie(host, port, token, addr, next_path="/admin"):
    """Signs in through /login with token and returns the Cookie header
    value ("hc_v=...; hc_staff=<session id>"), or "" when refused: the
    staff cookie is a session, never the token itself."""
    import re
    import urllib.parse
    r = fetch(host, port, "GET", "/login?next=" + next_path, {}, None, addr)
    m = re.search(r"hc_v=([0-9a-f]+)", " ".join(r.cookies))
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text)
    if not m or not csrf:
        return ""
    body = urllib.parse.urlencode({"csrf": csrf.group(1), "token": token,
                                   "next": next_path})
    r = fetch(host, port, "POST", "/login",
              {"Cookie": "hc_v=" + m.group(1),
               "Content-Type": "application/x-www-form-urlencoded"},
              body, addr)
    s = re.search(r"hc_staff=([0-9a-f]+)", " ".join(r.cookies))
    if r.status != 303 or not s:
        return ""
    return "hc_v=%s; hc_staff=%s" % (m.group(1), s.group(1))


class Browser:
    """A visitor: keeps the hc_v cookie (and the staff cookie) across
    requests made with fetch(method, path, headers, body, addr=...) from
    its own address."""

    HIDDEN = re.compile(r'<input type="hidden" name="([a-z]+)" value="([^"]*)"')

    def __init__(self, fetch, addr, cookies=None):
        self.fetch = fetch
        self.addr = addr
        self.cookies = dict(cookies or {})

    def req(self, method, path, body=None, headers=None, ctype=None):
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if ctype:
            h["Content-Type"] = ctype
        r = self.fetch(method, path, h, body, addr=self.addr)
        for c in r.cookies:
            for name, value in re.findall(r"^(hc_v|hc_staff)=([^;]*)", c):
                if value:
                    self.cookies[name] = value
                else:
                    self.cookies.pop(name, None)
        return r

    def get(self, path):
        return self.req("GET", path)

    def hidden(self, r):
        """The hidden fields of the page r (the form's csrf, stamp...)."""
        return dict(self.HIDDEN.findall(r.text))

    def form_page(self, path="/tickets/new"):
        r = self.req("GET", path)
        return r, self.hidden(r)

    def post_form(self, path, fields, ctype="application/x-www-form-urlencoded"):
        return self.req("POST", path, urllib.parse.urlencode(fields), ctype=ctype)

    def post_json(self, path, obj, headers=None):
        return self.req("POST", path, json.dumps(obj), headers, "application/json")


class Tally:
    """The one way a suite counts its cases: record() prints "ok   name" (when
    verbose) or "FAIL name" with each problem and what was seen, one line
    each; counts() gives (passed, failed) for the counts file run.sh reads."""

    def __init__(self, verbose=True):
        self.verbose = verbose
        self.passed = 0
        self.failed = 0
        self.failures = []

    def record(self, name, problems, seen=""):
        if problems:
            self.failed += 1
            self.failures.append((name, [str(p) for p in problems], seen))
            print("FAIL %s" % name)
            for p in problems:
                print("       - %s" % str(p).replace("\n", "\\n")[:400])
            if seen:
                print("       seen: %s" % str(seen)[:400].replace("\n", "\\n"))
        else:
            self.passed += 1
            if self.verbose:
                print("ok   %s" % name)
        sys.stdout.flush()

    def counts(self):
        return (self.passed, self.failed)
