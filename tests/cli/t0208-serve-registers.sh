#!/bin/sh
# serve: the registers and the deadlines over the API - add, list, show, update, archive and
# history; validation naming the field; 404s; CSRF; the role x route matrix; GET /due equal
# to `brokersec due --format json` for the same data directory; GET /due.ics.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate admin adam admin
activate sol sol security_officer
activate aud aud auditor
activate ivan ivan it_staff
activate emma emma employee

# st_has STATUS TEXT: the last reply had STATUS and its body contains TEXT
st_has() {
	test "$status" = "$1" && contains "$body" "$2"
}

# py EXPR: evaluates EXPR with b = the parsed $body
py() {
	printf '%s' "$body" | python3 -c 'import json,sys; b=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1" 2>&1
}

# --- the list of registers, and every register has its record routes ---
req aud GET /registers
check "GET /registers" test "$status" = 200
names=$(py '" ".join(r["name"] for r in b["registers"])')
check "every register listed" test "$(echo "$names" | wc -w)" = 16
check "system fields described" test "$(py '[(f["name"],f["type"],f["required"],f["label"]["zh-TW"],f["label"]["en"],f["min"],f["max"]) for r in b["registers"] if r["name"]=="system" for f in r["fields"] if f["name"]=="category"][0]')" = "('category', 'int', True, '類別', 'cat', 1, 3)"
check "allowed values listed" test "$(py '[f["values"] for r in b["registers"] if r["name"]=="person" for f in r["fields"] if f["name"]=="role"][0]')" = "['security', 'it', 'general', 'manager']"
check "register labels" test "$(py '[r["label"]["zh-TW"]+"/"+r["label"]["en"] for r in b["registers"] if r["name"]=="system"][0]')" = "電腦系統/computer systems"
for n in $names; do
	req aud GET "/registers/$n/999999"
	check "$n: record route answered by the engine" test "$status" = 404 -a "$(jget error.code)" = not_found
	check "$n: 404 names register and id" contains "$body" "no $n with id 999999"
	req aud GET "/registers/$n/999999/history"
	check "$n: history route" st_has 404 "no $n with id 999999"
done

# --- add, list, show, update, archive, history ---
jreq sol POST /registers/system '{"name":"網路投保","category":1,"core":true,"internet_facing":"yes","device_count":"12"}'
check "add: 201" test "$status" = 201
check "add: the record" test "$(py '(b["id"],b["name"],b["category"],b["core"],b["internet_facing"],b["device_count"],b["archived"])')" = "(1, '網路投保', 1, True, True, 12, False)"
jreq ivan POST /registers/system '{"name":"保單行政","category":2,"core":true}'
check "it_staff adds" test "$status" = 201 -a "$(jget id)" = 2
jreq sol POST /registers/backup '{"system":1,"rpo_hours":24,"copies":3,"media":2,"offsite":true,"offline":true,"last_backup":"2025-06-29","last_restore_test":"2024-07-15"}'
check "add with a reference" test "$status" = 201
jreq sol POST /registers/person '{"name":"資安長","role":"security","hired":"2019-01-01","background_check":true,"nda_signed":"2019-01-01"}'
jreq sol POST /registers/training '{"person":1,"date":"2024-12-31","hours":12.5,"course":"資安管理"}'
check "decimal hours" test "$status" = 201 -a "$(jget hours)" = 12.5
jreq sol POST /registers/drill '{"kind":"bcp","date":"2023-07-01","systems":[1,2]}'
check "refs as an array" test "$status" = 201 -a "$(py 'b["systems"]')" = "[1, 2]"

req aud GET /registers/system
check "list" test "$status" = 200 -a "$(py '[r["name"] for r in b["records"]]')" = "['網路投保', '保單行政']"
req aud GET /registers/system/2
check "show" test "$status" = 200 -a "$(jget name)" = 保單行政
jreq ivan PATCH /registers/system/2 '{"category":3,"owner":"IT"}'
check "update" test "$status" = 200 -a "$(py '(b["category"],b["owner"],b["name"])')" = "(3, 'IT', '保單行政')"
jreq ivan PATCH /registers/system/2 '{"owner":null}'
check "null clears an optional field" test "$status" = 200 -a "$(py 'b["owner"]')" = None
req sol POST /registers/system/2/archive
check "archive" test "$status" = 200 -a "$(jget archived)" = true
req sol POST /registers/system/2/archive
check "archive twice: 409" test "$status" = 409 -a "$(jget error.code)" = conflict
jreq sol PATCH /registers/system/2 '{"owner":"x"}'
check "archived records are not changed" test "$status" = 409
req aud GET /registers/system
check "archived hidden from the list" test "$(py 'len(b["records"])')" = 1
req aud GET /registers/system/2/history
check "history" test "$status" = 200 -a "$(py '[(h["action"],h["by"]) for h in b["history"]]')" = "[('add', 'ivan'), ('update', 'ivan'), ('update', 'ivan'), ('archive', 'sol')]"
run "$BROKERSEC" log search --data "$D" --type register.system.archive --format json
check "archive is an event by the signed-in account" contains "$out" '"sol"'
run "$BROKERSEC" log search --data "$D" --type register.system.add --format json
check "add is an event by the signed-in account" contains "$out" '"ivan"'
run "$BROKERSEC" system list --all --format json --data "$D"
check "the CLI sees the API's records" contains "$out" 保單行政

