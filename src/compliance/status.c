#include "compliance/status.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* Order matters: the first evaluator that decides wins. */
static const struct bs_evaluator *const evaluators[] = {
	&bs_eval_test_datadir,
	&bs_eval_applicability,
	&bs_eval_registers,
	&bs_eval_scan,
	&bs_eval_evidence,
};
#define NEVAL (sizeof(evaluators) / sizeof(evaluators[0]))

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

int bs_status_compute(struct bs_datadir *dd, const struct bs_catalog *cat, int32_t as_of, struct bs_status *out)
{
	void *state[NEVAL] = { 0 };
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

	out->items = bs_calloc(cat->n ? cat->n : 1, sizeof(*out->items));
	out->groups = bs_calloc(cat->n ? cat->n : 1, sizeof(*out->groups));
	for (size_t ci = 0; ci < cat->n; ci++) {
		const struct bs_control *c = &cat->v[ci];
		struct bs_verdict v = { BS_STATE_UNKNOWN, BS_BUF_INIT, BS_BUF_INIT };
		char gid[64];
		int decided = 0;

		/* Definitions state no duty; a heading's duty is the sum of its items'. */
		if (c->nhow == 0 || c->nduty_children > 0)
			continue;
		for (size_t i = 0; i < NEVAL && !decided; i++) {
			decided = evaluators[i]->evaluate(&ctx, state[i], c, &v);
			if (decided < 0) {
				err = decided;
				bs_buf_release(&v.zh);
				bs_buf_release(&v.en);
				goto done;
			}
		}
		if (!decided) {
			bs_buf_puts(&v.zh, "無判定依據");
			bs_buf_puts(&v.en, "nothing decides this control yet");
		}
		struct bs_status_item *it = &out->items[out->nitems];
		it->control = c;
		it->state = v.state;
		it->reason_zh = bs_buf_detach(&v.zh, NULL);
		it->reason_en = bs_buf_detach(&v.en, NULL);
		out->total[v.state]++;

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
		g->count[v.state]++;
		g->state = worse(g->state, v.state);
		out->nitems++;
	}
done:
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
