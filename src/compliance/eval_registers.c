/*
 * Registers: control states derived from the registers and the deadline engine, and
 * applicability by system category and app class now that the registers hold them.
 * Comes after applicability (profile) and before the evidence fallback.
 */
#include <stdlib.h>
#include <string.h>

#include "compliance/status.h"
#include "core/error.h"
#include "registry/registry.h"
#include "schedule/schedule.h"

/* Controls the engine's duties decide: duties whose source is the control. With no duty,
 * the control is met when `reg` holds live records (every one of them complete), else this
 * evaluator has no opinion. */
static const struct {
	const char *control;
	const char *reg;
	const char *kind; /* only records of this kind bind the control (else: not applicable) */
} derived[] = {
	{ "A2.2.2", "plan" },
	{ "A2.3.1.1", "system" },
	{ "A2.3.1.2", "system" },
	{ "A2.3.1.3", "system" },
	{ "A2.3.3", "incident" },
	{ "A2.3.4", "system" },
	{ "A2.6", "drill" },
	{ "A2.4.1.6.1.4", "account-review" },
	{ "A2.4.1.8.1", "backup" },
	{ "A2.4.1.8.2", "backup" },
	{ "A2.4.1.8.3", "backup" },
	{ "A3.7.11", "backup" },
	{ "SR.4.1", "person" },
	{ "SR.4.2", "person" },
	{ "SR.4.3", "vendor" },
	{ "A2.5.6.6", "vendor", "development" }, /* 資通系統開發如委外辦理 */
	{ "SR.4.7", "job-change" },
	{ "SR.17", "disposal" },
	{ "SR.19", "incident" },
	{ "SR.5.3", "policy-doc" }, /* 行動裝置安全控管程序: also BYOD devices vs the profile */
	{ "A1.4.1.1.5.2", "app" },
};

struct state {
	json_t *snap;
	struct bs_duties duties;
	unsigned categories; /* bit n: a live category-n system exists */
	unsigned classes;    /* bit n: a live class-n app exists */
	size_t nsystems, napps;
};

static int live(const json_t *r)
{
	return !json_is_true(json_object_get(r, "archived"));
}

static size_t count_live(const struct state *s, const char *reg)
{
	const json_t *a = json_object_get(s->snap, reg);
	size_t n = 0;
	for (size_t i = 0; i < json_array_size(a); i++)
		n += live(json_array_get(a, i));
	return n;
}

/* Live records of reg whose kind is kind or not recorded (one the engine asks about). */
static size_t count_kind(const struct state *s, const char *reg, const char *kind)
{
	const json_t *a = json_object_get(s->snap, reg);
	size_t n = 0;
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *r = json_array_get(a, i);
		const char *k = json_string_value(json_object_get(r, "kind"));
		n += live(r) && (!k || !strcmp(k, kind));
	}
	return n;
}

/* A1.4.1.1.5.2: a live class-3 app with transaction functions linked to system sid. */
static int app_brings_to_cat1(const json_t *snap, json_int_t sid)
{
	const json_t *apps = json_object_get(snap, "app");
	for (size_t i = 0; i < json_array_size(apps); i++) {
		const json_t *a = json_array_get(apps, i);
		if (live(a) && json_integer_value(json_object_get(a, "class")) == 3 &&
		    json_is_true(json_object_get(a, "transactions")) &&
		    json_integer_value(json_object_get(a, "system")) == sid)
			return 1;
	}
	return 0;
}

static void release(void *p)
{
	struct state *s = p;
	if (!s)
		return;
	json_decref(s->snap);
	bs_duties_release(&s->duties);
	free(s);
}

static int prepare(const struct bs_status_ctx *ctx, void **out)
{
	struct state *s = bs_calloc(1, sizeof(*s));
	struct bs_schedule_opts o;
	int err;

	if ((err = bs_schedule_snapshot(ctx->dd->store, ctx->as_of, &s->snap)) < 0)
		goto fail;
	bs_schedule_opts_default(&o, ctx->as_of);
	o.profile_mask = ctx->profile->mask;
	if ((err = bs_schedule_compute(s->snap, &o, &s->duties)) < 0)
		goto fail;
	static const char *const regs[] = { "system", "app" };
	for (int k = 0; k < 2; k++) {
		const json_t *a = json_object_get(s->snap, regs[k]);
		for (size_t i = 0; i < json_array_size(a); i++) {
			const json_t *r = json_array_get(a, i);
			json_int_t v = json_integer_value(json_object_get(r, k ? "class" : "category"));
			if (!live(r) || v < 1 || v > 3)
				continue;
			/* a system a transactional class-3 app brings into category 1 (A1.4.1.1.5.2) */
			if (!k && app_brings_to_cat1(s->snap, json_integer_value(json_object_get(r, "id"))))
				v = 1;
			if (k) {
				s->classes |= 1u << v;
				s->napps++;
			} else {
				s->categories |= 1u << v;
				s->nsystems++;
			}
		}
	}
	*out = s;
	return 0;
fail:
	release(s);
	return err;
}

