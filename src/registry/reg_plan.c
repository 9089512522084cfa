/* plan: the assessment plan and its approval (A2.2). */
#include "registry/registry_private.h"

static const char *const approvers[] = { "board", "delegated", NULL };
static const char *const approver_labels[] = { "董事會|board", "授權核定|delegated", NULL };

static const struct bs_field fields[] = {
	{ "approved", BS_FT_DATE, BS_FF_REQUIRED, .width = 10, .zh = "核定日", .en = "approved" },
	{ "approved_by", BS_FT_ENUM, BS_FF_REQUIRED, approvers, .width = 9, .zh = "核定者", .en = "by",
	  .labels = approver_labels },
	{ "title", BS_FT_TEXT, 0, .max = 200, .width = 20, .zh = "名稱", .en = "title" },
	{ "scope", BS_FT_TEXT, 0, .max = 2000, .width = 30, .zh = "範圍", .en = "scope" },
	{ NULL },
};

const struct bs_register bs_reg_plan = {
	.name = "plan",
	.order = 130,
	.zh = "評估計畫",
	.en = "assessment plans",
	.summary_zh = "評估計畫",
	.summary_en = "register: assessment plans",
	.about = "The assessment plan and its approval (A2.2).",
	.source = "A2.2.2",
	.fields = fields,
};
