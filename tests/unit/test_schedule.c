/* The deadline engine on hand-built register snapshots: date rules at their edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/clock.h"
#include "profile/profile.h"
#include "schedule/schedule.h"

static int32_t D(const char *s)
{
	int32_t d = 0;
	assert_int_equal(bs_date_parse(s, &d), 0);
	return d;
}

static json_t *snap_new(void)
{
	return json_pack("{s:[],s:[],s:[],s:[],s:[],s:[],s:[]}", "system", "assessment", "incident", "drill", "person",
			 "training", "backup");
}

static void add_rec(json_t *snap, const char *reg, json_t *rec)
{
	json_t *a = json_object_get(snap, reg);
	if (!a) {
		a = json_array();
		json_object_set_new(snap, reg, a);
	}
	json_object_set_new(rec, "id", json_integer((json_int_t)json_array_size(a) + 1));
	json_object_set_new(rec, "archived", json_false());
	json_array_append_new(a, rec);
}

static void sys(json_t *snap, int cat, int core)
{
	add_rec(snap, "system", json_pack("{s:s,s:i,s:b}", "name", "S", "category", cat, "core", core));
}

static void assessed(json_t *snap, int system, const char *day)
{
	add_rec(snap, "assessment", json_pack("{s:i,s:s}", "system", system, "completed", day));
}

/* The duty with that name and subject, or NULL. */
static const struct bs_duty *find(const struct bs_duties *d, const char *duty, const char *subject)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].duty, duty) && !strcmp(d->v[i].subject, subject))
			return &d->v[i];
	return NULL;
}

static void run(const json_t *snap, const char *as_of, struct bs_duties *out)
{
	struct bs_schedule_opts o;
	bs_schedule_opts_default(&o, D(as_of));
	assert_int_equal(bs_schedule_compute(snap, &o, out), 0);
}

static void assert_due(const struct bs_duty *x, const char *day, enum bs_duty_status st)
{
	char got[BS_DATE_MAX];
	assert_non_null(x);
	bs_date_format(x->due, got);
	assert_string_equal(got, day);
	assert_int_equal(x->status, st);
}

static void test_assessment_cycles_and_leap_day(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	(void)state;
	sys(s, 1, 0);
	sys(s, 2, 0);
	sys(s, 3, 0);
	assessed(s, 1, "2024-02-29");
	assessed(s, 2, "2023-01-31");
	assessed(s, 3, "2020-12-31");
	assessed(s, 1, "2023-05-05"); /* older: the latest counts */
	run(s, "2025-02-28", &d);
	/* 2024-02-29 + 1 year clamps to 2025-02-28; due today is not overdue */
	assert_due(find(&d, "assessment", "system:1"), "2025-02-28", BS_DUTY_DUE_SOON);
	assert_string_equal(find(&d, "assessment", "system:1")->source, "A2.3.1.1");
	assert_due(find(&d, "assessment", "system:2"), "2026-01-31", BS_DUTY_OK);
	assert_due(find(&d, "assessment", "system:3"), "2025-12-31", BS_DUTY_OK);
	assert_string_equal(find(&d, "assessment", "system:3")->source, "A2.3.1.3");
	bs_duties_release(&d);
	run(s, "2025-03-01", &d);
	assert_due(find(&d, "assessment", "system:1"), "2025-02-28", BS_DUTY_OVERDUE);
	bs_duties_release(&d);
	json_decref(s);
}

