/* The deadline engine. Every rule is one row of rules[]; the periods the text sets are in the
 * tables right below, each with the clause that sets it. */
#include "schedule/schedule.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "profile/profile.h"
#include "registry/registry.h"

/* A2.3.1: assessment cycle per system category. */
static const struct {
	int category;
	int months;
	const char *source;
} assessment_cycle[] = {
	{ 1, 12, "A2.3.1.1" },
	{ 2, 36, "A2.3.1.2" },
	{ 3, 60, "A2.3.1.3" },
};

/* SR.4.5: training hours per person per calendar year, by role (hundredths of an hour). */
static const struct {
	const char *role;
	int hundredths;
} training_hours[] = {
	{ "security", 1200 },
	{ "it", 300 },
	{ "general", 300 },
	{ "manager", 300 },
};

enum {
	REASSESS_MONTHS = 3,     /* A2.3.3: within 3 months of a major incident */
	BCP_MONTHS = 24,         /* A2.3.4: BCP drill of every core system every 2 years */
	PLAN_REVIEW_MONTHS = 36, /* A2.2.2: plan re-reviewed at least every 3 years */
	SE_DRILL_MONTHS = 12,    /* A2.6: social-engineering drill at least once a year */
	REPORT_KEEP_MONTHS = 60, /* A2.8: reports kept at least 5 years */
	LOG_KEEP_MONTHS = 6,     /* A2.4.1.7.1.1: event logs kept at least 6 months */
};

struct ctx {
	const json_t *snap;
	const struct bs_schedule_opts *o;
	struct bs_duties *out;
};

static void rule_assessment(struct ctx *c);
static void rule_reassessment(struct ctx *c);
static void rule_bcp_drill(struct ctx *c);
static void rule_plan_review(struct ctx *c);
static void rule_se_drill(struct ctx *c);
static void rule_training(struct ctx *c);
static void rule_backup(struct ctx *c);
static void rule_account_review(struct ctx *c);
static void rule_incidents(struct ctx *c);
static void rule_job_changes(struct ctx *c);
static void rule_people(struct ctx *c);
static void rule_vendors(struct ctx *c);
static void rule_disposals(struct ctx *c);
static void rule_apps(struct ctx *c);
static void rule_policy_docs(struct ctx *c);
static void rule_retention(struct ctx *c);

/* Every rule of the engine. */
static const struct rule {
	const char *name;
	const char *sources; /* for docs and people: the clauses the rule's duties cite */
	void (*run)(struct ctx *c);
} rules[] = {
	{ "assessment", "A2.3.1.1 A2.3.1.2 A2.3.1.3", rule_assessment },
	{ "reassessment", "A2.3.3", rule_reassessment },
	{ "bcp-drill", "A2.3.4", rule_bcp_drill },
	{ "plan-review", "A2.2.2", rule_plan_review },
	{ "social-engineering-drill", "A2.6", rule_se_drill },
	{ "training", "SR.4.5", rule_training },
	{ "backup", "A2.4.1.8.1 A2.4.1.8.2 A2.4.1.8.3 A3.7.11", rule_backup },
	{ "account-review", "A2.4.1.6.1.4", rule_account_review },
	{ "incident", "SR.19 A3.6", rule_incidents },
	{ "job-change", "SR.4.7", rule_job_changes },
	{ "person", "SR.4.1 SR.4.2", rule_people },
	{ "vendor", "SR.4.3 A2.5.6.6", rule_vendors },
	{ "disposal", "SR.17", rule_disposals },
	{ "app", "A1.T1", rule_apps },
	{ "policy-doc", "SR.5 SR.6 SR.7 SR.13 SR.17 SR.18", rule_policy_docs },
	{ "retention", "A2.8 A2.4.1.7.1.1", rule_retention },
};

void bs_schedule_opts_default(struct bs_schedule_opts *o, int32_t as_of)
{
	memset(o, 0, sizeof(*o));
	o->as_of = as_of;
	o->within = 90;
	o->restore_test_months = 12;
	o->account_review_months = 12;
}

int bs_training_required(const char *role)
{
	for (size_t i = 0; role && i < sizeof(training_hours) / sizeof(training_hours[0]); i++)
		if (!strcmp(training_hours[i].role, role))
			return training_hours[i].hundredths;
	return -1;
}

/* --- helpers --- */

enum force { BY_DATE, FORCE_OVERDUE, FORCE_OK };

static void add(struct ctx *c, const char *duty, const char *source, const char *subject, int32_t due,
		enum bs_duty_kind kind, enum force force, const char *zh, const char *en)
{
	struct bs_duties *d = c->out;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->v = bs_realloc(d->v, bs_size_mul(d->cap, sizeof(*d->v)));
	}
	struct bs_duty *x = &d->v[d->n++];
	memset(x, 0, sizeof(*x));
	x->duty = duty;
	snprintf(x->source, sizeof(x->source), "%s", source);
	snprintf(x->subject, sizeof(x->subject), "%s", subject);
	x->due = due;
	x->kind = kind;
	if (kind == BS_DUTY_RETENTION || force == FORCE_OK)
		x->status = BS_DUTY_OK;
	else if (force == FORCE_OVERDUE || due < c->o->as_of)
		x->status = BS_DUTY_OVERDUE;
	else if (due <= c->o->as_of + c->o->within)
		x->status = BS_DUTY_DUE_SOON;
	else
		x->status = BS_DUTY_OK;
	x->detail_zh = bs_strdup(zh);
	x->detail_en = bs_strdup(en);
}

