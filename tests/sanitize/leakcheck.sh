#!/bin/sh
# leakcheck.sh: the unit tests and hcctl's commands under valgrind (make leakcheck).
#
# Every run is valgrind --leak-check=full --error-exitcode=1 on the plain
# build (build/): a leak (definite or possible), an invalid read or write,
# or a jump on uninitialised memory fails it. hcctl runs on a fresh data
# folder that the real server has filled with two tickets (through the
# JSON API), so that the ticket commands have rows to walk. Third-party
# noise, if any, goes to tests/sanitize/valgrind.supp with a comment.
# Prints one line per run and "N passed, M failed".

cd "$(dirname "$0")/../.." || exit 1
umask 022

# Valgrind's own verdict is status 99, told apart from the command's.
VG="valgrind -q --leak-check=full --error-exitcode=99 --num-callers=30"
if [ -f tests/sanitize/valgrind.supp ]; then
	VG="$VG --suppressions=tests/sanitize/valgrind.supp"
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-leak.XXXXXX") || exit 1
chmod 755 "$TMP"
. tests/lib/server.sh
trap 'server_stop; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
passed=0
failed=0
n=0

# run NAME STATUS CMD...: runs CMD under valgrind, which must find nothing,
# and CMD must exit with STATUS; the output goes to a log.
run() {
	name=$1
	want=$2
	shift 2
	n=$((n + 1))
	log="$TMP/run$n.log"
	$VG "$@" > "$log" 2>&1
	got=$?
	if [ "$got" = "$want" ]; then
		passed=$((passed + 1))
		echo "ok   $name"
	else
		failed=$((failed + 1))
		if [ "$got" = 99 ]; then
			echo "FAIL $name: valgrind found errors:"
		else
			echo "FAIL $name: exit status $got, want $want:"
		fi
		tail -n 60 "$log"
	fi
}

start=$(date +%s)
for t in build/tests/test_*; do
	run "unit $t" 0 "./$t"
done
echo "leakcheck: unit tests took $(( $(date +%s) - start )) s"

start=$(date +%s)
cp -R tests/e2e/articles "$TMP/articles" || exit 1
if ! server_start "$TMP/articles" "$TMP/data"; then
	echo "leakcheck: the server did not start"
	exit 1
fi
for who in Ann Bo; do
	curl -s -o /dev/null -H 'Content-Type: application/json' \
	    -d "{\"name\": \"$who\", \"email\": \"$who@example.com\", \
	    \"subject\": \"Card declined\", \"body\": \"Twice.\nWhy?\"}" \
	    "$BASE/api/v1/tickets"
done
server_stop
ref=$(python3 -c 'import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute("SELECT ref FROM tickets LIMIT 1")
print((r.fetchone() or [""])[0])' "$TMP/data/helpcenter.db")

export DATA="$TMP/data" ARTICLES="$TMP/articles"
run "hcctl check" 0 build/hcctl check "$TMP/articles"
printf -- '---\ntitle: [x\n---\n' > "$TMP/articles/billing/broken.md"
run "hcctl check (a broken file: exit 1)" 1 build/hcctl check "$TMP/articles"
rm -f "$TMP/articles/billing/broken.md"
run "hcctl reindex" 0 build/hcctl reindex
run "hcctl reindex --full" 0 build/hcctl reindex --full
run "hcctl token add editor" 0 build/hcctl token add editor eve
run "hcctl token add agent" 0 build/hcctl token add agent bob
run "hcctl token list" 0 build/hcctl token list
run "hcctl token revoke" 0 build/hcctl token revoke --name eve
run "hcctl tickets list" 0 build/hcctl tickets list
if [ -n "$ref" ]; then
	run "hcctl tickets show" 0 build/hcctl tickets show "$ref"
	run "hcctl tickets reply" 0 build/hcctl tickets reply "$ref" "Try again."
	run "hcctl tickets close" 0 build/hcctl tickets close "$ref"
else
	failed=$((failed + 1))
	echo "FAIL no ticket was created through the API"
fi
run "hcctl export" 0 build/hcctl export
run "hcctl analytics --json" 0 build/hcctl analytics --json
run "hcctl analytics" 0 build/hcctl analytics
run "hcctl analytics --rollup" 0 build/hcctl analytics --rollup
echo "leakcheck: hcctl took $(( $(date +%s) - start )) s"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
