/* assess_area.c - the ten assessment areas of 附件二肆、一 mapped to the catalog, the names of
 * the workflow's enums, and the sampling rule of 參二. Pure: no storage. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_int.h"
#include "catalog/catalog.h"
#include "core/error.h"

const struct bs_assess_area bs_assess_areas[BS_ASSESS_AREAS] = {
	{ 1, "A2.4.1.1", "附件二肆、一、(一)", "architecture", "資訊架構檢視", "Review of the information architecture" },
	{ 2, "A2.4.1.2", "附件二肆、一、(二)", "network-activity", "網路活動檢視", "Review of network activity" },
	{ 3, "A2.4.1.3", "附件二肆、一、(三)", "devices", "網路設備、伺服器及終端機等設備檢測",
	  "Testing of network devices, servers and terminals" },
	{ 4, "A2.4.1.4", "附件二肆、一、(四)", "website", "網站安全檢測", "Website security testing" },
	{ 5, "A2.4.1.5", "附件二肆、一、(五)", "configuration", "安全設定檢視", "Review of security settings" },
	{ 6, "A2.4.1.6", "附件二肆、一、(六)", "access", "存取機制檢視", "Review of access mechanisms" },
	{ 7, "A2.4.1.7", "附件二肆、一、(七)", "logging", "事件日誌機制檢視", "Review of event logging" },
	{ 8, "A2.4.1.8", "附件二肆、一、(八)", "backup", "系統備份檢視", "Review of system backups" },
	{ 9, "A2.4.1.9", "附件二肆、一、(九)", "redundancy", "系統備援檢視", "Review of system redundancy" },
	{ 10, "A2.4.1.10", "附件二肆、一、(十)", "compliance", "合規檢視", "Compliance review" },
};

const struct bs_assess_area *bs_assess_area(int n)
{
	return n >= 1 && n <= BS_ASSESS_AREAS ? &bs_assess_areas[n - 1] : NULL;
}

int bs_assess_area_of(const char *control_id)
{
	/* longest first: A2.4.1.10 must not be read as area 1 */
	for (int n = BS_ASSESS_AREAS; n >= 1; n--)
		if (bs_control_id_under(control_id, bs_assess_areas[n - 1].control))
			return n;
	return 0;
}

static int area_token(const char *t, size_t len)
{
	char *end;
	long v;
	char num[8];

	if (len > 0 && len < sizeof(num) && isdigit((unsigned char)t[0])) {
		memcpy(num, t, len);
		num[len] = 0;
		v = strtol(num, &end, 10);
		return *end == 0 && v >= 1 && v <= BS_ASSESS_AREAS ? (int)v : 0;
	}
	for (int n = 1; n <= BS_ASSESS_AREAS; n++) {
		const char *tok = bs_assess_areas[n - 1].token;
		if (strlen(tok) == len && !strncmp(tok, t, len))
			return n;
	}
	return 0;
}

int bs_assess_areas_parse(const char *text, unsigned *out)
{
	unsigned set = 0;
	const char *p = text;

	if (!text || !*text)
		return bs_error(BS_EINVALID, "--areas is empty: give area numbers 1-10 (附件二肆、一、(一)-(十)), "
				"their names (architecture,access,...) or all");
	if (!strcmp(text, "all")) {
		*out = BS_ASSESS_AREAS_ALL;
		return 0;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		int n = area_token(p, len);
		if (!n)
			return bs_error(BS_EINVALID, "--areas: '%.*s' is not an assessment area: use 1-10 or one of "
					"architecture, network-activity, devices, website, configuration, access, "
					"logging, backup, redundancy, compliance", (int)len, p);
		set |= BS_ASSESS_AREA_BIT(n);
		p += len;
		if (*p == ',')
			p++;
	}
	*out = set;
	return 0;
}

