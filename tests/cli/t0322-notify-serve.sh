#!/bin/sh
# serve runs the notifier (issue 19): with a channel, an event of a subscribed class appended
# while serve runs reaches the HTTPS receiver within its 10-second pass, signed; the event log's
# alert flag (A2.4.1.7.3: what is raised when the log cannot be written, so no event can carry
# it) is told by itself, once per alert text, and the eventlog.alert event that follows is not
# told again.
. "$TOP/tests/cli/lib.sh"
A="$T/a"
HPID=""
SPID=""
trap '[ -n "$HPID" ] && kill "$HPID" 2>/dev/null; [ -n "$SPID" ] && kill "$SPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
PY=/usr/bin/python3
B() { "$BROKERSEC" --lang en "$@"; }
wait_for() { j=0; while ! grep -q "$2" "$1" 2>/dev/null; do j=$((j + 1)); [ $j -gt "${3:-300}" ] && return 1; sleep 0.1; done; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/hook.key" -out "$T/hook.pem" 2>/dev/null
head -c 32 /dev/urandom | base64 >"$T/secret"
"$PY" "$TOP/tests/cli/t032-notify-hook.py" 0 "$T/port" "$T/got" "$T/hook.pem" "$T/hook.key" "$T/secret" "$T/skew" \
	2>"$T/hook.err" &
HPID=$!
j=0; while [ ! -s "$T/port" ]; do j=$((j + 1)); [ $j -gt 100 ] && break; sleep 0.1; done
HP=$(cat "$T/port")
check "the HTTPS receiver listens" test -n "$HP"

"$BROKERSEC" init --data "$A" --org A --internal-control no --test-fast-kdf >/dev/null 2>&1
export BROKERSEC_DATA="$A"
B notify channel add soc --webhook "https://127.0.0.1:$HP/hook" --secret-file "$T/secret" --ca "$T/hook.pem" >/dev/null 2>&1
B notify subscribe soc log lockout integrity >/dev/null 2>&1

"$BROKERSEC" --lang en serve --listen 127.0.0.1:0 --no-access-log >"$T/s.out" 2>"$T/s.err" &
SPID=$!
wait_for "$T/s.out" '^listening on' || true
check "serve started" grep -q '^listening on' "$T/s.out"
B log append --type auth.lockout --message "account 'erin' locked for 15 minutes" >/dev/null 2>&1
wait_for "$T/got" 'lockout auth.lockout' 250
check "serve's pass delivered the lockout within its 10 s" grep -q 'lockout auth.lockout' "$T/got"

# the alert flag: raised as the event log raises it (a line in DATA/eventlog.alert)
printf '%s the event log cannot be written: No space left on device\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$A/eventlog.alert"
wait_for "$T/got" ' log eventlog.alert' 250
check "the alert flag itself reached the receiver" grep -q ' log eventlog.alert' "$T/got"
sleep 11
check "... once, not every pass" test "$(grep -c ' log eventlog.alert' "$T/got")" = 1
kill "$SPID"; wait "$SPID"; src=$?; SPID=""
check "serve stopped cleanly" test "$src" = 0
check "serve said nothing of the notifier failing" sh -c "! grep -q 'notify' '$T/s.err'"
run B notify queue --format json
check "the queue: 2 sent, nothing pending" contains "$out" '"pending": 0'
finish
