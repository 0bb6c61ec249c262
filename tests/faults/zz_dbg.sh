. "$(dirname "$0")/lib.sh"
fault_setup dbg
fault_start || exit 1
load_start 6 4
sleep 1
rm -rf $DATA/index
for i in 1 2 3 4 5 6 7 8; do sleep 0.5; echo "$(date +%T.%N) $(curl -s -m 2 -o /dev/null -w '%{http_code} %{time_total}' "$BASE/api/v1/search?q=invoice")  $(curl -s -m 2 $BASE/healthz | head -c 300 | tail -c 100)"; done
ps -o pid,stat,wchan:20,args --ppid $SERVER_PID
cat $SERVER_LOG | grep -v "^\[wrk" | tail -20
load_wait
