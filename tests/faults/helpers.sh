#!/bin/sh
# helpers.sh: the event writer failing, stopped and killed, and the watcher unable to read ARTICLES: /healthz answers 503 "degraded" with the reason within seconds, and ok again after recovery.
. "$(dirname "$0")/lib.sh"

fault_setup helpers
fault_start || fault_end

# until_health WANT_CODE PATTERN SECONDS WHAT: polls /healthz (views
# recorded meanwhile, so that the event writer has something to write).
until_health() {
	t0=$(date +%s.%N)
	while :; do
		curl -s -o /dev/null "$BASE/articles/invoice"
		code=$(curl -s -m 5 -o "$T/health" -w '%{http_code}' "$BASE/healthz")
		if [ "$code" = "$1" ] && grep -q "$2" "$T/health"; then
			ok "$4: /healthz $code after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s: $(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["status"], d["reasons"])' "$T/health")"
			return 0
		fi
		if awk -v a="$t0" -v b="$(date +%s.%N)" -v m="$3" 'BEGIN { exit !(b - a > m) }'; then
			bad "$4: want /healthz $1 matching '$2' within $3 s, got $code: $(cat "$T/health")"
			return 1
		fi
		sleep 0.2
	done
}

sql() {
	python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=10); c.execute(sys.argv[2]); c.commit()' "$DATA/helpcenter.db" "$1"
}

expect "/healthz before any fault" ok "$(health status)"
expect "the event writer is reported running" true "$(health helpers.events.running)"

# Its writes fail (its table gone) while the workers' own writes work.
sql "ALTER TABLE events RENAME TO events_moved"
until_health 503 'hc-events has been failing.*no such table' 8 "event writer's writes failing"
expect "the database itself still counts as writable" true "$(health database.writable)"
sql "ALTER TABLE events_moved RENAME TO events"
until_health 200 '"status": *"ok"' 5 "table back"
n=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from events").fetchone()[0])' "$DATA/helpcenter.db")
[ "$n" -gt 0 ] && ok "the views kept in the rings were written after recovery ($n events)" || bad "no events written"

# The watcher cannot read ARTICLES (its user is not root).
chmod 700 "$T/articles"
until_health 503 'hc-watcher has been failing.*articles folder .* cannot be read' 8 "ARTICLES unreadable by the watcher"
chmod 755 "$T/articles"
until_health 200 '"status": *"ok"' 5 "ARTICLES readable again"

# Stopped (stuck): silent for more than 10 s.
EW=$(health helpers.events.pid)
kill -STOP "$EW"
until_health 503 'hc-events (pid [0-9]*) has not turned its loop' 16 "event writer stopped"
kill -CONT "$EW"
until_health 200 '"status": *"ok"' 5 "event writer continued"

# Killed: nothing restarts it, /healthz says so at once.
kill -KILL "$EW"
until_health 503 'hc-events (pid [0-9]*) is not running' 3 "event writer killed"
expect "running after the kill" false "$(health helpers.events.running)"

grep -qE 'exited with status [1-9]|violation' "$SERVER_LOG" && bad "a worker died" || ok "no worker died"
server_stop
fault_end
