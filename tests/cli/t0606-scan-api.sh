#!/bin/sh
# Saved scans and waivers over the API (src/http/api_scans.c): GET /scans (newest first, paged,
# ?host=), /scans/latest (the last scan per host), /scans/ID (failing checks first, with the
# clauses' numbering, the fix and the waiver), GET and POST /scan-waivers (the CLI's checks
# and messages, an event, applied at the next GET); who may read and who may waive.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
. "$TOP/tests/cli/t06-scan.inc"

start_server
scan_fixture hardened
scan_fixture weak-auth
# three saved scans: web01 hardened, then web01 weak (its latest), db01 hardened
run "$BROKERSEC" scan --root "$T/hardened" --host web01 --save --system 1 --data "$D"
check "scan 1 saved (hardened: exit 0)" [ "$rc" -eq 0 ]
sleep 0.01
run "$BROKERSEC" scan --root "$T/weak-auth" --host web01 --save --system 1 --data "$D"
check "scan 2 saved (weak-auth: checks fail)" [ "$rc" -eq 1 ]
sleep 0.01
run "$BROKERSEC" scan --root "$T/hardened" --host db01 --save --system 2 --device 5 --data "$D"
check "scan 3 saved" [ "$rc" -eq 0 ]

activate S so1 security_officer
activate I it1 it_staff
activate A aud1 auditor
activate E emp1 employee

# ---- GET /scans: newest first, paged, ?host=
req S GET /scans
check "GET /scans: 200" [ "$status" = 200 ]
check "three saved scans" [ "$(jget total)" = 3 ]
check "newest first" [ "$(jpy '[r["id"] for r in b["records"]]')" = "[3, 2, 1]" ]
check "a row has host, system, device, time" [ "$(jpy '(b["records"][0]["host"], b["records"][0]["system"], b["records"][0]["device"], b["records"][0]["created_at"][:2])')" = "('db01', '2', '5', '20')" ]
check "a row has its counts" [ "$(jpy 'sorted(b["records"][1]["counts"])')" = "['error', 'fail', 'not_applicable', 'pass', 'waived']" ]
fails2=$(jpy 'b["records"][1]["counts"]["fail"]')
check "the weak-auth scan has failing checks" [ "$fails2" -gt 1 ]
check "open = failing checks without a waiver" [ "$(jpy 'b["records"][1]["open"]')" = "$fails2" ]
req S GET '/scans?limit=2'
check "?limit=2: two rows, total still 3" [ "$(jpy '(len(b["records"]), b["total"], b["limit"])')" = "(2, 3, 2)" ]
req S GET '/scans?limit=2&offset=2'
check "?offset=2: the oldest" [ "$(jpy '[r["id"] for r in b["records"]]')" = "[1]" ]
req S GET '/scans?offset=9'
check "?offset past the end: no rows" [ "$(jpy '(len(b["records"]), b["total"])')" = "(0, 3)" ]
req S GET '/scans?limit=201'
check "?limit=201 refused" [ "$status" = 400 ]
check "the refusal names the bound" contains "$(jget error.message)" "from 1 to 200"
req S GET '/scans?limit=0'
check "?limit=0 refused" [ "$status" = 400 ]
req S GET '/scans?offset=-1'
check "?offset=-1 refused" [ "$status" = 400 ]
req S GET '/scans?host=web01'
check "?host=web01: its two scans" [ "$(jpy '[r["id"] for r in b["records"]]')" = "[2, 1]" ]
req S GET '/scans?host=nosuch'
check "?host of no scan: empty" [ "$(jget total)" = 0 ]

# ---- GET /scans/latest
req A GET /scans/latest
check "GET /scans/latest (auditor): 200" [ "$status" = 200 ]
check "the last scan per host, in host order" [ "$(jpy '[(r["host"], r["id"]) for r in b["records"]]')" = "[('db01', 3), ('web01', 2)]" ]
req A GET '/scans/latest?limit=1&offset=1'
check "/scans/latest pages too" [ "$(jpy '([r["id"] for r in b["records"]], b["total"])')" = "([2], 2)" ]

