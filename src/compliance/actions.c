/*
 * actions.c - the next actions: from a computed status, what a person runs (or which web page
 * they open) to move the controls that are not met toward met (docs/status.md, "Next
 * actions").
 *
 * Each applicable control that is not met gets one action, chosen from the data and the
 * catalog, first that applies (after the test data directory's override, whose only cure is
 * a real data directory):
 *  1. a failing check of its latest saved scan: fix that check, then scan the host again;
 *     then, for a control of the mechanism eventlog.failure-alert not met or due while
 *     notifications were given up (eval_notify.c): `brokersec notify retry --all-failed`;
 *  2. evidence submitted for it and not reviewed yet: review it (only reviewed evidence counts);
 *  3. its catalog `how`, in the catalog's order (a duty that is due or not met: its schedule
 *     first): a register -> `brokersec REGISTER add` with that register's required fields (not
 *     when the register already holds records and the control is still unknown: the register
 *     is not what it lacks), an assessment -> `brokersec assessment plan`, a host check ->
 *     `brokersec scan --save` (unless saved scans exist and still decide nothing), a schedule
 *     -> the command that records the duty done (`drill add`, `user review`, ...);
 *  4. else evidence: `brokersec evidence add ID --file`, one action per article / annex part.
 * Controls with the same action are one action; ranked worst state first (not met, due,
 * unknown), then by the number of controls, then catalog order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "compliance/status.h"
#include "core/error.h"
#include "evidence/evidence.h"
#include "outbox/outbox.h"
#include "registry/registry.h"
#include "scan/scan.h"

/* A schedule (catalog `schedule:NAME`) and the register whose record says the duty was done,
 * or one of the pseudo registers "user-review" and "assessment". A schedule named like a
 * register needs no row. schedule:retention is kept by brokersec itself: evidence. */
static const struct {
	const char *schedule, *target;
} schedule_target[] = {
	{ "training-hours", "training" },
	{ "backup-test", "backup" },
	{ "plan-review", "plan" },
	{ "account-review", "user-review" },
	{ "assessment", "assessment" },
	{ "reassessment", "assessment" },
};

struct failing {
	char *control_id, *check_id, *system_id, *host;
};

struct pending {
	char *control_id;
	int64_t id;
};

struct ctx {
	struct bs_datadir *dd;
	const struct bs_status *st;
	struct failing *fail;
	size_t nfail, capfail;
	int any_scan;
	struct pending *pend;
	size_t npend, cappend;
	int regs_known[64];   /* per bs_registers[] index: 0 not asked, 1 empty, 2 holds live records */
	int assess_known;     /* same for assessments */
	struct bs_outbox_failed outbox; /* notifications given up (eval_notify.c) */
	size_t *assigned;     /* per item: the index of its action in v, or NONE */
	struct bs_action *v;
	size_t n, cap;
};

#define NONE ((size_t)-1)

static int collect_scan(const struct bs_scan_control_row *r, void *p)
{
	struct ctx *c = p;

	c->any_scan = 1;
	if (r->status != BS_SCAN_FAIL)
		return 0;
	if (c->nfail && !strcmp(c->fail[c->nfail - 1].control_id, r->control_id))
		return 0; /* rows come worst first: the first failing row of a control names it */
	if (c->nfail == c->capfail) {
		c->capfail = c->capfail ? c->capfail * 2 : 16;
		c->fail = bs_realloc(c->fail, bs_size_mul(c->capfail, sizeof(*c->fail)));
	}
	struct failing *f = &c->fail[c->nfail++];
	f->control_id = bs_strdup(r->control_id);
	f->check_id = bs_strdup(r->check_id ? r->check_id : "");
	f->system_id = bs_strdup(r->system_id ? r->system_id : "");
	f->host = bs_strdup(r->host ? r->host : "");
	return 0;
}

