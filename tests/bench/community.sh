#!/bin/sh
# community.sh: the community bench (issue 6): thread page with 200 answers, answer posts with durable commits, thread search beside the articles.
#
#   tests/bench/community.sh      (after make all; about 5 minutes)
#
#   BENCH_SECONDS    wrk duration of each load, 5 by default
#   BENCH_THREADS    threads beside the articles for the search part, 100000
#   BENCH_ARTICLES   articles (gen_articles.py, cached in build/bench), 10000
#   BENCH_DRAIN      threads added while the server runs, indexed by the
#                    watcher through the outbox, 5000
#
# 1. One thread with 200 answers posted through the JSON API
#    (RATE_LIMITS=off), then wrk -c16 on its page; reference: an article
#    page under the same load in the same server.
# 2. wrk -c16 POSTing answers as JSON (answer.lua: new visitor and new text
#    each); every 201/202 the server sent must be a stored answer.
# 3. BENCH_ARTICLES articles indexed by hcctl reindex --full, BENCH_THREADS
#    threads bulk-inserted into SQLite (gen_threads.py) and indexed by hcctl
#    reindex (cm_index_reconcile), BENCH_DRAIN more inserted with outbox rows
#    while the server runs (the watcher's live path), then wrk on
#    /api/v1/search with type=thread and with no filter, repeated queries
#    (the workers' result cache answers many) and every query made unique;
#    reference: the bare in-process Xapian query (bare_query.cc, no filter).
# One line per figure on stdout and in tests/out/bench-community.txt; the
# figures also in tests/out/bench-community.tsv (key TAB value, for table.py).
# Exit status 1 when something failed outright (errors under load, a lost
# acknowledged write, a server that did not start).

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh
command -v wrk >/dev/null || { echo "community bench: wrk is not installed" >&2; exit 1; }

SECS=${BENCH_SECONDS:-5}
NTHREADS=${BENCH_THREADS:-100000}
NART=${BENCH_ARTICLES:-10000}
NDRAIN=${BENCH_DRAIN:-5000}
OUT=tests/out/bench-community.txt
KV=tests/out/bench-community.tsv
BB=$PWD/build/bench
MALLOC_WORKAROUND="glibc.malloc.mmap_threshold=33554432"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-bench-community.XXXXXX") || exit 1
chmod 755 "$TMP"
mkdir -p tests/out "$BB"
trap 'server_stop; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
FAILED=0
T0=$(date +%s)

log() { printf '%s community bench: %s\n' "$(date +%T)" "$*" >&2; }
kv() { printf '%s\t%s\n' "$1" "$2" >>"$KV"; }
# kv_sum PREFIX "R req/s, p50 A ms, p99 B ms, ...": the figures of a
# summarise line for table.py.
kv_sum() {
	echo "$2" | awk -v p="$1" '$2 == "req/s," { gsub(",", "")
	    printf "%s.rps\t%s\n%s.p50\t%s\n%s.p99\t%s\n", p, $1, p, $4, p, $7 }' >>"$KV"
}
# One figure: to stdout and the output file.
fig() { echo "$*" | tee -a "$OUT"; }
sql() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1], timeout=30).execute(sys.argv[2]).fetchone()[0])' "$DATA/helpcenter.db" "$1"; }
# Outbox rows the watcher has not read yet (the log keeps read rows until
# its next prune, docs/community.md "Search").
UNREAD="select count(*) from search_outbox where id >= coalesce((select min(cursor) from search_cursors), 0)"
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# within START LIMIT: fewer than LIMIT seconds since START.
within() { awk -v a="$1" -v b="$(now)" -v l="$2" 'BEGIN { exit !(b - a < l) }'; }

# A wrk --latency output as "R req/s, p50 A ms, p99 B ms, errors E
# (non-2xx N, socket S)"; sets ERRORS.
summarise() {
	s=$(awk 'function ms(v) {
		if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
		if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000
		return -1 }
	    /Requests\/sec/ { rps = $2 }
	    /Latency Distribution/ { f = 1 }
	    f && $1 == "50%" { p50 = ms($2) }
	    f && $1 == "99%" { p99 = ms($2) }
	    /Non-2xx/ { bad = $NF }
	    /Socket errors:/ { gsub(",", ""); sock = $4 + $6 + $8 + $10 }
	    END { printf "%.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d (non-2xx %d, socket %d)\n",
	        rps, p50, p99, bad + sock, bad, sock }' "$1")
	ERRORS=$(echo "$s" | sed 's/.*errors \([0-9]*\).*/\1/')
	[ -n "$(awk '/Requests\/sec/' "$1")" ] || { ERRORS=1; s="wrk failed: $(tail -2 "$1" | tr '\n' ' ')"; }
	[ "$ERRORS" = 0 ] || FAILED=1
	echo "$s"
}

