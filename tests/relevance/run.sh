#!/bin/sh
# run.sh: search relevance suite (tests/relevance/*.tsv) against the
# real server on the starter articles tree.
#
# Starts the server (tests/lib/server.sh) on ./articles with a temporary data
# folder, runs tests/relevance/run.py, stops the server, checks its log.
# Exit status: run.py's (1 when a class is below its floor or a judged slug
# is missing), or 1 when the server does not start or its log shows a dead
# worker.
# Build first: make all.

cd "$(dirname "$0")/../.." || exit 1
umask 022

if [ ! -f build/helpcenter.so ]; then
	echo "relevance: build/helpcenter.so missing; run make all first" >&2
	exit 1
fi

. tests/lib/server.sh

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-relevance.XXXXXX") || exit 1
# As root the server drops to the helpcenter user: it must reach the data dir.
chmod 755 "$TMP"
cleanup() {
	server_stop
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 200 queries back to back from one address: a measurement, not a client,
# so the per-client search limit (40 per 2 s) is off as in make bench.
RATE_LIMITS=off
export RATE_LIMITS
if ! server_start "$(pwd)/articles" "$TMP/data"; then
	echo "relevance: server did not start" >&2
	exit 1
fi
echo "relevance: server at $BASE (log $SERVER_LOG)"

python3 tests/relevance/run.py "$BASE"
status=$?

server_stop
if ! server_log_clean; then
	echo "---- server log (last 40 lines)" >&2
	tail -n 40 "$SERVER_LOG" >&2
	status=1
fi
exit $status
