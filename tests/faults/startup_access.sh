#!/bin/sh
# startup_access.sh: DATA, then ARTICLES, under a folder the helpcenter user cannot enter (0700): the server refuses to start within 5 s with one line naming the path and the fix; after that fix it starts.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "skipped: needs root (the server drops to the helpcenter user)"
	echo "0 passed, 0 failed"
	exit 0
fi
fault_setup startup_access
LOCKED=$T/locked
mkdir -p "$LOCKED"
cp -R "$T/articles" "$LOCKED/articles"
chmod 700 "$LOCKED"
id helpcenter >/dev/null 2>&1 ||
    useradd --system --no-create-home --shell /usr/sbin/nologin helpcenter
sed -e "s/^\(\s*bind\s\+127\.0\.0\.1\s\+\)8888/\1$PORT/" kore.conf > "$T/kore.conf"

# refuses WHAT ARTICLES DATA: kore must exit within 5 s, one line naming $LOCKED.
refuses() {
	ARTICLES=$2 DATA=$3 BASE_URL="http://127.0.0.1:$PORT" \
	    kore -f -c "$T/kore.conf" > "$T/start.log" 2>&1 &
	pid=$!
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	if kill -0 $pid 2>/dev/null; then
		bad "$1 under a 0700 folder: still running after 5 s (/healthz $(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz"))"
		kill -TERM $pid; wait $pid 2>/dev/null
		return
	fi
	wait $pid
	rc=$?
	n=$(grep -c "$LOCKED" "$T/start.log")
	line=$(grep "$LOCKED" "$T/start.log" | head -1)
	[ "$rc" != 0 ] && ok "$1 under a 0700 folder: refused in $i tenths of a second, exit $rc" ||
	    bad "$1 under a 0700 folder: exit status 0"
	if [ "$n" = 1 ] && echo "$line" | grep -q "^kore: $1 .*cannot enter $LOCKED (mode 0700.*chmod o+x $LOCKED"; then
		ok "one line names the path and the fix: $line"
	else
		bad "want one line naming $LOCKED and the fix, got $n:"; cat "$T/start.log"
	fi
	pgrep -P $pid >/dev/null 2>&1 && bad "processes left behind" || true
}

refuses DATA "$T/articles" "$LOCKED/data"
refuses ARTICLES "$LOCKED/articles" "$DATA"

out=$(DATA=$DATA ARTICLES=$LOCKED/articles ./build/hcctl check 2>&1); rc=$?
echo "$out" | grep -q "^ARTICLES $LOCKED/articles: the helpcenter user cannot enter $LOCKED" && [ $rc = 1 ] &&
    ok "hcctl check says so too (exit $rc)" || bad "hcctl check (exit $rc): $out"

# The fix the line gives works: the server starts and the watcher builds.
chmod o+x "$LOCKED"
DATA=$LOCKED/data
fault_start_in() {
	BASE="http://127.0.0.1:$PORT"
	SERVER_LOG=$T/server.log
	BASE_URL=$BASE DATA=$DATA ARTICLES=$LOCKED/articles kore -f -c "$T/kore.conf" >>"$SERVER_LOG" 2>&1 &
	SERVER_PID=$!
	i=0
	until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && { bad "after chmod o+x the server did not start"; tail -5 "$SERVER_LOG"; return 1; }
		sleep 0.1
	done
	ok "after chmod o+x $LOCKED the server starts; /healthz ok, $(health catalog.articles) articles"
}
fault_start_in
server_stop
fault_end
