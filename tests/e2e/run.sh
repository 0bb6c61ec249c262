#!/bin/sh
# run.sh: end-to-end tests against the real server (make e2e).
#
# Starts the server (tests/lib/server.sh) on a temporary copy of
# tests/e2e/articles with a fresh data folder, runs tests/e2e/e2e.py (the
# request table, then hot reload) and each domain's suite
# (tests/e2e/*_e2e.py, given the data folder as a fifth argument, e.g. for
# hcctl token add), stops the server, checks its log and
# that no process of it is left behind, and prints "N passed, M failed".
# Exit status 0 only when nothing failed. Build first: make all.
# E2E_VERBOSE=0 prints only the failures. For make asan: HC_BUILD picks the
# build folder (build-asan), E2E_SUITES the suites to run (e2e.py alone in
# the short run), E2E_KEEP_LOG a path to copy the server log to.

cd "$(dirname "$0")/../.." || exit 1
umask 022

HC_BUILD=${HC_BUILD:-build}
export HC_BUILD
if [ ! -f "$HC_BUILD/helpcenter.so" ]; then
	echo "e2e: $HC_BUILD/helpcenter.so missing; run make all first" >&2
	exit 1
fi

. tests/lib/server.sh

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-e2e.XXXXXX") || exit 1
# As root the watcher runs as the helpcenter user: it must be able to walk
# into the articles copy.
chmod 755 "$TMP"

# The server's processes (workers, watcher), by id, to find any left behind.
TREE=""
descendants() {
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}
remember_tree() {
	[ -n "${SERVER_PID:-}" ] || return 0
	for p in $(descendants "$SERVER_PID"); do
		case " $TREE " in *" $p "*) ;; *) TREE="$TREE $p" ;; esac
	done
}
# Prints and ends (by id) the remembered processes still running for $TMP.
end_leftovers() {
	left=""
	for p in $TREE; do
		{ tr '\0' ' ' < "/proc/$p/cmdline"; } 2>/dev/null |
		    grep -q "$TMP" && left="$left $p"
	done
	[ -n "$left" ] || return 0
	for p in $left; do
		echo "       left running: pid $p ($(cat /proc/$p/comm 2>/dev/null)," \
		    "$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null))"
		kill -TERM "$p" 2>/dev/null
	done
	sleep 1
	for p in $left; do kill -KILL "$p" 2>/dev/null; done
	return 1
}

cleanup() {
	server_stop
	end_leftovers >/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp -R tests/e2e/articles "$TMP/articles" || exit 1

if ! server_start "$TMP/articles" "$TMP/data"; then
	echo "0 passed, 1 failed"
	exit 1
fi
remember_tree
echo "e2e: server at $BASE (log $SERVER_LOG)"

# e2e.py first, then each domain's suite (*_e2e.py), all against this
# server; each writes "<passed> <failed>" to its counts file (a suite that
# dies before writing it counts as one failure).
passed=0
failed=0
for suite in ${E2E_SUITES:-tests/e2e/e2e.py tests/e2e/*_e2e.py}; do
	[ -f "$suite" ] || continue
	echo "0 1" > "$TMP/counts"
	python3 "$suite" "$BASE" "$TMP/articles" "$SERVER_LOG" "$TMP/counts" \
	    "$TMP/data"
	read p f < "$TMP/counts"
	passed=$((passed + p))
	failed=$((failed + f))
done

remember_tree
server_stop
[ -z "${E2E_KEEP_LOG:-}" ] || cp "$SERVER_LOG" "$E2E_KEEP_LOG"
if server_log_clean; then
	passed=$((passed + 1))
	echo "ok   server log: no dead worker, no sandbox violation"
else
	failed=$((failed + 1))
	echo "FAIL server log: a worker died or the sandbox killed one (above)"
	echo "---- server log (last 40 lines)"
	tail -n 40 "$SERVER_LOG"
fi

# SPEC 1: stopping the server stops it cleanly; give its children 2 s.
sleep 2
out=$(end_leftovers)
if [ -z "$out" ]; then
	passed=$((passed + 1))
	echo "ok   server stop: no process left running"
else
	failed=$((failed + 1))
	echo "FAIL server stop: processes outlived the server (now ended)"
	echo "$out"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
