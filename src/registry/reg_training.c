/* training: hours of security training per person (SR.4.5). */
#include <string.h>

#include "core/error.h"
#include "registry/registry_private.h"

static const char *const kinds[] = { "professional", "general", NULL };
/* SR.4.5: 資通安全專業課程 (security staff) and 通識教育訓練 (everyone else) */
static const char *const kind_labels[] = { "專業課程|professional", "通識教育|general", NULL };

/* A course taken before the person was hired is not training of this company's staff
 * (第四條第五款 counts the hours of 內部人員): refuse it rather than count it. */
static int check_linked(struct bs_store *s, const json_t *rec, int64_t id, int cli)
{
	const struct bs_register *pr = bs_register_find("person");
	const char *date = bs_reg_str(rec, "date"), *hired;
	json_t *p = NULL;
	int err;

	(void)id;
	if (!pr || !date || !bs_reg_has(rec, "person"))
		return 0;
	if ((err = bs_reg_get(s, pr, bs_reg_int(rec, "person", 0), &p)) < 0)
		return err;
	hired = bs_reg_str(p, "hired");
	/* both are YYYY-MM-DD, so text order is date order */
	if (hired && strcmp(date, hired) < 0)
		err = bs_error(BS_EINVALID,
			       cli ? "training: --date %s is before person %lld was hired (%s): give the date the course "
				     "was taken while employed, or correct the person's --hired"
				   : "column 'date': %s is before person %lld was hired (%s): give the date the course "
				     "was taken while employed, or correct the person's hired date",
			       date, (long long)bs_reg_int(rec, "person", 0), hired);
	json_decref(p);
	return err;
}

static const struct bs_field fields[] = {
	{ "person", BS_FT_REF, BS_FF_REQUIRED, .ref = "person", .width = 6, .zh = "人員", .en = "person" },
	{ "date", BS_FT_DATE, BS_FF_REQUIRED, .width = 10, .zh = "日期", .en = "date" },
	{ "hours", BS_FT_NUM, BS_FF_REQUIRED, .min = 0, .max = 200, .width = 5, .zh = "時數", .en = "hours" },
	{ "course", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 30, .zh = "課程", .en = "course" },
	{ "kind", BS_FT_ENUM, 0, kinds, .def = "general", .width = 12, .zh = "專業/通識", .en = "kind",
	  .labels = kind_labels },
	{ "provider", BS_FT_TEXT, 0, .max = 200, .zh = "開課單位", .en = "provider" },
	{ NULL },
};

const struct bs_register bs_reg_training = {
	.name = "training",
	.order = 50,
	.zh = "教育訓練",
	.en = "training",
	.summary_zh = "教育訓練時數",
	.summary_en = "register: training hours",
	.about = "Hours of security training per person (SR.4.5). Security staff need 12 h a year of courses of "
		  "kind professional (資通安全專業課程); other roles 3 h of any kind. A course dated before the "
		  "person was hired is refused.",
	.source = "SR.4.5",
	.fields = fields,
	.csv = 1,
	.check_linked = check_linked,
};
