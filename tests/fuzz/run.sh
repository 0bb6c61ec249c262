#!/bin/sh
# run.sh: runs every libFuzzer target of build-fuzz/fuzz for FUZZ_SECONDS each (make fuzz).
#
# Each target starts from its committed seeds, tests/fuzz/corpus/<name>/,
# which stay unchanged: what the run discovers goes to a scratch folder under
# build-fuzz/. A crash, a sanitizer report or an input slower than
# FUZZ_TIMEOUT seconds fails the target; the input is kept as
# build-fuzz/crashes/<name>-crash-<sha1> (fix the code, then add the input to
# the target's corpus). FUZZ_TARGETS limits the run to some names.

cd "$(dirname "$0")/../.." || exit 1

SECONDS_EACH=${FUZZ_SECONDS:-30}
TIMEOUT=${FUZZ_TIMEOUT:-10}
OUT=build-fuzz
mkdir -p "$OUT/crashes"
failed=0
passed=0

for bin in "$OUT"/fuzz/fuzz_*; do
	case "$bin" in *.o|*.d) continue ;; esac
	name=${bin##*/fuzz_}
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in *" $name "*) ;; *) continue ;; esac
	fi
	seeds=tests/fuzz/corpus/$name
	work=$OUT/work/$name
	rm -rf "$work"
	mkdir -p "$work"
	log=$OUT/$name.log
	# User posts may be CM_BODY_MAX (10,000) characters of up to 4 bytes:
	# the quadratic cases of cmark need room to show.
	case "$name" in
	markdown) maxlen=-max_len=40000 ;;
	*) maxlen=-max_len=4096 ;;
	esac
	# -rss_limit_mb: the search target holds ICU, OpenCC and Xapian.
	if "./$bin" -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" \
	    -rss_limit_mb=4096 -print_final_stats=1 $maxlen \
	    -artifact_prefix="$OUT/crashes/$name-" "$work" "$seeds" \
	    > "$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok   fuzz $name: $runs inputs in ${SECONDS_EACH} s," \
		    "$(ls "$work" | wc -l) new in the corpus"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz $name (log $log):"
		grep -E -A 25 'ERROR|runtime error|deadly signal|timeout' \
		    "$log" | head -n 40
		ls "$OUT"/crashes/"$name"-* 2>/dev/null
		failed=$((failed + 1))
	fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