static int collect_evidence(const struct bs_evidence *e, void *p)
{
	struct ctx *c = p;

	int64_t end_us = ((int64_t)c->st->as_of + 1) * 86400 * 1000000; /* the end of the status's day */

	/* submitted by the end of the day and not reviewed by then (as the evidence evaluator) */
	if (!e->control_id || !e->control_id[0] || e->created_us >= end_us ||
	    (e->state != BS_EVIDENCE_SUBMITTED && e->reviewed_us < end_us))
		return 0;
	if (c->npend == c->cappend) {
		c->cappend = c->cappend ? c->cappend * 2 : 16;
		c->pend = bs_realloc(c->pend, bs_size_mul(c->cappend, sizeof(*c->pend)));
	}
	c->pend[c->npend].control_id = bs_strdup(e->control_id);
	c->pend[c->npend].id = e->id;
	c->npend++;
	return 0;
}

/* 1 when evidence filed under id serves control k: k itself, or an entry linked with k or
 * with one of its headings (as the evidence evaluator counts it). */
static int serves(const char *id, const struct bs_control *k)
{
	if (!strcmp(id, k->id))
		return 1;
	for (const struct bs_control *a = k; a; a = a->parent)
		for (size_t i = 0; i < a->nlinked; i++)
			if (!strcmp(id, a->linked[i]->id))
				return 1;
	return 0;
}

/* 1 the register holds live records, 0 not, <0 error. */
static int register_holds(struct ctx *c, const struct bs_register *r)
{
	size_t i;

	for (i = 0; bs_registers[i] && bs_registers[i] != r; i++)
		;
	if (i >= sizeof(c->regs_known) / sizeof(c->regs_known[0]) || !bs_registers[i])
		return 0;
	if (!c->regs_known[i]) {
		json_t *a = NULL;
		int err = bs_reg_list(c->dd->store, r, 0, &a);
		if (err < 0)
			return err;
		c->regs_known[i] = json_array_size(a) ? 2 : 1;
		json_decref(a);
	}
	return c->regs_known[i] == 2;
}

static int assessments_exist(struct ctx *c)
{
	if (!c->assess_known) {
		int64_t *ids = NULL;
		size_t n = 0;
		int err = bs_assess_ids(c->dd->store, &ids, &n);
		free(ids);
		if (err < 0)
			return err;
		c->assess_known = n ? 2 : 1;
	}
	return c->assess_known == 2;
}

/* A field named as one word of a command line: FIELD-NAME, or its zh-TW label. */
static void field_word(const struct bs_field *f, enum bs_lang lang, struct bs_buf *b)
{
	if (lang == BS_LANG_EN) {
		for (const char *p = f->name; *p; p++)
			bs_buf_putc(b, *p == '_' ? '-' : (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p));
		return;
	}
	/* a label is a word; one with a space or a slash would split the command line */
	for (const char *p = f->zh; *p; p++)
		bs_buf_putc(b, *p == ' ' || *p == '/' ? '-' : *p);
}

/* A required field's value as a command line shows it: the values when few, else a word. */
static void placeholder(const struct bs_field *f, enum bs_lang lang, struct bs_buf *b)
{
	struct bs_buf v = BS_BUF_INIT;

	switch (f->type) {
	case BS_FT_ENUM:
	case BS_FT_SET:
		for (size_t i = 0; f->values && f->values[i]; i++)
			bs_buf_printf(&v, "%s%s", i ? "|" : "", f->values[i]);
		if (f->values && v.len <= 32)
			bs_buf_puts(b, v.ptr);
		else
			field_word(f, lang, b); /* a long list reads as the field's name */
		bs_buf_release(&v);
		break;
	case BS_FT_TEXT:
		field_word(f, lang, b);
		break;
	case BS_FT_INT:
		bs_buf_printf(b, "%lld..%lld", (long long)f->min, (long long)f->max);
		break;
	case BS_FT_NUM:
		bs_buf_puts(b, BS_T(lang, "時數", "HOURS"));
		break;
	case BS_FT_BOOL:
		bs_buf_puts(b, "yes|no");
		break;
	case BS_FT_DATE:
		bs_buf_puts(b, "YYYY-MM-DD");
		break;
	case BS_FT_TIME:
		bs_buf_puts(b, BS_T(lang, "RFC3339時間", "RFC3339-TIME"));
		break;
	case BS_FT_REF:
	case BS_FT_REFS:
		bs_buf_printf(b, "%s-ID", f->ref);
		break;
	}
}

