#!/bin/sh
# tickets.sh: ticket creation through the form (16 clients, durable commits) and the agents' list with 100,000 tickets.
#
#   tests/bench/tickets.sh            (after make all; BENCH_SECONDS=10 by default)
#
# Starts the real server (RATE_LIMITS=off) on the e2e articles, fetches the
# form once (cookie, CSRF token, signed start time), waits out the minimum
# fill time, then posts the form with wrk from 16 connections, each request
# a new ticket (its own idempotency key). Then fills the store to 100,000
# tickets and times GET /api/v1/tickets (the queue by SLA due time).
# Prints one line per figure; the figures also go to tests/out/bench-tickets.tsv
# (key TAB value, for table.py). Exit status 1 when a request failed.

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh
command -v wrk >/dev/null || { echo "tickets bench: wrk is not installed" >&2; exit 1; }

SECS=${BENCH_SECONDS:-10}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-bench-tickets.XXXXXX") || exit 1
chmod 755 "$TMP"
trap 'server_stop; rm -rf "$TMP"' EXIT
KV=tests/out/bench-tickets.tsv
mkdir -p tests/out
: >"$KV"
FAILED=0
kv() { printf '%s\t%s\n' "$1" "$2" >>"$KV"; }
# wrk's 812.00us, 1.23ms, 1.02s -> milliseconds
ms() {
	awk -v x="$1" 'BEGIN { if (x ~ /us$/) v = x / 1000; else if (x ~ /ms$/) v = x + 0;
	    else if (x ~ /s$/) v = x * 1000; else { print "x"; exit } printf "%.2f", v }'
}
cp -R tests/e2e/articles "$TMP/articles"
RATE_LIMITS=off
export RATE_LIMITS
server_start "$TMP/articles" "$TMP/data" || { kv tickets.failed 1; exit 1; }

page=$(curl -s -c "$TMP/cookies" "$BASE/tickets/new")
FORM_CSRF=$(printf '%s' "$page" | grep -o 'name="csrf" value="[^"]*' | head -1 | cut -d'"' -f4)
FORM_TS=$(printf '%s' "$page" | grep -o 'name="ts" value="[^"]*' | cut -d'"' -f4)
FORM_COOKIE="hc_v=$(awk '$6 == "hc_v" { print $7 }' "$TMP/cookies")"
export FORM_CSRF FORM_TS FORM_COOKIE
sleep 2.2

before=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from tickets').fetchone()[0])" "$TMP/data/helpcenter.db")
wrk -t2 -c16 -d"${SECS}s" --latency -s tests/bench/tickets_form.lua "$BASE" > "$TMP/wrk.txt" 2>&1
after=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from tickets').fetchone()[0])" "$TMP/data/helpcenter.db")
non2xx=$(grep -o 'Non-2xx or 3xx responses: [0-9]*' "$TMP/wrk.txt" | grep -o '[0-9]*$')
p50=$(awk '$1 == "50%" { print $2 }' "$TMP/wrk.txt")
p99=$(awk '$1 == "99%" { print $2 }' "$TMP/wrk.txt")
rate=$(awk -v n=$((after - before)) -v s="$SECS" 'BEGIN { printf "%.0f", n / s }')
sock=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$TMP/wrk.txt")
kv tickets.rate "$rate"
kv tickets.p50 "$(ms "$p50")"
kv tickets.p99 "$(ms "$p99")"
kv tickets.errors "$((${non2xx:-0} + ${sock:-0}))"
[ "${non2xx:-0}" = 0 ] && [ "${sock:-0}" = 0 ] && [ $((after - before)) -gt 0 ] || FAILED=1
echo "ticket form POST, wrk -c16 ${SECS}s: $((after - before)) tickets stored = $rate tickets/s, p50 $p50, p99 $p99, non-303 ${non2xx:-0} (target 300/s)"

# 100,000 tickets, spread over statuses, groups and due times.
python3 - "$TMP/data/helpcenter.db" <<'PY'
import random, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
n = db.execute("select count(*) from tickets").fetchone()[0]
now = int(time.time())
rows = []
st = ["new"] * 5 + ["open"] * 3 + ["pending", "solved", "closed", "closed"]
for i in range(n, 100000):
    rows.append(("HC-2020-%06d" % i, now - 86400, now, "N", "n@example.com", "subject %d" % i, "body",
                 random.choice(["billing", "getting-started", None]), random.choice(["general", "billing", "onboarding"]),
                 random.choice(["low", "normal", "high"]), random.choice(st), "web_form",
                 now + random.randint(-86400, 86400 * 2)))
db.executemany("insert into tickets(ref, created_at, updated_at, name, email, subject, body, category, grp, priority, status, channel, due_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
db.commit()
db.execute("analyze")
db.commit()
PY
TOKEN=$(DATA="$TMP/data" build/hcctl --init token add agent bench)
cat > "$TMP/list.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
for q in "" "?group=billing" "?status=open" "?overdue=1"; do
	wrk -t1 -c1 -d3s --latency -s "$TMP/list.lua" "$BASE/api/v1/tickets$q" > "$TMP/list.txt" 2>&1
	name=$(echo "${q:-all}" | tr -dc 'a-z')
	kv "tickets.list_$name.p50" "$(ms "$(awk '$1 == "50%" { print $2 }' "$TMP/list.txt")")"
	kv "tickets.list_$name.p99" "$(ms "$(awk '$1 == "99%" { print $2 }' "$TMP/list.txt")")"
	! grep -q 'Non-2xx' "$TMP/list.txt" && grep -q 'Requests/sec' "$TMP/list.txt" || FAILED=1
	echo "agent list /api/v1/tickets$q, 100,000 tickets, 1 connection: p50 $(awk '$1 == "50%" { print $2 }' "$TMP/list.txt"), p99 $(awk '$1 == "99%" { print $2 }' "$TMP/list.txt") (target < 20 ms)"
done
kv tickets.failed "$FAILED"
exit $FAILED
