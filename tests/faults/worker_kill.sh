#!/bin/sh
# worker_kill.sh: kill -9 of one worker under load: Kore starts another, the server keeps serving, no acknowledged write is lost.
. "$(dirname "$0")/lib.sh"

fault_setup worker-kill
fault_start || fault_end
load_start 8
sleep 3
W0=$(workers)
victim=${W0%% *}
kill -KILL "$victim"
i=0
while [ $i -lt 50 ]; do
	W1=$(workers)
	[ "$(echo $W1 | wc -w)" = 2 ] && ! echo " $W1 " | grep -q " $victim " && break
	sleep 0.1; i=$((i + 1))
done
if [ "$(echo $W1 | wc -w)" = 2 ] && ! echo " $W1 " | grep -q " $victim "; then
	ok "worker $victim killed, Kore started another: workers $W0-> $W1"
else
	bad "no new worker after killing $victim: workers $W0-> $W1"
fi
load_wait
u=$(load_unexpected "conn")
expect "no status other than success or a broken connection of the killed worker" none "$u"
http GET /articles/invoice
expect "article page after the restart" 200 "$CODE"
http POST /api/v1/tickets "$TICKET"
expect "ticket after the restart" 201 "$CODE"
expect "/healthz" ok "$(health status)"
n=$(grep -cE 'exited|restarting' "$SERVER_LOG")
[ "$n" -ge 1 ] && ok "the log says the worker died and was restarted ($n lines)" || bad "the log does not show the restart"
grep -q violation "$SERVER_LOG" && bad "seccomp violation in the log" || ok "no seccomp violation"
server_stop
acks_stored
fault_end
