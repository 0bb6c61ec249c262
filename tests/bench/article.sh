#!/bin/sh
# article.sh: the article page against its references (make bench, SPEC 7): our server, nginx serving the same bytes as a static file, and a bare Kore handler sending them from memory.
#
#   tests/bench/article.sh     (after make all; about 1.5 minutes)
#
#   BENCH_ARTICLE_SECONDS   wrk duration of each measured run, 10 by default
#   BENCH_ARTICLE_ROUNDS    rounds over the three servers, 2 by default; each
#                           server's best round (req/s) is kept, so that a
#                           burst from another process on the shared cores
#                           does not decide the comparison
#   BENCH_SLUG              the article, reset-password by default
#
# Our server runs on the starter articles (articles/) as in production (events recorded,
# chroot and sandbox when started as root; RATE_LIMITS=off). Its page is
# fetched once and saved; nginx (2 workers, started as the helpcenter user
# when root, everything in a temporary folder) and the bare Kore module
# (tests/bench/bare_kore: 2 workers, tls no, the same http settings and
# seccomp as ours, built with the same flags by make) serve those bytes.
# Each run is wrk -t2 -c32 --latency after a 2 s warm-up. Targets: ours at
# least 90 % of bare Kore's req/s and 70 % of nginx's.
#
# Figures go to tests/out/bench-article.tsv (key TAB value, for table.py)
# and, readable, to stdout and tests/out/bench-article.txt. Exit status 1
# when something failed outright (a server that did not start, errors under
# load, a dead worker); a missed target is not a failure.

cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
. tests/lib/server.sh
for c in wrk nginx kore; do
	command -v $c >/dev/null || [ -x /usr/sbin/$c ] ||
	    { echo "article bench: $c is not installed" >&2; exit 1; }
done

SECS=${BENCH_ARTICLE_SECONDS:-10}
ROUNDS=${BENCH_ARTICLE_ROUNDS:-2}
SLUG=${BENCH_SLUG:-reset-password}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
KV=tests/out/bench-article.tsv
OUT=tests/out/bench-article.txt
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hc-bench-article.XXXXXX") || exit 1
chmod 755 "$TMP"
mkdir -p tests/out
NGINX_PID=
BARE_PID=
FAILED=0

stop_all() {
	server_stop
	for p in $NGINX_PID $BARE_PID; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $NGINX_PID $BARE_PID; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -KILL "$p" 2>/dev/null
	done
	NGINX_PID=
	BARE_PID=
}
trap 'stop_all; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

log() { printf '%s article bench: %s\n' "$(date +%T)" "$*" >&2; }
kv() { printf '%s\t%s\n' "$1" "$2" >>"$KV"; }
fail() { log "FAIL: $*"; echo "FAIL: $*" >>"$OUT"; FAILED=1; }

# wait_http URL PID: up to 10 s for a 200, while PID lives.
wait_http() {
	i=0
	until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$1")" = 200 ]; do
		i=$((i + 1))
		kill -0 "$2" 2>/dev/null && [ $i -le 100 ] || return 1
		sleep 0.1
	done
}

# "req/s p50-ms p99-ms errors" of a wrk --latency output file.
figures() {
	awk 'function ms(v) {
		if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
		if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000
		return -1 }
	    /Requests\/sec/ { rps = $2 }
	    /Latency Distribution/ { f = 1 }
	    f && $1 == "50%" { p50 = ms($2) }
	    f && $1 == "99%" { p99 = ms($2) }
	    /Non-2xx/ { bad += $NF }
	    /Socket errors:/ { gsub(",", ""); bad += $4 + $6 + $8 + $10 }
	    END { if (rps == "") print "x x x 1"
	        else printf "%.0f %.3f %.3f %d\n", rps, p50, p99, bad }' "$1"
}

: >"$KV"
date -u +"article page bench %Y-%m-%d %H:%M UTC, $(nproc) cores, wrk -t2 -c32 ${SECS}s, best of $ROUNDS" >"$OUT"

# 1. Ours, and the page it serves.
log "building"
make -s all build/bench/bare.so >&2 || { fail "make failed"; exit 1; }
SERVER_ENV="RATE_LIMITS=off" server_start articles "$TMP/data" 2>"$TMP/start.err" ||
    { fail "our server did not start: $(tail -3 "$TMP/start.err" | tr '\n' ' ')"; exit 1; }
OURS=$BASE/articles/$SLUG
mkdir -p "$TMP/www"
code=$(curl -s -o "$TMP/www/page.html" -w '%{http_code}' "$OURS")
[ "$code" = 200 ] || { fail "GET $OURS answered $code"; exit 1; }
chmod 644 "$TMP/www/page.html"
bytes=$(wc -c <"$TMP/www/page.html")
kv article.bytes "$bytes"
kv article.seconds "$SECS"
kv article.rounds "$ROUNDS"
log "our page $OURS: $bytes bytes"

