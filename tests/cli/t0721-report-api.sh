#!/bin/sh
# The 電腦系統資訊安全評估報告 over the API (Annex 2 捌): POST /assessments/ID/reports issues a
# report in each format exactly as `brokersec report assessment` does (a report.issue event, a
# row `report verify` accepts), GET /reports/ID hands the same bytes back as an attachment with
# their SHA-256, GET /assessments/ID/reports lists them; the roles (registers.write issues,
# registers.read reads, an employee nothing), unknown ids, bad input, a report issued on the
# command line (not kept by the server) and a kept file changed on the server. The PDF's dates
# stay on one line. Also the paging of GET /assessments and GET /assessments/ID/results.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate sol sol security_officer
activate aud aud auditor
activate emma emma employee
bs() { "$BROKERSEC" --data "$D" "$@"; }
st_has() { test "$status" = "$1" && contains "$body" "$2"; }
events() { sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE type = '$1'${2:+ AND user = '$2'}"; }

# an assessment running, with a finding whose due date the PDF must not break
sys=$(bs system add --name "官方網站" --category 3 --owner "行銷部" 2>/dev/null)
dev=$(bs device add --asset-tag WEB-1 --kind server --system "$sys" 2>/dev/null)
asr=$(bs assessor add --name "王大明" --kind internal --unit "資安室" --independence "獨立" --training-hours 12 \
	--financial-experience "保經 5 年" --nda-signed 2026-01-02 2>/dev/null)
A=$(bs assessment plan --title "2026 評估" --from 2026-03-01 --to 2026-03-31 --approver delegate \
	--approved-by "總經理" --approved-on 2026-02-01 2>/dev/null | awk '{ print $NF }')
bs assessment scope "$A" --system "$sys" --areas 4 --reason "僅對外網站" >/dev/null 2>&1
bs assessment sample "$A" --system "$sys" --devices "$dev" >/dev/null 2>&1
bs assessment assessor "$A" --assessor "$asr" >/dev/null 2>&1
bs assessment run "$A" >/dev/null 2>&1
run bs assessment finding "$A" --system "$sys" --control A2.4.1.4.1 --severity medium --category technical \
	--title "網站弱點" --risk "跨站腳本" --recommendation "修補並重新掃描" --owner "行銷部" --due 2027-06-30
check "setup: an assessment with a finding" [ "$rc" -eq 0 ]

# --- issue each format ---
n0=$(events report.issue)
for f in pdf docx html oscal; do
	jreq sol POST "/assessments/$A/reports" "{\"format\":\"$f\",\"lang\":\"zh-TW\"}"
	check "issue $f: 201" test "$status" = 201
	check "issue $f: its format, sha256, size and download path" \
		test "$(jpy '(b["format"], len(b["sha256"]), b["size"] > 0, b["download"] == "/api/v1/reports/%d" % b["id"], b["kept"])')" = "('$f', 64, True, True, True)"
	eval "id_$f=\$(jget id) sha_$f=\$(jget sha256)"
done
jreq sol POST "/assessments/$A/reports" '{"format":"html","lang":"en"}'
check "issue in English: 201" test "$status" = 201 -a "$(jget lang)" = en
id_en=$(jget id)
check "an event report.issue by the signed-in account for each issued report" test "$(events report.issue sol)" = $((n0 + 5))
check "the event names the report's SHA-256" \
	test "$(sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE type = 'report.issue' AND data LIKE '%$sha_pdf%'")" = 1

# --- download: the same bytes, as an attachment, with the SHA-256 ---
download() { # download ID FILE
	rm -f "$T/h"
	req "$1" GET "/reports/$2" -D "$T/h"
	cp "$T/.body" "$3"
}
for f in pdf docx html oscal; do
	eval "id=\$id_$f sha=\$sha_$f"
	download aud "$id" "$T/r.$f"
	check "download $f: 200 (auditor: registers.read)" test "$status" = 200
	hsha=$(tr -d '\r' <"$T/h" | sed -n 's/^[Xx]-[Cc]ontent-[Ss][Hh][Aa]256: //p')
	check "download $f: X-Content-SHA256 is the bytes' SHA-256" test "$hsha" = "$(sha256sum "$T/r.$f" | cut -d' ' -f1)"
	check "download $f: the SHA-256 that was issued" test "$hsha" = "$sha"
	check "download $f: attachment with filename and filename* (RFC 6266)" \
		grep -qi "^content-disposition: attachment; filename=\"[^\"]*\.$( [ $f = oscal ] && echo oscal.json || echo $f)\"; filename\*=UTF-8''" "$T/h"
	run bs report verify "$T/r.$f"
	check "download $f: brokersec report verify accepts it" [ "$rc" -eq 0 ]
done
ctype() { tr -d '\r' <"$T/h" | sed -n 's/^[Cc]ontent-[Tt]ype: //p'; }
download aud "$id_pdf" "$T/r.pdf"
check "pdf: application/pdf" test "$(ctype)" = application/pdf
check "pdf: a PDF file" test "$(head -c 5 "$T/r.pdf")" = "%PDF-"
pdftotext "$T/r.pdf" "$T/r.txt"
check "pdf: pdftotext finds the report's title" grep -q "電腦系統資訊安全評估報告" "$T/r.txt"
check "pdf: the finding's due date on one line (not 2027-06 / -30)" grep -q "2027-06-30" "$T/r.txt"
check "pdf: the UTF-8 file name names the report" grep -qi "filename\*=UTF-8''%E9%9B%BB%E8%85%A6" "$T/h"
download aud "$id_docx" "$T/r.docx"
check "docx: the OOXML type" test "$(ctype)" = application/vnd.openxmlformats-officedocument.wordprocessingml.document
check "docx: a zip holding word/document.xml" sh -c "unzip -l '$T/r.docx' | grep -q word/document.xml"
download aud "$id_html" "$T/r.html"
check "html: text/html; charset=utf-8" test "$(ctype)" = "text/html; charset=utf-8"
check "html: an attachment, never shown in this origin" grep -qi "^content-disposition: attachment" "$T/h"
check "html: the report" grep -q "電腦系統資訊安全評估報告" "$T/r.html"
download aud "$id_oscal" "$T/r.oscal"
check "oscal: application/json" test "$(ctype)" = application/json
check "oscal: an OSCAL assessment-results document" \
	test "$(python3 -c 'import json,sys; print("assessment-results" in json.load(open(sys.argv[1])))' "$T/r.oscal")" = True