static void test_category_changed_and_system_added(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	(void)state;
	sys(s, 3, 0);
	assessed(s, 1, "2024-06-15");
	run(s, "2025-07-01", &d);
	assert_due(find(&d, "assessment", "system:1"), "2029-06-15", BS_DUTY_OK);
	assert_null(find(&d, "bcp-drill", "system:1"));
	bs_duties_release(&d);
	/* re-categorised as category 1: the same last assessment is now a year old */
	json_object_set_new(json_array_get(json_object_get(s, "system"), 0), "category", json_integer(1));
	run(s, "2025-07-01", &d);
	assert_due(find(&d, "assessment", "system:1"), "2025-06-15", BS_DUTY_OVERDUE);
	bs_duties_release(&d);
	/* a new core system, never assessed: due now; a category-1 system makes BCP drills due */
	sys(s, 2, 1);
	run(s, "2025-07-01", &d);
	assert_due(find(&d, "assessment", "system:2"), "2025-07-01", BS_DUTY_OVERDUE);
	assert_due(find(&d, "bcp-drill", "system:2"), "2025-07-01", BS_DUTY_OVERDUE);
	assert_null(find(&d, "bcp-drill", "system:1")); /* not core */
	bs_duties_release(&d);
	add_rec(s, "drill", json_pack("{s:s,s:s,s:[i]}", "kind", "bcp", "date", "2024-02-29", "systems", 2));
	run(s, "2025-07-01", &d);
	assert_due(find(&d, "bcp-drill", "system:2"), "2026-02-28", BS_DUTY_OK);
	bs_duties_release(&d);
	/* archived systems drop out */
	json_object_set_new(json_array_get(json_object_get(s, "system"), 1), "archived", json_true());
	run(s, "2025-07-01", &d);
	assert_null(find(&d, "assessment", "system:2"));
	bs_duties_release(&d);
	json_decref(s);
}

static void test_major_incident_reassessment_month_end(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	(void)state;
	sys(s, 2, 0);
	assessed(s, 1, "2024-01-10");
	add_rec(s, "incident", json_pack("{s:s,s:s,s:b,s:[i],s:s,s:s}", "title", "x", "detected", "2024-08-31T23:30:00Z",
					 "major", 1, "systems", 1, "reported_association", "2024-09-01T00:00:00Z",
					 "reported_regulator", "2024-09-01T00:00:00Z"));
	run(s, "2024-11-30", &d);
	/* 2024-08-31 + 3 months = 2024-11-30 (month-end clamp) */
	assert_due(find(&d, "reassessment", "system:1"), "2024-11-30", BS_DUTY_DUE_SOON);
	assert_null(find(&d, "report-association", "incident:1"));
	bs_duties_release(&d);
	run(s, "2024-12-01", &d);
	assert_int_equal(find(&d, "reassessment", "system:1")->status, BS_DUTY_OVERDUE);
	bs_duties_release(&d);
	assessed(s, 1, "2024-10-01");
	run(s, "2024-12-01", &d);
	assert_null(find(&d, "reassessment", "system:1"));
	bs_duties_release(&d);
	json_decref(s);
}

static void test_training_year_boundary(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	(void)state;
	add_rec(s, "person", json_pack("{s:s,s:s,s:b,s:s}", "name", "A", "role", "security", "background_check", 1,
				       "nda_signed", "2020-01-01"));
	add_rec(s, "person", json_pack("{s:s,s:s,s:b,s:s}", "name", "B", "role", "it", "background_check", 1,
				       "nda_signed", "2020-01-01"));
	add_rec(s, "person", json_pack("{s:s,s:s,s:s}", "name", "C", "role", "general", "hired", "2025-01-01"));
	/* security staff: only 資通安全專業課程 (kind professional) count; the general hour does not */
	add_rec(s, "training", json_pack("{s:i,s:s,s:f,s:s}", "person", 1, "date", "2024-12-31", "hours", 11.5, "kind",
					 "professional"));
	add_rec(s, "training", json_pack("{s:i,s:s,s:f,s:s}", "person", 1, "date", "2024-06-30", "hours", 1.0, "kind",
					 "general"));
	add_rec(s, "training", json_pack("{s:i,s:s,s:f,s:s}", "person", 1, "date", "2025-01-01", "hours", 0.5, "kind",
					 "professional"));
	add_rec(s, "training", json_pack("{s:i,s:s,s:f}", "person", 2, "date", "2024-01-01", "hours", 3.0));
	run(s, "2025-01-01", &d);
	/* 11.5 h professional in 2024 (+1 h general, which does not count): not met; the half hour
	 * on 2025-01-01 belongs to 2025 */
	assert_due(find(&d, "training-year", "person:1"), "2024-12-31", BS_DUTY_OVERDUE);
	assert_non_null(strstr(find(&d, "training-year", "person:1")->detail_en, "11.5/12 h of professional courses"));
	assert_due(find(&d, "training-year", "person:2"), "2024-12-31", BS_DUTY_OK);
	assert_null(find(&d, "training-year", "person:3")); /* hired after 2024 */
	assert_due(find(&d, "training-hours", "person:1"), "2025-12-31", BS_DUTY_OK);
	assert_non_null(strstr(find(&d, "training-hours", "person:1")->detail_en, "0.5/12 h"));
	assert_non_null(find(&d, "background-check", "person:3"));
	assert_non_null(find(&d, "confidentiality", "person:3"));
	assert_null(find(&d, "background-check", "person:1"));
	bs_duties_release(&d);
	/* the last day of the year: the current year's shortfall becomes due soon */
	run(s, "2025-12-31", &d);
	assert_due(find(&d, "training-hours", "person:2"), "2025-12-31", BS_DUTY_DUE_SOON);
	bs_duties_release(&d);
	json_decref(s);
}

