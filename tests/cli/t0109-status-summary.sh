#!/bin/sh
# `status` prints a summary (issue 21): one line per article / annex part with its counts, the
# totals, the ten most urgent actions with the command that does each, and where the full
# list is (`--all`); `--id` keeps the full list under a prefix; `--format json` stays the full
# document and gains `actions`. Doing an action moves it: it shrinks or disappears.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"
D="$T/data"
export BROKERSEC_DATA="$D" COLUMNS=100
"$BROKERSEC" init --org "摘要測試經紀人" --internal-control yes >/dev/null 2>&1 || echo "init failed"

# py FILE EXPR: EXPR with d = the JSON in FILE and s = the summary in $T/sum.txt, printed
py() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); s=open(sys.argv[3]).read() if len(sys.argv) > 3 else ""
print(eval(sys.argv[2]))' "$@" 2>&1
}

run "$BROKERSEC" status
check "status: exit 0" [ "$rc" -eq 0 ]
printf '%s\n' "$out" > "$T/sum.txt"
lines=$(wc -l < "$T/sum.txt")
check "a fresh data directory's summary is short (< 60 lines at COLUMNS=100): $lines" [ "$lines" -lt 60 ]
check "the org and the day" contains "$out" "摘要測試經紀人  狀態基準日"
check "a header with the counts' names" grep -q "^條文 *狀態 *符合 *不符合 *到期 *未知 *不適用  標題" "$T/sum.txt"
check "the ten most urgent actions" contains "$out" "最優先的 10 項行動"
check "the hint to the full list" [ "$(tail -n 1 "$T/sum.txt")" = "完整清單：brokersec status --all" ]
check "no reasons (the full list has them)" ! contains "$out" "尚無佐證"
check "ten numbered actions" [ "$(grep -c '^ *[0-9][0-9]*\. ' "$T/sum.txt")" -eq 10 ]
check "each with its command on the next line" \
	[ "$(grep -A1 '^ *[0-9][0-9]*\. ' "$T/sum.txt" | grep -c '^    brokersec ')" -ge 8 ]

"$BROKERSEC" status --format json > "$T/st.json" 2>/dev/null
"$BROKERSEC" status --all > "$T/all.txt" 2>/dev/null
check "json: the full document still (groups with their controls)" \
	[ "$(py "$T/st.json" 'sum(len(g["controls"]) for g in d["groups"])')" -gt 200 ]
check "json: every article / part has its line with its counts in the summary" \
	[ "$(py "$T/st.json" 'all(any(l.split()[:1]==[g["id"]] and [int(x) for x in l.split()[2:7]]==[g["counts"][k] for k in ("met","not_met","due","unknown","not_applicable")] for l in s.splitlines()) for g in d["groups"])' "$T/sum.txt")" = True ]
check "the groups' counts add up to the json totals" \
	[ "$(py "$T/st.json" 'all(sum(g["counts"][k] for g in d["groups"])==d["totals"][k] for k in d["totals"])')" = True ]
sum_total=$(grep '^合計 ' "$T/sum.txt" | awk '{print $3, $4, $5, $6, $7}')
check "the summary's 合計 row is the json totals" \
	[ "$sum_total" = "$(py "$T/st.json" '" ".join(str(d["totals"][k]) for k in ("met","not_met","due","unknown","not_applicable"))')" ]
all_total=$(grep '^合計: ' "$T/all.txt" | sed 's/[^0-9 ]//g' | awk '{print $1, $2, $3, $4, $5}')
check "and the totals of --all ($all_total)" [ "$sum_total" = "$all_total" ]

# the actions in json: ten, ranked, each with a command and its controls
check "json: ten actions of more" [ "$(py "$T/st.json" 'len(d["actions"]) == 10 and d["actions_total"] > 10')" = True ]
check "json: each action has a title, a command in both languages, a count and controls" \
	[ "$(py "$T/st.json" 'all(a["title"]["zh-TW"] and a["title"]["en"] and a["command"]["zh-TW"].startswith("brokersec ") and a["command"]["en"].startswith("brokersec ") and a["count"] >= len(a["controls"]) > 0 for a in d["actions"])')" = True ]
check "json: ranked worst state first, then by count" \
	[ "$(py "$T/st.json" 'all((["not_met","due","unknown"].index(a["state"]), -a["count"]) <= (["not_met","due","unknown"].index(b["state"]), -b["count"]) for a, b in zip(d["actions"], d["actions"][1:]))')" = True ]
check "json: an action's controls are controls that are not met" \
	[ "$(py "$T/st.json" 'all({c["id"]: c["state"] for g in d["groups"] for c in g["controls"]}[i] in ("not_met","due","unknown") for a in d["actions"] for i in a["controls"])')" = True ]
check "json: the system register's action links its web page" \
	[ "$(py "$T/st.json" '[a["page"] for a in d["actions"] if a["key"]=="register:system"]')" = "['#/registers/system']" ]
check "the summary prints the json's commands" \
	[ "$(py "$T/st.json" 'all(a["command"]["zh-TW"].split()[1] in s for a in d["actions"])' "$T/sum.txt")" = True ]
# every command the actions name runs (its help: the command and verb exist)
py "$T/st.json" '"\n".join(" ".join(w for w in a["command"]["en"].split()[1:3] if not w.startswith("-")) for a in d["actions"])' > "$T/cmds"
bad=""
while read -r c v; do
	"$BROKERSEC" $c $v --help >/dev/null 2>&1 || bad="$bad [$c $v]"
