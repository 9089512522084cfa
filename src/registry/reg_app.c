/* app: mobile apps, their security class and which Table 1 requirements (A1.T1.NN) they
 * meet. What a class requires comes from the catalog (applies.app_class of each row). */
#include <string.h>

#include "catalog/catalog.h"
#include "core/error.h"
#include "registry/registry_private.h"

int bs_app_requires(const char *id, int cls)
{
	const struct bs_catalog *cat;
	const struct bs_control *c;

	if (cls < 1 || cls > 3 || bs_catalog_builtin(&cat) < 0)
		return 0;
	if (strncmp(id, "A1.T1.", 6) != 0 || !(c = bs_catalog_find(cat, id)))
		return 0;
	return (c->applies.app_class & (1u << cls)) != 0;
}

static int check(const json_t *rec)
{
	int cls = (int)bs_reg_int(rec, "class", 0);
	const json_t *met = json_object_get(rec, "met");

	for (size_t i = 0; i < json_array_size(met); i++) {
		const char *id = json_string_value(json_array_get(met, i));
		if (!bs_app_requires(id, cls))
			return bs_error(BS_EINVALID,
					"app: --met '%s' is not a Table 1 requirement of class %d: see "
					"'brokersec controls --id A1.T1' for the rows and their classes", id, cls);
	}
	/* Annex 1 伍: only 第三類 apps 能夠執行交易 */
	if (json_is_true(json_object_get(rec, "transactions")) && cls != 3)
		return bs_error(BS_EINVALID, "app: --transactions yes needs --class 3: an app that can execute "
				"transactions is class 3 (Annex 1 伍 第三類、具交易功能)");
	return 0;
}

static const char *const platforms[] = { "android", "ios", "both", NULL };
static const char *const platform_labels[] = { "Android|android", "iOS|ios", "兩者|both", NULL };
/* Annex 1 伍、安全分類: 第一類 純功能性, 第二類 具認證功能與連網行為, 第三類 具交易功能與客戶個人資料處理 */
static const char *const class_labels[] = { "第一類|1", "第二類|2", "第三類|3", NULL };

static const struct bs_field fields[] = {
	{ "name", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 22, .zh = "名稱", .en = "name" },
	{ "class", BS_FT_INT, BS_FF_REQUIRED, .min = 1, .max = 3, .width = 8, .zh = "安全分類", .en = "class",
	  .labels = class_labels },
	{ "platform", BS_FT_ENUM, 0, platforms, .width = 8, .zh = "平台", .en = "platform", .labels = platform_labels },
	{ "version", BS_FT_TEXT, 0, .max = 64, .zh = "版本", .en = "version" },
	{ "transactions", BS_FT_BOOL, 0, .def = "no", .width = 4, .zh = "交易", .en = "txn" },
	{ "system", BS_FT_REF, 0, .ref = "system", .width = 6, .zh = "服務系統", .en = "system" },
	{ "met", BS_FT_SET, 0, NULL, .width = 19, .zh = "已符合項目", .en = "met" },
	{ "evidence", BS_FT_TEXT, 0, .max = 2000, .zh = "佐證", .en = "evidence" },
	{ NULL },
};

const struct bs_register bs_reg_app = {
	.name = "app",
	.order = 80,
	.zh = "行動應用程式",
	.en = "mobile apps",
	.summary_zh = "行動應用程式",
	.summary_en = "register: mobile apps",
	.about = "Mobile apps, their security class and which Table 1 requirements (A1.T1.NN) they meet; what a "
		  "class requires comes from the catalog. A class-3 app with transaction functions makes the system "
		  "that serves it (--system) a category-1 system for every duty (A1.4.1.1.5.2).",
	.source = "SR.8",
	.fields = fields,
	.check = check,
};
