#!/bin/sh
# assessment -> due and status: a past assessment recorded before brokersec drives the 1/3/5-year
# deadline (參一); an open finding past its due date is overdue in `due` and makes A2.8 not met
# in `status`; the latest closed assessment's results decide its controls for the system's
# category cycle (then 到期), its assessors A2.7, its scope A2.4.2; records are never deleted (捌).
. "$TOP/tests/cli/lib.sh"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "小經紀人" --internal-control no >/dev/null 2>&1
b() { "$BROKERSEC" "$@" >/dev/null || echo "setup failed: $*"; }
db() { sqlite3 "$D/brokersec.db" "$1"; }
state_of() { # AS_OF CONTROL -> its state in status --format json
	"$BROKERSEC" status --format json --as-of "$1" --id "$2" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print([i["state"] for g in s["groups"] for i in g["controls"] if i["id"] == sys.argv[1]][0])' "$2"
}
duty() { # AS_OF SUBJECT -> "duty status due" of the subject's duties in due --format json
	"$BROKERSEC" due --all --format json --as-of "$1" --lang en | python3 -c '
import json, sys
print(" ".join("%s %s %s" % (d["duty"], d["status"], d["due"]) for d in json.load(sys.stdin) if d["subject"] == sys.argv[1]))' "$2"
}
b system add --name 網路投保 --category 1 --owner 資訊部
b system add --name 保單行政 --category 2 --owner 業務部

# --- a past assessment (before brokersec) keeps driving the cycle ---
run "$BROKERSEC" --lang en assessment record --system 1 --date 2099-01-01 --assessor 甲資安公司
check "future date refused" contains "$err" "is in the future"
run "$BROKERSEC" --lang en assessment record --system 9 --date 2025-03-01 --assessor 甲資安公司
check "unknown system refused" contains "$err" "system 9 does not exist"
run "$BROKERSEC" assessment record --system 1 --date 2025-03-01 --assessor 甲資安公司 --report "R-2025-01"
check "recorded" [ "$rc" -eq 0 ]
check "category 1: next assessment within a year" contains "$(duty 2025-06-30 system:1)" "assessment ok 2026-03-01"
check "category 2 never assessed: overdue" contains "$(duty 2025-06-30 system:2)" "assessment overdue"
check "retention of the report (捌)" contains "$(duty 2025-06-30 assessment:1)" "report-retention ok 2030-03-01"
run "$BROKERSEC" assessment show 1
check "legacy shown as recorded" contains "$out" "甲資安公司"

# --- an assessment of system 2 on the website area ---
b assessor add --name 李顧問 --kind external --unit 外部資安公司 --independence "與受評標的無利害關係" \
	--certificate OSCP --financial-experience "銀行業滲透測試" --nda-signed 2026-01-02
b device add --asset-tag WEB-1 --kind server --system 2
b assessment plan --title "2026 保單行政" --from 2026-01-01 --to 2026-06-30 --approver delegate \
	--approved-by 總經理 --approved-on 2025-12-15
b assessment scope 2 --system 2 --areas website --reason "對外網站為主要風險"
b assessment sample 2 --system 2 --devices 1
b assessment assessor 2 --assessor 1 --role lead
b assessment run 2
b assessment result 2 --system 2 --control A2.4.1.4.1 --result not-met --source judgement --reason "弱點掃描發現高風險" --evidence "掃描報告 2026-01"
b assessment result 2 --system 2 --control A2.4.1.4.2 --result met --source judgement --reason "權限檢視" --evidence "檢核表"
b assessment result 2 --system 2 --control A2.4.1.4.3 --result not-applicable --source judgement --reason "無資料庫" --evidence "架構圖"
b assessment finding 2 --system 2 --control A2.4.1.4.1 --severity critical --category technical \
	--title "網站存在 SQL 注入" --risk "客戶資料外洩" --recommendation "參數化查詢並複測" --owner 業務部 --due 2026-02-28
b assessment complete 2 --date 2026-01-20

check "open finding not yet due: ok" [ "$(duty 2026-02-01 finding:1)" = "finding due_soon 2026-02-28" ]
check "open finding past due: overdue in due" [ "$(duty 2026-03-15 finding:1)" = "finding overdue 2026-02-28" ]
check "A2.8 not met while a finding is overdue" [ "$(state_of 2026-03-15 A2.8)" = not_met ]
run "$BROKERSEC" status --as-of 2026-03-15 --id A2.8
check "status names the finding" contains "$out" "缺失 1（評估 2，A2.4.1.4.1）逾期未改善"
check "a reported but unclosed assessment decides no control yet" [ "$(state_of 2026-03-15 A2.4.1.4.2)" = unknown ]
check "the completed assessment answers the cycle" contains "$(duty 2026-03-15 system:2)" "assessment ok 2029-01-20"

# --- closed: its results decide the controls for the category's cycle ---
b assessment followup 1 --by 王稽核 --audit-unit --verdict corrected --date 2026-03-20
b assessment close 2
check "finding closed: no duty" [ "$(duty 2026-04-01 finding:1)" = "" ]
check "A2.8 met after the follow-up" [ "$(state_of 2026-04-01 A2.8)" = met ]
check "met from the assessment" [ "$(state_of 2026-04-01 A2.4.1.4.2)" = met ]
check "not met from the assessment" [ "$(state_of 2026-04-01 A2.4.1.4.1)" = not_met ]
check "assessors qualified (柒)" [ "$(state_of 2026-04-01 A2.7.2.1)" = met ]
check "areas chosen and recorded (肆二)" [ "$(state_of 2026-04-01 A2.4.2)" = met ]
check "category 2: valid 3 years, then due" [ "$(state_of 2029-02-01 A2.4.1.4.2)" = due ]
run "$BROKERSEC" status --as-of 2026-04-01 --id A2.4.1.4.2 --lang en --format json
check "reason names the assessment and validity" contains "$out" "assessment 2 (2026-01-20) met, valid until 2029-01-20"

# --- kept (捌): nothing of an assessment is ever deleted ---
check "assessment rows cannot be deleted" ! sqlite3 "$D/brokersec.db" "DELETE FROM assessment WHERE id = 2" 2>/dev/null
check "findings cannot be deleted" ! sqlite3 "$D/brokersec.db" "DELETE FROM assessment_finding" 2>/dev/null
check "follow-ups cannot be deleted" ! sqlite3 "$D/brokersec.db" "DELETE FROM assessment_followup" 2>/dev/null
check "still there" [ "$(db "SELECT count(*) FROM assessment")" = 2 ]
finish
