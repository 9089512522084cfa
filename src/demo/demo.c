/* demo.c - the demo data of a demo data directory (demo.h). Every record is made by the call
 * the CLI makes for it (bs_reg_add, the bs_assess_* workflow, bs_report_issue_kept), so each is
 * an event in the event log, validated as typed input would be. */
#include "demo/demo.h"
#include "demo/demo_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "assess/assess.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "registry/registry.h"
#include "report/report.h"

/* Fixed-seed xorshift32: the same names and numbers on every run (not randombytes). */
struct prng {
	uint32_t s;
};

static uint32_t next(struct prng *r)
{
	uint32_t x = r->s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return r->s = x;
}

static unsigned pick(struct prng *r, unsigned n)
{
	return next(r) % n;
}

struct gen {
	struct bs_datadir *dd;
	struct prng rng;
	int32_t today;
	int year;
	struct bs_demo_counts *n;
};

static void date_text(int32_t days, char out[BS_DATE_MAX])
{
	bs_date_format(days, out);
}

/* One record of register name from "field", "text", ... pairs (NULL-ended), each text parsed
 * as the CLI parses a flag's value; *id the new record's id (may be NULL). */
static int add(struct gen *g, const char *name, int64_t *id, ...)
{
	const struct bs_register *r = bs_register_find(name);
	json_t *fields = json_object(), *rec = NULL;
	const char *f, *text;
	va_list ap;
	int err = 0;

	if (!r) {
		json_decref(fields);
		return bs_error(BS_ERR, "no register '%s': see 'brokersec --help' for the registers", name);
	}
	va_start(ap, id);
	while (err >= 0 && (f = va_arg(ap, const char *))) {
		const struct bs_field *fd = bs_register_field(r, f);
		json_t *v = NULL;
		text = va_arg(ap, const char *);
		if (!text)
			continue;
		if (!fd)
			err = bs_error(BS_ERR, "%s has no field '%s'", name, f);
		else if ((err = bs_field_parse(fd, text, &v)) >= 0)
			json_object_set_new(fields, f, v);
	}
	va_end(ap);
	if (err >= 0)
		err = bs_reg_add(g->dd, r, fields, 0, &rec);
	if (err >= 0 && id)
		*id = json_integer_value(json_object_get(rec, "id"));
	json_decref(rec);
	json_decref(fields);
	return err;
}

static void num_text(long long v, char out[24])
{
	snprintf(out, 24, "%lld", v);
}

/* ---- systems, devices, assets ---- */

struct demo_system {
	const char *name, *category, *core, *internet, *owner, *note;
};
static const struct demo_system systems[] = {
	{ "保險業務核心系統", "1", "yes", "no", "資訊部 系統組", "要保、核保、保費及佣金作業（示範）" },
	{ "網路投保平台", "1", "yes", "yes", "資訊部 網路組", "網路投保及行動應用程式之後端（示範）" },
	{ "客戶關係管理系統", "2", "no", "no", "業務部", "客戶聯繫與服務紀錄（示範）" },
	{ "內部公文系統", "3", "no", "no", "行政部", "公文簽核（示範）" },
};
#define NSYS (sizeof(systems) / sizeof(systems[0]))

