/* auth_int.h - private to src/auth: the small SQL helpers the store files share
 * (auth_sql.c), and what the account store files share. The account store is account.c
 * (reading accounts, lifecycle, remote-access rules, the sweep), account_password.c
 * (lockout, re-authentication, password change and reset), account_totp.c (second factor)
 * and account_review.c (the periodic review); policy changes are policy.c's. */
#ifndef BS_AUTH_INT_H
#define BS_AUTH_INT_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"

#define BS_HASH32 32

/* Binds args by fmt ('t' text, 'i' int64, 'b' 32-byte blob, 'n' NULL) to a prepared
 * statement. */
void bs_auth_bind(sqlite3_stmt *st, const char *fmt, va_list ap);
/* Prepares, binds and steps sql once; returns the number of changed rows or an error
 * naming what. */
int bs_auth_exec(struct bs_store *s, const char *what, const char *sql, const char *fmt, ...);
/* Prepares and binds sql into *out for the caller to step and finalize. */
int bs_auth_query(struct bs_store *s, sqlite3_stmt **out, const char *sql, const char *fmt, ...);
/* BLAKE2b-256 of a token's text. */
void bs_auth_hash_token(const char *token, unsigned char out[BS_HASH32]);
/* 64 lowercase hex chars of 32 random bytes, NUL-terminated. */
void bs_auth_random_hex(char out[65]);
/* The columns bs_auth_row() reads, for "SELECT " ACCOUNT_COLS " FROM account ...". */
#define ACCOUNT_COLS                                                                              \
	"id, username, full_name, role, kind, state, disabled_reason, expires_us, pw_changed_us, " \
	"must_change, failures, locked_until_us, (totp_secret IS NOT NULL AND totp_last_step > 0), " \
	"last_login_us, created_us, created_by, networks, hours, max_sessions, updated_us, totp_cli_only"
void bs_auth_row(sqlite3_stmt *st, struct bs_account *a);

/* One failed password check of a (as read inside the caller's transaction) counts toward
 * the lockout: after the policy's threshold the account locks for the policy's minutes, an
 * auth.lockout event. Nothing is counted for an account that is not active or is locked
 * already. *locked says whether this failure locked it. */
int bs_auth_count_failure(struct bs_datadir *dd, const struct bs_policy *pol, const struct bs_account *a,
			  int64_t now, int *locked);
/* Ends the account's sessions except the one whose id is keep (NULL: all), inside the
 * caller's transaction. */
int bs_auth_end_sessions(struct bs_store *s, int64_t account_id, const char *keep);

/* The TOTP seed of account id from its stored (sealed) form blob[0..len). */
int bs_auth_totp_secret(struct bs_datadir *dd, int64_t id, const void *blob, int len,
			unsigned char key[BS_TOTP_SECRET_BYTES]);

/* Small helpers of the account store files (account*.c, session.c), static inline so that each
 * reads as it did when they were one file. */
static inline void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static inline void account_data(char *buf, size_t n, const char *username)
{
	/* usernames are [a-z0-9._-] only (bs_username_check), so no JSON escaping is needed */
	snprintf(buf, n, "{\"account\":\"%s\"}", username);
}

/* Refuses (BS_ECONFLICT) a change to an account that is deleted (archived); what: "change". */
static inline int not_deleted(const struct bs_account *a, const char *what)
{
	if (strcmp(a->state, "deleted"))
		return 0;
	return bs_error(BS_ECONFLICT, "account '%s' is deleted (archived): it cannot %s any more; create a new "
			"account with another name instead", a->username, what);
}

/* Ends every session of the account, inside the caller's transaction. */
static inline int kill_sessions(struct bs_store *s, int64_t account_id)
{
	return bs_auth_end_sessions(s, account_id, NULL);
}

/* The target rule for a signed-in actor, inside the caller's transaction: the actor is
 * re-read (its role or state may have changed since its session began) and must pass
 * bs_account_may() for op on target t (NULL when creating: the role `to`); a refusal is an
 * auth.denied event. by NULL is the data directory's owner (the CLI): allowed. */
int bs_auth_actor_may(struct bs_datadir *dd, const struct bs_session_info *by, enum bs_account_op op,
		      const struct bs_account *t, const char *username, enum bs_role to);
/* Self-service re-authentication of account a0 with its password before a change only its
 * owner may make (what: "password change"); a wrong password counts toward the lockout.
 * 0 when the password is right (account_password.c). */
int bs_auth_reauth(struct bs_datadir *dd, const struct bs_account *a0, const char *password, const char *what);

#endif
