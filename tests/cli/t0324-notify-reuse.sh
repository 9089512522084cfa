#!/bin/sh
# One connection per server and pass (issue 19): the SMTP server (tests/cli/t032-notify-smtp.py,
# python3-aiosmtpd, STARTTLS and AUTH required) and the HTTPS webhook receiver
# (tests/cli/t032-notify-hook.py, HTTP/1.1 keep-alive) count the connections they accept. 50
# queued mails go over 1 SMTP connection (one STARTTLS and AUTH, a MAIL FROM per message, each
# with its own recipients), 20 webhooks over 1 connection, both kinds in one pass over one each;
# a server that takes only 20 messages a connection (421 on the 21st MAIL FROM, as Exim's
# smtp_accept_max_per_connection) gets all 50 over 3 connections, none failed.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t032-notify.inc"
lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }
mails() { if [ -f "$1" ]; then grep -c '^=== mail' "$1"; else echo 0; fi; }
appendn() { # appendn N TYPE WHO
	i=0
	while [ $i -lt "$1" ]; do B log append --type "$2" --outcome failure --message "$3 $i" >/dev/null 2>&1; i=$((i + 1)); done
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/k.pem" -out "$T/c.pem" 2>/dev/null
printf 'S3cret-relay-pass\n' >"$T/pw"
head -c 32 /dev/urandom | base64 >"$T/secret"
"$PY" "$TOP/tests/cli/t032-notify-smtp.py" 0 "$T/mport" "$T/box" "$T/c.pem" "$T/k.pem" "$T/pw" "$T/mconns" 2>"$T/m.err" &
MPID=$!
"$PY" "$TOP/tests/cli/t032-notify-smtp.py" 0 "$T/lport" "$T/lbox" "$T/c.pem" "$T/k.pem" "$T/pw" "$T/lconns" 20 2>"$T/l.err" &
LPID=$!
"$PY" "$TOP/tests/cli/t032-notify-hook.py" 0 "$T/hport" "$T/got" "$T/c.pem" "$T/k.pem" "$T/secret" "$T/skew" "$T/hconns" 2>"$T/h.err" &
HPID=$!
wait_port "$T/mport"
wait_port "$T/lport"
wait_port "$T/hport"
MP=$(cat "$T/mport")
LP=$(cat "$T/lport")
HP=$(cat "$T/hport")
check "the servers listen" test -n "$MP" -a -n "$LP" -a -n "$HP"

"$BROKERSEC" init --data "$A" --org A --internal-control no --test-fast-kdf >/dev/null 2>&1
export BROKERSEC_DATA="$A"
B notify channel add mail --smtp "smtp://127.0.0.1:$MP" --from brokersec@example.com --to sec@example.com,it@example.com \
	--user alice --smtp-password-file "$T/pw" --ca "$T/c.pem" >/dev/null 2>&1
B notify channel add hook --webhook "https://127.0.0.1:$HP/hook" --secret-file "$T/secret" --ca "$T/c.pem" >/dev/null 2>&1
B notify channel add small --smtp "smtp://127.0.0.1:$LP" --from brokersec@example.com --to soc@example.com \
	--user alice --smtp-password-file "$T/pw" --ca "$T/c.pem" >/dev/null 2>&1
run B notify channel list
check "three channels" contains "$out" "total 3"

# 50 mails, one pass: one connection
B notify subscribe mail lockout >/dev/null 2>&1
appendn 50 auth.lockout "account locked: u"
run B notify run --once
check "50 mails queued and sent in one pass" contains "$out" "queued 50 (digests 0), sent 50, failed 0"
check "... the notifier says: 1 connection" contains "$out" "connections 1"
check "... the server took 50 mails" test "$(mails "$T/box")" = 50
check "... over 1 connection" test "$(lines "$T/mconns")" = 1
check "... every mail in that connection" test "$(grep -c '^=== mail conn=1$' "$T/box")" = 50
check "... over TLS (STARTTLS)" test "$(grep -c '^TLS: yes$' "$T/box")" = 50
check "... each with its own envelope: both recipients" test "$(grep -c '^RCPT: sec@example.com,it@example.com$' "$T/box")" = 50
check "... each its own message" test "$(grep '^Subject:' "$T/box" | sort -u | wc -l)" = 50
run B log search --type notify.sent
check "... one notify.sent event for the pass" contains "$out" "50 notification(s) delivered"
run B notify run --once
check "the next pass: nothing to send, no connection" contains "$out" "sent 0, failed 0, dead 0, connections 0"
check "... the server saw none" test "$(lines "$T/mconns")" = 1

# 20 webhooks, one pass: one connection (keep-alive)
B notify subscribe hook integrity >/dev/null 2>&1
appendn 20 evidence.integrity "evidence changed:"
run B notify run --once
check "20 webhooks in one pass" contains "$out" "sent 20"
check "... the receiver checked and took 20" test "$(lines "$T/got")" = 20
check "... over 1 connection" test "$(lines "$T/hconns")" = 1
check "... 1 said by the notifier" contains "$out" "connections 1"

# both kinds at once, interleaved in the queue: one connection to each server
B notify subscribe hook lockout >/dev/null 2>&1
appendn 10 auth.lockout "account locked: v"
run B notify run --once
check "mail and webhook interleaved: 20 sent" contains "$out" "sent 20"
check "... over 2 connections, one each" contains "$out" "connections 2"
check "... the SMTP server: 1 more" test "$(lines "$T/mconns")" = 2
check "... the receiver: 1 more" test "$(lines "$T/hconns")" = 2
check "... all delivered" test "$(mails "$T/box")" = 60 -a "$(lines "$T/got")" = 30

# a server that takes 20 messages a connection: the notifier opens another and goes on
B notify unsubscribe mail lockout >/dev/null 2>&1
B notify unsubscribe hook lockout >/dev/null 2>&1
B notify subscribe small lockout >/dev/null 2>&1
appendn 50 auth.lockout "account locked: w"
run B notify run --once
check "a server that limits messages per connection: all 50 sent, none failed" contains "$out" "sent 50, failed 0"
check "... over 3 connections (20 + 20 + 10)" test "$(lines "$T/lconns")" = 3
check "... the notifier counted 3" contains "$out" "connections 3"
check "... all taken" test "$(mails "$T/lbox")" = 50
check "... at most 20 in each" test "$(grep '^=== mail' "$T/lbox" | sort | uniq -c | awk '$1 > 20' | wc -l)" = 0
run B log search --type notify.failed
check "... no failure recorded" test -z "$out"
finish
