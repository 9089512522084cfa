#!/bin/sh
# Annex 2 伍六(六): 資通系統開發如委外辦理，應將系統發展生命週期各階段依系統安全等級所需之防護
# 基準納入委外契約 - the check binds vendors whose service is development, not a disposal
# vendor; SR.4.3's confidentiality clause binds every vendor (issue 12 item 6).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t05-text.inc"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "測試" --internal-control no >/dev/null 2>&1
b() { "$BROKERSEC" "$@" >/dev/null || echo "setup failed: $*"; }

run "$BROKERSEC" vendor add --name 回收公司 --service 硬碟銷毀 --kind shredding
check "an unknown kind: refused with the allowed ones" contains "$err" "development|maintenance|hosting|disposal|other"
b vendor add --name 回收公司 --service 硬碟銷毀 --kind disposal --confidentiality yes
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "a disposal vendor is not flagged for system development" ! grep -q "vendor:1" "$T/d.txt"
status_json "$T/s.json" --as-of 2026-03-01
check "A2.5.6.6 does not apply with no development vendor" [ "$(control "$T/s.json" A2.5.6.6)" = not_applicable ]
check "SR.4.3 met by the disposal vendor's clause" [ "$(control "$T/s.json" SR.4.3)" = met ]

b vendor add --name 軟體公司 --service 網路投保系統開發 --kind development --confidentiality yes
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "a development vendor without the baseline in its contract is flagged" \
	grep -q "^vendor-security vendor:2 overdue development vendor '軟體公司'" "$T/d.txt"
status_json "$T/s.json" --as-of 2026-03-01
check "A2.5.6.6 not met" [ "$(control "$T/s.json" A2.5.6.6)" = not_met ]
b vendor update 2 --security-requirements yes
status_json "$T/s.json" --as-of 2026-03-01
check "A2.5.6.6 met once the contract has it" [ "$(control "$T/s.json" A2.5.6.6)" = met ]

# a vendor stored without a kind is asked for it, never silently left out
b vendor add --name 舊廠商 --service 維護 --confidentiality yes
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "no kind: an open duty naming the fix" grep -q "^vendor-kind vendor:3 overdue .*vendor update 3 --kind" "$T/d.txt"
finish
