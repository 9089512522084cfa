#!/bin/sh
# backup copies and the duties they meet (issue 19, A2.4.1.8, A3.7.11): the backup register
# record linked with --record follows the backups made - last backup (RPO duty in `due`), last
# restore test, and 3-2-1 from the targets that exist (copies, media, off-site, offline), so
# `status` for A3.7.11 turns met only when the copies are there; a target whose verify finds
# it damaged stops counting; `backup targets` lists each with its medium.
. "$TOP/tests/cli/lib.sh"
export BROKERSEC_LANG=en COLUMNS=200
D="$T/data"
B() { "$BROKERSEC" --data "$D" "$@"; }
"$BROKERSEC" init --data "$D" --org t --internal-control yes --test-fast-kdf >/dev/null 2>&1
B system add --name brokersec --category 1 >/dev/null 2>&1
B backup add --system 1 --rpo-hours 24 >/dev/null 2>&1

run B status --id A3.7.11
check "before: A3.7.11 not met" contains "$out" "not met"
run B due --all
check "before: no backup recorded" contains "$out" "has no backup recorded"

run B backup create --to "$T/disk" --record 1
check "one target: exit 0" [ "$rc" -eq 0 ]
run B status --id A3.7.11
check "one target: still not 3-2-1" contains "$out" "2 copies (need 3)"
run B backup create --to "$T/usb" --medium usb --offline
check "offline usb target: exit 0" [ "$rc" -eq 0 ]
run B status --id A3.7.11
check "two targets, no off-site: not met" contains "$out" "no off-site copy"
run B backup create --to "$T/cloud" --medium cloud --offsite
check "off-site target: exit 0" [ "$rc" -eq 0 ]
run B status --id A3.7.11
check "three copies, three media, offline and off-site: A3.7.11 met" contains "$out" "A3.7.11        met"
run B backup show 1 --format json
check "register: copies 4" contains "$out" '"copies": 4'
check "register: offline" contains "$out" '"offline": true'
run B due --all
check "due: the RPO duty now runs from today's backup" contains "$out" "last backup $(TZ=UTC-8 date +%Y-%m-%d)"
check "due: the restore test is still overdue" contains "$out" "never restore-tested"

run B backup targets
check "targets: three" [ "$(printf '%s\n' "$out" | grep -c "^$T/")" -eq 3 ]
check "targets: the usb one offline" contains "$out" "medium usb, offline"
run B backup targets --format json
check "targets json: the cloud medium" contains "$out" '"medium": "cloud"'

# a damaged copy stops counting
f=$(find "$T/cloud/chunks" -type f | head -1)
printf 'X' | dd of="$f" bs=1 seek=50 conv=notrunc 2>/dev/null
run B backup verify "$T/cloud"
check "damaged off-site copy: verify fails" [ "$rc" -eq 1 ]
run B status --id A3.7.11
check "damaged off-site copy: A3.7.11 not met again" contains "$out" "no off-site copy"
run B backup targets
check "targets: the failed verify shown" contains "$out" "FAILED"

# the restore test meets A2.4.1.8.3
run B backup restore "$T/usb" --to "$T/restored"
check "restore test: exit 0" [ "$rc" -eq 0 ]
run B due --all
check "due: the restore test runs from today" contains "$out" "last restore test $(TZ=UTC-8 date +%Y-%m-%d)"
finish
