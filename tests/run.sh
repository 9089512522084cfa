#!/bin/sh
# Runs every test against $BUILD (default build): the cmocka unit tests in $BUILD/tests/ and
# the CLI scripts tests/cli/t*.sh, N at a time. Each reports its own counts; its output is
# printed whole when it ends (in order of completion), and the last line here is the sum:
# "N passed, N failed". Exit status 1 when anything failed.
#
# N: $TEST_JOBS if set, else the -jN of the make that runs us (MAKEFLAGS), else the number of
# CPUs. The longest tests start first, so that the slowest one does not start last: by the
# times of the previous run ($BUILD/test-times, written at the end of each run), else by
# the list below. The tests in $WAITING spend their time waiting for the clock (a minute to
# end, a server's 10 s bound), not computing: when N > 1 they run beside the N others
# instead of holding a place. BROKERSEC_TESTING=1 says to brokersec that this is a test run
# (datadir.h, "test data directories").
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
export BROKERSEC="$PWD/$BUILD/brokersec"
export TOP="$PWD"
export CMOCKA_MESSAGE_OUTPUT=stdout
export BROKERSEC_TESTING=1
# python3 may be a version manager's shim (pyenv: a bash script, ~0.3 s a start): resolve
# the interpreter once, tests/cli/lib.sh calls it directly.
if [ -z "${TEST_PYTHON:-}" ]; then
	TEST_PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || TEST_PYTHON=""
fi
export TEST_PYTHON
TIMES="$BUILD/test-times"
# Before any time is recorded: the tests known to take longest, longest first.
SLOW="t0213 t0211 t0212 t0504 t0214 t0210 t0306 test_auth t0200 t0005 t0208"
WAITING="t0213 t0211"

jobs=${TEST_JOBS:-}
if [ -z "$jobs" ]; then
	# GNU make puts -jN (or -j alone, for no limit) into MAKEFLAGS for its children
	for w in ${MAKEFLAGS:-}; do
		case "$w" in
		-j) jobs=$(nproc 2>/dev/null || echo 2) ;;
		-j[0-9]*) jobs=${w#-j} ;;
		esac
	done
fi
[ -n "$jobs" ] || jobs=$(nproc 2>/dev/null || echo 2)
case "$jobs" in '' | *[!0-9]* | 0) echo "TEST_JOBS must be a positive number, not '$jobs'" >&2; exit 2 ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/brokersec-run.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Every test, one per line: "ESTIMATE PATH", longest first. ESTIMATE is the recorded time in
# ms, or for a test never timed a rank from $SLOW (above every recorded time, in list order),
# or 0.
{
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		case "$t" in *.d) continue ;; esac
		echo "$t"
	done
	for t in tests/cli/t[0-9]*.sh; do
		[ -f "$t" ] && echo "$t"
	done
} >"$tmp/all"
: >"$tmp/times"
[ -f "$TIMES" ] && cp "$TIMES" "$tmp/times"
while read -r t; do
	name=${t##*/}
	name=${name%.sh}
	est=$(awk -v n="$name" '$2 == n { print $1; exit }' "$tmp/times")
	if [ -z "$est" ]; then
		est=0
		r=1000000000
		for s in $SLOW; do
			case "$name" in "$s" | "$s"-*) est=$r ;; esac
			r=$((r - 1000))
		done
	fi
	echo "$est $t"
done <"$tmp/all" | sort -k1,1nr -k2,2 >"$tmp/order"
total=$(wc -l <"$tmp/order")

# ms since the epoch
now_ms() {
	_ns=$(date +%s%N)
	echo $((_ns / 1000000))
}

# 1 when test PATH mostly waits ($WAITING), else 0
waiting() {
	_w=${1##*/}
	for _s in $WAITING; do
		case "$_w" in "$_s" | "$_s"-*) echo 1; return ;; esac
	done
	echo 0
}

# One test, in the background: its output into $tmp/N.log, then "N PASSED FAILED MS WAITING"
# on the completion pipe (one short write: atomic).
run_one() {
	_n=$1 _t=$2 _wait=$3
	_start=$(now_ms)
	# the test gets neither the completion pipe nor stdin
	case "$_t" in
	*.sh) sh "$_t" >"$tmp/$_n.log" 2>&1 3>&- </dev/null ;;
	*) "$_t" >"$tmp/$_n.log" 2>&1 3>&- </dev/null ;;
	esac
	_rc=$?
	case "$_t" in
	*.sh)
		_line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/$_n.log" | tail -n 1)
		_p=$(echo "$_line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
		_f=$(echo "$_line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
		;;
	*)
		_p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$tmp/$_n.log" | awk '{s+=$1} END {print s+0}')
		_f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$tmp/$_n.log" | awk '{s+=$1} END {print s+0}')
		;;
	esac
	_p=${_p:-0}
	_f=${_f:-0}
	if [ "$_rc" -ne 0 ] && [ "$_f" -eq 0 ]; then
		_f=1 # died before counting
	fi
	echo "$_n $_p $_f $(($(now_ms) - _start)) $_wait" >&3
}

# Completions arrive on a FIFO, opened read-write so that it neither blocks nor ends.
mkfifo "$tmp/done" || exit 2
exec 3<>"$tmp/done"
passed=0
failed=0
started=0
running=0   # tests that hold one of the N places
finished=0
suite_start=$(now_ms)
: >"$tmp/newtimes"
while [ "$finished" -lt "$total" ]; do
	while [ "$started" -lt "$total" ]; do
		t=$(sed -n "$((started + 1))p" "$tmp/order")
		t=${t#* }
		w=0
		[ "$jobs" -gt 1 ] && w=$(waiting "$t")
		[ "$w" = 1 ] || [ "$running" -lt "$jobs" ] || break
		started=$((started + 1))
		echo "$t" >"$tmp/$started.name"
		run_one "$started" "$t" "$w" &
		[ "$w" = 1 ] || running=$((running + 1))
	done
	read -r n p f ms w <&3 || { echo "tests/run.sh: lost track of the running tests" >&2; exit 2; }
	[ "$w" = 1 ] || running=$((running - 1))
	finished=$((finished + 1))
	t=$(cat "$tmp/$n.name")
	secs="$((ms / 1000)).$((ms % 1000 / 100)) s"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $t ($secs)"
		cat "$tmp/$n.log"
	else
		echo "ok   $t ($p, $secs)"
	fi
	name=${t##*/}
	echo "$ms ${name%.sh}" >>"$tmp/newtimes"
done
wait
ms=$(($(now_ms) - suite_start))
echo "$total tests in $((ms / 1000)).$((ms % 1000 / 100)) s, $jobs at a time"
# for the next run's order (a failed write only loses the order)
sort -k1,1nr "$tmp/newtimes" >"$TIMES.tmp" 2>/dev/null && mv "$TIMES.tmp" "$TIMES" 2>/dev/null
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
