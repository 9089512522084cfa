/* schedule_periodic.c - the deadline engine's recurring duties: assessments and
 * reassessments, drills, plan and account reviews, training hours, backups and restore
 * tests, retention. Each period the text sets is beside the rule that uses it. */
#include "registry/registry.h"
#include "schedule/schedule_int.h"

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

enum {
	REASSESS_MONTHS = 3,     /* A2.3.3: within 3 months of a major incident */
	BCP_MONTHS = 24,         /* A2.3.4: BCP drill of every core system every 2 years */
	PLAN_REVIEW_MONTHS = 36, /* A2.2.2: plan re-reviewed at least every 3 years */
	SE_DRILL_MONTHS = 12,    /* A2.6: social-engineering drill at least once a year */
	REPORT_KEEP_MONTHS = 60, /* A2.8: reports kept at least 5 years */
	LOG_KEEP_MONTHS = 6,     /* A2.4.1.7.1.1: event logs kept at least 6 months */
};

/* The last assessment of a system completed on or before as_of; 0 found, -1 none. */
static int last_assessment(struct sched_ctx *c, int64_t system, int32_t *out)
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

/* A system registered lower than category 1 that a class-3 transactional app makes category
 * 1: the register is wrong, whatever the assessments (A2.3.1.1 not met until corrected). */
