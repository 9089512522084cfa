#!/bin/sh
# controls: JSON shape, prefixes, applicability, 80 columns, catalog validation.
. "$TOP/tests/cli/lib.sh"

run "$BROKERSEC" controls --format json
check "controls json succeeds" [ "$rc" -eq 0 ]
printf '%s' "$out" > "$T/all.json"
run python3 - "$T/all.json" <<'PY'
import json, sys
entries = json.load(open(sys.argv[1]))
want = {"id", "parent", "title", "text", "applies", "how", "period", "same_as", "implemented_by", "implements"}
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

# the links (issue 12 item 10, docs/status.md): duplicates both ways, articles and the annex
# entries implementing them, each side naming the other
run python3 - "$T/all.json" <<'PY'
import json, sys
by = {e["id"]: e for e in json.load(open(sys.argv[1]))}
for e in by.values():
    for k in ("same_as", "implemented_by", "implements"):
        assert isinstance(e[k], list) and all(i in by and i != e["id"] for i in e[k]), (e["id"], k, e[k])
    for o in e["same_as"]:
        assert e["id"] in by[o]["same_as"], ("same_as one way only", e["id"], o)
    for o in e["implemented_by"]:
        assert e["id"] in by[o]["implements"], ("implemented_by without implements", e["id"], o)
    for o in e["implements"]:
        assert e["id"] in by[o]["implemented_by"], ("implements without implemented_by", e["id"], o)
    assert not (e["implemented_by"] and not e["id"].startswith("SR.")), ("only articles are implemented", e["id"])
assert by["A1.T1.01"]["same_as"] == ["A1.4.1.1.1"] and "A1.T1.01" in by["A1.4.1.1.1"]["same_as"]
assert by["A2.4.1.8.1"]["same_as"] and by["A2.5.5.1.1"]["same_as"]
assert by["SR.16"]["implemented_by"] == ["A2.5.2.3", "A2.4.1.3.2", "A2.4.1.5.2", "A2.4.1.5.4", "A3.7.1"], by["SR.16"]["implemented_by"]
assert by["SR.10"]["implemented_by"] == ["A2.4.1.6"] and by["A2.4.1.6"]["implements"] == ["SR.10"]
assert sorted(by["A2.4.1.5.4"]["implements"]) == ["SR.15", "SR.16"], by["A2.4.1.5.4"]["implements"]
assert sum(1 for e in by.values() if e["same_as"]) >= 40 and sum(1 for e in by.values() if e["implemented_by"]) == 6
assert by["SR.1"]["same_as"] == [] and by["SR.1"]["implemented_by"] == [] and by["SR.1"]["implements"] == []
print("ok")
PY
check "json links: same_as both ways, implemented_by and implements match (SR.16, SR.10, A1.T1.01)" [ "$out" = ok ]
run "$BROKERSEC" controls --id SR.16 --format json
check "--id keeps the links" contains "$out" '"A3.7.1"'

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
