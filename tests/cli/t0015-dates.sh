#!/bin/sh
# Dates as a person reads them (issue 12 item 15): an instant shows its UTC time and the
# Taiwan date and time (Asia/Taipei, UTC+8: A2.4.1.7.5 asks for times mappable to UTC);
# --roc-dates, a global option handled in one place (core/datefmt.c), prints 民國 years in
# tables (民國115年12月5日); stored and JSON values stay ISO 8601.
. "$TOP/tests/cli/lib.sh"
unset BROKERSEC_LANG
D="$T/data"
export BROKERSEC_DATA="$D" COLUMNS=300
"$BROKERSEC" init --org 日期測試 --internal-control yes >/dev/null 2>&1
# 07:00 in Taipei on 1 April is still 31 March in UTC
"$BROKERSEC" incident add --title 凌晨事件 --detected 2025-04-01T07:00:00+08:00 --severity low --major no >/dev/null 2>&1 ||
	echo "setup failed"
run "$BROKERSEC" incident show 1
check "an instant: UTC and the Taiwan date and time" contains "$out" "2025-03-31 23:00:00Z（台灣 2025-04-01 07:00）"
run "$BROKERSEC" incident show 1 --lang en
check "in English: (Taiwan ...)" contains "$out" "2025-03-31 23:00:00Z (Taiwan 2025-04-01 07:00)"
run "$BROKERSEC" --roc-dates incident show 1
check "--roc-dates: the Taiwan date in 民國 years" contains "$out" "（台灣 民國114年4月1日 07:00）"
run "$BROKERSEC" incident show 1 --format json --roc-dates
check "json keeps ISO 8601 UTC" contains "$out" '"detected": "2025-03-31T23:00:00Z"'
check "json: no 民國" ! contains "$out" "民國"

"$BROKERSEC" plan add --approved 2026-12-05 --approved-by board >/dev/null 2>&1
run "$BROKERSEC" plan list --roc-dates
check "--roc-dates after the command: a date in a list (wrapped in its cell)" contains "$out" "民國115年"
run "$BROKERSEC" --roc-dates plan show 1
check "--roc-dates before the command: 民國115年12月5日" contains "$out" "民國115年12月5日"
run "$BROKERSEC" plan show 1
check "without --roc-dates: ISO dates" contains "$out" "2026-12-05"
check "without --roc-dates: no 民國" ! contains "$out" "民國"
run "$BROKERSEC" plan show 1 --roc-dates --lang en
check "--roc-dates in English: ROC 115-12-05" contains "$out" "ROC 115-12-05"

# due: the table's dates and the day it counts from
run "$BROKERSEC" due --as-of 2026-12-05 --roc-dates --all
check "due --roc-dates: the day counted from" contains "$out" "截至 民國115年12月5日"
check "due --roc-dates: due dates in 民國 years" contains "$out" "民國11"
run "$BROKERSEC" due --as-of 2026-12-05 --all
check "due: ISO dates without it" contains "$out" "截至 2026-12-05"
run "$BROKERSEC" due --as-of 2026-12-05 --format json --roc-dates
check "due json: ISO dates even with --roc-dates" ! contains "$out" "民國"

# status: the day it is counted from
run "$BROKERSEC" status --as-of 2026-12-05 --roc-dates --id SR.4
check "status --roc-dates" contains "$out" "狀態基準日 民國115年12月5日"

# events: UTC and Taiwan time in the table, UTC in JSON
run "$BROKERSEC" log tail -n 3
check "log tail: the Taiwan time beside UTC" contains "$out" "Z（台灣 "
run "$BROKERSEC" log tail -n 3 --format json
check "log tail json: UTC only" ! contains "$out" "台灣"
run "$BROKERSEC" incident history 1
check "history: UTC and Taiwan time" contains "$out" "Z（台灣 "
finish