done < "$T/cmds"
check "every action's command and verb exist:$bad" [ -z "$bad" ]
check "the register commands name the register's required fields" \
	[ "$(py "$T/st.json" '[a["command"]["en"] for a in d["actions"] if a["key"]=="register:system"]')" = "['brokersec system add --name NAME --category 1..3']" ]

# --all: the full list as before (a line per control with its reason); --id: the same under a prefix
check "--all: a line per control" [ "$(wc -l < "$T/all.txt")" -gt 400 ]
check "--all: the reasons" grep -q "尚無佐證" "$T/all.txt"
check "--all: no actions" ! grep -q "最優先" "$T/all.txt"
check "--all: every control of the json" \
	[ "$(py "$T/st.json" 'all(("  " + c["id"] + " ") in s for g in d["groups"] for c in g["controls"])' "$T/all.txt")" = True ]
run "$BROKERSEC" status --id SR.4
check "--id SR.4: the full list under the prefix" contains "$out" "  SR.4.5"
check "--id SR.4: with reasons" contains "$out" "尚無佐證"
check "--id SR.4: no summary" ! contains "$out" "最優先"
check "--id SR.4: nothing else" [ "$(printf '%s' "$out" | grep -c 'SR\.5')" = 0 ]
"$BROKERSEC" status --id SR.4 --format json > "$T/sr4.json" 2>/dev/null
check "--id SR.4 --format json: the actions of SR.4 only" \
	[ "$(py "$T/sr4.json" 'len(d["actions"]) > 0 and all(i.startswith("SR.4.") for a in d["actions"] for i in a["controls"])')" = True ]

# English
run "$BROKERSEC" status --lang en
check "en: the header" contains "$out" "part  state"
check "en: the actions" contains "$out" "The 10 most urgent actions (of "
check "en: the hint" contains "$out" "Full list: brokersec status --all"
check "en: the commands' placeholders in English" contains "$out" "--system SYSTEM-ID"
check "en: no Chinese placeholders" ! contains "$out" "系統編號"
run "$BROKERSEC" status --help
check "help (zh-TW) explains --all" contains "$out" "--all 列出每一控制項"
run "$BROKERSEC" status --help --lang en
check "help (en) explains --all" contains "$out" "--all lists every control"
run "$BROKERSEC" status --all extra
check "an argument is still refused" [ "$rc" -eq 2 ]

# doing an action moves it: a system in the register
count_of() { # KEY: the count of the action KEY (0 when there is none) in a fresh status --format json
	"$BROKERSEC" status --format json --id "${2:-A2}" > "$T/now.json" 2>/dev/null
	py "$T/now.json" 'sum(a["count"] for a in d["actions"] if a["key"] == sys.argv[4])' "$T/now.json" "$1"
}
before=$(count_of register:system)
check "before: the system register's action ($before controls)" [ "$before" -gt 0 ]
run "$BROKERSEC" system add --name 核心系統 --category 1
check "system added (the action's command)" [ "$rc" -eq 0 ]
after=$(count_of register:system)
check "after: its action shrank or went ($before -> $after)" [ "$after" -lt "$before" ]

# a saved scan: the scan action shrinks; a failing check becomes its own fix action
"$BROKERSEC" status --format json > "$T/before.json" 2>/dev/null
scan_fixture weak-auth
run "$BROKERSEC" scan --root "$T/weak-auth" --host web01 --save --system 1
check "scan saved (it fails checks)" [ "$rc" -eq 1 ]
"$BROKERSEC" status --format json > "$T/after.json" 2>/dev/null
b=$(py "$T/before.json" 'sum(a["count"] for a in d["actions"] if a["key"]=="scan")')
a=$(py "$T/after.json" 'sum(a["count"] for a in d["actions"] if a["key"]=="scan")')
check "the scan action shrank or went ($b -> $a)" [ "$a" -lt "$b" ]
check "the status changed: controls met and not met from the scan" \
	[ "$(py "$T/after.json" 'd["totals"]["met"] > 0 and d["totals"]["not_met"] > 1')" = True ]
check "a failing check is an action: fix it, then scan system 1 again" \
	[ "$(py "$T/after.json" 'any(a["key"].startswith("fix:linux.") and a["command"]["en"] == "brokersec scan --save --system 1" and a["page"] == "#/scans" for a in d["actions"])')" = True ]
run "$BROKERSEC" status
check "the summary: the fix names the host and the check" contains "$out" "修正主機 web01 之檢查 linux."

# evidence submitted and not reviewed: review it
: > "$T/proc.pdf"
printf 'procedure' > "$T/proc.pdf"
run "$BROKERSEC" evidence add SR.20 --file "$T/proc.pdf"
check "evidence added" [ "$rc" -eq 0 ]
"$BROKERSEC" status --format json --id SR.20 > "$T/ev.json" 2>/dev/null
check "evidence awaiting review: the action is to review it" \
	[ "$(py "$T/ev.json" '[(a["key"], a["command"]["en"].split()[:3], a["controls"]) for a in d["actions"]]')" = "[('review', ['brokersec', 'evidence', 'review'], ['SR.20'])]" ]
finish