/* `brokersec R add` with R's required fields that have no default. */
static void register_command(const struct bs_register *r, enum bs_lang lang, struct bs_buf *b)
{
	bs_buf_printf(b, "brokersec %s add", r->name);
	for (const struct bs_field *f = r->fields; f->name; f++) {
		char flag[64];
		if (!(f->flags & BS_FF_REQUIRED) || f->def)
			continue;
		bs_field_flag(f, flag, sizeof(flag));
		bs_buf_printf(b, " --%s ", flag);
		placeholder(f, lang, b);
	}
}

/* The action with key, made by fill() when new; adds control item i to it. */
static struct bs_action *slot(struct ctx *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].key, key))
			return &c->v[i];
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->v = bs_realloc(c->v, bs_size_mul(c->cap, sizeof(*c->v)));
	}
	struct bs_action *a = &c->v[c->n++];
	memset(a, 0, sizeof(*a));
	snprintf(a->key, sizeof(a->key), "%s", key);
	a->state = BS_STATE_UNKNOWN;
	return a;
}

static void add_item(struct ctx *c, struct bs_action *a, size_t i)
{
	const struct bs_status_item *it = &c->st->items[i];
	c->assigned[i] = (size_t)(a - c->v);
	if (!a->count)
		a->first = i;
	a->count++;
	if (it->state < a->state)
		a->state = it->state;
	if (a->nexamples < BS_ACTION_EXAMPLES)
		a->examples[a->nexamples++] = it->control->id;
}

static void set_texts(struct bs_action *a, struct bs_buf *tz, struct bs_buf *te, struct bs_buf *cz, struct bs_buf *ce,
		      const char *page)
{
	a->title_zh = bs_buf_detach(tz, NULL);
	a->title_en = bs_buf_detach(te, NULL);
	a->command_zh = bs_buf_detach(cz, NULL);
	a->command_en = bs_buf_detach(ce, NULL);
	a->page = page ? bs_strdup(page) : NULL;
}

/* Item i's action by a register, a pseudo register or a scan: 1 given, 0 this one does not
 * apply here, <0 error. target: a register name, "user-review", "assessment" or "scan". */
static int by_target(struct ctx *c, size_t i, const char *target)
{
	const struct bs_status_item *it = &c->st->items[i];
	int unknown = it->state == BS_STATE_UNKNOWN;
	struct bs_buf tz = BS_BUF_INIT, te = BS_BUF_INIT, cz = BS_BUF_INIT, ce = BS_BUF_INIT;
	char key[80];
	const char *page = NULL;
	char pagebuf[96];
	int r;

	snprintf(key, sizeof(key), "%s", target);
	if (!strcmp(target, "scan")) {
		if (unknown && c->any_scan)
			return 0; /* saved scans exist and decide nothing here: not a scan's to prove */
		bs_buf_puts(&tz, "掃描主機並儲存結果，作為自動檢查之佐證");
		bs_buf_puts(&te, "Scan the hosts and save the results as the automatic checks' proof");
		bs_buf_puts(&cz, "brokersec scan --save --system 系統編號");
		bs_buf_puts(&ce, "brokersec scan --save --system SYSTEM-ID");
		page = "#/scans";
	} else if (!strcmp(target, "assessment")) {
		if (unknown && (r = assessments_exist(c)) != 0)
			return r < 0 ? r : 0;
		bs_buf_puts(&tz, "規劃電腦系統資訊安全評估（計畫經核定）");
		bs_buf_puts(&te, "Plan the computer-system security assessment (an approved plan)");
		bs_buf_puts(&cz, "brokersec assessment plan --title 名稱 --from YYYY-MM-DD --to YYYY-MM-DD "
			    "--approver board|delegate --approved-by 姓名 --approved-on YYYY-MM-DD");
		bs_buf_puts(&ce, "brokersec assessment plan --title TITLE --from YYYY-MM-DD --to YYYY-MM-DD "
			    "--approver board|delegate --approved-by NAME --approved-on YYYY-MM-DD");
		page = "#/assessments";
	} else if (!strcmp(target, "user-review")) {
		bs_buf_puts(&tz, "檢視帳號：覆核各帳號及其權限並記錄");
		bs_buf_puts(&te, "Review the accounts and their rights, and record the review");
		bs_buf_puts(&cz, "brokersec user review");
		bs_buf_puts(&ce, "brokersec user review");
		page = "#/users";
	} else {
		const struct bs_register *reg = bs_register_find(target);
		if (!reg)
			return 0; /* a register the catalog names ahead of its module */
		if (unknown && (r = register_holds(c, reg)) != 0)
			return r < 0 ? r : 0;
		snprintf(key, sizeof(key), "register:%s", reg->name);
		bs_buf_printf(&tz, "登錄%s", reg->zh);
		bs_buf_printf(&te, "Record %s", reg->en);
		register_command(reg, BS_LANG_ZH_TW, &cz);
		register_command(reg, BS_LANG_EN, &ce);
		snprintf(pagebuf, sizeof(pagebuf), "#/registers/%s", reg->name);
		page = pagebuf;
	}
	struct bs_action *a = slot(c, key);
	if (!a->title_zh)
		set_texts(a, &tz, &te, &cz, &ce, page);
	bs_buf_release(&tz);
	bs_buf_release(&te);
	bs_buf_release(&cz);
	bs_buf_release(&ce);
	add_item(c, a, i);
	return 1;
}

