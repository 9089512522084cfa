#!/bin/sh
# Tampering with events.db through sqlite3 is detected and the first bad event is named.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
"$BROKERSEC" --lang en init --data "$D" --org X --internal-control no > "$T/init.out" || exit 1
grep "^bsseal1-" "$T/init.out" > "$T/vkey"
for i in 1 2 3 4 5 6 7 8; do
	"$BROKERSEC" log append --type test.e --message "event $i" --data "$D" > /dev/null || exit 1
done
cp -r "$D" "$T/pristine"
reset() { rm -rf "$D"; cp -r "$T/pristine" "$D"; }
sq() { sqlite3 "$D/events.db" "$1"; }
verify() { run "$BROKERSEC" --lang en log verify --key "$T/vkey" --data "$D"; }

verify
check "pristine copy verifies" [ "$rc" -eq 0 ]

sq "UPDATE events SET message = 'event X' WHERE seq = 5"
verify
check "modified message: exit 1" [ "$rc" -eq 1 ]
check "modified message: names event 5" contains "$out" "event 5: modified"

reset
sq "UPDATE events SET user = 'mallory' WHERE seq = 3"
verify
check "modified user: names event 3" [ "$rc" -eq 1 ]
check "modified user: names event 3 (2)" contains "$out" "event 3: modified"

reset
sq "DELETE FROM events WHERE seq = 4"
verify
check "deleted event: names event 4 missing" [ "$rc" -eq 1 ]
check "deleted event: names event 4 missing (2)" contains "$out" "event 4: missing"

reset
sq "UPDATE events SET seq = -1 WHERE seq = 6; UPDATE events SET seq = 6 WHERE seq = 7; UPDATE events SET seq = 7 WHERE seq = -1"
verify
check "swapped rows: reordered" [ "$rc" -eq 1 ]
check "swapped rows: reordered (2)" contains "$out" "event 6: reordered"

reset
# Insert in the middle: renumber 5.. upwards, then put a new row at 5 with a plausible hash.
sq "UPDATE events SET seq = seq + 1000 WHERE seq >= 5; UPDATE events SET seq = seq - 999 WHERE seq >= 1005;
    INSERT INTO events (seq, time_us, type, severity, message, hash) SELECT 5, time_us, 'test.e', 5, 'forged', hash FROM events WHERE seq = 4"
verify
check "inserted row: names event 5 inserted" [ "$rc" -eq 1 ]
check "inserted row: names event 5 inserted (2)" contains "$out" "event 5: inserted"

reset
LAST=$(sq "SELECT max(seq) FROM events")
sq "DELETE FROM events WHERE seq = $LAST"
verify
check "truncated tail: missing, truncated" [ "$rc" -eq 1 ]
check "truncated tail: named as missing events" contains "$out" "event $LAST: missing: the log ends at event $((LAST - 1))"

reset
sq "UPDATE checkpoints SET time_us = time_us + 1 WHERE idx = 3"
verify
check "checkpoint changed: bad signature" [ "$rc" -eq 1 ]
check "checkpoint changed: bad signature (2)" contains "$out" "checkpoint 3: bad signature"

reset
sq "UPDATE checkpoints SET seal = zeroblob(32) WHERE idx = 2"
verify
check "seal changed: bad seal" [ "$rc" -eq 1 ]
check "seal changed: bad seal (2)" contains "$out" "checkpoint 2: bad seal"
run "$BROKERSEC" log verify --data "$D"
check "without --key the seal is not checked and says so" [ "$rc" -eq 0 ]
check "without --key the seal is not checked and says so (2)" contains "$err" "未檢查前向安全封印"

reset
sq "DELETE FROM checkpoints WHERE idx = 2"
verify
check "deleted checkpoint: missing" [ "$rc" -eq 1 ]
check "deleted checkpoint: missing (2)" contains "$out" "checkpoint 2: missing"

reset
HEAD=$("$BROKERSEC" --lang en log status --data "$D" | sed -n 's/^head[^:]*: //p')
LASTCK=$(sq "SELECT max(idx) FROM checkpoints")
S=$(sq "SELECT tree_size FROM checkpoints WHERE idx = $LASTCK - 2")
sq "DELETE FROM events WHERE seq > $S; DELETE FROM checkpoints WHERE idx > $LASTCK - 2"
verify
check "truncation with its checkpoints passes without a head" [ "$rc" -eq 0 ]
N=$(sq "SELECT max(seq) FROM events")
run "$BROKERSEC" --lang en log verify --key "$T/vkey" --head "$HEAD" --data "$D"
check "... and fails against the head written down" [ "$rc" -eq 1 ]
check "... and fails against the head written down: truncated, the first missing event named" \
	contains "$out" "event $((N + 1)): missing"
