#!/bin/sh
# backup to an sftp:// target (issue 19, SR.12, A3.7.11) against a real sshd on loopback that
# this test starts (its own host key, a test user key, as the current user): create, a
# second create that uploads only the new chunks (counted on the server), verify, snapshots,
# restore from sftp with the restore test, the target in `backup targets`; an unknown or
# changed host key refused with the fingerprint and nothing written; no password in a URL;
# sshd killed in the middle of a create: a clear error, the earlier snapshots intact, the
# next create completes and removes what the broken one left.
. "$TOP/tests/cli/lib.sh"
export BROKERSEC_LANG=en COLUMNS=200
SSHD=/usr/sbin/sshd
S="$T/ssh"
mkdir -p "$S" "$T/remote"
if [ ! -x "$SSHD" ] || ! command -v ssh-keygen >/dev/null; then
	echo "# sshd or ssh-keygen missing (openssh-server, scripts/deps-test.txt): sftp not tested"
	finish
	exit $?
fi
ssh-keygen -q -t ed25519 -N '' -C host -f "$S/host_key"
ssh-keygen -q -t ed25519 -N '' -C client -f "$S/id"
ssh-keygen -q -t ed25519 -N '' -C other -f "$S/other_host_key"
cp "$S/id.pub" "$S/authorized_keys"
mkdir -p /run/sshd 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$S/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $S/host_key
AuthorizedKeysFile $S/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PidFile $S/sshd.pid
Subsystem sftp internal-sftp
EOF
sshd_pid=""
start_sshd() {
	: >"$S/sshd.log"
	"$SSHD" -D -e -f "$S/sshd_config" 2>>"$S/sshd.log" &
	sshd_pid=$!
	for _i in $(seq 1 50); do
		grep -q "Server listening" "$S/sshd.log" && return 0
		sleep 0.1
	done
	return 1
}
# sshd and every connection it forked (each its own session: the listener alone is not enough)
kill_tree() {
	for _c in $(pgrep -P "$1" 2>/dev/null); do
		kill_tree "$_c"
	done
	kill -9 "$1" 2>/dev/null
}
stop_sshd() {
	[ -n "$sshd_pid" ] && kill_tree "$sshd_pid"
	wait "$sshd_pid" 2>/dev/null
	sshd_pid=""
}
trap 'stop_sshd; rm -rf "$T"' EXIT
if ! start_sshd; then
	echo "# sshd cannot run here: $(head -c 300 "$S/sshd.log"): sftp not tested"
	finish
	exit $?
fi
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1-2 "$S/host_key.pub")" >"$S/known_hosts"
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1-2 "$S/other_host_key.pub")" >"$S/changed_known_hosts"
printf '[127.0.0.1]:1 %s\n' "$(cut -d' ' -f1-2 "$S/host_key.pub")" >"$S/other_port_known_hosts"
fpr=$(ssh-keygen -lf "$S/host_key.pub" | cut -d' ' -f2)
U="sftp://127.0.0.1:$port$T/remote/repo"

D="$T/data"
B() { "$BROKERSEC" --data "$D" "$@"; }
"$BROKERSEC" init --data "$D" --org t --internal-control yes --test-fast-kdf >/dev/null 2>&1
B system add --name brokersec --category 1 >/dev/null 2>&1
B backup add --system 1 --rpo-hours 24 >/dev/null 2>&1
head -c 3000000 /dev/urandom >"$T/scan.pdf"
seq 1 200000 >"$T/export.txt"
B evidence add SR.12 --file "$T/scan.pdf" >/dev/null 2>&1
B evidence add SR.12 --file "$T/export.txt" >/dev/null 2>&1

# a host key that is not the server's, or none for this host:port: refused, nothing written
run B backup create --to "$U" --ssh-key "$S/id" --known-hosts "$S/changed_known_hosts"
check "changed host key: refused" [ "$rc" -eq 1 ]
check "changed host key: says it changed" contains "$err" "has CHANGED"
check "changed host key: shows the offered fingerprint" contains "$err" "$fpr"
check "changed host key: nothing written on the server" [ ! -e "$T/remote/repo" ]
run B backup create --to "$U" --ssh-key "$S/id" --known-hosts "$S/other_port_known_hosts"
check "unknown host key: refused" [ "$rc" -eq 1 ]
check "unknown host key: says it is not known" contains "$err" "is not in '$S/other_port_known_hosts'"
check "unknown host key: nothing written" [ ! -e "$T/remote/repo" ]
run B backup create --to "$U" --ssh-key "$S/id" --known-hosts "$T/none"
check "no known_hosts file: refused" contains "$err" "cannot read the known_hosts file"
run B backup create --to "sftp://me:secret@127.0.0.1:$port$T/remote/repo" --ssh-key "$S/id" --known-hosts "$S/known_hosts"
check "a password in the URL: refused" [ "$rc" -eq 2 -o "$rc" -eq 1 ]
check "a password in the URL: not echoed" ! contains "$err" "secret"
run B backup create --to "$U" --ssh-key "$S/other_host_key" --known-hosts "$S/known_hosts"
check "a key the server does not know: refused" contains "$err" "refused the key"

