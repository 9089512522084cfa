#!/bin/sh
# Log forwarding, auditd, failed-login logging, anti-malware, IDS/IPS and file integrity:
# each way of passing and failing that the parsers must get right (comments, includes,
# multi-line actions, units not enabled, tools without a baseline).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

# scan VARIANT: a JSON scan of $T/VARIANT into $out
scan() {
	run "$BROKERSEC" scan --root "$T/$1" --format json
}
wants="etc/systemd/system/multi-user.target.wants"

scan_fixture hardened
scan hardened
ev=$(evidence linux.logs.remote-forwarding)
check "forward: @@host from rsyslog.d, the commented @host ignored" contains "$ev" "60-forward.conf:3 loghost.example.com"
check "forward: commented line not taken" [ -z "$(printf '%s' "$ev" | grep old-loghost)" ]
ev=$(evidence linux.audit.rules)
check "audit: a watch rule with its line" contains "$ev" "50-identity.rules:4 /etc/passwd"
check "audit: a syscall rule by key" contains "$ev" "50-identity.rules:6 admin"
check "audit: never-rules are not counted" [ -z "$(printf '%s' "$ev" | grep adjtimex)" ]
ev=$(evidence linux.audit.failed-logins)
check "failed logins: auth.log from rsyslog.conf" contains "$ev" "/etc/rsyslog.conf:2 /var/log/auth.log"
check "failed logins: faillock.conf audit" contains "$ev" "/etc/security/faillock.conf:4 login audit"
ev=$(evidence linux.integrity.checker)
check "aide: the baseline database is the evidence" contains "$ev" "/var/lib/aide/aide.db"

# rsyslog: a multi-line omfwd action; syslog-ng network destination used by a log path;
# journal-upload; each passes alone.
scan_fixture hardened
mv "$T/hardened/etc/rsyslog.d/60-forward.conf" "$T/h1.conf"
cat > "$T/hardened/etc/rsyslog.d/61-relay.conf" <<'X'
*.* action(type="omfwd"   # the relay
           target="relay.example.com" port="6514"
           protocol="tcp")
X
scan hardened
check "omfwd over three lines: passes" [ "$(result linux.logs.remote-forwarding)" = pass ]
check "omfwd: the target" contains "$(evidence linux.logs.remote-forwarding)" "61-relay.conf:1 relay.example.com"
rm "$T/hardened/etc/rsyslog.d/61-relay.conf"
scan hardened
check "no forwarding left: fails" [ "$(result linux.logs.remote-forwarding)" = fail ]
mkdir -p "$T/hardened/etc/syslog-ng/conf.d"
cat > "$T/hardened/etc/syslog-ng/syslog-ng.conf" <<'X'
@version: 3.38
@include "scl.conf"
source s_src { system(); internal(); };
destination d_unused { network("unused.example.com" port(514)); };
@include "/etc/syslog-ng/conf.d/*.conf"
X
scan hardened
check "syslog-ng destination no log path uses: fails" [ "$(result linux.logs.remote-forwarding)" = fail ]
cat > "$T/hardened/etc/syslog-ng/conf.d/remote.conf" <<'X'
# log { source(s_src); destination(d_old); };
destination d_net {
	network("siem.example.com" transport("tcp") port(601));
};
log { source(s_src); destination(d_net); };
X
scan hardened
check "syslog-ng network destination in a log path: passes" [ "$(result linux.logs.remote-forwarding)" = pass ]
check "syslog-ng: file and line of the destination" \
	contains "$(evidence linux.logs.remote-forwarding)" "conf.d/remote.conf:2 siem.example.com"
rm -r "$T/hardened/etc/syslog-ng"
printf '[Upload]\nURL=https://logs.example.com:19532\n' > "$T/hardened/etc/systemd/journal-upload.conf"
scan hardened
check "journal-upload configured, not enabled: fails" [ "$(result linux.logs.remote-forwarding)" = fail ]
: > "$T/hardened/$wants/systemd-journal-upload.service"
scan hardened
check "journal-upload enabled with a URL: passes" [ "$(result linux.logs.remote-forwarding)" = pass ]
mkdir -p "$T/hardened/etc/systemd/journal-upload.conf.d"
printf '[Upload]\nURL = https://siem.example.com:19532\n' > "$T/hardened/etc/systemd/journal-upload.conf.d/50-siem.conf"
scan hardened
check "journal-upload: a drop-in wins, blanks around = allowed" \
	contains "$(evidence linux.logs.remote-forwarding)" "https://siem.example.com:19532"

