#!/bin/sh
# log append/tail/search/status/verify on a fresh data directory; state changes are events.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
run "$BROKERSEC" --lang en init --data "$D" --org "測試經紀人" --internal-control yes
check "init succeeds" [ "$rc" -eq 0 ]
printf '%s\n' "$out" | grep '^bsseal1-' > "$T/vkey"
check "init prints the verification key once" grep -q '^bsseal1-[0-9a-f]\{32\}-[0-9]*-900000000-[0-9a-f]\{64\}$' "$T/vkey"
check "the verification key is not kept in the data dir" sh -c "! grep -rqF '$(cut -d- -f5 "$T/vkey")' '$D'"
run "$BROKERSEC" log append --type test.login --user alice --location host1 --outcome failure --message "bad password" --data "$D"
check "append prints the sequence number" [ "$rc" -eq 0 ]
check "append prints the sequence number" [ "$out" = "$(sqlite3 "$D/events.db" 'SELECT max(seq) FROM events')" ]
run "$BROKERSEC" --lang en log append --type "Bad Type" --message x --data "$D"
check "append refuses a bad type" [ "$rc" -eq 1 ]
check "append refuses a bad type (2)" contains "$err" "event type 'Bad Type' is not valid"
run "$BROKERSEC" --lang en log append --type t.x --message x --data-json '[1]' --data "$D"
check "append refuses data that is not a JSON object" [ "$rc" -eq 1 ]
check "append refuses data that is not a JSON object (2)" contains "$err" "JSON object"
run "$BROKERSEC" profile set cloud=yes --data "$D"
check "profile set succeeds" [ "$rc" -eq 0 ]
run "$BROKERSEC" log search --type profile --format json --data "$D"
check "profile set is an event" contains "$out" '"type":"profile.set"'
check "profile set event names the flag" eval 'contains "$out" "\"flag\": \"cloud\"" || contains "$out" "\"flag\":\"cloud\""'
run "$BROKERSEC" log search --user alice --data "$D"
check "search by user" contains "$out" "test.login"
check "search by user (2)" ! contains "$out" "profile.set"
run "$BROKERSEC" log tail -n 2 --format json --data "$D"
check "reading is itself an event" contains "$out" '"type":"eventlog.read"'
check "tail -n 2 prints two lines" [ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ]
run "$BROKERSEC" log verify --key "$T/vkey" --data "$D"
check "verify intact exits 0" [ "$rc" -eq 0 ]
check "verify intact says so" contains "$out" "完整"
run "$BROKERSEC" --lang en log status --data "$D"
check "status shows the head and retention" contains "$out" "head"
check "status shows the head and retention (2)" contains "$out" "retention: 183 days"
run "$BROKERSEC" --lang en log retention 100 --data "$D"
check "retention below 183 days is refused" [ "$rc" -eq 1 ]
check "retention below 183 days is refused (2)" contains "$err" "minimum of 183 days"
run "$BROKERSEC" log retention 400 --data "$D"
check "retention can be raised" [ "$rc" -eq 0 ]
run "$BROKERSEC" log retention 200 --data "$D"
check "retention cannot be lowered again" [ "$rc" -eq 1 ]
check "retention cannot be lowered again (2)" contains "$err" "can only be raised"
run "$BROKERSEC" log purge --data "$D"
check "purge of a young log deletes nothing" [ "$rc" -eq 0 ]
check "purge of a young log deletes nothing (2)" contains "$out" " 0"
run "$BROKERSEC" log verify --key "$T/vkey" --data "$D"
check "still intact" [ "$rc" -eq 0 ]
finish
