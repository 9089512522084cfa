#!/bin/sh
# serve: the event log for the web UI (issue 15). GET /events a page at a time (?before/?after
# cursors, newest first, at most 200, a bounded window per request, ?q text): walked both ways
# over a few thousand events, every event exactly once (no duplicate, no gap), with sparse
# filters and a small window; POST /events/verify as `log verify` (intact, then a row changed
# with sqlite3 named); GET /events/bundle is `log export` as a download that
# `log verify --bundle --key` accepts offline; each is an eventlog.read event by the account;
# roles without events.read are refused.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
grep '^bsseal1-' "$T/init.out" >"$T/vkey"
check "init printed the verification key" test -s "$T/vkey"
activate auditor aud auditor
activate so so1 security_officer
activate it ivan it_staff
activate employee emma employee
run "$BROKERSEC" user token --data "$D" ivan --scope events.append --days 7 --lang en
tok=$(printf '%s\n' "$out" | tail -n 1)

# 3000 events in three batches: every 10th is test.sparse, one holds a rare word
N=3000
python3 - "$T" "$N" <<'EOF'
import json, sys
T, N = sys.argv[1], int(sys.argv[2])
for b in range(3):
    with open("%s/b%d.ndjson" % (T, b), "w") as f:
        for i in range(b * N // 3, (b + 1) * N // 3):
            e = {"type": "test.sparse" if i % 10 == 0 else "test.bulk", "host": "pc-%d" % (i % 7),
                 "message": "bulk event %d" % i, "data": {"i": i}}
            if i == 1234:
                e["message"] = "盤點 Needle-Word 保險 %d" % i
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
EOF
for b in 0 1 2; do
	req - POST /events -H "Authorization: Bearer $tok" -H 'Content-Type: application/x-ndjson' --data-binary "@$T/b$b.ndjson"
	check "batch $b accepted" test "$status" = 200
done
run "$BROKERSEC" log search --data "$D" --type test --format json
printf '%s\n' "$out" | python3 -c 'import json,sys; print("\n".join(str(json.loads(l)["seq"]) for l in sys.stdin if l.strip()))' \
	| sort -n >"$T/test.seqs"
check "the CLI sees the $N events" test "$(wc -l <"$T/test.seqs")" -eq "$N"

# walk QUERY DIRECTION: follows the cursor from the start (older: newest first from the end;
# newer: ?after=0 ... from the oldest) and writes the seqs met, one a line, into $T/walk; checks
# on the way that every page is newest first, within its limit, and that cursors move.
walk() {
	_q=$1 _dir=$2 _cur=""
	: >"$T/walk"
	_pages=0
	while :; do
		if [ -z "$_cur" ]; then
			if [ "$_dir" = older ]; then _arg=""; else _arg="&after=$(($(sed -n 1p "$T/test.seqs") - 1))"; fi
		elif [ "$_dir" = older ]; then _arg="&before=$_cur"; else _arg="&after=$_cur"; fi
		req auditor GET "/events?$_q$_arg"
		[ "$status" = 200 ] || { echo "walk: $status $body"; return 1; }
		_pages=$((_pages + 1))
		[ "$_pages" -lt 500 ] || { echo "walk: no end"; return 1; }
		# one expression in the test's client (no python3 start a page): the seqs go to $T/walk,
		# the answer is "ok|bad CURSOR"
		_r=$(jpy "'%s %s' % ('ok' if [e['seq'] for e in b['events']] == sorted([e['seq'] for e in b['events']], reverse=True) and len(b['events']) <= b['limit'] and open('$T/walk', 'a').write(''.join('%d\\n' % e['seq'] for e in b['events'])) >= 0 else 'bad', b['$_dir'])")
		case "$_r" in "ok "*) ;; *) echo "walk: page not newest first or over its limit: $_r"; return 1 ;; esac
		_next=${_r#ok }
		[ "$_next" != None ] || _next=""
		if [ -n "$_next" ] && [ -n "$_cur" ]; then
			if [ "$_dir" = older ]; then [ "$_next" -lt "$_cur" ]; else [ "$_next" -gt "$_cur" ]; fi ||
				{ echo "walk: the cursor did not move ($_cur -> $_next)"; return 1; }
		fi
		[ -n "$_next" ] || break
		_cur=$_next
	done
	echo "$_pages" >"$T/walk.pages"
}
# only the test events: the reads add eventlog.read events at the end as the walk goes
only_test() { grep -Fxf "$T/test.seqs" "$T/walk" | sort -n; }

walk "type=test&limit=200" older
check "older walk: 200 a page over the $N test events" test "$(cat "$T/walk.pages")" -ge 15
check "older walk: no duplicate" test "$(sort "$T/walk" | uniq -d | wc -l)" -eq 0
only_test >"$T/got"
check "older walk: every test event, none missing" cmp -s "$T/got" "$T/test.seqs"
check "older walk: only test events" test "$(wc -l <"$T/walk")" -eq "$N"

