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
# emp1's own person record and training, and a colleague's that emp1 must never see
y=$(TZ=Asia/Taipei date +%Y)
run "$BROKERSEC" person add --data "$D" --name 陳員工 --role security --hired 2020-01-01 --account emp1
check "emp1 linked to a person" test "$rc" = 0
run "$BROKERSEC" person add --data "$D" --name 林同事 --role general --hired 2020-01-01
run "$BROKERSEC" person add --data "$D" --name 冒名者 --role general --account emp1 --lang en
check "one account, one person" contains "$err" "belongs to person 1"
"$BROKERSEC" training add --data "$D" --person 1 --date "$y-01-10" --hours 3 --course 資安通識 --kind general >/dev/null 2>&1
"$BROKERSEC" training add --data "$D" --person 1 --date "$y-01-11" --hours 6 --course 滲透測試實務 --kind professional >/dev/null 2>&1
"$BROKERSEC" training add --data "$D" --person 2 --date "$y-01-12" --hours 5 --course 同事的秘密課程 --kind general >/dev/null 2>&1
run "$BROKERSEC" user reset rst1 --data "$D" --lang en
reset_token=$(printf '%s\n' "$out" | grep -x '[0-9a-f]\{64\}')
check "a reset token for rst1" test -n "$reset_token"
run_ui ui.test.mjs UI_ADMIN_PW="$ADMIN_PW" UI_PW0="$PW0" UI_PW1="$PW1" UI_PW2="$PW2" UI_RESET_TOKEN="$reset_token"
# the printed register as a person sees it: the PDF's text, and its first page as a picture
pdf="$_shots/registers-print.pdf"
run pdftotext -layout "$pdf" -
check "printed register: the records and the column labels in the PDF" sh -c "printf '%s' \"\$1\" | grep -q 王小明 && printf '%s' \"\$1\" | grep -q 李美麗 && printf '%s' \"\$1\" | grep -q 到職日" _ "$out"
check "printed register: rendered to PNG" pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$pdf" "$_shots/registers-print"
finish
