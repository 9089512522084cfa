#!/bin/sh
# A year of a broker's data (issue 12 item 10, "Aim"): registers, a saved scan and evidence,
# some accepted, one awaiting review, one rejected. Checks that nothing is 符合 without a reason
# a reviewer would accept (no unreviewed or rejected file, no lapsed proof, every met reason
# names its source), that linked duties and articles implemented by annex controls are decided
# by them, and prints the count of each state (docs/status.md, "Measured").
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
. "$TOP/tests/cli/t06-scan.inc"
start_server
activate sol sol security_officer
activate aud aud auditor
ago() { python3 -c 'import datetime,sys; print((datetime.date.today()-datetime.timedelta(days=int(sys.argv[1]))).isoformat())' "$1"; }
add() { "$BROKERSEC" "$@" --data "$D" >/dev/null 2>"$T/add.err" || { echo "setup failed: $*"; cat "$T/add.err"; }; }
today=$(date -u +%Y-%m-%d)

# --- the registers, as an officer keeps them over a year ---
add profile set mail-server=yes
add system add --name 核心業務系統 --category 1 --core yes --internet-facing no --owner 資訊室 --device-count 3
add system add --name 公司官網 --category 3 --core no --internet-facing yes --owner 資訊室 --device-count 1
add device add --asset-tag SRV-01 --kind server --system 1 --location 機房 --holder 李美麗 --status in-use
add device add --asset-tag NB-01 --kind laptop --location 業務部 --holder 陳志強 --status in-use
add device add --asset-tag PC-01 --kind desktop --location 總務 --holder 林經理 --status in-use
add asset add --name 客戶資料庫 --kind data --owner 資訊室 --classification confidential --location 機房
add asset add --name 核心業務系統 --kind software --owner 資訊室 --classification confidential
add person add --name 王小明 --role security --hired "$(ago 700)" --background-check yes --nda-signed "$(ago 700)"
add person add --name 李美麗 --role it --hired "$(ago 500)" --background-check yes --nda-signed "$(ago 500)"
add person add --name 陳志強 --role general --hired "$(ago 300)" --background-check yes --nda-signed "$(ago 300)"
add person add --name 林經理 --role manager --hired "$(ago 900)" --background-check yes --nda-signed "$(ago 900)"
add training add --person 1 --date "$(ago 90)" --hours 12 --course 資安專業課程 --kind professional --provider 保經公會
for p in 2 3 4; do add training add --person $p --date "$(ago 60)" --hours 3 --course 資安通識 --kind general; done
add vendor add --name 系統開發公司 --service 核心系統開發 --kind development --contract C-2026-01 \
	--contract-end "$(ago -300)" --confidentiality yes --security-requirements yes
for k in social-media ransomware disposal; do
	add policy-doc add --title "$k 管理辦法" --kind $k --approved "$(ago 200)" --approved-by 董事會 --version 1.0
done
add drill add --kind social-engineering --date "$(ago 45)" --emails-sent 40 --opened 10 --clicked 3 --reported 5
add drill add --kind bcp --date "$(ago 100)" --systems 1 --outcome 演練完成
add plan add --approved "$(ago 200)" --approved-by board --title 資通安全計畫
add backup add --system 1 --rpo-hours 4 --rto-hours 8 --copies 3 --media 2 --offsite yes --offline yes \
	--last-backup "$(ago 1)" --last-restore-test "$(ago 60)"
add account-review add --date "$(ago 30)" --systems 1,2 --reviewer 王小明
scan_fixture hardened
"$BROKERSEC" scan --root "$T/hardened" --save --system SYS-1 --data "$D" >/dev/null 2>&1

# --- evidence: submitted on the command line, reviewed over the API ---
n=0
ev() { # CONTROL NAME
	printf '%s %s\n' "$1" "$2" > "$T/$2"
	"$BROKERSEC" evidence add "$1" --file "$T/$2" --data "$D" >/dev/null 2>&1
	n=$((n + 1))
}
ev SR.4.6 管理階層遵循聲明.pdf;    ev SR.9 資安防禦機制說明.pdf;  ev SR.16 防毒主控台報表.pdf
ev SR.19 事故管理程序.pdf;         ev A2.5.5.1.2 備份排程紀錄.pdf; ev SR.20 內部稽核報告.pdf
ev SR.4.7 職務異動檢核表.pdf;      ev SR.6.5 網路安全教育.pdf
counts() { # FILE -> "met not_met due unknown n/a"
	python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
print(t["met"], t["not_met"], t["due"], t["unknown"], t["not_applicable"])' "$1"
}
"$BROKERSEC" status --format json --data "$D" > "$T/before.json" 2>/dev/null
for i in 1 2 3 4 5 6; do
	jreq sol POST "/evidence/$i/review" '{"decision":"accept","comment":"內容與條文相符，正本已核對"}'
done
jreq aud POST /evidence/8/review '{"decision":"reject","comment":"僅有標題，無實際規範內容"}'
check "the reviews were taken" [ "$(sqlite3 "$D/brokersec.db" "SELECT group_concat(state, ',') FROM evidence")" = \
	"accepted,accepted,accepted,accepted,accepted,accepted,submitted,rejected" ]
"$BROKERSEC" status --format json --data "$D" > "$T/after.json" 2>/dev/null
echo "states (met not_met due unknown n/a) with $n files submitted, none reviewed: $(counts "$T/before.json")"
echo "states (met not_met due unknown n/a) after 6 accepted, 1 rejected, 1 pending: $(counts "$T/after.json")"

