#!/bin/sh
# lookalike check (第十四條 偵測釣魚網站, issue 17): the official domains' look-alikes found in
# the feeds a broker reads offline - a newly registered domain list, a Certificate Transparency
# export (JSON lines), a zone file - with bad lines counted and named, never fatal; hosts under
# a look-alike and brand-in-name matches; the broker's own names never; each new hit an event
# once; triage by a person; status SR.14 and the daily duty in due; the customer notice.
. "$TOP/tests/cli/lib.sh"

D="$T/d"
run "$BROKERSEC" init --data "$D" --org 測試保險經紀人 --internal-control yes --online-insurance yes
check "init" [ "$rc" -eq 0 ]
L() { "$BROKERSEC" --lang en lookalike "$@" --data "$D"; }

run "$BROKERSEC" --lang en status --data "$D" --id SR.14 --format json
check "SR.14 before official domains: unknown, saying what to do" contains "$out" '"unknown"' && contains "$out" "lookalike domain add"
printf 'brokertest.com.tw\n' >"$T/nrd.txt"
run L check --names "$T/nrd.txt"
check "no official domains: refused" [ "$rc" -eq 1 ]
check "says how to add them" contains "$err" "lookalike domain add"
run L check
check "nothing to look in: usage error" [ "$rc" -eq 2 ]
run L domain add com.tw
check "a public suffix is no official domain" [ "$rc" -eq 1 ]
run L domain add brokertest.com.tw ＷＡＮＧ.idv.tw
check "domain add" [ "$rc" -eq 0 ]
run L domain add brokertest.com.tw
check "twice: said, not an error" [ "$rc" -eq 0 ] && contains "$out" "already"
run L domains --format json
check "domains: UTS #46 mapped (wang.idv.tw)" contains "$out" '"wang.idv.tw"'
run "$BROKERSEC" --lang en status --data "$D" --id SR.14 --format json
check "SR.14 with official domains and no check: not met" contains "$out" '"not_met"'

# --- a newly registered domain list ------------------------------------------------------
cat >"$T/nrd.txt" <<'EOF'
# newly registered, 2026-12-05
brokertest.com.tw
www.brokertest.com.tw
brokertesr.com.tw
login.brokcrtest.com.tw,2026-12-05
brokertest-secure-login.net
"broker-test.com.tw",2026-12-05
harmless.com.tw
wang.idv.tw
wamg.idv.tw
garbage-without-dot
bad..name.com.tw
report.pdf
brokertest.net.
EOF
printf 'bin\000ary.com.tw\n' >>"$T/nrd.txt"
run L check --names "$T/nrd.txt" --format json
check "new look-alikes: exit 3" [ "$rc" -eq 3 ]
printf '%s\n' "$out" >"$T/c1.json"
run python3 - "$T/c1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
found = {h["name"]: h for h in d["found"]}
want = {"brokertesr.com.tw", "brokcrtest.com.tw", "broker-test.com.tw", "wamg.idv.tw", "brokertest.net",
        "brokertest-secure-login.net"}
assert set(found) == want, sorted(set(found) ^ want)
assert found["brokcrtest.com.tw"]["source"].endswith("(login.brokcrtest.com.tw)"), found["brokcrtest.com.tw"]
assert found["brokertest-secure-login.net"]["kind"] == "brand"
assert found["wamg.idv.tw"]["official"] == "wang.idv.tw"
assert all(h["new"] and h["state"] == "open" for h in found.values())
src = d["sources"][0]
assert src["kind"] == "names" and src["lines"] == 15, src
assert src["bad"] == 4 and src["first_bad"] == [11, 12, 13, 15], src
print("ok")
PY
check "names feed: the look-alikes, hosts under them, brand; ours and bad lines not" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || printf '%s\n' "$out" "$err"

run L check --names "$T/nrd.txt"
check "the same again: nothing new, exit 0" [ "$rc" -eq 0 ]
check "table says where the bad lines are" contains "$out" "lines 11, 12, 13, 15"