static int make_systems(struct gen *g, int64_t sys[NSYS], int64_t core_devices[8], size_t *ncore)
{
	/* servers per system: the first is the assessed one, all its devices are sampled (參二) */
	static const int servers[NSYS] = { 4, 2, 1, 1 };
	static const char *const prefix[NSYS] = { "SRV-CORE-", "SRV-WEB-", "SRV-CRM-", "SRV-DOC-" };
	char tag[32], sid[24], note[64];
	int err;

	*ncore = 0;
	for (size_t i = 0; i < NSYS; i++) {
		const struct demo_system *s = &systems[i];
		if ((err = add(g, "system", &sys[i], "name", s->name, "category", s->category, "core", s->core,
			       "internet_facing", s->internet, "owner", s->owner, "note", s->note, NULL)) < 0)
			return err;
		g->n->systems++;
		num_text(sys[i], sid);
		for (int k = 1; k <= servers[i]; k++) {
			int64_t dev;
			snprintf(tag, sizeof(tag), "%s%02d", prefix[i], k);
			if ((err = add(g, "device", &dev, "asset_tag", tag, "kind", "server", "system", sid, "location",
				       i == 1 ? "雲端主機（示範）" : "台北機房（示範）", "status", "in-use", NULL)) < 0)
				return err;
			g->n->devices++;
			if (i == 0 && *ncore < 8)
				core_devices[(*ncore)++] = dev;
		}
	}
	if ((err = add(g, "device", NULL, "asset_tag", "FW-01", "kind", "network", "location", "台北機房（示範）",
		       "status", "in-use", "note", "邊界防火牆", NULL)) < 0)
		return err;
	g->n->devices++;
	for (int k = 1; k <= 10; k++) {
		snprintf(tag, sizeof(tag), "NB-%03d", k);
		snprintf(note, sizeof(note), "員工筆記型電腦 %d", k);
		if ((err = add(g, "device", NULL, "asset_tag", tag, "kind", "laptop", "location", "台北總公司（示範）",
			       "status", k == 10 ? "spare" : "in-use", "note", note, NULL)) < 0)
			return err;
		g->n->devices++;
	}
	if ((err = add(g, "device", NULL, "asset_tag", "MB-001", "kind", "mobile", "location", "業務部（示範）",
		       "holder", "業務部 經理", "status", "in-use", "note", "公務手機", NULL)) < 0)
		return err;
	g->n->devices++;

	static const char *const assets[][5] = {
		{ "保戶個人資料", "data", "secret", "資訊部", "要保書及保單資料（示範）" },
		{ "核心系統原始碼", "software", "confidential", "資訊部", "委外開發（示範）" },
		{ "台北機房", "environment", "confidential", "總務部", "門禁及監視（示範）" },
		{ "資訊安全政策文件", "document", "internal", "資訊安全室", "年度核定（示範）" },
		{ "專線及網際網路連線", "communication", "internal", "資訊部", "雙線備援（示範）" },
		{ "核心系統主機", "hardware", "confidential", "資訊部", "四台伺服器（示範）" },
	};
	for (size_t i = 0; i < sizeof(assets) / sizeof(assets[0]); i++) {
		if ((err = add(g, "asset", NULL, "name", assets[i][0], "kind", assets[i][1], "classification",
			       assets[i][2], "owner", assets[i][3], "location", "台北總公司（示範）", "note", assets[i][4],
			       NULL)) < 0)
			return err;
		g->n->assets++;
	}
	return 0;
}

/* ---- people and training ---- */

static const char *const surnames[] = { "陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊",
					"許", "鄭", "謝", "郭", "洪", "曾", "邱", "廖", "賴", "周" };
static const char *const given[] = { "怡君", "志明", "雅婷", "家豪", "俊宏", "淑芬", "建文", "佳蓉", "宗翰", "欣妤",
				     "冠廷", "美玲", "承恩", "詩涵", "柏翰", "惠如", "育誠", "佩珊", "哲維", "嘉玲",
				     "信宏", "婉婷", "子軒", "思妤", "文彬", "玉珍", "國華", "筱雯", "明哲", "秀蘭" };
#define NPEOPLE 40

/* The role of person i (0-based): 2 security staff, 4 IT staff, 6 managers, the rest users. */
static const char *person_role(int i)
{
	return i < 2 ? "security" : i < 6 ? "it" : i < 12 ? "manager" : "general";
}

/* A date of year y at least a few days before today: the training of this year is in the past. */
static int32_t in_year(struct gen *g, int y, unsigned month, unsigned day)
{
	int32_t d = bs_days_from_civil(y, month, day), jan1 = bs_days_from_civil(y, 1, 1);

	if (d > g->today - 3)
		d = g->today - 3;
	return d < jan1 ? jan1 : d;
}

static int training(struct gen *g, const char *pid, int32_t day, const char *hours, const char *course,
		    const char *kind, const char *provider)
{
	char date[BS_DATE_MAX];
	int err;

	date_text(day, date);
	if ((err = add(g, "training", NULL, "person", pid, "date", date, "hours", hours, "course", course, "kind", kind,
		       "provider", provider, NULL)) < 0)
		return err;
	g->n->trainings++;
	return 0;
}

