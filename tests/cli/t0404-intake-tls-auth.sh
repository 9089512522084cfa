#!/bin/sh
# RFC 5425 client authentication: --tls-client-ca (certificates from a CA, made here with
# openssl) and --tls-client-fingerprint (pinned, self-signed allowed), with openssl s_client
# as the sender. Accepted senders are stored; refused ones (no certificate, another CA, a
# fingerprint not pinned) are counted in tls_auth_failures, named on stderr with the
# reason, and nothing they sent is in the log. Bad options are refused up front. rsyslog
# with a client certificate, configured as docs/intake.md says, is accepted.
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

if ! command -v openssl >/dev/null 2>&1; then
	echo "openssl missing: install the packages of scripts/deps.txt (make deps)"
	check "openssl is installed" false
	finish
	exit 1
fi

# ---- certificates ----
cat >"$T/ossl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[client]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
EOF
newkey="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
mk_ca() { # mk_ca NAME CN
	openssl req -config "$T/ossl.cnf" -x509 $newkey -keyout "$T/$1.key" -out "$T/$1.pem" -days 30 \
		-subj "/CN=$2" -extensions ca 2>>"$T/openssl.err"
}
mk_client() { # mk_client NAME CN CA
	openssl req -config "$T/ossl.cnf" -new $newkey -keyout "$T/$1.key" -out "$T/$1.csr" -subj "/CN=$2" \
		2>>"$T/openssl.err" &&
		openssl x509 -req -in "$T/$1.csr" -CA "$T/$3.pem" -CAkey "$T/$3.key" -CAcreateserial \
			-out "$T/$1.pem" -days 30 -extfile "$T/ossl.cnf" -extensions client 2>>"$T/openssl.err"
}
mk_self() { # mk_self NAME CN
	openssl req -config "$T/ossl.cnf" -x509 $newkey -keyout "$T/$1.key" -out "$T/$1.pem" -days 30 \
		-subj "/CN=$2" -extensions client 2>>"$T/openssl.err"
}
fingerprint() { # "SHA256:AB:CD:..." as openssl prints it
	printf 'SHA256:%s' "$(openssl x509 -noout -fingerprint -sha256 -in "$1" | sed 's/.*=//')"
}
hexfp() { # "SHA256:abcd..." as brokersec prints it
	openssl x509 -noout -fingerprint -sha256 -in "$1" | sed 's/.*=//' | tr -d ':' | tr 'A-F' 'a-f'
}
mk_ca ca1 "Sender CA" && mk_ca ca2 "Other CA" && mk_client c1 sender-1 ca1 && mk_client c2 sender-2 ca2 &&
	mk_self c3 pinned-sender && mk_self c4 unknown-sender
check "test certificates made" [ "$?" -eq 0 ]
# a CA file may hold several CAs; the other CA is not in the one the intake gets
cat "$T/ca1.pem" >"$T/clients-ca.pem"
fp3=$(fingerprint "$T/c3.pem")

# send NAME|none MESSAGE: one syslog line over TLS with openssl s_client (bounded: 10 s)
send() {
	if [ "$1" = none ]; then
		set -- "$2"
	else
		set -- "$2" -cert "$T/$1.pem" -key "$T/$1.key"
	fi
	_m=$1
	shift
	printf '<13>1 - tlshost app - - - %s\n' "$_m" |
		timeout 10 openssl s_client -connect "127.0.0.1:$tls_port" -quiet -no_ign_eof "$@" \
			>>"$T/client.out" 2>&1
}

start_intake() { # start_intake ERRFILE OPTIONS...: sets $ipid and $tls_port
	_e=$1
	shift
	rm -f "$T/d/intake.stats"
	"$BROKERSEC" intake --data "$T/d" --syslog-tls 127.0.0.1:0 "$@" 2>"$_e" &
	ipid=$!
	tls_port=$(wait_port "$_e" tls)
}

