#!/bin/sh
# disk_full.sh: the data folder's disk fills up under load (a 16 MB tmpfs): writes answer 503 saying so, reads go on, /healthz says so, nothing acknowledged is lost; freed, writes work again.
. "$(dirname "$0")/lib.sh"

fault_setup disk-full
[ "$(id -u)" = 0 ] || { echo "disk_full.sh: needs root (mounts a tmpfs)"; exit 1; }
mount -t tmpfs -o size=16m hc-fault-disk "$DATA" || { bad "cannot mount a tmpfs"; fault_end; }
FAULT_UMOUNT=$DATA
fault_start || fault_end
load_start 14 4
sleep 2
# Fill it: dd stops at "No space left on device".
dd if=/dev/zero of="$DATA/fill" bs=64k 2>/dev/null
ok "disk filled: $(df -k "$DATA" | awk 'NR == 2 { print $4 }') KB left"
# The WAL may still have room for a few commits: write big tickets until refused.
big=$(python3 -c 'print("x" * 9000)')
i=0
CODE=201
while [ "$CODE" != 503 ] && [ $i -lt 200 ]; do
	http POST /api/v1/tickets "{\"name\":\"Fault\",\"email\":\"fault@example.com\",\"subject\":\"disk full $i\",\"body\":\"$big\"}"
	i=$((i + 1))
done
expect "a ticket on a full disk (after $i tries)" 503 "$CODE"
echo "$BODY" | grep -q 'disk is full' && ok "the message says what happened: $BODY" || bad "unclear message: $BODY"
echo "$HDRS" | grep -qi '^retry-after: [0-9]' && ok "with Retry-After" || bad "no Retry-After"
http GET /articles/invoice
expect "an article page on a full disk" 200 "$CODE"
http GET "/search?q=%E5%8F%91%E7%A5%A8"
expect "a search on a full disk" 200 "$CODE"
curl -s -m 10 "$BASE/healthz" > "$T/health"
python3 -c 'import json, sys; h = json.load(open(sys.argv[1]))
d = h["database"]
sys.exit(0 if h["status"] == "degraded" and not d["writable"] and "disk" in d["message"] else 1)' "$T/health" &&
    ok "/healthz: $(cat "$T/health" | python3 -c 'import json, sys; print(json.load(sys.stdin)["database"])')" ||
    bad "/healthz on a full disk: $(cat "$T/health")"
rm -f "$DATA/fill"
sleep 0.2
http POST /api/v1/tickets "$TICKET"
expect "a ticket once space is freed" 201 "$CODE"
expect "/healthz once space is freed" ok "$(health status)"
load_wait
u=$(load_unexpected "503")
expect "the load saw only successes and 503s" none "$u"
grep -qE 'exited|violation' "$SERVER_LOG" && bad "a worker died" || ok "no worker died"
echo "     server log: $(grep -c . "$SERVER_LOG") lines; most frequent:"; sed "s/[0-9][0-9]*/N/g" "$SERVER_LOG" | sort | uniq -c | sort -rn | head -4 | sed "s/^/       /"
server_stop
acks_stored
fault_end