static int make_people(struct gen *g, int64_t people[NPEOPLE])
{
	char name[32], email[64], hired[BS_DATE_MAX], nda[BS_DATE_MAX], pid[24];
	int used[sizeof(surnames) / sizeof(surnames[0])][sizeof(given) / sizeof(given[0])];
	int err;

	memset(used, 0, sizeof(used));
	for (int i = 0; i < NPEOPLE; i++) {
		unsigned s, n;
		do {
			s = pick(&g->rng, sizeof(surnames) / sizeof(surnames[0]));
			n = pick(&g->rng, sizeof(given) / sizeof(given[0]));
		} while (used[s][n]);
		used[s][n] = 1;
		snprintf(name, sizeof(name), "%s%s", surnames[s], given[n]);
		snprintf(email, sizeof(email), "staff%02d@demo.example", i + 1);
		/* hired 2 to 9 years ago, before any of their training */
		int32_t h = bs_days_from_civil(g->year - 2 - (int)pick(&g->rng, 8), 1 + pick(&g->rng, 12), 1 + pick(&g->rng, 28));
		date_text(h, hired);
		date_text(h, nda);
		const char *role = person_role(i);
		if ((err = add(g, "person", &people[i], "name", name, "role", role, "email", email, "hired", hired,
			       "background_check", i == 25 || i == 39 ? "no" : "yes", "nda_signed", i == 39 ? NULL : nda, "note",
			       "示範資料", NULL)) < 0)
			return err;
		g->n->people++;
		num_text(people[i], pid);
		/* SR.4.5: security staff 12 hours of 專業課程 a year, the others 3 hours of 通識;
		 * last year everyone met it, this year one security officer and five users fall short */
		if (i < 2) {
			if ((err = training(g, pid, bs_days_from_civil(g->year - 1, 5, 12), "12", "資通安全專業課程：事件應變",
					    "professional", "資安訓練中心（示範）")) < 0 ||
			    (err = training(g, pid, in_year(g, g->year, 4, 20), i == 1 ? "6" : "12",
					    "資通安全專業課程：弱點管理", "professional", "資安訓練中心（示範）")) < 0)
				return err;
			continue;
		}
		if ((err = training(g, pid, bs_days_from_civil(g->year - 1, 9, 1 + (unsigned)(i % 28)), "3",
				    "資通安全通識教育訓練", "general", "資訊安全室")) < 0)
			return err;
		if (i % 7 == 3)
			continue; /* no training yet this year */
		if ((err = training(g, pid, in_year(g, g->year, 3 + (unsigned)(i % 6), 10), i % 9 == 4 ? "1.5" : "3",
				    "資通安全通識教育訓練：社交工程防範", "general", "資訊安全室")) < 0)
			return err;
	}
	return 0;
}

/* ---- vendors, app, incident, drills, policies, plan, assessors ---- */

