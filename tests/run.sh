#!/bin/sh
# Runs every test against $BUILD (default build): the cmocka unit tests in $BUILD/tests/,
# then the CLI scripts tests/cli/t*.sh. Each reports its own counts; the last line here is
# the sum: "N passed, N failed". Exit status 1 when anything failed.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
export BROKERSEC="$PWD/$BUILD/brokersec"
export TOP="$PWD"
export CMOCKA_MESSAGE_OUTPUT=stdout
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.d) continue ;; esac
	"$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed before cmocka could count
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $t"
		cat "$log"
	else
		echo "ok   $t ($p)"
	fi
done

for t in tests/cli/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	sh "$t" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # the script died before counting
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $t"
		cat "$log"
	else
		echo "ok   $t ($p)"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
