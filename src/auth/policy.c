/* policy.c - the password, lockout and session policy: defaults are the regulation's
 * numbers and a value can only be made stricter (DESIGN.md); a change is an event. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"

static const struct bs_policy_info infos[BS_POL_COUNT] = {
	[BS_POL_MIN_LENGTH] = { "password.min_length", 12, 12, BS_PASSWORD_MAX, "A2.5.4.2.4",
				"minimum password length" },
	[BS_POL_MIN_CLASSES] = { "password.min_classes", 3, 3, 4, "A2.5.4.2.4",
				 "character classes required (lower, upper, digit, other)" },
	[BS_POL_HISTORY] = { "password.history", 3, 3, 24, "A2.5.4.2.5", "earlier passwords that cannot be reused" },
	[BS_POL_MIN_AGE_DAYS] = { "password.min_age_days", 1, 1, 30, "A2.5.4.2.4", "minimum password age (days)" },
	[BS_POL_MAX_AGE_DAYS] = { "password.max_age_days", 90, 2, 90, "A2.5.4.2.4", "maximum password age (days)" },
	[BS_POL_LOCKOUT_THRESHOLD] = { "lockout.threshold", 5, 1, 5, "A2.5.4.2.3",
				       "consecutive failed sign-ins that lock the account" },
	[BS_POL_LOCKOUT_MINUTES] = { "lockout.minutes", 15, 15, 1440, "A2.5.4.2.3", "lockout duration (minutes)" },
	[BS_POL_IDLE_MINUTES] = { "session.idle_minutes", 15, 1, 15, "A2.5.4", "session idle timeout (minutes)" },
	[BS_POL_ABSOLUTE_HOURS] = { "session.absolute_hours", 8, 1, 8, "A2.5.4", "session lifetime (hours)" },
	[BS_POL_ACCOUNT_IDLE_DAYS] = { "account.idle_days", 90, 1, 90, "A2.4.1.6.1",
				       "unused accounts are disabled after (days)" },
	[BS_POL_RESET_MINUTES] = { "reset.token_minutes", 15, 1, 15, "A2.5.4.2.7", "reset token lifetime (minutes)" },
	[BS_POL_THROTTLE_PER_MIN] = { "throttle.per_minute", 30, 1, 30, "A2.5.4.2.6",
				      "sign-in, password and reset attempts per source address per minute" },
	[BS_POL_TOTP_ADMIN] = { "totp.admin_required", 1, 1, 1, "A2.5.4", "admins must use a TOTP second factor" },
};

const struct bs_policy_info *bs_policy_info(enum bs_policy_key k)
{
	return (unsigned)k < BS_POL_COUNT ? &infos[k] : NULL;
}

void bs_policy_defaults(struct bs_policy *p)
{
	for (int k = 0; k < BS_POL_COUNT; k++)
		p->v[k] = infos[k].def;
}

static int find_key(const char *name, size_t len, enum bs_policy_key *out)
{
	for (int k = 0; k < BS_POL_COUNT; k++)
		if (strlen(infos[k].key) == len && !strncmp(infos[k].key, name, len)) {
			*out = (enum bs_policy_key)k;
			return 0;
		}
	return BS_ENOTFOUND;
}

int bs_policy_parse_assignment(const char *kv, enum bs_policy_key *key, int64_t *value)
{
	const char *eq = strchr(kv, '=');
	char *end;
	long long v;

	if (!eq)
		return bs_error(BS_EINVALID, "policy setting '%s' has no '=': write KEY=VALUE, e.g. lockout.minutes=30",
				kv);
	if (find_key(kv, (size_t)(eq - kv), key) < 0)
		return bs_error(BS_EINVALID, "unknown policy key '%.*s': 'brokersec policy show' lists the keys",
				(int)(eq - kv), kv);
	errno = 0;
	v = strtoll(eq + 1, &end, 10);
	if (errno || end == eq + 1 || *end)
		return bs_error(BS_EINVALID, "policy value for '%s' is not a whole number: '%s'", infos[*key].key, eq + 1);
	const struct bs_policy_info *in = &infos[*key];
	if (v < in->lo || v > in->hi)
		return bs_error(BS_EINVALID, "%s=%lld is outside %lld..%lld: %s may only be made stricter than the "
				"regulation (%s), not looser", in->key, v, (long long)in->lo, (long long)in->hi,
				in->what, in->source);
	*value = v;
	return 0;
}

int bs_policy_check(const struct bs_policy *p)
{
	for (int k = 0; k < BS_POL_COUNT; k++)
		if (p->v[k] < infos[k].lo || p->v[k] > infos[k].hi)
			return bs_error(BS_EINVALID, "stored policy %s=%lld is outside %lld..%lld: set it again with "
					"'brokersec policy set'", infos[k].key, (long long)p->v[k],
					(long long)infos[k].lo, (long long)infos[k].hi);
	if (p->v[BS_POL_MIN_AGE_DAYS] >= p->v[BS_POL_MAX_AGE_DAYS])
		return bs_error(BS_EINVALID, "password.min_age_days (%lld) must be below password.max_age_days (%lld)",
				(long long)p->v[BS_POL_MIN_AGE_DAYS], (long long)p->v[BS_POL_MAX_AGE_DAYS]);
	return 0;
}

int bs_policy_load(struct bs_store *s, struct bs_policy *out)
{
	sqlite3_stmt *st = NULL;
	int rc, err;

	bs_policy_defaults(out);
	if ((err = bs_store_prepare(s, "SELECT key, value FROM auth_policy", &st)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum bs_policy_key k;
		const char *name = bs_store_text(st, 0);
		if (find_key(name, strlen(name), &k) == 0)
			out->v[k] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return bs_store_fail(s, "cannot read the policy");
	/* A value edited into the database by hand that is looser than the text is refused,
	 * never silently used. */
	return bs_policy_check(out);
}

int bs_policy_set(struct bs_datadir *dd, enum bs_policy_key key, int64_t value)
{
	struct bs_policy p;
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_policy_load(dd->store, &p)) < 0)
		goto done;
	int64_t old = p.v[key];
	p.v[key] = value;
	if ((err = bs_policy_check(&p)) < 0)
		goto done;
	if ((err = bs_store_prepare(dd->store,
				    "INSERT INTO auth_policy (key, value, updated_us, updated_by) VALUES (?1, ?2, ?3, ?4) "
				    "ON CONFLICT (key) DO UPDATE SET value = ?2, updated_us = ?3, updated_by = ?4",
				    &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, bs_policy_info(key)->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	sqlite3_bind_int64(st, 3, bs_clock_now());
	sqlite3_bind_text(st, 4, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot save the policy");
		goto done;
	}
	err = bs_audit(dd, "policy.set", "success", NULL, "%s changed from %lld to %lld", bs_policy_info(key)->key,
		       (long long)old, (long long)value);
done:
	sqlite3_finalize(st);
	return bs_store_finish(dd->store, err);
}
