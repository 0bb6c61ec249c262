#!/bin/sh
# proxy.sh: behind a reverse proxy (TRUST_PROXY=on) rate limits count per
# client address from X-Forwarded-For, not per proxy; the part a client
# wrote itself is not trusted. Prints "N passed, M failed".

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-proxy.XXXXXX") || exit 1
chmod 755 "$TMP"
trap 'server_stop; rm -rf "$TMP"' EXIT
cp -R tests/e2e/articles "$TMP/articles"
RATE_LIMITS=on
TRUST_PROXY=on
export RATE_LIMITS TRUST_PROXY
server_start "$TMP/articles" "$TMP/data" || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
result() {
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1)); echo "ok   proxy: $1"
	else
		failed=$((failed + 1)); echo "FAIL proxy: $1: got $2, wanted $3"
	fi
}
# A login attempt (no CSRF: refused, but counted first) as client $1.
login() {
	curl -s -o /dev/null -w '%{http_code}' -H "X-Forwarded-For: $1" \
	    --data 'token=x' "$BASE/login"
}

last=""
i=0
while [ $i -lt 40 ]; do
	last=$(login "203.0.113.7")
	[ "$last" = 429 ] && break
	i=$((i + 1))
done
result "one client's login attempts end in 429" "$last" 429
result "another client behind the same proxy is not limited" \
    "$(login "203.0.113.8")" 403
result "a forged first address does not escape the limit" \
    "$(login "198.51.100.1, 203.0.113.7")" 429
result "the address the proxy appended is the one counted" \
    "$(login "203.0.113.7, 203.0.113.9")" 403
server_stop
if server_log_clean; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