static void test_backups_and_window(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	struct bs_schedule_opts o;
	(void)state;
	sys(s, 3, 0);
	add_rec(s, "backup", json_pack("{s:i,s:i,s:i,s:i,s:b,s:b,s:s,s:s}", "system", 1, "rpo_hours", 25, "copies", 3,
				       "media", 2, "offsite", 1, "offline", 0, "last_backup", "2024-12-30",
				       "last_restore_test", "2024-02-29"));
	bs_schedule_opts_default(&o, D("2025-01-01"));
	o.within = 0;
	assert_int_equal(bs_schedule_compute(s, &o, &d), 0);
	/* 25 h rounds up to 2 days */
	assert_due(find(&d, "backup", "backup:1"), "2025-01-01", BS_DUTY_DUE_SOON);
	assert_due(find(&d, "restore-test", "backup:1"), "2025-02-28", BS_DUTY_OK);
	assert_int_equal(find(&d, "backup-3-2-1", "backup:1")->status, BS_DUTY_OVERDUE);
	assert_null(find(&d, "backup-record", "system:1"));
	bs_duties_release(&d);
	o.restore_test_months = 6;
	assert_int_equal(bs_schedule_compute(s, &o, &d), 0);
	assert_due(find(&d, "restore-test", "backup:1"), "2024-08-29", BS_DUTY_OVERDUE);
	bs_duties_release(&d);
	json_decref(s);
}

/* Property: for every day of four years (a leap year included) as the last assessment,
 * a category-1 system is due on the same month and day a year later (29 Feb -> 28 Feb),
 * and its status flips exactly at the due day and at the window's edge. */
static void test_property_yearly_due(void **state)
{
	(void)state;
	for (int32_t last = D("2023-01-01"); last <= D("2026-12-31"); last++) {
		json_t *s = snap_new();
		struct bs_duties d;
		struct bs_schedule_opts o;
		char ls[BS_DATE_MAX];
		int y, y2;
		unsigned m, dd, m2, dd2;

		sys(s, 1, 0);
		bs_date_format(last, ls);
		assessed(s, 1, ls);
		bs_schedule_opts_default(&o, last);
		assert_int_equal(bs_schedule_compute(s, &o, &d), 0);
		const struct bs_duty *x = find(&d, "assessment", "system:1");
		assert_non_null(x);
		int32_t due = x->due;
		bs_civil_from_days(last, &y, &m, &dd);
		bs_civil_from_days(due, &y2, &m2, &dd2);
		assert_int_equal(y2, y + 1);
		assert_int_equal(m2, m);
		assert_true(dd2 == dd || (m == 2 && dd == 29 && dd2 == 28));
		assert_true(due - last == 365 || due - last == 366);
		bs_duties_release(&d);
		const int32_t probes[] = { due - o.within - 1, due - o.within, due, due + 1 };
		const enum bs_duty_status want[] = { BS_DUTY_OK, BS_DUTY_DUE_SOON, BS_DUTY_DUE_SOON, BS_DUTY_OVERDUE };
		for (int k = 0; k < 4; k++) {
			o.as_of = probes[k];
			assert_int_equal(bs_schedule_compute(s, &o, &d), 0);
			assert_int_equal(find(&d, "assessment", "system:1")->status, want[k]);
			bs_duties_release(&d);
		}
		json_decref(s);
	}
}

