/* training: hours of security training per person (SR.4.5). */
#include "registry/registers.h"

static const char *const kinds[] = { "professional", "general", NULL };

static const struct bs_field fields[] = {
	{ "person", BS_FT_REF, BS_FF_REQUIRED, .ref = "person", .width = 6, .zh = "人員", .en = "person" },
	{ "date", BS_FT_DATE, BS_FF_REQUIRED, .width = 10, .zh = "日期", .en = "date" },
	{ "hours", BS_FT_NUM, BS_FF_REQUIRED, .min = 0, .max = 200, .width = 5, .zh = "時數", .en = "hours" },
	{ "course", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 30, .zh = "課程", .en = "course" },
	{ "kind", BS_FT_ENUM, 0, kinds, .def = "general", .width = 12, .zh = "專業/通識", .en = "kind" },
	{ "provider", BS_FT_TEXT, 0, .max = 200, .zh = "開課單位", .en = "provider" },
	{ NULL },
};

const struct bs_register bs_reg_training = {
	"training", "教育訓練", "training", "SR.4.5", fields, 1, NULL,
};
