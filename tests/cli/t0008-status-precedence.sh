#!/bin/sh
# Status semantics (issue 12 item 10), the issue's own case: a 14-byte file made SR.16 符合
# while the saved scan had failed antivirus and firewall, and a 2026 scan still counted in
# --as-of 2030. Now: only accepted evidence counts; a failing automatic check beats a document
# (not met, both reasons); an article rolls up from the annex controls that implement it;
# evidence and scans have a validity period (到期 after it); one proof serves linked duties.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
. "$TOP/tests/cli/t06-scan.inc"
start_server
activate ivan ivan it_staff
today=$(date -u +%Y-%m-%d)
later=$(python3 -c 'import datetime; d=datetime.date.today(); print(d.replace(year=d.year+2, day=min(d.day,28)).isoformat())')
# st ID [AS_OF]: "state | reason zh | reason en" of control ID
st() {
	"$BROKERSEC" status --format json --id "$1" --as-of "${2:-$today}" --data "$D" 2>/dev/null | python3 -c '
import json, sys
for g in json.load(sys.stdin)["groups"]:
    for c in g["controls"]:
        if c["id"] == sys.argv[1]: print(c["state"], "|", c["reason"]["zh-TW"], "|", c["reason"]["en"])' "$1"
}
state() { st "$@" | cut -d' ' -f1; }

# the 14-byte file, submitted by IT over the API
printf 'antivirus: on\n' > "$T/av.txt"
check "the file of the issue is 14 bytes" [ "$(wc -c < "$T/av.txt")" -eq 14 ]
jreq ivan POST /evidence "{\"control_id\":\"SR.16\",\"name\":\"av.txt\",\"content_base64\":\"$(base64 -w0 "$T/av.txt")\"}"
check "submitted (201)" [ "$status" = 201 ]
check "submitted evidence does not make SR.16 met" [ "$(state SR.16)" = unknown ]
check "it says it awaits review" contains "$(st SR.16)" "佐證待審核：「av.txt」（#1）"

# the data directory's owner (no account) reviews it on the command line: not the submitter
run "$BROKERSEC" evidence review 1 --accept --comment "防毒政策文件" --data "$D"
check "the CLI reviewer accepts someone else's submission" [ "$rc" -eq 0 ]
check "accepted evidence, and nothing else known: met" [ "$(state SR.16)" = met ]
check "the reason names the proof and its reviewer" contains "$(st SR.16)" "accepted by $(id -un)"

# the saved scan of a host without anti-malware: not met, with both reasons
scan_fixture exposed
"$BROKERSEC" scan --root "$T/exposed" --save --system SYS-1 --data "$D" >/dev/null 2>&1
check "the scan was saved" [ "$(sqlite3 "$D/brokersec.db" 'SELECT count(*) FROM scan')" = 1 ]
check "A2.4.1.3.2 (malware check) not met by the scan" [ "$(state A2.4.1.3.2)" = not_met ]
check "a failing check beats the document: SR.16 not met" [ "$(state SR.16)" = not_met ]
r=$(st SR.16)
check "reason 1: the annex control and its failed check" contains "$r" "實施本條之 A2.4.1.3.2 不符合：主機 hardened（系統 SYS-1）"
check "reason 1 names the check" contains "$r" "check linux.malware"
check "reason 2: the document" contains "$r" "佐證「av.txt」（#1）"
check "the failure comes first" [ "$(printf '%s' "$r" | python3 -c 'import sys; s=sys.stdin.read(); print(s.index("A2.4.1.3.2") < s.index("av.txt"))')" = True ]
run "$BROKERSEC" status --lang en --id SR.16 --data "$D" --format json
check "English reasons too" contains "$out" "A2.4.1.3.2, which implements this article, is not met"

# two years on, the scan and the document are no longer current: 到期, scan again
check "the scan's result lapses: A2.4.1.3.2 due in $later" [ "$(state A2.4.1.3.2 "$later")" = due ]
check "it says to scan again" contains "$(st A2.4.1.3.2 "$later")" "scan it again with scan --save"
check "SR.16 due in $later (neither the scan nor the file counts)" [ "$(state SR.16 "$later")" = due ]
check "the lapsed evidence is named" contains "$(st SR.16 "$later")" "有效期 P1Y"
check "before the scan was saved it did not count" [ "$(state A2.4.1.3.2 2020-01-01)" = unknown ]

# linked duties: Annex 2 肆、一、(八)1 and 伍、五、(一)1 are the same duty; one proof serves both
jreq ivan POST /evidence "{\"control_id\":\"A2.5.5.1.1\",\"name\":\"rpo.txt\",\"content_base64\":\"$(printf 'RPO 4h' | base64 -w0)\"}"
run "$BROKERSEC" evidence review 2 --accept --comment "RPO 4 小時，經核定" --data "$D"
check "A2.5.5.1.1 met by its own proof" [ "$(state A2.5.5.1.1)" = met ]
check "A2.4.1.8.1 met by the same proof" [ "$(state A2.4.1.8.1)" = met ]
check "it says where the proof is filed" contains "$(st A2.4.1.8.1)" "附於同一義務 A2.5.5.1.1"
check "the neighbouring duty is not" [ "$(state A2.4.1.8.2)" = unknown ]
run "$BROKERSEC" controls --id A2.4.1.8.1 --format markdown
check "the matrix shows the link" contains "$out" '= `A2.5.5.1.1`'

check_clean_stop
finish
