/* account.c - the account store: reading accounts, their lifecycle (create, disable,
 * enable, delete, role, unlock), remote-access rules, and the sweep that disables expired
 * and idle accounts. Passwords and resets are account_password.c's, the second factor
 * account_totp.c's, the review account_review.c's. Each change is recorded with bs_audit()
 * before it commits (fail closed). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth_int.h"
#include "core/clock.h"

#define DAY_US (86400LL * 1000000)

const char *bs_account_kind_name(enum bs_account_kind k)
{
	return k == BS_KIND_TEMPORARY ? "temporary" : k == BS_KIND_EMERGENCY ? "emergency" : "personal";
}

int bs_username_check(const char *u)
{
	size_t n = strlen(u);
	if (n < 1 || n > 64 || !((u[0] >= 'a' && u[0] <= 'z') || (u[0] >= '0' && u[0] <= '9')) ||
	    strspn(u, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return bs_error(BS_EINVALID, "username '%.64s' is invalid: use 1 to 64 lower-case letters, digits, "
				"'.', '_' or '-', starting with a letter or digit", u);
	return 0;
}

static int get_where(struct bs_store *s, struct bs_account *out, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int err, rc;

	if ((err = bs_store_prepare(s, sql, &st)) < 0)
		return err;
	va_start(ap, fmt);
	bs_auth_bind(st, fmt, ap);
	va_end(ap);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		bs_auth_row(st, out);
		err = 0;
	} else if (rc == SQLITE_DONE) {
		err = BS_ENOTFOUND;
	} else {
		err = bs_store_fail(s, "cannot read an account");
	}
	sqlite3_finalize(st);
	return err;
}

int bs_account_get(struct bs_store *s, const char *username, struct bs_account *out)
{
	int err = get_where(s, out, "SELECT " ACCOUNT_COLS " FROM account WHERE username = ?1", "t", username);
	if (err == BS_ENOTFOUND)
		return bs_error(BS_ENOTFOUND, "no account '%.64s': 'brokersec user list' shows the accounts", username);
	return err;
}

int bs_account_get_id(struct bs_store *s, int64_t id, struct bs_account *out)
{
	int err = get_where(s, out, "SELECT " ACCOUNT_COLS " FROM account WHERE id = ?1", "i", id);
	if (err == BS_ENOTFOUND)
		return bs_error(BS_ENOTFOUND, "no account with id %lld", (long long)id);
	return err;
}

int bs_account_list(struct bs_store *s, int include_deleted, struct bs_account **out, size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int err, rc;

	*out = NULL;
	*n = 0;
	if ((err = bs_auth_query(s, &st, "SELECT " ACCOUNT_COLS " FROM account WHERE ?1 OR state <> 'deleted' "
				 "ORDER BY username", "i", (int64_t)include_deleted)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = bs_realloc(*out, bs_size_mul(cap, sizeof(**out)));
		}
		bs_auth_row(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return bs_store_fail(s, "cannot list accounts");
	}
	return 0;
}

/* Records the refusal set by the caller (bs_error) as an auth.denied event and hands the
 * same error back; the event log failing wins (fail closed). */
static int refused(struct bs_datadir *dd, int code, enum bs_account_op op, const char *username)
{
	char msg[320], data[128];
	int err;

	snprintf(msg, sizeof(msg), "%s", bs_error_message());
	account_data(data, sizeof(data), username);
	if ((err = bs_audit(dd, "auth.denied", "failure", data, "%s '%s' refused from %s: %s", bs_account_op_name(op),
			    username, dd->source ? dd->source : "cli", msg)) < 0)
		return err;
	return bs_error(code, "%s", msg);
}

/* The target rule for a signed-in actor, inside the caller's transaction: the actor is
 * re-read (its role or state may have changed since its session began) and must pass
 * bs_account_may() for op on target t (NULL when creating: the role `to`). by NULL is the
 * data directory's owner (the CLI): allowed. */
