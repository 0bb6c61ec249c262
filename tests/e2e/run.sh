#!/bin/sh
# run.sh: end-to-end tests against the real server (make e2e).
#
# Starts the server (tests/lib/server.sh) on a temporary copy of
# tests/e2e/articles with a fresh data folder, runs tests/e2e/e2e.py (the
# request table, then hot reload), stops the server, checks its log, and
# prints "N passed, M failed". Exit status 0 only when nothing failed.
# Build first: make all.

cd "$(dirname "$0")/../.." || exit 1
umask 022

if [ ! -f build/helpcenter.so ]; then
	echo "e2e: build/helpcenter.so missing; run make all first" >&2
	exit 1
fi

. tests/lib/server.sh

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-e2e.XXXXXX") || exit 1
# The watcher runs as the helpcenter user when started as root: it must be
# able to walk into the articles copy.
chmod 755 "$TMP"
cleanup() {
	server_stop
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp -R tests/e2e/articles "$TMP/articles" || exit 1

if ! server_start "$TMP/articles" "$TMP/data"; then
	echo "0 passed, 1 failed"
	exit 1
fi
echo "e2e: server at $BASE (log $SERVER_LOG)"

echo "0 1" > "$TMP/counts"
python3 tests/e2e/e2e.py "$BASE" "$TMP/articles" "$SERVER_LOG" "$TMP/counts"
read passed failed < "$TMP/counts"

server_stop
if server_log_clean; then
	passed=$((passed + 1))
	echo "ok   server log: no dead worker, no sandbox violation"
else
	failed=$((failed + 1))
	echo "FAIL server log: a worker died or the sandbox killed one (above)"
	echo "---- server log (last 40 lines)"
	tail -n 40 "$SERVER_LOG"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
