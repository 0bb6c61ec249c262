#!/usr/bin/env bash
# run.sh: the search benchmark (make bench): indexing rate, restart, search
# latency under load, edit-to-searchable delay and worker memory, each figure
# beside a reference measured in the same run (SPEC section 7).
#
#   BENCH_SIZES="1000 10000" tests/bench/run.sh     (the default sizes)
#
# Corpora come from gen_articles.py and are cached in build/bench/corpus-N.
# Progress goes to stderr; the table goes to stdout and to
# tests/out/bench-search.txt, the figures to tests/out/bench-search.tsv
# (key TAB value, for table.py). Exit status 1 when something failed outright
# (server did not start, search errors, dead workers); figures that miss
# their target are marked MISS but do not fail the run.
#
# Targets apply at 10,000 articles: search p99 < 10 ms, >= 2000 searches/s,
# indexing at least as fast as the bare Xapian loop, a restart on an
# unchanged tree re-indexes nothing, one edit searchable within 1 s.

set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
. tests/lib/server.sh

SIZES=${BENCH_SIZES:-"1000 10000"}
BB=$ROOT/build/bench
OUT=tests/out/bench-search.txt
KV=tests/out/bench-search.tsv
QUERIES=$ROOT/tests/bench/queries.txt
WRK_DURATION=${BENCH_WRK_DURATION:-10s}
TARGET_SIZE=10000
# glibc malloc tunable that keeps large reallocs off mremap(2); used only if
# the workers die in the sandbox without it (see notes in the output).
MALLOC_WORKAROUND="glibc.malloc.mmap_threshold=33554432"

mkdir -p "$BB" tests/out
ROWS=$BB/rows.tsv
NOTES=$BB/notes.txt
printf 'figure\tsize\tthis project\treference\ttarget\n' >"$ROWS"
: >"$NOTES"
: >"$KV"
FAILED=0
T_START=$(date +%s)

log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }
# kv N KEY VALUE: one figure for table.py, as search.N.KEY.
kv() { printf 'search.%s.%s\t%s\n' "$1" "$2" "$3" >>"$KV"; }
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$ROWS"; }
note() { printf '%s\n' "$*" >>"$NOTES"; log "NOTE: $*"; }
now() { date +%s.%N; }
# calc EXPR [printf-format]
calc() { awk "BEGIN { printf \"${2:-%.2f}\", $1 }"; }

# tgt SIZE VALUE OP THRESHOLD LABEL: "LABEL ok|MISS" at the target size.
tgt() {
	[ "$1" = "$TARGET_SIZE" ] || { echo "-"; return; }
	r=$(awk -v v="$2" -v t="$4" -v op="$3" 'BEGIN {
		if (v !~ /^[0-9.]+$/) { print "MISS"; exit }
		v += 0; t += 0
		r = (op == "<") ? v < t : (op == ">=") ? v >= t : (op == "==") ? v == t : 0
		print (r ? "ok" : "MISS") }')
	echo "$5 $r"
}

# wrk latency like 812.00us, 1.23ms, 1.02s -> milliseconds
to_ms() {
	awk -v x="$1" 'BEGIN {
		if (x ~ /us$/) v = x / 1000; else if (x ~ /ms$/) v = x + 0;
		else if (x ~ /m$/) v = x * 60000; else if (x ~ /s$/) v = x * 1000;
		else { print "n/a"; exit }
		printf "%.2f", v }'
}

mb() { calc "$1 / 1024" "%.1f"; }

# Starts the real server (tests/lib/server.sh) waiting up to $3 seconds;
# $4: extra environment (may be ""). Returns 0 when /healthz answers 200,
# 3 on sandbox deaths, 1 otherwise.
bench_server_start() {
	SERVER_WAIT_TENTHS=$(($3 * 10)) SERVER_ENV="$4" server_start "$1" "$2" \
	    2>/dev/null
}

