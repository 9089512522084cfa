#!/bin/sh
# GET /api/v1/fim (src/http/api_fim.c): the baselines, whether each verifies now (a tampered one
# says why), and the latest check; status.read (an employee is refused).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"

start_server
activate sol so1 security_officer
activate emp emp1 employee
R="$T/share"
mkdir -p "$R"
printf 'a\n' > "$R/a.txt"
req sol GET /fim
check "no baseline yet: 200" [ "$status" = 200 ]
check "no baseline yet: empty, no check" [ "$(jpy 'b["baselines"] == [] and b["last_check"] is None')" = True ]
"$BROKERSEC" fim baseline --root "$R" --data "$D" >/dev/null 2>&1
printf 'b\n' >> "$R/a.txt"
"$BROKERSEC" fim check --root "$R" --data "$D" >/dev/null 2>&1
req sol GET /fim
check "a baseline and a check: 200" [ "$status" = 200 ]
check "the baseline verifies" [ "$(jpy 'b["baselines"][0]["verified"] is True and b["baselines"][0]["entries"] == 2 and len(b["baselines"][0]["digest"]) == 64')" = True ]
check "the check found a change" [ "$(jpy 'b["last_check"]["clean"] is False and b["last_check"]["changes"] == 1')" = True ]
sqlite3 "$D/brokersec.db" "UPDATE fim_entry SET size = size + 1 WHERE path = 'a.txt'"
req sol GET /fim
check "tampered: verified false, with the reason" [ "$(jpy 'b["baselines"][0]["verified"] is False and "was changed in brokersec.db" in b["baselines"][0]["problem"]')" = True ]
req emp GET /fim
check "an employee: 403" [ "$status" = 403 ]
finish
