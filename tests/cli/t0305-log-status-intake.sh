#!/bin/sh
# log status shows the syslog intake's counters (intake.stats): received per transport,
# committed, malformed, UDP drops (queue full and kernel), in the table and in JSON; none
# before an intake has run.
. "$TOP/tests/cli/lib.sh"

ipid=""
cleanup() {
	[ -n "$ipid" ] && kill "$ipid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
D="$T/d"

run "$BROKERSEC" init --data "$D" --org test --internal-control yes
check "init" [ "$rc" -eq 0 ]

run "$BROKERSEC" --lang en log status --data "$D"
check "status before any intake" [ "$rc" -eq 0 ]
check "no intake lines before an intake ran" ! contains "$out" "syslog intake"
run "$BROKERSEC" log status --format json --data "$D"
check "json: intake is null before an intake ran" contains "$out" '"intake": null'

# a real intake run: two messages over TCP, one of them malformed
"$BROKERSEC" intake --data "$D" --syslog-tcp 127.0.0.1:0 2>"$T/intake.err" &
ipid=$!
i=0
tcp_port=""
while [ $i -lt 200 ] && [ -z "$tcp_port" ]; do
	tcp_port=$(sed -n 's/.*listening on tcp 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/intake.err" 2>/dev/null | tail -n 1)
	[ -z "$tcp_port" ] && sleep 0.1
	i=$((i + 1))
done
check "intake listens" [ -n "$tcp_port" ]
logger --tcp -n 127.0.0.1 -P "$tcp_port" --rfc5424 -t t0305 -p user.notice "status counters one"
printf 'not syslog at all\n' | python3 -c 'import socket,sys
s=socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.sendall(sys.stdin.buffer.read()); s.close()' "$tcp_port"
# waits (bounded, 20 s) until the stats file says both are stored
i=0
while [ $i -lt 200 ]; do
	c=$(sed -n 's/.*"committed":\([0-9]*\).*/\1/p' "$D/intake.stats" 2>/dev/null)
	[ "${c:-0}" -ge 2 ] && break
	sleep 0.1
	i=$((i + 1))
done
kill "$ipid"
wait "$ipid"
irc=$?
ipid=""
check "intake stopped cleanly" [ "$irc" -eq 0 ]

run "$BROKERSEC" --lang en log status --data "$D"
check "status after an intake run" [ "$rc" -eq 0 ]
check "table shows the intake" contains "$out" "syslog intake: counters of "
check "table shows received" contains "$out" "received: UDP 0, TCP 2, TLS 0"
check "table shows committed and malformed" contains "$out" "committed: 2, malformed 1"
check "table shows UDP drops" contains "$out" "UDP dropped: 0 queue full, 0 by the kernel"
check "no drop warning without drops" printf '%s\n' "$out" | grep -qx "  UDP dropped: 0 queue full, 0 by the kernel"
check "intake lines fit 80 columns" [ "$(printf '%s\n' "$out" | sed -n '/^syslog intake/,$p' | awk '{ if (length($0) > 80) n++ } END { print n + 0 }')" -eq 0 ]
run "$BROKERSEC" log status --format json --data "$D"
printf '%s' "$out" | python3 -c 'import json,sys; i=json.load(sys.stdin)["intake"]
print(i["received_tcp"], i["committed"], i["malformed"], i["dropped_udp"], i["dropped_udp_kernel"])' >"$T/counts"
check "json intake counters" [ "$(cat "$T/counts")" = "2 2 1 0 0" ]

# a hand-written stats file in the intake's format, with drops
cat >"$D/intake.stats" <<'EOF'
{"started_us":1764288000000000,"updated_us":1764291600000000,"received_udp":1500,"received_tcp":20,"received_tls":3,"committed":1480,"malformed":4,"dropped_udp":37,"dropped_udp_kernel":6,"connections":5,"connections_open":1,"connections_refused":0,"tls_failures":2,"sink_failures":0,"backpressure":9,"queued":0}
EOF
run "$BROKERSEC" --lang en log status --data "$D"
check "table: written counters" contains "$out" "received: UDP 1500, TCP 20, TLS 3"
check "table: written counters (2)" contains "$out" "committed: 1480, malformed 4"
check "table: drops with a warning" contains "$out" "UDP dropped: 37 queue full, 6 by the kernel (warning)"
check "table: update time" contains "$out" "counters of 2025-11-28T01:00:00Z"
check "table: connections" contains "$out" "connections: 5 (open 1, refused 0, idle evicted 0); queued 0"
check "table: TLS" contains "$out" "TLS: failures 2, client certificates refused 0"
run "$BROKERSEC" log status --data "$D"
check "zh-TW table shows the drops" contains "$out" "UDP 丟棄: 37 佇列滿, 6 核心丟棄（警告）"
run "$BROKERSEC" log status --format json --data "$D"
printf '%s' "$out" | python3 -c 'import json,sys; i=json.load(sys.stdin)["intake"]
print(i["dropped_udp"], i["dropped_udp_kernel"], i["received_udp"], i["backpressure"], i["updated"])' >"$T/counts"
check "json: written counters" [ "$(cat "$T/counts")" = "37 6 1500 9 2025-11-28T01:00:00.000000Z" ]

# a damaged stats file is a warning, not a failed status
printf 'garbage' >"$D/intake.stats"
run "$BROKERSEC" --lang en log status --data "$D"
check "damaged stats: status still works" [ "$rc" -eq 0 ]
check "damaged stats: warned" contains "$err" "warning: cannot read intake statistics"
check "damaged stats: no intake lines" ! contains "$out" "syslog intake"
finish
