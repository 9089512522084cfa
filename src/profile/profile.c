#include "profile/profile.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"

static const struct bs_profile_info flags[BS_PF_COUNT] = {
	[BS_PF_INTERNAL_CONTROL] = { "internal_control", "internal-control", "已實施內稽內控制度",
				     "internal control system in place",
				     "SR.4.4; SR.11/A2.4.1.7.4 log-failure response; SR.12/A2.4.1.9, A2.5.5.2 redundancy; SR.15/A2.5.3.2-3 monitoring and integrity" },
	[BS_PF_MAIL_SERVER] = { "mail_server", "mail-server", "自有郵件伺服器", "runs its own mail server",
				"SR.16 mail filtering" },
	[BS_PF_ONLINE_INSURANCE] = { "online_insurance", "online-insurance", "辦理網路投保及網路保險服務",
				     "sells or services insurance online", "SR.14 phishing detection" },
	[BS_PF_MOBILE_APP] = { "mobile_app", "mobile-app", "提供行動裝置應用程式", "provides mobile apps",
			       "SR.8 and Annex 1" },
	[BS_PF_CLOUD] = { "cloud", "cloud", "使用雲端服務", "uses cloud services", "SR.7" },
	[BS_PF_BYOD] = { "byod", "byod", "允許自攜裝置", "allows BYOD", "SR.5" },
	[BS_PF_REMOTE_WORK] = { "remote_work", "remote-work", "異地辦公或遠端工作", "remote or off-site work",
				"SR.18" },
};

const struct bs_profile_info *bs_profile_info(enum bs_profile_flag f)
{
	return f < BS_PF_COUNT ? &flags[f] : NULL;
}

int bs_profile_flag_lookup(const char *name)
{
	for (int i = 0; i < BS_PF_COUNT; i++)
		if (!strcmp(name, flags[i].name) || !strcmp(name, flags[i].option))
			return i;
	return -1;
}

int bs_profile_parse_bool(const char *s)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcmp(s, "0"))
		return 0;
	return -1;
}

int bs_profile_load(struct bs_store *s, struct bs_profile *out)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(out, 0, sizeof(*out));
	if ((err = bs_store_prepare(s, "SELECT name, created_at FROM org WHERE id = 1", &st)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? bs_error(BS_ERR, "the data directory has no organisation record: it was not "
						   "created by 'brokersec init' or is damaged")
					: bs_store_fail(s, "cannot read the organisation");
		goto done;
	}
	out->org = bs_strdup(bs_store_text(st, 0));
	out->created_at = bs_strdup(bs_store_text(st, 1));
	sqlite3_finalize(st);
	st = NULL;
	if ((err = bs_store_prepare(s, "SELECT flag, enabled FROM profile", &st)) < 0)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int f = bs_profile_flag_lookup(bs_store_text(st, 0));
		if (f >= 0 && sqlite3_column_int(st, 1))
			out->mask |= 1u << f;
	}
	if (rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the profile");
done:
	sqlite3_finalize(st);
	if (err < 0)
		bs_profile_release(out);
	return err;
}

void bs_profile_release(struct bs_profile *p)
{
	free(p->org);
	free(p->created_at);
	memset(p, 0, sizeof(*p));
}

static int put_flag(struct bs_store *s, int f, int on, const char *now, const char *who)
{
	sqlite3_stmt *st;
	int err = bs_store_prepare(s,
		"INSERT INTO profile (flag, enabled, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4) "
		"ON CONFLICT (flag) DO UPDATE SET enabled = ?2, updated_at = ?3, updated_by = ?4", &st);
	if (err < 0)
		return err;
	sqlite3_bind_text(st, 1, flags[f].name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, on ? 1 : 0);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, who, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot save the profile");
	sqlite3_finalize(st);
	return err;
}

int bs_profile_create(struct bs_store *s, const char *org, unsigned mask, const char *who)
{
	char now[BS_TIME_MAX];
	sqlite3_stmt *st = NULL;
	int err;

	bs_time_format(bs_clock_now(), now);
	if ((err = bs_store_begin(s)) < 0)
		return err;
	if ((err = bs_store_prepare(s, "INSERT INTO org (id, name, created_at) VALUES (1, ?1, ?2)", &st)) < 0)
		goto fail;
	sqlite3_bind_text(st, 1, org, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(s, "cannot save the organisation");
		goto fail;
	}
	for (int f = 0; f < BS_PF_COUNT; f++)
		if ((err = put_flag(s, f, (mask >> f) & 1, now, who)) < 0)
			goto fail;
	sqlite3_finalize(st);
	return bs_store_finish(s, 0);
fail:
	sqlite3_finalize(st);
	return bs_store_finish(s, err);
}

int bs_profile_set(struct bs_store *s, enum bs_profile_flag f, int on, const char *who, int *changed)
{
	struct bs_profile p;
	char now[BS_TIME_MAX];
	int err;

	if ((err = bs_profile_load(s, &p)) < 0)
		return err;
	*changed = (int)((p.mask >> f) & 1) != (on ? 1 : 0);
	bs_profile_release(&p);
	if (!*changed)
		return 0;
	bs_time_format(bs_clock_now(), now);
	return put_flag(s, (int)f, on, now, who);
}
