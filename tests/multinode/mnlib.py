"""mnlib.py: what the multinode checks share: the two nodes' ports from run.sh, one request, a counted check, psql on the shared database."""
import glob
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import hclib  # noqa: E402

HOST = "127.0.0.1"
A = int(os.environ["PORT_a"])
B = int(os.environ["PORT_b"])
LB = int(os.environ["LB_PORT"])
ORIGIN = os.environ["BASE_URL"]
PG_URL = os.environ["DATABASE_URL"]
tally = hclib.Tally()


def req(port, method, path, headers=None, body=None, addr="127.0.0.1"):
    """One request with the balancer's Origin; a refused connection is
    answered 599 so that a check records it instead of stopping."""
    h = {"Origin": ORIGIN}
    h.update(headers or {})
    try:
        return hclib.fetch(HOST, port, method, path, h, body, addr)
    except OSError as e:
        return hclib.Resp(599, {}, str(e).encode())


def check(name, ok, seen=""):
    tally.record(name, [] if ok else ["failed"], seen)


def psql_bin():
    """psql on PATH, else the newest PostgreSQL's own."""
    cands = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    return shutil.which("psql") or (cands[-1] if cands else "psql")


PSQL = psql_bin()


def psql(sql, sep="|"):
    """The rows of sql as text (psql -At, fields joined by sep); raises
    RuntimeError with psql's message when it fails."""
    out = subprocess.run([PSQL, PG_URL, "-X", "-v", "ON_ERROR_STOP=1",
                          "-At", "-F", sep, "-c", sql],
                         capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError("psql: %s" % out.stderr.strip())
    return out.stdout.strip()


def finish(label=""):
    """Prints the counts and exits 1 when a check failed."""
    passed, failed = tally.counts()
    print("%s%d passed, %d failed" % (label, passed, failed))
    sys.exit(1 if failed else 0)
