#!/bin/sh
# brokersec serve --syslog-tcp/--syslog-udp: the same intake as `brokersec intake` (pipelined
# batches into the event log), with its counters in intake.stats for `log status`.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t04-intake.inc"

spid=""
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

run "$BROKERSEC" init --data "$T/d" --org test --internal-control yes
check "init" [ "$rc" -eq 0 ]

"$BROKERSEC" serve --data "$T/d" --listen 127.0.0.1:0 --syslog-tcp 127.0.0.1:0 --syslog-udp 127.0.0.1:0 \
	>"$T/serve.out" 2>"$T/serve.err" &
spid=$!
tcp_port=$(wait_port "$T/serve.err" tcp)
udp_port=$(wait_port "$T/serve.err" udp)
check "serve's intake listens on tcp" [ -n "$tcp_port" ]
check "serve's intake listens on udp" [ -n "$udp_port" ]

run python3 - "$tcp_port" "$udp_port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
for i in range(2000):
    s.sendall(b"<13>1 2026-01-01T00:00:00Z host app - - - served over tcp %d\n" % i)
s.sendall(b"not syslog \xff at all\n")
s.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"<30>1 2026-01-01T00:00:00Z host appudp - - - served over udp", ("127.0.0.1", int(sys.argv[2])))
PY
check "messages sent" [ "$rc" -eq 0 ]
wait_committed 2002
check "every message stored, counted in intake.stats" [ "$?" -eq 0 ]
kill -TERM "$spid"
wait "$spid"
src=$?
spid=""
check "SIGTERM stops serve cleanly" [ "$src" -eq 0 ]

run sqlite3 "$T/d/events.db" "SELECT count(*) FROM events WHERE type = 'syslog' AND json_extract(data, '$.received') IS NOT NULL AND json_extract(data, '$.format') IS NULL"
check "each message stored as its receipt" [ "$out" = 2002 ]
run "$BROKERSEC" log search --data "$T/d" --type syslog --format json
check "log search" [ "$rc" -eq 0 ]
check "the last tcp message arrived" contains "$out" '"message":"served over tcp 1999"'
check "the udp message arrived" contains "$out" '"message":"served over udp"'
check "the malformed one is kept" contains "$out" '"parse":"invalid"'
run "$BROKERSEC" log status --data "$T/d" --format json
check "log status shows serve's intake" contains "$out" '"committed": 2002'
run "$BROKERSEC" log verify --data "$T/d"
check "the chain verifies" [ "$rc" -eq 0 ]
finish
