#!/bin/sh
# broken_articles.sh: 1,000 broken files added to the articles tree while serving under load: the good articles stay served, the problems are reported, nothing dies.
. "$(dirname "$0")/lib.sh"

fault_setup broken-articles
fault_start || fault_end
curl -s "$BASE/api/v1/articles?per_page=100" | python3 -c 'import json, sys
for a in json.load(sys.stdin)["articles"]: print(a["slug"])' > "$T/slugs"
n0=$(wc -l < "$T/slugs")
# 300 bad YAML, 300 bad UTF-8, 300 duplicate slugs, 100 files over 1 MB,
# made beside the tree and moved in with one rename.
python3 - "$T/stage/broken" <<'PY'
import os, sys
root = sys.argv[1]
os.makedirs(root)
open(os.path.join(root, "_index.md"), "w").write("---\ntitle: Broken\n---\n")
for i in range(300):
    open(os.path.join(root, "bad-yaml-%d.md" % i), "w").write(
        ["---\ntitle: [unclosed\n---\nbody\n", "---\ntitle: ok\norder: {a: \n---\n",
         "no front matter at all %d\n" % i, "---\ntitle: x\n  bad: indent: here\n---\n"][i % 4])
for i in range(300):
    open(os.path.join(root, "bad-utf8-%d.md" % i), "wb").write(
        b"---\ntitle: bad \xff\xfe utf8\n---\n\xc0\xaf overlong \xed\xa0\x80 surrogate\n")
for i in range(300):
    d = os.path.join(root, "d%d" % i)
    os.makedirs(d)
    open(os.path.join(d, "_index.md"), "w").write("---\ntitle: Dup %d\n---\n" % i)
    open(os.path.join(d, "invoice.md"), "w").write("---\ntitle: duplicate %d\n---\nsame slug\n" % i)
big = ("---\ntitle: huge\n---\n" + "word " * 230000).encode()
for i in range(100):
    open(os.path.join(root, "huge-%d.md" % i), "wb").write(big)
PY
load_start 20 4
sleep 1
t0=$(date +%s.%N)
mv "$T/stage/broken" "$T/articles/broken"
p=0
until [ "$p" -ge 1000 ]; do
	sleep 0.2
	p=$(health catalog.problems)
	awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a > 60) }' && break
done
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
[ "$p" -ge 1000 ] && ok "/healthz reports $p problems ${took}s after the files came: $(health catalog.message)" ||
    bad "/healthz reports $p problems after ${took}s"
expect "/healthz status with broken files beside good ones" ok "$(health status)"
n1=$(health catalog.articles)
expect "articles served (the good ones, none of the broken)" "$n0" "$n1"
bad_pages=0
while read -r s; do
	http GET "/articles/$s"
	[ "$CODE" = 200 ] || { bad_pages=$((bad_pages + 1)); echo "     /articles/$s: $CODE"; }
done < "$T/slugs"
expect "every good article page answers 200 ($n0 pages), failures" 0 "$bad_pages"
http GET "/articles/invoice"
echo "$BODY" | grep -q '如何开具发票' && ok "the duplicated slug still serves the original article" || bad "/articles/invoice: $CODE"
http GET "/api/v1/search?q=%E5%8F%91%E7%A5%A8"
expect "search" 200 "$CODE"
grep -E '^catalog: .*problems' "$SERVER_LOG" | tail -1 | sed 's/^/     log: /'
grep -E '^catalog: .*(broken|huge|utf|yaml|duplicate)' "$SERVER_LOG" | head -4 | sed 's/^/     log: /'
rm -rf "$T/articles/broken"
t0=$(date +%s.%N)
until [ "$(health catalog.problems)" = 0 ]; do
	sleep 0.2
	awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a > 30) }' && break
done
expect "problems once the broken files are removed" 0 "$(health catalog.problems)"
load_wait
u=$(load_unexpected "")
expect "the load saw only successes" none "$u"
grep -qE 'exited|violation|watcher.*(died|exit)' "$SERVER_LOG" && bad "a worker or the watcher died" || ok "no worker died"
ps -o args= --ppid "$SERVER_PID" | grep -q 'kore -f' && ok "the watcher is alive" || bad "the watcher is gone"
server_stop
acks_stored
fault_end
