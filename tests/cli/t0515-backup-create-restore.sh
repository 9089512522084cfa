#!/bin/sh
# backup create|verify|restore (issue 19, SR.12, A2.4.1.8): a backup of a data directory with
# evidence, read back whole, restored into a new directory that is a working data directory
# (its event log verifies, its row counts match the backup's); each run an event; the backup
# register record kept up to date by doing (last backup, last restore test); a second backup
# stores only what changed; the key exported and used on a "new machine" (no data directory);
# restore never writes into a non-empty directory.
. "$TOP/tests/cli/lib.sh"
export BROKERSEC_LANG=en COLUMNS=200
D="$T/data"
B() { "$BROKERSEC" --data "$D" "$@"; }
"$BROKERSEC" init --data "$D" --org t --internal-control yes --test-fast-kdf >/dev/null 2>&1
B system add --name brokersec --category 1 >/dev/null 2>&1
B backup add --system 1 --rpo-hours 24 >/dev/null 2>&1
head -c 3000000 /dev/urandom >"$T/scan.pdf"
seq 1 300000 >"$T/export.txt"
B evidence add SR.12 --file "$T/scan.pdf" >/dev/null 2>&1
B evidence add SR.12 --file "$T/export.txt" >/dev/null 2>&1

run B backup create --to "$T/repo" --record 1
check "create: exit 0" [ "$rc" -eq 0 ]
check "create: says what it wrote" contains "$out" "written to $T/repo"
check "create: the key was made and the broker told to export it" contains "$err" "backup key export"
check "create: the register record updated" contains "$out" "backup register record 1"
check "the key file is 0600" [ "$(stat -c %a "$D/keys/backup.key")" = 600 ]
check "a manifest in snapshots/" [ "$(ls "$T/repo/snapshots" | grep -c '\.bsm$')" -eq 1 ]
check "no temp file left" [ -z "$(find "$T/repo" "$D" -name '*.tmp-*' -o -name '.backup-tmp-*' | head -1)" ]
check "no snapshot folder left in the data directory" [ -z "$(ls -A "$D" | grep backup-tmp)" ]
# nothing readable in the repository: the evidence text is compressed and encrypted
check "the evidence text is not in the repository" ! grep -rqa "299999" "$T/repo"
check "chunk ids are not the SHA-256 of the content" [ -z "$(find "$T/repo/chunks" -name "$(head -c 262144 "$T/scan.pdf" | sha256sum | cut -c1-64)*")" ]
run B backup show 1
check "register: last backup is today" contains "$out" "$(TZ=UTC-8 date +%Y-%m-%d)"
run B log search --type backup.create
check "the backup is an event" contains "$out" "backup.create"

# a second backup after a small change: most chunks are already there
seq 300001 301000 >"$T/more.txt"
B evidence add SR.12 --file "$T/more.txt" >/dev/null 2>&1
run B backup create --to "$T/repo"
check "second create: exit 0" [ "$rc" -eq 0 ]
second=$(printf '%s' "$out" | sed -n 's/^backup \([^ ]*\) written.*/\1/p')
new=$(printf '%s' "$out" | sed -n 's/.* \([0-9]*\) new .*/\1/p')
all=$(printf '%s' "$out" | sed -n 's/.*; \([0-9]*\) chunks, .*/\1/p')
check "second create: fewer new chunks ($new) than chunks ($all)" [ "$new" -lt "$all" ]
check "second create: the record is remembered" contains "$out" "backup register record 1"
run B backup snapshots "$T/repo"
check "snapshots: two" [ "$(printf '%s\n' "$out" | grep -c '^20')" -eq 2 ]

run B backup verify "$T/repo"
check "verify: exit 0" [ "$rc" -eq 0 ]
check "verify: intact" contains "$out" "backup intact"
run B log search --type backup.verify
check "verify is an event" contains "$out" "backup.verify"