int bs_auth_actor_may(struct bs_datadir *dd, const struct bs_session_info *by, enum bs_account_op op,
		      const struct bs_account *t, const char *username, enum bs_role to)
{
	struct bs_account me;
	int err;

	if (!by)
		return 0;
	if ((err = bs_account_get_id(dd->store, by->account_id, &me)) < 0)
		return err;
	if (strcmp(me.state, "active"))
		err = bs_error(BS_EDENIED, "account '%s' is %s: it cannot change accounts", me.username, me.state);
	else
		err = bs_account_may(me.role, t && t->id == me.id, op, t ? t->role : to, to);
	return err == BS_EDENIED ? refused(dd, err, op, username) : err;
}

/* The last active admin keeps its role and state: without one nobody could manage accounts
 * over the API, and the regulation's account review has nobody to do it. */
static int keeps_an_admin(struct bs_datadir *dd, const struct bs_account *a, enum bs_account_op op)
{
	sqlite3_stmt *st;
	int err, others = 0;

	if (a->role != BS_ROLE_ADMIN || strcmp(a->state, "active"))
		return 0;
	if ((err = bs_auth_query(dd->store, &st, "SELECT count(*) FROM account WHERE role = 'admin' AND state = "
				 "'active' AND id <> ?1", "i", a->id)) < 0)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		others = sqlite3_column_int(st, 0);
	else
		err = bs_store_fail(dd->store, "cannot count the admins");
	sqlite3_finalize(st);
	if (err < 0 || others > 0)
		return err;
	return bs_error(BS_ECONFLICT, "account '%s' is the last active admin: %s would leave nobody to manage "
			"accounts; make another admin first ('brokersec user add --role admin' on the server)",
			a->username, op == BS_OP_ROLE ? "changing its role" : op == BS_OP_DELETE ? "deleting it" :
			"disabling it");
}

int bs_account_create(struct bs_datadir *dd, const struct bs_account_new *nw, char generated[32])
{
	char hash[BS_PWHASH_MAX], data[128];
	struct bs_policy pol;
	const char *pw = nw->password;
	int64_t now = bs_clock_now();
	int err;

	if ((err = bs_username_check(nw->username)) < 0)
		return err;
	if (nw->full_name && strlen(nw->full_name) > 200)
		return bs_error(BS_EINVALID, "full name of '%s' is longer than 200 bytes", nw->username);
	if (nw->kind != BS_KIND_PERSONAL && nw->expires_us <= now)
		return bs_error(BS_EINVALID, "a %s account needs an expiry in the future (--expires DATE): "
				"A2.4.1.6.1 requires temporary and emergency accounts to expire",
				bs_account_kind_name(nw->kind));
	if ((err = bs_policy_load(dd->store, &pol)) < 0)
		return err;
	if (!pw) {
		bs_password_generate(generated);
		pw = generated;
	} else if ((err = bs_password_check(&pol, nw->username, pw)) < 0) {
		return err;
	}
	if ((err = bs_password_hash(pw, hash)) < 0)
		return err;
	if ((err = bs_store_begin(dd->store)) < 0)
		goto wipe;
	if ((err = bs_auth_actor_may(dd, nw->by, BS_OP_CREATE, NULL, nw->username, nw->role)) < 0)
		goto out;
	/* made over the API, its first password was seen by its creator: the second factor may
	 * then come only from the server's owner (totp_cli_only), or the creator could set it up */
	err = bs_auth_exec(dd->store, "cannot create the account",
			   "INSERT INTO account (username, full_name, role, kind, state, expires_us, pw_hash, "
			   "pw_changed_us, must_change, created_us, created_by, updated_us, totp_cli_only) "
			   "SELECT ?1, ?2, ?3, ?4, 'active', ?5, ?6, ?7, 1, ?7, ?8, ?7, ?9 "
			   "WHERE NOT EXISTS (SELECT 1 FROM account WHERE username = ?1)",
			   "ttttititi", nw->username, nw->full_name ? nw->full_name : "", bs_role_name(nw->role),
			   bs_account_kind_name(nw->kind), nw->expires_us, hash, now, dd->actor ? dd->actor : "",
			   (int64_t)(nw->by != NULL));
	if (err == 0)
		err = bs_error(BS_EEXISTS, "account '%s' exists already (deleted accounts are archived and their "
			       "names are never reused): choose another username", nw->username);
	if (err < 0)
		goto out;
	err = bs_auth_exec(dd->store, "cannot record the password history",
			   "INSERT INTO password_history (account_id, pw_hash, created_us) "
			   "SELECT id, pw_hash, ?2 FROM account WHERE username = ?1", "ti", nw->username, now);
	if (err < 0)
		goto out;
	account_data(data, sizeof(data), nw->username);
	err = bs_audit(dd, "account.create", "success", data, "created %s account '%s' with role %s",
		       bs_account_kind_name(nw->kind), nw->username, bs_role_name(nw->role));
out:
	err = bs_store_finish(dd->store, err);
wipe:
	sodium_memzero(hash, sizeof(hash));
	if (err < 0 && !nw->password)
		sodium_memzero(generated, 32);
	return err;
}

