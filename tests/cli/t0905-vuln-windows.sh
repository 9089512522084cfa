#!/bin/sh
# vuln and Windows (issue 18): a PC's installed updates (Get-HotFix) and product (the
# collector's os.json, UTF-16LE with a BOM as PowerShell writes them) against Microsoft's
# monthly CVRF JSON documents (tests/fixtures/vuln/msrc: three hand-made months in the real
# shape, each cumulative update superseding the month before's). A CVE listed for the product
# is open until the fixing KB, or one that supersedes it through the chain across documents,
# is installed; severity from MSRC's rating and CVSS; KEV from the KEV list; an unknown
# product and a damaged document are refused with nothing stored.
. "$TOP/tests/cli/lib.sh"

M="$TOP/tests/fixtures/vuln/msrc"
D="$T/d"
"$BROKERSEC" init --data "$D" --org 甲 --internal-control yes --test-fast-kdf >/dev/null 2>&1
bs() { "$BROKERSEC" --data "$D" --lang en "$@"; }
bs system add --name office --category 2 --core no --internet-facing no --owner IT --device-count 2 >/dev/null 2>&1
bs device add --asset-tag PC-07 --kind desktop --system 1 >/dev/null 2>&1
bs device add --asset-tag DC-01 --kind server --system 1 >/dev/null 2>&1
bs device add --asset-tag PC-12 --kind desktop --system 1 >/dev/null 2>&1
plus() { python3 -c 'import datetime,sys; print((datetime.date.today()+datetime.timedelta(days=int(sys.argv[1]))).isoformat())' "$1"; }
list() { bs vuln list --all --format json >"$T/l.json"; }
js() { python3 -c "import json,sys; d=json.load(open('$T/l.json')); $1"; }
rows() { sqlite3 "$D/brokersec.db" "$1"; }
# the open findings of a device as "CVE fixed" lines, sorted
open_of() { python3 -c "import json; d=json.load(open('$T/l.json')); print(' '.join(sorted(x['cve']+'='+x['fixed'] for x in d if x['device']==$1 and x['state']=='open')))"; }

# --- the January document, a PC that has December's update ---
run bs vuln import-feed --format msrc "$M/2024-Jan.json"
check "import January: exit 0" [ "$rc" -eq 0 ]
check "import January: 4 CVEs read" contains "$out" "imported msrc: 4 records"
check "the fixing KBs stored per product" [ "$(rows "SELECT count(*) FROM vuln_advisory WHERE ecosystem = 'msrc' AND package = 'Windows 11 Version 23H2 for x64-based Systems' AND fixed = 'KB5034123'")" = 3 ]
check "the supersedence stored (KB5034123 supersedes KB5033375)" [ "$(rows "SELECT count(*) FROM vuln_advisory WHERE ecosystem = 'msrc-supersedes' AND vuln_id = 'KB5034123' AND fixed = 'KB5033375'")" = 1 ]
check "Office's click-to-run fix kept as it is (no KB)" [ "$(rows "SELECT fixed FROM vuln_advisory WHERE vuln_id = 'CVE-2024-20677'")" = "Click to Run" ]
check "the feed recorded as msrc" [ "$(rows "SELECT format FROM vuln_feed")" = msrc ]