void bs_assess_areas_format(unsigned set, struct bs_buf *out)
{
	int first = 1;
	for (int n = 1; n <= BS_ASSESS_AREAS; n++)
		if (set & BS_ASSESS_AREA_BIT(n)) {
			bs_buf_printf(out, "%s%d", first ? "" : ",", n);
			first = 0;
		}
}

size_t bs_assess_sample_required(size_t total)
{
	/* 參二: at least 10 % of the system's devices or at least 100 devices, each time; read as
	 * max(ceil(10 %), min(100, all)) */
	size_t tenth = total / 10 + (total % 10 != 0);
	size_t hundred = total < 100 ? total : 100;
	return tenth > hundred ? tenth : hundred;
}

struct as_ctl_ctx {
	int (*fn)(const char *, void *);
	void *ctx;
};

int as_area_controls(int n, int (*fn)(const char *control_id, void *ctx), void *ctx)
{
	const struct bs_catalog *cat;
	const struct bs_assess_area *a = bs_assess_area(n);
	int err;

	if (!a)
		return bs_error(BS_EINVALID, "assessment area %d does not exist (1-10)", n);
	if ((err = bs_catalog_builtin(&cat)) < 0)
		return err;
	for (size_t i = 0; i < cat->n; i++) {
		const struct bs_control *c = &cat->v[i];
		if (!bs_control_id_under(c->id, a->control) || c->nchildren)
			continue;
		if ((err = fn(c->id, ctx)) != 0)
			return err;
	}
	return 0;
}

/* ---- enum names ---- */

#define PICK(arr, v) ((unsigned)(v) < sizeof(arr) / sizeof(arr[0]) ? arr[v] : NULL)

static const char *const status_tok[] = { "planned", "running", "reported", "closed" };
static const char *const status_zh[] = { "規劃中", "執行中", "已提報", "已結案" };
static const char *const status_en[] = { "planned", "running", "reported", "closed" };

const char *bs_assess_status_token(enum bs_assess_status s) { return PICK(status_tok, s); }
const char *bs_assess_status_label(enum bs_assess_status s, enum bs_lang lang)
{
	return lang == BS_LANG_EN ? PICK(status_en, s) : PICK(status_zh, s);
}

int as_status_parse(const char *token, enum bs_assess_status *out)
{
	for (unsigned i = 0; i < 4; i++)
		if (!strcmp(token, status_tok[i])) {
			*out = (enum bs_assess_status)i;
			return 0;
		}
	return bs_error(BS_ERR, "unknown assessment status '%s' in the database", token);
}

static const char *const result_tok[] = { "none", "met", "not-met", "not-applicable" };
static const char *const result_zh[] = { "未評", "符合", "不符合", "不適用" };
static const char *const result_en[] = { "not assessed", "met", "not met", "not applicable" };

const char *bs_assess_result_token(enum bs_assess_result r) { return PICK(result_tok, r); }
const char *bs_assess_result_label(enum bs_assess_result r, enum bs_lang lang)
{
	return lang == BS_LANG_EN ? PICK(result_en, r) : PICK(result_zh, r);
}

static const char *const source_tok[] = { "none", "scan", "register", "judgement" };
static const char *const source_zh[] = { "無", "主機檢查", "登錄資料", "評估人員判斷" };
static const char *const source_en[] = { "none", "host scan", "register", "assessor's judgement" };

const char *bs_assess_source_token(enum bs_assess_source s) { return PICK(source_tok, s); }
const char *bs_assess_source_label(enum bs_assess_source s, enum bs_lang lang)
{
	return lang == BS_LANG_EN ? PICK(source_en, s) : PICK(source_zh, s);
}

static const char *const sev_tok[] = { "critical", "high", "medium", "low" };
static const char *const sev_zh[] = { "嚴重", "高", "中", "低" };

const char *bs_assess_severity_token(enum bs_assess_severity s) { return PICK(sev_tok, s); }
const char *bs_assess_severity_label(enum bs_assess_severity s, enum bs_lang lang)
{
	return lang == BS_LANG_EN ? PICK(sev_tok, s) : PICK(sev_zh, s);
}

