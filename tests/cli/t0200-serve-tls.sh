#!/bin/sh
# serve: real TLS on loopback - certificate, protocol versions, security headers, limits,
# the one error shape, and the embedded OpenAPI document.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"

# A "refused" check proves nothing unless the client can speak what is refused: curl here
# cannot do TLS 1.1 at all, and no server with an ECDSA certificate can agree on an RSA
# cipher suite. So each refusal below is made with `openssl s_client` and comes with a
# positive control: the same client against `openssl s_server` offering exactly that.
#   probe PORT S_CLIENT_ARGS...   the s_client transcript (-msg) in $probe
#   control CERT KEY ARGS...      s_server with ARGS, s_client with the same ARGS: $probe
probe() {
	_p=$1
	shift
	probe=$(echo | timeout 10 openssl s_client -msg -connect "127.0.0.1:$_p" "$@" 2>&1)
}
control() {
	_c=$1 _k=$2
	shift 2
	_op=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	# -www: it answers without reading its input (which would end it at once); one connection
	openssl s_server -www -naccept 1 -accept "127.0.0.1:$_op" -cert "$_c" -key "$_k" "$@" </dev/null \
		>"$T/s_server.out" 2>&1 &
	_spid=$!
	_i=0
	while ! grep -q ACCEPT "$T/s_server.out" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	probe "$_op" "$@"
	kill "$_spid" 2>/dev/null
	wait "$_spid" 2>/dev/null
}
# established VERSION: the transcript shows a finished handshake at that version
established() { contains "$probe" "Protocol  : $1" && ! contains "$probe" "Cipher is (NONE)"; }
# refused_version: no ServerHello came, and the server said why (RFC 8446: protocol_version)
refused_version() { ! contains "$probe" "ServerHello" && contains "$probe" "fatal protocol_version"; }
refused_cipher() { ! contains "$probe" "ServerHello" && contains "$probe" "Cipher is (NONE)"; }
LEGACY='DEFAULT:@SECLEVEL=0'

start_server

check "certificate made at init" test -s "$D/tls/cert.pem"
check "key file is 0600" test "$(stat -c %a "$D/tls/key.pem")" = 600
req - GET /openapi.yaml
check "openapi served over verified TLS" test "$status" = 200
check "served openapi is docs/openapi.yaml" cmp -s "$T/.body" "$TOP/docs/openapi.yaml"
check "openapi lists /session" contains "$body" "/session:"

hdr=$(curl -s -D - -o /dev/null --cacert "$D/tls/cert.pem" "$URL/openapi.yaml")
check "HSTS" contains "$hdr" "Strict-Transport-Security: max-age=31536000"
check "CSP" contains "$hdr" "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'"
check "nosniff" contains "$hdr" "X-Content-Type-Options: nosniff"
check "referrer policy" contains "$hdr" "Referrer-Policy: no-referrer"

for vp in 1:TLSv1 1_1:TLSv1.1 1_2:TLSv1.2; do
	v=${vp%%:*}
	control "$D/tls/cert.pem" "$D/tls/key.pem" -tls$v -cipher "$LEGACY"
	check "control: this openssl speaks ${vp#*:} (-tls$v)" established "${vp#*:}"
	probe "$PORT" -tls$v -cipher "$LEGACY"
	check "-tls$v refused by default with a protocol_version alert" refused_version
done
run curl -s -o /dev/null -w '%{http_code}' --cacert "$D/tls/cert.pem" --tlsv1.3 "$URL/openapi.yaml"
check "TLS 1.3 accepted" test "$rc" -eq 0 -a "$out" = 200
run curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/openapi.yaml"
check "plain HTTP gets no answer" test "$(printf '%s' "$out" | head -c 4)" != "HTTP"

