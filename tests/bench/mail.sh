#!/bin/sh
# mail.sh: emails sent per second and the outbox delay (queued -> delivered, p50/p99) under ticket load.
#
#   tests/bench/mail.sh         (after make all; BENCH_SECONDS=10, MAIL_DRAIN=60 by default)
#
# Starts the test SMTP receiver (tests/lib/smtp_sink.py, aiosmtpd) and the
# real server with SMTP_URL pointing at it (RATE_LIMITS=off), then posts
# the contact form with wrk from MAIL_CLIENTS (8) connections for
# BENCH_SECONDS: each request a new ticket, each ticket a "received" email
# queued in its transaction. tests/bench/mail_watch.py notes when each
# outbox row appears and, from the receiver's files, when its email
# arrived; after the load it waits until the outbox is empty, or MAIL_DRAIN
# seconds. Then the same without load: 20 tickets through the API, 4 a
# second (the delay of one email when the mailer is idle; figures
# mail.idle.*). Figures go to tests/out/bench-mail.tsv. Exit status 1 when a
# request failed, nothing arrived, or an email was lost or sent twice.

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh
command -v wrk >/dev/null || { echo "mail bench: wrk is not installed" >&2; exit 1; }

SECS=${BENCH_SECONDS:-10}
DRAIN=${MAIL_DRAIN:-60}
CLIENTS=${MAIL_CLIENTS:-8}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-bench-mail.XXXXXX") || exit 1
chmod 755 "$TMP"
SINK_PID=
cleanup() {
	server_stop
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
KV=tests/out/bench-mail.tsv
mkdir -p tests/out "$TMP/sink"
: >"$KV"
FAILED=0
kv() { printf '%s\t%s\n' "$1" "$2" >>"$KV"; }

SINK_PORT=$(free_port)
/usr/bin/python3 tests/lib/smtp_sink.py "$SINK_PORT" "$TMP/sink" >"$TMP/sink.out" 2>&1 &
SINK_PID=$!
i=0
until grep -q ready "$TMP/sink.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "mail bench: the SMTP receiver did not start" >&2; kv mail.failed 1; exit 1; }
	sleep 0.1
done

cp -R tests/e2e/articles "$TMP/articles"
RATE_LIMITS=off
SMTP_URL="smtp://127.0.0.1:$SINK_PORT"
SMTP_FROM="Help <help@example.com>"
export RATE_LIMITS SMTP_URL SMTP_FROM
server_start "$TMP/articles" "$TMP/data" || { kv mail.failed 1; exit 1; }

page=$(curl -s -c "$TMP/cookies" "$BASE/tickets/new")
FORM_CSRF=$(printf '%s' "$page" | grep -o 'name="csrf" value="[^"]*' | head -1 | cut -d'"' -f4)
FORM_TS=$(printf '%s' "$page" | grep -o 'name="ts" value="[^"]*' | cut -d'"' -f4)
FORM_COOKIE="hc_v=$(awk '$6 == "hc_v" { print $7 }' "$TMP/cookies")"
export FORM_CSRF FORM_TS FORM_COOKIE
# The form's minimum fill time.
sleep 2.2

python3 tests/bench/mail_watch.py "$TMP/data/helpcenter.db" "$TMP/sink" \
    "$TMP/stop" "$DRAIN" "$KV" &
WATCH_PID=$!
wrk -t2 -c"$CLIENTS" -d"${SECS}s" --latency -s tests/bench/tickets_form.lua "$BASE" >"$TMP/wrk.txt" 2>&1
touch "$TMP/stop"
wait "$WATCH_PID"

non2xx=$(grep -o 'Non-2xx or 3xx responses: [0-9]*' "$TMP/wrk.txt" | grep -o '[0-9]*$')
sock=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$TMP/wrk.txt")
rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$TMP/wrk.txt")
kv mail.tickets_rps "${rps:-0}"
kv mail.seconds "$SECS"
kv mail.clients "$CLIENTS"
echo "ticket form POST under mail, wrk -c$CLIENTS ${SECS}s: ${rps:-0} tickets/s, non-303 ${non2xx:-0}"

# Every email once: as many files as distinct Message-IDs, none missing.
dups=$(cat "$TMP"/sink/*.eml 2>/dev/null | grep -i '^Message-ID:' | sort | uniq -d | wc -l)
kv mail.duplicates "$dups"
sent=$(awk -F'\t' '$1 == "mail.sent" { print $2 }' "$KV")
left=$(awk -F'\t' '$1 == "mail.left" { print $2 }' "$KV")
echo "mail: $dups Message-IDs delivered twice"
[ "${non2xx:-0}" = 0 ] && [ "${sock:-0}" = 0 ] && [ "${sent:-0}" -gt 0 ] &&
    [ "$dups" = 0 ] && [ "${left:-1}" = 0 ] || FAILED=1
# Idle: one ticket at a time, so the delay is the mailer's own.
after=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select coalesce(max(id), 0) from mail_outbox').fetchone()[0])" "$TMP/data/helpcenter.db")
python3 tests/bench/mail_watch.py "$TMP/data/helpcenter.db" "$TMP/sink" \
    "$TMP/stop2" "$DRAIN" "$KV" mail.idle "$after" &
WATCH_PID=$!
i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	    -d "{\"name\":\"Idle\",\"email\":\"idle@example.com\",\"subject\":\"Idle $i\",\"body\":\"One at a time.\"}" \
	    "$BASE/api/v1/tickets")
	[ "$code" = 201 ] || FAILED=1
	sleep 0.25
done
touch "$TMP/stop2"
wait "$WATCH_PID"
[ "$(awk -F'\t' '$1 == "mail.idle.left" { print $2 }' "$KV")" = 0 ] || FAILED=1

server_stop
if ! server_log_clean; then
	FAILED=1
fi
kv mail.failed "$FAILED"
exit $FAILED
