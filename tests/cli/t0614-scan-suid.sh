#!/bin/sh
# SUID/SGID programs compared with dpkg's records (issue 14, item 13): a program no package
# ships, one whose MD5 differs from its package's and the bit on a shell-giving program are
# findings; the distribution's own (md5sums or only a .list; /bin/su found at /usr/bin/su on
# a merged-/usr root), an unpackaged one on record in dpkg-statoverride with its very mode,
# SGID directories, files without the bit and places outside the program directories are
# not.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

scan() {
	run "$BROKERSEC" scan --root "$R" --format json
}
scan_fixture hardened
R="$T/hardened"
I="$R/var/lib/dpkg/info"
mkdir -p "$I" "$R/usr/bin" "$R/usr/local/bin" "$R/usr/lib/dbus-1.0" "$R/usr/local/share/team" "$R/home/alice"
ln -s usr/bin "$R/bin"
md5() { md5sum "$1" | cut -c1-32; }

# the distribution's own SUID programs, as packaged
printf 'passwd program\n' > "$R/usr/bin/passwd"
printf 'su program\n' > "$R/usr/bin/su"
printf 'helper\n' > "$R/usr/lib/dbus-1.0/dbus-daemon-launch-helper"
printf 'ping\n' > "$R/usr/bin/ping"
chmod 4755 "$R/usr/bin/passwd" "$R/usr/bin/su" "$R/usr/bin/ping"
chmod 4754 "$R/usr/lib/dbus-1.0/dbus-daemon-launch-helper"
printf '%s  usr/bin/passwd\n' "$(md5 "$R/usr/bin/passwd")" > "$I/passwd.md5sums"
printf '/.\n/usr\n/usr/bin\n/usr/bin/passwd\n' > "$I/passwd.list"
printf '%s  bin/su\n' "$(md5 "$R/usr/bin/su")" > "$I/util-linux.md5sums"
printf '/.\n/bin\n/bin/su\n' > "$I/util-linux.list"
printf '%s  usr/lib/dbus-1.0/dbus-daemon-launch-helper\n' "$(md5 "$R/usr/lib/dbus-1.0/dbus-daemon-launch-helper")" > "$I/dbus.md5sums"
printf '/usr/bin/ping\n' > "$I/iputils-ping.list"  # a package without md5sums
printf 'root messagebus 4754 /usr/lib/dbus-1.0/dbus-daemon-launch-helper\n' > "$R/var/lib/dpkg/statoverride"
# look-alikes: an SGID directory, an unpackaged program without the bit, a SUID file in a home
chmod 2775 "$R/usr/local/share/team"
printf 'tool\n' > "$R/usr/local/bin/tool" && chmod 0755 "$R/usr/local/bin/tool"
printf 'x\n' > "$R/home/alice/a.out" && chmod 4755 "$R/home/alice/a.out"
scan
check "the distribution's own SUID programs only: passes" [ "$(result linux.files.suid-from-packages)" = pass ]

# an unpackaged SUID program
printf 'rootshell\n' > "$R/usr/local/bin/rootme" && chmod 4755 "$R/usr/local/bin/rootme"
scan
check "SUID program no package ships: fails" [ "$(result linux.files.suid-from-packages)" = fail ]
ev=$(evidence linux.files.suid-from-packages)
check "unpackaged: named with its mode" contains "$ev" "/usr/local/bin/rootme SUID mode 4755, shipped by no package"
check "look-alike: /usr/bin/su (dpkg's /bin/su on merged /usr) not named" ! contains "$ev" "/usr/bin/su "
check "look-alike: ping from a package without md5sums not named" ! contains "$ev" "ping"
check "look-alike: SGID directory not named" ! contains "$ev" "team"
check "look-alike: a program without the bit not named" ! contains "$ev" "/usr/local/bin/tool"
check "only the one finding" [ "$(printf '%s\n' "$ev" | grep -c 'SUID\|SGID')" = 1 ]
# on record in dpkg-statoverride with its mode: an administrator's decision; another mode is not
printf 'root root 4755 /usr/local/bin/rootme\n' >> "$R/var/lib/dpkg/statoverride"
scan
check "unpackaged but in dpkg-statoverride with its mode: passes" [ "$(result linux.files.suid-from-packages)" = pass ]
sed -i 's|root root 4755 /usr/local/bin/rootme|root root 4750 /usr/local/bin/rootme|' "$R/var/lib/dpkg/statoverride"
scan
check "statoverride records 4750, the file is 4755: fails" [ "$(result linux.files.suid-from-packages)" = fail ]
rm "$R/usr/local/bin/rootme"

# a packaged SUID program replaced (its MD5 differs)
printf 'trojan\n' > "$R/usr/bin/passwd" && chmod 4755 "$R/usr/bin/passwd"
scan
check "replaced /usr/bin/passwd: fails" [ "$(result linux.files.suid-from-packages)" = fail ]
check "replaced: the package and both MD5s named" contains "$(evidence linux.files.suid-from-packages)" "differs from package passwd's $(cut -c1-32 "$I/passwd.md5sums")"
printf 'passwd program\n' > "$R/usr/bin/passwd" && chmod 4755 "$R/usr/bin/passwd"
# an SGID program replaced under the merged-/usr alias
printf 'other su\n' > "$R/usr/bin/su" && chmod 2755 "$R/usr/bin/su"
scan
check "replaced SGID /usr/bin/su (packaged as /bin/su): fails" contains "$(evidence linux.files.suid-from-packages)" "/usr/bin/su SGID mode 2755, MD5"
printf 'su program\n' > "$R/usr/bin/su" && chmod 4755 "$R/usr/bin/su"

# the bit added to a packaged shell-giving program (its MD5 is the package's)
printf 'find\n' > "$R/usr/bin/find" && chmod 4755 "$R/usr/bin/find"
printf '%s  usr/bin/find\n' "$(md5 "$R/usr/bin/find")" > "$I/findutils.md5sums"
scan
check "SUID find (packaged, MD5 intact): fails" contains "$(evidence linux.files.suid-from-packages)" "/usr/bin/find SUID mode 4755 on a program that hands a shell"
chmod 0755 "$R/usr/bin/find"
scan
check "find without the bit: passes" [ "$(result linux.files.suid-from-packages)" = pass ]

# no dpkg database: not applicable (no lists to compare with)
mv "$R/var/lib/dpkg/status" "$T/status"
scan
check "no dpkg database: not applicable" [ "$(result linux.files.suid-from-packages)" = not_applicable ]
mv "$T/status" "$R/var/lib/dpkg/status"
# an md5sums file that cannot be read: an error, never a pass
printf 'rootshell\n' > "$R/usr/local/bin/rootme" && chmod 4755 "$R/usr/local/bin/rootme"
ln -s loop.md5sums "$I/loop.md5sums"
scan
check "a looping md5sums link: an error" [ "$(result linux.files.suid-from-packages)" = error ]
finish
