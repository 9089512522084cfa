/* What the report says, in one language, as headings, paragraphs and tables: the HTML, PDF
 * and DOCX renderers lay this out, so the three carry the same text. The sections follow
 * Annex 2 捌 item by item (its words are the headings), then the tables the issue adds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "report/report.h"

struct ctx {
	const struct bs_report_doc *doc;
	enum bs_lang lang;
	struct bs_report_outline *o;
	const struct bs_catalog *cat;
	int sec[3];
};

static struct bs_rblock *add(struct ctx *c, enum bs_rblock_kind kind)
{
	struct bs_report_outline *o = c->o;
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		o->v = bs_realloc(o->v, bs_size_mul(o->cap, sizeof(*o->v)));
	}
	memset(&o->v[o->n], 0, sizeof(o->v[0]));
	o->v[o->n].kind = kind;
	return &o->v[o->n++];
}

/* Numbered heading: "3. 評估範圍" / "6.2 缺失類別". */
static void heading(struct ctx *c, int level, const char *zh, const char *en)
{
	struct bs_rblock *b = add(c, BS_RB_HEADING);
	struct bs_buf t = BS_BUF_INIT, a = BS_BUF_INIT;

	c->sec[level - 1]++;
	for (int i = level; i < 3; i++)
		c->sec[i] = 0;
	if (level == 1)
		bs_buf_printf(&t, "%d. ", c->sec[0]);
	else
		bs_buf_printf(&t, "%d.%d ", c->sec[0], c->sec[1]);
	bs_buf_puts(&t, BS_T(c->lang, zh, en));
	bs_buf_printf(&a, "s%d", c->sec[0]);
	if (level > 1)
		bs_buf_printf(&a, "-%d", c->sec[1]);
	b->level = level;
	b->text = bs_buf_detach(&t, NULL);
	b->anchor = bs_buf_detach(&a, NULL);
}

static void para(struct ctx *c, const char *fmt, ...) BS_PRINTF(2, 3);
static void para(struct ctx *c, const char *fmt, ...)
{
	struct bs_buf t = BS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	bs_buf_vprintf(&t, fmt, ap);
	va_end(ap);
	add(c, BS_RB_PARA)->text = bs_buf_detach(&t, NULL);
}

/* A table with the header given; rows are added by row(). */
static struct bs_rblock *table(struct ctx *c, const double *widths, size_t ncols, ...)
{
	struct bs_rblock *b = add(c, BS_RB_TABLE);
	va_list ap;

	b->ncols = ncols;
	b->widths = widths;
	b->cells = bs_malloc(bs_size_mul(ncols, sizeof(char *)));
	b->nrows = 1;
	va_start(ap, ncols);
	for (size_t i = 0; i < ncols; i++) {
		const char *zh = va_arg(ap, const char *), *en = va_arg(ap, const char *);
		b->cells[i] = bs_strdup(BS_T(c->lang, zh, en));
	}
	va_end(ap);
	return b;
}

/* Appends a row of b->ncols strings (NULL is ""). The block is re-found by index since
 * add() may move the array. */
static void row(struct ctx *c, size_t tbl, ...)
{
	struct bs_rblock *b = &c->o->v[tbl];
	va_list ap;

	b->cells = bs_realloc(b->cells, bs_size_mul(bs_size_mul(b->nrows + 1, b->ncols), sizeof(char *)));
	va_start(ap, tbl);
	for (size_t i = 0; i < b->ncols; i++) {
		const char *s = va_arg(ap, const char *);
		b->cells[b->nrows * b->ncols + i] = bs_strdup(s ? s : "");
	}
	va_end(ap);
	b->nrows++;
}

static size_t last(struct ctx *c)
{
	return c->o->n - 1;
}

static const char *result_label(enum bs_report_result_kind r, enum bs_lang lang)
{
	switch (r) {
	case BS_RR_MET: return BS_T(lang, "符合", "met");
	case BS_RR_NOT_MET: return BS_T(lang, "不符合", "not met");
	case BS_RR_NA: return BS_T(lang, "不適用", "not applicable");
	default: return BS_T(lang, "未評估", "not assessed");
	}
}