/* The target of one `how` entry, or NULL: register:X[#...] -> X, check scan:* -> "scan",
 * schedule:NAME -> its register. */
static const char *how_target(const struct bs_how *h, char *buf, size_t bufsz)
{
	if (h->kind == BS_HOW_CHECK && !strncmp(h->ref, "scan:", 5))
		return "scan";
	if (h->kind == BS_HOW_RECORD && !strncmp(h->ref, "register:", 9)) {
		const char *name = h->ref + 9;
		snprintf(buf, bufsz, "%.*s", (int)strcspn(name, "#"), name);
		return buf;
	}
	if (h->kind == BS_HOW_SCHEDULE && !strncmp(h->ref, "schedule:", 9)) {
		const char *name = h->ref + 9;
		for (size_t k = 0; k < sizeof(schedule_target) / sizeof(schedule_target[0]); k++)
			if (!strcmp(name, schedule_target[k].schedule))
				return schedule_target[k].target;
		if (bs_register_find(name))
			return name;
	}
	return NULL;
}

static int fix_check(struct ctx *c, size_t i, const struct failing *f)
{
	const struct bs_scan_policy *pol;
	const struct bs_scan_check *chk = NULL;
	struct bs_buf tz = BS_BUF_INIT, te = BS_BUF_INIT, cz = BS_BUF_INIT, ce = BS_BUF_INIT;
	char key[80];

	if (bs_scan_policy_builtin(&pol) == 0)
		chk = bs_scan_policy_find(pol, f->check_id);
	bs_error_clear(); /* a check from a custom policy: named by its id alone */
	snprintf(key, sizeof(key), "fix:%s", f->check_id);
	struct bs_action *a = slot(c, key);
	if (!a->title_zh) {
		bs_buf_printf(&tz, "修正主機 %s 之檢查 %s", f->host, f->check_id);
		bs_buf_printf(&te, "Fix the failing check %s on host %s", f->check_id, f->host);
		if (chk && chk->title.zh)
			bs_buf_printf(&tz, "（%s）", chk->title.zh);
		if (chk && chk->title.en)
			bs_buf_printf(&te, " (%s)", chk->title.en);
		bs_buf_puts(&tz, "後重新掃描");
		bs_buf_puts(&te, ", then scan it again");
		bs_buf_printf(&cz, "brokersec scan --save --system %s", f->system_id);
		bs_buf_printf(&ce, "brokersec scan --save --system %s", f->system_id);
		set_texts(a, &tz, &te, &cz, &ce, "#/scans");
	}
	add_item(c, a, i);
	return 1;
}

