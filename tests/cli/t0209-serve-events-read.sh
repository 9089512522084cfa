#!/bin/sh
# serve: GET /events and GET /events/status (A2.4.1.7.6): only roles with events.read get
# them, every read is itself an eventlog.read event by the signed-in account, every refusal
# an auth.denied event; the events are the JSON of `log search --format json`.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate auditor aud auditor
activate it_staff ivan it_staff
activate employee emma employee
run "$BROKERSEC" log append --data "$D" --type test.marker --user alice --location pc-7 --message "marker 保險 one"
check "marker event appended" test "$rc" = 0
seq=$out

# the auditor reads; the known event is there, with the fields `log search` gives
req auditor GET "/events?type=test.marker"
check "auditor reads events" test "$status" = 200
check "reply holds the marker event" contains "$body" "marker 保險 one"
printf '%s' "$body" | python3 -c 'import json,sys; d=json.load(sys.stdin)
e=d["events"]; assert len(e) == 1 and not d["truncated"], d
assert e[0]["type"] == "test.marker" and e[0]["user"] == "alice" and e[0]["host"] == "pc-7", e
print(json.dumps(e[0], sort_keys=True))' >"$T/api.json" 2>"$T/api.err"
check "filter by type: exactly the marker" test -s "$T/api.json"
run "$BROKERSEC" log search --data "$D" --type test.marker --format json
printf '%s' "$out" | python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.readline()), sort_keys=True))' \
	>"$T/cli.json"
check "same event JSON as log search --format json" cmp -s "$T/api.json" "$T/cli.json"

# a prefix type filter, like log search: "test" matches test.marker but not eventlog.read
req auditor GET "/events?type=test&limit=200"
check "type prefix filter" contains "$body" "\"seq\":$seq,"
check "type prefix filter excludes other types" ! contains "$body" '"type":"eventlog.read"'

# user and host filters, limit, time range
req auditor GET "/events?user=alice&host=pc-7"
check "user and host filter" test "$status" = 200 -a "$(printf '%s' "$body" | grep -o '"seq":' | wc -l)" -eq 1
req auditor GET "/events?limit=2"
check "limit 2 gives 2 and says truncated" test "$status" = 200 -a "$(jget truncated)" = true
check "limit 2 gives 2" test "$(printf '%s' "$body" | grep -o '"seq":' | wc -l)" -eq 2
req auditor GET "/events?limit=2"
first=$(printf '%s' "$body" | python3 -c 'import json,sys; e=json.load(sys.stdin)["events"]; print(e[0]["seq"] > e[1]["seq"])')
check "newest first (a page: t0307 pages with ?before/?after)" test "$first" = True
req auditor GET "/events?from=2000-01-01T00:00:00Z&to=2000-12-31"
check "a range with no events is empty" test "$status" = 200 -a "$(jpy 'len(b["events"]), b["older"], b["newer"], b["truncated"]')" = "(0, None, None, False)"

# bad arguments: 400 naming the argument, nothing read
req auditor GET "/events?from=yesterday"
check "bad from -> 400" test "$status" = 400
check "bad from is named" contains "$(jget error.message)" "?from='yesterday'"
req auditor GET "/events?to=2026-13-40"
check "bad to -> 400 naming it" test "$status" = 400 -a "$(jget error.code)" = invalid
check "bad to is named" contains "$body" "?to="
req auditor GET "/events?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"
check "to before from -> 400" test "$status" = 400
req auditor GET "/events?limit=0"
check "limit 0 -> 400 naming limit" test "$status" = 400
check "limit 0 -> 400 naming limit (2)" contains "$body" "?limit='0'"
req auditor GET "/events?limit=201"
check "limit above 200 -> 400" test "$status" = 400
req auditor GET "/events?type=Bad%20Type"
check "bad type -> 400 naming type" test "$status" = 400
check "bad type -> 400 naming type (2)" contains "$body" "?type="
req auditor GET "/events?user="
check "empty user -> 400" test "$status" = 400
req auditor GET "/events?tpye=x"
check "unknown argument -> 400 naming it" test "$status" = 400
check "unknown argument -> 400 naming it (2)" contains "$body" "'tpye'"

# the reads are events by the auditor, from the client address, with what was asked
run "$BROKERSEC" log search --data "$D" --type eventlog.read --user aud --format json
check "API reads are eventlog.read events by the auditor" contains "$out" "GET /api/v1/events"
check "read event names the source address" contains "$out" '"source":"127.0.0.1"'
check "read event records the filter" contains "$out" '"type":"test.marker"'
n_ok=$(printf '%s\n' "$out" | grep -c 'GET /api/v1/events')
check "one read event per successful read (6), none for refused arguments" test "$n_ok" -eq 6

# roles without events.read are refused, and the refusal is an event
req it_staff GET "/events"
check "it_staff refused" test "$status" = 403
check "refusal names the permission" contains "$body" "does not have the permission events.read"
req employee GET "/events?type=test.marker"
check "employee refused" test "$status" = 403
check "employee gets no events" ! contains "$body" "marker"
req employee GET "/events/status"
check "employee refused status" test "$status" = 403
req - GET "/events"
check "no session -> 401" test "$status" = 401
run "$BROKERSEC" log search --data "$D" --type auth.denied --format json
check "it_staff refusal is an event" contains "$out" '"user":"ivan"'
check "employee refusal is an event" contains "$out" "GET /api/v1/events from 127.0.0.1 refused: role employee"
check "employee status refusal is an event" contains "$out" "GET /api/v1/events/status from 127.0.0.1 refused"
run "$BROKERSEC" log search --data "$D" --type eventlog.read --format json
check "refused reads are not read events" ! contains "$out" '"user":"emma"'

# status: what `log status --format json` shows
req auditor GET "/events/status"
check "auditor reads the log status" test "$status" = 200
check "status has the head" contains "$(jget checkpoint.head)" ":"
check "status has retention" test "$(jget retention_days)" = 183
check "status has intake (null: none ran)" contains "$body" '"intake":null'
run "$BROKERSEC" log status --data "$D" --format json
printf '%s' "$out" | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin))))' >"$T/cli.keys"
printf '%s' "$body" | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin))))' >"$T/api.keys"
check "same members as log status --format json" cmp -s "$T/cli.keys" "$T/api.keys"
req - GET "/events/status"
check "status needs a sign-in" test "$status" = 401

req - GET /openapi.yaml
check "openapi describes GET /events" contains "$body" "read the event log"
check "openapi describes /events/status" contains "$body" "  /events/status:"

run "$BROKERSEC" log verify --data "$D"
check "the log still verifies" test "$rc" = 0
check_clean_stop
finish