run bs vuln inventory --windows-export "$M/win11-dec" --device 1
check "inventory: exit 0" [ "$rc" -eq 0 ]
check "inventory: the product from os.json's build, type and architecture" contains "$out" "Windows 11 Version 23H2 for x64-based Systems, 3 installed updates (KB)"
run sh -c 'cd "$1" && "$2" --data "$3" --lang en vuln inventory --windows-export win11-dec --device 1' sh "$M" "$BROKERSEC" "$D"
check "a relative export directory is read from the working directory" contains "$out" "3 installed updates (KB)"
check "inventory kind windows" [ "$(rows "SELECT DISTINCT kind || ' ' || distro FROM vuln_inventory")" = "windows windows" ]
list
check "December's PC: January's three Windows 11 CVEs open, fixed by KB5034123" [ "$(open_of 1)" = "CVE-2024-20653=KB5034123 CVE-2024-20674=KB5034123 CVE-2024-20700=KB5034123" ]
check "package = the product, version = its build" js 'x=[x for x in d if x["cve"]=="CVE-2024-20674"][0]; assert x["package"]=="Windows 11 Version 23H2 for x64-based Systems" and x["version"]=="10.0.22631" and x["ecosystem"]=="msrc", x'
check "severity: MSRC Critical with CVSS 9.0 is critical" js 'x=[x for x in d if x["cve"]=="CVE-2024-20674"][0]; assert x["severity"]=="critical" and x["cvss"]==9.0, x'
check "severity: MSRC Critical with CVSS 7.5 stays critical (the worse)" js 'x=[x for x in d if x["cve"]=="CVE-2024-20700"][0]; assert x["severity"]=="critical", x'
check "severity: Important with 7.8 is high" js 'x=[x for x in d if x["cve"]=="CVE-2024-20653"][0]; assert x["severity"]=="high", x'
check "deadline: critical on category 2, 15 days" js 'x=[x for x in d if x["cve"]=="CVE-2024-20674"][0]; assert x["deadline"]=="'"$(plus 15)"'", x'
check "no Office finding on a PC whose inventory is Windows' KBs" js 'assert not any(x["cve"]=="CVE-2024-20677" for x in d)'
run bs vuln list
check "table: the product and the KB" contains "$out" "KB5034123"

# --- February and KEV: the next month's CVEs, one exploited in the wild ---
cat >"$T/kev.json" <<'EOF'
{"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2024.02.15", "dateReleased": "2024-02-15T17:00:00.000Z", "count": 1,
 "vulnerabilities": [{"cveID": "CVE-2024-21412", "vendorProject": "Microsoft", "product": "Windows", "vulnerabilityName": "Microsoft Windows Internet Shortcut Files Security Feature Bypass Vulnerability", "dateAdded": "2024-02-13", "shortDescription": "...", "requiredAction": "Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.", "dueDate": "2024-03-05", "knownRansomwareCampaignUse": "Known", "notes": "https://msrc.microsoft.com/update-guide/en-US/vulnerability/CVE-2024-21412", "cwes": ["CWE-693"]}]}
EOF
run bs vuln import-feed --format kev "$T/kev.json"
run bs vuln import-feed --format msrc "$M/2024-Feb.json"
check "import February: exit 0" [ "$rc" -eq 0 ]
list
check "February's two CVEs open too, fixed by KB5034765" [ "$(open_of 1)" = "CVE-2024-20653=KB5034123 CVE-2024-20674=KB5034123 CVE-2024-20700=KB5034123 CVE-2024-21351=KB5034765 CVE-2024-21412=KB5034765" ]
check "KEV flag from the KEV list, its deadline 7 days" js 'x=[x for x in d if x["cve"]=="CVE-2024-21412"][0]; assert x["kev"] and x["deadline"]=="'"$(plus 7)"'", x'
check "MSRC Moderate with CVSS 7.6: high (the worse)" js 'x=[x for x in d if x["cve"]=="CVE-2024-21351"][0]; assert x["severity"]=="high", x'

# --- January's KB installed: January closed, February open ---
run bs vuln inventory --windows-export "$M/win11-jan" --device 1
list
check "KB5034123 installed: January's closed, February's open" [ "$(open_of 1)" = "CVE-2024-21351=KB5034765 CVE-2024-21412=KB5034765" ]
check "the closed ones say so" js 'assert {x["cve"] for x in d if x["state"]=="closed"}=={"CVE-2024-20653","CVE-2024-20674","CVE-2024-20700"}'

# --- February's KB only: January's fixes count through supersedence ---
run bs vuln inventory --windows-export "$M/win11-dec" --device 1
list
check "back to December's updates: reopened" [ "$(open_of 1 | wc -w)" -eq 5 ]
run bs vuln inventory --windows-export "$M/win11-feb" --device 1
list
check "KB5034765 alone (it supersedes KB5034123): everything closed" [ "$(open_of 1)" = "" ]
run bs log search --type vuln.findings
check "opened and closed findings are events" contains "$out" "3 closed"

