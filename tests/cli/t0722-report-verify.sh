#!/bin/sh
# report assessment / verify / purge: an issued report's SHA-256 is an event and a row kept five
# years (Annex 2 捌); verify names the assessment and the time for an unchanged file and refuses
# a changed one; bad input is refused with nothing written and nothing recorded.
. "$TOP/tests/cli/lib.sh"
D=$T/d
bs() { "$BROKERSEC" --data "$D" "$@"; }
issued() { bs log search --type report.issue --format json 2>/dev/null | grep -c '"report.issue"'; }

"$BROKERSEC" init --data "$D" --org "測試保險經紀人" --internal-control no --test-fast-kdf >/dev/null 2>&1
sys=$(bs system add --name "官方網站" --category 3 --owner "行銷部" 2>/dev/null)
dev=$(bs device add --asset-tag WEB-1 --kind server --system "$sys" 2>/dev/null)
asr=$(bs assessor add --name "王大明" --kind internal --unit "資安室" --independence "獨立" --training-hours 12 \
	--financial-experience "保經 5 年" --nda-signed 2026-01-02 2>/dev/null)
A=$(bs assessment plan --title "2026 評估" --from 2026-03-01 --to 2026-03-31 --approver delegate \
	--approved-by "總經理" --approved-on 2026-02-01 2>/dev/null | awk '{ print $NF }')
bs assessment scope "$A" --system "$sys" --areas 4 --reason "僅對外網站" >/dev/null 2>&1
bs assessment sample "$A" --system "$sys" --devices "$dev" >/dev/null 2>&1
bs assessment assessor "$A" --assessor "$asr" >/dev/null 2>&1
run bs assessment run "$A"
check "setup: an assessment is running" [ "$rc" -eq 0 ]

run bs report assessment "$A" --format html -o "$T/r.html"
check "report html: exit 0" [ "$rc" -eq 0 ]
sum=$(sha256sum "$T/r.html" | cut -d' ' -f1)
check "the message gives the file's SHA-256" contains "$err" "$sum"
check "the message gives the retention date (5 years)" contains "$err" "保存至 20"
html=$(cat "$T/r.html")
check "a running assessment's report says it is a draft" contains "$html" "執行中（草稿）"
run bs log search --type report.issue --format json
check "the SHA-256 is an event in the event log" contains "$out" "$sum"

run bs report verify "$T/r.html"
check "verify: exit 0" [ "$rc" -eq 0 ]
check "verify names the assessment" contains "$out" "評估 $A"
check "verify says unchanged" contains "$out" "未經變更"
run bs --lang en report verify "$T/r.html"
check "verify in English" contains "$out" "VERIFIED: $T/r.html is the html report (zh-TW) of assessment $A, issued 20"

cp "$T/r.html" "$T/changed.html"
printf ' ' >> "$T/changed.html"
run bs report verify "$T/changed.html"
check "verify: a changed file fails (exit 1)" [ "$rc" -eq 1 ]
check "verify: says not verified" contains "$out" "未通過"
run bs report verify "$TOP/README.md"
check "verify: any other file fails" [ "$rc" -eq 1 ]
run bs report verify "$T/missing.pdf"
check "verify: a missing file is an error naming it" contains "$err" "missing.pdf"

# stdout, and English
run bs --lang en report assessment "$A"
check "report to stdout" contains "$out" "<!DOCTYPE html>"
check "English report" contains "$out" "Assessors&#39; qualifications"
bs --lang en report assessment "$A" > "$T/en.html" 2>/dev/null
run bs report verify "$T/en.html"
check "a report written to stdout verifies too" [ "$rc" -eq 0 ]

# bad input: nothing written, nothing recorded
n0=$(issued)
check "three reports were recorded so far" [ "$n0" -eq 3 ]
run bs report assessment "$A" --format xlsx -o "$T/x.xlsx"
check "unknown format: usage error" [ "$rc" -eq 2 ]
check "unknown format: names the formats" contains "$err" "html、pdf、docx 或 oscal"
check "unknown format: no file" [ ! -e "$T/x.xlsx" ]
run bs report assessment 999 -o "$T/none.html"
check "no such assessment: exit 1" [ "$rc" -eq 1 ]
check "no such assessment: names it" contains "$err" "999"
check "no such assessment: no file" [ ! -e "$T/none.html" ]
run bs report assessment abc
check "an id that is no number: usage error" [ "$rc" -eq 2 ]
run bs report assessment "$A" -o "$T/no/such/dir/r.html"
check "unwritable output: exit 1" [ "$rc" -eq 1 ]
check "unwritable output: says where" contains "$err" "$T/no/such/dir"
run bs report verify "$T/r.html" -o "$T/y"
check "-o does not apply to verify" [ "$rc" -eq 2 ]
check "nothing of the above was recorded as issued" [ "$(issued)" = "$n0" ]

# kept five years: purge refuses now, and the database refuses a change
run bs --lang en report purge "$A"
check "purge within five years: exit 1" [ "$rc" -eq 1 ]
check "purge names the date" contains "$err" "kept until 20"
run bs report verify "$T/r.html"
check "after a refused purge the report still verifies" [ "$rc" -eq 0 ]
run sqlite3 "$D/brokersec.db" "UPDATE report_issued SET size = 0"
check "the database refuses to change an issued report" contains "$err" "immutable"
run sqlite3 "$D/brokersec.db" "DELETE FROM report_issued"
check "the database refuses to delete one early" contains "$err" "five years"
finish
