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
					"'brokersec controls A1.T1' for the rows and their classes", id, cls);
	}
	return 0;
}

static const char *const platforms[] = { "android", "ios", "both", NULL };

static const struct bs_field fields[] = {
	{ "name", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 22, .zh = "名稱", .en = "name" },
	{ "class", BS_FT_INT, BS_FF_REQUIRED, .min = 1, .max = 3, .width = 5, .zh = "分級", .en = "class" },
	{ "platform", BS_FT_ENUM, 0, platforms, .width = 8, .zh = "平台", .en = "platform" },
	{ "version", BS_FT_TEXT, 0, .max = 64, .width = 10, .zh = "版本", .en = "version" },
	{ "met", BS_FT_SET, 0, NULL, .width = 24, .zh = "已符合項目", .en = "met" },
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
		  "class requires comes from the catalog.",
	.source = "SR.8",
	.fields = fields,
	.check = check,
};
