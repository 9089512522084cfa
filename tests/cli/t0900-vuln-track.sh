#!/bin/sh
# vuln (issue 18, 第十五條): a Debian 12 root's dpkg status against the tracker's JSON, KEV and
# OSV fixtures (tests/fixtures/vuln, hand-written in the real shapes): which package is
# vulnerable to what (source package and its version in dpkg's order; "0" = not affected;
# open = any version; undetermined reported), deadlines from the system's category and KEV,
# overdue ones, an accepted risk, findings closed by a later feed and a later inventory,
# SBOMs with OSV, damaged feeds refused whole, the policy only tightened, every change an event.
. "$TOP/tests/cli/lib.sh"

F="$TOP/tests/fixtures/vuln"
D="$T/d"
"$BROKERSEC" init --data "$D" --org 甲 --internal-control yes --test-fast-kdf >/dev/null 2>&1
bs() { "$BROKERSEC" --data "$D" --lang en "$@"; }
bs system add --name core --category 1 --core yes --internet-facing no --owner IT --device-count 1 >/dev/null 2>&1
bs system add --name web --category 3 --core no --internet-facing yes --owner IT --device-count 1 >/dev/null 2>&1
bs device add --asset-tag SRV-01 --kind server --system 1 >/dev/null 2>&1
bs device add --asset-tag WEB-01 --kind server --system 2 >/dev/null 2>&1
today=$(date -u +%Y-%m-%d)
plus() { python3 -c 'import datetime,sys; print((datetime.date.today()+datetime.timedelta(days=int(sys.argv[1]))).isoformat())' "$1"; }
js() { python3 -c "import json,sys; d=json.load(open('$T/l.json')); $1"; }

# --- feeds ---
run bs vuln import-feed --format debian-tracker --release bookworm "$F/tracker.json"
check "tracker: exit 0" [ "$rc" -eq 0 ]
check "tracker: 8 CVE entries read" contains "$out" "8 records"
run bs vuln import-feed --format kev "$F/kev.json"
check "kev: exit 0" [ "$rc" -eq 0 ]
run bs vuln inventory --root "$F/root" --device 1
check "inventory: exit 0" [ "$rc" -eq 0 ]
check "inventory: 8 installed packages (not the removed one), bookworm from os-release" contains "$out" "8 packages (dpkg, bookworm)"

run bs vuln list --format json
check "list json: exit 0" [ "$rc" -eq 0 ]
printf '%s' "$out" > "$T/l.json"
check "json: the fields the issue names" js 'assert all({"package","version","fixed","cve","severity","kev","device","deadline"} <= set(x) for x in d), d'
check "glibc: libc6 2.36-9+deb12u1 < 2.36-9+deb12u3, high, KEV" js 'x=[x for x in d if x["package"]=="libc6"]; assert len(x)==1 and x[0]["cve"]=="CVE-2023-4911" and x[0]["fixed"]=="2.36-9+deb12u3" and x[0]["severity"]=="high" and x[0]["kev"], x'
check "binary packages map to their source (libssl3 and openssl, both of openssl)" js 'assert {(x["package"],x["cve"]) for x in d if x["source"]=="openssl"}=={("libssl3","CVE-2023-5678"),("openssl","CVE-2023-5678"),("libssl3","CVE-2024-0727"),("openssl","CVE-2024-0727")}'
check "an open entry: vulnerable at any version, no fix" js 'x=[x for x in d if x["package"]=="libgnutls30"][0]; assert x["fixed"]=="" and x["cve"]=="CVE-2024-0553"'
check "the source's own version counts (binNMU 1.0-3+b1 of foo 1.0-1 < 1.0-2)" js 'assert any(x["package"]=="libfoo1" for x in d)'
check "installed = fixed: not vulnerable (curl 7.88.1-10+deb12u5 >= u4)" js 'assert not any(x["source"]=="curl" for x in d)'
check "fixed_version 0: not affected (zlib)" js 'assert not any(x["source"]=="zlib" for x in d)'
check "undetermined reported as such (sudo)" js 'x=[x for x in d if x["package"]=="sudo"][0]; assert x["advisory_status"]=="undetermined", x'
check "removed packages are not inventoried (telnet)" js 'assert not any(x["package"]=="telnet" for x in d)'
check "device, system and its category" js 'assert all(x["device"]==1 and x["system"]==1 and x["category"]==1 for x in d)'
check "8 findings" js 'assert len(d)==8, len(d)'
k7=$(plus 3); h=$(plus 15)
check "deadline: KEV on a category-1 system, 3 days ($k7)" js 'assert [x["deadline"] for x in d if x["package"]=="libc6"]==["'"$k7"'"]'
check "deadline: medium on category 1, 60 days" js 'assert [x["deadline"] for x in d if x["package"]=="libgnutls30"]==["'"$(plus 60)"'"]'
check "deadline: low on category 1, 120 days" js 'assert {x["deadline"] for x in d if x["severity"]=="low"}=={"'"$(plus 120)"'"}'

