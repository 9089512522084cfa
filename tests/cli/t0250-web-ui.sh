# The web UI in a real browser (tests/ui/ui.test.mjs: Playwright driving Debian's chromium,
# axe-core): serving and headers, sign-in with lockout, first-login change and TOTP
# enrolment, a reset token, the dashboard, a register round trip, the controls, the language switch, phone
# width and 200 % zoom, and an employee whose direct API calls for others' records are
# refused. Screenshots go to $BUILD/ui-shots/.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
. "$TOP/tests/cli/t02-web.inc"

ui_ready
start_server
for u in lock1 emp1 rst1; do add_user "$u" employee; done
run "$BROKERSEC" user reset rst1 --data "$D" --lang en
reset_token=$(printf '%s\n' "$out" | grep -x '[0-9a-f]\{64\}')
check "a reset token for rst1" test -n "$reset_token"
run_ui ui.test.mjs UI_ADMIN_PW="$ADMIN_PW" UI_PW0="$PW0" UI_PW1="$PW1" UI_PW2="$PW2" UI_RESET_TOKEN="$reset_token"
finish