/* Known codes in the reader's language; anything else as it was written. */
static const char *label(const char *code, enum bs_lang lang)
{
	static const char *const map[][3] = {
		{ "critical", "嚴重", "critical" }, { "high", "高", "high" }, { "medium", "中", "medium" },
		{ "low", "低", "low" }, { "open", "待改善", "open" }, { "closed", "已結案", "closed" },
		{ "in_progress", "改善中", "in progress" }, { "accepted", "覆查通過", "accepted" },
		{ "rejected", "覆查未通過", "rejected" }, { "internal", "內部單位", "internal unit" },
		{ "external", "外部專業機構", "external body" }, { "tool", "獨立電腦系統（工具）", "independent tool" },
		{ "scan", "主機檢測", "host scan" }, { "register", "登記簿", "register" },
		{ "judgement", "評估人員判斷", "assessor's judgement" }, { "judgment", "評估人員判斷", "assessor's judgement" },
		{ "management", "管理面", "management" }, { "technical", "技術面", "technical" },
		{ "physical", "實體面", "physical" }, { "personnel", "人員面", "personnel" },
		{ "corrected", "改善完成", "corrected" }, { "partial", "部分改善", "partly corrected" },
		{ "not-corrected", "未改善", "not corrected" },
	};
	if (!code)
		return "";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(code, map[i][0]))
			return BS_T(lang, map[i][1], map[i][2]);
	return code;
}

/* The assessment's state as the report states it: a report of an unfinished assessment says so. */
static const char *status_label(const char *st, enum bs_lang lang)
{
	if (!strcmp(st, "planned"))
		return BS_T(lang, "狀態：規劃中（草稿）", "status: planned (draft)");
	if (!strcmp(st, "running"))
		return BS_T(lang, "狀態：執行中（草稿）", "status: running (draft)");
	if (!strcmp(st, "reported"))
		return BS_T(lang, "狀態：已完成，送稽核單位追蹤覆查", "status: completed, with the audit unit for follow-up");
	if (!strcmp(st, "closed"))
		return BS_T(lang, "狀態：已結案", "status: closed");
	return st;
}

/* "A2.5.4.2.3 附件二伍、四、(二)、3. 帳戶鎖定機制" into b. */
static void control_ref(struct ctx *c, const char *id, struct bs_buf *b)
{
	const struct bs_control *ctl = c->cat ? bs_catalog_find(c->cat, id) : NULL;

	bs_buf_printf(b, "%s%s", id, BS_T(c->lang, "（", " ("));
	bs_report_numbering(id, c->lang, b);
	bs_buf_puts(b, BS_T(c->lang, "）", ")"));
	if (ctl)
		bs_buf_printf(b, " %s", bs_text_get(&ctl->title, c->lang));
}

static const char *system_name(struct ctx *c, const char *id)
{
	for (size_t i = 0; i < c->doc->nsystems; i++)
		if (!strcmp(c->doc->systems[i].id, id))
			return c->doc->systems[i].name;
	return id;
}

