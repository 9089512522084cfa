/* session.c - sign-in, lockout, remote-access enforcement, sessions, CSRF and API tokens. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth_int.h"
#include "core/clock.h"
#include "keys/keys.h"

#define MIN_US (60LL * 1000000)
#define HOUR_US (3600LL * 1000000)
#define DAY_US (86400LL * 1000000)

/* Why the remote-access rules refuse this sign-in or session, "" when they allow it. */
static int access_refusal(struct bs_store *s, const struct bs_account *a, const char *source, int64_t now,
			  int counting, const char *except_id, char why[160])
{
	char rn[512], rh[256];
	int rmax, err, r;

	why[0] = '\0';
	if ((err = bs_role_get_access(s, a->role, rn, rh, &rmax)) < 0)
		return err;
	if ((r = bs_networks_allow(rn, source)) <= 0 || (r = bs_networks_allow(a->networks, source)) <= 0) {
		if (r < 0)
			return r;
		snprintf(why, 160, "access from %.60s is not allowed for this account (remote-access rule)", source);
		return 0;
	}
	if ((r = bs_windows_allow(rh, now)) <= 0 || (r = bs_windows_allow(a->hours, now)) <= 0) {
		if (r < 0)
			return r;
		snprintf(why, 160, "access is not allowed at this time for this account (allowed hours, Asia/Taipei)");
		return 0;
	}
	if (counting) {
		int max = a->max_sessions && (!rmax || a->max_sessions < rmax) ? a->max_sessions : rmax;
		if (max) {
			sqlite3_stmt *st;
			unsigned char h[BS_HASH32] = { 0 };
			int n = 0;
			if (except_id)
				bs_auth_hash_token(except_id, h);
			if ((err = bs_auth_query(s, &st, "SELECT count(*) FROM session WHERE account_id = ?1 AND "
						 "id_hash <> ?2", "ib", a->id, h)) < 0)
				return err;
			if (sqlite3_step(st) == SQLITE_ROW)
				n = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
			if (n >= max) {
				snprintf(why, 160, "this account has %d open sessions, the most allowed: sign out "
					 "elsewhere first", n);
				return 0;
			}
		}
	}
	return 0;
}

static void purge_expired(struct bs_store *s, const struct bs_policy *pol, int64_t now)
{
	(void)bs_auth_exec(s, "cannot purge sessions", "DELETE FROM session WHERE last_us <= ?1 OR created_us <= ?2",
			   "ii", now - pol->v[BS_POL_IDLE_MINUTES] * MIN_US, now - pol->v[BS_POL_ABSOLUTE_HOURS] * HOUR_US);
}

/* Creates a session row for a, inside the caller's transaction; fills out->id/csrf. */
static int session_create(struct bs_store *s, const struct bs_account *a, const char *source, int64_t now,
			  struct bs_session_info *out)
{
	unsigned char hid[BS_HASH32], hcsrf[BS_HASH32];
	int err;

	bs_auth_random_hex(out->id);
	bs_auth_random_hex(out->csrf);
	bs_auth_hash_token(out->id, hid);
	bs_auth_hash_token(out->csrf, hcsrf);
	err = bs_auth_exec(s, "cannot create the session", "INSERT INTO session (id_hash, account_id, csrf_hash, "
			   "source, created_us, last_us) VALUES (?1, ?2, ?3, ?4, ?5, ?5)", "bibti", hid, a->id, hcsrf,
			   source, now);
	out->created_us = now;
	return err < 0 ? err : 0;
}

static void fill_info(const struct bs_account *a, const struct bs_policy *pol, int64_t now,
		      struct bs_session_info *out)
{
	out->account_id = a->id;
	snprintf(out->username, sizeof(out->username), "%s", a->username);
	out->role = a->role;
	out->must_change = a->must_change || now - a->pw_changed_us > pol->v[BS_POL_MAX_AGE_DAYS] * DAY_US;
	out->must_enroll_totp = a->role == BS_ROLE_ADMIN && pol->v[BS_POL_TOTP_ADMIN] && !a->totp_enrolled;
}

/* What a sign-in checks of account id, read before its transaction: the password hash, the
 * TOTP seed as stored (sealed; *totp_len 0 when none, or when it does not fit: damaged)
 * and the last TOTP step used. */
