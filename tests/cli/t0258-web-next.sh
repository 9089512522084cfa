#!/bin/sh
# The dashboard's 下一步 panel (tests/ui/next.test.mjs) and GET /status?view=summary's
# `actions` (issue 21): the same actions as `status --format json`, each with its command in
# <code> and the web page that does the same; a security officer sees them, an employee may
# not read the status (403); doing an action from its page (a policy document) moves it.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
. "$TOP/tests/cli/t02-web.inc"

ui_ready
start_server
activate S so1 security_officer
activate E emp1 employee

# the API: the summary keeps its fields and gains the actions of the CLI's document
"$BROKERSEC" status --format json --data "$D" > "$T/cli.json" 2>/dev/null
req S GET '/status?view=summary'
check "GET /status?view=summary: 200" [ "$status" = 200 ]
printf '%s' "$body" > "$T/api.json"
check "summary: its fields as before (totals, groups without controls)" [ "$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(all(k in d for k in ("as_of","org","profile","totals","groups")) and all("controls" not in g and "counts" in g for g in d["groups"]))' "$T/api.json")" = True ]
check "summary: the same actions as status --format json" [ "$(python3 -c 'import json,sys
a=json.load(open(sys.argv[1])); c=json.load(open(sys.argv[2]))
print(a["actions"] == c["actions"] and a["actions_total"] == c["actions_total"] and len(a["actions"]) == 10)' "$T/api.json" "$T/cli.json")" = True ]
req S GET '/status'
check "the full document has them too" [ "$(jpy 'len(b["actions"])')" = 10 ]
req E GET '/status?view=summary'
check "an employee may not read the status: 403" [ "$status" = 403 ]
req - GET /openapi.yaml
check "openapi documents the actions" contains "$body" "actions_total"

run_ui next.test.mjs UI_PW1="$PW1"
# the policy document the test added from the action's page is an event, by so1
run "$BROKERSEC" log search --type register.policy-doc.add --data "$D" --lang en
check "the policy document added from the page is an event by so1" contains "$out" "so1"
finish
