#!/bin/sh
# Waivers (shown in results, expire by themselves, logged) and saved scans feeding status.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"
D="$T/data"
"$BROKERSEC" init --data "$D" --org "測試保險經紀人" --internal-control yes >/dev/null 2>&1

scan_fixture weak-auth
run "$BROKERSEC" --lang en scan --waive linux.pam.lockout-threshold --host hardened --justification "legacy app" \
	--approver "資安長" --expires 2020-01-01 --data "$D"
check "waiver in the past is refused" [ "$rc" -eq 1 ]
check "refusal says why" contains "$err" "in the past"
run "$BROKERSEC" scan --waive linux.nope --host hardened --justification x --approver y --expires 2099-01-01 --data "$D"
check "waiver of an unknown check is refused" [ "$rc" -eq 1 ]
run "$BROKERSEC" scan --waive linux.pam.lockout-threshold --host hardened --approver y --expires 2099-01-01 --data "$D"
check "waiver without justification: usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" scan --waive linux.pam.lockout-threshold --host hardened --justification "legacy terminal app" \
	--approver "資安長" --expires 2099-12-31 --data "$D"
check "waiver added" [ "$rc" -eq 0 ]
check "waiver id printed" [ "$out" = 1 ]
check "waiver is in the event log" [ "$(sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE type='scan.waiver.add'" 2>/dev/null || echo 0)" -ge 1 ]
# an expired waiver (inserted directly: the CLI refuses past dates) must not apply
sqlite3 "$D/brokersec.db" "INSERT INTO scan_waiver (host, check_id, justification, approver, expires, created_at, created_by) VALUES ('hardened', 'linux.pam.lockout-duration', 'old', 'x', '2021-01-01', '2021-01-01T00:00:00Z', 'test')"
run "$BROKERSEC" scan --waivers --data "$D"
check "waivers: only unexpired listed" [ "$(printf '%s\n' "$out" | grep -c 'linux.pam')" -eq 1 ]
run "$BROKERSEC" scan --waivers --all --data "$D" --format json
check "waivers --all: both" [ "$(printf '%s' "$out" | grep -c '"check_id"')" -eq 2 ]

run "$BROKERSEC" scan --root "$T/weak-auth" --data "$D" --format json
check "waived check shows its waiver" contains "$out" '"justification": "legacy terminal app"'
check "expired waiver does not apply" [ "$(printf '%s' "$out" | grep -c '"waiver"')" -eq 1 ]
check "summary counts the waiver" contains "$out" '"waived": 1'
run "$BROKERSEC" scan --root "$T/weak-auth" --data "$D"
check "table marks it waived" contains "$out" "豁免"

# --save: needs --system; stores; status uses the latest scan per host
run "$BROKERSEC" scan --root "$T/weak-auth" --save --data "$D"
check "--save without --system: usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" scan --root "$T/weak-auth" --save --system SYS-1 --data "$D"
check "saved broken scan: exit 1 (checks fail)" [ "$rc" -eq 1 ]
check "saved: id on stderr" contains "$err" "#1"
check "scan.save event logged" [ "$(sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE type='scan.save'" 2>/dev/null || echo 0)" -ge 1 ]
run "$BROKERSEC" status --data "$D" --format json --id A2.5.4.2.5
check "status: history control not met from the scan" contains "$out" "linux.pam.password-history"
check "status: state not_met" contains "$out" '"state": "not_met"'
run "$BROKERSEC" status --data "$D" --format json --id A2.5.4.2.3
check "status: the waived threshold does not decide, the unwaived duration does" \
	contains "$out" "check linux.pam.lockout-duration failed"

scan_fixture hardened
run "$BROKERSEC" scan --root "$T/hardened" --save --system SYS-1 --data "$D"
check "saved hardened scan: exit 0" [ "$rc" -eq 0 ]
run "$BROKERSEC" status --data "$D" --format json --id A2.5.4.2.5
check "status: the latest scan of the host decides (met)" contains "$out" '"state": "met"'
check "two scans stored" [ "$(sqlite3 "$D/brokersec.db" 'SELECT count(*) FROM scan')" = 2 ]
finish
