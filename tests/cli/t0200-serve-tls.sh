#!/bin/sh
# serve: real TLS on loopback - certificate, protocol versions, security headers, limits,
# the one error shape, and the embedded OpenAPI document.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
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

run curl -s -o /dev/null --cacert "$D/tls/cert.pem" --tlsv1.1 --tls-max 1.1 "$URL/openapi.yaml"
check "TLS 1.1 refused" test "$rc" -ne 0
run curl -s -o /dev/null --cacert "$D/tls/cert.pem" --tlsv1.2 --tls-max 1.2 "$URL/openapi.yaml"
check "TLS 1.2 refused by default" test "$rc" -ne 0
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

run "$BROKERSEC" serve --data "$D" --listen 127.0.0.1:0 --tls-min 1.1
check "--tls-min takes 1.2 or 1.3 only" test "$rc" = 2 -a -z "$out"
check "--tls-min error names the choices" contains "$err" "--tls-min takes 1.3 (the default) or 1.2"

# --tls-min 1.2: TLS 1.2 for legacy clients, still AEAD with ECDHE only, and a client's
# renegotiation attempt ends the connection (close_notify) instead of a second handshake.
start_server --tls-min 1.2
check "--tls-min 1.2 says so on stderr" contains "$(cat "$T/serve.err")" "TLS 1.2 accepted as well as 1.3"
run curl -s -o /dev/null -w '%{http_code}' --cacert "$D/tls/cert.pem" --tlsv1.2 --tls-max 1.2 "$URL/openapi.yaml"
check "TLS 1.2 accepted with --tls-min 1.2" test "$rc" -eq 0 -a "$out" = 200
run curl -s -o /dev/null --cacert "$D/tls/cert.pem" --tls-max 1.2 --ciphers AES128-SHA "$URL/openapi.yaml"
check "CBC/RSA key exchange refused" test "$rc" -ne 0
run curl -s -o /dev/null --cacert "$D/tls/cert.pem" --tls-max 1.2 --ciphers DHE-RSA-AES128-GCM-SHA256 \
	"$URL/openapi.yaml"
check "finite-field DHE refused" test "$rc" -ne 0
run curl -s -o /dev/null --cacert "$D/tls/cert.pem" --tlsv1.1 --tls-max 1.1 "$URL/openapi.yaml"
check "TLS 1.1 still refused with --tls-min 1.2" test "$rc" -ne 0
# s_client reads its "R" (renegotiate) only once the handshake is done; stdin stays open
# (fd 3) until s_client ends, so its end of input cannot race the server's answer.
mkfifo "$T/sin"
timeout 30 openssl s_client -tls1_2 -msg -CAfile "$D/tls/cert.pem" -connect "127.0.0.1:$PORT" \
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
req - GET /openapi.yaml
check "server still serves after the attempt" test "$status" = 200
check_clean_stop
finish
