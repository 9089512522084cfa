/* account.c - the account store: lifecycle, passwords, history, reset tokens, review,
 * policy changes. Each change is recorded with bs_audit() before it commits (fail closed). */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"
#include "core/clock.h"
#include "eventlog/eventlog.h"
#include "keys/keys.h"

#define DAY_US (86400LL * 1000000)
#define MIN_US (60LL * 1000000)

/* ---- small SQL helpers shared by the store files ---- */

void bs_auth_bind(sqlite3_stmt *st, const char *fmt, va_list ap)
{
	for (int i = 0; fmt[i]; i++) {
		switch (fmt[i]) {
		case 't':
			sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
			break;
		case 'i':
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'b':
			sqlite3_bind_blob(st, i + 1, va_arg(ap, const unsigned char *), BS_HASH32, SQLITE_TRANSIENT);
			break;
		default:
			sqlite3_bind_null(st, i + 1);
		}
	}
}

int bs_auth_exec(struct bs_store *s, const char *what, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int err;

	if ((err = bs_store_prepare(s, sql, &st)) < 0)
		return err;
	va_start(ap, fmt);
	bs_auth_bind(st, fmt, ap);
	va_end(ap);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(s, what);
		sqlite3_finalize(st);
		return err;
	}
	sqlite3_finalize(st);
	return sqlite3_changes(bs_store_sqlite(s));
}

int bs_auth_query(struct bs_store *s, sqlite3_stmt **out, const char *sql, const char *fmt, ...)
{
	va_list ap;
	int err;

	if ((err = bs_store_prepare(s, sql, out)) < 0)
		return err;
	va_start(ap, fmt);
	bs_auth_bind(*out, fmt, ap);
	va_end(ap);
	return 0;
}

void bs_auth_hash_token(const char *token, unsigned char out[BS_HASH32])
{
	crypto_generichash(out, BS_HASH32, (const unsigned char *)token, strlen(token), NULL, 0);
}

void bs_auth_random_hex(char out[65])
{
	unsigned char r[32];
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, 65, r, sizeof(r));
	sodium_memzero(r, sizeof(r));
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

void bs_auth_row(sqlite3_stmt *st, struct bs_account *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	copy(a->username, sizeof(a->username), bs_store_text(st, 1));
	copy(a->full_name, sizeof(a->full_name), bs_store_text(st, 2));
	if (bs_role_parse(bs_store_text(st, 3), &a->role) < 0)
		a->role = BS_ROLE_EMPLOYEE; /* CHECK constraint makes this unreachable */
	const char *k = bs_store_text(st, 4);
	a->kind = !strcmp(k, "temporary") ? BS_KIND_TEMPORARY : !strcmp(k, "emergency") ? BS_KIND_EMERGENCY
											: BS_KIND_PERSONAL;
	copy(a->state, sizeof(a->state), bs_store_text(st, 5));
	copy(a->disabled_reason, sizeof(a->disabled_reason), bs_store_text(st, 6));
	a->expires_us = sqlite3_column_int64(st, 7);
	a->pw_changed_us = sqlite3_column_int64(st, 8);
	a->must_change = sqlite3_column_int(st, 9);
	a->failures = sqlite3_column_int(st, 10);
	a->locked_until_us = sqlite3_column_int64(st, 11);
	a->totp_enrolled = sqlite3_column_int(st, 12);
	a->last_login_us = sqlite3_column_int64(st, 13);
	a->created_us = sqlite3_column_int64(st, 14);
	copy(a->created_by, sizeof(a->created_by), bs_store_text(st, 15));
	copy(a->networks, sizeof(a->networks), bs_store_text(st, 16));
	copy(a->hours, sizeof(a->hours), bs_store_text(st, 17));
	a->max_sessions = sqlite3_column_int(st, 18);
	a->updated_us = sqlite3_column_int64(st, 19);
	a->totp_cli_only = sqlite3_column_int(st, 20);
}

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

