/* disposal: retired equipment, how its data was removed and who verified it (SR.17). */
#include "core/error.h"
#include "registry/registry_private.h"

static const char *const methods[] = { "overwrite", "destruction", NULL };
static const char *const method_labels[] = { "覆寫|overwrite", "實體銷毀|destruction", NULL };

static int check(const json_t *rec)
{
	if (bs_reg_str(rec, "third_party") && !bs_reg_has(rec, "third_party_nda"))
		return bs_error(BS_EINVALID,
				"disposal: --third-party-nda must be yes when --third-party is given (SR.17 requires a "
				"confidentiality contract)");
	return 0;
}

static const struct bs_field fields[] = {
	{ "description", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 19, .zh = "設備", .en = "equipment" },
	{ "device", BS_FT_REF, 0, .ref = "device", .width = 6, .zh = "設備號", .en = "device" },
	{ "date", BS_FT_DATE, BS_FF_REQUIRED, .width = 10, .zh = "日期", .en = "date" },
	{ "method", BS_FT_ENUM, BS_FF_REQUIRED, methods, .width = 11, .zh = "方式", .en = "method", .labels = method_labels },
	{ "data_removed", BS_FT_BOOL, 0, .def = "no", .width = 4, .zh = "資料", .en = "data" },
	{ "software_removed", BS_FT_BOOL, 0, .def = "no", .width = 4, .zh = "軟體", .en = "sw" },
	{ "verified_by", BS_FT_TEXT, 0, .max = 200, .width = 14, .zh = "確認人", .en = "verified by" },
	{ "third_party", BS_FT_TEXT, 0, .max = 200, .zh = "委外廠商", .en = "third party" },
	{ "third_party_nda", BS_FT_BOOL, 0, .def = "no", .zh = "廠商保密契約", .en = "third-party nda" },
	{ NULL },
};

const struct bs_register bs_reg_disposal = {
	.name = "disposal",
	.order = 110,
	.zh = "設備報廢",
	.en = "disposals",
	.summary_zh = "設備報廢",
	.summary_en = "register: disposals",
	.about = "Retired equipment, how its data was removed and who verified it (SR.17).",
	.source = "SR.17",
	.fields = fields,
	.check = check,
};
