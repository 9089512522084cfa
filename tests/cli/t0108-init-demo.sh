#!/bin/sh
# `brokersec init --demo` (issue 21; datadir.h "demo data directories", src/demo): a new,
# marked directory with a made-up broker's records - systems of the three categories, 40
# people with training, vendors, an app, an incident, drills, an assessment with findings and
# its issued report - each an event in a log that verifies; every command warns that it is
# demo data, every report is marked; an existing directory is refused and left as it was.
. "$TOP/tests/cli/lib.sh"
D="$T/demo"
WARN_ZH="示範資料目錄：所有資料皆為產生之示範資料，非真實紀錄"
WARN_EN="DEMO DATA DIRECTORY: every record is generated demo data, not a real record"
MARK="示範資料（非真實評估）"
bs() { "$BROKERSEC" --data "$D" "$@"; }
jcount() { # jcount PYTHON-EXPR: evaluated with d = the JSON in $out
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

# --- made ---
start=$(date +%s%N)
run "$BROKERSEC" init --demo --data "$D" --test-fast-kdf --admin boss
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "init --demo succeeds" test "$rc" = 0
echo "# init --demo took ${ms} ms (fast test KDF)"
check "init --demo takes under 15 s (about 1 s on an idle 2-core machine)" test "$ms" -lt 15000
check "init --demo says what it made" contains "$out" "示範資料：系統 4、"
check "init --demo warns on stderr" contains "$err" "$WARN_ZH"
run bs profile show
check "the org is the demo company" contains "$out" "示範保險經紀人股份有限公司（示範）"
check "the demo profile: online insurance" contains "$out" "online-insurance  yes"
check "the demo profile: a mobile app" contains "$out" "mobile-app        yes"
check "the mark is in brokersec.db" test "$(sqlite3 "$D/brokersec.db" 'SELECT demo FROM demo_marker WHERE id = 1')" = 1
run bs log search --type datadir.init --format json
check "the init event says demo" contains "$out" '"demo":true'

# --- every command says it is demo data, in either language ---
for c in "status" "due" "system list" "person list" "assessment list" "log verify" "profile show"; do
	# shellcheck disable=SC2086 # $c is a command and its verb
	run bs $c
	check "'$c' warns on stderr" contains "$err" "$WARN_ZH"
	check "'$c' warns once" test "$(printf '%s\n' "$err" | grep -c "示範資料目錄")" = 1
done
run bs --lang en due
check "English warning" contains "$err" "$WARN_EN"

# --- the content ---
run bs system list --format json
check "4 systems" test "$(jcount 'len(d)')" = 4
check "category 1: 2 systems" test "$(jcount 'sum(1 for s in d if s["category"] == 1)')" = 2
check "category 2: 1 system" test "$(jcount 'sum(1 for s in d if s["category"] == 2)')" = 1
check "category 3: 1 system" test "$(jcount 'sum(1 for s in d if s["category"] == 3)')" = 1
run bs device list --format json
check "servers, laptops and a phone" test "$(jcount '",".join(sorted({x["kind"] for x in d}))')" = "laptop,mobile,network,server"
run bs person list --format json
check "40 people" test "$(jcount 'len(d)')" = 40
check "40 different names" test "$(jcount 'len({p["name"] for p in d})')" = 40
check "security staff and managers among them" test "$(jcount '",".join(sorted({p["role"] for p in d}))')" = "general,it,manager,security"
names=$(jcount '",".join(p["name"] for p in d)')
run bs training list --format json
year=$(date -u +%Y)
check "training this year" test "$(jcount "sum(1 for t in d if t['date'].startswith('$year'))")" -gt 20
check "training last year for everyone" test "$(jcount "len({t['person'] for t in d if t['date'].startswith('$((year - 1))')})")" = 40
check "professional hours for the security staff" test "$(jcount 'sum(1 for t in d if t["kind"] == "professional")')" -ge 3
for r in vendor app incident drill policy-doc plan assessor asset backup account-review; do
	run bs $r list --format json
	check "$r records" test "$(jcount 'len(d)')" -ge 1
done
run bs vendor list --format json
check "a vendor with development work" test "$(jcount 'sum(1 for v in d if v["kind"] == "development")')" = 1
run bs app list --format json
check "a class 3 app with transactions, linked to a system" test "$(jcount 'd[0]["class"] == 3 and d[0]["transactions"] and d[0]["system"] == 2')" = True
run bs drill list --format json
check "social-engineering and BCP drills" test "$(jcount '",".join(sorted({x["kind"] for x in d}))')" = "bcp,social-engineering"

# --- a saved scan of a made-up server, its files gone again ---
check "one saved scan of srv-core-01, against the core system's first server" test "$(sqlite3 "$D/brokersec.db" "SELECT host || ':' || system_id || ':' || device FROM scan")" = "srv-core-01:1:1"
check "with failing and passing checks" test "$(sqlite3 "$D/brokersec.db" "SELECT count(DISTINCT status) FROM scan_result WHERE status IN ('pass', 'fail')")" = 2
check "the scanned files are removed" test ! -e "$D/demo-host"
run bs log search --type scan.save --format json
check "the scan's save is an event" contains "$out" '"type":"scan.save"'

# --- the assessment, its findings and report ---
run bs assessment show 1 --format json
check "the assessment is completed (reported)" test "$(jcount 'd["status"]')" = reported
check "it covers a category 1 system" test "$(jcount 'd["scope"][0]["category"]')" = 1
check "every control in scope has a result" test "$(jcount 'sum(1 for r in d["results"] if r["result"] in (None, "none"))')" = 0
check "some not met" test "$(jcount 'sum(1 for r in d["results"] if r["result"] == "not-met")')" -ge 1
check "results from the saved scan" test "$(jcount 'sum(1 for r in d["results"] if r["source"] == "scan")')" -ge 1
check "every finding is of a control not met" test "$(jcount 'all(any(r["control"] == f["control"] and r["result"] == "not-met" for r in d["results"]) for f in d["findings"])')" = True
check "findings of several severities" test "$(jcount 'len({f["severity"] for f in d["findings"]})')" -ge 3
check "three open findings" test "$(jcount 'sum(1 for f in d["findings"] if f["status"] == "open")')" = 3
check "one closed finding" test "$(jcount 'sum(1 for f in d["findings"] if f["status"] == "closed")')" = 1
check "one overdue finding" test "$(jcount 'sum(1 for f in d["findings"] if f["overdue"])')" = 1
kept=$(ls "$D/reports/" 2>/dev/null | head -1)
check "its report is issued and kept" test -s "$D/reports/$kept"
run bs report verify "$D/reports/$kept"
check "report verify accepts the kept report" test "$rc" = 0
pages=$(pdfinfo "$D/reports/$kept" 2>/dev/null | sed -n 's/^Pages: *//p')
marks=$(pdftotext "$D/reports/$kept" - 2>/dev/null | tr -d ' \n' | grep -o "$MARK" | wc -l)
check "the PDF has pages ($pages)" test "${pages:-0}" -gt 1
check "the PDF's mark on every page and the first ($marks marks, $pages pages)" test "$marks" -gt "$pages"
pdftotext -l 1 "$D/reports/$kept" "$T/p1.txt" 2>/dev/null
check "the cover (first page) is marked" contains "$(tr -d ' \n' < "$T/p1.txt")" "$MARK·示範保險經紀人股份有限公司（示範）"
pdftotext -l 2 "$D/reports/$kept" "$T/p2.txt" 2>/dev/null
check "the report opens by saying it is demo data" contains "$(tr -d ' \n' < "$T/p2.txt")" "本報告之組織、系統、人員、評估結果及缺失皆為brokersec產生之示範資料"

for f in html docx oscal; do
	run bs report assessment 1 --format "$f" -o "$T/r.$f"
	check "report --format $f" test "$rc" = 0
	check "report --format $f warns on stderr" contains "$err" "$WARN_ZH"
done
check "HTML report marked" contains "$(cat "$T/r.html")" "$MARK"
check "DOCX report marked in its body" contains "$(unzip -p "$T/r.docx" word/document.xml)" "$MARK"
check "DOCX report marked in every page's footer" contains "$(unzip -p "$T/r.docx" word/footer1.xml)" "$MARK"
run python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["assessment-results"]["metadata"]["props"]
m=[x for x in p if x["name"] == "marking"]; print(m[0]["value"], "remarks" in m[0])' "$T/r.oscal"
check "OSCAL has the marking prop with a remark" test "$out" = "demo True"
run bs --lang en report assessment 1 --format html -o "$T/en.html"
check "English report marked" contains "$(cat "$T/en.html")" "DEMO DATA (not a real assessment)"

# --- the log: every record an event, and it verifies ---
run bs log verify
check "log verify" test "$rc" = 0
run bs log search --type register.person.add --format json
check "each person an event" test "$(printf '%s\n' "$out" | grep -c '"type":"register.person.add"')" = 40
run bs log search --type report.issue --format json
check "the report's issue an event" contains "$out" "report.issue"

# --- status and due show real gaps ---
today=$(date -u +%F)
run bs due --as-of "$today" --all --format json
check "due: the core system's BCP drill is overdue" test "$(jcount 'sum(1 for x in d if x["duty"] == "bcp-drill" and x["status"] == "overdue")')" = 1
check "due: the overdue finding" test "$(jcount 'sum(1 for x in d if x["duty"] == "finding" and x["status"] == "overdue")')" = 1
check "due: training short of hours" test "$(jcount 'sum(1 for x in d if x["duty"] == "training-hours" and x["status"] != "ok")')" -ge 5
check "due: some duties are fine" test "$(jcount 'sum(1 for x in d if x["status"] == "ok")')" -ge 5
run bs status --as-of "$today" --format json
check "status: controls met" test "$(jcount 'd["totals"].get("met", 0)')" -gt 0
check "status: controls not met" test "$(jcount 'd["totals"].get("not_met", 0)')" -gt 0

# --- the same day, the same demo ---
run "$BROKERSEC" init --demo --data "$T/demo2" --test-fast-kdf --admin boss
check "a second demo directory" test "$rc" = 0
run "$BROKERSEC" --data "$T/demo2" person list --format json
check "the same 40 names (fixed seed)" test "$(jcount '",".join(p["name"] for p in d)')" = "$names"

# --- never into an existing directory ---
mkdir "$T/existing"
echo keep > "$T/existing/file"
run "$BROKERSEC" init --demo --data "$T/existing" --test-fast-kdf --lang en
check "--demo on an existing directory: refused" test "$rc" = 1
check "--demo on an existing directory: says why" contains "$err" "exists already"
check "--demo on an existing directory: left as it was" test "$(ls -A "$T/existing")" = file
R="$T/real"
run "$BROKERSEC" init --data "$R" --org "真實經紀人" --internal-control yes --test-fast-kdf --admin boss
check "a real directory" test "$rc" = 0
check "a real directory has no mark" test "$(sqlite3 "$R/brokersec.db" 'SELECT count(*) FROM demo_marker')" = 0
before=$(cd "$R" && find . -type f | sort | xargs sha256sum)
run "$BROKERSEC" init --demo --data "$R" --test-fast-kdf
check "--demo on a real data directory: refused" test "$rc" = 1
check "--demo on a real data directory: unchanged" test "$(cd "$R" && find . -type f | sort | xargs sha256sum)" = "$before"
run "$BROKERSEC" --data "$R" status
check "a real directory does not warn" ! contains "$err" "$WARN_ZH"
run "$BROKERSEC" --data "$R" system list --format json
check "a real directory has no demo records" test "$out" = "[]"

# --- make demo: its own directory and port, never brokersec-data/ ---
run make -s -C "$TOP" -n demo BUILD="${BUILD:-build}"
check "make demo inits brokersec-demo with --demo" contains "$out" "init --demo --data brokersec-demo"
check "make demo serves it on 8444" contains "$out" "serve --data brokersec-demo --listen 127.0.0.1:8444"
check "make demo never names brokersec-data" ! contains "$out" "brokersec-data"
run make -s -C "$TOP" -n demo BUILD="${BUILD:-build}" PORT=9444
check "make demo PORT=9444" contains "$out" "--listen 127.0.0.1:9444"

# --- help ---
run "$BROKERSEC" init --help
check "init --help (zh-TW) explains --demo" contains "$out" "--demo：建立示範資料目錄"
run "$BROKERSEC" init --help --lang en
check "init --help (English) explains --demo" contains "$out" "--demo: a demo data directory"
finish
