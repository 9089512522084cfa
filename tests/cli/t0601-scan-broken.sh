#!/bin/sh
# Hosts broken in known ways: every broken check fails with evidence naming file and line;
# malformed files give errors with a reason, never a crash or a pass.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

scan_fixture weak-auth
run "$BROKERSEC" scan --root "$T/weak-auth" --format json
check "weak-auth: exit 1" [ "$rc" -eq 1 ]
for id in linux.accounts.single-superuser linux.accounts.no-shared-ids linux.accounts.no-empty-password \
	linux.accounts.strong-hash linux.accounts.max-password-age linux.accounts.min-password-age \
	linux.accounts.expired-disabled linux.logindefs.pass-max-days linux.logindefs.pass-min-days \
	linux.accounts.sudo-requires-password \
	linux.pam.lockout-threshold linux.pam.lockout-duration linux.pam.password-length \
	linux.pam.password-classes linux.pam.password-history linux.pam.no-nullok linux.sshd.no-root-password \
	linux.sshd.no-empty-passwords linux.sshd.max-auth-tries linux.sshd.strong-crypto linux.audit.failed-logins; do
	check "weak-auth: $id fails" [ "$(result $id)" = fail ]
done
ev=$(evidence linux.accounts.single-superuser)
check "uid 0: toor at passwd line 2" contains "$ev" "/etc/passwd:2 toor"
ev=$(evidence linux.accounts.strong-hash)
check "hash: root uses md5 (the hash itself is never shown)" contains "$ev" "/etc/shadow:1 root md5"
check "hash: no hash text in the output" [ -z "$(printf '%s' "$out" | grep 'md5hashfortests')" ]
ev=$(evidence linux.pam.lockout-threshold)
check "faillock only optional does not count" contains "$ev" "only optional"
ev=$(evidence linux.pam.password-length)
check "pwquality: module argument minlen=6 beats pwquality.conf" contains "$ev" "/etc/pam.d/common-password:1 passwd 6"
ev=$(evidence linux.pam.password-classes)
check "pwquality: minclass 1 with one negative credit = 1" contains "$ev" "passwd 1"
ev=$(evidence linux.pam.password-history)
check "history: pam_unix remember=2" contains "$ev" "common-password:2 passwd 2"
ev=$(evidence linux.sshd.no-root-password)
check "sshd: Match block override is judged" contains "$ev" "Match Address 10.0.0.0/8 yes"
ev=$(evidence linux.sshd.no-empty-passwords)
check "sshd: first value wins (Include before the main file)" contains "$ev" "10-hardening.conf:1 None yes"

scan_fixture exposed
chmod 0644 "$T/exposed/etc/ssl/private/server.key" "$T/exposed/var/log/syslog"
chmod 0666 "$T/exposed/var/www/html/index.html"
rm "$T/exposed/etc/nftables.conf"
run "$BROKERSEC" scan --root "$T/exposed" --format json
check "exposed: exit 1" [ "$rc" -eq 1 ]
for id in linux.files.no-cleartext-credentials linux.files.private-keys-protected linux.web.no-world-writable \
	linux.ransom.no-notes linux.ransom.no-encrypted-extensions linux.logs.retention-6-months \
	linux.logs.journal-persistent linux.logs.utc-timestamps linux.logs.access-restricted linux.time.sources \
	linux.net.firewall-configured linux.pkg.security-updates linux.pkg.no-insecure-services \
	linux.logs.remote-forwarding linux.audit.auditd-enabled linux.audit.rules linux.malware.antivirus-installed \
	linux.malware.signatures-updated linux.malware.rootkit-scanner linux.monitor.ids linux.integrity.checker; do
	check "exposed: $id fails" [ "$(result $id)" = fail ]
done
ev=$(evidence linux.files.no-cleartext-credentials)
for where in "/etc/app/db.conf:2" "/home/alice/.netrc:1" "/home/alice/.pgpass:1" "/var/www/html/config.php:2"; do
	check "credentials: $where reported" contains "$ev" "$where"
done
check "credentials: the secret is never printed" [ -z "$(printf '%s' "$out" | grep -e S3cret -e hunter2)" ]
ev=$(evidence linux.logs.retention-6-months)
check "retention: maxage 30 caps 52 weeks" contains "$ev" "/var/log/auth.log no (30 days)"
ev=$(evidence linux.ransom.no-encrypted-extensions)
check "ransom: .CCC matched regardless of case" contains "$ev" "budget.xlsx.CCC"
ev=$(evidence linux.pkg.security-updates)
check "updates: openssh-server deb12u2 < deb12u3" contains "$ev" "installed 1:9.2p1-2+deb12u2, security update 1:9.2p1-2+deb12u3"

scan_fixture malformed
run "$BROKERSEC" scan --root "$T/malformed" --format json
check "malformed: exit 1, no crash" [ "$rc" -eq 1 ]
for id in linux.accounts.single-superuser linux.pam.lockout-threshold linux.sshd.no-root-password \
	linux.logs.retention-6-months linux.pkg.security-updates; do
	check "malformed: $id is an error" [ "$(result $id)" = error ]
done
ev=$(evidence linux.accounts.single-superuser)
check "malformed passwd: reason names file and line" contains "$ev" "/etc/passwd:2: malformed entry"
ev=$(evidence linux.pam.lockout-threshold)
check "malformed PAM: reason names file and line" contains "$ev" "/etc/pam.d/common-auth:1: malformed PAM line"
ev=$(evidence linux.sshd.no-root-password)
check "sshd include loop: an error, not a hang" contains "$ev" "Include nests deeper"
ev=$(evidence linux.logs.retention-6-months)
check "logrotate: rotate without a number" contains "$ev" "/etc/logrotate.d/rsyslog:2"

# Binary junk where text is expected never crashes.
head -c 4096 /dev/urandom > "$T/malformed/etc/login.defs"
head -c 4096 /dev/urandom > "$T/malformed/etc/ssh/sshd_config"
head -c 4096 /dev/urandom > "$T/malformed/etc/shadow"
run "$BROKERSEC" scan --root "$T/malformed" --format json
check "random bytes: the scan still completes (exit 1)" [ "$rc" -eq 1 ]

# Could not run: exit 2 with a message naming the input.
run "$BROKERSEC" scan --root "$T/no-such-dir"
check "missing root: exit 2" [ "$rc" -eq 2 ]
check "missing root: message names it" contains "$err" "no-such-dir"
finish
