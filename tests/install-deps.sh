#!/bin/sh
# install-deps.sh: install the Debian packages given as arguments when missing.
# As root it runs apt-get; otherwise it prints the one line to run and fails.
# A program of the package's name already on PATH counts as installed: a
# machine may have Node.js from elsewhere, whose npm Debian's would break.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    command -v "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || true
	apt-get install -y -q --no-install-recommends $missing >/dev/null
else
	echo "missing Debian packages; run:"
	echo "  sudo apt-get install -y$missing"
	exit 1
fi
