# The log's tail cut off with its checkpoints (issue 20): with 10-second sealing epochs
# (init --seal-epoch), a serving process seals a heartbeat checkpoint in every epoch even
# when idle, the last writer closes the log with a closing checkpoint, and `log verify`
# demands a checkpoint in every epoch up to the one before now unless the log was closed.
#  - the cut the issue reports (the last events, their checkpoints and event_seconds rows
#    deleted with sqlite3) is caught once its epoch is over;
#  - a cut followed by events and checkpoints sealed with the current key (brokersec itself,
#    run by the thief) is caught at once: the epochs jump;
#  - a service stopped, idle for epochs, then restarted verifies intact, before and after.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
KEY="$T/vkey"
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
B() { "$BROKERSEC" --lang en "$@"; }
sq() { sqlite3 "$D/events.db" "$1"; }
verify() { run "$BROKERSEC" --lang en log verify --data "$D" --key "$KEY"; }
serve_start() {
	"$BROKERSEC" serve --data "$D" --listen 127.0.0.1:0 --no-access-log >"$T/serve.out" 2>"$T/serve.err" &
	SPID=$!
	i=0
	while ! grep -q '^listening on' "$T/serve.out" 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
}
serve_stop() { kill "$SPID"; wait "$SPID"; SPID=""; }
append() { i=0; while [ $i -lt "$1" ]; do B log append --data "$D" --type test.cut --message "event $i" >/dev/null; i=$((i + 1)); done; }
# the epoch of now, and a wait until the next one has begun (plus a second for the heartbeat)
epoch_now() { python3 -c "import time,sys; print(int((time.time()*1e6 - $START) // 10000000))"; }
next_epoch() { python3 -c "import time; s=10-((time.time()*1e6 - $START)/1e6 % 10); time.sleep(s + 1.5)"; }

run B init --data "$D" --org X --internal-control no --seal-epoch 10s --verification-key-file "$KEY"
check "init with 10-second epochs" test "$rc" = 0
START=$(sq "SELECT v FROM meta WHERE k = 'epoch_start_us'")
check "the epoch is recorded" test "$(sq "SELECT v FROM meta WHERE k = 'epoch_us'")" = 10000000
run B init --data "$T/x" --org X --internal-control no --seal-epoch 5s
check "--seal-epoch below 10 s is refused" test "$rc" = 2

# ---- the heartbeat: an idle server seals every epoch; its stop closes the log
serve_start
append 40
before=$(sq "SELECT max(epoch) FROM checkpoints")
next_epoch
next_epoch
now_e=$(epoch_now)
check "idle, the server sealed a checkpoint in each epoch that ended (0..$((now_e - 1)))" \
	test "$(sq "SELECT count(DISTINCT epoch) FROM checkpoints WHERE epoch < $now_e")" = "$now_e"
check "... each after its epoch's end, sealed with that epoch's key (so the key moved on)" \
	test "$(sq "SELECT max(epoch) FROM checkpoints")" -ge $((before + 1))
check "while the server runs, the CLI's writers do not close the log" \
	test "$(sq "SELECT count(*) FROM checkpoints WHERE kind & 1 = 1 AND idx > (SELECT min(idx) FROM checkpoints WHERE tree_size >= 5)")" = 0
ke=$(od -An -tu1 -j24 -N8 "$D/keys/seal.key" | awk '{v = 0; for (i = 1; i <= NF; i++) v = v * 256 + $i; print v}')
check "idle, the sealing key evolved on time to the current epoch ($ke = $now_e): no old key is left" test "$ke" = "$now_e"
verify
check "serving, idle: intact" test "$rc" = 0
serve_stop
check "the server's stop closes the log" test "$(sq "SELECT kind & 1 FROM checkpoints ORDER BY idx DESC LIMIT 1")" = 1
cp -r "$D" "$T/closed"

# ---- stopped, idle for two epochs: intact (closed); restarted: intact, no filler checkpoints
next_epoch
next_epoch
verify
check "stopped and idle for epochs: intact (the log was closed)" test "$rc" = 0
n0=$(sq "SELECT count(*) FROM checkpoints")
serve_start
append 5
verify
check "restarted after the idle epochs: intact" test "$rc" = 0
check "no filler checkpoints for the epochs nobody wrote in" test $(( $(sq "SELECT count(*) FROM checkpoints") - n0 )) -le 7

# ---- the cut: the last 12 events, their checkpoints and their event_seconds rows
append 12
next_epoch
serve_stop
cut=$(( $(sq "SELECT max(seq) FROM events") - 12 ))
lastck=$(sq "SELECT max(idx) FROM checkpoints WHERE tree_size <= $cut AND kind & 1 = 0")
sq "DELETE FROM events WHERE seq > $cut; DELETE FROM checkpoints WHERE idx > $lastck;
    DELETE FROM event_seconds WHERE max_seq > $cut"
next_epoch
next_epoch
verify
check "tail cut with its checkpoints: TAMPERED" test "$rc" = 1
check "it says the log ends without closing" contains "$out" "without closing, but now is epoch"
check "and names the last checkpoint left" contains "$out" "checkpoint $lastck:"

# ---- the same cut, then events sealed with the current key (the thief runs brokersec)
rm -rf "$D"
cp -r "$T/closed" "$D"
serve_start
append 8
next_epoch
next_epoch
append 4
serve_stop
cut=$(( $(sq "SELECT max(seq) FROM events") - 6 ))
lastck=$(sq "SELECT max(idx) FROM checkpoints WHERE tree_size <= $cut AND epoch < (SELECT max(epoch) - 1 FROM checkpoints)")
sq "DELETE FROM events WHERE seq > $(sq "SELECT tree_size FROM checkpoints WHERE idx = $lastck"); DELETE FROM checkpoints WHERE idx > $lastck"
next_epoch
append 3
verify
check "a cut plus events sealed with today's key: TAMPERED" test "$rc" = 1
check "the epochs' seals are missing" contains "$out" "missing seal: epochs are not continuous"
finish
