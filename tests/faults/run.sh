#!/bin/sh
# run.sh: make faults: every fault case (tests/faults/*.sh) under load, or the quick ones (run.sh quick, in make e2e); a report in tests/out/faults.txt.
#
# Each case starts its own server (RATE_LIMITS=off) and load driver, brings
# about its fault, prints one line per check and "N passed, M failed".
# Needs root (the server chroots; disk_full.sh mounts a tmpfs).

cd "$(dirname "$0")/../.." || exit 1
if [ "${1:-}" = quick ]; then
	CASES="tests/faults/worker_kill.sh tests/faults/index.sh
	    tests/faults/startup_access.sh tests/faults/data_private.sh
	    tests/faults/netlimits.sh
	    tests/faults/articles_tree.sh tests/faults/mail.sh
	    tests/faults/backup_load.sh"
else
	CASES="tests/faults/worker_kill.sh tests/faults/server_kill.sh
	    tests/faults/disk_full.sh tests/faults/db_locked.sh
	    tests/faults/index.sh tests/faults/broken_articles.sh
	    tests/faults/startup_access.sh tests/faults/data_private.sh
	    tests/faults/helpers.sh tests/faults/netlimits.sh
	    tests/faults/articles_tree.sh tests/faults/mail.sh
	    tests/faults/backup_load.sh"
fi
mkdir -p tests/out
OUT=tests/out/faults${1:+-$1}.txt
: > "$OUT"
TMPF=$(mktemp) || exit 1
trap 'rm -f "$TMPF"' EXIT
failed=0
for c in $CASES; do
	echo "== $c" | tee -a "$OUT"
	sh "$c" > "$TMPF" 2>&1
	tee -a "$OUT" < "$TMPF"
	if ! tail -1 "$TMPF" | grep -q ' 0 failed$'; then
		failed=$((failed + 1))
		echo "== $c FAILED" | tee -a "$OUT"
	fi
done
echo "faults: $(echo $CASES | wc -w) cases, $failed failed" | tee -a "$OUT"
[ $failed -eq 0 ]