walk "type=test&limit=200" newer
check "newer walk: no duplicate" test "$(sort "$T/walk" | uniq -d | wc -l)" -eq 0
only_test >"$T/got"
check "newer walk: every test event" cmp -s "$T/got" "$T/test.seqs"

# a sparse filter with a small window: pages may be short (even empty) and still go on
grep -n . "$T/test.seqs" | awk -F: '($1 - 1) % 10 == 0 {print $2}' >"$T/sparse.seqs"
walk "type=test.sparse&limit=7&scan=100" older
check "sparse walk (window 100): many pages" test "$(cat "$T/walk.pages")" -ge 30
sort -n "$T/walk" >"$T/got"
check "sparse walk: exactly the test.sparse events" cmp -s "$T/got" "$T/sparse.seqs"
walk "type=test.sparse&limit=50&scan=1000" newer
sort -n "$T/walk" >"$T/got"
check "sparse walk forward: exactly the test.sparse events" cmp -s "$T/got" "$T/sparse.seqs"

# a window that ends before the page is full: fewer events, the cursor at the window's end
top=$(tail -n 1 "$T/test.seqs")
req auditor GET "/events?type=test.sparse&limit=50&scan=100&before=$((top + 1))"
check "short page: at most 10 of 100 examined" test "$(jpy 'len(b["events"])')" -le 10
check "short page: the cursor is the window's end" test "$(jget older)" = "$((top + 1 - 100))"
check "short page: scanned 100 seqs" test "$(jpy 'b["scanned"]["to_seq"] - b["scanned"]["from_seq"] + 1')" = 100
check "short page: not full" test "$(jget truncated)" = false

# the default: the newest first, 50 of them; the read itself is the newest
req auditor GET "/events"
check "default page: 50" test "$(jpy 'len(b["events"])')" = 50
check "default page: newest first, the read itself on top" test "$(jpy 'b["events"][0]["type"]')" = eventlog.read
check "default page: no newer cursor at the end" test "$(jpy 'b["newer"]')" = None
check "default page: full" test "$(jget truncated)" = true

# ?q: a substring of the message (and data, user, host, ...), ASCII case-insensitive, CJK as is
req auditor GET "/events?q=needle-word"
check "q finds the one event (case-insensitive)" test "$(jpy '[e["data"]["i"] for e in b["events"] if e["type"].startswith("test")]')" = "[1234]"
req auditor GET "/events?q=%E7%9B%A4%E9%BB%9E&type=test"
check "q finds a CJK word" test "$(jpy '[e["data"]["i"] for e in b["events"]]')" = "[1234]"
req auditor GET "/events?q=100%25"
check "q: % is a character, not a wildcard" test "$(jpy 'len([e for e in b["events"] if e["type"].startswith("test")])')" = 0
req auditor GET "/events?q=pc-3&type=test.bulk&limit=5"
check "q matches the host" test "$(jpy 'set(e["host"] for e in b["events"])')" = "{'pc-3'}"

# bad paging arguments
req auditor GET "/events?before=5&after=3"
check "before and after: 400" test "$status" = 400
req auditor GET "/events?before=0"
check "before=0: 400 naming it" contains "$body" "?before='0'"
req auditor GET "/events?limit=201"
check "limit above 200: 400" test "$status" = 400
req auditor GET "/events?scan=50001"
check "scan above 50000: 400" test "$status" = 400
req auditor GET "/events?q="
check "empty q: 400" test "$status" = 400

# ---- verify: intact ----
jreq auditor POST /events/verify '{}'
check "verify: 200" test "$status" = 200
check "verify: intact" test "$(jget intact)" = true
check "verify: covers every event" test "$(jget events)" -ge "$N"
check "verify: no problem" test "$(jpy 'b["problem"]')" = None
check "verify: seals are the auditor's to check offline" test "$(jget seals_checked)" = false
check "verify: says how long it took" test "$(jpy 'b["elapsed_ms"] >= 0')" = True
check "verify: the head" contains "$(jget head)" ":"
head=$(jget head)
req auditor POST "/events/verify?from=2000-01-01&to=2100-01-01"
check "verify a period: intact" test "$status" = 200 -a "$(jget intact)" = true
check "verify a period: says the period" test "$(jget range.from)" = 2000-01-01
req auditor POST "/events/verify?head=$head"
check "verify with a head written down: intact" test "$status" = 200 -a "$(jget intact)" = true
req auditor POST "/events/verify?head=5:$(printf '%064d' 0)"
check "verify with a wrong head: not intact" test "$status" = 200 -a "$(jget intact)" = false
req auditor POST "/events/verify?head=5:00"
check "verify with a malformed head: 400" test "$status" = 400
req auditor POST "/events/verify?key=x"
check "verify takes no key over the API: 400" test "$status" = 400
check "verify says where the key goes" contains "$body" "log verify --bundle --key"
req auditor POST "/events/verify?from=2026-02-01&to=2026-01-01"
check "verify: period backwards -> 400" test "$status" = 400

