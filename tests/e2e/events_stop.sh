#!/bin/sh
# events_stop.sh: page views travel from the workers through shared rings to
# the event writer process (src/deflection/event_ring.c); every view served
# before a clean stop is in the events table after it, and none is lost when
# a worker is killed after serving. Prints "N passed, M failed".

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-events.XXXXXX") || exit 1
chmod 755 "$TMP"
trap 'server_stop; rm -rf "$TMP"' EXIT
cp -R tests/e2e/articles "$TMP/articles"
RATE_LIMITS=off
export RATE_LIMITS
server_start "$TMP/articles" "$TMP/data" || { echo "0 passed, 1 failed"; exit 1; }
DB=$TMP/data/helpcenter.db

passed=0
failed=0
result() {
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1)); echo "ok   events: $1"
	else
		failed=$((failed + 1)); echo "FAIL events: $1: got $2, wanted $3"
	fi
}
views() {
	sqlite3 "$DB" "SELECT count(*) FROM events WHERE type = 'article_view'"
}
# N views of the article, on 4 connections; prints how many answered 200.
serve() {
	i=0
	while [ $i -lt "$1" ]; do
		echo "url = \"$BASE/articles/payment-methods\""
		echo 'output = "/dev/null"'
		echo 'write-out = "%{http_code}\n"'
		i=$((i + 1))
	done >"$TMP/curl.cfg"
	curl -s --no-progress-meter --parallel --parallel-max 4 -K "$TMP/curl.cfg" 2>/dev/null | grep -c '^200$'
}

# This server's processes only: other servers may run on the machine.
writer=$(pgrep -P "$SERVER_PID" -x hc-events)
result "the event writer runs" "$(echo $writer | wc -w)" 1
ok=$(serve 400)
result "400 views served" "$ok" 400
# Written within the writer's interval, without a stop.
sleep 0.5
result "400 views written while running" "$(views)" 400

# A worker killed just after serving: its ring lives in shared memory.
ok=$(serve 300)
kill -KILL $(ps -o pid= -o args= --ppid "$SERVER_PID" | awk '/\[wrk 1\]/ { print $1 }')
sleep 0.5
result "views of a killed worker written" "$(views)" $((400 + ok))

ok2=$(serve 300)
server_stop
result "every view before a clean stop written" "$(views)" \
    $((400 + ok + ok2))
result "no event writer left" "$(ps -o pid= -p "${writer:-0}" | wc -l)" 0
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
