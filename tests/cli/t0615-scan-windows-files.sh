#!/bin/sh
# Windows exports, issue 14 items 17-19: each file stands alone (a truncated UTF-16 secedit
# export makes only the password checks an error, naming it; the auditpol CSV beside it is
# still read), a lockout duration without a threshold is no lockout, and exports in a
# subfolder are found, the messages naming where they were looked for and what was there.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"
W="$TOP/tests/fixtures/windows"

# conv SRC DST ENCODING: SRC (UTF-8) written as Windows writes it (utf-16 = UTF-16LE with BOM)
conv() {
	python3 -c 'import sys
t=open(sys.argv[1],encoding="utf-8").read()
b=b"\xff\xfe"+t.encode("utf-16-le") if sys.argv[3]=="utf-16" else t.encode(sys.argv[3])
open(sys.argv[2],"wb").write(b)' "$1" "$2" "$3"
}
AUDIT="windows.audit.logon windows.audit.credential-validation windows.audit.account-lockout
	windows.audit.user-account-management windows.audit.security-group-management windows.audit.audit-policy-change"
PASSWD="windows.password.min-length windows.password.complexity windows.password.history windows.password.max-age
	windows.lockout.threshold windows.lockout.duration"

# ---- 17: a truncated secedit export beside an intact auditpol CSV
mkdir -p "$T/t1"
conv "$W/secpol-good.inf" "$T/t1/secpol.full" utf-16
head -c 301 "$T/t1/secpol.full" >"$T/t1/secpol.inf" && rm "$T/t1/secpol.full"
conv "$W/auditpol-zh.csv" "$T/t1/auditpol.csv" utf-16
run "$BROKERSEC" scan --windows-export "$T/t1" --format json
for id in $AUDIT; do
	check "truncated secedit: $id still passes from the intact auditpol CSV" [ "$(result "$id")" = pass ]
done
for id in $PASSWD; do
	check "truncated secedit: $id is an error" [ "$(result "$id")" = error ]
done
check "truncated secedit: the reason names the file" contains "$(reason windows.password.min-length)" "$T/t1/secpol.inf"
check "truncated secedit: the reason says what is wrong" contains "$(reason windows.password.min-length)" "(secedit export) is not valid UTF-16"
check "the machine name still comes from the auditpol CSV" contains "$out" '"host": "DESK-01"'
# a relative directory is read as given, not under / (it read nothing before)
(cd "$T" && "$BROKERSEC" scan --windows-export t1 --format json >"$T/rel.json" 2>/dev/null)
check "relative --windows-export: the same machine name" grep -q '"host": "DESK-01"' "$T/rel.json"

# the other way round: a truncated auditpol CSV beside an intact secedit export
mkdir -p "$T/t2"
conv "$W/secpol-good.inf" "$T/t2/a" utf-16
conv "$W/auditpol-zh.csv" "$T/t2/b.full" utf-16
head -c 1001 "$T/t2/b.full" >"$T/t2/b" && rm "$T/t2/b.full"
run "$BROKERSEC" scan --windows-export "$T/t2" --format json
check "truncated auditpol: min-length still passes" [ "$(result windows.password.min-length)" = pass ]
check "truncated auditpol: lockout threshold still passes" [ "$(result windows.lockout.threshold)" = pass ]
check "truncated auditpol: logon audit is an error" [ "$(result windows.audit.logon)" = error ]
check "truncated auditpol: the reason names the file and the damage" contains "$(reason windows.audit.logon)" "'$T/t2/b' (auditpol CSV) is not valid UTF-16"

# a damaged file too short to say what it is: the checks that find nothing name it
mkdir -p "$T/t3"
printf '\377\376[\000S\000y' >"$T/t3/x"
conv "$W/auditpol-zh.csv" "$T/t3/y" utf-8
run "$BROKERSEC" scan --windows-export "$T/t3" --format json
check "unrecognisable damaged file: audit checks pass" [ "$(result windows.audit.logon)" = pass ]
check "unrecognisable damaged file: password checks are errors" [ "$(result windows.password.min-length)" = error ]
check "... naming the damaged file and why" contains "$(reason windows.password.min-length)" "'$T/t3/x' (unreadable: is not valid UTF-16"

