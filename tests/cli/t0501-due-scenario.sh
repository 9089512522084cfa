#!/bin/sh
# due: a small broker built through the CLI; the deadline engine's output checked exactly.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
export BROKERSEC_DATA="$D"
"$BROKERSEC" init --org "小經紀人" --internal-control yes --byod yes >/dev/null 2>&1
b() { "$BROKERSEC" "$@" >/dev/null || echo "setup failed: $*"; }
b system add --name 網路投保 --category 1 --core yes --internet-facing yes
b system add --name 保單行政 --category 2 --core yes
b system add --name 人資 --category 3
b assessment record --system 1 --date 2024-07-31 --assessor 外部資安公司
b assessment record --system 2 --date 2022-02-28 --assessor 外部資安公司
b incident add --title 勒索 --detected 2025-03-31T20:00:00+08:00 --severity high --major yes --systems 2 \
	--reported-association 2025-04-01T09:00:00+08:00 --reported-regulator 2025-04-01T10:00:00+08:00
b drill add --kind bcp --date 2023-07-01 --systems 1,2
b drill add --kind social-engineering --date 2024-09-30 --emails-sent 40 --opened 10 --clicked 3 --reported 5
b plan add --approved 2022-06-30 --approved-by board
b person add --name 資安長 --role security --hired 2019-01-01 --background-check yes --nda-signed 2019-01-01
b person add --name 工程師 --role it --hired 2024-03-01 --background-check yes
b training add --person 1 --date 2024-12-31 --hours 12 --course 資安管理 --kind professional
b training add --person 2 --date 2024-06-01 --hours 2.5 --course 資安通識
b training add --person 1 --date 2025-03-01 --hours 6 --course 進階 --kind professional
b backup add --system 1 --rpo-hours 24 --copies 3 --media 2 --offsite yes --offline yes --last-backup 2025-06-29 \
	--last-restore-test 2024-07-15
b backup add --system 2 --rpo-hours 48 --copies 2 --media 1 --offsite yes --last-backup 2025-06-20
b backup add --system 3 --rpo-hours 168 --copies 3 --media 2 --offsite yes --offline yes --last-backup 2025-06-25 \
	--last-restore-test 2025-01-10
b account-review add --date 2024-12-15 --systems 1,2,3
b policy-doc add --title 行動裝置規範 --kind byod --items SR.5.1,SR.5.2,SR.5.3 --approved 2024-01-01
b policy-doc add --title 社群媒體規範 --kind social-media --items SR.6.1,SR.6.2,SR.6.3 --approved 2024-01-01
b policy-doc add --title 勒索軟體 --kind ransomware --items SR.13 --approved 2024-01-01
b policy-doc add --title 報廢 --kind disposal --items SR.17
b job-change add --person 2 --date 2025-06-01 --kind transfer --assets-returned 2025-06-02
b vendor add --name 維運公司 --service 系統維運 --kind maintenance --confidentiality yes --security-requirements yes
b disposal add --description 舊伺服器 --date 2025-05-01 --method overwrite --data-removed yes --software-removed yes \
	--verified-by 資安長

