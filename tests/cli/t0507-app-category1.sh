#!/bin/sh
# Annex 1 (A1.4.1.1.5.2): 行動應用程式依本作業原則伍、安全分類，其屬第三類、具交易功能者，應納入
# ...第一類電腦系統，定期辦理評估作業. An app names the system that serves it; a class-3 app
# with transaction functions makes that system category 1 for every duty (yearly
# assessment, BCP drill), and where the system is registered lower, status shows it not met
# with that reason (issue 12 item 3).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t05-text.inc"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "測試" --internal-control no --mobile-app yes >/dev/null 2>&1
b() { "$BROKERSEC" "$@" >/dev/null || echo "setup failed: $*"; }
b system add --name 行動投保後台 --category 2
b system add --name 人資 --category 3

run "$BROKERSEC" app add --name 行動投保 --class 2 --transactions yes
check "transactions on a class-2 app: refused" [ "$rc" -eq 1 ]
check "the message cites 第三類、具交易功能" contains "$err" "--transactions yes 需要 --class 3：能夠執行交易的 App 屬第三類（附件一伍 第三類、具交易功能）"
run "$BROKERSEC" --lang en app add --name 行動投保 --class 3 --transactions yes --system 9
check "an unknown system: refused" contains "$err" "app: --system 9: no system 9"

# before the link: the system is category 2, nothing yearly
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "unlinked: category 2 cycle" grep -q "^assessment system:1 overdue category 2 system" "$T/d.txt"

b app add --name 行動投保 --class 3 --transactions yes --system 1
b app add --name 保單查詢 --class 3 --system 2
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "the app's system is assessed as category 1" grep -q "^assessment system:1 overdue category 1 system '行動投保後台'" "$T/d.txt"
check "the register's category 2 is a defect" grep -q "^system-category system:1 overdue system '行動投保後台' is registered as category 2" "$T/d.txt"
check "... seen from the app too" grep -q "^app-category app:1 overdue" "$T/d.txt"
check "a category-1 system now exists: its system is drilled (BCP)" grep -q "^bcp-drill system:1 overdue" "$T/d.txt"
check "a class-3 app without transactions changes nothing" grep -q "^assessment system:2 overdue category 3 system" "$T/d.txt"
check "... and makes no defect" ! grep -q "system-category system:2" "$T/d.txt"
status_json "$T/s.json" --as-of 2026-03-01
check "A2.3.1.1 applies (a category-1 system by the app)" [ "$(control "$T/s.json" A2.3.1.1)" = not_met ]
check "its reason names the app and the fix" eval 'reason "$T/s.json" A2.3.1.1 | grep -q "行動投保.*system update 1 --category 1"'
check "A1.4.1.1.5.2 not met" [ "$(control "$T/s.json" A1.4.1.1.5.2)" = not_met ]

# registered correctly: the defect goes, the yearly duty stays
b system update 1 --category 1
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "category 1 registered: no defect" ! grep -q "^system-category\|^app-category" "$T/d.txt"
check "category 1 registered: yearly assessment" grep -q "^assessment system:1 overdue category 1 system" "$T/d.txt"
status_json "$T/s.json" --as-of 2026-03-01
check "A1.4.1.1.5.2 no longer not met" [ "$(control "$T/s.json" A1.4.1.1.5.2)" != not_met ]

# a transactional class-3 app with no system cannot be assessed as category 1
b app add --name 理賠 --class 3 --transactions yes
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "no system named: an open duty" grep -q "^app-system app:3 overdue class-3 app '理賠'" "$T/d.txt"
finish