# run_wrk OUTFILE ARGS...: wrk -t2 -c16 for SECS seconds, with --latency.
run_wrk() {
	o=$1
	shift
	timeout $((SECS + 30)) wrk -t2 -c16 -d"${SECS}s" --timeout 10s --latency "$@" >"$o" 2>&1
}

# Starts the server, retrying once with the malloc tunable run.sh knows
# about when the workers die in the sandbox.
start() {
	SERVER_ENV="RATE_LIMITS=off" SERVER_WAIT_TENTHS=${3:-100} server_start "$1" "$2" 2>"$TMP/start.err"
	rc=$?
	if [ $rc -eq 3 ]; then
		fig "note: workers died in the sandbox at start; restarted with GLIBC_TUNABLES=$MALLOC_WORKAROUND"
		FAILED=1
		server_stop
		SERVER_ENV="RATE_LIMITS=off GLIBC_TUNABLES=$MALLOC_WORKAROUND" \
		    SERVER_WAIT_TENTHS=${3:-100} server_start "$1" "$2" 2>"$TMP/start.err"
		rc=$?
	fi
	[ $rc -eq 0 ] || { log "server did not start: $(tail -5 "$TMP/start.err")"; return 1; }
}

# Waits (up to $1 s) until the server's processes use almost no CPU: the
# watcher's first pass is done.
wait_idle() {
	i=0
	while [ $i -lt $(($1 * 2)) ]; do
		c0=$(server_ticks)
		sleep 0.5
		[ $(($(server_ticks) - c0)) -le 3 ] && return 0
		i=$((i + 1))
	done
}
server_ticks() {
	s=0
	for p in $SERVER_PID $(ps --ppid "$SERVER_PID" -o pid=); do
		t=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }')
		s=$((s + ${t:-0}))
	done
	echo $s
}

log_check() {
	if ! server_log_clean 2>"$TMP/logclean.err"; then
		fig "server log NOT clean: $(head -3 "$TMP/logclean.err" | tr '\n' ' ')"
		FAILED=1
	fi
	n=$(grep -c 'community: post not stored' "$SERVER_LOG")
	[ "$n" = 0 ] || { fig "server log: $n posts not stored"; FAILED=1; }
}

: >"$OUT"
: >"$KV"
fig "$(date -u +"community bench %Y-%m-%d %H:%M UTC, $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null)")"

# ---- 1 and 2: the e2e articles, a fresh database ----
cp -R tests/e2e/articles "$TMP/articles"
start "$TMP/articles" "$TMP/data" || exit 1
log "server up at $BASE; posting a thread and 200 answers"
TID=$(python3 - "$BASE" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]

def post(path, obj):
    req = urllib.request.Request(base + path, json.dumps(obj).encode(),
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        if r.status != 201:
            sys.exit("post %s: status %d" % (path, r.status))
        return json.load(r)["id"]

tid = post("/api/v1/threads", {"title": "发票抬头填错了怎么修改？",
    "body": "下单时发票抬头写错了，**订单已经发货**。还能改吗？\n\n- 订单号 1234\n- 电子发票",
    "display_name": "asker", "tags": ["invoice"]})
for i in range(200):
    post("/api/v1/threads/%d/answers" % tid, {"display_name": "helper %d" % i,
        "body": "Answer %d: open **Orders**, pick the order, then *Invoice* > "
                "*Request a correction*. 第 %d 条回答：在订单详情里申请重开发票，"
                "一般 1-3 个工作日处理。\n\n1. 打开订单\n2. 申请更正\n" % (i, i)})
print(tid)
PY
) || { fig "thread with 200 answers: could not be created"; exit 1; }
shown=$(curl -s "$BASE/community/questions/$TID" | grep -o 'class="cm-answer[ "]' | wc -l)
[ "$shown" = 200 ] || { fig "thread page shows $shown answers, not 200"; FAILED=1; }
wrk -t2 -c16 -d1s "$BASE/community/questions/$TID" >/dev/null 2>&1	# warm up
run_wrk "$TMP/thread.txt" "$BASE/community/questions/$TID"
r=$(summarise "$TMP/thread.txt")
kv_sum community.thread_page "$r"
fig "thread page, 200 answers ($(curl -s "$BASE/community/questions/$TID" | wc -c) bytes), wrk -c16 ${SECS}s: $r"
wrk -t2 -c16 -d1s "$BASE/articles/refund-policy" >/dev/null 2>&1
run_wrk "$TMP/article.txt" "$BASE/articles/refund-policy"
fig "  reference: article page /articles/refund-policy ($(curl -s "$BASE/articles/refund-policy" | wc -c) bytes), same server: $(summarise "$TMP/article.txt")"

