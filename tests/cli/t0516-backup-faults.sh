#!/bin/sh
# backup faults (issue 19): a create killed mid-run (kill -9) leaves the earlier backups
# intact and the next run completes; a flipped bit in a chunk, a missing chunk, a changed
# manifest and a wrong key each give a clear message naming what is affected, no crash;
# restore stops on a damaged chunk naming the file; a full target disk (a 1 MiB tmpfs, when
# this test may mount one) is a clear message and the earlier backup stays intact.
. "$TOP/tests/cli/lib.sh"
export BROKERSEC_LANG=en COLUMNS=200
D="$T/data"
B() { "$BROKERSEC" --data "$D" "$@"; }
"$BROKERSEC" init --data "$D" --org t --internal-control yes --test-fast-kdf >/dev/null 2>&1
head -c 2500000 /dev/urandom >"$T/a.bin"
B evidence add SR.12 --file "$T/a.bin" >/dev/null 2>&1
ev_a=$(sha256sum "$T/a.bin" | cut -c1-64)

run B backup create --to "$T/repo"
check "first create: exit 0" [ "$rc" -eq 0 ]

# kill -9 in the middle of the second run (after 2 new chunks are written)
head -c 6000000 /dev/urandom >"$T/b.bin"
B evidence add SR.12 --file "$T/b.bin" >/dev/null 2>&1
BROKERSEC_BACKUP_CRASH_AFTER=2 B backup create --to "$T/repo" >/dev/null 2>&1
rc=$?
check "killed create: died (exit $rc)" [ "$rc" -ne 0 ]
check "killed create: no second manifest" [ "$(ls "$T/repo/snapshots" | grep -c '\.bsm$')" -eq 1 ]
run B backup verify "$T/repo"
check "after the kill: the earlier backup verifies" [ "$rc" -eq 0 ]
run B backup create --to "$T/repo"
check "after the kill: the next run completes" [ "$rc" -eq 0 ]
check "after the kill: the snapshot folder of the killed run is gone" [ -z "$(ls -A "$D" | grep backup-tmp)" ]
run B backup verify "$T/repo"
check "after the kill: both backups verify" [ "$rc" -eq 0 ]
# a real kill -9 of a running create
head -c 40000000 /dev/urandom >"$T/c.bin"
B evidence add SR.12 --file "$T/c.bin" >/dev/null 2>&1
B backup create --to "$T/repo" >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
run B backup verify "$T/repo"
check "after a real kill -9: the backups verify" [ "$rc" -eq 0 ]
run B backup create --to "$T/repo"
check "after a real kill -9: the next run completes" [ "$rc" -eq 0 ]
check "after a real kill -9: no temporary file or lock left in the repository" [ -z "$(find "$T/repo" -name '*.tmp-*'; ls "$T/repo/locks")" ]

cp -a "$T/repo" "$T/pristine"
# a flipped bit in a chunk of a.bin
chunk=$(B backup snapshots "$T/repo" >/dev/null 2>&1; find "$T/repo/chunks" -type f -size +1000k | head -1)
python3 - "$chunk" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x10
open(p, "wb").write(bytes(b))
PY
run B backup verify "$T/repo"
check "flipped bit: verify fails" [ "$rc" -eq 1 ]
check "flipped bit: says the chunk does not authenticate" contains "$out" "does not authenticate"
check "flipped bit: names an affected file" contains "$out" "evidence/"
check "flipped bit: the summary" contains "$err" "is damaged"
run B backup restore "$T/repo" --to "$T/r1"
check "flipped bit: restore fails" [ "$rc" -eq 1 ]
check "flipped bit: restore names the file" contains "$err" "cannot be restored"
run B log search --type backup.verify
check "the failed verify is an event" contains "$out" "FAIL"

# a missing chunk
rm -rf "$T/repo" && cp -a "$T/pristine" "$T/repo"
find "$T/repo/chunks" -type f | head -3 | xargs rm -f
run B backup verify "$T/repo"
check "missing chunk: verify fails" [ "$rc" -eq 1 ]
check "missing chunk: says missing" contains "$out" "is missing"
check "missing chunk: names the files" contains "$out" "affects"

# a changed manifest (a byte of its ciphertext)
rm -rf "$T/repo" && cp -a "$T/pristine" "$T/repo"
m=$(ls "$T/repo/snapshots/"*.bsm | head -1)
printf 'X' | dd of="$m" bs=1 seek=40 conv=notrunc 2>/dev/null
run B backup verify "$T/repo"
check "changed manifest: verify fails" [ "$rc" -eq 1 ]
check "changed manifest: the signature" contains "$out$err" "signature does not verify"

# a wrong key
rm -rf "$T/repo" && cp -a "$T/pristine" "$T/repo"
printf 'bsbackup1-%064d\n' 0 >"$T/wrong.key"
run B backup verify "$T/repo" --key-file "$T/wrong.key"
check "wrong key: refused" [ "$rc" -eq 1 ]
check "wrong key: says so" contains "$err" "wrong backup key"
run B backup restore "$T/repo" --to "$T/r2" --key-file "$T/wrong.key"
check "wrong key: restore refused" [ "$rc" -eq 1 ]
check "wrong key: nothing restored" [ ! -e "$T/r2" ]
printf 'nonsense\n' >"$T/bad.key"
run B backup verify "$T/repo" --key-file "$T/bad.key"
check "a key file without a key: says what it should hold" contains "$err" "bsbackup1-"
run B backup verify "$T/pristine"
check "the pristine copy still verifies" [ "$rc" -eq 0 ]

# the restore test's state comparison: a count the restored database does not have
BROKERSEC_BACKUP_SKEW_STATE=1 B backup create --to "$T/skew" >/dev/null 2>&1
run B backup restore "$T/skew" --to "$T/r3"
check "state differs: the restore test fails" [ "$rc" -eq 1 ]
check "state differs: says which table" contains "$out" "table backup_target has"
check "state differs: DIFFER" contains "$out" "row counts against the backup: DIFFER"
run B log search --type backup.restore-test
check "state differs: the failed restore test is an event" contains "$out" "FAIL"

# a full target disk: a 1 MiB tmpfs (needs the right to mount)
mkdir "$T/full"
if mount -t tmpfs -o size=1m tmpfs "$T/full" 2>/dev/null; then
	trap 'umount "$T/full" 2>/dev/null; rm -rf "$T"' EXIT
	D2="$T/data2"
	"$BROKERSEC" init --data "$D2" --org t --internal-control yes --test-fast-kdf >/dev/null 2>&1
	run "$BROKERSEC" --data "$D2" backup create --to "$T/full/repo"
	check "full disk: a small first backup fits" [ "$rc" -eq 0 ]
	"$BROKERSEC" --data "$D2" evidence add SR.12 --file "$T/a.bin" >/dev/null 2>&1
	run "$BROKERSEC" --data "$D2" backup create --to "$T/full/repo"
	check "full disk: refused" [ "$rc" -eq 1 ]
	check "full disk: says the target is full" contains "$err" "the backup target is full"
	check "full disk: no temp file left behind" [ -z "$(find "$T/full" -name '*.tmp-*')" ]
	run "$BROKERSEC" --data "$D2" backup verify "$T/full/repo"
	check "full disk: the earlier backup verifies" [ "$rc" -eq 0 ]
	umount "$T/full"
else
	echo "# full disk: cannot mount a tmpfs here (not root): not tested"
fi
finish