int bs_auth_end_sessions(struct bs_store *s, int64_t account_id, const char *keep)
{
	unsigned char h[BS_HASH32] = { 0 };
	int err;

	if (keep)
		bs_auth_hash_token(keep, h);
	err = bs_auth_exec(s, "cannot end the account's sessions", "DELETE FROM session WHERE account_id = ?1 AND "
			   "id_hash <> ?2", "ib", account_id, h);
	sodium_memzero(h, sizeof(h));
	return err;
}

/* sweep: the automatic disabling of expired and idle accounts (bs_account_sweep), which the
 * regulation requires even for the last admin (the CLI can enable it again). */
static int set_state(struct bs_datadir *dd, const struct bs_session_info *by, const char *username, const char *state,
		     const char *reason, int sweep)
{
	struct bs_account a;
	char data[128];
	int err, enable = !strcmp(state, "active"), del = !strcmp(state, "deleted");
	enum bs_account_op op = enable ? BS_OP_ENABLE : del ? BS_OP_DELETE : BS_OP_DISABLE;

	if (!enable && !del && strcmp(state, "disabled"))
		return bs_error(BS_EINVALID, "unknown account state '%s'", state);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_account_get(dd->store, username, &a)) < 0 ||
	    (err = bs_auth_actor_may(dd, by, op, &a, username, a.role)) < 0 || (err = not_deleted(&a, "change")) < 0)
		goto out;
	if (!strcmp(a.state, state)) {
		err = bs_error(BS_ECONFLICT, "account '%s' is already %s", username, state);
		goto out;
	}
	if (enable && a.kind != BS_KIND_PERSONAL && a.expires_us <= bs_clock_now()) {
		err = bs_error(BS_ECONFLICT, "account '%s' is a %s account that has expired: create a new account "
			       "with a new expiry instead", username, bs_account_kind_name(a.kind));
		goto out;
	}
	if (!enable && !sweep && (err = keeps_an_admin(dd, &a, op)) < 0)
		goto out;
	/* enabling restarts the idle clock (updated_us) and clears the failure count */
	err = bs_auth_exec(dd->store, "cannot change the account",
			   "UPDATE account SET state = ?2, disabled_reason = ?3, updated_us = ?4, failures = 0, "
			   "locked_until_us = 0 WHERE id = ?1", "itti", a.id, state,
			   !enable ? (reason ? reason : "disabled by an administrator") : "", bs_clock_now());
	if (err >= 0 && !enable)
		err = kill_sessions(dd->store, a.id);
	if (err >= 0 && !enable)
		err = bs_auth_exec(dd->store, "cannot revoke the account's tokens",
				   "UPDATE api_token SET revoked = 1 WHERE account_id = ?1", "i", a.id);
	if (err < 0)
		goto out;
	account_data(data, sizeof(data), username);
	err = bs_audit(dd, enable ? "account.enable" : del ? "account.delete" : "account.disable", "success", data,
		       "account '%s' %s%s%s", username, enable ? "enabled" : del ? "deleted (archived)" : "disabled",
		       reason ? ": " : "", reason ? reason : "");
out:
	return bs_store_finish(dd->store, err);
}