log "posting answers with wrk"
PTID=$(python3 - "$BASE" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/api/v1/threads", json.dumps({
    "title": "Bluetooth pairing fails after the firmware update",
    "body": "Since the update my headset no longer pairs.",
    "display_name": "asker2"}).encode(), {"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req))["id"])
PY
)
before=$(sql "select count(*) from answers")
BENCH_THREAD=$PTID BENCH_ACKS=$TMP/acks run_wrk "$TMP/post.txt" -s tests/bench/answer.lua "$BASE"
sleep 0.5	# answers to requests wrk left in flight land
after=$(sql "select count(*) from answers")
cat "$TMP"/acks.* 2>/dev/null >"$TMP/acks"
acked=$(wc -l <"$TMP/acks")
n202=$(grep -c '^202 ' "$TMP/acks")
lost=$(python3 - "$DATA/helpcenter.db" "$TMP/acks" "$PTID" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
want = {"201": "published", "202": "queued"}
lost = 0
for line in open(sys.argv[2]):
    status, aid = line.split()
    row = db.execute("select status, thread_id from answers where id = ?",
                     (aid if aid != "?" else -1,)).fetchone()
    if row is None or row[0] != want[status] or row[1] != int(sys.argv[3]):
        lost += 1
print(lost)
PY
)
stored=$((after - before))
rate=$(awk -v n="$acked" -v s="$SECS" 'BEGIN { printf "%.0f", n / s }')
r=$(summarise "$TMP/post.txt")
kv_sum community.answer_wrk "$r"
kv community.answer.rate "$rate"
kv community.answer.lost "$lost"
fig "answer POST (JSON, new visitor and text each, durable), wrk -c16 ${SECS}s: $rate posts/s acknowledged; $r"
fig "  acknowledged 201/202: $acked ($n202 held); stored: $stored; acknowledged but not stored as answered: $lost; stored beyond acknowledged (requests in flight when wrk stopped): $((stored - acked))"
[ "$lost" = 0 ] && [ "$stored" -ge "$acked" ] && [ $((stored - acked)) -le 16 ] || FAILED=1
# The watcher catches up with the busy thread.
t=$(now)
while [ "$(sql "$UNREAD")" != 0 ] && within "$t" 30; do sleep 0.2; done
fig "  search outbox read $(elapsed "$t") s after the load (the thread, now $(sql "select answers from threads where id = $PTID") answers, re-indexed)"
server_stop
log_check

# ---- 3: search, BENCH_THREADS threads beside BENCH_ARTICLES articles ----
corpus=$BB/corpus-$NART
if [ ! -f "$corpus.done" ]; then
	log "generating $NART articles in $corpus"
	rm -rf "$corpus"
	python3 tests/bench/gen_articles.py "$NART" "$corpus" || exit 1
	touch "$corpus.done"
fi
if [ ! -x "$BB/bare_query" ] || [ tests/bench/bare_query.cc -nt "$BB/bare_query" ]; then
	g++ -std=c++17 -O2 -Wall -Werror -o "$BB/bare_query" tests/bench/bare_query.cc -lxapian ||
	    log "cannot build bare_query"
fi
d=$TMP/data-search
mkdir -p "$d"
log "hcctl reindex --full: $NART articles"
t=$(now)
DATA=$d ARTICLES=$corpus build/hcctl --init reindex --full >/dev/null 2>"$TMP/reindex.err" ||
    { fig "hcctl reindex --full failed: $(tail -2 "$TMP/reindex.err" | tr '\n' ' ')"; exit 1; }