static int login_secrets(struct bs_store *s, int64_t id, char hash[BS_PWHASH_MAX],
			 unsigned char totp_key[BS_TOTP_SECRET_BYTES + BS_SECRET_SEAL_BYTES], int *totp_len,
			 int64_t *last_step)
{
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = bs_auth_query(s, &st, "SELECT pw_hash, totp_secret, totp_last_step FROM account "
				 "WHERE id = ?1", "i", id)) < 0)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(hash, BS_PWHASH_MAX, "%s", bs_store_text(st, 0));
		*totp_len = sqlite3_column_bytes(st, 1);
		if (*totp_len > BS_TOTP_SECRET_BYTES + BS_SECRET_SEAL_BYTES)
			*totp_len = 0;
		if (*totp_len)
			memcpy(totp_key, sqlite3_column_blob(st, 1), (size_t)*totp_len);
		*last_step = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return 0;
}

/* One function on purpose (about 120 lines): a sign-in is one transaction with one outcome
 * and one event, and the order of its checks (same Argon2id work for every attempt, lockout
 * counted before anything is revealed, access rules only after the password) is easiest to
 * review in one place. */
int bs_login(struct bs_datadir *dd, const char *username, const char *password, const char *totp,
	     const char *source, const char *old_id, enum bs_login_result *result, struct bs_session_info *out,
	     char refusal[160])
{
	struct bs_account a;
	struct bs_policy pol;
	char hash[BS_PWHASH_MAX] = "", data[192];
	unsigned char totp_key[BS_TOTP_SECRET_BYTES + BS_SECRET_SEAL_BYTES]; /* as stored: sealed */
	int totp_len = 0, known, match, err, sweep;
	int64_t now = bs_clock_now(), last_step = 0;
	const char *saved_actor = dd->actor;

	*result = BS_LOGIN_FAILED;
	refusal[0] = '\0';
	memset(out, 0, sizeof(*out));
	if ((err = bs_policy_load(dd->store, &pol)) < 0)
		return err;
	/* expired and idle accounts are disabled before anyone can use them */
	if ((err = bs_account_sweep(dd, &sweep)) < 0)
		return err;
	known = bs_username_check(username) == 0 && bs_account_get(dd->store, username, &a) == 0 &&
		strcmp(a.state, "deleted");
	bs_error_clear();
	if (known && (err = login_secrets(dd->store, a.id, hash, totp_key, &totp_len, &last_step)) < 0)
		return err;
	/* Same work for every attempt: one Argon2id verification, whether the account exists,
	 * is locked, disabled or fine (no enumeration by status, body or timing). */
	if (known && hash[0]) {
		if ((match = bs_password_verify(hash, password)) < 0)
			goto wipe_err;
	} else {
		bs_password_dummy_verify(password);
		match = 0;
	}
	dd->actor = known ? a.username : "-";
	if ((err = bs_store_begin(dd->store)) < 0)
		goto wipe;
	if (!known) {
		/* nothing is at stake for a name without an account, so the caller records it, at a
		 * rate it can bound (anyone can send these from any number of addresses) */
		if (bs_username_check(username) == 0)
			snprintf(refusal, 160, "sign-in failed from %.48s: unknown account '%s'", source, username);
		else
			snprintf(refusal, 160, "sign-in failed from %.48s: invalid username", source);
		goto done;
	}
	/* re-read inside the transaction: another request may have locked it meanwhile */
	if ((err = bs_account_get_id(dd->store, a.id, &a)) < 0)
		goto done;
	int active = !strcmp(a.state, "active"), locked = a.locked_until_us > now;
	int64_t step = 0;
	int totp_ok = 1;
	/* a seed issued on the server (totp_cli_only) is asked for at once: its first right code
	 * confirms it, and until then nobody signs in with the password alone */
	int pending = !a.totp_enrolled && a.totp_cli_only && totp_len > 0;
	if (match && active && !locked && (a.totp_enrolled || pending)) {
		unsigned char seed[BS_TOTP_SECRET_BYTES];
		/* a seed that does not open is the server's fault, not the user's: 500, logged */
		if ((err = bs_auth_totp_secret(dd, a.id, totp_key, totp_len, seed)) < 0)
			goto done;
		step = bs_totp_check(seed, sizeof(seed), now / 1000000, totp, last_step);
		sodium_memzero(seed, sizeof(seed));
		totp_ok = step > 0;
	}
	account_data(data, sizeof(data), a.username);
	if (!match || !active || locked || !totp_ok) {
		const char *why = !active ? "account disabled" : locked ? "account locked" : !match ? "wrong password"
													: "wrong or missing TOTP code";
		int now_locked;
		if ((err = bs_auth_count_failure(dd, &pol, &a, now, &now_locked)) < 0)
			goto done;
		err = bs_audit(dd, "auth.login", "failure", data, "sign-in of '%s' failed from %s: %s", a.username,
			       source, why);
		goto done;
	}
	purge_expired(dd->store, &pol, now);
	if ((err = access_refusal(dd->store, &a, source, now, 1, old_id, refusal)) < 0)
		goto done;
	if (refusal[0]) {
		*result = BS_LOGIN_REFUSED;
		err = bs_audit(dd, "auth.refused", "failure", data, "sign-in of '%s' from %s refused: %s", a.username,
			       source, refusal);
		goto done;
	}
	if (old_id && *old_id) { /* no session fixation: whatever the client had is destroyed */
		unsigned char h[BS_HASH32];
		bs_auth_hash_token(old_id, h);
		if ((err = bs_auth_exec(dd->store, "cannot end the old session", "DELETE FROM session WHERE id_hash = ?1",
					"b", h)) < 0)
			goto done;
	}
	if ((err = bs_auth_exec(dd->store, "cannot record the sign-in", "UPDATE account SET failures = 0, "
				"locked_until_us = 0, last_login_us = ?2, totp_last_step = CASE WHEN ?3 > 0 THEN ?3 "
				"ELSE totp_last_step END, totp_cli_only = CASE WHEN ?3 > 0 THEN 0 ELSE totp_cli_only END "
				"WHERE id = ?1", "iii", a.id, now, step)) < 0 ||
	    (err = session_create(dd->store, &a, source, now, out)) < 0)
		goto done;
	if (pending && (err = bs_audit(dd, "account.totp_confirm", "success", data, "TOTP confirmed for '%s' by "
				       "its first sign-in with a code", a.username)) < 0)
		goto done;
	a.totp_enrolled = a.totp_enrolled || pending;
	fill_info(&a, &pol, now, out);
	err = bs_audit(dd, "auth.login", "success", data, "'%s' signed in from %s%s", a.username, source,
		       out->must_change ? " (password change required)" : "");
	if (err >= 0)
		*result = BS_LOGIN_OK;
done:
	err = bs_store_finish(dd->store, err);
	if (err < 0 || *result != BS_LOGIN_OK) {
		if (*result == BS_LOGIN_OK)
			*result = BS_LOGIN_FAILED;
		sodium_memzero(out->id, sizeof(out->id));
		sodium_memzero(out->csrf, sizeof(out->csrf));
	}
wipe:
	dd->actor = saved_actor;
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(totp_key, sizeof(totp_key));
	return err;
wipe_err:
	err = match;
	goto wipe;
}