run B backup restore "$T/repo" --to "$T/new"
check "restore: exit 0" [ "$rc" -eq 0 ]
check "restore: the latest snapshot ($second)" contains "$out" "restored backup $second into"
check "restore: log verified" contains "$out" "event log verify: intact"
check "restore: row counts match" contains "$out" "row counts against the backup: match"
check "restore: evidence restored byte for byte" cmp "$T/scan.pdf" "$D/evidence/$(sha256sum "$T/scan.pdf" | cut -c1-64)"
check "restore: the restored evidence equals the original" cmp "$D/evidence/$(sha256sum "$T/more.txt" | cut -c1-64)" "$T/new/evidence/$(sha256sum "$T/more.txt" | cut -c1-64)"
check "restore: the backup key is not in the backup" [ ! -e "$T/new/keys/backup.key" ]
check "restore: the signing key is" [ -s "$T/new/keys/signing.key" ]
check "restore: the directory is 0700" [ "$(stat -c %a "$T/new")" = 700 ]
run "$BROKERSEC" --data "$T/new" log verify
check "the restored data directory works: log verify" [ "$rc" -eq 0 ]
run "$BROKERSEC" --data "$T/new" evidence list SR.12
check "the restored data directory works: its evidence" contains "$out" "more.txt"
run B backup show 1
check "register: the restore test recorded" [ "$(printf '%s\n' "$out" | grep -c "$(TZ=UTC-8 date +%Y-%m-%d)")" -ge 2 ]
run B log search --type backup.restore-test
check "the restore test is an event" contains "$out" "backup.restore-test"

# never into a non-empty directory
mkdir "$T/busy" && echo keep >"$T/busy/file"
run B backup restore "$T/repo" --to "$T/busy"
check "non-empty target: refused" [ "$rc" -eq 1 ]
check "non-empty target: says why" contains "$err" "is not empty"
check "non-empty target: untouched" [ "$(ls -A "$T/busy")" = file ]

# the key, exported, on a new machine (no data directory there)
run B backup key export
check "key export: the key" contains "$out" "bsbackup1-"
printf '%s\n' "$out" >"$T/key.txt"
run B log search --type backup.key-export
check "key export is an event" contains "$out" "backup.key-export"
check "the event does not hold the key" ! contains "$out" "$(cut -c11-40 "$T/key.txt")"
run "$BROKERSEC" --data "$T/nowhere" backup restore "$T/repo" --to "$T/machine2" --key-file "$T/key.txt"
check "new machine: restore with the exported key" [ "$rc" -eq 0 ]
run "$BROKERSEC" --data "$T/machine2" log search --type backup.restore-test
check "new machine: the restore test recorded in the restored log" contains "$out" "backup.restore-test"
run "$BROKERSEC" --data "$T/nowhere" backup verify "$T/repo" --key-file "$T/key.txt"
check "new machine: verify with the exported key" [ "$rc" -eq 0 ]
check "new machine: no data directory made" [ ! -e "$T/nowhere" ]

# help in both languages; the register's verbs still work under the same command
run "$BROKERSEC" backup --help --lang zh-TW
check "help zh-TW: the restore test explained" contains "$out" "還原測試"
check "help zh-TW: the register's verbs too" contains "$out" "add"
run B backup list
check "backup list is still the register's" contains "$out" "1 records"
run B backup create
check "create without --to: usage error" [ "$rc" -eq 2 ]
mkdir "$T/home" && echo mine >"$T/home/notes.txt"
run B backup create --to "$T/home"
check "create into a folder of other files: refused" [ "$rc" -eq 1 ]
check "create into a folder of other files: says why" contains "$err" "neither empty nor a brokersec backup repository"
check "create into a folder of other files: nothing added" [ "$(ls -A "$T/home")" = notes.txt ]
run B backup create --to "$T/x" --medium floppy
check "unknown medium: usage error" [ "$rc" -eq 2 ]
finish