/* Ends a transaction: commit when err is 0, else roll back; returns err or the commit's. */
static int finish(struct bs_store *s, int err)
{
	if (err >= 0)
		err = bs_store_commit(s);
	if (err < 0)
		bs_store_rollback(s);
	return err < 0 ? err : 0;
}

static void account_data(char *buf, size_t n, const char *username)
{
	/* usernames are [a-z0-9._-] only (bs_username_check), so no JSON escaping is needed */
	snprintf(buf, n, "{\"account\":\"%s\"}", username);
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
static int actor_may(struct bs_datadir *dd, const struct bs_session_info *by, enum bs_account_op op,
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

static int not_deleted(const struct bs_account *a, const char *what)
{
	if (strcmp(a->state, "deleted"))
		return 0;
	return bs_error(BS_ECONFLICT, "account '%s' is deleted (archived): it cannot %s any more; create a new "
			"account with another name instead", a->username, what);
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
	if ((err = actor_may(dd, nw->by, BS_OP_CREATE, NULL, nw->username, nw->role)) < 0)
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
	err = finish(dd->store, err);
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

static int kill_sessions(struct bs_store *s, int64_t account_id)
{
	return bs_auth_end_sessions(s, account_id, NULL);
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
	    (err = actor_may(dd, by, op, &a, username, a.role)) < 0 || (err = not_deleted(&a, "change")) < 0)
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
	return finish(dd->store, err);
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
	    (err = actor_may(dd, by, BS_OP_ROLE, &a, username, role)) < 0 ||
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
	return finish(dd->store, err);
}

int bs_account_unlock(struct bs_datadir *dd, const struct bs_session_info *by, const char *username)
{
	struct bs_account a;
	char data[128];
	int err;

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_account_get(dd->store, username, &a)) < 0 ||
	    (err = actor_may(dd, by, BS_OP_UNLOCK, &a, username, a.role)) < 0 ||
	    (err = not_deleted(&a, "be unlocked")) < 0 ||
	    (err = bs_auth_exec(dd->store, "cannot unlock the account",
				"UPDATE account SET failures = 0, locked_until_us = 0 WHERE id = ?1", "i", a.id)) < 0)
		goto out;
	account_data(data, sizeof(data), username);
	err = bs_audit(dd, "account.unlock", "success", data, "account '%s' unlocked (was %s)", username,
		       a.locked_until_us > bs_clock_now() ? "locked" : "not locked");
out:
	return finish(dd->store, err);
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
	    (err = actor_may(dd, by, BS_OP_ACCESS, &a, username, a.role)) < 0 ||
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
	return finish(dd->store, err);
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
	return finish(dd->store, err);
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

/* A seed is sealed under keys/secrets.key for its account (see bs_keys_seal_secret). */
static void totp_ad(char *ad, size_t cap, int64_t id)
{
	snprintf(ad, cap, "brokersec.totp.v1:%" PRId64, id);
}

int bs_auth_totp_secret(struct bs_datadir *dd, int64_t id, const void *blob, int len,
			unsigned char key[BS_TOTP_SECRET_BYTES])
{
	char ad[64], *keysdir;
	int err;

	if (len != BS_TOTP_SECRET_BYTES + BS_SECRET_SEAL_BYTES)
		return bs_error(BS_ERR, "the stored TOTP secret of account %" PRId64 " is damaged (%d bytes): issue a "
				"new one with 'brokersec user totp NAME'", id, len);
	totp_ad(ad, sizeof(ad), id);
	keysdir = bs_datadir_file(dd, "keys");
	err = bs_keys_open_secret(keysdir, ad, blob, (size_t)len, key);
	free(keysdir);
	return err;
}

int bs_auth_count_failure(struct bs_datadir *dd, const struct bs_policy *pol, const struct bs_account *a,
			  int64_t now, int *locked)
{
	char data[128];
	int64_t failures = a->failures + 1, until = 0;
	int err;

	*locked = 0;
	if (strcmp(a->state, "active") || a->locked_until_us > now)
		return 0;
	if (failures >= pol->v[BS_POL_LOCKOUT_THRESHOLD]) {
		until = now + pol->v[BS_POL_LOCKOUT_MINUTES] * MIN_US;
		failures = 0;
	}
	if ((err = bs_auth_exec(dd->store, "cannot count the failed password", "UPDATE account SET failures = ?2, "
				"locked_until_us = ?3 WHERE id = ?1", "iii", a->id, failures, until)) < 0 ||
	    !until)
		return err < 0 ? err : 0;
	*locked = 1;
	account_data(data, sizeof(data), a->username);
	return bs_audit(dd, "auth.lockout", "success", data, "account '%s' locked for %lld minutes after %lld failed "
			"sign-ins or password checks", a->username, (long long)pol->v[BS_POL_LOCKOUT_MINUTES],
			(long long)pol->v[BS_POL_LOCKOUT_THRESHOLD]);
}

/* Self-service re-authentication before a change only the owner may make (the password,
 * the second factor): an open session is not proof enough, it may be unattended or stolen.
 * A locked account is refused; a wrong password counts toward the lockout exactly like a
 * failed sign-in (committed although the change is refused) and, once that locks the
 * account, ends all its sessions, the guessing one included. what: "password change". */
static int reauth(struct bs_datadir *dd, const struct bs_account *a0, const char *password, const char *what)
{
	struct bs_policy pol;
	struct bs_account a;
	sqlite3_stmt *st;
	char data[128];
	const char *src = dd->source ? dd->source : "cli";
	int64_t now = bs_clock_now();
	int err, m, locked = 0;

	if ((err = bs_policy_load(dd->store, &pol)) < 0)
		return err;
	account_data(data, sizeof(data), a0->username);
	if (a0->locked_until_us > now) {
		if ((err = bs_audit(dd, "auth.reauth", "failure", data, "%s of '%s' refused from %s: account locked",
				    what, a0->username, src)) < 0)
			return err;
		return bs_error(BS_EDENIED, "account '%s' is locked after too many wrong passwords: try again in %lld "
				"minute(s) or ask an administrator to unlock it", a0->username,
				(long long)((a0->locked_until_us - now + MIN_US - 1) / MIN_US));
	}
	if ((err = bs_auth_query(dd->store, &st, "SELECT pw_hash FROM account WHERE id = ?1", "i", a0->id)) < 0)
		return err;
	m = sqlite3_step(st) == SQLITE_ROW ? bs_password_verify(bs_store_text(st, 0), password) : 0;
	sqlite3_finalize(st);
	if (m != 0)
		return m < 0 ? m : 0;
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	/* re-read inside the transaction: a concurrent request may have counted meanwhile */
	if ((err = bs_account_get_id(dd->store, a0->id, &a)) < 0 ||
	    (err = bs_auth_count_failure(dd, &pol, &a, now, &locked)) < 0 ||
	    (locked && (err = kill_sessions(dd->store, a.id)) < 0))
		goto out;
	err = bs_audit(dd, "auth.reauth", "failure", data, "%s of '%s' refused from %s: wrong password%s", what,
		       a.username, src, locked ? "; account locked, its sessions ended" : "");
out:
	if ((err = finish(dd->store, err)) < 0)
		return err;
	if (locked)
		return bs_error(BS_EDENIED, "the password is wrong: account '%s' is now locked for %lld minutes "
				"after %lld wrong passwords in a row, and signed out everywhere", a.username,
				(long long)pol.v[BS_POL_LOCKOUT_MINUTES], (long long)pol.v[BS_POL_LOCKOUT_THRESHOLD]);
	return bs_error(BS_EDENIED, "the current password is wrong: type it again (after %lld wrong passwords in a "
			"row the account locks for %lld minutes)", (long long)pol.v[BS_POL_LOCKOUT_THRESHOLD],
			(long long)pol.v[BS_POL_LOCKOUT_MINUTES]);
}

int bs_account_totp_enroll(struct bs_datadir *dd, const struct bs_session_info *by, const char *username,
			   const char *password, unsigned char secret[BS_TOTP_SECRET_BYTES])
{
	struct bs_account a;
	sqlite3_stmt *st = NULL;
	unsigned char sealed[BS_TOTP_SECRET_BYTES + BS_SECRET_SEAL_BYTES];
	char data[128], ad[64], *keysdir;
	int err;

	if ((err = bs_account_get(dd->store, username, &a)) < 0 || (err = not_deleted(&a, "get a second factor")) < 0)
		return err;
	if (by) {
		/* self-service only: another account's factor comes from the server's owner */
		if (by->account_id != a.id)
			return bs_error(BS_EDENIED, "a second factor is set up only by its own account: sign in as '%s'",
					username);
		if (a.totp_enrolled)
			return bs_error(BS_ECONFLICT, "a second factor is set up already: the server's administrator can "
					"issue a new one with 'brokersec user totp %s'", username);
		/* someone else knew this password (a reset token was used, or an admin made the
		 * account): whoever set it up now could keep the factor, so it comes out of band */
		if (a.totp_cli_only)
			return bs_error(BS_EDENIED, "the second factor of '%s' must come from the server's administrator: "
					"ask for 'brokersec user totp %s' on the server (its password was known to "
					"someone else: a reset or a new account)", username, username);
		if (!password)
			return bs_error(BS_EINVALID, "setting up a second factor needs the account's password again");
		if ((err = reauth(dd, &a, password, "TOTP set-up")) < 0)
			return err;
	}
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	randombytes_buf(secret, BS_TOTP_SECRET_BYTES);
	/* re-read inside the transaction: the checks above must still hold */
	if ((err = bs_account_get_id(dd->store, a.id, &a)) < 0 || (err = not_deleted(&a, "get a second factor")) < 0)
		goto out;
	if (by && (a.totp_enrolled || a.totp_cli_only)) {
		err = bs_error(BS_ECONFLICT, "the second factor of '%s' changed meanwhile: reload and try again",
			       username);
		goto out;
	}
	totp_ad(ad, sizeof(ad), a.id);
	keysdir = bs_datadir_file(dd, "keys");
	err = bs_keys_seal_secret(keysdir, ad, secret, BS_TOTP_SECRET_BYTES, sealed);
	free(keysdir);
	if (err < 0)
		goto out;
	/* a seed from the CLI can be replaced only from the CLI until it is confirmed */
	if ((err = bs_store_prepare(dd->store, "UPDATE account SET totp_secret = ?2, totp_last_step = 0, "
				    "totp_cli_only = CASE WHEN ?3 THEN 1 ELSE totp_cli_only END WHERE id = ?1", &st)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, a.id);
	sqlite3_bind_blob(st, 2, sealed, sizeof(sealed), SQLITE_STATIC);
	sqlite3_bind_int(st, 3, by == NULL);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot store the TOTP secret");
		goto out;
	}
	account_data(data, sizeof(data), username);
	err = bs_audit(dd, "account.totp_enroll", "success", data, "new TOTP secret issued for '%s' %s", username,
		       by ? "by its owner (confirmed with a code next)"
			  : "on the server (confirmed by the next sign-in or a code)");
out:
	sqlite3_finalize(st);
	sodium_memzero(sealed, sizeof(sealed));
	err = finish(dd->store, err);
	if (err < 0)
		sodium_memzero(secret, BS_TOTP_SECRET_BYTES);
	return err;
}

int bs_account_totp_confirm(struct bs_datadir *dd, const char *username, const char *code)
{
	struct bs_account a;
	unsigned char key[BS_TOTP_SECRET_BYTES];
	sqlite3_stmt *st = NULL;
	char data[128];
	int err, len = 0;
	int64_t last = 0, step;

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_account_get(dd->store, username, &a)) < 0 ||
	    (err = bs_auth_query(dd->store, &st, "SELECT totp_secret, totp_last_step FROM account WHERE id = ?1", "i",
				 a.id)) < 0)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		len = sqlite3_column_bytes(st, 0);
		if (len > 0 && (err = bs_auth_totp_secret(dd, a.id, sqlite3_column_blob(st, 0), len, key)) < 0) {
			sqlite3_finalize(st);
			goto out;
		}
		last = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (!len) {
		err = bs_error(BS_EDENIED, "no TOTP secret is enrolled for '%s': request one first", username);
		goto out;
	}
	len = BS_TOTP_SECRET_BYTES;
	step = bs_totp_check(key, (size_t)len, bs_clock_now() / 1000000, code, last);
	if (!step) {
		err = bs_error(BS_EDENIED, "the TOTP code is wrong or was used already: type the current code from "
			       "the authenticator app");
		goto out;
	}
	if ((err = bs_auth_exec(dd->store, "cannot confirm TOTP", "UPDATE account SET totp_last_step = ?2, "
				"totp_cli_only = 0 WHERE id = ?1", "ii", a.id, step)) < 0)
		goto out;
	account_data(data, sizeof(data), username);
	err = bs_audit(dd, "account.totp_confirm", "success", data, "TOTP confirmed for '%s'", username);