static void review(struct ctx *c, size_t i, const struct pending *p, size_t npending)
{
	struct bs_action *a = slot(c, "review");
	struct bs_buf tz = BS_BUF_INIT, te = BS_BUF_INIT, cz = BS_BUF_INIT, ce = BS_BUF_INIT;

	if (!a->title_zh) {
		bs_buf_printf(&tz, "審核待審之佐證（共 %zu 件；經審核通過始計入）", npending);
		bs_buf_printf(&te, "Review the submitted evidence (%zu; only accepted evidence counts)", npending);
		if (npending == 1) {
			bs_buf_printf(&cz, "brokersec evidence review %lld --accept|--reject --comment 說明", (long long)p->id);
			bs_buf_printf(&ce, "brokersec evidence review %lld --accept|--reject --comment TEXT", (long long)p->id);
		} else {
			bs_buf_puts(&cz, "brokersec evidence review 編號 --accept|--reject --comment 說明");
			bs_buf_puts(&ce, "brokersec evidence review ID --accept|--reject --comment TEXT");
		}
		set_texts(a, &tz, &te, &cz, &ce, "#/evidence");
	}
	add_item(c, a, i);
}

static void evidence(struct ctx *c, size_t i)
{
	const struct bs_status_item *it = &c->st->items[i];
	const struct bs_status_group *g = NULL;
	char key[80];

	for (size_t k = 0; k < c->st->ngroups && !g; k++)
		if (i >= c->st->groups[k].first && i < c->st->groups[k].first + c->st->groups[k].n)
			g = &c->st->groups[k];
	const struct bs_control *gc = g ? g->control : it->control;
	snprintf(key, sizeof(key), "evidence:%s", gc->id);
	struct bs_action *a = slot(c, key);
	if (!a->title_zh) {
		struct bs_buf tz = BS_BUF_INIT, te = BS_BUF_INIT, cz = BS_BUF_INIT, ce = BS_BUF_INIT;
		bs_buf_printf(&tz, "為 %s「%s」附上佐證並送審", gc->id, gc->title.zh);
		bs_buf_printf(&te, "Attach evidence for %s \"%s\" and have it reviewed", gc->id, gc->title.en);
		bs_buf_printf(&cz, "brokersec evidence add %s --file 檔案", it->control->id);
		bs_buf_printf(&ce, "brokersec evidence add %s --file FILE", it->control->id);
		set_texts(a, &tz, &te, &cz, &ce, "#/evidence");
	}
	add_item(c, a, i);
}

/* 1 when the test data directory's override decides item i: no action of the data moves it,
 * only a real data directory does. */
static int test_datadir(struct ctx *c, size_t i)
{
	struct bs_status_ctx sc = { c->dd, NULL, &c->st->profile, c->st->as_of };
	struct bs_verdict v = { BS_STATE_UNKNOWN, 0, BS_BUF_INIT, BS_BUF_INIT };
	int r = bs_eval_test_datadir.evaluate(&sc, NULL, c->st->items[i].control, &v);

	bs_buf_release(&v.zh);
	bs_buf_release(&v.en);
	if (r <= 0)
		return 0;
	struct bs_action *a = slot(c, "test-datadir");
	if (!a->title_zh) {
		struct bs_buf tz = BS_BUF_INIT, te = BS_BUF_INIT, cz = BS_BUF_INIT, ce = BS_BUF_INIT;
		bs_buf_puts(&tz, "測試用資料目錄：正式使用時請另建資料目錄");
		bs_buf_puts(&te, "A test data directory: for real use, create a data directory of its own");
		bs_buf_puts(&cz, "brokersec init --data 目錄 --org 名稱 --internal-control yes|no");
		bs_buf_puts(&ce, "brokersec init --data DIR --org NAME --internal-control yes|no");
		set_texts(a, &tz, &te, &cz, &ce, NULL);
	}
	add_item(c, a, i);
	return 1;
}

/* 1 when item i is not met or due because notifications were given up (eval_notify.c): send
 * them again, once the channel works. */
