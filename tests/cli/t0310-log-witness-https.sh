#!/bin/sh
# Heads witnessed by another brokersec over HTTPS (issue 20): A's `serve --witness
# https://B/api/v1/witness` POSTs its signed head with a witness.write token and B's
# certificate pinned; B stores every distinct head. The cut nothing on A can tell is TAMPERED
# against `log verify --witness https://B/api/v1/witness?log=ID`; the heads downloaded as text
# verify as a FILE. Refused: a wrong pin (no head sent, said on stderr, A keeps serving), a
# token without the scope (403), a bad signature (400), another key for a known log (409 and
# an event), a malformed head (400).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
A="$T/a"
KEY="$T/vkey"
APID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; [ -n "$APID" ] && kill "$APID" 2>/dev/null;
	[ -n "$CLPID" ] && { exec 8>&- 9<&-; kill "$CLPID" 2>/dev/null; }; wait 2>/dev/null; rm -rf "$T"' EXIT
sqa() { sqlite3 "$A/events.db" "$1"; }
append() { i=0; while [ $i -lt "$1" ]; do "$BROKERSEC" log append --data "$A" --type test.w --message "event $i" >/dev/null; i=$((i + 1)); done; }
# wreq TOKEN METHOD PATH [JSON]: $status, $body (curl, B's certificate as the CA)
wreq() {
	if [ $# -ge 4 ]; then
		status=$(curl -sS -o "$T/.wbody" -w '%{http_code}' --cacert "$D/tls/cert.pem" -X "$2" \
			-H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data-binary "$4" "$URL$3")
	else
		status=$(curl -sS -o "$T/.wbody" -w '%{http_code}' --cacert "$D/tls/cert.pem" -X "$2" \
			-H "Authorization: Bearer $1" "$URL$3")
	fi
	body=$(cat "$T/.wbody")
}
# aserve [options]: A's serve, waits for it to listen
aserve() {
	"$BROKERSEC" --lang en serve --data "$A" --listen 127.0.0.1:0 --no-access-log "$@" >"$T/a.out" 2>"$T/a.err" 8>&- 9<&- &
	APID=$!
	wait_for "$T/a.out" '^listening on' || true
}
astop() { kill "$APID"; wait "$APID"; arc=$?; APID=""; }
wait_for() { j=0; while ! grep -q "$2" "$1" 2>/dev/null; do j=$((j + 1)); [ $j -gt 300 ] && return 1; sleep 0.1; done; }

# B: the witness
start_server
tokfile() { printf '%s\n' "$2" >"$T/$1.tok"; chmod 600 "$T/$1.tok"; }
run "$BROKERSEC" user token --data "$D" root1 --scope witness.write --days 1 --lang en
check "a witness.write token is issued to an admin" test "$rc" = 0
tokfile w "$(printf '%s\n' "$out" | tail -n 1)"
run "$BROKERSEC" user token --data "$D" root1 --scope events.read --days 1 --lang en
tokfile r "$(printf '%s\n' "$out" | tail -n 1)"
add_user ivan it_staff
run "$BROKERSEC" user token --data "$D" ivan --scope witness.write --days 1 --lang en
check "... never to IT staff (admin and security officer only)" test "$rc" = 1
PIN="sha256//$(openssl x509 -in "$D/tls/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der |
	openssl dgst -sha256 -binary | base64)"

# A: the log witnessed
"$BROKERSEC" init --data "$A" --org A --internal-control no --verification-key-file "$KEY" >/dev/null
LOGID=$("$BROKERSEC" log head --data "$A" | sed 's/.*log=\([0-9a-f]*\) .*/\1/')
run "$BROKERSEC" --lang en serve --data "$A" --listen 127.0.0.1:0 --witness "http://127.0.0.1:$PORT/api/v1/witness"
check "--witness http:// refused (TLS required)" test "$rc" = 1
check "... saying what to give" contains "$err" "https://HOST[:PORT]/PATH"
run "$BROKERSEC" --lang en serve --data "$A" --listen 127.0.0.1:0 --witness "https://u:p@127.0.0.1:$PORT/x"
check "credentials in the URL refused" contains "$err" "no credentials in it"
run "$BROKERSEC" --lang en serve --data "$A" --listen 127.0.0.1:0 --witness "https://127.0.0.1:$PORT/x" \
	--witness-pin nonsense
check "a malformed pin refused" contains "$err" "give sha256//BASE64"

