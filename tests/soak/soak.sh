#!/bin/sh
# soak.sh: make soak: a mixed load at 64 connections for SOAK_SECONDS, then restarts, RSS growth and every acknowledged write checked.
#
#   tests/soak/soak.sh            (after make all; 5 minutes)
#   SOAK_SECONDS=20 tests/soak/soak.sh     a short run while developing
#
#   SOAK_SECONDS   duration of the load, 300 by default
#   SOAK_CONNS     connections, 64
#   SOAK_WARMUP    seconds of load before the first RSS sample, 10 % of
#                  the duration (at least 5)
#   SOAK_ARTICLES  the articles tree, ./articles (the starter help center)
#
# One server on a free loopback port (RATE_LIMITS=off) and one load driver
# (tests/lib/load.py: article, category, home and thread pages, search,
# suggest, JSON votes, questions, answers and tickets with Idempotency-Key).
# Checks, each a line "ok" or "FAIL": no unexpected status and no broken
# connection; no worker restart (no "exited"/"restarting" in the log, the
# same worker pids before and after); no seccomp violation; the RSS of each
# worker at the end no more than 10 % above its RSS after the warm-up; every
# write acknowledged to the driver (201/202, or 200 for a replaced vote or
# a replayed ticket) in the database after the server stopped; PRAGMA
# integrity_check ok. The report goes to stdout and tests/out/soak.txt.
# Exit status 1 when any check fails.

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh

SECS=${SOAK_SECONDS:-300}
CONNS=${SOAK_CONNS:-64}
WARMUP=${SOAK_WARMUP:-$(( SECS / 10 > 5 ? SECS / 10 : 5 ))}
SRC=${SOAK_ARTICLES:-articles}
OUT=tests/out/soak.txt
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-soak.XXXXXX") || exit 1
chmod 755 "$TMP"
mkdir -p tests/out
DRIVER=
trap '[ -n "$DRIVER" ] && kill $DRIVER 2>/dev/null; server_stop; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
RATE_LIMITS=off
export RATE_LIMITS
FAILED=0
: > "$OUT"

say() { echo "$*" | tee -a "$OUT"; }
check() {	# check OK-EXPRESSION-STATUS MESSAGE
	if [ "$1" = 0 ]; then say "ok   $2"; else say "FAIL $2"; FAILED=1; fi
}
workers() { ps -o pid= -o args= --ppid "$SERVER_PID" | awk '/\[wrk/ { print $1 }' | sort -n | tr '\n' ' '; }
rss() {	# "pid:KB ..." of the workers
	for p in $1; do printf '%s:%s ' "$p" "$(awk '/^VmRSS/ { print $2 }' /proc/$p/status 2>/dev/null)"; done
}

cp -R "$SRC" "$TMP/articles"
server_start "$TMP/articles" "$TMP/data" || { say "FAIL server did not start"; exit 1; }
W0=$(workers)
say "soak: $(date -u +%Y-%m-%dT%H:%MZ), ${SECS}s at $CONNS connections on $BASE, workers $W0"

python3 tests/lib/load.py run "$BASE" "$SECS" "$CONNS" "$TMP/acks" "$TMP/stats.json" soak &
DRIVER=$!
sleep "$WARMUP"
R0=$(rss "$W0")
wait "$DRIVER"
DRIVER=
R1=$(rss "$W0")
W1=$(workers)

python3 - "$TMP/stats.json" <<'EOF' | tee -a "$OUT"
import json, sys
s = json.load(open(sys.argv[1]))
print("requests: %d in %.0f s (%.0f/s); by status: %s; broken connections: %d" % (
    s["requests"], s["seconds"], s["requests"] / s["seconds"],
    ", ".join("%s %d" % kv for kv in sorted(s["by_status"].items())), s["conn_errors"]))
for k in sorted(s["p50_ms"]):
    n = sum(v for c, v in s["counts"].items() if c.split()[0] == k)
    print("  %-12s %7d requests, p50 %6.1f ms, p99 %7.1f ms" % (k, n, s["p50_ms"][k], s["p99_ms"][k]))
EOF
BAD=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(" ".join("%s:%d" % kv for kv in sorted(s["unexpected"].items())) or "none")' "$TMP/stats.json")
[ "$BAD" = none ]; check $? "unexpected statuses or broken connections: $BAD"

RESTARTS=$(grep -cE 'exited|restarting' "$SERVER_LOG")
[ "$RESTARTS" -eq 0 ] && [ "$W0" = "$W1" ]; check $? "worker restarts: $RESTARTS (workers before: $W0, after: $W1)"
VIOL=$(grep -c 'violation' "$SERVER_LOG")
[ "$VIOL" -eq 0 ]; check $? "seccomp violations: $VIOL"

for p in $W0; do
	a=$(echo "$R0" | tr ' ' '\n' | awk -F: -v p="$p" '$1 == p { print $2 }')
	b=$(echo "$R1" | tr ' ' '\n' | awk -F: -v p="$p" '$1 == p { print $2 }')
	awk -v a="${a:-0}" -v b="${b:-0}" 'BEGIN { exit !(a > 0 && b <= a * 1.10) }'
	check $? "worker $p RSS after ${WARMUP}s warm-up $((${a:-0} / 1024)) MB, at the end $((${b:-0} / 1024)) MB ($(awk -v a="${a:-1}" -v b="${b:-0}" 'BEGIN { printf "%+.1f", (b - a) * 100 / a }') %, limit +10 %)"
done

server_stop
python3 tests/lib/load.py check "$TMP/acks" "$TMP/data/helpcenter.db" > "$TMP/check"
st=$?
sed 's/^/  /' "$TMP/check" | tee -a "$OUT"
check $st "every acknowledged write stored ($(grep -vc '^lost' "$TMP/acks") acknowledged)"
[ $FAILED = 0 ] && say "soak: passed" || say "soak: FAILED"
exit $FAILED
