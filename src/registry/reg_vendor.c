/* vendor: outsourced services with their confidentiality clause and security requirements
 * (SR.4.3, A2.5.6.6). */
#include "registry/registry_private.h"

/* What the vendor does: A2.5.6.6 (資通系統開發如委外辦理) binds development vendors only;
 * SR.4.3's confidentiality clause binds every one. */
static const char *const kinds[] = { "development", "maintenance", "hosting", "disposal", "other", NULL };
static const char *const kind_labels[] = { "開發|development", "維護|maintenance", "代管|hosting", "銷毀|disposal",
					   "其他|other", NULL };

static const struct bs_field fields[] = {
	{ "name", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 20, .zh = "廠商", .en = "name" },
	{ "service", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 20, .zh = "委外服務", .en = "service" },
	{ "kind", BS_FT_ENUM, 0, kinds, .width = 11, .zh = "服務種類", .en = "kind", .labels = kind_labels },
	{ "contract", BS_FT_TEXT, 0, .max = 200, .zh = "契約", .en = "contract" },
	{ "contract_end", BS_FT_DATE, 0, .width = 10, .zh = "契約到期", .en = "ends" },
	{ "confidentiality", BS_FT_BOOL, 0, .def = "no", .width = 4, .zh = "保密", .en = "nda" },
	{ "security_requirements", BS_FT_BOOL, 0, .def = "no", .width = 4, .zh = "資安", .en = "sec" },
	{ "note", BS_FT_TEXT, 0, .zh = "備註", .en = "note" },
	{ NULL },
};

const struct bs_register bs_reg_vendor = {
	.name = "vendor",
	.order = 70,
	.zh = "委外廠商",
	.en = "vendors",
	.summary_zh = "委外廠商",
	.summary_en = "register: vendors",
	.about = "Outsourced services with their confidentiality clause (SR.4.3, every vendor) and, for vendors "
		  "of kind development, the security requirements of the system life cycle in the contract "
		  "(A2.5.6.6).",
	.source = "SR.4.3",
	.fields = fields,
};