run "$BROKERSEC" init --data "$T/d" --org test --internal-control yes
check "init" [ "$rc" -eq 0 ]

# ---- bad options ----
run "$BROKERSEC" --lang en intake --data "$T/d" --syslog-tcp 127.0.0.1:0 --tls-client-ca "$T/clients-ca.pem"
check "client CA without a TLS listener: usage error" [ "$rc" -eq 2 ]
check "client CA without a TLS listener: says what is missing" contains "$err" "need --syslog-tls"
run "$BROKERSEC" intake --data "$T/d" --syslog-tls 127.0.0.1:0 --tls-client-fingerprint SHA256:0011
check "short fingerprint refused" [ "$rc" -ne 0 ]
check "short fingerprint: names it" contains "$err" "'SHA256:0011'"
check "short fingerprint: says what to give" contains "$err" "SHA-256 指紋的 64 個十六進位數字"
run "$BROKERSEC" intake --data "$T/d" --syslog-tls 127.0.0.1:0 --tls-client-ca "$T/missing.pem"
check "missing CA file refused" [ "$rc" -ne 0 ]
check "missing CA file: names it" contains "$err" "$T/missing.pem"
run "$BROKERSEC" intake --data "$T/d" --syslog-tls 127.0.0.1:0 --tls-client-ca "$T/c1.key"
check "CA file without a certificate refused" [ "$rc" -ne 0 ]
check "CA file without a certificate: says what to give" contains "$err" "BEGIN CERTIFICATE"
i=0
args=""
while [ $i -le 64 ]; do
	args="$args --tls-client-fingerprint $fp3"
	i=$((i + 1))
done
run "$BROKERSEC" --lang en intake --data "$T/d" --syslog-tls 127.0.0.1:0 $args
check "65 fingerprints: usage error" [ "$rc" -eq 2 ]
check "65 fingerprints: says the limit" contains "$err" "more than 64"

# ---- without client authentication: a warning ----
start_intake "$T/open.err"
check "intake without client authentication listens" [ -n "$tls_port" ]
stop_intake
check "warns that anyone may write" contains "$(cat "$T/open.err")" "anyone who can reach the tls port may write to the log"

# ---- --tls-client-ca and --tls-client-fingerprint together ----
start_intake "$T/both.err" --tls-client-ca "$T/clients-ca.pem" --tls-client-fingerprint "$fp3"
check "intake with client authentication listens" [ -n "$tls_port" ]
check "says certificates are required" contains "$(cat "$T/both.err")" "tls clients must present a certificate"
send c1 "from the CA-signed sender"
wait_committed 1
check "CA-signed sender stored" [ "$?" -eq 0 ]
send c3 "from the pinned sender"
wait_committed 2
check "pinned self-signed sender stored" [ "$?" -eq 0 ]
send none "from a sender without a certificate"
wait_counter tls_auth_failures 1
check "sender without a certificate refused" [ "$?" -eq 0 ]
send c2 "from a sender of another CA"
wait_counter tls_auth_failures 2
check "sender from another CA refused" [ "$?" -eq 0 ]
stop_intake
check "intake stops cleanly" [ "$irc" -eq 0 ]
e=$(cat "$T/both.err")
check "stderr: no certificate" contains "$e" "the client sent no certificate"
check "stderr: another CA" contains "$e" "client certificate not signed by --tls-client-ca"
check "stderr: another CA, the subject" contains "$e" "CN=sender-2"
check "stderr: the peer address" contains "$e" "refused tls client 127.0.0.1:"
run "$BROKERSEC" log status --format json --data "$T/d"
printf '%s' "$out" | python3 -c 'import json,sys; i=json.load(sys.stdin)["intake"]
print(i["tls_auth_failures"], i["tls_failures"], i["received_tls"], i["committed"], i["evicted"])' >"$T/counts"
check "log status: 2 refused, 2 stored" [ "$(cat "$T/counts")" = "2 0 2 2 0" ]

