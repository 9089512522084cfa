# The web UI's accounts, policy and API-token pages in a real browser (tests/ui/users.test.mjs:
# Playwright driving Debian's chromium, axe-core): an admin adds an account and sees its
# one-time password once, changes its role, issues a reset token (used once); the security
# officer's view follows docs/roles.md (only what it may do is offered, the API refuses the
# rest); the policy tightened and a looser value refused with its clause; an API token made
# (shown once), used and revoked; phone width. Screenshots go to $BUILD/ui-shots/.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
. "$TOP/tests/cli/t02-web.inc"

ui_ready
start_server
activate adm adm2 admin
adm_secret=$secret
# the step of the code the set-up used: the browser signs in with a later one (each code once)
adm_step=$(($(date +%s) / 30))
activate so so1 security_officer
add_user it9 it_staff
add_user boss2 admin
run_ui users.test.mjs UI_PW0="$PW0" UI_PW1="$PW1" UI_PW2="$PW2" UI_ADM_SECRET="$adm_secret" UI_ADM_STEP="$adm_step"
run "$BROKERSEC" log search --data "$D" --type account.create --format json
check "the account made in the browser is an event by adm2" contains "$out" '"user":"adm2"'
run "$BROKERSEC" log search --data "$D" --type policy.set --format json
check "the policy change in the browser is an event" contains "$out" 'lockout.minutes changed from 15 to 30'
run "$BROKERSEC" log search --data "$D" --type token.revoke --format json
check "the token revoked in the browser is an event" contains "$out" '"user":"adm2"'
check_clean_stop
finish