out:
	sodium_memzero(key, sizeof(key));
	return finish(dd->store, err);
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

/* Checks new_pw against the most recent `history` password hashes of the account. */
static int check_history(struct bs_store *s, int64_t account_id, int64_t history, const char *new_pw)
{
	sqlite3_stmt *st;
	int err, rc, reused = 0;

	if ((err = bs_auth_query(s, &st, "SELECT pw_hash FROM password_history WHERE account_id = ?1 "
				 "ORDER BY created_us DESC, id DESC LIMIT ?2", "ii", account_id, history)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !reused) {
		int m = bs_password_verify(bs_store_text(st, 0), new_pw);
		if (m < 0) {
			sqlite3_finalize(st);
			return m;
		}
		reused = m;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bs_store_fail(s, "cannot read the password history");
	if (reused)
		return bs_error(BS_EINVALID, "the new password was used recently: it must differ from the last %lld "
				"passwords (A2.5.4.2.5)", (long long)history);
	return 0;
}

/* Sets the new password inside the caller's transaction. Reset tokens not used yet stop
 * working: they were issued for the password that is now gone. */
static int store_password(struct bs_datadir *dd, const struct bs_account *a, const char *hash, int64_t now)
{
	int err;
	if ((err = bs_auth_exec(dd->store, "cannot void the reset tokens", "UPDATE reset_token SET used_us = ?2 "
				"WHERE account_id = ?1 AND used_us = 0", "ii", a->id, now)) < 0 ||
	    (err = bs_auth_exec(dd->store, "cannot change the password",
				"UPDATE account SET pw_hash = ?2, pw_changed_us = ?3, must_change = 0, failures = 0, "
				"locked_until_us = 0 WHERE id = ?1", "iti", a->id, hash, now)) < 0 ||
	    (err = bs_auth_exec(dd->store, "cannot record the password history",
				"INSERT INTO password_history (account_id, pw_hash, created_us) VALUES (?1, ?2, ?3)",
				"iti", a->id, hash, now)) < 0)
		return err;
	/* keep only what the strictest allowed history needs */
	return bs_auth_exec(dd->store, "cannot trim the password history",
			    "DELETE FROM password_history WHERE account_id = ?1 AND id NOT IN (SELECT id FROM "
			    "password_history WHERE account_id = ?1 ORDER BY created_us DESC, id DESC LIMIT 24)",
			    "i", a->id);
}

int bs_account_change_password(struct bs_datadir *dd, const char *username, const char *current,
			       const char *new_pw, const char *keep_session)
{
	struct bs_account a;
	struct bs_policy pol;
	char hash[BS_PWHASH_MAX], data[128];
	int64_t now = bs_clock_now();
	int err;

	if ((err = bs_policy_load(dd->store, &pol)) < 0 || (err = bs_account_get(dd->store, username, &a)) < 0)
		return err;
	if (strcmp(a.state, "active"))
		return bs_error(BS_EDENIED, "account '%s' is %s: ask an administrator", username, a.state);
	if (current) {
		if ((err = reauth(dd, &a, current, "password change")) < 0)
			return err;
		if (!a.must_change && now - a.pw_changed_us < pol.v[BS_POL_MIN_AGE_DAYS] * DAY_US)
			return bs_error(BS_EDENIED, "the password was changed less than %lld day(s) ago (minimum age, "
					"A2.5.4.2.4): try again later or ask an administrator for a reset",
					(long long)pol.v[BS_POL_MIN_AGE_DAYS]);
		if (!strcmp(current, new_pw))
			return bs_error(BS_EINVALID, "the new password is the same as the current one: choose another");
	}
	if ((err = bs_password_check(&pol, username, new_pw)) < 0 ||
	    (err = check_history(dd->store, a.id, pol.v[BS_POL_HISTORY], new_pw)) < 0 ||
	    (err = bs_password_hash(new_pw, hash)) < 0)
		return err;
	if ((err = bs_store_begin(dd->store)) < 0)
		goto wipe;
	/* whoever else held a session of this account (a left-open browser, a stolen cookie)
	 * is out; the caller's own session is rotated by the caller */
	if ((err = store_password(dd, &a, hash, now)) < 0 ||
	    (err = bs_auth_end_sessions(dd->store, a.id, keep_session)) < 0)
		goto out;
	account_data(data, sizeof(data), username);
	err = bs_audit(dd, "account.password", "success", data, "password of '%s' changed%s; its other sessions "
		       "ended", username, current ? " by its owner" : " by an administrator");
out:
	err = finish(dd->store, err);
wipe:
	sodium_memzero(hash, sizeof(hash));
	return err;
}

int bs_reset_issue(struct bs_datadir *dd, const struct bs_session_info *by, const char *username, char token[65])
{
	struct bs_account a;
	struct bs_policy pol;
	unsigned char h[BS_HASH32];
	char data[128];
	int64_t now = bs_clock_now();
	int err;

	if ((err = bs_policy_load(dd->store, &pol)) < 0)
		return err;
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_account_get(dd->store, username, &a)) < 0 ||
	    (err = actor_may(dd, by, BS_OP_RESET, &a, username, a.role)) < 0)
		goto out;
	if (strcmp(a.state, "active")) {
		err = bs_error(BS_ECONFLICT, "account '%s' is %s: enable it before issuing a reset", username, a.state);
		goto out;
	}
	bs_auth_random_hex(token);
	bs_auth_hash_token(token, h);
	/* a new token voids any earlier unused one */
	if ((err = bs_auth_exec(dd->store, "cannot void earlier reset tokens",
				"UPDATE reset_token SET used_us = ?2 WHERE account_id = ?1 AND used_us = 0", "ii", a.id,
				now)) < 0 ||
	    (err = bs_auth_exec(dd->store, "cannot store the reset token",
				"INSERT INTO reset_token (token_hash, account_id, created_us, created_by, expires_us) "
				"VALUES (?1, ?2, ?3, ?4, ?5)", "biiti", h, a.id, now, dd->actor ? dd->actor : "",
				now + pol.v[BS_POL_RESET_MINUTES] * MIN_US)) < 0 ||
	    (err = bs_auth_exec(dd->store, "cannot require a password change",
				"UPDATE account SET must_change = 1 WHERE id = ?1", "i", a.id)) < 0)
		goto out;
	account_data(data, sizeof(data), username);
	err = bs_audit(dd, "account.reset", "success", data, "one-time reset token issued for '%s' after "
		       "re-identification, valid %lld minutes", username, (long long)pol.v[BS_POL_RESET_MINUTES]);
out:
	sodium_memzero(h, sizeof(h));
	err = finish(dd->store, err);
	if (err < 0)
		sodium_memzero(token, 65);
	return err;
}

