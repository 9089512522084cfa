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
check "TLS 1.2 accepted" test "$rc" -eq 0
run curl -s -o /dev/null --cacert "$D/tls/cert.pem" --tls-max 1.2 --ciphers AES128-SHA "$URL/openapi.yaml"
check "CBC/RSA key exchange refused" test "$rc" -ne 0
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
finish
