/* drill: social-engineering drills (A2.6) and business-continuity drills (A2.3.4). */
#include <string.h>

#include "core/error.h"
#include "registry/registry_private.h"

static const char *const kinds[] = { "social-engineering", "bcp", NULL };
static const char *const kind_labels[] = { "社交工程演練|social-engineering", "業務持續運作演練|bcp", NULL };

static int check(const json_t *rec)
{
	static const char *const counts[] = { "opened", "clicked", "reported", NULL };
	int64_t sent = bs_reg_int(rec, "emails_sent", -1);
	const char *kind = bs_reg_str(rec, "kind");

	for (int i = 0; counts[i]; i++) {
		int64_t n = bs_reg_int(rec, counts[i], -1);
		if (n < 0)
			continue;
		if (kind && strcmp(kind, "social-engineering") != 0)
			return bs_error(BS_EINVALID, "drill: --%s belongs to a social-engineering drill, not %s: "
					"record the phishing counts as a drill of --kind social-engineering", counts[i], kind);
		if (sent < 0 || n > sent)
			return bs_error(BS_EINVALID, "drill: --%s %lld is more than --emails-sent %lld", counts[i],
					(long long)n, (long long)(sent < 0 ? 0 : sent));
	}
	/* e-mails sent belong to phishing (A2.6 社交工程演練), not to a business-continuity drill */
	if (kind && strcmp(kind, "social-engineering") != 0 && sent >= 0)
		return bs_error(BS_EINVALID, "drill: --emails-sent belongs to a social-engineering drill, not %s: "
				"record the phishing counts as a drill of --kind social-engineering", kind);
	if (kind && !strcmp(kind, "social-engineering") && bs_reg_has(rec, "systems"))
		return bs_error(BS_EINVALID, "drill: --systems belongs to a bcp drill (the core systems it covered)");
	return 0;
}

static const struct bs_field fields[] = {
	{ "kind", BS_FT_ENUM, BS_FF_REQUIRED, kinds, .width = 18, .zh = "種類", .en = "kind", .labels = kind_labels },
	{ "date", BS_FT_DATE, BS_FF_REQUIRED, .width = 10, .zh = "日期", .en = "date" },
	{ "systems", BS_FT_REFS, 0, .ref = "system", .width = 12, .zh = "系統", .en = "systems" },
	{ "emails_sent", BS_FT_INT, 0, .min = 0, .max = 1000000, .width = 6, .zh = "寄送", .en = "sent" },
	{ "opened", BS_FT_INT, 0, .min = 0, .max = 1000000, .width = 6, .zh = "開啟", .en = "opened" },
	{ "clicked", BS_FT_INT, 0, .min = 0, .max = 1000000, .width = 6, .zh = "點擊", .en = "clicked" },
	{ "reported", BS_FT_INT, 0, .min = 0, .max = 1000000, .width = 6, .zh = "通報", .en = "reported" },
	{ "outcome", BS_FT_TEXT, 0, .max = 2000, .zh = "結果", .en = "outcome" },
	{ NULL },
};

const struct bs_register bs_reg_drill = {
	.name = "drill",
	.order = 120,
	.zh = "演練",
	.en = "drills",
	.summary_zh = "演練（社交工程、業務持續）",
	.summary_en = "register: drills",
	.about = "Social-engineering drills (A2.6) and business-continuity drills (A2.3.4).",
	.source = "A2.6",
	.fields = fields,
	.check = check,
};
