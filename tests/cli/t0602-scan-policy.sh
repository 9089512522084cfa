#!/bin/sh
# External policies (--policy): loaded with every problem as file:line; unknown catalog ids
# are refused; a valid one adds checks, file rules included.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

scan_fixture hardened
mkdir -p "$T/pol"
cat > "$T/pol/bad.yaml" <<'YAML'
platform: linux
checks:
  - id: site.bad
    title: {zh-TW: 壞, en: bad}
    rationale: {zh-TW: 壞, en: bad}
    remediation: {zh-TW: 修, en: fix}
    refs: [A9.9.9]
    severity: extreme
    rules:
      - fact: nosuchprobe.value
        compare: '<= x'
      - file: relative/path
        match: '(unclosed'
YAML
run "$BROKERSEC" scan --root "$T/hardened" --policy "$T/pol/bad.yaml"
check "bad policy: exit 2" [ "$rc" -eq 2 ]
check "bad policy: unknown catalog id with line" contains "$err" "bad.yaml:7: ref 'A9.9.9' is not a catalog id"
check "bad policy: severity" contains "$err" "severity 'extreme' is unknown"
check "bad policy: unknown probe" contains "$err" "fact 'nosuchprobe.value' names no probe"
check "bad policy: compare syntax" contains "$err" "compare '<= x'"
check "bad policy: regex" contains "$err" "does not compile"
check "bad policy: relative path" contains "$err" "must be an absolute path"

cat > "$T/pol/site.yaml" <<'YAML'
platform: linux
checks:
  - id: site.motd-warning
    title: {zh-TW: 登入警語, en: Login banner}
    rationale: {zh-TW: 告知使用者受監控。, en: Users are told they are monitored.}
    remediation: {zh-TW: 於 /etc/issue.net 加入警語。, en: Add a warning to /etc/issue.net.}
    refs: [A2.4.1.6.3.1]
    severity: low
    rules:
      - file: /etc/issue.net
        match: 'authori[sz]ed'
  - id: site.keep-logs
    title: {zh-TW: 保留舊日誌, en: Old logs are kept}
    rationale: {zh-TW: 留存。, en: Retention.}
    remediation: {zh-TW: 保留。, en: Keep them.}
    refs: [A2.4.1.7.1.1]
    severity: low
    condition: any
    rules:
      - dir: /var/log
        entries: '^auth\.log\.[0-9]+'
      - file: /etc/logrotate.d/rsyslog
        match: 'rotate ([0-9]+)'
        compare: '>= 26'
  - id: site.no-telnet-config
    title: {zh-TW: 無 telnet 設定, en: No telnet configuration}
    rationale: {zh-TW: 明文。, en: Clear text.}
    remediation: {zh-TW: 移除。, en: Remove it.}
    refs: [A2.5.6.4]
    severity: low
    condition: none
    rules:
      - file: /etc/xinetd.d/telnet
      - file: /etc/shadow
        perm_max: '0600'
YAML
run "$BROKERSEC" scan --root "$T/hardened" --policy "$T/pol/site.yaml" --only site. --format json
check "site policy: runs only the selected checks" [ "$(printf '%s' "$out" | grep -c '"id": "site')" -eq 3 ]
check "file match on a missing file fails" [ "$(result site.motd-warning)" = fail ]
check "any: dir entries or captured number" [ "$(result site.keep-logs)" = pass ]
check "none: a true rule (shadow mode 0640 > 0600 is false) passes" [ "$(result site.no-telnet-config)" = pass ]
echo "Only authorized use is allowed" > "$T/hardened/etc/issue.net"
chmod 0600 "$T/hardened/etc/shadow"
run "$BROKERSEC" scan --root "$T/hardened" --policy "$T/pol/site.yaml" --only site. --format json
check "file match passes once the banner is there" [ "$(result site.motd-warning)" = pass ]
check "none: shadow 0600 now matches perm_max, so it fails" [ "$(result site.no-telnet-config)" = fail ]
# garbage where the banner was: an error naming the file, never "no matching line"
printf 'Only authorized\000use\n' > "$T/hardened/etc/issue.net"
run "$BROKERSEC" --lang en scan --root "$T/hardened" --policy "$T/pol/site.yaml" --only site.motd --format json
check "file match on a binary file is an error" [ "$(result site.motd-warning)" = error ]
check "and says which file and why" contains "$(reason site.motd-warning)" "/etc/issue.net' is not a text file (a NUL byte at line 1)"
echo "Only authorized use is allowed" > "$T/hardened/etc/issue.net"

cp "$T/pol/site.yaml" "$T/pol/dup.yaml"
rm "$T/pol/bad.yaml"
run "$BROKERSEC" scan --root "$T/hardened" --policy "$T/pol"
check "duplicate ids across files: exit 2" [ "$rc" -eq 2 ]
check "duplicate ids: named with both places" contains "$err" "duplicate check id 'site.motd-warning'"

run "$BROKERSEC" scan --list-checks --format json
check "list-checks json: every check has refs" [ "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(all(c["refs"] for c in d) and len(d))')" -ge 40 ]
run "$BROKERSEC" scan --list-checks --format markdown
check "markdown: has the coverage table" contains "$out" "Regulation coverage"
check "markdown: names A2.5.4.2.3" contains "$out" "| A2.5.4.2.3 |"
finish