# ---- the bundle ----
today=$(date -u +%Y-%m-%d)
rm -f "$T/hdr"
status=$(curl -s -D "$T/hdr" -o "$T/dl.sqlite" -w '%{http_code}' --cacert "$D/tls/cert.pem" -b "$T/auditor.cookies" \
	"$URL/events/bundle?from=2000-01-01&to=$today")
check "bundle: 200" test "$status" = 200
check "bundle: a download (Content-Disposition: attachment)" grep -qi '^content-disposition: attachment; filename="brokersec-events-20000101-' "$T/hdr"
check "bundle: SQLite type" grep -qi '^content-type: application/vnd.sqlite3' "$T/hdr"
sha=$(sed -n 's/^[Xx]-[Cc]ontent-[Ss][Hh][Aa]256: *\([0-9a-f]*\).*/\1/p' "$T/hdr")
check "bundle: X-Content-SHA256 is the file's" test "$sha" = "$(sha256sum "$T/dl.sqlite" | cut -d' ' -f1)"
check "bundle: security headers" grep -qi '^x-content-type-options: nosniff' "$T/hdr"
run "$BROKERSEC" --lang en log verify --bundle "$T/dl.sqlite" --key "$T/vkey"
check "bundle verifies offline with the key" test "$rc" = 0
check "bundle verifies offline with the key (2)" contains "$out" "intact"
check "bundle holds the test events" test "$(sqlite3 "$T/dl.sqlite" "SELECT count(*) FROM events WHERE type LIKE 'test.%'")" -eq "$N"
check "bundle: no file left in the data directory" test "$(ls "$D" | grep -c '^bundle-')" = 0
req auditor GET "/events/bundle?from=2000-01-01&to=2000-01-02"
check "bundle of an empty period: 404" test "$status" = 404
check "bundle of an empty period: says why, no server path" test "$(jget error.message | grep -c "$D")" = 0
req auditor GET "/events/bundle?from=2000-01-01"
check "bundle without to: 400" test "$status" = 400
req auditor GET "/events/bundle?from=2000-01-01&to=2100-01-01&x=1"
check "bundle: unknown argument 400" test "$status" = 400

# the reads are events by the account, with what was asked
run "$BROKERSEC" log search --data "$D" --type eventlog.read --user aud --format json
check "verify is an eventlog.read event by the auditor" contains "$out" "log verify (POST /api/v1/events/verify)"
check "export is an eventlog.read event by the auditor" contains "$out" "log export (GET /api/v1/events/bundle)"
check "the export event names the period" contains "$out" '"from":"2000-01-01"'
check "refused arguments are not read events" ! contains "$out" '"x":"1"'

# ---- roles: the security officer may, IT staff and employees may not ----
jreq so POST /events/verify '{}'
check "security officer verifies" test "$status" = 200
for who in ivan emma; do
	jar=$([ $who = ivan ] && echo it || echo employee)
	jreq "$jar" POST /events/verify '{}'
	check "$who: verify refused (403)" test "$status" = 403
	req "$jar" GET "/events/bundle?from=2000-01-01&to=$today"
	check "$who: bundle refused (403)" test "$status" = 403
	check "$who: no bundle bytes" ! contains "$body" "SQLite"
	req "$jar" GET "/events?before=100"
	check "$who: events refused (403)" test "$status" = 403
done
req - POST /events/verify
check "verify needs a sign-in" test "$status" = 401
cp "$T/auditor.cookies" "$T/nocsrf.cookies"
req nocsrf POST /events/verify
check "verify needs the CSRF token" test "$status" = 403
run "$BROKERSEC" log search --data "$D" --type auth.denied --user emma --format json
check "the employee's refusals are events" contains "$out" "POST /api/v1/events/verify from 127.0.0.1 refused: role employee"

req - GET /openapi.yaml
check "openapi: /events/verify" contains "$body" "  /events/verify:"
check "openapi: /events/bundle" contains "$body" "  /events/bundle:"

# ---- tampered: a row changed behind the log's back is named ----
sqlite3 "$D/events.db" "UPDATE events SET message = 'bulk event forged' WHERE message = 'bulk event 2000'"
bad=$(sqlite3 "$D/events.db" "SELECT seq FROM events WHERE message = 'bulk event forged'")
jreq auditor POST /events/verify '{}'
check "tampered: 200" test "$status" = 200
check "tampered: not intact" test "$(jget intact)" = false
check "tampered: the event is named" contains "$(jget problem)" "event $bad: modified"
check "tampered: bad_seq" test "$(jget bad_seq)" = "$bad"
run "$BROKERSEC" --lang en log verify --data "$D"
check "the CLI says the same" contains "$out" "event $bad: modified"
check_clean_stop
finish
