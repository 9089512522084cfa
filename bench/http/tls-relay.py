#!/usr/bin/env python3
"""bench/http/tls-relay.py PORT CAFILE - a loopback relay for bench/http/security.

Listens on 127.0.0.1 (a free port, printed on the first line of stdout) for plain HTTP and
relays each connection, bytes unchanged, over TLS 1.3 (certificate checked against CAFILE,
name "localhost") to brokersec on 127.0.0.1:PORT, each from the next source address of
127.0.0.2 .. 127.0.0.254. Why: Debian's sqlmap 1.7 speaks TLS 1.2 at most (its HTTPS handler
pins PROTOCOL_TLSv1_2 and older), while `brokersec serve` speaks TLS 1.3 only by default; and
brokersec throttles sign-in per source address (30 a minute, by design), which would
otherwise hide most of sqlmap's payloads behind 429 answers. Loopback only. Stops on SIGTERM.
"""
import itertools
import select
import socket
import ssl
import sys
import threading


def relay(client, port, ctx, source):
    """One thread per connection, and the TLS socket is only ever used by that thread
    (OpenSSL objects must not be read and written from two threads at once)."""
    try:
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.bind((source, 0))
        raw.connect(("127.0.0.1", port))
        up = ctx.wrap_socket(raw, server_hostname="localhost")
    except (OSError, ssl.SSLError) as e:
        print("tls-relay: %s" % e, file=sys.stderr, flush=True)
        client.close()
        return
    try:
        while True:
            ready = [up] if up.pending() else select.select([client, up], [], [], 120)[0]
            if not ready:
                break
            if up in ready:
                b = up.recv(65536)
                if not b:
                    break
                client.sendall(b)
            if client in ready:
                b = client.recv(65536)
                if not b:
                    break
                up.sendall(b)
    except (OSError, ssl.SSLError):
        pass
    for s in (client, up):
        try:
            s.close()
        except OSError:
            pass


def main():
    port, cafile = int(sys.argv[1]), sys.argv[2]
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    sources = itertools.cycle("127.0.0.%d" % i for i in range(2, 255))
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    print(ls.getsockname()[1], flush=True)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=relay, args=(c, port, ctx, next(sources)), daemon=True).start()


if __name__ == "__main__":
    main()
