#!/bin/sh
# kill -9 in the middle of a TCP stream: after restart every event the intake acknowledged
# (counted as committed in intake.stats, which is written only after a commit) is in the
# log, what is there is a gap-free prefix of the stream, and the chain verifies.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t04-intake.inc"

ipid=""
spid=""
cleanup() {
	[ -n "$ipid" ] && kill -9 "$ipid" 2>/dev/null
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

start_intake() { # start_intake LOG: sets $ipid and $tcp_port
	"$BROKERSEC" intake --data "$T/d" --syslog-tcp 127.0.0.1:0 2>"$1" &
	ipid=$!
	tcp_port=$(wait_port "$1" tcp)
}

run "$BROKERSEC" init --data "$T/d" --org test --internal-control yes
check "init" [ "$rc" -eq 0 ]
start_intake "$T/intake1.err"
check "intake listens" [ -n "$tcp_port" ]

# a sender that streams numbered messages until the connection breaks (bounded: 30 s)
python3 - "$tcp_port" >"$T/sender.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
n, t0 = 0, time.time()
try:
    while time.time() - t0 < 30:
        s.sendall(b"".join(b"<13>1 - host k9 - - - kill9 message %d\n" % (n + i) for i in range(200)))
        n += 200
        time.sleep(0.002)
except OSError:
    pass
print(n)
PY
spid=$!

wait_committed 5000
kill -9 "$ipid"
wait "$ipid" 2>/dev/null
ipid=""
acked=$(counter committed)
check "the intake had acknowledged events before the kill" [ "$acked" -ge 5000 ]
wait "$spid"
spid=""

run "$BROKERSEC" log search --data "$T/d" --type syslog --format json
check "log readable after kill -9" [ "$rc" -eq 0 ]
printf '%s\n' "$out" >"$T/events.json"
run python3 - "$T/events.json" "$acked" <<'PY'
import json, sys
nums = [int(json.loads(l)["message"].split()[-1]) for l in open(sys.argv[1]) if l.strip()]
acked = int(sys.argv[2])
if len(nums) < acked:
    print("FAIL: %d acknowledged, %d stored" % (acked, len(nums))); sys.exit(1)
if nums != list(range(len(nums))):
    print("FAIL: not a gap-free prefix of the stream"); sys.exit(1)
print(len(nums))
PY
check "every acknowledged event is there, in order, without gaps" [ "$rc" -eq 0 ]
stored=$out

run "$BROKERSEC" log verify --data "$T/d"
check "the chain verifies after kill -9" [ "$rc" -eq 0 ]

# restart: the intake takes up again and the chain goes on
start_intake "$T/intake2.err"
check "intake restarts" [ -n "$tcp_port" ]
logger --tcp -n 127.0.0.1 -P "$tcp_port" --rfc5424 -t k9 "after restart"
wait_counter committed 1
stop_intake
check "second run stops cleanly" [ "$irc" -eq 0 ]
run "$BROKERSEC" log search --data "$T/d" --type syslog --format json
check "message after restart stored" contains "$out" "after restart"
n=$(printf '%s\n' "$out" | grep -c '"type":"syslog"')
check "nothing lost or doubled across the restart" [ "$n" -eq $((stored + 1)) ]
run "$BROKERSEC" log verify --data "$T/d"
check "the chain verifies after restart" [ "$rc" -eq 0 ]
finish
