#!/bin/sh
# server_kill.sh: kill -9 of the whole server (parent, workers, watcher) under load, restart on the same data: no acknowledged write lost.
. "$(dirname "$0")/lib.sh"

descendants() {
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		descendants "$c"
		echo "$c"
	done
}

fault_setup server-kill
fault_start || fault_end
load_start 10
sleep 3
# As a power cut would: everything at once.
pids="$SERVER_PID $(descendants "$SERVER_PID")"
kill -KILL $pids
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
before=$(grep -vc '^lost' "$T/acks")
sleep 0.5
fault_start && ok "restarted on the same data folder and port after kill -9 ($before writes acknowledged before)"
load_wait
u=$(load_unexpected "conn")
expect "no status other than success or a refused connection while the server was down" none "$u"
after=$(grep -vc '^lost' "$T/acks")
[ "$after" -gt "$before" ] && ok "writes acknowledged again after the restart ($((after - before)))" ||
    bad "no write acknowledged after the restart"
http GET /articles/invoice
expect "article page after the restart" 200 "$CODE"
expect "/healthz after the restart" ok "$(health status)"
grep -q violation "$SERVER_LOG" && bad "seccomp violation in the log" || ok "no seccomp violation"
server_stop
acks_stored
fault_end
