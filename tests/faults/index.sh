#!/bin/sh
# index.sh: the search index removed, then damaged, while serving under load: search answers 503 or works, /healthz says so, the watcher rebuilds it within seconds.
. "$(dirname "$0")/lib.sh"

fault_setup index
fault_start || fault_end
load_start 16 4
sleep 1

# rebuilt: waits up to 6 s for search and /healthz to be well again.
rebuilt() {
	t0=$(date +%s.%N)
	until http GET "/api/v1/search?q=%E5%8F%91%E7%A5%A8" && [ "$CODE" = 200 ] &&
	    [ "$(echo "$BODY" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')" -ge 1 ] &&
	    [ "$(health status)" = ok ]; do
		awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a > 6) }' && break
		sleep 0.1
	done
	took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	[ "$CODE" = 200 ] && [ "$(health status)" = ok ] &&
	    ok "$1: search finds the article again and /healthz is ok after $took s ($(health index.documents) documents)" ||
	    { bad "$1: not rebuilt in 6 s: search $CODE, /healthz $(curl -s "$BASE/healthz")"; grep index "$SERVER_LOG" | tail -5; }
}

rm -rf "$DATA/index"
http GET "/api/v1/search?q=%E5%8F%91%E7%A5%A8"
case $CODE in 200|503) ok "search with the index folder removed answers $CODE: $(echo "$BODY" | head -c 120)";;
*) bad "search with the index folder removed: $CODE";; esac
m=$(health index.message)
echo "$m" | grep -q "missing\|rebuil\|ok" && ok "/healthz: $m" || bad "/healthz: $m"
rebuilt "removed"

# Damaged: every file overwritten with random bytes, all at once (one
# process, no pause: the watcher checks every 200 ms).
python3 -c 'import os, sys
for f in os.listdir(sys.argv[1]):
    p = os.path.join(sys.argv[1], f)
    n = os.path.getsize(p)
    with open(p, "r+b") as fh:
        fh.write(os.urandom(max(n, 512)))' "$DATA/index"
http GET "/api/v1/search?q=refund"
case $CODE in 200|503) ok "search with a damaged index answers $CODE: $(echo "$BODY" | head -c 120)";;
*) bad "search with a damaged index: $CODE";; esac
echo "     /healthz: $(health index)"
rebuilt "damaged"
ls -d "$DATA"/index.damaged.* >/dev/null 2>&1 && ok "the damaged index was moved aside: $(ls -d "$DATA"/index.damaged.* | xargs -n1 basename)" ||
    echo "     (no index.damaged.* folder: the read-only open found it missing, not damaged)"

load_wait
u=$(load_unexpected "")
s503=$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(s["counts"].get("search 503", 0))' "$T/stats.json")
case $u in none|"search 503:$s503") ok "the load saw only successes, and 503 from search while the index was gone ($s503)";;
*) bad "unexpected statuses in the load: $u";; esac
grep -qE 'exited|violation' "$SERVER_LOG" && bad "a worker died" || ok "no worker died"
server_stop
acks_stored
fault_end
