#!/bin/sh
# The dashboard's summaries agree with the full documents they stand for: GET /due/summary
# (counts and the soonest of overdue, within 30 and within 31-90 days) against GET /due, GET
# /due/list pages against the same duties, GET /status?view=summary against the full /status;
# bounds on the page size and the view; GET /controls?limit, the controls page's view.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate so so1 security_officer
i=0
while [ $i -lt 30 ]; do
	"$BROKERSEC" person add --data "$D" --name "員工$i" --role general --hired 2025-0$((i % 9 + 1))-15 >/dev/null 2>&1 ||
		{ echo "setup: person $i"; exit 1; }
	i=$((i + 1))
done
"$BROKERSEC" system add --data "$D" --name 網路投保 --category 1 --owner 資訊部 >/dev/null 2>&1

req so GET '/due?lang=en'
printf '%s' "$body" >"$T/due.json"
req so GET '/due/summary?lang=en'
check "summary: 200" test "$status" = 200
printf '%s' "$body" >"$T/sum.json"
run python3 - "$T/due.json" "$T/sum.json" <<'PY'
import json, sys, datetime
due = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
today = datetime.date.fromisoformat(s["as_of"])
def days(d): return (datetime.date.fromisoformat(d["due"]) - today).days
parts = {"overdue": [d for d in due if d["status"] == "overdue"],
         "within_30": [d for d in due if d["status"] != "overdue" and 0 <= days(d) <= 30],
         "within_90": [d for d in due if d["status"] != "overdue" and 30 < days(d) <= 90]}
assert s["duties"] == len(due), (s["duties"], len(due))
for k, v in parts.items():
    assert s[k]["count"] == len(v), (k, s[k]["count"], len(v))
    assert len(s[k]["first"]) == min(10, len(v)), k
    got = [d["due"] for d in s[k]["first"]]
    assert got == sorted(got), (k, got)
    assert got == sorted(d["due"] for d in v)[:len(got)], (k, "not the soonest")
print("ok", len(due), s["overdue"]["count"], s["within_30"]["count"], s["within_90"]["count"])
PY
check "summary: counts and the soonest agree with /due ($out)" test "$rc" = 0
check "summary: there is something overdue to count" sh -c "python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))[\"overdue\"][\"count\"] > 10' '$T/sum.json'"

# the list, a page at a time: the pages together are /due's overdue duties
: >"$T/pages"
off=0
while :; do
	req so GET "/due/list?lang=en&status=overdue&sort=due&limit=7&offset=$off"
	[ "$status" = 200 ] || break
	n=$(jpy 'len(b["records"])')
	[ "$n" = 0 ] && break
	jpy '"\n".join(r["duty"] + "|" + r["subject"] + "|" + r["due"] for r in b["records"])' >>"$T/pages"
	off=$((off + 7))
done
python3 -c 'import json,sys
for d in json.load(open(sys.argv[1])):
    if d["status"] == "overdue": print(d["duty"] + "|" + d["subject"] + "|" + d["due"])' "$T/due.json" | sort >"$T/want"
sort "$T/pages" >"$T/got"
check "list: the pages hold every overdue duty once" cmp -s "$T/want" "$T/got"
check "list: sorted by date across pages" sh -c "cut -d'|' -f3 '$T/pages' | sort -c"
req so GET '/due/list?limit=201'
check "list: no page over 200" test "$status" = 400
req so GET '/due/list?sort=password'
check "list: an unknown sort field refused" test "$status" = 400

req so GET '/status'
printf '%s' "$body" >"$T/full.json"
req so GET '/status?view=summary'
check "status summary: 200" test "$status" = 200
printf '%s' "$body" >"$T/ss.json"
run python3 -c 'import json,sys
f = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
assert s["totals"] == f["totals"] and s["as_of"] == f["as_of"]
assert [g["counts"] for g in s["groups"]] == [g["counts"] for g in f["groups"]]
assert all("controls" not in g for g in s["groups"])
print(len(open(sys.argv[2]).read()), len(open(sys.argv[1]).read()))' "$T/full.json" "$T/ss.json"
check "status summary: the same totals and counts, no controls ($out bytes)" test "$rc" = 0
req so GET '/status?view=everything'
check "status: an unknown view refused" test "$status" = 400

# the controls a page at a time, status merged on the server
req so GET '/controls?limit=40&offset=0'
check "controls page: 40 of the catalog" test "$status" = 200 -a "$(jpy 'len(b["records"])')" = 40 -a \
	"$(jpy 'b["total"] == b["catalog"] and b["catalog"] > 300')" = True
req so GET '/controls?limit=5&q=SR.4.5'
check "controls page: the text's numbering beside the id" test "$(jpy '[r["numbering_zh"] for r in b["records"] if r["id"] == "SR.4.5"][0]')" = 第四條第五款
req so GET "/controls?limit=200&q=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("教育訓練"))')"
check "controls page: a CJK search finds SR.4.5" contains "$body" '"id":"SR.4.5"'
req so GET '/controls?limit=200&state=not_met'
check "controls page: a status filter keeps that status only" test "$(jpy 'b["total"] > 0 and all(r["state"] == "not_met" for r in b["records"])')" = True
req so GET '/controls?limit=200&state=broken'
check "controls page: an unknown status refused" test "$status" = 400
req so GET '/controls?limit=201'
check "controls page: no page over 200" test "$status" = 400
req so GET '/controls'
check "controls: without ?limit, the whole catalog as the CLI prints it" test "$(jpy 'len(b["controls"]) > 300')" = True
check_clean_stop
finish
