/* account_totp.c - the second factor of the account store: a TOTP seed sealed per
 * account, issued (self-service or on the server) and confirmed with a code. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth_int.h"
#include "core/clock.h"
#include "keys/keys.h"

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
		if ((err = bs_auth_reauth(dd, &a, password, "TOTP set-up")) < 0)
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
	err = bs_store_finish(dd->store, err);
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
	return bs_store_finish(dd->store, err);
}
