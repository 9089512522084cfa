#!/bin/sh
# Notifications by webhook (issue 19), and delivery that survives its receiver and itself: a
# real HTTPS server on loopback (python3's http.server with ssl) that checks each body's
# HMAC-SHA256 signature and timestamp as docs/notifications.md tells a receiver to. Killed
# mid-run, the message waits in the queue and is retried with exponential backoff (the
# notifier's clock moved by BROKERSEC_TEST_NOTIFY_SKEW, a test directory's only), each failure
# an event; restarted, it gets every message exactly once, even after `notify run` was killed
# with SIGKILL; a receiver that stays away makes the message dead after 12 attempts (an event).
. "$TOP/tests/cli/lib.sh"
A="$T/a"
HPID=""
RPID=""
trap '[ -n "$HPID" ] && kill "$HPID" 2>/dev/null; [ -n "$RPID" ] && kill -9 "$RPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
PY=/usr/bin/python3
B() { "$BROKERSEC" --lang en "$@"; }
# a pass of the notifier SKEW seconds ahead of now
at() { skew=$1; shift; env BROKERSEC_TEST_NOTIFY_SKEW="$skew" "$BROKERSEC" --lang en notify "$@"; }
qjson() { "$BROKERSEC" notify queue --format json 2>/dev/null; }
field() { "$PY" -c "import json,sys; q=json.load(sys.stdin); m=[m for m in q['messages'] if m['key']=='$1']; print(m[0]['$2'] if m else '')"; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/hook.key" -out "$T/hook.pem" 2>/dev/null
head -c 32 /dev/urandom | base64 >"$T/secret"
head -c 32 /dev/urandom | base64 >"$T/other-secret"
hook_start() {
	rm -f "$T/port"
	"$PY" "$TOP/tests/cli/t032-notify-hook.py" "$1" "$T/port" "$T/got" "$T/hook.pem" "$T/hook.key" "$T/secret" "$T/skew" 2>>"$T/hook.err" &
	HPID=$!
	j=0; while [ ! -s "$T/port" ]; do j=$((j + 1)); [ $j -gt 100 ] && break; sleep 0.1; done
	HP=$(cat "$T/port")
}
hook_stop() { kill "$HPID"; wait "$HPID" 2>/dev/null; HPID=""; }
hook_start 0
check "the HTTPS receiver listens" test -n "$HP"

"$BROKERSEC" init --data "$A" --org A --internal-control no --test-fast-kdf >/dev/null 2>&1
export BROKERSEC_DATA="$A"
run B notify channel add h --webhook "http://127.0.0.1:$HP/hook" --secret-file "$T/secret"
check "http:// refused (TLS required)" test "$rc" = 2
run B notify channel add h --webhook "https://user:pw@127.0.0.1:$HP/hook" --secret-file "$T/secret"
check "credentials in the URL refused" test "$rc" = 2
run B notify channel add h --webhook "https://127.0.0.1:$HP/hook"
check "no --secret-file: refused" contains "$err" "needs --secret-file"
printf 'short\n' >"$T/short"
run B notify channel add h --webhook "https://127.0.0.1:$HP/hook" --secret-file "$T/short" --ca "$T/hook.pem"
check "a key under 16 characters: refused" test "$rc" = 1
run B notify channel add hook --webhook "https://127.0.0.1:$HP/hook" --secret-file "$T/secret" --ca "$T/hook.pem"
check "channel add --webhook" test "$rc" = 0
run B notify channel add wrongkey --webhook "https://127.0.0.1:$HP/hook" --secret-file "$T/other-secret" --ca "$T/hook.pem"
run B notify subscribe hook integrity lockout
run B notify subscribe wrongkey integrity

# a signed delivery
B log append --type evidence.integrity --outcome failure --message "evidence 3: the stored file changed" >/dev/null 2>&1
run B notify run --once
B notify queue --format json >"$T/q1" 2>/dev/null
check "delivered to the receiver that checks the signature" test "$(grep -c ' integrity evidence.integrity' "$T/got")" = 1
check "... the other key's signature refused (401), said in the queue" grep -q 'answered 401: bad signature' "$T/q1"
run B notify run --once
check "a pass with nothing new sends nothing" test "$(wc -l <"$T/got")" = 1
run B notify channel remove wrongkey

# a saved scan that found a ransom note (Annex 3 四): the scan.save event is integrity's
. "$TOP/tests/cli/t06-scan.inc"
scan_fixture hardened
mkdir -p "$T/hardened/srv/share"
printf 'All your files are stolen and encrypted\n' >"$T/hardened/srv/share/Restore-My-Files.txt"
"$BROKERSEC" system add --name 檔案伺服器 --category 2 >/dev/null 2>&1
B scan --root "$T/hardened" --only linux.ransom. --save --system 1 >/dev/null 2>&1
run B notify run --once
check "a saved scan with a ransom note: told as integrity" grep -q ' integrity scan.save' "$T/got"
rm -f "$T/hardened/srv/share/Restore-My-Files.txt"
B scan --root "$T/hardened" --only linux.ransom. --save --system 1 >/dev/null 2>&1
run B notify run --once
check "... a clean one: not told" test "$(grep -c ' integrity scan.save' "$T/got")" = 1

# the receiver killed mid-run: retry with backoff, each failure an event
hook_stop
B log append --type auth.lockout --message "account 'carol' locked for 15 minutes" >/dev/null 2>&1
seq=$(B log search --type auth.lockout --format json 2>/dev/null | tail -n 1 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["seq"])')
K="event:$seq"
run at 0 run --once
check "receiver down: the attempt fails" contains "$out" "failed 1"
check "... queued, pending" test "$(qjson | field "$K" state)" = pending
check "... one attempt" test "$(qjson | field "$K" attempts)" = 1
check "... its error kept" sh -c "'$BROKERSEC' notify queue --format json | grep -q 'Could not connect\|Connection refused\|Failed to connect'"
run B log search --type notify.failed --format json
check "... the failure is an event" contains "$out" "attempt 1 failed, next at"
run at 30 run --once
check "30 s later: still waiting (backoff 1 minute)" test "$(qjson | field "$K" attempts)" = 1
run at 61 run --once
check "after a minute: attempt 2" test "$(qjson | field "$K" attempts)" = 2
run at 150 run --once
check "90 s after that: still waiting (backoff 2 minutes)" test "$(qjson | field "$K" attempts)" = 2
run at 182 run --once
check "after two minutes: attempt 3" test "$(qjson | field "$K" attempts)" = 3
run B notify queue
check "notify queue shows it pending with its next try" contains "$out" "pending hook lockout $K attempts 3 next"

# a restart of brokersec loses nothing: a looping notifier killed with SIGKILL mid-run
B log append --type auth.lockout --message "account 'dave' locked for 15 minutes" >/dev/null 2>&1
env BROKERSEC_TEST_NOTIFY_SKEW=200 "$BROKERSEC" notify run --interval 1 >/dev/null 2>&1 &
RPID=$!
sleep 2
kill -9 "$RPID"; wait "$RPID" 2>/dev/null; RPID=""
check "after the kill: both lockouts still queued" test "$(qjson | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["counts"]["pending"])')" = 2
hook_start "$HP"
check "the receiver is back on its port" test "$HP" -gt 0
echo 1000 >"$T/skew"
run at 1000 run --once
check "back: both delivered" contains "$out" "sent 2"
check "... carol's once" test "$(grep -c 'lockout auth.lockout' "$T/got")" = 2
run at 1000 run --once
check "... and never again" test "$(grep -c 'lockout auth.lockout' "$T/got")" = 2
check "... the queue says sent" test "$(qjson | field "$K" state)" = sent
check "... after 4 attempts" test "$(qjson | field "$K" attempts)" = 4

# two notifiers at once (serve and a `notify run`): each message taken by one of them only
i=0
while [ $i -lt 5 ]; do B log append --type auth.lockout --message "account 'u$i' locked" >/dev/null 2>&1; i=$((i + 1)); done
at 1000 run --once >/dev/null 2>&1 &
p1=$!
at 1000 run --once >/dev/null 2>&1 &
p2=$!
wait "$p1" "$p2"
at 1000 run --once >/dev/null 2>&1
check "two notifiers at once: each of 5 lockouts delivered exactly once" \
	test "$(grep -c 'lockout auth.lockout' "$T/got")" = 7 -a "$(cut -d' ' -f1 "$T/got" | sort | uniq -d | wc -l)" = 0

# a receiver that stays away: dead after 12 attempts, an event
hook_stop
B log append --type ransom.note --message "ransom note README_DECRYPT.txt in /srv/share" >/dev/null 2>&1
s=2000
i=0
while [ $i -lt 13 ]; do at "$s" run --once >/dev/null 2>&1; s=$((s + 21700)); i=$((i + 1)); done
seq=$(B log search --type ransom.note --format json 2>/dev/null | tail -n 1 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["seq"])')
check "12 attempts, then dead" test "$(qjson | field "event:$seq" state)" = dead
check "... 12 of them" test "$(qjson | field "event:$seq" attempts)" = 12
run B log search --type notify.dead --format json
check "... given up: an event" contains "$out" "given up after 12 attempts"
run B notify queue
check "... the queue counts it (and the removed channel's)" contains "$out" "dead 2"
finish
