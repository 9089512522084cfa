#!/bin/sh
# A demo data directory in a real browser (tests/ui/demo.test.mjs; issue 21, `make demo`):
# GET /me says "demo": true, the banner is on every page of the menu (and on paper), the
# dashboard is populated (open findings, one overdue; deadlines), the assessment lists its
# issued report, whose download carries the demo mark (pdftotext); screenshots at 1280 and
# 375 px. Also: the API of a demo directory and its refusals are those of any directory.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
. "$TOP/tests/cli/t02-web.inc"

ui_ready
"$BROKERSEC" init --demo --data "$D" --admin root1 --test-fast-kdf --lang en >"$T/init.out" 2>"$T/init.err" ||
	{ cat "$T/init.out" "$T/init.err"; exit 1; }
ADMIN_PW=$(sed -n 's/^one-time password.*: //p' "$T/init.out")
check "init --demo made the directory" contains "$(cat "$T/init.out")" "demo data: 4 systems"
start_server
check "serve warns that it serves demo data" contains "$(cat "$T/serve.err")" "示範資料目錄：所有資料皆為產生之示範資料，非真實紀錄"
activate S so1 security_officer
activate E emp1 employee
req S GET /me
check "GET /me: demo true" test "$(jget demo)" = true
req E GET /me
check "GET /me (employee): demo true" test "$(jget demo)" = true
req E GET /registers/person
check "the employee may not read the registers of a demo directory either (403)" test "$status" = 403
req S GET "/registers/person?limit=50"
check "the security officer reads the 40 people" test "$(jget total)" = 40
req - GET /openapi.yaml
check "openapi documents /me's demo" contains "$body" "demo: {type: boolean"
run_ui demo.test.mjs UI_PW1="$PW1"
pdf="$BUILD/ui-shots/demo-report.pdf"
case "$BUILD" in /*) ;; *) pdf="$TOP/$pdf" ;; esac
check "the downloaded report was saved" test -s "$pdf"
pages=$(pdfinfo "$pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
marks=$(pdftotext "$pdf" - 2>/dev/null | tr -d ' \n' | grep -o "示範資料（非真實評估）" | wc -l)
check "the downloaded report is marked on every page ($marks marks, $pages pages)" test "$marks" -gt "${pages:-99}"
run "$BROKERSEC" --data "$D" report verify "$pdf"
check "the downloaded report is the issued one" test "$rc" = 0
finish