# every met control names a source a reviewer accepts; no unreviewed, rejected or lapsed proof
met_reasons() { python3 - "$1" <<'PY'
import json, re, sys
ok = re.compile(r"accepted by|審核通過|pass every check|every annex control implementing|record|紀錄|登錄|register|assessment \d+|#\d|\d{4}-\d\d-\d\d")
for g in json.load(open(sys.argv[1]))["groups"]:
    for c in g["controls"]:
        if c["state"] != "met":
            continue
        zh, en = c["reason"]["zh-TW"], c["reason"]["en"]
        bad = ("待審核" in zh or "退回" in zh or "awaiting review" in en or "rejected" in en
               or not ok.search(zh + " " + en) or "nothing decides" in en)
        print(("BAD " if bad else "ok  ") + c["id"] + " " + en)
PY
}
met_reasons "$T/after.json" > "$T/met.txt"
check "some controls are met" [ "$(grep -c '^ok' "$T/met.txt")" -gt 10 ]
check "no met control without a reason a reviewer would accept" [ "$(grep -c '^BAD' "$T/met.txt")" = 0 ]
grep '^BAD' "$T/met.txt"

st() { python3 -c '
import json, sys
for g in json.load(open(sys.argv[1]))["groups"]:
    for c in g["controls"]:
        if c["id"] == sys.argv[2]: print(c["state"], c["reason"]["zh-TW"])' "$1" "$2"; }
check "a file awaiting review decides nothing (SR.4.7)" contains "$(st "$T/after.json" SR.4.7)" "unknown 佐證待審核"
check "a rejected file decides nothing (SR.6.5)" contains "$(st "$T/after.json" SR.6.5)" "unknown 佐證「網路安全教育.pdf」（#8）遭 aud 退回"
check "before the review, SR.4.6's file did not count" [ "$(st "$T/before.json" SR.4.6 | cut -d' ' -f1)" = unknown ]
check "after it, it does" [ "$(st "$T/after.json" SR.4.6 | cut -d' ' -f1)" = met ]
check "one proof serves the linked duty A2.4.1.8.2" contains "$(st "$T/after.json" A2.4.1.8.2)" "附於同一義務 A2.5.5.1.2"
check "SR.16 names the accepted file and the annex controls" contains "$(st "$T/after.json" SR.16)" "佐證「防毒主控台報表.pdf」（#3）"
u0=$(counts "$T/before.json" | cut -d' ' -f4)
u1=$(counts "$T/after.json" | cut -d' ' -f4)
check "reviewed evidence and links leave fewer controls unknown ($u0 -> $u1)" [ "$u1" -lt "$u0" ]
nextyear=$(python3 -c 'import datetime; d=datetime.date.today(); print(d.replace(year=d.year+2, day=min(d.day,28)).isoformat())')
"$BROKERSEC" status --format json --as-of "$nextyear" --data "$D" > "$T/later.json" 2>/dev/null
echo "states (met not_met due unknown n/a) as of $nextyear with no new data: $(counts "$T/later.json")"
check "two years on, no accepted file of this year is still met" \
	[ "$(python3 -c '
import json, sys
n = 0
for g in json.load(open(sys.argv[1]))["groups"]:
    for c in g["controls"]:
        if c["state"] == "met" and ("accepted by" in c["reason"]["en"] or "scan" in c["reason"]["en"]): n += 1
print(n)' "$T/later.json")" = 0 ]

# --- the year's assessment (Annex 2): the duties only an assessment decides ---
for i in 2 3; do
	add device add --asset-tag SRV-0$i --kind server --system 1 --location 機房 --holder 李美麗 --status in-use
done
add assessor add --name 王稽核 --kind internal --unit 稽核室 --independence "獨立於資訊室之開發與維護" \
	--training-hours 12 --certificate ISO27001-LA --financial-experience "保險經紀業稽核 5 年" --nda-signed "$(ago 100)"
add assessment plan --title 年度資訊安全評估 --from "$(ago 60)" --to "$(ago -300)" --approver board \
	--approved-by 董事會 --approved-on "$(ago 61)"
add assessment scope 1 --system 1
add assessment assessor 1 --assessor 1 --role lead
add assessment sample 1 --system 1 --devices 1,4,5
add assessment run 1
"$BROKERSEC" controls --id A2.4.1 --format json --data "$D" >"$T/a241.json" 2>/dev/null
sqlite3 "$D/brokersec.db" "SELECT control_id FROM assessment_result WHERE system_id = 1" >"$T/have"
left=$(python3 - "$T/a241.json" "$T/have" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); have = set(open(sys.argv[2]).read().split())
parents = {x["parent"] for x in c}
print(",".join(x["id"] for x in c if x["id"] not in parents and x["id"] not in have))
PY
)
add assessment result 1 --system 1 --control "$left" --result met --source judgement --reason "抽測檢視相符" \
	--evidence "評估工作底稿 $(date -u +%Y)"
add assessment complete 1 --date "$today"
add assessment close 1
"$BROKERSEC" status --format json --data "$D" > "$T/assessed.json" 2>/dev/null
echo "states (met not_met due unknown n/a) after the year's assessment of system 1: $(counts "$T/assessed.json")"
u2=$(counts "$T/assessed.json" | cut -d' ' -f4)
check "the year's assessment decides the duties only it can ($u1 -> $u2 unknown)" [ "$u2" -le $((u1 - 20)) ]
met_reasons "$T/assessed.json" > "$T/met2.txt"
check "after it too, no met control without a reason a reviewer would accept" [ "$(grep -c '^BAD' "$T/met2.txt")" = 0 ]
check "the assessment was closed" [ "$(sqlite3 "$D/brokersec.db" "SELECT status FROM assessment")" = closed ]

check_clean_stop
finish