# "RSS/private" in KiB of each Kore worker (children of the server titled
# "[wrk"): VmRSS, and the pages not shared with the parent (smaps_rollup).
worker_rss() {
	local out="" p rss priv
	for p in $(worker_pids); do
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		priv=$(awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s + 0 }' \
		    "/proc/$p/smaps_rollup" 2>/dev/null)
		out="$out ${rss:-0}/${priv:-0}"
	done
	echo $out
}
# CPU ticks (user + system) of a process, of the server and its children,
# and of each worker.
ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }
worker_pids() { ps --ppid "$SERVER_PID" -o pid=,args= | awk '/\[wrk/ { print $1 }'; }
server_ticks() {
	local s=0 p t
	for p in $SERVER_PID $(ps --ppid "$SERVER_PID" -o pid=); do
		t=$(ticks "$p")
		s=$((s + ${t:-0}))
	done
	echo $s
}
worker_ticks() { local p; for p in $(worker_pids); do echo "$(ticks "$p")"; done; }

rss_list() {
	local r s=""
	for r in "$@"; do s="$s${s:+, }$(mb "${r%/*}") ($(mb "${r#*/}"))"; done
	echo "${s:-n/a} MB"
}

cleanup() { server_stop 2>/dev/null; }
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building"
make -s all >&2 || { log "make all failed"; exit 1; }
for t in bare_index bare_query; do
	if [ ! -x "$BB/$t" ] || [ "tests/bench/$t.cc" -nt "$BB/$t" ]; then
		g++ -std=c++17 -O2 -Wall -Werror -o "$BB/$t" "tests/bench/$t.cc" -lxapian ||
		    { log "cannot build $t"; exit 1; }
	fi
done
# The shim beside bare Xapian on the shim's own final queries.
g++ -std=c++17 -O2 -Wall -Werror -Isrc -o "$BB/shim_query" tests/bench/shim_query.cc \
    build/src/search/shim.o build/src/search/query_syntax.o build/src/search/fold.o \
    build/src/util/strbuf.o -lxapian -lopencc -licui18n -licuuc -licudata ||
    { log "cannot build shim_query"; exit 1; }

# Runs wrk on the search API for WRK_DURATION: $1 corpus size, $2 label,
# $3 BENCH_UNIQUE (1: every query made unique), $4 wrk threads (default 1:
# on 2 cores a second load thread takes the CPU the server is measured
# on; the table shows the p99 with 2 as well). Sets WRK_FIGURES to
# "req/s requests p50 p99 non-2xx socket-errors"; FAILED=1 when wrk failed.
wrk_search() {
	out="$BB/wrk-$1-$2.txt"
	log "N=$1: wrk -t${4:-1} -c16 -d$WRK_DURATION --latency (search.lua, $2 queries)"
	BENCH_UNIQUE=$3 timeout 60 wrk -t"${4:-1}" -c16 -d"$WRK_DURATION" --latency \
	    -s tests/bench/search.lua "$BASE" >"$out" 2>&1
	wrc=$?
	w_rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
	w_n=$(awk '/requests in/ { print $1 }' "$out")
	w_p50=$(to_ms "$(awk '/Latency Distribution/ { f = 1 } f && $1 == "50%" { print $2; exit }' "$out")")
	w_p99=$(to_ms "$(awk '/Latency Distribution/ { f = 1 } f && $1 == "99%" { print $2; exit }' "$out")")
	w_non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
	w_sock=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out")
	if [ $wrc -ne 0 ] || [ -z "$w_rps" ]; then
		note "N=$1: wrk ($2) failed (status $wrc): $(tail -3 "$out" | tr '\n' ' ')"
		FAILED=1
	fi
	[ "${w_non2xx:-0}" = 0 ] && [ "${w_sock:-0}" = 0 ] || FAILED=1
	log "N=$1: $2: ${w_rps:-?} req/s, p50 ${w_p50} ms, p99 ${w_p99} ms, non-2xx ${w_non2xx:-0}, socket errors ${w_sock:-0}"
	WRK_FIGURES="${w_rps:-n/a} ${w_n:-0} ${w_p50:-n/a} ${w_p99:-n/a} ${w_non2xx:-0} ${w_sock:-0}"
}

