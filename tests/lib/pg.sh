#!/bin/sh
# pg.sh: a throwaway PostgreSQL for tests (sourced): its own folder, a free loopback port, fsync on.
#
#   . tests/lib/pg.sh
#   pg_start            # sets PG_DIR, PG_PORT, PG_URL (postgresql://...); 0, or 1 when
#                       # PostgreSQL is not installed or would not start
#   pg_stop             # stops it (fast shutdown) and removes PG_DIR
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the
# postgres user (the Debian package's), otherwise to the caller. TCP only
# (no socket file the workers' chroot could not reach), trust on 127.0.0.1.

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

pg_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || return 1
	PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
	PG_DIR=$(mktemp -d /tmp/hc-pg.XXXXXX)
	[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U hc -A trust -E UTF8 \
	    --locale=C >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
	# fsync stays on (the default): the tests' commits are real ones.
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
	    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=on -c max_connections=200" \
	    start >/dev/null 2>&1 || { cat "$PG_DIR/server.log" >&2; return 1; }
	PG_URL="postgresql://hc@127.0.0.1:$PG_PORT/postgres"
	export PG_DIR PG_PORT PG_URL
}

# Stops the server for a while (make multinode's outage) and starts it again.
pg_pause() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
}

pg_resume() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
	    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=on -c max_connections=200" \
	    start >/dev/null 2>&1
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=
}
