#!/bin/sh
# assessment over the API: the same workflow and checks as the CLI (plan, scope, sample,
# assessors, run, results, findings, complete, follow-up, close), the roles (registers.read /
# registers.write; the audit unit's review and close need assessments.followup: the auditor
# alone), an unknown member refused, and the result equal to `brokersec assessment show`.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate sol sol security_officer
activate aud aud auditor
activate emma emma employee

st_has() {
	test "$status" = "$1" && contains "$body" "$2"
}

jreq sol POST /registers/system '{"name":"人資","category":3,"owner":"人資部"}'
jreq sol POST /registers/device '{"asset_tag":"HR-1","kind":"desktop","system":1}'
jreq sol POST /registers/assessor '{"name":"王稽核","kind":"internal","unit":"稽核室","independence":"獨立","training_hours":12,"financial_experience":"保險業","nda_signed":"2026-01-05"}'
check "assessor register over the API" test "$status" = 201

# --- roles ---
req emma GET /assessments
check "employee: 403" test "$status" = 403
jreq aud POST /assessments '{"title":"x","from":"2026-01-01","to":"2026-12-31","approver":"board","approved_by":"董事會","approved_on":"2025-12-20"}'
check "auditor cannot plan" test "$status" = 403

# --- plan, scope, sample, assessors ---
jreq sol POST /assessments '{"title":"2026 年度","from":"2026-01-01","to":"2026-12-31","approver":"board","approved_by":"董事會","approved_on":"2025-12-20","colour":"red"}'
check "unknown member refused" st_has 400 "unknown member 'colour'"
jreq sol POST /assessments '{"title":"2026 年度","from":"2026-01-01","to":"2026-12-31","approver":"board","approved_by":"董事會","approved_on":"2025-12-20"}'
check "plan: 201" test "$status" = 201 -a "$(jget status)" = planned
jreq sol POST /assessments/1/scope '{"system":1,"areas":[10]}'
check "category 3 needs a reason" st_has 400 "--reason is required"
jreq sol POST /assessments/1/scope '{"system":1,"areas":[10],"reason":"僅合規檢視"}'
check "scope" test "$status" = 200 -a "$(jpy 'b["scope"][0]["areas"]')" = "[10]"
jreq sol POST /assessments/1/sample '{"system":1,"devices":[1]}'
check "sample" test "$status" = 200 -a "$(jpy 'b["scope"][0]["sampled"]')" = 1
jreq sol POST /assessments/1/sample '{"system":1,"devices":[2]}'
check "sample: unknown device 404" test "$status" = 404
jreq sol POST /assessments/1/assessors '{"assessor":1,"role":"lead"}'
check "assessor" test "$status" = 200 -a "$(jpy 'b["assessors"][0]["name"]')" = 王稽核
req sol POST /assessments/1/run
check "run" test "$status" = 200 -a "$(jget status)" = running

# --- results, findings ---
jreq sol POST /assessments/1/results '{"system":1,"control":"A2.4.1.10","result":"not-met","source":"judgement"}'
check "judgement without evidence" st_has 400 "needs --reason and --evidence"
jreq sol POST /assessments/1/results '{"system":1,"control":"A2.4.1.10","result":"not-met","source":"judgement","reason":"多項伍之規範未落實","evidence":"檢核表"}'
check "result" test "$status" = 200 -a "$(jpy 'b["summary"]["not_met"]')" = 1
jreq sol POST /assessments/1/findings '{"system":1,"control":"A2.4.1.6.2","severity":"high","category":"technical","title":"t","risk":"r","recommendation":"x","owner":"o","due":"2027-01-31"}'
check "finding outside the scope" st_has 400 "is outside the scope"
jreq sol POST /assessments/1/findings '{"system":1,"control":"A2.4.1.10","severity":"medium","category":"management","title":"資安政策未年度檢討","risk":"政策過時","recommendation":"每年檢討並經核定","owner":"資安長","due":"2027-01-31"}'
check "finding" test "$status" = 201 -a "$(jget finding)" = 1
jreq sol POST /assessments/1/findings '{"from_vulns":true,"colour":1}'
check "from_vulns: an unknown member refused" st_has 400 "unknown member 'colour'"
"$BROKERSEC" vuln import-feed --data "$D" --format debian-tracker --release bookworm "$TOP/tests/fixtures/vuln/tracker.json" >/dev/null 2>&1
"$BROKERSEC" vuln inventory --data "$D" --root "$TOP/tests/fixtures/vuln/root" --device 1 >/dev/null 2>&1
jreq sol POST /assessments/1/findings '{"from_vulns":true,"as_of":"2099-01-01"}'
check "from_vulns: the 8 overdue ones counted, none added (area 10 holds no patch review)" \
	test "$status" = 201 -a "$(jget findings)" = 0 -a "$(jget out_of_areas)" = 8
