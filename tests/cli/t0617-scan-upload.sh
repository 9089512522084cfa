#!/bin/sh
# POST /api/v1/scans (issue 14 item 20): a PC's Windows export bundle, a zip of real exports
# (tests/fixtures/windows, in the encodings Windows writes), posted with an API token whose
# scope is scans.upload: scanned with the Windows checks and saved as `scan --save` saves it
# (201, visible in GET /scans, the event scan.save by the token's owner). Refused: a token
# without the scope (403), an employee's token (never issued), a session (token only), a
# damaged zip (400 naming what is wrong), a body over 16 MiB (413), zip-slip names and zip
# bombs (400), a bundle without any export (400, nothing saved).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
W="$TOP/tests/fixtures/windows"

conv() {
	python3 -c 'import sys
t=open(sys.argv[1],encoding="utf-8").read()
b=b"\xff\xfe"+t.encode("utf-16-le") if sys.argv[3]=="utf-16" else t.encode(sys.argv[3])
open(sys.argv[2],"wb").write(b)' "$1" "$2" "$3"
}
# upload TOKEN ZIP QUERY [CONTENT-TYPE]: POST /scans?QUERY with the zip; $status, $body
upload() {
	status=$(curl -s -o "$T/.up" -w '%{http_code}' --cacert "$D/tls/cert.pem" -X POST \
		-H "Authorization: Bearer $1" -H "Content-Type: ${4:-application/zip}" --data-binary "@$2" "$URL/scans?$3")
	body=$(cat "$T/.up")
}
HTTPS_CLIENT=curl

start_server
activate S so1 security_officer
activate I ivan it_staff
activate E emp1 employee

run "$BROKERSEC" user token --data "$D" ivan --scope scans.upload --days 7 --lang en
check "IT gets a scans.upload token" [ "$rc" -eq 0 ]
tok=$(printf '%s\n' "$out" | tail -n 1)
run "$BROKERSEC" user token --data "$D" ivan --scope status.read --days 7 --lang en
stok=$(printf '%s\n' "$out" | tail -n 1)
run "$BROKERSEC" user token --data "$D" emp1 --scope scans.upload --days 7 --lang en
check "an employee cannot get a scans.upload token" [ "$rc" -ne 0 ]
check "... and is told why" contains "$out$err" "scans.upload"
run "$BROKERSEC" user roles
check "user roles lists scans.upload" contains "$out" "scans.upload"

# the bundle: the collector's files, flat, in the encodings Windows writes
mkdir -p "$T/ex"
conv "$W/secpol-good.inf" "$T/ex/secpol.inf" utf-16
conv "$W/auditpol-zh.csv" "$T/ex/auditpol.csv" utf-16
conv "$W/netaccounts-zh.txt" "$T/ex/net-accounts.txt" big5
cp "$W/defender-weak.json" "$T/ex/defender.json"
cp "$W/firewall-good.json" "$T/ex/firewall.json"
printf 'ok: secedit /export\n' >"$T/ex/collect-log.txt"
(cd "$T/ex" && python3 -m zipfile -c "$T/bundle.zip" secpol.inf auditpol.csv net-accounts.txt defender.json \
	firewall.json collect-log.txt)
check "fixture: a zip" python3 -m zipfile -t "$T/bundle.zip"

upload "$tok" "$T/bundle.zip" 'system=SYS-1&device=PC-07'
check "upload: 201" [ "$status" = 201 ]
id=$(jpy 'b["id"]')
check "upload: the saved scan's id" [ "$id" -ge 1 ]
check "upload: the host is the machine name from the auditpol export" [ "$(jget host)" = DESK-01 ]
check "upload: Windows checks ran" [ "$(jpy 'b["platform"]')" = windows ]
check "upload: a password check passes" [ "$(jpy '[r["status"] for r in b["results"] if r["id"]=="windows.password.min-length"][0]')" = pass ]
check "upload: the old Defender signatures fail" [ "$(jpy '[r["status"] for r in b["results"] if r["id"]=="windows.defender.signature-age"][0]')" = fail ]
check "upload: the evidence names the bundle's file" [ "$(jpy '[r["evidence"][0]["file"] for r in b["results"] if r["id"]=="windows.defender.signature-age"][0]')" = bundle/defender.json ]
check "upload: BitLocker not in the bundle: not applicable" [ "$(jpy '[r["status"] for r in b["results"] if r["id"]=="windows.bitlocker.os-volume"][0]')" = not_applicable ]
check "upload: system and device" [ "$(jpy '(b["system"], b["device"])')" = "('SYS-1', 'PC-07')" ]
check "upload: the files read" [ "$(jpy 'len(b["files"])')" = 6 ]

req S GET /scans
check "GET /scans: the uploaded scan is there" [ "$(jpy '[(r["id"], r["host"], r["system"], r["device"], r["platform"]) for r in b["records"]][0]')" = "($id, 'DESK-01', 'SYS-1', 'PC-07', 'windows')" ]
check "... saved by the token's owner" [ "$(jpy 'b["records"][0]["created_by"]')" = ivan ]
req S GET "/scans/$id"
check "GET /scans/ID: its results" [ "$(jpy 'len(b["results"]) > 10')" = True ]
run "$BROKERSEC" log search --data "$D" --type scan.save --format json
check "the upload is an event: scan.save" contains "$out" "saved scan $id of host DESK-01 for system SYS-1"
check "... by the token's owner" contains "$out" '"ivan"'

