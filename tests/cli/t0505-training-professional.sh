#!/bin/sh
# 第四條第五款: 資通安全專責人員每人每年至少接受十二小時以上之資通安全專業課程訓練 - for
# security staff only courses of kind professional count (9 h professional + 3 h general is
# not 12/12); other roles count any course. A course dated before the person was hired is
# refused, and so is a hire day moved after a recorded course (issue 12 items 1 and 16).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t05-text.inc"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "測試" --internal-control yes >/dev/null 2>&1
b() { "$BROKERSEC" "$@" >/dev/null || echo "setup failed: $*"; }
b person add --name 資安專責 --role security --hired 2024-01-01 --background-check yes --nda-signed 2024-01-01
b person add --name 資訊人員 --role it --hired 2024-01-01 --background-check yes --nda-signed 2024-01-01
b training add --person 1 --date 2025-03-01 --hours 9 --course 資安鑑識 --kind professional
b training add --person 1 --date 2025-04-01 --hours 3 --course 資安通識 --kind general
b training add --person 2 --date 2025-05-01 --hours 3 --course 資安通識 --kind general

due_json "$T/d.json" --as-of 2026-02-01
duties "$T/d.json" > "$T/d.txt"
check "9 h professional + 3 h general: the security officer's 2025 is not met" \
	grep -q "^training-year person:1 overdue 2025: '資安專責' (security staff) trained 9/12 h of professional courses: not met" \
	"$T/d.txt"
check "the IT staff's general course counts (3/3)" ! grep -q "^training-year person:2 overdue" "$T/d.txt"
status_json "$T/s.json" --as-of 2026-02-01
check "SR.4.5 not met" [ "$(control "$T/s.json" SR.4.5)" = not_met ]
check "the reason says professional courses" eval 'reason "$T/s.json" SR.4.5 | grep -q "資通安全專業課程"'

# the positive control: 3 more professional hours make 12/12
b training add --person 1 --date 2025-06-01 --hours 3 --course 弱點管理 --kind professional
due_json "$T/d.json" --as-of 2026-02-01
duties "$T/d.json" > "$T/d.txt"
check "12 h professional: no longer overdue" ! grep -q "^training-year person:1 overdue" "$T/d.txt"
status_json "$T/s.json" --as-of 2026-02-01
check "SR.4.5 met" [ "$(control "$T/s.json" SR.4.5)" = met ]

# item 16: a course before the hire date is refused, and nothing is stored
n0=$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM reg_record")
run "$BROKERSEC" training add --person 1 --date 2023-12-31 --hours 12 --course 前職訓練 --kind professional
check "training before the hire date: refused" [ "$rc" -eq 1 ]
check "the message names the date and the hire date" contains "$err" \
	"training: --date 2023-12-31 早於人員 1 的到職日（2024-01-01）"
run "$BROKERSEC" training update 1 --date 2023-06-01
check "update to before the hire date: refused" [ "$rc" -eq 1 ]
check "update message" contains "$err" "--date 2023-06-01 早於人員 1 的到職日"
printf 'person,date,hours,course,kind\n1,2025-07-01,1,ok,professional\n1,2020-01-01,2,前職,general\n' > "$T/t.csv"
run "$BROKERSEC" training import "$T/t.csv"
check "CSV: refused" [ "$rc" -ne 0 ]
check "CSV: names the line and column" contains "$err" "欄位 'date'：2020-01-01 早於人員 1 的到職日"
check "nothing stored by the refusals" [ "$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM reg_record")" = "$n0" ]
run "$BROKERSEC" training add --person 1 --date 2024-01-01 --hours 1 --course 到職訓練
check "the hire day itself is accepted" [ "$rc" -eq 0 ]
# the other side: moving the hire day after a recorded course is refused too
run "$BROKERSEC" person update 1 --hired 2025-05-01
check "hire day after a recorded course: refused" [ "$rc" -eq 1 ]
check "the message names the course" contains "$err" "person: --hired 2025-05-01 晚於此人員的訓練"
run "$BROKERSEC" person update 1 --hired 2023-06-01
check "an earlier hire day is accepted" [ "$rc" -eq 0 ]
finish
