/*
 * File integrity and ransomware signs (issue 16; src/fim, docs/fim.md, docs/status.md): the
 * controls whose catalog entry names the mechanism integrity.fim (SR.15, A2.5.3.3) or
 * ransomware.detect (A3.4) are decided by the latest `fim check` of any root: met when it ran
 * within BS_FIM_RECENT_DAYS of the as-of day and found nothing (integrity: no change, nothing
 * unreadable; ransomware: no sign); not met when it found something; due when it is older.
 * A check runs only on a verified baseline (signature, host, the event log's pin), so a
 * recorded check also says the baseline held. No check at all: no opinion (a saved scan's
 * AIDE check or evidence decides).
 */
#include <stdlib.h>
#include <string.h>

#include "compliance/status.h"
#include "core/clock.h"
#include "fim/fim.h"

#define BS_FIM_RECENT_DAYS 7

struct fim_state {
	int have;
	struct bs_fim_last last;
};

static int prepare(const struct bs_status_ctx *ctx, void **out)
{
	struct fim_state *s = bs_calloc(1, sizeof(*s));
	int err = bs_fim_last_check(ctx->dd->store, &s->last);
	if (err < 0) {
		free(s);
		return err;
	}
	s->have = err;
	*out = s;
	return 0;
}

static void release(void *state)
{
	free(state);
}

/* 1 integrity, 2 ransomware, 0 neither */
static int mine(const struct bs_control *c)
{
	for (size_t i = 0; i < c->nhow; i++)
		if (c->how[i].kind == BS_HOW_MECHANISM) {
			if (!strcmp(c->how[i].ref, "integrity.fim"))
				return 1;
			if (!strcmp(c->how[i].ref, "ransomware.detect"))
				return 2;
		}
	return 0;
}

static int evaluate(const struct bs_status_ctx *ctx, void *state, const struct bs_control *c, struct bs_verdict *v)
{
	struct fim_state *s = state;
	int kind = mine(c);
	char day[BS_DATE_MAX];
	int32_t d;

	if (!kind || !s->have)
		return 0;
	d = bs_days_from_time(s->last.finished_us);
	if (d > ctx->as_of)
		return 0; /* a check after the as-of day says nothing of it */
	bs_date_format(d, day);
	if (kind == 2 && s->last.indicators) {
		v->state = BS_STATE_NOT_MET;
		bs_buf_printf(&v->zh, "%s 之完整性檢查發現 %lld 個勒索軟體徵兆（%s）：brokersec log search --type fim.alert，"
			      "並處理資安事件（brokersec incident list）", day, (long long)s->last.indicators, s->last.root);
		bs_buf_printf(&v->en, "the integrity check of %s found %lld ransomware sign(s) (%s): brokersec log search --type "
			      "fim.alert, and handle the incident (brokersec incident list)", day,
			      (long long)s->last.indicators, s->last.root);
		return 1;
	}
	if (kind == 1 && (s->last.changes || s->last.problems)) {
		v->state = BS_STATE_NOT_MET;
		bs_buf_printf(&v->zh, "%s 之完整性檢查（%s）發現 %lld 項變更、%lld 個無法讀取或消失之檔案：brokersec fim check "
			      "--root %s；確認後重建基準（brokersec fim baseline --root %s）", day, s->last.root,
			      (long long)s->last.changes, (long long)s->last.problems, s->last.root, s->last.root);
		bs_buf_printf(&v->en, "the integrity check of %s (%s) found %lld change(s) and %lld unreadable or vanished "
			      "file(s): brokersec fim check --root %s; once reviewed, a new baseline (brokersec fim baseline "
			      "--root %s)", day, s->last.root, (long long)s->last.changes, (long long)s->last.problems,
			      s->last.root, s->last.root);
		return 1;
	}
	if (d < ctx->as_of - BS_FIM_RECENT_DAYS) {
		v->state = BS_STATE_DUE;
		bs_buf_printf(&v->zh, "最近一次完整性檢查於 %s，已逾 %d 日：brokersec fim check --root %s", day,
			      BS_FIM_RECENT_DAYS, s->last.root);
		bs_buf_printf(&v->en, "the last integrity check was on %s, over %d days ago: brokersec fim check --root %s", day,
			      BS_FIM_RECENT_DAYS, s->last.root);
		return 1;
	}
	v->state = BS_STATE_MET;
	if (kind == 1) {
		bs_buf_printf(&v->zh, "完整性檢查 %s（%s）無變更，基準之簽章、主機與事件紀錄固定值皆驗證無誤", day, s->last.root);
		bs_buf_printf(&v->en, "integrity check of %s (%s): no change, the baseline's signature, host and the log's pin "
			      "verified", day, s->last.root);
	} else {
		bs_buf_printf(&v->zh, "完整性檢查 %s（%s）未發現勒索軟體徵兆（勒索訊息檔、副檔名、加密改寫、誘餌檔）", day,
			      s->last.root);
		bs_buf_printf(&v->en, "integrity check of %s (%s): no ransomware sign (notes, extensions, encrypted rewrites, "
			      "canaries)", day, s->last.root);
	}
	return 1;
}

const struct bs_evaluator bs_eval_fim = { "fim", prepare, evaluate, release };
