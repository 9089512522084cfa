/* api_users.c - the accounts an administrator manages (A2.4.1.6.1), and the policy they live
 * under (src/auth). Who may act on whom is the core's rule (docs/roles.md). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "http/http_int.h"
#include "jsonview/jsonview.h"

void bs_api_users(struct bs_http_ctx *c)
{
	struct bs_account *v;
	size_t n;
	int err = bs_account_list(c->dd->store, 0, &v, &n);
	if (err < 0)
		return bs_http_fail(c, err);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, bs_jsonview_account(&v[i]));
	free(v);
	bs_http_json(c, 200, json_pack("{s:o}", "users", a));
}

void bs_api_user_get(struct bs_http_ctx *c)
{
	struct bs_account a;
	int err;
	if ((err = bs_username_check(c->param)) < 0 || (err = bs_account_get(c->dd->store, c->param, &a)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, bs_jsonview_account(&a));
}

void bs_api_user_create(struct bs_http_ctx *c)
{
	int bad = 0, err;
	const char *u = bs_api_jstr(c, "username", 64, &bad), *role = bs_api_jstr(c, "role", 32, &bad),
		   *name = bs_api_jstr(c, "full_name", 200, &bad), *kind = bs_api_jstr(c, "kind", 16, &bad),
		   *exp = bs_api_jstr(c, "expires", 40, &bad);
	struct bs_account_new nw = { u, name, BS_ROLE_EMPLOYEE, BS_KIND_PERSONAL, 0, NULL, &c->who };
	char gen[32];

	if (bad || !u || !role)
		return bs_http_error(c, 400, "invalid", "send {\"username\", \"role\"[, \"full_name\", \"kind\": "
				     "\"personal\"|\"temporary\"|\"emergency\", \"expires\": \"YYYY-MM-DD\"]}");
	if ((err = bs_role_parse(role, &nw.role)) < 0)
		return bs_http_fail(c, err);
	if (kind && !strcmp(kind, "temporary"))
		nw.kind = BS_KIND_TEMPORARY;
	else if (kind && !strcmp(kind, "emergency"))
		nw.kind = BS_KIND_EMERGENCY;
	else if (kind && strcmp(kind, "personal"))
		return bs_http_error(c, 400, "invalid", "kind '%s' is not personal, temporary or emergency", kind);
	if (exp && (err = bs_time_parse(exp, &nw.expires_us)) < 0)
		return bs_http_fail(c, err);
	if ((err = bs_account_create(c->dd, &nw, gen)) < 0)
		return bs_http_fail(c, err);
	json_t *o = json_pack("{s:s,s:s,s:s}", "username", u, "role", bs_role_name(nw.role), "one_time_password", gen);
	sodium_memzero(gen, sizeof(gen));
	bs_http_json(c, 201, o);
}

void bs_api_user_patch(struct bs_http_ctx *c)
{
	int bad = 0, err = 0;
	const char *role = bs_api_jstr(c, "role", 32, &bad), *state = bs_api_jstr(c, "state", 16, &bad);
	enum bs_role r;

	if (bad || (!role && !state) || (state && strcmp(state, "active") && strcmp(state, "disabled")))
		return bs_http_error(c, 400, "invalid", "send {\"role\": ROLE} and/or {\"state\": \"active\"|\"disabled\"}");
	if ((err = bs_username_check(c->param)) < 0)
		return bs_http_fail(c, err);
	if (role &&
	    ((err = bs_role_parse(role, &r)) < 0 || (err = bs_account_set_role(c->dd, &c->who, c->param, r)) < 0))
		return bs_http_fail(c, err);
	if (state && (err = bs_account_set_state(c->dd, &c->who, c->param, state, NULL)) < 0)
		return bs_http_fail(c, err);
	bs_api_user_get(c);
}

void bs_api_user_delete(struct bs_http_ctx *c)
{
	int err;
	if ((err = bs_username_check(c->param)) < 0 ||
	    (err = bs_account_set_state(c->dd, &c->who, c->param, "deleted", NULL)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, json_pack("{s:s,s:s}", "username", c->param, "state", "deleted"));
}

void bs_api_user_reset(struct bs_http_ctx *c)
{
	char tok[65];
	int err;
	/* the core refuses an issuer that does not outrank the account (admins excepted), so the
	 * token shown here never reaches someone of lower rank than the account it opens */
	if ((err = bs_username_check(c->param)) < 0 || (err = bs_reset_issue(c->dd, &c->who, c->param, tok)) < 0)
		return bs_http_fail(c, err);
	json_t *o = json_pack("{s:s,s:s}", "username", c->param, "reset_token", tok);
	sodium_memzero(tok, sizeof(tok));
	bs_http_json(c, 200, o);
}

void bs_api_user_unlock(struct bs_http_ctx *c)
{
	int err;
	if ((err = bs_username_check(c->param)) < 0 || (err = bs_account_unlock(c->dd, &c->who, c->param)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, json_pack("{s:s,s:b}", "username", c->param, "unlocked", 1));
}

void bs_api_policy(struct bs_http_ctx *c)
{
	struct bs_policy pol;
	int err = bs_policy_load(c->dd->store, &pol);
	if (err < 0)
		return bs_http_fail(c, err);
	json_t *o = json_object();
	for (int k = 0; k < BS_POL_COUNT; k++)
		json_object_set_new(o, bs_policy_info((enum bs_policy_key)k)->key, json_integer(pol.v[k]));
	bs_http_json(c, 200, o);
}
