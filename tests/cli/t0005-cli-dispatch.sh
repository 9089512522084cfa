#!/bin/sh
# The command table and the verb tables (src/main.c, src/cmd/cli.c): an unknown verb is
# refused before anything is asked, read or opened; an option a verb does not take is
# refused by name; every command and register answers --help and is listed by --help.
. "$TOP/tests/cli/lib.sh"
NONE="$T/none"
cd "$T" || exit 1
export BROKERSEC_DATA="$NONE"
# The dispatcher's messages follow --lang (zh-TW by default, t0012); they are checked here in
# English, so the language is set once. The zh-TW checks below say --lang zh-TW.
export BROKERSEC_LANG=en

commands="init profile controls evidence status scan intake user policy serve log due"
# the registers, from their files: each is a command without a row in main.c
registers=$(for f in "$TOP"/src/registry/reg_*.c; do
	n=${f##*/reg_}
	printf '%s\n' "${n%.c}" | tr _ -
done)
check "the registers are found" test -n "$registers"

# An unknown verb: status 2, the verbs listed, before any prompt (stdin closed and empty),
# option value or data directory, and nothing created.
for c in user log evidence profile policy $registers; do
	run "$BROKERSEC" "$c" bogus --data "$NONE" <&-
	check "$c bogus: usage error" [ "$rc" -eq 2 ]
	check "$c bogus: says the verb is unknown" contains "$err" "unknown verb 'bogus': use "
	check "$c bogus: lists the verbs" contains "$err" " or "
	check "$c bogus: opened nothing" [ ! -e "$NONE" ]
	run "$BROKERSEC" "$c" bogus </dev/null
	check "$c bogus (stdin empty, no --data): usage error" [ "$rc" -eq 2 ]
	check "$c bogus (stdin empty, no --data): unknown verb" contains "$err" "unknown verb 'bogus'"
	check "$c bogus (no --data): no data directory made" [ ! -e "$NONE" ]
	check "$c bogus (no --data): no ./brokersec-data made" [ ! -e "$T/brokersec-data" ]
done
run "$BROKERSEC" user bogus --username x --password-stdin --max-sessions x --data "$NONE" <&-
check "user bogus: the verb before option values and stdin" contains "$err" "unknown verb 'bogus'"
check "user bogus: lists the verbs" contains "$err" "add, list, show"
check "user bogus: stdin not read" ! contains "$err" "no password on standard input"
run "$BROKERSEC" user </dev/null
check "no verb: usage error" [ "$rc" -eq 2 ]
check "no verb: says so and lists the verbs" contains "$err" "missing verb: use add, list"
run "$BROKERSEC" vendor import x.csv
check "import on a register without CSV: usage error" [ "$rc" -eq 2 ]
check "import on a register without CSV: names those with it" contains "$err" "only asset, device, person and training have CSV"

# Options that do not belong to the verb, refused by name before anything is opened.
refused() { # refused OPTION VERB-AS-SHOWN ARGS...
	_o=$1 _v=$2
	shift 2
	run "$BROKERSEC" "$@" --data "$NONE" <&-
	check "$* : usage error" [ "$rc" -eq 2 ]
	check "$* : names the option and the verb" contains "$err" "option '$_o' does not apply to '$_v'"
	check "$* : opened nothing" [ ! -e "$NONE" ]
}
refused --password-stdin "user list" user list --password-stdin
refused --format "user disable" user disable kim --format json
refused --format "user roles" user roles --format json
refused --role "user show" user show kim --role admin
refused --bundle "log status" log status --bundle b
refused --type "log tail" log tail --type x
refused -n "log status" log status -n 3
refused --file "evidence list" evidence list --file f
refused --format "profile set" profile set --format json cloud=yes
refused --format "policy set" policy set --format json lockout.minutes=30
refused --name "system list" system list --name x
refused --all "system show" system show 1 --all
refused --format "person export" person export --format json
refused --owner "asset history" asset history 1 --owner x

# A verb's own checks come before the data directory too.
run "$BROKERSEC" user show --data "$NONE"
check "user show without a name: usage error" [ "$rc" -eq 2 ]
check "user show without a name: says so" contains "$err" "'user show' needs a USERNAME"
check "user show without a name: opened nothing" [ ! -e "$NONE" ]
run "$BROKERSEC" log verify --bundle b --data "$NONE"
check "verify --bundle without --key: usage error" [ "$rc" -eq 2 ]
check "verify --bundle without --key: opened nothing" [ ! -e "$NONE" ]
run "$BROKERSEC" status extra --data "$NONE"
check "status with an argument: usage error" [ "$rc" -eq 2 ]
check "status with an argument: opened nothing" [ ! -e "$NONE" ]
# A verb that needs no data directory runs without one.
run "$BROKERSEC" user roles --data "$NONE"
check "user roles needs no data directory" [ "$rc" -eq 0 ]
check "user roles prints the matrix" contains "$out" "| permission |"
check "user roles opened nothing" [ ! -e "$NONE" ]

# --help of every command and register; brokersec --help lists them all.
for c in $commands $registers; do
	run "$BROKERSEC" "$c" --help --lang zh-TW
	check "$c --help: status 0" [ "$rc" -eq 0 ]
	check "$c --help: its usage in zh-TW (issue 12 item 11)" contains "$out" "用法: brokersec $c"
	run "$BROKERSEC" "$c" --help --lang en
	check "$c --help --lang en: its usage" contains "$out" "usage: brokersec $c"
done
run "$BROKERSEC" --lang en --help
check "brokersec --help: status 0" [ "$rc" -eq 0 ]
for c in $commands $registers; do
	check "brokersec --help lists $c" contains "$out" "
  $c "
done
check "brokersec --help: register summaries from the descriptors" contains "$out" "register: computer systems and their category"
run "$BROKERSEC" --lang zh-TW help
check "brokersec help lists the registers" contains "$out" "電腦系統登錄（分類）"
run "$BROKERSEC" --lang zh-TW bogus
check "unknown command: usage error" [ "$rc" -eq 2 ]
check "unknown command: says so" contains "$err" "不認得的命令 'bogus'"
run "$BROKERSEC" --lang en bogus
check "unknown command: says so in English" contains "$err" "unknown command 'bogus'"

# With a data directory: the verbs still work, options before the verb too, every register runs.
D="$T/data"
run "$BROKERSEC" init --data "$D" --org "Dispatch Test" --internal-control no --admin boss --lang en
check "init" [ "$rc" -eq 0 ]
run "$BROKERSEC" user --data "$D" list
check "options before the verb" [ "$rc" -eq 0 ]
check "options before the verb (2)" contains "$out" "boss"
run "$BROKERSEC" user list --data "$D" --format json
check "a verb's own option" contains "$out" '"username": "boss"'
for r in $registers; do
	run "$BROKERSEC" "$r" list --data "$D" --lang en
	check "$r list runs" [ "$rc" -eq 0 ]
	check "$r list (2)" contains "$out" "0 records"
done
run "$BROKERSEC" profile set cloud=yes --data "$D"
check "a writing verb" [ "$rc" -eq 0 ]
run "$BROKERSEC" log search --data "$D" --type profile.set --format json
check "the writing verb's event names the OS user" contains "$out" "\"user\":\"$(id -un)\""
finish
