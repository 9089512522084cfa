#!/bin/sh
# --max-connections: bounds, and at the limit a new connection is refused (the idle one has
# been idle less than 60 s, so it is not evicted), counted in connections_refused while the
# connection that holds the slot still works. Eviction after 60 s of idleness and the TLS
# handshake timeout are tested with an injected clock in tests/unit/test_syslog_intake.c.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t04-intake.inc"

ipid=""
cleanup() {
	[ -n "$ipid" ] && kill "$ipid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

run "$BROKERSEC" init --data "$T/d" --org test --internal-control yes
check "init" [ "$rc" -eq 0 ]

for bad in 0 65537 -1 x 10x ""; do
	run "$BROKERSEC" --lang en intake --data "$T/d" --syslog-tcp 127.0.0.1:0 --max-connections "$bad"
	check "--max-connections '$bad' is a usage error" [ "$rc" -eq 2 ]
	check "--max-connections '$bad': says the range" contains "$err" "from 1 to 65536"
done

"$BROKERSEC" intake --data "$T/d" --syslog-tcp 127.0.0.1:0 --max-connections 1 2>"$T/intake.err" &
ipid=$!
tcp_port=$(wait_port "$T/intake.err" tcp)
check "intake listens" [ -n "$tcp_port" ]

# the first connection holds the only slot; a second one is closed at once without a
# byte read; the first one still sends
run python3 - "$tcp_port" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
a = socket.create_connection(("127.0.0.1", port))
time.sleep(0.3)
b = socket.create_connection(("127.0.0.1", port))
b.settimeout(10)
try:
    b.sendall(b"<13>1 - h app - - - from the refused one\n")
    got = b.recv(1)
except OSError:
    got = b""
if got != b"":
    print("FAIL: the second connection was not closed"); sys.exit(1)
a.sendall(b"<13>1 - h app - - - from the one holding the slot\n")
a.close()
print("ok")
PY
check "second connection closed, first one served" [ "$rc" -eq 0 ]
wait_committed 1
check "message stored" [ "$?" -eq 0 ]
stop_intake
check "intake stops cleanly" [ "$irc" -eq 0 ]
check "stderr names the refused peer and why" grep -q "refused a tcp connection from 127.0.0.1:[0-9]*: already 1 connections (the limit), none idle for 60 s or more" "$T/intake.err"
run "$BROKERSEC" log status --format json --data "$T/d"
printf '%s' "$out" | python3 -c 'import json,sys; i=json.load(sys.stdin)["intake"]
print(i["connections"], i["connections_refused"], i["evicted"], i["committed"])' >"$T/counts"
check "log status: 2 connections, 1 refused, none evicted, 1 stored" [ "$(cat "$T/counts")" = "2 1 0 1" ]
run "$BROKERSEC" log search --data "$T/d" --type syslog --format json
check "only the served connection's message is stored" [ "$(printf '%s\n' "$out" | grep -c '"type":"syslog"')" -eq 1 ]
check "the served connection's message" contains "$out" "from the one holding the slot"
finish