# --- a CT export and a zone file ---------------------------------------------------------
cat >"$T/ct.jsonl" <<'EOF'
{"message_type":"certificate_update","data":{"leaf_cert":{"all_domains":["*.brokertesf.com.tw","brokertesf.com.tw"]}}}
{"issuer_name":"C=US, O=Let's Encrypt","name_value":"mail.example.org\nbrokertest.org.tw"}
{"dns_names":["www.brokertest.com.tw","brokertest.com.tw"]}
{"not json
{"subject":"no names here"}
["bro-kertest.com.tw"]
EOF
cat >"$T/tw.zone" <<'EOF'
$ORIGIN tw.
$TTL 86400
@	IN	SOA	ns.twnic.net.tw. hostmaster.twnic.net.tw. (
		2026120501 ; serial
		3600 600 86400 3600 )
brokertesy.com	IN	NS	ns1.evil.example.
		IN	NS	ns2.evil.example.
xn--brkertest-66a.com.tw. 3600 IN NS ns1.evil.example.
unrelated.com	IN	NS	ns1.example.
$INCLUDE other.zone
EOF
run L check --ct "$T/ct.jsonl" --zone "$T/tw.zone" --format json
check "ct + zone: exit 3" [ "$rc" -eq 3 ]
printf '%s\n' "$out" >"$T/c2.json"
run python3 - "$T/c2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
new = {h["name"] for h in d["found"] if h.get("new")}
want = {"brokertesf.com.tw", "brokertest.org.tw", "bro-kertest.com.tw", "brokertesy.com.tw", "xn--brkertest-66a.com.tw"}
assert new == want, sorted(new ^ want)
ct, zone = d["sources"]
assert ct["kind"] == "ct" and ct["bad"] == 2 and ct["first_bad"] == [4, 5], ct
assert zone["kind"] == "zone" and zone["bad"] == 1 and zone["first_bad"] == [10], zone
assert zone["names"] == 3, zone  # the apex (tw) is no registrable name and no bad line either
u = [h for h in d["found"] if h["name"] == "xn--brkertest-66a.com.tw"][0]
assert u["unicode"] == "brókertest.com.tw", u
print("ok")
PY
check "ct and zone feeds: names at any depth, crt.sh's lines, owner names, IDN" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || printf '%s\n' "$out" "$err"

run L check --names "$T/missing.txt"
check "a missing feed: refused with its name" [ "$rc" -eq 1 ] && contains "$err" "missing.txt"

# --- the mail and proxy logs already in the event log (syslog intake, real logger) ----------
. "$TOP/tests/cli/t04-intake.inc"
ipid=""
dpid=""
cleanup() {
	[ -n "$ipid" ] && kill "$ipid" 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
"$BROKERSEC" intake --data "$D" --syslog-udp 127.0.0.1:0 2>"$T/intake.err" &
ipid=$!
udp_port=$(wait_port "$T/intake.err" udp)
check "intake listens" [ -n "${udp_port:-}" ]
logger --udp -n 127.0.0.1 -P "$udp_port" --rfc5424 -t postfix/smtpd -p mail.info \
	"NOQUEUE: reject: RCPT from unknown[192.0.2.5]: from=<ceo@brokertwst.com.tw> to=<sales@brokertest.com.tw>"
logger --udp -n 127.0.0.1 -P "$udp_port" --rfc5424 -t squid -p local4.info \
	"1733462400.123 52 10.0.0.7 TCP_MISS/200 1234 GET http://secure.brokertesg.com.tw/login.php - HIER_DIRECT/192.0.2.9 text/html"
logger --udp -n 127.0.0.1 -P "$udp_port" --rfc5424 -t app -p user.info "report.pdf saved by sshd.service for www.brokertest.com.tw"
wait_committed 3
check "three log lines stored" [ "$?" -eq 0 ]
stop_intake
run L check --events --format json
check "events: exit 3 (new)" [ "$rc" -eq 3 ]
printf '%s\n' "$out" >"$T/c3.json"
run python3 - "$T/c3.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
new = {h["name"]: h for h in d["found"] if h.get("new")}
assert set(new) == {"brokertwst.com.tw", "brokertesg.com.tw"}, sorted(new)
assert new["brokertesg.com.tw"]["source"].startswith("event:") and "(secure.brokertesg.com.tw)" in new["brokertesg.com.tw"]["source"]
ev = d["sources"][0]
assert ev["kind"] == "events" and ev["to_seq"] > ev["after_seq"], ev
print("ok")
PY
check "events: a sender's domain and a proxied URL's host found" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || printf '%s\n' "$out" "$err"
run L check --events --format json
check "events: the same lines are not read twice" [ "$rc" -eq 0 ] && contains "$out" '"names": 0'
run "$BROKERSEC" log search --data "$D" --type eventlog.read --format json
check "reading the log for it is itself an event" contains "$out" "lookalike check"

# --- DNS with c-ares against a DNS server on loopback (dnsmasq) ----------------------------
dport=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '192.0.2.10 brokertesr.com.tw\n192.0.2.11 brokertest.net\n2001:db8::11 brokertest.net\n192.0.2.12 brokertset.com.tw\n' >"$T/hosts"
dnsmasq --keep-in-foreground --port="$dport" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
	--addn-hosts="$T/hosts" --mx-host=brokertest.net,mail.brokertest.net,10 --pid-file= --user=root --local=/#/ \
	--log-facility="$T/dnsmasq.log" &
dpid=$!
i=0
until dig +short +time=1 +tries=1 @127.0.0.1 -p "$dport" brokertest.net A 2>/dev/null | grep -q 192.0.2.11; do
	i=$((i + 1))
	[ $i -gt 50 ] && break
	sleep 0.1
done
run L check --resolve --resolver "127.0.0.1:$dport" --format json
check "resolve: exit 3 (a look-alike only DNS knows)" [ "$rc" -eq 3 ]
printf '%s\n' "$out" >"$T/c4.json"
run python3 - "$T/c4.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = {h["name"]: h for h in d["found"]}
assert d["resolved"] == 3 and d["dns_failed"] == 0, (d["resolved"], d["dns_failed"])
n = f["brokertset.com.tw"]
assert n["new"] and n["source"] == "dns" and n["kind"] == "transposition" and n["dns"]["a"] == ["192.0.2.12"], n
b = f["brokertest.net"]
assert not b.get("new") and b["dns"] == {"a": ["192.0.2.11"], "aaaa": ["2001:db8::11"], "mx": ["mail.brokertest.net"], "ns": []}, b
assert f["brokertesr.com.tw"]["dns"]["a"] == ["192.0.2.10"]
print("ok")
PY
check "resolve: every permutation asked; A, AAAA and MX kept with the hit" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || printf '%s\n' "$out" "$err"
run L check --resolve --resolver "not an address"
check "a bad --resolver: refused with what to give" [ "$rc" -eq 1 ] && contains "$err" "127.0.0.1:5353"
run L check --resolver 127.0.0.1
check "--resolver without --resolve: usage error" [ "$rc" -eq 2 ]
kill "$dpid" 2>/dev/null
dpid=""

# --- every new hit is one event; a check is one ------------------------------------------
run "$BROKERSEC" log search --data "$D" --type lookalike.hit --format json
check "one lookalike.hit event per new look-alike (14)" [ "$(printf '%s\n' "$out" | grep -c '"lookalike.hit"')" -eq 14 ]
run "$BROKERSEC" log search --data "$D" --type lookalike.check --format json
check "one lookalike.check event per check (6)" [ "$(printf '%s\n' "$out" | grep -c '"lookalike.check"')" -eq 6 ]

# --- triage ------------------------------------------------------------------------------
id=$(L hits --format json | python3 -c 'import json,sys; print([h["id"] for h in json.load(sys.stdin) if h["name"]=="brokertesr.com.tw"][0])')
run L triage "$id" --state phishing --note "reported to TWCERT/CC"
check "triage" [ "$rc" -eq 0 ]
run L triage "$id" --state maybe
check "an unknown state: usage error" [ "$rc" -eq 2 ]
run L triage 99999 --state benign
check "an unknown hit: refused" [ "$rc" -eq 1 ] && contains "$err" "lookalike hits"
run L hits --state phishing --format json
check "hits --state phishing" contains "$out" "brokertesr.com.tw" && contains "$out" "TWCERT"
run "$BROKERSEC" log search --data "$D" --type lookalike.triage --format json
check "triage is an event" contains "$out" '"phishing"'

# --- the customer notice -----------------------------------------------------------------
run "$BROKERSEC" lookalike notice --data "$D"
check "notice: exit 0" [ "$rc" -eq 0 ]
check "notice: zh-TW first, with the broker's name and domains" contains "$out" "測試保險經紀人 提醒您" && contains "$out" "brokertest.com.tw" && contains "$out" "wang.idv.tw"
check "notice: English too" contains "$out" "Beware of phishing"
check "notice: no phishing list unless asked" ! contains "$out" "brokertesr.com.tw"
run "$BROKERSEC" lookalike notice --data "$D" --notice-lang en --format html --with-phishing
check "notice html: confirmed phishing listed" contains "$out" "<li>brokertesr.com.tw</li>"
check "notice html: English only" ! contains "$out" "提醒您"
run "$BROKERSEC" lookalike notice --data "$D" --notice-lang fr
check "notice: unknown language: usage error" [ "$rc" -eq 2 ]

# --- status SR.14 and the daily duty -----------------------------------------------------
today=$(date -u +%Y-%m-%d)
later=$(date -u -d '+3 days' +%Y-%m-%d)
run "$BROKERSEC" --lang en status --data "$D" --id SR.14 --format json
check "SR.14: due while look-alikes are open" contains "$out" '"due"'
for i in $(L hits --state open --format json | python3 -c 'import json,sys; print(" ".join(str(h["id"]) for h in json.load(sys.stdin)))'); do
	L triage "$i" --state benign >/dev/null
done
run "$BROKERSEC" --lang en status --data "$D" --id SR.14 --format json
check "SR.14: met after today's check with every hit decided" contains "$out" '"met"'
run "$BROKERSEC" --lang en status --data "$D" --id SR.14 --format json --as-of "$later"
check "SR.14: due three days later (no check since)" contains "$out" '"due"'
run "$BROKERSEC" --lang en due --data "$D" --all --format json --as-of "$later"
check "due: the daily look-alike check is overdue three days later" contains "$out" '"lookalike-check"'
printf '%s\n' "$out" | python3 -c '
import json, sys
d = [x for x in json.load(sys.stdin) if x["duty"] == "lookalike-check"]
assert d and d[0]["status"] == "overdue" and d[0]["source"] == "SR.14", d' 2>"$T/due.err"
check "due: overdue, citing SR.14" [ ! -s "$T/due.err" ]
run "$BROKERSEC" --lang en due --data "$D" --all --format json --as-of "$today"
printf '%s\n' "$out" | python3 -c '
import json, sys
d = [x for x in json.load(sys.stdin) if x["duty"] == "lookalike-check"]
assert d and d[0]["status"] != "overdue", d' 2>"$T/due2.err"
check "due: not overdue on the day of a check" [ ! -s "$T/due2.err" ]

finish