# a wrong pin: nothing sent, said on stderr, A serves on
BAD="sha256//$(printf x | openssl dgst -sha256 -binary | base64)"
aserve --witness "https://127.0.0.1:$PORT/api/v1/witness" --witness-pin "$BAD" --witness-token-file "$T/w.tok"
wait_for "$T/a.err" 'does not match the pin' || true
check "a wrong pin: said on stderr" grep -q "does not match the pin given" "$T/a.err"
check "... and when it is tried again (backoff from 10 s)" grep -q "next attempt in 10 s" "$T/a.err"
check "... and the token is never in it" ! grep -q "$(cat "$T/w.tok")" "$T/a.err"
check "... A serves on" kill -0 "$APID"
AURL=$(sed -n 's/^listening on //p' "$T/a.out")
check "... and answers" test "$(curl -sk -o /dev/null -w '%{http_code}' "$AURL/openapi.yaml")" = 200
astop
wreq "$(cat "$T/r.tok")" GET "/witness?log=$LOGID"
check "... B has no head of A (404)" test "$status" = 404

# the first run: events, a head within 10 s, the closing head at the stop
append 3
aserve --witness "https://127.0.0.1:$PORT/api/v1/witness" --witness-pin "$PIN" --witness-token-file "$T/w.tok" \
	--witness "syslog://127.0.0.1:9"
append 5
sleep 11
astop
closed1=$(sqa "SELECT max(idx) FROM checkpoints")
# the second run
aserve --witness "https://127.0.0.1:$PORT/api/v1/witness" --witness-pin "$PIN" --witness-token-file "$T/w.tok"
append 6
sleep 11
astop
check "A stopped cleanly" test "$arc" = 0
check "A said nothing about its witness failing" ! grep -q witness "$T/a.err"

wreq "$(cat "$T/r.tok")" GET "/witness?log=$LOGID"
check "GET /witness: 200" test "$status" = 200
printf '%s\n' "$body" >"$T/heads.txt"
n=$(grep -c '^brokersec-head v1 log=' "$T/heads.txt")
check "B stored A's heads, a line each ($n)" test "$n" -ge 4
last=$(sqa "SELECT tree_size FROM checkpoints ORDER BY idx DESC LIMIT 1")
check "... the last the closing checkpoint's" grep -q "size=$last " "$T/heads.txt"
status=$(curl -sS -o "$T/.wbody" -w '%{http_code}' --cacert "$D/tls/cert.pem" -H "Accept: application/json" \
	-H "Authorization: Bearer $(cat "$T/r.tok")" "$URL/witness?log=$LOGID&limit=2")
body=$(cat "$T/.wbody")
check "as JSON by Accept, a page at a time" test "$status" = 200 -a "$(jpy 'len(b["records"])')" = 2
check "... with the total and the pinned key" test "$(jpy 'b["total"]')" = "$n"
check "... the key A's own" test "$(jpy 'b["key"]')" = "$(sed -n 2p "$KEY")"
run "$BROKERSEC" log search --data "$D" --type witness.received --format json
recv=$(printf '%s\n' "$out" | grep -c '"type": *"witness.received"')
check "one summary event (witness.received) an hour, not one per head ($recv for $n heads)" \
	test "$recv" -ge 1 -a "$recv" -le 2
run "$BROKERSEC" log search --data "$D" --type witness.trust --format json
check "the key pinned on first sight is an event" contains "$out" "$LOGID"
run sqlite3 "$A/brokersec.db" "SELECT count(*), max(http_status) FROM witness_delivery WHERE url LIKE 'https://%'"
check "A remembers the heads delivered, with the HTTP status" test "${out%%|*}" -ge 3 -a "${out##*|}" = 201
run sqlite3 "$A/brokersec.db" "SELECT count(*) FROM witness_delivery WHERE url = 'syslog://127.0.0.1:9' AND http_status = 0"
check "... syslog and https mixed (UDP: sent, status 0)" test "$out" -ge 1

run "$BROKERSEC" --lang en log verify --data "$A" --key "$KEY" --witness "$URL/witness?log=$LOGID" \
	--witness-pin "$PIN" --witness-token-file "$T/r.tok"
check "the genuine log agrees with the witness over HTTPS" test "$rc" = 0
check "... every head checked" contains "$out" "agrees with the witness: $n heads, the latest $last:"
run "$BROKERSEC" --lang en log verify --data "$A" --witness "$URL/witness?log=$LOGID" --witness-token-file "$T/r.tok"
check "without a pin or CA B's self-signed certificate is not trusted" test "$rc" = 1
check "... and it says what to give" contains "$err" "--witness-pin"
run "$BROKERSEC" --lang en log verify --data "$A" --witness "$URL/witness?log=$LOGID" --witness-ca "$D/tls/cert.pem" \
	--witness-token-file "$T/w.tok"
check "a token without events.read cannot download (403 said)" contains "$err" "answered 403"
run "$BROKERSEC" --lang en log verify --data "$A" --witness "$URL/witness?log=$LOGID" --witness-ca "$D/tls/cert.pem" \
	--witness-token-file "$T/r.tok"
