#include "compliance/status.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* Overrides come first and the first that decides ends the chain. Then every source gives its
 * verdict and combine() weighs them (docs/status.md, "Precedence"); the order of sources is
 * the order of their reasons. */
static const struct bs_evaluator *const evaluators[] = {
	/* overrides */
	&bs_eval_test_datadir,
	&bs_eval_applicability,
	/* sources */
	&bs_eval_registers,
	&bs_eval_scan,
	&bs_eval_evidence,
	&bs_eval_assess,
	&bs_eval_lookalike,
	&bs_eval_fim,
	&bs_eval_vuln,
	&bs_eval_notify,
};
#define NEVAL (sizeof(evaluators) / sizeof(evaluators[0]))
#define NOVERRIDES 2

/* Schedules whose period is a recurrence ("every N years"); others (retention, "within 3
 * months of an incident", lockout minutes) are durations, not a cycle a proof expires with. */
static const char *const recurring[] = {
	"schedule:assessment", "schedule:plan-review", "schedule:drill", "schedule:training-hours",
	"schedule:account-review", "schedule:backup-test", NULL,
};

const struct bs_duration *bs_status_validity(const struct bs_control *c)
{
	static const struct bs_duration one_year = { 1, 0, 0, 0 };

	if (c->period)
		for (size_t i = 0; i < c->nhow; i++)
			for (int r = 0; recurring[r]; r++)
				if (!strcmp(c->how[i].ref, recurring[r]))
					return &c->period_d;
	return &one_year;
}

static const char *const state_names[BS_STATE_COUNT] = {
	[BS_STATE_MET] = "met", [BS_STATE_NOT_MET] = "not_met", [BS_STATE_DUE] = "due",
	[BS_STATE_UNKNOWN] = "unknown", [BS_STATE_NOT_APPLICABLE] = "not_applicable",
};

const char *bs_state_name(enum bs_state s)
{
	return s < BS_STATE_COUNT ? state_names[s] : "?";
}

const char *bs_state_label(enum bs_state s, enum bs_lang lang)
{
	switch (s) {
	case BS_STATE_MET: return BS_T(lang, "符合", "met");
	case BS_STATE_NOT_MET: return BS_T(lang, "不符合", "not met");
	case BS_STATE_DUE: return BS_T(lang, "到期", "due");
	case BS_STATE_UNKNOWN: return BS_T(lang, "未知", "unknown");
	case BS_STATE_NOT_APPLICABLE: return BS_T(lang, "不適用", "n/a");
	default: return "?";
	}
}

/* Lower enum value = worse; a group shows its worst applicable item. */
static enum bs_state worse(enum bs_state a, enum bs_state b)
{
	return a < b ? a : b;
}

/* The class of a source's verdict, strongest first: what decides the combined state. */
enum rank { R_NOT_MET, R_DUE, R_MET, R_LAPSED, R_UNKNOWN, R_COUNT };

static enum rank rank_of(const struct bs_verdict *v)
{
	switch (v->state) {
	case BS_STATE_NOT_MET: return R_NOT_MET;
	case BS_STATE_DUE: return v->lapsed ? R_LAPSED : R_DUE;
	case BS_STATE_MET: return R_MET;
	default: return R_UNKNOWN;
	}
}

static void join(struct bs_verdict *out, const struct bs_verdict *v)
{
	if (out->zh.len)
		bs_buf_puts(&out->zh, "；");
	if (out->en.len)
		bs_buf_puts(&out->en, "; ");
	bs_buf_put(&out->zh, v->zh.ptr ? v->zh.ptr : "", v->zh.len);
	bs_buf_put(&out->en, v->en.ptr ? v->en.ptr : "", v->en.len);
}

/* Precedence (docs/status.md): any not met -> not met; else a due duty -> due; else a current
 * proof -> met; else a proof that aged out -> due; else unknown. The reasons: those of the
 * deciding class first, then every other source that knows something (not met beside met:
 * "both reasons"); unknown sources speak only when nobody knows more. */
