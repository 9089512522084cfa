#!/bin/sh
# Notifications by e-mail (issue 19): a real SMTP server on loopback (Debian's python3-aiosmtpd)
# that requires STARTTLS and AUTH and checks the login, as a mail relay of a broker would.
# `notify channel add --smtp` keeps the password sealed (never in either database in clear);
# `notify test` and `notify run` deliver over STARTTLS with AUTH; an event of a subscribed class
# (a real lockout: five wrong passwords) becomes a mail in zh-TW then English; the daily digest
# goes to the person who answers for a duty, once a day; a wrong password, a server without
# STARTTLS and a certificate the CA file does not vouch for each fail with a clear message and
# nothing sent in clear.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t032-notify.inc"

# the SMTP server: STARTTLS and AUTH required (the login alice / the password below); each mail
# decoded (RFC 2047 subject, base64 body) into the mailbox with what the session had
cat >"$T/smtp.py" <<'EOF'
import email, email.policy, socket, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
portfile, box, cert, key, pwfile = sys.argv[1:6]
class Keep:
    async def handle_DATA(self, server, session, envelope):
        m = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with open(box, "a", encoding="utf-8") as f:
            f.write("=== mail\nTLS: %s\nAUTH: %s\nRCPT: %s\nSubject: %s\nTo: %s\n\n%s\n" % (
                "yes" if session.ssl is not None else "no", session.auth_data.decode() if session.authenticated else "-",
                ",".join(envelope.rcpt_tos), m["subject"], m["to"], m.get_content()))
        return "250 kept"
def auth(server, session, envelope, mechanism, data):
    want = open(pwfile).read().split("\n")[0].encode() if pwfile != "-" else b""
    return AuthResult(success=(data.login == b"alice" and data.password == want), handled=False, auth_data=data.login)
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
kw = {}
if cert != "-":
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    kw = {"tls_context": ctx, "require_starttls": True, "authenticator": auth, "auth_required": True}
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
printf 'S3cret-relay-pass\n' >"$T/pw"
printf 'wrong-pass\n' >"$T/badpw"
"$PY" "$T/smtp.py" "$T/port" "$T/mailbox" "$T/smtp.pem" "$T/smtp.key" "$T/pw" 2>"$T/smtp.err" &
MPID=$!
"$PY" "$T/smtp.py" "$T/nport" "$T/clearbox" - - - 2>"$T/nsmtp.err" &
NPID=$!
wait_port "$T/port"
wait_port "$T/nport"
MP=$(cat "$T/port")
NP=$(cat "$T/nport")
check "the SMTP servers listen" test -n "$MP" -a -n "$NP"

"$BROKERSEC" init --data "$A" --org A --internal-control no --test-fast-kdf >/dev/null 2>&1
export BROKERSEC_DATA="$A"

# refused before anything is stored
run B notify channel add m1 --smtp "smtp://alice:pw@127.0.0.1:$MP" --from bs@example.com --to sec@example.com
check "a login in the URL: refused" test "$rc" = 2
check "... saying where it goes" contains "$err" "--user and --smtp-password-file"
run B notify channel add m1 --smtp "http://127.0.0.1:$MP" --from bs@example.com --to sec@example.com
check "not smtp:// or smtps://: refused" test "$rc" = 2
run B notify channel add m1 --smtp "smtp://127.0.0.1:$MP" --from bs@example.com
check "no --to: refused" test "$rc" = 2
run B notify channel add m1 --smtp "smtp://127.0.0.1:$MP" --from bs@example.com --to 'sec@example.com,not an address'
check "a bad recipient: refused, naming it" contains "$err" "'not an address' is not an address"
run B notify channel add m1 --smtp "smtp://127.0.0.1:$MP" --from bs@example.com --to sec@example.com --user alice
check "--user without its password file: refused" test "$rc" = 2
run B notify channel list --format json
check "... and nothing was stored" test "$out" = "[]"

run B notify channel add mail --smtp "smtp://127.0.0.1:$MP" --from brokersec@example.com \
	--to sec@example.com,it@example.com --user alice --smtp-password-file "$T/pw" --ca "$T/smtp.pem"
check "channel add" test "$rc" = 0
run B notify channel add mail --smtp "smtp://127.0.0.1:$MP" --from brokersec@example.com --to sec@example.com
check "the same name again: refused" test "$rc" = 1
check "... it exists" contains "$err" "exists already"
check "the password is in neither database in clear" sh -c "! grep -qa 'S3cret-relay-pass' '$A/brokersec.db' '$A/events.db'"
check "... nor in a WAL" sh -c "! cat '$A'/*-wal 2>/dev/null | grep -qa 'S3cret-relay-pass'"
run B log search --type notify.channel.add
check "the channel's addition is an event" contains "$out" "notification channel 'mail' added"

run B notify test mail
check "notify test: delivered" test "$rc" = 0
check "... a mail arrived" grep -q '^=== mail' "$T/mailbox"
check "... over STARTTLS" grep -q '^TLS: yes' "$T/mailbox"
check "... after AUTH as alice" grep -q '^AUTH: alice' "$T/mailbox"
check "... to both recipients" grep -q '^RCPT: sec@example.com,it@example.com' "$T/mailbox"
check "... its subject in zh-TW, decoded" grep -q '^Subject: \[brokersec\] 通知測試 / notification test' "$T/mailbox"

