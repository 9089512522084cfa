#!/bin/sh
# Heads witnessed by e-mail (issue 20): `serve --witness smtp://HOST:PORT/ADDRESS` mails the
# signed head over STARTTLS (the server's certificate checked with --witness-ca) to a real SMTP
# server (Debian's python3-aiosmtpd), which appends each mail to a mailbox file; the mailbox
# is the witness's record: `log verify --witness MAILBOX` agrees with the genuine log and says
# TAMPERED after the cut nothing on the host can tell. Refused: a malformed URL, a server
# without STARTTLS (nothing is sent in clear), a certificate the CA file does not vouch for.
. "$TOP/tests/cli/lib.sh"
A="$T/a"
KEY="$T/vkey"
APID=""
MPID=""
NPID=""
trap '[ -n "$APID" ] && kill "$APID" 2>/dev/null; [ -n "$MPID" ] && kill "$MPID" 2>/dev/null;
	[ -n "$NPID" ] && kill "$NPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
PY=/usr/bin/python3
if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
	echo "python3-aiosmtpd is missing (scripts/deps.txt): apt-get install python3-aiosmtpd"
	check "python3-aiosmtpd is installed" false
	finish
	exit 1
fi
sqa() { sqlite3 "$A/events.db" "$1"; }
append() { i=0; while [ $i -lt "$1" ]; do "$BROKERSEC" log append --data "$A" --type test.m --message "event $i" >/dev/null; i=$((i + 1)); done; }
wait_for() { j=0; while ! grep -q "$2" "$1" 2>/dev/null; do j=$((j + 1)); [ $j -gt 300 ] && return 1; sleep 0.1; done; }
aserve() {
	"$BROKERSEC" --lang en serve --data "$A" --listen 127.0.0.1:0 --no-access-log "$@" >"$T/a.out" 2>"$T/a.err" &
	APID=$!
	wait_for "$T/a.out" '^listening on' || true
}
astop() { kill "$APID"; wait "$APID"; arc=$?; APID=""; }

# the SMTP servers: one with STARTTLS (required), one without; each mail appended to a file
cat >"$T/smtp.py" <<'EOF'
import socket, ssl, sys, time
from aiosmtpd.controller import Controller
portfile, box, cert, key = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
class Keep:
    async def handle_DATA(self, server, session, envelope):
        with open(box, "ab") as f:
            f.write(b"From brokersec-witness\n" + envelope.content.replace(b"\r\n", b"\n") + b"\n")
        return "250 kept"
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
kw = {}
if cert != "-":
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    kw = {"tls_context": ctx, "require_starttls": True}
c = Controller(Keep(), hostname="127.0.0.1", port=port, **kw)
c.start()
open(portfile, "w").write(str(port))
while True:
    time.sleep(3600)
EOF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/smtp.key" -out "$T/smtp.pem" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/other.key" -out "$T/other.pem" 2>/dev/null
"$PY" "$T/smtp.py" "$T/port" "$T/mailbox" "$T/smtp.pem" "$T/smtp.key" 2>"$T/smtp.err" &
MPID=$!
"$PY" "$T/smtp.py" "$T/nport" "$T/clearbox" - - 2>"$T/nsmtp.err" &
NPID=$!
j=0; while [ ! -s "$T/port" ] || [ ! -s "$T/nport" ]; do j=$((j + 1)); [ $j -gt 100 ] && break; sleep 0.1; done
MP=$(cat "$T/port")
NP=$(cat "$T/nport")
check "the SMTP servers listen" test -n "$MP" -a -n "$NP"

"$BROKERSEC" init --data "$A" --org A --internal-control no --verification-key-file "$KEY" >/dev/null
run "$BROKERSEC" --lang en serve --data "$A" --listen 127.0.0.1:0 --witness "smtp://127.0.0.1:$MP"
check "smtp:// without a mailbox: refused" test "$rc" = 1
check "... saying what to give" contains "$err" "give smtp://HOST[:PORT]/ADDRESS"

# a server without STARTTLS: nothing sent in clear
aserve --witness "smtp://127.0.0.1:$NP/audit@example.com" --witness-ca "$T/smtp.pem"
wait_for "$T/a.err" 'witness smtp' || true
astop
check "no STARTTLS: said on stderr" grep -q "witness smtp://127.0.0.1:$NP/audit@example.com" "$T/a.err"
check "... and no mail went in clear" test ! -s "$T/clearbox"
# a certificate the CA file does not vouch for
aserve --witness "smtp://127.0.0.1:$MP/audit@example.com" --witness-ca "$T/other.pem"
wait_for "$T/a.err" 'not trusted' || true
astop
check "an untrusted certificate: said on stderr" grep -q "certificate is not trusted" "$T/a.err"
check "... no mail" test ! -s "$T/mailbox"
check "... and serving went on to a clean stop" test "$arc" = 0

# the first run: a mail at the start, one after the closing checkpoint
append 3
aserve --witness "smtp://127.0.0.1:$MP/audit@example.com" --witness-ca "$T/smtp.pem"
append 4
astop
closed1=$(sqa "SELECT max(idx) FROM checkpoints")
# the second run
aserve --witness "smtp://127.0.0.1:$MP/audit@example.com" --witness-ca "$T/smtp.pem"
append 5
astop
check "A stopped cleanly" test "$arc" = 0
check "A said nothing about its witness failing" ! grep -q witness "$T/a.err"
n=$(grep -c '^brokersec-head v1 log=' "$T/mailbox")
check "the mailbox got the heads ($n), a mail at each start and stop" test "$n" -ge 4
check "... addressed as asked" grep -q '^To: <audit@example.com>' "$T/mailbox"
last=$(sqa "SELECT tree_size FROM checkpoints ORDER BY idx DESC LIMIT 1")
check "... the last the closing checkpoint's" grep -q "size=$last " "$T/mailbox"
run sqlite3 "$A/brokersec.db" "SELECT count(*) FROM witness_delivery WHERE url LIKE 'smtp://%' AND http_status = 250"
u=$(grep '^brokersec-head v1 log=' "$T/mailbox" | sort -u | wc -l)
check "each head mailed is recorded as delivered, with the server's 250 ($u)" test "$out" = "$u"

run "$BROKERSEC" --lang en log verify --data "$A" --key "$KEY" --witness "$T/mailbox"
check "the genuine log agrees with the mailbox" test "$rc" = 0
check "... every head checked" contains "$out" "agrees with the witness: $n heads, the latest $last:"
size=$(sqa "SELECT tree_size FROM checkpoints WHERE idx = $closed1")
sqa "DELETE FROM events WHERE seq > $size; DELETE FROM checkpoints WHERE idx > $closed1;
    DELETE FROM event_seconds WHERE max_seq > $size"
run "$BROKERSEC" --lang en log verify --data "$A" --key "$KEY"
check "the cut: intact on A alone" test "$rc" = 0
run "$BROKERSEC" --lang en log verify --data "$A" --key "$KEY" --witness "$T/mailbox"
check "the cut against the mailbox: TAMPERED" test "$rc" = 1
check "... a witness saw more" contains "$out" "a witness saw"
finish
