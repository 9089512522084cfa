#!/bin/sh
# Evidence review (issue 12 item 10): evidence is submitted, then accepted or rejected, once,
# with a comment, by a security officer or auditor who is not the submitter; only accepted
# evidence counts. The CLI and the API (POST /evidence, POST /evidence/{id}/review), evidence
# on register records, and rows from before migration 0007 becoming submitted.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-https.inc"
start_server
activate sol sol security_officer
activate aud aud auditor
activate ivan ivan it_staff
activate adam adam admin
ME=$(id -un)
db() { sqlite3 "$D/brokersec.db" "$1"; }
# st ID: the state of control ID in `status --format json`
st() {
	"$BROKERSEC" status --format json --id "$1" --data "$D" 2>/dev/null | python3 -c '
import json, sys
for g in json.load(sys.stdin)["groups"]:
    for c in g["controls"]:
        if c["id"] == sys.argv[1]: print(c["state"], c["reason"]["zh-TW"], "|", c["reason"]["en"])' "$1"
}

# --- submitted by the CLI: does not count, and says so ---
printf '本人已詳閱並簽署資訊安全保密切結書\n' > "$T/nda.txt"
run "$BROKERSEC" evidence add SR.4.2 --file "$T/nda.txt" --data "$D"
check "add prints the id" [ "$out" = 1 ]
check "a new record is submitted" [ "$(db 'SELECT state FROM evidence WHERE id=1')" = submitted ]
run "$BROKERSEC" evidence list --data "$D"
check "list shows the state (zh-TW)" contains "$out" "待審核"
run "$BROKERSEC" evidence list --lang en --data "$D" --format json
check "json has the state and no reviewer" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; e=json.load(sys.stdin)[0]; print(e["state"], e["reviewed_by"], e["record"])')" = "submitted None None" ]
check "SR.4.2 is not met by a file nobody reviewed" contains "$(st SR.4.2)" "unknown 佐證待審核"

# --- the CLI review: the submitter is refused, the arguments are checked, nothing changes ---
run "$BROKERSEC" --lang en evidence review 1 --accept --comment "我自己看過了" --data "$D"
check "the submitter cannot review their own evidence" [ "$rc" -eq 1 ]
check "the refusal names who and what" contains "$err" "'$ME' submitted evidence 1 and cannot review it"
run "$BROKERSEC" evidence review 1 --accept --data "$D"
check "review without --comment: usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" evidence review 1 --accept --reject --comment x --data "$D"
check "both --accept and --reject: usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" evidence review 1 --comment x --data "$D"
check "neither: usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" evidence review abc --accept --comment x --data "$D"
check "a bad id: usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" --lang en evidence review 99 --accept --comment x --data "$D"
check "an unknown id is refused" [ "$rc" -eq 1 ]
check "the refusal names the id" contains "$err" "no evidence 99"
run "$BROKERSEC" evidence list --file x --data "$D"
check "list takes no --file" [ "$rc" -eq 2 ]
check "still submitted after the refusals" [ "$(db 'SELECT state FROM evidence WHERE id=1')" = submitted ]
check "no review event after the refusals" [ "$(sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE type='evidence.review'")" = 0 ]

