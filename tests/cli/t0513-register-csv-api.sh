#!/bin/sh
# CSV over the API (GET/POST /registers/NAME/csv): the same import and export as the CLI
# (t0503): a download with its name and hash, formulas defused, one transaction that lists
# every problem and imports nothing, the media type checked, an event per import, and the
# roles: an auditor may download, not import; an employee neither.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate so so1 security_officer
activate aud aud1 auditor
add_user emp2 employee

printf 'name,role,email,hired\n陳大文,security,chen@example.com,2020-01-01\n"林, 小姐",it,,2021-05-31\n"=HYPERLINK(""x"")",general,,\n' >"$T/people.csv"
req so POST /registers/person/csv -H 'Content-Type: text/csv' --data-binary @"$T/people.csv"
check "import: 200 ($status $body)" test "$status" = 200
check "import: three records" test "$(jget imported)" = 3
check "the import is an event" contains "$("$BROKERSEC" log search --data "$D" --type register.person.import --format json 2>/dev/null)" "register.person.import"

req aud GET /registers/person/csv -D "$T/hdr"
check "export: 200 for an auditor" test "$status" = 200
hdr=$(tr -d '\r' <"$T/hdr")
check "export: a CSV download with its name" contains "$hdr" 'Content-Disposition: attachment; filename="brokersec-person.csv"'
check "export: text/csv" contains "$hdr" "Content-Type: text/csv; charset=utf-8"
sum=$(sha256sum "$T/.body" | cut -d' ' -f1)
check "export: X-Content-SHA256 is the hash of the bytes" contains "$hdr" "X-Content-SHA256: $sum"
"$BROKERSEC" person export --data "$D" >"$T/cli.csv" 2>/dev/null
check "export: byte for byte the CLI's" cmp -s "$T/.body" "$T/cli.csv"
check "export: a formula is defused" grep -q "\"'=HYPERLINK" "$T/.body"

printf 'name,role,hired\n趙,security,2020-01-01\n錢,boss,2020-01-01\n孫,it,2021-02-29\n' >"$T/bad.csv"
before=$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM reg_record WHERE register = 'person'")
req so POST '/registers/person/csv?name=bad.csv' -H 'Content-Type: text/csv' -H 'Accept-Language: en' --data-binary @"$T/bad.csv"
check "a bad file: 400" test "$status" = 400
check "a bad file: line 3 named" contains "$body" "bad.csv:3: column 'role': 'boss' is not allowed"
check "a bad file: line 4 named" contains "$body" "bad.csv:4: column 'hired': '2021-02-29' is not a date"
check "a bad file: the good line 2 not imported either" \
	test "$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM reg_record WHERE register = 'person'")" = "$before"
req so POST /registers/person/csv -H 'Content-Type: application/json' --data-binary @"$T/people.csv"
check "import as JSON: 415" test "$status" = 415
req so GET /registers/system/csv
check "a register without CSV: 404 that says so" sh -c "test '$status' = 404 && printf '%s' '$body' | grep -q 'no CSV'"
req aud POST /registers/person/csv -H 'Content-Type: text/csv' --data-binary @"$T/people.csv"
check "auditor import: 403" test "$status" = 403
signin e2 emp2 "$PW0"
jreq e2 POST /me/password "{\"current_password\":\"$PW0\",\"new_password\":\"$PW1\"}"
keep_csrf e2
req e2 GET /registers/person/csv
check "employee export: 403" test "$status" = 403
check_clean_stop
finish