static void summary(struct ctx *c)
{
	const struct bs_report_doc *d = c->doc;
	static const double w[] = { 3, 1 };
	size_t res[4] = { 0 }, open = 0, sampled = 0;
	char n[8][24];

	heading(c, 1, "報告摘要", "Summary");
	/* the first thing read: in a section, not on a page of its own before the first one */
	if (d->demo)
		para(c, "%s", BS_T(c->lang, BS_REPORT_DEMO_MARK_ZH "：本報告之組織、系統、人員、評估結果及缺失皆為 brokersec 產生之示範資料，並非真實評估，不得作為法遵佐證。",
				   BS_REPORT_DEMO_MARK_EN ": the organisation, systems, people, results and findings of this report are demo data generated by brokersec, not a real assessment; never use it as compliance evidence."));
	para(c, "%s", BS_T(c->lang,
		"依「保險經紀人辦理電腦系統資訊安全評估作業原則」（附件二）捌、評估報告：「電腦系統資訊安全評估報告」內容應至少包含評估人員資格、評估範圍、評估時所發現之缺失項目、缺失嚴重程度、缺失類別、風險說明、具體改善建議及社交演練結果，且應送稽核單位進行缺失改善事項之追蹤覆查。該報告應併同缺失改善等相關文件至少保存五年。",
		"Under Annex 2 VIII (A2.8): the Computer System Information Security Assessment Report shall include at least the qualifications of the assessors, the scope of the assessment, the deficiencies found, their severity, their category, a description of the risks, specific improvement recommendations and the results of the social engineering drill, and shall be sent to the audit unit for follow-up review of the remediation. It is kept with the remediation records for at least five years."));
	for (size_t i = 0; i < d->nresults; i++)
		res[d->results[i].result]++;
	for (size_t i = 0; i < d->nfindings; i++)
		open += strcmp(d->findings[i].status, "closed") != 0;
	for (size_t i = 0; i < d->nsystems; i++)
		sampled += (size_t)d->systems[i].devices_sampled;
	snprintf(n[0], sizeof(n[0]), "%zu", d->nsystems);
	snprintf(n[1], sizeof(n[1]), "%zu", sampled);
	snprintf(n[2], sizeof(n[2]), "%zu", d->nresults);
	snprintf(n[3], sizeof(n[3]), "%zu", res[BS_RR_MET]);
	snprintf(n[4], sizeof(n[4]), "%zu", res[BS_RR_NOT_MET]);
	snprintf(n[5], sizeof(n[5]), "%zu", res[BS_RR_NA]);
	snprintf(n[6], sizeof(n[6]), "%zu", d->nfindings);
	snprintf(n[7], sizeof(n[7]), "%zu", open);
	table(c, w, 2, "項目", "Item", "數量", "Count");
	row(c, last(c), BS_T(c->lang, "評估系統數", "Systems assessed"), n[0]);
	row(c, last(c), BS_T(c->lang, "抽測設備數", "Devices sampled"), n[1]);
	row(c, last(c), BS_T(c->lang, "控制項評估結果數", "Control results"), n[2]);
	row(c, last(c), BS_T(c->lang, "符合", "Met"), n[3]);
	row(c, last(c), BS_T(c->lang, "不符合", "Not met"), n[4]);
	row(c, last(c), BS_T(c->lang, "不適用", "Not applicable"), n[5]);
	if (res[BS_RR_UNKNOWN]) {
		char u[24];
		snprintf(u, sizeof(u), "%zu", res[BS_RR_UNKNOWN]);
		row(c, last(c), BS_T(c->lang, "未評估", "Not assessed"), u);
	}
	row(c, last(c), BS_T(c->lang, "缺失項目數", "Findings"), n[6]);
	row(c, last(c), BS_T(c->lang, "尚未結案之缺失", "Findings not yet closed"), n[7]);
}

static void assessors(struct ctx *c)
{
	static const double w[] = { 1.2, 1.2, 1.4, 2.2, 1.4, 1.8, 1 };
	heading(c, 1, "評估人員資格", "Assessors' qualifications");
	para(c, "%s", BS_T(c->lang,
		"依附件二柒、二：評估單位應參加相關資訊安全管理課程訓練達一定時數並取得教育訓練合格證明文件或具備相關證照，且熟悉金融領域作業流程或具備相關經驗；依柒、三應簽立保密切結書；依柒、一應獨立於受評系統之開發與維護單位。",
		"Under Annex 2 VII.2: assessors have security-management training hours with a certificate of completion, or a relevant certification, and know financial-sector operations or have relevant experience; under VII.3 they sign a non-disclosure agreement; under VII.1 they are independent of the assessed systems' development and maintenance."));
	table(c, w, 7, "姓名", "Name", "類型", "Kind", "單位", "Unit", "獨立性聲明", "Independence", "訓練時數或證照", "Training or certificate",
	      "金融領域經驗", "Financial experience", "保密切結日期", "NDA signed");
	for (size_t i = 0; i < c->doc->nassessors; i++) {
		const struct bs_report_assessor *a = &c->doc->assessors[i];
		struct bs_buf t = BS_BUF_INIT;
		if (a->training_hours > 0)
			bs_buf_printf(&t, BS_T(c->lang, "%g 小時", "%g hours"), a->training_hours);
		if (a->certificate && *a->certificate)
			bs_buf_printf(&t, "%s%s", t.len ? "; " : "", a->certificate);
		row(c, last(c), a->name, label(a->kind, c->lang), a->unit, a->independence, t.ptr, a->finance_exp, a->nda_date);
		bs_buf_release(&t);
	}
}