static void combine(const struct bs_verdict *const *vs, size_t n, struct bs_verdict *out)
{
	static const enum bs_state state_of[R_COUNT] = {
		[R_NOT_MET] = BS_STATE_NOT_MET, [R_DUE] = BS_STATE_DUE, [R_MET] = BS_STATE_MET,
		[R_LAPSED] = BS_STATE_DUE, [R_UNKNOWN] = BS_STATE_UNKNOWN,
	};
	enum rank best = R_UNKNOWN;

	for (size_t i = 0; i < n; i++)
		if (rank_of(vs[i]) < best)
			best = rank_of(vs[i]);
	out->state = state_of[best];
	out->lapsed = best == R_LAPSED;
	for (int r = best; r < R_COUNT; r++)
		for (size_t i = 0; i < n; i++)
			if (rank_of(vs[i]) == (enum rank)r && (r != R_UNKNOWN || best == R_UNKNOWN))
				join(out, vs[i]);
}

static void release_all(struct bs_verdict *vs, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		bs_buf_release(&vs[k].zh);
		bs_buf_release(&vs[k].en);
	}
}

/* c's verdict from the evaluators, and from extra (the annex entries implementing an
 * article: borrowed) as further sources. */
static int decide(const struct bs_status_ctx *ctx, void **state, const struct bs_control *c,
		  const struct bs_verdict *extra, size_t nextra, struct bs_verdict *out)
{
	struct bs_verdict vs[NEVAL];
	size_t n = 0;
	int err = 0, final = 0;

	for (size_t i = 0; i < NEVAL && !final; i++) {
		struct bs_verdict v = { BS_STATE_UNKNOWN, 0, BS_BUF_INIT, BS_BUF_INIT };
		int r = evaluators[i]->evaluate(ctx, state[i], c, &v);
		if (r < 0) {
			err = r;
			release_all(&v, 1);
			break;
		}
		if (r == 0)
			continue;
		if (i < NOVERRIDES || v.state == BS_STATE_NOT_APPLICABLE) {
			/* an override, or a duty that does not apply: nothing else counts */
			release_all(vs, n);
			n = 0;
			final = 1;
		}
		vs[n++] = v;
	}
	if (err == 0 && final) {
		*out = vs[0];
		return 0;
	}
	if (err == 0 && n + nextra == 0) {
		bs_buf_puts(&out->zh, "無判定依據");
		bs_buf_puts(&out->en, "nothing decides this control yet");
	} else if (err == 0) {
		const struct bs_verdict **all = bs_calloc(n + nextra, sizeof(*all));
		for (size_t k = 0; k < n; k++)
			all[k] = &vs[k];
		for (size_t k = 0; k < nextra; k++)
			all[n + k] = &extra[k];
		combine(all, n + nextra, out);
		free(all);
	}
	release_all(vs, n);
	return err;
}

/* A duty of its own, listed in the status: definitions state none, and a heading's is the sum
 * of its items'. */
static int listed(const struct bs_control *c)
{
	return c->nhow > 0 && c->nduty_children == 0;
}

/* What the annex entries implementing article item c (catalog `implemented_by`) say, as
 * verdicts of one more source into *out (release them): each one not met or due, by name;
 * met only when every one that applies is met (a partial proof is no proof of the article).
 * An implementing heading stands for its listed items. res: pass 1's verdicts by index. */
static size_t implementers(const struct bs_catalog *cat, const struct bs_control *c, const struct bs_verdict *res,
			   struct bs_verdict **out)
{
	struct bs_verdict *v = NULL;
	struct bs_buf met_zh = BS_BUF_INIT, met_en = BS_BUF_INIT;
	size_t n = 0, applies = 0, met = 0;

	for (size_t k = 0; k < c->nimplemented; k++) {
		const struct bs_control *o = c->implemented_by[k];
		for (size_t i = 0; i < cat->n; i++) {
			const struct bs_control *d = &cat->v[i];
			const struct bs_verdict *r = &res[i];
			if (!listed(d) || d->nimplemented || !bs_control_id_under(d->id, o->id))
				continue;
			if (r->state == BS_STATE_NOT_APPLICABLE)
				continue;
			applies++;
			if (r->state == BS_STATE_MET) {
				met++;
				bs_buf_printf(&met_zh, "%s%s", met > 1 ? "、" : "", d->id);
				bs_buf_printf(&met_en, "%s%s", met > 1 ? ", " : "", d->id);
				continue;
			}
			if (r->state != BS_STATE_NOT_MET && r->state != BS_STATE_DUE)
				continue;
			v = bs_realloc(v, bs_size_mul(n + 1, sizeof(*v)));
			memset(&v[n], 0, sizeof(v[n]));
			v[n].state = r->state;
			v[n].lapsed = r->lapsed;
			bs_buf_printf(&v[n].zh, "實施本條之 %s %s：%s", d->id, bs_state_label(r->state, BS_LANG_ZH_TW),
				      r->zh.ptr ? r->zh.ptr : "");
			bs_buf_printf(&v[n].en, "%s, which implements this article, is %s: %s", d->id,
				      bs_state_label(r->state, BS_LANG_EN), r->en.ptr ? r->en.ptr : "");
			n++;
		}
	}
	if (applies && met == applies) {
		v = bs_realloc(v, bs_size_mul(n + 1, sizeof(*v)));
		memset(&v[n], 0, sizeof(v[n]));
		v[n].state = BS_STATE_MET;
		bs_buf_printf(&v[n].zh, "實施本條之附件控制項皆符合：%s", met_zh.ptr);
		bs_buf_printf(&v[n].en, "every annex control implementing this article is met: %s", met_en.ptr);
		n++;
	}
	bs_buf_release(&met_zh);
	bs_buf_release(&met_en);
	*out = v;
	return n;
}

