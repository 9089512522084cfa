#!/bin/sh
# Clear-text services and anonymous FTP by configuration, and USB mass storage (issue 14,
# items 11, 15), each with harmless look-alikes: a config left by a removed server, a server
# whose unit is disabled, update-inetd's `#<off>#` lines, xinetd's `disable = yes` and the
# files xinetd skips, ProFTPD's commented sample <Anonymous> block, vsftpd's defaults,
# modprobe.d files modprobe does not read (.conf.bak, commented lines) and a vendor file
# hidden by /etc's file of the same name.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

scan() {
	run "$BROKERSEC" scan --root "$R" --format json
}
scan_fixture hardened
R="$T/hardened"
S="$R/etc/systemd/system"
L="$R/lib/systemd/system"
mkdir -p "$L" "$R/usr/sbin" "$S/multi-user.target.wants"

scan
check "hardened: no FTP, no clear-text service: passes" [ "$(result linux.net.no-cleartext-services)" = pass ]
check "hardened: no FTP server: the FTP checks are not applicable" [ "$(result linux.ftp.no-anonymous)" = not_applicable ]

# --- vsftpd ---
cat > "$R/etc/vsftpd.conf" <<'X'
listen=NO
listen_ipv6=YES
anonymous_enable=YES
local_enable=YES
write_enable=YES
anon_upload_enable=YES
X
scan
check "vsftpd.conf left by a removed vsftpd (no program): not applicable" [ "$(result linux.ftp.no-anonymous)" = not_applicable ]
check "vsftpd.conf without the program: no clear-text finding" [ "$(result linux.net.no-cleartext-services)" = pass ]
: > "$R/usr/sbin/vsftpd"
printf '[Unit]\n' > "$L/vsftpd.service"
scan
check "vsftpd installed, its unit disabled (it does not start): not applicable" [ "$(result linux.ftp.no-anonymous)" = not_applicable ]
ln -s /lib/systemd/system/vsftpd.service "$S/multi-user.target.wants/vsftpd.service"
scan
check "vsftpd enabled, anonymous_enable=YES: fails" [ "$(result linux.ftp.no-anonymous)" = fail ]
check "vsftpd: file and line" contains "$(evidence linux.ftp.no-anonymous)" "/etc/vsftpd.conf:3 vsftpd anonymous_enable=YES"
check "vsftpd anon_upload_enable with write_enable: anonymous write fails" [ "$(result linux.ftp.no-anonymous-write)" = fail ]
check "vsftpd anonymous write: the line" contains "$(evidence linux.ftp.no-anonymous-write)" "/etc/vsftpd.conf:6 vsftpd"
check "vsftpd local_enable without TLS: clear text fails" [ "$(result linux.net.no-cleartext-services)" = fail ]
cat > "$R/etc/vsftpd.conf" <<'X'
listen=NO
listen_ipv6=YES
local_enable=YES
write_enable=YES
#anon_upload_enable=YES
X
scan
check "vsftpd without anonymous_enable: anonymous (vsftpd's default YES) fails" [ "$(result linux.ftp.no-anonymous)" = fail ]
check "vsftpd default: the evidence says so" contains "$(evidence linux.ftp.no-anonymous)" "vsftpd's default is YES"
check "look-alike: anon_upload_enable commented: anonymous write passes" [ "$(result linux.ftp.no-anonymous-write)" = pass ]
cat > "$R/etc/vsftpd.conf" <<'X'
anonymous_enable=NO
# anonymous_enable=YES
local_enable=YES
write_enable=YES
anon_upload_enable=YES
ssl_enable=YES
X
scan
check "anonymous_enable=NO (a YES in a comment): passes" [ "$(result linux.ftp.no-anonymous)" = pass ]
check "look-alike: anon_upload_enable with anonymous off: anonymous write passes" [ "$(result linux.ftp.no-anonymous-write)" = pass ]
check "ssl_enable=YES (logins forced to TLS by default): no clear text" [ "$(result linux.net.no-cleartext-services)" = pass ]
printf 'force_local_logins_ssl=NO\n' >> "$R/etc/vsftpd.conf"
scan
check "ssl_enable=YES but force_local_logins_ssl=NO: clear text fails" [ "$(result linux.net.no-cleartext-services)" = fail ]
rm "$R/usr/sbin/vsftpd" "$R/etc/vsftpd.conf"