static void scope(struct ctx *c)
{
	static const double w[] = { 1.2, 2, 0.8, 4, 2.4 };
	heading(c, 1, "評估範圍", "Scope of the assessment");
	para(c, BS_T(c->lang, "評估期間：%s 至 %s。依附件二肆、二：第一類系統應辦理肆、一全部十項評估作業項目；第二類及第三類系統得依系統性質選擇評估項目，並記錄其理由。",
		     "Assessment period: %s to %s. Under Annex 2 IV.2 a category-1 system is assessed on all ten areas of IV.1; categories 2 and 3 on the areas chosen for the system's nature, with the reason recorded."),
	     c->doc->start, c->doc->end);
	table(c, w, 5, "系統編號", "System", "名稱", "Name", "類別", "Category", "評估作業項目（附件二肆、一）", "Areas (Annex 2 IV.1)",
	      "選擇理由", "Reason for the choice");
	for (size_t i = 0; i < c->doc->nsystems; i++) {
		const struct bs_report_system *s = &c->doc->systems[i];
		struct bs_buf a = BS_BUF_INIT;
		char cat[8];
		snprintf(cat, sizeof(cat), "%d", s->category);
		for (int n = 1; n <= 10; n++) {
			if (!(s->areas & (1u << (n - 1))))
				continue;
			if (a.len)
				bs_buf_puts(&a, "; ");
			bs_buf_printf(&a, "(%d) %s", n, bs_report_area_name(n, c->lang));
		}
		row(c, last(c), s->id, s->name, cat, a.ptr, s->areas_reason);
		bs_buf_release(&a);
	}
}

static void sampling(struct ctx *c)
{
	static const double w1[] = { 2, 1, 1, 1 }, w2[] = { 1.2, 1.2, 2, 3 };
	heading(c, 1, "設備抽測", "Device sampling");
	para(c, "%s", BS_T(c->lang,
		"依附件二參、二：單一系統而為數眾多且財產權歸屬於公司之設備得以抽測方式辦理，抽測比例每次至少應占該系統全部設備之 10%或 100台以上。",
		"Under Annex 2 III.2: where a system has many company-owned devices they may be sampled; each time the sample is at least 10 % of the system's devices or at least 100 devices."));
	table(c, w1, 4, "系統", "System", "設備總數", "Devices", "最低抽測數", "Required", "實際抽測數", "Sampled");
	for (size_t i = 0; i < c->doc->nsystems; i++) {
		const struct bs_report_system *s = &c->doc->systems[i];
		char t[16], r[16], n[16];
		snprintf(t, sizeof(t), "%d", s->devices_total);
		snprintf(r, sizeof(r), "%d", s->sample_required);
		snprintf(n, sizeof(n), "%d", s->devices_sampled);
		row(c, last(c), s->name, t, r, n);
	}
	if (!c->doc->nsamples)
		return;
	table(c, w2, 4, "系統", "System", "設備編號", "Device", "設備名稱", "Device name", "檢測依據", "Checked by");
	for (size_t i = 0; i < c->doc->nsamples; i++) {
		const struct bs_report_sample *s = &c->doc->samples[i];
		row(c, last(c), system_name(c, s->system_id), s->device_id, s->device_name, s->basis);
	}
}

static void results(struct ctx *c)
{
	static const double w[] = { 1.4, 3.6, 1, 1.2, 2.8 };
	heading(c, 1, "各控制項評估結果", "Results per control");
	table(c, w, 5, "系統", "System", "控制項（條文編號）", "Control (regulation numbering)", "結果", "Result", "依據", "Basis", "說明", "Note");
	for (size_t i = 0; i < c->doc->nresults; i++) {
		const struct bs_report_result *r = &c->doc->results[i];
		struct bs_buf ref = BS_BUF_INIT;
		control_ref(c, r->control_id, &ref);
		row(c, last(c), system_name(c, r->system_id), ref.ptr, result_label(r->result, c->lang),
		    label(r->source, c->lang), r->note);
		bs_buf_release(&ref);
	}
}

