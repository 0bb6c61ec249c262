#!/bin/sh
# crash.sh: tickets survive kill -9 (make e2e runs it short; CRASH_SECONDS for longer).
#
# Starts the server (RATE_LIMITS=off), has CRASH_CLIENTS clients post tickets,
# kills the server and its workers with SIGKILL mid-stream, restarts it on
# the same data folder and checks (tests/e2e/crash.py): every ticket whose
# 201 reached a client exists, the unanswered ones sent again with their
# idempotency keys make one ticket each, nothing is duplicated, and
# PRAGMA integrity_check is ok. Prints "N passed, M failed"; with CRASH_KV
# set, also writes the figures there (key TAB value; make bench's table.py).

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh

SECS=${CRASH_SECONDS:-1.5}
CLIENTS=${CRASH_CLIENTS:-8}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-crash.XXXXXX") || exit 1
chmod 755 "$TMP"
trap 'server_stop; rm -rf "$TMP"' EXIT
cp -R tests/e2e/articles "$TMP/articles"
RATE_LIMITS=off
export RATE_LIMITS

descendants() {
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		descendants "$c"
		echo "$c"
	done
}

server_start "$TMP/articles" "$TMP/data" || { echo "0 passed, 1 failed"; exit 1; }
python3 tests/e2e/crash.py send "$BASE" "$TMP/state" 30 "$CLIENTS" &
SENDER=$!
sleep "$SECS"
# The whole server at once, as a power cut would: parent, workers, watcher.
pids="$SERVER_PID $(descendants "$SERVER_PID")"
kill -KILL $pids 2>/dev/null
SERVER_PID=
wait "$SENDER"
echo "crash: killed the server after ${SECS}s; $(grep -c '^ack' "$TMP/state") acknowledged, $(grep -c '^lost' "$TMP/state") unanswered"

mv "$TMP/data/server.log" "$TMP/server-1.log"
server_start "$TMP/articles" "$TMP/data" || { echo "0 passed, 1 failed"; exit 1; }
python3 tests/e2e/crash.py check "$BASE" "$TMP/state" "$TMP/data/helpcenter.db" > "$TMP/out"
cat "$TMP/out"
server_stop
p=$(grep -c '^ok' "$TMP/out")
f=$(grep -c '^FAIL' "$TMP/out")
if [ -n "${CRASH_KV:-}" ]; then
	printf 'crash.seconds\t%s\ncrash.clients\t%s\ncrash.acked\t%s\ncrash.unanswered\t%s\ncrash.passed\t%s\ncrash.failed\t%s\n' \
	    "$SECS" "$CLIENTS" "$(grep -c '^ack' "$TMP/state")" \
	    "$(grep -c '^lost' "$TMP/state")" "$p" "$f" >"$CRASH_KV"
fi
echo "$p passed, $f failed"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
