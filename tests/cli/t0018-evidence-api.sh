#!/bin/sh
# The evidence routes the web UI reads (src/http/api_evidence.c): GET /evidence a page at a time
# with filters (?control ?record ?state=submitted|accepted|rejected|expired ?queue ?limit
# ?offset, "total"), GET /evidence/{id} (valid_until, expired) and GET /evidence/{id}/file (the
# bytes as added, an attachment with a safe type and an RFC 6266 name; a stored copy that no
# longer matches its SHA-256 is refused with 500 "integrity", an alert and an event), each
# refused to an employee (evidence.read).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"

db() { sqlite3 "$D/brokersec.db" "$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

start_server
activate sol so1 security_officer
activate aud aud1 auditor
activate ivan ivan it_staff
activate emp emp1 employee
"$BROKERSEC" person add --name 王小明 --role security --hired 2026-01-05 --nda-signed 2026-01-05 --data "$D" >/dev/null

# a binary file (every byte value, NULs too) named in Chinese, an NDA, and an HTML page
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 40 + "教育訓練\n".encode())' >"$T/train.pdf"
printf 'NDA signed 2026-01-05\n' >"$T/nda.txt"
printf '<html><script>alert(1)</script></html>\n' >"$T/page.html"
jreq ivan POST /evidence "{\"control_id\":\"SR.4.5\",\"name\":\"教育訓練 紀錄.pdf\",\"content_base64\":\"$(base64 -w0 "$T/train.pdf")\",\"note\":\"115 年度\"}"
check "POST /evidence (control): 201" [ "$status" = 201 ]
jreq ivan POST /evidence "{\"record\":\"person:1\",\"name\":\"nda.txt\",\"content_base64\":\"$(base64 -w0 "$T/nda.txt")\"}"
check "POST /evidence (record): 201" [ "$status" = 201 ]
jreq sol POST /evidence "{\"control_id\":\"SR.16\",\"name\":\"page.html\",\"content_base64\":\"$(base64 -w0 "$T/page.html")\"}"
check "POST /evidence (html): 201" [ "$status" = 201 ]

# --- the list: paging ---
req aud GET /evidence
check "GET /evidence: 200" [ "$status" = 200 ]
check "by id, with total, offset, limit (default 200)" [ "$(jpy '[e["id"] for e in b["evidence"]], b["total"], b["offset"], b["limit"]')" = "([1, 2, 3], 3, 0, 200)" ]
req aud GET "/evidence?limit=2"
check "?limit=2: two of three" [ "$(jpy '[e["id"] for e in b["evidence"]], b["total"]')" = "([1, 2], 3)" ]
req aud GET "/evidence?limit=2&offset=2"
check "?offset=2: the third" [ "$(jpy '[e["id"] for e in b["evidence"]], b["total"]')" = "([3], 3)" ]
req aud GET "/evidence?limit=201"
check "?limit above 200: 400" [ "$status" = 400 ]
check "the refusal names the argument" contains "$body" "?limit="

# --- filters ---
req aud GET "/evidence?control=SR.4"
check "?control=SR.4: its items (SR.4.5), not the record's" [ "$(jpy '[e["id"] for e in b["evidence"]]')" = "[1]" ]
req aud GET "/evidence?control=SR.16"
check "?control=SR.16" [ "$(jpy '[e["id"] for e in b["evidence"]]')" = "[3]" ]
req aud GET "/evidence?record=person"
check "?record=person" [ "$(jpy '[e["id"] for e in b["evidence"]]')" = "[2]" ]
req aud GET "/evidence?record=person:1"
check "?record=person:1" [ "$(jpy '[e["id"] for e in b["evidence"]]')" = "[2]" ]
req aud GET "/evidence?record=person:2"
check "?record=person:2: none" [ "$(jpy 'b["total"]')" = 0 ]
req aud GET "/evidence?record=x%27%3B--"
check "?record not REGISTER[:ID]: 400" [ "$status" = 400 ]
req aud GET "/evidence?control=SR.4&record=person"
check "?control and ?record at once: 400" [ "$status" = 400 ]
req aud GET "/evidence?state=maybe"
check "?state unknown: 400" [ "$status" = 400 ]
check "the refusal names the states" contains "$body" "expired"
req aud GET "/evidence?queue=2"
check "?queue=2: 400" [ "$status" = 400 ]

# --- review, then states ---
jreq aud POST /evidence/1/review '{"decision":"accept","comment":"時數與名冊相符"}'
check "aud1 accepts #1" [ "$status" = 200 ]
jreq sol POST /evidence/2/review '{"decision":"reject","comment":"未簽名"}'
check "so1 rejects #2" [ "$status" = 200 ]
jreq sol POST /evidence/3/review '{"decision":"accept","comment":"mine"}'
check "so1 cannot review its own #3: 403" [ "$status" = 403 ]
jreq aud POST /evidence/3/review '{"decision":"reject","comment":""}'
check "an empty comment is refused: 400" [ "$status" = 400 ]
req aud GET "/evidence?state=submitted"
check "?state=submitted" [ "$(jpy '[e["id"] for e in b["evidence"]]')" = "[3]" ]
req aud GET "/evidence?state=accepted"
check "?state=accepted" [ "$(jpy '[e["id"] for e in b["evidence"]]')" = "[1]" ]
req aud GET "/evidence?state=rejected"
check "?state=rejected" [ "$(jpy '[e["id"] for e in b["evidence"]]')" = "[2]" ]
req aud GET "/evidence?state=expired"
check "?state=expired: none yet" [ "$(jpy 'b["total"]')" = 0 ]
req aud GET "/evidence?queue=1"
check "?queue=1: awaiting review first, then newest first" [ "$(jpy '[e["id"] for e in b["evidence"]]')" = "[3, 2, 1]" ]
req aud GET "/evidence?state=submitted&limit=1"
check "the reviewers' count: total of ?state=submitted" [ "$(jpy 'b["total"], len(b["evidence"])')" = "(1, 1)" ]

