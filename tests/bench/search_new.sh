#!/bin/bash
# search_new.sh: make bench: every search a new one, with the questions and
# typos customers type, in the same run for three engines:
#
#   - this server: the search API under wrk -t1 -c16 for BENCH_WRK_DURATION
#     (10 s), started with SEARCH_CACHE=off so that no page or result cache
#     answers: every request runs its query through the shim and Xapian;
#   - bare Xapian running the very query the shim builds (shim_query.cc,
#     "bare": Enquire::get_mset(0, 10), nothing else), in-process, 1 thread;
#     beside it the shim's own search in the same program ("shim": floor,
#     collapse, facets), so that the CPU of a new query compares with
#     Xapian's alone;
#   - SQLite FTS5 with the trigram tokenizer over the same texts
#     (fts5_query.py), in-process, 1 thread.
#
# Queries: the first column of tests/relevance/questions.tsv and typos.tsv
# (whole questions and input-method typos, not shuffled words), cycled.
# Sizes: BENCH_NEW_SIZES (default "10000 110000") generated articles
# (gen_articles.py; the corpora are shared with run.sh). Figures to
# tests/out/bench-searchnew.tsv for table.py, a log to
# tests/out/bench-searchnew.txt. Exit status 1 when a part failed outright
# (server did not start, errors under load, a reference did not run).

cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
. tests/lib/server.sh

SIZES=${BENCH_NEW_SIZES:-"10000 110000"}
BB=$ROOT/build/bench
KV=tests/out/bench-searchnew.tsv
LOG=tests/out/bench-searchnew.txt
WRK_DURATION=${BENCH_WRK_DURATION:-10s}
ROUNDS=${BENCH_NEW_ROUNDS:-3}
QUERIES=$BB/queries-real.txt
FAILED=0

mkdir -p "$BB" tests/out
: >"$KV"
: >"$LOG"
log() { printf '%s searchnew: %s\n' "$(date +%T)" "$*" | tee -a "$LOG" >&2; }
kv() { printf 'searchnew.%s.%s\t%s\n' "$1" "$2" "$3" >>"$KV"; }
to_ms() {
	case "$1" in
	*us) awk "BEGIN { printf \"%.3f\", ${1%us} / 1000 }" ;;
	*ms) awk "BEGIN { printf \"%.3f\", ${1%ms} }" ;;
	*s) awk "BEGIN { printf \"%.3f\", ${1%s} * 1000 }" ;;
	*) echo "" ;;
	esac
}
cleanup() { server_stop 2>/dev/null; }
trap cleanup EXIT
trap 'exit 130' INT TERM

for f in questions typos; do
	grep -v '^#' "tests/relevance/$f.tsv" | cut -f1 | grep -v '^query$'
done >"$QUERIES"
log "$(wc -l <"$QUERIES") queries (questions.tsv, typos.tsv)"

command -v wrk >/dev/null || { log "wrk is not installed (make test-deps)"; exit 1; }
make -s all >&2 || { log "make all failed"; exit 1; }
g++ -std=c++17 -O2 -Wall -Werror -Isrc -o "$BB/shim_query" tests/bench/shim_query.cc \
    build/src/search/shim.o build/src/search/query_syntax.o build/src/search/fold.o \
    build/src/util/strbuf.o -lxapian -lopencc -licui18n -licuuc -licudata ||
    { log "cannot build shim_query"; exit 1; }

# "shim_query: MODE N queries x R rounds mean A us p50 B us p99 C us ..."
ref() {
	awk -v m="$2" '$1 == m ":" || $2 == m { for (i = 1; i <= NF; i++) {
		if ($i == "mean") a = $(i + 1); if ($i == "p50") b = $(i + 1);
		if ($i == "p99") c = $(i + 1); if ($i == "cpu") d = $(i + 1) } }
		END { print a, b, c, (d == "" ? "x" : d) }' "$1"
}