# --- the chain across documents, imported in any order ---
D2="$T/d2"
"$BROKERSEC" init --data "$D2" --org 乙 --internal-control yes --test-fast-kdf >/dev/null 2>&1
b2() { "$BROKERSEC" --data "$D2" --lang en "$@"; }
b2 vuln import-feed --format msrc "$M/2024-Jan.json" >/dev/null 2>&1
run b2 vuln inventory --windows-export "$M/win11-mar"
b2 vuln list --format json >"$T/l.json"
check "March's KB with only January imported: January open (the chain is not known yet)" [ "$(open_of 0 | wc -w)" -eq 3 ]
b2 vuln import-feed --format msrc "$M/2024-Mar.json" >/dev/null 2>&1
b2 vuln list --format json >"$T/l.json"
check "March imported (KB5035853 supersedes KB5034765), February not: still open" [ "$(open_of 0 | wc -w)" -eq 3 ]
run b2 vuln import-feed --format msrc "$M/2024-Feb.json"
b2 vuln list --all --format json >"$T/l.json"
check "February imported: KB5035853 > KB5034765 > KB5034123, January closed by the chain" [ "$(open_of 0)" = "" ]
check "... by the import, not a new inventory" js 'assert len([x for x in d if x["state"]=="closed"])==3, d'
n1=$(sqlite3 "$D2/brokersec.db" "SELECT count(*) FROM vuln_advisory WHERE osv_id = '2024-Feb'")
b2 vuln import-feed --format msrc "$M/2024-Feb.json" >/dev/null 2>&1
check "importing a document again replaces its rows: still $n1" [ "$(sqlite3 "$D2/brokersec.db" "SELECT count(*) FROM vuln_advisory WHERE osv_id = '2024-Feb'")" -eq "$n1" ]

# --- a directory of documents; other products ---
D3="$T/d3"
"$BROKERSEC" init --data "$D3" --org 丙 --internal-control yes --test-fast-kdf >/dev/null 2>&1
b3() { "$BROKERSEC" --data "$D3" --lang en "$@"; }
b3 system add --name office --category 3 --core no --internet-facing no --owner IT --device-count 2 >/dev/null 2>&1
b3 device add --asset-tag DC-01 --kind server --system 1 >/dev/null 2>&1
b3 device add --asset-tag PC-12 --kind desktop --system 1 >/dev/null 2>&1
run b3 vuln import-feed --format msrc "$M"
check "a directory of documents: exit 0, 7 CVEs" contains "$out" "7 records"
run b3 vuln inventory --windows-export "$M/server-core" --device 1
check "Server Core: its own product name" contains "$out" "Windows Server 2022 (Server Core installation)"
run b3 vuln inventory --windows-export "$M/win10-zh" --device 2
check "zh-TW Windows 10, OSArchitecture '32 位元', no PROCESSOR_ARCHITECTURE: 32-bit" contains "$out" "Windows 10 Version 22H2 for 32-bit Systems"
b3 vuln list --format json >"$T/l.json"
check "Server Core with December's KB5033118: January, February, March open" js 'assert sorted(x["cve"] for x in d if x["package"].startswith("Windows Server"))==["CVE-2024-20674","CVE-2024-20700","CVE-2024-21407","CVE-2024-21412"], d'
check "Windows 10 32-bit: its own CVEs and KBs" js 'assert sorted((x["cve"],x["fixed"]) for x in d if x["package"].startswith("Windows 10"))==[("CVE-2024-20653","KB5034122"),("CVE-2024-20674","KB5034122"),("CVE-2024-21351","KB5034763"),("CVE-2024-21412","KB5034763")], d'