# ---- GET /scans/ID
req I GET /scans/2
check "GET /scans/2 (it_staff): 200" [ "$status" = 200 ]
check "failing checks come first" [ "$(jpy 'b["results"][0]["status"]')" = fail ]
check "no failing check after a passing one" [ "$(jpy '"".join("f" if r["status"]=="fail" else "p" if r["status"]=="pass" else "o" for r in b["results"]).find("pf")')" = -1 ]
check "a result has both titles" [ "$(jpy 'sorted(b["results"][0]["title"])')" = "['en', 'zh-TW']" ]
check "the clauses: catalog id and the text's numbering" [ "$(jpy '[(c["id"], c["numbering"]["zh-TW"]) for r in b["results"] if r["check"]=="linux.pam.lockout-threshold" for c in r["clauses"]][0]')" = "('A2.5.4.2.3', '附件二伍、四、(二)、3.')" ]
check "the clause's title" [ -n "$(jpy '[c["title"]["zh-TW"] for r in b["results"] for c in r["clauses"]][0]')" ]
check "a failing check has its fix in both languages" [ "$(jpy '[sorted(r["fix"]) for r in b["results"] if r["check"]=="linux.pam.lockout-threshold"][0]')" = "['en', 'zh-TW']" ]
check "a failing check has its evidence" [ "$(jpy '[len(r["evidence"]) > 0 for r in b["results"] if r["check"]=="linux.pam.lockout-threshold"][0]')" = True ]
check "no waiver yet" [ "$(jpy '[r["waiver"] for r in b["results"] if r["check"]=="linux.pam.lockout-threshold"][0]')" = None ]
check "the scan's own fields" [ "$(jpy '(b["id"], b["host"], b["system"], b["platform"])')" = "(2, 'web01', '1', 'linux')" ]
req S GET /scans/999
check "an unknown scan: 404" [ "$status" = 404 ]
check "404 says what to do" contains "$(jget error.message)" "GET /api/v1/scans"
req S GET '/scans/999?lang=zh-TW'
check "the 404 in zh-TW" contains "$(jget error.message)" "已儲存掃描"
req S GET /scans/abc
check "a non-number id: 404" [ "$status" = 404 ]
check "404 says ids are numbers" contains "$(jget error.message)" "whole numbers"

# ---- POST /scan-waivers: the CLI's checks and messages
W='"host":"web01","check_id":"linux.pam.lockout-threshold","justification":"legacy terminal app","approver":"資安長"'
jreq S POST '/scan-waivers?lang=en' "{$W,\"expires\":\"2020-01-01\"}"
check "a past date refused: 400" [ "$status" = 400 ]
check "the CLI's message" contains "$(jget error.message)" "waiver expiry 2020-01-01 is in the past: give a future date"
jreq S POST '/scan-waivers?lang=zh-TW' "{$W,\"expires\":\"2020-01-01\"}"
check "the same in zh-TW" contains "$(jget error.message)" "2020-01-01"
check "zh-TW text" [ "$(jget error.message)" != "waiver expiry 2020-01-01 is in the past: give a future date" ]
jreq S POST '/scan-waivers?lang=en' "{$W,\"expires\":\"2099-02-30\"}"
check "a date that does not exist refused" [ "$status" = 400 ]
check "which says the date form" contains "$(jget error.message)" "is not a date YYYY-MM-DD"
jreq S POST '/scan-waivers?lang=en' '{"host":"web01","check_id":"linux.nope","justification":"x","approver":"y","expires":"2099-01-01"}'
check "an unknown check refused: 400" [ "$status" = 400 ]
check "the CLI's message for it" contains "$(jget error.message)" "no check 'linux.nope'"
jreq S POST '/scan-waivers?lang=en' '{"host":"web01","check_id":"linux.pam.lockout-threshold","approver":"y","expires":"2099-01-01"}'
check "no justification: 400" [ "$status" = 400 ]
check "says a justification is needed" contains "$(jget error.message)" "needs --justification"
jreq S POST '/scan-waivers?lang=en' "{$W,\"expires\":\"2099-12-31\",\"until\":\"x\"}"
check "an unknown member: 400" [ "$status" = 400 ]
check "names the member" contains "$(jget error.message)" "unknown member 'until'"
jreq S POST '/scan-waivers?lang=en' "{$W,\"expires\":20991231}"
check "a number for the date: 400" [ "$status" = 400 ]
jreq S POST '/scan-waivers' '[1]'
check "not an object: 400" [ "$status" = 400 ]
jreq A POST /scan-waivers "{$W,\"expires\":\"2099-12-31\"}"
check "the auditor may not waive: 403" [ "$status" = 403 ]
check "names the permission" contains "$(jget error.message)" "evidence.write"
jreq E POST /scan-waivers "{$W,\"expires\":\"2099-12-31\"}"
check "an employee may not waive: 403" [ "$status" = 403 ]
jreq S POST /scan-waivers "{$W,\"expires\":\"2099-12-31\"}"
check "the security officer waives: 201" [ "$status" = 201 ] || echo "$body"
wid=$(jget id)
check "the waiver as stored" [ "$(jpy '(b["host"], b["check_id"], b["expires"], b["created_by"], b["active"])')" = "('web01', 'linux.pam.lockout-threshold', '2099-12-31', 'so1', True)" ]
req S GET '/events?type=scan.waiver.add'
check "the waiver is an event" contains "$body" "linux.pam.lockout-threshold"
check "the event names who" contains "$body" "so1"
run "$BROKERSEC" log search --type scan.waiver.add --data "$D" --lang en
check "brokersec log finds it too" contains "$out" "web01"

