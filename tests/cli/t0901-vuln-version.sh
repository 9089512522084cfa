#!/bin/sh
# vuln vercmp (issue 18): brokersec's version order against the real tools on thousands of
# real version pairs: dpkg's (bs_version_cmp) against `dpkg --compare-versions`, rpm's
# (bs_rpm_evrcmp) against rpm's own rpm.vercmp (rpm 4.18, one `rpm --eval` for all pairs).
# The pairs: this machine's dpkg status and apt lists, paired and mutated
# (tests/fixtures/vuln/version-pairs.py, seeded). A test of the test: a wrong order fails.
. "$TOP/tests/cli/lib.sh"

N=${VULN_VERSION_PAIRS:-1500}
python3 "$TOP/tests/fixtures/vuln/version-pairs.py" "$N" > "$T/pairs"
check "$N pairs generated" [ "$(wc -l < "$T/pairs")" -eq "$N" ]
check "from real versions (epochs, tildes and revisions among them)" grep -q '~.* \|:.*-' "$T/pairs"

run "$BROKERSEC" vuln vercmp "$T/pairs"
check "vercmp: exit 0" [ "$rc" -eq 0 ]
printf '%s\n' "$out" > "$T/ours"
check "vercmp: a line per pair" [ "$(wc -l < "$T/ours")" -eq "$N" ]

# dpkg: each of our answers put to dpkg as its own operator (lt, eq, gt: each true only for
# that order, so one call a pair confirms or refutes it), four processes at a time
python3 - "$T/ours" > "$T/dpkg" <<'PY'
import subprocess, sys
from concurrent.futures import ThreadPoolExecutor
ops = {"<": "lt", "=": "eq", ">": "gt"}
rows = [l.split() for l in open(sys.argv[1])]
def confirm(r):
    a, o, b = r
    return subprocess.call(["dpkg", "--compare-versions", a, ops[o], b]) == 0
with ThreadPoolExecutor(4) as ex:
    for (a, o, b), ok in zip(rows, ex.map(confirm, rows)):
        print(a, o if ok else "WRONG(" + o + ")", b)
PY
check "dpkg answered every pair" [ "$(wc -l < "$T/dpkg")" -eq "$N" ]
check "dpkg confirms our order on every pair ($(grep -c WRONG "$T/dpkg") refuted)" ! grep -q WRONG "$T/dpkg"
grep WRONG "$T/dpkg" | head -5
check "some pairs of each kind" [ "$(cut -d' ' -f2 "$T/ours" | sort -u | wc -l)" -eq 3 ]
# a test of the test: a wrong answer is refuted by dpkg
check "a wrong order is refuted" ! dpkg --compare-versions 1.0~rc1 gt 1.0

# rpm: the same machinery, rpm's order, one rpm process
if command -v rpm >/dev/null 2>&1; then
	python3 "$TOP/tests/fixtures/vuln/version-pairs.py" "$N" --rpm > "$T/rpairs"
	run "$BROKERSEC" vuln vercmp --rpm "$T/rpairs"
	check "vercmp --rpm: exit 0" [ "$rc" -eq 0 ]
	printf '%s\n' "$out" > "$T/rours"
	python3 - "$T/rpairs" > "$T/lua" <<'PY'
import sys
for l in open(sys.argv[1]):
    a, b = l.split()
    print('do local r = rpm.vercmp([[%s]], [[%s]]) print([[%s]] .. (r < 0 and " < " or r > 0 and " > " or " = ") .. [[%s]] .. "\\n") end' % (a, b, a, b))
PY
	rpm --eval "%{lua: dofile([[$T/lua]])}" | sed '/^$/d' > "$T/rpm"
	check "rpm answered every pair" [ "$(wc -l < "$T/rpm")" -eq "$N" ]
	diff "$T/rpm" "$T/rours" > "$T/diff-rpm"
	check "rpm's order on every pair ($(grep -c '^>' "$T/diff-rpm") differ)" [ ! -s "$T/diff-rpm" ]
	head -5 "$T/diff-rpm"
	check "rpm pairs with ~ and ^" grep -q '\^.* [<>=] \|~.* [<>=] ' "$T/rours"
else
	echo "rpm is not installed (scripts/deps-test.txt): rpm's order untested here"
	check "rpm is installed (scripts/deps-test.txt)" false
fi
finish