static int notify_retry(struct ctx *c, size_t i)
{
	const struct bs_control *k = c->st->items[i].control;
	int mine = 0;

	for (size_t h = 0; h < k->nhow; h++)
		if (k->how[h].kind == BS_HOW_MECHANISM && !strcmp(k->how[h].ref, "eventlog.failure-alert"))
			mine = 1;
	if (!mine || !c->outbox.dead || c->st->items[i].state == BS_STATE_UNKNOWN)
		return 0;
	struct bs_action *a = slot(c, "notify-retry");
	if (!a->title_zh) {
		struct bs_buf tz = BS_BUF_INIT, te = BS_BUF_INIT, cz = BS_BUF_INIT, ce = BS_BUF_INIT;
		bs_buf_printf(&tz, "修復通知管道後重送已放棄之通知（%lld 則：%s）", (long long)c->outbox.dead,
			      c->outbox.classes);
		bs_buf_printf(&te, "Send again the notifications given up, once the channel works (%lld: %s)",
			      (long long)c->outbox.dead, c->outbox.classes);
		bs_buf_puts(&cz, "brokersec notify retry --all-failed");
		bs_buf_puts(&ce, "brokersec notify retry --all-failed");
		set_texts(a, &tz, &te, &cz, &ce, NULL);
	}
	add_item(c, a, i);
	return 1;
}

/* Item i's action (the rules at the top of the file). */
static int choose(struct ctx *c, size_t i)
{
	const struct bs_status_item *it = &c->st->items[i];
	const struct bs_control *k = it->control;
	char buf[64];
	int r;

	if (test_datadir(c, i))
		return 0;
	if (it->state == BS_STATE_NOT_MET || it->state == BS_STATE_DUE)
		for (size_t f = 0; f < c->nfail; f++)
			if (!strcmp(c->fail[f].control_id, k->id))
				return fix_check(c, i, &c->fail[f]);
	if (notify_retry(c, i))
		return 0;
	for (size_t p = 0; p < c->npend; p++)
		if (serves(c->pend[p].control_id, k)) {
			review(c, i, &c->pend[p], c->npend);
			return 0;
		}
	/* a duty that is due or not met: its schedule says what is missing */
	if (it->state != BS_STATE_UNKNOWN)
		for (size_t h = 0; h < k->nhow; h++) {
			const char *t = k->how[h].kind == BS_HOW_SCHEDULE ? how_target(&k->how[h], buf, sizeof(buf)) : NULL;
			if (t && (r = by_target(c, i, t)) != 0)
				return r < 0 ? r : 0;
		}
	for (size_t h = 0; h < k->nhow; h++) {
		const char *t = how_target(&k->how[h], buf, sizeof(buf));
		if (t && (r = by_target(c, i, t)) != 0)
			return r < 0 ? r : 0;
	}
	evidence(c, i);
	return 0;
}

/* For an article item i that is not met or due: the first listed annex item implementing it
 * in the same state (whose action moves the article too), else NONE. */
static size_t implementer(const struct ctx *c, size_t i)
{
	const struct bs_status_item *it = &c->st->items[i];
	const struct bs_control *k = it->control;

	if (!k->nimplemented || (it->state != BS_STATE_NOT_MET && it->state != BS_STATE_DUE))
		return NONE;
	for (size_t j = 0; j < c->st->nitems; j++) {
		const struct bs_status_item *o = &c->st->items[j];
		if (j == i || o->state != it->state)
			continue;
		for (size_t m = 0; m < k->nimplemented; m++)
			if (bs_control_id_under(o->control->id, k->implemented_by[m]->id))
				return j;
	}
	return NONE;
}

