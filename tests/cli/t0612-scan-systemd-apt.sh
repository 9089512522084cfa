#!/bin/sh
# systemd, journald, nftables, timesyncd and apt read as the real programs read them (issue
# 14, items 7, 8, 9): units enabled by the distribution (/lib/systemd/system/*.wants) or
# under any target's .wants/.requires, masked units; journald drop-ins merged as systemd
# merges them (vendor and /etc directories, later names override, /etc hides a vendor file
# of the same name) with MaxRetentionSec in the six-month rule and MaxFileSec deleting
# nothing; an nftables ruleset whose service is not enabled is no firewall; timesyncd's
# FallbackNTP servers are a time source unless emptied; apt lists read plain, .gz, .xz and
# .lz4, each pending security update named with both versions in dpkg's order (epochs, '~').
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

scan() {
	run "$BROKERSEC" scan --root "$R" --format json
}
scan_fixture hardened
R="$T/hardened"
S="$R/etc/systemd/system"
L="$R/lib/systemd/system"
mkdir -p "$L"

# --- units enabled by the distribution, under any target, masked ---
rm "$S/multi-user.target.wants/chrony.service"
scan
check "chrony not enabled anywhere: service-enabled fails" [ "$(result linux.time.service-enabled)" = fail ]
printf '[Unit]\n' > "$L/chrony.service"
mkdir -p "$L/multi-user.target.wants"
ln -s ../chrony.service "$L/multi-user.target.wants/chrony.service"
scan
check "enabled by the package (/lib/systemd/system/multi-user.target.wants): passes" \
	[ "$(result linux.time.service-enabled)" = pass ]
ln -s /dev/null "$S/chrony.service"
scan
check "the same unit masked in /etc (-> /dev/null): fails" [ "$(result linux.time.service-enabled)" = fail ]
rm "$S/chrony.service" "$L/multi-user.target.wants/chrony.service"
mkdir -p "$S/multi-user.target.requires"
ln -s /lib/systemd/system/chrony.service "$S/multi-user.target.requires/chrony.service"
scan
check "required by a target (.requires/): passes" [ "$(result linux.time.service-enabled)" = pass ]
rm "$S/multi-user.target.requires/chrony.service"
mkdir -p "$S/timers.target.wants"
ln -s /dev/null "$S/timers.target.wants/chrony.service"
scan
check "look-alike: a wants/ link that is itself a mask enables nothing" [ "$(result linux.time.service-enabled)" = fail ]
rm "$S/timers.target.wants/chrony.service"
printf '[Unit]\n' > "$S/multi-user.target.wants/chrony.service"

# --- nftables: the ruleset loads only when nftables.service is enabled ---
scan
check "nftables.conf with nftables.service enabled: firewall passes" [ "$(result linux.net.firewall-configured)" = pass ]
check "nftables: the evidence says the service is enabled" contains "$(evidence linux.net.firewall-configured)" "nftables.service enabled"
rm "$S/sysinit.target.wants/nftables.service"
scan
check "nftables.conf but nftables.service not enabled: no firewall (fails)" [ "$(result linux.net.firewall-configured)" = fail ]
printf '[Unit]\n' > "$L/nftables.service"
ln -s /lib/systemd/system/nftables.service "$S/sysinit.target.wants/nftables.service"
ln -s /dev/null "$S/nftables.service"
scan
check "nftables.service enabled but masked: fails" [ "$(result linux.net.firewall-configured)" = fail ]
rm "$S/nftables.service"
scan
check "nftables.service enabled by Debian's absolute link: passes" [ "$(result linux.net.firewall-configured)" = pass ]

