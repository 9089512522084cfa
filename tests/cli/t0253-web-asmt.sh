#!/bin/sh
# The assessments page in a real browser (tests/ui/asmt.test.mjs): a security officer walks an
# assessment from plan to close - scope, sample, assessor, run, results, a finding and its
# follow-up, complete - the auditor (the audit unit) reviews and closes the finding, and the
# 電腦系統資訊安全評估報告 is issued as a PDF and downloaded; axe, a phone's width, screenshots.
# Then the same walk as the command line sees it: the events by each account, the report issued.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
. "$TOP/tests/cli/t02-web.inc"

ui_ready
start_server
bs() { "$BROKERSEC" --data "$D" "$@"; }
sys=$(bs system add --name "官方網站" --category 3 --owner "行銷部" 2>/dev/null)
bs device add --asset-tag WEB-1 --kind server --system "$sys" >/dev/null 2>&1
bs assessor add --name "王大明" --kind internal --unit "資安室" --independence "獨立於受評系統" --training-hours 12 \
	--financial-experience "保經 5 年" --nda-signed 2026-01-02 >/dev/null 2>&1
check "setup: a system, its device and an assessor" test -n "$sys"
activate S so1 security_officer
activate A aud1 auditor
run_ui asmt.test.mjs UI_PW1="$PW1"

run bs assessment show 1 --format json --lang en
check "the assessment is closed" contains "$out" '"status": "closed"'
ev() { sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE type = '$1' AND user = '$2'"; }
check "every step an event by so1 (plan, scope, sample, assessor, run, finding, complete, close)" \
	test "$(ev assessment.plan so1)$(ev assessment.scope so1)$(ev assessment.run so1)$(ev assessment.finding so1)$(ev assessment.complete so1)$(ev assessment.close so1)" = 111111
check "the review an event by aud1" test "$(ev assessment.followup aud1)" = 1
check "the report issued by so1" test "$(ev report.issue so1)" = 1
shots=${BUILD:-build}
case "$shots" in /*) ;; *) shots="$TOP/$shots" ;; esac
run bs report verify "$shots/ui-shots/asmt-report.pdf"
check "the downloaded PDF verifies (brokersec report verify)" [ "$rc" -eq 0 ]
rm -f "$shots/ui-shots/asmt-report.pdf"
check_clean_stop
finish
