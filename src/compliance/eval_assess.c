/* eval_assess.c - status from the security assessments (src/assess, docs/assessments.md):
 *   - A2.4.1.*: the result per control of the latest closed assessment that covered it, per
 *     system, valid for the system's category cycle (1/3/5 years, 參一); a control not met on
 *     any system is not met, all lapsed is due;
 *   - A2.4.2: the scope chosen per system (肆二) of the latest completed assessment;
 *   - A2.7.1, A2.7.2.1, A2.7.2.2, A2.7.3: its assessors' independence and qualifications (柒),
 *     which src/assess checked when they were put on it and again at completion;
 *   - A2.8: its report and the audit unit's follow-up (捌): not met while a finding is open
 *     past its due date. */
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "compliance/status.h"
#include "core/clock.h"

struct state {
	json_t *results;             /* control -> [{system, result, completed, assessment, category}] */
	json_t *overdue;             /* open findings due before as_of */
	struct bs_assess_full latest; /* latest non-legacy reported/closed assessment, meta.id 0 none */
};

static int collect(int64_t system, const char *control, enum bs_assess_result r, int32_t completed, int64_t assessment,
		   int category, void *ctx)
{
	struct state *s = ctx;
	json_t *arr = json_object_get(s->results, control);

	if (!arr) {
		arr = json_array();
		json_object_set_new(s->results, control, arr);
	}
	json_array_append_new(arr, json_pack("{s:I, s:i, s:i, s:I, s:i}", "system", (json_int_t)system, "result", (int)r,
					     "completed", (int)completed, "assessment", (json_int_t)assessment,
					     "category", category));
	return 0;
}

static int load_latest(struct bs_datadir *dd, int32_t as_of, struct bs_assess_full *out)
{
	int64_t *ids = NULL;
	size_t n = 0;
	char day[BS_DATE_MAX];
	int err;

	memset(out, 0, sizeof(*out));
	bs_date_format(as_of, day);
	if ((err = bs_assess_ids(dd->store, &ids, &n)) < 0)
		return err;
	for (size_t i = 0; i < n; i++) {
		if ((err = bs_assess_load(dd, ids[i], out)) < 0)
			break;
		if (!out->meta.legacy && out->meta.completed_on && strcmp(out->meta.completed_on, day) <= 0 &&
		    (out->meta.status == BS_ASSESS_REPORTED || out->meta.status == BS_ASSESS_CLOSED))
			break;
		bs_assess_full_release(out);
	}
	free(ids);
	return err;
}

static void release(void *p)
{
	struct state *s = p;
	if (!s)
		return;
	json_decref(s->results);
	json_decref(s->overdue);
	bs_assess_full_release(&s->latest);
	free(s);
}

static int prepare(const struct bs_status_ctx *ctx, void **out)
{
	struct state *s = bs_calloc(1, sizeof(*s));
	json_t *open = NULL, *f;
	char day[BS_DATE_MAX];
	size_t i;
	int err;

	s->results = json_object();
	s->overdue = json_array();
	bs_date_format(ctx->as_of, day);
	if ((err = bs_assess_latest_results(ctx->dd->store, ctx->as_of, collect, s)) < 0 ||
	    (err = bs_assess_open_findings(ctx->dd->store, &open)) < 0 || (err = load_latest(ctx->dd, ctx->as_of, &s->latest)) < 0) {
		json_decref(open);
		release(s);
		return err;
	}
	json_array_foreach(open, i, f) {
		const char *due = json_string_value(json_object_get(f, "due"));
		if (due && strcmp(due, day) < 0)
			json_array_append(s->overdue, f);
	}
	json_decref(open);
	*out = s;
	return 0;
}

static int cycle_months(int category)
{
	return category == 1 ? 12 : category == 2 ? 36 : 60;
}

static int from_results(const struct state *s, const struct bs_status_ctx *ctx, const struct bs_control *c,
			struct bs_verdict *v)
{
	json_t *arr = json_object_get(s->results, c->id), *r;
	size_t i, met = 0, not_met = 0, na = 0, lapsed = 0;