download aud "$id_en" "$T/en.html"
check "English report: the English file name" grep -qi 'filename="security-assessment-report-' "$T/h"
check "English report: in English" grep -q "Assessors&#39; qualifications" "$T/en.html"

# --- the list ---
req aud GET "/assessments/$A/reports"
check "list: 200 with the five reports" test "$status" = 200 -a "$(jpy '(b["total"], [r["format"] for r in b["reports"]])')" = "(5, ['pdf', 'docx', 'html', 'oscal', 'html'])"
check "list: each with its SHA-256 and who issued it" test "$(jpy 'sorted(set((len(r["sha256"]), r["issued_by"], r["kept"]) for r in b["reports"]))')" = "[(64, 'sol', True)]"
req aud GET "/assessments/$A/reports?limit=2&offset=4"
check "list pages: limit and offset" test "$(jpy '(b["total"], b["offset"], len(b["reports"]))')" = "(5, 4, 1)"
req aud GET "/assessments/$A/reports?limit=500"
check "list pages: at most 200 a request" st_has 400 "limit"

# --- a report issued on the command line: listed, its bytes not on the server ---
run bs report assessment "$A" --format pdf --lang en -o "$T/cli.pdf"
req aud GET "/assessments/$A/reports?sort=id&order=desc&limit=1"
cli_id=$(jpy 'b["reports"][0]["id"]')
check "a report issued on the command line is listed, not kept" test "$(jpy '(b["reports"][0]["kept"], b["reports"][0]["download"])')" = "(False, None)"
req aud GET "/reports/$cli_id"
check "its download: 404 saying it was issued on the command line" st_has 404 "issued on the command line"

# --- roles, ids, input ---
jreq aud POST "/assessments/$A/reports" '{"format":"pdf"}'
check "auditor cannot issue (registers.write): 403" test "$status" = 403
jreq emma POST "/assessments/$A/reports" '{"format":"pdf"}'
check "employee cannot issue: 403" test "$status" = 403
req emma GET "/reports/$id_pdf"
check "employee cannot download: 403" test "$status" = 403
req emma GET "/assessments/$A/reports"
check "employee cannot list: 403" test "$status" = 403
req aud GET /reports/999
check "unknown report: 404" st_has 404 "no issued report 999"
req aud GET /reports/abc
check "a report id that is no number: 404" test "$status" = 404
jreq sol POST /assessments/999/reports '{"format":"pdf"}'
check "unknown assessment: 404" test "$status" = 404
req aud GET /assessments/999/reports
check "unknown assessment's list: 404" test "$status" = 404
jreq sol POST "/assessments/$A/reports" '{"format":"xlsx"}'
check "unknown format: 400 naming the formats" st_has 400 "use html, pdf, docx or oscal"
jreq sol POST "/assessments/$A/reports" '{"format":"pdf","lang":"fr"}'
check "unknown language: 400" st_has 400 "zh-TW"
jreq sol POST "/assessments/$A/reports" '{"format":"pdf","colour":"red"}'
check "unknown member: 400" st_has 400 "unknown member 'colour'"
jreq sol POST "/assessments/$A/reports" '{}'
check "format is required: 400" st_has 400 "'format' is required"
check "refused requests issued nothing" test "$(events report.issue sol)" = $((n0 + 5))

# --- a kept file changed on the server is never handed out ---
printf 'x' >>"$D/reports/$sha_html"
req aud GET "/reports/$id_html"
check "changed kept file: 500 saying so" st_has 500 "report_changed"
check "changed kept file: the message names the recorded SHA-256" contains "$body" "$sha_html"
check "changed kept file: an event" test "$(events report.mismatch)" = 1
check "kept files are the owner's only" test "$(stat -c %a "$D/reports")/$(stat -c %a "$D/reports/$sha_pdf")" = 700/600

# --- the assessments list and the results, a page at a time ---
bs assessment plan --title "2027 評估" --from 2027-03-01 --to 2027-03-31 --approver board \
	--approved-by "董事會" --approved-on 2027-02-01 >/dev/null 2>&1
req aud GET "/assessments?limit=1"
check "assessments: paged, newest first" test "$(jpy '(b["total"], len(b["assessments"]), b["assessments"][0]["title"])')" = "(2, 1, '2027 評估')"
req aud GET "/assessments?sort=id&order=asc&limit=1&offset=1"
check "assessments: sort and offset" test "$(jpy 'b["assessments"][0]["id"]')" = 2
req aud GET "/assessments/$A/results?result=none&limit=1"
check "results: paged, filtered by result" test "$(jpy '(b["total"] >= 1, len(b["results"]), b["results"][0]["result"])')" = "(True, 1, 'none')"
req aud GET "/assessments/$A/results?result=maybe"
check "results: a bad filter is refused" test "$status" = 400

req - GET /openapi.yaml
for p in '/assessments/{id}/reports:' '/assessments/{id}/results:' '/reports/{id}:'; do
	check "openapi describes $p" contains "$body" "  $p"
done
check_clean_stop
finish