/* Counts of findings by one field (severity or category), in order of first appearance. */
static void count_table(struct ctx *c, size_t field_off, const char *zh, const char *en)
{
	static const double w[] = { 3, 1 };
	const struct bs_report_doc *d = c->doc;
	size_t t;

	table(c, w, 2, zh, en, "缺失數", "Findings");
	t = last(c);
	for (size_t i = 0; i < d->nfindings; i++) {
		const char *v = *(char *const *)((const char *)&d->findings[i] + field_off);
		size_t k = 0, seen = 0;
		for (size_t j = 0; j < i; j++)
			seen |= !strcmp(*(char *const *)((const char *)&d->findings[j] + field_off), v);
		if (seen)
			continue;
		for (size_t j = i; j < d->nfindings; j++)
			k += !strcmp(*(char *const *)((const char *)&d->findings[j] + field_off), v);
		char n[24];
		snprintf(n, sizeof(n), "%zu", k);
		row(c, t, label(v, c->lang), n);
	}
}

static void findings(struct ctx *c)
{
	static const double w[] = { 0.6, 1.1, 1.9, 0.75, 0.9, 2.8, 2.8, 1.0, 1.35, 0.85 };
	heading(c, 1, "缺失項目", "Findings");
	para(c, BS_T(c->lang, "評估時所發現之缺失項目共 %zu 項，依缺失嚴重程度、缺失類別列示，並逐項說明風險及具體改善建議。",
		     "%zu findings were made; they are listed by severity and category, each with its risk and a specific recommendation."),
	     c->doc->nfindings);
	heading(c, 2, "缺失嚴重程度", "Severity of the findings");
	count_table(c, offsetof(struct bs_report_finding, severity), "缺失嚴重程度", "Severity");
	heading(c, 2, "缺失類別", "Categories of the findings");
	count_table(c, offsetof(struct bs_report_finding, category), "缺失類別", "Category");
	heading(c, 2, "風險說明及具體改善建議", "Risks and specific recommendations");
	table(c, w, 10, "編號", "Id", "系統", "System", "控制項", "Control", "嚴重程度", "Severity", "缺失類別", "Category",
	      "缺失及風險說明", "Finding and risk", "具體改善建議", "Recommendation", "負責人", "Owner", "改善期限", "Due", "狀態", "Status");
	for (size_t i = 0; i < c->doc->nfindings; i++) {
		const struct bs_report_finding *f = &c->doc->findings[i];
		struct bs_buf ref = BS_BUF_INIT, risk = BS_BUF_INIT;
		control_ref(c, f->control_id, &ref);
		if (f->title && *f->title)
			bs_buf_printf(&risk, "%s%s", f->title, BS_T(c->lang, "：", ": "));
		bs_buf_puts(&risk, f->risk);
		row(c, last(c), f->id, system_name(c, f->system_id), ref.ptr, label(f->severity, c->lang),
		    label(f->category, c->lang), risk.ptr, f->recommendation, f->owner, f->due, label(f->status, c->lang));
		bs_buf_release(&ref);
		bs_buf_release(&risk);
	}
}

static void drills(struct ctx *c)
{
	static const double w[] = { 1.2, 2.6, 1, 1, 1, 1, 2.4 };
	heading(c, 1, "社交演練結果", "Social engineering drill results");
	para(c, "%s", BS_T(c->lang, "依附件二陸：每年應至少一次針對使用電腦系統人員，於安全監控範圍內，寄發演練郵件。",
			   "Under Annex 2 VI: at least once a year, drill e-mails are sent to the people who use the computer systems, within the security monitoring scope."));
	if (!c->doc->ndrills) {
		para(c, "%s", BS_T(c->lang, "本次評估期間無社交工程演練紀錄。", "No social engineering drill was recorded for this assessment."));
		return;
	}
	table(c, w, 7, "日期", "Date", "範圍", "Scope", "寄送", "Sent", "開啟", "Opened", "點擊", "Clicked", "通報", "Reported",
	      "說明", "Notes");
	for (size_t i = 0; i < c->doc->ndrills; i++) {
		const struct bs_report_drill *d = &c->doc->drills[i];
		char n[4][16];
		int v[4] = { d->sent, d->opened, d->clicked, d->reported };
		for (int k = 0; k < 4; k++) {
			if (d->sent > 0 && k > 0)
				snprintf(n[k], sizeof(n[k]), "%d (%.1f%%)", v[k], 100.0 * v[k] / d->sent);
			else
				snprintf(n[k], sizeof(n[k]), "%d", v[k]);
		}
		row(c, last(c), d->date, d->scope, n[0], n[1], n[2], n[3], d->notes);
	}
}