/* Property: duties come sorted by due day, then duty, then subject (system:2 before system:10). */
static void test_property_sorted(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	(void)state;
	for (int i = 0; i < 12; i++)
		sys(s, 1 + i % 3, i % 2);
	run(s, "2025-06-01", &d);
	assert_true(d.n > 12);
	for (size_t i = 1; i < d.n; i++) {
		assert_true(d.v[i - 1].due <= d.v[i].due);
		if (d.v[i - 1].due == d.v[i].due)
			assert_true(strcmp(d.v[i - 1].duty, d.v[i].duty) <= 0);
	}
	assert_string_equal(find(&d, "assessment", "system:2") < find(&d, "assessment", "system:10") ? "ok" : "bad", "ok");
	bs_duties_release(&d);
	json_decref(s);
}

static void test_ics_rfc5545(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	struct bs_buf b = BS_BUF_INIT;
	(void)state;
	add_rec(s, "system", json_pack("{s:s,s:i,s:b}", "name", "非常長的系統名稱，用來測試折行，不可切斷多位元組字元；逗號,分號;反斜線\\",
				       "category", 1, "core", 1));
	run(s, "2025-06-01", &d);
	bs_duties_ics(&d, BS_LANG_ZH_TW, D("2025-06-01") * (int64_t)86400000000, &b);
	assert_non_null(strstr(b.ptr, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
	assert_non_null(strstr(b.ptr, "UID:assessment-system-1-A2.3.1.1@brokersec\r\n"));
	assert_non_null(strstr(b.ptr, "DTSTAMP:20250601T000000Z\r\n"));
	assert_non_null(strstr(b.ptr, "DTSTART;VALUE=DATE:20250601\r\n"));
	assert_non_null(strstr(b.ptr, "\\,"));
	assert_non_null(strstr(b.ptr, "\\;"));
	assert_string_equal(b.ptr + b.len - 15, "END:VCALENDAR\r\n");
	/* every line ends in CRLF, is at most 75 octets, and a folded line starts with a space
	 * followed by a whole UTF-8 sequence */
	size_t start = 0, folded = 0;
	for (size_t i = 0; i < b.len; i++) {
		if (b.ptr[i] == '\n') {
			assert_true(i > 0 && b.ptr[i - 1] == '\r');
			assert_true(i - 1 - start <= 75);
			if (i + 1 < b.len && b.ptr[i + 1] == ' ') {
				folded++;
				assert_true(((unsigned char)b.ptr[i + 2] & 0xC0) != 0x80);
			}
			start = i + 1;
		} else if (b.ptr[i] == '\r') {
			assert_true(i + 1 < b.len && b.ptr[i + 1] == '\n');
		}
	}
	assert_true(folded > 0);
	bs_buf_release(&b);
	bs_duties_release(&d);
	json_decref(s);
}

static void test_policy_docs_by_profile(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	struct bs_schedule_opts o;
	(void)state;
	bs_schedule_opts_default(&o, D("2025-06-01"));
	assert_int_equal(bs_schedule_compute(s, &o, &d), 0);
	assert_non_null(find(&d, "policy-doc", "policy:social-media"));
	/* 第五條 行動裝置（含自攜裝置）: required with the BYOD flag off too */
	assert_non_null(find(&d, "policy-doc", "policy:byod"));
	assert_null(find(&d, "policy-doc", "policy:cloud")); /* SR.7 still follows its flag */
	bs_duties_release(&d);
	/* a BYOD device with the flag off is a defect of SR.5.3; a laptop is not */
	add_rec(s, "device", json_pack("{s:s,s:s}", "asset_tag", "NB", "kind", "laptop"));
	add_rec(s, "device", json_pack("{s:s,s:s}", "asset_tag", "B7", "kind", "byod"));
	add_rec(s, "device", json_pack("{s:s,s:s,s:s}", "asset_tag", "B8", "kind", "byod", "status", "disposed"));
	assert_int_equal(bs_schedule_compute(s, &o, &d), 0);
	assert_null(find(&d, "byod-profile", "device:1"));
	assert_string_equal(find(&d, "byod-profile", "device:2")->source, "SR.5.3");
	assert_null(find(&d, "byod-profile", "device:3"));
	bs_duties_release(&d);
	o.profile_mask = 1u << BS_PF_BYOD;
	add_rec(s, "policy-doc", json_pack("{s:s,s:s,s:[s,s],s:s}", "title", "BYOD", "kind", "byod", "items", "SR.5.1",
					   "SR.5.3", "approved", "2025-01-01"));
	assert_int_equal(bs_schedule_compute(s, &o, &d), 0);
	assert_null(find(&d, "policy-doc", "policy:byod"));
	assert_non_null(find(&d, "policy-items", "policy-doc:1"));
	assert_string_equal(find(&d, "policy-items", "policy-doc:1")->detail_en,
			    "document 'BYOD' lacks required items: SR.5.2");
	assert_null(find(&d, "byod-profile", "device:2")); /* the flag covers the device */
	bs_duties_release(&d);
	json_decref(s);
}

/* A1.4.1.1.5.2: a class-3 app with transaction functions makes its system category 1. */
static void test_app_brings_system_to_category1(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	(void)state;
	sys(s, 2, 0);
	sys(s, 3, 0);
	assessed(s, 1, "2024-03-01");
	assessed(s, 2, "2024-03-01");
	add_rec(s, "app", json_pack("{s:s,s:i,s:b,s:i}", "name", "Pay", "class", 3, "transactions", 1, "system", 1));
	add_rec(s, "app", json_pack("{s:s,s:i,s:b,s:i}", "name", "View", "class", 3, "transactions", 0, "system", 2));
	add_rec(s, "app", json_pack("{s:s,s:i,s:b}", "name", "Loose", "class", 3, "transactions", 1));
	run(s, "2025-06-01", &d);
	/* yearly, not every 3 years: due 2025-03-01, so overdue */
	assert_due(find(&d, "assessment", "system:1"), "2025-03-01", BS_DUTY_OVERDUE);
	assert_string_equal(find(&d, "assessment", "system:1")->source, "A2.3.1.1");
	assert_due(find(&d, "assessment", "system:2"), "2029-03-01", BS_DUTY_OK);
	assert_non_null(find(&d, "system-category", "system:1"));
	assert_null(find(&d, "system-category", "system:2"));
	assert_non_null(find(&d, "app-category", "app:1"));
	assert_null(find(&d, "app-category", "app:2"));
	assert_non_null(find(&d, "app-system", "app:3"));
	/* a category-1 system now exists, and the app's system is drilled though not core */
	assert_non_null(find(&d, "bcp-drill", "system:1"));
	assert_null(find(&d, "bcp-drill", "system:2"));
	bs_duties_release(&d);
	/* registered as category 1: no defect; the app archived: back to its own category */
	json_object_set_new(json_array_get(json_object_get(s, "system"), 0), "category", json_integer(1));
	run(s, "2025-06-01", &d);
	assert_null(find(&d, "system-category", "system:1"));
	assert_null(find(&d, "app-category", "app:1"));
	bs_duties_release(&d);
	json_object_set_new(json_array_get(json_object_get(s, "system"), 0), "category", json_integer(2));
	json_object_set_new(json_array_get(json_object_get(s, "app"), 0), "archived", json_true());
	run(s, "2025-06-01", &d);
	assert_due(find(&d, "assessment", "system:1"), "2027-03-01", BS_DUTY_OK);
	assert_null(find(&d, "bcp-drill", "system:1"));
	bs_duties_release(&d);
	json_decref(s);
}

/* A2.4.1.6.1.4: a review covers the systems it names; none named covers no system. */
static void test_account_review_per_system(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	(void)state;
	add_rec(s, "account-review", json_pack("{s:s}", "date", "2025-01-10")); /* `user review` */
	run(s, "2025-06-01", &d);
	assert_due(find(&d, "account-review", "org"), "2026-01-10", BS_DUTY_OK); /* no system registered */
	bs_duties_release(&d);
	sys(s, 1, 0);
	sys(s, 2, 0);
	run(s, "2025-06-01", &d);
	assert_null(find(&d, "account-review", "org"));
	assert_due(find(&d, "account-review", "system:1"), "2025-06-01", BS_DUTY_OVERDUE);
	assert_due(find(&d, "account-review", "system:2"), "2025-06-01", BS_DUTY_OVERDUE);
	bs_duties_release(&d);
	add_rec(s, "account-review", json_pack("{s:s,s:[i]}", "date", "2025-02-01", "systems", 2));
	run(s, "2025-06-01", &d);
	assert_due(find(&d, "account-review", "system:1"), "2025-06-01", BS_DUTY_OVERDUE);
	assert_due(find(&d, "account-review", "system:2"), "2026-02-01", BS_DUTY_OK);
	bs_duties_release(&d);
	json_decref(s);
}

/* A2.5.6.6 binds development vendors; a vendor of unknown kind is asked for it. */
static void test_vendor_development_only(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	(void)state;
	add_rec(s, "vendor", json_pack("{s:s,s:s,s:b}", "name", "Shred", "kind", "disposal", "confidentiality", 1));
	add_rec(s, "vendor", json_pack("{s:s,s:s,s:b}", "name", "Dev", "kind", "development", "confidentiality", 1));
	add_rec(s, "vendor", json_pack("{s:s,s:b}", "name", "Old", "confidentiality", 0));
	run(s, "2025-06-01", &d);
	assert_null(find(&d, "vendor-security", "vendor:1"));
	assert_null(find(&d, "vendor-kind", "vendor:1"));
	assert_non_null(find(&d, "vendor-security", "vendor:2"));
	assert_non_null(find(&d, "vendor-kind", "vendor:3"));
	assert_non_null(find(&d, "vendor-confidentiality", "vendor:3")); /* SR.4.3: every vendor */
	bs_duties_release(&d);
	json_decref(s);
}

/* A2.3.3: a stored major incident without systems is an open duty until they are named. */
static void test_major_incident_without_systems(void **state)
{
	json_t *s = snap_new();
	struct bs_duties d;
	(void)state;
	sys(s, 1, 0);
	add_rec(s, "incident", json_pack("{s:s,s:s,s:b}", "title", "x", "detected", "2025-03-01T00:00:00Z", "major", 1));
	add_rec(s, "incident", json_pack("{s:s,s:s,s:b}", "title", "y", "detected", "2025-03-02T00:00:00Z", "major", 0));
	run(s, "2025-06-01", &d);
	assert_due(find(&d, "reassessment-systems", "incident:1"), "2025-03-01", BS_DUTY_OVERDUE);
	assert_int_equal(find(&d, "reassessment-systems", "incident:1")->kind, BS_DUTY_DEFECT);
	assert_null(find(&d, "reassessment-systems", "incident:2"));
	assert_null(find(&d, "reassessment", "system:1"));
	bs_duties_release(&d);
	json_object_set_new(json_array_get(json_object_get(s, "incident"), 0), "systems", json_pack("[i]", 1));
	run(s, "2025-06-01", &d);
	assert_null(find(&d, "reassessment-systems", "incident:1"));
	assert_due(find(&d, "reassessment", "system:1"), "2025-06-01", BS_DUTY_DUE_SOON);
	bs_duties_release(&d);
	json_decref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assessment_cycles_and_leap_day),
		cmocka_unit_test(test_category_changed_and_system_added),
		cmocka_unit_test(test_major_incident_reassessment_month_end),
		cmocka_unit_test(test_training_year_boundary),
		cmocka_unit_test(test_backups_and_window),
		cmocka_unit_test(test_property_yearly_due),
		cmocka_unit_test(test_property_sorted),
		cmocka_unit_test(test_ics_rfc5545),
		cmocka_unit_test(test_policy_docs_by_profile),
		cmocka_unit_test(test_app_brings_system_to_category1),
		cmocka_unit_test(test_account_review_per_system),
		cmocka_unit_test(test_vendor_development_only),
		cmocka_unit_test(test_major_incident_without_systems),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