int bs_session_check(struct bs_datadir *dd, const char *id, const char *source, struct bs_session_info *out)
{
	unsigned char h[BS_HASH32];
	struct bs_policy pol;
	struct bs_account a;
	sqlite3_stmt *st;
	int64_t now = bs_clock_now(), account_id = 0, created = 0, last = 0;
	char why[160];
	int err, rc;

	memset(out, 0, sizeof(*out));
	if (!id || strlen(id) != 64 || strspn(id, "0123456789abcdef") != 64)
		return bs_error(BS_EDENIED, "not signed in: sign in first");
	if ((err = bs_policy_load(dd->store, &pol)) < 0)
		return err;
	bs_auth_hash_token(id, h);
	if ((err = bs_auth_query(dd->store, &st, "SELECT account_id, created_us, last_us FROM session WHERE "
				 "id_hash = ?1", "b", h)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		account_id = sqlite3_column_int64(st, 0);
		created = sqlite3_column_int64(st, 1);
		last = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return bs_error(BS_EDENIED, "the session has ended or never existed: sign in again");
	if (now - last >= pol.v[BS_POL_IDLE_MINUTES] * MIN_US || now - created >= pol.v[BS_POL_ABSOLUTE_HOURS] * HOUR_US ||
	    bs_account_get_id(dd->store, account_id, &a) < 0 || strcmp(a.state, "active") ||
	    access_refusal(dd->store, &a, source, now, 0, NULL, why) < 0 || why[0]) {
		(void)bs_auth_exec(dd->store, "cannot end the session", "DELETE FROM session WHERE id_hash = ?1", "b", h);
		return bs_error(BS_EDENIED, "the session has expired or is no longer allowed: sign in again");
	}
	/* NEEDSWORK: one write per request to slide the idle timeout; batch it (e.g. only when
	 * last_us is older than a minute) if it shows in the HTTP benchmark. */
	if (now - last > 30 * 1000000LL &&
	    (err = bs_auth_exec(dd->store, "cannot refresh the session", "UPDATE session SET last_us = ?2 WHERE "
				"id_hash = ?1", "bi", h, now)) < 0)
		return err;
	fill_info(&a, &pol, now, out);
	out->created_us = created;
	return 0;
}

int bs_session_csrf_ok(struct bs_datadir *dd, const char *id, const char *csrf)
{
	unsigned char h[BS_HASH32], want[BS_HASH32], got[BS_HASH32];
	sqlite3_stmt *st;
	int ok = 0;

	if (!id || !csrf || strlen(csrf) != 64)
		return 0;
	bs_auth_hash_token(id, h);
	bs_auth_hash_token(csrf, got);
	if (bs_auth_query(dd->store, &st, "SELECT csrf_hash FROM session WHERE id_hash = ?1", "b", h) < 0)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == BS_HASH32) {
		memcpy(want, sqlite3_column_blob(st, 0), BS_HASH32);
		ok = sodium_memcmp(want, got, BS_HASH32) == 0;
	}
	sqlite3_finalize(st);
	return ok;
}

int bs_session_end(struct bs_datadir *dd, const char *id)
{
	unsigned char h[BS_HASH32];
	int err;

	if (!id || strlen(id) != 64)
		return bs_error(BS_EDENIED, "not signed in");
	bs_auth_hash_token(id, h);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_auth_exec(dd->store, "cannot end the session", "DELETE FROM session WHERE id_hash = ?1", "b",
				h)) < 0)
		return bs_store_finish(dd->store, err);
	err = bs_audit(dd, "auth.logout", "success", NULL, "signed out");
	return bs_store_finish(dd->store, err);
}

