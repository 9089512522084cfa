#!/usr/bin/env python3
"""Load generator for bench/eventlog/intake-run: sends N RFC 5424 messages (LF framing, or
octet counting with --octet) over one TCP connection as fast as the receiver takes them.
The stream is built before the clock starts, so the sender costs next to nothing."""
import socket, sys, time

def main():
    port, n = int(sys.argv[1]), int(sys.argv[2])
    octet = "--octet" in sys.argv
    parts = []
    for i in range(n):
        m = (b"<134>1 2026-01-01T00:00:00.000000Z bench-host bench 4242 ID%d "
             b"[meta@32473 seq=\"%d\"] benchmark message %d for the tamper-evident log" % (i % 100, i, i))
        parts.append(b"%d %s" % (len(m), m) if octet else m + b"\n")
    data = b"".join(parts)
    s = socket.create_connection(("127.0.0.1", port))
    t0 = time.time()
    s.sendall(data)
    s.close()
    print("%.6f %.6f %d" % (t0, time.time(), len(data)))

main()
