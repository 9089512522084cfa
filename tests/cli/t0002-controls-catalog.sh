#!/bin/sh
# controls: JSON shape, prefixes, applicability, 80 columns, catalog validation.
. "$TOP/tests/cli/lib.sh"

run "$BROKERSEC" controls --format json
check "controls json succeeds" [ "$rc" -eq 0 ]
printf '%s' "$out" > "$T/all.json"
run python3 - "$T/all.json" <<'PY'
import json, sys
entries = json.load(open(sys.argv[1]))
want = {"id", "parent", "title", "text", "applies", "how", "period"}
assert isinstance(entries, list) and len(entries) > 300, len(entries)
ids = set()
for e in entries:
    assert set(e) == want, (e["id"], set(e) ^ want)
    assert set(e["title"]) == {"zh-TW", "en"} and set(e["text"]) == {"zh-TW", "en"}, e["id"]
    assert e["id"] not in ids, e["id"]
    ids.add(e["id"])
    if "." in e["id"]:
        assert e["parent"] in ids, (e["id"], e["parent"])
    else:
        assert e["parent"] is None
    for h in e["how"]:
        assert set(h) == {"kind", "ref"} and h["kind"] in ("mechanism", "check", "record", "schedule")
    assert set(e["applies"]) <= {"profile", "system_category", "app_class"}
t1 = {e["id"]: e["applies"].get("app_class") for e in entries if e["id"].startswith("A1.T1.")}
assert len(t1) == 19 and t1["A1.T1.12"] == [3] and t1["A1.T1.01"] == [1, 2, 3] and t1["A1.T1.04"] == [2, 3]
by = {e["id"]: e for e in entries}
assert by["A2.5.4.2.3"]["period"] == "PT15M"
assert by["SR.4.4"]["applies"] == {"profile": ["internal_control"]}
print("ok")
PY
check "json has exactly the catalog fields, parents first, Table 1 classes" [ "$out" = ok ]

run "$BROKERSEC" controls --id A2.5.4.2 --format json
check "--id selects the subtree" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 8 ]
run "$BROKERSEC" controls --id A2.5.4.9
check "unknown --id fails" [ "$rc" -eq 1 ]
check "unknown --id says which" contains "$err" "A2.5.4.9"

for lang in zh-TW en; do
	run "$BROKERSEC" controls --lang "$lang"
	printf '%s\n' "$out" > "$T/table.txt"
	width=$(python3 -c '
import sys, unicodedata
w = 0
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    w = max(w, sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line))
print(w)' "$T/table.txt")
	check "table fits 80 columns ($lang, widest $width)" [ "$width" -le 80 ]
done
run "$BROKERSEC" controls --lang en --id SR.4
check "english titles" contains "$out" "Security education and training"

"$BROKERSEC" init --data "$T/d" --org "測試" --internal-control no --mobile-app no >/dev/null
run "$BROKERSEC" controls --applicable --data "$T/d" --format json
check "--applicable drops Annex 1 without apps" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; print(sum(e["id"].startswith("A1") for e in json.load(sys.stdin)))')" = 0 ]
check "--applicable drops SR.4.4 without internal control" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; print(sum(e["id"]=="SR.4.4" for e in json.load(sys.stdin)))')" = 0 ]
"$BROKERSEC" profile set mobile-app=yes --data "$T/d" >/dev/null
run "$BROKERSEC" controls --applicable --data "$T/d" --format json
check "--applicable follows the profile" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; print(sum(e["id"].startswith("A1") for e in json.load(sys.stdin)))')" -gt 80 ]

run "$BROKERSEC" controls --lang en --check-file "$TOP/catalog/a2.yaml"
check "a shipped catalog file checks OK" [ "$rc" -eq 0 ]
check "check prints OK" contains "$out" "catalog OK: 137 entries"
run "$BROKERSEC" controls --check-file "$TOP/tests/fixtures/catalog/bad-unknown-field.yaml"
check "a bad file fails the check" [ "$rc" -eq 1 ]
check "the problem has file:line" contains "$err" "bad-unknown-field.yaml:9: unknown field 'perod'"
run "$BROKERSEC" controls --check-file "$T/nope.yaml"
check "a missing file fails the check" [ "$rc" -eq 1 ]

run "$BROKERSEC" controls --format markdown
printf '%s\n' "$out" > "$T/matrix.md"
check "markdown matches docs/controls-matrix.md" cmp -s "$T/matrix.md" "$TOP/docs/controls-matrix.md"
run "$BROKERSEC" controls --format xml
check "unknown format is a usage error" [ "$rc" -eq 2 ]

finish
