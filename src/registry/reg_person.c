/* person: staff, their role (which sets the training hours of SR.4.5), background check and
 * confidentiality agreement (SR.4.1, SR.4.2). */
#include <string.h>

#include "core/error.h"
#include "registry/registry_private.h"

/* The other side of training's rule: a hire day moved after a course already recorded for
 * the person would leave training from before they were staff counted (第四條第五款). */
/* An account is one person's: the web UI shows its owner's own training (GET /me/training). */
static int check_account(struct bs_store *s, const json_t *rec, int64_t id, int cli)
{
	const char *account = bs_reg_str(rec, "account");
	const struct bs_register *r = bs_register_find("person");
	json_t *other = NULL;
	int err;

	if (!account || !*account || !r)
		return 0;
	if ((err = bs_reg_find_text(s, r, "account", account, id, &other)) < 0 || !other)
		return err;
	err = bs_error(BS_EINVALID,
		       cli ? "person: --account '%s' belongs to person %lld (%s) already: one account, one person; "
			     "archive or change that record first"
			   : "column 'account': '%s' belongs to person %lld (%s) already: one account, one person; "
			     "archive or change that record first",
		       account, (long long)bs_reg_int(other, "id", 0), bs_reg_str(other, "name"));
	json_decref(other);
	return err;
}

static int check_linked(struct bs_store *s, const json_t *rec, int64_t id, int cli)
{
	const struct bs_register *tr = bs_register_find("training");
	const char *hired = bs_reg_str(rec, "hired");
	json_t *all = NULL;
	int err;

	if ((err = check_account(s, rec, id, cli)) < 0)
		return err;

	if (!id || !hired || !tr)
		return 0;
	if ((err = bs_reg_list(s, tr, 0, &all)) < 0)
		return err;
	for (size_t i = 0; i < json_array_size(all) && !err; i++) {
		const json_t *t = json_array_get(all, i);
		const char *date = bs_reg_str(t, "date");
		/* YYYY-MM-DD: text order is date order */
		if (bs_reg_int(t, "person", 0) == id && date && strcmp(date, hired) < 0)
			err = bs_error(BS_EINVALID,
				       cli ? "person: --hired %s is after training %lld of this person (%s): correct the "
					     "training's date first, or give the right hire date"
					   : "column 'hired': %s is after training %lld of this person (%s): correct the "
					     "training's date first, or give the right hire date",
				       hired, (long long)bs_reg_int(t, "id", 0), date);
	}
	json_decref(all);
	return err;
}

static const char *const roles[] = { "security", "it", "general", "manager", NULL };
/* SR.4.5's own words for the four groups */
static const char *const role_labels[] = { "資安專責人員|security staff", "資訊人員|IT staff", "一般使用者|user",
					   "主管|manager", NULL };

static const struct bs_field fields[] = {
	{ "name", BS_FT_TEXT, BS_FF_REQUIRED, .max = 200, .width = 20, .zh = "姓名", .en = "name" },
	{ "role", BS_FT_ENUM, BS_FF_REQUIRED, roles, .width = 8, .zh = "角色", .en = "role", .labels = role_labels },
	{ "email", BS_FT_TEXT, 0, .max = 254, .zh = "電子郵件", .en = "e-mail" },
	{ "hired", BS_FT_DATE, 0, .width = 10, .zh = "到職日", .en = "hired" },
	{ "background_check", BS_FT_BOOL, 0, .def = "no", .width = 5, .zh = "查核", .en = "check" },
	{ "nda_signed", BS_FT_DATE, 0, .width = 10, .zh = "保密切結", .en = "nda signed" },
	{ "note", BS_FT_TEXT, 0, .zh = "備註", .en = "note" },
	{ "account", BS_FT_TEXT, 0, .max = 64, .width = 12, .zh = "系統帳號", .en = "account" },
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
		  "confidentiality agreement (SR.4.1, SR.4.2). The hire day cannot move after a training "
		  "already recorded for the person. The account (a brokersec user name, one person's) lets "
		  "the person see their own training in the web UI.",
	.source = "SR.4.1",
	.fields = fields,
	.csv = 1,
	.check_linked = check_linked,
};
