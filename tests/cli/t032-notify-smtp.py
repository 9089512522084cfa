# t032-notify-smtp.py - the SMTP server of the notify tests t0323 and t0324 and of bench/notify/run
# (Debian's python3-aiosmtpd): STARTTLS and AUTH required (the login alice, the password in
# PWFILE), as a broker's mail relay would. Each connection is a line in CONNFILE (the test counts
# them: one pass of the notifier should use one); each mail a block in BOX ("=== mail conn=N",
# RCPT, Subject, then the decoded body). MAXMSG (0: no limit): the messages a connection takes;
# the next MAIL FROM is answered 421 and the connection closed, as Exim's
# smtp_accept_max_per_connection does. PORT 0: any; the port goes to PORTFILE.
# usage: python3 t032-notify-smtp.py PORT PORTFILE BOX CERT KEY PWFILE CONNFILE [MAXMSG]
import email, email.policy, itertools, ssl, socket, sys, threading, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult
port, portfile, box, cert, key, pwfile, connfile = sys.argv[1:8]
maxmsg = int(sys.argv[8]) if len(sys.argv) > 8 else 0
ready = threading.Event()
ids = itertools.count(1)
lock = threading.Lock()

class Keep:
    async def handle_MAIL(self, server, session, envelope, address, options):
        if maxmsg and getattr(server, "bs_count", 0) >= maxmsg:
            server.loop.call_later(0.05, server.transport.close)
            return "421 4.7.0 too many messages in this connection"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"
    async def handle_DATA(self, server, session, envelope):
        server.bs_count = getattr(server, "bs_count", 0) + 1
        m = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with lock, open(box, "a", encoding="utf-8") as f:
            f.write("=== mail conn=%s\nTLS: %s\nRCPT: %s\nSubject: %s\n\n%s\n" % (
                getattr(server, "bs_conn", "?"), "yes" if session.ssl is not None else "no",
                ",".join(envelope.rcpt_tos), m["subject"], m.get_content()))
        return "250 kept"

def auth(server, session, envelope, mechanism, data):
    want = open(pwfile).read().split("\n")[0].encode()
    return AuthResult(success=(data.login == b"alice" and data.password == want), handled=False, auth_data=data.login)

class Counting(Controller):
    def factory(self):
        s = SMTP(self.handler, **self.SMTP_kwargs)
        if ready.is_set():  # not the controller's own start-up probe
            s.bs_conn = next(ids)
            with lock, open(connfile, "a") as f:
                f.write("conn %d\n" % s.bs_conn)
        return s

if int(port) == 0:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
c = Counting(Keep(), hostname="127.0.0.1", port=int(port), tls_context=ctx, require_starttls=True,
             authenticator=auth, auth_required=True)
c.start()
ready.set()
open(portfile, "w").write(str(port))
while True:
    time.sleep(3600)
