#!/bin/sh
# assessment sampling (Annex 2 參二, issue 12 item 4): 「抽測比例每次至少應占該系統全部設備之
# 10%或 100台以上」 checked as max(ceil(10 %), min(100, all)) when the assessment completes: 3 of
# 45 is refused with how many more are needed, 46 of 45 is an error, 100 of 150 passes, 99 does
# not; a device of another system is refused; the system's declared device_count counts.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "小經紀人" --internal-control no >/dev/null 2>&1
b() { "$BROKERSEC" "$@" >/dev/null || echo "setup failed: $*"; }
db() { sqlite3 "$D/brokersec.db" "$1"; }
b system add --name 營業據點 --category 3 --owner 總務部
b system add --name 客服 --category 3 --owner 客服部
b system add --name 財會 --category 3 --owner 財會部 --device-count 30
# 45 in use and one retired for system 1, 150 for system 2, 2 registered for system 3 (30 declared)
{
	echo "asset_tag,kind,system,status"
	i=1; while [ $i -le 45 ]; do echo "PC-$i,desktop,1,in-use"; i=$((i + 1)); done
	echo "PC-OLD,desktop,1,retired"
	i=1; while [ $i -le 150 ]; do echo "CS-$i,desktop,2,in-use"; i=$((i + 1)); done
	echo "FN-1,desktop,3,in-use"
	echo "FN-2,desktop,3,in-use"
} >"$T/devices.csv"
b device import "$T/devices.csv"
check "devices imported" [ "$(db "SELECT count(*) FROM reg_record WHERE register = 'device'")" = 198 ]
b assessor add --name 王稽核 --kind internal --unit 稽核室 --independence "獨立" --certificate CISA \
	--financial-experience "保險業" --nda-signed 2026-01-05
b assessment plan --title 抽測 --from 2026-01-01 --to 2026-12-31 --approver delegate --approved-by 總經理 \
	--approved-on 2025-12-01
for s in 1 2 3; do b assessment scope 1 --system $s --areas compliance --reason "僅合規檢視"; done
b assessment assessor 1 --assessor 1
ids() { # FIRST LAST -> "FIRST,...,LAST"
	seq "$1" "$2" | paste -sd, -
}
# device ids follow the CSV: 1-45 system 1, 46 retired, 47-196 system 2, 197-198 system 3
b assessment sample 1 --system 1 --devices 1,2,3
b assessment sample 1 --system 2 --devices "$(ids 47 145)"
b assessment sample 1 --system 3 --devices 197,198
b assessment run 1
for s in 1 2 3; do b assessment result 1 --system $s --control A2.4.1.10 --result met --source register; done

run "$BROKERSEC" assessment complete 1
check "3 of 45 refused" [ "$rc" -ne 0 ]
check "3 of 45: how many more" contains "$err" "系統 1（營業據點）：抽測 3 台（共 45 台設備）"
check "3 of 45: 42 more" contains "$err" "請再抽測 42 台"
check "still running" [ "$(db "SELECT status FROM assessment")" = running ]

b assessment sample 1 --system 1 --devices "$(ids 4 45)"
run "$BROKERSEC" assessment complete 1
check "99 of 150 refused" contains "$err" "抽測 99 台（共 150 台設備）"
check "99 of 150: 1 more (100 台以上)" contains "$err" "至少 100 台）；請再抽測 1 台"

run "$BROKERSEC" assessment sample 1 --system 1 --devices 46
check "46 of 45 refused" [ "$rc" -ne 0 ]
check "46 of 45: larger than the system" contains "$err" "的抽測將有 46 台設備，多於該系統的 45 台"
check "46 of 45: nothing stored" [ "$(db "SELECT count(*) FROM assessment_sample WHERE system_id = 1")" = 45 ]
run "$BROKERSEC" assessment sample 1 --system 1 --devices 47
check "a device of another system refused" contains "$err" "設備 47（CS-1）不是系統 1 的設備"

b assessment sample 1 --system 2 --devices 146
run "$BROKERSEC" assessment complete 1
check "declared device_count counts: 2 of 30" contains "$err" "系統 3（財會）：抽測 2 台（共 30 台設備）"
check "2 of 30: 28 more" contains "$err" "請再抽測 28 台"
b system update 3 --device-count 2
run "$BROKERSEC" assessment complete 1
check "45/45, 100/150, 2/2 complete" [ "$rc" -eq 0 ]
check "reported" [ "$(db "SELECT status FROM assessment")" = reported ]
run "$BROKERSEC" assessment show 1 --format json
check "summary counts" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["devices"], s["sample_required"], s["sampled"])')" = "197 147 147" ]
finish
