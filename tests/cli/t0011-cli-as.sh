#!/bin/sh
# Who acts on the command line (issue 12 item 14, docs/roles.md "--as"): a change made with
# --as USER (password from --password-file or $BROKERSEC_PASSWORD, never argv) or with an API
# token (--token-file) is an event naming the account and actor_kind "account"; without them
# the OS user, actor_kind "os-user". A wrong password is refused, changes nothing and counts
# toward the lockout (A2.5.4.2.3: 5 failures lock the account).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
signin adm root1 "$ADMIN_PW"
activate a alice security_officer
stop_server
export BROKERSEC_DATA="$D"
printf '%s\n' "$PW1" > "$T/pw"
printf 'wrong-password-123\n' > "$T/bad"
chmod 600 "$T/pw" "$T/bad"
unset BROKERSEC_PASSWORD

# the last event of a type, as JSON on one line
last_event() { "$BROKERSEC" log tail -n 200 --format json 2>/dev/null | grep "\"type\":\"$1\"" | tail -n 1; }

run "$BROKERSEC" system add --name 核心系統 --category 1 --as alice --password-file "$T/pw"
check "--as alice with --password-file: the change is made" [ "$rc" -eq 0 ]
ev=$(last_event register.system.add)
check "the event names the account" contains "$ev" '"user":"alice"'
check "the event says it is an account" contains "$ev" '"actor_kind":"account"'

run "$BROKERSEC" system add --name 人資 --category 3
check "without --as: the change is made" [ "$rc" -eq 0 ]
ev=$(last_event register.system.add)
check "without --as: the OS user, said so" contains "$ev" '"actor_kind":"os-user"'
check "without --as: the OS user's name" contains "$ev" "\"user\":\"$(id -un)\""

# the option before the command works the same, and $BROKERSEC_PASSWORD
run env BROKERSEC_PASSWORD="$PW1" "$BROKERSEC" --as alice system add --name 保單 --category 2
check "--as before the command, password from the environment" [ "$rc" -eq 0 ]

# a wrong password: refused, nothing changed, counted toward the lockout
n0=$("$BROKERSEC" system list --format json | grep -c '"name"')
run "$BROKERSEC" system add --name 不應存在 --category 3 --as alice --password-file "$T/bad"
check "wrong password: refused" [ "$rc" -eq 1 ]
check "wrong password: says the sign-in failed (zh-TW)" contains "$err" "登入失敗"
check "wrong password: nothing added" [ "$("$BROKERSEC" system list --format json | grep -c '"name"')" -eq "$n0" ]
check "the failure is an auth.login event" contains "$(last_event auth.login)" "wrong password"
for i in 2 3 4 5; do
	"$BROKERSEC" system add --name x --category 3 --as alice --password-file "$T/bad" >/dev/null 2>&1
done
run "$BROKERSEC" system add --name 鎖定後 --category 3 --as alice --password-file "$T/pw" --lang en
check "after 5 failures even the right password is refused (locked)" [ "$rc" -eq 1 ]
check "locked: English with --lang en" contains "$err" "sign-in failed"
run "$BROKERSEC" user show alice --format json
check "wrong passwords counted toward the lockout: locked" contains "$out" '"locked": true'
"$BROKERSEC" user unlock alice >/dev/null 2>&1

# an unknown account: refused and recorded
run "$BROKERSEC" system add --name y --category 3 --as nobody --password-file "$T/pw"
check "unknown account refused" [ "$rc" -eq 1 ]
check "unknown account recorded" contains "$(last_event auth.login)" "unknown account 'nobody'"

# a new account must change its password first, as on the server
"$BROKERSEC" user add --username bob --role it_staff >/dev/null 2>&1
run env BROKERSEC_PASSWORD="$PW0" "$BROKERSEC" system add --name z --category 3 --as bob
check "must change its password: refused" [ "$rc" -eq 1 ]

# no password from argv: --password is not an option
run "$BROKERSEC" system add --name z --category 3 --as alice --password "$PW1"
check "--password on the command line is refused" [ "$rc" -eq 2 ]
check "--password: the refusal does not repeat the password" ! contains "$err" "$PW1"
check "--password: says where a password comes from" contains "$err" "--password-file"
run "$BROKERSEC" --password "$PW1" --as alice system list
check "--password before the command is refused too" [ "$rc" -eq 2 ]
# --password-file without --as
run "$BROKERSEC" system add --name z --category 3 --password-file "$T/pw"
check "--password-file without --as is refused" [ "$rc" -eq 1 ]
# a command without a data directory has nobody to sign in as
run "$BROKERSEC" controls --id SR.4 --as alice --password-file "$T/pw"
check "--as on a command without a data directory: refused" [ "$rc" -eq 1 ]

# least privilege: an account acts with its own role's rights
run "$BROKERSEC" user set-role alice auditor
run "$BROKERSEC" system add --name 稽核不能新增 --category 3 --as alice --password-file "$T/pw"
check "an auditor may not add a record" [ "$rc" -eq 1 ]
check "it names the missing permission" contains "$err" "registers.write"
check "the refusal is an event" contains "$(last_event auth.denied)" "lacks registers.write"
run "$BROKERSEC" system list --as alice --password-file "$T/pw"
check "an auditor may read the registers" [ "$rc" -eq 0 ]
run "$BROKERSEC" user set-role alice security_officer

# an API token from --token-file: its account acts, within the token's scope
run "$BROKERSEC" user token alice --scope registers.write --days 1 --lang en
tok=$(printf '%s\n' "$out" | grep -o 'bst_[0-9a-f]*' | head -n 1)
check "a token was issued" [ -n "$tok" ]
printf '%s\n' "$tok" > "$T/tok"
chmod 600 "$T/tok"
run "$BROKERSEC" system add --name 符記系統 --category 3 --token-file "$T/tok"
check "--token-file: the change is made" [ "$rc" -eq 0 ]
ev=$(last_event register.system.add)
check "--token-file: the event names the token's account" contains "$ev" '"user":"alice"'
run "$BROKERSEC" user token alice --scope registers.read --days 1 --lang en
printf '%s\n' "$(printf '%s\n' "$out" | grep -o 'bst_[0-9a-f]*' | head -n 1)" > "$T/tok2"
run "$BROKERSEC" system add --name 範圍外 --category 3 --token-file "$T/tok2"
check "a token without registers.write is refused" [ "$rc" -eq 1 ]
check "the refusal uses the text's word 符記" contains "$err" "符記"
printf 'bst_%064d\n' 0 > "$T/tok3"
run "$BROKERSEC" system add --name 假 --category 3 --token-file "$T/tok3"
check "an unknown token is refused" [ "$rc" -eq 1 ]
finish