# exports in a folder of the zip (the collector writes them flat; a hand-made zip may not)
mkdir -p "$T/nest/brokersec-export"
cp "$T/ex/secpol.inf" "$T/ex/auditpol.csv" "$T/nest/brokersec-export/"
(cd "$T/nest" && python3 -m zipfile -c "$T/nest.zip" brokersec-export)
upload "$tok" "$T/nest.zip" 'system=SYS-1'
check "a folder inside the zip: 201" [ "$status" = 201 ]
check "... the export's path in the evidence" contains "$body" "bundle/brokersec-export/secpol.inf"

# a fleet uploads at once: every bundle saved, each its own scan
pids=""
for i in 1 2 3 4 5 6; do
	(upload "$tok" "$T/bundle.zip" "system=SYS-1&device=PC-1$i&host=PC-1$i"; echo "$status" >"$T/par.$i") &
	pids="$pids $!"
done
wait $pids
check "six uploads at once: all 201" [ "$(cat "$T"/par.* | sort -u)" = 201 ]
req S GET '/scans?host=PC-13'
check "... each saved under its own host" [ "$(jpy '(b["total"], b["records"][0]["device"])')" = "(1, 'PC-13')" ]

# refusals
upload "$stok" "$T/bundle.zip" 'system=SYS-1'
check "a token without scans.upload: 403" [ "$status" = 403 ]
check "... saying which permission" contains "$body" "scans.upload"
req S POST '/scans?system=SYS-1' -H 'Content-Type: application/zip' --data-binary "@$T/bundle.zip"
check "a signed-in session (no token): refused" [ "$status" = 401 -o "$status" = 403 ]
upload "$tok" "$T/bundle.zip" ''
check "no ?system: 400" [ "$status" = 400 ]
check "... saying what to give" contains "$body" "?system=ID"
upload "$tok" "$T/bundle.zip" 'system=SYS-1' application/octet-stream
check "not application/zip: 415" [ "$status" = 415 ]

head -c 700 "$T/bundle.zip" >"$T/cut.zip"
upload "$tok" "$T/cut.zip" 'system=SYS-1'
check "a truncated zip: 400" [ "$status" = 400 ]
check "... saying it is not a readable zip" contains "$body" "not a readable zip"
python3 -c 'import sys
b=bytearray(open(sys.argv[1],"rb").read()); b[100]^=0xff; b[101]^=0xff; open(sys.argv[2],"wb").write(b)' "$T/bundle.zip" "$T/flip.zip"
upload "$tok" "$T/flip.zip" 'system=SYS-1'
check "a zip with damaged data: 400" [ "$status" = 400 ]
check "... naming the entry" contains "$body" "secpol.inf"

python3 -c 'import sys,zipfile
z=zipfile.ZipFile(sys.argv[1],"w"); z.write(sys.argv[2],"secpol.inf"); z.writestr("../../etc/cron.d/evil","x"); z.close()' \
	"$T/slip.zip" "$T/ex/secpol.inf"
upload "$tok" "$T/slip.zip" 'system=SYS-1'
check "zip-slip (../): 400" [ "$status" = 400 ]
check "... naming the entry and why" contains "$body" "'../../etc/cron.d/evil' has '..' (zip-slip"
python3 -c 'import sys,zipfile
z=zipfile.ZipFile(sys.argv[1],"w"); z.writestr("/etc/passwd","x"); z.close()' "$T/abs.zip"
upload "$tok" "$T/abs.zip" 'system=SYS-1'
check "an absolute name: 400" [ "$status" = 400 ]
check "... saying so" contains "$body" "an absolute path"
python3 -c 'import sys,zipfile
z=zipfile.ZipFile(sys.argv[1],"w"); z.writestr("..\\\\evil.inf","x"); z.close()' "$T/bs.zip"
upload "$tok" "$T/bs.zip" 'system=SYS-1'
check "a backslash name: 400" [ "$status" = 400 ]

python3 -c 'import sys,zipfile
z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED); z.writestr("secpol.inf", b"\0"*(64<<20)); z.close()' "$T/bomb.zip"
check "fixture: the bomb is small" [ "$(wc -c <"$T/bomb.zip")" -lt 200000 ]
upload "$tok" "$T/bomb.zip" 'system=SYS-1'
check "a zip bomb (64 MiB of zeros in one entry): 400" [ "$status" = 400 ]
check "... saying so" contains "$body" "inflates to more than"
python3 -c 'import sys,zipfile
z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED)
for i in range(12): z.writestr("f%d.txt" % i, b"\0"*(3<<20))
z.close()' "$T/bomb2.zip"
upload "$tok" "$T/bomb2.zip" 'system=SYS-1'
check "many entries, 36 MiB in all: 400" [ "$status" = 400 ]
check "... the total cap" contains "$body" "in all"
python3 -c 'import sys,zipfile
z=zipfile.ZipFile(sys.argv[1],"w")
for i in range(70): z.writestr("f%d.txt" % i, b"x")
z.close()' "$T/many.zip"
upload "$tok" "$T/many.zip" 'system=SYS-1'
check "70 entries: 400" [ "$status" = 400 ]

head -c $((16 * 1024 * 1024 + 1)) /dev/zero >"$T/big.zip"
upload "$tok" "$T/big.zip" 'system=SYS-1'
check "a body over 16 MiB: 413" [ "$status" = 413 ]

(cd "$T/ex" && python3 -m zipfile -c "$T/junk.zip" collect-log.txt)
upload "$tok" "$T/junk.zip" 'system=SYS-1'
check "a bundle without any export: 400" [ "$status" = 400 ]
check "... saying nothing was saved and what was found" contains "$body" "not saved"
check "... naming the file it found" contains "$body" "bundle/collect-log.txt"
req S GET /scans
check "only the good uploads were saved (2 + 6)" [ "$(jget total)" = 8 ]

req - GET /openapi.yaml
check "the API description documents POST /scans" contains "$body" "scans.upload"
finish
