#!/bin/sh
# scan --root on roots that are not what they seem (issue 14, items 2-4): a root without an
# operating system is refused (exit 2, nothing saved); garbage where a configuration file
# should be is an error naming the file, never "the defaults"; a link loop on sshd_config is
# "cannot read", not "sshd is not installed"; a tree walk cut by its limit says so and its
# checks cannot pass.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"
D="$T/data"
"$BROKERSEC" init --data "$D" --org "測試保險經紀人" --internal-control yes >/dev/null 2>&1
saved() { sqlite3 "$D/brokersec.db" "SELECT count(*) FROM scan" 2>/dev/null || echo x; }
events() { sqlite3 "$D/events.db" "SELECT count(*) FROM events WHERE type='scan.save'" 2>/dev/null || echo x; }

# --- 2. no operating system: refused, nothing saved ---
mkdir -p "$T/empty" "$T/etconly/etc/ssh" "$T/etconly/var/log"
for r in empty etconly; do
	run "$BROKERSEC" scan --root "$T/$r" --save --system SYS-1 --data "$D"
	check "$r root: exit 2" [ "$rc" -eq 2 ]
	check "$r root: the message says why and what to do (zh-TW)" \
		contains "$err" "無法掃描根目錄 '$T/$r'：其中沒有作業系統"
	check "$r root: nothing saved" [ "$(saved)" = 0 ]
	check "$r root: no scan.save event" [ "$(events)" = 0 ]
done
run "$BROKERSEC" --lang en scan --root "$T/empty"
check "empty root: the message in English" contains "$err" "cannot scan root '$T/empty': it holds no operating system"
check "empty root: no results printed" [ -z "$out" ]
# one mark of a system is enough (an image may lack passwd, or a package database)
mkdir -p "$T/osrel/etc"
printf 'ID=debian\nVERSION_ID=12\n' > "$T/osrel/etc/os-release"
run "$BROKERSEC" scan --root "$T/osrel" --format json
check "root with only os-release: scanned (exit 1: checks cannot pass)" [ "$rc" -eq 1 ]
# only the checks that look for something bad that is not there can pass (no files: no
# credentials, keys or ransom notes; no sudoers: sudo is not applicable); none that needs a
# setting, nor the permissions (no /etc/passwd to name owners by)
printf '%s' "$out" > "$T/osrel.json"
run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(r["id"] for r in d["results"] if r["status"]=="pass"))' "$T/osrel.json"
check "root with only os-release: only absence checks pass (passing: $out)" [ "$out" = "linux.files.no-cleartext-credentials linux.files.private-keys-protected linux.ransom.no-notes \
linux.ransom.no-encrypted-extensions linux.net.no-cleartext-services" ]

# --- 3. garbage instead of configuration files ---
scan_fixture hardened
R="$T/hardened"
verdict() { # FILE CONTENT-MAKER CHECK WHAT
	cp "$R/$1" "$T/saved.conf"
	eval "$2" > "$R/$1"
	run "$BROKERSEC" scan --root "$R" --only "$3" --format json
	check "$1 $4: $3 is an error" [ "$(result "$3")" = error ]
	check "$1 $4: the reason names the file" contains "$(reason "$3")" "'/$1' 不是文字檔"
	cp "$T/saved.conf" "$R/$1"
}
verdict etc/login.defs "printf 'PASS_MAX_DAYS 90\\000\\001\\002\\n'" linux.logindefs.pass-max-days "NUL"
verdict etc/login.defs "head -c 3000 /dev/urandom | tr -d '\\000\\n'" linux.logindefs.pass-min-days "random bytes"
verdict etc/ssh/sshd_config "printf 'PermitRootLogin no\\n\\377\\376 junk\\n'" linux.sshd.no-root-password "invalid UTF-8"
verdict etc/ssh/sshd_config "printf 'PermitRootLogin no\\n# %040000d\\n' 0" linux.sshd.max-auth-tries "a 40000-byte line"
verdict etc/chrony/chrony.conf "printf 'pool 2.debian.pool.ntp.org\\n\\300\\200\\n'" linux.time.sources "overlong UTF-8"
verdict etc/nftables.conf "printf 'table inet filter {\\000}\\n'" linux.net.firewall-configured "NUL"
run "$BROKERSEC" scan --root "$R" --format json
check "restored: login.defs passes again (the checks above can pass)" [ "$(result linux.logindefs.pass-max-days)" = pass ]
check "restored: sshd passes again" [ "$(result linux.sshd.no-root-password)" = pass ]
check "restored: time sources pass again" [ "$(result linux.time.sources)" = pass ]
# text that is merely unusual is read: UTF-8 comments, CRLF, long-but-sane lines
printf '# 密碼效期 — 90 天\r\nPASS_MAX_DAYS 90\r\nPASS_MIN_DAYS 1\r\n# %01000d\n' 0 > "$R/etc/login.defs"
run "$BROKERSEC" scan --root "$R" --only linux.logindefs. --format json
check "UTF-8 comments and CRLF lines are text: login.defs passes" [ "$(result linux.logindefs.pass-max-days)" = pass ]

