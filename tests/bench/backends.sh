#!/bin/sh
# backends.sh: durable writes (tickets, votes, answers) on SQLite and on PostgreSQL in one run, and the article page through haproxy with two nodes beside one node reached directly.
#
#   tests/bench/backends.sh           (after make all; BENCH_SECONDS=5 by default)
#
# 1. The same server, once on SQLite (DATA/helpcenter.db) and once with
#    DATABASE_URL on a throwaway PostgreSQL (tests/lib/pg.sh, fsync on):
#    the contact form (tickets_form.lua, wrk -c16), JSON votes as new
#    visitors (vote.lua, wrk -c32), JSON answers to one thread (answer.lua,
#    wrk -c16). Each rate is rows stored per second, counted in the
#    database before and after.
# 2. Two nodes on that PostgreSQL behind haproxy (round robin) against one
#    of them reached directly: GET of one article page, wrk -t2 -c32. On a
#    machine of few cores the nodes, haproxy and wrk share them: the figure
#    is what the balancer costs, not how the nodes scale.
# Figures go to tests/out/bench-backends.tsv (key TAB value, for table.py).
# Every wrk run is bounded (timeout); exit status 1 when a request failed or
# a server did not start.

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh
. tests/lib/pg.sh
command -v wrk >/dev/null || { echo "backends bench: wrk is not installed" >&2; exit 1; }
command -v haproxy >/dev/null || { echo "backends bench: haproxy is not installed" >&2; exit 1; }

SECS=${BENCH_SECONDS:-5}
SLUG=invoice
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-bench-backends.XXXXXX") || exit 1
chmod 755 "$TMP"
KV=tests/out/bench-backends.tsv
mkdir -p tests/out
: >"$KV"
FAILED=0
PIDS=
HAPROXY_PID=
cleanup() {
	server_stop
	for p in $PIDS $HAPROXY_PID; do kill "$p" 2>/dev/null; done
	for p in $PIDS $HAPROXY_PID; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	done
	pg_stop
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

kv() { printf '%s\t%s\n' "$1" "$2" >>"$KV"; }
# wrk --latency output FILE as "rps p50_ms p99_ms errors".
figures() {
	awk 'function ms(v) {
		if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
		if (v ~ /s$/) return v * 1000; return -1 }
	    /Requests\/sec/ { rps = $2; ok = 1 }
	    /Latency Distribution/ { f = 1 }
	    f && $1 == "50%" { p50 = ms($2) }
	    f && $1 == "99%" { p99 = ms($2) }
	    /Non-2xx/ { bad = $NF }
	    /Socket errors:/ { gsub(",", ""); sock = $4 + $6 + $8 + $10 }
	    END { if (!ok) { print "0 0 0 1"; exit }
	        printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad + sock }' "$1"
}
# run_wrk OUT CONNS [wrk args...]: SECS seconds, bounded.
run_wrk() {
	o=$1
	c=$2
	shift 2
	timeout $((SECS + 30)) wrk -t2 -c"$c" -d"${SECS}s" --timeout 10s \
	    --latency "$@" >"$o" 2>&1
}
# rows TABLE: the rows of TABLE in the database the server under test uses.
rows() {
	if [ -n "${DATABASE_URL:-}" ]; then
		psql "$DATABASE_URL" -X -Atc "SELECT count(*) FROM $1"
	else
		python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1], timeout=30).execute("SELECT count(*) FROM " + sys.argv[2]).fetchone()[0])' \
		    "$DATA/helpcenter.db" "$1"
	fi
}
# write_load NAME TABLE CONNS LUA: wrk with a script; rows of TABLE per second.
write_load() {
	c=$3
	before=$(rows "$2")
	run_wrk "$TMP/$1.txt" "$3" -s "$4" "$BASE"
	after=$(rows "$2")
	set -- "$1" $(figures "$TMP/$1.txt") "$((after - before))"
	rate=$(awk -v n="$6" -v s="$SECS" 'BEGIN { printf "%.0f", n / s }')
	# 303 (the form) is wrk's success too; answers queued (202) are rows.
	kv "$B.$1.rate" "$rate"
	kv "$B.$1.p50" "$3"
	kv "$B.$1.p99" "$4"
	kv "$B.$1.errors" "$5"
	[ "$5" = 0 ] && [ "$6" -gt 0 ] || FAILED=1
	echo "$B: $1 durable, wrk -c$c: $6 rows in ${SECS} s = $rate/s, p50 $3 ms, p99 $4 ms, errors $5"
}

