#!/bin/sh
# serve: sign-ins with names that have no account and reset tokens that open nothing touch no
# account, so nothing bounds them but the per-source throttle; from many addresses they are
# recorded at the same bounded rate as other refusals of clients not signed in (at most 30
# events of their own a minute, the rest counted in the minute's auth.denied.summary, written
# at the latest when the server stops). Failures of real accounts stay events of their own.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server

# one curl per address, 20 requests each; `next` resets every option, so each block carries its own
flood_cfg() {
	i=0
	while [ $i -lt 10 ]; do
		[ $i -gt 0 ] && echo next
		for what in session reset; do
			[ $what = reset ] && echo next
			printf 'cacert = "%s"\ninterface = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
				"$D/tls/cert.pem" "$1"
			printf 'header = "Content-Type: application/json"\n'
			if [ $what = session ]; then
				printf 'url = "%s/session"\n' "$URL"
				printf 'data = "{\\"username\\":\\"ghost%d\\",\\"password\\":\\"Nope-Nope-1234\\"}"\n' "$i"
			else
				printf 'url = "%s/password-reset"\n' "$URL"
				printf 'data = "{\\"token\\":\\"%064d\\",\\"new_password\\":\\"Amber-Falcon-93-Orchid\\"}"\n' "$i"
			fi
		done
		i=$((i + 1))
	done
}
pids=""
for a in $(seq 10 49); do
	flood_cfg "127.0.2.$a" >"$T/flood.$a.cfg"
	curl -s -K "$T/flood.$a.cfg" >"$T/codes.$a" &
	pids="$pids $!"
done
wait $pids
cat "$T"/codes.* >"$T/all.codes"; sort "$T/all.codes" | uniq -c
check "400 unknown-account sign-ins refused with 401" test "$(grep -c '^401$' "$T/all.codes")" = 400
check "400 unknown reset tokens refused with 403" test "$(grep -c '^403$' "$T/all.codes")" = 400
# a real account's failure is always its own event (it counts toward the lockout)
add_user alice employee
jreq - POST /session '{"username":"alice","password":"Wrong-Password-123"}'
check "a real account's failure: 401" test "$status" = 401
check_clean_stop

"$BROKERSEC" log search --data "$D" --format json >"$T/events.json" 2>/dev/null
set -- $(python3 -c '
import json,sys
t=open(sys.argv[1]).read().strip(); evs=[]
try:
    v=json.loads(t); evs=v if isinstance(v,list) else v.get("events",[v])
except ValueError:
    evs=[json.loads(l) for l in t.splitlines() if l.strip()]
d=lambda e: e["data"] if isinstance(e.get("data"),dict) else json.loads(e.get("data") or "{}")
login=[e for e in evs if e.get("type")=="auth.login" and "unknown account" in e.get("message","")]
reset=[e for e in evs if e.get("type")=="auth.reset" and e.get("outcome")=="failure"]
summ=[d(e) for e in evs if e.get("type")=="auth.denied.summary"]
alice=[e for e in evs if e.get("type")=="auth.login" and "alice" in e.get("message","")]
print(len(login), len(reset), sum(s.get("auth.login",0) for s in summ), sum(s.get("auth.reset",0) for s in summ), len(alice))' "$T/events.json")
own_login=$1 own_reset=$2 sum_login=$3 sum_reset=$4 alice=$5
echo "sign-ins: $own_login events + $sum_login summarized; resets: $own_reset events + $sum_reset summarized"
check "every unknown sign-in counted ($own_login + $sum_login)" test $((own_login + sum_login)) = 400
check "every refused reset token counted ($own_reset + $sum_reset)" test $((own_reset + sum_reset)) = 400
check "at most 30 refusal events of their own a minute" test $((own_login + own_reset)) -le 60
check "the first unknown sign-ins are events of their own" test "$own_login" -ge 1
check "the real account's failure is an event" test "$alice" -ge 1
finish