int bs_status_compute(struct bs_datadir *dd, const struct bs_catalog *cat, int32_t as_of, struct bs_status *out)
{
	void *state[NEVAL] = { 0 };
	struct bs_verdict *res = NULL;
	struct bs_status_ctx ctx;
	int err;

	memset(out, 0, sizeof(*out));
	out->as_of = as_of;
	if ((err = bs_profile_load(dd->store, &out->profile)) < 0)
		return err;
	ctx.dd = dd;
	ctx.cat = cat;
	ctx.profile = &out->profile;
	ctx.as_of = as_of;
	for (size_t i = 0; i < NEVAL; i++)
		if (evaluators[i]->prepare && (err = evaluators[i]->prepare(&ctx, &state[i])) < 0)
			goto done;

	/* pass 1: every duty but the articles implemented by annex entries; pass 2: those, with
	 * pass 1's verdicts of their implementers; then the items in catalog order. */
	res = bs_calloc(cat->n ? cat->n : 1, sizeof(*res));
	for (int pass = 1; pass <= 2; pass++) {
		for (size_t ci = 0; ci < cat->n; ci++) {
			const struct bs_control *c = &cat->v[ci];
			struct bs_verdict *extra = NULL;
			size_t nextra = 0;
			if (!listed(c) || (pass == 1) != (c->nimplemented == 0))
				continue;
			if (pass == 2)
				nextra = implementers(cat, c, res, &extra);
			res[ci].state = BS_STATE_UNKNOWN;
			err = decide(&ctx, state, c, extra, nextra, &res[ci]);
			release_all(extra, nextra);
			free(extra);
			if (err < 0)
				goto done;
		}
	}
	out->items = bs_calloc(cat->n ? cat->n : 1, sizeof(*out->items));
	out->groups = bs_calloc(cat->n ? cat->n : 1, sizeof(*out->groups));
	for (size_t ci = 0; ci < cat->n; ci++) {
		const struct bs_control *c = &cat->v[ci];
		struct bs_verdict *v = &res[ci];
		char gid[64];

		if (!listed(c))
			continue;
		struct bs_status_item *it = &out->items[out->nitems];
		it->control = c;
		it->state = v->state;
		it->reason_zh = bs_buf_detach(&v->zh, NULL);
		it->reason_en = bs_buf_detach(&v->en, NULL);
		out->total[v->state]++;

		bs_control_group(c, gid, sizeof(gid));
		struct bs_status_group *g = out->ngroups ? &out->groups[out->ngroups - 1] : NULL;
		if (!g || strcmp(g->control->id, gid) != 0) {
			g = &out->groups[out->ngroups++];
			g->control = bs_catalog_find(cat, gid);
			if (!g->control)
				g->control = c;
			g->state = BS_STATE_NOT_APPLICABLE;
			g->first = out->nitems;
		}
		g->n++;
		g->count[v->state]++;
		g->state = worse(g->state, v->state);
		out->nitems++;
	}
done:
	if (res)
		release_all(res, cat->n);
	free(res);
	for (size_t i = 0; i < NEVAL; i++)
		if (evaluators[i]->release)
			evaluators[i]->release(state[i]);
	if (err < 0)
		bs_status_release(out);
	return err;
}

void bs_status_release(struct bs_status *st)
{
	for (size_t i = 0; i < st->nitems; i++) {
		free(st->items[i].reason_zh);
		free(st->items[i].reason_en);
	}
	free(st->items);
	free(st->groups);
	bs_profile_release(&st->profile);
	memset(st, 0, sizeof(*st));
}
