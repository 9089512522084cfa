#!/bin/sh
# Export bundles verify without the data dir; a kill -9 in the middle of appends leaves a log
# that verifies and keeps every acknowledged event.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
"$BROKERSEC" --lang en init --data "$D" --org X --internal-control no > "$T/init.out" || exit 1
grep '^bsseal1-' "$T/init.out" > "$T/vkey"
for i in 1 2 3 4 5; do "$BROKERSEC" log append --type test.e --message "e$i" --data "$D" > /dev/null || exit 1; done
run "$BROKERSEC" --lang en log export --from 2000-01-01 --to 2100-01-01 --out "$T/b.bundle" --data "$D"
check "export succeeds" [ "$rc" -eq 0 ]
check "export succeeds (2)" contains "$out" "exported"
mv "$D" "$T/away"
run "$BROKERSEC" --lang en log verify --bundle "$T/b.bundle" --key "$T/vkey"
check "bundle verifies without the data dir" [ "$rc" -eq 0 ]
check "bundle verifies without the data dir (2)" contains "$out" "intact"
sqlite3 "$T/b.bundle" "UPDATE events SET message = 'x' WHERE seq = 3"
run "$BROKERSEC" --lang en log verify --bundle "$T/b.bundle" --key "$T/vkey"
check "a changed bundle fails naming event 3" [ "$rc" -eq 1 ]
check "a changed bundle fails naming event 3 (2)" contains "$out" "event 3: modified"
run "$BROKERSEC" --lang en log verify --bundle "$T/b.bundle"
check "verify --bundle needs --key" [ "$rc" -eq 2 ]
mv "$T/away" "$D"

# kill -9 while appending: every acknowledged sequence number must be in the log afterwards.
( i=0; while [ $i -lt 400 ]; do "$BROKERSEC" log append --type test.k --message "k$i" --data "$D" >> "$T/acked" 2>/dev/null || break; i=$((i+1)); done ) &
LOOP=$!
sleep 1
# Kill the running brokersec children of the loop (by their pid, not by name).
for p in $(ps -o pid= --ppid "$LOOP"); do kill -9 "$p" 2>/dev/null; done
kill -9 "$LOOP" 2>/dev/null
wait "$LOOP" 2>/dev/null
run "$BROKERSEC" --lang en log verify --key "$T/vkey" --data "$D"
check "after kill -9 the log verifies" [ "$rc" -eq 0 ]
missing=0
for s in $(cat "$T/acked"); do
	[ "$(sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE seq = $s")" = 1 ] || missing=$((missing + 1))
done
check "every acknowledged event is there" [ "$missing" -eq 0 ]
check "every acknowledged event is there (2)" [ -s "$T/acked" ]
finish