int bs_account_set_state(struct bs_datadir *dd, const struct bs_session_info *by, const char *username,
			 const char *state, const char *reason)
{
	return set_state(dd, by, username, state, reason, 0);
}

int bs_account_set_role(struct bs_datadir *dd, const struct bs_session_info *by, const char *username,
			enum bs_role role)
{
	struct bs_account a;
	char data[160];
	int err;

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_account_get(dd->store, username, &a)) < 0 ||
	    (err = bs_auth_actor_may(dd, by, BS_OP_ROLE, &a, username, role)) < 0 ||
	    (err = not_deleted(&a, "be given a role")) < 0)
		goto out;
	if (a.role == role) {
		err = bs_error(BS_ECONFLICT, "account '%s' has role %s already", username, bs_role_name(role));
		goto out;
	}
	if (role != BS_ROLE_ADMIN && (err = keeps_an_admin(dd, &a, BS_OP_ROLE)) < 0)
		goto out;
	/* a privilege change ends every session: the person signs in again under the new role */
	if ((err = bs_auth_exec(dd->store, "cannot change the role", "UPDATE account SET role = ?2, updated_us = ?3 "
				"WHERE id = ?1", "iti", a.id, bs_role_name(role), bs_clock_now())) < 0 ||
	    (err = kill_sessions(dd->store, a.id)) < 0)
		goto out;
	snprintf(data, sizeof(data), "{\"account\":\"%s\",\"from\":\"%s\",\"to\":\"%s\"}", username,
		 bs_role_name(a.role), bs_role_name(role));
	err = bs_audit(dd, "account.role", "success", data, "role of '%s' changed from %s to %s", username,
		       bs_role_name(a.role), bs_role_name(role));
out:
	return bs_store_finish(dd->store, err);
}

int bs_account_unlock(struct bs_datadir *dd, const struct bs_session_info *by, const char *username)
{
	struct bs_account a;
	char data[128];
	int err;

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_account_get(dd->store, username, &a)) < 0 ||
	    (err = bs_auth_actor_may(dd, by, BS_OP_UNLOCK, &a, username, a.role)) < 0 ||
	    (err = not_deleted(&a, "be unlocked")) < 0 ||
	    (err = bs_auth_exec(dd->store, "cannot unlock the account",
				"UPDATE account SET failures = 0, locked_until_us = 0 WHERE id = ?1", "i", a.id)) < 0)
		goto out;
	account_data(data, sizeof(data), username);
	err = bs_audit(dd, "account.unlock", "success", data, "account '%s' unlocked (was %s)", username,
		       a.locked_until_us > bs_clock_now() ? "locked" : "not locked");
out:
	return bs_store_finish(dd->store, err);
}

static int check_access(const char *networks, const char *hours, int max_sessions)
{
	int err;
	if (networks && (err = bs_networks_allow(networks, NULL)) < 0)
		return err;
	if (hours && (err = bs_windows_check(hours)) < 0)
		return err;
	if (max_sessions > 1000)
		return bs_error(BS_EINVALID, "maximum sessions %d is too large: use 0 (no limit) to 1000", max_sessions);
	if ((networks && strlen(networks) >= 512) || (hours && strlen(hours) >= 256))
		return bs_error(BS_EINVALID, "remote-access rule too long: at most 511 bytes of networks and 255 of hours");
	return 0;
}

int bs_account_set_access(struct bs_datadir *dd, const struct bs_session_info *by, const char *username,
			  const char *networks, const char *hours, int max_sessions)
{
	struct bs_account a;
	char data[128];
	int err;

	if ((err = check_access(networks, hours, max_sessions)) < 0)
		return err;
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_account_get(dd->store, username, &a)) < 0 ||
	    (err = bs_auth_actor_may(dd, by, BS_OP_ACCESS, &a, username, a.role)) < 0 ||
	    (err = not_deleted(&a, "change")) < 0)
		goto out;
	if ((err = bs_auth_exec(dd->store, "cannot change the remote-access rule",
				"UPDATE account SET networks = ?2, hours = ?3, max_sessions = ?4, updated_us = ?5 "
				"WHERE id = ?1", "ittii", a.id, networks ? networks : a.networks, hours ? hours : a.hours,
				(int64_t)(max_sessions >= 0 ? max_sessions : a.max_sessions), bs_clock_now())) < 0)
		goto out;
	account_data(data, sizeof(data), username);
	err = bs_audit(dd, "account.access", "success", data,
		       "remote access of '%s': networks '%s', hours '%s', max sessions %d", username,
		       networks ? networks : a.networks, hours ? hours : a.hours,
		       max_sessions >= 0 ? max_sessions : a.max_sessions);
