/* policy-doc: the documents SR.5, 6, 7, 13, 17 and 18 require, with the clauses each covers. */
#include <string.h>

#include "core/error.h"
#include "profile/profile.h"
#include "registry/registry_private.h"

static const char *const byod_items[] = { "SR.5.1", "SR.5.2", "SR.5.3", NULL };
static const char *const social_items[] = { "SR.6.1", "SR.6.2", "SR.6.3", "SR.6.4", NULL };
static const char *const cloud_items[] = { "SR.7.2", "SR.7.3", "SR.7.5", "SR.7.6", "SR.7.7", NULL };
static const char *const ransom_items[] = { "SR.13", NULL };
static const char *const disposal_items[] = { "SR.17", NULL };
static const char *const remote_items[] = { "SR.18.1", "SR.18.2", NULL };

const struct bs_policy_kind bs_policy_kinds[] = {
	/* 第五條 covers 行動裝置（含自攜裝置）, and 第二條 counts laptops as 行動裝置: every broker
	 * needs these rules; allowing BYOD adds to them (schedule_records.c), it is no condition */
	{ "byod", "SR.5", -1, byod_items },
	{ "social-media", "SR.6", -1, social_items },
	{ "cloud", "SR.7", BS_PF_CLOUD, cloud_items },
	{ "ransomware", "SR.13", -1, ransom_items },
	{ "disposal", "SR.17", -1, disposal_items },
	{ "remote-work", "SR.18", BS_PF_REMOTE_WORK, remote_items },
	{ NULL, NULL, -1, NULL },
};

static const char *const kinds[] = { "byod", "social-media", "cloud", "ransomware", "disposal", "remote-work", NULL };
static const char *const kind_labels[] = { "自攜裝置|byod", "社群媒體|social-media", "雲端服務|cloud", "勒索軟體|ransomware",
					   "資料銷毀|disposal", "遠距辦公|remote-work", NULL };

static int check(const json_t *rec)
{
	const struct bs_policy_kind *k = bs_policy_kind_find(bs_reg_str(rec, "kind"));
	const json_t *items = json_object_get(rec, "items");

	for (size_t i = 0; k && i < json_array_size(items); i++) {
		const char *id = json_string_value(json_array_get(items, i));
		int ok = 0;
		for (size_t j = 0; k->items[j] && !ok; j++)
			ok = !strcmp(k->items[j], id);
		if (!ok) {
			struct bs_buf b = BS_BUF_INIT;
			for (size_t j = 0; k->items[j]; j++)
				bs_buf_printf(&b, "%s%s", j ? "," : "", k->items[j]);
			int err = bs_error(BS_EINVALID, "policy-doc: --items '%s' is not an item of a %s document: use %s",
					   id, k->kind, b.ptr);
			bs_buf_release(&b);
			return err;
		}
	}
	return 0;
}

static const struct bs_field fields[] = {
	{ "title", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 26, .zh = "名稱", .en = "title" },
	{ "kind", BS_FT_ENUM, BS_FF_REQUIRED, kinds, .width = 12, .zh = "種類", .en = "kind", .labels = kind_labels },
	{ "items", BS_FT_SET, 0, NULL, .width = 20, .zh = "涵蓋條文", .en = "items" },
	{ "approved", BS_FT_DATE, 0, .width = 10, .zh = "核定日", .en = "approved" },
	{ "approved_by", BS_FT_TEXT, 0, .max = 200, .zh = "核定者", .en = "approved by" },
	{ "version", BS_FT_TEXT, 0, .max = 64, .zh = "版本", .en = "version" },
	{ NULL },
};

const struct bs_register bs_reg_policy_doc = {
	.name = "policy-doc",
	.order = 90,
	.zh = "規範文件",
	.en = "policy documents",
	.summary_zh = "規範文件",
	.summary_en = "register: policy documents",
	.about = "The documents SR.5, 6, 7, 13, 17 and 18 require, with the clauses each covers.",
	.source = "SR.3",
	.fields = fields,
	.check = check,
};
