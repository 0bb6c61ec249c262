#!/bin/sh
# lib.sh: what the fault tests share (sourced): a server on a fixed port that can be restarted, a background load, checks.
#
#   . tests/faults/lib.sh
#   fault_setup NAME [ARTICLES]   temp folder $T, articles copy, data dir $T/data
#   fault_start                   the server (log in $T/server.log, not in
#                                 the data folder: a full disk must not take
#                                 the log with it); the same PORT on restarts
#   load_start SECONDS [CONNS]    tests/lib/load.py (mix "faults") in the
#                                 background, acknowledged writes in $T/acks
#   load_wait                     waits for it
#   ok MESSAGE / bad MESSAGE      one line each; bad marks the case failed
#   expect WHAT WANT GOT          ok when GOT = WANT
#   http METHOD PATH [JSON]       sets CODE, BODY (file $T/body), HDRS, SECS
#   health FIELD                  a member of /healthz, e.g. database.writable
#   acks_stored                   every acknowledged write in the database
#   fault_end                     prints "N passed, M failed", exit status

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh

PASSED=0
FAILS=0
LOAD=
RATE_LIMITS=off
export RATE_LIMITS

ok() { echo "ok   $CASE: $*"; PASSED=$((PASSED + 1)); }
bad() { echo "FAIL $CASE: $*"; FAILS=$((FAILS + 1)); }
expect() { if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: want $2, got $3"; fi; }

fault_cleanup() {
	[ -n "$LOAD" ] && kill "$LOAD" 2>/dev/null
	server_stop
	[ -n "${FAULT_UMOUNT:-}" ] && umount "$FAULT_UMOUNT" 2>/dev/null
	rm -rf "$T"
}

fault_setup() {
	CASE=$1
	T=$(mktemp -d "${TMPDIR:-/tmp}/hc-fault-$1.XXXXXX") || exit 1
	chmod 755 "$T"
	cp -R "${2:-tests/e2e/articles}" "$T/articles"
	DATA=$T/data
	mkdir -p "$DATA"
	trap fault_cleanup EXIT
	trap 'exit 130' INT TERM
	PORT=$(free_port)
}

fault_start() {
	BASE="http://127.0.0.1:$PORT"
	BASE_URL=$BASE
	ARTICLES=$T/articles
	export ARTICLES DATA PORT BASE_URL
	SERVER_LOG=$T/server.log
	chmod 755 "$DATA"
	sed -e "s/^\(\s*bind\s\+127\.0\.0\.1\s\+\)8888/\1$PORT/" kore.conf > "$T/kore.conf"
	id helpcenter >/dev/null 2>&1 ||
	    useradd --system --no-create-home --shell /usr/sbin/nologin helpcenter
	kore -f -c "$T/kore.conf" >>"$SERVER_LOG" 2>&1 &
	SERVER_PID=$!
	i=0
	until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ]; do
		i=$((i + 1))
		if [ $i -gt 150 ] || ! kill -0 $SERVER_PID 2>/dev/null; then
			bad "server did not start"; tail -20 "$SERVER_LOG"
			return 1
		fi
		sleep 0.1
	done
}

workers() { ps -o pid= -o args= --ppid "$SERVER_PID" | awk '/\[wrk/ { print $1 }' | sort -n | tr '\n' ' '; }

load_start() {
	python3 tests/lib/load.py run "$BASE" "$1" "${2:-8}" "$T/acks" "$T/stats.json" faults &
	LOAD=$!
}

load_wait() {
	wait "$LOAD"
	LOAD=
	python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))
print("     load: %d requests in %.0f s; by status: %s; broken connections: %d" % (s["requests"], s["seconds"],
    ", ".join("%s %d" % kv for kv in sorted(s["by_status"].items())), s["conn_errors"]))' "$T/stats.json"
}

# Statuses of the load that are neither success nor an expected refusal.
load_unexpected() {
	python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); allowed = sys.argv[2].split()
print(" ".join("%s:%d" % kv for kv in sorted(s["unexpected"].items()) if kv[0].split()[1] not in allowed) or "none")' "$T/stats.json" "$1"
}

http() {
	if [ -n "${3:-}" ]; then
		out=$(curl -s -m 20 -o "$T/body" -D "$T/hdrs" -w '%{http_code} %{time_total}' -X "$1" \
		    -H 'Content-Type: application/json' -H "Idempotency-Key: fault-$(date +%s%N)" \
		    --data "$3" "$BASE$2")
	else
		out=$(curl -s -m 20 -o "$T/body" -D "$T/hdrs" -w '%{http_code} %{time_total}' -X "$1" "$BASE$2")
	fi
	CODE=${out% *}
	SECS=${out#* }
	BODY=$(cat "$T/body")
	HDRS=$(cat "$T/hdrs")
}

health() {
	curl -s -m 10 "$BASE/healthz" | python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[k]
print(json.dumps(v) if not isinstance(v, str) else v)' "$1"
}

TICKET='{"name":"Fault","email":"fault@example.com","subject":"fault test","body":"Written while something is wrong."}'

acks_stored() {
	if python3 tests/lib/load.py check "$T/acks" "$DATA/helpcenter.db" > "$T/check"; then
		ok "every acknowledged write stored: $(grep -c '^ok' "$T/check") checks, $(grep -vc '^lost' "$T/acks") acknowledged writes"
	else
		bad "acknowledged writes missing:"; grep FAIL "$T/check"
	fi
}

fault_end() {
	echo "$PASSED passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
	exit $?
}
