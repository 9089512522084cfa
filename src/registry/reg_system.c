/* system: computer systems and their category (A2.3.1), which sets the assessment cycle. */
#include "registry/registry_private.h"

/* Annex 2 參、一: 電腦系統依其重要性分為三類 (the text's own terms in zh-TW; the number in English) */
static const char *const category_labels[] = { "第一類|1", "第二類|2", "第三類|3", NULL };

static const struct bs_field fields[] = {
	{ "name", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 28, .zh = "名稱", .en = "name" },
	{ "category", BS_FT_INT, BS_FF_REQUIRED, .min = 1, .max = 3, .width = 6, .zh = "類別", .en = "cat",
	  .labels = category_labels },
	{ "core", BS_FT_BOOL, 0, .def = "no", .width = 4, .zh = "核心", .en = "core" },
	{ "internet_facing", BS_FT_BOOL, 0, .def = "no", .width = 4, .zh = "對外", .en = "net" },
	{ "owner", BS_FT_TEXT, 0, .max = 200, .width = 16, .zh = "負責人", .en = "owner" },
	{ "device_count", BS_FT_INT, 0, .min = 0, .max = 1000000, .width = 7, .zh = "設備數", .en = "devices" },
	{ "note", BS_FT_TEXT, 0, .zh = "備註", .en = "note" },
	{ NULL },
};

const struct bs_register bs_reg_system = {
	.name = "system",
	.order = 20,
	.zh = "電腦系統",
	.en = "computer systems",
	.summary_zh = "電腦系統登錄（分類）",
	.summary_en = "register: computer systems and their category",
	.about = "Computer systems and their category (A2.3.1), which sets the assessment cycle.",
	.source = "A2.3.1",
	.fields = fields,
};