fig "articles: $NART indexed by hcctl reindex --full in $(elapsed "$t") s"
DATA=$d
ncat=$(find "$corpus" -mindepth 1 -maxdepth 1 -type d | wc -l)
log "inserting $NTHREADS threads"
t=$(now)
python3 tests/bench/gen_threads.py "$d/helpcenter.db" "$NTHREADS" --categories "$ncat" >/dev/null || exit 1
ins=$(elapsed "$t")
nans=$(sql "select count(*) from answers")
log "hcctl reindex: $NTHREADS threads"
t=$(now)
DATA=$d ARTICLES=$corpus build/hcctl --init reindex >/dev/null 2>"$TMP/reindex.err" ||
    { fig "hcctl reindex failed: $(tail -2 "$TMP/reindex.err" | tr '\n' ' ')"; FAILED=1; }
secs=$(elapsed "$t")
put=$(sed -n 's/^index: \([0-9]*\) thread documents.*/\1/p' "$TMP/reindex.err")
fig "threads: $NTHREADS with $nans answers bulk-inserted in $ins s; indexed by hcctl reindex (cm_index_reconcile, one commit) in $secs s = $(awk -v n="${put:-0}" -v s="$secs" 'BEGIN { printf "%.0f", n / s }') threads/s (${put:-?} documents; includes the unchanged-catalog check)"
[ "${put:-0}" = "$NTHREADS" ] || FAILED=1

log "starting the server on $NART articles + $NTHREADS threads"
t=$(now)
start "$corpus" "$d" 1200 || exit 1
wait_idle 120
fig "server start to idle (watcher's first pass compares $NTHREADS thread documents): $(elapsed "$t") s"

log "inserting $NDRAIN threads with outbox rows while the server runs"
t=$(now)
python3 tests/bench/gen_threads.py "$d/helpcenter.db" "$NDRAIN" --outbox --categories "$ncat" --seed 8 >"$TMP/drain.ids" || FAILED=1
ins=$(elapsed "$t")
while [ "$(sql "$UNREAD")" != 0 ] && within "$t" 300; do sleep 0.2; done
secs=$(elapsed "$t")
left=$(sql "$UNREAD")
fig "live indexing: $NDRAIN threads inserted with outbox rows (in $ins s) all indexed by the watcher $secs s after the insert began = $(awk -v n="$NDRAIN" -v s="$secs" 'BEGIN { printf "%.0f", n / s }') threads/s (outbox left: $left)"
[ "$left" = 0 ] || FAILED=1
last=$(cut -d' ' -f2 "$TMP/drain.ids")
found=$(curl -s "$BASE/api/v1/threads/$last" -o /dev/null -w '%{http_code}')
total=$(curl -s "$BASE/api/v1/search?type=thread&q=%E9%80%80%E6%AC%BE" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])' 2>/dev/null)
fig "  probe: thread $last answers $found; search type=thread q=退款 finds ${total:-nothing} threads"
wait_idle 30

for filter in type=thread ""; do
	for uniq in 0 1; do
		label="${filter:-no filter}, $( [ $uniq = 1 ] && echo 'every query new' || echo 'repeated queries')"
		log "wrk search: $label"
		BENCH_PARAMS=$filter BENCH_UNIQUE=$uniq run_wrk "$TMP/search.txt" -s tests/bench/search.lua "$BASE"
		r=$(summarise "$TMP/search.txt")
		kv_sum "community.search_$( [ -n "$filter" ] && echo thread || echo all)_$uniq" "$r"
		fig "search /api/v1/search ($label), $NTHREADS threads + $NART articles, wrk -c16 ${SECS}s: $r"
	done
done
if [ -x "$BB/bare_query" ]; then
	"$BB/bare_query" "$d/index" tests/bench/queries.txt 20 >"$TMP/bare.out" 2>"$TMP/bare.err"
	kv community.bare_p50 "$(awk '/^bare_query:/ { printf "%.2f", $8 / 1000 }' "$TMP/bare.out")"
	kv community.bare_p99 "$(awk '/^bare_query:/ { printf "%.2f", $11 / 1000 }' "$TMP/bare.out")"
	fig "  reference: bare in-process Xapian query, no filter, 1 thread: $(awk '/^bare_query:/ { printf "p50 %.2f ms, p99 %.2f ms", $8 / 1000, $11 / 1000 }' "$TMP/bare.out")"
fi
server_stop
log_check
kv community.threads "$NTHREADS"
kv community.articles "$NART"
kv community.failed "$FAILED"
fig "total run $(($(date +%s) - T0)) s; sizes: $NART articles, $NTHREADS + $NDRAIN threads; $( [ $FAILED = 0 ] && echo ok || echo FAILED)"
exit $FAILED
