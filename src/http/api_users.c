/* api_users.c - the accounts an administrator manages (A2.4.1.6.1), and the policy they live
 * under (src/auth). Who may act on whom is the core's rule (docs/roles.md). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "http/http_int.h"
#include "jsonview/jsonview.h"
#include "report/report.h"

/* What the caller may do to account a, as bs_account_may() (docs/roles.md) and the account's
 * state say: the operations a page offers. The API still decides each request (the actor is
 * re-read inside the change, and the last-admin rule is the core's). */
static json_t *may_json(const struct bs_session_info *who, const struct bs_account *a)
{
	static const enum bs_account_op ops[] = { BS_OP_ROLE, BS_OP_DISABLE, BS_OP_ENABLE, BS_OP_DELETE,
						  BS_OP_RESET, BS_OP_UNLOCK };
	static const char *const names[] = { "role", "disable", "enable", "delete", "reset", "unlock" };
	int active = !strcmp(a->state, "active"), disabled = !strcmp(a->state, "disabled");
	json_t *m = json_array();

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int fits = ops[i] == BS_OP_DISABLE ? active
			 : ops[i] == BS_OP_ENABLE ? disabled
			 : ops[i] == BS_OP_UNLOCK ? a->locked_until_us > bs_clock_now() && (active || disabled)
						   : active || disabled;
		if (fits && bs_account_may(who->role, a->id == who->account_id, ops[i], a->role, a->role) == 0)
			json_array_append_new(m, json_string(names[i]));
	}
	bs_error_clear();
	return m;
}

/* The roles the caller may give (create, change of role): bs_account_may, docs/roles.md. */
static json_t *may_give_json(const struct bs_session_info *who)
{
	json_t *give = json_array();
	for (int r = 0; r < BS_ROLE_COUNT; r++)
		if (bs_account_may(who->role, 0, BS_OP_CREATE, (enum bs_role)r, (enum bs_role)r) == 0)
			json_array_append_new(give, json_string(bs_role_name((enum bs_role)r)));
	bs_error_clear();
	return give;
}

static int users_sortable(const char *key, const void *arg)
{
	(void)arg;
	return !strcmp(key, "username") || !strcmp(key, "full_name") || !strcmp(key, "role") ||
	       !strcmp(key, "state") || !strcmp(key, "last_login") || !strcmp(key, "created") ||
	       !strcmp(key, "expires");
}

/* GET /users[?q&sort&order&offset&limit&all=1]: a page of accounts (deleted ones with all=1),
 * each with what the caller may do to it ("may"), and the roles it may give ("may_give"). */
void bs_api_users(struct bs_http_ctx *c)
{
	struct bs_account *v;
	size_t n;
	const char *all = bs_http_query(c, "all");
	int err;

	if (all && strcmp(all, "0") && strcmp(all, "1"))
		return bs_http_error(c, 400, "invalid", "?all='%.16s': use 1 (deleted accounts too) or 0", all);
	if ((err = bs_account_list(c->dd->store, all && !strcmp(all, "1"), &v, &n)) < 0)
		return bs_http_fail(c, err);
	json_t *a = json_array(), *out = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *o = bs_jsonview_account(&v[i]);
		json_object_set_new(o, "may", may_json(&c->who, &v[i]));
		json_array_append_new(a, o);
	}
	free(v);
	if ((err = bs_api_page(c, a, users_sortable, NULL, out)) < 0) {
		json_decref(a);
		json_decref(out);
		return bs_http_fail(c, err);
	}
	json_decref(a);
	json_object_set_new(out, "may_give", may_give_json(&c->who));
	bs_http_json(c, 200, out);
}

