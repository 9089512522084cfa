#!/bin/sh
# scan --root resolves every path inside the root, as chroot(2) would (issue 14, item 1):
# absolute links name the image's files (Debian's enablement links), `..` stops at the root,
# links to the scanning host's files (an absolute path, /proc/self/root, a ../../ escape)
# read the root's file or none, a masked unit (-> /dev/null) is not enabled; strace proves
# that no file outside the root is opened. Both ways of resolving are run: openat2
# (RESOLVE_IN_ROOT) and the user-space walk used where the kernel lacks it.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

command -v strace >/dev/null 2>&1 || { echo "not ok: strace is missing (scripts/deps.txt: apt-get install strace)"; exit 1; }

# Files that exist only on the scanning host, outside the root: a scan that read any of them
# would show their values (60 days, PermitRootLogin yes, a ransom note, host name HOSTSIDE).
H="$T/host"
mkdir -p "$H/srv" "$H/sshd.d" "$H/units"
printf 'PASS_MAX_DAYS 60\nPASS_MIN_DAYS 1\n' > "$H/login.defs"
printf 'PermitRootLogin yes\n' > "$H/sshd_config"
printf 'PermitRootLogin yes\n' > "$H/sshd.d/00-host.conf"
printf 'HOSTSIDE\n' > "$H/hostname"
printf 'pay us\n' > "$H/srv/README_FOR_DECRYPT.txt"
printf '[Unit]\n' > "$H/units/chrony.service"
cp "$TOP/tests/fixtures/hosts/hardened/etc/pam.d/common-auth" "$H/common-auth"

scan_fixture hardened
R="$T/hardened"
W="$R/etc/systemd/system/multi-user.target.wants"
# Debian's enablement links are absolute; the units are the image's own (the host has none)
mkdir -p "$R/lib/systemd/system"
printf '[Unit]\n' > "$R/lib/systemd/system/auditd.service"
printf '[Unit]\n' > "$R/lib/systemd/system/chrony.service"
rm -f "$W/auditd.service" "$W/chrony.service"
ln -s /lib/systemd/system/auditd.service "$W/auditd.service"
ln -s /lib/systemd/system/chrony.service "$W/chrony.service"
# links to the host: login.defs by absolute path, sshd_config by a ../ escape, common-auth
# through /proc/self/root, the host name, a directory of includes, a walk's start
rm -f "$R/etc/login.defs" "$R/etc/ssh/sshd_config" "$R/etc/pam.d/common-auth" "$R/etc/hostname"
ln -s "$H/login.defs" "$R/etc/login.defs"
ln -s "../../../../../../../../../../../..$H/sshd_config" "$R/etc/ssh/sshd_config"
ln -s "/proc/self/root$H/common-auth" "$R/etc/pam.d/common-auth"
ln -s "$H/hostname" "$R/etc/hostname"
rm -rf "$R/etc/ssh/sshd_config.d"
ln -s "$H/sshd.d" "$R/etc/ssh/sshd_config.d"
ln -s "$H/srv" "$R/srv"
mkdir -p "$R/home/alice"
ln -s / "$R/home/alice/hostroot"

for mode in openat2 walk; do
	if [ $mode = walk ]; then export BROKERSEC_SCAN_RESOLVE=walk; else unset BROKERSEC_SCAN_RESOLVE; fi
	run "$BROKERSEC" scan --root "$R" --format json
	check "$mode: the scan ran (exit 0 or 1)" [ "$rc" -le 1 ]
	check "$mode: host name not the host's /etc/hostname" ! contains "$out" "HOSTSIDE"
	check "$mode: login.defs -> host file: not read (not a pass)" [ "$(result linux.logindefs.pass-max-days)" != pass ]
	check "$mode: login.defs: the host's 60 days not seen" ! contains "$(evidence linux.logindefs.pass-max-days)" "60"
	check "$mode: sshd_config ../ escape: not the host's file (no PermitRootLogin yes)" \
		! contains "$(evidence linux.sshd.no-root-password)" "yes"
	check "$mode: sshd_config ../ escape: an error (nothing in the root), not 'not installed'" \
		[ "$(result linux.sshd.no-root-password)" = error ]
	check "$mode: common-auth -> /proc/self/root/...: not read" [ "$(result linux.pam.lockout-threshold)" != pass ]
	check "$mode: ransom: /srv -> host dir not walked" [ "$(result linux.ransom.no-notes)" = pass ]
	check "$mode: ransom: the host's note not seen" ! contains "$out" "README_FOR_DECRYPT"
	check "$mode: chrony enabled by Debian's absolute link (the image's unit)" \
		[ "$(result linux.time.service-enabled)" = pass ]
	check "$mode: auditd enabled by Debian's absolute link" [ "$(result linux.audit.auditd-enabled)" = pass ]
	cp "$T/.scan.cur" "$T/scan-$mode.json"
