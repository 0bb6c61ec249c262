#!/bin/sh
# asan.sh: the unit tests and the e2e suites on the ASan+UBSan build (make asan).
#
# make asan builds build-asan/ (module, hcctl, unit tests with
# -fsanitize=address,undefined) and runs this. The unit tests run with leak
# detection; the server is the real kore (not instrumented) with libasan
# preloaded and leak detection off (Kore's own allocations at exit are not
# ours); the e2e suites call build-asan/hcctl, with leak detection on. Any
# sanitizer report fails the run: the server's go to its log (stderr; an
# absolute log_path would not resolve inside the workers' chroot), hcctl's
# to build-asan/logs/. ASAN_SHORT=1 runs the unit tests and e2e.py only
# (CI); otherwise every e2e suite.

cd "$(dirname "$0")/../.." || exit 1

B=build-asan
LOGS="$PWD/$B/logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"
failed=0

# GCC's libasan must come first; libstdc++ with it, or ASan finds no real
# __cxa_throw when kore (C) dlopens the module and Xapian's first
# exception aborts the worker (a CHECK in asan_interceptors.cpp).
LIBASAN=$(gcc -print-file-name=libasan.so)
LIBSTDCXX=$(gcc -print-file-name=libstdc++.so)
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export UBSAN_OPTIONS

start=$(date +%s)
echo "== asan: unit tests"
for t in "$B"/tests/test_*; do
	if ! ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
	    "./$t" > "$LOGS/$(basename "$t").out" 2>&1; then
		echo "FAIL $t (log below)"
		tail -n 60 "$LOGS/$(basename "$t").out"
		failed=1
	else
		echo "ok   $t"
	fi
done
echo "asan: unit tests took $(( $(date +%s) - start )) s"

start=$(date +%s)
if [ -n "${ASAN_SHORT:-}" ] && [ "$ASAN_SHORT" != 0 ]; then
	suites=tests/e2e/e2e.py
else
	suites="tests/e2e/e2e.py $(echo tests/e2e/*_e2e.py)"
fi
echo "== asan: e2e ($suites)"
# hcctl, called by the suites, logs its reports (leaks included) to files.
ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:log_path=$LOGS/hcctl"
export ASAN_OPTIONS
if ! HC_BUILD=$B E2E_SUITES="$suites" E2E_VERBOSE=0 \
    E2E_KEEP_LOG="$LOGS/server.log" \
    SERVER_ENV="LD_PRELOAD=$LIBASAN:$LIBSTDCXX ASAN_OPTIONS=detect_leaks=0:abort_on_error=1" \
    ./tests/e2e/run.sh; then
	failed=1
fi
echo "asan: e2e took $(( $(date +%s) - start )) s"

# run.sh's log check already fails on a report; this also covers hcctl.
pattern='AddressSanitizer|LeakSanitizer|runtime error:'
for f in "$LOGS"/server.log "$LOGS"/hcctl*; do
	[ -f "$f" ] || continue
	if grep -Eq "$pattern" "$f"; then
		echo "FAIL sanitizer report in $f:"
		grep -E -A 30 "$pattern" "$f" | head -n 80
		failed=1
	fi
done

if [ "$failed" -eq 0 ]; then
	echo "make asan: clean (no sanitizer report)"
else
	echo "make asan: FAILED (logs in $LOGS)"
fi
exit $failed
