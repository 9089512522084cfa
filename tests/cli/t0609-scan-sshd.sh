#!/bin/sh
# sshd_config is read as sshd reads it (issue 14, items 5 and 10): every fixture's values are
# compared with the real `sshd -T` of Debian's openssh-server (globally, and with -C for a
# connection each Match block applies to): trailing comments (`PermitRootLogin no # CIS`),
# quotes and `=`, Ciphers/MACs `-x` `+x` `^x` with patterns (removed from, appended to, put
# in front of the default list), Include (globs, relative to /etc/ssh), first value wins,
# Match blocks (an override that weakens a setting fails the check, naming the block).
# Then the checks: PasswordAuthentication (keys only, brokersec's baseline), weak algorithms.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

SSHD=/usr/sbin/sshd
[ -x "$SSHD" ] || { echo "not ok: $SSHD is missing (scripts/deps.txt: apt-get install openssh-server)"; exit 1; }
# sshd -T wants its privilege separation directory and a host key
[ -d /run/sshd ] || mkdir -p /run/sshd 2>/dev/null
[ -d /run/sshd ] || { echo "not ok: /run/sshd is missing and cannot be made (sshd -T needs it)"; exit 1; }
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey" || exit 1

# A policy whose checks show every value brokersec read for the settings compared (one check
# per setting: its evidence is "file:line subject value", subject None or "Match ...").
KEYS="permitrootlogin passwordauthentication permitemptypasswords kbdinteractiveauthentication maxauthtries
x11forwarding hostbasedauthentication ignorerhosts permituserenvironment usepam maxsessions ciphers macs"
{
	printf 'platform: linux\nchecks:\n'
	for k in $KEYS; do
		printf '  - id: t.sshd.%s\n    title: {zh-TW: 值, en: value}\n    rationale: {zh-TW: 值, en: value}\n' "$k"
		printf '    remediation: {zh-TW: 無, en: none}\n    refs: [A2.4.1.6.3.1]\n    severity: low\n'
		printf '    rules:\n      - fact: sshd.%s\n        match: "^$"\n' "$k"
	done
} > "$T/values.yaml"

# brokersec_value ROOT KEY [SUBJECT]: the value brokersec reads (globally, or the Match
# block's override; the global value when the block sets none)
brokersec_scan() {
	run "$BROKERSEC" scan --root "$1" --policy "$T/values.yaml" --only t.sshd. --format json
}
brokersec_value() {
	_v=""
	if [ -n "${3:-}" ]; then
		_v=$(evidence "t.sshd.$2" | grep -F " $3 " | head -1 | sed 's/.* //')
	fi
	[ -n "$_v" ] || _v=$(evidence "t.sshd.$2" | grep -F ' None ' | head -1 | sed 's/.* //')
	printf '%s' "$_v" | sed 's/^without-password$/prohibit-password/'
}

