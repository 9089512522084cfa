/* account_review.c - the periodic account review (A2.4.1.6.1.4): every account with what
 * is anomalous about it, recorded as a review and an event. */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth_int.h"
#include "core/clock.h"

#define DAY_US (86400LL * 1000000)

int bs_account_review(struct bs_datadir *dd, struct bs_review_row **out, size_t *n)
{
	struct bs_account *v = NULL;
	struct bs_policy pol;
	size_t count = 0;
	int64_t now = bs_clock_now();
	int err, anomalies = 0, admins = 0;

	*out = NULL;
	*n = 0;
	if ((err = bs_policy_load(dd->store, &pol)) < 0 || (err = bs_account_list(dd->store, 0, &v, &count)) < 0)
		return err;
	struct bs_review_row *rows = bs_calloc(count ? count : 1, sizeof(*rows));
	for (size_t i = 0; i < count; i++)
		if (!strcmp(v[i].state, "active") && v[i].role == BS_ROLE_ADMIN)
			admins++;
	for (size_t i = 0; i < count; i++) {
		struct bs_account *a = &v[i];
		struct bs_buf b = BS_BUF_INIT;
		int64_t active = a->last_login_us > a->updated_us ? a->last_login_us : a->updated_us;
		rows[i].a = *a;
		if (!strcmp(a->state, "active")) {
			if (a->last_login_us == 0)
				bs_buf_puts(&b, "never signed in; ");
			if (now - active > pol.v[BS_POL_ACCOUNT_IDLE_DAYS] * DAY_US)
				bs_buf_puts(&b, "idle past the limit; ");
			if (a->expires_us && a->expires_us <= now)
				bs_buf_puts(&b, "expired; ");
			if (a->kind != BS_KIND_PERSONAL)
				bs_buf_printf(&b, "%s account; ", bs_account_kind_name(a->kind));
			if (now - a->pw_changed_us > pol.v[BS_POL_MAX_AGE_DAYS] * DAY_US)
				bs_buf_puts(&b, "password older than the maximum age; ");
			if (a->locked_until_us > now)
				bs_buf_puts(&b, "locked; ");
			if (a->role == BS_ROLE_ADMIN && !a->totp_enrolled && pol.v[BS_POL_TOTP_ADMIN])
				bs_buf_puts(&b, "admin without TOTP; ");
			if (a->role == BS_ROLE_ADMIN && admins > 2)
				bs_buf_printf(&b, "one of %d admins (least privilege); ", admins);
		}
		if (b.len >= 2)
			bs_buf_truncate(&b, b.len - 2);
		copy(rows[i].anomalies, sizeof(rows[i].anomalies), b.ptr);
		if (b.len)
			anomalies++;
		bs_buf_release(&b);
	}
	free(v);
	if ((err = bs_store_begin(dd->store)) < 0)
		goto fail;
	err = bs_auth_exec(dd->store, "cannot record the review", "INSERT INTO account_review (reviewed_us, "
			   "reviewed_by, accounts, anomalies) VALUES (?1, ?2, ?3, ?4)", "itii", now,
			   dd->actor ? dd->actor : "", (int64_t)count, (int64_t)anomalies);
	if (err >= 0)
		err = bs_audit(dd, "account.review", "success", NULL, "account review: %zu accounts, %d with anomalies",
			       count, anomalies);
	if ((err = bs_store_finish(dd->store, err)) < 0)
		goto fail;
	*out = rows;
	*n = count;
	return 0;
fail:
	free(rows);
	return err;
}
