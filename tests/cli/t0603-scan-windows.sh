#!/bin/sh
# Windows exports: recognised by content whatever the name and encoding (UTF-16LE with BOM,
# UTF-8, Big5), audit subcategories matched by GUID on a zh-TW export.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"
W="$TOP/tests/fixtures/windows"

# conv SRC DST ENCODING: writes SRC (UTF-8) as Windows would (utf-16 = UTF-16LE with BOM)
conv() {
	python3 -c 'import sys
t=open(sys.argv[1],encoding="utf-8").read()
b=b"\xff\xfe"+t.encode("utf-16-le") if sys.argv[3]=="utf-16" else t.encode(sys.argv[3])
open(sys.argv[2],"wb").write(b)' "$1" "$2" "$3"
}

mkdir -p "$T/good" "$T/weak" "$T/net" "$T/bad" "$T/trunc" "$T/empty"
conv "$W/secpol-good.inf" "$T/good/export1" utf-16
conv "$W/auditpol-zh.csv" "$T/good/export2.txt" utf-16
head -c 3 "$T/good/export1" | od -An -tx1 | grep -q "ff fe" && bom=yes || bom=no
check "fixture: UTF-16LE with BOM" [ "$bom" = yes ]

run "$BROKERSEC" scan --windows-export "$T/good" --format json
check "good: exit 0" [ "$rc" -eq 0 ]
for id in windows.password.min-length windows.password.complexity windows.password.history \
	windows.password.max-age windows.password.min-age windows.lockout.threshold windows.lockout.duration \
	windows.password.no-reversible windows.audit.logon windows.audit.credential-validation \
	windows.audit.account-lockout windows.audit.user-account-management windows.audit.security-group-management \
	windows.audit.audit-policy-change; do
	check "good: $id passes" [ "$(result $id)" = pass ]
done
check "good: host is the machine name from the auditpol export" contains "$out" '"host": "DESK-01"'
check "good: only Windows checks run" [ -z "$(printf '%s' "$out" | grep '"id": "linux')" ]

conv "$W/secpol-weak.inf" "$T/weak/a" utf-16
conv "$W/auditpol-weak.csv" "$T/weak/b" utf-8
run "$BROKERSEC" scan --windows-export "$T/weak" --format json
check "weak: exit 1" [ "$rc" -eq 1 ]
for id in windows.password.min-length windows.password.complexity windows.password.history \
	windows.password.max-age windows.lockout.threshold windows.lockout.duration windows.password.no-reversible \
	windows.audit.logon windows.audit.credential-validation windows.audit.account-lockout; do
	check "weak: $id fails" [ "$(result $id)" = fail ]
done
check "weak: evidence names the INF line" contains "$out" '"line": 6'

# net accounts on a zh-TW console (Big5) plus an English auditpol CSV in UTF-8
conv "$W/netaccounts-zh.txt" "$T/net/net.txt" big5
conv "$W/auditpol-zh.csv" "$T/net/audit.csv" utf-8
run "$BROKERSEC" scan --windows-export "$T/net" --format json
check "big5 net accounts: lockout threshold 3 passes" [ "$(result windows.lockout.threshold)" = pass ]
check "big5 net accounts: length 10 passes" [ "$(result windows.password.min-length)" = pass ]
check "big5 net accounts: max age 60 passes" [ "$(result windows.password.max-age)" = pass ]
check "net accounts cannot show complexity: fail, not a silent pass" [ "$(result windows.password.complexity)" = fail ]

conv "$W/secpol-bad.inf" "$T/bad/x" utf-16
run "$BROKERSEC" scan --windows-export "$T/bad" --format json
check "bad value: min-length is an error" [ "$(result windows.password.min-length)" = error ]
check "bad value: the reason quotes it" contains "$(reason windows.password.min-length)" "twelve"
check "no auditpol export: audit checks are errors" [ "$(result windows.audit.logon)" = error ]
check "no auditpol export: the reason says what to run" contains "$(reason windows.audit.logon)" "auditpol /get"

conv "$W/secpol-good.inf" "$T/trunc/x" utf-16
head -c 101 "$T/trunc/x" > "$T/trunc/y" && rm "$T/trunc/x"
run "$BROKERSEC" scan --windows-export "$T/trunc" --format json
check "truncated UTF-16: error, no crash" [ "$(result windows.password.min-length)" = error ]
check "truncated UTF-16: reason" contains "$(reason windows.password.min-length)" "not valid UTF-16"

run "$BROKERSEC" scan --windows-export "$T/empty" --format json
check "empty export dir: exit 1" [ "$rc" -eq 1 ]
check "empty export dir: error naming the commands" contains "$(reason windows.lockout.threshold)" "docs/windows-export.md"
run "$BROKERSEC" scan --windows-export "$T/none"
check "missing export dir: exit 2" [ "$rc" -eq 2 ]
finish
