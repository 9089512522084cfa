#!/bin/sh
# The files the fleet collector writes (scripts/windows/brokersec-collect.ps1, issue 14 item
# 20): Defender status and signature age, controlled folder access, BitLocker, the firewall
# profiles, installed updates and the Office macro policy, read from PowerShell's
# ConvertTo-Json (numbers as Windows PowerShell 5.1 writes enums, names as PowerShell 7 may),
# UTF-8 or UTF-16; each file stands alone; a kind the export lacks is not applicable with the
# reason; and the script shipped is the one whose SHA-256 docs/windows-export.md gives.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"
W="$TOP/tests/fixtures/windows"

conv() {
	python3 -c 'import sys
t=open(sys.argv[1],encoding="utf-8").read()
b=b"\xff\xfe"+t.encode("utf-16-le") if sys.argv[3]=="utf-16" else t.encode(sys.argv[3])
open(sys.argv[2],"wb").write(b)' "$1" "$2" "$3"
}
# hotfix FILE DAYS-AGO FORM: a Get-HotFix | ConvertTo-Json list whose newest update is DAYS-AGO
# days old (FORM: iso = the collector's yyyy-MM-dd, msdate = Windows PowerShell's "/Date(ms)/")
hotfix() {
	python3 -c 'import sys,json,datetime,time
ago=int(sys.argv[2]); today=datetime.datetime.utcfromtimestamp(time.time()).date()
def d(n):
    day=today-datetime.timedelta(days=n)
    if sys.argv[3]=="iso": return day.isoformat()
    ms=int(datetime.datetime(day.year,day.month,day.day,tzinfo=datetime.timezone.utc).timestamp()*1000)
    return {"value":"/Date(%d)/"%ms,"DateTime":"whatever"}
rows=[{"HotFixID":"KB5031234","Description":"Update","InstalledOn":d(ago+40)},
      {"HotFixID":"KB5044444","Description":"Security Update","InstalledOn":d(ago)},
      {"HotFixID":"KB0000001","Description":"Update","InstalledOn":None}]
open(sys.argv[1],"w").write(json.dumps(rows,indent=4))' "$1" "$2" "$3"
}
NEW="windows.defender.enabled windows.defender.signature-age windows.defender.controlled-folder-access
	windows.bitlocker.os-volume windows.firewall.profiles windows.updates.recent windows.office.macros"

mkdir -p "$T/good"
conv "$W/secpol-good.inf" "$T/good/secpol.inf" utf-16
conv "$W/auditpol-zh.csv" "$T/good/auditpol.csv" utf-16
cp "$W/defender-good.json" "$T/good/defender.json"
conv "$W/mppref-good.json" "$T/good/mppreference.json" utf-16
cp "$W/bitlocker-good.json" "$T/good/bitlocker.json"
cp "$W/firewall-good.json" "$T/good/firewall.json"
hotfix "$T/good/hotfix.json" 10 iso
cp "$W/office-good.json" "$T/good/office-macros.json"
run "$BROKERSEC" scan --windows-export "$T/good" --format json
check "good: exit 0" [ "$rc" -eq 0 ]
for id in $NEW; do
	check "good: $id passes" [ "$(result "$id")" = pass ]
done
check "good: the update's evidence names the newest KB" contains "$(evidence windows.updates.recent)" "KB5044444 10"
check "good: BitLocker evidence names the drive" contains "$(evidence windows.bitlocker.os-volume)" "C: on"

mkdir -p "$T/weak"
cp "$W/defender-weak.json" "$T/weak/a"
cp "$W/mppref-audit.json" "$T/weak/b"
cp "$W/bitlocker-off.json" "$T/weak/c"
conv "$W/firewall-public-off.json" "$T/weak/d" utf-16
hotfix "$T/weak/e" 60 msdate
cp "$W/office-weak.json" "$T/weak/f"
run "$BROKERSEC" scan --windows-export "$T/weak" --format json
check "weak: exit 1" [ "$rc" -eq 1 ]
for id in $NEW; do
	check "weak: $id fails" [ "$(result "$id")" = fail ]
