/* person: staff, their role (which sets the training hours of SR.4.5), background check and
 * confidentiality agreement (SR.4.1, SR.4.2). */
#include "registry/registry_private.h"

static const char *const roles[] = { "security", "it", "general", "manager", NULL };

static const struct bs_field fields[] = {
	{ "name", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 20, .zh = "姓名", .en = "name" },
	{ "role", BS_FT_ENUM, BS_FF_REQUIRED, roles, .width = 8, .zh = "角色", .en = "role" },
	{ "email", BS_FT_TEXT, 0, .max = 254, .zh = "電子郵件", .en = "e-mail" },
	{ "hired", BS_FT_DATE, 0, .width = 10, .zh = "到職日", .en = "hired" },
	{ "background_check", BS_FT_BOOL, 0, .def = "no", .width = 5, .zh = "查核", .en = "check" },
	{ "nda_signed", BS_FT_DATE, 0, .width = 10, .zh = "保密切結", .en = "nda signed" },
	{ "note", BS_FT_TEXT, 0, .zh = "備註", .en = "note" },
	{ NULL },
};

const struct bs_register bs_reg_person = {
	.name = "person",
	.order = 40,
	.zh = "人員",
	.en = "people",
	.summary_zh = "人員登錄",
	.summary_en = "register: people",
	.about = "Staff, their role (which sets the training hours of SR.4.5), background check and "
		  "confidentiality agreement (SR.4.1, SR.4.2).",
	.source = "SR.4.1",
	.fields = fields,
	.csv = 1,
};
