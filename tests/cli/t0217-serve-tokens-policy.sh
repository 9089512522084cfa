#!/bin/sh
# serve: the policy over the API (PATCH /policy: tighten only, the refusal names the bound and
# its clause, each change an event), API tokens (GET/POST/DELETE /tokens: own ones, others'
# with tokens.manage and who may act on whom, a revoked token refused, scopes beyond the role
# refused), what GET /users and GET /me tell a page, and the employee's 403s (issue 15).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate adm adm2 admin
activate so so1 security_officer
activate aud aud1 auditor
activate it it1 it_staff
activate it2 it2 it_staff
activate emp emp1 employee

# ---- the policy ----
req so GET /policy
check "GET /policy: 200 for the security officer" test "$status" = 200
check "the values as before (key: value)" test "$(jpy 'b["lockout.minutes"]')" = 15
check "a rule per key" test "$(jpy 'len(b["rules"])')" = 13
check "lockout.minutes: the regulation's number and its clause" \
	test "$(jpy '[(r["regulation"], r["source"], r["stricter"]) for r in b["rules"] if r["key"] == "lockout.minutes"]')" = "[(15, 'A2.5.4.2.3', 'higher')]"
check "the clause in the regulation's own numbering" contains "$(jpy '[r["clause"]["zh-TW"] for r in b["rules"] if r["key"] == "lockout.minutes"][0]')" "附件二伍、四"
check "max age: lower is stricter" test "$(jpy '[r["stricter"] for r in b["rules"] if r["key"] == "password.max_age_days"][0]')" = lower
check "the catalog title beside it" test -n "$(jpy '[r["title"]["zh-TW"] for r in b["rules"] if r["key"] == "lockout.minutes"][0]')"

jreq so PATCH /policy '{"lockout.minutes": 30}'
check "tighten: 200" test "$status" = 200
check "tighten: the new value answered" test "$(jpy 'b["lockout.minutes"]')" = 30
run "$BROKERSEC" policy show --data "$D" --format json
check "tighten: stored (as policy show reads it)" contains "$(printf '%s' "$out" | tr -d ' \n')" '"key":"lockout.minutes","value":30'
run "$BROKERSEC" log search --data "$D" --type policy.set --format json
check "tighten: a policy.set event by the signed-in account" contains "$out" '"user":"so1"'
check "tighten: the event says from and to" contains "$out" 'lockout.minutes changed from 15 to 30'

jreq so PATCH '/policy?lang=en' '{"lockout.minutes": 10}'
check "loosen below the regulation: 400" test "$status" = 400
check "loosen: the refusal names the clause" contains "$(jget error.message)" "A2.5.4.2.3"
check "loosen: and that it may only be made stricter" contains "$(jget error.message)" "stricter"
jreq so PATCH /policy '{"password.max_age_days": 120}'
check "max age beyond 90: 400 naming A2.5.4.2.4" test "$status" = 400 -a -n "$(jpy '"A2.5.4.2.4" in b["error"]["message"] or ""')"
req so GET /policy
check "refusals changed nothing" test "$(jpy 'b["lockout.minutes"]')" = 30
jreq so PATCH /policy '{"lockout.minutes": 20, "password.min_length": 11}'
check "one value looser: 400" test "$status" = 400
req so GET /policy
check "... and the other one not stored either" test "$(jpy 'b["lockout.minutes"]')" = 30
jreq so PATCH /policy '{"no.such_key": 3}'
check "unknown key: 400" test "$status" = 400
jreq so PATCH /policy '{"lockout.minutes": "30"}'
check "a value that is not a number: 400" test "$status" = 400
jreq so PATCH /policy '{}'
check "nothing to set: 400" test "$status" = 400
# the two ages together, in either direction: each step consistent on its own
jreq so PATCH /policy '{"password.max_age_days": 28, "password.min_age_days": 20}'
check "ages 20/28 from 1/90: 200" test "$status" = 200 -a "$(jpy '(b["password.min_age_days"], b["password.max_age_days"])')" = "(20, 28)"
jreq so PATCH /policy '{"password.min_age_days": 29, "password.max_age_days": 40}'
check "ages 29/40 from 20/28 (the minimum past the old maximum): 200" test "$status" = 200 -a "$(jpy '(b["password.min_age_days"], b["password.max_age_days"])')" = "(29, 40)"
jreq so PATCH /policy '{"password.min_age_days": 30, "password.max_age_days": 29}'
check "minimum above maximum: 400, nothing stored" test "$status" = 400
req so GET /policy
check "... ages unchanged" test "$(jpy '(b["password.min_age_days"], b["password.max_age_days"])')" = "(29, 40)"
jreq adm PATCH /policy '{"password.min_age_days": 1, "password.max_age_days": 90}'
check "an admin sets them back: 200" test "$status" = 200
jreq aud PATCH /policy '{"lockout.minutes": 45}'
check "auditor: PATCH /policy 403 (policy.read only)" test "$status" = 403
req aud GET /policy
check "auditor: GET /policy 200" test "$status" = 200
jreq it PATCH /policy '{"lockout.minutes": 45}'
check "it_staff: PATCH /policy 403" test "$status" = 403

