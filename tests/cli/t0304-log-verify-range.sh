#!/bin/sh
# log verify --from/--to checks only the checkpoints that cover the range, reports as the full
# verify does, and names the first bad event inside the range.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
"$BROKERSEC" --lang en init --data "$D" --org X --internal-control no > "$T/init.out" || exit 1
grep "^bsseal1-" "$T/init.out" > "$T/vkey"
for i in 1 2 3; do
	"$BROKERSEC" log append --type test.old --message "old $i" --data "$D" > /dev/null || exit 1
done
sleep 1.2
MID=$(date -u '+%Y-%m-%dT%H:%M:%SZ')
sleep 1.2
for i in 1 2 3; do
	"$BROKERSEC" log append --type test.new --message "new $i" --data "$D" > /dev/null || exit 1
done
OLD=$(sqlite3 "$D/events.db" "SELECT min(seq) FROM events WHERE type = 'test.old'")
NEW=$(sqlite3 "$D/events.db" "SELECT min(seq) + 1 FROM events WHERE type = 'test.new'")
cp -r "$D" "$T/pristine"
reset() { rm -rf "$D"; cp -r "$T/pristine" "$D"; }
rverify() { run "$BROKERSEC" --lang en log verify --key "$T/vkey" --from "$MID" --to 2100-01-01 --data "$D"; }

rverify
check "range verify of an intact log: exit 0" [ "$rc" -eq 0 ]
check "range verify of an intact log: exit 0 (2)" contains "$out" "intact"
n=$(printf '%s\n' "$out" | sed -n 's/^intact: \([0-9]*\) events.*/\1/p')
check "the range covers fewer events than the log" [ -n "$n" ]
check "the range covers fewer events than the log (2)" [ "$n" -lt "$(sqlite3 "$D/events.db" 'SELECT count(*) FROM events')" ]

reset
sqlite3 "$D/events.db" "UPDATE events SET message = 'forged' WHERE seq = $OLD"
rverify
check "a change before the range is outside it" [ "$rc" -eq 0 ]
run "$BROKERSEC" --lang en log verify --key "$T/vkey" --data "$D"
check "... and the full verify finds it" [ "$rc" -eq 1 ]
check "... and the full verify finds it (2)" contains "$out" "event $OLD: modified"

reset
sqlite3 "$D/events.db" "UPDATE events SET message = 'forged' WHERE seq = $NEW"
rverify
check "a change inside the range: exit 1, names the event" [ "$rc" -eq 1 ]
check "a change inside the range: exit 1, names the event (2)" contains "$out" "event $NEW: modified"

reset
sqlite3 "$D/events.db" "DELETE FROM events WHERE seq = $NEW"
rverify
check "a deletion inside the range is named" [ "$rc" -eq 1 ]
check "a deletion inside the range is named (2)" contains "$out" "event $NEW: missing"

reset
run "$BROKERSEC" --lang en log verify --from 2000-01-01 --to 2000-01-02 --data "$D"
check "a range before the log verifies its first checkpoint" [ "$rc" -eq 0 ]
check "a range before the log verifies its first checkpoint (2)" contains "$out" "intact: 0 events"
run "$BROKERSEC" --lang en log verify --from "$MID" --head "1:00" --data "$D"
check "--head with a range is a usage error" [ "$rc" -eq 2 ]
finish