/* Two detail texts built with printf formats. */
struct detail {
	struct bs_buf zh, en;
};

static void dz(struct detail *d, const char *fmt, ...) BS_PRINTF(2, 3);
static void dz(struct detail *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bs_buf_vprintf(&d->zh, fmt, ap);
	va_end(ap);
}

static void de(struct detail *d, const char *fmt, ...) BS_PRINTF(2, 3);
static void de(struct detail *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bs_buf_vprintf(&d->en, fmt, ap);
	va_end(ap);
}

static void emit(struct ctx *c, const char *duty, const char *source, const char *subject, int32_t due,
		 enum bs_duty_kind kind, enum force force, struct detail *d)
{
	add(c, duty, source, subject, due, kind, force, d->zh.ptr, d->en.ptr);
	bs_buf_release(&d->zh);
	bs_buf_release(&d->en);
}

#define DETAIL_INIT { BS_BUF_INIT, BS_BUF_INIT }

static const json_t *records(const struct ctx *c, const char *reg)
{
	const json_t *a = json_object_get(c->snap, reg);
	return json_is_array(a) ? a : NULL;
}

static int live(const json_t *rec)
{
	return json_is_object(rec) && !json_is_true(json_object_get(rec, "archived"));
}

#define EACH_LIVE(c, reg, i, rec)                                                              \
	for (size_t i = 0, i##_n = json_array_size(records(c, reg)); i < i##_n; i++)            \
		for (const json_t *rec = json_array_get(records(c, reg), i); rec && live(rec); rec = NULL)

static int64_t id_of(const json_t *rec)
{
	return (int64_t)json_integer_value(json_object_get(rec, "id"));
}

static const char *str(const json_t *rec, const char *f)
{
	const json_t *v = json_object_get(rec, f);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t num(const json_t *rec, const char *f, int64_t dflt)
{
	const json_t *v = json_object_get(rec, f);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static int flag(const json_t *rec, const char *f)
{
	return json_is_true(json_object_get(rec, f));
}

/* A date field; 0 when present and valid, -1 otherwise. */
static int date_of(const json_t *rec, const char *f, int32_t *out)
{
	const char *s = str(rec, f);
	if (!s)
		return -1;
	/* times ("...T...Z") count by their UTC day */
	if (strlen(s) > 10 && s[10] == 'T') {
		int64_t us;
		if (bs_time_parse(s, &us) < 0)
			return -1;
		*out = bs_days_from_time(us);
		return 0;
	}
	return bs_date_parse(s, out) < 0 ? -1 : 0;
}

static void subj(char *out, size_t n, const char *reg, int64_t id)
{
	snprintf(out, n, "%s:%lld", reg, (long long)id);
}

static int refs_contain(const json_t *rec, const char *f, int64_t id)
{
	const json_t *a = json_object_get(rec, f);
	for (size_t i = 0; i < json_array_size(a); i++)
		if ((int64_t)json_integer_value(json_array_get(a, i)) == id)
			return 1;
	return 0;
}

static void fmt_date(int32_t d, char out[BS_DATE_MAX])
{
	bs_date_format(d, out);
}

/* --- the rules --- */

/* The last assessment of a system completed on or before as_of; 0 found, -1 none. */
static int last_assessment(struct ctx *c, int64_t system, int32_t *out)
{
	int found = -1;
	EACH_LIVE(c, "assessment", i, a) {
		int32_t d;
		if (num(a, "system", 0) != system || date_of(a, "completed", &d) < 0 || d > c->o->as_of)
			continue;
		if (found < 0 || d > *out)
			*out = d;
		found = 0;
	}
	return found;
}

static void rule_assessment(struct ctx *c)
{
	EACH_LIVE(c, "system", i, s) {
		int cat = (int)num(s, "category", 0);
		struct detail d = DETAIL_INIT;
		char sj[40], last_s[BS_DATE_MAX], due_s[BS_DATE_MAX];
		int32_t last = 0;
		size_t k;

		for (k = 0; k < sizeof(assessment_cycle) / sizeof(assessment_cycle[0]); k++)
			if (assessment_cycle[k].category == cat)
				break;
		if (k == sizeof(assessment_cycle) / sizeof(assessment_cycle[0]))
			continue;
		subj(sj, sizeof(sj), "system", id_of(s));
		if (last_assessment(c, id_of(s), &last) < 0) {
			dz(&d, "第%d類系統「%s」尚未評估：應立即評估", cat, str(s, "name"));
			de(&d, "category %d system '%s' never assessed: assess it now", cat, str(s, "name"));
			emit(c, "assessment", assessment_cycle[k].source, sj, c->o->as_of, BS_DUTY_RECURRING, FORCE_OVERDUE, &d);
			continue;
		}
		int32_t due = bs_date_add_months(last, assessment_cycle[k].months);
		fmt_date(last, last_s);
		fmt_date(due, due_s);
		dz(&d, "第%d類系統「%s」上次評估 %s，每 %d 年至少一次", cat, str(s, "name"), last_s,
		   assessment_cycle[k].months / 12);
		de(&d, "category %d system '%s' last assessed %s; at least every %d year%s", cat, str(s, "name"), last_s,
		   assessment_cycle[k].months / 12, assessment_cycle[k].months > 12 ? "s" : "");
		emit(c, "assessment", assessment_cycle[k].source, sj, due, BS_DUTY_RECURRING, BY_DATE, &d);
	}
}

static void rule_reassessment(struct ctx *c)
{
	EACH_LIVE(c, "incident", i, inc) {
		int32_t detected;
		const json_t *systems = json_object_get(inc, "systems");
		if (!flag(inc, "major") || date_of(inc, "detected", &detected) < 0 || detected > c->o->as_of)
			continue;
		for (size_t k = 0; k < json_array_size(systems); k++) {
			int64_t sid = (int64_t)json_integer_value(json_array_get(systems, k));
			struct detail d = DETAIL_INIT;
			char sj[40], det_s[BS_DATE_MAX];
			int32_t last = 0;
			int live_system = 0;

			EACH_LIVE(c, "system", j, s)
				live_system |= id_of(s) == sid;
			if (!live_system)
				continue;
			/* an assessment completed on or after the day of detection answers it */
			if (last_assessment(c, sid, &last) == 0 && last >= detected)
				continue;
			subj(sj, sizeof(sj), "system", sid);
			fmt_date(detected, det_s);
			dz(&d, "重大資安事件 incident:%lld（%s 發現）：三個月內重新評估", (long long)id_of(inc), det_s);
			de(&d, "major incident incident:%lld detected %s: reassess within 3 months", (long long)id_of(inc),
			   det_s);
			emit(c, "reassessment", "A2.3.3", sj, bs_date_add_months(detected, REASSESS_MONTHS),
			     BS_DUTY_RECURRING, BY_DATE, &d);
		}
	}
}

static void rule_bcp_drill(struct ctx *c)
{
	int any_cat1 = 0;
	EACH_LIVE(c, "system", i, s)
		any_cat1 |= num(s, "category", 0) == 1;
	if (!any_cat1)
		return;
	EACH_LIVE(c, "system", i, s) {
		struct detail d = DETAIL_INIT;
		char sj[40], last_s[BS_DATE_MAX];
		int32_t last = 0;
		int found = 0;

		if (!flag(s, "core"))
			continue;
		/* a BCP drill covers the systems it lists; one that lists none covered every core system */
		EACH_LIVE(c, "drill", j, dr) {
			int32_t dd;
			const char *kind = str(dr, "kind");
			if (!kind || strcmp(kind, "bcp") || date_of(dr, "date", &dd) < 0 || dd > c->o->as_of)
				continue;
			if (json_array_size(json_object_get(dr, "systems")) && !refs_contain(dr, "systems", id_of(s)))
				continue;
			if (!found || dd > last)
				last = dd;
			found = 1;
		}
		subj(sj, sizeof(sj), "system", id_of(s));
		if (!found) {
			dz(&d, "核心系統「%s」尚無業務持續運作演練：應立即辦理", str(s, "name"));
			de(&d, "core system '%s' has no business-continuity drill: hold one now", str(s, "name"));
			emit(c, "bcp-drill", "A2.3.4", sj, c->o->as_of, BS_DUTY_RECURRING, FORCE_OVERDUE, &d);
			continue;
		}
		fmt_date(last, last_s);
		dz(&d, "核心系統「%s」上次演練 %s，每二年至少一次", str(s, "name"), last_s);
		de(&d, "core system '%s' last drilled %s; at least every 2 years", str(s, "name"), last_s);
		emit(c, "bcp-drill", "A2.3.4", sj, bs_date_add_months(last, BCP_MONTHS), BS_DUTY_RECURRING, BY_DATE, &d);
	}
}

/* The latest date field f among live records of reg (optionally of one kind); 0 / -1. */
static int latest(struct ctx *c, const char *reg, const char *f, const char *kind, int32_t *out)
{
	int found = -1;
	EACH_LIVE(c, reg, i, r) {
		int32_t d;
		if (kind && (!str(r, "kind") || strcmp(str(r, "kind"), kind)))
			continue;
		if (date_of(r, f, &d) < 0 || d > c->o->as_of)
			continue;
		if (found < 0 || d > *out)
			*out = d;
		found = 0;
	}
	return found;
}

static void periodic_org(struct ctx *c, const char *duty, const char *source, const char *reg, const char *f,
			 const char *kind, int months, const char *zh_what, const char *en_what)
{
	struct detail d = DETAIL_INIT;
	char last_s[BS_DATE_MAX];
	int32_t last = 0;

	if (latest(c, reg, f, kind, &last) < 0) {
		dz(&d, "尚無%s紀錄：應立即辦理", zh_what);
		de(&d, "no %s recorded: do it now", en_what);
		emit(c, duty, source, "org", c->o->as_of, BS_DUTY_RECURRING, FORCE_OVERDUE, &d);
		return;
	}
	fmt_date(last, last_s);
	dz(&d, "上次%s %s，每 %d 個月至少一次", zh_what, last_s, months);
	de(&d, "last %s %s; at least every %d months", en_what, last_s, months);
	emit(c, duty, source, "org", bs_date_add_months(last, months), BS_DUTY_RECURRING, BY_DATE, &d);
}

static void rule_plan_review(struct ctx *c)
{
	periodic_org(c, "plan-review", "A2.2.2", "plan", "approved", NULL, PLAN_REVIEW_MONTHS, "評估計畫核定",
		     "assessment plan approval");
}

static void rule_se_drill(struct ctx *c)
{
	periodic_org(c, "social-engineering-drill", "A2.6", "drill", "date", "social-engineering", SE_DRILL_MONTHS,
		     "社交工程演練", "social-engineering drill");
}

static void rule_account_review(struct ctx *c)
{
	/* NEEDSWORK: the text says only 定期 (periodically); 12 months unless made stricter. */
	periodic_org(c, "account-review", "A2.4.1.6.1.4", "account-review", "date", NULL, c->o->account_review_months,
		     "帳號審核", "account review");
}

/* Hours (hundredths) person pid trained in calendar year y. */
static int64_t hours_in(struct ctx *c, int64_t pid, int y)
{
	int64_t sum = 0;
	EACH_LIVE(c, "training", i, t) {
		int32_t d;
		int ty;
		unsigned m, dd;
		const json_t *h = json_object_get(t, "hours");
		if (num(t, "person", 0) != pid || date_of(t, "date", &d) < 0 || d > c->o->as_of || !json_is_number(h))
			continue;
		bs_civil_from_days(d, &ty, &m, &dd);
		if (ty == y)
			sum += (int64_t)(json_number_value(h) * 100.0 + 0.5);
	}
	return sum;
}

static void hours_text(struct bs_buf *b, int64_t h)
{
	if (h % 100 == 0)
		bs_buf_printf(b, "%lld", (long long)(h / 100));
	else if (h % 10 == 0)
		bs_buf_printf(b, "%lld.%lld", (long long)(h / 100), (long long)(h % 100 / 10));
	else
		bs_buf_printf(b, "%lld.%02lld", (long long)(h / 100), (long long)(h % 100));
}

static void rule_training(struct ctx *c)
{
	int y;
	unsigned m, dd;

	bs_civil_from_days(c->o->as_of, &y, &m, &dd);
	EACH_LIVE(c, "person", i, p) {
		int req = bs_training_required(str(p, "role"));
		int32_t hired;
		int have_hired = date_of(p, "hired", &hired) == 0;
		char sj[40];

		if (req < 0)
			continue;
		subj(sj, sizeof(sj), "person", id_of(p));
		for (int year = y - 1; year <= y; year++) {
			int32_t end = bs_days_from_civil(year, 12, 31);
			struct detail d = DETAIL_INIT;
			struct bs_buf got = BS_BUF_INIT, need = BS_BUF_INIT;
			int64_t h;

			/* NEEDSWORK: someone hired during a year owes the full hours; the text sets no
			 * pro-rating, so none is applied. */
			if (have_hired && hired > end)
				continue;
			h = hours_in(c, id_of(p), year);
			hours_text(&got, h);
			hours_text(&need, req);
			if (year < y) {
				int met = h >= req;
				dz(&d, "%d 年「%s」(%s) 訓練 %s/%s 小時：%s", year, str(p, "name"), str(p, "role"), got.ptr,
				   need.ptr, met ? "符合" : "未達");
				de(&d, "%d: '%s' (%s) trained %s/%s h: %s", year, str(p, "name"), str(p, "role"), got.ptr,
				   need.ptr, met ? "met" : "not met");
				emit(c, "training-year", "SR.4.5", sj, end, BS_DUTY_DEFECT, met ? FORCE_OK : FORCE_OVERDUE, &d);
			} else {
				int met = h >= req;
				dz(&d, "%d 年「%s」(%s) 已訓練 %s/%s 小時%s", year, str(p, "name"), str(p, "role"), got.ptr,
				   need.ptr, met ? "，已達標" : "");
				de(&d, "%d: '%s' (%s) trained %s/%s h so far%s", year, str(p, "name"), str(p, "role"), got.ptr,
				   need.ptr, met ? ", met" : "");
				emit(c, "training-hours", "SR.4.5", sj, end, BS_DUTY_RECURRING, met ? FORCE_OK : BY_DATE, &d);
			}
			bs_buf_release(&got);
			bs_buf_release(&need);
		}
	}
}

static void rule_backup(struct ctx *c)
{
	EACH_LIVE(c, "system", i, s) {
		int has = 0;
		EACH_LIVE(c, "backup", j, b)
			has |= num(b, "system", 0) == id_of(s);
		if (!has) {
			struct detail d = DETAIL_INIT;
			char sj[40];
			subj(sj, sizeof(sj), "system", id_of(s));
			dz(&d, "系統「%s」未登錄備份與可容忍資料損失時間", str(s, "name"));
			de(&d, "system '%s' has no backup record with its tolerated data loss", str(s, "name"));
			emit(c, "backup-record", "A2.4.1.8.1", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
	}
	EACH_LIVE(c, "backup", i, b) {
		struct detail d = DETAIL_INIT;
		char sj[40], ds[BS_DATE_MAX];
		int32_t last = 0;
		int64_t rpo = num(b, "rpo_hours", 24);
		int rpo_days = (int)((rpo + 23) / 24);

		subj(sj, sizeof(sj), "backup", id_of(b));
		if (date_of(b, "last_backup", &last) < 0) {
			dz(&d, "system:%lld 尚無備份紀錄", (long long)num(b, "system", 0));
			de(&d, "system:%lld has no backup recorded", (long long)num(b, "system", 0));
			emit(c, "backup", "A2.4.1.8.2", sj, c->o->as_of, BS_DUTY_RECURRING, FORCE_OVERDUE, &d);
		} else {
			fmt_date(last, ds);
			dz(&d, "system:%lld 上次備份 %s，可容忍資料損失 %lld 小時", (long long)num(b, "system", 0), ds,
			   (long long)rpo);
			de(&d, "system:%lld last backup %s; tolerated data loss %lld h", (long long)num(b, "system", 0), ds,
			   (long long)rpo);
			emit(c, "backup", "A2.4.1.8.2", sj, last + rpo_days, BS_DUTY_RECURRING, BY_DATE, &d);
		}
		if (date_of(b, "last_restore_test", &last) < 0) {
			dz(&d, "system:%lld 備份尚未做還原測試", (long long)num(b, "system", 0));
			de(&d, "system:%lld backups never restore-tested", (long long)num(b, "system", 0));
			emit(c, "restore-test", "A2.4.1.8.3", sj, c->o->as_of, BS_DUTY_RECURRING, FORCE_OVERDUE, &d);
		} else {
			fmt_date(last, ds);
			dz(&d, "system:%lld 上次還原測試 %s，每 %d 個月至少一次", (long long)num(b, "system", 0), ds,
			   c->o->restore_test_months);
			de(&d, "system:%lld last restore test %s; at least every %d months", (long long)num(b, "system", 0),
			   ds, c->o->restore_test_months);
			emit(c, "restore-test", "A2.4.1.8.3", sj, bs_date_add_months(last, c->o->restore_test_months),
			     BS_DUTY_RECURRING, BY_DATE, &d);
		}
		int64_t copies = num(b, "copies", 0), media = num(b, "media", 0);
		if (copies < 3 || media < 2 || !flag(b, "offsite") || !flag(b, "offline")) {
			dz(&d, "system:%lld 備份未符合 3-2-1：%lld 份（應 3）、%lld 種媒體（應 2）、%s異地、%s離線",
			   (long long)num(b, "system", 0), (long long)copies, (long long)media,
			   flag(b, "offsite") ? "有" : "無", flag(b, "offline") ? "有" : "無");
			de(&d, "system:%lld backups are not 3-2-1: %lld copies (need 3), %lld media (need 2), %s, %s",
			   (long long)num(b, "system", 0), (long long)copies, (long long)media,
			   flag(b, "offsite") ? "off-site" : "no off-site copy", flag(b, "offline") ? "offline" : "no offline copy");
			emit(c, "backup-3-2-1", "A3.7.11", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
	}
}

static void rule_incidents(struct ctx *c)
{
	static const struct {
		const char *field, *duty, *zh, *en;
	} reports[] = {
		{ "reported_association", "report-association", "本公會", "the association" },
		{ "reported_regulator", "report-regulator", "主管機關", "the regulator" },
	};
	static const char *const steps[] = { "isolate", "scan", "preserve", "restore", "improve", NULL };

	EACH_LIVE(c, "incident", i, inc) {
		int32_t detected;
		char sj[40];
		if (date_of(inc, "detected", &detected) < 0 || detected > c->o->as_of)
			continue;
		subj(sj, sizeof(sj), "incident", id_of(inc));
		/* SR.19: incidents and personal-data breaches are reported as soon as possible */
		if (flag(inc, "major") || flag(inc, "personal_data")) {
			for (size_t k = 0; k < sizeof(reports) / sizeof(reports[0]); k++) {
				struct detail d = DETAIL_INIT;
				if (str(inc, reports[k].field))
					continue;
				dz(&d, "「%s」尚未通報%s：應儘速通報", str(inc, "title"), reports[k].zh);
				de(&d, "'%s' not yet reported to %s: report it as soon as possible", str(inc, "title"),
				   reports[k].en);
				emit(c, reports[k].duty, "SR.19", sj, detected, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
			}
		}
		if (flag(inc, "ransomware")) {
			struct bs_buf miss = BS_BUF_INIT;
			for (int k = 0; steps[k]; k++) {
				const json_t *done = json_object_get(inc, "steps");
				int has = 0;
				for (size_t j = 0; j < json_array_size(done); j++)
					has |= !strcmp(json_string_value(json_array_get(done, j)), steps[k]);
				if (!has)
					bs_buf_printf(&miss, "%s%s", miss.len ? "," : "", steps[k]);
			}
			if (miss.len) {
				struct detail d = DETAIL_INIT;
				dz(&d, "勒索軟體事件「%s」尚缺應變步驟：%s", str(inc, "title"), miss.ptr);
				de(&d, "ransomware incident '%s' lacks response steps: %s", str(inc, "title"), miss.ptr);
				emit(c, "response-steps", "A3.6", sj, detected, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
			}
			bs_buf_release(&miss);
		}
	}
}

static void rule_job_changes(struct ctx *c)
{
	EACH_LIVE(c, "job-change", i, jc) {
		int32_t day;
		char sj[40], ds[BS_DATE_MAX];
		if (date_of(jc, "date", &day) < 0)
			continue;
		subj(sj, sizeof(sj), "job-change", id_of(jc));
		fmt_date(day, ds);
		if (!str(jc, "access_revoked")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "person:%lld %s（%s）：存取權限尚未註銷", (long long)num(jc, "person", 0), str(jc, "kind"), ds);
			de(&d, "person:%lld %s on %s: access not yet revoked", (long long)num(jc, "person", 0),
			   str(jc, "kind"), ds);
			emit(c, "access-revoke", "SR.4.7", sj, day, BS_DUTY_DEFECT, day < c->o->as_of ? FORCE_OVERDUE : BY_DATE,
			     &d);
		}
		if (!str(jc, "assets_returned")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "person:%lld %s（%s）：資產尚未歸還", (long long)num(jc, "person", 0), str(jc, "kind"), ds);
			de(&d, "person:%lld %s on %s: assets not yet returned", (long long)num(jc, "person", 0),
			   str(jc, "kind"), ds);
			emit(c, "assets-return", "SR.4.7", sj, day, BS_DUTY_DEFECT, day < c->o->as_of ? FORCE_OVERDUE : BY_DATE,
			     &d);
		}
	}
}

static void rule_people(struct ctx *c)
{
	EACH_LIVE(c, "person", i, p) {
		int32_t hired;
		int32_t due = date_of(p, "hired", &hired) == 0 && hired < c->o->as_of ? hired : c->o->as_of;
		char sj[40];
		subj(sj, sizeof(sj), "person", id_of(p));
		if (!flag(p, "background_check")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "「%s」尚無背景查核紀錄", str(p, "name"));
			de(&d, "'%s' has no background check recorded", str(p, "name"));
			emit(c, "background-check", "SR.4.1", sj, due, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
		if (!str(p, "nda_signed")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "「%s」尚未簽署保密切結", str(p, "name"));
			de(&d, "'%s' has not signed a confidentiality agreement", str(p, "name"));
			emit(c, "confidentiality", "SR.4.2", sj, due, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
	}
}

static void rule_vendors(struct ctx *c)
{
	EACH_LIVE(c, "vendor", i, v) {
		char sj[40];
		subj(sj, sizeof(sj), "vendor", id_of(v));
		if (!flag(v, "confidentiality")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "委外廠商「%s」契約無保密條款", str(v, "name"));
			de(&d, "vendor '%s': no confidentiality clause in the contract", str(v, "name"));
			emit(c, "vendor-confidentiality", "SR.4.3", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
		if (!flag(v, "security_requirements")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "委外廠商「%s」契約未納入資安要求", str(v, "name"));
			de(&d, "vendor '%s': no security requirements in the contract", str(v, "name"));
			emit(c, "vendor-security", "A2.5.6.6", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
	}
}

static void rule_disposals(struct ctx *c)
{
	EACH_LIVE(c, "disposal", i, x) {
		struct bs_buf zh = BS_BUF_INIT, en = BS_BUF_INIT;
		int32_t day;
		char sj[40];
		if (date_of(x, "date", &day) < 0)
			continue;
		if (!flag(x, "data_removed")) {
			bs_buf_puts(&zh, "資料未確認清除");
			bs_buf_puts(&en, "data removal not recorded");
		}
		if (!flag(x, "software_removed")) {
			bs_buf_printf(&zh, "%s授權軟體未確認移除", zh.len ? "、" : "");
			bs_buf_printf(&en, "%slicensed software removal not recorded", en.len ? "; " : "");
		}
		if (!str(x, "verified_by")) {
			bs_buf_printf(&zh, "%s無確認人", zh.len ? "、" : "");
			bs_buf_printf(&en, "%sno verifier", en.len ? "; " : "");
		}
		if (zh.len) {
			struct detail d = DETAIL_INIT;
			subj(sj, sizeof(sj), "disposal", id_of(x));
			dz(&d, "報廢「%s」：%s", str(x, "description"), zh.ptr);
			de(&d, "disposal of '%s': %s", str(x, "description"), en.ptr);
			emit(c, "disposal-record", "SR.17", sj, day, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
		bs_buf_release(&zh);
		bs_buf_release(&en);
	}
}

static void rule_apps(struct ctx *c)
{
	EACH_LIVE(c, "app", i, a) {
		int cls = (int)num(a, "class", 0);
		const json_t *met = json_object_get(a, "met");
		struct bs_buf miss = BS_BUF_INIT;
		size_t nmiss = 0;
		char sj[40];

		for (int row = 1; row <= 19; row++) {
			char id[24];
			int has = 0;
			snprintf(id, sizeof(id), "A1.T1.%02u", (unsigned)row % 100u);
			if (!bs_app_requires(id, cls))
				continue;
			for (size_t j = 0; j < json_array_size(met); j++)
				has |= !strcmp(json_string_value(json_array_get(met, j)), id);
			if (!has) {
				bs_buf_printf(&miss, "%s%s", miss.len ? "," : "", id);
				nmiss++;
			}
		}
		if (nmiss) {
			struct detail d = DETAIL_INIT;
			subj(sj, sizeof(sj), "app", id_of(a));
			dz(&d, "第%d級 App「%s」尚有 %zu 項表一要求未符合：%s", cls, str(a, "name"), nmiss, miss.ptr);
			de(&d, "class %d app '%s' has %zu unmet Table 1 requirements: %s", cls, str(a, "name"), nmiss, miss.ptr);
			emit(c, "app-requirements", "A1.T1", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
		bs_buf_release(&miss);
	}
}

static void rule_policy_docs(struct ctx *c)
{
	for (size_t k = 0; bs_policy_kinds[k].kind; k++) {
		const struct bs_policy_kind *pk = &bs_policy_kinds[k];
		int any = 0;
		if (pk->profile_flag >= 0 && !(c->o->profile_mask & (1u << pk->profile_flag)))
			continue;
		EACH_LIVE(c, "policy-doc", i, doc) {
			struct bs_buf miss = BS_BUF_INIT;
			const json_t *items = json_object_get(doc, "items");
			char sj[40];
			if (!str(doc, "kind") || strcmp(str(doc, "kind"), pk->kind))
				continue;
			any = 1;
			subj(sj, sizeof(sj), "policy-doc", id_of(doc));
			for (size_t j = 0; pk->items[j]; j++) {
				int has = 0;
				for (size_t n = 0; n < json_array_size(items); n++)
					has |= !strcmp(json_string_value(json_array_get(items, n)), pk->items[j]);
				if (!has)
					bs_buf_printf(&miss, "%s%s", miss.len ? "," : "", pk->items[j]);
			}
			if (miss.len) {
				struct detail d = DETAIL_INIT;
				dz(&d, "規範「%s」尚缺應含項目：%s", str(doc, "title"), miss.ptr);
				de(&d, "document '%s' lacks required items: %s", str(doc, "title"), miss.ptr);
				emit(c, "policy-items", pk->article, sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
			}
			if (!str(doc, "approved")) {
				struct detail d = DETAIL_INIT;
				dz(&d, "規範「%s」尚未核定", str(doc, "title"));
				de(&d, "document '%s' is not approved", str(doc, "title"));
				emit(c, "policy-approval", pk->article, sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
			}
			bs_buf_release(&miss);
		}
		if (!any) {
			struct detail d = DETAIL_INIT;
			char sj[40];
			snprintf(sj, sizeof(sj), "policy:%s", pk->kind);
			dz(&d, "尚無 %s 規範文件（%s）", pk->kind, pk->article);
			de(&d, "no %s document (%s) in the policy-doc register", pk->kind, pk->article);
			emit(c, "policy-doc", pk->article, sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
	}
}

static void rule_retention(struct ctx *c)
{
	struct detail d = DETAIL_INIT;
	char ds[BS_DATE_MAX];
	int32_t since = bs_date_add_months(c->o->as_of, -LOG_KEEP_MONTHS);

	EACH_LIVE(c, "assessment", i, a) {
		int32_t done;
		char sj[40];
		if (date_of(a, "completed", &done) < 0)
			continue;
		int32_t until = bs_date_add_months(done, REPORT_KEEP_MONTHS);
		subj(sj, sizeof(sj), "assessment", id_of(a));
		fmt_date(until, ds);
		dz(&d, "評估報告及缺失改善文件保存至 %s 以後", ds);
		de(&d, "keep the report and its remediation records until at least %s", ds);
		emit(c, "report-retention", "A2.8", sj, until, BS_DUTY_RETENTION, FORCE_OK, &d);
	}
	fmt_date(since, ds);
	dz(&d, "%s 以後的事件日誌均應保存（至少六個月）", ds);
	de(&d, "keep every event logged since %s (at least 6 months)", ds);
	emit(c, "log-retention", "A2.4.1.7.1.1", "eventlog", since, BS_DUTY_RETENTION, FORCE_OK, &d);
}

/* --- ordering and output --- */

/* "system:10" after "system:9": compare the text before the digits, then the number. */
static int subject_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			char *ea, *eb;
			unsigned long long na = strtoull(a, &ea, 10), nb = strtoull(b, &eb, 10);
			if (na != nb)
				return na < nb ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int duty_cmp(const void *pa, const void *pb)
{
	const struct bs_duty *a = pa, *b = pb;
	int r;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	if ((r = strcmp(a->duty, b->duty)) != 0)
		return r;
	if ((r = subject_cmp(a->subject, b->subject)) != 0)
		return r;
	return strcmp(a->source, b->source);
}

int bs_schedule_compute(const json_t *snapshot, const struct bs_schedule_opts *o, struct bs_duties *out)
{
	struct ctx c = { snapshot, o, out };

	memset(out, 0, sizeof(*out));
	if (!json_is_object(snapshot))
		return bs_error(BS_EINVALID, "the register snapshot is not a JSON object");
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		rules[i].run(&c);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), duty_cmp);
	return 0;
}

void bs_duties_release(struct bs_duties *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].detail_zh);
		free(d->v[i].detail_en);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

const char *bs_duty_status_name(enum bs_duty_status s)
{
	switch (s) {
	case BS_DUTY_OVERDUE: return "overdue";
	case BS_DUTY_DUE_SOON: return "due_soon";
	case BS_DUTY_OK: return "ok";
	}
	return "?";
}

const char *bs_duty_status_label(enum bs_duty_status s, enum bs_lang lang)
{
	switch (s) {
	case BS_DUTY_OVERDUE: return BS_T(lang, "逾期", "overdue");
	case BS_DUTY_DUE_SOON: return BS_T(lang, "即將到期", "due soon");
	case BS_DUTY_OK: return BS_T(lang, "正常", "ok");
	}
	return "?";
}

json_t *bs_duties_json(const struct bs_duties *d, enum bs_lang lang)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < d->n; i++) {
		const struct bs_duty *x = &d->v[i];
		char due[BS_DATE_MAX];
		json_t *o = json_object();
		bs_date_format(x->due, due);
		json_object_set_new(o, "duty", json_string(x->duty));
		json_object_set_new(o, "source", json_string(x->source));
		json_object_set_new(o, "subject", json_string(x->subject));
		json_object_set_new(o, "due", json_string(due));
		json_object_set_new(o, "status", json_string(bs_duty_status_name(x->status)));
		json_object_set_new(o, "detail", json_string(BS_T(lang, x->detail_zh, x->detail_en)));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped in TEXT. */
static void ics_text(struct bs_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			bs_buf_putc(b, '\\');
		if (*s == '\n') {
			bs_buf_puts(b, "\\n");
			continue;
		}
		if (*s == '\r')
			continue;
		bs_buf_putc(b, *s);
	}
}

/* RFC 5545 3.1: lines longer than 75 octets are folded with CRLF + space, never inside a
 * UTF-8 sequence. */
static void ics_line(struct bs_buf *out, const char *line)
{
	size_t len = strlen(line), pos = 0, limit = 75;
	while (len - pos > limit) {
		size_t cut = pos + limit;
		while (cut > pos && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;
		bs_buf_put(out, line + pos, cut - pos);
		bs_buf_puts(out, "\r\n ");
		pos = cut;
		limit = 74; /* the leading space counts */
	}
	bs_buf_put(out, line + pos, len - pos);
	bs_buf_puts(out, "\r\n");
}

void bs_duties_ics(const struct bs_duties *d, enum bs_lang lang, int64_t now_us, struct bs_buf *out)
{
	struct bs_buf line = BS_BUF_INIT;
	char stamp[BS_TIME_MAX], dtstamp[20];

	bs_time_format(now_us, stamp);
	/* 2026-11-27T23:17:00.000000Z -> 20261127T231700Z */
	snprintf(dtstamp, sizeof(dtstamp), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", stamp, stamp + 5, stamp + 8, stamp + 11,
		 stamp + 14, stamp + 17);
	ics_line(out, "BEGIN:VCALENDAR");
	ics_line(out, "VERSION:2.0");
	ics_line(out, "PRODID:-//brokersec//deadlines//EN");
	ics_line(out, "CALSCALE:GREGORIAN");
	ics_line(out, "METHOD:PUBLISH");
	for (size_t i = 0; i < d->n; i++) {
		const struct bs_duty *x = &d->v[i];
		int y;
		unsigned m, dd, m2, dd2;
		int y2;
		bs_civil_from_days(x->due, &y, &m, &dd);
		bs_civil_from_days(x->due + 1, &y2, &m2, &dd2);
		ics_line(out, "BEGIN:VEVENT");
		bs_buf_clear(&line);
		bs_buf_printf(&line, "UID:%s-%s-%s@brokersec", x->duty, x->subject, x->source);
		for (size_t k = 4; k < line.len; k++)
			if (line.ptr[k] == ':')
				line.ptr[k] = '-';
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_printf(&line, "DTSTAMP:%s", dtstamp);
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_printf(&line, "DTSTART;VALUE=DATE:%04d%02u%02u", y, m, dd);
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_printf(&line, "DTEND;VALUE=DATE:%04d%02u%02u", y2, m2, dd2);
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_puts(&line, "SUMMARY:");
		ics_text(&line, x->duty);
		bs_buf_puts(&line, " ");
		ics_text(&line, x->subject);
		bs_buf_printf(&line, " (%s)", bs_duty_status_label(x->status, lang));
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_puts(&line, "DESCRIPTION:");
		ics_text(&line, BS_T(lang, x->detail_zh, x->detail_en));
		bs_buf_printf(&line, " [%s]", x->source);
		ics_line(out, line.ptr);
		bs_buf_clear(&line);
		bs_buf_printf(&line, "CATEGORIES:%s", bs_duty_status_name(x->status));
		ics_line(out, line.ptr);
		ics_line(out, "TRANSP:TRANSPARENT");
		ics_line(out, "END:VEVENT");
	}
	ics_line(out, "END:VCALENDAR");
	bs_buf_release(&line);
}
