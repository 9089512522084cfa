/* Applicability: a control whose profile conditions are not met does not apply. */
#include "compliance/status.h"

static int evaluate(const struct bs_status_ctx *ctx, void *state, const struct bs_control *c,
		    struct bs_verdict *v)
{
	unsigned missing = c->effective.profile & ~ctx->profile->mask;

	(void)state;
	if (!missing)
		return 0;
	v->state = BS_STATE_NOT_APPLICABLE;
	for (int f = 0; f < BS_PF_COUNT; f++) {
		if (!(missing & (1u << f)))
			continue;
		const struct bs_profile_info *pi = bs_profile_info((enum bs_profile_flag)f);
		bs_buf_printf(&v->zh, "%s組織設定「%s」為否", v->zh.len ? "；" : "", pi->zh);
		bs_buf_printf(&v->en, "%sprofile: %s = no", v->en.len ? "; " : "", pi->name);
	}
	return 1;
}

const struct bs_evaluator bs_eval_applicability = { "applicability", NULL, evaluate, NULL };
