/* asset: information assets by the seven kinds of SR.2. */
#include "registry/registry_private.h"

static const char *const kinds[] = { "software", "hardware", "environment", "document", "communication", "data",
				     "personnel", NULL };
static const char *const kind_labels[] = { "軟體|software", "硬體|hardware", "環境|environment", "文件|document",
					   "通訊|communication", "資料|data", "人員|personnel", NULL };
static const char *const classes[] = { "public", "internal", "confidential", "secret", NULL };
static const char *const class_labels[] = { "公開|public", "內部使用|internal", "機密|confidential", "極機密|secret",
					    NULL };

static const struct bs_field fields[] = {
	{ "name", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 26, .zh = "名稱", .en = "name" },
	{ "kind", BS_FT_ENUM, BS_FF_REQUIRED, kinds, .width = 13, .zh = "類別", .en = "kind", .labels = kind_labels },
	{ "owner", BS_FT_TEXT, 0, .max = 200, .width = 14, .zh = "負責人", .en = "owner" },
	{ "classification", BS_FT_ENUM, 0, classes, .width = 12, .zh = "分級", .en = "class", .labels = class_labels },
	{ "location", BS_FT_TEXT, 0, .max = 200, .zh = "位置", .en = "location" },
	{ "note", BS_FT_TEXT, 0, .zh = "備註", .en = "note" },
	{ NULL },
};

const struct bs_register bs_reg_asset = {
	.name = "asset",
	.order = 10,
	.zh = "資訊資產",
	.en = "information assets",
	.summary_zh = "資訊資產登錄",
	.summary_en = "register: information assets",
	.about = "Information assets by the seven kinds of SR.2.",
	.source = "SR.2.1",
	.fields = fields,
	.csv = 1,
};
