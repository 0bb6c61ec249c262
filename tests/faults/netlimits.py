"""netlimits.py: drives tests/faults/netlimits.sh: a flood of logins from
many loopback addresses, then one address's limit; idle connections from
one address, then another client. Prints one "ok"/"FAIL" line per check.

    python3 netlimits.py PORT FLOOD_COUNT
"""
import selectors
import socket
import sys
import time

PORT = int(sys.argv[1])
FLOOD = int(sys.argv[2])
HEAD = ("POST /login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 7\r\nConnection: close\r\n\r\ntoken=x" % PORT).encode()


def addr(i):
    # 127.10.0.1 and up: clear of the 127.0.x.y the e2e suites use.
    return "127.%d.%d.%d" % (10 + i // 62500, (i // 250) % 250, i % 250 + 1)


def flood(n, width=200, deadline=90):
    """n POST /login, each from its own address, width at a time."""
    sel = selectors.DefaultSelector()
    started = done = 0
    statuses = {}
    t0 = time.time()
    while done < n and time.time() - t0 < deadline:
        while started < n and started - done < width:
            s = socket.socket()
            s.setblocking(False)
            s.bind((addr(started), 0))
            try:
                s.connect(("127.0.0.1", PORT))
            except BlockingIOError:
                pass
            sel.register(s, selectors.EVENT_WRITE, [b"", False])
            started += 1
        for key, ev in sel.select(1):
            s, st = key.fileobj, key.data
            try:
                if not st[1]:
                    s.send(HEAD)
                    st[1] = True
                    sel.modify(s, selectors.EVENT_READ, st)
                    continue
                chunk = s.recv(4096)
            except OSError:
                chunk = b""
            if chunk:
                st[0] += chunk
                continue
            code = st[0][9:12].decode("latin-1") or "none"
            statuses[code] = statuses.get(code, 0) + 1
            sel.unregister(s)
            s.close()
            done += 1
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    return done, statuses, time.time() - t0


def one(src, data, timeout=5):
    s = socket.socket()
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect(("127.0.0.1", PORT))
    s.sendall(data)
    out = b""
    try:
        while True:
            c = s.recv(65536)
            if not c:
                break
            out += c
    except OSError:
        pass
    s.close()
    return out[9:12].decode("latin-1")


def check(ok, text):
    print(("ok   " if ok else "FAIL ") + "netlimits: " + text)


done, st, took = flood(FLOOD)
check(done == FLOOD, "flood: %d logins from %d addresses in %.1f s (%s)"
      % (done, FLOOD, took, st))
codes = [one("127.250.0.1", HEAD) for _ in range(15)]
check(codes.count("429") == 5 and codes[:10].count("429") == 0,
      "after the flood, 15 logins from one address: %s" % " ".join(codes))

# 1,100 idle connections from one address, then another client.
idle = []
for _ in range(1100):
    s = socket.socket()
    s.settimeout(2)
    s.bind(("127.0.0.2", 0))
    try:
        s.connect(("127.0.0.1", PORT))
        idle.append(s)
    except OSError:
        s.close()
time.sleep(0.5)
held = refused = 0
for s in idle:
    s.settimeout(0.01)
    try:
        d = s.recv(200)
        if d.startswith(b"HTTP/1.1 429"):
            refused += 1
    except socket.timeout:
        held += 1
    except OSError:
        pass
check(held <= 64 and refused >= 1100 - 64,
      "1,100 idle connections from 127.0.0.2: %d held, %d answered 429"
      % (held, refused))
t0 = time.time()
code = one("127.0.0.3", b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
           b"Connection: close\r\n\r\n", timeout=1)
took = time.time() - t0
check(code == "200" and took < 1.0,
      "a client from 127.0.0.3 meanwhile: %s in %.0f ms" % (code, took * 1000))
for s in idle:
    s.close()
