#!/bin/sh
# vuln inventory --sbom of an SPDX 2.3 tag-value document (issue 18; src/vuln/spdxtv.c),
# recognised by its content beside CycloneDX and SPDX JSON: PackageName, PackageVersion,
# ExternalRef PACKAGE-MANAGER purl (and SPDX 2.2's PACKAGE_MANAGER; a purl without a version
# takes PackageVersion), <text> values over several lines never read as tags, packages
# without a purl counted aloud; matched against OSV (GHSA) records; a later SBOM with the
# fixed versions closes the findings; a bad line refused with its number, nothing stored.
. "$TOP/tests/cli/lib.sh"

F="$TOP/tests/fixtures/vuln"
D="$T/d"
"$BROKERSEC" init --data "$D" --org 甲 --internal-control yes --test-fast-kdf >/dev/null 2>&1
bs() { "$BROKERSEC" --data "$D" --lang en "$@"; }
bs system add --name portal --category 2 --core no --internet-facing yes --owner IT --device-count 1 >/dev/null 2>&1
bs device add --asset-tag APPL-01 --kind server --system 1 >/dev/null 2>&1
js() { python3 -c "import json,sys; d=json.load(open('$T/l.json')); $1"; }
ninv() { sqlite3 "$D/brokersec.db" "SELECT count(*) FROM vuln_inventory"; }

run bs vuln import-feed --format osv "$F/osv/GHSA-j8r2-6x86-q33q.json"
check "GHSA (PyPI requests): exit 0" [ "$rc" -eq 0 ]
run bs vuln import-feed --format osv "$F/osv-npm"
check "GHSA (npm lodash): exit 0" [ "$rc" -eq 0 ]

run bs vuln inventory --sbom "$F/sbom.spdx.tv" --device 1
check "tag-value: exit 0" [ "$rc" -eq 0 ]
check "tag-value: 3 packages with a purl, kind spdx" contains "$out" "3 packages (spdx"
check "tag-value: the package without a purl is said, not skipped in silence" contains "$err" "1 packages have no purl"
check "tag-value: the packages as stored" [ "$(sqlite3 "$D/brokersec.db" "SELECT group_concat(name || '@' || version || '=' || purl, ' ') FROM (SELECT * FROM vuln_package ORDER BY name)")" = "lodash@4.17.20=pkg:npm/lodash@4.17.20 requests@2.28.1=pkg:pypi/requests@2.28.1 urllib3@2.0.7=pkg:pypi/urllib3@2.0.7" ]
run bs vuln list --format json
printf '%s' "$out" > "$T/l.json"
check "requests 2.28.1 < 2.31.0: CVE-2023-32681" js 'assert any(x["package"]=="requests" and x["cve"]=="CVE-2023-32681" and x["fixed"]=="2.31.0" for x in d), d'
check "lodash (version from PackageVersion) < 4.17.21: CVE-2021-23337, high" js 'assert any(x["package"]=="lodash" and x["cve"]=="CVE-2021-23337" and x["severity"]=="high" for x in d), d'
check "nothing from inside <text> (not-a-package)" js 'assert len(d)==2 and not any(x["package"]=="not-a-package" for x in d), d'

# CRLF line ends and a UTF-8 BOM: the same document
printf '\357\273\277' > "$T/crlf.tv"
sed 's/$/\r/' "$F/sbom.spdx.tv" >> "$T/crlf.tv"
run bs vuln inventory --sbom "$T/crlf.tv" --device 1
check "CRLF and a BOM: read the same" contains "$out" "3 packages (spdx"

# a later SBOM with the fixed versions closes both
sed -e 's/requests@2.28.1/requests@2.31.0/' -e 's/^PackageVersion: 4.17.20/PackageVersion: 4.17.21/' "$F/sbom.spdx.tv" > "$T/fixed.tv"
run bs vuln inventory --sbom "$T/fixed.tv" --device 1
check "fixed SBOM: exit 0" [ "$rc" -eq 0 ]
run bs vuln list --format json
check "fixed SBOM: no open finding" [ "$out" = "[]" ]
run bs vuln list --all --format json
printf '%s' "$out" > "$T/l.json"
check "fixed SBOM: both findings closed" js 'assert sorted(x["state"] for x in d)==["closed","closed"], d'

# bad documents: refused whole with the line, nothing stored
n0=$(ninv)
bad() { # NAME LINE-NEEDLE: the fixture with one edit (sed expression $3)
	sed "$3" "$F/sbom.spdx.tv" > "$T/bad.tv"
	run bs vuln inventory --sbom "$T/bad.tv" --device 1
	check "$1: refused" [ "$rc" -ne 0 ]
	check "$1: the line named ($2)" contains "$err" "$2"
}
bad "a line that is not Tag: value" "line 18: not a 'Tag: value' line" '18s/^PackageName: requests$/PackageName requests/'
bad "ExternalRef with two fields" "line 29: ExternalRef needs three fields" '29s/^ExternalRef: PACKAGE-MANAGER purl .*/ExternalRef: PACKAGE-MANAGER purl/'
bad "a purl that is not one" "line 29: package 'requests': the purl 'pkg:pypi' is not" '29s/pkg:pypi\/requests@2.28.1/pkg:pypi/'
bad "<text> never closed" "line 43: <text> is not closed" '44s/<\/text>//'
check "bad documents: nothing stored" [ "$(ninv)" = "$n0" ]
printf 'SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nPackageName: a\nPackageVersion: 1\n' > "$T/nopurl.tv"
run bs vuln inventory --sbom "$T/nopurl.tv" --device 1
check "no package with a purl: refused, counted" contains "$err" "has 1 packages and none with an ExternalRef"
printf 'DataLicense: CC0-1.0\nSPDXVersion: SPDX-2.3\n' > "$T/notfirst.tv"
run bs vuln inventory --sbom "$T/notfirst.tv" --device 1
check "SPDXVersion not the first tag: still tag-value (no package: refused)" contains "$err" "(SPDX tag-value) has 0 packages"
printf 'name,version\nrequests,2.28.1\n' > "$T/csv.txt"
run bs vuln inventory --sbom "$T/csv.txt" --device 1
check "neither JSON nor tag-value: refused, saying what is read" contains "$err" "is neither CycloneDX JSON"
run "$BROKERSEC" --data "$D" vuln inventory --sbom "$T/bad.tv" --device 1
check "zh-TW: the line in Chinese" contains "$err" "第 43 行"
finish