static void category_defect(struct sched_ctx *c, const json_t *s)
{
	struct detail d = DETAIL_INIT;
	const char *app = NULL;
	int64_t aid = app_brings_to_cat1(c, id_of(s), &app);
	char sj[40];

	subj(sj, sizeof(sj), "system", id_of(s));
	dz(&d, "系統「%s」登錄為第%lld類，但服務第三類、具交易功能之 App「%s」(app:%lld)，依附件一應納入第一類電腦系統："
	       "brokersec system update %lld --category 1", str(s, "name"), (long long)num(s, "category", 0), app,
	   (long long)aid, (long long)id_of(s));
	de(&d, "system '%s' is registered as category %lld but serves class-3 app '%s' (app:%lld) with transaction "
	       "functions, which Annex 1 brings into category 1: brokersec system update %lld --category 1",
	   str(s, "name"), (long long)num(s, "category", 0), app, (long long)aid, (long long)id_of(s));
	emit(c, "system-category", "A2.3.1.1", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
}

void sched_rule_assessment(struct sched_ctx *c)
{
	EACH_LIVE(c, "system", i, s) {
		int cat = system_category(c, s);
		struct detail d = DETAIL_INIT;
		char sj[40], last_s[BS_DATE_MAX], due_s[BS_DATE_MAX];
		int32_t last = 0;
		size_t k;

		if (cat != num(s, "category", 0))
			category_defect(c, s);

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

void sched_rule_reassessment(struct sched_ctx *c)
{
	EACH_LIVE(c, "incident", i, inc) {
		int32_t detected;
		const json_t *systems = json_object_get(inc, "systems");
		if (!flag(inc, "major") || date_of(inc, "detected", &detected) < 0 || detected > c->o->as_of)
			continue;
		if (!json_array_size(systems)) {
			/* stored before the register required them: without the systems no reassessment
			 * can be due, so the missing names are the open duty */
			struct detail d = DETAIL_INIT;
			char sj[40], det_s[BS_DATE_MAX];
			subj(sj, sizeof(sj), "incident", id_of(inc));
			fmt_date(detected, det_s);
			dz(&d, "重大資安事件「%s」（%s 發現）未登錄受影響系統，無從排定三個月內之重新評估："
			       "brokersec incident update %lld --systems ID,...", str(inc, "title"), det_s,
			   (long long)id_of(inc));
			de(&d, "major incident '%s' detected %s names no affected system, so no reassessment within 3 "
			       "months can be scheduled: brokersec incident update %lld --systems ID,...",
			   str(inc, "title"), det_s, (long long)id_of(inc));
			emit(c, "reassessment-systems", "A2.3.3", sj, detected, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
			continue;
		}
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

void sched_rule_bcp_drill(struct sched_ctx *c)
{
	int any_cat1 = 0;
	EACH_LIVE(c, "system", i, s)
		any_cat1 |= system_category(c, s) == 1;
	if (!any_cat1)
		return;
	EACH_LIVE(c, "system", i, s) {
		struct detail d = DETAIL_INIT;
		char sj[40], last_s[BS_DATE_MAX];
		int32_t last = 0;
		int found = 0;

		/* a system a transactional app brings into category 1 serves customers directly:
		 * drilled like a core system */
		if (!flag(s, "core") && !app_brings_to_cat1(c, id_of(s), NULL))
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
		const char *what_zh = flag(s, "core") ? "核心系統" : "第一類系統（第三類交易 App）";
		const char *what_en = flag(s, "core") ? "core system" : "category-1 system (class-3 transactional app)";
		if (!found) {
			dz(&d, "%s「%s」尚無業務持續運作演練：應立即辦理", what_zh, str(s, "name"));
			de(&d, "%s '%s' has no business-continuity drill: hold one now", what_en, str(s, "name"));
			emit(c, "bcp-drill", "A2.3.4", sj, c->o->as_of, BS_DUTY_RECURRING, FORCE_OVERDUE, &d);
			continue;
		}
		fmt_date(last, last_s);
		dz(&d, "%s「%s」上次演練 %s，每二年至少一次", what_zh, str(s, "name"), last_s);
		de(&d, "%s '%s' last drilled %s; at least every 2 years", what_en, str(s, "name"), last_s);
		emit(c, "bcp-drill", "A2.3.4", sj, bs_date_add_months(last, BCP_MONTHS), BS_DUTY_RECURRING, BY_DATE, &d);
	}
}

/* The latest date field f among live records of reg (optionally of one kind); 0 / -1. */
static int latest(struct sched_ctx *c, const char *reg, const char *f, const char *kind, int32_t *out)
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

static void periodic_org(struct sched_ctx *c, const char *duty, const char *source, const char *reg, const char *f,
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

void sched_rule_plan_review(struct sched_ctx *c)
{
	periodic_org(c, "plan-review", "A2.2.2", "plan", "approved", NULL, PLAN_REVIEW_MONTHS, "評估計畫核定",
		     "assessment plan approval");
}

void sched_rule_se_drill(struct sched_ctx *c)
{
	periodic_org(c, "social-engineering-drill", "A2.6", "drill", "date", "social-engineering", SE_DRILL_MONTHS,
		     "社交工程演練", "social-engineering drill");
}

/* A2.4.1.6.1.4 定期審核資通系統帳號: a review covers the systems it names, so each system
 * needs its own. One that names none (`user review` of brokersec's own accounts) covers no
 * company system; it counts only while the register holds no system.
 * NEEDSWORK: the text says only 定期 (periodically); 12 months unless made stricter. */
void sched_rule_account_review(struct sched_ctx *c)
{
	int months = c->o->account_review_months, any = 0;

	EACH_LIVE(c, "system", i, s) {
		struct detail d = DETAIL_INIT;
		char sj[40], last_s[BS_DATE_MAX];
		int32_t last = 0;
		int found = 0;

		any = 1;
		EACH_LIVE(c, "account-review", j, r) {
			int32_t day;
			if (!refs_contain(r, "systems", id_of(s)) || date_of(r, "date", &day) < 0 || day > c->o->as_of)
				continue;
			if (!found || day > last)
				last = day;
			found = 1;
		}
		subj(sj, sizeof(sj), "system", id_of(s));
		if (!found) {
			dz(&d, "系統「%s」尚無涵蓋該系統之帳號審核：brokersec account-review add --date YYYY-MM-DD "
			       "--systems %lld", str(s, "name"), (long long)id_of(s));
			de(&d, "no account review names system '%s': brokersec account-review add --date YYYY-MM-DD "
			       "--systems %lld", str(s, "name"), (long long)id_of(s));
			emit(c, "account-review", "A2.4.1.6.1.4", sj, c->o->as_of, BS_DUTY_RECURRING, FORCE_OVERDUE, &d);
			continue;
		}
		fmt_date(last, last_s);
		dz(&d, "系統「%s」上次帳號審核 %s，每 %d 個月至少一次", str(s, "name"), last_s, months);
		de(&d, "system '%s' last account review %s; at least every %d months", str(s, "name"), last_s, months);
		emit(c, "account-review", "A2.4.1.6.1.4", sj, bs_date_add_months(last, months), BS_DUTY_RECURRING,
		     BY_DATE, &d);
	}
	if (!any)
		periodic_org(c, "account-review", "A2.4.1.6.1.4", "account-review", "date", NULL, months, "帳號審核",
			     "account review");
}

/* SR.4.5 (第四條第五款): training hours per person per calendar year, by role (hundredths of
 * an hour). Security staff need 資通安全專業課程: only courses of kind professional count for
 * them; the others need 通識 hours, which any course gives. */
static const struct {
	const char *role;
	int hundredths;
	const char *kind; /* the only course kind that counts, NULL: any */
} training_hours[] = {
	{ "security", 1200, "professional" },
	{ "it", 300, NULL },
	{ "general", 300, NULL },
	{ "manager", 300, NULL },
};

/* The course kind that counts for role, NULL: any. */
static const char *training_kind(const char *role)
{
	for (size_t i = 0; role && i < sizeof(training_hours) / sizeof(training_hours[0]); i++)
		if (!strcmp(training_hours[i].role, role))
			return training_hours[i].kind;
	return NULL;
}

int bs_training_required(const char *role)
{
	for (size_t i = 0; role && i < sizeof(training_hours) / sizeof(training_hours[0]); i++)
		if (!strcmp(training_hours[i].role, role))
			return training_hours[i].hundredths;
	return -1;
}

/* Hours (hundredths) person pid trained in calendar year y; only courses of kind `kind` when
 * it is not NULL. */
static int64_t hours_in(struct sched_ctx *c, int64_t pid, int y, const char *kind)
{
	int64_t sum = 0;
	EACH_LIVE(c, "training", i, t) {
		int32_t d;
		int ty;
		unsigned m, dd;
		const json_t *h = json_object_get(t, "hours");
		if (num(t, "person", 0) != pid || date_of(t, "date", &d) < 0 || d > c->o->as_of || !json_is_number(h))
			continue;
		if (kind && (!str(t, "kind") || strcmp(str(t, "kind"), kind)))
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

/* A person's role as the person register labels it (資安專責人員), never the stored token. */
static void role_label(const char *role, enum bs_lang lang, struct bs_buf *b)
{
	const struct bs_register *r = bs_register_find("person");
	const struct bs_field *f = r ? bs_register_field(r, "role") : NULL;

	if (f)
		bs_field_value_label(f, role, lang, b);
	else
		bs_buf_puts(b, role);
}

void sched_rule_training(struct sched_ctx *c)
{
	int y;
	unsigned m, dd;

	bs_civil_from_days(c->o->as_of, &y, &m, &dd);
	EACH_LIVE(c, "person", i, p) {
		int req = bs_training_required(str(p, "role"));
		int32_t hired;
		int have_hired = date_of(p, "hired", &hired) == 0;
		const char *kind = training_kind(str(p, "role"));
		const char *kind_zh = kind ? "（僅計資通安全專業課程）" : "";
		const char *kind_en = kind ? " of professional courses" : "";
		char sj[40];
		struct bs_buf role_zh = BS_BUF_INIT, role_en = BS_BUF_INIT;

		if (req < 0)
			continue;
		role_label(str(p, "role"), BS_LANG_ZH_TW, &role_zh);
		role_label(str(p, "role"), BS_LANG_EN, &role_en);
		const char *rz = role_zh.ptr ? role_zh.ptr : "", *re = role_en.ptr ? role_en.ptr : "";
		const char *nm = str(p, "name") ? str(p, "name") : "";
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
			h = hours_in(c, id_of(p), year, kind);
			hours_text(&got, h);
			hours_text(&need, req);
			if (year < y) {
				int met = h >= req;
				dz(&d, "%d 年「%s」(%s) 訓練 %s/%s 小時%s：%s", year, nm, rz, got.ptr,
				   need.ptr, kind_zh, met ? "符合" : "未達");
				de(&d, "%d: '%s' (%s) trained %s/%s h%s: %s", year, nm, re, got.ptr,
				   need.ptr, kind_en, met ? "met" : "not met");
				emit(c, "training-year", "SR.4.5", sj, end, BS_DUTY_DEFECT, met ? FORCE_OK : FORCE_OVERDUE, &d);
			} else {
				int met = h >= req;
				dz(&d, "%d 年「%s」(%s) 已訓練 %s/%s 小時%s%s", year, nm, rz, got.ptr,
				   need.ptr, kind_zh, met ? "，已達標" : "");
				de(&d, "%d: '%s' (%s) trained %s/%s h%s so far%s", year, nm, re, got.ptr,
				   need.ptr, kind_en, met ? ", met" : "");
				emit(c, "training-hours", "SR.4.5", sj, end, BS_DUTY_RECURRING, met ? FORCE_OK : BY_DATE, &d);
			}
			bs_buf_release(&got);
			bs_buf_release(&need);
		}
		bs_buf_release(&role_zh);
		bs_buf_release(&role_en);
	}
}

void sched_rule_backup(struct sched_ctx *c)
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

void sched_rule_retention(struct sched_ctx *c)
{
	struct detail d = DETAIL_INIT;
	char ds[BS_DATE_MAX];
	int32_t since = bs_date_add_months(c->o->as_of, -LOG_KEEP_MONTHS);

	int64_t last_id = 0;
	EACH_LIVE(c, "assessment", i, a) {
		int32_t done;
		char sj[40];
		/* one row per system of an assessment (src/assess): one retention duty each */
		if (date_of(a, "completed", &done) < 0 || id_of(a) == last_id)
			continue;
		last_id = id_of(a);
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
