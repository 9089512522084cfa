#!/bin/sh
# brokersec intake with util-linux logger: RFC 5424 and RFC 3164 over UDP and TCP (LF and
# octet-counted framing), a malformed frame, source address and parsed fields stored.
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

run "$BROKERSEC" intake --data "$T/d"
check "no listener is a usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" --lang en intake --data "$T/d" --syslog-tcp 127.0.0.1
check "address without port is refused" [ "$rc" -ne 0 ]
check "message says what to give" contains "$err" "ADDR:PORT"

"$BROKERSEC" intake --data "$T/d" --syslog-tcp 127.0.0.1:0 --syslog-udp 127.0.0.1:0 2>"$T/intake.err" &
ipid=$!
tcp_port=$(wait_port "$T/intake.err" tcp)
udp_port=$(wait_port "$T/intake.err" udp)
check "intake listens" [ -n "${tcp_port:-}" ]
check "intake listens (2)" [ -n "${udp_port:-}" ]

logger --tcp -n 127.0.0.1 -P "$tcp_port" --rfc5424 -t app5424 -p local3.warning "tcp lf rfc5424"
logger --tcp --octet-count -n 127.0.0.1 -P "$tcp_port" --rfc5424 -t appoct --msgid M42 \
	--sd-id 'test@32473' --sd-param 'k="v \] q"' -p auth.err "tcp octet rfc5424 保險"
logger --tcp -n 127.0.0.1 -P "$tcp_port" --rfc3164 -t app3164 -p user.notice "tcp rfc3164"
logger --udp -n 127.0.0.1 -P "$udp_port" --rfc5424 -t appudp -p daemon.info "udp rfc5424"
logger --udp -n 127.0.0.1 -P "$udp_port" --rfc3164 -t appudp3 -p mail.crit "udp rfc3164"
# a frame no syslog parser accepts, sent raw
python3 - "$tcp_port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"not syslog \xff\xfe at all\n")
s.close()
PY
wait_committed 6
check "six messages stored" [ "$?" -eq 0 ]
stop_intake
check "SIGTERM stops the intake cleanly" [ "$irc" -eq 0 ]
check "summary line" grep -q "stored 6 (1 malformed)" "$T/intake.err"

run "$BROKERSEC" log search --data "$T/d" --type syslog --format json
check "log search" [ "$rc" -eq 0 ]
printf '%s\n' "$out" >"$T/events.json"
run python3 - "$T/events.json" <<'PY'
import json, sys
ev = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    ev[e["data"].get("app_name") or e["message"]] = e
def need(cond, what):
    if not cond:
        print("FAIL", what); sys.exit(1)
e = ev["app5424"]
need(e["message"] == "tcp lf rfc5424" and e["severity"] == 4, "5424 lf message/severity")
need(e["data"]["facility"] == 19 and e["data"]["format"] == "rfc5424", "5424 facility")
need(e["data"]["transport"] == "tcp" and e["data"]["framing"] == "lf", "lf framing")
need(e["source"].startswith("127.0.0.1:"), "source address")
need(e["data"]["raw"].startswith("<156>1 "), "raw kept")
need(e["data"]["received"].endswith("Z"), "receive time")
e = ev["appoct"]
need(e["data"]["framing"] == "octet-counting", "octet framing")
need(e["message"] == "tcp octet rfc5424 保險", "utf-8 message")
need(e["data"]["msgid"] == "M42" and e["severity"] == 3, "msgid, severity")
need(e["data"]["sd"]["test@32473"]["k"] == "v ] q", "sd escaping")
e = ev["app3164"]
need(e["data"]["format"] == "rfc3164" and e["message"] == "tcp rfc3164", "3164 over tcp")
need(e["host"] is not None, "3164 hostname")
e = ev["appudp"]
need(e["data"]["transport"] == "udp" and e["message"] == "udp rfc5424" and e["severity"] == 6, "5424 over udp")
e = ev["appudp3"]
need(e["data"]["format"] == "rfc3164" and e["severity"] == 2 and e["data"]["facility"] == 2, "3164 over udp")
bad = [x for x in ev.values() if x["data"]["parse"] == "invalid"]
need(len(bad) == 1, "one malformed")
need(bad[0]["data"]["raw_base64"] and "not syslog" in bad[0]["message"], "malformed kept whole")
need(len(ev) == 6, "six events")
print("ok")
PY
check "every message arrived with the right fields" [ "$rc" -eq 0 ]

# Stored is the receipt (received, transport, framing, raw bytes); the parsed fields above
# are the readers' view of it.
run sqlite3 "$T/d/events.db" "SELECT count(*) FROM events WHERE type = 'syslog' AND json_extract(data, '$.format') IS NULL AND json_extract(data, '$.received') IS NOT NULL"
check "the log stores each message as its receipt" [ "$out" = 6 ]

run "$BROKERSEC" log verify --data "$T/d"
check "the chain verifies" [ "$rc" -eq 0 ]
run "$BROKERSEC" log search --data "$T/d" --type intake.start --format json
check "start recorded" contains "$out" "intake.start"
finish
