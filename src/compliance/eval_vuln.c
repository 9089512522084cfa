/* eval_vuln.c - status from vulnerability tracking (issue 18, src/vuln): the controls whose
 * catalog entry is met by the mechanism "vuln.tracking" (SR.15 漏洞修復機制, A2.5.3.1.2,
 * A2.4.1.1.4). Not met while a finding is past its remediation deadline (an accepted risk
 * past its date counts as open); due when the advisories were last imported more than 31
 * days before (a mechanism fed stale data fixes nothing new); met when devices are
 * inventoried, advisories current and nothing is overdue; unknown (with what to run) when
 * nothing is inventoried or imported yet. */
#include <stdlib.h>
#include <string.h>

#include "compliance/status.h"
#include "core/clock.h"
#include "vuln/vuln.h"

#define FEED_FRESH_DAYS 31

static int tracked(const struct bs_control *c)
{
	for (size_t i = 0; i < c->nhow; i++)
		if (!strcmp(c->how[i].ref, "vuln.tracking"))
			return 1;
	return 0;
}

static int prepare(const struct bs_status_ctx *ctx, void **state)
{
	struct bs_vuln_summary *s = bs_calloc(1, sizeof(*s));
	int err = bs_vuln_summary(ctx->dd->store, ctx->as_of, s);
	*state = s;
	return err;
}

static int evaluate(const struct bs_status_ctx *ctx, void *state, const struct bs_control *c, struct bs_verdict *v)
{
	const struct bs_vuln_summary *s = state;
	int64_t us;
	int32_t fed = 0;

	if (!tracked(c))
		return 0;
	if (!s->inventories || !s->latest_feed[0]) {
		v->state = BS_STATE_UNKNOWN;
		bs_buf_puts(&v->zh, "尚未盤點軟體或匯入弱點通報：brokersec vuln inventory --root 目錄；brokersec vuln import-feed --format debian-tracker 檔案");
		bs_buf_puts(&v->en, "no software inventory or advisory feed yet: brokersec vuln inventory --root DIR; brokersec vuln import-feed --format debian-tracker FILE");
		return 1;
	}
	if (bs_time_parse(s->latest_feed, &us) == 0)
		fed = bs_days_from_time(us);
	if (s->overdue) {
		v->state = BS_STATE_NOT_MET;
		bs_buf_printf(&v->zh, "%lld 項弱點逾修復期限未修復（其中已知遭利用 %lld 項未修復）：brokersec vuln list --overdue",
			      (long long)s->overdue, (long long)s->kev_open);
		bs_buf_printf(&v->en, "%lld vulnerabilities past their remediation deadline (%lld known exploited open): "
			      "brokersec vuln list --overdue", (long long)s->overdue, (long long)s->kev_open);
		return 1;
	}
	if (fed + FEED_FRESH_DAYS < ctx->as_of) {
		v->state = BS_STATE_DUE;
		bs_buf_printf(&v->zh, "弱點通報最後匯入於 %.10s，逾 %d 日：請匯入最新通報（brokersec vuln import-feed）",
			      s->latest_feed, FEED_FRESH_DAYS);
		bs_buf_printf(&v->en, "advisories last imported on %.10s, over %d days ago: import current ones (brokersec "
			      "vuln import-feed)", s->latest_feed, FEED_FRESH_DAYS);
		return 1;
	}
	v->state = BS_STATE_MET;
	bs_buf_printf(&v->zh, "漏洞修復機制運作中：%lld 次軟體盤點、弱點通報匯入於 %.10s，%lld 項未修復者均在修復期限內",
		      (long long)s->inventories, s->latest_feed, (long long)s->open);
	bs_buf_printf(&v->en, "vulnerability remediation in place: %lld inventories, advisories of %.10s, %lld open "
		      "findings all within their deadlines", (long long)s->inventories, s->latest_feed, (long long)s->open);
	return 1;
}

static void release(void *state)
{
	free(state);
}

const struct bs_evaluator bs_eval_vuln = { "vuln", prepare, evaluate, release };