static int rank_cmp(const void *pa, const void *pb)
{
	const struct bs_action *a = pa, *b = pb;
	if (a->state != b->state)
		return a->state < b->state ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

static void release_action(struct bs_action *a)
{
	free(a->title_zh);
	free(a->title_en);
	free(a->command_zh);
	free(a->command_en);
	free(a->page);
}

int bs_status_actions(struct bs_datadir *dd, const struct bs_status *st, const char *prefix, size_t max,
		      struct bs_actions *out)
{
	struct ctx c;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.dd = dd;
	c.st = st;
	/* as the status saw them: scans up to the end of its day; evidence submitted by then */
	if ((err = bs_scan_latest_each(dd->store, ((int64_t)st->as_of + 1) * 86400 * 1000000 - 1, collect_scan, &c)) < 0)
		goto done;
	if ((err = bs_evidence_each(dd->store, NULL, collect_evidence, &c)) < 0)
		goto done;
	if ((err = bs_outbox_failed(dd->store, &c.outbox)) < 0)
		goto done;
	c.assigned = bs_calloc(st->nitems ? st->nitems : 1, sizeof(*c.assigned));
	for (size_t i = 0; i < st->nitems; i++)
		c.assigned[i] = NONE;
	/* pass 1: all but the articles that are not met or due through an annex entry
	 * implementing them; pass 2: those join that entry's action (doing it moves both) */
	for (int pass = 1; pass <= 2; pass++)
		for (size_t i = 0; i < st->nitems; i++) {
			const struct bs_status_item *it = &st->items[i];
			if (it->state == BS_STATE_MET || it->state == BS_STATE_NOT_APPLICABLE)
				continue;
			if (prefix && !bs_control_id_under(it->control->id, prefix))
				continue;
			size_t via = implementer(&c, i);
			if ((pass == 1) != (via == NONE))
				continue;
			if (via != NONE && c.assigned[via] != NONE)
				add_item(&c, &c.v[c.assigned[via]], i);
			else if ((err = choose(&c, i)) < 0)
				goto done;
		}
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), rank_cmp);
	out->total = c.n;
	out->n = c.n < max ? c.n : max;
	for (size_t i = out->n; i < c.n; i++)
		release_action(&c.v[i]);
	out->v = c.v;
	c.v = NULL;
	err = 0;
done:
	if (c.v) {
		for (size_t i = 0; i < c.n; i++)
			release_action(&c.v[i]);
		free(c.v);
	}
	for (size_t i = 0; i < c.nfail; i++) {
		free(c.fail[i].control_id);
		free(c.fail[i].check_id);
		free(c.fail[i].system_id);
		free(c.fail[i].host);
	}
	free(c.fail);
	for (size_t i = 0; i < c.npend; i++)
		free(c.pend[i].control_id);
	free(c.pend);
	free(c.assigned);
	return err;
}

void bs_actions_release(struct bs_actions *a)
{
	for (size_t i = 0; i < a->n; i++)
		release_action(&a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

static json_t *both(const char *zh, const char *en)
{
	json_t *o = json_object();
	json_object_set_new(o, "zh-TW", json_string(zh ? zh : ""));
	json_object_set_new(o, "en", json_string(en ? en : ""));
	return o;
}

json_t *bs_actions_json(const struct bs_actions *a)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < a->n; i++) {
		const struct bs_action *x = &a->v[i];
		json_t *o = json_object(), *ex = json_array();
		json_object_set_new(o, "key", json_string(x->key));
		json_object_set_new(o, "state", json_string(bs_state_name(x->state)));
		json_object_set_new(o, "count", json_integer(x->count));
		json_object_set_new(o, "title", both(x->title_zh, x->title_en));
		json_object_set_new(o, "command", both(x->command_zh, x->command_en));
		json_object_set_new(o, "page", x->page ? json_string(x->page) : json_null());
		for (size_t k = 0; k < x->nexamples; k++)
			json_array_append_new(ex, json_string(x->examples[k]));
		json_object_set_new(o, "controls", ex);
		json_array_append_new(arr, o);
	}
	return arr;
}

int bs_actions_attach(struct bs_datadir *dd, const struct bs_status *st, const char *prefix, json_t *doc)
{
	struct bs_actions a;
	int err = bs_status_actions(dd, st, prefix, BS_ACTIONS_TOP, &a);

	if (err < 0)
		return err;
	json_object_set_new(doc, "actions", bs_actions_json(&a));
	json_object_set_new(doc, "actions_total", json_integer((json_int_t)a.total));
	bs_actions_release(&a);
	return 0;
}
