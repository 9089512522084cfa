#!/bin/sh
# assessment: the workflow of Annex 2 (貳, 參, 肆, 柒, 捌) end to end through the CLI - plan
# approved by the board, scope per system (肆二), sample (參二), qualified and independent
# assessors (柒), results from saved scans and by hand, findings for controls in scope, the audit
# unit's follow-up (捌), close; each bad input refused with nothing changed; every change an event.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "小經紀人" --internal-control no >/dev/null 2>&1
b() { "$BROKERSEC" "$@" >/dev/null || echo "setup failed: $*"; }
db() { sqlite3 "$D/brokersec.db" "$1"; }
b system add --name 網路投保 --category 1 --owner 資訊部 --core yes
b system add --name 人資 --category 3 --owner 人資部
for i in 1 2 3; do b device add --asset-tag SRV-$i --kind server --system 1; done
b device add --asset-tag HR-1 --kind desktop --system 2
b assessor add --name 王稽核 --kind internal --unit 稽核室 --independence "獨立於資訊部之開發與維護" \
	--training-hours 12 --certificate ISO27001-LA --financial-experience "保險經紀業稽核 5 年" --nda-signed 2026-01-05
b assessor add --name 資訊部 --kind internal --unit 資訊部 --independence "本部" --training-hours 20 \
	--financial-experience "10 年" --nda-signed 2026-01-05
b assessor add --name 李顧問 --kind external --unit 外部資安公司 --independence "與受評標的無利害關係"
b drill add --kind social-engineering --date 2026-03-15 --emails-sent 40 --opened 10 --clicked 3 --reported 5
b drill add --kind social-engineering --date 2025-03-15 --emails-sent 30 --opened 9 --clicked 4 --reported 2
ev() { sqlite3 "$D/events.db" "$1" 2>/dev/null; }
state() { db "SELECT (SELECT count(*) FROM assessment_scope) || '/' || (SELECT count(*) FROM assessment_sample) || '/' || (SELECT count(*) FROM assessment_assessor) || '/' || (SELECT count(*) FROM assessment_result) || '/' || (SELECT count(*) FROM assessment_finding) || '/' || (SELECT group_concat(status) FROM assessment)"; }

# refused: (name, needle, command...) - and nothing changed
refused() {
	_n=$1; _needle=$2; shift 2
	_before=$(state)
	run "$BROKERSEC" --lang en "$@"
	check "$_n: refused" [ "$rc" -ne 0 ]
	check "$_n: says why ($_needle)" contains "$err" "$_needle"
	check "$_n: nothing changed" [ "$(state)" = "$_before" ]
}

# --- plan (貳二) ---
refused "plan without approver" "--approver must be board" assessment plan --title x --from 2026-01-01 \
	--to 2026-12-31 --approved-by 董事會 --approved-on 2025-12-20
run "$BROKERSEC" assessment plan --title "2026 年度資訊安全評估" --from 2026-01-01 --to 2026-12-31 \
	--approver board --approved-by 董事會 --approved-on 2025-12-20
check "plan: id 1" contains "$out" " 1"
check "plan is an event" [ "$(ev "SELECT count(*) FROM events WHERE type = 'assessment.plan'")" = 1 ]

# --- scope (肆二) ---
refused "category 1 subset" "Annex 2 肆二 requires all ten areas" assessment scope 1 --system 1 --areas 1,2
refused "category 3 without reason" "--reason is required" assessment scope 1 --system 2 --areas 3,5
refused "unknown area" "'11' is not an assessment area" assessment scope 1 --system 2 --areas 3,11 --reason r
b assessment scope 1 --system 1
b assessment scope 1 --system 2 --areas devices,configuration --reason "人資系統僅檢測設備與安全設定"
check "category 1: all ten areas" [ "$(db "SELECT areas FROM assessment_scope WHERE system_id = 1")" = 2046 ]
check "reason kept" [ "$(db "SELECT reason FROM assessment_scope WHERE system_id = 2")" = "人資系統僅檢測設備與安全設定" ]

# --- assessors (柒) ---
refused "unqualified assessor" "is not qualified: missing training hours or a certificate" \
	assessment assessor 1 --assessor 3
refused "assessor owns a system in scope" "is not independent of system 1" assessment assessor 1 --assessor 2
b assessment assessor 1 --assessor 1 --role lead
run "$BROKERSEC" assessor update 3 --training-hours 16 --financial-experience "銀行業滲透測試" --nda-signed 2026-02-01
b assessment assessor 1 --assessor 3