done
unset BROKERSEC_SCAN_RESOLVE
check "openat2 and the user-space walk give the same results" \
	python3 -c 'import json,sys
a,b=(json.load(open(f)) for f in sys.argv[1:3])
sys.exit(0 if [(r["id"],r["status"]) for r in a["results"]]==[(r["id"],r["status"]) for r in b["results"]] else 1)' \
	"$T/scan-openat2.json" "$T/scan-walk.json"

# The same links, now with the targets inside the root: the root's files are read.
mkdir -p "$R$H/sshd.d" "$R$H/srv"
printf 'PASS_MAX_DAYS 99999\nPASS_MIN_DAYS 1\n' > "$R$H/login.defs"
printf 'PermitRootLogin no\nPasswordAuthentication no\nMaxAuthTries 4\n' > "$R$H/sshd_config"
printf 'IMAGE-HOST\n' > "$R$H/hostname"
printf 'pay us\n' > "$R$H/srv/HOW_TO_DECRYPT.txt"
for mode in openat2 walk; do
	if [ $mode = walk ]; then export BROKERSEC_SCAN_RESOLVE=walk; else unset BROKERSEC_SCAN_RESOLVE; fi
	run "$BROKERSEC" scan --root "$R" --format json
	check "$mode: login.defs link read in the root: 99999 days fails" [ "$(result linux.logindefs.pass-max-days)" = fail ]
	check "$mode: login.defs: evidence shows the root's 99999 (never)" contains "$(evidence linux.logindefs.pass-max-days)" "never"
	check "$mode: sshd_config ../ clamped at the root: the root's copy (no) passes" \
		[ "$(result linux.sshd.no-root-password)" = pass ]
	check "$mode: host name from the root's file" contains "$out" '"host": "IMAGE-HOST"'
	check "$mode: ransom note under the root's target of /srv found" contains "$(evidence linux.ransom.no-notes)" "HOW_TO_DECRYPT.txt"
done
unset BROKERSEC_SCAN_RESOLVE

# Masked units: /etc/systemd/system/<unit> -> /dev/null, and a wants/ link that is a mask;
# a wants/ link to a unit only the host has enables nothing.
ln -s /dev/null "$R/etc/systemd/system/auditd.service"
rm "$W/chrony.service"
ln -s /dev/null "$W/chrony.service"
for mode in openat2 walk; do
	if [ $mode = walk ]; then export BROKERSEC_SCAN_RESOLVE=walk; else unset BROKERSEC_SCAN_RESOLVE; fi
	run "$BROKERSEC" scan --root "$R" --format json
	check "$mode: masked auditd is not enabled" [ "$(result linux.audit.auditd-enabled)" = fail ]
	check "$mode: a wants/ link to /dev/null is not enabled" [ "$(result linux.time.service-enabled)" = fail ]
done
rm "$W/chrony.service"
ln -s "$H/units/chrony.service" "$W/chrony.service"
for mode in openat2 walk; do
	if [ $mode = walk ]; then export BROKERSEC_SCAN_RESOLVE=walk; else unset BROKERSEC_SCAN_RESOLVE; fi
	run "$BROKERSEC" scan --root "$R" --format json
	check "$mode: a wants/ link to a unit file only the host has: not enabled" \
		[ "$(result linux.time.service-enabled)" = fail ]
done
unset BROKERSEC_SCAN_RESOLVE