for N in $SIZES; do
	corpus=$BB/corpus-$N
	d=$BB/data-new-$N
	if [ ! -f "$corpus.done" ]; then
		log "N=$N: generating corpus in $corpus"
		rm -rf "$corpus"
		python3 tests/bench/gen_articles.py "$N" "$corpus" || exit 1
		touch "$corpus.done"
	fi
	if [ ! -f "$d/index/iamglass" ] || [ ! -f "$d.done" ] ||
	    [ build/src/search/shim.o -nt "$d.done" ]; then
		log "N=$N: hcctl reindex"
		mkdir -p "$d"
		DATA=$d ARTICLES=$corpus build/hcctl --init reindex \
		    >/dev/null 2>"$BB/searchnew-reindex.err" ||
		    { log "N=$N: reindex failed: $(tail -2 "$BB/searchnew-reindex.err")"; FAILED=1; continue; }
		touch "$d.done"
	fi
	kv "$N" docs "$N"

	# 1. The server, every query new.
	RATE_LIMITS=off
	export RATE_LIMITS
	if ! SERVER_WAIT_TENTHS=$((300 + N / 50)) SERVER_ENV="SEARCH_CACHE=off" \
	    server_start "$corpus" "$d" 2>/dev/null; then
		log "N=$N: server did not start"
		FAILED=1
		continue
	fi
	# Let the watcher's first pass finish (at 110,000 articles it still
	# built the catalog through the measured load, a quarter of the
	# samples of a perf record on the server), and every worker open its
	# reader (ICU's transliterator and word dictionary load on the first
	# search, about half a second), before the load is measured: the
	# watcher's CPU time still for 2 s, at most 5 minutes.
	sleep 3
	watcher=$(ps -o pid=,comm= --ppid "$SERVER_PID" | awk '$2 == "hc-watcher" { print $1 }')
	last="" still=0
	for _ in $(seq 300); do
		[ -n "$watcher" ] || break
		now=$(awk '{ print $14 + $15 }' "/proc/$watcher/stat" 2>/dev/null) || break
		if [ "$now" = "$last" ]; then
			still=$((still + 1))
			[ "$still" -ge 2 ] && break
		else
			still=0
		fi
		last=$now
		sleep 1
	done
	BENCH_QUERIES=$QUERIES timeout 60 wrk -t1 -c16 -d3s -s tests/bench/search.lua \
	    "$BASE" >/dev/null 2>&1
	out=$BB/searchnew-wrk-$N.txt
	BENCH_QUERIES=$QUERIES timeout 120 wrk -t1 -c16 -d"$WRK_DURATION" --latency \
	    -s tests/bench/search.lua "$BASE" >"$out" 2>&1
	rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
	p50=$(to_ms "$(awk '/Latency Distribution/ { f = 1 } f && $1 == "50%" { print $2; exit }' "$out")")
	p99=$(to_ms "$(awk '/Latency Distribution/ { f = 1 } f && $1 == "99%" { print $2; exit }' "$out")")
	bad=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")
	server_stop
	if [ -z "$rps" ] || [ "$bad" != 0 ] || ! server_log_clean 2>/dev/null; then
		log "N=$N: server load failed or had errors ($bad): $(tail -3 "$out" | tr '\n' ' ')"
		FAILED=1
	fi
	log "N=$N: server $rps/s p50 $p50 ms p99 $p99 ms (wrk -t1 -c16, SEARCH_CACHE=off)"
	kv "$N" server_rps "${rps:-x}"
	kv "$N" server_p50 "${p50:-x}"
	kv "$N" server_p99 "${p99:-x}"

	# 2. The shim and bare Xapian on the same final queries, 1 thread.
	for m in shim bare; do
		"$BB/shim_query" "$d/index" "$QUERIES" "$m" "$ROUNDS" >"$BB/searchnew-$m.out" \
		    2>"$BB/searchnew-$m.err" || { log "N=$N: shim_query $m failed: $(cat "$BB/searchnew-$m.err")"; FAILED=1; }
		read -r mean q50 q99 cpu <<<"$(ref "$BB/searchnew-$m.out" "$m")"
		log "N=$N: $m in-process mean $mean us p50 $q50 us p99 $q99 us cpu $cpu us"
		kv "$N" "${m}_mean_us" "${mean:-x}"
		kv "$N" "${m}_cpu_us" "${cpu:-x}"
		kv "$N" "${m}_p50_us" "${q50:-x}"
		kv "$N" "${m}_p99_us" "${q99:-x}"
	done

	# 3. SQLite FTS5 (trigram) over the same texts, 1 thread.
	python3 tests/bench/fts5_query.py "$corpus" "$QUERIES" "$BB/fts5-$N.db" "$ROUNDS" \
	    >"$BB/searchnew-fts5.out" 2>"$BB/searchnew-fts5.err" ||
	    { log "N=$N: fts5_query failed: $(tail -2 "$BB/searchnew-fts5.err")"; FAILED=1; }
	read -r mean q50 q99 _ <<<"$(ref "$BB/searchnew-fts5.out" fts5_query)"
	log "N=$N: fts5 in-process mean $mean us p50 $q50 us p99 $q99 us"
	kv "$N" fts5_mean_us "${mean:-x}"
	kv "$N" fts5_p50_us "${q50:-x}"
	kv "$N" fts5_p99_us "${q99:-x}"
done
printf 'searchnew.sizes\t%s\nsearchnew.failed\t%s\n' "$SIZES" "$FAILED" >>"$KV"
exit $FAILED