# --- the API review: role-checked, never by the submitter, once ---
jreq ivan POST /evidence/1/review '{"decision":"accept","comment":"ok"}'
check "it_staff may not review (403)" [ "$status" = 403 ]
jreq adam POST /evidence/1/review '{"decision":"accept","comment":"ok"}'
check "admin may not review either (403)" [ "$status" = 403 ]
jreq sol POST /evidence/1/review '{"decision":"accept"}'
check "a review without comment is 400" [ "$status" = 400 ]
jreq sol POST /evidence/1/review '{"decision":"maybe","comment":"x"}'
check "an unknown decision is 400" [ "$status" = 400 ]
jreq sol POST /evidence/77/review '{"decision":"accept","comment":"x"}'
check "an unknown id is 404" [ "$status" = 404 ]
check "still submitted" [ "$(db 'SELECT state FROM evidence WHERE id=1')" = submitted ]
jreq sol POST /evidence/1/review '{"decision":"accept","comment":"簽署日期與到職日相符，正本存人資室"}'
check "the security officer accepts (200)" [ "$status" = 200 ]
check "the reply is the reviewed record" [ "$(jget state) $(jget reviewed_by)" = "accepted sol" ]
check "the comment is kept" [ "$(db 'SELECT review_comment FROM evidence WHERE id=1')" = "簽署日期與到職日相符，正本存人資室" ]
check "the review is an event by the account" [ "$(sqlite3 "$D/events.db" "SELECT user FROM events WHERE type='evidence.review'")" = sol ]
jreq aud POST /evidence/1/review '{"decision":"reject","comment":"second opinion"}'
check "a second review is 409" [ "$status" = 409 ]
check "it names the first" contains "$body" "accepted by 'sol'"
check "SR.4.2 met once accepted, naming the reviewer" contains "$(st SR.4.2)" "met 佐證「nda.txt」（#1）"
check "the reason names the reviewer" contains "$(st SR.4.2)" "accepted by sol"

# --- submitted over the API; the submitter (a security officer) cannot review it ---
b64=$(base64 -w0 "$T/nda.txt")
jreq sol POST /evidence "{\"control_id\":\"SR.4.1\",\"name\":\"背景查核.txt\",\"content_base64\":\"$b64\"}"
check "POST /evidence submits (201)" [ "$status" = 201 ]
check "submitted by the account" [ "$(jget state) $(jget created_by) $(jget id)" = "submitted sol 2" ]
check "the same bytes are kept once" [ "$(ls "$D/evidence" | grep -c .)" = 1 ]
jreq sol POST /evidence/2/review '{"decision":"accept","comment":"mine"}'
check "its submitter cannot review it (403)" [ "$status" = 403 ]
check "the API says why" contains "$body" "'sol' submitted evidence 2 and cannot review it"
jreq aud POST /evidence/2/review '{"decision":"reject","comment":"這是保密切結書，不是背景查核紀錄"}'
check "the auditor rejects (200)" [ "$status" = 200 ]
check "SR.4.1 not met by rejected evidence, with the comment" contains "$(st SR.4.1)" "遭 aud 退回：這是保密切結書，不是背景查核紀錄"
jreq ivan POST /evidence '{"control_id":"SR.99","name":"x.txt","content_base64":"eA=="}'
check "an unknown control is 404" [ "$status" = 404 ]
jreq ivan POST /evidence '{"control_id":"SR.4.1","name":"../x","content_base64":"eA=="}'
check "a name with / is 400" [ "$status" = 400 ]
jreq ivan POST /evidence '{"control_id":"SR.4.1","name":"x","content_base64":"***"}'
check "bad base64 is 400" [ "$status" = 400 ]
jreq ivan POST /evidence '{"control_id":"SR.4.1","record":"person:1","name":"x","content_base64":"eA=="}'
check "a control and a record at once is 400" [ "$status" = 400 ]
check "no record after the refusals" [ "$(db 'SELECT count(*) FROM evidence')" = 2 ]

# --- evidence on a register record: the NDA to the person ---
run "$BROKERSEC" --lang en evidence add --record person:1 --file "$T/nda.txt" --data "$D"
check "a record that does not exist is refused" [ "$rc" -eq 1 ]
check "the refusal names it" contains "$err" "no person record 1"
run "$BROKERSEC" evidence add --record person --file "$T/nda.txt" --data "$D"
check "REGISTER without :ID is refused" [ "$rc" -eq 1 ]
run "$BROKERSEC" evidence add SR.4.2 --record person:1 --file "$T/nda.txt" --data "$D"
check "a control and --record at once: usage error" [ "$rc" -eq 2 ]
"$BROKERSEC" person add --name 王小明 --role security --hired 2026-01-05 --nda-signed 2026-01-05 --data "$D" >/dev/null
run "$BROKERSEC" evidence add --record person:1 --file "$T/nda.txt" --note "王小明 保密切結書" --data "$D"
check "the NDA is attached to the person" [ "$rc" -eq 0 ]
check "stored against the record" [ "$(db "SELECT control_id || '|' || record_register || ':' || record_id FROM evidence WHERE id=3")" = "|person:1" ]
run "$BROKERSEC" evidence list person:1 --data "$D"
check "list by record" contains "$out" "person:1"
check "only that record" [ "$(printf '%s\n' "$out" | grep -c 'nda.txt')" = 1 ]
jreq ivan POST /evidence "{\"record\":\"person:1\",\"name\":\"nda-scan.txt\",\"content_base64\":\"$b64\"}"
check "the API attaches to a record too" [ "$status" = 201 ]
check "record in the reply" [ "$(jpy 'b["record"]["register"] + ":" + str(b["record"]["id"])')" = "person:1" ]
req aud GET /evidence
check "GET /evidence lists states" [ "$(jpy '" ".join(e["state"] for e in b["evidence"])')" = "accepted rejected submitted submitted" ]