out:
	return bs_store_finish(dd->store, err);
}

int bs_role_set_access(struct bs_datadir *dd, enum bs_role role, const char *networks, const char *hours,
		       int max_sessions)
{
	char cur_n[512], cur_h[256];
	int cur_m, err;

	if ((err = check_access(networks, hours, max_sessions)) < 0)
		return err;
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_role_get_access(dd->store, role, cur_n, cur_h, &cur_m)) < 0)
		goto out;
	if ((err = bs_auth_exec(dd->store, "cannot change the remote-access rule",
				"INSERT INTO role_access (role, networks, hours, max_sessions) VALUES (?1, ?2, ?3, ?4) "
				"ON CONFLICT (role) DO UPDATE SET networks = ?2, hours = ?3, max_sessions = ?4",
				"ttti", bs_role_name(role), networks ? networks : cur_n, hours ? hours : cur_h,
				(int64_t)(max_sessions >= 0 ? max_sessions : cur_m))) < 0)
		goto out;
	err = bs_audit(dd, "role.access", "success", NULL, "remote access of role %s: networks '%s', hours '%s', "
		       "max sessions %d", bs_role_name(role), networks ? networks : cur_n, hours ? hours : cur_h,
		       max_sessions >= 0 ? max_sessions : cur_m);
out:
	return bs_store_finish(dd->store, err);
}

int bs_role_get_access(struct bs_store *s, enum bs_role role, char networks[512], char hours[256], int *max_sessions)
{
	sqlite3_stmt *st;
	int err, rc;

	networks[0] = hours[0] = '\0';
	*max_sessions = 0;
	if ((err = bs_auth_query(s, &st, "SELECT networks, hours, max_sessions FROM role_access WHERE role = ?1", "t",
				 bs_role_name(role))) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		copy(networks, 512, bs_store_text(st, 0));
		copy(hours, 256, bs_store_text(st, 1));
		*max_sessions = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bs_store_fail(s, "cannot read the remote-access rules");
	return 0;
}

int bs_account_sweep(struct bs_datadir *dd, int *n)
{
	struct bs_account *v = NULL;
	struct bs_policy pol;
	size_t count = 0;
	int64_t now = bs_clock_now();
	int err;

	*n = 0;
	if ((err = bs_policy_load(dd->store, &pol)) < 0 || (err = bs_account_list(dd->store, 0, &v, &count)) < 0)
		return err;
	for (size_t i = 0; i < count && err >= 0; i++) {
		const struct bs_account *a = &v[i];
		int64_t active = a->last_login_us > a->updated_us ? a->last_login_us : a->updated_us;
		char reason[128];
		if (strcmp(a->state, "active"))
			continue;
		if (a->kind != BS_KIND_PERSONAL && a->expires_us && a->expires_us <= now)
			snprintf(reason, sizeof(reason), "%s account expired", bs_account_kind_name(a->kind));
		else if (a->expires_us && a->expires_us <= now)
			snprintf(reason, sizeof(reason), "account expired");
		else if (now - active > pol.v[BS_POL_ACCOUNT_IDLE_DAYS] * DAY_US)
			snprintf(reason, sizeof(reason), "unused for more than %lld days",
				 (long long)pol.v[BS_POL_ACCOUNT_IDLE_DAYS]);
		else
			continue;
		if ((err = set_state(dd, NULL, a->username, "disabled", reason, 1)) >= 0)
			(*n)++;
	}
	free(v);
	return err < 0 ? err : 0;
}
