#!/bin/sh
# 第二條 counts laptops as 行動裝置 and 第五條 covers 行動裝置（含自攜裝置）: SR.5 and SR.5.1-5.3
# (外接式存取裝置 among them) apply to every broker; the BYOD profile flag adds to them - a
# registered BYOD device needs the flag - it does not switch them on (issue 12 item 2).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t05-text.inc"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "測試" --internal-control no --byod no >/dev/null 2>&1
b() { "$BROKERSEC" "$@" >/dev/null || echo "setup failed: $*"; }

status_json "$T/s.json" --as-of 2026-03-01
for id in SR.5 SR.5.1 SR.5.2 SR.5.3; do
	check "BYOD off: $id applies" [ "$(control "$T/s.json" $id)" != not_applicable ]
	check "BYOD off: $id is listed" [ "$(control "$T/s.json" $id)" != absent ]
done
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "BYOD off: the mobile-device rules are still required" grep -q "^policy-doc policy:byod overdue" "$T/d.txt"

b policy-doc add --title 行動裝置使用規範 --kind byod --items SR.5.1,SR.5.2,SR.5.3 --approved 2026-01-05
status_json "$T/s.json" --as-of 2026-03-01
check "an approved document covering 外接式存取裝置 meets SR.5.2" [ "$(control "$T/s.json" SR.5.2)" = met ]
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "the document answers the duty" ! grep -q "^policy-doc policy:byod" "$T/d.txt"

# BYOD adds to them: a BYOD device while the profile says BYOD is not allowed
b device add --asset-tag NB-001 --kind laptop
b device add --asset-tag BYOD-7 --kind byod --holder 王小明
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "a BYOD device with BYOD off is an open duty" grep -q "^byod-profile device:2 overdue" "$T/d.txt"
check "a company laptop is no BYOD device" ! grep -q "^byod-profile device:1" "$T/d.txt"
status_json "$T/s.json" --as-of 2026-03-01
check "SR.5.3 (安全控管程序) not met while the profile contradicts the register" \
	[ "$(control "$T/s.json" SR.5.3)" = not_met ]
check "its reason names the device and the fix" eval 'reason "$T/s.json" SR.5.3 | grep -q "BYOD-7.*profile set byod=yes"'

"$BROKERSEC" profile set byod=yes >/dev/null 2>&1
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "BYOD on: the device is covered" ! grep -q "^byod-profile" "$T/d.txt"
status_json "$T/s.json" --as-of 2026-03-01
check "BYOD on: SR.5.1 still applies" [ "$(control "$T/s.json" SR.5.1)" = met ]
check "BYOD on: SR.5.3 met" [ "$(control "$T/s.json" SR.5.3)" = met ]
finish
