#!/bin/sh
# The event log page in a real browser (tests/ui/evlog.test.mjs): the status card, a filter by
# type paged 50 at a time by cursor both ways, a text search, one event in full, the integrity
# check, the export bundle downloaded and then verified offline with the key, English, a
# phone's width and 200 % zoom, an employee refused; then the log changed with sqlite3 and the
# page's check says so. axe and screenshots.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
. "$TOP/tests/cli/t02-web.inc"

ui_ready
start_server
grep '^bsseal1-' "$T/init.out" >"$T/vkey"
activate S so1 security_officer
activate E emp1 employee
activate I ivan it_staff
run "$BROKERSEC" user token --data "$D" ivan --scope events.append --days 7 --lang en
tok=$(printf '%s\n' "$out" | tail -n 1)
i=0
: >"$T/ev.ndjson"
while [ $i -lt 120 ]; do
	if [ $i = 77 ]; then msg='a Needle-盤點 in the log'; else msg="ui event $i"; fi
	printf '{"type":"test.ui","host":"pc-%d","message":"%s","data":{"n":%d,"nested":{"k":"v"}}}\n' $((i % 3)) "$msg" $i >>"$T/ev.ndjson"
	i=$((i + 1))
done
req - POST /events -H "Authorization: Bearer $tok" -H 'Content-Type: application/x-ndjson' --data-binary "@$T/ev.ndjson"
check "120 test events appended" test "$status" = 200
today=$(TZ=Asia/Taipei date +%Y-%m-%d)
run_ui evlog.test.mjs UI_PW1="$PW1" EV_BUNDLE="$T/bundle.sqlite" EV_TODAY="$today" EV_MODE=main
check "the browser saved the bundle" test -s "$T/bundle.sqlite"
run "$BROKERSEC" --lang en log verify --bundle "$T/bundle.sqlite" --key "$T/vkey"
check "the downloaded bundle verifies offline with the key" test "$rc" = 0
check "the downloaded bundle verifies offline with the key (2)" contains "$out" "intact"
check "it holds the 120 test events" test "$(sqlite3 "$T/bundle.sqlite" "SELECT count(*) FROM events WHERE type = 'test.ui'")" = 120
run "$BROKERSEC" log search --data "$D" --type eventlog.read --user so1 --format json
check "the page's verify is an event by so1" contains "$out" "log verify (POST /api/v1/events/verify)"
check "the page's export is an event by so1" contains "$out" "log export (GET /api/v1/events/bundle)"
check "the page's reads are events by so1" contains "$out" '"q":"needle-盤點"'

sqlite3 "$D/events.db" "UPDATE events SET message = 'ui event forged' WHERE message = 'ui event 5'"
run_ui evlog.test.mjs UI_PW1="$PW1" EV_BUNDLE="$T/bundle2.sqlite" EV_TODAY="$today" EV_MODE=tampered
finish
