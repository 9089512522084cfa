/* api_tokens.c - API tokens over the API: the signed-in account's own (every account's with
 * tokens.manage), a new one shown once, revocation. Whose tokens a caller sees and may
 * revoke is the auth module's rule (bs_token_list, bs_token_revoke: docs/roles.md); a token's
 * scopes are checked there against the owner's role. Tokens themselves cannot reach these
 * routes (no R_TOKEN): a token never mints or revokes tokens. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "http/http_int.h"
#include "jsonview/jsonview.h"

static const char *token_state(const struct bs_token_info *t, int64_t now)
{
	return t->revoked ? "revoked" : t->expires_us <= now ? "expired" : "active";
}

static int sortable(const char *key, const void *arg)
{
	(void)arg;
	return !strcmp(key, "id") || !strcmp(key, "owner") || !strcmp(key, "created") || !strcmp(key, "expires") ||
	       !strcmp(key, "state");
}

/* The scopes a token of role may carry that some route accepts a token for, each with those
 * routes: what a client can do with it (the route table is the one list). */
static json_t *scopes_for(enum bs_role role)
{
	json_t *a = json_array();

	for (int p = BS_PERM_SELF + 1; p < BS_PERM_COUNT; p++) {
		if (p == BS_PERM_TRAINING_SELF || !bs_role_has(role, (enum bs_perm)p))
			continue;
		json_t *routes = json_array();
		for (size_t i = 0; i < bs_http_nroutes; i++)
			if ((bs_http_routes[i].flags & R_TOKEN) && bs_http_routes[i].perm == (enum bs_perm)p) {
				struct bs_buf b = BS_BUF_INIT;
				bs_buf_printf(&b, "%s %s", bs_http_routes[i].method, bs_http_routes[i].pattern + 7);
				json_array_append_new(routes, json_string(b.ptr));
				bs_buf_release(&b);
			}
		if (json_array_size(routes))
			json_array_append_new(a, json_pack("{s:s,s:o}", "name", bs_perm_name((enum bs_perm)p), "routes", routes));
		else
			json_decref(routes);
	}
	return a;
}

void bs_api_tokens(struct bs_http_ctx *c)
{
	struct bs_token_info *v = NULL;
	size_t n = 0;
	int64_t now = bs_clock_now();
	const char *user = bs_http_query(c, "user");
	int err;

	if (user && !*user)
		user = NULL;
	if ((err = bs_token_list(c->dd, &c->who, user, &v, &n)) < 0)
		return bs_http_fail(c, err);
	json_t *recs = json_array(), *out = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *o = bs_jsonview_token(&v[i], token_state(&v[i], now));
		json_object_set_new(o, "may_revoke", json_boolean(!v[i].revoked && bs_token_may_revoke(&c->who, &v[i]) == 0));
		json_array_append_new(recs, o);
	}
	bs_error_clear();
	free(v);
	if ((err = bs_api_page(c, recs, sortable, NULL, out)) < 0) {
		json_decref(recs);
		json_decref(out);
		return bs_http_fail(c, err);
	}
	json_decref(recs);
	json_object_set_new(out, "all_accounts", json_boolean(bs_role_has(c->who.role, BS_PERM_TOKENS_MANAGE)));
	json_object_set_new(out, "scopes", scopes_for(c->who.role));
	bs_http_json(c, 200, out);
}

void bs_api_token_create(struct bs_http_ctx *c)
{
	json_t *sc = json_object_get(c->json, "scopes"), *dj = json_object_get(c->json, "days");
	struct bs_buf scopes = BS_BUF_INIT;
	char tok[69];
	int64_t id;
	int days = 90, err, bad = !sc;

	if (json_is_string(sc) && json_string_length(sc) < 400 && strlen(json_string_value(sc)) == json_string_length(sc))
		bs_buf_puts(&scopes, json_string_value(sc));
	else if (json_is_array(sc) && json_array_size(sc) <= 32) {
		size_t i;
		json_t *x;
		json_array_foreach (sc, i, x) {
			const char *s = json_string_value(x);
			if (!s || !*s || json_string_length(x) > 40 || strlen(s) != json_string_length(x) || strchr(s, ','))
				bad = 1;
			else
				bs_buf_printf(&scopes, "%s%s", i ? "," : "", s);
		}
	} else
		bad = 1;
	if (dj && (!json_is_integer(dj) || json_integer_value(dj) < 1 || json_integer_value(dj) > 365))
		bad = 1;
	else if (dj)
		days = (int)json_integer_value(dj);
	if (bad) {
		bs_buf_release(&scopes);
		return bs_http_error(c, 400, "invalid", "send {\"scopes\": [\"events.append\", ...], \"days\": 1..365 "
				     "(default 90)}: permission names your role holds");
	}
	err = bs_token_issue(c->dd, c->who.username, scopes.ptr ? scopes.ptr : "", days, tok, &id);
	bs_buf_release(&scopes);
	if (err < 0)
		return bs_http_fail(c, err);

	struct bs_token_info *v = NULL;
	size_t n = 0;
	json_t *o = NULL;
	if ((err = bs_token_list(c->dd, &c->who, c->who.username, &v, &n)) >= 0)
		for (size_t i = 0; i < n && !o; i++)
			if (v[i].id == id)
				o = bs_jsonview_token(&v[i], token_state(&v[i], bs_clock_now()));
	free(v);
	if (!o)
		o = json_pack("{s:I,s:s}", "id", (json_int_t)id, "owner", c->who.username);
	json_object_set_new(o, "token", json_string(tok));
	sodium_memzero(tok, sizeof(tok));
	bs_http_json(c, 201, o);
}

void bs_api_token_revoke(struct bs_http_ctx *c)
{
	char *end, owner[65];
	long long id = strtoll(c->param, &end, 10);
	int err;

	if (end == c->param || *end || id < 1)
		return bs_http_error(c, 400, "invalid", "token id '%.32s' is not a whole number from 1: GET "
				     "/api/v1/tokens lists the ids", c->param);
	if ((err = bs_token_revoke(c->dd, &c->who, id, owner)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, json_pack("{s:I,s:s,s:b,s:s}", "id", (json_int_t)id, "owner", owner, "revoked", 1, "state",
				       "revoked"));
}