static int make_others(struct gen *g, const int64_t sys[NSYS], const int64_t people[NPEOPLE], int64_t assessors[2])
{
	char d1[BS_DATE_MAX], d2[BS_DATE_MAX], d3[BS_DATE_MAX], t1[BS_TIME_MAX], sid[24], s2[80], pid[24];
	struct bs_buf met = BS_BUF_INIT;
	int err;

	date_text(g->today + 400, d1);
	date_text(g->today + 200, d2);
	date_text(g->today + 700, d3);
	if ((err = add(g, "vendor", NULL, "name", "安信軟體開發股份有限公司（示範）", "service", "網路投保平台及行動應用程式開發",
		       "kind", "development", "contract", "開發及維護合約（示範）", "contract_end", d1, "confidentiality",
		       "yes", "security_requirements", "yes", NULL)) < 0 ||
	    (err = add(g, "vendor", NULL, "name", "雲翔資訊股份有限公司（示範）", "service", "主機代管及異地備援", "kind",
		       "hosting", "contract_end", d3, "confidentiality", "yes", "security_requirements", "yes", NULL)) < 0 ||
	    (err = add(g, "vendor", NULL, "name", "綠能資源回收有限公司（示範）", "service", "紙本及儲存媒體銷毀", "kind",
		       "disposal", "contract_end", d2, "confidentiality", "yes", "security_requirements", "no", NULL)) < 0)
		return err;
	g->n->vendors += 3;

	/* a class 3 app (transactions) linked to its system; two Table 1 rows left unmet */
	for (int k = 1, skipped = 0; k <= 99; k++) {
		char id[24];
		snprintf(id, sizeof(id), "A1.T1.%02d", k);
		if (!bs_app_requires(id, 3))
			continue;
		if (k % 11 == 5 && skipped < 2) {
			skipped++;
			continue;
		}
		bs_buf_printf(&met, "%s%s", met.len ? "," : "", id);
	}
	num_text(sys[1], sid);
	err = add(g, "app", NULL, "name", "示範保經行動投保 App", "class", "3", "platform", "both", "version", "2.4.1",
		  "transactions", "yes", "system", sid, "met", met.len ? met.ptr : NULL, "evidence",
		  "行動應用程式資安檢測報告（示範）", NULL);
	bs_buf_release(&met);
	if (err < 0)
		return err;
	g->n->apps++;

	bs_time_format((int64_t)(g->today - 41) * 86400 * 1000000 + (int64_t)(2 * 3600 + 17 * 60) * 1000000, t1);
	if ((err = add(g, "incident", NULL, "title", "網路投保平台遭大量異常登入嘗試", "detected", t1, "severity", "medium",
		       "major", "no", "systems", sid, "personal_data", "no", "ransomware", "no", "steps", "isolate,scan,improve",
		       "note", "封鎖來源位址並啟用登入失敗鎖定（示範）", NULL)) < 0)
		return err;
	g->n->incidents++;

	/* drills: social engineering 4 months ago; BCP of the core system 26 months ago (overdue,
	 * A2.3.4 every 2 years), of the online platform 5 months ago */
	date_text(bs_date_add_months(g->today, -4), d1);
	if ((err = add(g, "drill", NULL, "kind", "social-engineering", "date", d1, "emails_sent", "40", "opened", "13",
		       "clicked", "4", "reported", "11", "outcome", "點擊者 4 人已完成加強教育訓練（示範）", NULL)) < 0)
		return err;
	num_text(sys[0], sid);
	date_text(bs_date_add_months(g->today, -26), d1);
	if ((err = add(g, "drill", NULL, "kind", "bcp", "date", d1, "systems", sid, "outcome",
		       "核心系統異地備援切換，4 小時內恢復（示範）", NULL)) < 0)
		return err;
	num_text(sys[1], sid);
	date_text(bs_date_add_months(g->today, -5), d1);
	if ((err = add(g, "drill", NULL, "kind", "bcp", "date", d1, "systems", sid, "outcome",
		       "網路投保平台自備份還原，2 小時內恢復（示範）", NULL)) < 0)
		return err;
	g->n->drills += 3;

	static const char *const titles[][2] = {
		{ "byod", "行動裝置及自攜裝置管理規範" },  { "social-media", "社群媒體使用規範" },
		{ "ransomware", "勒索軟體防護作業要點" },   { "disposal", "資料及設備銷毀作業要點" },
	};
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		const struct bs_policy_kind *k = bs_policy_kind_find(titles[i][0]);
		struct bs_buf items = BS_BUF_INIT;
		for (size_t j = 0; k && k->items[j]; j++)
			bs_buf_printf(&items, "%s%s", j ? "," : "", k->items[j]);
		date_text(bs_date_add_months(g->today, -(int)(3 + 4 * i)), d1);
		err = add(g, "policy-doc", NULL, "title", titles[i][1], "kind", titles[i][0], "items",
			  items.len ? items.ptr : NULL, "approved", d1, "approved_by", "總經理", "version", "1.2", NULL);
		bs_buf_release(&items);
		if (err < 0)
			return err;
		g->n->policy_docs++;
	}

	/* backups of every system (the document system's restore test is over a year old) and an
	 * account review of all but the document system */
	for (size_t i = 0; i < NSYS; i++) {
		num_text(sys[i], sid);
		date_text(g->today - 1, d1);
		date_text(bs_date_add_months(g->today, i == 3 ? -14 : -3), d2);
		if ((err = add(g, "backup", NULL, "system", sid, "rpo_hours", i < 2 ? "24" : "72", "rto_hours",
			       i < 2 ? "4" : "48", "copies", "3", "media", "2", "offsite", "yes", "offline", i < 2 ? "yes" : "no",
			       "last_backup", d1, "last_restore_test", d2, NULL)) < 0)
			return err;
		g->n->backups++;
	}
	snprintf(s2, sizeof(s2), "%lld,%lld,%lld", (long long)sys[0], (long long)sys[1], (long long)sys[2]);
	date_text(bs_date_add_months(g->today, -2), d1);
	if ((err = add(g, "account-review", NULL, "date", d1, "systems", s2, "reviewer", "資訊安全室", "note",
		       "離職人員帳號 2 個已停用（示範）", NULL)) < 0)
		return err;
	g->n->account_reviews++;

	date_text(bs_date_add_months(g->today, -20), d1);
	if ((err = add(g, "plan", NULL, "approved", d1, "approved_by", "board", "title", "電腦系統資訊安全評估計畫（示範）",
		       "scope", "第一類系統每年、第二類每三年、第三類每五年評估", NULL)) < 0)
		return err;
	g->n->plans++;

	/* assessors: the security officer (independent of the systems' owners) and a firm */
	num_text(people[0], pid);
	date_text(bs_date_add_months(g->today, -10), d1);
	snprintf(s2, sizeof(s2), "%s", "資訊安全室");
	if ((err = add(g, "assessor", &assessors[0], "name", "資訊安全室 評估小組", "kind", "internal", "unit", s2,
		       "independence", "獨立於受評系統之開發與維護單位（示範）", "training_hours", "24",
		       "financial_experience", "保險經紀業務資訊安全 8 年", "nda_signed", d1, "person", pid, NULL)) < 0 ||
	    (err = add(g, "assessor", &assessors[1], "name", "恆安資安顧問股份有限公司（示範）", "kind", "external",
		       "unit", "恆安資安顧問股份有限公司（示範）", "independence", "與受評標的之提供及維護機構無利害關係",
		       "certificate", "ISO/IEC 27001 主導稽核員", "financial_experience", "銀行與保險業滲透測試 6 年",
		       "nda_signed", d1, NULL)) < 0)
		return err;
	g->n->assessors += 2;
	return 0;
}

