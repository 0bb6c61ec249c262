#!/bin/sh
# deflection.sh: what funnel recording costs (issue 4): article page
# throughput with EVENTS=on against EVENTS=off in one run, and the vote
# POST (a durable write) at 32 concurrent clients. Short by default
# (DURATION=5s); prints one line per figure and keeps them in
# tests/out/bench-deflection.txt. Build first: make all.

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh

DURATION=${DURATION:-5s}
SLUG=${BENCH_SLUG:-reset-password}
OUT=tests/out/bench-deflection.txt
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

page() {
	SERVER_ENV="EVENTS=$1 RATE_LIMITS=off" server_start articles \
	    "$TMP/data-$1" >/dev/null || exit 1
	wrk -t2 -c16 -d2s "$BASE/articles/$SLUG" >/dev/null   # warm up
	r=$(wrk -t2 -c16 -d"$DURATION" --latency "$BASE/articles/$SLUG" |
	    summarise)
	echo "article page, EVENTS=$1, wrk -c16 $DURATION: $r"
	[ "$1" = on ] && {
		BENCH_SLUG=$SLUG wrk -t2 -c32 -d"$DURATION" --latency \
		    -s tests/bench/vote.lua "$BASE" > "$TMP/vote.txt"
		echo "vote POST (new visitor each, durable), wrk -c32" \
		    "$DURATION: $(summarise < "$TMP/vote.txt")"
	}
	server_stop
	SERVER_PID=
}

{
	date -u +"deflection bench %Y-%m-%d %H:%M UTC, $(nproc) cores"
	page on
	page off
} | tee "$OUT"
on=$(grep 'EVENTS=on' "$OUT" | grep -o '[0-9]* req/s' | grep -o '[0-9]*')
off=$(grep 'EVENTS=off' "$OUT" | grep -o '[0-9]* req/s' | grep -o '[0-9]*')
awk -v on="$on" -v off="$off" 'BEGIN { if (off > 0) printf "recording cost: %.1f %% of article page throughput (target < 10 %%)\n", 100 * (off - on) / off }' | tee -a "$OUT"