# ---- API tokens ----
jreq so POST /tokens '{"scopes": ["events.read"], "days": 30}'
check "own token: 201" test "$status" = 201
stok=$(jget token)
sid=$(jget id)
check "the token shown once in the answer" contains "$stok" bst_
check "its owner and scopes" test "$(jpy '(b["owner"], b["scopes"], b["state"])')" = "('so1', ['events.read'], 'active')"
req - GET /events/status -H "Authorization: Bearer $stok"
check "the token reads /events/status" test "$status" = 200
req so GET /tokens
check "the list: the own token" test "$(jpy '[t["id"] for t in b["records"]]')" = "[$sid]"
check "the list never holds a token" ! contains "$body" bst_
check "the list has no hash" ! contains "$body" hash
check "the security officer sees its own only" test "$(jget all_accounts)" = false
check "scopes offered: those of its role that a token can use" test "$(jpy 'sorted(s["name"] for s in b["scopes"])')" = "['controls.read', 'events.read', 'evidence.read', 'registers.read', 'scans.upload', 'status.read', 'witness.write']"
run "$BROKERSEC" log search --data "$D" --type token.create --format json
check "token.create event by so1" contains "$out" '"user":"so1"'

jreq it POST /tokens '{"scopes": ["users.write"]}'
check "a scope beyond the role: 403" test "$status" = 403
check "... saying the role does not hold it" contains "$(jget error.message)" "not held by role it_staff"
jreq it POST /tokens '{"scopes": ["nonsense"]}'
check "an unknown scope: 400" test "$status" = 400
jreq it POST /tokens '{"scopes": []}'
check "no scope: 400" test "$status" = 400
jreq it POST /tokens '{"scopes": ["events.append"], "days": 400}'
check "more than 365 days: 400" test "$status" = 400
jreq it POST /tokens '{"scopes": "events.append"}'
check "scopes as a comma string: 201, 90 days by default" test "$status" = 201
itok=$(jget token)
iid=$(jget id)
req - POST /tokens -H "Authorization: Bearer $itok"
check "a token cannot mint tokens (401)" test "$status" = 401

# who sees and revokes whose
req so GET "/tokens?user=it1"
check "without tokens.manage another account's tokens: 403" test "$status" = 403
run "$BROKERSEC" log search --data "$D" --type auth.denied --user so1 --format json
check "... an auth.denied event" contains "$out" "API tokens list of 'it1' refused"
req it2 GET /tokens
check "tokens.manage (it_staff) lists every account's" test "$(jget all_accounts)" = true
check "... so1's and it1's" test "$(jpy 'sorted(t["owner"] for t in b["records"])')" = "['it1', 'so1']"
check "... but may revoke neither (rank)" test "$(jpy '[t["may_revoke"] for t in b["records"]]')" = "[False, False]"
req it2 DELETE "/tokens/$iid"
check "it_staff revokes a peer's token: 403" test "$status" = 403
req so DELETE "/tokens/$iid"
check "security officer revokes it_staff's token: 403 (no tokens.manage)" test "$status" = 403
req adm GET /tokens
check "the admin may revoke both" test "$(jpy '[t["may_revoke"] for t in b["records"]]')" = "[True, True]"
req adm DELETE "/tokens/$iid"
check "the admin revokes it_staff's token: 200" test "$status" = 200 -a "$(jget owner)" = it1
run "$BROKERSEC" log search --data "$D" --type token.revoke --format json
check "token.revoke event by the admin" contains "$out" '"user":"adm2"'
check "... naming the token" contains "$out" "API token $iid of 'it1'"
req adm DELETE "/tokens/$iid"
check "revoked already: 409" test "$status" = 409
req adm DELETE /tokens/9999
check "no such token: 404" test "$status" = 404
req adm DELETE /tokens/abc
check "not an id: 400" test "$status" = 400

