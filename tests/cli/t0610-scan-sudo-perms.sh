#!/bin/sh
# sudo's policy is read with its includes (issue 14, item 6): @includedir/#includedir (files
# sudo skips, a name with '~' or '.', are skipped), @include/#include (relative to the
# including file), continued lines, tags that carry over; rules that are no NOPASSWD: ALL stay
# quiet. Then permissions (item 12): /etc/passwd and /etc/group, sshd_config, crontabs, home
# directories and the default umask, each planted weakness found and each harmless
# look-alike left alone.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

scan_fixture hardened
R="$T/hardened"
sudo_scan() {
	run "$BROKERSEC" scan --root "$R" --only linux.accounts.sudo-requires-password --format json
	st=$(result linux.accounts.sudo-requires-password)
	ev=$(evidence linux.accounts.sudo-requires-password)
}

# --- sudo ---
sudo_scan
check "sudo: the hardened sudoers passes" [ "$st" = pass ]

mkdir -p "$R/etc/sudoers.d"
printf 'cloud ALL=(ALL) NOPASSWD:ALL\n' > "$R/etc/sudoers.d/90-cloud-init-users"
sudo_scan
check "sudoers.d without an includedir line: sudo does not read it (pass)" [ "$st" = pass ]

printf '\n@includedir /etc/sudoers.d\n' >> "$R/etc/sudoers"
sudo_scan
check "@includedir: NOPASSWD:ALL in sudoers.d fails" [ "$st" = fail ]
check "@includedir: the finding names the file and line" contains "$ev" "/etc/sudoers.d/90-cloud-init-users:1 cloud"

# look-alikes sudo itself never reads or that grant no ALL without a password
printf 'ghost ALL=(ALL) NOPASSWD: ALL\n' > "$R/etc/sudoers.d/90-cloud-init-users~"
printf 'ghost ALL=(ALL) NOPASSWD: ALL\n' > "$R/etc/sudoers.d/ops.disabled"
printf 'ghost ALL=(ALL) NOPASSWD: ALL\n' > "$R/etc/sudoers.d/50-ops.bak"
cat > "$R/etc/sudoers.d/20-ops" <<'EOF'
# %ops ALL=(ALL) NOPASSWD: ALL
Defaults:backup !requiretty
Cmnd_Alias RESTART = /usr/bin/systemctl restart app
deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app, RESTART
alice ALL=(ALL:ALL) ALL
bob ALL=(ALL) NOPASSWD: /bin/ls, PASSWD: ALL
erin ALL=(ALL) NOPASSWD: /usr/bin/ALL-reports
EOF
rm "$R/etc/sudoers.d/90-cloud-init-users"
sudo_scan
check "look-alikes (skipped names, comments, specific commands, PASSWD: ALL): pass" [ "$st" = pass ]

# planted: old #includedir syntax, @include relative to the including file, a uid, a tag
# carried over to ALL, a rule continued over two lines, SETENV before NOPASSWD
sed -i 's|^@includedir /etc/sudoers.d$|#includedir /etc/sudoers.d|' "$R/etc/sudoers"
cat > "$R/etc/sudoers.d/30-team" <<'EOF'
@include ../sudoers.team
#1000 ALL=(ALL) NOPASSWD: ALL
carol ALL = (ALL) NOPASSWD: /usr/bin/apt, ALL
dave ALL=(ALL) \
	NOPASSWD: ALL
frank ALL=(ALL) SETENV: NOPASSWD: ALL # temporary
EOF
printf '%%ops ALL=(ALL) NOPASSWD: ALL\n' > "$R/etc/sudoers.team"
sudo_scan
check "planted: fails" [ "$st" = fail ]
check "#includedir (old syntax) is read" contains "$ev" "/etc/sudoers.d/30-team"
check "@include ../sudoers.team (relative to sudoers.d)" contains "$ev" "/etc/sudoers.team:1 %ops"
check "a uid user (#1000) is a user, not a comment" contains "$ev" "30-team:2 #1000"
check "NOPASSWD carries over to ALL" contains "$ev" "30-team:3 carol"
check "a continued line" contains "$ev" "30-team:4 dave"
check "SETENV: NOPASSWD: ALL" contains "$ev" "30-team:6 frank"
check "exactly the 5 planted rules" [ "$(printf '%s\n' "$ev" | grep -c 'NOPASSWD')" -eq 5 ]
check "look-alikes still quiet" ! contains "$ev" "ghost"

