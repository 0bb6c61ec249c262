#!/bin/sh
# data_private.sh: DATA is private: a DATA left open (0755, files 0644) is tightened at start with a log line, hcctl check reports it first; the user nobody cannot read the database; hcctl creates nothing readable by others.
. "$(dirname "$0")/lib.sh"

fault_setup data_private
# mode PATH: octal permissions and owner.
mode() { stat -c '%a %U' "$1"; }

# An install from before: hcctl made the database with a 022 umask.
(umask 022 && DATA=$DATA ./build/hcctl --init token add editor old >/dev/null)
chmod 755 "$DATA"; chmod 644 "$DATA/helpcenter.db"
out=$(DATA=$DATA ARTICLES=$T/articles ./build/hcctl check 2>&1); rc=$?
echo "$out" | grep -q "^DATA $DATA: .* open to other users" && [ $rc = 1 ] &&
    ok "hcctl check reports the open DATA (exit $rc): $(echo "$out" | grep '^DATA')" ||
    bad "hcctl check did not report DATA open (exit $rc): $out"

fault_start || fault_end
grep -q "DATA $DATA was open to other users" "$SERVER_LOG" &&
    ok "the server says it tightened DATA: $(grep -o 'DATA .* made private.*' "$SERVER_LOG" | head -1)" ||
    bad "no log line about DATA made private"
# A page view and a vote, so that the WAL and its index exist.
http GET /articles/invoice
root=$([ "$(id -u)" = 0 ] && echo helpcenter || id -un)
expect "DATA" "700 $root" "$(mode "$DATA")"
for f in helpcenter.db helpcenter.db-wal helpcenter.db-shm catalog.db; do
	[ -e "$DATA/$f" ] && expect "$f" "600 $root" "$(mode "$DATA/$f")"
done
expect "index folder" "700 $root" "$(mode "$DATA/index")"
open=$(find "$DATA" -perm /077 | head -3)
[ -z "$open" ] && ok "nothing in DATA open to group or others" || bad "open to others: $open"
if [ "$(id -u)" = 0 ]; then
	su nobody -s /bin/sh -c "cat '$DATA/helpcenter.db'" >/dev/null 2>&1 &&
	    bad "nobody read helpcenter.db" || ok "nobody cannot read helpcenter.db"
	su nobody -s /bin/sh -c "ls '$DATA'" >/dev/null 2>&1 &&
	    bad "nobody listed DATA" || ok "nobody cannot list DATA"
fi
expect "/healthz" ok "$(health status)"
out=$(DATA=$DATA ARTICLES=$T/articles ./build/hcctl check 2>&1) &&
    ok "hcctl check is clean once DATA is private" || bad "hcctl check: $out"
server_stop

# hcctl on a new DATA: umask 077 whatever the caller's.
NEW=$T/new
(umask 022 && DATA=$NEW ./build/hcctl --init token add editor new >/dev/null)
expect "new DATA made by hcctl" 700 "$(stat -c %a "$NEW")"
expect "new helpcenter.db made by hcctl" 600 "$(stat -c %a "$NEW/helpcenter.db")"
fault_end
