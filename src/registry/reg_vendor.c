/* vendor: outsourced services with their confidentiality clause and security requirements
 * (SR.4.3, A2.5.6.6). */
#include "registry/registry_private.h"

static const struct bs_field fields[] = {
	{ "name", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 22, .zh = "廠商", .en = "name" },
	{ "service", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 22, .zh = "委外服務", .en = "service" },
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
	.about = "Outsourced services with their confidentiality clause and security requirements (SR.4.3, "
		  "A2.5.6.6).",
	.source = "SR.4.3",
	.fields = fields,
};