# A link loop and a long chain: ELOOP, an error; never a hang.
rm "$R/etc/login.defs"
ln -s /etc/login.defs "$R/etc/login.defs"
run "$BROKERSEC" scan --root "$R" --only linux.logindefs. --format json
check "login.defs -> itself: an error" [ "$(result linux.logindefs.pass-max-days)" = error ]
check "login.defs -> itself: the reason says why (ELOOP)" contains "$(reason linux.logindefs.pass-max-days)" "無法讀取 '/etc/login.defs'：符號連結的層數過多"

# No file outside the root is ever opened: every path a file system call names or opens
# after the root is opened lies inside the root (strace -y prints the file behind each
# descriptor, and the one each open returned). The only others: the random source and the
# standard streams.
trace_check() {
	python3 - "$1" "$R" <<'EOF'
import re, sys
trace, root = sys.argv[1], sys.argv[2]
started, bad, n, calls = False, [], 0, set()
ok_other = ("/dev/urandom", "/dev/null", "/dev/pts/", "pipe:", "socket:", "anon_inode:", "/dev/tty")
def inside(p):
    return p == root or p.startswith(root + "/")
for line in open(trace):
    if not started:
        if ('"%s"' % root) in line and "O_PATH" in line and "O_DIRECTORY" in line and "= -1" not in line:
            started = True
        continue
    m = re.match(r"^\d+\s+(\w+)\(", line)
    if not m:
        continue
    calls.add(m.group(1))
    n += 1
    if m.group(1) == "readlinkat":      # the link's text read is not a path opened
        line = re.sub(r'^(.*?readlinkat\([^,]*, "[^"]*", )"[^"]*"(\.\.\.)?', r"\1TEXT", line)
    if "AT_FDCWD<" in line and not re.search(r'AT_FDCWD<[^>]*>, "/', line):
        bad.append(line.strip())        # a path relative to the working directory
        continue
    line = re.sub(r"AT_FDCWD<[^>]*>", "AT_FDCWD", line)
    paths = re.findall(r"<([^<>]*)>", line)                 # descriptors: their files
    paths += [p for p in re.findall(r'"(/[^"]*)"', line)]   # absolute paths named
    for p in paths:
        if not inside(p) and not p.startswith(ok_other):
            bad.append(line.strip())
            break
if not started or n < 50:
    print("trace: the root was not opened, or too few calls (%d)" % n); sys.exit(1)
if bad:
    print("files outside the root:"); print("\n".join(bad[:20])); sys.exit(1)
print(" ".join(sorted(calls)))
EOF
}
for mode in openat2 walk; do
	if [ $mode = walk ]; then export BROKERSEC_SCAN_RESOLVE=walk; else unset BROKERSEC_SCAN_RESOLVE; fi
	strace -f -y -qq -e trace=%file,openat2,getdents64 -o "$T/trace-$mode" \
		"$BROKERSEC" scan --root "$R" --format json >/dev/null 2>"$T/strace.err"
	run trace_check "$T/trace-$mode"
	check "$mode: strace: no file outside the root opened, stat'ed or listed" [ "$rc" -eq 0 ]
done
unset BROKERSEC_SCAN_RESOLVE
run trace_check "$T/trace-openat2"
check "openat2 mode: the opens are openat2 calls" contains "$out" "openat2"
run trace_check "$T/trace-walk"
check "walk mode: no openat2 call" ! contains "$out" "openat2"
# the check itself can fail: a trace with a host file opened after the root is refused
printf '1 openat(AT_FDCWD</>, "%s", O_RDONLY|O_CLOEXEC|O_PATH|O_DIRECTORY) = 3<%s>\n' "$R" "$R" > "$T/trace-bad"
i=0
while [ $i -lt 60 ]; do echo "1 newfstatat(3<$R>, \"etc\", {}, 0) = 0"; i=$((i + 1)); done >> "$T/trace-bad"
echo "1 openat(AT_FDCWD</>, \"$H/login.defs\", O_RDONLY) = 4<$H/login.defs>" >> "$T/trace-bad"
run trace_check "$T/trace-bad"
check "trace check: a host file opened is caught" [ "$rc" -ne 0 ]
finish
