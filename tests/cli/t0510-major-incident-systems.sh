#!/bin/sh
# Annex 1 參三 (A2.3.3): 單一系統發生重大資訊安全事件，應於三個月內重新完成資訊安全評估作業 - a
# major incident must name the systems it affected; one stored without them is an open duty
# in due and status until they are named (issue 12 item 9).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t05-text.inc"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "測試" --internal-control no >/dev/null 2>&1
b() { "$BROKERSEC" "$@" >/dev/null || echo "setup failed: $*"; }
b system add --name 網路投保 --category 1

n0=$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM reg_record")
run "$BROKERSEC" incident add --title 入侵 --detected 2026-01-10T08:00:00Z --severity high --major yes \
	--reported-association 2026-01-10T09:00:00Z --reported-regulator 2026-01-10T09:00:00Z
check "a major incident without systems: refused" [ "$rc" -eq 1 ]
check "the message names --systems and the rule" contains "$err" "incident: --major yes 需要 --systems：重大資訊安全事件影響的系統，應於三個月內重新完成資訊安全評估（A2.3.3）"
check "nothing stored" [ "$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM reg_record")" = "$n0" ]
run "$BROKERSEC" incident add --title 垃圾郵件 --detected 2026-01-11T08:00:00Z --severity low --major no
check "a minor incident needs no systems" [ "$rc" -eq 0 ]
run "$BROKERSEC" incident update 1 --major yes
check "update to major without systems: refused" contains "$err" "--major yes 需要 --systems"

# one stored before the rule (written straight into the register's table, as an old data
# directory holds it): an open duty until the systems are named
rec='{"title":"舊事件","detected":"2026-01-20T00:00:00Z","severity":"high","major":true,"systems":null,"personal_data":false,"ransomware":false,"reported_association":"2026-01-20T01:00:00Z","reported_regulator":"2026-01-20T01:00:00Z","steps":null,"note":null}'
sqlite3 "$D/brokersec.db" "INSERT INTO reg_record (register, id, data, created_at, created_by, updated_at, updated_by)
	VALUES ('incident', 3, '$rec', '2026-01-20T02:00:00Z', 'old', '2026-01-20T02:00:00Z', 'old')" 2>"$T/sql.err" ||
	echo "setup failed: $(cat "$T/sql.err")"
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "the stored incident is an open duty" \
	grep -q "^reassessment-systems incident:3 overdue major incident '舊事件' detected 2026-01-20 names no affected system" "$T/d.txt"
status_json "$T/s.json" --as-of 2026-03-01
check "A2.3.3 not met" [ "$(control "$T/s.json" A2.3.3)" = not_met ]
run "$BROKERSEC" incident update 3 --systems 1
check "naming the systems: accepted" [ "$rc" -eq 0 ]
due_json "$T/d.json" --as-of 2026-03-01
duties "$T/d.json" > "$T/d.txt"
check "the duty is gone" ! grep -q "^reassessment-systems" "$T/d.txt"
check "the reassessment of the named system is due within 3 months" \
	grep -q "^reassessment system:1 due_soon major incident incident:3 detected 2026-01-20" "$T/d.txt"
finish