# applied at the next GET
req S GET /scans/2
check "the waiver shows on the scan" [ "$(jpy '[r["waiver"]["id"] for r in b["results"] if r["check"]=="linux.pam.lockout-threshold"][0]')" = "$wid" ]
check "the waived check follows the unwaived failures" [ "$(jpy '[r["check"] for r in b["results"] if r["status"]=="fail"][-1]')" = linux.pam.lockout-threshold ]
check "the scan counts it waived" [ "$(jpy 'b["counts"]["waived"]')" = 1 ]
check "and one fewer open" [ "$(jpy 'b["open"]')" = $((fails2 - 1)) ]
check "as saved it had none" [ "$(jpy 'b["waived_at_save"]')" = 0 ]
req S GET /scans/latest
check "the latest list counts it" [ "$(jpy '[r["counts"]["waived"] for r in b["records"] if r["id"]==2][0]')" = 1 ]
req S GET /scans/3
check "another host's scan is untouched" [ "$(jpy 'b["counts"]["waived"]')" = 0 ]

jreq I POST /scan-waivers '{"host":"web01","check_id":"linux.pam.lockout-duration","justification":"same terminal","approver":"IT manager","expires":"2099-06-30"}'
check "IT staff waive too: 201" [ "$status" = 201 ]

# ---- GET /scan-waivers
sqlite3 "$D/brokersec.db" "INSERT INTO scan_waiver (host, check_id, justification, approver, expires, created_at, created_by) VALUES ('web01', 'linux.pam.password-history', 'old', 'x', '2021-01-01', '2021-01-01T00:00:00Z', 'test')"
req A GET /scan-waivers
check "GET /scan-waivers (auditor): 200" [ "$status" = 200 ]
check "the valid ones only" [ "$(jpy '[w["check_id"] for w in b["records"]]')" = "['linux.pam.lockout-threshold', 'linux.pam.lockout-duration']" ]
check "with the check's title" [ -n "$(jpy 'b["records"][0]["title"]["zh-TW"]')" ]
req A GET '/scan-waivers?all=1'
check "?all=1: the expired one too, marked" [ "$(jpy '[(w["check_id"], w["active"]) for w in b["records"]][-1]')" = "('linux.pam.password-history', False)" ]
check "three in all" [ "$(jget total)" = 3 ]
req A GET '/scan-waivers?all=1&limit=1&sort=expires&order=asc'
check "paged and sorted" [ "$(jpy '([w["expires"] for w in b["records"]], b["total"])')" = "(['2021-01-01'], 3)" ]
req A GET '/scan-waivers?all=2'
check "?all=2 refused" [ "$status" = 400 ]
req A GET '/scan-waivers?limit=500'
check "?limit=500 refused" [ "$status" = 400 ]
req A GET '/scan-waivers?host=db01'
check "?host=db01: none" [ "$(jget total)" = 0 ]

# ---- the employee reads none of it
for p in /scans /scans/latest /scans/2 /scan-waivers; do
	req E GET "$p"
	check "employee GET $p: 403" [ "$status" = 403 ]
done
check "the employee's refusal names the permission" contains "$(jget error.message)" "status.read"
req - GET /scans
check "not signed in: 401" [ "$status" = 401 ]

# ---- documented
req - GET /openapi.yaml
for p in "/scans:" "/scans/latest:" "/scans/{id}:" "/scan-waivers:"; do
	check "openapi.yaml documents $p" contains "$body" "  $p"
done
check_clean_stop
finish
