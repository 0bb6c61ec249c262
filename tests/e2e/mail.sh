#!/bin/sh
# mail.sh: email both ways against the real server and a real SMTP receiver (make e2e): the server with SMTP_URL, tests/e2e/mail_flows.py, the server log; prints "N passed, M failed".
#
# run.sh's server has no SMTP_URL (the pages must not promise email
# there), so this suite starts its own, with SMTP_URL pointing at a free
# loopback port where mail_flows.py runs (and stops, and restarts) the SMTP
# receiver tests/lib/smtp_sink.py. Build first: make all.

cd "$(dirname "$0")/../.." || exit 1
umask 022

HC_BUILD=${HC_BUILD:-build}
export HC_BUILD
if [ ! -f "$HC_BUILD/helpcenter.so" ]; then
	echo "mail: $HC_BUILD/helpcenter.so missing; run make all first" >&2
	exit 1
fi

. tests/lib/server.sh

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-mail.XXXXXX") || exit 1
chmod 755 "$TMP"
cleanup() {
	server_stop
	# The receiver, by the pid the suite wrote, if it outlived the suite.
	[ -f "$TMP/sink.pid" ] && kill "$(cat "$TMP/sink.pid")" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp -R tests/e2e/articles "$TMP/articles" || exit 1
SINK_PORT=$(free_port)
SMTP_URL="smtp://127.0.0.1:$SINK_PORT"
SMTP_FROM="帮助中心 <help@example.com>"
export SMTP_URL SMTP_FROM
if ! server_start "$TMP/articles" "$TMP/data"; then
	echo "0 passed, 1 failed"
	exit 1
fi
echo "mail: server at $BASE, SMTP receiver on port $SINK_PORT"

echo "0 1" > "$TMP/counts"
python3 tests/e2e/mail_flows.py "$BASE" "$TMP/articles" "$SERVER_LOG" \
    "$TMP/counts" "$TMP/data" "$SINK_PORT" "$TMP/sink"
read passed failed < "$TMP/counts"

server_stop
if server_log_clean; then
	passed=$((passed + 1))
	echo "ok   mail: server log: no dead worker, no sandbox violation"
else
	failed=$((failed + 1))
	echo "FAIL mail: server log (above)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
