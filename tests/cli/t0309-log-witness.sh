# Heads witnessed off the host (issue 20, the second layer): `serve --witness syslog://…`
# sends the log's signed head (the line `log head` prints) to a syslog server; here the
# witness is another brokersec's intake, whose own log keeps what it receives.
# `log verify --witness FILE` checks the log against every head of it in FILE. The cut that
# nothing on the host can catch - back to the previous closing checkpoint, with everything
# written since - is caught against the witness; heads not signed with the log's key are
# not counted; a witness of another log is said to hold none of this one's.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t04-intake.inc"
D="$T/data"
W="$T/witness"
KEY="$T/vkey"
SPID=""
ipid=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; [ -n "$ipid" ] && kill "$ipid" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
sq() { sqlite3 "$D/events.db" "$1"; }
append() { i=0; while [ $i -lt "$1" ]; do "$BROKERSEC" log append --data "$D" --type test.w --message "event $i" >/dev/null; i=$((i + 1)); done; }

"$BROKERSEC" init --data "$W" --org Witness --internal-control no >/dev/null
"$BROKERSEC" intake --data "$W" --syslog-udp 127.0.0.1:0 2>"$T/intake.err" &
ipid=$!
port=$(wait_port "$T/intake.err" udp)
check "the witness listens" test -n "$port"
"$BROKERSEC" init --data "$D" --org X --internal-control no --verification-key-file "$KEY" >/dev/null

run "$BROKERSEC" --lang en serve --data "$D" --listen 127.0.0.1:0 --witness "http://127.0.0.1:$port"
check "--witness takes syslog://HOST:PORT only" test "$rc" = 1
check "... and says so" contains "$err" "give syslog://HOST:PORT"

run "$BROKERSEC" log head --data "$D"
check "log head: one signed line" contains "$out" "brokersec-head v1 log="

# the first run: writes, then stops (a closing checkpoint, sent to the witness too)
append 3
"$BROKERSEC" serve --data "$D" --listen 127.0.0.1:0 --no-access-log --witness "syslog://127.0.0.1:$port" \
	>"$T/serve.out" 2>"$T/serve.err" &
SPID=$!
wait_for "$T/serve.out" '^listening on' || true
append 5
sleep 11 # the server sends a changed head within 10 s
kill "$SPID"; wait "$SPID"; SPID=""
closed1=$(sq "SELECT max(idx) FROM checkpoints")
# the second run: more events, heads sent again
"$BROKERSEC" serve --data "$D" --listen 127.0.0.1:0 --no-access-log --witness "syslog://127.0.0.1:$port" \
	>"$T/serve.out" 2>"$T/serve.err" &
SPID=$!
wait_for "$T/serve.out" '^listening on' || true
append 6
sleep 11
kill "$SPID"; wait "$SPID"; SPID=""
check "the server said nothing about the witness failing" ! grep -q witness "$T/serve.err"

"$BROKERSEC" log search --data "$W" --format json >"$T/witness.json"
heads=$(grep -c 'brokersec-head v1' "$T/witness.json")
check "the witness kept the heads it was sent ($heads)" test "$heads" -ge 3
last=$(sq "SELECT tree_size FROM checkpoints ORDER BY idx DESC LIMIT 1")
run "$BROKERSEC" --lang en log verify --data "$D" --key "$KEY" --witness "$T/witness.json"
check "the genuine log agrees with its witness" test "$rc" = 0
check "... and says how many heads it checked, the latest the log's own" \
	grep -Eq "^agrees with the witness: [0-9]+ heads, the latest $last:" "$T/.out"

# the cut back to the first run's closing checkpoint: nothing on the host can tell
cp -r "$D" "$T/pristine"
size=$(sq "SELECT tree_size FROM checkpoints WHERE idx = $closed1")
sq "DELETE FROM events WHERE seq > $size; DELETE FROM checkpoints WHERE idx > $closed1;
    DELETE FROM event_seconds WHERE max_seq > $size"
run "$BROKERSEC" --lang en log verify --data "$D" --key "$KEY"
check "cut back to an earlier closing checkpoint: intact without a witness (the hole it closes)" test "$rc" = 0
check "... though it says since when the log is closed" contains "$out" "the log was closed at"
run "$BROKERSEC" --lang en log verify --data "$D" --key "$KEY" --witness "$T/witness.json"
check "against the witness: TAMPERED" test "$rc" = 1
check "... the witness saw more events than the log has" contains "$out" "a witness saw"

# a rewritten event under the witnessed heads
rm -rf "$D"; cp -r "$T/pristine" "$D"
sq "UPDATE events SET message = 'rewritten', hash = hash WHERE seq = 2"
run "$BROKERSEC" --lang en log verify --data "$D" --witness "$T/witness.json"
check "a changed event: TAMPERED" test "$rc" = 1

# heads not signed with the log's key, and another log's witness record
rm -rf "$D"; cp -r "$T/pristine" "$D"
python3 -c "import re, sys
s = open(sys.argv[1]).read()
print(re.sub(r'sig=([0-9a-f])', lambda m: 'sig=' + ('e' if m.group(1) == 'f' else 'f'), s), end='')" \
	"$T/witness.json" >"$T/forged.json"
run "$BROKERSEC" --lang en log verify --data "$D" --witness "$T/forged.json"
check "heads with bad signatures do not count" contains "$out" "only heads whose signature does not verify"
"$BROKERSEC" log search --data "$W" --type nothing --format json >"$T/empty.json"
run "$BROKERSEC" --lang en log verify --data "$D" --witness "$T/empty.json"
check "a witness record without this log's heads: said, exit 1" test "$rc" = 1
check "... with what to check" contains "$out" "holds no head of this log"
finish
