#!/bin/sh
# evidence and status through the CLI: hashes, refusals, states, roll-up, profiles.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
"$BROKERSEC" init --data "$D" --org "測試保險經紀人" --internal-control yes >/dev/null

printf 'attendance sheet\n' > "$T/training.csv"
run "$BROKERSEC" evidence add SR.99 --file "$T/training.csv" --data "$D"
check "unknown control is refused" [ "$rc" -eq 1 ]
check "refusal names the id" contains "$err" "SR.99"
run "$BROKERSEC" evidence add SR.4.5 --data "$D"
check "add without --file is a usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" evidence add SR.4.5 --file "$T/none.csv" --data "$D"
check "missing file is refused" [ "$rc" -eq 1 ]
check "no record after refusals" [ "$(sqlite3 "$D/brokersec.db" 'SELECT count(*) FROM evidence')" = 0 ]

# Only regular files within the size limit: a link to a secret, a FIFO (must not hang), a sparse
# file over the limit and a directory are refused without reading them.
ln -s /etc/shadow "$T/shadow-link"
run "$BROKERSEC" --lang en evidence add SR.4.5 --file "$T/shadow-link" --data "$D"
check "a symlink is refused" [ "$rc" -eq 1 ]
check "the refusal says it is a link" contains "$err" "'$T/shadow-link' is a symbolic link"
mkfifo "$T/fifo"
run timeout 10 "$BROKERSEC" --lang en evidence add SR.4.5 --file "$T/fifo" --data "$D"
check "a FIFO is refused at once (no hang)" [ "$rc" -eq 1 ]
check "the refusal names the FIFO" contains "$err" "'$T/fifo' is a FIFO"
truncate -s 2G "$T/sparse.bin"
run timeout 20 "$BROKERSEC" --lang en evidence add SR.4.5 --file "$T/sparse.bin" --data "$D"
check "a 2 GB sparse file is refused" [ "$rc" -eq 1 ]
check "the refusal names the file, its size and the limit" \
	contains "$err" "'$T/sparse.bin' is 2147483648 bytes (2048.0 MiB), more than the limit of 104857600 bytes (100 MiB)"
truncate -s 104857601 "$T/over.bin"
run "$BROKERSEC" --lang en evidence add SR.4.5 --file "$T/over.bin" --data "$D"
check "one byte over 100 MiB is refused" contains "$err" "more than the limit of 104857600 bytes"
mkdir "$T/folder"
run "$BROKERSEC" --lang en evidence add SR.4.5 --file "$T/folder" --data "$D"
check "a directory is refused" [ "$rc" -eq 1 ]
check "the refusal says it is a directory" contains "$err" "'$T/folder' is a directory"
check "no record after the refusals" [ "$(sqlite3 "$D/brokersec.db" 'SELECT count(*) FROM evidence')" = 0 ]
check "nothing was copied" [ -z "$(ls -A "$D/evidence")" ]
run "$BROKERSEC" evidence --help --lang en
check "--help states the limit" contains "$out" "at most 100 MiB"
run "$BROKERSEC" evidence --help
check "--help states the limit in zh-TW (the default)" contains "$out" "最大 100 MiB"

run "$BROKERSEC" evidence add SR.4.5 --file "$T/training.csv" --note "2026 年度訓練簽到" --data "$D"
check "add succeeds" [ "$rc" -eq 0 ]
check "add prints the id alone" [ "$out" = 1 ]
sum=$(sha256sum "$T/training.csv" | cut -d' ' -f1)
check "stored hash is the file's sha256" [ "$(sqlite3 "$D/brokersec.db" 'SELECT sha256 FROM evidence WHERE id=1')" = "$sum" ]
check "a copy is kept under its hash" cmp -s "$D/evidence/$sum" "$T/training.csv"
check "the copy is 0600" [ "$(stat -c %a "$D/evidence/$sum")" = 600 ]
check "who is the OS user" [ "$(sqlite3 "$D/brokersec.db" 'SELECT created_by FROM evidence WHERE id=1')" = "$(id -un)" ]
check "time is UTC" contains "$(sqlite3 "$D/brokersec.db" 'SELECT created_at FROM evidence WHERE id=1')" "Z"

run "$BROKERSEC" evidence list --format json --data "$D"
check "list json has the record" contains "$out" "2026 年度訓練簽到"
run "$BROKERSEC" evidence list SR.4 --data "$D"
check "list by prefix" contains "$out" "training.csv"

# the officer's today is the Taiwan date (issue 12 item 15, src/cmd/status.c)
today=$(TZ=Asia/Taipei date +%Y-%m-%d)
run "$BROKERSEC" status --format json --data "$D"
printf '%s' "$out" > "$T/s.json"
state() { python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for g in d["groups"]:
    for c in g["controls"]:
        if c["id"] == sys.argv[2]:
            print(c["state"]); break' "$1" "$2"; }
check "status json" [ "$rc" -eq 0 ]
check "as_of defaults to today (Asia/Taipei)" contains "$out" "\"as_of\": \"$today\""
# issue 12: evidence is submitted until someone else reviews it (t0007 reviews it)
check "SR.4.5 not met by evidence nobody reviewed" [ "$(state "$T/s.json" SR.4.5)" = unknown ]
check "the reason says it awaits review" contains "$out" "佐證待審核"
check "SR.4.1 unknown without" [ "$(state "$T/s.json" SR.4.1)" = unknown ]
check "SR.4.4 applies with internal control" [ "$(state "$T/s.json" SR.4.4)" = unknown ]
next=$(python3 -c 'import datetime,sys; d=datetime.date.today(); print((d.replace(year=d.year+1) if not (d.month==2 and d.day==29) else d.replace(year=d.year+1, day=28)).isoformat())')
run "$BROKERSEC" status --format json --as-of "$next" --data "$D"
printf '%s' "$out" > "$T/s2.json"
check "SR.4.5 still awaits review a year later" [ "$(state "$T/s2.json" SR.4.5)" = unknown ]
run "$BROKERSEC" status --as-of 2026-02-30 --data "$D"
check "bad --as-of is a usage error" [ "$rc" -eq 2 ]

run "$BROKERSEC" status --all --data "$D"
check "table has the roll-up line" contains "$out" "合計"
check "table names the reason" contains "$out" "尚無佐證"
run "$BROKERSEC" status --lang en --id SR.4 --data "$D"
check "english table with prefix" contains "$out" "SR.4.5"
check "prefix keeps other articles out" [ "$(printf '%s' "$out" | grep -c 'SR.5')" = 0 ]

run "$BROKERSEC" profile set internal-control=no --data "$D"
check "profile set succeeds" [ "$rc" -eq 0 ]
run "$BROKERSEC" status --format json --data "$D"
printf '%s' "$out" > "$T/s3.json"
check "SR.4.4 not applicable without internal control" [ "$(state "$T/s3.json" SR.4.4)" = not_applicable ]
check "A2.4.1.7.4.1 not applicable without internal control" [ "$(state "$T/s3.json" A2.4.1.7.4.1)" = not_applicable ]
run "$BROKERSEC" profile set cloud=yes bogus=no --data "$D"
check "one bad flag refuses the whole set" [ "$rc" -eq 2 ]
check "nothing changed" [ "$(sqlite3 "$D/brokersec.db" "SELECT enabled FROM profile WHERE flag='cloud'")" = 0 ]
run "$BROKERSEC" profile show --format json --data "$D"
check "profile json" contains "$out" '"internal_control": false'

finish
