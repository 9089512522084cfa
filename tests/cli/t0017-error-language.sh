#!/bin/sh
# Messages made below the CLI (bs_error) follow the language: zh-TW by default, English with
# --lang en or BROKERSEC_LANG=en; over the API a request's ?lang= or Accept-Language decides,
# and a request naming none keeps English. Real failures: a bad register field, an unknown
# record, a weak password (A2.5.4.2.4), a missing data directory, a bad evidence path; and the
# formats of the second table (src/core/error_zh_tbl2.c: registers' cross-field rules, CSV
# import, the assessment workflow, scan) with the system's own error text (bs_strerror): a file
# that does not exist reads 沒有此一檔案或目錄, not "No such file or directory".
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
unset BROKERSEC_LANG
start_server
activate adam adam admin

# both NAME ZH EN CMD...: the CLI's message is ZH by default and EN with --lang en, the
# status the same in both
both() {
	_n=$1; _zh=$2; _en=$3; shift 3
	run "$BROKERSEC" "$@"
	_rc=$rc
	check "$_n: refused" test "$rc" -ne 0
	check "$_n: zh-TW by default" contains "$err" "$_zh"
	check "$_n: no English left" ! contains "$err" "$_en"
	run "$BROKERSEC" --lang en "$@"
	check "$_n: same status in English" test "$rc" = "$_rc"
	check "$_n: English with --lang en" contains "$err" "$_en"
	check "$_n: no zh-TW with --lang en" ! contains "$err" "$_zh"
}

both "bad register field" "--role: 不允許 'boss'：請用 security|it|general|manager 其中之一" \
	"--role: 'boss' is not allowed: use one of security|it|general|manager" \
	person add --data "$D" --name a --role boss
both "out of range" "--category: 4 超出範圍：請用 1 至 3" "--category: 4 is out of range: use 1 to 3" \
	system add --data "$D" --name x --category 4
both "unknown record" "沒有 person 編號 999 的紀錄：請見 'brokersec person list --all'" \
	"no person with id 999: see 'brokersec person list --all'" person show --data "$D" 999
both "missing data directory" "資料目錄 '$T/none' 不存在：請以 'brokersec init --data $T/none" \
	"data directory '$T/none' does not exist: create it with 'brokersec init --data $T/none" \
	person list --data "$T/none"
both "evidence file missing" "無法開啟佐證檔 '$T/nofile'" "cannot open evidence file '$T/nofile'" \
	evidence add --data "$D" SR.4 --file "$T/nofile"
ln -s "$D" "$T/link"
both "evidence symbolic link" "佐證檔 '$T/link' 是符號連結：不會追隨連結" \
	"evidence file '$T/link' is a symbolic link: links are not followed" \
	evidence add --data "$D" SR.4 --file "$T/link"

# the second table, and the system error inside a message in the same language
both "file that does not exist" "無法開啟 '$T/nofile.csv'：沒有此一檔案或目錄" \
	"cannot open '$T/nofile.csv': No such file or directory" person import --data "$D" "$T/nofile.csv"
both "scan root that does not exist" "無法掃描根目錄 '$T/noroot'：沒有此一檔案或目錄：請給" \
	"cannot scan root '$T/noroot': No such file or directory: give" scan --root "$T/noroot"
printf 'name,role\n王小明,boss\n' >"$T/one.csv"
both "CSV with one problem" "'$T/one.csv' 有 1 個問題：未匯入任何資料；請修正後重新匯入" \
	"'$T/one.csv' has 1 problem: nothing was imported; fix it and import again" person import --data "$D" "$T/one.csv"
both "app class 3 for transactions" "--transactions yes 需要 --class 3：能夠執行交易的 App 屬第三類（附件一伍 第三類、具交易功能）" \
	"--transactions yes needs --class 3: an app that can execute transactions is class 3" \
	app add --data "$D" --name 行動投保 --class 2 --transactions yes
run "$BROKERSEC" app add --data "$D" --name 行動投保 --class 2 --transactions yes
check "a register's own prefix is left out in zh-TW too (app: / app：)" ! contains "$err" "app："
both "major incident names its systems" "--major yes 需要 --systems：重大資訊安全事件影響的系統，應於三個月內重新完成資訊安全評估（A2.3.3）" \
	"--major yes needs --systems: the systems the major incident affected" \
	incident add --data "$D" --title 勒索 --detected 2026-01-05T08:00:00Z --severity high --major yes
"$BROKERSEC" system add --data "$D" --name 人資系統 --category 3 >/dev/null 2>&1 || echo "setup: system add failed"
"$BROKERSEC" assessment plan --data "$D" --title "2026 年度資訊安全評估" --from 2026-01-01 --to 2026-03-31 \
	--approver board --approved-by 董事會 --approved-on 2025-12-01 >/dev/null 2>&1 || echo "setup: plan failed"