static void followup(struct ctx *c)
{
	static const double w[] = { 1.2, 1.2, 1.4, 1.4, 3 };
	size_t t;
	heading(c, 1, "稽核單位追蹤覆查", "Follow-up review by the audit unit");
	para(c, BS_T(c->lang, "本報告送%s進行缺失改善事項之追蹤覆查；缺失項目經稽核單位覆查通過始得結案。以下為各缺失之追蹤覆查紀錄。",
		     "This report goes to %s for follow-up review of the corrections; a finding closes only with the audit unit's verdict. The follow-up history of each finding:"),
	     c->doc->audit_unit && *c->doc->audit_unit ? c->doc->audit_unit : BS_T(c->lang, "稽核單位", "the audit unit"));
	table(c, w, 5, "缺失編號", "Finding", "日期", "Date", "覆查人員", "Reviewer", "覆查結果", "Verdict", "說明", "Note");
	t = last(c);
	for (size_t i = 0; i < c->doc->nfindings; i++) {
		const struct bs_report_finding *f = &c->doc->findings[i];
		if (!f->nfollowups)
			row(c, t, f->id, "", "", BS_T(c->lang, "尚待覆查", "not yet reviewed"), "");
		for (size_t j = 0; j < f->nfollowups; j++) {
			const struct bs_report_followup *u = &f->followups[j];
			struct bs_buf who = BS_BUF_INIT;
			bs_buf_puts(&who, u->who);
			if (u->audit_unit)
				bs_buf_puts(&who, BS_T(c->lang, "（稽核單位）", " (audit unit)"));
			row(c, t, f->id, u->at, who.ptr, label(u->verdict, c->lang), u->note);
			bs_buf_release(&who);
		}
	}
}

static void retention(struct ctx *c)
{
	char until[BS_DATE_MAX] = "";
	int64_t at;
	heading(c, 1, "報告保存", "Retention");
	if (c->doc->generated_at && bs_time_parse(c->doc->generated_at, &at) == 0)
		bs_date_format(bs_date_add_months(bs_days_from_time(at), 12 * BS_REPORT_RETAIN_YEARS), until);
	para(c, BS_T(c->lang, "依附件二捌：本報告應併同缺失改善等相關文件至少保存五年（至 %s）。本報告發行時其 SHA-256 雜湊值記入事件日誌；可以 brokersec report verify 檔案 驗證本檔案是否為 brokersec 發行且未經變更。",
		     "Under Annex 2 VIII this report is kept with the remediation records for at least five years (until %s). When issued, its SHA-256 hash is recorded in the event log; `brokersec report verify FILE` tells whether a file is a report brokersec issued, unchanged."),
	     until);
}

/* The event log's integrity as a witness off the host saw it (issue 20): the latest head
 * delivered by serve --witness. The log is the record of who did what (A2.4.1.7); a head
 * kept elsewhere is what makes cutting its end off detectable (docs/eventlog-format.md). */