req - GET /nowhere
check "404 shape" test "$status" = 404 -a "$(jget error.code)" = not_found
req - PUT /session
check "405 shape" test "$status" = 405 -a "$(jget error.code)" = method_not_allowed
req - POST /session -H 'Content-Type: text/plain' --data-binary 'x'
check "415 for non-JSON" test "$status" = 415
jreq - POST /session '{"username": 1}'
check "400 for wrong types" test "$status" = 400 -a "$(jget error.code)" = invalid
jreq - POST /session '{"username":"a","username":"b","password":"c"}'
check "400 for duplicate keys" test "$status" = 400
head -c 70000 /dev/zero | tr '\0' 'a' >"$T/big"
req - POST /session -H 'Content-Type: application/json' --data-binary "@$T/big"
check "413 for a large body" test "$status" = 413 -a "$(jget error.code)" = payload_too_large
req - GET /status
check "401 when not signed in" test "$status" = 401 -a "$(jget error.code)" = unauthorized
check_clean_stop

run "$BROKERSEC" --lang en serve --data "$D" --listen 127.0.0.1:0 --tls-min 1.1
check "--tls-min takes 1.2 or 1.3 only" test "$rc" = 2 -a -z "$out"
check "--tls-min error names the choices" contains "$err" "--tls-min takes 1.3 (the default) or 1.2"

# --tls-min 1.2: TLS 1.2 for legacy clients, still AEAD with ECDHE only, and a client's
# renegotiation attempt ends the connection (close_notify) instead of a second handshake.
# With an RSA certificate: the suites refused below (RSA key transport, DHE-RSA, ECDHE-RSA
# with CBC) all need one, so only with it can the refusal be the server's choice.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/rsa.key" -out "$T/rsa.pem" -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
start_server --tls-min 1.2 --tls-cert "$T/rsa.pem" --tls-key "$T/rsa.key"
check "--tls-min 1.2 says so on stderr" contains "$(cat "$T/serve.err")" "TLS 1.2 accepted as well as 1.3"
run curl -s -o /dev/null -w '%{http_code}' --cacert "$T/rsa.pem" --tlsv1.2 --tls-max 1.2 "$URL/openapi.yaml"
check "TLS 1.2 accepted with --tls-min 1.2" test "$rc" -eq 0 -a "$out" = 200
for cs in AES128-SHA AES128-GCM-SHA256 DHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES128-SHA; do
	control "$T/rsa.pem" "$T/rsa.key" -tls1_2 -cipher "$cs:@SECLEVEL=0"
	check "control: this openssl negotiates $cs" contains "$probe" "Cipher is $cs"
	probe "$PORT" -tls1_2 -cipher "$cs:@SECLEVEL=0"
	check "$cs refused with --tls-min 1.2 (no ServerHello)" refused_cipher
done
probe "$PORT" -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
check "control: ECDHE-RSA-AES128-GCM-SHA256 accepted with --tls-min 1.2" contains "$probe" \
	"Cipher is ECDHE-RSA-AES128-GCM-SHA256"
for v in 1 1_1; do
	probe "$PORT" -tls$v -cipher "$LEGACY"
	check "-tls$v still refused with --tls-min 1.2, with a protocol_version alert" refused_version
done
# s_client reads its "R" (renegotiate) only once the handshake is done; stdin stays open
# (fd 3) until s_client ends, so its end of input cannot race the server's answer.
mkfifo "$T/sin"
timeout 30 openssl s_client -tls1_2 -msg -CAfile "$T/rsa.pem" -connect "127.0.0.1:$PORT" \
	<"$T/sin" >"$T/reneg.out" 2>&1 &
opid=$!
exec 3>"$T/sin"
echo R >&3
wait "$opid"
exec 3>&-
reneg=$(cat "$T/reneg.out")
check "client renegotiation attempted" contains "$reneg" "RENEGOTIATING"
check "renegotiating ClientHello sent" test "$(grep -c '>>> .*ClientHello$' "$T/reneg.out")" = 2
check "no second handshake from the server" test "$(grep -c '<<< .*ServerHello$' "$T/reneg.out")" = 1
check "server ends the connection instead" contains "$reneg" "close_notify"
run curl -s -o /dev/null -w '%{http_code}' --cacert "$T/rsa.pem" "$URL/openapi.yaml"
check "server still serves after the attempt" test "$out" = 200
check_clean_stop
finish
