#!/bin/sh
# Annex 2 (A2.4.1.7.1.1) 「保留日誌至少六個月」: 180 days is less than six months from most start
# dates. The host check uses the event log's own rule (bs_log_retention_meets: >= 183 days,
# or six calendar months when logrotate rotates monthly), the rule `log retention` enforces
# (issue 12 item 5).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

scan_fixture hardened
rot() { # PERIOD COUNT [MAXAGE]: the rsyslog block of logrotate
	{
		printf '/var/log/syslog\n/var/log/auth.log\n/var/log/kern.log\n{\n\trotate %s\n\t%s\n' "$2" "$1"
		[ -n "${3:-}" ] && printf '\tmaxage %s\n' "$3"
		printf '\tmissingok\n}\n'
	} > "$T/hardened/etc/logrotate.d/rsyslog"
	run "$BROKERSEC" scan --root "$T/hardened" --format json
}
C=linux.logs.retention-6-months

rot daily 180
check "daily x 180 = 180 days: fails" [ "$(result $C)" = fail ]
check "the evidence says why" contains "$(evidence $C)" "/var/log/auth.log no (180 days)"
rot weekly 26
check "weekly x 26 = 182 days: fails" [ "$(result $C)" = fail ]
rot daily 183
check "daily x 183 days: passes" [ "$(result $C)" = pass ]
check "its evidence" contains "$(evidence $C)" "/var/log/auth.log yes (183 days)"
rot monthly 6
check "monthly x 6 = six calendar months: passes" [ "$(result $C)" = pass ]
check "counted in months" contains "$(evidence $C)" "/var/log/auth.log yes (6 months)"
rot monthly 5
check "monthly x 5: fails" [ "$(result $C)" = fail ]
rot monthly 12 180
check "maxage 180 caps twelve months to 180 days: fails" [ "$(result $C)" = fail ]
check "maxage counts days" contains "$(evidence $C)" "no (180 days)"

# the event log holds itself to the same rule
D="$T/data"
"$BROKERSEC" init --data "$D" --org 測試 --internal-control no >/dev/null 2>&1
run "$BROKERSEC" log retention 182 --data "$D"
check "the event log refuses 182 days" [ "$rc" -ne 0 ]
check "... naming the minimum" contains "$err" "183"
run "$BROKERSEC" log retention 183 --data "$D"
check "the event log takes 183 days" [ "$rc" -eq 0 ]
finish
