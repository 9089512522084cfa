#!/bin/sh
# A business-continuity drill (Annex 1 參四 業務持續運作演練) has no phishing counts: e-mails
# sent, opened, clicked and reported belong to a social-engineering drill (Annex 2 陸); a BCP
# drill carrying them is refused with a clear error (issue 12 item 16).
. "$TOP/tests/cli/lib.sh"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "測試" --internal-control no >/dev/null 2>&1
"$BROKERSEC" system add --name 網路投保 --category 1 --core yes >/dev/null
n0=$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM reg_record")

run "$BROKERSEC" drill add --kind bcp --date 2026-02-01 --systems 1 --emails-sent 50
check "bcp with --emails-sent: refused" [ "$rc" -eq 1 ]
check "the message names the flag and the right kind" contains "$err" \
	"drill: --emails-sent 屬於社交工程演練，不屬於 bcp：請將釣魚郵件的數字登錄為 --kind social-engineering 的演練"
for f in opened clicked reported; do
	run "$BROKERSEC" drill add --kind bcp --date 2026-02-01 --systems 1 --$f 3
	check "bcp with --$f: refused" contains "$err" "drill: --$f 屬於社交工程演練，不屬於 bcp"
done
check "nothing stored by the refusals" [ "$(sqlite3 "$D/brokersec.db" "SELECT count(*) FROM reg_record")" = "$n0" ]
run "$BROKERSEC" drill add --kind bcp --date 2026-02-01 --systems 1 --outcome 切換成功
check "a bcp drill without phishing counts: accepted" [ "$rc" -eq 0 ]
run "$BROKERSEC" drill update 1 --emails-sent 10
check "update adding phishing counts to it: refused" contains "$err" "--emails-sent 屬於社交工程演練"
run "$BROKERSEC" drill add --kind social-engineering --date 2026-02-02 --emails-sent 40 --clicked 3
check "a social-engineering drill keeps its counts" [ "$rc" -eq 0 ]
finish
