#!/bin/sh
# fim check's ransomware signs (Annex 3 四, A3.4): a ransom note by name and by its words, the
# extensions of scan's list, documents rewritten as random bytes (compressed formats are not),
# a canary that changed; above the threshold an incident draft in the register (A3.6), each
# sign an event. A benign change (a text edited, a zip replaced by another zip) raises none.
. "$TOP/tests/cli/lib.sh"

D="$T/data"
R="$T/share"
"$BROKERSEC" init --data "$D" --org "測試保險經紀人" --internal-control yes >/dev/null 2>&1
export BROKERSEC_DATA="$D"
mkdir -p "$R/finance" "$R/hr"
i=0
while [ $i -lt 12 ]; do
	awk -v n=$i 'BEGIN { for (k = 0; k < 300; k++) printf "客戶 %d 保單 %d 保費 %d\n", n, k, k * 37 }' > "$R/finance/report$i.txt"
	i=$((i + 1))
done
python3 - "$R/hr/roster.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("roster.csv", "".join("person %d,dept %d\n" % (k, k % 7) for k in range(3000)))
PY
run "$BROKERSEC" --lang en fim canary plant "$R/hr"
check "canary plant: exit 0" [ "$rc" -eq 0 ]
canary=$(printf '%s' "$out" | sed -n 's/^canary planted: //p')
check "canary: a file in the share" [ -f "$canary" ]
"$BROKERSEC" fim baseline --root "$R" >/dev/null 2>&1

# benign: a text edited, the zip replaced by another zip (random-looking, but a zip)
printf 'one more line\n' >> "$R/finance/report0.txt"
python3 - "$R/hr/roster.zip" <<'PY'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("roster.csv", os.urandom(20000))
PY
run "$BROKERSEC" fim check --root "$R" --format json
check "benign: exit 3 (changes)" [ "$rc" -eq 3 ]
check "benign: no sign, score 0" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['ransomware']['score']==0 and not d['signs'], d['signs']" "$out"
"$BROKERSEC" fim baseline --root "$R" >/dev/null 2>&1

# one document encrypted in place: a sign, below the threshold
head -c 20000 /dev/urandom > "$R/finance/report1.txt"
run "$BROKERSEC" fim check --root "$R" --format json
printf '%s' "$out" > "$T/one.json"
check "one rewrite: an entropy sign, no incident" python3 - "$T/one.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["signs"]
assert [x["sign"] for x in s] == ["entropy"] and s[0]["path"] == "finance/report1.txt", s
assert d["ransomware"]["incident"] is None and d["ransomware"]["score"] == 2, d["ransomware"]
PY
# five encrypted in place, no note, no known extension: the content alone reaches the threshold
for k in 2 3 4 5; do head -c 20000 /dev/urandom > "$R/finance/report$k.txt"; done
run "$BROKERSEC" fim check --root "$R" --format json
check "five rewrites: score 10, an incident drafted" python3 -c "import json,sys; d=json.loads(sys.argv[1]); r=d['ransomware']; assert r['score']==10 and r['incident'], r" "$out"

# the attack: notes, extensions, rewrites, the canary
for k in 2 3 4 5 6 7 8 9 10 11; do
	head -c 20000 /dev/urandom > "$R/finance/report$k.txt.locked"
	rm "$R/finance/report$k.txt"
done
printf 'All your files have been encrypted. Pay 1 bitcoin to decrypt.\n' > "$R/finance/readme-now.txt"
printf 'x' > "$R/finance/HOW_TO_DECRYPT.txt"
printf 'x' > "$R/hr/budget.xlsx.ccc"
printf 'x' > "$R/hr/a.lockbit"
printf 'gone' >> "$canary"
run "$BROKERSEC" fim check --root "$R" --format json
check "attack: exit 3" [ "$rc" -eq 3 ]
printf '%s' "$out" > "$T/attack.json"
check "attack: every kind of sign, an incident drafted" python3 - "$T/attack.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {}
for x in d["signs"]:
    by.setdefault(x["sign"], []).append(x["path"])
assert "finance/HOW_TO_DECRYPT.txt" in by["note"], by
assert "finance/readme-now.txt" in by["note"], "the note's words"
assert "hr/budget.xlsx.ccc" in by["extension"] and "hr/a.lockbit" in by["extension"], by
assert len(by["entropy"]) >= 10, by["entropy"]  # report1 and the ten replaced by .locked
assert any(p.startswith("hr/!0000-") for p in by["canary"]), by
assert d["ransomware"]["score"] >= 10 and d["ransomware"]["incident"], d["ransomware"]
PY
run "$BROKERSEC" --lang en incident list --format json
check "the incident draft is in the register, ransomware yes" python3 -c "
import json,sys
d=json.loads(sys.argv[1]); r=[x for x in d if 'ransomware signs' in x['title']]
assert r and r[0]['ransomware'] is True and r[0]['severity']=='high', d" "$out"
run "$BROKERSEC" log search --type fim.alert --format json
check "each sign is an event citing A3.4" contains "$out" '"A3.4"'
check "the canary's event" contains "$out" 'canary'
run "$BROKERSEC" log search --type register.incident.add --format json
check "the draft went through the register (its own event)" contains "$out" 'ransomware'
COLUMNS=300 run "$BROKERSEC" --lang en status --id A3.4
check "status: A3.4's signs of attack not met, from the check" contains "$out" "ransomware sign(s)"
"$BROKERSEC" fim baseline --root "$R" >/dev/null 2>&1
"$BROKERSEC" fim check --root "$R" >/dev/null 2>&1
COLUMNS=300 run "$BROKERSEC" --lang en status --id A2.5.3.3
check "status: A2.5.3.3 met by a clean check on a verified baseline" contains "$out" "no change, the baseline's signature"
finish