check "... (truncated)" contains "$out" "(truncated"
# rolled back: cut back, then written on past the head's size: the first events differ
n=$(( ${HEAD%%:*} - $(sq "SELECT max(seq) FROM events") + 3 ))
i=0
while [ $i -lt $n ]; do "$BROKERSEC" log append --data "$D" --type test.more --message "after $i" >/dev/null; i=$((i + 1)); done
run "$BROKERSEC" --lang en log verify --key "$T/vkey" --head "$HEAD" --data "$D"
check "rolled back and written on: fails against the head" [ "$rc" -eq 1 ]
check "rolled back and written on: says so" contains "$out" "rolled back"
# a head that is a prefix (not a checkpoint size) of an intact log passes
reset
P=$(sq "SELECT tree_size FROM checkpoints WHERE idx = 2")
R=$("$BROKERSEC" --lang en log status --data "$D" | sed -n 's/^head[^:]*: //p')
run "$BROKERSEC" --lang en log verify --key "$T/vkey" --head "$R" --data "$D"
check "an intact log verifies against its head" [ "$rc" -eq 0 ]

# verify only reads: an unsealed tail (its checkpoint deleted) is reported, not sealed first
# (the read is logged after the verdict, and that write seals the tail from then on)
reset
sq "DELETE FROM checkpoints WHERE idx = (SELECT max(idx) FROM checkpoints)"
run "$BROKERSEC" --lang en log verify --key "$T/vkey" --data "$D" --strict
check "unsealed tail: --strict fails" [ "$rc" -eq 1 ]
check "unsealed tail: --strict says why" contains "$out" "unsealed tail: the last 1 events"
run sqlite3 "$D/events.db" "SELECT message FROM events WHERE type = 'eventlog.read' ORDER BY seq DESC LIMIT 1"
check "the read is logged after the verdict, with it" contains "$out" "verify: TAMPERED"
reset
sq "DELETE FROM checkpoints WHERE idx = (SELECT max(idx) FROM checkpoints)"
verify
check "unsealed tail: not a failure without --strict" [ "$rc" -eq 0 ]
check "unsealed tail: a loud warning" contains "$err" "WARNING: the last 1 events"

# deleted index rows hide no event from a search (its counts are checked against the events)
reset
sq "DELETE FROM event_seconds"
today=$(date -u +%Y-%m-%d)
run "$BROKERSEC" log search --data "$D" --from "$today" --to "$today" --type test.e --format json
check "event_seconds emptied: search by time still finds every event" test "$(printf '%s\n' "$out" | grep -c '"test.e"')" = 8

reset
SIZE=$(stat -c %s "$D/events.db")
truncate -s $((SIZE / 2)) "$D/events.db"
rm -f "$D/events.db-wal" "$D/events.db-shm"
verify
check "truncated file: exit 1" [ "$rc" -eq 1 ]

# the verification key names the signing key (bspub1): a replaced keys/signing.pub is caught
sed -n '/^bsseal1-/,/^bspub1-/p' "$T/init.out" > "$T/vkey2"
check "init prints the signing key with the verification key" grep -q '^bspub1-[0-9a-f]\{64\}$' "$T/vkey2"
reset
run "$BROKERSEC" --lang en log verify --key "$T/vkey2" --data "$D"
check "the pinned key verifies the genuine log" [ "$rc" -eq 0 ]
check "... without the note that the key is not pinned" ! contains "$err" "names no signing key"
run "$BROKERSEC" --lang en log verify --key "$T/vkey" --data "$D"
check "a key without bspub1: a note that signing.pub was trusted" contains "$err" "names no signing key"
"$BROKERSEC" init --data "$T/other" --org Y --internal-control no >/dev/null
cp "$T/other/keys/signing.pub" "$D/keys/signing.pub"
run "$BROKERSEC" --lang en log verify --key "$T/vkey2" --data "$D"
check "signing.pub replaced: TAMPERED" [ "$rc" -eq 1 ]
check "signing.pub replaced: says so" contains "$out" "keys/signing.pub was replaced"

reset
echo "bsseal1-00000000000000000000000000000000-1-900000000-0000000000000000000000000000000000000000000000000000000000000000" > "$T/badkey"
run "$BROKERSEC" --lang en log verify --key "$T/badkey" --data "$D"
check "another log's key is refused" [ "$rc" -eq 1 ]
check "another log's key is refused (2)" contains "$out" "another log"
finish