done
check "weak: real-time protection off is the evidence" contains "$(evidence windows.defender.enabled)" "false"
check "weak: signatures 21 days old" contains "$(evidence windows.defender.signature-age)" " 21"
check "weak: controlled folder access in audit mode" contains "$(evidence windows.defender.controlled-folder-access)" "2 (AuditMode)"
check "weak: PowerShell 7's enum names read (ProtectionStatus Off)" contains "$(evidence windows.bitlocker.os-volume)" "C: off"
check "weak: the Public profile is the one off" contains "$(evidence windows.firewall.profiles)" "Public off"
check "weak: Windows PowerShell's /Date(ms)/ read: 60 days" contains "$(evidence windows.updates.recent)" "KB5044444 60"
check "weak: Office macros enabled by policy (VBAWarnings 1)" contains "$(evidence windows.office.macros)" "Word 16.0 1"
check "weak: the secedit-based checks are errors (no secedit here), not the new ones" [ "$(result windows.password.min-length)" = error ]

# each file stands alone: a damaged Defender file, an intact firewall file beside it
mkdir -p "$T/dmg"
head -c 120 "$W/defender-good.json" >"$T/dmg/defender.json"
cp "$W/firewall-good.json" "$T/dmg/firewall.json"
printf '[\n  {"HotFixID": "KB1", "InstalledOn": "last Tuesday"}\n]\n' >"$T/dmg/hotfix.json"
run "$BROKERSEC" scan --windows-export "$T/dmg" --format json
check "damaged Defender JSON: its checks are errors" [ "$(result windows.defender.enabled)" = error ]
check "... naming the file and what is wrong" contains "$(reason windows.defender.enabled)" "'$T/dmg/defender.json' (Get-MpComputerStatus JSON) is not valid JSON"
check "... the firewall file beside it still passes" [ "$(result windows.firewall.profiles)" = pass ]
check "an update date that is not a date: error naming it" contains "$(reason windows.updates.recent)" "KB1 has InstalledOn 'last Tuesday'"
check "... not a pass" [ "$(result windows.updates.recent)" = error ]

# an export made by hand before the collector: the new checks are not applicable, and say why
mkdir -p "$T/old"
conv "$W/secpol-good.inf" "$T/old/secpol.inf" utf-16
conv "$W/auditpol-zh.csv" "$T/old/auditpol.csv" utf-16
run "$BROKERSEC" scan --windows-export "$T/old" --format json
check "no collector files: exit 0 (nothing failed)" [ "$rc" -eq 0 ]
for id in $NEW; do
	check "no collector files: $id not applicable" [ "$(result "$id")" = not_applicable ]
done
check "... the reason names the collector" contains "$(reason windows.bitlocker.os-volume)" "scripts/windows/brokersec-collect.ps1"
check "... and what was found" contains "$(reason windows.bitlocker.os-volume)" "'$T/old/secpol.inf' (secedit export)"
run "$BROKERSEC" scan --windows-export "$T/old" --lang zh-TW
check "zh-TW: the reason in Chinese" contains "$out" "匯出檔中沒有"

# Office not installed: the collector writes an empty list
mkdir -p "$T/nooffice"
printf '{\n    "OfficeMacroPolicy":  [\n\n                          ]\n}\n' >"$T/nooffice/office-macros.json"
run "$BROKERSEC" scan --windows-export "$T/nooffice" --format json
check "no Office: not applicable" [ "$(result windows.office.macros)" = not_applicable ]
check "... saying Office is not installed" contains "$(reason windows.office.macros)" "Office is not installed"

# the script shipped is the one documented
sum=$(sha256sum "$TOP/scripts/windows/brokersec-collect.ps1" | cut -d' ' -f1)
check "docs/windows-export.md gives the script's SHA-256 ($sum)" grep -q "$sum" "$TOP/docs/windows-export.md"
check "the script posts to POST /api/v1/scans" grep -q "/api/v1/scans?system=" "$TOP/scripts/windows/brokersec-collect.ps1"
check "the docs say how to sign it" grep -q "Set-AuthenticodeSignature" "$TOP/docs/windows-export.md"
finish