run bs vuln list
check "table: exit 0" [ "$rc" -eq 0 ]
check "table: a row per finding and the total" contains "$out" "total 8, overdue 0"
run "$BROKERSEC" --data "$D" vuln list
check "table in zh-TW" contains "$out" "修正版本"
run bs vuln list --kev --format json
check "--kev: only the KEV one" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 1 ]
run bs vuln list --overdue --as-of "$(plus 5)" --format json
check "--overdue as of +5 days: the KEV one only" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(",".join(x["package"] for x in d))')" = libc6 ]

# the same root on a category-3 device: the looser defaults
run bs vuln inventory --root "$F/root" --device 2
run bs vuln list --device 2 --format json
printf '%s' "$out" > "$T/l.json"
check "category 3: KEV 7 days" js 'assert [x["deadline"] for x in d if x["package"]=="libc6"]==["'"$(plus 7)"'"]'
check "category 3: medium 90 days" js 'assert [x["deadline"] for x in d if x["package"]=="libgnutls30"]==["'"$(plus 90)"'"]'

# --- due and status ---
run bs due --as-of "$(plus 10)" --format json
check "due: exit 0" [ "$rc" -eq 0 ]
check "due: the overdue vulnerability of device 1" contains "$out" '"duty": "vuln"'
run bs status --id SR.15 --as-of "$(plus 10)" --format json
check "status SR.15: not met with overdue findings" contains "$out" 'past their remediation deadline'
run bs status --id SR.15 --format json
check "status SR.15 today: met (tracked, nothing overdue)" contains "$out" 'vulnerability remediation in place'
"$BROKERSEC" init --data "$T/e" --org 乙 --internal-control yes --test-fast-kdf >/dev/null 2>&1
run "$BROKERSEC" --data "$T/e" --lang en status --id SR.15 --format json
check "status SR.15 with nothing inventoried: says what to run" contains "$out" 'no software inventory or advisory feed yet'
"$BROKERSEC" --data "$T/e" vuln import-feed --format debian-tracker "$F/tracker.json" >/dev/null 2>&1
"$BROKERSEC" --data "$T/e" vuln inventory --root "$T/root-none" >/dev/null 2>&1
mkdir -p "$T/fixedroot/etc" "$T/fixedroot/var/lib/dpkg"
cp "$F/root/etc/os-release" "$T/fixedroot/etc/"
printf 'Package: libc6\nStatus: install ok installed\nSource: glibc\nVersion: 2.36-9+deb12u9\n' > "$T/fixedroot/var/lib/dpkg/status"
"$BROKERSEC" --data "$T/e" vuln inventory --root "$T/fixedroot" >/dev/null 2>&1
run "$BROKERSEC" --data "$T/e" --lang en status --id SR.15 --as-of "$(plus 40)" --format json
check "status SR.15: advisories over 31 days old are due" contains "$out" 'over 31 days ago' 

# --- accepted risk ---
id=$(bs vuln list --format json | python3 -c 'import json,sys; print([x["id"] for x in json.load(sys.stdin) if x["package"]=="libgnutls30" and x["device"]==1][0])')
run bs vuln accept "$id" --until "$(plus 30)" --approver 王經理 --reason "no fix upstream; TLS-PSK not used"
check "accept: exit 0" [ "$rc" -eq 0 ]
run bs vuln list --format json --as-of "$(plus 70)" --overdue
check "accepted until +30: overdue again at +70 (the acceptance expired)" contains "$out" '"libgnutls30"'
run bs vuln list --format json --as-of "$(plus 20)"
printf '%s' "$out" > "$T/l.json"
check "accepted: state and approver shown" js 'x=[x for x in d if x["id"]=='"$id"'][0]; assert x["state"]=="accepted" and x["approver"]=="王經理", x'
run bs vuln accept "$id" --until "$(plus 400)" --approver a --reason b
check "accept: more than a year ahead refused" [ "$rc" -ne 0 ]
run bs vuln accept 9999 --until "$(plus 10)" --approver a --reason b
check "accept: unknown finding refused" contains "$err" "no vulnerability finding 9999"