static const char *const fst_tok[] = { "open", "closed" };
static const char *const fst_zh[] = { "未結案", "已結案" };

const char *bs_assess_fstatus_token(enum bs_assess_fstatus s) { return PICK(fst_tok, s); }
const char *bs_assess_fstatus_label(enum bs_assess_fstatus s, enum bs_lang lang)
{
	return lang == BS_LANG_EN ? PICK(fst_tok, s) : PICK(fst_zh, s);
}

static const char *const verdict_tok[] = { "corrected", "partial", "not-corrected" };
static const char *const verdict_zh[] = { "改善完成", "部分改善", "未改善" };
static const char *const verdict_en[] = { "corrected", "partly corrected", "not corrected" };

const char *bs_assess_verdict_token(enum bs_assess_verdict v) { return PICK(verdict_tok, v); }
const char *bs_assess_verdict_label(enum bs_assess_verdict v, enum bs_lang lang)
{
	return lang == BS_LANG_EN ? PICK(verdict_en, v) : PICK(verdict_zh, v);
}

const char *const bs_assess_categories[] = { "management", "technical", "physical", "personnel", NULL };
static const char *const cat_zh[] = { "管理面", "技術面", "實體面", "人員面" };
static const char *const cat_en[] = { "management", "technical", "physical", "personnel" };

const char *bs_assess_category_label(const char *token, enum bs_lang lang)
{
	for (int i = 0; token && bs_assess_categories[i]; i++)
		if (!strcmp(token, bs_assess_categories[i]))
			return lang == BS_LANG_EN ? cat_en[i] : cat_zh[i];
	return NULL;
}

/* Token -> enum for the names above; -1 when unknown. */
int bs_assess__index(const char *const *tokens, size_t n, const char *token);
int bs_assess__index(const char *const *tokens, size_t n, const char *token)
{
	for (size_t i = 0; token && i < n; i++)
		if (!strcmp(token, tokens[i]))
			return (int)i;
	return -1;
}

int bs_assess_result_parse(const char *t, enum bs_assess_result *out)
{
	int i = bs_assess__index(result_tok, 4, t);
	if (i <= 0)
		return bs_error(BS_EINVALID, "result '%s' is not one of met, not-met, not-applicable", t ? t : "");
	*out = (enum bs_assess_result)i;
	return 0;
}

int bs_assess_source_parse(const char *t, enum bs_assess_source *out)
{
	int i = bs_assess__index(source_tok, 4, t);
	if (i <= 0)
		return bs_error(BS_EINVALID, "source '%s' is not one of scan, register, judgement", t ? t : "");
	*out = (enum bs_assess_source)i;
	return 0;
}

int bs_assess_severity_parse(const char *t, enum bs_assess_severity *out)
{
	int i = bs_assess__index(sev_tok, 4, t);
	if (i < 0)
		return bs_error(BS_EINVALID, "--severity '%s' is not one of critical, high, medium, low", t ? t : "");
	*out = (enum bs_assess_severity)i;
	return 0;
}

int bs_assess_verdict_parse(const char *t, enum bs_assess_verdict *out)
{
	int i = bs_assess__index(verdict_tok, 3, t);
	if (i < 0)
		return bs_error(BS_EINVALID, "--verdict '%s' is not one of corrected, partial, not-corrected",
				t ? t : "");
	*out = (enum bs_assess_verdict)i;
	return 0;
}

int bs_assess_fstatus_parse(const char *t, enum bs_assess_fstatus *out)
{
	int i = bs_assess__index(fst_tok, 2, t);
	if (i < 0)
		return bs_error(BS_ERR, "unknown finding status '%s' in the database", t ? t : "");
	*out = (enum bs_assess_fstatus)i;
	return 0;
}