/* ---- a saved scan of the core system's first server (the dashboard's 最近掃描, and the
 * assessment's results from scans) ---- */

static int make_scan(struct gen *g, int64_t system, int64_t device)
{
	char sid[24], did[24];
	int64_t id;
	int err;

	num_text(system, sid);
	num_text(device, did);
	if ((err = bs_demo__scan(g->dd, sid, did, &id)) < 0)
		return err;
	g->n->scans++;
	return 0;
}

/* ---- the assessment of the core system, its findings and report ---- */

static int make_assessment(struct gen *g, const int64_t sys[NSYS], const int64_t *devices, size_t ndev,
			   const int64_t assessors[2])
{
	static const char *const not_met[] = { "A2.4.1.6.1.1", "A2.4.1.5", "A2.4.1.7.1.1", "A2.4.1.2" };
	char start[BS_DATE_MAX], end[BS_DATE_MAX], approved[BS_DATE_MAX], done[BS_DATE_MAX], due[4][BS_DATE_MAX],
		fu[BS_DATE_MAX];
	struct bs_assess_full a;
	struct bs_buf met = BS_BUF_INIT;
	const char *bad[4] = { NULL, NULL, NULL, NULL };
	int64_t id, fid[4], fuid;
	int err;

	date_text(g->today - 90, start);
	date_text(g->today - 40, end);
	date_text(g->today - 100, approved);
	date_text(g->today - 38, done);
	struct bs_assess_plan_in plan = { "年度電腦系統資訊安全評估（示範）", start, end, "board", "董事會", approved,
					  "示範資料：產生之評估，非真實評估" };
	if ((err = bs_assess_plan(g->dd, &plan, &id)) < 0 ||
	    (err = bs_assess_scope_set(g->dd, id, sys[0], BS_ASSESS_AREAS_ALL, NULL)) < 0 ||
	    (err = bs_assess_sample_add(g->dd, id, sys[0], devices, ndev)) < 0 ||
	    (err = bs_assess_assessor_add(g->dd, id, assessors[0], "lead")) < 0 ||
	    (err = bs_assess_assessor_add(g->dd, id, assessors[1], "member")) < 0 ||
	    (err = bs_assess_run(g->dd, id, NULL)) < 0)
		return err;
	g->n->assessment = id;
	/* every control in scope the saved scan did not decide: a judgement with the working
	 * papers, met but for the first control of each not_met prefix */
	if ((err = bs_assess_load(g->dd, id, &a)) < 0)
		return err;
	for (size_t i = 0; i < a.nresults; i++) {
		const char *c = a.results[i].control_id;
		int hit = 0;
		if (a.results[i].result != BS_RESULT_NONE)
			continue;
		for (size_t k = 0; k < 4; k++)
			if (!bad[k] && !strncmp(c, not_met[k], strlen(not_met[k]))) {
				bad[k] = c;
				hit = 1;
				break;
			}
		if (!hit)
			bs_buf_printf(&met, "%s%s", met.len ? "," : "", c);
	}
	struct bs_assess_result_in r = { sys[0], met.ptr, BS_RESULT_MET, BS_SOURCE_JUDGEMENT, "檢視組態、紀錄並訪談（示範）",
					 "評估工作底稿（示範）" };
	err = met.len ? bs_assess_result_set(g->dd, id, &r) : 0;
	for (size_t k = 0; err >= 0 && k < 4; k++) {
		if (!bad[k])
			continue;
		struct bs_assess_result_in nr = { sys[0], bad[k], BS_RESULT_NOT_MET, BS_SOURCE_JUDGEMENT,
						  "抽測主機及紀錄未符合（示範）", "評估工作底稿（示範）" };
		err = bs_assess_result_set(g->dd, id, &nr);
	}
	bs_buf_release(&met);
	bs_assess_full_release(&a);
	/* the findings: of not-met results (judged above or from the saved scan), the preferred
	 * control of each when it is not met, else the next not-met one */
	if (err < 0 || (err = bs_assess_load(g->dd, id, &a)) < 0)
		return err;
	for (size_t k = 0, next = 0; k < 4; k++) {
		bad[k] = NULL;
		for (size_t i = 0; i < a.nresults && !bad[k]; i++)
			if (a.results[i].result == BS_RESULT_NOT_MET &&
			    !strncmp(a.results[i].control_id, not_met[k], strlen(not_met[k])))
				bad[k] = a.results[i].control_id;
		while (!bad[k] && next < a.nresults) {
			const struct bs_assess_result_row *row = &a.results[next++];
			int taken = 0;
			for (size_t j = 0; j < k; j++)
				taken |= bad[j] && !strcmp(bad[j], row->control_id);
			if (row->result == BS_RESULT_NOT_MET && !taken)
				bad[k] = row->control_id;
		}
	}
	g->n->results = a.nresults;
	/* findings: high open and overdue, medium open, medium closed by the audit unit, low open */
	date_text(g->today - 10, due[0]);
	date_text(g->today + 60, due[1]);
	date_text(g->today - 15, due[2]);
	date_text(g->today + 120, due[3]);
	static const struct {
		enum bs_assess_severity sev;
		const char *category, *title, *risk, *rec, *owner;
	} fd[4] = {
		{ BS_ASSESS_SEV_HIGH, "technical", "核心系統仍有共用管理帳號（示範）",
		  "共用帳號無法追究操作責任，離職人員可能仍可登入存取保戶個人資料。",
		  "停用共用帳號改為個人帳號，並訂定帳號申請、停用及刪除程序（附件二肆、一、(六)）。", "資訊部 系統組" },
		{ BS_ASSESS_SEV_MEDIUM, "technical", "主機安全設定未依基準設定（示範）",
		  "部分主機未停用不必要服務，增加遭入侵之風險。", "依安全設定基準調整並每半年檢視一次。", "資訊部 系統組" },
		{ BS_ASSESS_SEV_MEDIUM, "management", "事件紀錄保存未達六個月（示範）",
		  "紀錄保存不足，發生事件時無法追查。", "調整紀錄保存設定至少六個月並定期檢查容量。", "資訊部 網路組" },
		{ BS_ASSESS_SEV_LOW, "management", "網路架構圖未更新（示範）", "架構圖與現況不符，影響事件應變判斷。",
		  "每年及異動時更新網路架構圖並經主管核定。", "資訊部 網路組" },
	};
	for (size_t k = 0; k < 4; k++) {
		struct bs_assess_finding_in in = { sys[0], bad[k] ? bad[k] : a.results[k].control_id, fd[k].sev,
						   fd[k].category, fd[k].title, fd[k].risk, fd[k].rec, fd[k].owner,
						   due[k] };
		if ((err = bs_assess_finding_add(g->dd, id, &in, &fid[k])) < 0)
			break;
		g->n->findings++;
	}
	bs_assess_full_release(&a);
	if (err < 0 || (err = bs_assess_complete(g->dd, id, done)) < 0)
		return err;
	date_text(g->today - 20, fu);
	struct bs_assess_followup_in f = { fid[2], fu, "稽核室 稽核人員（示範）", 1, BS_VERDICT_CORRECTED,
					   "已覆查紀錄保存設定（示範）" };
	if ((err = bs_assess_followup_add(g->dd, &f, &fuid)) < 0)
		return err;
	date_text(g->today - 5, fu);
	struct bs_assess_followup_in p = { fid[0], fu, "稽核室 稽核人員（示範）", 1, BS_VERDICT_NOT_CORRECTED,
					   "改善期限已過仍未完成，持續追蹤（示範）" };
	if ((err = bs_assess_followup_add(g->dd, &p, &fuid)) < 0)
		return err;

	/* its report, issued and kept so that the web UI lists it for download */
	struct bs_report_doc doc;
	struct bs_report_issued iss;
	struct bs_buf out = BS_BUF_INIT;
	if ((err = bs_report_load(g->dd, id, &doc)) < 0)
		return err;
	err = bs_report_render(&doc, BS_REPORT_PDF, BS_LANG_ZH_TW, &out);
	bs_report_doc_release(&doc);
	if (err >= 0 && (err = bs_report_issue_kept(g->dd, id, BS_REPORT_PDF, BS_LANG_ZH_TW, out.ptr, out.len, &iss)) >= 0) {
		g->n->reports++;
		g->n->report = iss.id;
	}
	bs_buf_release(&out);
	return err;
}