# --- ProFTPD ---
mkdir -p "$R/etc/proftpd/conf.d"
: > "$R/usr/sbin/proftpd"
cat > "$R/etc/proftpd/proftpd.conf" <<'X'
ServerName "Debian"
Include /etc/proftpd/modules.conf
#Include /etc/proftpd/tls.conf
# <Anonymous ~ftp>
#   User ftp
#   <Directory incoming>
#     <Limit STOR>
#       AllowAll
#     </Limit>
#   </Directory>
# </Anonymous>
Include /etc/proftpd/conf.d/
X
printf 'LoadModule mod_tls.c\n' > "$R/etc/proftpd/modules.conf"
cat > "$R/etc/proftpd/tls.conf" <<'X'
TLSEngine on
TLSRequired on
X
scan
check "look-alike: ProFTPD's commented sample <Anonymous> block: passes" [ "$(result linux.ftp.no-anonymous)" = pass ]
check "ProFTPD without TLS (tls.conf not included): clear text fails" [ "$(result linux.net.no-cleartext-services)" = fail ]
sed -i 's|^#Include /etc/proftpd/tls.conf|Include /etc/proftpd/tls.conf|' "$R/etc/proftpd/proftpd.conf"
scan
check "ProFTPD with TLSEngine on + TLSRequired on: no clear text" [ "$(result linux.net.no-cleartext-services)" = pass ]
cat > "$R/etc/proftpd/conf.d/anon.conf" <<'X'
<Anonymous ~ftp>
  User ftp
  <Limit WRITE>
    DenyAll
  </Limit>
</Anonymous>
X
printf '<Anonymous ~ftp>\n  <Limit WRITE>\n    AllowAll\n  </Limit>\n</Anonymous>\n' > "$R/etc/proftpd/conf.d/anon.conf~"
scan
check "ProFTPD <Anonymous> in conf.d: fails" [ "$(result linux.ftp.no-anonymous)" = fail ]
check "ProFTPD <Anonymous>: file and line" contains "$(evidence linux.ftp.no-anonymous)" "/etc/proftpd/conf.d/anon.conf:1 proftpd"
check "ProFTPD <Limit WRITE> DenyAll (the editor's anon.conf~ skipped): anonymous write passes" \
	[ "$(result linux.ftp.no-anonymous-write)" = pass ]
cat > "$R/etc/proftpd/conf.d/anon.conf" <<'X'
<Anonymous ~ftp>
  <Limit WRITE>
    DenyAll
  </Limit>
  <Directory incoming>
    <Limit STOR>
      AllowAll
    </Limit>
  </Directory>
</Anonymous>
X
scan
check "ProFTPD incoming/ with <Limit STOR> AllowAll: anonymous write fails" [ "$(result linux.ftp.no-anonymous-write)" = fail ]
rm -rf "$R/etc/proftpd" "$R/usr/sbin/proftpd"

# --- inetd ---
: > "$R/usr/sbin/inetd"
cat > "$R/etc/inetd.conf" <<'X'
#:STANDARD: These are standard services.
#<off># telnet	stream	tcp	nowait	root	/usr/sbin/tcpd	/usr/sbin/in.telnetd
#<off># shell	stream	tcp	nowait	root	/usr/sbin/tcpd	/usr/sbin/in.rshd
ident	stream	tcp	nowait	identd	/usr/sbin/identd	identd
X
scan
check "look-alike: update-inetd's #<off># lines and identd: passes" [ "$(result linux.net.no-cleartext-services)" = pass ]
printf 'telnet\tstream\ttcp\tnowait\troot\t/usr/sbin/tcpd\t/usr/sbin/in.telnetd\n' >> "$R/etc/inetd.conf"
printf 'login\tstream\ttcp\tnowait\troot\t/usr/sbin/tcpd\t/usr/sbin/in.rlogind\n' >> "$R/etc/inetd.conf"
scan
ev=$(evidence linux.net.no-cleartext-services)
check "inetd telnet and rlogin: fails" [ "$(result linux.net.no-cleartext-services)" = fail ]
check "inetd telnet: the line" contains "$ev" "/etc/inetd.conf:5 telnet inetd starts /usr/sbin/in.telnetd"
check "inetd rlogin: the line" contains "$ev" "/etc/inetd.conf:6 login"
rm "$R/usr/sbin/inetd"
scan
check "inetd.conf without inetd installed: passes" [ "$(result linux.net.no-cleartext-services)" = pass ]
rm "$R/etc/inetd.conf"

