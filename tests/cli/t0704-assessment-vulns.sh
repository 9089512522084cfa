#!/bin/sh
# assessment finding ID --from-vulns (issue 18, 第十五條 in the report's findings): the tracked
# vulnerabilities past their deadline on the devices of the systems in scope become findings
# of A2.4.1.3.1 (A2.4.1.5.4 when only area 5 is in scope), one per system, source package and
# fixed version, each vulnerability once per assessment; out-of-scope systems and areas are
# counted, not taken; the findings reach the issued report (HTML and the PDF's text) and the
# audit unit's follow-up; every finding an event; nothing changes on a refusal.
. "$TOP/tests/cli/lib.sh"

F="$TOP/tests/fixtures/vuln"
D="$T/d"
"$BROKERSEC" init --data "$D" --org 甲 --internal-control yes --test-fast-kdf >/dev/null 2>&1
bs() { "$BROKERSEC" --data "$D" --lang en "$@"; }
b() { bs "$@" >/dev/null 2>&1 || echo "setup failed: $*"; }
db() { sqlite3 "$D/brokersec.db" "$1"; }
b system add --name core --category 1 --core yes --internet-facing no --owner 資訊部 --device-count 2
b system add --name hr --category 3 --core no --internet-facing no --owner 人資部 --device-count 1
b system add --name other --category 3 --core no --internet-facing no --owner 總務部 --device-count 1
b system add --name web --category 3 --core no --internet-facing yes --device-count 1
b device add --asset-tag SRV-01 --kind server --system 1
b device add --asset-tag SRV-02 --kind server --system 1
b device add --asset-tag HR-01 --kind server --system 2
b device add --asset-tag OT-01 --kind server --system 3
b device add --asset-tag WEB-01 --kind server --system 4
b vuln import-feed --format debian-tracker --release bookworm "$F/tracker.json"
b vuln import-feed --format kev "$F/kev.json"
for d in 1 2 3 4 5; do b vuln inventory --root "$F/root" --device $d; done
b assessor add --name 王稽核 --kind internal --unit 稽核室 --independence 獨立於資訊部 --training-hours 12 \
	--certificate ISO27001-LA --financial-experience "保險經紀業稽核 5 年" --nda-signed 2026-01-05
b assessment plan --title "2026 年度" --from 2026-01-01 --to 2026-12-31 --approver board --approved-by 董事會 \
	--approved-on 2025-12-20
b assessment scope 1 --system 1
b assessment scope 1 --system 2 --areas 1,2 --reason 僅政策與組織
b assessment scope 1 --system 4 --areas 5 --reason 對外網站之更新
b assessment assessor 1 --assessor 1
later=2027-12-01
nf() { db "SELECT count(*) FROM assessment_finding"; }

run bs assessment finding 1 --from-vulns --as-of $later
check "planned: refused" [ "$rc" -ne 0 ]
check "planned: says it must run" contains "$err" "needs it running or reported"
check "planned: nothing added" [ "$(nf)" = 0 ]
b assessment run 1

run bs assessment finding 1 --from-vulns --as-of $later --title x
check "--from-vulns with --title: a usage error" [ "$rc" -eq 2 ]
check "--from-vulns with --title: says why" contains "$err" "takes no --system"
run bs assessment finding 1 --from-vulns --as-of 2027-02-30
check "a bad --as-of refused" contains "$err" "is not a date"

# system 4 has no owner: the whole run is refused with nothing kept
run bs assessment finding 1 --from-vulns --as-of $later
check "no owner: refused" [ "$rc" -ne 0 ]
check "no owner: names the system and the fix" contains "$err" "system 4 (web) has no owner"
check "no owner: nothing kept (one transaction)" [ "$(nf)" = 0 ]
check "no owner: no finding event written for what was not kept" \
	[ "$(sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE type = 'assessment.finding'")" = 0 ]

run bs assessment finding 1 --from-vulns --as-of "$(date -u +%Y-%m-%d)"
check "today: nothing is overdue yet" contains "$out" "0 finding(s) added for 0"

