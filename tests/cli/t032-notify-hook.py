# t032-notify-hook.py - the HTTPS webhook receiver of the notify tests (t0321, t0322): checks each
# POST's X-Brokersec-Signature (HMAC-SHA256 over "TIMESTAMP.BODY" with the key's first line) and
# that X-Brokersec-Timestamp is within 300 s of its clock (+ the skew in SKEWFILE, as the tests
# move the notifier's clock), as docs/notifications.md tells a receiver; 401 otherwise. Each
# accepted body is a line "ID CLASS TYPE" in GOT. Port 0: any; its port goes to PORTFILE.
# HTTP/1.1 with keep-alive, one thread per connection; CONNFILE (optional): a line per
# connection (t0324 and bench/notify/run count them: one pass should use one per receiver).
# usage: python3 t032-notify-hook.py PORT PORTFILE GOT CERT KEY KEYFILE SKEWFILE [CONNFILE]
import hashlib, hmac, http.server, json, os, socket, ssl, sys, threading, time
port, portfile, got, cert, key, keyfile, skewfile = sys.argv[1:8]
connfile = sys.argv[8] if len(sys.argv) > 8 else None
secret = open(keyfile, "rb").read().split(b"\n")[0]
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def setup(self):
        super().setup()
        if connfile:
            with lock, open(connfile, "a") as f:
                f.write("conn %s\n" % (self.client_address,))
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        ts = self.headers.get("X-Brokersec-Timestamp", "")
        sig = self.headers.get("X-Brokersec-Signature", "")
        want = "sha256=" + hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        skew = int(open(skewfile).read() or "0") if os.path.exists(skewfile) else 0
        fresh = ts.isdigit() and abs(time.time() + skew - int(ts)) <= 300
        if not hmac.compare_digest(want, sig) or not fresh:
            self.send_response(401); self.send_header("Content-Length", "13"); self.end_headers()
            self.wfile.write(b"bad signature"); return
        d = json.loads(body)
        with lock, open(got, "a") as f:
            f.write("%s %s %s\n" % (d["delivery"]["id"], d["class"], d.get("event", {}).get("type", d.get("kind", "-"))))
        self.send_response(204); self.send_header("Content-Length", "0"); self.end_headers()
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
http.server.ThreadingHTTPServer.allow_reuse_address = True
s = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), H)
s.socket = ctx.wrap_socket(s.socket, server_side=True)
open(portfile, "w").write(str(s.server_address[1]))
s.serve_forever()
