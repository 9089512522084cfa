/* assessor: who carries out security assessments (Annex 2 柒): an internal unit independent of
 * the system's development and maintenance, an external body with no interest in the target, or
 * a tool; with the qualifications the text asks for (training hours or a certificate,
 * financial-domain experience, a signed NDA). src/assess refuses an unqualified assessor on an
 * assessment; the register keeps what is known. */
#include <string.h>

#include "core/error.h"
#include "registry/registry_private.h"

static const char *const kinds[] = { "internal", "external", "tool", NULL };
static const char *const kind_labels[] = { "內部單位|internal", "外部機構|external", "工具|tool", NULL };

static int check(const json_t *rec)
{
	const char *kind = bs_reg_str(rec, "kind");

	/* 柒一: an internal unit must be independent of development and maintenance, an external
	 * body without interest in the target; say so, in words someone signs. */
	if (kind && strcmp(kind, "tool") != 0 && !bs_reg_has(rec, "independence"))
		return bs_error(BS_EINVALID, "assessor: --independence is required for an %s assessor "
				"(Annex 2 柒一: independent of the system's development and maintenance / "
				"no interest in the target)", kind);
	return 0;
}

static const struct bs_field fields[] = {
	{ "name", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 16, .zh = "姓名", .en = "name" },
	{ "kind", BS_FT_ENUM, BS_FF_REQUIRED, kinds, .width = 8, .zh = "種類", .en = "kind", .labels = kind_labels },
	{ "unit", BS_FT_TEXT, 0, .max = 200, .width = 14, .zh = "單位", .en = "unit" },
	{ "independence", BS_FT_TEXT, 0, .max = 2000, .zh = "獨立性聲明", .en = "independence" },
	{ "training_hours", BS_FT_NUM, 0, .min = 0, .max = 10000, .width = 6, .zh = "訓練時數", .en = "hours" },
	{ "certificate", BS_FT_TEXT, 0, .max = 500, .width = 10, .zh = "證照", .en = "certificate" },
	{ "financial_experience", BS_FT_TEXT, 0, .max = 1000, .zh = "金融領域經驗", .en = "financial experience" },
	{ "nda_signed", BS_FT_DATE, 0, .width = 10, .zh = "保密切結", .en = "nda signed" },
	{ "person", BS_FT_REF, 0, .ref = "person", .zh = "人員", .en = "person" },
	{ "note", BS_FT_TEXT, 0, .zh = "備註", .en = "note" },
	{ NULL },
};

const struct bs_register bs_reg_assessor = {
	.name = "assessor",
	.order = 145,
	.zh = "評估人員",
	.en = "assessors",
	.summary_zh = "評估單位與人員（資格、獨立性、保密切結）",
	.summary_en = "register: assessors (qualifications, independence, NDA)",
	.about = "Who carries out security assessments (Annex 2 柒): internal unit, external body or tool, "
		  "with training hours or certificate, financial-domain experience and NDA date.",
	.source = "A2.7",
	.fields = fields,
	.check = check,
};
