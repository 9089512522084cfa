#!/bin/sh
# rsyslog (an unprivileged foreground instance with its own config) forwards to brokersec
# intake over TCP with octet counting (RFC 5424), over TCP with LF framing (RFC 3164
# forward format) and over TLS (RFC 5425, GnuTLS, the data dir's self-signed certificate).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t04-intake.inc"

ipid=""
rpid=""
cleanup() {
	[ -n "$ipid" ] && kill "$ipid" 2>/dev/null
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

if ! command -v rsyslogd >/dev/null 2>&1; then
	echo "rsyslogd missing: install the packages of scripts/deps.txt (make deps)"
	check "rsyslogd is installed" false
	finish
	exit 1
fi


run "$BROKERSEC" init --data "$T/d" --org test --internal-control yes
check "init" [ "$rc" -eq 0 ]

"$BROKERSEC" intake --data "$T/d" --syslog-tcp 127.0.0.1:0 --syslog-tls 127.0.0.1:0 2>"$T/intake.err" &
ipid=$!
wait_for "$T/intake.err" "listening on tls"
check "intake listens" [ "$?" -eq 0 ]
tcp_port=$(listen_port "$T/intake.err" tcp)
tls_port=$(listen_port "$T/intake.err" tls)
check "self-signed certificate made" [ -f "$T/d/tls/cert.pem" ]

rs_port=$(free_port)
mkdir -p "$T/rs"
cat >"$T/rsyslog.conf" <<CONF
global(workDirectory="$T/rs" defaultNetstreamDriverCAFile="$T/d/tls/cert.pem")
module(load="imtcp")
input(type="imtcp" port="$rs_port" address="127.0.0.1")
*.* action(type="omfwd" target="127.0.0.1" port="$tcp_port" protocol="tcp" TCP_Framing="octet-counted"
           template="RSYSLOG_SyslogProtocol23Format" queue.type="LinkedList" action.resumeRetryCount="-1")
*.* action(type="omfwd" target="127.0.0.1" port="$tcp_port" protocol="tcp"
           template="RSYSLOG_ForwardFormat" queue.type="LinkedList" action.resumeRetryCount="-1")
*.* action(type="omfwd" target="127.0.0.1" port="$tls_port" protocol="tcp" StreamDriver="gtls"
           StreamDriverMode="1" StreamDriverAuthMode="anon"
           template="RSYSLOG_SyslogProtocol23Format" queue.type="LinkedList" action.resumeRetryCount="-1")
CONF
rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rsyslog.pid" >"$T/rsyslog.out" 2>&1 &
rpid=$!
# rsyslog listens once its pid file exists; logger retries are not needed after that
wait_for "$T/rsyslog.pid" "[0-9]"
check "rsyslogd runs" [ "$?" -eq 0 ]
logger_until "$rs_port" "message one"
logger --tcp -n 127.0.0.1 -P "$rs_port" --rfc5424 -t viarsyslog -p local0.err "message two 保險經紀人"

wait_committed 6
check "six events arrived (2 messages x 3 transports)" [ "$?" -eq 0 ]
kill -TERM "$rpid"
wait "$rpid" 2>/dev/null
rpid=""
stop_intake
check "intake stops cleanly" [ "$irc" -eq 0 ]

run "$BROKERSEC" log search --data "$T/d" --type syslog --format json
printf '%s\n' "$out" >"$T/events.json"
run python3 - "$T/events.json" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def need(cond, what):
    if not cond:
        print("FAIL", what, json.dumps(evs, ensure_ascii=False)[:1500]); sys.exit(1)
# rsyslog's forward format writes the tag of an RFC 5424 message without a colon, so the
# RFC 3164 parse finds no TAG there: match on the raw bytes
mine = [e for e in evs if "viarsyslog" in e["data"]["raw"]]
need(len(mine) == 6, "six events from rsyslog")
kinds = sorted((e["data"]["transport"], e["data"].get("framing"), e["data"]["format"]) for e in mine)
need(kinds == sorted([("tcp", "octet-counting", "rfc5424"), ("tcp", "lf", "rfc3164"), ("tls", "lf", "rfc5424")] * 2), "transports %r" % kinds)
need(all(e["data"]["parse"] == "ok" for e in mine), "all parse")
two = [e for e in mine if "message two" in e["message"]]
need(len(two) == 3 and all(e["severity"] == 3 and e["data"]["facility"] == 16 for e in two), "severity/facility kept")
need(all("保險經紀人" in e["message"] for e in two), "utf-8 kept")
need(all(not e["message"].endswith("\n") for e in mine), "the template's trailing LF is not part of the message text")
print("ok")
PY
check "every message arrived over every transport with the right fields" [ "$rc" -eq 0 ]
run "$BROKERSEC" log verify --data "$T/d"
check "the chain verifies" [ "$rc" -eq 0 ]
finish