# --- the whole collector export: os.json among the files the Windows checks read ---
W="$TOP/tests/fixtures/windows"
mkdir -p "$T/full/sub"
cp "$W/secpol-good.inf" "$W/defender-good.json" "$W/firewall-good.json" "$W/office-good.json" "$T/full/"
cp "$M/win11-jan/hotfix.json" "$T/full/sub/updates-2024.json"
# PowerShell 7 writes UTF-8 without a BOM and may drop the nulls
printf '{\n  "Caption": "Microsoft Windows 11 Enterprise",\n  "Version": "10.0.22631",\n  "BuildNumber": "22631",\n  "OSArchitecture": "ARM 64-bit Processor",\n  "DisplayVersion": "23H2"\n}\n' >"$T/full/os.json"
run bs vuln inventory --windows-export "$T/full" --device 1
check "a full export, files under any name and in a subfolder: ARM64 from OSArchitecture" contains "$out" "Windows 11 Version 23H2 for ARM64-based Systems, 3 installed updates"
run bs scan --windows-export "$T/full" --format json
check "scan of the same folder still runs its checks (os.json is no check's file)" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for r in d["results"] if r["status"]=="pass") > 0)')" = True ]
head -c $(($(wc -c <"$M/win11-dec/os.json") - 7)) "$M/win11-dec/os.json" >"$T/full/os.json"
run bs vuln inventory --windows-export "$T/full" --device 1
check "a truncated UTF-16 os.json: refused naming the file" contains "$err" "$T/full/os.json' (Win32_OperatingSystem JSON) is not valid UTF-16"

# --- refused: an unknown product, a missing os.json, damaged documents ---
before=$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM vuln_inventory")
run bs vuln inventory --windows-export "$M/unknown" --device 1
check "unknown product: exit 1" [ "$rc" -eq 1 ]
check "... naming what was read" contains "$err" "BuildNumber '27695'"
check "... and the caption" contains "$err" "Windows 11 Insider Preview"
check "... nothing saved" [ "$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM vuln_inventory")" = "$before" ]
run "$BROKERSEC" --data "$D" vuln inventory --windows-export "$M/unknown" --device 1
check "... in zh-TW too" contains "$err" "無法比對其更新"
mkdir -p "$T/noos"
cp "$M/win11-dec/hotfix.json" "$T/noos/updates.json"
run bs vuln inventory --windows-export "$T/noos" --device 1
check "no os.json: exit 1, saying to collect it" contains "$err" "the export holds no Win32_OperatingSystem JSON (os.json)"
check "... and what was found (the hotfix file, recognised by content)" contains "$err" "updates.json' (Get-HotFix JSON)"
run bs vuln inventory --windows-export "$T/noos" --release bookworm
check "--release with --windows-export: usage error" [ "$rc" -eq 2 ]

feeds=$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM vuln_feed")
adv=$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM vuln_advisory")
head -c 5000 "$M/2024-Mar.json" >"$T/cut.json"
run bs vuln import-feed --format msrc "$T/cut.json"
check "truncated document: exit 1" [ "$rc" -eq 1 ]
check "... with line and column" contains "$err" "line "
check "... refused whole" contains "$err" "the feed is refused whole, nothing was imported"
python3 - "$M/2024-Mar.json" "$T/deep.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["Vulnerability"][0]["Remediations"][0]["ProductID"] = 12242
json.dump(d, open(sys.argv[2], "w"), indent=1)
EOF
run bs vuln import-feed --format msrc "$T/deep.json"
check "a ProductID that is not an array deep inside: refused" contains "$err" "Vulnerability[0] (CVE-2024-21407): a ProductID is not an array of strings"
printf '{"vulnerabilities": []}\n' >"$T/kev-as-msrc.json"
run bs vuln import-feed --format msrc "$T/kev-as-msrc.json"
check "not a CVRF document: refused" contains "$err" "is not an MSRC CVRF document"
mkdir -p "$T/mixed"
cp "$M/2024-Jan.json" "$M/2024-Feb.json" "$T/mixed/"
cp "$T/cut.json" "$T/mixed/2024-Mar.json"
run bs vuln import-feed --format msrc "$T/mixed"
check "a directory with one damaged document: refused whole" [ "$rc" -eq 1 ]
check "nothing of any of them stored" [ "$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM vuln_feed") $(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM vuln_advisory")" = "$feeds $adv" ]

run bs vuln import-feed --format nvd "$M/2024-Jan.json"
check "unknown format: names msrc among the formats" contains "$err" "debian-tracker, osv, kev or msrc"
finish