# --- sample (參二) ---
refused "device of another system" "is not a device of system 1" assessment sample 1 --system 1 --devices 1,4
refused "system out of scope" "not in the scope" assessment sample 1 --system 9 --devices 1
b assessment sample 1 --system 1 --devices 1,2
b assessment sample 1 --system 2 --devices 4

# --- run: results from the saved scan of a sampled device ---
mkdir -p "$T/root/etc"
echo ID=debian > "$T/root/etc/os-release" # a root holds a system (an empty one is refused)
"$BROKERSEC" scan --root "$T/root" --host SRV-1 --save --system 1 --device 1 >/dev/null 2>&1
"$BROKERSEC" scan --root "$T/root" --host OTHER --save --system 1 --device 3 >/dev/null 2>&1
refused "finding before run" "needs it running or reported" assessment finding 1 --system 1 \
	--control A2.4.1.5.2 --severity high --category technical --title t --risk r --recommendation x --owner o \
	--due 2027-01-31
run "$BROKERSEC" assessment run 1
check "run" [ "$rc" -eq 0 ]
scan_n=$(db "SELECT count(*) FROM assessment_result WHERE source = 'scan'")
check "results from the sampled device's scan" [ "$scan_n" -gt 0 ]
check "the scan of an unsampled device fed nothing" \
	[ "$(db "SELECT count(*) FROM assessment_result WHERE reason LIKE '%OTHER%'")" = 0 ]
check "a failed check is not met" \
	[ "$(db "SELECT result FROM assessment_result WHERE control_id = 'A2.4.1.5.2' AND system_id = 1")" = not-met ]

# --- results by hand ---
refused "judgement without evidence" "needs --reason and --evidence" assessment result 1 --system 1 \
	--control A2.4.1.1.1 --result met --source judgement --reason 審閱
refused "control outside the scope" "is outside the scope of assessment 1 for system 2" assessment result 1 \
	--system 2 --control A2.4.1.1.1 --result met --source register
refused "not a leaf" "has sub-items" assessment result 1 --system 1 --control A2.4.1.6.1 --result met \
	--source register
# every remaining control in scope: met from a register, one not applicable with a reason
"$BROKERSEC" controls --id A2.4.1 --format json >"$T/a241.json"
missing() { # SYSTEM AREAS... -> the leaf controls of those areas without a result, comma-separated
	db "SELECT control_id FROM assessment_result WHERE system_id = $1" >"$T/have"
	shift
	python3 - "$T/a241.json" "$T/have" "$@" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); have = set(open(sys.argv[2]).read().split())
parents = {x["parent"] for x in c}
areas = ["A2.4.1." + a for a in sys.argv[3:]]
print(",".join(x["id"] for x in c if x["id"] not in parents and x["id"] not in have
	       and any(x["id"] == a or x["id"].startswith(a + ".") for a in areas)))
PY
}
run "$BROKERSEC" assessment complete 1
check "complete: results missing" contains "$err" "個控制項尚無結果（系統 1："
check "complete: still running" [ "$(db "SELECT status FROM assessment")" = running ]
b assessment result 1 --system 1 --control "$(missing 1 1 2 3 4 5 6 7 8 9 10)" --result met \
	--source register
b assessment result 1 --system 1 --control A2.4.1.4.1 --result not-applicable --source judgement \
	--reason "無對外網站" --evidence "系統架構圖 v3"
b assessment result 1 --system 2 --control "$(missing 2 3 5)" --result met --source judgement \
	--reason "抽測檢視" --evidence "檢核表 HR-2026"
check "a judgement replaces a scan result" \
	[ "$(db "SELECT source FROM assessment_result WHERE control_id = 'A2.4.1.4.1' AND system_id = 1")" = judgement ]

# --- findings (捌) ---
refused "finding outside the scope" "is outside the scope" assessment finding 1 --system 2 \
	--control A2.4.1.6.2 --severity high --category technical --title t --risk r --recommendation x --owner o \
	--due 2027-01-31
refused "finding with a bad category" "--category 'misc' is not one of" assessment finding 1 --system 1 \
	--control A2.4.1.5.2 --severity high --category misc --title t --risk r --recommendation x --owner o \
	--due 2027-01-31
f() { # SEVERITY CONTROL SYSTEM TITLE DUE
	run "$BROKERSEC" assessment finding 1 --system "$3" --control "$2" --severity "$1" --category technical \
		--title "$4" --risk "未設定防火牆，外部可連線至管理埠" --recommendation "啟用主機防火牆，僅開放必要通訊埠" \
		--owner 資訊部 --due "$5"
}
f high A2.4.1.5.2 1 "防火牆未啟用" 2027-01-31
f medium A2.4.1.7.1.2 1 "未啟用稽核日誌" 2027-02-28
f low A2.4.1.3.1 2 "終端機修補延遲" 2027-03-31
check "three findings" [ "$(db "SELECT count(*) FROM assessment_finding")" = 3 ]

