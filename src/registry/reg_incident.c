/* incident: security incidents, their reporting (SR.19) and the Annex 3 六 response steps. */
#include <string.h>

#include "core/error.h"
#include "registry/registry_private.h"

static const char *const severities[] = { "low", "medium", "high", "critical", NULL };
static const char *const severity_labels[] = { "低|low", "中|medium", "高|high", "嚴重|critical", NULL };
/* A3.6.1 .. A3.6.5 */
static const char *const steps[] = { "isolate", "scan", "preserve", "restore", "improve", NULL };
static const char *const step_labels[] = { "中斷連線並隔離|isolate", "防毒掃描|scan", "保存受駭主機|preserve",
					   "重灌及備份還原|restore", "規劃改善措施|improve", NULL };

static int check(const json_t *rec)
{
	const char *detected = bs_reg_str(rec, "detected");
	static const char *const reports[] = { "reported_association", "reported_regulator", NULL };

	for (int i = 0; reports[i]; i++) {
		const char *t = bs_reg_str(rec, reports[i]);
		/* both are canonical UTC "YYYY-MM-DDTHH:MM:SSZ", so text order is time order */
		if (t && detected && strcmp(t, detected) < 0)
			return bs_error(BS_EINVALID, "incident: --%s %s is before --detected %s: check both times",
					i == 0 ? "reported-association" : "reported-regulator", t, detected);
	}
	/* A2.3.3: 單一系統發生重大資訊安全事件，應於三個月內重新完成資訊安全評估作業 - the
	 * reassessment is of the systems hit, so a major incident must name them */
	if (json_is_true(json_object_get(rec, "major")) && !json_array_size(json_object_get(rec, "systems")))
		return bs_error(BS_EINVALID, "incident: --major yes needs --systems: the systems the major incident "
				"affected, which must be reassessed within 3 months (A2.3.3); see 'brokersec system list'");
	return 0;
}

static const struct bs_field fields[] = {
	{ "title", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 22, .zh = "事件", .en = "title" },
	{ "detected", BS_FT_TIME, BS_FF_REQUIRED, .width = 20, .zh = "發現時間", .en = "detected (UTC)" },
	{ "severity", BS_FT_ENUM, BS_FF_REQUIRED, severities, .width = 8, .zh = "等級", .en = "severity",
	  .labels = severity_labels },
	{ "major", BS_FT_BOOL, BS_FF_REQUIRED, .width = 5, .zh = "重大", .en = "major" },
	{ "systems", BS_FT_REFS, 0, .ref = "system", .width = 10, .zh = "系統", .en = "systems" },
	{ "personal_data", BS_FT_BOOL, 0, .def = "no", .zh = "涉個資", .en = "personal data" },
	{ "ransomware", BS_FT_BOOL, 0, .def = "no", .zh = "勒索軟體", .en = "ransomware" },
	{ "reported_association", BS_FT_TIME, 0, .zh = "通報公會", .en = "reported to association" },
	{ "reported_regulator", BS_FT_TIME, 0, .zh = "通報主管機關", .en = "reported to regulator" },
	{ "steps", BS_FT_SET, 0, steps, .zh = "應變步驟", .en = "response steps", .labels = step_labels },
	{ "note", BS_FT_TEXT, 0, .max = 2000, .zh = "備註", .en = "note" },
	{ NULL },
};

const struct bs_register bs_reg_incident = {
	.name = "incident",
	.order = 100,
	.zh = "資安事件",
	.en = "incidents",
	.summary_zh = "資安事件",
	.summary_en = "register: incidents",
	.about = "Security incidents, their reporting (SR.19) and the Annex 3 六 response steps. A major incident "
		  "names the systems it affected (A2.3.3 reassessment).",
	.source = "SR.19",
	.fields = fields,
	.check = check,
};