# --- validation errors name the field ---
jreq sol POST /registers/system '{"name":"x","category":7}'
check "out of range: 400" test "$status" = 400 -a "$(jget error.code)" = invalid
check "out of range: names the field" contains "$(jget error.message)" "system: field 'category': 7 is out of range"
jreq sol POST /registers/system '{"category":1}'
check "missing required field named" st_has 400 "field 'name' is required"
jreq sol POST /registers/system '{"name":"x","category":1,"colour":"red"}'
check "unknown field named" st_has 400 "system has no field 'colour'"
jreq sol POST /registers/person '{"name":"x","role":"ceo"}'
check "enum value named" st_has 400 "field 'role': 'ceo' is not allowed"
jreq sol POST /registers/training '{"person":1,"date":"2024-02-30","hours":1,"course":"c"}'
check "bad date named" st_has 400 "field 'date'"
jreq sol POST /registers/training '{"person":99,"date":"2024-02-03","hours":1,"course":"c"}'
check "missing reference named" st_has 400 "person 99"
jreq sol POST /registers/backup '{"system":1,"rpo_hours":24,"copies":1,"media":2}'
check "cross-field rule named" st_has 400 "media"
jreq sol PATCH /registers/system/1 '{"name":null}'
check "required field cannot be cleared" st_has 400 "field 'name' is required"
jreq sol PATCH /registers/system/1 '{"category":{"a":1}}'
check "object value refused" st_has 400 "field 'category'"
jreq sol PATCH /registers/system/1 '{}'
check "empty change refused" test "$status" = 400
req sol POST /registers/system -H 'Content-Type: application/json' --data-binary '[1]'
check "body must be an object" test "$status" = 400
req aud GET /registers/system/1
check "nothing changed by the refusals" test "$(py '(b["name"],b["category"])')" = "('網路投保', 1)"
run "$BROKERSEC" system list --all --format json --data "$D"
check "no record added by the refusals" test "$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2

# --- 404s ---
req aud GET /registers/nosuch
check "unknown register: 404" st_has 404 "no register 'nosuch'"
jreq sol POST /registers/nosuch '{"a":1}'
check "add to unknown register: 404" test "$status" = 404
req aud GET /registers/system/abc
check "non-numeric id: 404" st_has 404 "no system with id 'abc'"
jreq sol PATCH /registers/system/42 '{"owner":"x"}'
check "update unknown id: 404" test "$status" = 404
req sol POST /registers/system/42/archive
check "archive unknown id: 404" test "$status" = 404
req aud GET /registers/nosuch/1
check "unknown register with id: 404" test "$status" = 404

# --- CSRF on every state change ---
cp "$T/sol.csrf" "$T/sol.csrf.keep"
: >"$T/sol.csrf"
jreq sol POST /registers/system '{"name":"csrf","category":1}'
check "add without CSRF: 403" test "$status" = 403 -a "$(jget error.code)" = csrf
jreq sol PATCH /registers/system/1 '{"owner":"csrf"}'
check "update without CSRF: 403" test "$status" = 403 -a "$(jget error.code)" = csrf
req sol POST /registers/system/1/archive
check "archive without CSRF: 403" test "$status" = 403 -a "$(jget error.code)" = csrf
mv "$T/sol.csrf.keep" "$T/sol.csrf"
req aud GET /registers/system/1
check "nothing changed without CSRF" test "$(py '(b["owner"],b["archived"])')" = "(None, False)"

