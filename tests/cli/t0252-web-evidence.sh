#!/bin/sh
# The evidence page in a real browser (tests/ui/evid.test.mjs): upload from the controls page
# as a security officer, the web limit, the list with the reviewers' queue first, the
# submitter refused by the API when reviewing its own file, an auditor refused without a
# comment and rejecting / accepting with one, the control's status after acceptance, the
# download byte for byte, an employee refused; axe, phone width, screenshots in $BUILD/ui-shots/.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
. "$TOP/tests/cli/t02-web.inc"

ui_ready
start_server
activate J so1 security_officer
activate J2 aud1 auditor
activate J3 emp1 employee
"$BROKERSEC" person add --name 王小明 --role security --hired 2026-01-05 --nda-signed 2026-01-05 --data "$D" >/dev/null 2>&1
run_ui evid.test.mjs UI_PW1="$PW1"
run "$BROKERSEC" log search --data "$D" --type evidence.review --format json
check "the reviews are events by aud1" [ "$(printf '%s\n' "$out" | grep -c '"user":"aud1"')" = 2 ]
run "$BROKERSEC" log search --data "$D" --type evidence.add --format json
check "the uploads are events by so1" [ "$(printf '%s\n' "$out" | grep -c '"user":"so1"')" = 3 ]
finish