run bs assessment finding 1 --from-vulns --as-of $later --owner 資訊部
check "from-vulns: exit 0" [ "$rc" -eq 0 ]
check "from-vulns: 12 findings for 24 vulnerabilities (6 each on core and web)" contains "$out" "12 finding(s) added for 24"
check "from-vulns: system 3 is not in scope" contains "$out" "8 on systems outside the scope"
check "from-vulns: system 2's areas hold neither 3 nor 5" contains "$out" "8 on systems whose areas include neither 3 nor 5"
bs assessment findings 1 --format json >"$T/f.json" 2>/dev/null
js() { python3 -c "import json,sys; d=json.load(open('$T/f.json')); $1"; }
check "core: one finding per source package and fixed version (openssl: one fixed, one not)" js 'assert sorted(x["title"].split()[0] for x in d if x["system"]=="1")==["foo","glibc","gnutls28","openssl","openssl","sudo"], [x["title"] for x in d]'
check "core: control A2.4.1.3.1 (弱點與修補檢視)" js 'assert {x["control"] for x in d if x["system"]=="1"}=={"A2.4.1.3.1"}'
check "web (area 5 only): control A2.4.1.5.4" js 'assert {x["control"] for x in d if x["system"]=="4"}=={"A2.4.1.5.4"}'
check "openssl: libssl3 and openssl under one finding, the CVE once, both devices" js 'x=[x for x in d if x["system"]=="1" and "CVE-2023-5678" in x["risk"]][0]; assert "1 vulnerability" in x["title"] and "2 device(s)" in x["title"] and x["risk"].count("CVE-2023-5678")==1 and "SRV-01 (#1), SRV-02 (#2)" in x["risk"], x'
check "glibc: KEV makes it high and says so" js 'x=[x for x in d if x["title"].startswith("glibc")][0]; assert x["severity"]=="high" and "known exploited" in x["risk"] and "2.36-9+deb12u3" in x["recommendation"], x'
check "gnutls28 has no fix: the recommendation says to mitigate" js 'x=[x for x in d if x["title"].startswith("gnutls28")][0]; assert "no fixed version" in x["recommendation"], x'
check "due: the earliest remediation deadline; owner as given; technical" js 'assert all(len(x["due"])==10 and x["owner"]=="資訊部" and x["category"]=="technical" for x in d)'
check "glibc due: 3 days after the inventory (KEV, category 1)" js 'import datetime; x=[x for x in d if x["title"].startswith("glibc")][0]; assert x["due"]==(datetime.date.today()+datetime.timedelta(days=3)).isoformat(), x["due"]'
check "each finding an assessment.finding event" \
	[ "$(sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE type = 'assessment.finding'")" = 12 ]
check "each vulnerability linked once" [ "$(db "SELECT count(*) FROM assessment_finding_vuln")" = 24 ]

run bs assessment finding 1 --from-vulns --as-of $later --owner 資訊部
check "again: nothing added" contains "$out" "0 finding(s) added for 0"
check "again: 24 already held" contains "$out" "24 already held"
check "again: the count is unchanged" [ "$(nf)" = 12 ]

# the owner from the register, in zh-TW, for a second assessment
b system update 4 --owner 網站組
b assessment plan --title "2027 年度" --from 2027-01-01 --to 2027-12-31 --approver board --approved-by 董事會 \
	--approved-on 2026-12-20
b assessment scope 2 --system 1
b assessment assessor 2 --assessor 1
b assessment run 2
run "$BROKERSEC" --data "$D" assessment finding 2 --from-vulns --as-of $later
check "zh-TW: summary line" contains "$out" "由逾期弱點新增 6 項缺失"
check "zh-TW: the severity in the reader's words" [ "$(db "SELECT count(*) FROM assessment_finding WHERE assessment_id = 2 AND risk LIKE '%CVE-2023-4911 (高，已列入 CISA KEV)%'")" = 1 ]
check "zh-TW: the finding's text" [ "$(db "SELECT count(*) FROM assessment_finding WHERE assessment_id = 2 AND title LIKE '%個弱點逾修復期限未修補%' AND owner = '資訊部'")" = 6 ]

# the report carries them (HTML, and the PDF as a person reads it)
run bs report assessment 1 --format html -o "$T/r.html"
check "report html: exit 0" [ "$rc" -eq 0 ]
check "report html: the KEV CVE in the findings" grep -q "CVE-2023-4911" "$T/r.html"
check "report html: the patch-review control" grep -q "A2.4.1.3.1" "$T/r.html"
if command -v pdftotext >/dev/null 2>&1; then
	run bs report assessment 1 --format pdf -o "$T/r.pdf"
	pdftotext -layout "$T/r.pdf" "$T/r.txt" 2>/dev/null
	check "report pdf: the findings' CVE as text" grep -q "CVE-2023-4911" "$T/r.txt"
fi

# the audit unit closes them as any finding
fid=$(db "SELECT min(id) FROM assessment_finding WHERE assessment_id = 1")
run bs assessment followup "$fid" --by 稽核室 --audit-unit --verdict corrected --note "已更新並重新盤點"
check "follow-up by the audit unit closes it" [ "$(db "SELECT status FROM assessment_finding WHERE id = $fid")" = closed ]
finish