# a symlink loop on sshd_config: cannot read (ELOOP), not "sshd is not installed"
mv "$R/etc/ssh/sshd_config" "$R/etc/ssh/sshd_config.orig"
ln -s sshd_config.b "$R/etc/ssh/sshd_config"
ln -s sshd_config "$R/etc/ssh/sshd_config.b"
run "$BROKERSEC" scan --root "$R" --format json
check "sshd_config loop: an error" [ "$(result linux.sshd.no-root-password)" = error ]
check "sshd_config loop: cannot read (ELOOP)" \
	contains "$(reason linux.sshd.no-root-password)" "無法讀取 '/etc/ssh/sshd_config'：符號連結的層數過多"
check "sshd_config loop: not 'sshd is not installed' (not applicable)" ! contains "$out" "未安裝 sshd"
run "$BROKERSEC" --lang en scan --root "$R" --only linux.sshd.no-root --format json
check "sshd_config loop (en): Too many levels of symbolic links" \
	contains "$(reason linux.sshd.no-root-password)" "cannot read '/etc/ssh/sshd_config': Too many levels of symbolic links"
rm "$R/etc/ssh/sshd_config" "$R/etc/ssh/sshd_config.b"
run "$BROKERSEC" scan --root "$R" --only linux.sshd.no-root --format json
check "no sshd_config at all: not applicable (sshd not installed)" [ "$(result linux.sshd.no-root-password)" = not_applicable ]
mv "$R/etc/ssh/sshd_config.orig" "$R/etc/ssh/sshd_config"

# --- 4. a walk cut by its limit says so; its checks do not pass ---
mkdir -p "$R/home/carol/a" "$R/home/carol/z"
i=0
while [ $i -lt 120 ]; do : > "$R/home/carol/a/f$i.txt"; i=$((i + 1)); done
printf 'pay\n' > "$R/home/carol/z/HOW_TO_DECRYPT.txt"
run "$BROKERSEC" scan --root "$R" --only linux.ransom. --format json
check "no limit hit: the note is found (fail)" [ "$(result linux.ransom.no-notes)" = fail ]
run "$BROKERSEC" scan --root "$R" --only linux.ransom.no-enc --format json
check "no limit hit: no encrypted extensions (pass)" [ "$(result linux.ransom.no-encrypted-extensions)" = pass ]
export BROKERSEC_SCAN_WALK_LIMIT=50
run "$BROKERSEC" scan --root "$R" --only linux.ransom. --format json
check "limit 50: no-encrypted-extensions is not a pass" [ "$(result linux.ransom.no-encrypted-extensions)" = error ]
check "limit 50: the reason says the walk was incomplete" \
	contains "$(reason linux.ransom.no-encrypted-extensions)" "未完成：已檢視 50 個項目，'/home' 之下尚有更多"
check "limit 50: no-notes is not a pass either" [ "$(result linux.ransom.no-notes)" != pass ]
run "$BROKERSEC" --lang en scan --root "$R" --only linux.ransom.no-enc --format json
check "limit 50 (en): incomplete: walked 50 of more entries" \
	contains "$(reason linux.ransom.no-encrypted-extensions)" "incomplete: walked 50 of more entries under '/home'"
run "$BROKERSEC" scan --root "$R" --only linux.files.no-cleartext --format json
check "limit 50: the credentials walk (/etc) is cut too: not a pass" \
	[ "$(result linux.files.no-cleartext-credentials)" = error ]
# the variable is for tests only: without BROKERSEC_TESTING=1 the limit stays 500000
run env BROKERSEC_TESTING=0 "$BROKERSEC" scan --root "$R" --only linux.ransom.no-enc --format json
check "BROKERSEC_TESTING unset: the test limit is ignored (pass)" [ "$(result linux.ransom.no-encrypted-extensions)" = pass ]
unset BROKERSEC_SCAN_WALK_LIMIT

# a directory the walk cannot list: the files in it were not checked, so no pass
rm -rf "$R/home/carol"
mkdir -p "$R/home/dave/private"
printf 'pay\n' > "$R/home/dave/private/notes.txt"
chmod 0 "$R/home/dave/private"
as_user() { "$@"; }
if [ "$(id -u)" = 0 ]; then
	# root lists everything: run this scan as nobody (the test's directory opened to it)
	chmod o+x "$T"
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
fi
run as_user "$BROKERSEC" --lang en scan --root "$R" --only linux.ransom.no-enc --format json
check "unlistable directory: not a pass" [ "$(result linux.ransom.no-encrypted-extensions)" = error ]
check "unlistable directory: the reason names it" \
	contains "$(reason linux.ransom.no-encrypted-extensions)" "cannot list '/home/dave/private': Permission denied"
chmod 755 "$R/home/dave/private"
run as_user "$BROKERSEC" --lang en scan --root "$R" --only linux.ransom.no-enc --format json
check "listable again: pass" [ "$(result linux.ransom.no-encrypted-extensions)" = pass ]
finish