void bs_api_user_get(struct bs_http_ctx *c)
{
	struct bs_account a;
	int err;
	if ((err = bs_username_check(c->param)) < 0 || (err = bs_account_get(c->dd->store, c->param, &a)) < 0)
		return bs_http_fail(c, err);
	json_t *o = bs_jsonview_account(&a);
	json_object_set_new(o, "may", may_json(&c->who, &a));
	json_object_set_new(o, "may_give", may_give_json(&c->who));
	bs_http_json(c, 200, o);
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

/* One policy value with its bounds and where they come from: the regulation's number (the
 * default, one end of the allowed range), the catalog id, its numbering in the text
 * (附件二伍、四、(二)...) and title, and which way is stricter. */
static json_t *policy_rule(enum bs_policy_key k, int64_t value, const struct bs_catalog *cat)
{
	const struct bs_policy_info *in = bs_policy_info(k);
	const struct bs_control *ctl = cat ? bs_catalog_find(cat, in->source) : NULL;
	struct bs_buf zh = BS_BUF_INIT, en = BS_BUF_INIT;

	bs_report_numbering(in->source, BS_LANG_ZH_TW, &zh);
	bs_report_numbering(in->source, BS_LANG_EN, &en);
	json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:s,s:{s:s,s:s},s:s,s:s}", "key", in->key, "value",
			      (json_int_t)value, "regulation", (json_int_t)in->def, "min", (json_int_t)in->lo, "max",
			      (json_int_t)in->hi, "source", in->source, "clause", "zh-TW", zh.ptr ? zh.ptr : "", "en",
			      en.ptr ? en.ptr : "", "what", in->what, "stricter",
			      in->lo == in->hi ? "fixed" : in->def == in->lo ? "higher" : "lower");
	if (ctl)
		json_object_set_new(o, "title", json_pack("{s:s,s:s}", "zh-TW", bs_text_get(&ctl->title, BS_LANG_ZH_TW),
							  "en", bs_text_get(&ctl->title, BS_LANG_EN)));
	bs_buf_release(&zh);
	bs_buf_release(&en);
	return o;
}

/* GET /policy: "key": value for each key (as before), and "rules": each value with its
 * regulation's number and clause (policy_rule). */
void bs_api_policy(struct bs_http_ctx *c)
{
	struct bs_policy pol;
	const struct bs_catalog *cat = NULL;
	int err = bs_policy_load(c->dd->store, &pol);
	if (err < 0)
		return bs_http_fail(c, err);
	if (bs_catalog_builtin(&cat) < 0)
		cat = NULL; /* the clause numbering stands without the titles */
	bs_error_clear();
	json_t *o = json_object(), *rules = json_array();
	for (int k = 0; k < BS_POL_COUNT; k++) {
		json_object_set_new(o, bs_policy_info((enum bs_policy_key)k)->key, json_integer(pol.v[k]));
		json_array_append_new(rules, policy_rule((enum bs_policy_key)k, pol.v[k], cat));
	}
	json_object_set_new(o, "rules", rules);
	bs_http_json(c, 200, o);
}

/* PATCH /policy {"KEY": N, ...}: each through bs_policy_parse_assignment and bs_policy_set,
 * as `brokersec policy set KEY=N...` (stricter than the regulation only; each an event). All
 * are checked, alone and together, before any is stored. */
void bs_api_policy_patch(struct bs_http_ctx *c)
{
	enum bs_policy_key keys[BS_POL_COUNT];
	int64_t vals[BS_POL_COUNT];
	struct bs_policy pol;
	const char *k;
	json_t *v;
	size_t n = 0;
	int err;

	if (!json_object_size(c->json) || json_object_size(c->json) > BS_POL_COUNT)
		return bs_http_error(c, 400, "invalid", "send {\"KEY\": N, ...}, e.g. {\"lockout.minutes\": 30}: "
				     "GET /api/v1/policy lists the keys");
	json_object_foreach (c->json, k, v) {
		struct bs_buf kv = BS_BUF_INIT;
		if (!json_is_integer(v) || strlen(k) > 64) {
			bs_http_error(c, 400, "invalid", "policy value for '%.64s' is not a whole number: send "
				      "{\"%.64s\": N}", k, k);
			return;
		}
		bs_buf_printf(&kv, "%s=%lld", k, (long long)json_integer_value(v));
		err = bs_policy_parse_assignment(kv.ptr, &keys[n], &vals[n]);
		bs_buf_release(&kv);
		if (err < 0)
			return bs_http_fail(c, err);
		n++;
	}
	if ((err = bs_policy_load(c->dd->store, &pol)) < 0)
		return bs_http_fail(c, err);
	int64_t cur_max = pol.v[BS_POL_MAX_AGE_DAYS], new_min = -1;
	for (size_t i = 0; i < n; i++) {
		pol.v[keys[i]] = vals[i];
		if (keys[i] == BS_POL_MIN_AGE_DAYS)
			new_min = vals[i];
	}
	if ((err = bs_policy_check(&pol)) < 0)
		return bs_http_fail(c, err);
	/* one at a time as the command line does, the two ages in the order that keeps each step
	 * consistent on its own (minimum below maximum): the minimum first when it stays below the
	 * maximum in force, else the maximum first */
	int min_first = new_min >= 0 && new_min < cur_max;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			int late = keys[i] == BS_POL_MAX_AGE_DAYS ? min_first
				 : keys[i] == BS_POL_MIN_AGE_DAYS ? !min_first : 0;
			if (late != pass)
				continue;
			if ((err = bs_policy_set(c->dd, keys[i], vals[i])) < 0)
				return bs_http_fail(c, err);
		}
	bs_api_policy(c);
}