# ---- 18: "Lockout threshold: Never" with a duration of 30 minutes
mkdir -p "$T/never"
conv "$W/netaccounts-never.txt" "$T/never/net.txt" utf-16
conv "$W/auditpol-zh.csv" "$T/never/audit.csv" utf-8
run "$BROKERSEC" scan --windows-export "$T/never" --format json
check "net accounts Never: the threshold check fails" [ "$(result windows.lockout.threshold)" = fail ]
check "net accounts Never + 30 min: the duration check fails too" [ "$(result windows.lockout.duration)" = fail ]
check "the duration's evidence shows the missing threshold" contains "$(evidence windows.lockout.duration)" "0"
check "... required: a threshold of at least 1" contains "$out" '"required": "winpol.lockout_threshold >= 1"'
check "the other settings of the same file pass (length 12)" [ "$(result windows.password.min-length)" = pass ]

mkdir -p "$T/zero"
sed -e 's/^LockoutBadCount = .*/LockoutBadCount = 0/' -e 's/^LockoutDuration = .*/LockoutDuration = 30/' \
	"$W/secpol-good.inf" >"$T/zero.inf"
check "fixture: LockoutBadCount = 0" grep -q '^LockoutBadCount = 0' "$T/zero.inf"
conv "$T/zero.inf" "$T/zero/secpol.inf" utf-16
run "$BROKERSEC" scan --windows-export "$T/zero" --format json
check "secedit LockoutBadCount = 0, LockoutDuration = 30: duration fails" [ "$(result windows.lockout.duration)" = fail ]
mkdir -p "$T/both"
sed -e 's/^LockoutBadCount = .*/LockoutBadCount = 5/' -e 's/^LockoutDuration = .*/LockoutDuration = 30/' \
	"$W/secpol-good.inf" >"$T/both.inf"
conv "$T/both.inf" "$T/both/secpol.inf" utf-16
run "$BROKERSEC" scan --windows-export "$T/both" --format json
check "threshold 5 and 30 minutes: duration passes" [ "$(result windows.lockout.duration)" = pass ]

# ---- 19: exports in a subfolder, and where they were looked for
mkdir -p "$T/sub/brokersec-export/PC-07"
conv "$W/secpol-good.inf" "$T/sub/brokersec-export/PC-07/secpol.inf" utf-16
conv "$W/auditpol-zh.csv" "$T/sub/brokersec-export/auditpol.csv" utf-16
echo "notes" >"$T/sub/readme.txt"
run "$BROKERSEC" scan --windows-export "$T/sub" --format json
check "subfolder: exit 0" [ "$rc" -eq 0 ]
check "subfolder: the secedit export two levels down is read" [ "$(result windows.password.min-length)" = pass ]
check "subfolder: the auditpol CSV one level down is read" [ "$(result windows.audit.logon)" = pass ]
check "subfolder: the evidence names where it was found" contains "$(evidence windows.password.min-length)" "$T/sub/brokersec-export/PC-07/secpol.inf:"

mkdir -p "$T/deep/a/b/c/d"
conv "$W/auditpol-zh.csv" "$T/deep/a/b/c/d/auditpol.csv" utf-16
printf 'hello\n' >"$T/deep/a/hello.txt"
run "$BROKERSEC" scan --windows-export "$T/deep" --format json
check "too deep: audit checks are errors" [ "$(result windows.audit.logon)" = error ]
check "the reason names the path searched and how deep" contains "$(reason windows.audit.logon)" "searched '$T/deep' and its subfolders (3 levels)"
check "the reason lists the files found, and what they are" contains "$(reason windows.audit.logon)" "'$T/deep/a/hello.txt' (not an export)"
check "the password checks say the same" contains "$(reason windows.password.min-length)" "'$T/deep/a/hello.txt' (not an export)"

mkdir -p "$T/empty"
run "$BROKERSEC" scan --windows-export "$T/empty" --format json
check "empty: the reason says the folder holds no file" contains "$(reason windows.audit.logon)" "searched '$T/empty' and its subfolders (3 levels): it holds no file"
finish