# --- one record ---
req ivan GET /evidence/1
check "GET /evidence/1: 200" [ "$status" = 200 ]
check "the record, accepted, valid a year from today (SR.4.5: P1Y), not expired" \
	[ "$(jpy 'b["id"], b["state"], b["reviewed_by"], b["valid_until"], b["expired"], b["note"]')" = \
	"(1, 'accepted', 'aud1', '$(date -u -d '+1 year' +%Y-%m-%d)', False, '115 年度')" ]
req ivan GET /evidence/2
check "record evidence: no validity of its own" [ "$(jpy 'b["valid_until"], b["record"]["register"]')" = "(None, 'person')" ]
req ivan GET /evidence/99
check "GET /evidence/99: 404" [ "$status" = 404 ]
req ivan GET /evidence/abc
check "GET /evidence/abc: 404" [ "$status" = 404 ]

# a year and more ago: lapsed (what `status` calls 到期)
db "UPDATE evidence SET created_us = created_us - 400 * 86400000000 WHERE id = 1"
req aud GET "/evidence?state=expired"
check "?state=expired: #1 after its year" [ "$(jpy '[(e["id"], e["expired"]) for e in b["evidence"]]')" = "[(1, True)]" ]
req aud GET "/evidence?state=accepted"
check "?state=accepted: only what still counts" [ "$(jpy 'b["total"]')" = 0 ]

# --- the file ---
req ivan GET /evidence/1/file -D "$T/h1"
check "GET /evidence/1/file: 200" [ "$status" = 200 ]
check "the same bytes" [ "$(sha "$T/.body")" = "$(sha "$T/train.pdf")" ]
check "a PDF as application/pdf" grep -qi '^content-type: application/pdf' "$T/h1"
check "an attachment, RFC 6266 name in UTF-8" grep -qi "^content-disposition: attachment; filename=\"[^\"]*\.pdf\"; filename\*=UTF-8''%E6%95%99%E8%82%B2%E8%A8%93%E7%B7%B4%20%E7%B4%80%E9%8C%84\.pdf" "$T/h1"
check "nosniff" grep -qi '^x-content-type-options: nosniff' "$T/h1"
check "X-Content-SHA256 is the record's" grep -qi "^x-content-sha256: $(sha "$T/train.pdf")" "$T/h1"
req ivan GET /evidence/3/file -D "$T/h3"
check "HTML: 200" [ "$status" = 200 ]
check "HTML: the same bytes" [ "$(sha "$T/.body")" = "$(sha "$T/page.html")" ]
check "HTML is never text/html: application/octet-stream" grep -qi '^content-type: application/octet-stream' "$T/h3"
check "HTML: an attachment" grep -qi '^content-disposition: attachment; filename="page.html"' "$T/h3"
req ivan GET /evidence/99/file
check "GET /evidence/99/file: 404" [ "$status" = 404 ]

# --- an employee reads no evidence ---
req emp GET /evidence
check "employee GET /evidence: 403" [ "$status" = 403 ]
req emp GET /evidence/1
check "employee GET /evidence/1: 403" [ "$status" = 403 ]
req emp GET /evidence/1/file
check "employee GET /evidence/1/file: 403" [ "$status" = 403 ]
check "the refusal names evidence.read" contains "$body" "evidence.read"
req - GET /evidence/1/file
check "no session: 401" [ "$status" = 401 ]

# --- a stored copy changed after it was added ---
f="$D/evidence/$(sha "$T/nda.txt")"
printf 'NDA signed 2026-01-06\n' >"$f"
run "$BROKERSEC" log search --data "$D" --type evidence.integrity --format json
check "no integrity event before" [ -z "$(printf '%s' "$out" | grep 'evidence.integrity')" ]
req aud GET /evidence/2/file
check "a changed copy: 500" [ "$status" = 500 ]
check "code integrity" [ "$(jget error.code)" = integrity ]
check "the message names the record, what was found and what to do" \
	[ "$(jpy '"evidence 2" in b["error"]["message"] and "hashes to" in b["error"]["message"] and "backup" in b["error"]["message"]')" = True ]
check "not a byte of the file in the reply" ! contains "$body" "2026-01-06"
check "the event log alert is raised" grep -q "evidence 2 ('nda.txt', for person:1)" "$D/eventlog.alert"
run "$BROKERSEC" log search --data "$D" --type evidence.integrity --format json
check "an evidence.integrity event, failure, by aud1" contains "$out" '"outcome":"failure"'
check "the event names the record" contains "$out" "evidence 2 ('nda.txt', for person:1)"
rm -f "$f"
req aud GET /evidence/2/file
check "a missing copy: 500" [ "$status" = 500 ]
check "a missing copy: code integrity" [ "$(jget error.code)" = integrity ]
check "says it is missing" contains "$body" "is missing"
req aud GET /evidence/1/file
check "the other files are still served" [ "$status" = 200 ]

# --- documented ---
req - GET /openapi.yaml
check "openapi: /evidence/{id}/file" contains "$body" "/evidence/{id}/file:"
check "openapi: /evidence/{id}" contains "$body" "/evidence/{id}:"
check "openapi: ?state=expired" contains "$body" "expired"
check_clean_stop
finish
