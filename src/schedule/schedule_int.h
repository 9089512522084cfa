/*
 * schedule_int.h - private to src/schedule: what the deadline engine (schedule.c) gives the
 * files that hold its rules (schedule_periodic.c: recurring duties; schedule_records.c:
 * what records lack). A rule reads the register snapshot through the accessors below and
 * reports each duty with emit(). Small helpers are static inline so that the rules read
 * as they did when they all lived in schedule.c.
 */
#ifndef BS_SCHEDULE_INT_H
#define BS_SCHEDULE_INT_H

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "schedule/schedule.h"

struct sched_ctx {
	const json_t *snap;
	const struct bs_schedule_opts *o;
	struct bs_duties *out;
};

/* The rules, one row each in rules[] (schedule.c). */
void sched_rule_assessment(struct sched_ctx *c);
void sched_rule_reassessment(struct sched_ctx *c);
void sched_rule_bcp_drill(struct sched_ctx *c);
void sched_rule_plan_review(struct sched_ctx *c);
void sched_rule_se_drill(struct sched_ctx *c);
void sched_rule_training(struct sched_ctx *c);
void sched_rule_backup(struct sched_ctx *c);
void sched_rule_account_review(struct sched_ctx *c);
void sched_rule_incidents(struct sched_ctx *c);
void sched_rule_job_changes(struct sched_ctx *c);
void sched_rule_people(struct sched_ctx *c);
void sched_rule_vendors(struct sched_ctx *c);
void sched_rule_disposals(struct sched_ctx *c);
void sched_rule_apps(struct sched_ctx *c);
void sched_rule_policy_docs(struct sched_ctx *c);
void sched_rule_retention(struct sched_ctx *c);
void sched_rule_findings(struct sched_ctx *c);   /* schedule_findings.c */
void sched_rule_vuln(struct sched_ctx *c);       /* schedule_vuln.c */
void sched_rule_lookalike(struct sched_ctx *c);  /* schedule_lookalike.c */
void sched_rule_notify(struct sched_ctx *c);     /* schedule_notify.c */

enum force { BY_DATE, FORCE_OVERDUE, FORCE_OK };

/* Adds a duty due on day due: overdue, due soon or ok from the options' today and window
 * unless force says otherwise (retention duties are always ok). Strings are copied. */
void sched_add(struct sched_ctx *c, const char *duty, const char *source, const char *subject, int32_t due,
	       enum bs_duty_kind kind, enum force force, const char *zh, const char *en);

/* Two detail texts built with printf formats. */
struct detail {
	struct bs_buf zh, en;
};

static inline void dz(struct detail *d, const char *fmt, ...) BS_PRINTF(2, 3);
static inline void dz(struct detail *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bs_buf_vprintf(&d->zh, fmt, ap);
	va_end(ap);
}

static inline void de(struct detail *d, const char *fmt, ...) BS_PRINTF(2, 3);
static inline void de(struct detail *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bs_buf_vprintf(&d->en, fmt, ap);
	va_end(ap);
}

static inline void emit(struct sched_ctx *c, const char *duty, const char *source, const char *subject, int32_t due,
			       enum bs_duty_kind kind, enum force force, struct detail *d)
{
	sched_add(c, duty, source, subject, due, kind, force, d->zh.ptr, d->en.ptr);
	bs_buf_release(&d->zh);
	bs_buf_release(&d->en);
}

#define DETAIL_INIT { BS_BUF_INIT, BS_BUF_INIT }

/* Reading the snapshot: the live records of a register, fields of a record. */
static inline const json_t *records(const struct sched_ctx *c, const char *reg)
{
	const json_t *a = json_object_get(c->snap, reg);
	return json_is_array(a) ? a : NULL;
}

static inline int live(const json_t *rec)
{
	return json_is_object(rec) && !json_is_true(json_object_get(rec, "archived"));
}

#define EACH_LIVE(c, reg, i, rec)                                                              \
	for (size_t i = 0, i##_n = json_array_size(records(c, reg)); i < i##_n; i++)            \
		for (const json_t *rec = json_array_get(records(c, reg), i); rec && live(rec); rec = NULL)

static inline int64_t id_of(const json_t *rec)
{
	return (int64_t)json_integer_value(json_object_get(rec, "id"));
}

static inline const char *str(const json_t *rec, const char *f)
{
	const json_t *v = json_object_get(rec, f);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static inline int64_t num(const json_t *rec, const char *f, int64_t dflt)
{
	const json_t *v = json_object_get(rec, f);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static inline int flag(const json_t *rec, const char *f)
{
	return json_is_true(json_object_get(rec, f));
}

/* A date field; 0 when present and valid, -1 otherwise. */
static inline int date_of(const json_t *rec, const char *f, int32_t *out)
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

static inline void subj(char *out, size_t n, const char *reg, int64_t id)
{
	snprintf(out, n, "%s:%lld", reg, (long long)id);
}

static inline int refs_contain(const json_t *rec, const char *f, int64_t id)
{
	const json_t *a = json_object_get(rec, f);
	for (size_t i = 0; i < json_array_size(a); i++)
		if ((int64_t)json_integer_value(json_array_get(a, i)) == id)
			return 1;
	return 0;
}

/* A1.4.1.1.5.2 (Annex 1 伍): a class-3 app with transaction functions brings the system that
 * serves it into category 1. The live such app linked to system sid (its id, else 0). */
static inline int64_t app_brings_to_cat1(const struct sched_ctx *c, int64_t sid, const char **name)
{
	EACH_LIVE(c, "app", i, a) {
		if (num(a, "class", 0) == 3 && flag(a, "transactions") && num(a, "system", 0) == sid) {
			if (name)
				*name = str(a, "name");
			return id_of(a);
		}
	}
	return 0;
}

/* The category every duty uses for system s: 1 when app_brings_to_cat1(), else as registered. */
static inline int system_category(const struct sched_ctx *c, const json_t *s)
{
	return app_brings_to_cat1(c, id_of(s), NULL) ? 1 : (int)num(s, "category", 0);
}

static inline void fmt_date(int32_t d, char out[BS_DATE_MAX])
{
	bs_date_format(d, out);
}

#endif
