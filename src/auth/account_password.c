/* account_password.c - passwords of the account store: failed checks counted toward the
 * lockout, re-authentication before an owner's change, the password history, changes and
 * one-time reset tokens. Each change is recorded with bs_audit() before it commits. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth_int.h"
#include "core/clock.h"

#define DAY_US (86400LL * 1000000)
#define MIN_US (60LL * 1000000)

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
int bs_auth_reauth(struct bs_datadir *dd, const struct bs_account *a0, const char *password, const char *what)
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
	if ((err = bs_store_finish(dd->store, err)) < 0)
		return err;
	if (locked)
		return bs_error(BS_EDENIED, "the password is wrong: account '%s' is now locked for %lld minutes "
				"after %lld wrong passwords in a row, and signed out everywhere", a.username,
				(long long)pol.v[BS_POL_LOCKOUT_MINUTES], (long long)pol.v[BS_POL_LOCKOUT_THRESHOLD]);
	return bs_error(BS_EDENIED, "the current password is wrong: type it again (after %lld wrong passwords in a "
			"row the account locks for %lld minutes)", (long long)pol.v[BS_POL_LOCKOUT_THRESHOLD],
			(long long)pol.v[BS_POL_LOCKOUT_MINUTES]);
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
		if ((err = bs_auth_reauth(dd, &a, current, "password change")) < 0)
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
	err = bs_store_finish(dd->store, err);
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
	    (err = bs_auth_actor_may(dd, by, BS_OP_RESET, &a, username, a.role)) < 0)
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
	err = bs_store_finish(dd->store, err);
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
	err = bs_store_finish(dd->store, err);
wipe:
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(h, sizeof(h));
	return err;
}

/* The first run (`brokersec serve` showing how to sign in): the first administrator, made
 * by init, that nobody has used yet gets a new one-time password, printed by the caller.
 * Only while no account has ever signed in or set a password of its own: once someone has,
 * this is a running installation and a lost password goes through `user reset`. */
int bs_account_first_password(struct bs_datadir *dd, char username[65], char generated[32])
{
	sqlite3_stmt *st = NULL;
	struct bs_account a;
	char hash[BS_PWHASH_MAX], data[128];
	int64_t now = bs_clock_now();
	int err, rc, found = 0;

	username[0] = '\0';
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_auth_query(dd->store, &st, "SELECT " ACCOUNT_COLS " FROM account WHERE role = 'admin' AND "
				 "state = 'active' AND must_change = 1 AND last_login_us = 0 AND totp_cli_only = 0 AND "
				 "NOT EXISTS (SELECT 1 FROM account WHERE last_login_us > 0 OR must_change = 0) "
				 "ORDER BY id LIMIT 1", "")) < 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		bs_auth_row(st, &a);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		goto out; /* not a first run: nothing to show */
	if (rc != SQLITE_ROW) {
		err = bs_store_fail(dd->store, "cannot look for the first administrator");
		goto out;
	}
	bs_password_generate(generated);
	if ((err = bs_password_hash(generated, hash)) < 0)
		goto out;
	if ((err = bs_auth_exec(dd->store, "cannot set the one-time password", "UPDATE account SET pw_hash = ?2, "
				"pw_changed_us = ?3 WHERE id = ?1", "iti", a.id, hash, now)) < 0 ||
	    (err = bs_auth_exec(dd->store, "cannot void the reset tokens", "UPDATE reset_token SET used_us = ?2 "
				"WHERE account_id = ?1 AND used_us = 0", "ii", a.id, now)) < 0)
		goto out;
	account_data(data, sizeof(data), a.username);
	if ((err = bs_audit(dd, "account.first_password", "success", data, "new one-time password for the first "
			    "administrator '%s', shown by serve (no account has signed in yet); any earlier one no "
			    "longer works", a.username)) < 0)
		goto out;
	copy(username, 65, a.username);
	found = 1;
out:
	sodium_memzero(hash, sizeof(hash));
	err = bs_store_finish(dd->store, err);
	if (err < 0 || !found) {
		sodium_memzero(generated, 32);
		username[0] = '\0';
	}
	return err < 0 ? err : found;
}