# sshd_t ROOT [CONN]: `sshd -T` of the root's sshd_config (its Include paths pointed into the
# root: sshd itself would read this host's /etc/ssh), lowercased keyword and value
sshd_t() {
	_c="$T/sshdT"
	rm -rf "$_c" && mkdir -p "$_c" && cp -R "$1/etc/ssh" "$_c/ssh" || return 1
	find "$_c/ssh" -type f | while read -r f; do
		awk -v R="$_c/ssh/" '
			tolower($1) == "include" { line = $1; for (i = 2; i <= NF; i++) { p = $i; sub("^/etc/ssh/", "", p);
				line = line " " (p ~ /^\// ? p : R p) } print line; next }
			{ print }' "$f" > "$f.new" && mv "$f.new" "$f"
	done
	if [ -n "${2:-}" ]; then
		"$SSHD" -T -f "$_c/ssh/sshd_config" -h "$T/hostkey" -C "$2" 2>"$T/sshd.err"
	else
		"$SSHD" -T -f "$_c/ssh/sshd_config" -h "$T/hostkey" 2>"$T/sshd.err"
	fi | tr 'A-Z' 'a-z' > "$T/sshd.out"
	[ -s "$T/sshd.out" ] || { echo "sshd -T refused $1: $(cat "$T/sshd.err")"; return 1; }
}
sshd_value() {
	awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$T/sshd.out" |
		sed 's/^without-password$/prohibit-password/'
}

# same ROOT NAME [SUBJECT CONN]: every compared setting as sshd -T reads it
same() {
	_name=$2
	if ! sshd_t "$1" "${4:-}"; then
		check "$_name: sshd -T accepts the fixture" false
		return
	fi
	_bad=""
	for k in $KEYS; do
		_b=$(brokersec_value "$1" "$k" "${3:-}")
		_s=$(sshd_value "$k")
		[ "$_b" = "$_s" ] || _bad="$_bad
  $k: brokersec '$_b', sshd -T '$_s'"
	done
	[ -z "$_bad" ] || echo "$_name:$_bad"
	check "$_name: every setting as sshd -T reads it" [ -z "$_bad" ]
}

# fixture NAME: the hardened root with its sshd files replaced (written after the call)
fixture() {
	scan_fixture hardened
	rm -rf "$T/$1"
	mv "$T/hardened" "$T/$1"
	R="$T/$1"
	rm -rf "$R/etc/ssh/sshd_config.d"
	mkdir -p "$R/etc/ssh/sshd_config.d"
}

# 0. the fixtures as shipped
for f in hardened weak-auth; do
	scan_fixture $f
	brokersec_scan "$T/$f"
	same "$T/$f" "fixture $f"
done
same "$T/weak-auth" "fixture weak-auth, Match Address 10.0.0.0/8" "Match Address 10.0.0.0/8" user=u,host=h,addr=10.1.2.3
# the malformed fixture includes itself: sshd -T refuses it, the scan says error
scan_fixture malformed
check "fixture malformed: sshd -T refuses the include loop" ! sshd_t "$T/malformed"
run "$BROKERSEC" scan --root "$T/malformed" --only linux.sshd.no-root-password --format json
check "fixture malformed: an error, not a pass" [ "$(result linux.sshd.no-root-password)" = error ]

# 1. trailing comments, quotes, '=', Ciphers/MACs minus a pattern
fixture comments
cat > "$R/etc/ssh/sshd_config" <<'EOF'
# CIS 5.2.x
PermitRootLogin no # CIS 5.2.10
PasswordAuthentication no	#keys only
MaxAuthTries = 4 # per connection
X11Forwarding="no"
PermitEmptyPasswords no #
Ciphers -*-cbc # no CBC
MACs -*-sha1*,umac-64*,hmac-md5* # keep the 128-bit tags
KbdInteractiveAuthentication no # CIS
UsePAM yes
EOF
brokersec_scan "$R"
same "$R" "comments"
run "$BROKERSEC" scan --root "$R" --format json --only linux.sshd.
check "comments: PermitRootLogin no # CIS passes" [ "$(result linux.sshd.no-root-password)" = pass ]
check "comments: MaxAuthTries = 4 # ... passes" [ "$(result linux.sshd.max-auth-tries)" = pass ]
check "comments: Ciphers -*-cbc is no weak cipher" [ "$(result linux.sshd.strong-crypto)" = pass ]
check "comments: keys only passes" [ "$(result linux.sshd.no-password-auth)" = pass ]
check "comments: the value shown is the word, not the comment" contains "$(evidence linux.sshd.no-root-password)" "sshd_config:2 None no"

# 2. a word that starts with '#' ends the line; "no#x" is one word (sshd refuses it) and a
# second value too: an error naming the line, never a pass
fixture hashword
printf 'PermitRootLogin no#x\n' > "$R/etc/ssh/sshd_config"
check "no#x: sshd -T refuses it too" ! sshd_t "$R"
run "$BROKERSEC" scan --root "$R" --format json --only linux.sshd.no-root-password
check "no#x: not a pass" [ "$(result linux.sshd.no-root-password)" = fail ]
printf 'MaxAuthTries 3 10\n' > "$R/etc/ssh/sshd_config"
check "two values: sshd -T refuses them" ! sshd_t "$R"
run "$BROKERSEC" scan --root "$R" --format json --only linux.sshd.max-auth-tries
check "two values: an error" [ "$(result linux.sshd.max-auth-tries)" = error ]
check "two values: the reason names the line" contains "$(reason linux.sshd.max-auth-tries)" "sshd_config:1: MaxAuthTries has more than one value"
printf 'PermitRootLogin "no\n' > "$R/etc/ssh/sshd_config"
run "$BROKERSEC" scan --root "$R" --format json --only linux.sshd.no-root-password
check "open quote: an error" [ "$(result linux.sshd.no-root-password)" = error ]

# 3. Ciphers/MACs added to the default list: weak, named one by one
fixture plus
cat > "$R/etc/ssh/sshd_config" <<'EOF'
PermitRootLogin no
PasswordAuthentication no
Ciphers +aes128-cbc,3des-cbc
MACs ^hmac-md5,hmac-sha1-96
EOF
brokersec_scan "$R"
same "$R" "plus/caret"
run "$BROKERSEC" scan --root "$R" --format json --only linux.sshd.strong-crypto
ev=$(evidence linux.sshd.strong-crypto)
check "+aes128-cbc: fails" [ "$(result linux.sshd.strong-crypto)" = fail ]
check "+aes128-cbc,3des-cbc: both named" contains "$ev" "sshd_config:3 None 3des-cbc"
check "^hmac-md5: named" contains "$ev" "sshd_config:4 None hmac-md5"
check "^hmac-md5,hmac-sha1-96: the -96 too" contains "$ev" "sshd_config:4 None hmac-sha1-96"
check "the default list's umac-64 is not called weak" ! contains "$ev" "umac-64"

# an explicit list with the default's strong ciphers only, then minus everything but one
fixture explicit
cat > "$R/etc/ssh/sshd_config" <<'EOF'
Ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com
MACs -umac*,hmac-sha1*,hmac-sha2-256*
PermitRootLogin prohibit-password
EOF
brokersec_scan "$R"
same "$R" "explicit/minus"
run "$BROKERSEC" scan --root "$R" --format json --only linux.sshd.
check "explicit strong list: passes" [ "$(result linux.sshd.strong-crypto)" = pass ]
check "no PasswordAuthentication line: sshd's default yes fails" [ "$(result linux.sshd.no-password-auth)" = fail ]
check "the default is named as such" contains "$(evidence linux.sshd.no-password-auth)" "(sshd default):None None yes"

# 4. Include: globs relative to /etc/ssh, read in place, first value wins; a Match block
# opened in an included file ends with it
fixture include
cat > "$R/etc/ssh/sshd_config" <<'EOF'
Include sshd_config.d/*.conf
PermitRootLogin no
PasswordAuthentication no
MaxAuthTries 3
Include /etc/ssh/late.conf
EOF
printf 'PasswordAuthentication yes # cloud-init\n' > "$R/etc/ssh/sshd_config.d/50-cloud-init.conf"
printf 'MaxAuthTries 6\nPasswordAuthentication no\n' > "$R/etc/ssh/sshd_config.d/60-local.conf"
printf 'X11Forwarding yes\n' > "$R/etc/ssh/sshd_config.d/70-unused.conf.disabled"
printf 'Match User deploy\n  MaxAuthTries 10\n' > "$R/etc/ssh/sshd_config.d/80-deploy.conf"
printf 'PermitEmptyPasswords yes\nX11Forwarding yes\n' > "$R/etc/ssh/late.conf"
brokersec_scan "$R"
same "$R" "include"
same "$R" "include, Match User deploy" "Match User deploy" user=deploy,host=h,addr=192.0.2.1
run "$BROKERSEC" scan --root "$R" --format json --only linux.sshd.
check "include: cloud-init's yes (read first) wins" [ "$(result linux.sshd.no-password-auth)" = fail ]
check "include: the finding names the included file" contains "$(evidence linux.sshd.no-password-auth)" "50-cloud-init.conf:1 None yes"
check "include: MaxAuthTries 6 of 60-local wins over 3" [ "$(result linux.sshd.max-auth-tries)" = fail ]
check "include: the late file's PermitEmptyPasswords counts" [ "$(result linux.sshd.no-empty-passwords)" = fail ]

# 5. Match blocks: each block that weakens a setting fails the check and is named
fixture match
cat > "$R/etc/ssh/sshd_config" <<'EOF'
PermitRootLogin no # CIS
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxAuthTries 4
Match User alice # sftp
	PasswordAuthentication yes # sftp-only partner
	X11Forwarding yes
Match Address 10.0.0.0/8,192.168.0.0/16
	PermitRootLogin yes
	MaxAuthTries 10
Match Host backup.example
	PermitRootLogin forced-commands-only
Match all
	MaxSessions 4
EOF
brokersec_scan "$R"
same "$R" "match: global"
same "$R" "match: Match User alice" "Match User alice" user=alice,host=h,addr=192.0.2.1
same "$R" "match: Match Address" "Match Address 10.0.0.0/8,192.168.0.0/16" user=bob,host=h,addr=10.9.8.7
same "$R" "match: Match Host" "Match Host backup.example" user=bob,host=backup.example,addr=192.0.2.9
run "$BROKERSEC" scan --root "$R" --format json --only linux.sshd.
ev=$(evidence linux.sshd.no-password-auth)
check "match: PasswordAuthentication yes in a Match block fails" [ "$(result linux.sshd.no-password-auth)" = fail ]
check "match: ... naming the block" contains "$ev" "sshd_config:6 Match User alice yes"
check "match: the global value (no) is not what fails" ! contains "$ev" "None"
ev=$(evidence linux.sshd.no-root-password)
check "match: PermitRootLogin yes for 10/8 fails" [ "$(result linux.sshd.no-root-password)" = fail ]
check "match: ... naming the block" contains "$ev" "Match Address 10.0.0.0/8,192.168.0.0/16 yes"
check "match: forced-commands-only is no weakening" ! contains "$ev" "Match Host backup.example yes"
check "match: MaxAuthTries 10 for 10/8 fails" [ "$(result linux.sshd.max-auth-tries)" = fail ]
# a directive sshd allows only outside Match blocks is an error, as sshd refuses to start
printf 'Match User bob\n  Ciphers aes128-ctr\n' >> "$R/etc/ssh/sshd_config"
check "Ciphers in a Match block: sshd -T refuses it" ! sshd_t "$R"
run "$BROKERSEC" scan --root "$R" --format json --only linux.sshd.strong-crypto
check "Ciphers in a Match block: an error" [ "$(result linux.sshd.strong-crypto)" = error ]
check "Ciphers in a Match block: the reason says so" contains "$(reason linux.sshd.strong-crypto)" "not allowed within a Match block"

finish
