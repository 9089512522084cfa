#!/bin/sh
# user and policy commands: the account lifecycle from the CLI, the policy that only
# tightens, the first admin made by init, and docs/roles.md matching the table in code.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
run "$BROKERSEC" init --data "$D" --org "Test Broker" --internal-control no --admin boss --lang en
check "init ok" test "$rc" = 0
check "init prints the one-time password once" test "$(printf '%s\n' "$out" | grep -c '^one-time password')" = 1
check "first admin exists" contains "$("$BROKERSEC" user list --data "$D")" "boss"
run "$BROKERSEC" user show --data "$D" boss --format json
check "first admin must change its password" contains "$out" '"must_change_password": true'
check "first admin is admin" contains "$out" '"role": "admin"'

run "$BROKERSEC" user add --data "$D" --username kim --role it_staff --full-name "金小明" --lang en
check "add prints a one-time password" contains "$out" "one-time password"
pw=$(printf '%s\n' "$out" | sed -n 's/^one-time password.*: //p')
check "generated password is 20 characters" test "${#pw}" = 20
run "$BROKERSEC" --lang en user add --data "$D" --username kim --role it_staff
check "duplicate refused" test "$rc" = 1
check "duplicate refused (2)" contains "$err" "exists already"
run "$BROKERSEC" --lang en user add --data "$D" --username Bad/Name --role it_staff
check "bad username refused with the rule" test "$rc" = 1
check "bad username refused with the rule (2)" contains "$err" "lower-case"
run "$BROKERSEC" user add --data "$D" --username zed --role root
check "unknown role refused" test "$rc" = 1
check "unknown role refused (2)" contains "$err" "security_officer"
run "$BROKERSEC" user add --data "$D" --username tmp1 --role employee --temporary
check "temporary needs --expires" test "$rc" = 2
run "$BROKERSEC" user add --data "$D" --username tmp1 --role employee --temporary --expires 2099-01-01
check "temporary with expiry" test "$rc" = 0
printf 'password\n' | "$BROKERSEC" --lang en user add --data "$D" --username weak --role employee --password-stdin \
	>"$T/o" 2>"$T/e"
check "weak --password-stdin refused" test $? = 1
check "weak --password-stdin refused (2)" grep -q "at least 12" "$T/e"

run "$BROKERSEC" user disable --data "$D" kim
check "disable" test "$rc" = 0
run "$BROKERSEC" user disable --data "$D" kim
check "disable twice refused" test "$rc" = 1
run "$BROKERSEC" user enable --data "$D" kim
check "enable" test "$rc" = 0
run "$BROKERSEC" user set-role --data "$D" kim auditor
check "set-role" test "$rc" = 0
check "set-role (2)" contains "$out" "auditor"
run "$BROKERSEC" user reset --data "$D" kim --lang en
check "reset prints a 64-hex token" test "$(printf '%s\n' "$out" | tail -n 1 | grep -c '^[0-9a-f]\{64\}$')" = 1
run "$BROKERSEC" user totp --data "$D" kim --lang en
check "totp prints otpauth URI" contains "$out" "otpauth://totp/brokersec:kim?secret="
run "$BROKERSEC" user delete --data "$D" kim
check "delete" test "$rc" = 0
run "$BROKERSEC" user list --data "$D" --format json
check "deleted account not listed" test "$(printf '%s' "$out" | grep -c '"kim"')" = 0
run "$BROKERSEC" user enable --data "$D" kim
check "deleted stays deleted" test "$rc" = 1
check "deleted stays deleted (2)" contains "$err" "archived"
run "$BROKERSEC" user set-role --data "$D" kim employee
check "a deleted account gets no role" test "$rc" = 1
check "a deleted account gets no role (2)" contains "$err" "cannot be given a role"
run "$BROKERSEC" user unlock --data "$D" kim
check "a deleted account is not unlocked" test "$rc" = 1
check "a deleted account is not unlocked (2)" contains "$err" "cannot be unlocked"
run "$BROKERSEC" user totp --data "$D" kim
check "a deleted account gets no second factor" test "$rc" = 1
run "$BROKERSEC" --lang en user set-role --data "$D" boss employee
check "the last active admin keeps its role" test "$rc" = 1
check "the last active admin keeps its role (2)" contains "$err" "last active admin"
run "$BROKERSEC" user disable --data "$D" boss
check "the last active admin is not disabled" test "$rc" = 1
run "$BROKERSEC" --lang en user show --data "$D" nobody
check "unknown user: says so" test "$rc" = 1
check "unknown user: says so (2)" contains "$err" "no account 'nobody'"

run "$BROKERSEC" user review --data "$D" --format json
check "review lists anomalies" contains "$out" "never signed in"
check "review names the reviewer" contains "$out" '"reviewed_by"'
run "$BROKERSEC" log search --data "$D" --type account.review --format json
check "review recorded" contains "$out" "account review"
run "$BROKERSEC" due --data "$D" --format json --lang en
check "the review feeds the account-review deadline" contains "$out" "last account review $(date -u +%Y-%m-%d)"
for ty in account.create account.disable account.enable account.role account.reset account.delete account.totp_enroll; do
	run "$BROKERSEC" log search --data "$D" --type "$ty" --format json
	check "event $ty" test -n "$out" -a "$out" != "[]"
done

run "$BROKERSEC" policy show --data "$D"
check "policy show" contains "$out" "lockout.minutes"
run "$BROKERSEC" policy set --data "$D" lockout.minutes=30 password.min_length=14
check "tighten" test "$rc" = 0
run "$BROKERSEC" policy show --data "$D" --format json
check "tightened values kept" contains "$out" '"value": 30'
run "$BROKERSEC" policy set --data "$D" lockout.threshold=10
check "looser refused" test "$rc" = 1
check "looser refused (2)" contains "$err" "A2.5.4.2.3"
run "$BROKERSEC" policy set --data "$D" password.min_age_days=30 password.max_age_days=30
check "inconsistent ages refused" test "$rc" = 1

run "$BROKERSEC" user roles
sed -n '/^| permission |/,/^$/p' "$TOP/docs/roles.md" | sed '/^$/d' >"$T/doc-matrix"
printf '%s\n' "$out" >"$T/code-matrix"
check "docs/roles.md matrix = the table in code" cmp -s "$T/doc-matrix" "$T/code-matrix"
run "$BROKERSEC" user privileges
sed -n '/^| operation | by \\ on |/,/^$/p' "$TOP/docs/roles.md" | sed '/^$/d' >"$T/doc-priv"
printf '%s\n' "$out" >"$T/code-priv"
check "docs/roles.md who-may-act-on-whom = the table in code" cmp -s "$T/doc-priv" "$T/code-priv"
check "the privilege table has every operation x actor" test "$(grep -c '^| ' "$T/code-priv")" = 47
finish
