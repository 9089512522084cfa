#!/bin/sh
# GET /api/v1/vulns (issue 18): the findings of `vuln list --format json` over HTTPS, filtered
# and paged, for a role that reads status; refused without a session; a bad query is a 400.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
F="$TOP/tests/fixtures/vuln"
start_server
activate aud aud auditor
"$BROKERSEC" --data "$D" vuln import-feed --format debian-tracker --release bookworm "$F/tracker.json" >/dev/null 2>&1
"$BROKERSEC" --data "$D" vuln import-feed --format kev "$F/kev.json" >/dev/null 2>&1
"$BROKERSEC" --data "$D" vuln inventory --root "$F/root" >/dev/null 2>&1

req aud GET /vulns
check "GET /vulns: 200" [ "$status" = 200 ]
check "8 findings, as the CLI lists them" [ "$(jget total)" = 8 ]
check "the same objects as vuln list --format json" [ "$(jpy 'json.dumps(b["findings"], sort_keys=True)')" = \
	"$("$BROKERSEC" --data "$D" vuln list --format json 2>/dev/null | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')" ]
req aud GET "/vulns?kev=1"
check "?kev=1: the KEV one" [ "$(jpy '",".join(x["package"] for x in b["findings"])')" = libc6 ]
req aud GET "/vulns?limit=3&offset=6"
check "paged: 2 left after 6, total still 8" [ "$(jpy 'len(b["findings"])')-$(jget total)" = 2-8 ]
req aud GET "/vulns?overdue=1&as_of=2999-01-01"
check "?overdue with a late as_of: all 8" [ "$(jget total)" = 8 ]
req aud GET "/vulns?as_of=soon"
check "a bad as_of: 400" [ "$status" = 400 ]
req aud GET "/vulns?limit=5000"
check "a limit over 1000: 400" [ "$status" = 400 ]
req - GET /vulns
check "no session: 401" [ "$status" = 401 ]
finish
