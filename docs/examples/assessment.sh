#!/bin/sh
# A small broker's 電腦系統資訊安全評估 end to end (Annex 2 貳 參 肆 陸 柒 捌), then its report in
# every format. Usage: docs/examples/assessment.sh DATA_DIR OUT_DIR
#   DATA_DIR must not exist (it is created); OUT_DIR gets report.html, report.pdf, report.docx
#   and report.oscal.json. Uses $BROKERSEC when set, else `brokersec` on PATH.
# tests/cli/t0721-report-example.sh runs it and checks the four files with real tools.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 DATA_DIR OUT_DIR" >&2; exit 2; }
D=$1
OUT=$2
B=${BROKERSEC:-brokersec}
bs() { "$B" --data "$D" "$@"; }
mkdir -p "$OUT"

# The organisation (it has an internal audit and control system: 已實施內稽內控制度).
"$B" init --data "$D" --org "示範保險經紀人股份有限公司" --internal-control yes >/dev/null

# Two systems of different categories (參一), with their company-owned devices.
core=$(bs system add --name "核心保經業務系統" --category 1 --core yes --owner "資訊部 林小華")
web=$(bs system add --name "官方網站" --category 2 --internet-facing yes --owner "行銷部 張美玲")
devs_core=""
for n in 1 2 3 4 5 6; do
	id=$(bs device add --asset-tag "SRV-00$n" --kind server --system "$core" --location "台北機房")
	devs_core="$devs_core${devs_core:+,}$id"
done
devs_web=""
for n in 1 2; do
	id=$(bs device add --asset-tag "WEB-00$n" --kind server --system "$web" --location "雲端主機")
	devs_web="$devs_web${devs_web:+,}$id"
done

# Two assessors (柒): an internal unit independent of both systems and an external firm, each
# with training hours or a certificate, financial-sector experience and a signed NDA.
a1=$(bs assessor add --name "王大明" --kind internal --unit "資訊安全室" \
	--independence "獨立於受評系統之開發與維護單位" --training-hours 24 \
	--financial-experience "保險經紀業務資訊安全 8 年" --nda-signed 2026-02-20)
a2=$(bs assessor add --name "陳安信" --kind external --unit "安信資安顧問股份有限公司" \
	--independence "與受評標的之提供及維護機構無利害關係" --certificate "ISO/IEC 27001 主導稽核員" \
	--financial-experience "銀行與保險業滲透測試 6 年" --nda-signed 2026-02-21)

# The social-engineering drill of the year (陸).
bs drill add --kind social-engineering --date 2026-03-15 --emails-sent 120 \
	--opened 30 --clicked 9 --reported 41 --outcome "點擊者 9 人已完成加強教育訓練" >/dev/null

# The plan (貳), approved by the board; scope (肆二), sample (參二), assessors.
A=$(bs assessment plan --title "2026 年度電腦系統資訊安全評估" --from 2026-03-01 --to 2026-04-30 \
	--approver board --approved-by "董事會" --approved-on 2026-02-15 | awk '{ print $NF }')
bs assessment scope "$A" --system "$core" >/dev/null
bs assessment scope "$A" --system "$web" --areas 1,2,4,5,6 \
	--reason "對外網站：依系統性質評估資訊架構、網路活動、網站安全、安全設定與存取機制" >/dev/null
bs assessment sample "$A" --system "$core" --devices "$devs_core" >/dev/null
bs assessment sample "$A" --system "$web" --devices "$devs_web" >/dev/null
bs assessment assessor "$A" --assessor "$a1" --role lead >/dev/null
bs assessment assessor "$A" --assessor "$a2" >/dev/null
bs assessment run "$A" >/dev/null

# A result for every control in scope: the assessors' judgement with evidence, some not met.
bs assessment show "$A" --format json > "$OUT/.assessment.json"
python3 - "$OUT/.assessment.json" > "$OUT/.results" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
rows = a.get("results") or []
for r in rows:
    if r.get("result") in (None, "none", ""):
        print(r["system"], r["control"])
PY
while read -r sys ctl; do
	case "$sys/$ctl" in
	"$core/A2.4.1.6.1.1"|"$core/A2.4.1.6.1.3"|"$web/A2.4.1.4.1") res=not-met; why="抽測主機及紀錄未符合" ;;
	*) res=met; why="檢視組態、紀錄與訪談" ;;
	esac
	bs assessment result "$A" --system "$sys" --control "$ctl" --result "$res" --source judgement \
		--reason "$why" --evidence "評估工作底稿 2026-04" >/dev/null
done < "$OUT/.results"
rm -f "$OUT/.assessment.json" "$OUT/.results"

# Three findings of different severity (捌: item, severity, category, risk, recommendation);
# `finding` and `plan` print a sentence ending in the new id.
f1=$(bs assessment finding "$A" --system "$core" --control A2.4.1.6.1.1 --severity high --category technical \
	--title "共用帳號且無帳號停用程序" \
	--risk "核心系統仍有共用之管理帳號，且帳號之申請、停用及刪除無書面程序，無法追究操作責任，離職人員帳號可能仍可登入並存取保戶個人資料。" \
	--recommendation "停用共用帳號並改為個人帳號；訂定帳號申請、建立、修改、啟用、停用及刪除之程序（附件二肆、一、(六)），每季由主管覆核。" \
	--owner "資訊部 林小華" --due 2026-06-30 | awk '{ print $NF }')
f2=$(bs assessment finding "$A" --system "$web" --control A2.4.1.4.1 --severity medium --category technical \
	--title "網站弱點掃描發現跨站腳本弱點" \
	--risk "弱點掃描發現查詢頁面未過濾輸入，可能遭跨站腳本攻擊而竊取使用者連線資訊。" \
	--recommendation "於伺服器端檢查輸入之字元集與長度並編碼輸出，修補後重新執行弱點掃描並保存報告。" \
	--owner "行銷部 張美玲" --due 2026-07-31 | awk '{ print $NF }')
f3=$(bs assessment finding "$A" --system "$core" --control A2.4.1.6.1.3 --severity low --category management \
	--title "閒置帳號未禁用" \
	--risk "三個月以上未登入之帳號仍為啟用狀態，增加帳號遭冒用之風險。" \
	--recommendation "每月檢視閒置帳號並禁用，保存檢視紀錄至少五年。" \
	--owner "人資部 李怡君" --due 2026-08-31 | awk '{ print $NF }')
bs assessment complete "$A" --date 2026-05-02 >/dev/null

# The audit unit (稽核單位) follows the corrections up (捌); only its verdict closes a finding.
bs assessment followup "$f1" --by "稽核室 陳稽核" --audit-unit --verdict partial --date 2026-05-20 \
	--note "部分主機尚未調整" >/dev/null
bs assessment followup "$f1" --by "稽核室 陳稽核" --audit-unit --verdict corrected --date 2026-06-25 \
	--note "已覆查所有主機之鎖定設定" >/dev/null
bs assessment followup "$f2" --by "稽核室 陳稽核" --audit-unit --verdict not-corrected --date 2026-06-30 \
	--note "改善期限內未完成，追蹤至下次覆查" >/dev/null
: "$f3" # not yet reviewed: the report shows it as open

# The report, in every format (zh-TW; add --lang en for English). Each file is recorded as issued.
for f in html pdf docx; do
	bs report assessment "$A" --format "$f" -o "$OUT/report.$f"
done
bs report assessment "$A" --format oscal -o "$OUT/report.oscal.json"
bs report verify "$OUT/report.pdf"
