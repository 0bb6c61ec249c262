#!/bin/sh
# deflection.sh: what funnel recording costs (issue 4): article page
# throughput with EVENTS=on against EVENTS=off in one run, and the vote
# POST (a durable write) at 32 concurrent clients. Short by default
# (DURATION=5s); prints one line per figure and keeps them in
# tests/out/bench-deflection.txt, the figures in tests/out/bench-deflection.tsv
# (key TAB value, for table.py). Exit status 1 when the server did not
# start or a request failed. Build first: make all.

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh

DURATION=${DURATION:-5s}
SLUG=${BENCH_SLUG:-reset-password}
OUT=tests/out/bench-deflection.txt
KV=tests/out/bench-deflection.tsv
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-bench-defl.XXXXXX") || exit 1
chmod 755 "$TMP"
mkdir -p tests/out
trap 'server_stop; rm -rf "$TMP"' EXIT

# "Requests/sec" and the 99th percentile (ms) of a wrk --latency run.
summarise() {
	awk '/Requests\/sec/ { rps = $2 }
	    / 99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 }
	        else if (v ~ /ms$/) { sub(/ms/, "", v) }
	        else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }
	        p99 = v }
	    / 50%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 }
	        else if (v ~ /ms$/) { sub(/ms/, "", v) }
	        else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }
	        p50 = v }
	    /Non-2xx/ { bad = $4 }
	    END { printf "%.0f req/s, p50 %.2f ms, p99 %.2f ms, non-2xx %d\n",
	        rps, p50, p99, bad }'
}

# kv_wrk PREFIX "R req/s, p50 A ms, p99 B ms, non-2xx N": four figures for
# table.py; a request that failed is noted for the exit status.
kv_wrk() {
	echo "$2" | awk -v p="$1" '{ gsub(",", "")
	    printf "%s.rps\t%s\n%s.p50\t%s\n%s.p99\t%s\n%s.errors\t%s\n",
	        p, $1, p, $4, p, $7, p, $NF }' >>"$KV"
	case $2 in
	"0 req/s"*) echo "$1" >>"$TMP/failed" ;;
	*"non-2xx 0") ;;
	*) echo "$1" >>"$TMP/failed" ;;
	esac
}

# Seconds until hc-events used no CPU for half a second (at most 20).
writer_idle_after() {
	pid=$(pgrep -P "$SERVER_PID" -x hc-events | head -1)
	t0=$(date +%s.%N)
	i=0
	while [ -n "$pid" ] && [ $i -lt 40 ]; do
		c0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null)
		sleep 0.5
		c1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null)
		[ "$c0" = "$c1" ] && break
		i=$((i + 1))
	done
	awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

page() {
	SERVER_ENV="EVENTS=$1 RATE_LIMITS=off" server_start articles \
	    "$TMP/data-$1" >/dev/null || return 1
	wrk -t2 -c16 -d2s "$BASE/articles/$SLUG" >/dev/null   # warm up
	r=$(wrk -t2 -c16 -d"$DURATION" --latency "$BASE/articles/$SLUG" |
	    summarise)
	echo "article page, EVENTS=$1, wrk -c16 $DURATION: $r"
	kv_wrk "deflection.page_events_$1" "$r"
	[ "$1" = on ] && {
		# The votes are measured on their own: the event writer
		# first writes the page views the run above left in the
		# rings (right after such a flood the vote p99 was 30 ms
		# instead of 7: the writer takes CPU and the write lock).
		drain=$(writer_idle_after)
		echo "event writer idle ${drain} s after the page-view run"
		BENCH_SLUG=$SLUG wrk -t2 -c32 -d"$DURATION" --latency \
		    -s tests/bench/vote.lua "$BASE" > "$TMP/vote.txt"
		r=$(summarise <"$TMP/vote.txt")
		echo "vote POST (new visitor each, durable), wrk -c32 $DURATION: $r"
		kv_wrk deflection.vote "$r"
	}
	server_stop
	SERVER_PID=
}

: >"$KV"
{
	date -u +"deflection bench %Y-%m-%d %H:%M UTC, $(nproc) cores"
	page on || echo "server (EVENTS=on)" >>"$TMP/failed"
	page off || echo "server (EVENTS=off)" >>"$TMP/failed"
} | tee "$OUT"
on=$(grep 'EVENTS=on' "$OUT" | grep -o '[0-9]* req/s' | grep -o '[0-9]*')
off=$(grep 'EVENTS=off' "$OUT" | grep -o '[0-9]* req/s' | grep -o '[0-9]*')
awk -v on="$on" -v off="$off" 'BEGIN { if (off > 0) printf "recording cost: %.1f %% of article page throughput (target < 10 %%)\n", 100 * (off - on) / off }' | tee -a "$OUT"
awk -v on="$on" -v off="$off" 'BEGIN { if (off > 0) printf "deflection.cost_pct\t%.1f\n", 100 * (off - on) / off }' >>"$KV"
if [ -s "$TMP/failed" ]; then
	echo "deflection bench FAILED: $(tr '\n' ' ' <"$TMP/failed")" | tee -a "$OUT"
	echo "deflection.failed	1" >>"$KV"
	exit 1
fi
echo "deflection.failed	0" >>"$KV"