int bs_session_rotate(struct bs_datadir *dd, const char *old_id, struct bs_session_info *io)
{
	unsigned char h[BS_HASH32];
	struct bs_account a;
	int64_t now = bs_clock_now();
	sqlite3_stmt *st;
	char source[80] = "";
	int err;

	bs_auth_hash_token(old_id, h);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_auth_query(dd->store, &st, "SELECT source, created_us FROM session WHERE id_hash = ?1", "b", h)) <
	    0)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(source, sizeof(source), "%s", bs_store_text(st, 0));
		now = sqlite3_column_int64(st, 1); /* keeps the absolute lifetime of the original sign-in */
	} else {
		/* ended meanwhile (a password change elsewhere, a lockout): no new session from it */
		err = bs_error(BS_EDENIED, "the session has ended: sign in again");
	}
	sqlite3_finalize(st);
	if (err < 0)
		goto out;
	if ((err = bs_account_get_id(dd->store, io->account_id, &a)) < 0 ||
	    (err = bs_auth_exec(dd->store, "cannot rotate the session", "DELETE FROM session WHERE id_hash = ?1", "b",
				h)) < 0 ||
	    (err = session_create(dd->store, &a, source, now, io)) < 0)
		goto out;
	/* session_create stamped last_us with the original start: refresh it */
	bs_auth_hash_token(io->id, h);
	err = bs_auth_exec(dd->store, "cannot rotate the session", "UPDATE session SET last_us = ?2 WHERE id_hash = ?1",
			   "bi", h, bs_clock_now());
out:
	err = bs_store_finish(dd->store, err);
	if (err < 0) {
		sodium_memzero(io->id, sizeof(io->id));
		sodium_memzero(io->csrf, sizeof(io->csrf));
	}
	return err;
}

