#!/bin/sh
# serve: who may act on whom (issue 10 items 1 and 13). Every actor role x target role x
# operation through the real HTTPS API, with the expected codes written out here
# independently of src/auth/perm.c; the attack of item 1 replayed step by step; a reset
# admin's second factor bound to its owner; deleted accounts and the last active admin.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
# Sign-in, password and TOTP routes are throttled per source address (30 a minute): the
# replayed attacks come from 127.0.0.2 so that the set-up above does not use up their budget.
CURL_SRC=""
curl() {
	if [ -n "$CURL_SRC" ]; then command curl --interface "$CURL_SRC" "$@"; else command curl "$@"; fi
}
start_server
activate admin adam admin
activate security_officer sol security_officer
activate auditor aud auditor
activate it_staff ivan it_staff
activate employee emma employee
ROLES="admin security_officer auditor it_staff employee"

# ---- item 1, replayed: a security officer makes itself admin through a fresh admin ----
CURL_SRC=127.0.0.2
add_user vic admin
req security_officer POST /users/vic/reset
check "attack: the security officer cannot reset an admin" test "$status" = 403
tok=$(jget reset_token)
check "attack: no token handed out" test -z "$tok"
jreq - POST /password-reset "{\"token\":\"${tok:-$(printf '%064d' 0)}\",\"new_password\":\"$PW2\"}"
signin v vic "$PW2"
jreq v POST /me/totp "{\"password\":\"$PW2\"}"
secret=$(jget secret)
jreq v POST /me/totp/confirm "{\"code\":\"$(totp "${secret:-AAAAAAAA}")\"}"
keep_csrf v
jreq v PATCH /users/sol '{"role":"admin"}'
run "$BROKERSEC" user show --data "$D" sol --format json
check "attack: the security officer is still a security officer" contains "$out" '"role": "security_officer"'
run "$BROKERSEC" user show --data "$D" vic --format json
check "attack: the admin's password is untouched (never signed in)" contains "$out" '"last_login": null'

# ---- an admin may reset an admin; a second factor then comes only from the server ----
add_user wes admin
req admin POST /users/wes/reset
check "admin resets an admin" test "$status" = 200
tok=$(jget reset_token)
jreq - POST /password-reset "{\"token\":\"$tok\",\"new_password\":\"$PW2\"}"
check "the token is used" test "$status" = 200
signin w wes "$PW2"
check "the reset admin signs in" test "$status" = 200
check "held at the second-factor step" test "$(jget must_enroll_totp)" = true
jreq w POST /me/totp "{\"password\":\"$PW2\"}"
check "the token's user cannot set up the second factor itself" test "$status" = 403
check "it is told where the factor comes from" contains "$body" "brokersec user totp wes"
check "no seed in the refusal" test -z "$(jget secret)"
req w GET /me
check "/me says the factor comes from the server" test "$(jget totp_cli_only)" = true
req w GET /users
check "nothing else meanwhile" test "$status" = 403 -a "$(jget error.code)" = totp_enrolment_required
run "$BROKERSEC" user totp --data "$D" wes --lang en
wsecret=$(printf '%s\n' "$out" | sed -n '2p')
check "the server's owner issues the seed" test -n "$wsecret"
signin w2 wes "$PW2"
check "now the password alone does not sign in" test "$status" = 401
jreq w2 POST /session "{\"username\":\"wes\",\"password\":\"$PW2\",\"totp\":\"$(totp "$wsecret")\"}"
keep_csrf w2
check "the seed's code signs in and confirms it" test "$status" = 200 -a "$(jget must_enroll_totp)" = false
req w2 GET /users
check "the owner of the seed works" test "$status" = 200

# an admin with a confirmed factor keeps it through a reset
activate abe abe admin
req admin POST /users/abe/reset
tok=$(jget reset_token)
jreq - POST /password-reset "{\"token\":\"$tok\",\"new_password\":\"$PW2\"}"
check "reset of an admin with a factor" test "$status" = 200
signin a2 abe "$PW2"
check "its factor stays required after the reset" test "$status" = 401
CURL_SRC=""

# want OP ACTOR TARGET_ROLE: the expected status
want() {
	case "$1:$2" in
	create:admin) echo 201 ;;
	*:admin) echo 200 ;;
	reset:security_officer | unlock:security_officer)
		case "$3" in admin | security_officer) echo 403 ;; *) echo 200 ;; esac ;;
	*) echo 403 ;;
	esac
}

# one target per operation and role; the admin acts last, so every refused attempt of the
# other roles meets the target unchanged
for op in reset unlock disable enable delete role; do
	for t in $ROLES; do
		add_user "x-$op-$t" "$t"
		[ "$op" = enable ] && "$BROKERSEC" user disable --data "$D" "x-$op-$t" >/dev/null
	done
done
for op in create reset unlock disable enable delete role; do
	for a in employee it_staff auditor security_officer admin; do
		for t in $ROLES; do
			u="x-$op-$t"
			case "$op" in
			create) jreq "$a" POST /users "{\"username\":\"n-$a-$t\",\"role\":\"$t\"}" ;;
			reset | unlock) req "$a" POST "/users/$u/$op" ;;
			disable) jreq "$a" PATCH "/users/$u" '{"state":"disabled"}' ;;
			enable) jreq "$a" PATCH "/users/$u" '{"state":"active"}' ;;
			delete) req "$a" DELETE "/users/$u" ;;
			role)
				to=employee
				[ "$t" = employee ] && to=auditor
				jreq "$a" PATCH "/users/$u" "{\"role\":\"$to\"}" ;;
			esac
			echo "$op $a $t $status $(want "$op" "$a" "$t")"
			if [ "$op" = reset ] && [ "$status" = 200 ]; then
				printf '%s' "$(jget reset_token)" | grep -q '^[0-9a-f]\{64\}$' || echo "$op $a $t no-token 200"
			fi
		done
	done