# auditd installed but not enabled; a line auditctl cannot take
scan_fixture hardened
rm "$T/hardened/$wants/auditd.service"
printf -- '-w /etc/sudoers -p wa -k scope\nw /etc/group\n' > "$T/hardened/etc/audit/rules.d/60-bad.rules"
scan hardened
check "auditd not enabled: fails" [ "$(result linux.audit.auditd-enabled)" = fail ]
check "auditd not enabled: says so" contains "$(evidence linux.audit.auditd-enabled)" "not enabled at boot"
check "audit rule without a dash: fails" [ "$(result linux.audit.rules)" = fail ]
check "audit rule without a dash: file and line" contains "$(evidence linux.audit.rules)" "60-bad.rules:2"
# no rules.d files: audit.rules is what auditd loads
rm -r "$T/hardened/etc/audit/rules.d"
printf '# generated\n-w /etc/sudoers -p wa -k scope\n' > "$T/hardened/etc/audit/audit.rules"
scan hardened
check "audit.rules without rules.d: passes" [ "$(result linux.audit.rules)" = pass ]

# anti-malware: freshclam installed but its service is off; then from cron with a mirror
scan_fixture hardened
rm "$T/hardened/$wants/clamav-freshclam.service"
scan hardened
check "freshclam service off: signatures check fails" [ "$(result linux.malware.signatures-updated)" = fail ]
mkdir -p "$T/hardened/etc/clamav" "$T/hardened/etc/cron.d"
printf '# DatabaseMirror old.example.com\nDatabaseMirror database.clamav.net\n' > "$T/hardened/etc/clamav/freshclam.conf"
printf '# 0 * * * * clamav /usr/bin/freshclam --quiet\n' > "$T/hardened/etc/cron.d/freshclam"
scan hardened
check "freshclam only in a commented cron line: fails" [ "$(result linux.malware.signatures-updated)" = fail ]
printf '17 * * * * clamav /usr/bin/freshclam --quiet\n' > "$T/hardened/etc/cron.d/freshclam"
scan hardened
check "freshclam from cron with a mirror: passes" [ "$(result linux.malware.signatures-updated)" = pass ]
check "freshclam from cron: names the mirror" contains "$(evidence linux.malware.signatures-updated)" "database.clamav.net"

# IDS installed but not enabled; integrity checker without a baseline
scan_fixture hardened
rm "$T/hardened/$wants/fail2ban.service" "$T/hardened/var/lib/aide/aide.db"
scan hardened
check "fail2ban not enabled: IDS check fails" [ "$(result linux.monitor.ids)" = fail ]
check "aide without a database: fails" [ "$(result linux.integrity.checker)" = fail ]

# a host without dpkg: the package checks cannot decide
scan_fixture hardened
rm "$T/hardened/var/lib/dpkg/status"
scan hardened
for id in linux.malware.antivirus-installed linux.malware.signatures-updated linux.monitor.ids \
	linux.integrity.checker; do
	check "no dpkg: $id is not applicable" [ "$(result $id)" = not_applicable ]
done

# live: the running anti-malware daemon, from a process list given with --proc
mkdir -p "$T/proc/1" "$T/proc/812"
printf 'systemd\n' > "$T/proc/1/comm"
run "$BROKERSEC" scan --root "$T/hardened" --proc "$T/proc" --only linux.malware.antivirus-running --format json
check "no daemon running: fails" [ "$(result linux.malware.antivirus-running)" = fail ]
printf 'clamd\n' > "$T/proc/812/comm"
run "$BROKERSEC" scan --root "$T/hardened" --proc "$T/proc" --only linux.malware.antivirus-running --format json
check "clamd running: passes" [ "$(result linux.malware.antivirus-running)" = pass ]
check "clamd running: its pid" contains "$(evidence linux.malware.antivirus-running)" "pid 812"
finish
