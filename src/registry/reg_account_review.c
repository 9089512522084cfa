/* account-review: periodic reviews of system accounts (A2.4.1.6.1.4). A review covers the
 * systems it names (--systems): the deadline engine computes each system's next review
 * from the last one naming it. */
#include "registry/registry_private.h"

static const struct bs_field fields[] = {
	{ "date", BS_FT_DATE, BS_FF_REQUIRED, .width = 10, .zh = "日期", .en = "date" },
	{ "systems", BS_FT_REFS, 0, .ref = "system", .width = 14, .zh = "系統", .en = "systems" },
	{ "reviewer", BS_FT_TEXT, 0, .max = 200, .width = 16, .zh = "審核人", .en = "reviewer" },
	{ "note", BS_FT_TEXT, 0, .width = 30, .zh = "備註", .en = "note" },
	{ NULL },
};

const struct bs_register bs_reg_account_review = {
	.name = "account-review",
	.order = 160,
	.zh = "帳號審核",
	.en = "account reviews",
	.summary_zh = "帳號審核",
	.summary_en = "register: account reviews",
	.about = "Periodic reviews of system accounts (A2.4.1.6.1.4): a review covers the systems it names, and "
		  "the deadline engine computes each system's next one from its last.",
	.source = "A2.4.1.6.1.4",
	.fields = fields,
};