# --- journald: drop-ins and the six-month rule ---
scan_fixture hardened
rm -f "$R/etc/rsyslog.conf"
rm -rf "$R/etc/rsyslog.d"
scan
check "journal only, persistent, no MaxRetentionSec: retention passes" [ "$(result linux.logs.retention-6-months)" = pass ]
check "journal only: the evidence names journald" contains "$(evidence linux.logs.retention-6-months)" "journald yes (no MaxRetentionSec"
mkdir -p "$R/usr/lib/systemd/journald.conf.d" "$R/etc/systemd/journald.conf.d"
printf '[Journal]\nMaxRetentionSec=1month\n' > "$R/usr/lib/systemd/journald.conf.d/10-retention.conf"
scan
check "vendor drop-in MaxRetentionSec=1month: fails" [ "$(result linux.logs.retention-6-months)" = fail ]
check "vendor drop-in: file, line and the months in the evidence" \
	contains "$(evidence linux.logs.retention-6-months)" "/usr/lib/systemd/journald.conf.d/10-retention.conf:2 journald no (MaxRetentionSec=1month: 1 months)"
printf '[Journal]\nMaxRetentionSec = 6month\n' > "$R/etc/systemd/journald.conf.d/10-retention.conf"
scan
check "/etc drop-in of the same name hides the vendor one (6month): passes" [ "$(result linux.logs.retention-6-months)" = pass ]
printf '[Journal]\nMaxRetentionSec=180d\n' > "$R/etc/systemd/journald.conf.d/90-short.conf"
scan
check "a later drop-in (90-short.conf, 180d) overrides: fails" [ "$(result linux.logs.retention-6-months)" = fail ]
printf '[Journal]\nMaxRetentionSec=183d\n' > "$R/etc/systemd/journald.conf.d/90-short.conf"
scan
check "183 days: passes (the event log's own rule)" [ "$(result linux.logs.retention-6-months)" = pass ]
printf '[Journal]\n#MaxRetentionSec=1week\nMaxFileSec=1week\n' > "$R/etc/systemd/journald.conf.d/90-short.conf"
rm "$R/usr/lib/systemd/journald.conf.d/10-retention.conf" "$R/etc/systemd/journald.conf.d/10-retention.conf"
scan
check "look-alike: MaxFileSec=1week (rotation, deletes nothing), MaxRetentionSec commented: passes" \
	[ "$(result linux.logs.retention-6-months)" = pass ]
printf '[Journal]\nMaxRetentionSec=2 weeks\n' > "$R/etc/systemd/journald.conf.d/95-weeks.conf"
scan
check "MaxRetentionSec=2 weeks: fails with 14 days" contains "$(evidence linux.logs.retention-6-months)" "no (MaxRetentionSec=2 weeks: 14 days)"
printf '[Journal]\nMaxRetentionSec=forever\n' > "$R/etc/systemd/journald.conf.d/95-weeks.conf"
scan
check "MaxRetentionSec=forever (not a time span): fails, never a pass" [ "$(result linux.logs.retention-6-months)" = fail ]
rm "$R/etc/systemd/journald.conf.d/95-weeks.conf"
printf '[Journal]\nStorage=volatile\n' > "$R/etc/systemd/journald.conf.d/99-volatile.conf"
scan
check "Storage=volatile in a drop-in: journal-persistent fails" [ "$(result linux.logs.journal-persistent)" = fail ]
check "Storage=volatile and no rsyslog: retention fails" [ "$(result linux.logs.retention-6-months)" = fail ]

# --- timesyncd: the FallbackNTP servers ---
scan_fixture hardened
rm -f "$R/etc/chrony/chrony.conf" "$S/multi-user.target.wants/chrony.service"
rm -rf "$R/etc/chrony"
mkdir -p "$R/etc/systemd" "$S/sysinit.target.wants" "$L"
printf '[Time]\n#NTP=\n#FallbackNTP=0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org 3.debian.pool.ntp.org\n' \
	> "$R/etc/systemd/timesyncd.conf"
