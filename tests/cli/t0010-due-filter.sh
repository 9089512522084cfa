#!/bin/sh
# due as the officer reads it (issue 12 item 12): --within N keeps only what falls due within
# N days (and what is overdue), --status picks statuses, the table hides duties that are
# simply fine behind a count, and the iCalendar export carries VALARM reminders (RFC 5545).
. "$TOP/tests/cli/lib.sh"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "小經紀人" --internal-control yes >/dev/null 2>&1
b() { "$BROKERSEC" "$@" >/dev/null || echo "setup failed: $*"; }
b system add --name 網路投保 --category 1 --core yes --internet-facing yes
b system add --name 人資 --category 3
b assessment record --system 1 --date 2024-07-31 --assessor 外部資安公司
b drill add --kind social-engineering --date 2024-09-30 --emails-sent 40 --opened 10 --clicked 3 --reported 5
b plan add --approved 2022-06-30 --approved-by board
b account-review add --date 2024-12-15
AS="--as-of 2025-06-30"

# json rows: "due" values, one a line
dues() { printf '%s\n' "$out" | sed -n 's/^ *"due": "\(.*\)",$/\1/p'; }
run "$BROKERSEC" due $AS --format json --lang en
all=$(dues | wc -l)
check "due lists duties" [ "$all" -gt 3 ]
check "some duty falls due after 2025-07-30" [ "$(dues | awk '$1 > "2025-07-30"' | wc -l)" -gt 0 ]
run "$BROKERSEC" due $AS --within 30 --format json --lang en
check "--within 30 succeeds" [ "$rc" -eq 0 ]
check "--within 30 lists fewer rows than without it" [ "$(dues | wc -l)" -lt "$all" ]
check "--within 30: nothing due after 2025-07-30" [ "$(dues | awk '$1 > "2025-07-30"' | wc -l)" -eq 0 ]
check "--within 30 keeps what is overdue" contains "$out" '"status": "overdue"'
run "$BROKERSEC" due $AS --within 30 --lang en
check "--within 30 (table): nothing due after 2025-07-30" \
	[ "$(printf '%s\n' "$out" | awk '/^[0-9]{4}-/ && $1 > "2025-07-30"' | wc -l)" -eq 0 ]

# --status: a comma list of statuses
run "$BROKERSEC" due $AS --status overdue --format json --lang en
check "--status overdue: only overdue" [ "$(printf '%s' "$out" | grep '"status"' | grep -vc overdue)" -eq 0 ]
check "--status overdue: some rows" contains "$out" '"status": "overdue"'
run "$BROKERSEC" due $AS --status overdue,due_soon --format json --lang en
check "--status overdue,due_soon: no ok rows" ! contains "$out" '"status": "ok"'
run "$BROKERSEC" due $AS --status ok --format json --lang en
check "--status ok: only ok" [ "$(printf '%s' "$out" | grep '"status"' | grep -vc '"ok"')" -eq 0 ]
run "$BROKERSEC" due $AS --status overdue,late
check "--status with an unknown status: usage error" [ "$rc" -eq 2 ]
check "--status names the bad status" contains "$err" "'late'"
check "--status: says what to use (zh-TW)" contains "$err" "請用 overdue、due_soon、ok"
run "$BROKERSEC" due $AS --status , --lang en
check "--status without a status: usage error" [ "$rc" -eq 2 ]

# the table hides the fine duties behind a count; --all shows them
run "$BROKERSEC" due $AS
check "due (table) succeeds" [ "$rc" -eq 0 ]
check "the table hides ok rows" [ "$(printf '%s\n' "$out" | grep -c '^[0-9].* 正常 ')" -eq 0 ]
nok=$("$BROKERSEC" due $AS --status ok --format json | grep -c '"status"')
check "the count line says how many are hidden" contains "$out" "另有 $nok 項正常，--all 顯示"
check "the table says which day it is counted from" contains "$out" "截至 2025-06-30"
run "$BROKERSEC" due
check "without --as-of: today is the Taiwan date" contains "$out" "截至 $(TZ=Asia/Taipei date +%Y-%m-%d)（台灣日期；現在 "
run "$BROKERSEC" due $AS --all
check "--all shows the ok rows" [ "$(printf '%s\n' "$out" | grep -c '^[0-9].* 正常 ')" -eq "$nok" ]
check "--all: no hidden-count line" ! contains "$out" "另有"
run "$BROKERSEC" due $AS --all --lang en
check "--all in English" contains "$out" " ok "
run "$BROKERSEC" due $AS --lang en
check "the count line in English" contains "$out" "$nok more are ok: --all shows them"