int bs_reset_use(struct bs_datadir *dd, const char *token, const char *new_pw)
{
	unsigned char h[BS_HASH32];
	struct bs_account a;
	struct bs_policy pol;
	sqlite3_stmt *st = NULL;
	char hash[BS_PWHASH_MAX], data[128];
	int64_t now = bs_clock_now(), account_id = 0;
	int err, rc;

	if (strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64)
		return bs_error(BS_EDENIED, "the reset token is invalid, used or expired: ask an administrator or "
				"the security officer for a new one");
	bs_auth_hash_token(token, h);
	if ((err = bs_auth_query(dd->store, &st, "SELECT account_id FROM reset_token WHERE token_hash = ?1 AND "
				 "used_us = 0 AND expires_us > ?2", "bi", h, now)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		account_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return bs_error(BS_EDENIED, "the reset token is invalid, used or expired: ask an administrator or "
				"the security officer for a new one");
	if ((err = bs_policy_load(dd->store, &pol)) < 0 || (err = bs_account_get_id(dd->store, account_id, &a)) < 0)
		return err;
	if (strcmp(a.state, "active"))
		return bs_error(BS_EDENIED, "account '%s' is %s: the reset token no longer applies; ask an "
				"administrator", a.username, a.state);
	if ((err = bs_password_check(&pol, a.username, new_pw)) < 0 ||
	    (err = check_history(dd->store, a.id, pol.v[BS_POL_HISTORY], new_pw)) < 0 ||
	    (err = bs_password_hash(new_pw, hash)) < 0)
		return err;
	if ((err = bs_store_begin(dd->store)) < 0)
		goto wipe;
	/* used once: the UPDATE wins only if nobody used the token meanwhile */
	err = bs_auth_exec(dd->store, "cannot use the reset token", "UPDATE reset_token SET used_us = ?2 WHERE "
			   "token_hash = ?1 AND used_us = 0 AND expires_us > ?2", "bi", h, now);
	if (err == 0)
		err = bs_error(BS_EDENIED, "the reset token is invalid, used or expired: ask for a new one");
	if (err < 0 || (err = store_password(dd, &a, hash, now)) < 0 || (err = kill_sessions(dd->store, a.id)) < 0)
		goto out;
	/* whoever issued or intercepted the token may be the one using it: a confirmed second
	 * factor stays required, and without one the factor may now come only from the server's
	 * owner (an unconfirmed seed is dropped: its holder is unknown) */
	if (!a.totp_enrolled &&
	    (err = bs_auth_exec(dd->store, "cannot bind the second factor", "UPDATE account SET totp_cli_only = 1, "
				"totp_secret = NULL, totp_last_step = 0 WHERE id = ?1 AND NOT (totp_secret IS NOT NULL "
				"AND totp_last_step > 0)", "i", a.id)) < 0)
		goto out;
	account_data(data, sizeof(data), a.username);
	err = bs_audit(dd, "account.password", "success", data, "password of '%s' set with a one-time reset token%s",
		       a.username, a.totp_enrolled ? "" : "; its second factor may now come only from the server");
out:
	err = finish(dd->store, err);
wipe:
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(h, sizeof(h));
	return err;
}

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
	if ((err = finish(dd->store, err)) < 0)
		goto fail;
	*out = rows;
	*n = count;
	return 0;
fail:
	free(rows);
	return err;
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
	if ((err = bs_audit(dd, "policy.set", "success", NULL, "%s changed from %lld to %lld", bs_policy_info(key)->key,
			    (long long)old, (long long)value)) < 0)
		goto done;
	err = bs_store_commit(dd->store);
done:
	sqlite3_finalize(st);
	if (err < 0)
		bs_store_rollback(dd->store);
	return err;
}
