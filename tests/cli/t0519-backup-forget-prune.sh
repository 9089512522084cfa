#!/bin/sh
# backup forget / prune (issue 19, SR.12, A2.4.1.8, A3.7.11) and the leftovers of killed runs:
# verify/restore on a repository that is none say so before asking for a key; forget keeps
# the policy's snapshots, always the latest and the one a passing restore test was made
# from, and refuses --keep-last 0; --dry-run changes nothing; prune deletes exactly the
# chunks no snapshot references, a prune killed midway leaves every snapshot whole and the
# next completes; prune waits while another run holds the repository's lock; temporary
# files of killed runs are removed by the next create or prune (old ones only while another
# run is live). Each forget and prune is an event.
. "$TOP/tests/cli/lib.sh"
export BROKERSEC_LANG=en COLUMNS=200
D="$T/data"
R="$T/repo"
B() { "$BROKERSEC" --data "$D" "$@"; }
"$BROKERSEC" init --data "$D" --org t --internal-control yes --test-fast-kdf >/dev/null 2>&1

# a repository that is none, in a data directory that never made a backup (no backup key)
run B backup verify "$T/nope"
check "verify of no repository: refused" [ "$rc" -eq 1 ]
check "verify of no repository: says so first" contains "$err" "'$T/nope' is not a brokersec backup repository"
check "verify of no repository: not about the key" ! contains "$err" "backup key"
run B backup restore "$T/nope" --to "$T/r0"
check "restore of no repository: says so first" contains "$err" "'$T/nope' is not a brokersec backup repository"
check "restore of no repository: nothing made" [ ! -e "$T/r0" ]
run B backup forget "$T/nope" --keep-last 1
check "forget of no repository: says so" contains "$err" "is not a brokersec backup repository"

# five snapshots, each after a new evidence file
for i in 1 2 3 4 5; do
	head -c 700000 /dev/urandom >"$T/e$i.bin"
	B evidence add SR.12 --file "$T/e$i.bin" >/dev/null 2>&1
	B backup create --to "$R" >/dev/null 2>&1
done
snaps() { ls "$R/snapshots" | grep '\.bsm$' | sed 's/\.bsm$//'; }
check "five snapshots" [ "$(snaps | wc -l)" -eq 5 ]
first=$(snaps | head -1)
second=$(snaps | sed -n 2p)
latest=$(snaps | tail -1)
# the restore test is made from the second snapshot
run B backup restore "$R" --snapshot "$second" --to "$T/rt"
check "restore test of the second snapshot: passes" [ "$rc" -eq 0 ]

run B backup forget "$R" --keep-last 0
check "--keep-last 0: refused" [ "$rc" -eq 2 ]
check "--keep-last 0: says the latest is always kept" contains "$err" "always kept"
run B backup forget "$R"
check "forget without --keep-last: refused" [ "$rc" -eq 2 ]

run B backup forget "$R" --keep-last 2 --dry-run
check "dry run: exit 0" [ "$rc" -eq 0 ]
check "dry run: would remove the first" contains "$out" "would remove $first"
check "dry run: keeps the restore-tested one" contains "$out" "restore-tested"
check "dry run: nothing removed" [ "$(snaps | wc -l)" -eq 5 ]
nchunks=$(find "$R/chunks" -type f | wc -l)

run B backup forget "$R" --keep-last 2
check "forget: exit 0" [ "$rc" -eq 0 ]
check "forget: three kept (2 last + the restore-tested)" [ "$(snaps | wc -l)" -eq 3 ]
check "forget: the first is gone" [ ! -e "$R/snapshots/$first.bsm" ]
check "forget: the restore-tested snapshot stays" [ -e "$R/snapshots/$second.bsm" ]
check "forget: the latest stays" [ -e "$R/snapshots/$latest.bsm" ]
check "forget: no chunk removed yet (snapshots first)" [ "$(find "$R/chunks" -type f | wc -l)" -eq "$nchunks" ]
run B log search --type backup.forget
check "forget is an event" contains "$out" "backup.forget"
run B backup verify "$R"
check "after forget: the remaining snapshots verify" [ "$rc" -eq 0 ]

