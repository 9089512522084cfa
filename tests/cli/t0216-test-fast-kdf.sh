#!/bin/sh
# The test suite's Argon2id cost (datadir.h, "test data directories"): `init --test-fast-kdf`
# only in a test run (BROKERSEC_TESTING=1); the mark is the directory's own state, so it holds
# whatever the environment later says; a marked directory warns on every command, fails
# A2.5.4.4 in `status` and serves on loopback only; a real directory keeps the production
# cost and refuses to sign in with a cheap hash copied from a test directory.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
X="$T/test-dir"
R="$T/real-dir"
WARN="TEST DATA DIRECTORY: passwords are hashed at the weakest cost"

# the state and reason of A2.5.4.4 in $out (status --format json)
a2544() {
	printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin)
c=[c for g in d["groups"] for c in g["controls"] if c["id"]=="A2.5.4.4"][0]
print(c["state"], "|", c["reason"]["en"])'
}
pw_hash() { # pw_hash DIR USER
	sqlite3 "$1/brokersec.db" "SELECT pw_hash FROM account WHERE username = '$2'"
}

# --- refused outside a test run, before anything is made ---
for env in "-u BROKERSEC_TESTING" "BROKERSEC_TESTING=0" "BROKERSEC_TESTING=yes" "BROKERSEC_TESTING="; do
	# shellcheck disable=SC2086 # $env is one or two words on purpose
	run env $env "$BROKERSEC" init --data "$X" --org "Test" --internal-control no --test-fast-kdf --lang en
	check "init --test-fast-kdf with $env: refused" test "$rc" = 1
	check "init --test-fast-kdf with $env: says it is for the test suite" contains "$err" "BROKERSEC_TESTING=1"
	check "init --test-fast-kdf with $env: nothing made" test ! -e "$X"
done

# --- a test data directory ---
run "$BROKERSEC" init --data "$X" --org "Test" --internal-control no --test-fast-kdf --admin root1 --lang en
check "init --test-fast-kdf in a test run" test "$rc" = 0
check "init warns" contains "$err" "$WARN"
xpw=$(printf '%s\n' "$out" | sed -n 's/^one-time password.*: //p')
check "the mark is in the directory's database" test "$(sqlite3 "$X/brokersec.db" 'SELECT fast_kdf FROM test_marker')" = 1
check "hashes at the minimum cost" contains "$(pw_hash "$X" root1)" '$argon2id$v=19$m=8,t=1,p=1$'
run "$BROKERSEC" log search --data "$X" --type datadir.init --format json
check "the init event says so" contains "$out" 'test_fast_kdf'
run "$BROKERSEC" status --data "$X" --format json --lang en
check "status warns" contains "$err" "$WARN"
check "status: A2.5.4.4 not met, test data directory" test "$(a2544)" = "not_met | test data directory: weak password hashing"
run "$BROKERSEC" status --all --data "$X" --lang en
check "status table names the reason" contains "$out" "test data directory: weak password hashing"
# the mark is state: without the environment it still holds
run env -u BROKERSEC_TESTING "$BROKERSEC" status --data "$X" --format json --lang en
check "without BROKERSEC_TESTING: still warned" contains "$err" "$WARN"
check "without BROKERSEC_TESTING: still not met" test "$(a2544)" = "not_met | test data directory: weak password hashing"
run env -u BROKERSEC_TESTING "$BROKERSEC" user list --data "$X" --lang en
check "every command warns (user list)" contains "$err" "$WARN"
printf '%s\n' "$PW0" | "$BROKERSEC" user add --data "$X" --username copy --role employee --password-stdin --lang en \
	>/dev/null 2>"$T/add.err"
check "user add warns" contains "$(cat "$T/add.err")" "$WARN"
check "a new account's hash is cheap too" contains "$(pw_hash "$X" copy)" 'm=8,t=1'

# serve: loopback only
for addr in 0.0.0.0:0 '[::]:0' 192.0.2.1:0 localhost:0; do
	run "$BROKERSEC" serve --data "$X" --listen "$addr" --lang en
	check "serve on $addr refused" test "$rc" = 1
	check "serve on $addr: says why" contains "$err" "it serves on a loopback address only"
done
D="$X"
start_server --lang en
check "serve on 127.0.0.1 warns" contains "$(cat "$T/serve.err")" "$WARN"
signin a root1 "$xpw"
check "a cheap hash signs in on the test directory" test "$status" = 200
check_clean_stop

# --- a real data directory: no mark, production cost ---
run "$BROKERSEC" init --data "$R" --org "Real" --internal-control no --admin root1 --lang en
check "init without the option" test "$rc" = 0
check "no warning" ! contains "$err" "TEST DATA"
check "no mark" test "$(sqlite3 "$R/brokersec.db" 'SELECT count(*) FROM test_marker')" = 0
check "hashes at the production cost" contains "$(pw_hash "$R" root1)" '$argon2id$v=19$m=65536,t=3,p=1$'
run "$BROKERSEC" status --data "$R" --format json --lang en
check "status: no warning" ! contains "$err" "TEST DATA"
check "status: A2.5.4.4 is not the test directory's" ! contains "$(a2544)" "test data directory"

# a hash copied from the test directory opens nothing here
printf '%s\n' "$PW0" | "$BROKERSEC" user add --data "$R" --username copy --role employee --password-stdin >/dev/null
check "the real account's hash is at the production cost" contains "$(pw_hash "$R" copy)" 'm=65536,t=3'
D="$R"
start_server --lang en
check "the real server does not warn" ! contains "$(cat "$T/serve.err")" "TEST DATA"
signin c copy "$PW0"
check "its own hash signs in" test "$status" = 200
sqlite3 "$R/brokersec.db" "UPDATE account SET pw_hash = '$(pw_hash "$X" copy)' WHERE username = 'copy'"
check "the copied hash is the test directory's" contains "$(pw_hash "$R" copy)" 'm=8,t=1'
signin c copy "$PW0"
check "a cheap hash copied from a test directory does not sign in" test "$status" = 401
check_clean_stop
finish
