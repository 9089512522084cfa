#!/bin/sh
# Notifications given up are seen and sent again (issue 19): a real SMTP server on loopback
# (tests/cli/t032-notify-smtp.py: python3-aiosmtpd, STARTTLS and AUTH required) is killed; an
# event-log failure alert (class log) and a lockout are tried 12 times over ~29 hours of the
# notifier's clock (BROKERSEC_TEST_NOTIFY_SKEW) and given up. Then `notify queue` marks them,
# `status` says A2.4.1.7.4.2 (alert designated personnel) is not met with the count and the
# commands, `due` lists the duty overdue; the server restarted on its port, `notify retry ID`
# and `notify retry --all-failed` queue them again (an event each) and the next pass delivers
# them; status and due are clear again. A removed channel's messages cannot be retried.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t032-notify.inc"
at() { skew=$1; shift; env BROKERSEC_TEST_NOTIFY_SKEW="$skew" "$BROKERSEC" --lang en notify "$@"; }
mails() { if [ -f "$T/box" ]; then grep -c '^=== mail' "$T/box"; else echo 0; fi; }
# state ID [en|zh]: the control's state, or its reason
ctl() {
	"$BROKERSEC" status --format json 2>/dev/null | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
for g in d["groups"]:
    for c in g["controls"]:
        if c["id"] == sys.argv[1]:
            print(c["state"] if len(sys.argv) < 3 else json.dumps(c, ensure_ascii=False))' "$@"
}
smtp_start() {
	rm -f "$T/port"
	"$PY" "$TOP/tests/cli/t032-notify-smtp.py" "$1" "$T/port" "$T/box" "$T/smtp.pem" "$T/smtp.key" "$T/pw" \
		"$T/conns" 2>>"$T/smtp.err" &
	MPID=$!
	j=0; while [ ! -s "$T/port" ]; do j=$((j + 1)); [ $j -gt 100 ] && break; sleep 0.1; done
	MP=$(cat "$T/port" 2>/dev/null)
}
smtp_stop() { kill "$MPID"; wait "$MPID" 2>/dev/null; MPID=""; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/smtp.key" -out "$T/smtp.pem" 2>/dev/null
printf 'S3cret-relay-pass\n' >"$T/pw"
smtp_start 0
check "the SMTP server listens" test -n "$MP"

"$BROKERSEC" init --data "$A" --org A --internal-control yes --test-fast-kdf >/dev/null 2>&1
export BROKERSEC_DATA="$A"
check "no channel: the notifier has no say in A2.4.1.7.4.2" test "$(ctl A2.4.1.7.4.2)" = unknown
B notify channel add mail --smtp "smtp://127.0.0.1:$MP" --from brokersec@example.com --to sec@example.com \
	--user alice --smtp-password-file "$T/pw" --ca "$T/smtp.pem" >/dev/null 2>&1
check "a channel without log: unknown, saying what to subscribe" contains "$(ctl A2.4.1.7.4.2 en)" "notify subscribe CHANNEL log"
run B notify subscribe mail log lockout
check "subscribed to log: A2.4.1.7.4.2 met" test "$(ctl A2.4.1.7.4.2)" = met
check "... saying over how many channels" contains "$(ctl A2.4.1.7.4.2 en)" "over 1 notification channel(s)"
run B notify test mail
check "the channel works" test "$rc" = 0

# a channel removed with a message pending: given up with it, never retried
printf '0123456789abcdef0123\n' >"$T/hkey"
run B notify channel add gone --webhook "https://127.0.0.1:1/hook" --secret-file "$T/hkey"
B notify subscribe gone lockout >/dev/null 2>&1
B log append --type auth.lockout --message "account 'zed' locked for 15 minutes" >/dev/null 2>&1
at 0 run --once >/dev/null 2>&1
B notify channel remove gone >/dev/null 2>&1
GONE=$(B notify queue --format json | "$PY" -c 'import json,sys; print([m["id"] for m in json.load(sys.stdin)["messages"] if m["channel"]=="gone"][0])')
run B notify retry "$GONE"
check "a removed channel's message: retry refused" test "$rc" = 1
check "... saying why" contains "$err" "its channel 'gone' was removed"
check "... and not counted as given up" test "$(ctl A2.4.1.7.4.2)" = met

# the server down for good: 12 attempts each over a few days, then given up (a channel that
# failed is not tried again in the same pass: the two take turns)
smtp_stop
before=$(mails)
B log append --type eventlog.alert --outcome failure --message "cannot write the event log: No space left on device" >/dev/null 2>&1
B log append --type auth.lockout --message "account 'carol' locked for 15 minutes" >/dev/null 2>&1
run at 100 run --once
check "server down: the attempt fails" contains "$out" "failed 1"
check "an alert being retried: A2.4.1.7.4.2 due" test "$(ctl A2.4.1.7.4.2)" = due
check "... saying so" contains "$(ctl A2.4.1.7.4.2 en)" "1 log-failure alert(s) failed to be delivered"
s=100
i=0
while [ $i -lt 30 ]; do
	s=$((s + 21700)); at "$s" run --once >/dev/null 2>&1; i=$((i + 1))
	[ "$(B notify queue --format json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["counts"]["pending"])')" = 0 ] && break
done
run B notify queue --format json
check "both given up after 12 attempts each" test "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(" ".join(str(m["attempts"]) for m in json.load(sys.stdin)["messages"] if m["state"]=="dead" and m["retry"]))')" = "12 12"
run B log search --type notify.dead
check "... each an event" test "$(printf '%s\n' "$out" | grep -c 'given up after 12 attempts')" = 2
run B notify queue
check "notify queue counts them" contains "$out" "dead 3"
check "... marks the two given up on a live channel" test "$(printf '%s\n' "$out" | grep -c '^✗ #[0-9]* dead mail ')" = 2
check "... each with the command that retries it" contains "$out" "(given up; retry: brokersec notify retry"
check "... and says how to retry them all" contains "$out" "! 2 given up, never delivered (lockout 1, log 1): once the channel works, brokersec notify retry --all-failed"
run "$BROKERSEC" notify queue
check "... in zh-TW by default" contains "$out" "則已放棄、未送達"
run B notify queue --state dead --format json
check "... json: retryable 2" contains "$out" '"retryable": 2'
check "... the removed channel's: no retry command" test "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(sum(1 for m in json.load(sys.stdin)["messages"] if m["retry"]))')" = 2

check "status: A2.4.1.7.4.2 not met (a log alert reached nobody)" test "$(ctl A2.4.1.7.4.2)" = not_met
r=$(ctl A2.4.1.7.4.2 en)
check "... with the count and the classes" contains "$r" "2 notification(s) given up after their retries, never delivered (lockout 1, log 1"
check "... the command to see them" contains "$r" "brokersec notify queue --state dead"
check "... and to retry them" contains "$r" "brokersec notify retry --all-failed"
check "... in zh-TW too" contains "$r" "日誌失效告警未送達特定人員"
check "A2.4.1.7.4.1 too (the same mechanism)" test "$(ctl A2.4.1.7.4.1)" = not_met
run B status --id A2.4.1.7.4
check "the status table shows it" contains "$out" "given up after their retries"
check "... as not met" contains "$(printf '%s\n' "$out" | grep '^ *A2.4.1.7.4.2 ')" "not met"
run B status --format json
check "status's next actions: retry them" test "$(printf '%s' "$out" | "$PY" -c 'import json,sys; a=[a for a in json.load(sys.stdin)["actions"] if a["key"]=="notify-retry"]; print(a[0]["command"]["en"], a[0]["state"], "A2.4.1.7.4.2" in a[0]["controls"]) if a else print("-")')" = "brokersec notify retry --all-failed not_met True"
run B due --format json
check "due: the duty to retry them, overdue" contains "$out" '"duty": "notify-retry"'
check "... citing A2.4.1.7.4.2" test "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print([d["status"]+" "+d["source"] for d in json.load(sys.stdin) if d["duty"]=="notify-retry"][0])')" = "overdue A2.4.1.7.4.2"

# refusals say what to give
run B notify retry
check "retry without ID or --all-failed: usage" test "$rc" = 2
run B notify retry 5 --all-failed
check "retry ID and --all-failed: usage" test "$rc" = 2
run B notify retry 99999
check "retry of no message: not found" test "$rc" = 1
check "... naming it" contains "$err" "no notification 99999"
TEST_ID=$(B notify queue --state sent --format json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["messages"][0]["id"])')
run B notify retry "$TEST_ID"
check "retry of a message sent: refused" contains "$err" "is sent, not given up"

# the server back on its port: retry one, then all
smtp_start "$MP"
check "the SMTP server is back on its port" test "$(cat "$T/port")" = "$MP"
LOCK=$(B notify queue --state dead --format json | "$PY" -c 'import json,sys; print([m["id"] for m in json.load(sys.stdin)["messages"] if m["class"]=="lockout" and m["retry"]][0])')
run at "$s" retry "$LOCK"
check "notify retry ID" contains "$out" "1 message(s) queued again"
run B log search --type notify.retry --format json
check "... an event naming it" contains "$out" "1 notification(s) given up queued again: $LOCK"
run at "$s" run --once
check "... the next pass delivers it" contains "$out" "sent 1"
check "... one more mail" test "$(mails)" = $((before + 1))
check "... the lockout's" grep -q "carol" "$T/box"
check "the log alert still given up: still not met" test "$(ctl A2.4.1.7.4.2)" = not_met
run at "$s" retry --all-failed
check "notify retry --all-failed" contains "$out" "1 message(s) queued again"
run at "$s" run --once
check "... delivered" contains "$out" "sent 1"
check "... the alert's mail" grep -q "No space left on device" "$T/box"
run B notify queue --format json
check "... after its first attempt of the new round" test "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print([m["attempts"] for m in json.load(sys.stdin)["messages"] if m["class"]=="log"][0])')" = 1
check "nothing left given up: A2.4.1.7.4.2 met again" test "$(ctl A2.4.1.7.4.2)" = met
run B status --format json
check "... no action to retry" ! contains "$out" '"notify-retry"'
run B due --format json
check "... and due has no duty to retry" ! contains "$out" '"notify-retry"'
run at "$s" retry --all-failed
check "retry --all-failed with nothing given up: says so" contains "$out" "no message given up to retry"
run B log search --type notify.retry
check "... and writes no event" test "$(printf '%s\n' "$out" | grep -c 'queued again')" = 2
finish