static void list_mask(struct bs_buf *b, unsigned mask, const char *sep)
{
	static const char *const zh_num[] = { "", "一", "二", "三" };
	int first = 1;
	for (int n = 1; n <= 3; n++)
		if (mask & (1u << n)) {
			/* a zh-TW list (joined by 、) uses the text's own numerals: 第一、三類 */
			if (!strcmp(sep, "、"))
				bs_buf_printf(b, "%s%s", first ? "" : sep, zh_num[n]);
			else
				bs_buf_printf(b, "%s%d", first ? "" : sep, n);
			first = 0;
		}
}

/* Applicability by system category / app class: only once the register holds something. */
static int applicability(const struct state *s, const struct bs_control *c, struct bs_verdict *v)
{
	unsigned cat = c->effective.system_category, cls = c->effective.app_class;

	if (cat && s->nsystems && !(cat & s->categories)) {
		v->state = BS_STATE_NOT_APPLICABLE;
		bs_buf_puts(&v->zh, "電腦系統登錄中無第");
		list_mask(&v->zh, cat, "、");
		bs_buf_puts(&v->zh, "類系統");
		bs_buf_puts(&v->en, "no category ");
		list_mask(&v->en, cat, "/");
		bs_buf_puts(&v->en, " system in the system register");
		return 1;
	}
	if (cls && s->napps && !(cls & s->classes)) {
		v->state = BS_STATE_NOT_APPLICABLE;
		bs_buf_puts(&v->zh, "行動應用程式登錄中無第");
		list_mask(&v->zh, cls, "、");
		bs_buf_puts(&v->zh, "類 App");
		bs_buf_puts(&v->en, "no class ");
		list_mask(&v->en, cls, "/");
		bs_buf_puts(&v->en, " app in the app register");
		return 1;
	}
	return 0;
}

/* SR.4.5: met only if every person met the previous calendar year's hours. */
static int training(const struct state *s, struct bs_verdict *v)
{
	size_t n = 0, bad = 0;
	for (size_t i = 0; i < s->duties.n; i++) {
		const struct bs_duty *d = &s->duties.v[i];
		if (strcmp(d->duty, "training-year") != 0)
			continue;
		n++;
		if (d->status == BS_DUTY_OVERDUE) {
			bs_buf_printf(&v->zh, "%s%s", bad ? "；" : "", d->detail_zh);
			bs_buf_printf(&v->en, "%s%s", bad ? "; " : "", d->detail_en);
			bad++;
		}
	}
	if (!n)
		return 0;
	if (bad) {
		v->state = BS_STATE_NOT_MET;
		return 1;
	}
	v->state = BS_STATE_MET;
	bs_buf_printf(&v->zh, "上一年度 %zu 人均達訓練時數", n);
	bs_buf_printf(&v->en, "all %zu people met last year's training hours", n);
	return 1;
}

/* A1.T1.NN: every app of a class that needs the row has it met. */
static int app_row(const struct state *s, const struct bs_control *c, struct bs_verdict *v)
{
	const json_t *apps = json_object_get(s->snap, "app");
	size_t need = 0, miss = 0;

	for (size_t i = 0; i < json_array_size(apps); i++) {
		const json_t *a = json_array_get(apps, i), *met = json_object_get(a, "met");
		int has = 0;
		if (!live(a) || !bs_app_requires(c->id, (int)json_integer_value(json_object_get(a, "class"))))
			continue;
		need++;
		for (size_t j = 0; j < json_array_size(met); j++)
			has |= !strcmp(json_string_value(json_array_get(met, j)), c->id);
		if (!has) {
			const char *name = json_string_value(json_object_get(a, "name"));
			long long id = (long long)json_integer_value(json_object_get(a, "id"));
			bs_buf_printf(&v->zh, "%sapp:%lld「%s」未符合", miss ? "；" : "", id, name ? name : "");
			bs_buf_printf(&v->en, "%sapp:%lld '%s' does not meet it", miss ? "; " : "", id, name ? name : "");
			miss++;
		}
	}
	if (!need)
		return 0;
	if (miss) {
		v->state = BS_STATE_NOT_MET;
		return 1;
	}
	v->state = BS_STATE_MET;
	bs_buf_printf(&v->zh, "%zu 個需此項之 App 均已符合", need);
	bs_buf_printf(&v->en, "all %zu apps that need it meet it", need);
	return 1;
}

/* Policy documents: a clause a document must cover is met when an approved document of its
 * kind covers it. */
