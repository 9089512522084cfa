/*
 * Saved host scans: a control that a check of the latest saved scan of some host refers to
 * is not met when such a check failed (unwaived), met when every such check passed (or was
 * waived). Checks that could not decide (error, not applicable) give no verdict. A scan is a
 * proof with a validity period like evidence (bs_status_validity: the control's cycle, else
 * one year): once the oldest deciding scan is older, the verdict is due (lapsed) and the host
 * must be scanned again (docs/status.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compliance/status.h"
#include "core/error.h"
#include "scan/scan.h"

struct verdict {
	char *control_id;
	enum bs_scan_status status; /* worst: fail, else pass */
	char *check_id, *host, *system, *when;
	int64_t scan_id;
	unsigned hosts;
	int32_t day;                /* of the deciding row's scan */
	int32_t oldest;             /* the oldest latest-scan among the hosts */
	char *oldest_host;
};

static int32_t day_of(const char *created_at)
{
	char d[11];
	int32_t day = 0;

	snprintf(d, sizeof(d), "%.10s", created_at);
	(void)bs_date_parse(d, &day); /* written by brokersec: always a date; 0 (1970) would be stale */
	return day;
}

struct state {
	struct verdict *v;
	size_t n, cap;
};

static int collect(const struct bs_scan_control_row *r, void *p)
{
	struct state *s = p;
	struct verdict *v = s->n ? &s->v[s->n - 1] : NULL;

	if (r->status != BS_SCAN_PASS && r->status != BS_SCAN_FAIL)
		return 0;
	if (v && !strcmp(v->control_id, r->control_id)) {
		int32_t d = day_of(r->created_at);
		v->hosts++;
		if (d < v->oldest) {
			v->oldest = d;
			free(v->oldest_host);
			v->oldest_host = bs_strdup(r->host);
		}
		return 0; /* rows come worst first: the first row decides */
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = bs_realloc(s->v, bs_size_mul(s->cap, sizeof(*s->v)));
	}
	v = &s->v[s->n++];
	v->control_id = bs_strdup(r->control_id);
	v->status = r->status;
	v->check_id = bs_strdup(r->check_id);
	v->host = bs_strdup(r->host);
	v->system = bs_strdup(r->system_id);
	v->when = bs_strndup(r->created_at, 10);
	v->scan_id = r->scan_id;
	v->hosts = 1;
	v->day = v->oldest = day_of(r->created_at);
	v->oldest_host = bs_strdup(r->host);
	return 0;
}

static void release(void *p)
{
	struct state *s = p;
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].control_id);
		free(s->v[i].check_id);
		free(s->v[i].host);
		free(s->v[i].system);
		free(s->v[i].when);
		free(s->v[i].oldest_host);
	}
	free(s->v);
	free(s);
}

static int prepare(const struct bs_status_ctx *ctx, void **out)
{
	struct state *s = bs_calloc(1, sizeof(*s));
	int err;

	if ((err = bs_scan_latest_each(ctx->dd->store, ((int64_t)ctx->as_of + 1) * 86400 * 1000000 - 1, collect, s)) < 0) {
		release(s);
		return err;
	}
	*out = s;
	return 0;
}

static void lapsed(const struct verdict *d, const struct bs_control *c, int32_t day, const char *host,
		   struct bs_verdict *v)
{
	const struct bs_duration *valid = bs_status_validity(c);
	const char *cycle = valid == &c->period_d ? c->period : "P1Y";
	char when[BS_DATE_MAX], until[BS_DATE_MAX];

	bs_date_format(day, when);
	bs_date_format(bs_duration_add(day, valid), until);
	v->state = BS_STATE_DUE;
	v->lapsed = 1;
	bs_buf_printf(&v->zh, "主機 %s 最近掃描於 %s（%s 結果），有效期 %s，%s 起到期：請重新掃描並儲存（scan --save）",
		      host, when, d->status == BS_SCAN_FAIL ? "不符" : "通過", cycle, until);
	bs_buf_printf(&v->en, "host %s was last scanned on %s (%s); valid %s; due since %s: scan it again with "
		      "scan --save", host, when, d->status == BS_SCAN_FAIL ? "failed" : "passed", cycle, until);
}

/* Where the check's number is brokersec's baseline rather than the text's (a policy's
 * `baseline`), the reason says so (DESIGN.md, "Status: what counts as proof"). */
static void baseline_note(const char *check_id, struct bs_verdict *v)
{
	const struct bs_scan_policy *pol;
	const struct bs_scan_check *chk;

	if (!check_id || bs_scan_policy_builtin(&pol) < 0 || !(chk = bs_scan_policy_find(pol, check_id)) ||
	    !chk->baseline.zh) {
		bs_error_clear();
		return;
	}
	bs_buf_printf(&v->zh, "（%s）", chk->baseline.zh);
	bs_buf_printf(&v->en, " (%s)", chk->baseline.en);
}

static int evaluate(const struct bs_status_ctx *ctx, void *p, const struct bs_control *c, struct bs_verdict *v)
{
	struct state *s = p;
	const struct bs_duration *valid = bs_status_validity(c);

	for (size_t i = 0; i < s->n; i++) {
		const struct verdict *d = &s->v[i];
		if (strcmp(d->control_id, c->id) != 0)
			continue;
		if (d->status == BS_SCAN_FAIL && bs_duration_add(d->day, valid) <= ctx->as_of) {
			lapsed(d, c, d->day, d->host, v);
		} else if (d->status == BS_SCAN_FAIL) {
			v->state = BS_STATE_NOT_MET;
			bs_buf_printf(&v->zh, "主機 %s（系統 %s）%s 掃描 #%lld：檢查 %s 不符", d->host, d->system, d->when,
				      (long long)d->scan_id, d->check_id);
			bs_buf_printf(&v->en, "host %s (system %s) scan #%lld on %s: check %s failed", d->host, d->system,
				      (long long)d->scan_id, d->when, d->check_id);
			baseline_note(d->check_id, v);
		} else if (bs_duration_add(d->oldest, valid) <= ctx->as_of) {
			lapsed(d, c, d->oldest, d->oldest_host, v);
		} else {
			v->state = BS_STATE_MET;
			bs_buf_printf(&v->zh, "最近掃描（%u 台主機）相關檢查皆通過，例：%s 掃描 #%lld", d->hosts, d->host,
				      (long long)d->scan_id);
			bs_buf_printf(&v->en, "latest scans (%u hosts) pass every check on it, e.g. %s scan #%lld", d->hosts,
				      d->host, (long long)d->scan_id);
			baseline_note(d->check_id, v);
		}
		return 1;
	}
	return 0;
}

const struct bs_evaluator bs_eval_scan = { "scan", prepare, evaluate, release };
