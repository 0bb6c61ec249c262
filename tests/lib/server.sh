#!/bin/sh
# server.sh: start and stop the real Kore server for tests (sourced by test scripts).
#
#   . tests/lib/server.sh
#   server_start <articles-tree> <data-dir>   # sets PORT, BASE, SERVER_PID, SERVER_LOG
#   (waits SERVER_WAIT_TENTHS tenths of a second, 100 by default, for /healthz
#   200; SERVER_ENV adds environment, e.g. a malloc tunable; returns 3 at once
#   when workers die in the sandbox, 1 on other failures)
#   server_stop
#
# Runs from the repository root (kore.conf loads ./build/helpcenter.so and
# the templates/ and assets/ folders). As root the server chroots into the
# data folder and drops to the helpcenter user, as in production; otherwise
# it runs with -n -r.

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

server_start() {
	ARTICLES="$1"
	DATA="$2"
	PORT=$(free_port)
	BASE="http://127.0.0.1:$PORT"
	BASE_URL="$BASE"
	export ARTICLES DATA PORT BASE_URL
	mkdir -p "$DATA"
	SERVER_LOG="$DATA/server.log"
	sed -e "s/^\(\s*bind\s\+127\.0\.0\.1\s\+\)8888/\1$PORT/" \
	    -e "s#^\(load\s\+\./\)build/#\1${HC_BUILD:-build}/#" \
	    kore.conf > "$DATA/kore.conf"
	if [ "$(id -u)" = 0 ]; then
		id helpcenter >/dev/null 2>&1 ||
		    useradd --system --no-create-home --shell /usr/sbin/nologin helpcenter
		# The helpers run as helpcenter outside the chroot: a test's mktemp
		# folder (0700) above DATA or ARTICLES must let them in.
		mkdir -p "$DATA"
		chmod o+x "$(dirname "$DATA")" "$(dirname "$ARTICLES")"
		env ${SERVER_ENV:-} kore -f -c "$DATA/kore.conf" >"$SERVER_LOG" 2>&1 &
	else
		env ${SERVER_ENV:-} kore -f -n -r -c "$DATA/kore.conf" >"$SERVER_LOG" 2>&1 &
	fi
	SERVER_PID=$!
	# Ready when /healthz says 200: catalog, database and index usable.
	i=0
	until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ]; do
		i=$((i + 1))
		if grep -q 'sandbox violation' "$SERVER_LOG"; then
			echo "workers die in the sandbox; log:" >&2
			cat "$SERVER_LOG" >&2
			return 3
		fi
		if [ $i -gt ${SERVER_WAIT_TENTHS:-100} ] || ! kill -0 $SERVER_PID 2>/dev/null; then
			echo "server did not start; log:" >&2
			cat "$SERVER_LOG" >&2
			return 1
		fi
		sleep 0.1
	done
}

server_stop() {
	[ -n "${SERVER_PID:-}" ] || return 0
	kill -TERM $SERVER_PID 2>/dev/null
	i=0
	while kill -0 $SERVER_PID 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	kill -KILL $SERVER_PID 2>/dev/null
	SERVER_PID=
}

# Worker deaths and seccomp kills show in the log; tests call this at the end.
server_log_clean() {
	# The last three are sanitizer reports (make asan).
	pattern='exited with status [1-9]|fatal|violation|restarting'
	pattern="$pattern|AddressSanitizer|LeakSanitizer|runtime error:"
	if grep -E "$pattern" "$SERVER_LOG" >/dev/null; then
		echo "server log shows a dead worker or a sandbox violation:" >&2
		grep -E "$pattern" "$SERVER_LOG" >&2
		return 1
	fi
}
