#!/bin/sh
# serve: POST /events with a scoped API token (NDJSON batch, answered after commit).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate it ivan it_staff
run "$BROKERSEC" user token --data "$D" ivan --scope events.append --days 7 --lang en
check "token issued" test "$rc" = 0
tok=$(printf '%s\n' "$out" | tail -n 1)
run "$BROKERSEC" user token --data "$D" ivan --scope users.write
check "scope beyond the role refused" test "$rc" = 1
run "$BROKERSEC" user token --data "$D" ivan --scope status.read --lang en
stok=$(printf '%s\n' "$out" | tail -n 1)

printf '%s\n' '{"type":"app.login","severity":5,"host":"pc-7","message":"user x signed in","data":{"k":1}}' \
	'{"type":"app.logout","message":"bye"}' >"$T/ev.ndjson"
req - POST /events -H "Authorization: Bearer $tok" -H 'Content-Type: application/x-ndjson' --data-binary "@$T/ev.ndjson"
check "batch accepted" test "$status" = 200 -a "$(jget accepted)" = 2
run "$BROKERSEC" log search --data "$D" --type app.login --format json
check "event stored with its sender" contains "$out" "pc-7"
check "event user is the token owner" contains "$out" "ivan"

printf '%s\n' '{"type":"ok.one"}' 'not json' >"$T/bad.ndjson"
req - POST /events -H "Authorization: Bearer $tok" --data-binary "@$T/bad.ndjson"
check "bad line refused with its number" test "$status" = 400
check "bad line refused with its number (2)" contains "$body" "line 2"
run "$BROKERSEC" log search --data "$D" --type ok.one --format json
check "all or nothing" test "$(printf '%s' "$out" | grep -c ok.one)" = 0

req - POST /events -H "Authorization: Bearer $stok" --data-binary "@$T/ev.ndjson"
check "token without the scope refused" test "$status" = 403
req - GET /status -H "Authorization: Bearer $stok"
check "status.read token reads /status" test "$status" = 200
req - GET /users -H "Authorization: Bearer $stok"
check "tokens not accepted on /users" test "$status" = 401
req - POST /events -H "Authorization: Bearer bst_$(printf '%064d' 0)" --data-binary "@$T/ev.ndjson"
check "unknown token refused (401: not authenticated, RFC 6750)" test "$status" = 401
req it POST /events --data-binary "@$T/ev.ndjson"
check "session cookie not enough for /events" test "$status" = 401
check_clean_stop
finish
