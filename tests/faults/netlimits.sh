#!/bin/sh
# netlimits.sh: rate limits hold when a flood from many addresses fills the table; one address's idle connections do not lock others out.
. "$(dirname "$0")/lib.sh"

# The limits are what this case tests.
RATE_LIMITS=on
export RATE_LIMITS
fault_setup netlimits
fault_start || fault_end

# 17,000 addresses: more than the table's 16,384 slots.
out=$(python3 tests/faults/netlimits.py "$PORT" "${NETLIMITS_FLOOD:-17000}" 2>&1)
echo "$out"
PASSED=$((PASSED + $(echo "$out" | grep -c '^ok ')))
FAILS=$((FAILS + $(echo "$out" | grep -c '^FAIL ')))
echo "$out" | grep -q '^FAIL \|^ok ' || bad "netlimits.py: $out"
if grep -E 'exited with status [1-9]|fatal|violation' "$SERVER_LOG" >/dev/null; then
	bad "server log: $(grep -E 'exited with status|fatal|violation' "$SERVER_LOG" | head -3)"
else
	ok "server log: no dead worker"
fi
fault_end