	if (!arr)
		return 0;
	json_array_foreach(arr, i, r) {
		int32_t done = (int32_t)json_integer_value(json_object_get(r, "completed"));
		int cat = (int)json_integer_value(json_object_get(r, "category"));
		int res = (int)json_integer_value(json_object_get(r, "result"));
		long long sys = (long long)json_integer_value(json_object_get(r, "system"));
		long long aid = (long long)json_integer_value(json_object_get(r, "assessment"));
		char ds[BS_DATE_MAX], until[BS_DATE_MAX];
		bs_date_format(done, ds);
		bs_date_format(bs_date_add_months(done, cycle_months(cat)), until);
		if (bs_date_add_months(done, cycle_months(cat)) <= ctx->as_of) {
			lapsed++;
			bs_buf_printf(&v->zh, "%s系統 %lld 之評估 %lld（%s）已逾第%s類週期", v->zh.len ? "；" : "", sys, aid, ds,
				      cat == 1 ? "一" : cat == 2 ? "二" : "三");
			bs_buf_printf(&v->en, "%ssystem %lld: assessment %lld (%s) is past its category-%d cycle",
				      v->en.len ? "; " : "", sys, aid, ds, cat);
			continue;
		}
		if (res == BS_RESULT_NOT_MET)
			not_met++;
		else if (res == BS_RESULT_MET)
			met++;
		else if (res == BS_RESULT_NOT_APPLICABLE)
			na++;
		bs_buf_printf(&v->zh, "%s系統 %lld：評估 %lld（%s）%s，有效至 %s", v->zh.len ? "；" : "", sys, aid, ds,
			      bs_assess_result_label((enum bs_assess_result)res, BS_LANG_ZH_TW), until);
		bs_buf_printf(&v->en, "%ssystem %lld: assessment %lld (%s) %s, valid until %s", v->en.len ? "; " : "", sys,
			      aid, ds, bs_assess_result_label((enum bs_assess_result)res, BS_LANG_EN), until);
	}
	if (not_met)
		v->state = BS_STATE_NOT_MET;
	else if (met)
		v->state = BS_STATE_MET;
	else if (na)
		v->state = BS_STATE_NOT_APPLICABLE;
	else if (lapsed) {
		v->state = BS_STATE_DUE;
		v->lapsed = 1;
	} else
		return 0;
	return 1;
}

static int from_latest(const struct state *s, const struct bs_control *c, struct bs_verdict *v)
{
	static const char *const assessor_items[] = { "A2.7.1", "A2.7.2.1", "A2.7.2.2", "A2.7.3", NULL };
	const struct bs_assess_full *a = &s->latest;
	int k;

	if (!a->meta.id)
		return 0;
	for (k = 0; assessor_items[k]; k++)
		if (!strcmp(c->id, assessor_items[k]))
			break;
	if (assessor_items[k] && a->nassessors) {
		v->state = BS_STATE_MET;
		bs_buf_printf(&v->zh, "評估 %lld 之 %zu 位評估人員皆具資格、獨立性與保密切結（brokersec assessment show %lld）",
			      (long long)a->meta.id, a->nassessors, (long long)a->meta.id);
		bs_buf_printf(&v->en, "assessment %lld: its %zu assessor(s) hold the qualifications, independence and NDA "
			      "(brokersec assessment show %lld)", (long long)a->meta.id, a->nassessors, (long long)a->meta.id);
		return 1;
	}
	if (!strcmp(c->id, "A2.4.2") && a->nscope) {
		v->state = BS_STATE_MET;
		bs_buf_printf(&v->zh, "評估 %lld 記錄 %zu 個系統之評估項目（第一類全項，第二、三類附選擇理由）",
			      (long long)a->meta.id, a->nscope);
		bs_buf_printf(&v->en, "assessment %lld records the areas of %zu system(s) (category 1 all, 2 and 3 with "
			      "the reason of the choice)", (long long)a->meta.id, a->nscope);
		return 1;
	}
	if (!strcmp(c->id, "A2.8")) {
		v->state = BS_STATE_MET;
		bs_buf_printf(&v->zh, "評估 %lld 已於 %s 完成報告（%s），缺失 %zu 項、未結案 %zu 項，由稽核單位追蹤覆查",
			      (long long)a->meta.id, a->meta.completed_on, bs_assess_status_label(a->meta.status, BS_LANG_ZH_TW),
			      a->summary.findings, a->summary.findings_open);
		bs_buf_printf(&v->en, "assessment %lld reported on %s (%s): %zu finding(s), %zu open, followed up by the audit "
			      "unit", (long long)a->meta.id, a->meta.completed_on, bs_assess_status_label(a->meta.status, BS_LANG_EN),
			      a->summary.findings, a->summary.findings_open);
		return 1;
	}
	return 0;
}

static int evaluate(const struct bs_status_ctx *ctx, void *state, const struct bs_control *c, struct bs_verdict *v)
{
	const struct state *s = state;

	if (!strcmp(c->id, "A2.8") && json_array_size(s->overdue)) {
		size_t i;
		json_t *f;
		v->state = BS_STATE_NOT_MET;
		json_array_foreach(s->overdue, i, f) {
			bs_buf_printf(&v->zh, "%s缺失 %lld（評估 %lld，%s）逾期未改善，期限 %s", i ? "；" : "",
				      (long long)json_integer_value(json_object_get(f, "id")),
				      (long long)json_integer_value(json_object_get(f, "assessment")),
				      json_string_value(json_object_get(f, "control")), json_string_value(json_object_get(f, "due")));
			bs_buf_printf(&v->en, "%sfinding %lld (assessment %lld, %s) open past its due date %s", i ? "; " : "",
				      (long long)json_integer_value(json_object_get(f, "id")),
				      (long long)json_integer_value(json_object_get(f, "assessment")),
				      json_string_value(json_object_get(f, "control")), json_string_value(json_object_get(f, "due")));
		}
		return 1;
	}
	if (bs_assess_area_of(c->id))
		return from_results(s, ctx, c, v);
	return from_latest(s, c, v);
}

const struct bs_evaluator bs_eval_assess = { "assessments", prepare, evaluate, release };
