#!/bin/sh
# run.sh: the browser test (make browser). From the repository root, after
# `make all`: installs the Node packages (playwright-core, which drives
# Debian's /usr/bin/chromium), starts the real server on the starter articles
# tree with a fresh data folder, runs browse.mjs against it, stops the server
# and checks its log. Exit status 0 only when every check passed.
#
# Screenshots land in tests/out/. CHROMIUM=/path overrides the browser.
cd "$(dirname "$0")/../.." || exit 1
started=$(date +%s)

# Chinese pages need a CJK font, or screenshots show boxes and line breaking
# and widths are measured on fallback glyphs. Debian's Noto CJK (named in
# site.css) is what Linux desktops and Android ship.
./tests/install-deps.sh fonts-noto-cjk || exit 1
: "${CHROMIUM:=/usr/bin/chromium}"
export CHROMIUM
if [ ! -x "$CHROMIUM" ]; then
	./tests/install-deps.sh chromium || exit 1
fi

# Node packages: npm ci when node_modules is missing or older than the lock.
stamp=tests/browser/node_modules/.lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s tests/browser/package-lock.json "$stamp"; then
	echo "browser: npm ci in tests/browser"
	npmlog=$(mktemp) || exit 1
	if ! (cd tests/browser && npm ci --no-audit --no-fund \
	    --loglevel=error) 2>"$npmlog"; then
		# A proxy that signs TLS with a CA this machine does not hold
		# (a fresh root behind a company proxy): npm ci still checks
		# every package against the lockfile's sha512, so that check,
		# not TLS, is what keeps the packages the locked ones.
		if grep -qi "certificate" "$npmlog"; then
			echo "browser: npm cannot verify the registry's" \
			    "certificate; installing with the lockfile's sha512" \
			    "integrity as the check"
			(cd tests/browser && npm ci --no-audit --no-fund \
			    --loglevel=error --strict-ssl=false) ||
			    { rm -f "$npmlog"; exit 1; }
		else
			cat "$npmlog" >&2
			rm -f "$npmlog"
			exit 1
		fi
	fi
	rm -f "$npmlog"
	cp tests/browser/package-lock.json "$stamp"
fi

. tests/lib/server.sh
tmpdata=$(mktemp -d "${TMPDIR:-/tmp}/hc-browser.XXXXXX") || exit 1
# As root the watcher and the event writer run as the helpcenter user, who
# must be able to enter the data folder's parent.
chmod 755 "$tmpdata"
cleanup() {
	server_stop
	rm -rf "$tmpdata"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

server_start articles "$tmpdata/data" || exit 1
mkdir -p tests/out
status=0
# browse.mjs, then each domain's script (*_browser.mjs), on this server.
# BROWSER_SUITES="ui axe" runs only those (ui_browser.mjs, axe_browser.mjs).
for script in tests/browser/browse.mjs tests/browser/*_browser.mjs; do
	[ -f "$script" ] || continue
	if [ -n "${BROWSER_SUITES:-}" ]; then
		name=$(basename "$script" .mjs)
		case " $BROWSER_SUITES " in
		*" ${name%_browser} "*) ;;
		*) continue ;;
		esac
	fi
	node "$script" "$BASE" "$tmpdata/data" || status=1
done
# The server's own children (its watcher) must end with it.
children=$(ps -o pid= --ppid "$SERVER_PID" 2>/dev/null)
server_stop
sleep 0.3
for pid in $children; do
	if kill -0 "$pid" 2>/dev/null; then
		echo "browser: warning: server child $pid outlived the server; ending it" >&2
		kill -TERM "$pid" 2>/dev/null
	fi
done
server_log_clean || status=1
echo "browser: $(($(date +%s) - started)) s in all (server log: kept only on failure)"
[ $status -eq 0 ] || cp "$SERVER_LOG" tests/out/browser-server.log 2>/dev/null
exit $status
