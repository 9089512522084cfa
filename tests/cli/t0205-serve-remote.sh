#!/bin/sh
# serve: remote-access rules (A2.4.1.6.3) - source networks, Asia/Taipei hours, concurrent
# sessions; per account and per role; refusals are events. Hour arithmetic: test_auth.c.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate a1 rita auditor

run "$BROKERSEC" user access --data "$D" rita --networks 10.0.0.0/8
check "network rule set" test "$rc" = 0
req a1 GET /me
check "live session ends when the network is no longer allowed" test "$status" = 401
signin a2 rita "$PW1"
check "sign-in from 127.0.0.1 refused" test "$status" = 403 -a "$(jget error.code)" = access_refused
check "refusal says why" contains "$body" "127.0.0.1"
run "$BROKERSEC" user access --data "$D" rita --networks "10.0.0.0/8, 127.0.0.0/8"
signin a2 rita "$PW1"
check "allowed network" test "$status" = 200

# hours: a window that excludes now (Taipei time = UTC+8) by one hour on either side
now_h=$(date -u -d '+8 hours' +%-H)
from=$(( (now_h + 1) % 24 ))
to=$(( from + 1 ))
win=$(printf '* %02d:00-%02d:00' "$from" "$to")
run "$BROKERSEC" user access --data "$D" rita --hours "$win"
check "hours rule set ($win)" test "$rc" = 0
signin a3 rita "$PW1"
check "outside the allowed hours refused" test "$status" = 403
check "message says time" contains "$body" "time"
run "$BROKERSEC" user access --data "$D" rita --hours "* 00:00-24:00"
run "$BROKERSEC" user access --data "$D" rita --hours "someday 08:00-09:00"
check "bad window refused" test "$rc" = 1
check "bad window message" contains "$err" "mon-fri 08:00-18:00"

# concurrent sessions: at most 2
run "$BROKERSEC" user access --data "$D" rita --max-sessions 2
signin a4 rita "$PW1"
check "second session ok" test "$status" = 200
signin a5 rita "$PW1"
check "third session refused" test "$status" = 403
check "message says sessions" contains "$body" "sessions"
req a4 DELETE /session
signin a5 rita "$PW1"
check "after a logout there is room again" test "$status" = 200

# role rule: applies to every auditor
run "$BROKERSEC" user access --data "$D" --role auditor --networks 192.0.2.0/24
check "role rule set" test "$rc" = 0
signin a6 rita "$PW1"
check "role network rule refuses" test "$status" = 403
run "$BROKERSEC" log search --data "$D" --type auth.refused --format json
check "refusals are events" contains "$out" "refused"
check_clean_stop
finish
