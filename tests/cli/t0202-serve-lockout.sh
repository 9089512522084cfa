#!/bin/sh
# serve: lockout after 5 failures (the right password then refused), no user enumeration,
# per-source throttling. The 15 minutes themselves are tested with an injected clock in
# tests/unit/test_auth.c (test_lockout): the server binary has no clock hook at all.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
add_user gina employee

i=0
while [ $i -lt 5 ]; do
	jreq - POST /session '{"username":"gina","password":"Wrong-Password-99"}'
	i=$((i + 1))
	check "failure $i is 401" test "$status" = 401
done
wrong_body=$body
jreq - POST /session "{\"username\":\"gina\",\"password\":\"$PW0\"}"
check "right password refused while locked" test "$status" = 401
check "locked answer is the same as a wrong password" test "$body" = "$wrong_body"
run "$BROKERSEC" user show --data "$D" gina --lang en
check "CLI shows the lock" contains "$out" "locked            yes"

# enumeration: an unknown user gets the same status and body
jreq - POST /session '{"username":"nosuchuser","password":"Wrong-Password-99"}'
check "unknown user: same status" test "$status" = 401
check "unknown user: same body" test "$body" = "$wrong_body"
jreq - POST /session '{"username":"NOT A NAME!","password":"x"}'
check "invalid user name: same body" test "$body" = "$wrong_body"

run "$BROKERSEC" user unlock --data "$D" gina
check "CLI unlock" test "$rc" = 0
jreq - POST /session "{\"username\":\"gina\",\"password\":\"$PW0\"}"
check "after unlock the right password works" test "$status" = 200
run "$BROKERSEC" log search --data "$D" --type auth.lockout --format json
check "lockout is an event" contains "$out" "locked for 15 minutes"
run "$BROKERSEC" log search --data "$D" --type account.unlock --format json
check "unlock is an event" contains "$out" "gina"
run "$BROKERSEC" log search --data "$D" --type auth.login --format json
check "failures are events, unknown user named" contains "$out" "unknown account 'nosuchuser'"

# throttling per source address
stop_server
run "$BROKERSEC" policy set --data "$D" throttle.per_minute=3
check "tighter throttle accepted" test "$rc" = 0
run "$BROKERSEC" policy set --data "$D" throttle.per_minute=31
check "looser throttle refused" test "$rc" = 1
start_server
codes=""
for i in 1 2 3 4; do
	jreq - POST /session '{"username":"gina","password":"Wrong-Password-99"}'
	codes="$codes $status"
done
check "4th attempt in a minute throttled" test "$codes" = " 401 401 401 429"
check "429 shape" test "$(jget error.code)" = too_many_requests
hdr=$(curl -s -D - -o /dev/null --cacert "$D/tls/cert.pem" -H 'Content-Type: application/json' \
	--data-binary '{"username":"gina","password":"x"}' "$URL/session")
check "Retry-After sent" contains "$hdr" "Retry-After:"
check_clean_stop
finish