cp -R tests/e2e/articles "$TMP/articles"
RATE_LIMITS=off
export RATE_LIMITS
pg_start || { echo "backends bench: PostgreSQL would not start" >&2; kv backends.failed 1; exit 1; }
for B in sqlite pg; do
	if [ $B = pg ]; then
		DATABASE_URL=$PG_URL
		export DATABASE_URL
	else
		unset DATABASE_URL
	fi
	server_start "$TMP/articles" "$TMP/data-$B" || { FAILED=1; continue; }
	page=$(curl -s -c "$TMP/cookies" "$BASE/tickets/new")
	FORM_CSRF=$(printf '%s' "$page" | grep -o 'name="csrf" value="[^"]*' | head -1 | cut -d'"' -f4)
	FORM_TS=$(printf '%s' "$page" | grep -o 'name="ts" value="[^"]*' | cut -d'"' -f4)
	FORM_COOKIE="hc_v=$(awk '$6 == "hc_v" { print $7 }' "$TMP/cookies")"
	export FORM_CSRF FORM_TS FORM_COOKIE
	tid=$(curl -s -H 'Content-Type: application/json' -H "Origin: $BASE" \
	    --data '{"title": "Which router settings work for backends?", "body": "The thread the answer load writes to.", "display_name": "Bench asker"}' \
	    "$BASE/api/v1/threads" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("id", 0))')
	# The form's minimum fill time.
	sleep 2.2
	BENCH_SLUG=$SLUG BENCH_THREAD=$tid BENCH_ACKS=$TMP/acks
	export BENCH_SLUG BENCH_THREAD BENCH_ACKS
	write_load tickets tickets 16 tests/bench/tickets_form.lua
	write_load votes votes 32 tests/bench/vote.lua
	write_load answers answers 16 tests/bench/answer.lua
	server_stop
done

# Two nodes on PostgreSQL, haproxy in front; node a alone for reference.
DATABASE_URL=$PG_URL
export DATABASE_URL
for n in a b; do
	SERVER_ENV="NODE_NAME=bench-$n" server_start "$TMP/articles" "$TMP/node-$n" || { FAILED=1; break; }
	PIDS="$PIDS $SERVER_PID"
	eval "PORT_$n=$PORT"
	SERVER_PID=
done
LB_PORT=$(free_port)
cat > "$TMP/haproxy.cfg" <<CFG
global
	maxconn 512
defaults
	mode http
	timeout connect 2s
	timeout client 30s
	timeout server 30s
frontend hc
	bind 127.0.0.1:$LB_PORT
	default_backend nodes
backend nodes
	balance roundrobin
	server a 127.0.0.1:${PORT_a:-1}
	server b 127.0.0.1:${PORT_b:-1}
CFG
haproxy -f "$TMP/haproxy.cfg" -db > "$TMP/haproxy.log" 2>&1 &
HAPROXY_PID=$!
sleep 0.5
for w in one two; do
	if [ $w = one ]; then
		url="http://127.0.0.1:${PORT_a:-1}/articles/$SLUG"
	else
		url="http://127.0.0.1:$LB_PORT/articles/$SLUG"
	fi
	timeout 20 wrk -t2 -c32 -d2s "$url" >/dev/null 2>&1	# warm up
	run_wrk "$TMP/page-$w.txt" 32 "$url"
	set -- $(figures "$TMP/page-$w.txt")
	kv "nodes.$w.rps" "$1"
	kv "nodes.$w.p50" "$2"
	kv "nodes.$w.p99" "$3"
	[ "$4" = 0 ] || FAILED=1
	echo "article page, $w node(s)$([ $w = two ] && echo ' through haproxy' || echo ' directly'), wrk -t2 -c32 ${SECS} s: $1 req/s, p50 $2 ms, p99 $3 ms, errors $4"
done
echo "note: $(nproc) cores shared by the nodes, haproxy and wrk: the two-node figure is the balancer's cost, not a scaling figure"
kv nodes.cores "$(nproc)"
kv backends.failed "$FAILED"
exit $FAILED