# prune: a dry run, then killed midway, then whole
run B backup prune "$R" --dry-run
check "prune dry run: exit 0" [ "$rc" -eq 0 ]
would=$(printf '%s' "$out" | sed -n 's/.*; \([0-9]*\) unreferenced chunks would be removed.*/\1/p')
check "prune dry run: something to remove ($would)" [ "${would:-0}" -ge 1 ]
check "prune dry run: nothing removed" [ "$(find "$R/chunks" -type f | wc -l)" -eq "$nchunks" ]
BROKERSEC_BACKUP_PRUNE_CRASH_AFTER=1 B backup prune "$R" >/dev/null 2>&1
check "prune killed after one chunk: died" [ "$(find "$R/chunks" -type f | wc -l)" -eq $((nchunks - 1)) ]
run B backup verify "$R"
check "prune killed: every snapshot still verifies" [ "$rc" -eq 0 ]
check "prune killed: its lock is left" [ -n "$(ls "$R/locks")" ]
run B backup prune "$R"
check "next prune (the killed one's lock is stale): exit 0" [ "$rc" -eq 0 ]
check "next prune: removed the rest" contains "$out" "$((would - 1)) unreferenced chunks removed"
check "next prune: the chunk count" [ "$(find "$R/chunks" -type f | wc -l)" -eq $((nchunks - would)) ]
check "next prune: no lock left" [ -z "$(ls "$R/locks")" ]
run B backup verify "$R"
check "after prune: every snapshot verifies" [ "$rc" -eq 0 ]
run B backup restore "$R" --to "$T/r1"
check "after prune: the latest restores" [ "$rc" -eq 0 ]
run B backup prune "$R"
check "prune again: nothing left to remove" contains "$out" "0 unreferenced chunks removed"
run B log search --type backup.prune
check "prune is an event" contains "$out" "backup.prune"

# a repository made before locks/ existed: prune makes it
rm -rf "$R/locks"
run B backup prune "$R" --dry-run
check "no locks/ folder (an older repository): prune runs" [ "$rc" -eq 0 ]

# prune waits while another run holds the lock (a create on another host, started now)
now=$(date +%s)
printf '{"op":"create","host":"elsewhere.example","pid":1,"started":%s}' "$now" >"$R/locks/$now-0000beef.json"
run B backup prune "$R"
check "a live lock: prune refused" [ "$rc" -eq 1 ]
check "a live lock: says another run is writing" contains "$err" "another run is writing"

# temporary files of killed runs: while that run is live only old ones go, after it all
d=$(ls "$R/chunks" | head -1)
old_chunk="$R/chunks/$d/${d}00000000000000000000000000000000000000000000000000000000000000.tmp-1000-deadbeef"
new_snap="$R/snapshots/x.bsm.tmp-$now-00000001"
old_cfg="$R/config.tmp-0badc0de"
: >"$old_chunk"
: >"$new_snap"
: >"$old_cfg"
run B backup create --to "$R"
check "create beside a live create: runs" [ "$rc" -eq 0 ]
check "create beside a live create: an old temporary chunk removed" [ ! -e "$old_chunk" ]
check "create beside a live create: a recent temporary file kept" [ -e "$new_snap" ]
check "create beside a live create: an undated one kept" [ -e "$old_cfg" ]
rm -f "$R/locks/$now-0000beef.json"
run B backup prune "$R"
check "prune with no other run: exit 0" [ "$rc" -eq 0 ]
check "prune with no other run: every temporary file removed" [ -z "$(find "$R" -name '*.tmp-*')" ]
check "prune: says how many" contains "$out" "2 temporary files removed"

# a relative --to is recorded by its absolute path (the folder is made first)
run sh -c "cd '$T' && '$BROKERSEC' --data '$D' backup create --to relrepo"
check "a relative target: exit 0" [ "$rc" -eq 0 ]
run B backup targets
check "a relative target: recorded absolute" contains "$out" "$T/relrepo"

# a real kill -9 of a create: the next create leaves nothing behind
head -c 30000000 /dev/urandom >"$T/big.bin"
B evidence add SR.12 --file "$T/big.bin" >/dev/null 2>&1
B backup create --to "$R" >/dev/null 2>&1 &
pid=$!
sleep 0.4
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
run B backup create --to "$R"
check "after kill -9: the next create completes" [ "$rc" -eq 0 ]
check "after kill -9: no temporary file and no lock left" [ -z "$(find "$R" -name '*.tmp-*'; ls "$R/locks")" ]
run B backup verify "$R"
check "after kill -9: all verify" [ "$rc" -eq 0 ]
finish
