# serve: the web UI's files (src/http/web.c) and the register list a page at a time
# (src/http/api_page.c), without a browser: index.html at / not cached and naming the assets
# by a content hash, the assets cached a year under that hash only, the strict CSP and
# nosniff on both, 404 for other paths; GET /registers/NAME with ?limit (at most 200, the
# default), ?offset, ?q, ?sort, ?order, and a clear 400 for a bad one.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
base="https://127.0.0.1:$PORT"
get() { curl -s --cacert "$D/tls/cert.pem" -D "$T/h" -o "$T/b" -w '%{http_code}' "$@"; }

st=$(get "$base/")
check "/ answers 200" test "$st" = 200
check "/ is HTML" grep -qi '^content-type: text/html; charset=utf-8' "$T/h"
check "/ is not cached" grep -qi '^cache-control: no-cache' "$T/h"
check "/ has the strict CSP" grep -qi "^content-security-policy: default-src 'self'; frame-ancestors 'none'" "$T/h"
check "/ CSP has no unsafe-inline or unsafe-eval" ! grep -qi "^content-security-policy:.*unsafe" "$T/h"
check "/ nosniff" grep -qi '^x-content-type-options: nosniff' "$T/h"
check "/ has no inline script" ! grep -q '<script>' "$T/b"
asset=$(sed -n 's|.*src="\(/assets/[0-9a-f]\{32\}/app\.js\)".*|\1|p' "$T/b")
check "/ names app.js under a 32-hex hash" test -n "$asset"
st=$(get "$base$asset")
check "the asset answers 200" test "$st" = 200
check "the asset is JavaScript" grep -qi '^content-type: text/javascript' "$T/h"
check "the asset is cached a year, immutable" grep -qi '^cache-control: public, max-age=31536000, immutable' "$T/h"
check "the asset has the CSP too" grep -qi "^content-security-policy: default-src 'self'" "$T/h"
check "the asset is the file in web/" cmp -s "$T/b" "$TOP/web/app.js"
hash=$(echo "$asset" | cut -d/ -f3)
st=$(get "$base/assets/00000000000000000000000000000000/app.js")
check "another hash: 404" test "$st" = 404
st=$(get "$base/assets/$hash/index.html")
check "index.html is not an asset (it holds the placeholder)" test "$st" = 404
st=$(get "$base/assets/$hash/nothing.js")
check "a missing file: 404" test "$st" = 404
st=$(get "$base/registers")
check "a path that is no page: 404 (client routes are /#/...)" test "$st" = 404
check "its message names the path" grep -q "no such endpoint '/registers'" "$T/b"
st=$(get "$base/assets/$hash/nothing.js")
check "a missing asset's message says where the pages are" grep -q '/#/' "$T/b"
st=$(get -X POST "$base/")
check "POST / is not allowed" test "$st" = 405
req - GET /me
check "the pages open nothing of the API: /me still needs a session" test "$status" = 401

# the register list a page at a time
activate a so1 security_officer
i=1
while [ $i -le 205 ]; do
	printf 'name,kind,owner\nasset-%03d,hardware,owner-%d\n' "$i" $((i % 7)) >>"$T/rows.csv"
	i=$((i + 1))
done
{ echo 'name,kind,owner'; grep -v '^name' "$T/rows.csv"; } >"$T/assets.csv"
run "$BROKERSEC" asset import --data "$D" "$T/assets.csv"
check "205 assets imported" test "$rc" = 0
req a GET /registers/asset
check "list: 200" test "$status" = 200
check "list: at most 200 records by default" test "$(jpy 'len(b["records"])')" = 200
check "list: total counts them all" test "$(jget total)" = 205
req a GET "/registers/asset?limit=10&offset=200"
check "offset 200: the last 5" test "$(jpy 'len(b["records"])')" = 5
check "offset 200: starts at asset-201" test "$(jpy 'b["records"][0]["name"]')" = asset-201
req a GET "/registers/asset?limit=201"
check "limit over 200: 400" test "$status" = 400
check "limit over 200: the message names the argument and the range" contains "$body" "?limit='201': give a whole number from 1 to 200"
req a GET "/registers/asset?q=ASSET-01&sort=name&order=desc"
check "search (case ignored), sorted descending" test "$(jpy '[r["name"] for r in b["records"]]')" = \
	"['asset-019', 'asset-018', 'asset-017', 'asset-016', 'asset-015', 'asset-014', 'asset-013', 'asset-012', 'asset-011', 'asset-010']"
check "search: total is the matches" test "$(jget total)" = 10
req a GET "/registers/asset?sort=owner&limit=3"
check "sort by a field" test "$(jpy '[r["owner"] for r in b["records"]]')" = "['owner-0', 'owner-0', 'owner-0']"
req a GET "/registers/asset?sort=password"
check "sort by no field: 400" test "$status" = 400
check "sort by no field: says which" contains "$body" "?sort='password' is not a field of this list"
req a GET "/registers/asset?order=up"
check "bad order: 400" test "$status" = 400
check_clean_stop
finish