int bs_demo_fill(struct bs_datadir *dd, struct bs_demo_counts *out)
{
	struct gen g = { dd, { 0x5eed2126u }, 0, 0, out };
	int64_t sys[NSYS], people[NPEOPLE], core[8], assessors[2];
	size_t ncore = 0;
	unsigned m, d;
	json_t *list = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	/* demo records only where the mark says so, and only into an empty directory */
	if (!dd->demo)
		return bs_error(BS_EDENIED, "data directory '%s' is not a demo data directory: demo records are "
				"generated only into a new one, made by 'brokersec init --demo --data NEW_DIR'", dd->path);
	for (const char *const *r = (const char *const[]){ "system", "person", "device", NULL }; *r; r++) {
		if ((err = bs_reg_list(dd->store, bs_register_find(*r), 1, &list)) < 0)
			return err;
		size_t n = json_array_size(list);
		json_decref(list);
		if (n)
			return bs_error(BS_EDENIED, "data directory '%s' holds records already: demo records are "
					"generated only into a new one, made by 'brokersec init --demo --data NEW_DIR'",
					dd->path);
	}
	g.today = bs_days_from_time(bs_clock_now());
	bs_civil_from_days(g.today, &g.year, &m, &d);
	if ((err = make_systems(&g, sys, core, &ncore)) < 0 || (err = make_people(&g, people)) < 0 ||
	    (err = make_others(&g, sys, people, assessors)) < 0 || (err = make_scan(&g, sys[0], core[0])) < 0 ||
	    (err = make_assessment(&g, sys, core, ncore, assessors)) < 0)
		return err;
	return 0;
}
