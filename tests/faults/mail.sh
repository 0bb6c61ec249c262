#!/bin/sh
# mail.sh: kill -9 of the mailer (hc-mailer) mid-batch, against a slow real SMTP receiver: after a restart every email arrives, and only the one in transfer at the kill may come twice, with the same Message-ID.
. "$(dirname "$0")/lib.sh"

N=30
fault_setup mail
SINK_PORT=$(free_port)
SMTP_URL="smtp://127.0.0.1:$SINK_PORT"
SMTP_FROM="Help <help@example.com>"
export SMTP_URL SMTP_FROM
SINK=
sink_stop() { [ -n "$SINK" ] && kill "$SINK" 2>/dev/null && wait "$SINK" 2>/dev/null; SINK=; }
trap 'sink_stop; fault_cleanup' EXIT
# A slow relay (0.3 s a message), so that the kill lands mid-batch.
/usr/bin/python3 tests/lib/smtp_sink.py "$SINK_PORT" "$T/sink" --delay 0.3 > "$T/sink.out" 2>&1 &
SINK=$!
i=0
until grep -q ready "$T/sink.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 50 ] && { bad "the SMTP receiver did not start"; fault_end; }
	sleep 0.1
done
fault_start || fault_end

received() { ls "$T/sink" 2>/dev/null | grep -c '\.eml$'; }

# The tickets; each ref kept, to find its email later.
: > "$T/refs"
i=0
while [ $i -lt $N ]; do
	http POST /api/v1/tickets "$TICKET"
	[ "$CODE" = 201 ] && echo "$BODY" | sed -n 's/.*"ref":"\(HC-[0-9-]*\)".*/\1/p' >> "$T/refs"
	i=$((i + 1))
done
expect "tickets created" $N "$(wc -l < "$T/refs" | tr -d ' ')"

i=0
while [ "$(received)" -lt 5 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
MAILER=$(health helpers.mailer.pid)
kill -KILL "$MAILER"
sleep 0.5
got=$(received)
if [ "$got" -lt $N ]; then ok "hc-mailer (pid $MAILER) killed mid-batch: $got of $N emails out"
else bad "the batch was over before the kill ($got emails)"; fi
expect "/healthz reports the mailer dead" false "$(health helpers.mailer.running)"

# A restart sends the rest; the row in transfer at the kill is sent again.
server_stop
fault_start || fault_end
i=0
while [ "$(received)" -lt $N ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
sleep 2
python3 - "$T/sink" "$T/refs" "$SERVER_LOG" > "$T/report" <<'PY'
import email, email.policy, glob, re, sys
ids, subjects = {}, []
for p in glob.glob(sys.argv[1] + "/*.eml"):
    m = email.message_from_bytes(open(p, "rb").read(), policy=email.policy.default)
    ids[m["Message-ID"]] = ids.get(m["Message-ID"], 0) + 1
    subjects.append(str(m["Subject"]))
refs = open(sys.argv[2]).read().split()
missing = [r for r in refs if not any("[%s]" % r in s for s in subjects)]
twice = sorted(k for k, v in ids.items() if v > 1)
log = open(sys.argv[3], errors="replace").read()
m = re.search(r"mail: (\d+) messages were being sent when the mailer stopped", log)
recovered = int(m.group(1)) if m else 0
print("missing", len(missing), " ".join(missing))
print("distinct", len(ids))
print("twice", len(twice), " ".join(twice))
print("thrice", sum(1 for v in ids.values() if v > 2))
print("recovered", recovered)
PY
expect "every ticket's email arrived after the restart (missing)" 0 "$(awk '$1 == "missing" { print $2 }' "$T/report")"
expect "distinct Message-IDs" $N "$(awk '$1 == "distinct" { print $2 }' "$T/report")"
twice=$(awk '$1 == "twice" { print $2 }' "$T/report")
recovered=$(awk '$1 == "recovered" { print $2 }' "$T/report")
expect "no Message-ID three times" 0 "$(awk '$1 == "thrice" { print $2 }' "$T/report")"
if [ "$twice" -le "$recovered" ] && [ "$recovered" -le 1 ]; then
	ok "duplicates only from the transfer the kill cut ($twice twice, $recovered row was 'sending'; same Message-ID, so the receiver can drop it)"
else
	bad "duplicates: $twice Message-IDs twice, $recovered rows recovered: $(cat "$T/report")"
fi
expect "the outbox has nothing left to send" 0 "$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from mail_outbox where state != '"'"'sent'"'"'").fetchone()[0])' "$DATA/helpcenter.db")"
sink_stop
fault_end