cat > "$T/expected.json" <<'JSON'
[
  {
    "duty": "confidentiality",
    "source": "SR.4.2",
    "subject": "person:2",
    "due": "2024-03-01",
    "status": "overdue",
    "detail": "'工程師' has not signed a confidentiality agreement"
  },
  {
    "duty": "log-retention",
    "source": "A2.4.1.7.1.1",
    "subject": "eventlog",
    "due": "2024-12-30",
    "status": "ok",
    "detail": "keep every event logged since 2024-12-30 (at least 6 months)"
  },
  {
    "duty": "training-year",
    "source": "SR.4.5",
    "subject": "person:1",
    "due": "2024-12-31",
    "status": "ok",
    "detail": "2024: '資安長' (security staff) trained 12/12 h of professional courses: met"
  },
  {
    "duty": "training-year",
    "source": "SR.4.5",
    "subject": "person:2",
    "due": "2024-12-31",
    "status": "overdue",
    "detail": "2024: '工程師' (IT staff) trained 2.5/3 h: not met"
  },
  {
    "duty": "assessment",
    "source": "A2.3.1.2",
    "subject": "system:2",
    "due": "2025-02-28",
    "status": "overdue",
    "detail": "category 2 system '保單行政' last assessed 2022-02-28; at least every 3 years"
  },
  {
    "duty": "access-revoke",
    "source": "SR.4.7",
    "subject": "job-change:1",
    "due": "2025-06-01",
    "status": "overdue",
    "detail": "person:2 transfer on 2025-06-01: access not yet revoked"
  },
  {
    "duty": "backup",
    "source": "A2.4.1.8.2",
    "subject": "backup:2",
    "due": "2025-06-22",
    "status": "overdue",
    "detail": "system:2 last backup 2025-06-20; tolerated data loss 48 h"
  },
  {
    "duty": "assessment",
    "source": "A2.3.1.3",
    "subject": "system:3",
    "due": "2025-06-30",
    "status": "overdue",
    "detail": "category 3 system '人資' never assessed: assess it now"
  },
  {
    "duty": "backup",
    "source": "A2.4.1.8.2",
    "subject": "backup:1",
    "due": "2025-06-30",
    "status": "due_soon",
    "detail": "system:1 last backup 2025-06-29; tolerated data loss 24 h"
  },
  {
    "duty": "backup-3-2-1",
    "source": "A3.7.11",
    "subject": "backup:2",
    "due": "2025-06-30",
    "status": "overdue",
    "detail": "system:2 backups are not 3-2-1: 2 copies (need 3), 1 media (need 2), off-site, no offline copy"
  },
  {
    "duty": "plan-review",
    "source": "A2.2.2",
    "subject": "org",
    "due": "2025-06-30",
    "status": "due_soon",
    "detail": "last assessment plan approval 2022-06-30; at least every 36 months"
  },
  {
    "duty": "policy-approval",
    "source": "SR.17",
    "subject": "policy-doc:4",
    "due": "2025-06-30",
    "status": "overdue",
    "detail": "document '報廢' is not approved"
  },
  {
    "duty": "policy-items",
    "source": "SR.6",
    "subject": "policy-doc:2",
    "due": "2025-06-30",
    "status": "overdue",
    "detail": "document '社群媒體規範' lacks required items: SR.6.4"
  },
  {
    "duty": "reassessment",
    "source": "A2.3.3",
    "subject": "system:2",
    "due": "2025-06-30",
    "status": "due_soon",
    "detail": "major incident incident:1 detected 2025-03-31: reassess within 3 months"
  },
  {
    "duty": "restore-test",
    "source": "A2.4.1.8.3",
    "subject": "backup:2",
    "due": "2025-06-30",
    "status": "overdue",
    "detail": "system:2 backups never restore-tested"
  },
  {
    "duty": "bcp-drill",
    "source": "A2.3.4",
    "subject": "system:1",
    "due": "2025-07-01",
    "status": "due_soon",
    "detail": "core system '網路投保' last drilled 2023-07-01; at least every 2 years"
  },
  {
    "duty": "bcp-drill",
    "source": "A2.3.4",
    "subject": "system:2",
    "due": "2025-07-01",
    "status": "due_soon",
    "detail": "core system '保單行政' last drilled 2023-07-01; at least every 2 years"
  },
  {
    "duty": "backup",
    "source": "A2.4.1.8.2",
    "subject": "backup:3",
    "due": "2025-07-02",
    "status": "due_soon",
    "detail": "system:3 last backup 2025-06-25; tolerated data loss 168 h"
  },
  {
    "duty": "restore-test",
    "source": "A2.4.1.8.3",
    "subject": "backup:1",
    "due": "2025-07-15",
    "status": "due_soon",
    "detail": "system:1 last restore test 2024-07-15; at least every 12 months"
  },
  {
    "duty": "assessment",
    "source": "A2.3.1.1",
    "subject": "system:1",
    "due": "2025-07-31",
    "status": "due_soon",
    "detail": "category 1 system '網路投保' last assessed 2024-07-31; at least every 1 year"
  },
  {
    "duty": "social-engineering-drill",
    "source": "A2.6",
    "subject": "org",
    "due": "2025-09-30",
    "status": "ok",
    "detail": "last social-engineering drill 2024-09-30; at least every 12 months"
  },
  {
    "duty": "account-review",
    "source": "A2.4.1.6.1.4",
    "subject": "system:1",
    "due": "2025-12-15",
    "status": "ok",
    "detail": "system '網路投保' last account review 2024-12-15; at least every 12 months"
  },
  {
    "duty": "account-review",
    "source": "A2.4.1.6.1.4",
    "subject": "system:2",
    "due": "2025-12-15",
    "status": "ok",
    "detail": "system '保單行政' last account review 2024-12-15; at least every 12 months"
  },
  {
    "duty": "account-review",
    "source": "A2.4.1.6.1.4",
    "subject": "system:3",
    "due": "2025-12-15",
    "status": "ok",
    "detail": "system '人資' last account review 2024-12-15; at least every 12 months"
  },
  {
    "duty": "training-hours",
    "source": "SR.4.5",
    "subject": "person:1",
    "due": "2025-12-31",
    "status": "ok",
    "detail": "2025: '資安長' (security staff) trained 6/12 h of professional courses so far"
  },
  {
    "duty": "training-hours",
    "source": "SR.4.5",
    "subject": "person:2",
    "due": "2025-12-31",
    "status": "ok",
    "detail": "2025: '工程師' (IT staff) trained 0/3 h so far"
  },
  {
    "duty": "restore-test",
    "source": "A2.4.1.8.3",
    "subject": "backup:3",
    "due": "2026-01-10",
    "status": "ok",
    "detail": "system:3 last restore test 2025-01-10; at least every 12 months"
  },
  {
    "duty": "report-retention",
    "source": "A2.8",
    "subject": "assessment:2",
    "due": "2027-02-28",
    "status": "ok",
    "detail": "keep the report and its remediation records until at least 2027-02-28"
  },
  {
    "duty": "report-retention",
    "source": "A2.8",
    "subject": "assessment:1",
    "due": "2029-07-31",
    "status": "ok",
    "detail": "keep the report and its remediation records until at least 2029-07-31"
  }
]
JSON
run "$BROKERSEC" due --as-of 2025-06-30 --format json --lang en
check "due succeeds" [ "$rc" -eq 0 ]
printf '%s\n' "$out" > "$T/got.json"
check "due --as-of 2025-06-30 json is exactly the expected list" cmp -s "$T/expected.json" "$T/got.json"
[ "$_fail" -eq 0 ] || diff "$T/expected.json" "$T/got.json" | head -20