# --- the role x route matrix (written out here, independently of src/auth/perm.c) ---
#            endpoint                      admin so  aud it  emp
matrix='GET   /registers                   200   200 200 200 403
GET   /registers/system            200   200 200 200 403
GET   /registers/system/1          200   200 200 200 403
GET   /registers/system/1/history  200   200 200 200 403
GET   /due                         200   200 200 200 403
GET   /due.ics                     200   200 200 200 403
POST  /registers/asset             201   201 403 201 403
PATCH /registers/system/1          200   200 403 200 403
POST  /registers/asset/1/archive   200   200 403 200 403'
jreq admin POST /registers/asset '{"name":"a","kind":"data"}'
aid=$(jget id)
echo "$matrix" | while read -r m p a s au it e; do
	for pair in "admin:$a" "sol:$s" "aud:$au" "ivan:$it" "emma:$e"; do
		role=${pair%%:*}
		want=${pair#*:}
		case "$m $p" in
		"POST /registers/asset") jreq "$role" POST /registers/asset '{"name":"m","kind":"data"}' ;;
		"PATCH /registers/system/1") jreq "$role" PATCH /registers/system/1 "{\"owner\":\"$role\"}" ;;
		"POST /registers/asset/1/archive")
			jreq admin POST /registers/asset '{"name":"m","kind":"data"}' >/dev/null
			req "$role" POST "/registers/asset/$(jget id)/archive" ;;
		*) req "$role" "$m" "$p" ;;
		esac
		echo "$role $m $p $status $want"
	done
done >"$T/matrix.out"
while read -r role m p got want; do
	check "$role $m $p -> $want" test "$got" = "$want"
done <"$T/matrix.out"
check "matrix ran" test "$(wc -l <"$T/matrix.out")" -eq 45
check "asset for the matrix added" test -n "$aid"
req emma GET /registers
check "employee refusal names the permission" contains "$body" "role employee does not have the permission registers.read"
run "$BROKERSEC" user token --data "$D" aud --scope registers.read --days 1 --lang en
tok=$(printf '%s\n' "$out" | tail -n 1)
req - GET /due.ics -H "Authorization: Bearer $tok"
check "calendar with an API token" test "$status" = 200
req - GET /registers -H "Authorization: Bearer $tok"
check "registers need a session" test "$status" = 401

# --- the query arguments (?as_of, ?all ...) ---
# --- GET /due is `brokersec due --format json` for the same data ---
same_json() {
	printf '%s' "$body" >"$T/api.json"
	python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); c=json.loads(sys.argv[2]); sys.exit(0 if a==c and len(a)>0 else 1)' \
		"$T/api.json" "$out"
}
req aud GET '/due?as_of=2025-06-30'
check "GET /due" test "$status" = 200
run env -u BROKERSEC_LANG "$BROKERSEC" due --format json --as-of 2025-06-30 --data "$D"
check "GET /due equals brokersec due --format json (zh-TW)" same_json
req aud GET '/due?as_of=2025-06-30&within=10&lang=en'
run "$BROKERSEC" due --format json --as-of 2025-06-30 --within 10 --lang en --data "$D"
check "GET /due equals brokersec due --format json (en, within 10)" same_json
req aud GET '/due?as_of=2024-01-01&restore_test_months=3&account_review_months=6&lang=en'
run "$BROKERSEC" due --format json --as-of 2024-01-01 --restore-test-months 3 --account-review-months 6 --lang en --data "$D"
check "GET /due equals brokersec due (as of 2024, months)" same_json
req aud GET '/due?as_of=2025-02-30'
check "bad as_of: 400" st_has 400 "as_of"
req aud GET '/due?within=99999'
check "bad within: 400" st_has 400 "within"
req aud GET '/due?lang=fr'
check "bad lang: 400" st_has 400 "lang"
req aud GET '/registers/system?all=1'
check "?all=1 lists archived records" test "$(py '[r["id"] for r in b["records"]]')" = "[1, 2]"
req aud GET '/registers/system?all=maybe'
check "bad all: 400" test "$status" = 400

curl -s -o "$T/due.ics" -D "$T/due.hdr" --cacert "$D/tls/cert.pem" -b "$T/aud.cookies" \
	"$URL/due.ics?as_of=2025-06-30&lang=en"
check "due.ics is text/calendar" grep -qi '^content-type: text/calendar' "$T/due.hdr"
check "due.ics is a calendar" grep -q 'BEGIN:VCALENDAR' "$T/due.ics"
run "$BROKERSEC" due --format ics --as-of 2025-06-30 --lang en --data "$D"
check "same events as brokersec due --format ics" test "$(grep -c BEGIN:VEVENT "$T/due.ics")" = "$(printf '%s\n' "$out" | grep -c BEGIN:VEVENT)" -a "$(grep -c BEGIN:VEVENT "$T/due.ics")" -gt 0

# --- the API documents every route ---
req - GET /openapi.yaml
for p in '/registers:' '/registers/{name}:' '/registers/{name}/{id}:' '/registers/{name}/{id}/history:' \
	'/registers/{name}/{id}/archive:' '/due:' '/due.ics:'; do
	check "openapi describes $p" contains "$body" "  $p"
done
check_clean_stop
finish