int bs_session_count(struct bs_store *s, int64_t account_id)
{
	sqlite3_stmt *st;
	int n = 0, err;
	if ((err = bs_auth_query(s, &st, "SELECT count(*) FROM session WHERE account_id = ?1", "i", account_id)) < 0)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* 1 when every comma-separated name in scopes is a permission the role holds. */
static int scopes_valid(const char *scopes, enum bs_role role)
{
	const char *p = scopes;
	int any = 0;
	while (*p) {
		char name[40];
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(name))
			return bs_error(BS_EINVALID, "token scopes '%s': write permission names separated by commas",
					scopes);
		memcpy(name, p, n);
		name[n] = '\0';
		enum bs_perm perm = bs_perm_parse(name);
		if (perm == BS_PERM_COUNT || perm == BS_PERM_NONE || perm == BS_PERM_SELF)
			return bs_error(BS_EINVALID, "token scope '%s' is not a permission: see docs/roles.md", name);
		/* a person's own training is the person's: no machine client acts for it */
		if (perm == BS_PERM_TRAINING_SELF)
			return bs_error(BS_EINVALID, "token scope '%s' belongs to a person, not to a machine client: a "
					"token cannot carry it", name);
		if (!bs_role_has(role, perm))
			return bs_error(BS_EDENIED, "token scope '%s' is not held by role %s: a token never has more "
					"rights than its owner", name, bs_role_name(role));
		any = 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return any ? 0 : bs_error(BS_EINVALID, "a token needs at least one scope, e.g. events.append");
}

static int scope_has(const char *scopes, enum bs_perm perm)
{
	const char *name = bs_perm_name(perm), *p = scopes;
	size_t nl = strlen(name);
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n == nl && !strncmp(p, name, n))
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int bs_token_create(struct bs_datadir *dd, const char *username, const char *scopes, int days, char token[69])
{
	int64_t id;
	return bs_token_issue(dd, username, scopes, days, token, &id);
}

int bs_token_issue(struct bs_datadir *dd, const char *username, const char *scopes, int days, char token[69],
		   int64_t *id)
{
	struct bs_account a;
	unsigned char h[BS_HASH32];
	char hex[65], data[128];
	int64_t now = bs_clock_now();
	int err;

	if (days < 1 || days > 365)
		return bs_error(BS_EINVALID, "token lifetime %d days is outside 1..365", days);
	if ((err = bs_account_get(dd->store, username, &a)) < 0)
		return err;
	if (strcmp(a.state, "active"))
		return bs_error(BS_ECONFLICT, "account '%s' is %s: tokens are only for active accounts", username, a.state);
	if ((err = scopes_valid(scopes, a.role)) < 0)
		return err;
	bs_auth_random_hex(hex);
	snprintf(token, 69, "bst_%s", hex);
	sodium_memzero(hex, sizeof(hex));
	bs_auth_hash_token(token, h);
	if ((err = bs_store_begin(dd->store)) < 0)
		goto out;
	err = bs_auth_exec(dd->store, "cannot store the token", "INSERT INTO api_token (token_hash, account_id, "
			   "scopes, created_us, created_by, expires_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "bititi", h,
			   a.id, scopes, now, dd->actor ? dd->actor : "", now + days * DAY_US);
	if (err >= 0) {
		*id = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
		/* usernames are [a-z0-9._-] only (bs_username_check): no JSON escaping needed */
		snprintf(data, sizeof(data), "{\"account\":\"%s\",\"token_id\":%lld}", username, (long long)*id);
		err = bs_audit(dd, "token.create", "success", data, "API token %lld for '%s' with scopes %s, valid %d days",
			       (long long)*id, username, scopes, days);
	}
	err = bs_store_finish(dd->store, err);
out:
	if (err < 0)
		sodium_memzero(token, 69);
	return err;
}

int bs_token_check(struct bs_datadir *dd, const char *token, enum bs_perm perm, struct bs_session_info *out)
{
	unsigned char h[BS_HASH32];
	struct bs_account a;
	struct bs_policy pol;
	sqlite3_stmt *st;
	char scopes[512] = "";
	int64_t account_id = 0, now = bs_clock_now();
	int err, rc;

	memset(out, 0, sizeof(*out));
	if (!token || strlen(token) != 68 || strncmp(token, "bst_", 4))
		return bs_error(BS_EDENIED, "the API token is not valid: create one with 'brokersec user token'");
	bs_auth_hash_token(token, h);
	if ((err = bs_auth_query(dd->store, &st, "SELECT account_id, scopes FROM api_token WHERE token_hash = ?1 "
				 "AND revoked = 0 AND expires_us > ?2", "bi", h, now)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		account_id = sqlite3_column_int64(st, 0);
		snprintf(scopes, sizeof(scopes), "%s", bs_store_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW || bs_account_get_id(dd->store, account_id, &a) < 0 || strcmp(a.state, "active"))
		return bs_error(BS_EDENIED, "the API token is unknown, expired or revoked: create a new one");
	if (!scope_has(scopes, perm) || !bs_role_has(a.role, perm)) {
		/* a valid token, short of the scope: *out names its account, so that the caller can
		 * answer 403 insufficient_scope rather than 401 invalid_token (RFC 6750 3.1) */
		out->account_id = a.id;
		snprintf(out->username, sizeof(out->username), "%s", a.username);
		out->role = a.role;
		return bs_error(BS_EDENIED, "the API token does not carry the permission '%s'", bs_perm_name(perm));
	}
	if ((err = bs_policy_load(dd->store, &pol)) < 0)
		return err;
	fill_info(&a, &pol, now, out);
	out->must_change = out->must_enroll_totp = 0; /* machine clients have no password to change */
	return 0;
}
