#!/bin/sh
# Everything a user reads follows --lang, zh-TW by default (issue 12 item 11): every
# command's --help, the dispatcher's errors, `user show` labels, enum values in register
# tables, scan N/A reasons; and the text's own terms (第三類 and 安全分類, not 第3級 / 分級;
# 符記 for a token; 逾期 for overdue in both `due` and the account of a duty).
. "$TOP/tests/cli/lib.sh"
unset BROKERSEC_LANG
D="$T/data"
export BROKERSEC_DATA="$D" COLUMNS=300
has_cjk() { printf '%s' "$1" | python3 -c 'import sys; t = sys.stdin.read(); sys.exit(0 if any("\u4e00" <= c <= "\u9fff" for c in t) else 1)'; }

commands=$("$BROKERSEC" --lang en --help | sed -n 's/^  \([a-z-]*\) .*/\1/p')
check "the command list is read" [ -n "$commands" ]
for c in $commands; do
	run "$BROKERSEC" "$c" --help
	check "$c --help: zh-TW by default" has_cjk "$out"
	check "$c --help: 用法" contains "$out" "用法: brokersec $c"
	run "$BROKERSEC" "$c" --help --lang en
	check "$c --help --lang en: English" contains "$out" "usage: brokersec $c"
	check "$c --help --lang en: no 用法" ! contains "$out" "用法"
done
run "$BROKERSEC" --help
check "brokersec --help: zh-TW" contains "$out" "用法: brokersec"

# a sample of errors, each in both languages
errs() { # NAME EXPECTED-ZH EXPECTED-EN ARGS...
	_n=$1 _zh=$2 _en=$3
	shift 3
	run "$BROKERSEC" "$@"
	check "$_n: zh-TW by default" contains "$err" "$_zh"
	run "$BROKERSEC" --lang en "$@"
	check "$_n: --lang en" contains "$err" "$_en"
}
errs "unknown command" "不認得的命令 'bogus'" "unknown command 'bogus'" bogus
errs "unknown verb" "不認得的動詞 'bogus'：請用 add、list" "unknown verb 'bogus': use add, list" user bogus
errs "missing verb" "缺少動詞" "missing verb" user
errs "option of another verb" "選項 '--format' 不適用於 'user disable'" "option '--format' does not apply to 'user disable'" \
	user disable kim --format json
errs "unexpected argument" "多餘的參數 'x'" "unexpected argument 'x'" status x
errs "unknown format" "不認得的 --format 'xml'" "unknown --format 'xml'" due --format xml
errs "bad --within" "--within 'x'：請給 0 到" "--within 'x': give a whole number from 0 to" due --within x
errs "a password on the command line" "密碼絕不取自命令列" "a password is never taken from the command line" \
	system list --password x

