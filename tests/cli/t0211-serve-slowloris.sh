#!/bin/sh
# serve: slow clients cannot starve the others (slowloris). Two attacker addresses (127.0.0.2
# and 127.0.0.3) each open as many TLS connections as the server lets them and send one
# header line every 3 seconds, never finishing the request head; meanwhile 127.0.0.1 must
# still get answers, and every trickling connection is closed once its head takes longer
# than the bound (10 s from accept; docs/tls.md, "Connections and slow clients").
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server

cat >"$T/slow.py" <<'EOF'
import asyncio, json, ssl, sys, time

port, attackers, slots, duration = int(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3]), float(sys.argv[4])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
end = time.monotonic() + duration
now_open = {a: 0 for a in attackers}
peak = {a: 0 for a in attackers}
closed = []  # seconds a trickling connection lived until the server closed it

async def slot(addr):
    while time.monotonic() < end:
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(
                "127.0.0.1", port, ssl=ctx, local_addr=(addr, 0), server_hostname="localhost"), 5)
        except Exception:
            await asyncio.sleep(2)  # refused (the per-address limit): try again later
            continue
        t0 = time.monotonic()
        now_open[addr] += 1
        peak[addr] = max(peak[addr], now_open[addr])
        ended = False
        try:
            w.write(b"GET /api/v1/openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            await w.drain()
            while time.monotonic() < end:
                try:
                    if not await asyncio.wait_for(r.read(4096), 3):
                        ended = True
                        break
                except asyncio.TimeoutError:
                    w.write(b"X-Slow: 1\r\n")  # one more header line, never the empty one
                    await w.drain()
        except Exception:
            ended = True
        now_open[addr] -= 1
        if ended and time.monotonic() < end:
            closed.append(round(time.monotonic() - t0, 1))
        w.close()

async def main():
    await asyncio.gather(*(slot(a) for a in attackers for _ in range(slots)))

asyncio.run(main())
print(json.dumps({"peak": peak, "closed": closed}))
EOF

# 260 slots per address: more than today's per-address limit (256), so each attacker holds
# all the server lets it hold; 28 s of attack, the client asks from second 6 on.
python3 "$T/slow.py" "$PORT" 127.0.0.2,127.0.0.3 260 28 >"$T/slow.out" 2>"$T/slow.err" &
apid=$!
sleep 6
ok=0 n=0
while [ $n -lt 18 ]; do
	n=$((n + 1))
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$D/tls/cert.pem" "$URL/openapi.yaml")
	[ "$code" = 200 ] && ok=$((ok + 1))
	sleep 1
done
wait "$apid"
res=$(cat "$T/slow.out")
check "attack ran" test -n "$res"
check "127.0.0.1 answered during the whole attack ($ok of $n)" test "$ok" = "$n"
peak2=$(printf '%s' "$res" | python3 -c 'import json,sys; print(json.load(sys.stdin)["peak"]["127.0.0.2"])')
peak3=$(printf '%s' "$res" | python3 -c 'import json,sys; print(json.load(sys.stdin)["peak"]["127.0.0.3"])')
check "an address holds at most 32 connections (127.0.0.2: $peak2)" test "$peak2" -le 32 -a "$peak2" -ge 1
check "an address holds at most 32 connections (127.0.0.3: $peak3)" test "$peak3" -le 32 -a "$peak3" -ge 1
# every connection the server closed while it trickled had lived about the bound: not much
# less (the bound counts from accept, the client from its handshake) and not much more
nclosed=$(printf '%s' "$res" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["closed"]))')
check "trickling connections are closed ($nclosed)" test "$nclosed" -ge 32
check "closed after the head bound, not before" printf '%s' "$res" | python3 -c '
import json,sys; c=json.load(sys.stdin)["closed"]; sys.exit(0 if c and min(c) >= 7 and max(c) <= 16 else 1)'
req - GET /openapi.yaml
check "server serves after the attack" test "$status" = 200
check "the server log says it closed slow connections" contains "$(cat "$T/serve.err")" "did not finish a request in time"
# the access log's lines (one per answered request) aside
check "libmicrohttpd's refusals do not flood the server log" \
	test "$(grep -cv '^[0-9-]*T[0-9:.]*Z [^ ]* [^ ]* "' "$T/serve.err")" -le 60
check_clean_stop
finish