# the details wrap to the terminal width instead of being cut
run env COLUMNS=40 "$BROKERSEC" due $AS --lang en
check "no cut cells" ! contains "$out" "…"
# display columns (CJK 2 wide), not bytes
printf '%s\n' "$out" | grep '^    ' > "$T/details"
wide=$(python3 -c 'import sys, unicodedata as u
w = lambda s: sum(2 if u.east_asian_width(c) in "WF" else 1 for c in s)
print(sum(1 for l in open(sys.argv[1], encoding="utf-8") if w(l.rstrip("\n")) > 40))' "$T/details")
check "COLUMNS=40: detail lines fit in 40 columns" [ "$wide" -eq 0 ]
check "COLUMNS=40: the details wrapped onto several lines" \
	[ "$(printf '%s\n' "$out" | grep -c '^    ')" -gt "$(printf '%s\n' "$out" | grep -c '^[0-9]')" ]

# iCalendar with reminders, checked by a strict parser of RFC 5545's structure
"$BROKERSEC" due $AS --format ics --lang en > "$T/d.ics"
nev=$(grep -c '^BEGIN:VEVENT' "$T/d.ics")
check "ics: one VALARM pair per event" [ "$(grep -c '^BEGIN:VALARM' "$T/d.ics")" -eq $((nev * 2)) ]
cat > "$T/ics.py" <<'PY'
import re, sys
raw = open(sys.argv[1], 'rb').read()
assert raw.endswith(b'\r\n'), 'no CRLF at the end'
assert b'\n' not in raw.replace(b'\r\n', b''), 'a bare LF'
lines = raw.decode('utf-8').split('\r\n')[:-1]
for l in lines:
    assert len(l.encode()) <= 75, 'line longer than 75 octets: %r' % l
# unfold (3.1)
un = []
for l in lines:
    if l.startswith(' '):
        un[-1] += l[1:]
    else:
        un.append(l)
stack, comp, alarms, events = [], None, 0, 0
props = {}
need = {'VEVENT': {'UID', 'DTSTAMP', 'DTSTART'}, 'VALARM': {'ACTION', 'TRIGGER', 'DESCRIPTION'},
        'VCALENDAR': {'VERSION', 'PRODID'}}
for l in un:
    m = re.match(r'^([A-Z-]+)((?:;[A-Z-]+=[^:;]+)*):(.*)$', l)
    assert m, 'not a content line: %r' % l
    name, params, value = m.groups()
    if name == 'BEGIN':
        stack.append(value); props[len(stack)] = set()
        continue
    if name == 'END':
        assert stack and stack[-1] == value, 'END:%s does not close %s' % (value, stack)
        missing = need.get(value, set()) - props[len(stack)]
        assert not missing, '%s lacks %s' % (value, missing)
        if value == 'VALARM':
            assert stack[-2] == 'VEVENT', 'VALARM outside a VEVENT'
            alarms += 1
        if value == 'VEVENT':
            events += 1
        stack.pop()
        continue
    props[len(stack)].add(name)
    if name == 'TRIGGER':
        assert re.match(r'^-P\d+[DW]$', value), 'bad TRIGGER %r' % value
        assert params in ('', ';RELATED=START'), 'bad TRIGGER params %r' % params
    if name == 'ACTION':
        assert value in ('DISPLAY', 'AUDIO', 'EMAIL'), value
assert not stack, 'unclosed %s' % stack
assert events > 0 and alarms == 2 * events, (events, alarms)
print('ok', events, alarms)
PY
run python3 "$T/ics.py" "$T/d.ics"
check "ics parses strictly with VALARMs (RFC 5545)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || echo "$err" | tail -3
check "ics: a reminder a week before" grep -q '^TRIGGER;RELATED=START:-P7D' "$T/d.ics"
run "$BROKERSEC" due $AS --within 30 --format ics --lang en
check "--within filters the ics too" [ "$(printf '%s' "$out" | grep -c '^BEGIN:VEVENT')" -lt "$nev" ]
finish
