/* job-change: transfers and leavers, with assets returned and access revoked (SR.4.7). */
#include "registry/registry_private.h"

static const char *const kinds[] = { "transfer", "leave", NULL };
static const char *const kind_labels[] = { "調職|transfer", "離職|leave", NULL };

static const struct bs_field fields[] = {
	{ "person", BS_FT_REF, BS_FF_REQUIRED, .ref = "person", .width = 6, .zh = "人員", .en = "person" },
	{ "date", BS_FT_DATE, BS_FF_REQUIRED, .width = 10, .zh = "日期", .en = "date" },
	{ "kind", BS_FT_ENUM, BS_FF_REQUIRED, kinds, .width = 8, .zh = "種類", .en = "kind", .labels = kind_labels },
	{ "assets_returned", BS_FT_DATE, 0, .width = 10, .zh = "資產歸還", .en = "returned" },
	{ "access_revoked", BS_FT_DATE, 0, .width = 10, .zh = "權限註銷", .en = "revoked" },
	{ "note", BS_FT_TEXT, 0, .width = 20, .zh = "備註", .en = "note" },
	{ NULL },
};

const struct bs_register bs_reg_job_change = {
	.name = "job-change",
	.order = 60,
	.zh = "職務異動",
	.en = "job changes",
	.summary_zh = "職務異動",
	.summary_en = "register: job changes",
	.about = "Transfers and leavers, with assets returned and access revoked (SR.4.7).",
	.source = "SR.4.7",
	.fields = fields,
};