printf '@include /etc/sudoers\n' > "$R/etc/sudoers.d/30-team"
sudo_scan
check "an include loop: an error" [ "$st" = error ]
check "an include loop: the reason says so" contains "$(reason linux.accounts.sudo-requires-password)" "includes nest deeper"
rm -rf "$R/etc/sudoers" "$R/etc/sudoers.d" "$R/etc/sudoers.team"
sudo_scan
check "no /etc/sudoers: not applicable (sudo is not installed)" [ "$st" = not_applicable ]

# --- permissions ---
scan_fixture hardened
R="$T/hardened"
perms() {
	run "$BROKERSEC" scan --root "$R" --only linux.perms. --format json
}
perms
for c in account-files sshd-config crontabs home-dirs umask; do
	check "hardened: linux.perms.$c passes" [ "$(result linux.perms.$c)" = pass ]
done

# account files
chmod 0666 "$R/etc/passwd"
chmod 0664 "$R/etc/group"
perms
ev=$(evidence linux.perms.account-files)
check "passwd 0666: fails" [ "$(result linux.perms.account-files)" = fail ]
check "passwd 0666: writable by everyone" contains "$ev" "/etc/passwd mode 0666 owner root: writable by everyone"
check "group 0664: writable by its group" contains "$ev" "/etc/group mode 0664 owner root: writable by its group"
chmod 0644 "$R/etc/passwd" "$R/etc/group"
chown 1000 "$R/etc/group"
perms
check "group owned by alice: fails" contains "$(evidence linux.perms.account-files)" "/etc/group mode 0644 owner alice: not owned by root"
chown 0 "$R/etc/group"
printf 'root:*::\n' > "$R/etc/gshadow"
chmod 0640 "$R/etc/gshadow"
perms
check "gshadow 0640 (look-alike of shadow's mode): pass" [ "$(result linux.perms.account-files)" = pass ]
chmod 0644 "$R/etc/gshadow"
perms
check "gshadow 0644: fails" contains "$(evidence linux.perms.account-files)" "/etc/gshadow mode 0644"

# sshd_config
chmod 0666 "$R/etc/ssh/sshd_config"
chmod 0664 "$R/etc/ssh/sshd_config.d/10-hardening.conf"
perms
ev=$(evidence linux.perms.sshd-config)
check "sshd_config 0666: fails" [ "$(result linux.perms.sshd-config)" = fail ]
check "sshd_config 0666: named" contains "$ev" "/etc/ssh/sshd_config mode 0666"
check "sshd_config.d file 0664: named" contains "$ev" "/etc/ssh/sshd_config.d/10-hardening.conf mode 0664"
chmod 0600 "$R/etc/ssh/sshd_config" "$R/etc/ssh/sshd_config.d/10-hardening.conf"
perms
check "sshd_config 0600 (stricter than needed): pass" [ "$(result linux.perms.sshd-config)" = pass ]

# crontabs: root's files, users' crontabs (look-alikes first: Debian's own modes)
mkdir -p "$R/etc/cron.d" "$R/etc/cron.daily" "$R/var/spool/cron/crontabs"
printf 'SHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n' > "$R/etc/crontab"
printf '30 3 * * * root /usr/sbin/backup\n' > "$R/etc/cron.d/backup"
printf '#!/bin/sh\nexit 0\n' > "$R/etc/cron.daily/logrotate"
printf '0 3 * * * /home/alice/bin/sync\n' > "$R/var/spool/cron/crontabs/alice"
chmod 0644 "$R/etc/crontab" "$R/etc/cron.d/backup"
chmod 0755 "$R/etc/cron.daily/logrotate" "$R/etc/cron.d" "$R/etc/cron.daily"
chmod 1730 "$R/var/spool/cron/crontabs"
chown 1000 "$R/var/spool/cron/crontabs/alice"
chmod 0600 "$R/var/spool/cron/crontabs/alice"
perms
check "crontabs as Debian ships them (1730 spool, 0600 user crontab): pass" [ "$(result linux.perms.crontabs)" = pass ]
chmod 0646 "$R/etc/crontab"
chown 1000 "$R/etc/cron.d/backup"
chmod 0775 "$R/etc/cron.daily"
chmod 0644 "$R/var/spool/cron/crontabs/alice"
printf '* * * * * id\n' > "$R/var/spool/cron/crontabs/mallory"
chmod 0600 "$R/var/spool/cron/crontabs/mallory"
perms
ev=$(evidence linux.perms.crontabs)
check "crontabs: fails" [ "$(result linux.perms.crontabs)" = fail ]
check "/etc/crontab 0646" contains "$ev" "/etc/crontab mode 0646 owner root: writable by everyone"
check "/etc/cron.d file owned by alice" contains "$ev" "/etc/cron.d/backup mode 0644 owner alice: not owned by root"
check "/etc/cron.daily group-writable" contains "$ev" "/etc/cron.daily mode 0775 owner root: writable by its group"
check "a user's crontab readable by others" contains "$ev" "crontabs/alice mode 0644 owner alice: open to other users"
check "a crontab named after no user" contains "$ev" "crontabs/mallory mode 0600 owner root: not owned by the user"
check "crontabs: exactly 5 findings" [ "$(printf '%s\n' "$ev" | grep -c ' mode ')" -eq 5 ]