# the owner revokes its own; the token is then refused
req so DELETE "/tokens/$sid"
check "own token revoked: 200" test "$status" = 200
req - GET /events/status -H "Authorization: Bearer $stok"
check "a revoked token: 401 on /events/status" test "$status" = 401
req so GET /tokens
check "the list says revoked" test "$(jpy '[(t["state"], t["may_revoke"]) for t in b["records"]]')" = "[('revoked', False)]"

run "$BROKERSEC" user tokens --data "$D" --format json
check "CLI: user tokens lists both" test "$(printf '%s' "$out" | grep -c '"owner"')" = 2
check "CLI: never a token" ! contains "$out" bst_
run "$BROKERSEC" user tokens it1 --data "$D" --lang en
check "CLI: one account's, in a table" contains "$out" "revoked"
jreq it POST /tokens '{"scopes": ["events.append"], "days": 1}'
cid=$(jget id)
run "$BROKERSEC" user token-revoke "$cid" --data "$D" --lang en
check "CLI: token-revoke" test "$rc" = 0
check "CLI: names the owner" contains "$out" "(it1)"
run "$BROKERSEC" user token-revoke "$cid" --data "$D" --lang en
check "CLI: revoked already" test "$rc" != 0
check "CLI: ... says so" contains "$err" "revoked already"

# ---- the employee ----
for p in /policy /users /users/emp1; do
	req emp GET "$p"
	check "employee: GET $p 403" test "$status" = 403
done
jreq emp PATCH /policy '{"lockout.minutes": 45}'
check "employee: PATCH /policy 403" test "$status" = 403
jreq emp POST /tokens '{"scopes": ["events.append"]}'
check "employee: a token with another role's scope 403" test "$status" = 403
jreq emp POST /tokens '{"scopes": ["training.self"]}'
check "employee: training.self is no token scope (400)" test "$status" = 400
req emp GET /tokens
check "employee: own tokens (none), no scope to give" test "$(jpy '(b["records"], b["scopes"], b["all_accounts"])')" = "([], [], False)"
req emp GET "/tokens?user=so1"
check "employee: another's tokens 403" test "$status" = 403

# ---- what GET /users and GET /me tell a page ----
req adm GET /users
check "users: a page of records with total" test "$(jpy 'b["total"] == len(b["records"]) and b["total"] >= 7')" = True
check "admin: may do nothing to itself" test "$(jpy '[u["may"] for u in b["records"] if u["username"] == "adm2"][0]')" = "[]"
check "admin: on an active it_staff" test "$(jpy '[u["may"] for u in b["records"] if u["username"] == "it1"][0]')" = "['role', 'disable', 'delete', 'reset']"
check "admin: gives every role" test "$(jpy 'b["may_give"]')" = "['admin', 'security_officer', 'auditor', 'it_staff', 'employee']"
req so GET /users
check "security officer: resets it_staff" test "$(jpy '[u["may"] for u in b["records"] if u["username"] == "it1"][0]')" = "['reset']"
check "security officer: nothing on an admin" test "$(jpy '[u["may"] for u in b["records"] if u["username"] == "adm2"][0]')" = "[]"
check "security officer: gives no role" test "$(jpy 'b["may_give"]')" = "[]"
req so GET '/users?limit=2&sort=username'
check "users: paged (limit 2), sorted" test "$(jpy '([u["username"] for u in b["records"]], b["limit"])')" = "(['adm2', 'aud1'], 2)"
req so GET '/users?limit=500'
check "users: at most 200 a request" test "$status" = 400
req so GET /me
check "/me: the role's permissions" test "$(jpy '"policy.write" in b["permissions"] and "users.write" not in b["permissions"]')" = True

# ---- documented ----
req - GET /openapi.yaml
for p in '/tokens:' '/tokens/{id}:'; do
	check "openapi describes $p" contains "$body" "  $p"
done
check "openapi describes PATCH /policy" test -n "$(sed -n '/^  \/policy:/,/^  \/[a-z]/p' "$T/.body" | grep '^    patch:')"
check_clean_stop
finish