check "--witness-ca with B's certificate works as well" test "$rc" = 0

# the cut back to the first run's closing checkpoint: intact without the witness, not with it
cp -r "$A" "$T/pristine"
size=$(sqa "SELECT tree_size FROM checkpoints WHERE idx = $closed1")
sqa "DELETE FROM events WHERE seq > $size; DELETE FROM checkpoints WHERE idx > $closed1;
    DELETE FROM event_seconds WHERE max_seq > $size"
run "$BROKERSEC" --lang en log verify --data "$A" --key "$KEY"
check "the cut: intact on A alone (the hole)" test "$rc" = 0
run "$BROKERSEC" --lang en log verify --data "$A" --key "$KEY" --witness "$URL/witness?log=$LOGID" \
	--witness-pin "$PIN" --witness-token-file "$T/r.tok"
check "the cut against the witness over HTTPS: TAMPERED" test "$rc" = 1
check "... a witness saw more" contains "$out" "a witness saw"
rm -rf "$A"; cp -r "$T/pristine" "$A"
run "$BROKERSEC" --lang en log verify --data "$A" --key "$KEY" --witness "$T/heads.txt"
check "the heads downloaded as text verify as a FILE" test "$rc" = 0

# refusals by B
W=$(cat "$T/w.tok")
head1=$(sed -n 1p "$T/heads.txt")
wreq "$(cat "$T/r.tok")" POST /witness "{\"head\":\"$head1\"}"
check "a token without witness.write: 403" test "$status" = 403
forged=$(python3 -c "import re, sys
print(re.sub(r'sig=([0-9a-f])', lambda m: 'sig=' + ('e' if m.group(1) == 'f' else 'f'), sys.argv[1]))" "$head1")
wreq "$W" POST /witness "{\"head\":\"$forged\"}"
check "a head with a bad signature: 400" test "$status" = 400
check "... saying so" contains "$body" "not signed with the key pinned"
wreq "$W" POST /witness '{"head":"brokersec-head v1 log=00 size=1"}'
check "a malformed head: 400" test "$status" = 400
"$BROKERSEC" init --data "$T/c" --org C --internal-control no --verification-key-file "$T/ckey" >/dev/null
wreq "$W" POST /witness "{\"head\":\"$head1\",\"key\":\"$(sed -n 2p "$T/ckey")\"}"
check "another key for a known log: 409" test "$status" = 409
run "$BROKERSEC" log search --data "$D" --type witness.refused --format json
check "... an event" contains "$out" "$LOGID"
wreq "$W" POST /witness "{\"head\":\"$head1\"}"
check "a head kept already: 200, not stored twice" test "$status" = 200 -a "$(jpy 'b["stored"]')" = False
chead=$("$BROKERSEC" log head --data "$T/c")
clog=$(printf '%s' "$chead" | sed 's/.*log=\([0-9a-f]*\) .*/\1/')
wreq "$W" POST /witness "{\"head\":\"$chead\"}"
check "an unknown log without its key: 400" test "$status" = 400
run "$BROKERSEC" witness trust --data "$D" "$clog" "$(sed -n 2p "$KEY")"
check "witness trust pins a key before the first head" test "$rc" = 0
wreq "$W" POST /witness "{\"head\":\"$chead\",\"key\":\"$(sed -n 2p "$T/ckey")\"}"
check "... and a head signed with another key is then refused: 409" test "$status" = 409
run "$BROKERSEC" --lang en witness trust --data "$D" "$clog" "$(sed -n 2p "$T/ckey")"
check "... and cannot be re-pinned" test "$rc" = 1
run "$BROKERSEC" witness heads --data "$D" "$LOGID"
check "witness heads prints the lines kept" test "$(printf '%s\n' "$out" | grep -c '^brokersec-head')" = "$n"

# a witness that is down: retried with backoff until it is back, serving goes on
OLDPORT=$PORT
stop_server
before=$(sqlite3 "$A/brokersec.db" "SELECT count(*) FROM witness_delivery")
append 2
aserve --witness "https://127.0.0.1:$OLDPORT/api/v1/witness" --witness-pin "$PIN" --witness-token-file "$T/w.tok"
wait_for "$T/a.err" 'next attempt in 10 s' || true
check "the witness down: said, with the next attempt" grep -q "next attempt in 10 s" "$T/a.err"
start_server --listen "127.0.0.1:$OLDPORT"
check "the witness is back on its port" test "$PORT" = "$OLDPORT"
sleep 12
check "... A retried and delivered the head" test "$(sqlite3 "$A/brokersec.db" "SELECT count(*) FROM witness_delivery")" -gt "$before"
check "... and served on meanwhile" kill -0 "$APID"
astop
check "... and stopped cleanly" test "$arc" = 0
check_clean_stop
finish