# the first backup
run B backup create --to "$U" --ssh-key "$S/id" --known-hosts "$S/known_hosts" --medium nas --offsite --record 1
check "create over sftp: exit 0" [ "$rc" -eq 0 ]
check "create over sftp: says where" contains "$out" "written to $U"
check "a manifest on the server" [ "$(ls "$T/remote/repo/snapshots" | grep -c '\.bsm$')" -eq 1 ]
check "chunks on the server" [ "$(find "$T/remote/repo/chunks" -type f | wc -l)" -ge 3 ]
check "no temporary file left on the server" [ -z "$(find "$T/remote" -name '*.tmp-*')" ]
check "no lock left on the server" [ -z "$(ls "$T/remote/repo/locks")" ]
check "files on the server are 0600" [ "$(stat -c %a "$(find "$T/remote/repo/chunks" -type f | head -1)")" = 600 ]
check "the evidence text is not on the server" ! grep -rqa "199999" "$T/remote/repo"
run B backup targets
check "targets: the sftp target with its medium" contains "$out" "medium nas, off-site"

# the second: only what changed is uploaded (the key settings remembered)
before=$(find "$T/remote/repo/chunks" -type f | wc -l)
seq 200001 201000 >"$T/more.txt"
B evidence add SR.12 --file "$T/more.txt" >/dev/null 2>&1
run B backup create --to "$U"
check "second create (stored key and known_hosts): exit 0" [ "$rc" -eq 0 ]
new=$(printf '%s' "$out" | sed -n 's/.* \([0-9]*\) new .*/\1/p')
all=$(printf '%s' "$out" | sed -n 's/.*; \([0-9]*\) chunks, .*/\1/p')
after=$(find "$T/remote/repo/chunks" -type f | wc -l)
check "second create: fewer new chunks ($new) than chunks ($all)" [ "$new" -lt "$all" ]
check "second create: the server got exactly the new chunks ($before + $new = $after)" [ $((before + new)) -eq "$after" ]

run B backup verify "$U"
check "verify over sftp: exit 0" [ "$rc" -eq 0 ]
check "verify over sftp: intact" contains "$out" "backup intact"
run B backup snapshots "$U"
check "snapshots over sftp: two" [ "$(printf '%s\n' "$out" | grep -c '^20')" -eq 2 ]
run B backup targets
check "targets: the sftp URL" contains "$out" "$U"
run B backup show 1 --format json
check "register: the sftp copy counts (copies 2)" contains "$out" '"copies": 2'
run B status --id A3.7.11
check "status A3.7.11: the sftp copy counted, 3-2-1 not yet met" contains "$out" "2 copies (need 3)"

run B backup restore "$U" --to "$T/restored"
check "restore from sftp: exit 0" [ "$rc" -eq 0 ]
check "restore from sftp: log verified" contains "$out" "event log verify: intact"
check "restore from sftp: row counts match" contains "$out" "row counts against the backup: match"
check "restore from sftp: the evidence back" [ -n "$(grep -rl 201000 "$T/restored/evidence")" ]
run B due --all
check "due: the restore test recorded" contains "$out" "last restore test $(TZ=UTC-8 date +%Y-%m-%d)"

# a corrupted chunk on the server: verify over sftp finds it
cp -a "$T/remote/repo" "$T/pristine"
f=$(find "$T/remote/repo/chunks" -type f -size +100k | head -1)
printf 'X' | dd of="$f" bs=1 seek=60 conv=notrunc 2>/dev/null
run B backup verify "$U"
check "damaged chunk on the server: verify fails" [ "$rc" -eq 1 ]
check "damaged chunk on the server: names it" contains "$out" "does not authenticate"
rm -rf "$T/remote/repo" && cp -a "$T/pristine" "$T/remote/repo"

# sshd killed in the middle of a create
head -c 40000000 /dev/urandom >"$T/big.bin"
B evidence add SR.12 --file "$T/big.bin" >/dev/null 2>&1
n0=$(find "$T/remote/repo/chunks" -type f | wc -l)
B backup create --to "$U" >"$T/k.out" 2>"$T/k.err" &
cpid=$!
for _i in $(seq 1 200); do
	[ "$(find "$T/remote/repo/chunks" -type f | wc -l)" -ge $((n0 + 3)) ] && break
	sleep 0.05
done
stop_sshd
wait "$cpid"
rc=$?
out=$(cat "$T/k.out")
err=$(cat "$T/k.err")
check "sshd killed mid-create: the create fails" [ "$rc" -eq 1 ]
check "sshd killed mid-create: a clear message" contains "$err" "127.0.0.1:$port"
check "sshd killed mid-create: says the earlier backups are intact" contains "$err" "earlier backups are intact"
check "sshd killed mid-create: no third manifest" [ "$(ls "$T/remote/repo/snapshots" | grep -c '\.bsm$')" -eq 2 ]
check "sshd killed mid-create: it had uploaded chunks" [ "$(find "$T/remote/repo/chunks" -type f ! -name '*.tmp-*' | wc -l)" -gt "$n0" ]
start_sshd
run B backup verify "$U"
check "server back: the earlier snapshots verify" [ "$rc" -eq 0 ]
run B backup create --to "$U"
check "server back: the next create completes" [ "$rc" -eq 0 ]
check "server back: no temporary file left" [ -z "$(find "$T/remote" -name '*.tmp-*')" ]
check "server back: no stale lock left" [ -z "$(ls "$T/remote/repo/locks")" ]
run B backup verify "$U"
check "server back: all three verify" [ "$rc" -eq 0 ]
check "server back: three snapshots" contains "$out" "read back"
finish