# --- complete (report): the sample of 參二 ---
run "$BROKERSEC" assessment complete 1
check "sample below 參二 refused" [ "$rc" -ne 0 ]
check "says how many more" contains "$err" "抽測 2 台（共 3 台設備），低於附件二參二"
check "says how many more (2)" contains "$err" "請再抽測 1 台"
check "quotes the text" contains "$err" "抽測比例每次至少應占該系統全部設備之 10%或 100台以上"
b assessment sample 1 --system 1 --devices 3
run "$BROKERSEC" assessment complete 1 --date 2026-11-30
check "complete" [ "$rc" -eq 0 ]
check "reported" [ "$(db "SELECT status || ' ' || completed_on FROM assessment")" = "reported 2026-11-30" ]
refused "scope frozen after the report" "needs it planned or running" assessment scope 1 --system 2 --remove
check "deleting a sample row of a reported assessment is refused by the database" \
	! sqlite3 "$D/brokersec.db" "DELETE FROM assessment_sample" 2>/dev/null

# --- follow-up by the audit unit ---
refused "close with open findings" "has 3 open finding(s)" assessment close 1
b assessment followup 1 --by 資訊部 --verdict partial --note "防火牆規則待核"
refused "finding close without the audit unit" "closes only with the audit unit's verdict" assessment finding-close 1
b assessment followup 1 --by 資訊部 --verdict corrected
check "a corrected verdict by others does not close" [ "$(db "SELECT status FROM assessment_finding WHERE id = 1")" = open ]
b assessment followup 1 --by 王稽核 --audit-unit --verdict corrected --note "覆查防火牆設定"
check "the audit unit's corrected verdict closes" \
	[ "$(db "SELECT status FROM assessment_finding WHERE id = 1")" = closed ]
refused "follow-up of a closed finding" "is closed already" assessment followup 1 --by x --verdict partial
b assessment followup 2 --by 王稽核 --audit-unit --verdict corrected
b assessment followup 3 --by 王稽核 --audit-unit --verdict not-corrected
refused "not corrected keeps it open" "has 1 open finding(s)" assessment close 1
b assessment followup 3 --by 王稽核 --audit-unit --verdict corrected
run "$BROKERSEC" assessment close 1
check "closed" [ "$(db "SELECT status FROM assessment")" = closed ]

# --- what the report reads ---
run "$BROKERSEC" assessment show 1 --format json
check "json: status" contains "$out" '"status": "closed"'
check "json: approver" contains "$out" '"approver": "board"'
check "json: three findings with follow-up" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; a=json.load(sys.stdin); print(len(a["findings"]), sum(len(f["followups"]) for f in a["findings"]))')" = "3 6" ]
check "json: the drill in the period only" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; a=json.load(sys.stdin); print([d["date"] for d in a["drills"]])')" = "['2026-03-15']" ]
check "json: retained five years from closing" contains "$out" '"retain_until": "20'
check "json: sample counts" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; a=json.load(sys.stdin); print([(s["system"], s["sampled"], s["sample_required"]) for s in a["scope"]])')" = "[('1', 3, 3), ('2', 1, 1)]" ]
run "$BROKERSEC" assessment show 1
check "table: zh-TW scope heading" contains "$out" "評估範圍（肆）"
check "table: severity in zh-TW" contains "$out" "[高/技術面]"
check "table: the audit unit named" contains "$out" "（稽核單位）"
run "$BROKERSEC" assessment show 1 --lang en
check "table: English" contains "$out" "Scope (肆)"
run "$BROKERSEC" assessment list
check "list" contains "$out" "2026 年度資訊安全評估"

# the report and correction records attach to the assessment as evidence (issue 12 item 10)
echo "signed report" >"$T/report.pdf"
run "$BROKERSEC" evidence add --record assessment:1 --file "$T/report.pdf"
check "evidence on assessment:1" [ "$rc" -eq 0 ]
run "$BROKERSEC" --lang en evidence add --record assessment:9 --file "$T/report.pdf"
check "evidence on a missing assessment refused" contains "$err" "assessment 9 does not exist"

# every change was an event, in order
check "events of the workflow" [ "$(ev "SELECT count(*) FROM events WHERE type LIKE 'assessment.%'")" -ge 20 ]
check "close is the last assessment event" \
	[ "$(ev "SELECT type FROM events WHERE type LIKE 'assessment.%' ORDER BY seq DESC LIMIT 1")" = assessment.close ]
finish
