#!/bin/sh
# serve refuses to run as root unless --allow-root (or BROKERSEC_ALLOW_ROOT=1) says so, and
# says why in zh-TW and English, before it opens the data directory (issue 22). As a normal
# user the refusal is tested in a user namespace where this user is root (unshare -r).
. "$TOP/tests/cli/lib.sh"
D="$T/d"
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT

# asroot CMD...: runs CMD with effective uid 0 (as is, or in a user namespace)
# (ROOT: the prefix that does it, empty or "unshare -r", which execs: $! is the server's pid)
if [ "$(id -u)" -eq 0 ]; then
	ROOT=""
elif unshare -r true 2>/dev/null; then
	ROOT="unshare -r"
else
	echo "t0019: not root and no user namespaces (unshare -r): cannot run serve as root here" >&2
	exit 1
fi
# shellcheck disable=SC2086 # $ROOT is zero or two words on purpose
asroot() { $ROOT "$@"; }
run "$BROKERSEC" init --data "$D" --org "Test Broker" --internal-control no --test-fast-kdf --lang en
check "init" test "$rc" = 0
before=$(cd "$D" && find . -type f | sort | xargs sha256sum)

# --- refused, and why, in both languages ---
run asroot env -u BROKERSEC_ALLOW_ROOT "$BROKERSEC" serve --data "$D" --listen 127.0.0.1:0 --lang en
check "as root: refused (exit 1)" test "$rc" = 1
check "as root: says it refuses root" contains "$err" "refusing to serve as root"
check "as root: says why" contains "$err" "a flaw in it would hand over the whole machine"
check "as root: says what to do" contains "$err" "--allow-root"
check "as root: names the service user" contains "$err" "runs as 'brokersec'"
check "as root: no listener" ! contains "$out" "listening on"
run asroot env -u BROKERSEC_ALLOW_ROOT "$BROKERSEC" serve --data "$D" --listen 127.0.0.1:0
check "zh-TW: refused" test "$rc" = 1
check "zh-TW: says why" contains "$err" "拒絕以 root 執行 serve：serve 對網路提供服務"
check "the data directory is untouched (refused before it is opened)" \
	test "$(cd "$D" && find . -type f | sort | xargs sha256sum)" = "$before"
for v in 0 yes ""; do
	run asroot env BROKERSEC_ALLOW_ROOT="$v" "$BROKERSEC" serve --data "$D" --listen 127.0.0.1:0 --lang en
	check "BROKERSEC_ALLOW_ROOT='$v' is no permission" test "$rc" = 1
done
# the usage errors still come first (a usage error is exit 2, not the refusal)
run asroot env -u BROKERSEC_ALLOW_ROOT "$BROKERSEC" serve --data "$D" --tls-cert x --lang en
check "a usage error before the refusal" test "$rc" = 2

# --- allowed with --allow-root and with BROKERSEC_ALLOW_ROOT=1 ---
# start ENV [OPTION]: starts serve as root with the environment ENV (an env(1) argument) and
# OPTION, and waits for its listener
start() {
	rm -f "$T/s.out" "$T/s.err"
	# shellcheck disable=SC2086
	$ROOT env "$1" "$BROKERSEC" serve --data "$D" --listen 127.0.0.1:0 --no-access-log --lang en ${2:-} \
		>"$T/s.out" 2>"$T/s.err" &
	SPID=$!
	i=0
	while ! grep -q '^listening on' "$T/s.out" 2>/dev/null && [ $i -lt 100 ] && kill -0 "$SPID" 2>/dev/null; do
		i=$((i + 1))
		sleep 0.1
	done
}
stop() {
	kill -TERM "$SPID" 2>/dev/null
	wait "$SPID"
	rc=$?
	SPID=""
}
start BROKERSEC_ALLOW_ROOT= --allow-root
check "--allow-root: serves as root" grep -q '^listening on' "$T/s.out"
stop
check "--allow-root: stops cleanly" test "$rc" = 0
start BROKERSEC_ALLOW_ROOT=1
check "BROKERSEC_ALLOW_ROOT=1: serves as root" grep -q '^listening on' "$T/s.out"
stop
check "BROKERSEC_ALLOW_ROOT=1: stops cleanly" test "$rc" = 0

# --- help, in both languages ---
run "$BROKERSEC" serve --help --lang en
check "help (en) explains --allow-root" contains "$out" "--allow-root: serve as root all the same"
run "$BROKERSEC" serve --help
check "help (zh-TW) explains --allow-root" contains "$out" "--allow-root：仍以 root 執行"

# --- make run and make demo pass it as root, and say so ---
if [ "$(id -u)" -eq 0 ]; then
	check "scripts/run passes --allow-root as root" grep -q 'allow=--allow-root' "$TOP/scripts/run"
	run make -s -C "$TOP" -n demo BUILD="${BUILD:-build}"
	check "make demo as root: serve --allow-root" contains "$out" "--welcome --allow-root"
	check "make demo as root: says why" contains "$out" "serving as root (--allow-root)"
fi
finish
