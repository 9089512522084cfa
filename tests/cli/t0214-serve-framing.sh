#!/bin/sh
# serve: request smuggling building blocks. Raw bytes over TLS; each ambiguous or malformed
# head gets exactly one answer (400, or 501 for an unknown transfer coding) with
# "Connection: close", and then the connection ends: bytes after it are never read as a
# second request. Controls: pipelined and chunked requests that are well-formed still work.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server

cat >"$T/raw.py" <<'EOF'
import concurrent.futures, re, socket, ssl, sys, time

port = int(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
H = b"Host: 127.0.0.1\r\n"
NEXT = b"GET /api/v1/openapi.yaml HTTP/1.1\r\n" + H + b"\r\n"  # smuggled: must never be answered
cases = {
    "cl-te": b"POST /api/v1/session HTTP/1.1\r\n" + H + b"Content-Type: application/json\r\nContent-Length: 5\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + NEXT,
    "two-cl": b"POST /api/v1/session HTTP/1.1\r\n" + H + b"Content-Type: application/json\r\nContent-Length: 2\r\n"
              b"Content-Length: " + str(2 + len(NEXT)).encode() + b"\r\n\r\n{}" + NEXT,
    "te-xchunked": b"POST /api/v1/session HTTP/1.1\r\n" + H + b"Content-Type: application/json\r\n"
                   b"Transfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + NEXT,
    "te-http10": b"POST /api/v1/session HTTP/1.0\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "nul-request-line": b"GET /api/v1/openapi.yaml\x00/../x HTTP/1.1\r\n" + H + b"\r\n" + NEXT,
    "nul-header-value": b"GET /api/v1/openapi.yaml HTTP/1.1\r\n" + H + b"X-A: a\x00b\r\n\r\n" + NEXT,
    "nul-line-start": b"GET /api/v1/openapi.yaml HTTP/1.1\r\n" + H + b"\x00X: y\r\n\r\n" + NEXT,
    "nul-method": b"GE\x00T /api/v1/openapi.yaml HTTP/1.1\r\n" + H + b"\r\n" + NEXT,
    "pct00": b"GET /api/v1/users/a%00b HTTP/1.1\r\n" + H + b"\r\n" + NEXT,
    "bare-lf": b"GET /api/v1/openapi.yaml HTTP/1.1\n" + H + b"\r\n" + NEXT,
    "folded": b"GET /api/v1/openapi.yaml HTTP/1.1\r\n" + H + b"X-A: a\r\n b\r\n\r\n" + NEXT,
    # controls
    "pipelined": NEXT + NEXT,
    "chunked-ok": b"POST /api/v1/session HTTP/1.1\r\n" + H + b"Content-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + NEXT,
}
# Each case on its own connection, all at once (a case that is answered correctly may wait
# its whole 5 s read bound for a response that must not come); printed in the order given.
def case(name):
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
    s.sendall(cases[name])
    s.settimeout(5)
    data, eof, t0 = b"", False, time.time()
    try:
        while time.time() - t0 < 8:
            b = s.recv(65536)
            if not b:
                eof = True
                break
            data += b
    except (socket.timeout, ssl.SSLError, OSError):
        pass
    s.close()
    st, close, rest = [], False, data
    while rest.startswith(b"HTTP/1.1 ") and b"\r\n\r\n" in rest:  # response by response
        head, rest = rest.split(b"\r\n\r\n", 1)
        st.append(head[9:12].decode())
        close = close or b"\r\nConnection: close" in head
        m = re.search(rb"\r\nContent-Length: (\d+)", head)
        rest = rest[int(m.group(1)) if m else 0:]
    if rest:
        st.append("junk")
    return " ".join((name, ",".join(st) or "none", "eof" if eof else "open", "close" if close else "-"))

with concurrent.futures.ThreadPoolExecutor(len(sys.argv) - 2) as pool:
    for line in pool.map(case, sys.argv[2:]):
        print(line)
EOF

python3 "$T/raw.py" "$PORT" cl-te two-cl te-xchunked te-http10 nul-request-line nul-header-value nul-line-start \
	nul-method pct00 bare-lf folded pipelined chunked-ok >"$T/raw.out" 2>"$T/raw.err"
cat "$T/raw.out"
res() { sed -n "s/^$1 //p" "$T/raw.out"; }
check "Content-Length with Transfer-Encoding: one 400, close, end" test "$(res cl-te)" = "400 eof close"
check "two different Content-Lengths: one 400, close, end" test "$(res two-cl)" = "400 eof close"
check "Transfer-Encoding: xchunked: one 501, close, end" test "$(res te-xchunked)" = "501 eof close"
check "Transfer-Encoding in HTTP/1.0: 400" test "$(res te-http10)" = "400 eof close"
check "NUL in the request line: one 400, end" test "$(res nul-request-line)" = "400 eof close"
check "NUL in a header value: one 400, end" test "$(res nul-header-value)" = "400 eof close"
check "NUL starting a header line: one 400, end" test "$(res nul-line-start)" = "400 eof close"
check "NUL in the method: one 400, end" test "$(res nul-method)" = "400 eof close"
check "%00 in the URL: one 400, end" test "$(res pct00)" = "400 eof close"
check "bare LF line end: one 400, end" test "$(res bare-lf)" = "400 eof close"
check "folded header line: one 400, end" test "$(res folded)" = "400 eof close"
check "control: two pipelined requests, two answers" test "$(res pipelined | cut -d' ' -f1)" = "200,200"
check "control: a chunked body is read (then the next request)" test "$(res chunked-ok | cut -d' ' -f1)" = "400,200"
check "no sanitizer or parser trouble in the server log" ! contains "$(cat "$T/serve.err")" "Sanitizer"
req - GET /openapi.yaml
check "server serves afterwards" test "$status" = 200
check_clean_stop
finish