static void witnessed(struct ctx *c)
{
	static const double w[] = { 1, 3 };
	const struct bs_report_doc *d = c->doc;
	char size[24], at[BS_TIME_MAX], got[BS_TIME_MAX], root[40], status[40];

	heading(c, 2, "事件日誌之見證", "The event log's witnessed head");
	if (!d->witness.have) {
		para(c, "%s", BS_T(c->lang, "未設定見證者：事件日誌之鏈頭未送至本機以外保存；竊得主機最高權限者可截去日誌尾端而不被察覺。請以 brokersec serve --witness 設定見證者（遠端 syslog、電子郵件，或另一部 brokersec 之 https://…/api/v1/witness）。",
				   "No witness configured: the event log's head is kept on this host only, and whoever holds root on it could cut the end off the log unseen. Configure one with brokersec serve --witness (a remote syslog, an e-mail address, or another brokersec's https://.../api/v1/witness)."));
		return;
	}
	para(c, "%s", BS_T(c->lang, "事件日誌最新一個經見證者保存之簽章鏈頭如下；以 brokersec log verify --witness 可核對日誌自該時點起未遭截斷或改寫。",
			   "The latest signed head of the event log that a witness off this host took is below; brokersec log verify --witness checks that the log was neither cut nor rewritten since."));
	snprintf(size, sizeof(size), "%lld", (long long)d->witness.size);
	bs_report_time_seconds(d->witness.time_us, at);
	bs_report_time_seconds(d->witness.delivered_us, got);
	snprintf(root, sizeof(root), "%.16s…", d->witness.root);
	if (d->witness.status && !strncmp(d->witness.url, "smtp", 4))
		snprintf(status, sizeof(status), "SMTP %ld", d->witness.status);
	else if (d->witness.status)
		snprintf(status, sizeof(status), "HTTP %ld", d->witness.status);
	else
		snprintf(status, sizeof(status), "%s", BS_T(c->lang, "syslog（UDP，無回條）", "syslog (UDP, no receipt)"));
	table(c, w, 2, "項目", "Item", "內容", "Value");
	row(c, last(c), BS_T(c->lang, "見證者", "Witness"), d->witness.url);
	row(c, last(c), BS_T(c->lang, "事件數（鏈頭大小）", "Events (head size)"), size);
	row(c, last(c), BS_T(c->lang, "樹根（前 16 碼）", "Root (first 16 digits)"), root);
	row(c, last(c), BS_T(c->lang, "鏈頭時間", "Head time"), at);
	row(c, last(c), BS_T(c->lang, "送達時間", "Delivered"), got);
	row(c, last(c), BS_T(c->lang, "送達回應", "Delivery answer"), status);
}

void bs_report_outline(const struct bs_report_doc *doc, enum bs_lang lang, struct bs_report_outline *out)
{
	struct ctx c = { .doc = doc, .lang = lang, .o = out };
	struct bs_buf t = BS_BUF_INIT;

	memset(out, 0, sizeof(*out));
	if (bs_catalog_builtin(&c.cat) < 0)
		c.cat = NULL; /* ids and numbering still print; only the titles are missing */
	out->title = bs_strdup(BS_T(lang, "電腦系統資訊安全評估報告", "Computer System Information Security Assessment Report"));
	/* a demo data directory's report says so on its first page and on every page (datadir.h) */
	if (doc->demo)
		bs_buf_printf(&t, "%s · ", BS_T(lang, BS_REPORT_DEMO_MARK_ZH, BS_REPORT_DEMO_MARK_EN));
	bs_buf_printf(&t, "%s · %s %s · %s %s – %s · %s", doc->org, BS_T(lang, "評估", "Assessment"), doc->assessment_id,
		      BS_T(lang, "期間", "period"), doc->start, doc->end, status_label(doc->status, lang));
	out->subtitle = bs_buf_detach(&t, NULL);
	if (doc->demo)
		bs_buf_printf(&t, "%s · ", BS_T(lang, BS_REPORT_DEMO_MARK_ZH, BS_REPORT_DEMO_MARK_EN));
	bs_buf_printf(&t, "%s · %s · %s", out->title, doc->org, doc->assessment_id);
	out->footer = bs_buf_detach(&t, NULL);
	summary(&c);
	assessors(&c);
	scope(&c);
	sampling(&c);
	results(&c);
	findings(&c);
	drills(&c);
	followup(&c);
	retention(&c);
	witnessed(&c);
}

void bs_report_outline_release(struct bs_report_outline *o)
{
	for (size_t i = 0; i < o->n; i++) {
		struct bs_rblock *b = &o->v[i];
		free(b->anchor);
		free(b->text);
		for (size_t k = 0; k < b->nrows * b->ncols; k++)
			free(b->cells[k]);
		free(b->cells);
	}
	free(o->v);
	free(o->title);
	free(o->subtitle);
	free(o->footer);
	memset(o, 0, sizeof(*o));
}
