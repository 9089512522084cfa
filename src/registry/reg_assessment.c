/* assessment: a completed security assessment of a system (A2.3). */
#include "registry/registry_private.h"

static const struct bs_field fields[] = {
	{ "system", BS_FT_REF, BS_FF_REQUIRED, .ref = "system", .width = 6, .zh = "系統", .en = "system" },
	{ "completed", BS_FT_DATE, BS_FF_REQUIRED, .width = 10, .zh = "完成日", .en = "completed" },
	{ "report", BS_FT_TEXT, 0, .max = 500, .width = 26, .zh = "報告", .en = "report" },
	{ "assessor", BS_FT_TEXT, 0, .max = 200, .width = 16, .zh = "評估單位", .en = "assessor" },
	{ "sampled_devices", BS_FT_INT, 0, .min = 0, .max = 1000000, .width = 7, .zh = "抽測數", .en = "sampled" },
	{ "note", BS_FT_TEXT, 0, .zh = "備註", .en = "note" },
	{ NULL },
};

const struct bs_register bs_reg_assessment = {
	.name = "assessment",
	.order = 140,
	.zh = "資安評估",
	.en = "assessments",
	.summary_zh = "資安評估紀錄",
	.summary_en = "register: completed assessments",
	.about = "A completed security assessment of a system (A2.3).",
	.source = "A2.3.1",
	.fields = fields,
};
