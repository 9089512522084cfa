#!/bin/sh
# serve: one-time reset tokens (issued by an admin or security officer over the API or the
# CLI) work once; a refused one is an event. Expiry after 15 minutes: test_auth.c.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate so sam security_officer
activate emp eve employee
add_user hugo auditor

req so POST /users/hugo/reset
check "security officer issues a reset token" test "$status" = 200
tok=$(jget reset_token)
check "64 hex chars" test "$(printf '%s' "$tok" | grep -c '^[0-9a-f]\{64\}$')" = 1
req emp POST /users/hugo/reset
check "employee cannot" test "$status" = 403
jreq - POST /password-reset "{\"token\":\"$tok\",\"new_password\":\"short\"}"
check "weak password refused, token kept" test "$status" = 400
jreq - POST /password-reset "{\"token\":\"$tok\",\"new_password\":\"$PW2\"}"
check "token used" test "$status" = 200
jreq - POST /password-reset "{\"token\":\"$tok\",\"new_password\":\"$PW3\"}"
check "second use refused" test "$status" = 403
jreq - POST /password-reset "{\"token\":\"$(printf '%064d' 0)\",\"new_password\":\"$PW3\"}"
check "unknown token refused" test "$status" = 403
signin h hugo "$PW2"
check "new password works" test "$status" = 200 -a "$(jget must_change_password)" = false
run "$BROKERSEC" log search --data "$D" --type auth.reset --format json
check "refused token is an event" contains "$out" "reset token refused"
run "$BROKERSEC" log search --data "$D" --type account.reset --format json
check "issued token is an event" contains "$out" "hugo"
check "the token itself is never logged" test "$(printf '%s' "$out" | grep -c "$tok")" = 0
check_clean_stop
finish
