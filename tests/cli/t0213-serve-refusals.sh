#!/bin/sh
# serve: refusals and the event log. Refusals of clients that are not signed in are events at
# a bounded rate: per minute the first 5 of each source and 30 in all are events of their
# own, the rest are counted in one auth.denied.summary event per minute, written by a timer
# when the minute is over, so the counts add up to every refusal (docs/roles.md, "Refusals
# and the event log"). A refusal whose URL is not UTF-8 is recorded too (escaped). Unknown
# API tokens get 401 invalid_token, a token without the scope 403 insufficient_scope
# (RFC 6750). Takes up to a minute: it waits for the timer's summary.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server

# a URL that decodes to bytes that are not UTF-8, first (later in the minute
# the budget of events of their own may be spent, and it would be only counted)
run curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.5 --cacert "$D/tls/cert.pem" "$URL/users/%ff%5c"
check "non-UTF-8 path refused" test "$out" = 401

# 2,000 refusals from one client (one curl, one kept-alive connection)
i=0
while [ $i -lt 2000 ]; do
	printf 'url = "%s/status"\noutput = "/dev/null"\n' "$URL"
	i=$((i + 1))
done >"$T/burst.cfg"
curl -s --cacert "$D/tls/cert.pem" -w '%{http_code}\n' -K "$T/burst.cfg" >"$T/burst.codes"
check "2000 requests refused with 401" test "$(grep -c '^401$' "$T/burst.codes")" = 2000
# 400 more from 40 addresses: the total bound holds whatever the number of sources
head -n 20 "$T/burst.cfg" >"$T/ten.cfg"
pids=""
for a in $(seq 40 79); do
	curl -s --interface "127.0.1.$a" --cacert "$D/tls/cert.pem" -w '%{http_code}\n' -K "$T/ten.cfg" \
		>"$T/many.$a" &
	pids="$pids $!"
done
wait $pids
cat "$T"/many.* >"$T/many.codes"
check "400 more refused from 40 addresses" test "$(grep -c '^401$' "$T/many.codes")" = 400
expected=2401

# The events: those of their own plus the summaries' counts make every refusal. The last
# summary comes from the timer at the end of the minute, without any further request.
count() {
	"$BROKERSEC" log search --data "$D" --format json 2>/dev/null | python3 -c '
import json,sys
t=sys.stdin.read().strip(); evs=[]
try:
    v=json.loads(t); evs=v if isinstance(v,list) else v.get("events",[v])
except ValueError:
    evs=[json.loads(l) for l in t.splitlines() if l.strip()]
own=[e for e in evs if e.get("type")=="auth.denied"]
summ=[e for e in evs if e.get("type")=="auth.denied.summary"]
d=lambda e: e["data"] if isinstance(e.get("data"),dict) else json.loads(e.get("data") or "{}")
print(len(own), len(summ), sum(d(e).get("summarized",0) for e in summ))'
}
# polled every half second (bounded: 75 s), so the test ends right after the minute does
polls=0
while :; do
	set -- $(count)
	own=$1 nsum=$2 summed=$3
	[ $((own + summed)) -ge $expected ] && break
	[ $polls -ge 150 ] && break
	sleep 0.5
	polls=$((polls + 1))
done
waited=$((polls / 2))
echo "$expected refusals: $own events of their own, $nsum summaries counting $summed (after ${waited}s)"
check "every refusal counted: $own + $summed = $expected" test $((own + summed)) = $expected
check "few events of their own ($own): at most 30 a minute" test "$own" -le 60
check "one summary a minute ($nsum)" test "$nsum" -ge 1 -a "$nsum" -le 3
out=$("$BROKERSEC" log search --data "$D" --format json 2>/dev/null)
check "the summary names the busiest source" contains "$out" "most from 127.0.0.1 ("
check "the first refusals are events of their own" contains "$out" "GET /api/v1/status from 127.0.0.1 refused"
check "the non-UTF-8 refusal is an event, escaped" contains "$out" 'GET /api/v1/users/\\xff\\x5c from 127.0.0.5 refused'
check "the server log has no unrecorded refusals" ! contains "$(cat "$T/serve.err")" "not recorded"

# RFC 6750: which token problem is 401 and which 403
activate it ivan it_staff
run "$BROKERSEC" user token --data "$D" ivan --scope status.read --lang en
stok=$(printf '%s\n' "$out" | tail -n 1)
hdr() { curl -s -o "$T/.body" -D - --cacert "$D/tls/cert.pem" "$@" | tr -d '\r'; }
h=$(hdr -H "Authorization: Bearer bst_$(printf '%064d' 0)" "$URL/status")
check "unknown token: 401" contains "$h" "HTTP/1.1 401"
check "unknown token: invalid_token" contains "$h" 'WWW-Authenticate: Bearer error="invalid_token"'
h=$(hdr -H "Authorization: Bearer bst_short" "$URL/status")
check "malformed token: 401 invalid_token" contains "$h" 'WWW-Authenticate: Bearer error="invalid_token"'
h=$(hdr -X POST -H "Authorization: Bearer $stok" --data-binary '{"type":"x"}' "$URL/events")
check "token without the scope: 403" contains "$h" "HTTP/1.1 403"
check "token without the scope: insufficient_scope" contains "$h" 'WWW-Authenticate: Bearer error="insufficient_scope"'
h=$(hdr -X POST --data-binary '{"type":"x"}' "$URL/events")
check "no token on a token route: 401 with a Bearer challenge" contains "$h" "WWW-Authenticate: Bearer"
h=$(hdr -H "Authorization: Bearer $stok" "$URL/status")
check "the token works where it has the scope" contains "$h" "HTTP/1.1 200"
run "$BROKERSEC" log search --data "$D" --type auth.denied --format json
check "the scope refusal is an event of the token's account" contains "$out" '"user":"ivan"'
check_clean_stop
finish