# a year later: the year boundary turns 2025's shortfall into 'not met'
run "$BROKERSEC" due --as-of 2026-01-01 --format json --lang en
check "2025 training not met for person 1" contains "$out" \
	"2025: '資安長' (security staff) trained 6/12 h of professional courses: not met"
check "2026 progress starts at zero" contains "$out" "2026: '工程師' (IT staff) trained 0/3 h so far"

# the window: --within 0 leaves only today as due_soon
run "$BROKERSEC" due --as-of 2025-06-30 --within 0 --format json --lang en
check "bcp drill tomorrow is ok with --within 0" \
	[ "$(printf '%s' "$out" | grep -c '"status": "due_soon"')" -eq 3 ]

# a new category-1 system is due at once; its category changed to 3 moves it out of BCP
"$BROKERSEC" system add --name 新系統 --category 1 --core yes >/dev/null
run "$BROKERSEC" due --as-of 2025-06-30 --format json --lang en
check "new system never assessed" contains "$out" "category 1 system '新系統' never assessed"
check "new core system needs a bcp drill" contains "$out" "core system '新系統' has no business-continuity drill"

# ics: RFC 5545 shape
run "$BROKERSEC" due --as-of 2025-06-30 --format ics
check "ics starts with VCALENDAR and CRLF" [ "$(printf '%s' "$out" | head -n 1)" = "$(printf 'BEGIN:VCALENDAR\r')" ]
check "ics has a UID per event" [ "$(printf '%s' "$out" | grep -c '^UID:')" -eq "$(printf '%s' "$out" | grep -c '^BEGIN:VEVENT')" ]
check "ics has DTSTAMP" contains "$out" "DTSTAMP:"
check "ics lines are at most 75 octets" [ "$(printf '%s\n' "$out" | LC_ALL=C awk 'length($0) > 76' | wc -l)" -eq 0 ]

# status derives from the registers, with reasons
run "$BROKERSEC" status --as-of 2025-06-30 --lang en --format json --id SR.4.5
check "SR.4.5 not met: last year's hours" contains "$out" "2024: '工程師' (IT staff) trained 2.5/3 h: not met"
check "SR.4.5 state" contains "$out" '"state": "not_met"'
run "$BROKERSEC" status --as-of 2025-06-30 --lang en --format json --id A2.3.1.3
check "A2.3.1.3 due: never assessed" contains "$out" '"state": "due"'
run "$BROKERSEC" status --as-of 2025-06-30 --lang en --format json --id A2.6
check "A2.6 met from the drill" contains "$out" "1 deadline kept; next due 2025-09-30"
run "$BROKERSEC" status --as-of 2025-06-30 --lang en --format json --id A3.7.11
check "A3.7.11 not met: 3-2-1" contains "$out" "backups are not 3-2-1"
run "$BROKERSEC" status --as-of 2025-06-30 --lang en --format json --id SR.17
check "SR.17 not met: disposal document unapproved" contains "$out" "no approved disposal document covers it"

run "$BROKERSEC" due --as-of 2025-02-30
check "a bad --as-of is a usage error" [ "$rc" -eq 2 ]
check "it names the option" contains "$err" "--as-of '2025-02-30'"
run "$BROKERSEC" due --within -1
check "a bad --within is a usage error" [ "$rc" -eq 2 ]
finish
