#!/bin/sh
# vuln inventory --root of an RPM system (issue 18; src/vuln/rpmdb.c): tiny noarch rpms built
# here with rpmbuild and installed with `rpm --root --justdb` into an AlmaLinux 9 root, read
# through librpm (the sqlite backend), compared with `rpm -qa`, matched against OSV records of
# RPM distributions (tests/fixtures/vuln/osv-rpm) in rpm's order (epochs, '~'), by binary and
# by source package; a later inventory with the fixed version closes the finding; nothing is
# ever written under the root; a damaged rpmdb.sqlite is refused whole, naming the file.
. "$TOP/tests/cli/lib.sh"

command -v rpmbuild >/dev/null 2>&1 || { echo "rpmbuild missing (package rpm, scripts/deps-test.txt)"; exit 1; }
F="$TOP/tests/fixtures/vuln"
D="$T/d"
R="$T/root"
"$BROKERSEC" init --data "$D" --org 甲 --internal-control yes --test-fast-kdf >/dev/null 2>&1
bs() { "$BROKERSEC" --data "$D" --lang en "$@"; }
bs system add --name core --category 1 --core yes --internet-facing no --owner IT --device-count 1 >/dev/null 2>&1
bs device add --asset-tag ALMA-01 --kind server --system 1 >/dev/null 2>&1
js() { python3 -c "import json,sys; d=json.load(open('$T/l.json')); $1"; }

# spec NAME EPOCH VERSION RELEASE [SUBPACKAGE]: a noarch rpm without files; with SUBPACKAGE
# the binary NAME-SUBPACKAGE too (its SOURCERPM is NAME's)
spec() {
	mkdir -p "$T/spec"
	{
		echo "Name: $1"
		[ "$2" = - ] || echo "Epoch: $2"
		echo "Version: $3"
		echo "Release: $4"
		echo "Summary: brokersec test package"
		echo "License: MIT"
		echo "BuildArch: noarch"
		echo "%description"
		echo "test"
		if [ -n "${5:-}" ]; then
			echo "%package $5"
			echo "Summary: brokersec test subpackage"
			echo "%description $5"
			echo "test"
			echo "%files $5"
		fi
		echo "%files"
	} > "$T/spec/$1.spec"
	rpmbuild --define "_topdir $T/rpmbuild" --define "_dbpath $T/builddb" -bb "$T/spec/$1.spec" >"$T/rpmbuild.log" 2>&1
}
rpmq() { _r=$1; shift; rpm --root "$_r" --dbpath /var/lib/rpm "$@"; }
rpms="$T/rpmbuild/RPMS/noarch"

