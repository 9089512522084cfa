# Sourced by tests/cli/t*.sh. Gives each script a temp dir, assertions and the final count.
#   run CMD...          runs CMD, keeping stdout in $out, stderr in $err, status in $rc
#   check NAME COND...  counts a pass when `COND...` (a test(1) or command) succeeds;
#                       `check NAME ! COND...` when it fails. One condition per check:
#                       `check N A && B` would leave B uncounted.
#   finish              prints "N passed, N failed" and exits 0/1
# BROKERSEC_TESTING=1: a test run, so `brokersec init --test-fast-kdf` is allowed (datadir.h,
# "test data directories"; tests/cli/t02-https.inc uses it). python3: the interpreter
# tests/run.sh resolved ($TEST_PYTHON), not a version manager's shim (~0.3 s a start).
set -u
: "${BROKERSEC:?run through tests/run.sh or set BROKERSEC}"
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
export BROKERSEC_TESTING=1
# CI runs the tests as root, and serve refuses root without --allow-root (t0019 tests the
# refusal with this unset): the tests that start servers mean it.
[ "$(id -u)" -ne 0 ] || export BROKERSEC_ALLOW_ROOT=1
if [ -n "${TEST_PYTHON:-}" ] && [ -x "$TEST_PYTHON" ]; then
	python3() { "$TEST_PYTHON" "$@"; }
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/brokersec-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
_pass=0
_fail=0
out=""
err=""
rc=0

run() {
	"$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

check() {
	_name=$1
	shift
	_neg=0
	if [ "${1:-}" = "!" ]; then
		_neg=1
		shift
	fi
	"$@"
	_st=$?
	[ "$_neg" -eq 1 ] && { [ "$_st" -ne 0 ]; _st=$?; }
	if [ "$_st" -eq 0 ]; then
		_pass=$((_pass + 1))
	else
		_fail=$((_fail + 1))
		echo "not ok: $_name"
		echo "  rc=$rc"
		echo "  stdout: $(printf '%s' "$out" | head -c 600)"
		echo "  stderr: $(printf '%s' "$err" | head -c 600)"
	fi
}

# contains HAYSTACK NEEDLE
contains() {
	case "$1" in *"$2"*) return 0 ;; *) return 1 ;; esac
}

finish() {
	echo "$_pass passed, $_fail failed"
	[ "$_fail" -eq 0 ]
}
