#!/bin/sh
# A hardened host passes every file-based check; live-only checks are not applicable.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

scan_fixture hardened
run "$BROKERSEC" scan --root "$T/hardened" --format json
check "hardened: exit 0" [ "$rc" -eq 0 ]
for id in linux.accounts.single-superuser linux.accounts.no-shared-ids linux.accounts.no-empty-password \
	linux.accounts.strong-hash linux.accounts.max-password-age linux.accounts.min-password-age \
	linux.accounts.expired-disabled linux.accounts.idle-disabled linux.logindefs.pass-max-days \
	linux.accounts.sudo-requires-password \
	linux.logindefs.pass-min-days linux.files.shadow-protected linux.pam.lockout-threshold \
	linux.pam.lockout-duration linux.pam.password-length linux.pam.password-classes linux.pam.password-history \
	linux.pam.no-nullok linux.sshd.no-root-password linux.sshd.no-empty-passwords linux.sshd.max-auth-tries \
	linux.sshd.strong-crypto linux.files.no-cleartext-credentials linux.files.private-keys-protected \
	linux.web.no-world-writable linux.web.not-server-owned linux.ransom.no-notes \
	linux.ransom.no-encrypted-extensions linux.logs.retention-6-months linux.logs.journal-persistent \
	linux.logs.utc-timestamps linux.logs.access-restricted linux.time.sources linux.time.service-enabled \
	linux.net.firewall-configured linux.pkg.security-updates linux.pkg.automatic-updates \
	linux.pkg.no-insecure-services linux.logs.remote-forwarding linux.audit.auditd-enabled linux.audit.rules \
	linux.audit.failed-logins linux.malware.antivirus-installed linux.malware.signatures-updated \
	linux.malware.rootkit-scanner linux.monitor.ids linux.integrity.checker; do
	check "hardened: $id passes" [ "$(result $id)" = pass ]
done
for id in linux.time.synchronized linux.net.no-risky-ports linux.malware.antivirus-running; do
	check "hardened: $id (live) is not applicable under --root" [ "$(result $id)" = not_applicable ]
done
check "hardened: host name from etc/hostname" contains "$out" '"host": "hardened"'
ev=$(evidence linux.pam.lockout-threshold)
check "faillock deny comes from faillock.conf line 2" contains "$ev" "/etc/security/faillock.conf:2"
ev=$(evidence linux.logs.retention-6-months)
check "retention: 27 weekly rotations = 189 days, at least 183 (six months)" contains "$ev" \
	"/var/log/auth.log yes (189 days)"
ev=$(evidence linux.logindefs.pass-max-days)
check "login.defs: the last PASS_MAX_DAYS wins" contains "$ev" "/etc/login.defs:4 None 90"

# table output fits 80 columns and is zh-TW first
run "$BROKERSEC" scan --root "$T/hardened"
check "table: exit 0" [ "$rc" -eq 0 ]
check "table: zh-TW heading" contains "$out" "嚴重度"
wide=$(printf '%s\n' "$out" | python3 -c 'import sys,unicodedata
w=lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(max(w(l.rstrip("\n")) for l in sys.stdin))')
check "table: at most 80 columns (got $wide)" [ "$wide" -le 80 ]
run "$BROKERSEC" --lang en scan --root "$T/hardened"
check "table: English with --lang en" contains "$out" "severity"
finish