for N in $SIZES; do
	corpus=$BB/corpus-$N
	d=$BB/data-$N
	NICE=$(printf "%'d" "$N" 2>/dev/null || echo "$N")

	# The corpus, generated once.
	if [ ! -f "$corpus.done" ]; then
		log "N=$N: generating corpus in $corpus"
		rm -rf "$corpus"
		python3 tests/bench/gen_articles.py "$N" "$corpus" || exit 1
		touch "$corpus.done"
	fi

	# 1. Whole-tree build into a fresh DATA.
	log "N=$N: hcctl reindex --full"
	server_stop
	rm -rf "$d"
	mkdir -p "$d"
	DATA=$d ARTICLES=$corpus /usr/bin/time -f '%e %U %S' -o "$BB/time.txt" \
	    build/hcctl --init reindex --full 2>"$BB/reindex-full.err" >/dev/null
	rc=$?
	read -r wall user sys <"$BB/time.txt"
	if [ $rc -ne 0 ] || ! grep -q '^index: ' "$BB/reindex-full.err"; then
		note "N=$N: hcctl reindex --full failed (status $rc): $(tail -3 "$BB/reindex-full.err" | tr '\n' ' ')"
		FAILED=1
	fi
	put=$(sed -n 's/^index: \([0-9]*\) added.*/\1/p' "$BB/reindex-full.err" | tail -1)
	idx_ms=$(sed -n 's/^index: .* in \([0-9]*\) ms$/\1/p' "$BB/reindex-full.err" | tail -1)
	cat_ms=$(sed -n 's/^catalog: .* built in \([0-9]*\) ms$/\1/p' "$BB/reindex-full.err" | tail -1)
	rate=$(calc "$N / $wall" "%.0f")
	ratio=$(calc "($user + $sys) / $wall")
	idx_kb=$(du -sk "$d/index" | cut -f1)
	log "N=$N: full build ${wall}s wall, $(calc "$user + $sys") s cpu, $rate articles/s; index phase ${idx_ms:-?} ms for ${put:-?} documents"

	# 2. Reference: the bare TermGenerator loop over the same files.
	log "N=$N: bare Xapian indexing loop"
	rm -rf "$BB/bare-db-$N"
	/usr/bin/time -f '%e %U %S' -o "$BB/time.txt" \
	    "$BB/bare_index" "$corpus" "$BB/bare-db-$N" >"$BB/bare.out" 2>&1
	read -r bwall buser bsys <"$BB/time.txt"
	bare_rate=$(awk '/^bare_index:/ { printf "%.0f", $6 }' "$BB/bare.out")
	bare_kb=$(du -sk "$BB/bare-db-$N" 2>/dev/null | cut -f1)
	rm -rf "$BB/bare-db-$N"
	bratio=$(calc "($buser + $bsys) / $bwall")
	log "N=$N: bare loop $bare_rate articles/s (${bwall}s)"

	kv "$N" index_rate "$rate"
	kv "$N" index_wall "$wall"
	kv "$N" bare_index_rate "${bare_rate:-x}"
	kv "$N" bare_index_wall "$bwall"
	kv "$N" index_mb "$(mb "$idx_kb")"
	kv "$N" bare_index_mb "$(mb "${bare_kb:-0}")"
	row "indexing rate, whole-tree build" "$NICE" \
	    "$rate art/s (${wall} s wall)" "bare loop $bare_rate art/s (${bwall} s)" \
	    "$(tgt "$N" "$rate" ">=" "${bare_rate:-0}" ">= bare")"
	row "  of which index phase (no catalog)" "$NICE" \
	    "$(calc "${put:-0} * 1000 / ${idx_ms:-1}" "%.0f") art/s (${idx_ms:-?} ms)" \
	    "catalog build ${cat_ms:-?} ms" "-"
	row "  cpu/wall (2 cores used if > 1)" "$NICE" \
	    "$ratio ($(calc "$user + $sys" "%.1f") s cpu)" "bare loop $bratio" "-"
	row "index size on disk" "$NICE" "$(mb "$idx_kb") MB" \
	    "bare loop $(mb "${bare_kb:-0}") MB" "-"

	# 3. Restart with an unchanged tree.
	log "N=$N: hcctl reindex (unchanged tree)"
	DATA=$d ARTICLES=$corpus /usr/bin/time -f '%e %U %S' -o "$BB/time.txt" \
	    build/hcctl --init reindex 2>"$BB/reindex.err" >/dev/null
	read -r rwall ruser rsys <"$BB/time.txt"
	reput=$(sed -n 's/^index: \([0-9]*\) added.*/\1/p' "$BB/reindex.err" | tail -1)
	[ -n "$reput" ] || { reput="n/a"; note "N=$N: no index: line from hcctl reindex: $(tail -2 "$BB/reindex.err" | tr '\n' ' ')"; FAILED=1; }
	kv "$N" restart_reindexed "$reput"
	kv "$N" restart_wall "$rwall"
	row "restart, unchanged tree: wall" "$NICE" "${rwall} s" \
	    "whole-tree build ${wall} s" "-"
	row "restart: documents re-indexed" "$NICE" "$reput" "-" \
	    "$(tgt "$N" "$reput" "==" 0 "= 0")"

	# 4. The real server under load.
	start_limit=$((30 + N / 500))
	log "N=$N: starting the server (up to ${start_limit}s)"
	workaround=""
	t0=$(now)
	bench_server_start "$corpus" "$d" "$start_limit" ""
	src=$?
	t1=$(now)
	if [ $src -eq 3 ]; then
		deaths=$(grep -c 'died from sandbox violation' "$SERVER_LOG")
		note "N=$N: workers killed by the seccomp sandbox at start ($deaths deaths in the first $(calc "$t1 - $t0" "%.1f") s; as root, chroot+sandbox); restarted with GLIBC_TUNABLES=$MALLOC_WORKAROUND, rows marked (*) are measured that way"
		cp "$SERVER_LOG" "$BB/server-sandbox-death-$N.log"
		row "server start as configured" "$NICE" "FAIL: workers die (sandbox)" "-" "starts"
		FAILED=1
		server_stop
		workaround="GLIBC_TUNABLES=$MALLOC_WORKAROUND"
		t0=$(now)
		bench_server_start "$corpus" "$d" "$start_limit" "$workaround"
		src=$?
		t1=$(now)
	fi
	mark=${workaround:+ (*)}
	[ -z "$workaround" ] || kv "$N" malloc_workaround yes
	if [ $src -ne 0 ]; then
		note "N=$N: server did not answer /healthz (status $src); log tail: $(tail -5 "$SERVER_LOG" | tr '\n' ' ')"
		row "server start to /healthz$mark" "$NICE" "FAIL" "-" "-"
		FAILED=1
		server_stop
		continue
	fi
	start_s=$(calc "$t1 - $t0")
	row "server start to /healthz 200$mark" "$NICE" "$start_s s" \
	    "hcctl reindex, same tree ${rwall} s" "-"
	log "N=$N: server up in ${start_s}s at $BASE (pid $SERVER_PID)"
	# The watcher's first pass (catalog, index check) runs after the
	# start; the load waits until the server's processes are idle.
	while kill -0 "$SERVER_PID" 2>/dev/null &&
	    [ "$(calc "$(now) - $t0" "%.0f")" -lt "$start_limit" ]; do
		c0=$(server_ticks)
		sleep 0.5
		[ $(($(server_ticks) - c0)) -le 3 ] && break
	done
	t2=$(now)
	pass=$(sed -n 's/^index: \([0-9]*\) added.*/\1/p' "$SERVER_LOG" | tail -1)
	row "  server idle (first pass done)$mark" "$NICE" \
	    "$(calc "$t2 - $t0") s, last pass re-indexed ${pass:-?}" "-" "-"

	probe=$(python3 tests/bench/probe.py queries "$BASE" "$QUERIES")
	read -r _ nq _ perr _ pempty <<<"$probe"
	[ "${perr:-1}" = 0 ] || { note "N=$N: $perr of $nq queries failed before the load"; FAILED=1; }
	[ "${pempty:-1}" = 0 ] || note "N=$N: $pempty of $nq queries found nothing"
	rss_before=$(worker_rss)

	wt0=$(worker_ticks)
	# Repeated queries (52, cycling) mostly hit the workers' caches (kept
	# while the index is unchanged); then every query made unique (a
	# number appended), so that each one runs in Xapian; then the
	# repeated queries with two load threads.
	wrk_search "$N" repeat 0
	read -r rps nreq p50 p99 non2xx sockerr <<<"$WRK_FIGURES"
	wrk_search "$N" unique 1
	read -r urps unreq up50 up99 unon2xx usockerr <<<"$WRK_FIGURES"
	wrk_search "$N" repeat-t2 0 2
	read -r trps _ _ tp99 tnon2xx tsockerr <<<"$WRK_FIGURES"
	non2xx=$((non2xx + unon2xx + tnon2xx))
	sockerr=$((sockerr + usockerr + tsockerr))
	rss_after=$(worker_rss)
	# How the load spread over the workers: each one's share of their CPU.
	spread=$(paste <(echo "$wt0") <(worker_ticks) | awk '
		{ d[NR] = $2 - $1; s += d[NR] }
		END { for (i = 1; i <= NR; i++) printf "%s%.0f%%", (i > 1 ? " / " : ""),
		    s ? 100 * d[i] / s : 0; printf " of %.1f cpu-s", s / 100 }')

	# 5. Reference: the bare in-process query.
	log "N=$N: bare Xapian queries"
	"$BB/bare_query" "$d/index" "$QUERIES" 20 >"$BB/bare-query.out" 2>"$BB/bare-query.err"
	bp50=$(awk '/^bare_query:/ { printf "%.3f", $8 / 1000 }' "$BB/bare-query.out")
	bp99=$(awk '/^bare_query:/ { printf "%.3f", $11 / 1000 }' "$BB/bare-query.out")
	bqps=$(calc "1000 / ${bp50:-1000}" "%.0f")
	[ -n "$bp50" ] || note "N=$N: bare_query failed: $(cat "$BB/bare-query.err")"

	kv "$N" rps "${rps:-x}"
	kv "$N" p50 "${p50:-x}"
	kv "$N" p99 "${p99:-x}"
	kv "$N" t2_rps "${trps:-x}"
	kv "$N" t2_p99 "${tp99:-x}"
	kv "$N" unique_rps "${urps:-x}"
	kv "$N" unique_p50 "${up50:-x}"
	kv "$N" unique_p99 "${up99:-x}"
	kv "$N" bare_p50 "${bp50:-x}"
	kv "$N" bare_p99 "${bp99:-x}"
	kv "$N" errors "$((non2xx + sockerr))"
	row "search req/s (wrk -t1 -c16, repeated queries)$mark" "$NICE" "${rps:-n/a} /s ($nreq req)" \
	    "bare: 1 thread ~$bqps q/s at p50" "$(tgt "$N" "${rps:-x}" ">=" 2000 ">= 2000")"
	row "search req/s (wrk -t1 -c16, every query new)$mark" "$NICE" "${urps:-n/a} /s ($unreq req)" \
	    "bare: 1 thread ~$bqps q/s at p50" "$(tgt "$N" "${urps:-x}" ">=" 2000 ">= 2000")"
	row "  load spread over workers$mark" "$NICE" "$spread" "even: 50% / 50%" "-"
	row "search latency p50$mark" "$NICE" "${p50} ms" "bare query ${bp50:-n/a} ms" "-"
	row "search latency p99$mark" "$NICE" "${p99} ms" "bare query ${bp99:-n/a} ms" \
	    "$(tgt "$N" "$p99" "<" 10 "< 10 ms")"
	row "  same with wrk -t2 (load on both cores)$mark" "$NICE" \
	    "${trps:-n/a} /s, p99 ${tp99} ms" "-" "-"
	row "search latency p50 / p99, every query new$mark" "$NICE" "${up50} / ${up99} ms" \
	    "bare query ${bp50:-n/a} / ${bp99:-n/a} ms" "$(tgt "$N" "$up99" "<" 10 "< 10 ms")"
	row "search errors: non-2xx / socket$mark" "$NICE" "$non2xx / $sockerr" \
	    "before load: $perr of $nq failed, $pempty empty" "0"

	# 6. One edit searchable.
	victim=$(find "$corpus" -name 'article-*.md' | sort | head -1)
	log "N=$N: editing $victim, waiting for it in search"
	lines0=$(wc -l <"$SERVER_LOG")
	edit=$(python3 tests/bench/probe.py edit "$BASE" "$victim" 10)
	edit_ms=${edit#edit }
	# The watcher's own figures for that rebuild, from its log lines.
	rebuild=$(tail -n +$((lines0 + 1)) "$SERVER_LOG" | awk '
		/^catalog: .* built in/ && !c { c = $(NF - 1) }
		/^index: .* in [0-9]+ ms$/ && !i { i = $(NF - 1) }
		END { if (c != "") printf "watcher: catalog %s ms + index %s ms", c, (i != "" ? i : "?") }')
	kv "$N" edit_ms "${edit_ms:-x}"
	row "one edit searchable$mark" "$NICE" "$edit_ms${edit_ms:+ ms}" \
	    "${rebuild:-watcher: no rebuild logged}" "$(tgt "$N" "$edit_ms" "<" 1000 "< 1000 ms")"
	[ "$edit_ms" != timeout ] || note "N=$N: the edited article was not searchable within 10 s"

	# 7. Memory.
	kv "$N" rss "$(for r in $rss_after; do printf '%s/%s ' "$(mb "${r%/*}")" "$(mb "${r#*/}")"; done)"
	row "RSS per kore worker (private)$mark" "$NICE" "after load: $(rss_list $rss_after)" \
	    "before load: $(rss_list $rss_before)" "-"

	sleep 0.5	# let the watcher finish the restore rebuild
	server_stop
	if server_log_clean 2>"$BB/logclean.err"; then
		logclean=clean
	else
		logclean="NOT clean"
		FAILED=1
		note "N=$N: server log: $(head -3 "$BB/logclean.err" | tr '\n' ' ')"
	fi
	errs=$(grep -c 'search: ' "$SERVER_LOG")
	kv "$N" log_clean "$logclean"
	row "server log (dead workers, search errors)$mark" "$NICE" "$logclean, $errs search errors" "-" "clean"
	cp "$SERVER_LOG" "$BB/server-$N.log"
done

# The table.
{
	printf 'make bench (search): %s, nproc %s, %s%s\n' "$(date '+%Y-%m-%d %H:%M %Z')" \
	    "$(nproc)" "$(git rev-parse --short HEAD 2>/dev/null)" \
	    "$(git diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')"
	printf 'sizes: %s articles (gen_articles.py, ~5 KB, 70%% Chinese); total run %s s\n\n' \
	    "$SIZES" "$(($(date +%s) - T_START))"
	awk -F'\t' '
	{ for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR }
	END {
		for (r = 1; r <= n; r++) {
			line = ""
			for (i = 1; i <= 5; i++)
				line = line sprintf(i < 5 ? "%-" w[i] "s | " : "%s", c[r, i])
			print line
			if (r == 1) {
				sep = ""
				for (i = 1; i <= 5; i++) {
					s = sprintf("%" w[i] "s", ""); gsub(/ /, "-", s)
					sep = sep s (i < 5 ? "-+-" : "")
				}
				print sep
			}
		}
	}' "$ROWS"
	if [ -s "$NOTES" ]; then
		echo
		sed 's/^/note: /' "$NOTES"
	fi
} >"$BB/table.txt"
cp "$BB/table.txt" "$OUT"
printf 'search.sizes\t%s\nsearch.failed\t%s\n' "$SIZES" "$FAILED" >>"$KV"
cat "$BB/table.txt"
exit $FAILED