# labels and values read in the reader's language
"$BROKERSEC" init --org 語言測試 --internal-control yes >/dev/null 2>&1
"$BROKERSEC" user add --username kim --role auditor >/dev/null 2>&1
run "$BROKERSEC" user show kim
check "user show: zh-TW labels" contains "$out" "角色"
check "user show: the role in the text's words" contains "$out" "稽核"
check "user show: no English labels" ! contains "$out" "username:"
check "user show: the Taiwan date beside UTC" contains "$out" "（台灣 "
run "$BROKERSEC" user show kim --lang en
check "user show --lang en: English labels" contains "$out" "username"
check "user show --lang en: (Taiwan ...)" contains "$out" "(Taiwan "
b() { "$BROKERSEC" "$@" >/dev/null 2>&1 || echo "setup failed: $*"; }
b person add --name 王小明 --role security --hired 2020-01-01
b person add --name 李四 --role it --hired 2020-01-01
b job-change add --person 2 --date 2024-01-01 --kind leave
b system add --name 核心系統 --category 1
b incident add --title 勒索 --detected 2025-03-31T20:00:00+08:00 --severity critical --major yes --systems 1
b plan add --approved 2024-01-01 --approved-by board
run "$BROKERSEC" person list
check "person list: security is 資安專責人員 (a cell wraps, never cut)" contains "$out" "資安專責"
check "person list: no bare 'security'" ! contains "$out" " security "
check "person list: nothing cut" ! contains "$out" "…"
run "$BROKERSEC" person show 1
check "person show: security is 資安專責人員" contains "$out" "資安專責人員"
run "$BROKERSEC" person show 1 --lang en
check "person show --lang en: security staff" contains "$out" "security staff"
run "$BROKERSEC" job-change list
check "job-change list: leave is 離職" contains "$out" "離職"
run "$BROKERSEC" job-change show 1
check "job-change show: the person by name (issue 12 item 13)" contains "$out" "李四 (2)"
run "$BROKERSEC" plan list
check "plan list: board is 董事會" contains "$out" "董事會"
run "$BROKERSEC" plan list --format json
check "json keeps the stored value" contains "$out" '"approved_by": "board"'
# a system's category and an app's class read as the text says them (第一類 ... 第三類)
b device add --asset-tag SRV-01 --kind server --system 1
b app add --name 行動投保 --class 3 --platform both --transactions yes --system 1
run "$BROKERSEC" system list
check "system list: category 1 is 第一類" contains "$out" "第一類"
run "$BROKERSEC" system show 1
check "system show: category 1 is 第一類" contains "$out" "第一類"
run "$BROKERSEC" system list --lang en
check "system list --lang en: no 第一類" ! contains "$out" "第一類"
run "$BROKERSEC" system list --format json
check "system json keeps the number" contains "$out" '"category": 1'
run "$BROKERSEC" app list
check "app list: class 3 is 第三類" contains "$out" "第三類"
check "app list: both is 兩者" contains "$out" "兩者"
run "$BROKERSEC" app list --format json
check "app json keeps the number" contains "$out" '"class": 3'
check "app json keeps the token" contains "$out" '"platform": "both"'
run "$BROKERSEC" device list
check "device list: server is 伺服器" contains "$out" "伺服器"
check "device list: in-use is 使用中" contains "$out" "使用中"
check "device list: no bare 'server'" ! contains "$out" "server"
run "$BROKERSEC" device list --lang en
check "device list --lang en: server" contains "$out" "server"

# the text's own terms
run "$BROKERSEC" app add --name 行動投保 --class 3 --met A1.T1.99
check "app: the class is 安全分類 in help" contains "$("$BROKERSEC" app --help)" "安全分類"
run "$BROKERSEC" user token kim --scope registers.read --days 1
check "a token is a 符記" contains "$out" "符記"
check "no 權杖" ! contains "$out" "權杖"
run "$BROKERSEC" due --as-of 2030-01-01
check "due: overdue is 逾期" contains "$out" "逾期"
check "due: a duty's subject by name (issue 12 item 13: person:1 -> 王小明 (1))" contains "$out" "person 王小明 (1)"
grep -rn "第%d級\|級 App" "$TOP/src" > "$T/grade" 2>/dev/null
check "no 第N級 for an app class in the sources" [ ! -s "$T/grade" ]

# scan: a not-applicable reason in zh-TW, in English with --lang en
mkdir -p "$T/root/etc"
echo ID=debian > "$T/root/etc/os-release" # a root holds a system (an empty one is refused)
run "$BROKERSEC" scan --root "$T/root" --only linux.sshd.
check "scan N/A reason: zh-TW" contains "$out" "未安裝 sshd"
run "$BROKERSEC" scan --root "$T/root" --only linux.sshd. --lang en
check "scan N/A reason: English" contains "$out" "sshd is not installed"
run "$BROKERSEC" scan --root "$T/root" --only linux.sshd. --format json
check "scan json: both languages" contains "$out" '"reason_zh"'
finish
