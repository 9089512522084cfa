/*
 * Evidence (docs/status.md): only evidence a reviewer accepted counts, from its date for its
 * validity period (the control's cycle, else one year): met while valid, due (lapsed) after.
 * Evidence for a control linked by `same_as` in the catalog serves both. Submitted or rejected
 * evidence decides nothing (unknown) but says so, with the command that reviews it. The as-of
 * day sees the evidence and the reviews as they were at its end, so a past status stays what
 * it was.
 */
#include <stdlib.h>
#include <string.h>

#include "compliance/status.h"
#include "core/error.h"
#include "evidence/evidence.h"

struct row {
	char *control_id, *name, *reviewed_by, *comment;
	int64_t id, created_us;
	enum bs_evidence_state state; /* as of the as-of day */
};

struct state {
	struct row *v;
	size_t n, cap;
	int64_t limit_us;
};

static int collect(const struct bs_evidence *e, void *ctx)
{
	struct state *s = ctx;
	struct row *r;

	if (e->created_us >= s->limit_us || !e->control_id[0])
		return 0; /* not yet there, or proof of a register record */
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = bs_realloc(s->v, bs_size_mul(s->cap, sizeof(*s->v)));
	}
	r = &s->v[s->n++];
	r->control_id = bs_strdup(e->control_id);
	r->name = bs_strdup(e->name);
	r->id = e->id;
	r->created_us = e->created_us;
	/* a review after the as-of day had not happened yet then */
	r->state = e->reviewed_us < s->limit_us ? e->state : BS_EVIDENCE_SUBMITTED;
	r->reviewed_by = r->state != BS_EVIDENCE_SUBMITTED ? bs_strdup(e->reviewed_by) : NULL;
	r->comment = r->state != BS_EVIDENCE_SUBMITTED ? bs_strdup(e->review_comment) : NULL;
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
		free(s->v[i].reviewed_by);
		free(s->v[i].comment);
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

/* 1 when the row is evidence for c itself, or for an entry linked (`same_as`) with c or with
 * one of c's headings: A1.T1.02 is the same duty as the heading A1.4.1.1.3, so a proof of the
 * table row covers each item under that heading, and the heading's proof covers the row. */
static int serves(const struct row *r, const struct bs_control *c)
{
	if (!strcmp(r->control_id, c->id))
		return 1;
	for (const struct bs_control *a = c; a; a = a->parent)
		for (size_t i = 0; i < a->nlinked; i++)
			if (!strcmp(r->control_id, a->linked[i]->id))
				return 1;
	return 0;
}

/* The newest row of c in the given state (rows come oldest first). */
static const struct row *newest(const struct state *s, const struct bs_control *c, enum bs_evidence_state st)
{
	const struct row *best = NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].state == st && serves(&s->v[i], c))
			best = &s->v[i];
	return best;
}

/* "" or "（證明 A2.4.1.8）": evidence filed under a linked entry says where it came from. */
static void via(const struct row *r, const struct bs_control *c, struct bs_verdict *v)
{
	if (strcmp(r->control_id, c->id) != 0) {
		bs_buf_printf(&v->zh, "（附於同一義務 %s）", r->control_id);
		bs_buf_printf(&v->en, " (filed under the same duty %s)", r->control_id);
	}
}

static void accepted(const struct bs_status_ctx *ctx, const struct row *r, const struct bs_control *c,
		     struct bs_verdict *v)
{
	const struct bs_duration *valid = bs_status_validity(c);
	char when[BS_DATE_MAX], until[BS_DATE_MAX];
	int32_t day = bs_days_from_time(r->created_us), end = bs_duration_add(day, valid);
	const char *cycle = valid == &c->period_d ? c->period : "P1Y";

	bs_date_format(day, when);
	bs_date_format(end, until);
	if (end <= ctx->as_of) {
		v->state = BS_STATE_DUE;
		v->lapsed = 1;
		bs_buf_printf(&v->zh, "最近佐證「%s」（#%lld）於 %s，有效期 %s，%s 起到期", r->name, (long long)r->id, when,
			      cycle, until);
		bs_buf_printf(&v->en, "last evidence '%s' (#%lld) on %s; valid %s; due since %s", r->name,
			      (long long)r->id, when, cycle, until);
	} else {
		v->state = BS_STATE_MET;
		bs_buf_printf(&v->zh, "佐證「%s」（#%lld）於 %s，經 %s 審核通過，下次到期 %s", r->name, (long long)r->id,
			      when, r->reviewed_by, until);
		bs_buf_printf(&v->en, "evidence '%s' (#%lld) on %s, accepted by %s; next due %s", r->name,
			      (long long)r->id, when, r->reviewed_by, until);
	}
	via(r, c, v);
}

static int evaluate(const struct bs_status_ctx *ctx, void *p, const struct bs_control *c, struct bs_verdict *v)
{
	struct state *s = p;
	const struct row *r;

	if ((r = newest(s, c, BS_EVIDENCE_ACCEPTED))) {
		accepted(ctx, r, c, v);
		return 1;
	}
	v->state = BS_STATE_UNKNOWN;
	if ((r = newest(s, c, BS_EVIDENCE_SUBMITTED))) {
		bs_buf_printf(&v->zh, "佐證待審核：「%s」（#%lld）尚未經資安專責人員或稽核審核，以 brokersec evidence "
			      "review %lld --accept|--reject --comment 說明 審核", r->name, (long long)r->id, (long long)r->id);
		bs_buf_printf(&v->en, "evidence awaiting review: '%s' (#%lld) is not reviewed by a security officer or "
			      "auditor yet; review it with brokersec evidence review %lld --accept|--reject --comment TEXT",
			      r->name, (long long)r->id, (long long)r->id);
		via(r, c, v);
		return 1;
	}
	if ((r = newest(s, c, BS_EVIDENCE_REJECTED))) {
		bs_buf_printf(&v->zh, "佐證「%s」（#%lld）遭 %s 退回：%s；請以 brokersec evidence add %s --file 檔案 補件",
			      r->name, (long long)r->id, r->reviewed_by, r->comment, c->id);
		bs_buf_printf(&v->en, "evidence '%s' (#%lld) rejected by %s: %s; attach a new one with brokersec "
			      "evidence add %s --file FILE", r->name, (long long)r->id, r->reviewed_by, r->comment, c->id);
		return 1;
	}
	bs_buf_printf(&v->zh, "尚無佐證：以 brokersec evidence add %s --file 檔案 附上", c->id);
	bs_buf_printf(&v->en, "no evidence yet: attach it with brokersec evidence add %s --file FILE", c->id);
	return 1;
}

const struct bs_evaluator bs_eval_evidence = { "evidence", prepare, evaluate, release };