done >"$T/matrix.out"
while read -r op a t got exp; do
	check "$a $op $t -> $exp" test "$got" = "$exp"
done <"$T/matrix.out"
check "matrix ran: 7 operations x 5 actors x 5 targets" test "$(wc -l <"$T/matrix.out")" -eq 175

req security_officer POST /users/x-reset-admin/reset
check "refusal says who may" contains "$body" "role security_officer cannot reset an account with role admin"
run "$BROKERSEC" log search --data "$D" --type auth.denied --format json
check "the refusal is an auth.denied event" contains "$out" "reset 'x-reset-admin' refused from 127.0.0.1"
run "$BROKERSEC" user show --data "$D" x-disable-employee --format json
check "the admin's disable took effect" contains "$out" '"state": "disabled"'
run "$BROKERSEC" user show --data "$D" x-role-admin --format json
check "the admin's role change took effect" contains "$out" '"role": "employee"'
run "$BROKERSEC" user show --data "$D" n-admin-admin --format json
check "an admin made over the API is an admin" contains "$out" '"role": "admin"'
check "... and gets its second factor from the server only" contains "$out" '"totp_cli_only": true'

# ---- item 13: deleted accounts, the last active admin ----
req admin GET /users/x-delete-employee
check "a deleted account is still shown" test "$(jget state)" = deleted
jreq admin PATCH /users/x-delete-employee '{"role":"auditor"}'
check "API: a deleted account gets no role" test "$status" = 409
check "API: ... and says so" contains "$body" "deleted (archived): it cannot be given a role"
req admin POST /users/x-delete-employee/unlock
check "API: a deleted account is not unlocked" test "$status" = 409
check "API: ... and says so" contains "$body" "cannot be unlocked"
run "$BROKERSEC" user set-role --data "$D" x-delete-employee auditor
check "CLI: a deleted account gets no role" test "$rc" = 1
check "CLI: ... and says so" contains "$err" "deleted (archived)"
run "$BROKERSEC" user unlock --data "$D" x-delete-employee
check "CLI: a deleted account is not unlocked" test "$rc" = 1
check "CLI: ... and says so" contains "$err" "cannot be unlocked"
run "$BROKERSEC" user show --data "$D" x-delete-employee --format json
check "the deleted account kept its role" contains "$out" '"role": "employee"'

# adam alone: every other admin disabled from the CLI
for u in root1 abe wes vic n-admin-admin x-reset-admin x-unlock-admin x-enable-admin; do
	"$BROKERSEC" user disable --data "$D" "$u" >/dev/null 2>&1
done
run "$BROKERSEC" user list --data "$D" --format json
check "adam is the last active admin" test "$(printf '%s' "$out" | python3 -c 'import json,sys
print(sum(1 for a in json.load(sys.stdin) if a["role"]=="admin" and a["state"]=="active"))')" = 1
jreq admin PATCH /users/adam '{"role":"employee"}'
check "API: the last admin cannot demote itself" test "$status" = 403
jreq admin PATCH /users/adam '{"state":"disabled"}'
check "API: the last admin cannot disable itself" test "$status" = 403
req admin DELETE /users/adam
check "API: the last admin cannot delete itself" test "$status" = 403
run "$BROKERSEC" --lang en user set-role --data "$D" adam employee
check "CLI: the last active admin keeps its role" test "$rc" = 1
check "CLI: ... and says why" contains "$err" "last active admin"
run "$BROKERSEC" user disable --data "$D" adam
check "CLI: the last active admin is not disabled" test "$rc" = 1
run "$BROKERSEC" user delete --data "$D" adam
check "CLI: the last active admin is not deleted" test "$rc" = 1
req admin GET /users
check "the last admin still manages accounts" test "$status" = 200
# nobody acts on its own account through /users, not even an admin (last: on the old code
# these succeeded and ended the actors' sessions)
for a in $ROLES; do
	u=$(case $a in admin) echo adam ;; security_officer) echo sol ;; auditor) echo aud ;; it_staff) echo ivan ;;
		employee) echo emma ;; esac)
	req "$a" POST "/users/$u/reset"
	check "$a resets itself -> 403" test "$status" = 403
	req "$a" POST "/users/$u/unlock"
	check "$a unlocks itself -> 403" test "$status" = 403
	jreq "$a" PATCH "/users/$u" '{"state":"disabled"}'
	check "$a disables itself -> 403" test "$status" = 403
	jreq "$a" PATCH "/users/$u" '{"state":"active"}'
	check "$a enables itself -> 403" test "$status" = 403
	jreq "$a" PATCH "/users/$u" '{"role":"admin"}'
	check "$a gives itself admin -> 403" test "$status" = 403
	req "$a" DELETE "/users/$u"
	check "$a deletes itself -> 403" test "$status" = 403
done
req admin GET /me
check "the admin is still signed in after its refused self-changes" test "$status" = 200

check_clean_stop
finish
