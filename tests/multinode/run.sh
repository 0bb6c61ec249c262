#!/bin/sh
# run.sh: make multinode: two nodes on one throwaway PostgreSQL behind haproxy (round robin), and the checks of tests/multinode/check.py and check_votes.py.
#
# Each node is a real server (as root: chrooted, seccomp) with its own DATA
# (snapshot, index) and the same DATABASE_URL and BASE_URL (the
# balancer's); node b reads a copy of the articles (check_nodes.py changes
# it: catalog pinning). Stops everything it started, by pid.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/pg.sh

T=$(mktemp -d /tmp/hc-multi.XXXXXX)
# The helpcenter user must enter it to reach each node's DATA.
chmod 711 "$T"
NODE_PIDS=
HAPROXY_PID=
SINK_PID=
cleanup() {
	for p in $NODE_PIDS $HAPROXY_PID $SINK_PID; do kill "$p" 2>/dev/null; done
	for p in $NODE_PIDS $HAPROXY_PID $SINK_PID; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	done
	# The nodes' logs outlive the run: tests/out/multinode-a.log, -b.log.
	mkdir -p tests/out
	for n in a b; do cp "$T/$n/server.log" "tests/out/multinode-$n.log" 2>/dev/null; done
	pg_stop
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pg_start || { echo "multinode: PostgreSQL would not start" >&2; exit 1; }
id helpcenter >/dev/null 2>&1 || [ "$(id -u)" != 0 ] ||
    useradd --system --no-create-home --shell /usr/sbin/nologin helpcenter
LB_PORT=$(free_port)
export DATABASE_URL="$PG_URL" BASE_URL="http://127.0.0.1:$LB_PORT"
export ARTICLES=tests/e2e/articles TRUST_PROXY=on RATE_LIMITS=off
# A test knob: /healthz says degraded after 3 s of different catalogs, not 60.
export HC_TEST_CATALOG_DIFF_SECS=3
ARTICLES_b="$T/articles-b"
cp -a tests/e2e/articles "$ARTICLES_b"

# Both nodes' mailers send the one outbox to one SMTP receiver, which
# takes its time (0.05 s a message) so that they meet on the same rows.
SINK_PORT=$(free_port)
mkdir -p "$T/sink"
/usr/bin/python3 tests/lib/smtp_sink.py "$SINK_PORT" "$T/sink" --delay 0.05 > "$T/sink.log" 2>&1 &
SINK_PID=$!
i=0
until grep -q ready "$T/sink.log"; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "multinode: the SMTP receiver did not start" >&2; cat "$T/sink.log" >&2; exit 1; }
	sleep 0.1
done
export SMTP_URL="smtp://127.0.0.1:$SINK_PORT" SMTP_FROM="Help <help@example.com>"

# start_node NAME [ARTICLES]: DATA $T/NAME, a free port; sets PORT_<NAME>, PID_<NAME>
start_node() {
	data="$T/$1"
	port=$(free_port)
	articles=${2:-$ARTICLES}
	mkdir -p "$data"
	sed -e "s/^\(\s*bind\s\+127\.0\.0\.1\s\+\)8888/\1$port/" kore.conf > "$data/kore.conf"
	if [ "$(id -u)" = 0 ]; then
		chmod 755 "$data"
		NODE_NAME="node-$1" DATA="$data" ARTICLES="$articles" kore -f -c "$data/kore.conf" > "$data/server.log" 2>&1 &
	else
		NODE_NAME="node-$1" DATA="$data" ARTICLES="$articles" kore -f -n -r -c "$data/kore.conf" > "$data/server.log" 2>&1 &
	fi
	NODE_PIDS="$NODE_PIDS $!"
	eval "PORT_$1=$port PID_$1=$!"
	i=0
	until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" = 200 ]; do
		i=$((i + 1))
		if [ $i -gt 150 ] || grep -q 'sandbox violation' "$data/server.log"; then
			echo "multinode: node $1 did not start; log:" >&2
			cat "$data/server.log" >&2
			exit 1
		fi
		sleep 0.1
	done
}

start_node a
start_node b "$ARTICLES_b"
cat > "$T/haproxy.cfg" <<CFG
global
	maxconn 512
defaults
	mode http
	timeout connect 2s
	timeout client 30s
	timeout server 30s
frontend hc
	bind 127.0.0.1:$LB_PORT
	option forwardfor
	default_backend nodes
backend nodes
	balance roundrobin
	server a 127.0.0.1:$PORT_a
	server b 127.0.0.1:$PORT_b
CFG
haproxy -f "$T/haproxy.cfg" -db > "$T/haproxy.log" 2>&1 &
HAPROXY_PID=$!
i=0
until curl -s -m 2 -o /dev/null "$BASE_URL/healthz"; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "multinode: haproxy did not start" >&2; cat "$T/haproxy.log" >&2; exit 1; }
	sleep 0.1
done

# A staff token in the shared database, made by hcctl on node a's DATA.
TOKEN=$(DATA="$T/a" build/hcctl token add agent multi 2>/dev/null | grep -o 'hc_[0-9a-f]\{40\}')
export TOKEN PORT_a PORT_b LB_PORT T
python3 tests/multinode/check.py
rc=$?
# The community's search outbox read by both nodes' watchers.
python3 tests/multinode/check_search.py || rc=1
# Votes and the timed jobs on both nodes at once (psql reads PostgreSQL).
python3 tests/multinode/check_votes.py || rc=1
# hcctl export reads the shared database too: every ticket made above.
n=$(DATA="$T/b" build/hcctl export | grep -c '"ref"')
if [ "$n" -ge 53 ]; then
	echo "ok   hcctl export on PostgreSQL: $n ticket lines"
else
	echo "FAIL hcctl export on PostgreSQL: $n ticket lines, want at least 53"
	rc=1
fi
# Two mailers, one outbox: every ticket's "received" email exactly once,
# each row claimed once (attempts 1), read through hcctl mail list.
rows=$(DATA="$T/a" build/hcctl mail list | grep -c '"id"')
i=0
while [ "$(DATA="$T/a" build/hcctl mail list sent | grep -c '"id"')" -lt "$rows" ] && [ $i -lt 300 ]; do
	sleep 0.2
	i=$((i + 1))
done
sleep 1
once=$(DATA="$T/a" build/hcctl mail list sent | grep -c '"attempts":1,')
sent=$(ls "$T/sink" | grep -c '\.eml$')
ids=$(cat "$T"/sink/*.eml 2>/dev/null | grep -i '^Message-ID:' | sort -u | wc -l)
if [ "$rows" -ge 53 ] && [ "$once" -eq "$rows" ] && [ "$sent" -eq "$rows" ] && [ "$ids" -eq "$rows" ]; then
	echo "ok   two nodes' mailers on one outbox: $rows rows, each claimed once, $sent emails, $ids Message-IDs"
else
	echo "FAIL two nodes' mailers on one outbox: $rows rows, $once sent at the first claim, $sent emails, $ids Message-IDs"
	rc=1
fi
grep -E 'sandbox violation|exited' "$T/a/server.log" "$T/b/server.log" && rc=1
# Page views once, catalog pinning, then node A killed (last:
# after it only node B serves; its pid is gone before cleanup).
export PID_a PID_b ARTICLES_b
python3 tests/multinode/check_nodes.py || rc=1
exit $rc