both "assessment without a system" "評估 1 的範圍內沒有系統：請在 \`assessment run\` 前以" \
	"assessment 1 has no system in scope: add one with" assessment run --data "$D" 1
both "category 3 system needs its areas" "（人資系統）為第三類：請以 --areas 選擇其評估項目" \
	"(人資系統) is category 3: choose its areas with --areas" assessment scope --data "$D" 1 --system 1

# a weak password through --password-stdin, and the environment's language
printf 'password\n' | "$BROKERSEC" user add --data "$D" --username weak --role employee --password-stdin \
	>"$T/o" 2>"$T/e"
check "weak password refused" test $? = 1
check "weak password: zh-TW names the rule" grep -q "新密碼有 8 個字元，但政策要求至少 12 個（A2.5.4.2.4）" "$T/e"
printf 'password\n' | BROKERSEC_LANG=en "$BROKERSEC" user add --data "$D" --username weak --role employee \
	--password-stdin >"$T/o" 2>"$T/e"
check "weak password: BROKERSEC_LANG=en" grep -q "the new password has 8 characters but the policy requires at least 12" "$T/e"
printf 'password\n' | BROKERSEC_LANG=en "$BROKERSEC" user add --lang zh-TW --data "$D" --username weak \
	--role employee --password-stdin >"$T/o" 2>"$T/e"
check "weak password: --lang beats BROKERSEC_LANG" grep -q "政策要求至少 12 個" "$T/e"
run "$BROKERSEC" user list --data "$D" --format json
check "nothing was added" ! contains "$out" '"weak"'

# --- the API: the request's language ---
jreq adam POST "/registers/person?lang=zh-TW" '{"name":"a","role":"boss"}'
check "API zh-TW: 400" test "$status" = 400
check "API zh-TW: bad field" contains "$(jget error.message)" "不允許 'boss'：請用 security|it|general|manager 其中之一"
jreq adam POST "/registers/person?lang=en" '{"name":"a","role":"boss"}'
check "API en: bad field" contains "$(jget error.message)" "'boss' is not allowed: use one of security|it|general|manager"
jreq adam POST /registers/person '{"name":"a","role":"boss"}'
check "API without a language keeps English" contains "$(jget error.message)" "'boss' is not allowed"

jreq adam POST "/registers/app?lang=zh-TW" '{"name":"x","class":2,"transactions":true}'
check "API zh-TW: a rule of the second table, 400" test "$status" = 400
check "API zh-TW: a rule of the second table" contains "$(jget error.message)" "能夠執行交易的 App 屬第三類"
jreq adam POST "/registers/app?lang=en" '{"name":"x","class":2,"transactions":true}'
check "API en: a rule of the second table" contains "$(jget error.message)" "an app that can execute transactions is class 3"

req adam GET "/registers/person/999?lang=zh-TW"
check "API zh-TW: unknown record 404" test "$status" = 404
check "API zh-TW: unknown record" contains "$(jget error.message)" "沒有 person 編號 999 的紀錄"
req adam GET /registers/person/999 -H "Accept-Language: zh-TW,zh;q=0.9,en;q=0.8"
check "API Accept-Language zh-TW" contains "$(jget error.message)" "沒有 person 編號 999 的紀錄"
req adam GET /registers/person/999 -H "Accept-Language: en-US,en;q=0.9"
check "API Accept-Language en-US" contains "$(jget error.message)" "no person with id 999"

add_user eve employee
signin eve eve "$PW0"
jreq eve POST "/me/password?lang=zh-TW" "{\"current_password\":\"$PW0\",\"new_password\":\"password\"}"
check "API zh-TW: weak password 400" test "$status" = 400
check "API zh-TW: weak password" contains "$(jget error.message)" "政策要求至少 12 個（A2.5.4.2.4）"
jreq eve POST "/me/password?lang=en" "{\"current_password\":\"$PW0\",\"new_password\":\"password\"}"
check "API en: weak password" contains "$(jget error.message)" "the policy requires at least 12 (A2.5.4.2.4)"

jreq adam POST "/evidence?lang=zh-TW" '{"control_id":"SR.4","name":"a/b","content_base64":"aGk="}'
check "API zh-TW: bad evidence name 400" test "$status" = 400
check "API zh-TW: bad evidence name" contains "$(jget error.message)" "檔名須為 1 至 255 位元組、不含 '/' 的 UTF-8 文字"
jreq adam POST "/evidence?lang=en" '{"control_id":"SR.4","name":"a/b","content_base64":"aGk="}'
check "API en: bad evidence name" contains "$(jget error.message)" "the file name must be 1 to 255 bytes of UTF-8 text without '/'"
req adam GET /evidence
check "no evidence was stored" test "$(jpy 'len(b["evidence"])')" = 0
check_clean_stop
finish
