#!/bin/sh
# registers: add/list/show/update/archive/history, validation naming the field for every
# field kind, nothing erased, every change an event.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "測試" --internal-control no >/dev/null 2>&1
records() { sqlite3 "$D/brokersec.db" "SELECT count(*) FROM reg_record"; }

run "$BROKERSEC" system add --name 核心 --category 1 --core yes
check "add prints the id alone" [ "$rc" -eq 0 ]
check "add prints the id alone (2)" check "id is 1" [ "$out" = 1 ]
run "$BROKERSEC" system add --name HR --category 3 --format json
check "add --format json prints the record" contains "$out" '"name": "HR"'
check "json has defaults" contains "$out" '"core": false'

# every field kind: the message names the register and the flag
v() { # NAME NEEDLE CMD...
	_n=$1; _needle=$2; shift 2
	run "$BROKERSEC" --lang en "$@"
	check "$_n: refused" [ "$rc" -ne 0 ]
	check "$_n: message names it ($_needle)" contains "$err" "$_needle"
}
v "int range" "system: --category: 4 is out of range: use 1 to 3" system add --name x --category 4
v "int syntax" "--device-count: 'ten' is not a whole number" system add --name x --category 1 --device-count ten
v "bool" "--core: 'maybe' is not yes or no" system add --name x --category 1 --core maybe
v "required" "system: --category is required" system add --name x
v "text length" "--asset-tag: is 65 bytes long: at most 64" device add --kind server \
	--asset-tag "$(printf '%065d' 0)"
v "enum" "--role: 'boss' is not allowed: use one of security|it|general|manager" person add --name a --role boss
v "date" "--hired: '2025-02-29' is not a date" person add --name a --role it --hired 2025-02-29
v "num" "--hours: '1.234' is not a number" training add --person 1 --date 2025-01-01 --hours 1.234 --course c
v "ref missing" "training: --person 9: no person 9" training add --person 9 --date 2025-01-01 --hours 1 --course c
v "time" "--detected: 'noon' is not a time" incident add --title t --detected noon --severity low --major no
v "set" "--steps: 'pray' is not allowed" incident add --title t --detected 2025-01-01T00:00:00Z --severity low \
	--major no --steps isolate,pray
v "refs" "incident: --systems 7: no system 7" incident add --title t --detected 2025-01-01T00:00:00Z \
	--severity low --major no --systems 1,7
v "cross-field" "drill: --clicked 5 is more than --emails-sent 3" drill add --kind social-engineering \
	--date 2025-01-01 --emails-sent 3 --clicked 5
v "app class rows" "--met 'A1.T1.12' is not a Table 1 requirement of class 1" app add --name a --class 1 --met A1.T1.12
v "policy items" "--items 'SR.6.1' is not an item of a byod document" policy-doc add --title t --kind byod --items SR.6.1
v "twice" "--name given twice" system add --name a --name b --category 1
check "nothing stored by refusals" [ "$(records)" = 2 ]

run "$BROKERSEC" app add --name 行動投保 --class 3 --met A1.T1.12,A1.T1.01
check "a class-3 app may meet row 12" [ "$rc" -eq 0 ]

run "$BROKERSEC" system update 2 --category 2 --owner 王小明
check "update succeeds" [ "$rc" -eq 0 ]
check "update shows the record" contains "$out" "王小明"
run "$BROKERSEC" system update 2 --owner ""
check "empty value clears an optional field" [ "$rc" -eq 0 ]
run "$BROKERSEC" --lang en system update 2 --category ""
check "a required field cannot be cleared" [ "$rc" -eq 1 ]
check "a required field cannot be cleared (2)" check "it says so" contains "$err" "--category is required"
run "$BROKERSEC" system archive 2
check "archive succeeds" [ "$rc" -eq 0 ]
run "$BROKERSEC" --lang en system update 2 --owner x
check "archived records are kept as they were" contains "$err" "system 2 is archived"
run "$BROKERSEC" system list --lang en
check "list hides archived" [ "$(printf '%s\n' "$out" | grep -c 'HR')" -eq 0 ]
check "list rows fit 80 columns" [ "$(printf '%s\n' "$out" | awk 'length($0) > 80' | wc -l)" -eq 0 ]
run "$BROKERSEC" system list --all --format json
check "list --all shows it archived" contains "$out" '"archived": true'
run "$BROKERSEC" system history 2 --format json
check "history has four versions" [ "$(printf '%s' "$out" | grep -c '"version"')" -eq 4 ]
check "history keeps the old values" contains "$out" '"category": 3'
run "$BROKERSEC" --lang en system show 9
check "show of a missing id fails" [ "$rc" -eq 1 ]
check "show of a missing id fails (2)" check "naming it" contains "$err" "no system with id 9"
run "$BROKERSEC" system show abc
check "a bad id is a usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" system frobnicate
check "unknown action is a usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" vendor import x.csv
check "vendor has no CSV" [ "$rc" -eq 2 ]

run sqlite3 "$D/brokersec.db" "DELETE FROM reg_record WHERE id = 1"
check "records cannot be deleted" [ "$rc" -ne 0 ]
n=$(sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE type LIKE 'register.system.%'" 2>/dev/null)
check "every system change is an event (2 adds, 2 updates, 1 archive)" [ "$n" = 5 ]
finish
