#!/bin/sh
# articles_tree.sh: the articles tree made unreadable, emptied, renamed away and swapped by rename while serving: the last good articles stay served and searchable, each state is logged once, a swapped-in tree goes live.
. "$(dirname "$0")/lib.sh"

fault_setup articles-tree
# Seconds since t0, and a wait of up to $2 s for a command to succeed.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
wait_for() {
	t0=$(date +%s.%N)
	until eval "$1"; do
		sleep 0.2
		awk -v a="$t0" -v b="$(date +%s.%N)" -v m="$2" \
		    'BEGIN { exit !(b - a > m) }' && return 1
	done
	return 0
}

A=$T/articles
# 0. A folder only root may read: the first build (in the Kore parent,
# which is root) must read the tree as helpcenter, like the watcher.
mkdir -p "$A/rootonly"
printf -- '---\ntitle: Root only\n---\n' > "$A/rootonly/_index.md"
printf -- '---\ntitle: Root only\n---\nROOT-ONLY-SECRET\n' > "$A/rootonly/root-only.md"
chmod 700 "$A/rootonly"
fault_start || fault_end
first=$(grep -m1 -E '^catalog: [0-9]+ articles' "$SERVER_LOG" | awk '{ print $2 }')
http GET "/articles/root-only"
expect "the first build reads the tree as helpcenter: a root-only article" 404 "$CODE"
expect "the first build's article count is the watcher's" "$(health catalog.articles)" "$first"
grep -q "articles/rootonly cannot be read" "$SERVER_LOG" &&
    ok "the root-only folder is reported: $(grep -m1 'rootonly cannot' "$SERVER_LOG" | cut -c1-100)" ||
    bad "the root-only folder is not reported"
rm -rf "$A/rootonly"
wait_for 'grep -q "can be read again" "$SERVER_LOG"' 10
curl -s "$BASE/api/v1/articles?per_page=100" | python3 -c 'import json, sys
for a in json.load(sys.stdin)["articles"]: print(a["slug"])' > "$T/slugs"
n0=$(wc -l < "$T/slugs")

# Every article of the first build answers 200, the invoice with its
# last good text, and search still finds it.
served() {
	bad_pages=0
	while read -r s; do
		http GET "/articles/$s"
		[ "$CODE" = 200 ] || { bad_pages=$((bad_pages + 1)); echo "     /articles/$s: $CODE"; }
	done < "$T/slugs"
	expect "$1: the $n0 article pages answer 200, failures" 0 "$bad_pages"
	http GET "/articles/invoice"
	echo "$BODY" | grep -q "${2:-如何开具发票}" && ok "$1: /articles/invoice has its last good text" ||
	    bad "$1: /articles/invoice: $CODE, without its text"
	http GET "/api/v1/search?q=%E5%8F%91%E7%A5%A8"
	echo "$BODY" | grep -q '"invoice"' && ok "$1: search still finds the invoice article" ||
	    bad "$1: search for 发票: $CODE $(echo "$BODY" | head -c 200)"
	expect "$1: /healthz counts the articles of the last good build" "$n0" "$(health catalog.articles)"
}

# The reason is in the log, and once: not a line per retry.
logged_once() {
	sleep 3
	c=$(grep -c -- "$2" "$SERVER_LOG")
	if [ "$c" -ge 1 ] && [ "$c" -le 2 ]; then
		ok "$1: logged once: $(grep -m1 -- "$2" "$SERVER_LOG" | cut -c1-160)"
	else
		bad "$1: '$2' logged $c times in 3 s (want 1)"
	fi
}

# 1. One category unreadable: the watcher (helpcenter) cannot list it.
chmod 000 "$A/billing"
wait_for 'grep -q "articles/billing cannot be read" "$SERVER_LOG"' 10 ||
    bad "category unreadable: no reason logged"
served "category unreadable"
logged_once "category unreadable" "articles/billing cannot be read"
r0=$(grep -c "can be read again" "$SERVER_LOG")
chmod 755 "$A/billing"
wait_for '[ "$(grep -c "can be read again" "$SERVER_LOG")" -gt "$r0" ]' 10 &&
    ok "category readable again: logged" || bad "category readable again: not logged"

# 2. The root unreadable: nothing published, the last good catalog stays.
chmod 000 "$A"
wait_for '[ "$(grep -c "articles folder $A cannot be read" "$SERVER_LOG")" -ge 1 ]' 10 ||
    bad "root unreadable: no reason logged"
served "root unreadable"
logged_once "root unreadable" "articles folder $A cannot be read"
chmod 755 "$A"
sed -i 's/^title: 如何开具发票$/title: 如何开具发票 v2/' "$A/billing/invoice.md"
wait_for 'curl -s "$BASE/articles/invoice" | grep -q "如何开具发票 v2"' 10 &&
    ok "root readable again: an edit goes live" || bad "root readable again: the edit is not served"

# 3. Everything moved out of the root.
mkdir "$T/stash"
mv "$A"/* "$T/stash/"
wait_for 'grep -q "has no articles any more" "$SERVER_LOG"' 10 ||
    bad "root emptied: no reason logged"
served "root emptied" "如何开具发票 v2"
logged_once "root emptied" "has no articles any more"
mv "$T/stash"/* "$A/"

# 4. The root renamed away, then a new tree renamed in (a deploy by swap).
wait_for 'curl -s "$BASE/healthz" | grep -q "\"problems\": *0"' 10
mv "$A" "$T/articles.old"
wait_for 'grep -q "articles folder $A is missing" "$SERVER_LOG"' 10 ||
    bad "root renamed away: no reason logged"
served "root renamed away" "如何开具发票 v2"
logged_once "root renamed away" "articles folder $A is missing"
cp -R "$T/articles.old" "$T/articles.new"
sed -i 's/^title: 如何开具发票 v2$/title: 如何开具发票 v3/' "$T/articles.new/billing/invoice.md"
t0=$(date +%s.%N)
mv "$T/articles.new" "$A"
wait_for 'curl -s "$BASE/articles/invoice" | grep -q "如何开具发票 v3"' 10 &&
    ok "root swapped by rename: the new tree is served after $(since "$t0") s" ||
    bad "root swapped by rename: the new tree is not served"
sed -i 's/^title: 如何开具发票 v3$/title: 如何开具发票 v4/' "$A/billing/invoice.md"
wait_for 'curl -s "$BASE/articles/invoice" | grep -q "如何开具发票 v4"' 10 &&
    ok "root swapped by rename: an edit to the new tree goes live" ||
    bad "root swapped by rename: an edit to the new tree is not served (the old folder is watched)"
served "after the swap" "如何开具发票 v4"

grep -qE 'exited|violation' "$SERVER_LOG" && bad "a worker or the watcher died" || ok "no worker died"
ps -o args= --ppid "$SERVER_PID" | grep -q 'kore -f' && ok "the watcher is alive" || bad "the watcher is gone"
server_stop
fault_end
