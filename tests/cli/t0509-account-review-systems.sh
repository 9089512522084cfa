#!/bin/sh
# Annex 2 (A2.4.1.6.1.4) 定期審核資通系統帳號: an account review covers the systems it names;
# each system needs its own. `user review` of brokersec's own accounts names no company
# system (issue 12 item 8).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t05-text.inc"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "測試" --internal-control no >/dev/null 2>&1
b() { "$BROKERSEC" "$@" >/dev/null || echo "setup failed: $*"; }
today=$(date -u +%Y-%m-%d)

b system add --name 網路投保 --category 1
b system add --name 保單行政 --category 2
run "$BROKERSEC" user review --format json
check "user review runs" [ "$rc" -eq 0 ]
due_json "$T/d.json"
duties "$T/d.json" > "$T/d.txt"
check "brokersec's own review does not cover system 1" grep -q "^account-review system:1 overdue no account review names system '網路投保'" "$T/d.txt"
check "... nor system 2" grep -q "^account-review system:2 overdue" "$T/d.txt"
status_json "$T/s.json"
check "A2.4.1.6.1.4 is not met by it" [ "$(control "$T/s.json" A2.4.1.6.1.4)" != met ]

b account-review add --date "$today" --systems 1 --reviewer 資安長
due_json "$T/d.json"
duties "$T/d.json" > "$T/d.txt"
check "the review of system 1 covers it" ! grep -q "^account-review system:1 overdue" "$T/d.txt"
check "system 2 still needs its own" grep -q "^account-review system:2 overdue" "$T/d.txt"
status_json "$T/s.json"
check "A2.4.1.6.1.4 still open for system 2" eval 'reason "$T/s.json" A2.4.1.6.1.4 | grep -q "保單行政"'

b account-review add --date "$today" --systems 2
due_json "$T/d.json"
duties "$T/d.json" > "$T/d.txt"
check "each system reviewed: nothing overdue" ! grep -q "^account-review .* overdue" "$T/d.txt"
status_json "$T/s.json"
check "A2.4.1.6.1.4 met" [ "$(control "$T/s.json" A2.4.1.6.1.4)" = met ]
finish