# 2. nginx on the same bytes: its own config, pid file, logs and temp
# folders in TMP; as root it runs as the helpcenter user (the server's).
NPORT=$(free_port)
mkdir -p "$TMP/nginx/tmp"
cat >"$TMP/nginx/nginx.conf" <<EOF
# The reference static server of tests/bench/article.sh.
worker_processes 2;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $TMP/nginx/tmp/body;
	proxy_temp_path $TMP/nginx/tmp/proxy;
	fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
	uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
	scgi_temp_path $TMP/nginx/tmp/scgi;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
	server_tokens off;
	server {
		listen 127.0.0.1:$NPORT;
		root $TMP/www;
		location / {
			default_type "text/html; charset=utf-8";
			try_files /page.html =404;
		}
	}
}
EOF
if [ "$(id -u)" = 0 ]; then
	chown -R helpcenter "$TMP/nginx"
	setpriv --reuid=helpcenter --regid="$(id -g helpcenter)" --init-groups \
	    "$NGINX" -p "$TMP/nginx/" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" \
	    >"$TMP/nginx/stdout.log" 2>&1 &
else
	"$NGINX" -p "$TMP/nginx/" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" \
	    >"$TMP/nginx/stdout.log" 2>&1 &
fi
NGINX_PID=$!
NGINX_URL=http://127.0.0.1:$NPORT/articles/$SLUG
wait_http "$NGINX_URL" "$NGINX_PID" ||
    { fail "nginx did not start: $(tail -3 "$TMP/nginx/error.log" "$TMP/nginx/stdout.log" | tr '\n' ' ')"; exit 1; }
curl -s -o "$TMP/nginx.html" "$NGINX_URL"
cmp -s "$TMP/www/page.html" "$TMP/nginx.html" || fail "nginx serves other bytes"

# 3. The bare Kore handler, the same bytes from memory.
BPORT=$(free_port)
mkdir -p "$TMP/bare"
chmod 755 "$TMP/bare"
sed -e "s/^\(\s*bind\s\+127\.0\.0\.1\s\+\)8888/\1$BPORT/" \
    -e "s|^load.*|load		$ROOT/build/bench/bare.so|" \
    tests/bench/bare_kore/kore.conf >"$TMP/bare/kore.conf"
if [ "$(id -u)" = 0 ]; then
	printf 'root\t\t\t%s\nrunas\t\t\thelpcenter\n' "$TMP/bare" >>"$TMP/bare/kore.conf"
	BARE_PAGE=$TMP/www/page.html kore -f -c "$TMP/bare/kore.conf" >"$TMP/bare/log" 2>&1 &
else
	BARE_PAGE=$TMP/www/page.html kore -f -n -r -c "$TMP/bare/kore.conf" >"$TMP/bare/log" 2>&1 &
fi
BARE_PID=$!
BARE_URL=http://127.0.0.1:$BPORT/articles/$SLUG
wait_http "$BARE_URL" "$BARE_PID" ||
    { fail "bare Kore did not start: $(tail -3 "$TMP/bare/log" | tr '\n' ' ')"; exit 1; }
curl -s -o "$TMP/bare.html" "$BARE_URL"
cmp -s "$TMP/www/page.html" "$TMP/bare.html" || fail "bare Kore serves other bytes"

# 4. The rounds: each server warmed up 2 s, then measured; best kept.
r=1
while [ $r -le "$ROUNDS" ]; do
	for who in ours nginx bare; do
		case $who in
		ours) url=$OURS ;;
		nginx) url=$NGINX_URL ;;
		bare) url=$BARE_URL ;;
		esac
		wrk -t2 -c32 -d2s "$url" >/dev/null 2>&1
		timeout $((SECS + 30)) wrk -t2 -c32 -d"${SECS}s" --latency "$url" \
		    >"$TMP/wrk-$who-$r.txt" 2>&1
		set -- $(figures "$TMP/wrk-$who-$r.txt")
		log "round $r, $who: $1 req/s, p50 $2 ms, p99 $3 ms, errors $4"
		echo "round $r, $who: $1 req/s, p50 $2 ms, p99 $3 ms, errors $4" >>"$OUT"
		[ "$4" = 0 ] || fail "$who: errors under load: $(grep -E 'Non-2xx|Socket' "$TMP/wrk-$who-$r.txt" | tr '\n' ' ')"
		best=$(awk -v w="$who" '$1 == w { print $2 }' "$TMP/best" 2>/dev/null)
		if [ "$1" != x ] && { [ -z "$best" ] || [ "$1" -gt "$best" ]; }; then
			grep -v "^$who " "$TMP/best" >"$TMP/best.new" 2>/dev/null
			echo "$who $1 $2 $3" >>"$TMP/best.new"
			mv "$TMP/best.new" "$TMP/best"
		fi
	done
	r=$((r + 1))
done
while read -r who rps p50 p99; do
	kv "article.$who.rps" "$rps"
	kv "article.$who.p50" "$p50"
	kv "article.$who.p99" "$p99"
done <"$TMP/best"

stop_all
if ! server_log_clean 2>"$TMP/logclean.err"; then
	fail "our server's log: $(head -3 "$TMP/logclean.err" | tr '\n' ' ')"
fi
if grep -E 'exited with status [1-9]|violation|restarting' "$TMP/bare/log" >/dev/null; then
	fail "bare Kore: $(grep -E 'exited with status|violation|restarting' "$TMP/bare/log" | head -2 | tr '\n' ' ')"
fi
kv article.failed "$FAILED"
awk '{ printf "best %s: %s req/s, p50 %s ms, p99 %s ms\n", $1, $2, $3, $4 }' "$TMP/best" | tee -a "$OUT"
exit $FAILED
