#!/bin/sh
# The assessment report prints the event log's latest witnessed head (issue 20): "no witness
# configured" when serve never delivered one; after `serve --witness https://...` the witness
# URL (without credentials), the head's size, its root (short), its time and the delivery
# time, in zh-TW and in English. Read back from the PDF with pdftotext.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
A="$T/a"
APID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; [ -n "$APID" ] && kill "$APID" 2>/dev/null;
	[ -n "$CLPID" ] && { exec 8>&- 9<&-; kill "$CLPID" 2>/dev/null; }; wait 2>/dev/null; rm -rf "$T"' EXIT
bs() { "$BROKERSEC" --data "$A" "$@"; }
pdf() { # pdf LANG FILE: the report as flat text (Pango breaks lines inside table cells)
	bs report assessment "$ASM" --format pdf -o "$2" --lang "$1" >/dev/null 2>"$T/report.err" || cat "$T/report.err"
	pdftotext "$2" - | tr -d ' \n'
}

"$BROKERSEC" init --data "$A" --org "見證測試保經" --internal-control no >/dev/null
sys=$(bs system add --name "核心系統" --category 1 --core yes --owner "資訊部")
ASM=$(bs assessment plan --title "2026 評估" --from 2026-03-01 --to 2026-04-30 --approver board \
	--approved-by "董事會" --approved-on 2026-02-15 | awk '{ print $NF }')
bs assessment scope "$ASM" --system "$sys" >/dev/null
check "an assessment to report on" test -n "$ASM"

txt=$(pdf zh-TW "$T/none.pdf")
check "no witness: the section is there (zh-TW)" contains "$txt" "事件日誌之見證"
check "... saying none is configured" contains "$txt" "未設定見證者"
txt=$(pdf en "$T/none-en.pdf")
check "no witness: said in English" contains "$txt" "Nowitnessconfigured"

# B, a brokersec witness; A delivers its head to it
start_server
run "$BROKERSEC" user token --data "$D" root1 --scope witness.write --days 1 --lang en
printf '%s\n' "$out" | tail -n 1 >"$T/w.tok"
PIN="sha256//$(openssl x509 -in "$D/tls/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der |
	openssl dgst -sha256 -binary | base64)"
WURL="https://127.0.0.1:$PORT/api/v1/witness"
"$BROKERSEC" serve --data "$A" --listen 127.0.0.1:0 --no-access-log --witness "$WURL" --witness-pin "$PIN" --witness-token-file "$T/w.tok" \
	>"$T/a.out" 2>"$T/a.err" 8>&- 9<&- &
APID=$!
i=0
while ! grep -q '^listening on' "$T/a.out" 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
sleep 1
kill "$APID"; wait "$APID"; arc=$?; APID=""
check "A stopped cleanly" test "$arc" = 0
check "A delivered without complaint" ! grep -q witness "$T/a.err"
row=$(sqlite3 "$A/brokersec.db" "SELECT size, substr(root, 1, 16), delivered_at FROM witness_delivery
	ORDER BY delivered_us DESC, size DESC LIMIT 1")
size=${row%%|*}
root=$(echo "$row" | cut -d'|' -f2)
check "the delivery is recorded" test -n "$root"
day=$(echo "$row" | cut -d'|' -f3 | cut -c1-10)

txt=$(pdf zh-TW "$T/w.pdf")
check "the witness's URL" contains "$txt" "$WURL"
check "the head's size" contains "$txt" "事件數（鏈頭大小）$size"
check "its root, short" contains "$txt" "$root…"
check "the delivery time and the answer" contains "$txt" "送達時間$day"
check "... HTTP 201" contains "$txt" "HTTP201"
check "'none configured' is gone" ! contains "$txt" "未設定見證者"
txt=$(pdf en "$T/w-en.pdf")
check "in English: the witnessed head" contains "$txt" "Theeventlog'switnessedhead"
check "... its size" contains "$txt" "Events(headsize)$size"
check "... delivered" contains "$txt" "Delivered$day"
check_clean_stop
finish
