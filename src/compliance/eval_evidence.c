/*
 * Evidence: the fallback source. A control with evidence is met; for a recurring duty the
 * evidence must be younger than the period the text sets, else the control is due again.
 */
#include <stdlib.h>
#include <string.h>

#include "compliance/status.h"
#include "core/error.h"
#include "evidence/evidence.h"

/* Schedules whose period is a recurrence ("every N years"); others (retention, "within 3
 * months of an incident", lockout minutes) are durations evidence cannot expire against. */
static const char *const recurring[] = {
	"schedule:assessment", "schedule:plan-review", "schedule:drill", "schedule:training-hours",
	"schedule:account-review", "schedule:backup-test", NULL,
};

struct latest {
	char *control_id;
	int64_t us;
	char *name;
};

struct state {
	struct latest *v;
	size_t n, cap;
	int64_t limit_us;
};

static int collect(const struct bs_evidence *e, void *ctx)
{
	struct state *s = ctx;

	if (e->created_us >= s->limit_us)
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		if (!strcmp(s->v[i].control_id, e->control_id)) {
			/* rows come oldest first: the later one wins */
			free(s->v[i].name);
			s->v[i].name = bs_strdup(e->name);
			s->v[i].us = e->created_us;
			return 0;
		}
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = bs_realloc(s->v, bs_size_mul(s->cap, sizeof(*s->v)));
	}
	s->v[s->n].control_id = bs_strdup(e->control_id);
	s->v[s->n].name = bs_strdup(e->name);
	s->v[s->n].us = e->created_us;
	s->n++;
	return 0;
}

static void release(void *p)
{
	struct state *s = p;
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].control_id);
		free(s->v[i].name);
	}
	free(s->v);
	free(s);
}

static int prepare(const struct bs_status_ctx *ctx, void **out)
{
	struct state *s = bs_calloc(1, sizeof(*s));
	int err;

	/* Evidence counts up to the end of the as-of day (UTC). */
	s->limit_us = ((int64_t)ctx->as_of + 1) * 86400 * 1000000;
	if ((err = bs_evidence_each(ctx->dd->store, NULL, collect, s)) < 0) {
		release(s);
		return err;
	}
	*out = s;
	return 0;
}

static int is_recurring(const struct bs_control *c)
{
	if (!c->period)
		return 0;
	for (size_t i = 0; i < c->nhow; i++)
		for (int r = 0; recurring[r]; r++)
			if (!strcmp(c->how[i].ref, recurring[r]))
				return 1;
	return 0;
}

static int evaluate(const struct bs_status_ctx *ctx, void *p, const struct bs_control *c, struct bs_verdict *v)
{
	struct state *s = p;
	const struct latest *l = NULL;
	char when[BS_DATE_MAX], next[BS_DATE_MAX];

	for (size_t i = 0; i < s->n && !l; i++)
		if (!strcmp(s->v[i].control_id, c->id))
			l = &s->v[i];
	if (!l) {
		v->state = BS_STATE_UNKNOWN;
		bs_buf_printf(&v->zh, "尚無佐證：以 brokersec evidence add %s --file 檔案 附上", c->id);
		bs_buf_printf(&v->en, "no evidence yet: attach it with brokersec evidence add %s --file FILE", c->id);
		return 1;
	}
	int32_t day = bs_days_from_time(l->us);
	bs_date_format(day, when);
	if (is_recurring(c)) {
		int32_t due = bs_duration_add(day, &c->period_d);
		bs_date_format(due, next);
		if (due <= ctx->as_of) {
			v->state = BS_STATE_DUE;
			bs_buf_printf(&v->zh, "最近佐證「%s」於 %s，週期 %s，%s 起到期", l->name, when, c->period, next);
			bs_buf_printf(&v->en, "last evidence '%s' on %s; period %s; due since %s", l->name, when,
				      c->period, next);
			return 1;
		}
		v->state = BS_STATE_MET;
		bs_buf_printf(&v->zh, "佐證「%s」於 %s，下次到期 %s", l->name, when, next);
		bs_buf_printf(&v->en, "evidence '%s' on %s; next due %s", l->name, when, next);
		return 1;
	}
	v->state = BS_STATE_MET;
	bs_buf_printf(&v->zh, "佐證「%s」於 %s", l->name, when);
	bs_buf_printf(&v->en, "evidence '%s' on %s", l->name, when);
	return 1;
}

const struct bs_evaluator bs_eval_evidence = { "evidence", prepare, evaluate, release };