static int policy_item(const struct state *s, const struct bs_control *c, struct bs_verdict *v)
{
	for (size_t k = 0; bs_policy_kinds[k].kind; k++) {
		const struct bs_policy_kind *pk = &bs_policy_kinds[k];
		const json_t *docs = json_object_get(s->snap, "policy-doc");
		int is_item = 0;
		for (size_t j = 0; pk->items[j]; j++)
			is_item |= !strcmp(pk->items[j], c->id);
		if (!is_item)
			continue;
		for (size_t i = 0; i < json_array_size(docs); i++) {
			const json_t *d = json_array_get(docs, i), *items = json_object_get(d, "items");
			const char *kind = json_string_value(json_object_get(d, "kind"));
			if (!live(d) || !kind || strcmp(kind, pk->kind) || !json_is_string(json_object_get(d, "approved")))
				continue;
			for (size_t j = 0; j < json_array_size(items); j++)
				if (!strcmp(json_string_value(json_array_get(items, j)), c->id)) {
					v->state = BS_STATE_MET;
					bs_buf_printf(&v->zh, "已核定之規範 policy-doc:%lld 涵蓋此項",
						      (long long)json_integer_value(json_object_get(d, "id")));
					bs_buf_printf(&v->en, "approved document policy-doc:%lld covers it",
						      (long long)json_integer_value(json_object_get(d, "id")));
					return 1;
				}
		}
		if (!count_live(s, "policy-doc"))
			return 0;
		v->state = BS_STATE_NOT_MET;
		bs_buf_printf(&v->zh, "沒有已核定且涵蓋此項之 %s 規範文件", pk->kind);
		bs_buf_printf(&v->en, "no approved %s document covers it: brokersec policy-doc update ID --items ...",
			      pk->kind);
		return 1;
	}
	return 0;
}

static int from_duties(const struct state *s, const struct bs_control *c, struct bs_verdict *v)
{
	size_t k, n = 0, overdue = 0, recurring_overdue = 0;
	int32_t next = 0;

	for (k = 0; k < sizeof(derived) / sizeof(derived[0]); k++)
		if (!strcmp(derived[k].control, c->id))
			break;
	if (k == sizeof(derived) / sizeof(derived[0]))
		return 0;
	for (size_t i = 0; i < s->duties.n; i++) {
		const struct bs_duty *d = &s->duties.v[i];
		if (strcmp(d->source, c->id) != 0 || d->kind == BS_DUTY_RETENTION)
			continue;
		n++;
		if (d->status == BS_DUTY_OVERDUE) {
			bs_buf_printf(&v->zh, "%s%s：%s", overdue ? "；" : "", d->subject, d->detail_zh);
			bs_buf_printf(&v->en, "%s%s: %s", overdue ? "; " : "", d->subject, d->detail_en);
			overdue++;
			recurring_overdue += d->kind == BS_DUTY_RECURRING;
		} else if (!next || d->due < next) {
			next = d->due;
		}
	}
	if (overdue) {
		v->state = recurring_overdue == overdue ? BS_STATE_DUE : BS_STATE_NOT_MET;
		return 1;
	}
	if (n) {
		char ds[BS_DATE_MAX];
		bs_date_format(next, ds);
		v->state = BS_STATE_MET;
		bs_buf_printf(&v->zh, "%zu 項期限均未逾期，最近到期 %s（brokersec due）", n, ds);
		bs_buf_printf(&v->en, "%zu deadline%s kept; next due %s (brokersec due)", n, n == 1 ? "" : "s", ds);
		return 1;
	}
	size_t live_n = count_live(s, derived[k].reg);
	if (!live_n)
		return 0;
	if (derived[k].kind && !count_kind(s, derived[k].reg, derived[k].kind)) {
		v->state = BS_STATE_NOT_APPLICABLE;
		bs_buf_printf(&v->zh, "%s 登錄中無種類為 %s 之紀錄", derived[k].reg, derived[k].kind);
		bs_buf_printf(&v->en, "no %s of kind %s in the %s register", derived[k].reg, derived[k].kind,
			      derived[k].reg);
		return 1;
	}
	v->state = BS_STATE_MET;
	bs_buf_printf(&v->zh, "%s 登錄 %zu 筆紀錄均完整", derived[k].reg, live_n);
	bs_buf_printf(&v->en, "all %zu %s records are complete", live_n, derived[k].reg);
	return 1;
}

/* NEEDSWORK: A3.6.1-A3.6.5 (ransomware response steps per incident) and A2.3.2 (sampling
 * at least 10 % or 100 devices) are not derived yet; evidence decides them. */
static int evaluate(const struct bs_status_ctx *ctx, void *p, const struct bs_control *c, struct bs_verdict *v)
{
	const struct state *s = p;
	int r;

	(void)ctx;
	if ((r = applicability(s, c, v)) != 0)
		return r;
	if (!strcmp(c->id, "SR.4.5"))
		return training(s, v);
	if (!strncmp(c->id, "A1.T1.", 6))
		return app_row(s, c, v);
	/* SR.13 and SR.17 are both a document's item and a register's duty: both must hold */
	if ((r = policy_item(s, c, v)) != 0 && v->state != BS_STATE_MET)
		return r;
	if (r) {
		struct bs_verdict d = { .state = BS_STATE_UNKNOWN, .zh = BS_BUF_INIT, .en = BS_BUF_INIT };
		if (from_duties(s, c, &d) == 1 && d.state != BS_STATE_MET) {
			bs_buf_release(&v->zh);
			bs_buf_release(&v->en);
			*v = d;
			return 1;
		}
		bs_buf_release(&d.zh);
		bs_buf_release(&d.en);
		return r;
	}
	return from_duties(s, c, v);
}

const struct bs_evaluator bs_eval_registers = { "registers", prepare, evaluate, release };