# --- closing: a later feed fixes openssl's CVE-2024-0727; a later inventory upgrades glibc ---
run bs vuln import-feed --format debian-tracker --release bookworm "$F/tracker-fixed.json"
run bs vuln list --device 1 --format json
check "a later feed with a fix: the open CVE gets its fixed version" contains "$out" '"fixed": "3.0.13-1~deb12u1"'
mkdir -p "$T/root2/etc" "$T/root2/var/lib/dpkg"
cp "$F/root/etc/os-release" "$T/root2/etc/"
sed 's/^Version: 2.36-9+deb12u1$/Version: 2.36-9+deb12u3/' "$F/root/var/lib/dpkg/status" > "$T/root2/var/lib/dpkg/status"
run bs vuln inventory --root "$T/root2" --device 1
run bs vuln list --device 1 --all --format json
printf '%s' "$out" > "$T/l.json"
check "a later inventory with the fixed version closes the finding" js 'x=[x for x in d if x["package"]=="libc6"][0]; assert x["state"]=="closed" and x["closed_at"], x'
check "the others stay open" js 'assert sum(1 for x in d if x["state"]=="open")==6, [(x["package"],x["state"]) for x in d]'
run bs log search --type vuln.findings
check "opened and closed findings are events" contains "$out" "1 closed"

# --- SBOM and OSV ---
run bs vuln import-feed --format osv "$F/osv"
check "osv directory: exit 0" [ "$rc" -eq 0 ]
check "osv: an ecosystem brokersec cannot match is reported" contains "$err" "ecosystem 'wolfi'"
run bs vuln inventory --sbom "$F/sbom.cdx.json" --device 2
check "CycloneDX: exit 0" [ "$rc" -eq 0 ]
check "CycloneDX: the 4 components with a purl (nested included)" contains "$out" "4 packages (cyclonedx"
run bs vuln list --device 2 --format json
printf '%s' "$out" > "$T/l.json"
check "OSV PyPI: requests 2.28.1 < 2.31.0, CVE from the alias, CVSS 6.1 from the vector" js 'x=[x for x in d if x["package"]=="requests"][0]; assert x["cve"]=="CVE-2023-32681" and x["cvss"]==6.1 and x["severity"]=="medium" and x["fixed"]=="2.31.0", x'
check "the SBOM replaced device 2's dpkg inventory: its Debian findings closed" js 'assert not any(x["ecosystem"].startswith("debian") for x in d)'
run bs vuln inventory --sbom "$F/sbom.spdx.json" --device 2
check "SPDX: exit 0" [ "$rc" -eq 0 ]
run bs vuln list --device 2 --format json
check "SPDX: requests 2.31.0 is fixed: the finding closed" [ "$out" = "[]" ]

# --- damaged feeds are refused whole ---
before=$(bs vuln list --all --format json | md5sum)
head -c 1500 "$F/tracker-fixed.json" > "$T/trunc.json"
run bs vuln import-feed --format debian-tracker "$T/trunc.json"
check "truncated tracker: refused" [ "$rc" -ne 0 ]
check "truncated tracker: the line and column" contains "$err" "line "
check "truncated tracker: says truncated" contains "$err" "truncated"
sed 's/"status": "open"/"status": 7/' "$F/tracker.json" > "$T/bad.json"
run bs vuln import-feed --format debian-tracker "$T/bad.json"
check "a bad value deep inside: refused with its place" contains "$err" "no string 'status'"
printf '{"vulnerabilities": [{"cveID": "CVE-2024-1"}, {"cveID": 5}]}' > "$T/badkev.json"
run bs vuln import-feed --format kev "$T/badkev.json"
check "kev without cveID: refused" contains "$err" "vulnerabilities[1]"
check "nothing of the refused feeds was applied" [ "$(bs vuln list --all --format json | md5sum)" = "$before" ]
run bs vuln import-feed --format debian-tracker --release sid "$F/tracker.json"
check "a release the tracker file lacks: refused" contains "$err" "no entry for release 'sid'"

# --- inventory errors ---
run bs vuln inventory --root "$F/root" --device 99
check "an unknown device: refused" contains "$err" "device 99 is not in the device register"
mkdir -p "$T/empty"
run bs vuln inventory --root "$T/empty"
check "no dpkg database (nor an RPM one): refused" contains "$err" "no dpkg status"
run bs vuln inventory --sbom "$F/kev.json"
check "not an SBOM: refused" contains "$err" "neither CycloneDX"

# --- policy: tighten only ---
run bs vuln policy set days.high=45
check "policy: longer than the default refused" contains "$err" "only be made shorter"
run bs vuln policy set cat1.days.kev=1
check "policy: shorter accepted" [ "$rc" -eq 0 ]
run bs vuln list --device 1 --kev --all --format json
run bs vuln policy show --format json
check "policy show: the value set" contains "$out" '"days": 1'
run bs log search --type vuln.policy
check "policy change is an event" contains "$out" "cat1.days.kev"
for t in vuln.feed vuln.inventory vuln.accept; do
	run bs log search --type $t
	check "event $t recorded" contains "$out" "$t"
done

# --- check: no data directory, debsecan's view ---
run "$BROKERSEC" vuln check --feed "$F/tracker.json" --release bookworm "$F/root/var/lib/dpkg/status"
check "check: exit 0" [ "$rc" -eq 0 ]
check "check: a line per package and CVE (8)" [ "$(printf '%s\n' "$out" | wc -l)" -eq 8 ]
finish