# ---- --tls-client-fingerprint alone ----
start_intake "$T/fp.err" --tls-client-fingerprint "$fp3"
check "intake with a pinned fingerprint listens" [ -n "$tls_port" ]
send c3 "from the pinned sender again"
wait_committed 1
check "pinned sender stored" [ "$?" -eq 0 ]
send c1 "from a CA-signed sender that is not pinned"
wait_counter tls_auth_failures 1
check "sender with a wrong fingerprint refused" [ "$?" -eq 0 ]
send c4 "from an unknown self-signed sender"
wait_counter tls_auth_failures 2
check "unknown self-signed sender refused" [ "$?" -eq 0 ]
stop_intake
e=$(cat "$T/fp.err")
check "stderr: the fingerprint not allowed" contains "$e" "fingerprint SHA256:$(hexfp "$T/c1.pem") not allowed"
check "stderr: how to allow it" contains "$e" "add --tls-client-fingerprint SHA256:$(hexfp "$T/c4.pem")"
run "$BROKERSEC" log status --format json --data "$T/d"
printf '%s' "$out" | python3 -c 'import json,sys; i=json.load(sys.stdin)["intake"]
print(i["tls_auth_failures"], i["received_tls"])' >"$T/counts"
check "log status: 2 refused, 1 received" [ "$(cat "$T/counts")" = "2 1" ]

# ---- rsyslog, the usual sender, with its client certificate (docs/intake.md) ----
if command -v rsyslogd >/dev/null 2>&1; then
	start_intake "$T/rs.err" --tls-client-ca "$T/clients-ca.pem"
	check "intake for rsyslog listens" [ -n "$tls_port" ]
	rs_port=$(free_port)
	mkdir -p "$T/rs"
	cat >"$T/rsyslog.conf" <<CONF
global(workDirectory="$T/rs" defaultNetstreamDriverCAFile="$T/d/tls/cert.pem"
       defaultNetstreamDriverCertFile="$T/c1.pem" defaultNetstreamDriverKeyFile="$T/c1.key")
module(load="imtcp")
input(type="imtcp" port="$rs_port" address="127.0.0.1")
*.* action(type="omfwd" target="127.0.0.1" port="$tls_port" protocol="tcp" StreamDriver="gtls"
           StreamDriverMode="1" StreamDriverAuthMode="x509/certvalid"
           template="RSYSLOG_SyslogProtocol23Format" queue.type="LinkedList" action.resumeRetryCount="-1")
CONF
	rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rsyslog.pid" >"$T/rsyslog.out" 2>&1 &
	rpid=$!
	logger_until "$rs_port" "from rsyslog with its certificate"
	wait_committed 1
	check "rsyslog with a CA-signed client certificate stored" [ "$?" -eq 0 ]
	kill -TERM "$rpid"
	wait "$rpid" 2>/dev/null
	rpid=""
	stop_intake
	check "no sender refused" [ "$(counter tls_auth_failures)" -eq 0 ]
	nstored=4
else
	echo "rsyslogd missing: install the packages of scripts/deps.txt (make deps)"
	check "rsyslogd is installed" false
	nstored=3
fi

# ---- the log holds the accepted senders' messages only ----
run "$BROKERSEC" log search --data "$T/d" --type syslog --format json
check "log search" [ "$rc" -eq 0 ]
check "only the accepted senders' messages stored" [ "$(printf '%s\n' "$out" | grep -c '"type":"syslog"')" -eq "$nstored" ]
check "stored: CA-signed" contains "$out" "from the CA-signed sender"
check "stored: pinned" contains "$out" "from the pinned sender again"
check "not stored: no certificate" ! contains "$out" "without a certificate"
check "not stored: another CA" ! contains "$out" "another CA"
check "not stored: not pinned" ! contains "$out" "not pinned"
check "not stored: unknown" ! contains "$out" "unknown self-signed"
run "$BROKERSEC" log verify --data "$T/d"
check "the chain verifies" [ "$rc" -eq 0 ]
finish
