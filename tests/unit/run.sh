#!/bin/sh
# run.sh: every unit test binary on SQLite, then the ones with a database on a throwaway PostgreSQL (make unit); exit 1 if any failed.
#
# Usage: tests/unit/run.sh BINARY...  The PostgreSQL pass runs the binaries
# that include testdb.h with HC_TEST_DATABASE_URL set; without PostgreSQL
# installed it is reported as skipped (make unit installs it: TEST_PKGS).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh

failed=0
for t in "$@"; do
	echo "== $t (SQLite)"
	./"$t" || failed=1
done
pg_tests=
for t in "$@"; do
	src="tests/unit/$(basename "$t").c"
	grep -q '"testdb.h"' "$src" 2>/dev/null && pg_tests="$pg_tests $t"
done
if [ -n "$pg_tests" ]; then
	if pg_start; then
		trap pg_stop EXIT INT TERM
		for t in $pg_tests; do
			echo "== $t (PostgreSQL)"
			HC_TEST_DATABASE_URL="$PG_URL" ./"$t" || failed=1
		done
		pg_stop
		trap - EXIT INT TERM
	else
		echo "unit: PostgreSQL not available: the PostgreSQL pass did not run" >&2
		failed=1
	fi
fi
exit $failed
