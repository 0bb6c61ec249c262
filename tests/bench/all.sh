#!/bin/sh
# all.sh: make bench: every bench part in one run, then one table (tests/bench/table.py).
#
#   make bench                  (about 15 minutes on 2 cores)
#
# Parts, in order: article.sh (article page vs nginx and bare Kore), run.sh
# (search and indexing; BENCH_SIZES), search_new.sh (every query new: the
# server, bare Xapian and SQLite FTS5; BENCH_NEW_SIZES), deflection.sh
# (event recording cost, votes), tickets.sh, mail.sh (emails/s and the
# outbox delay under ticket load), community.sh, backends.sh (tickets,
# votes and answers on PostgreSQL beside SQLite; two nodes behind haproxy
# beside one), and the long crash test.
# Each writes its figures
# to tests/out/bench-<part>.tsv; figures of an earlier run are
# removed first, so the table only holds this run's. Every part runs even
# when one fails; the exit status is 1 when any part failed outright
# (errors, dead workers, a server that did not start), not when a speed
# target is missed (the table says MISS).

cd "$(dirname "$0")/../.." || exit 1
mkdir -p tests/out
rm -f tests/out/bench-*.tsv tests/out/bench-table.md
STATUS=tests/out/bench-status.tsv
FAILED=0

part() {
	name=$1
	shift
	printf '\n== bench part: %s\n' "$name"
	t0=$(date +%s)
	"$@"
	rc=$?
	# The machine's 1-minute load average as the part ends: other work on
	# the same cores shows there.
	printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$(($(date +%s) - t0))" \
	    "$(cut -d' ' -f1 /proc/loadavg)" >>"$STATUS"
	[ $rc -eq 0 ] || FAILED=1
}

: >"$STATUS"
part article ./tests/bench/article.sh
part search ./tests/bench/run.sh
part searchnew ./tests/bench/search_new.sh
part deflection ./tests/bench/deflection.sh
part tickets ./tests/bench/tickets.sh
part mail ./tests/bench/mail.sh
part community ./tests/bench/community.sh
part backends ./tests/bench/backends.sh
part crash env CRASH_SECONDS=${CRASH_SECONDS:-10} CRASH_CLIENTS=${CRASH_CLIENTS:-16} \
    CRASH_KV=tests/out/bench-crash.tsv ./tests/e2e/crash.sh
printf '\n== the table (tests/out/bench-table.md)\n\n'
python3 tests/bench/table.py tests/out || FAILED=1
[ $FAILED -eq 0 ] || echo "make bench: a part FAILED (see above); missed targets alone do not fail"
exit $FAILED
