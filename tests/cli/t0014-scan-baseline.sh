#!/bin/sh
# Where the text asks for a limit without a number (issue 12 item 7: maximum and minimum
# password age, minimum length, idle accounts, MaxAuthTries), the number brokersec checks is
# its own baseline and says so - "基準（brokersec 預設）≤ 90 天；條文要求：應設定最短及最長效期" -
# in the scan output, the saved scan's status reasons and docs/checks.md; a check whose number
# is the text's own (lockout after five failures, 附件二伍、四、(二)、3) says no such thing.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"
scan_fixture weak-auth
# wide enough that no line of the table wraps inside a phrase looked for
export COLUMNS=300
MAXAGE="基準（brokersec 預設）≤ 90 天；條文要求：應設定最短及最長效期"

run "$BROKERSEC" scan --root "$T/weak-auth" --only linux.logindefs.pass-max-days
check "the weak host fails the maximum age" [ "$rc" -eq 1 ]
check "scan: the 90 days are brokersec's baseline (zh-TW)" contains "$out" "$MAXAGE"
run "$BROKERSEC" scan --root "$T/weak-auth" --only linux.logindefs.pass-max-days --lang en
check "scan: the same in English" contains "$out" "baseline (brokersec default) <= 90 days; the text requires: a minimum and a maximum password age are set"
run "$BROKERSEC" scan --root "$T/weak-auth" --only linux.logindefs.pass-max-days --format json
check "scan json: the result carries the baseline" contains "$out" '"baseline"'
run "$BROKERSEC" scan --root "$T/weak-auth" --only linux.pam.password-length
check "minimum length: a baseline, the text asks for complexity" contains "$out" "條文要求：應強制最低密碼複雜度"
run "$BROKERSEC" scan --root "$T/weak-auth" --only linux.accounts.idle-disabled
check "idle accounts: the text sets no number of days" contains "$out" "資通系統閒置帳號應禁用（未定天數"
run "$BROKERSEC" scan --root "$T/weak-auth" --only linux.sshd.max-auth-tries
check "MaxAuthTries: a baseline" contains "$out" "基準（brokersec 預設）MaxAuthTries ≤ 5"
run "$BROKERSEC" scan --root "$T/weak-auth" --only linux.pam.lockout-threshold
check "lockout threshold: the text's own number, no baseline" ! contains "$out" "基準（brokersec 預設）"

# the catalog of checks (docs/checks.md is generated from it and kept in step by docs-check)
run "$BROKERSEC" scan --list-checks --format markdown
check "list-checks markdown: the baseline" contains "$out" "$MAXAGE"
check "docs/checks.md: the baseline" grep -q "$MAXAGE" "$TOP/docs/checks.md"
run "$BROKERSEC" scan --list-checks --format json
check "list-checks json: the baseline" contains "$out" '"baseline"'

# status: the reason of a control decided by a baseline check says so
D="$T/data"
"$BROKERSEC" init --data "$D" --org 測試 --internal-control no >/dev/null 2>&1
"$BROKERSEC" scan --root "$T/weak-auth" --only linux.logindefs.pass-max-days --save --system web \
	--data "$D" >/dev/null 2>&1
run "$BROKERSEC" status --data "$D" --id A2.5.4.2.4 --format json
check "status: the reason says the number is brokersec's baseline" contains "$out" "$MAXAGE"
run "$BROKERSEC" status --data "$D" --id A2.5.4.2.4 --format json --lang en
check "status: the same in English" contains "$out" "baseline (brokersec default) <= 90 days"
finish