spec openssl 1 3.0.7 24.el9 libs
spec curl - 7.76.1 26.el9_3.2
spec bash - '5.1.8~beta' 6.el9
check "rpmbuild made the packages" [ -f "$rpms/openssl-libs-3.0.7-24.el9.noarch.rpm" ]
mkdir -p "$R/etc"
rpm --root "$R" --dbpath /var/lib/rpm --initdb 2>/dev/null
rpm --root "$R" --dbpath /var/lib/rpm -i --nodeps --justdb "$rpms"/*.rpm >/dev/null 2>&1
rm -f "$R/var/lib/rpm/rpmdb.sqlite-shm" "$R/var/lib/rpm/.rpm.lock"
cat > "$R/etc/os-release" <<'EOF'
NAME="AlmaLinux"
VERSION="9.3 (Shamrock Pampas Cat)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
EOF
check "the root's rpmdb is sqlite" [ -f "$R/var/lib/rpm/rpmdb.sqlite" ]
snap() { (cd "$R" && find . -printf '%p %y %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort); }
snap > "$T/before"

run bs vuln import-feed --format osv "$F/osv-rpm"
check "osv-rpm: exit 0" [ "$rc" -eq 0 ]
check "osv-rpm: 7 records" contains "$out" "7 records"
check "AlmaLinux, Rocky Linux, Red Hat and SUSE ecosystems are known (no warning)" ! contains "$err" "warning"

run bs vuln inventory --root "$R" --device 1
check "inventory: exit 0" [ "$rc" -eq 0 ]
check "inventory: says it read the rpm database with the sqlite backend" contains "$out" "$R/var/lib/rpm/rpmdb.sqlite (rpm, sqlite): 4 packages"
check "inventory: 4 packages (rpm, 9.3)" contains "$out" "4 packages (rpm, 9.3)"
check "inventory: no librpm message on stderr" [ "$(printf '%s\n' "$err" | grep -v "TEST DATA DIRECTORY" | grep -c .)" -eq 0 ]
snap > "$T/after"
check "nothing written under the root (no -shm, no lock, same bytes)" cmp -s "$T/before" "$T/after"

# the packages as stored against rpm's own answer
db=$(ls "$D"/*.db 2>/dev/null | head -1)
sqlite3 "$db" "SELECT name || ' ' || version || ' ' || arch || ' ' || source FROM vuln_package WHERE inventory =
	(SELECT max(id) FROM vuln_inventory)" 2>/dev/null | sort > "$T/ours"
rpmq "$R" -qa --qf '%{NAME} %{EVR} %{ARCH} %{SOURCERPM}\n' | sed 's/-[^-]*-[^-]*\.src\.rpm$//' | sort > "$T/theirs"
check "the package list is rpm -qa's (name, EVR, arch, source)" cmp -s "$T/ours" "$T/theirs"
check "openssl-libs comes from the source openssl, with its epoch" grep -qx "openssl-libs 1:3.0.7-24.el9 noarch openssl" "$T/ours"

run bs vuln list --format json
check "list json: exit 0" [ "$rc" -eq 0 ]
printf '%s' "$out" > "$T/l.json"
check "openssl-libs 1:3.0.7-24.el9 < 1:3.0.7-25.el9_3: CVE-2023-5678 (ALSA's related[] CVE), AlmaLinux's row" js 'x=[x for x in d if x["package"]=="openssl-libs" and x["cve"]=="CVE-2023-5678"]; assert len(x)==1 and x[0]["fixed"]=="1:3.0.7-25.el9_3" and x[0]["ecosystem"]=="almalinux:9" and x[0]["severity"]=="medium", x'
check "openssl-libs matched by its source package openssl (CVE-2024-0727)" js 'assert any(x["package"]=="openssl-libs" and x["cve"]=="CVE-2024-0727" and x["fixed"]=="1:3.0.7-27.el9" for x in d), d'
check "the epoch counts: 1:3.0.7-24 is not older than 3.0.7-30 (CVE-2099-9001 for bash only)" js 'assert [x["package"] for x in d if x["cve"]=="CVE-2099-9001"]==["bash"], d'
check "'~' sorts before the release: 5.1.8~beta-6.el9 < 5.1.8-9.el9" js 'x=[x for x in d if x["package"]=="bash"]; assert len(x)==1 and x[0]["version"]=="5.1.8~beta-6.el9", x'
check "installed = fixed: curl 7.76.1-26.el9_3.2 not vulnerable" js 'assert not any(x["package"]=="curl" for x in d)'
check "Rocky's and Red Hat's rows do not apply to AlmaLinux (their fixed 99 not used)" js 'assert not any("99" in x["fixed"] for x in d), d'
check "5 findings: openssl and openssl-libs x2 each, bash (one per package and CVE)" js 'assert len(d)==5 and sorted({x["package"] for x in d})==["bash","openssl","openssl-libs"], [(x["package"],x["cve"]) for x in d]'

# --- the fixed version in a later inventory closes the findings ---
spec openssl 1 3.0.7 27.el9 libs
rpm --root "$R" --dbpath /var/lib/rpm -U --nodeps --justdb "$rpms/openssl-3.0.7-27.el9.noarch.rpm" \
	"$rpms/openssl-libs-3.0.7-27.el9.noarch.rpm" >/dev/null 2>&1
check "rpm upgraded openssl-libs" [ "$(rpmq "$R" -q --qf '%{EVR}' openssl-libs)" = "1:3.0.7-27.el9" ]
run bs vuln inventory --root "$R" --device 1
check "second inventory: exit 0" [ "$rc" -eq 0 ]
run bs vuln list --format json
printf '%s' "$out" > "$T/l.json"
check "after the upgrade only bash is open" js 'assert [x["package"] for x in d]==["bash"], d'
run bs vuln list --all --format json
printf '%s' "$out" > "$T/l.json"
check "the openssl findings are closed, not gone" js 'assert sorted(x["state"] for x in d if x["source"]=="openssl")==["closed"]*4, d'

rpmq "$R" -qa --qf '%{NAME} %{EVR} %{ARCH} %{SOURCERPM}\n' | sed 's/-[^-]*-[^-]*\.src\.rpm$//' | sort > "$T/theirs2"

# --- a damaged rpmdb.sqlite: refused whole, naming the file ---
cp -a "$R" "$T/bad"
python3 - "$T/bad/var/lib/rpm/rpmdb.sqlite" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
for i in range(4096, len(b), 2):   # every other byte after the first page
    b[i] ^= 0x5a
open(p, 'wb').write(bytes(b))
EOF
before=$(sqlite3 "$db" "SELECT count(*) FROM vuln_inventory" 2>/dev/null)
run bs vuln inventory --root "$T/bad" --device 1
check "damaged rpmdb: refused" [ "$rc" -ne 0 ]
check "damaged rpmdb: the message names the file and the backend" contains "$err" "$T/bad/var/lib/rpm/rpmdb.sqlite' (sqlite)"
check "damaged rpmdb: librpm's words in the one message, not printed on their own" [ "$(printf '%s\n' "$err" | grep -v "TEST DATA DIRECTORY" | grep -c .)" -eq 1 ]
check "damaged rpmdb: the message says what sqlite said" contains "$err" "malformed"
check "damaged rpmdb: the private copy's path is not shown" ! contains "$err" "brokersec-rpmdb-"
check "damaged rpmdb: nothing stored" [ "$(sqlite3 "$db" "SELECT count(*) FROM vuln_inventory" 2>/dev/null)" = "$before" ]
# a sound SQLite file with one header damaged inside: librpm's digest check, its words
rm -rf "$T/hdr" && cp -a "$R" "$T/hdr"
python3 - "$T/hdr/var/lib/rpm/rpmdb.sqlite" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
n, b = c.execute("SELECT hnum, blob FROM Packages WHERE hnum = (SELECT max(hnum) FROM Packages)").fetchone()
b = bytearray(b)
b[len(b) // 2] ^= 0x01
c.execute("UPDATE Packages SET blob = ? WHERE hnum = ?", (bytes(b), n))
c.commit()
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.close()
EOF
rm -f "$T/hdr/var/lib/rpm/rpmdb.sqlite-shm" "$T/hdr/var/lib/rpm/rpmdb.sqlite-wal"
run bs vuln inventory --root "$T/hdr" --device 1
check "a damaged header: refused" [ "$rc" -ne 0 ]
check "a damaged header: librpm's words (rpmdbNextIterator ... BAD) in the message" contains "$err" "rpmdbNextIterator"
check "a damaged header: nothing stored" [ "$(sqlite3 "$db" "SELECT count(*) FROM vuln_inventory" 2>/dev/null)" = "$before" ]
printf 'not a database at all, just text\n' > "$T/bad/var/lib/rpm/rpmdb.sqlite"
run bs vuln inventory --root "$T/bad" --device 1
check "not a database: refused with the file named" contains "$err" "rpmdb.sqlite' (sqlite)"

# --- no database, Fedora-style symlink, no os-release ---
mkdir -p "$T/empty"
run bs vuln inventory --root "$T/empty" --device 1
check "neither dpkg nor rpm: refused, saying both were looked for" contains "$err" "no dpkg status"
mkdir -p "$T/initdb/etc"
rpm --root "$T/initdb" --dbpath /var/lib/rpm --initdb 2>/dev/null
printf 'ID=almalinux\nVERSION_ID=9.3\n' > "$T/initdb/etc/os-release"
run bs vuln inventory --root "$T/initdb" --device 1
check "an empty RPM database (rpm --initdb only): refused" contains "$err" "lists no installed package"
mkdir -p "$T/fed/usr/lib/sysimage" "$T/fed/var/lib" "$T/fed/etc"
cp -a "$R/var/lib/rpm" "$T/fed/usr/lib/sysimage/rpm"
ln -s /usr/lib/sysimage/rpm "$T/fed/var/lib/rpm"
printf 'ID=fedora\nVERSION_ID=39\n' > "$T/fed/etc/os-release"
run bs vuln inventory --root "$T/fed" --device 1
check "absolute symlink /var/lib/rpm resolved inside the root (Fedora)" contains "$out" "4 packages (rpm, 39)"
check "Fedora: saved, with a warning that no OSV ecosystem covers it" contains "$err" "no OSV ecosystem covers"
rm "$T/fed/etc/os-release"
run bs vuln inventory --root "$T/fed" --device 1
check "no os-release: refused (cannot be matched)" contains "$err" "has no os-release"

# --- RHEL/Rocky 8: the Berkeley DB Packages file, read by librpm's bdb_ro ---
# db5.3_load (scripts/deps-test.txt) writes the same headers as a hash database the way rpm
# 4.14 kept them: key = the header number (host order), record 0 = the next number
if command -v db5.3_load >/dev/null 2>&1; then
	mkdir -p "$T/el8/var/lib/rpm" "$T/el8/etc"
	python3 - "$R/var/lib/rpm/rpmdb.sqlite" > "$T/el8.dump" <<'PY'
import sqlite3, struct, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT hnum, blob FROM Packages ORDER BY hnum").fetchall()
print("VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END")
print(" " + struct.pack("=I", 0).hex() + "\n " + struct.pack("=I", max(r[0] for r in rows) + 1).hex())
for n, blob in rows:
    print(" " + struct.pack("=I", n).hex() + "\n " + bytes(blob).hex())
print("DATA=END")
PY
	db5.3_load -f "$T/el8.dump" "$T/el8/var/lib/rpm/Packages"
	printf 'NAME="Rocky Linux"\nID="rocky"\nVERSION_ID="8.9"\n' > "$T/el8/etc/os-release"
	run bs vuln inventory --root "$T/el8" --device 1
	check "bdb_ro: the Packages file of RHEL/Rocky 8 read" contains "$out" "/var/lib/rpm/Packages (rpm, bdb_ro): 4 packages"
	check "bdb_ro: rocky 8.9" contains "$out" "4 packages (rpm, 8.9)"
	check "bdb_ro: librpm's warnings (no index files) not printed" [ "$(printf '%s\n' "$err" | grep -v "TEST DATA DIRECTORY" | grep -c .)" -eq 0 ]
	check "bdb_ro: the same packages as rpm -qa" [ "$(sqlite3 "$db" "SELECT name || ' ' || version || ' ' || arch || ' ' || source FROM vuln_package WHERE inventory = (SELECT max(id) FROM vuln_inventory)" | sort)" = "$(cat "$T/theirs2")" ]
	python3 - "$T/el8/var/lib/rpm/Packages" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
for i in range(4096, len(b), 3):   # the pages after the hash's metadata page
    b[i] ^= 0x5a
open(p, 'wb').write(bytes(b))
EOF
	n0=$(sqlite3 "$db" "SELECT count(*) FROM vuln_inventory")
	run bs vuln inventory --root "$T/el8" --device 1
	check "bdb_ro: a damaged Packages refused with librpm's error (not its index warnings)" contains "$err" "Packages' (bdb_ro): bdb_ro error reading Packages database"
	check "bdb_ro: nothing stored" [ "$(sqlite3 "$db" "SELECT count(*) FROM vuln_inventory")" = "$n0" ]
else
	echo "db5.3_load missing (package db5.3-util, scripts/deps-test.txt)"
	check "db5.3_load present for the bdb_ro case" false
fi

# --- zh-TW ---
run "$BROKERSEC" --data "$D" vuln inventory --root "$R" --device 1
check "zh-TW: says what it read" contains "$out" "已讀取"

run bs log verify
check "event log verifies" [ "$rc" -eq 0 ]
finish
