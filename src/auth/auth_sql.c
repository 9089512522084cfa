/* auth_sql.c - the small SQL helpers the auth store files share: binding by a format,
 * one-shot statements, token hashing and random tokens, and an account row. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth_int.h"

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