# --- the CLI with an account of the same name: its role decides ---
add_user "$ME" it_staff
run "$BROKERSEC" --lang en evidence review 4 --accept --comment "ok" --data "$D"
check "an OS user whose account is it_staff may not review" [ "$rc" -eq 1 ]
check "the refusal names the role" contains "$err" "has the role it_staff"
"$BROKERSEC" user set-role "$ME" auditor --data "$D" >/dev/null
run "$BROKERSEC" evidence review 4 --accept --comment "影本與正本相符" --format json --data "$D"
check "as an auditor it may" [ "$rc" -eq 0 ]
check "the reviewer is the acting user" contains "$out" "\"reviewed_by\": \"$ME\""

# --- rows from before migration 0007 become submitted ---
# A data directory as a brokersec before 0007 left it: its brokersec.db rebuilt from
# migrations 0001-0006 with the rows init wrote, and an evidence row of that time.
D2="$T/old"
"$BROKERSEC" init --data "$D2" --org "舊資料" --internal-control no >/dev/null 2>&1
cp "$T/nda.txt" "$D2/evidence/$(sha256sum "$T/nda.txt" | cut -d' ' -f1)"
python3 - "$D2/brokersec.db" "$T/v6.db" "$(sha256sum "$T/nda.txt" | cut -d' ' -f1)" "$TOP"/src/store/migrations/000[1-6]_*.sql <<'PY'
import sqlite3, sys
new, old, sha, migs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
o = sqlite3.connect(old)
for m in migs:
    o.executescript(open(m, encoding="utf-8").read())
o.execute("ATTACH ? AS n", (new,))
for (t,) in o.execute("SELECT name FROM main.sqlite_master WHERE type='table'").fetchall():
    cols = ",".join(r[1] for r in o.execute("PRAGMA main.table_info(%s)" % t))
    o.execute("INSERT INTO main.%s (%s) SELECT %s FROM n.%s" % (t, cols, cols, t))
o.execute("INSERT INTO evidence (control_id, sha256, size, name, note, created_at, created_us, created_by) "
          "VALUES ('SR.4.5', ?, 52, 'training-2025.txt', '', '2026-01-10T00:00:00Z', 1768003200000000, 'olduser')", (sha,))
o.commit()
o.execute("DETACH n")
o.execute("PRAGMA user_version = 6")
o.commit()
PY
v=$(sqlite3 "$D2/brokersec.db" 'PRAGMA user_version')
mv "$T/v6.db" "$D2/brokersec.db" && rm -f "$D2/brokersec.db-wal" "$D2/brokersec.db-shm" && chmod 600 "$D2/brokersec.db"
check "the rebuilt database is at version 6" [ "$(sqlite3 "$D2/brokersec.db" 'PRAGMA user_version')" = 6 ]
run "$BROKERSEC" evidence list --format json --data "$D2"
check "an old row is migrated to submitted, not accepted" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; e=json.load(sys.stdin)[0]; print(e["id"], e["state"], e["reviewed_by"])')" = "1 submitted None" ]
check "the database is at the current version again" [ "$(sqlite3 "$D2/brokersec.db" 'PRAGMA user_version')" = "$v" ]
run "$BROKERSEC" status --id SR.4.5 --as-of 2026-06-01 --data "$D2"
check "status says the old evidence awaits review" contains "$out" "佐證待審核"

check_clean_stop
finish