# an event of a subscribed class: a real lockout (five wrong passwords of a real account)
"$BROKERSEC" user add --username bob --role auditor >/dev/null 2>&1
printf 'not-his-password\n' >"$T/wrongpw"
i=0; while [ $i -lt 5 ]; do "$BROKERSEC" --as bob --password-file "$T/wrongpw" status >/dev/null 2>&1; i=$((i + 1)); done
run B log search --type auth.lockout
check "five wrong passwords locked bob (an auth.lockout event)" contains "$out" "bob"
run B notify run --once
check "not subscribed yet: nothing queued" contains "$out" "queued 0"
run B notify subscribe mail lockout log
check "subscribe" test "$rc" = 0
run B notify subscribe mail nonsense
check "an unknown class: refused" test "$rc" = 2
check "... naming the classes" contains "$err" "log, lockout, integrity, phishing, duties, findings"
run B notify channel list
check "channel list shows the classes" contains "$out" "log,lockout"
"$BROKERSEC" user unlock bob >/dev/null 2>&1
i=0; while [ $i -lt 5 ]; do "$BROKERSEC" --as bob --password-file "$T/wrongpw" status >/dev/null 2>&1; i=$((i + 1)); done
before=$(grep -c '^=== mail' "$T/mailbox")
run B notify run --once
check "notify run: the lockout queued and sent" contains "$out" "sent 1"
after=$(grep -c '^=== mail' "$T/mailbox")
check "... one more mail" test "$after" = $((before + 1))
check "... subject: the class in zh-TW and English" grep -q '^Subject: \[brokersec\] 帳號鎖定與拒絕 / lockout: account .bob. locked' "$T/mailbox"
check "... the body zh-TW first" grep -q '^brokersec 通知：帳號鎖定與多次拒絕存取（第十條、附件二肆一(六)）' "$T/mailbox"
check "... then English" grep -q '^brokersec notification: account lockouts and repeated refusals (SR.10, A2.4.1.6)' "$T/mailbox"
run B notify run --once
check "the next pass: nothing again" contains "$out" "queued 0"
run B log search --type notify.sent --format json
check "the delivery is an event" contains "$out" "notification(s) delivered"
check "... naming the channel and the event" contains "$out" '"channel":"mail","class":"lockout","id":'

# the wrong password: AUTH refused, said, kept for a retry
run B notify channel add badpw --smtp "smtp://127.0.0.1:$MP" --from brokersec@example.com --to sec@example.com \
	--user alice --smtp-password-file "$T/badpw" --ca "$T/smtp.pem"
run B notify test badpw
check "a wrong SMTP password: fails" test "$rc" = 1
check "... saying the login was refused" contains "$err" "Login denied"
run B notify queue --state pending --format json
check "... the message stays queued with its error" contains "$out" '"last_error": "smtp://127.0.0.1'
# a server without STARTTLS: nothing in clear
run B notify channel add clear --smtp "smtp://127.0.0.1:$NP" --from brokersec@example.com --to sec@example.com
run B notify test clear
check "no STARTTLS: fails" test "$rc" = 1
check "... and nothing went in clear" test ! -s "$T/clearbox"
# a certificate the CA file does not vouch for
run B notify channel add other --smtp "smtp://127.0.0.1:$MP" --from brokersec@example.com --to sec@example.com \
	--user alice --smtp-password-file "$T/pw" --ca "$T/other.pem"
run B notify test other
check "an untrusted certificate: fails" test "$rc" = 1
check "... saying what to give" contains "$err" "notify channel add ... --ca FILE"
run B log search --type notify.failed
check "failed attempts are events" contains "$out" "attempt 1 failed"
run B notify channel remove clear
check "channel remove" test "$rc" = 0
run B notify queue --format json
check "... its queued message given up" contains "$out" '"last_error": "channel removed"'

# the daily digest: to the person who answers for the duty, zh-TW first, once a day
"$BROKERSEC" person add --name 王小明 --role security --email wang@example.com >/dev/null 2>&1
"$BROKERSEC" system add --name 核心系統 --category 1 --core yes --owner 王小明 >/dev/null 2>&1
run B due --format json
check "the system has duties due" contains "$out" '"subject": "system:1"'
run B notify subscribe mail duties findings
before=$(grep -c '^=== mail' "$T/mailbox")
run B notify run --once
check "the digest: queued and sent" contains "$out" "digests"
check "... to the system's owner" grep -q '^RCPT: wang@example.com' "$T/mailbox"
check "... a digest in zh-TW" grep -q '^王小明 您好：' "$T/mailbox"
check "... naming the system's duty" grep -q 'system:1' "$T/mailbox"
check "... then English" grep -q '^Dear 王小明,' "$T/mailbox"
n1=$(grep -c '^=== mail' "$T/mailbox")
run B notify run --once
n2=$(grep -c '^=== mail' "$T/mailbox")
check "once a day: no second digest the same day" test "$n1" = "$n2"
run env BROKERSEC_TEST_NOTIFY_SKEW=86400 "$BROKERSEC" --lang en notify run --once
n3=$(grep -c '^=== mail' "$T/mailbox")
check "the next day: a new digest" test "$n3" -gt "$n2"
finish
