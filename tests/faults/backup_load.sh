#!/bin/sh
# backup_load.sh: hcctl backup while tickets are written, then hcctl restore (server stopped): every ticket acknowledged before the backup started is back.
. "$(dirname "$0")/lib.sh"

fault_setup backup-load
fault_start || fault_end
# Four clients write tickets for 6 s; each acknowledged one is noted with
# the time its answer came back ("REF SECONDS").
python3 - "$BASE" 6 4 "$T/acks" <<'PY' &
import http.client, json, sys, threading, time, urllib.parse
base, secs, conns, path = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
u = urllib.parse.urlsplit(base)
out = open(path, "a", buffering=1)
lock = threading.Lock()
stop = time.time() + secs

def client(n):
    c, i = None, 0
    while time.time() < stop:
        i += 1
        body = json.dumps({"name": "Backup", "email": "backup@example.com",
                           "subject": "backup %d-%d" % (n, i),
                           "body": "Written while a backup is taken."})
        try:
            c = c or http.client.HTTPConnection(u.hostname, u.port, timeout=15)
            c.request("POST", "/api/v1/tickets", body, {
                "Content-Type": "application/json",
                "Idempotency-Key": "backup-%d-%d-%f" % (n, i, time.time())})
            r = c.getresponse()
            data = r.read()
        except OSError:
            c = None
            continue
        if r.status == 201:
            with lock:
                out.write("%s %.6f\n" % (json.loads(data)["ref"], time.time()))

ts = [threading.Thread(target=client, args=(n,)) for n in range(conns)]
for t in ts:
    t.start()
for t in ts:
    t.join()
PY
WRITER=$!
sleep 2.5
# The moment the backup starts: every ticket acknowledged before it must be in it.
START=$(date +%s.%N)
if build/hcctl backup "$T/copy.db" 2>"$T/backup.err"; then
	ok "hcctl backup under write load"
else
	bad "hcctl backup failed: $(cat "$T/backup.err")"
fi
wait "$WRITER"
before=$(awk -v s="$START" '$2 < s' "$T/acks" | wc -l)
total=$(wc -l < "$T/acks")
[ "$before" -gt 0 ] && [ "$total" -gt "$before" ] &&
    ok "tickets acknowledged: $before before the backup started, $total in all" ||
    bad "the load did not span the backup: $before before, $total in all"
server_stop
if build/hcctl restore "$T/copy.db" 2>"$T/restore.err"; then
	ok "hcctl restore with the server stopped"
else
	bad "hcctl restore failed: $(cat "$T/restore.err")"
fi
# The checks read the restored database before the server opens it.
python3 - "$T/acks" "$START" "$DATA/helpcenter.db" > "$T/check" <<'PY'
import sqlite3, sys
start = float(sys.argv[2])
want = {l.split()[0] for l in open(sys.argv[1]) if float(l.split()[1]) < start}
db = sqlite3.connect(sys.argv[3])
have = {r[0] for r in db.execute("SELECT ref FROM tickets")}
ic = db.execute("PRAGMA integrity_check").fetchone()[0]
missing = sorted(want - have)
print("missing %d of %d %s" % (len(missing), len(want), " ".join(missing[:3])))
print("integrity %s" % ic)
PY
expect "tickets acknowledged before the backup started, missing after the restore" \
    "missing 0 of $before " "$(sed -n 1p "$T/check")"
expect "PRAGMA integrity_check of the restored database" "integrity ok" "$(sed -n 2p "$T/check")"
fault_start && ok "the server starts on the restored database"
http POST /api/v1/tickets "$TICKET"
expect "a ticket written after the restore" 201 "$CODE"
server_log_clean && ok "no dead worker or sandbox violation in the log" || bad "server log"
server_stop
fault_end
