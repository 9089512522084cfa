/* token.c - the API tokens an account holds: the list (never a token nor its hash) and the
 * revocation, an event. Minting and checking tokens is session.c's (bs_token_issue,
 * bs_token_check). Who may see and revoke whose tokens: docs/roles.md. */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth_int.h"

#define TOKEN_COLS                                                                                 \
	"t.id, a.username, a.role, t.scopes, t.created_us, t.created_by, t.expires_us, t.revoked " \
	"FROM api_token t JOIN account a ON a.id = t.account_id "

static void token_row(sqlite3_stmt *st, struct bs_token_info *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	copy(t->owner, sizeof(t->owner), bs_store_text(st, 1));
	if (bs_role_parse(bs_store_text(st, 2), &t->owner_role) < 0)
		t->owner_role = BS_ROLE_EMPLOYEE; /* the account table's CHECK makes this unreachable */
	copy(t->scopes, sizeof(t->scopes), bs_store_text(st, 3));
	t->created_us = sqlite3_column_int64(st, 4);
	copy(t->created_by, sizeof(t->created_by), bs_store_text(st, 5));
	t->expires_us = sqlite3_column_int64(st, 6);
	t->revoked = sqlite3_column_int(st, 7);
}

/* Records a refusal of a signed-in account (auth.denied) and hands the same error back; the
 * event log failing wins (fail closed). */
static int denied(struct bs_datadir *dd, const char *what, const char *username)
{
	char msg[320], data[128];
	int err;

	snprintf(msg, sizeof(msg), "%s", bs_error_message());
	account_data(data, sizeof(data), username);
	if ((err = bs_audit(dd, "auth.denied", "failure", data, "%s of '%s' refused from %s: %s", what, username,
			    dd->source ? dd->source : "cli", msg)) < 0)
		return err;
	return bs_error(BS_EDENIED, "%s", msg);
}

int bs_token_list(struct bs_datadir *dd, const struct bs_session_info *by, const char *owner,
		  struct bs_token_info **out, size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 16;
	int rc, err;

	*out = NULL;
	*n = 0;
	if (owner && (err = bs_username_check(owner)) < 0)
		return err;
	if (by && !bs_role_has(by->role, BS_PERM_TOKENS_MANAGE)) {
		if (owner && strcmp(owner, by->username)) {
			bs_error(BS_EDENIED, "role %s sees only its own API tokens: another account's need the "
				 "permission tokens.manage (docs/roles.md)", bs_role_name(by->role));
			return denied(dd, "the API tokens list", owner);
		}
		owner = by->username;
	}
	if (owner && (err = bs_auth_query(dd->store, &st, "SELECT " TOKEN_COLS "WHERE a.username = ?1 ORDER BY t.id DESC",
					  "t", owner)) < 0)
		return err;
	if (!owner && (err = bs_auth_query(dd->store, &st, "SELECT " TOKEN_COLS "ORDER BY t.id DESC", "")) < 0)
		return err;
	*out = bs_malloc(cap * sizeof(**out));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap *= 2;
			*out = bs_realloc(*out, cap * sizeof(**out));
		}
		token_row(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return bs_store_fail(dd->store, "cannot list the API tokens");
	}
	return 0;
}

int bs_token_may_revoke(const struct bs_session_info *by, const struct bs_token_info *t)
{
	if (!by || !strcmp(by->username, t->owner))
		return 0;
	return bs_account_may(by->role, 0, BS_OP_TOKEN_REVOKE, t->owner_role, t->owner_role);
}

int bs_token_revoke(struct bs_datadir *dd, const struct bs_session_info *by, int64_t id, char owner[65])
{
	struct bs_token_info t;
	struct bs_account ta;
	sqlite3_stmt *st;
	char data[160];
	int rc, err;

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_auth_query(dd->store, &st, "SELECT " TOKEN_COLS "WHERE t.id = ?1", "i", id)) < 0)
		goto done;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		token_row(st, &t);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? bs_error(BS_ENOTFOUND, "no API token %lld: 'brokersec user tokens' or GET "
						   "/api/v1/tokens lists them", (long long)id)
					: bs_store_fail(dd->store, "cannot read the API token");
		goto done;
	}
	if (owner)
		copy(owner, 65, t.owner);
	/* another account's token: the actor, re-read in this transaction, must pass the
	 * who-may-act-on-whom rule (tokens.manage, and a rank above the owner's or admin on admin) */
	if (by && strcmp(by->username, t.owner)) {
		if ((err = bs_account_get(dd->store, t.owner, &ta)) < 0)
			goto done;
		if ((err = bs_auth_actor_may(dd, by, BS_OP_TOKEN_REVOKE, &ta, t.owner, ta.role)) < 0)
			goto done;
	}
	if (t.revoked) {
		err = bs_error(BS_ECONFLICT, "API token %lld of '%s' is revoked already", (long long)id, t.owner);
		goto done;
	}
	if ((err = bs_auth_exec(dd->store, "cannot revoke the API token", "UPDATE api_token SET revoked = 1 WHERE id = ?1",
				"i", id)) < 0)
		goto done;
	snprintf(data, sizeof(data), "{\"account\":\"%s\",\"token_id\":%lld}", t.owner, (long long)id);
	err = bs_audit(dd, "token.revoke", "success", data, "API token %lld of '%s' (scopes %s) revoked", (long long)id,
		       t.owner, t.scopes);
done:
	return bs_store_finish(dd->store, err);
}
