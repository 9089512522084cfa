#!/bin/sh
# The scans pages in a real browser (tests/ui/scan.test.mjs): the last scan per host and a
# host's history (#/scans), one scan with its failing checks first, their clauses and fix, a
# waiver added through the 豁免 form (#/scans/ID), the waivers valid and expired
# (#/scans/waivers), the dashboard's 最近掃描 panel; axe, a phone's width, screenshots.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
. "$TOP/tests/cli/t02-web.inc"
. "$TOP/tests/cli/t06-scan.inc"

ui_ready
start_server
scan_fixture hardened
scan_fixture weak-auth
run "$BROKERSEC" scan --root "$T/hardened" --host web01 --save --system 1 --data "$D"
check "scan of web01 (hardened) saved" [ "$rc" -eq 0 ]
sleep 0.01
run "$BROKERSEC" scan --root "$T/weak-auth" --host web01 --save --system 1 --data "$D"
check "scan of web01 (weak-auth) saved" [ "$rc" -eq 1 ]
weak=$(printf '%s\n' "$err" | sed -n 's/.*#\([0-9]*\)$/\1/p')
check "its id" [ "$weak" = 2 ]
run "$BROKERSEC" scan --root "$T/hardened" --host db01 --save --system 2 --device 5 --data "$D"
check "scan of db01 saved" [ "$rc" -eq 0 ]
# an expired waiver (the CLI and the API refuse past dates)
sqlite3 "$D/brokersec.db" "INSERT INTO scan_waiver (host, check_id, justification, approver, expires, created_at, created_by) VALUES ('web01', 'linux.pam.password-history', 'old terminal', 'x', '2021-01-01', '2021-01-01T00:00:00Z', 'test')"
activate S so1 security_officer
activate A aud1 auditor
run_ui scan.test.mjs UI_PW1="$PW1" SCAN_ID="$weak"
run "$BROKERSEC" scan --waivers --host web01 --data "$D" --lang en --format json
check "the waiver from the browser is stored" contains "$out" '"justification": "legacy terminal app (UI)"'
check "by the signed-in account" contains "$out" '"created_by": "so1"'
run "$BROKERSEC" log search --type scan.waiver.add --data "$D" --lang en
check "and is an event" contains "$out" "linux.pam.lockout-threshold on host web01"
finish
