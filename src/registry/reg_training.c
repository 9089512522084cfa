/* training: hours of security training per person (SR.4.5). */
#include "registry/registry_private.h"

static const char *const kinds[] = { "professional", "general", NULL };

static const struct bs_field fields[] = {
	{ "person", BS_FT_REF, BS_FF_REQUIRED, .ref = "person", .width = 6, .zh = "人員", .en = "person" },
	{ "date", BS_FT_DATE, BS_FF_REQUIRED, .width = 10, .zh = "日期", .en = "date" },
	{ "hours", BS_FT_NUM, BS_FF_REQUIRED, .min = 0, .max = 200, .width = 5, .zh = "時數", .en = "hours" },
	{ "course", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 30, .zh = "課程", .en = "course" },
	{ "kind", BS_FT_ENUM, 0, kinds, .def = "general", .width = 12, .zh = "專業/通識", .en = "kind" },
	{ "provider", BS_FT_TEXT, 0, .max = 200, .zh = "開課單位", .en = "provider" },
	{ NULL },
};

const struct bs_register bs_reg_training = {
	.name = "training",
	.order = 50,
	.zh = "教育訓練",
	.en = "training",
	.summary_zh = "教育訓練時數",
	.summary_en = "register: training hours",
	.about = "Hours of security training per person (SR.4.5).",
	.source = "SR.4.5",
	.fields = fields,
	.csv = 1,
};
