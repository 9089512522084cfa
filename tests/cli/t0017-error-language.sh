#!/bin/sh
# Messages made below the CLI (bs_error) follow the language: zh-TW by default, English with
# --lang en or BROKERSEC_LANG=en; over the API a request's ?lang= or Accept-Language decides,
# and a request naming none keeps English. Real failures: a bad register field, an unknown
# record, a weak password (A2.5.4.2.4), a missing data directory, a bad evidence path.
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
