#!/bin/sh
# serve: one-time reset tokens (issued by an admin or security officer over the API or the
# CLI) work once; a refused one is an event. Expiry after 15 minutes: test_auth.c.
# Then a password change (issue 10 item 6): it ends the account's other sessions and voids
# older reset tokens; a wrong current password counts toward the lockout and a locked
# account changes nothing; TOTP set-up asks for the password again.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
# the password routes are throttled per source address (30 a minute): each part below
# comes from its own loopback address
CURL_SRC=""
curl() {
	if [ -n "$CURL_SRC" ]; then command curl --interface "$CURL_SRC" "$@"; else command curl "$@"; fi
}
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

# ---- a password change ends the other sessions and voids older reset tokens ----
CURL_SRC=127.0.0.2
add_user pat employee
signin p1 pat "$PW0"
signin p2 pat "$PW0"
req so POST /users/pat/reset
check "a reset token issued before the change" test "$status" = 200
ptok=$(jget reset_token)
jreq p1 POST /me/password "{\"current_password\":\"$PW0\",\"new_password\":\"$PW1\"}"
check "password changed in one session" test "$status" = 200
keep_csrf p1
req p2 GET /me
check "the other session has ended" test "$status" = 401
req p1 GET /me
check "the changing session goes on (rotated)" test "$status" = 200
jreq - POST /password-reset "{\"token\":\"$ptok\",\"new_password\":\"$PW2\"}"
check "the older reset token no longer works" test "$status" = 403
signin p3 pat "$PW1"
check "the new password stands" test "$status" = 200

# ---- a wrong current password counts toward the lockout ----
add_user lou employee
signin l lou "$PW0"
i=0
while [ $i -lt 4 ]; do
	jreq l POST /me/password "{\"current_password\":\"Wrong-Password-99\",\"new_password\":\"$PW1\"}"
	i=$((i + 1))
	check "wrong current password $i -> 403" test "$status" = 403
done
check "the answer names the lockout" contains "$body" "locks for 15 minutes"
run "$BROKERSEC" user show --data "$D" lou --lang en
check "4 wrong: not locked yet" contains "$out" "locked            no"
jreq l POST /me/password "{\"current_password\":\"Wrong-Password-99\",\"new_password\":\"$PW1\"}"
check "the 5th wrong current password locks" contains "$body" "now locked"
run "$BROKERSEC" user show --data "$D" lou --lang en
check "the account is locked" contains "$out" "locked            yes"
req l GET /me
check "the guessing session has ended" test "$status" = 401
signin l2 lou "$PW0"
check "the right password cannot sign in meanwhile" test "$status" = 401
run "$BROKERSEC" log search --data "$D" --type auth.lockout --format json
check "the lockout is an event" contains "$out" "account 'lou' locked for 15 minutes"

# a locked account's password change is refused even with the right password
CURL_SRC=127.0.0.3
add_user kay employee
signin k kay "$PW0"
i=0
while [ $i -lt 5 ]; do
	jreq - POST /session '{"username":"kay","password":"Wrong-Password-99"}'
	i=$((i + 1))
done
jreq k POST /me/password "{\"current_password\":\"$PW0\",\"new_password\":\"$PW1\"}"
check "locked: the password change is refused" test "$status" = 403
check "locked: and says so" contains "$body" "is locked"
run "$BROKERSEC" user unlock --data "$D" kay
jreq k POST /me/password "{\"current_password\":\"$PW0\",\"new_password\":\"$PW1\"}"
check "unlocked: the change goes through" test "$status" = 200

# ---- TOTP set-up asks for the password again ----
CURL_SRC=127.0.0.4
add_user tia employee
signin t tia "$PW0"
req t POST /me/totp
check "TOTP set-up without the password refused" test "$status" = 415 -o "$status" = 400
check "no seed without the password" test -z "$(jget secret)"
jreq t POST /me/totp '{"password":"Wrong-Password-99"}'
check "TOTP set-up with a wrong password refused" test "$status" = 403
check "no seed with a wrong password" test -z "$(jget secret)"
run "$BROKERSEC" log search --data "$D" --type auth.reauth --format json
check "the wrong password is an event" contains "$out" "TOTP set-up of 'tia' refused"
jreq t POST /me/totp "{\"password\":\"$PW0\"}"
check "TOTP set-up with the password" test "$status" = 200
check "the seed is handed out" test -n "$(jget secret)"
CURL_SRC=""
check_clean_stop
finish