scan
check "timesyncd not enabled: no time source (fails)" [ "$(result linux.time.sources)" = fail ]
printf '[Unit]\n' > "$L/systemd-timesyncd.service"
ln -s /lib/systemd/system/systemd-timesyncd.service "$S/sysinit.target.wants/systemd-timesyncd.service"
scan
check "timesyncd enabled, no NTP=: Debian's compiled-in fallback servers are a source" [ "$(result linux.time.sources)" = pass ]
check "fallback: the debian pool is named" contains "$(evidence linux.time.sources)" "0.debian.pool.ntp.org timesyncd (FallbackNTP compiled in)"
mkdir -p "$R/etc/systemd/timesyncd.conf.d"
printf '[Time]\nFallbackNTP=\n' > "$R/etc/systemd/timesyncd.conf.d/50-nofallback.conf"
scan
check "FallbackNTP= emptied in a drop-in: no time source (fails)" [ "$(result linux.time.sources)" = fail ]
printf '[Time]\nNTP=ntp.example.com\n' > "$R/etc/systemd/timesyncd.conf.d/60-ntp.conf"
scan
check "NTP= in a drop-in: passes with the server named" contains "$(evidence linux.time.sources)" "60-ntp.conf:2 ntp.example.com"

# --- apt: compressed lists, named updates, dpkg's order ---
scan_fixture hardened
LISTS="$R/var/lib/apt/lists"
SEC="$LISTS/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages"
scan
check "hardened: the security list is current: passes" [ "$(result linux.pkg.security-updates)" = pass ]
cat > "$T/sec" <<'X'
Package: openssh-server
Version: 1:9.2p1-2+deb12u7
Architecture: amd64

Package: aide
Version: 0.18.3-1+deb12u2
Architecture: amd64

Package: clamav
Version: 1.0.7+dfsg-1~deb12u1~rc1
Architecture: amd64

Package: fail2ban
Version: 1.0.2-2~bpo11+1
Architecture: amd64

Package: rkhunter
Version: 1.4.6-11+deb12u1
Architecture: amd64

Package: auditd
Version: 3.1-1
Architecture: amd64
X
for z in lz4 gz xz; do
	rm -f "$LISTS"/*_Packages*
	case $z in
	lz4) lz4 -q -c "$T/sec" > "$SEC.lz4" ;;
	gz) gzip -c "$T/sec" > "$SEC.gz" ;;
	xz) xz -c "$T/sec" > "$SEC.xz" ;;
	esac
	scan
	ev=$(evidence linux.pkg.security-updates)
	check "$z list: pending updates found (fails)" [ "$(result linux.pkg.security-updates)" = fail ]
	check "$z list: the security list is counted (not '0 security lists': no 'add the suite')" \
		! contains "$ev" "/var/lib/apt/lists:None None 0"
	check "$z list: openssh-server named with both versions and the suite" \
		contains "$ev" "openssh-server installed 1:9.2p1-2+deb12u3, security update 1:9.2p1-2+deb12u7 (bookworm-security)"
	check "$z list: rkhunter 1.4.6-11 < 1.4.6-11+deb12u1" contains "$ev" "rkhunter installed 1.4.6-11"
	check "$z list: older revision (aide deb12u2 < installed deb12u3) not pending" ! contains "$ev" "aide"
	check "$z list: '~' sorts first (clamav ~rc1 is older) not pending" ! contains "$ev" "clamav"
	check "$z list: a backport (~bpo11) is older: not pending" ! contains "$ev" "fail2ban"
	check "$z list: the epoch wins (1:3.0.9 > 3.1): not pending" ! contains "$ev" "auditd"
done
# a plain copy beside the compressed list is one list; an -updates list is not the security suite
cp "$T/sec" "$SEC"
printf 'Package: aide\nVersion: 0.18.3-1+deb12u9\n' | lz4 -q -c > "$LISTS/deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages.lz4"
scan
check "-updates list with a newer aide: not a security update" ! contains "$(evidence linux.pkg.security-updates)" "aide"
check "plain + compressed copies of one list: named once" \
	[ "$(evidence linux.pkg.security-updates | grep -c 'openssh-server installed')" = 1 ]
rm -f "$LISTS"/*_Packages*
head -c 40 "$T/sec" | lz4 -q -c | head -c 30 > "$SEC.lz4"
scan
check "damaged lz4 list: an error, not a pass" [ "$(result linux.pkg.security-updates)" = error ]
check "damaged lz4 list: the reason names the file" contains "$(reason linux.pkg.security-updates)" "Packages.lz4"
finish