# home directories: accounts from UID_MIN up and root; system accounts' homes are theirs
printf 'bob:x:1001:1001:Bob:/home/bob:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >> "$R/etc/passwd"
mkdir -p "$R/home/bob" "$R/root"
chmod 0777 "$R/home/alice"
chown 0 "$R/home/bob"
chmod 0700 "$R/root"
chmod 0777 "$R/var/www"
perms
ev=$(evidence linux.perms.home-dirs)
check "homes: fails" [ "$(result linux.perms.home-dirs)" = fail ]
check "alice's home 0777" contains "$ev" "/home/alice mode 0777 owner alice: home of alice writable by everyone"
check "bob's home owned by root" contains "$ev" "/home/bob mode 0755 owner root: home of bob (uid 1001) owned by another account"
check "www-data's /var/www is no login's home (look-alike)" ! contains "$ev" "/var/www"
check "root's 0700 home: no finding" ! contains "$ev" "/root"
chmod 0775 "$R/home/alice"
chown 1001 "$R/home/bob"
perms
check "alice's home 0775: writable by its group" contains "$(evidence linux.perms.home-dirs)" "home of alice writable by its group"
chmod 0750 "$R/home/alice"
perms
check "homes fixed: pass" [ "$(result linux.perms.home-dirs)" = pass ]

# umask: every place a login's umask is set
mkdir -p "$R/etc/profile.d"
printf '# umask 022\nif [ "$(id -u)" -eq 0 ]; then\n  umask 022\nfi\n' > "$R/etc/profile"
printf 'umask 077\n' > "$R/etc/profile.d/secure.sh"
printf 'umask u=rwx,g=rx,o=\n' > "$R/etc/profile.d/symbolic.sh"
perms
ev=$(evidence linux.perms.umask)
check "umask 022 in /etc/profile: fails" [ "$(result linux.perms.umask)" = fail ]
check "umask 022 in /etc/profile: named with its line" contains "$ev" "/etc/profile:3 /etc/profile 0022"
check "a commented umask and 077 are no finding" [ "$(printf '%s\n' "$ev" | grep -c 0022)" -eq 1 ]
sed -i 's/umask 022/umask 027/' "$R/etc/profile"
printf 'session optional pam_umask.so umask=0002\n' >> "$R/etc/pam.d/login"
perms
check "pam_umask umask=0002: fails" contains "$(evidence linux.perms.umask)" "/etc/pam.d/login:"
sed -i '/pam_umask/d' "$R/etc/pam.d/login"
perms
check "umask 027 everywhere: pass" [ "$(result linux.perms.umask)" = pass ]
sed -i 's/^UMASK.*/UMASK 022/' "$R/etc/login.defs"
perms
check "login.defs UMASK 022: fails" contains "$(evidence linux.perms.umask)" "login.defs UMASK 0022"
sed -i '/^UMASK/d' "$R/etc/login.defs"
rm -f "$R/etc/profile" "$R/etc/profile.d/secure.sh"
perms
check "no umask set anywhere: the default 022 fails" contains "$(evidence linux.perms.umask)" "(default) 0022"

finish
