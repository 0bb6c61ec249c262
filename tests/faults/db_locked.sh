#!/bin/sh
# db_locked.sh: another program holds the database's write lock for 12 s under load: writes answer 503 with Retry-After after at most 5 s, reads go on, /healthz says so, then all is well again.
. "$(dirname "$0")/lib.sh"

fault_setup db-locked
fault_start || fault_end
load_start 16 4
sleep 2
python3 -c 'import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(12)
db.execute("ROLLBACK")' "$DATA/helpcenter.db" "$T/locked" &
LOCKER=$!
while [ ! -e "$T/locked" ]; do sleep 0.05; done
http POST /api/v1/tickets "$TICKET"
expect "ticket while locked" 503 "$CODE"
awk -v s="$SECS" 'BEGIN { exit !(s < 6.5) }' && ok "answered in ${SECS}s (the busy wait is 5 s), not left hanging" ||
    bad "took ${SECS}s"
echo "$HDRS" | grep -qi '^retry-after: [0-9]' && ok "Retry-After: $(echo "$HDRS" | awk -F': ' 'tolower($1) == "retry-after" { print $2 }' | tr -d '\r')" ||
    bad "no Retry-After"
echo "$BODY" | grep -q 'locked by another program' && ok "the message says what happened: $BODY" ||
    bad "unclear message: $BODY"
curl -s -m 10 "$BASE/healthz" > "$T/health"
w=$(python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["database"]["writable"]))' "$T/health")
m=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["database"]["message"])' "$T/health")
echo "     $(python3 -c 'import os, sys, time; print("%.1f s after the lock was taken" % (time.time() - os.stat(sys.argv[1]).st_mtime))' "$T/locked")"
[ "$w" = false ] && echo "$m" | grep -q locked && ok "/healthz: database not writable: $m" ||
    bad "/healthz while locked: writable $w, $m"
http GET /articles/invoice
expect "an article page while locked, answered in ${SECS}s" 200 "$CODE"
wait "$LOCKER"
sleep 0.5
http POST /api/v1/tickets "$TICKET"
expect "ticket after the lock is released" 201 "$CODE"
# The event writer retries on its back-off (at most 2 s) after a wait of
# up to 5 s on the lock: /healthz says degraded until its next commit.
i=0
while [ "$(health status)" != ok ] && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
expect "/healthz after the lock is released (within 10 s)" ok "$(health status)"
load_wait
u=$(load_unexpected "503")
expect "the load saw only successes and 503s (no broken connection, no timeout)" none "$u"
n=$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(s["by_status"].get("503", 0))' "$T/stats.json")
[ "$n" -gt 0 ] && ok "the load's writes were refused with 503 while locked ($n)" || bad "the load saw no 503"
grep -qE 'exited|violation' "$SERVER_LOG" && bad "a worker died" || ok "no worker died"
server_stop
acks_stored
fault_end
