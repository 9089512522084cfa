# The web UI in a real browser (tests/ui/ui.test.mjs: Playwright driving Debian's chromium,
# axe-core): serving and headers, sign-in with lockout, first-login change and TOTP
# enrolment, a reset token, the dashboard, a register round trip, the controls, the language switch, phone
# width and 200 % zoom, and an employee whose direct API calls for others' records are
# refused. Screenshots go to $BUILD/ui-shots/.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"

if [ ! -x /usr/bin/chromium ] || [ ! -d "$TOP/tests/ui/node_modules/playwright-core" ]; then
	echo "needs /usr/bin/chromium (scripts/deps.txt) and tests/ui/node_modules (make check runs npm ci)"
	check "browser and playwright-core installed" false
	finish
fi
start_server
for u in lock1 emp1 rst1; do add_user "$u" employee; done
run "$BROKERSEC" user reset rst1 --data "$D" --lang en
reset_token=$(printf '%s\n' "$out" | grep -x '[0-9a-f]\{64\}')
check "a reset token for rst1" test -n "$reset_token"
: "${BUILD:=build}"
case "$BUILD" in /*) shots="$BUILD/ui-shots" ;; *) shots="$TOP/$BUILD/ui-shots" ;; esac
run env UI_URL="https://127.0.0.1:$PORT" UI_ADMIN_PW="$ADMIN_PW" UI_PW0="$PW0" UI_PW1="$PW1" UI_PW2="$PW2" UI_RESET_TOKEN="$reset_token" \
	UI_SHOTS="$shots" HOME="$T" node "$TOP/tests/ui/ui.test.mjs"
printf '%s\n' "$out" | grep -v '^[0-9]* passed'
echo "# browser checks (tests/ui/ui.test.mjs): $(printf '%s\n' "$out" | tail -1)"
[ -n "$err" ] && printf '%s\n' "$err" | head -20
check "the browser tests pass ($(printf '%s\n' "$out" | tail -1))" test "$rc" = 0
check "every step ran (the last line is the count)" contains "$(printf '%s\n' "$out" | tail -1)" " passed, 0 failed"
check "no sanitizer report from the server" test "$(grep -c Sanitizer "$T/serve.err")" = 0
finish
