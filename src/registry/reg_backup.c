/* backup: per system, tolerated data loss and recovery time, copies (3-2-1), the last
 * backup and the last restore test (SR.12, A2.4.1.8, A3.7.11). */
#include "core/error.h"
#include "registry/registry_private.h"

static int check(const json_t *rec)
{
	int64_t copies = bs_reg_int(rec, "copies", -1), media = bs_reg_int(rec, "media", -1);
	if (copies >= 0 && media > copies)
		return bs_error(BS_EINVALID, "backup: --media %lld is more than --copies %lld", (long long)media,
				(long long)copies);
	return 0;
}

static const struct bs_field fields[] = {
	{ "system", BS_FT_REF, BS_FF_REQUIRED, .ref = "system", .width = 6, .zh = "系統", .en = "system" },
	{ "rpo_hours", BS_FT_INT, BS_FF_REQUIRED, .min = 1, .max = 87600, .width = 5, .zh = "RPO", .en = "RPO h" },
	{ "rto_hours", BS_FT_INT, 0, .min = 1, .max = 87600, .width = 5, .zh = "RTO", .en = "RTO h" },
	{ "copies", BS_FT_INT, 0, .min = 0, .max = 99, .width = 4, .zh = "份數", .en = "copies" },
	{ "media", BS_FT_INT, 0, .min = 0, .max = 99, .width = 4, .zh = "媒體", .en = "media" },
	{ "offsite", BS_FT_BOOL, 0, .def = "no", .width = 4, .zh = "異地", .en = "off" },
	{ "offline", BS_FT_BOOL, 0, .def = "no", .width = 4, .zh = "離線", .en = "offl" },
	{ "last_backup", BS_FT_DATE, 0, .width = 10, .zh = "最近備份", .en = "backup" },
	{ "last_restore_test", BS_FT_DATE, 0, .width = 10, .zh = "還原測試", .en = "restore" },
	{ "note", BS_FT_TEXT, 0, .zh = "備註", .en = "note" },
	{ NULL },
};

const struct bs_register bs_reg_backup = {
	.name = "backup",
	.order = 150,
	.zh = "備份",
	.en = "backups",
	.summary_zh = "備份",
	.summary_en = "register: backups",
	.about = "Per system: tolerated data loss and recovery time, copies (3-2-1), the last backup and the last "
		  "restore test (SR.12, A2.4.1.8, A3.7.11).",
	.source = "A2.4.1.8",
	.fields = fields,
	.check = check,
};
