/*
 * Phishing detection (SR.14, mechanism phishing.lookalike; docs/status.md): met when the
 * official domains are set, a look-alike check ran on the as-of day or the day before (the
 * check is daily), and every look-alike found by then has a person's decision; due when the
 * last check is older or a look-alike waits for triage; not met when official domains are set
 * but no check ran; unknown (with what to do) without official domains, so that evidence of
 * another detection service decides. The customer reminders are proved by evidence.
 */
#include <string.h>

#include "compliance/status.h"
#include "core/clock.h"
#include "lookalike/check.h"

static int prepare(const struct bs_status_ctx *ctx, void **out)
{
	json_t *sum = NULL;
	/* up to the end of the as-of day (UTC) */
	int err = bs_lookalike_summary(ctx->dd->store, ((int64_t)ctx->as_of + 1) * 86400 * 1000000 - 1, &sum);
	if (err < 0)
		return err;
	*out = sum;
	return 0;
}

static void release(void *state)
{
	json_decref(state);
}

static int mine(const struct bs_control *c)
{
	for (size_t i = 0; i < c->nhow; i++)
		if (c->how[i].kind == BS_HOW_MECHANISM && !strcmp(c->how[i].ref, "phishing.lookalike"))
			return 1;
	return 0;
}

static json_int_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static int evaluate(const struct bs_status_ctx *ctx, void *state, const struct bs_control *c, struct bs_verdict *v)
{
	json_t *s = state;
	char last[BS_DATE_MAX], oldest[BS_DATE_MAX];
	int32_t day;
	json_int_t open = num(s, "open"), hits = num(s, "hits");

	if (!mine(c))
		return 0;
	if (!num(s, "domains")) {
		/* unknown, not not-met: a broker may detect phishing with another service and prove
		 * it with evidence, which then decides */
		v->state = BS_STATE_UNKNOWN;
		bs_buf_puts(&v->zh, "尚未設定官方網域，無從偵測仿冒網站：brokersec lookalike domain add 網域");
		bs_buf_puts(&v->en, "no official domains set, so no look-alike is looked for: brokersec lookalike domain add DOMAIN");
		return 1;
	}
	if (!num(s, "last_check_us")) {
		v->state = BS_STATE_NOT_MET;
		bs_buf_puts(&v->zh, "尚未執行仿冒網域檢查：brokersec lookalike check（每日）");
		bs_buf_puts(&v->en, "no look-alike check yet: brokersec lookalike check (daily)");
		return 1;
	}
	day = bs_days_from_time(num(s, "last_check_us"));
	bs_date_format(day, last);
	if (day < ctx->as_of - 1) {
		v->state = BS_STATE_DUE;
		bs_buf_printf(&v->zh, "最近一次仿冒網域檢查於 %s，已逾每日檢查之期（漏做 %d 日）", last, ctx->as_of - 1 - day);
		bs_buf_printf(&v->en, "the last look-alike check was on %s: the daily check was missed for %d day(s)", last,
			      ctx->as_of - 1 - day);
		return 1;
	}
	if (open) {
		bs_date_format(bs_days_from_time(num(s, "oldest_open_us")), oldest);
		v->state = BS_STATE_DUE;
		bs_buf_printf(&v->zh, "最近檢查 %s；%lld 個仿冒網域待判定（最早 %s 發現）：brokersec lookalike hits --state open",
			      last, (long long)open, oldest);
		bs_buf_printf(&v->en, "last check %s; %lld look-alike(s) await a decision (the first found %s): brokersec "
			      "lookalike hits --state open", last, (long long)open, oldest);
		return 1;
	}
	v->state = BS_STATE_MET;
	bs_buf_printf(&v->zh, "每日偵測仿冒網域：最近檢查 %s，%lld 個官方網域，已發現 %lld 個仿冒網域皆已判定", last,
		      (long long)num(s, "domains"), (long long)hits);
	bs_buf_printf(&v->en, "look-alikes checked daily: last check %s, %lld official domain(s), all %lld look-alike(s) "
		      "found decided", last, (long long)num(s, "domains"), (long long)hits);
	return 1;
}

const struct bs_evaluator bs_eval_lookalike = { "lookalike", prepare, evaluate, release };