# --- xinetd ---
: > "$R/usr/sbin/xinetd"
mkdir -p "$R/etc/xinetd.d"
printf 'defaults\n{\n}\nincludedir /etc/xinetd.d\n' > "$R/etc/xinetd.conf"
cat > "$R/etc/xinetd.d/tftp" <<'X'
service tftp
{
	socket_type = dgram
	server      = /usr/sbin/in.tftpd
	disable     = yes
}
X
printf 'service telnet\n{\n\tserver = /usr/sbin/in.telnetd\n\tdisable = no\n}\n' > "$R/etc/xinetd.d/telnet.rpmsave"
scan
check "look-alike: xinetd tftp disable = yes, telnet.rpmsave skipped: passes" [ "$(result linux.net.no-cleartext-services)" = pass ]
printf 'service shell\n{\n\tserver = /usr/sbin/in.rshd\n\tsocket_type = stream\n}\n' > "$R/etc/xinetd.d/rsh"
scan
check "xinetd rsh with no disable line (on by default): fails" [ "$(result linux.net.no-cleartext-services)" = fail ]
check "xinetd rsh: the file" contains "$(evidence linux.net.no-cleartext-services)" "/etc/xinetd.d/rsh:1 shell xinetd starts /usr/sbin/in.rshd"
rm -rf "$R/etc/xinetd.d" "$R/etc/xinetd.conf" "$R/usr/sbin/xinetd"

# --- systemd units of clear-text servers ---
printf '[Unit]\n' > "$L/tftpd-hpa.service"
scan
check "tftpd-hpa installed, not enabled: passes" [ "$(result linux.net.no-cleartext-services)" = pass ]
ln -s /lib/systemd/system/tftpd-hpa.service "$S/multi-user.target.wants/tftpd-hpa.service"
scan
check "tftpd-hpa.service enabled: fails" contains "$(evidence linux.net.no-cleartext-services)" "tftpd-hpa.service enabled"
rm "$S/multi-user.target.wants/tftpd-hpa.service"

# --- USB mass storage ---
scan
check "no kernel modules in the root (a container image): USB check not applicable" \
	[ "$(result linux.usb.storage-blocked)" = not_applicable ]
K="$R/lib/modules/6.1.0-28-amd64"
mkdir -p "$K/kernel/drivers/usb/storage" "$R/etc/modprobe.d" "$R/lib/modprobe.d"
: > "$K/kernel/drivers/usb/storage/usb-storage.ko.xz"
scan
check "a kernel with usb-storage, nothing in modprobe.d: fails" [ "$(result linux.usb.storage-blocked)" = fail ]
printf '# blacklist usb-storage\n' > "$R/etc/modprobe.d/usb.conf"
printf 'install usb-storage /bin/false\n' > "$R/etc/modprobe.d/usb.conf.bak"
printf 'install usb-storage /sbin/modprobe --ignore-install usb-storage\n' > "$R/etc/modprobe.d/loader.conf"
scan
check "look-alikes: commented blacklist, a .conf.bak, an install that loads it: fails" [ "$(result linux.usb.storage-blocked)" = fail ]
printf 'blacklist usb_storage\n' > "$R/lib/modprobe.d/usb.conf"
scan
check "a vendor file hidden by /etc's usb.conf of the same name: still fails" [ "$(result linux.usb.storage-blocked)" = fail ]
printf 'blacklist usb_storage\n' > "$R/lib/modprobe.d/50-usb.conf"
scan
check "blacklist usb_storage (underscore) in /lib/modprobe.d: passes" [ "$(result linux.usb.storage-blocked)" = pass ]
check "blacklist: file and line" contains "$(evidence linux.usb.storage-blocked)" "/lib/modprobe.d/50-usb.conf:1 usb-storage blocked (blacklist usb-storage"
rm "$R/lib/modprobe.d/50-usb.conf"
printf '# CIS 1.1.10\ninstall usb-storage /bin/false\n' > "$R/etc/modprobe.d/usb.conf"
scan
check "install usb-storage /bin/false: passes" [ "$(result linux.usb.storage-blocked)" = pass ]
check "install: file and line" contains "$(evidence linux.usb.storage-blocked)" "/etc/modprobe.d/usb.conf:2 usb-storage blocked (install usb-storage /bin/false)"
rm "$K/kernel/drivers/usb/storage/usb-storage.ko.xz"
printf 'kernel/drivers/usb/storage/usb-storage.ko\n' > "$K/modules.builtin"
scan
check "usb-storage built into the kernel: modprobe.d cannot block it (fails)" [ "$(result linux.usb.storage-blocked)" = fail ]
check "built in: the evidence says so" contains "$(evidence linux.usb.storage-blocked)" "built into the kernel"
rm "$R/etc/modprobe.d/usb.conf" "$R/lib/modprobe.d/usb.conf"
: > "$K/modules.builtin"
scan
check "a kernel without usb-storage at all: passes" [ "$(result linux.usb.storage-blocked)" = pass ]
finish