jreq sol POST /assessments/1/findings '{"from_vulns":true,"as_of":"2099-13-01"}'
check "from_vulns: a bad as_of refused" st_has 400 "is not a date"
req sol GET /assessment-findings/open
check "open findings: one, medium, not overdue yet" test "$status" = 200 -a "$(jget open)" = 1 -a \
	"$(jget by_severity.medium)" = 1 -a "$(jget by_severity.high)" = 0 -a "$(jget overdue)" = 0
check "open findings: the most urgent listed with its assessment" test "$(jpy 'b["first"][0]["assessment"]')" = 1
jreq sol POST /assessments/1/complete '{}'
check "complete" test "$status" = 200 -a "$(jget status)" = reported

# --- the audit unit ---
jreq sol POST /assessment-findings/1/review '{"verdict":"corrected"}'
check "the security officer is not the audit unit" test "$status" = 403
jreq sol POST /assessment-findings/1/followups '{"by":"資安長","verdict":"corrected"}'
check "follow-up by others" test "$status" = 201 -a "$(jget audit_unit)" = false
req sol POST /assessments/1/close
check "close refused while open" st_has 409 "open finding"
req sol POST /assessment-findings/1/close
check "finding close: auditor only" test "$status" = 403
jreq aud POST /assessment-findings/1/review '{"verdict":"partial","note":"尚缺核定紀錄"}'
check "auditor reviews" test "$status" = 201 -a "$(jget audit_unit)" = true
jreq aud POST /assessment-findings/1/review '{"verdict":"corrected","by":"someone"}'
check "the reviewer is the signed-in account, not a member" st_has 400 "unknown member 'by'"
jreq aud POST /assessment-findings/1/review '{"verdict":"corrected"}'
check "corrected closes" test "$status" = 201
req sol POST /assessments/1/close
check "closed" test "$status" = 200 -a "$(jget status)" = closed
check "follow-up history" test "$(jpy '[(f["by"], f["audit_unit"], f["verdict"]) for f in b["findings"][0]["followups"]]')" = "[('資安長', False, 'corrected'), ('aud', True, 'partial'), ('aud', True, 'corrected')]"
check "review is an event by the auditor" \
	test "$(sqlite3 "$D/events.db" "SELECT user FROM events WHERE type = 'assessment.followup' ORDER BY seq DESC LIMIT 1")" = aud

# --- the same JSON as the CLI ---
req aud GET /assessments/1
printf '%s' "$body" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))' >"$T/api.json"
"$BROKERSEC" assessment show 1 --format json --data "$D" 2>/dev/null |
	python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))' >"$T/cli.json"
check "GET /assessments/1 = assessment show --format json" cmp -s "$T/api.json" "$T/cli.json"
req aud GET /assessments
check "list" test "$status" = 200 -a "$(jpy '[a["status"] for a in b["assessments"]]')" = "['closed']"
jreq sol POST /assessments/record '{"system":1,"date":"2024-05-01","assessor":"甲資安公司","report":"R-1"}'
check "record a past assessment" test "$status" = 201 -a "$(jpy '(b["legacy"], b["status"], b["completed_on"])')" = "(True, 'closed', '2024-05-01')"
jreq sol POST /assessments/record '{"system":1,"date":"2099-01-01","assessor":"x"}'
check "record: future date refused" st_has 400 "is in the future"
req aud GET /assessments/nope
check "bad id: 404" test "$status" = 404
check_clean_stop
finish
