/* device: the devices of a system (A2.3.2 sampling) and mobile / BYOD devices (SR.5). */
#include "registry/registry_private.h"

static const char *const kinds[] = { "server", "desktop", "laptop", "network", "storage", "mobile", "byod",
				     "other", NULL };
static const char *const kind_labels[] = { "伺服器|server", "桌上型電腦|desktop", "筆記型電腦|laptop", "網路設備|network",
					   "儲存設備|storage", "行動裝置|mobile", "自攜裝置|byod", "其他|other", NULL };
static const char *const statuses[] = { "in-use", "spare", "repair", "retired", "disposed", NULL };
static const char *const status_labels[] = { "使用中|in-use", "備用|spare", "維修中|repair", "停用|retired",
					     "已報廢|disposed", NULL };

static const struct bs_field fields[] = {
	{ "asset_tag", BS_FT_TEXT, BS_FF_REQUIRED, .max = 64, .width = 14, .zh = "財產編號", .en = "asset tag" },
	{ "kind", BS_FT_ENUM, BS_FF_REQUIRED, kinds, .width = 8, .zh = "種類", .en = "kind", .labels = kind_labels },
	{ "system", BS_FT_REF, 0, .ref = "system", .width = 6, .zh = "系統", .en = "system" },
	{ "location", BS_FT_TEXT, 0, .max = 200, .width = 16, .zh = "位置", .en = "location" },
	{ "holder", BS_FT_TEXT, 0, .max = 200, .width = 14, .zh = "保管人", .en = "holder" },
	{ "status", BS_FT_ENUM, 0, statuses, .def = "in-use", .width = 8, .zh = "狀態", .en = "status", .labels = status_labels },
	{ "note", BS_FT_TEXT, 0, .zh = "備註", .en = "note" },
	{ NULL },
};

const struct bs_register bs_reg_device = {
	.name = "device",
	.order = 30,
	.zh = "設備",
	.en = "devices",
	.summary_zh = "設備登錄",
	.summary_en = "register: devices",
	.about = "The devices of a system (A2.3.2 sampling) and mobile / BYOD devices (SR.5).",
	.source = "A2.3.2",
	.fields = fields,
	.csv = 1,
};
