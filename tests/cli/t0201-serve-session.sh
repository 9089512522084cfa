#!/bin/sh
# serve: first-login change, password history and minimum age, session rotation and
# fixation, CSRF, server-side logout.
. "$TOP/tests/cli/lib.sh"
# curl for every request: the checks below are about curl's cookie file and about requests
# that each come on a connection of their own (the per-thread /status cache)
HTTPS_CLIENT=curl
. "$TOP/tests/cli/t02-https.inc"
start_server
add_user erin it_staff

signin e erin "$PW0"
check "first sign-in ok" test "$status" = 200
check "must change" test "$(jget must_change_password)" = true
check "cookie kept as HttpOnly + Secure, path /" \
	grep -q '^#HttpOnly_127.0.0.1	FALSE	/	TRUE	0	__Host-bs_session	[0-9a-f]\{64\}$' "$T/e.cookies"
hdr=$(curl -s -D - -o /dev/null --cacert "$D/tls/cert.pem" -H 'Content-Type: application/json' \
	--data-binary "{\"username\":\"erin\",\"password\":\"$PW0\"}" "$URL/session")
check "Set-Cookie attributes" contains "$hdr" "; Path=/; Secure; HttpOnly; SameSite=Strict"
req e GET /status
check "nothing else before the change" test "$status" = 403 -a "$(jget error.code)" = password_change_required
req e GET /me
check "/me allowed before the change" test "$status" = 200

old=$(awk '/__Host-bs_session/ {print $7}' "$T/e.cookies")
oldcsrf=$(cat "$T/e.csrf")
jreq e POST /me/password "{\"current_password\":\"$PW0\",\"new_password\":\"Password1234\"}"
check "dictionary password refused" test "$status" = 400
check "message names the rule" contains "$body" "dictionary"
jreq e POST /me/password "{\"current_password\":\"$PW0\",\"new_password\":\"$PW1\"}"
check "password changed" test "$status" = 200
keep_csrf e
new=$(awk '/__Host-bs_session/ {print $7}' "$T/e.cookies")
check "session rotated on change" test -n "$new" -a "$new" != "$old"
check "csrf rotated on change" test "$(cat "$T/e.csrf")" != "$oldcsrf"
req - GET /me -b "__Host-bs_session=$old"
check "old session id is dead" test "$status" = 401
req e GET /status
check "status after the change" test "$status" = 200
check "status JSON same shape as CLI" contains "$body" '"totals"'
# /status is cached per server thread; a change by another process must show at once
for n in 1 2 3 4 5 6; do req e GET /status; done
check "cached status still before the change" contains "$body" '"cloud":false'
run "$BROKERSEC" profile set --data "$D" cloud=yes
cached_ok=1
for n in 1 2 3 4 5 6 7 8; do
	req e GET /status
	contains "$body" '"cloud":true' || cached_ok=0
done
check "status reflects a change made by the CLI (no stale cache)" test "$cached_ok" = 1
"$BROKERSEC" status --data "$D" --format json | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin),sort_keys=True))' >"$T/cli.json"
printf '%s' "$body" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin),sort_keys=True))' >"$T/api.json"
check "API /status = CLI status --format json" cmp -s "$T/cli.json" "$T/api.json"

jreq e POST /me/password "{\"current_password\":\"$PW1\",\"new_password\":\"$PW2\"}"
check "minimum age: second change the same day refused" test "$status" = 403
check "message says minimum age" contains "$body" "minimum age"

# CSRF: state-changing requests need the token
curl -s -o "$T/.body" -w '%{http_code}' --cacert "$D/tls/cert.pem" -X DELETE -b "$T/e.cookies" "$URL/session" >"$T/code"
body=$(cat "$T/.body")
check "CSRF missing -> 403" test "$(cat "$T/code")" = 403 -a "$(jget error.code)" = csrf
curl -s -o "$T/.body" -w '%{http_code}' --cacert "$D/tls/cert.pem" -X DELETE -b "$T/e.cookies" \
	-H "X-CSRF-Token: $oldcsrf" "$URL/session" >"$T/code"
check "old CSRF token -> 403" test "$(cat "$T/code")" = 403
curl -s -o "$T/.body" -w '%{http_code}' --cacert "$D/tls/cert.pem" -X POST -b "$T/e.cookies" \
	-H 'Content-Type: application/json' --data-binary '{"code":"000000"}' "$URL/me/totp/confirm" >"$T/code"
check "CSRF missing on POST -> 403" test "$(cat "$T/code")" = 403
req e GET /me
check "session still alive after the refusals" test "$status" = 200

# fixation: a session id the client brings to sign-in is destroyed, a new one issued
cur=$(awk '/__Host-bs_session/ {print $7}' "$T/e.cookies")
jreq e POST /session "{\"username\":\"erin\",\"password\":\"$PW1\"}"
keep_csrf e
after=$(awk '/__Host-bs_session/ {print $7}' "$T/e.cookies")
check "new id at sign-in" test -n "$after" -a "$after" != "$cur"
req - GET /me -b "__Host-bs_session=$cur"
check "pre-sign-in id no longer valid" test "$status" = 401
req - GET /me -b "__Host-bs_session=0000000000000000000000000000000000000000000000000000000000000000"
check "forged id refused" test "$status" = 401

# logout kills the session on the server
req e DELETE /session
check "logout" test "$status" = 200
req - GET /me -b "__Host-bs_session=$after"
check "session dead after logout" test "$status" = 401

# history: the last 3 passwords cannot come back (min age passed via the CLI reset path)
run "$BROKERSEC" user reset --data "$D" erin --lang en
tok=$(printf '%s\n' "$out" | tail -n 1)
jreq - POST /password-reset "{\"token\":\"$tok\",\"new_password\":\"$PW0\"}"
check "history: first password refused" test "$status" = 400
check "history message" contains "$body" "last 3"
jreq - POST /password-reset "{\"token\":\"$tok\",\"new_password\":\"$PW2\"}"
check "reset with a new password" test "$status" = 200
run "$BROKERSEC" log tail --data "$D" --format json
check "events record sign-ins and changes" contains "$out" "account.password"
check_clean_stop
finish
