#!/bin/sh
# serve: the role x endpoint matrix, enforced at the server's one choke point; refusals are
# events. Expected codes are written out here independently of the table in src/auth/perm.c.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate admin adam admin
activate security_officer sol security_officer
activate auditor aud auditor
activate it_staff ivan it_staff
activate employee emma employee
add_user target employee

#            endpoint              admin so  aud it  emp
matrix='GET  /me                   200   200 200 200 200
GET  /users                200   200 200 403 403
GET  /users/target         200   200 200 403 403
GET  /policy               200   200 200 403 403
GET  /controls             200   200 200 200 403
GET  /controls/A2.5.4.2.3  200   200 200 200 403
GET  /status               200   200 200 200 403
GET  /evidence             200   200 200 200 403
POST /users/target/unlock  200   200 403 403 403
POST /users                201   403 403 403 403
PATCH /users/target        200   403 403 403 403
POST /events               401   401 401 401 401'
n=0
echo "$matrix" | while read -r m p a s au it e; do
	for pair in "admin:$a" "security_officer:$s" "auditor:$au" "it_staff:$it" "employee:$e"; do
		role=${pair%%:*}
		want=${pair#*:}
		n=$((n + 1))
		case "$m $p" in
		"POST /users") jreq "$role" POST /users "{\"username\":\"new$n\",\"role\":\"employee\"}" ;;
		"PATCH /users/target") jreq "$role" PATCH /users/target '{"role":"auditor"}'
			[ "$status" = 200 ] && jreq admin PATCH /users/target '{"role":"employee"}' >/dev/null ;;
		*) req "$role" "$m" "$p" ;;
		esac
		echo "$role $m $p $status $want"
	done
done >"$T/matrix.out"
while read -r role m p got want; do
	check "$role $m $p -> $want" test "$got" = "$want"
done <"$T/matrix.out"
check "matrix ran" test "$(wc -l <"$T/matrix.out")" -eq 60

req employee GET /status
check "refusal names role and permission" contains "$body" "role employee does not have the permission status.read"
run "$BROKERSEC" log search --data "$D" --type auth.denied --format json
check "refusals are events" contains "$out" "GET /api/v1/status from 127.0.0.1 refused"

# a role change ends the person's sessions (privilege change)
run "$BROKERSEC" user set-role --data "$D" ivan auditor
req it_staff GET /me
check "role change ended the session" test "$status" = 401

# an admin without TOTP is held at the set-up step
add_user anna admin
signin anna anna "$PW0"
jreq anna POST /me/password "{\"current_password\":\"$PW0\",\"new_password\":\"$PW1\"}"
keep_csrf anna
req anna GET /users
check "admin without TOTP held back" test "$status" = 403 -a "$(jget error.code)" = totp_enrolment_required
signin anna2 anna "$PW1"
check "admin sign-in without code while TOTP not set up" test "$status" = 200
check "must enroll flag" test "$(jget must_enroll_totp)" = true
signin adam2 adam "$PW1"
check "admin with TOTP needs the code" test "$status" = 401
check_clean_stop
finish
