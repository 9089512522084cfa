/* api.c - the routes of /api/v1 and their handlers. THE route table is at the bottom: each
 * route names the permission it needs and dispatch() (server.c) checks it before a handler
 * runs; handlers never check permissions themselves. */
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "compliance/status.h"
#include "core/clock.h"
#include "eventlog/eventlog.h"
#include "evidence/evidence.h"
#include "http/http_int.h"
#include "intake/intake.h"
#include "jsonview/jsonview.h"
#include "registry/registry.h"
#include "schedule/schedule.h"

/* A string member of the JSON body, at most max bytes; NULL when absent (or not a string:
 * then *bad is set). */
static const char *jstr(struct bs_http_ctx *c, const char *key, size_t max, int *bad)
{
	json_t *v = json_object_get(c->json, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || json_string_length(v) > max || strlen(json_string_value(v)) != json_string_length(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

static json_t *session_json(const struct bs_session_info *si)
{
	json_t *o = json_object(), *roles = json_array();
	json_object_set_new(o, "user", json_string(si->username));
	json_array_append_new(roles, json_string(bs_role_name(si->role)));
	json_object_set_new(o, "roles", roles);
	json_object_set_new(o, "must_change_password", json_boolean(si->must_change));
	json_object_set_new(o, "must_enroll_totp", json_boolean(si->must_enroll_totp));
	return o;
}

static void h_login(struct bs_http_ctx *c)
{
	int bad = 0, err;
	const char *u = jstr(c, "username", 64, &bad), *p = jstr(c, "password", BS_PASSWORD_MAX, &bad),
		   *t = jstr(c, "totp", 8, &bad);
	struct bs_session_info si;
	enum bs_login_result res;
	char why[160];

	if (bad || !u || !p)
		return bs_http_error(c, 400, "invalid", "send {\"username\": ..., \"password\": ...} (and \"totp\" "
				     "when the account uses a second factor) as strings");
	if ((err = bs_login(c->dd, u, p, t, c->source, c->session_id, &res, &si, why)) < 0)
		return bs_http_fail(c, err);
	if (res == BS_LOGIN_FAILED && why[0]) /* a name without an account: recorded at a bounded rate */
		bs_http_refusal(c, BS_REFUSAL_LOGIN, why);
	if (res == BS_LOGIN_FAILED)
		/* one answer for every failure: unknown user, wrong password, locked, disabled */
		return bs_http_error(c, 401, "unauthorized", "sign-in failed: wrong username, password or TOTP code, "
				     "or the account is locked or disabled; try again later or ask an administrator");
	if (res == BS_LOGIN_REFUSED)
		return bs_http_error(c, 403, "access_refused", "%s", why);
	json_t *o = session_json(&si);
	json_object_set_new(o, "csrf_token", json_string(si.csrf));
	bs_http_set_cookie(c, si.id);
	sodium_memzero(si.id, sizeof(si.id));
	sodium_memzero(si.csrf, sizeof(si.csrf));
	bs_http_json(c, 200, o);
}

static void h_logout(struct bs_http_ctx *c)
{
	int err = bs_session_end(c->dd, c->session_id);
	if (err < 0)
		return bs_http_fail(c, err);
	bs_http_set_cookie(c, NULL);
	bs_http_json(c, 200, json_pack("{s:b}", "signed_out", 1));
}

static void h_me(struct bs_http_ctx *c)
{
	struct bs_account a;
	int err = bs_account_get(c->dd->store, c->who.username, &a);
	if (err < 0)
		return bs_http_fail(c, err);
	json_t *o = session_json(&c->who);
	json_object_set_new(o, "full_name", json_string(a.full_name));
	json_object_set_new(o, "totp", json_boolean(a.totp_enrolled));
	json_object_set_new(o, "totp_cli_only", json_boolean(a.totp_cli_only));
	bs_http_json(c, 200, o);
}

/* After a privilege change: new session id and CSRF token, both in the reply. */
static void rotated(struct bs_http_ctx *c, json_t *o)
{
	struct bs_session_info si = c->who;
	int err = bs_session_rotate(c->dd, c->session_id, &si);
	if (err < 0) {
		json_decref(o);
		return bs_http_fail(c, err);
	}
	json_object_set_new(o, "csrf_token", json_string(si.csrf));
	bs_http_set_cookie(c, si.id);
	sodium_memzero(si.id, sizeof(si.id));
	sodium_memzero(si.csrf, sizeof(si.csrf));
	bs_http_json(c, 200, o);
}

static void h_password(struct bs_http_ctx *c)
{
	int bad = 0, err;
	const char *cur = jstr(c, "current_password", BS_PASSWORD_MAX, &bad),
		   *nw = jstr(c, "new_password", BS_PASSWORD_MAX, &bad);
	if (bad || !cur || !nw)
		return bs_http_error(c, 400, "invalid", "send {\"current_password\": ..., \"new_password\": ...}");
	/* every other session of the account ends; this one is rotated below */
	if ((err = bs_account_change_password(c->dd, c->who.username, cur, nw, c->session_id)) < 0)
		return bs_http_fail(c, err);
	c->who.must_change = 0;
	rotated(c, json_pack("{s:b}", "changed", 1));
}

static void h_totp_enroll(struct bs_http_ctx *c)
{
	unsigned char secret[BS_TOTP_SECRET_BYTES];
	char b32[64];
	struct bs_buf uri = BS_BUF_INIT;
	int bad = 0, err;
	const char *pw = jstr(c, "password", BS_PASSWORD_MAX, &bad);

	if (bad || !pw)
		return bs_http_error(c, 400, "invalid", "send {\"password\": ...}: setting up a second factor needs "
				     "the account's password again");
	if ((err = bs_account_totp_enroll(c->dd, &c->who, c->who.username, pw, secret)) < 0)
		return bs_http_fail(c, err);
	bs_base32_encode(secret, sizeof(secret), b32, sizeof(b32));
	sodium_memzero(secret, sizeof(secret));
	bs_buf_printf(&uri, "otpauth://totp/brokersec:%s?secret=%s&issuer=brokersec&algorithm=SHA1&digits=6&period=30",
		      c->who.username, b32);
	bs_http_json(c, 200, json_pack("{s:s,s:s}", "secret", b32, "otpauth_uri", uri.ptr));
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(uri.ptr, uri.len);
	bs_buf_release(&uri);
}

static void h_totp_confirm(struct bs_http_ctx *c)
{
	int bad = 0, err;
	const char *code = jstr(c, "code", 8, &bad);
	if (bad || !code)
		return bs_http_error(c, 400, "invalid", "send {\"code\": \"123456\"} from the authenticator app");
	if ((err = bs_account_totp_confirm(c->dd, c->who.username, code)) < 0)
		return bs_http_fail(c, err);
	c->who.must_enroll_totp = 0;
	rotated(c, json_pack("{s:b}", "totp", 1));
}

static void h_reset(struct bs_http_ctx *c)
{
	int bad = 0, err;
	const char *tok = jstr(c, "token", 128, &bad), *nw = jstr(c, "new_password", BS_PASSWORD_MAX, &bad);
	if (bad || !tok || !nw)
		return bs_http_error(c, 400, "invalid", "send {\"token\": ..., \"new_password\": ...}");
	if ((err = bs_reset_use(c->dd, tok, nw)) < 0) {
		/* a token that opens nothing touches no account: recorded at a bounded rate */
		if (err == BS_EDENIED) {
			char msg[96], why[256];
			snprintf(why, sizeof(why), "%s", bs_error_message());
			snprintf(msg, sizeof(msg), "reset token refused from %.48s", c->source);
			bs_http_refusal(c, BS_REFUSAL_RESET, msg);
			return bs_http_error(c, 403, "forbidden", "%s", why);
		}
		return bs_http_fail(c, err);
	}
	bs_http_json(c, 200, json_pack("{s:b}", "changed", 1));
}

static json_t *account_json(const struct bs_account *a)
{
	char t[BS_TIME_MAX];
	json_t *o = json_object();
	json_object_set_new(o, "username", json_string(a->username));
	json_object_set_new(o, "full_name", json_string(a->full_name));
	json_object_set_new(o, "role", json_string(bs_role_name(a->role)));
	json_object_set_new(o, "kind", json_string(bs_account_kind_name(a->kind)));
	json_object_set_new(o, "state", json_string(a->state));
	if (a->expires_us)
		bs_time_format(a->expires_us, t);
	json_object_set_new(o, "expires", a->expires_us ? json_string(t) : json_null());
	if (a->last_login_us)
		bs_time_format(a->last_login_us, t);
	json_object_set_new(o, "last_login", a->last_login_us ? json_string(t) : json_null());
	json_object_set_new(o, "locked", json_boolean(a->locked_until_us > bs_clock_now()));
	json_object_set_new(o, "must_change_password", json_boolean(a->must_change));
	json_object_set_new(o, "totp", json_boolean(a->totp_enrolled));
	return o;
}

static void h_users(struct bs_http_ctx *c)
{
	struct bs_account *v;
	size_t n;
	int err = bs_account_list(c->dd->store, 0, &v, &n);
	if (err < 0)
		return bs_http_fail(c, err);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, account_json(&v[i]));
	free(v);
	bs_http_json(c, 200, json_pack("{s:o}", "users", a));
}

static void h_user_get(struct bs_http_ctx *c)
{
	struct bs_account a;
	int err;
	if ((err = bs_username_check(c->param)) < 0 || (err = bs_account_get(c->dd->store, c->param, &a)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, account_json(&a));
}

static void h_user_create(struct bs_http_ctx *c)
{
	int bad = 0, err;
	const char *u = jstr(c, "username", 64, &bad), *role = jstr(c, "role", 32, &bad),
		   *name = jstr(c, "full_name", 200, &bad), *kind = jstr(c, "kind", 16, &bad),
		   *exp = jstr(c, "expires", 40, &bad);
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

static void h_user_patch(struct bs_http_ctx *c)
{
	int bad = 0, err = 0;
	const char *role = jstr(c, "role", 32, &bad), *state = jstr(c, "state", 16, &bad);
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
	h_user_get(c);
}

static void h_user_delete(struct bs_http_ctx *c)
{
	int err;
	if ((err = bs_username_check(c->param)) < 0 ||
	    (err = bs_account_set_state(c->dd, &c->who, c->param, "deleted", NULL)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, json_pack("{s:s,s:s}", "username", c->param, "state", "deleted"));
}

static void h_user_reset(struct bs_http_ctx *c)
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

static void h_user_unlock(struct bs_http_ctx *c)
{
	int err;
	if ((err = bs_username_check(c->param)) < 0 || (err = bs_account_unlock(c->dd, &c->who, c->param)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, json_pack("{s:s,s:b}", "username", c->param, "unlocked", 1));
}

static void h_policy(struct bs_http_ctx *c)
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

static void h_controls(struct bs_http_ctx *c)
{
	const struct bs_catalog *cat;
	int err = bs_catalog_builtin(&cat);
	if (err < 0)
		return bs_http_fail(c, err);
	json_t *a = json_array();
	for (size_t i = 0; i < cat->n; i++)
		json_array_append_new(a, bs_jsonview_control(&cat->v[i]));
	bs_http_json(c, 200, json_pack("{s:o}", "controls", a));
}

static void h_control(struct bs_http_ctx *c)
{
	const struct bs_catalog *cat;
	const struct bs_control *ctl;
	int err = bs_catalog_builtin(&cat);
	if (err < 0)
		return bs_http_fail(c, err);
	if (!(ctl = bs_catalog_find(cat, c->param)))
		return bs_http_error(c, 404, "not_found", "no control '%.64s' in the catalog: ids look like SR.4.5, "
				     "A2.5.4.2.3", c->param);
	bs_http_json(c, 200, bs_jsonview_control(ctl));
}

/* The status document is the most requested and the most expensive (every evaluator, then
 * ~60 KiB of JSON): each thread keeps the last one and reuses it while the day and the
 * database are unchanged (no commit by any connection, no write by this one). */
static void h_status(struct bs_http_ctx *c)
{
	const struct bs_catalog *cat;
	struct bs_status st;
	sqlite3 *db = bs_store_sqlite(c->dd->store);
	sqlite3_stmt *q;
	int64_t dv = -1;
	int32_t day = bs_days_from_time(bs_clock_now());
	int err;

	if ((err = bs_store_prepare(c->dd->store, "PRAGMA data_version", &q)) < 0)
		return bs_http_fail(c, err);
	if (sqlite3_step(q) == SQLITE_ROW)
		dv = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	struct bs_http_cache *k = c->cache;
	if (k->json && k->day == day && k->data_version == dv && k->total_changes == sqlite3_total_changes64(db)) {
		c->status = 200;
		bs_buf_clear(&c->out);
		bs_buf_put(&c->out, k->json, k->len);
		c->content_type = "application/json";
		return;
	}
	if ((err = bs_catalog_builtin(&cat)) < 0 || (err = bs_status_compute(c->dd, cat, day, &st)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, bs_jsonview_status(&st, NULL));
	bs_status_release(&st);
	free(k->json);
	k->json = bs_strndup(c->out.ptr, c->out.len);
	k->len = c->out.len;
	k->day = day;
	k->data_version = dv;
	k->total_changes = sqlite3_total_changes64(db);
}

static int evidence_one(const struct bs_evidence *e, void *ctx)
{
	json_array_append_new(ctx, json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)e->id,
					     "control_id", e->control_id, "sha256", e->sha256, "size",
					     (json_int_t)e->size, "name", e->name, "note", e->note, "created_at",
					     e->created_at, "created_by", e->created_by));
	return 0;
}

static void h_evidence(struct bs_http_ctx *c)
{
	json_t *a = json_array();
	int err = bs_evidence_each(c->dd->store, NULL, evidence_one, a);
	if (err < 0) {
		json_decref(a);
		return bs_http_fail(c, err);
	}
	bs_http_json(c, 200, json_pack("{s:o}", "evidence", a));
}

/* POST /events: NDJSON, one event object per line; all or nothing; answered after commit. */
static void h_events(struct bs_http_ctx *c)
{
	enum { MAXEV = 10000 };
	struct bs_event *ev = NULL;
	json_t **keep = NULL;
	size_t n = 0, cap = 0, line = 0;
	const char *p = c->body, *end = c->body + c->body_len;
	int err;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_error_t je;
		line++;
		if (len && p[len - 1] == '\r')
			len--;
		if (len == 0) {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (n == MAXEV) {
			bs_http_error(c, 413, "payload_too_large", "at most %d events per request", MAXEV);
			goto out;
		}
		json_t *o = json_loadb(p, len, JSON_REJECT_DUPLICATES, &je);
		if (!o || !json_is_object(o)) {
			json_decref(o);
			bs_http_error(c, 400, "invalid", "line %zu is not a JSON object: %s", line, o ? "" : je.text);
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ev = bs_realloc(ev, bs_size_mul(cap, sizeof(*ev)));
			keep = bs_realloc(keep, bs_size_mul(cap, sizeof(*keep)));
		}
		keep[n] = o;
		struct bs_event *e = &ev[n++];
		memset(e, 0, sizeof(*e));
		json_t *t = json_object_get(o, "type"), *sev = json_object_get(o, "severity"),
		       *data = json_object_get(o, "data");
		if (!json_is_string(t)) {
			bs_http_error(c, 400, "invalid", "line %zu: \"type\" (a string like \"app.login\") is required", line);
			goto out;
		}
		e->type = json_string_value(t);
		e->severity = sev ? (int)json_integer_value(sev) : 6;
		if (sev && (!json_is_integer(sev) || e->severity < 0 || e->severity > 7)) {
			bs_http_error(c, 400, "invalid", "line %zu: \"severity\" must be 0..7", line);
			goto out;
		}
		static const char *const fields[] = { "host", "system", "outcome", "message" };
		const char **dst[] = { &e->host, &e->system, &e->outcome, &e->message };
		for (int f = 0; f < 4; f++) {
			json_t *v = json_object_get(o, fields[f]);
			if (v && !json_is_string(v)) {
				bs_http_error(c, 400, "invalid", "line %zu: \"%s\" must be a string", line, fields[f]);
				goto out;
			}
			*dst[f] = v ? json_string_value(v) : NULL;
		}
		if (data) {
			if (!json_is_object(data)) {
				bs_http_error(c, 400, "invalid", "line %zu: \"data\" must be a JSON object", line);
				goto out;
			}
			char *d = json_dumps(data, JSON_COMPACT);
			json_object_set_new(o, "__data_text", json_string(d ? d : "{}"));
			free(d);
			e->data = json_string_value(json_object_get(o, "__data_text"));
		}
		e->source = c->source;
		e->user = c->who.username;
		p = nl ? nl + 1 : end;
	}
	if (n == 0) {
		bs_http_error(c, 400, "invalid", "the body holds no events: send one JSON object per line");
		goto out;
	}
	if (!c->dd->events && (err = bs_eventlog_open(&c->dd->events, c->dd->path)) < 0) {
		bs_http_fail(c, err);
		goto out;
	}
	if ((err = bs_eventlog_append(c->dd->events, ev, n)) < 0) {
		bs_http_fail(c, err);
		goto out;
	}
	bs_http_json(c, 200, json_pack("{s:I,s:I,s:I}", "accepted", (json_int_t)n, "first_seq", (json_int_t)ev[0].seq,
				       "last_seq", (json_int_t)ev[n - 1].seq));
out:
	for (size_t i = 0; i < n; i++)
		json_decref(keep[i]);
	free(keep);
	free(ev);
}

/* ---- registers (src/registry) and the deadlines (src/schedule) ---- */

const char *bs_http_query(struct bs_http_ctx *c, const char *key)
{
	return c->conn ? MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, key) : NULL;
}

static json_t *labels_json(const char *zh, const char *en)
{
	return json_pack("{s:s,s:s}", "zh-TW", zh ? zh : "", "en", en ? en : "");
}

static json_t *field_json(const struct bs_field *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(f->name));
	json_object_set_new(o, "type", json_string(bs_ftype_name(f->type)));
	json_object_set_new(o, "required", json_boolean(f->flags & BS_FF_REQUIRED));
	if (f->values) {
		json_t *a = json_array();
		for (size_t i = 0; f->values[i]; i++)
			json_array_append_new(a, json_string(f->values[i]));
		json_object_set_new(o, "values", a);
	}
	if (f->ref)
		json_object_set_new(o, "ref", json_string(f->ref));
	if (f->type == BS_FT_INT || f->type == BS_FT_NUM) {
		json_object_set_new(o, "min", json_integer((json_int_t)f->min));
		json_object_set_new(o, "max", json_integer((json_int_t)f->max));
	} else if (f->type == BS_FT_TEXT) {
		json_object_set_new(o, "max_bytes", json_integer(f->max ? (json_int_t)f->max : 500));
	}
	json_object_set_new(o, "default", f->def ? json_string(f->def) : json_null());
	json_object_set_new(o, "label", labels_json(f->zh, f->en));
	return o;
}

static void h_registers(struct bs_http_ctx *c)
{
	json_t *a = json_array();
	for (size_t i = 0; bs_registers[i]; i++) {
		const struct bs_register *r = bs_registers[i];
		json_t *fields = json_array();
		for (const struct bs_field *f = r->fields; f->name; f++)
			json_array_append_new(fields, field_json(f));
		json_array_append_new(a, json_pack("{s:s,s:o,s:s,s:b,s:o}", "name", r->name, "label",
						   labels_json(r->zh, r->en), "source", r->source, "csv", r->csv,
						   "fields", fields));
	}
	bs_http_json(c, 200, json_pack("{s:o}", "registers", a));
}

/* The register the path names: "/api/v1/registers/NAME[/...]"; NULL after a 404 reply. */
static const struct bs_register *path_register(struct bs_http_ctx *c)
{
	static const char pre[] = "/api/v1/registers/";
	const char *s = c->path + sizeof(pre) - 1, *e;
	char name[64];
	size_t n;

	if (strncmp(c->path, pre, sizeof(pre) - 1)) {
		bs_http_error(c, 404, "not_found", "no register in '%.200s': see GET /api/v1/registers", c->path);
		return NULL;
	}
	e = strchr(s, '/');
	n = e ? (size_t)(e - s) : strlen(s);
	if (n < sizeof(name)) {
		memcpy(name, s, n);
		name[n] = '\0';
		const struct bs_register *r = bs_register_find(name);
		if (r)
			return r;
	}
	bs_http_error(c, 404, "not_found", "no register '%.*s': see GET /api/v1/registers", (int)(n > 64 ? 64 : n), s);
	return NULL;
}

/* The record id in the path (the route's '*'); 0 after a 404 reply. */
static int64_t path_id(struct bs_http_ctx *c, const struct bs_register *r)
{
	const char *p = c->param;
	int64_t id = 0;
	size_t n = 0;

	for (; p && *p >= '0' && *p <= '9' && n < 18; p++, n++)
		id = id * 10 + (*p - '0');
	if (!p || *p || id <= 0) {
		bs_http_error(c, 404, "not_found", "no %s with id '%.32s': ids are whole numbers above 0, see "
			      "GET /api/v1/registers/%s?all=1", r->name, c->param ? c->param : "", r->name);
		return 0;
	}
	return id;
}

/* One value of a JSON body as the engine stores it. Every value goes through the parser the
 * CLI and CSV import use (bs_field_parse: dates, ranges, allowed values, one-line text): a
 * string as written, a number, true/false, or an array of strings/ids for set and refs
 * fields; null clears an optional field. The error names the register and the field. */
static int body_value(const struct bs_register *r, const struct bs_field *f, const json_t *v, json_t **out)
{
	struct bs_buf t = BS_BUF_INIT;
	int err = 0;

	*out = NULL;
	if (json_is_null(v)) {
		*out = json_null();
		return 0;
	}
	if (json_is_string(v)) {
		if (strlen(json_string_value(v)) != json_string_length(v))
			return bs_error(BS_EINVALID, "%s: field '%s' holds a NUL character", r->name, f->name);
		if (json_string_length(v) == 0)
			return bs_error(BS_EINVALID, "%s: field '%s' is empty: send null to clear it", r->name, f->name);
		bs_buf_puts(&t, json_string_value(v));
	} else if (json_is_integer(v)) {
		bs_buf_printf(&t, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		bs_buf_printf(&t, "%.15g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		bs_buf_puts(&t, json_is_true(v) ? "yes" : "no");
	} else if (json_is_array(v) && (f->type == BS_FT_SET || f->type == BS_FT_REFS)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			const json_t *e = json_array_get(v, i);
			if (i)
				bs_buf_putc(&t, ',');
			if (json_is_integer(e))
				bs_buf_printf(&t, "%lld", (long long)json_integer_value(e));
			else if (json_is_string(e) && json_string_length(e) && !strchr(json_string_value(e), ',') &&
				 strlen(json_string_value(e)) == json_string_length(e))
				bs_buf_puts(&t, json_string_value(e));
			else {
				bs_buf_release(&t);
				return bs_error(BS_EINVALID, "%s: field '%s': item %zu is not a value or an id", r->name,
						f->name, i + 1);
			}
		}
		if (t.len == 0) {
			bs_buf_release(&t);
			*out = json_null();
			return 0;
		}
	} else {
		return bs_error(BS_EINVALID, "%s: field '%s' takes a %s value, not a JSON %s", r->name, f->name,
				bs_ftype_name(f->type), json_is_array(v) ? "array" : "object");
	}
	if (bs_field_parse(f, t.ptr, out) < 0) {
		char why[300];
		snprintf(why, sizeof(why), "%s", bs_error_message());
		err = bs_error(BS_EINVALID, "%s: field '%s': %s", r->name, f->name, why);
	}
	bs_buf_release(&t);
	return err;
}

/* The body's fields, each parsed (body_value); add: the required fields must be there. New
 * object in *out, or an error naming the field. */
static int body_fields(struct bs_http_ctx *c, const struct bs_register *r, int add, json_t **out)
{
	json_t *res = json_object(), *v;
	const char *key;
	int err;

	*out = NULL;
	json_object_foreach(c->json, key, v) {
		const struct bs_field *f = bs_register_field(r, key);
		json_t *pv;
		if (!f) {
			json_decref(res);
			return bs_error(BS_EINVALID, "%s has no field '%.64s': see GET /api/v1/registers for its fields",
					r->name, key);
		}
		if ((err = body_value(r, f, v, &pv)) < 0) {
			json_decref(res);
			return err;
		}
		json_object_set_new(res, key, pv);
	}
	for (const struct bs_field *f = r->fields; f->name; f++) {
		json_t *g = json_object_get(res, f->name);
		if (!(f->flags & BS_FF_REQUIRED) || (add && f->def && !g) || (g && !json_is_null(g)) || (!add && !g))
			continue;
		json_decref(res);
		return bs_error(BS_EINVALID, "%s: field '%s' is required (%s)", r->name, f->name, f->en);
	}
	*out = res;
	return 0;
}

static int truthy(struct bs_http_ctx *c, const char *key, int *out)
{
	const char *v = bs_http_query(c, key);
	*out = 0;
	if (!v || !*v || !strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no"))
		return 0;
	if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes")) {
		*out = 1;
		return 0;
	}
	return bs_error(BS_EINVALID, "?%s='%.32s': use 1 or 0", key, v);
}

static void h_reg_list(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	json_t *recs;
	int all, err;

	if (!r)
		return;
	if ((err = truthy(c, "all", &all)) < 0 || (err = bs_reg_list(c->dd->store, r, all, &recs)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, json_pack("{s:s,s:o}", "register", r->name, "records", recs));
}

static void h_reg_add(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	json_t *fields, *rec;
	int err;

	if (!r)
		return;
	if ((err = body_fields(c, r, 1, &fields)) < 0)
		return bs_http_fail(c, err);
	err = bs_reg_add(c->dd, r, fields, 0, &rec);
	json_decref(fields);
	if (err < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 201, rec);
}

static void h_reg_get(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	int64_t id = r ? path_id(c, r) : 0;
	json_t *rec;
	int err;

	if (!id)
		return;
	if ((err = bs_reg_get(c->dd->store, r, id, &rec)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, rec);
}

static void h_reg_update(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	int64_t id = r ? path_id(c, r) : 0;
	json_t *changes, *rec;
	int err;

	if (!id)
		return;
	if ((err = body_fields(c, r, 0, &changes)) < 0)
		return bs_http_fail(c, err);
	if (json_object_size(changes) == 0) {
		json_decref(changes);
		return bs_http_error(c, 400, "invalid", "nothing to change: send the fields to change as a JSON "
				     "object, e.g. {\"owner\": \"IT\"}");
	}
	err = bs_reg_update(c->dd, r, id, changes, &rec);
	json_decref(changes);
	if (err < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, rec);
}

static void h_reg_archive(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	int64_t id = r ? path_id(c, r) : 0;
	json_t *rec;
	int err;

	if (!id)
		return;
	if ((err = bs_reg_archive(c->dd, r, id, &rec)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, rec);
}

static void h_reg_history(struct bs_http_ctx *c)
{
	const struct bs_register *r = path_register(c);
	int64_t id = r ? path_id(c, r) : 0;
	json_t *h;
	int err;

	if (!id)
		return;
	if ((err = bs_reg_history(c->dd->store, r, id, &h)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, json_pack("{s:s,s:I,s:o}", "register", r->name, "id", (json_int_t)id, "history", h));
}

/* ?NAME=N within [lo, hi]; *out unchanged when absent. */
static int query_int(struct bs_http_ctx *c, const char *key, int lo, int hi, int *out)
{
	const char *v = bs_http_query(c, key);
	char *end;
	long n;

	if (!v)
		return 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi)
		return bs_error(BS_EINVALID, "?%s='%.32s': give a whole number from %d to %d", key, v, lo, hi);
	*out = (int)n;
	return 0;
}

/* The duties as `brokersec due` computes them, with the options from the query:
 * as_of (default today), within, restore_test_months, account_review_months, lang. */
static int due_compute(struct bs_http_ctx *c, struct bs_duties *d, enum bs_lang *lang)
{
	struct bs_schedule_opts so;
	const char *as_of = bs_http_query(c, "as_of"), *l = bs_http_query(c, "lang");
	int32_t day;
	int within = BS_DUE_WITHIN_DEFAULT, restore = 12, review = 12, err;

	*lang = BS_LANG_ZH_TW;
	if (as_of) {
		if (bs_date_parse(as_of, &day) < 0)
			return bs_error(BS_EINVALID, "?as_of='%.32s' is not a date: write YYYY-MM-DD", as_of);
	} else {
		day = bs_days_from_time(bs_clock_now());
	}
	if ((err = query_int(c, "within", 0, BS_DUE_WITHIN_MAX, &within)) < 0 ||
	    (err = query_int(c, "restore_test_months", 1, 12, &restore)) < 0 ||
	    (err = query_int(c, "account_review_months", 1, 12, &review)) < 0)
		return err;
	if (l && bs_lang_parse(l, lang) < 0)
		return bs_error(BS_EINVALID, "?lang='%.32s': use zh-TW or en", l);
	bs_schedule_opts_default(&so, day);
	so.within = within;
	so.restore_test_months = restore;
	so.account_review_months = review;
	return bs_schedule_load(c->dd->store, &so, d);
}

static void h_due(struct bs_http_ctx *c)
{
	struct bs_duties d = { 0 };
	enum bs_lang lang;
	int err = due_compute(c, &d, &lang);
	if (err < 0)
		bs_http_fail(c, err);
	else
		bs_http_json(c, 200, bs_duties_json(&d, lang));
	bs_duties_release(&d);
}

static void h_due_ics(struct bs_http_ctx *c)
{
	struct bs_duties d = { 0 };
	enum bs_lang lang;
	int err = due_compute(c, &d, &lang);
	if (err < 0) {
		bs_http_fail(c, err);
	} else {
		c->status = 200;
		bs_buf_clear(&c->out);
		bs_duties_ics(&d, lang, bs_clock_now(), &c->out);
		c->content_type = "text/calendar; charset=utf-8";
	}
	bs_duties_release(&d);
}

/* ---- reading the event log (src/eventlog; A2.4.1.7.6) ---- */

#define EVENTS_LIMIT_DEFAULT 100
#define EVENTS_LIMIT_MAX 1000
#define EVENTS_BYTES_MAX (8u << 20) /* a reply stops (truncated) before it grows past this */

static const char *const events_args[] = { "from", "to", "type", "user", "host", "limit", NULL };

static enum MHD_Result unknown_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	const char **first = cls;
	(void)kind;
	(void)value;
	for (size_t i = 0; events_args[i]; i++)
		if (key && !strcmp(key, events_args[i]))
			return MHD_YES;
	*first = key ? key : "";
	return MHD_NO;
}

/* ?from / ?to: RFC 3339 or a date (a date as ?to means the end of that day, as in
 * `log search --to`). 0 when absent or valid, else a 400 reply has been set. */
static int events_time(struct bs_http_ctx *c, const char *key, int end_of_day, int64_t *out)
{
	const char *v = bs_http_query(c, key);
	if (!v)
		return 0;
	if (bs_time_parse(v, out) < 0) {
		bs_http_error(c, 400, "invalid", "?%s='%.40s' is not a time: write RFC 3339 (2026-11-27T08:00:00Z) "
			      "or a date (2026-11-27)", key, v);
		return -1;
	}
	if (end_of_day && strlen(v) == 10)
		*out += 86400LL * 1000000 - 1;
	return 0;
}

/* ?type / ?user / ?host: NULL when absent; a 400 reply (and *bad) when empty or too long, or
 * for type when it is not an event type ([a-z0-9._-], as append enforces). */
static const char *events_text(struct bs_http_ctx *c, const char *key, size_t max, int is_type, int *bad)
{
	const char *v = bs_http_query(c, key);
	size_t n;

	if (!v || *bad)
		return NULL;
	n = strlen(v);
	int ok = n > 0 && n <= max;
	for (size_t i = 0; ok && is_type && i < n; i++)
		ok = (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '.' || v[i] == '_' ||
		     v[i] == '-';
	if (!ok) {
		*bad = 1;
		bs_http_error(c, 400, "invalid", is_type ? "?type='%.40s': give an event type of 1 to %zu characters "
			      "a-z 0-9 . _ - (a prefix like 'auth' matches 'auth.denied')" : "?%s: give 1 to %zu bytes",
			      is_type ? v : key, max);
		return NULL;
	}
	return v;
}

struct events_read {
	json_t *events;
	size_t limit, bytes;
	int truncated;
};

static int events_one(const struct bs_event *ev, void *p)
{
	struct events_read *r = p;
	size_t sz = 512 + (ev->message ? strlen(ev->message) : 0) + (ev->data ? strlen(ev->data) : 0);

	if (json_array_size(r->events) == r->limit || r->bytes + sz > EVENTS_BYTES_MAX) {
		r->truncated = 1;
		return 1;
	}
	r->bytes += sz;
	json_array_append_new(r->events, bs_jsonview_event(ev));
	return 0;
}

/* GET /events: the events `brokersec log search` finds with the same filters, oldest first,
 * the first ?limit of them; the read is itself an event (actor and source of the request),
 * recorded before anything is read. */
static void h_events_read(struct bs_http_ctx *c)
{
	struct bs_event_filter f;
	struct events_read r = { NULL, EVENTS_LIMIT_DEFAULT, 0, 0 };
	const char *unknown = NULL;
	int limit = EVENTS_LIMIT_DEFAULT, bad = 0, err;

	memset(&f, 0, sizeof(f));
	if (c->conn)
		MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, unknown_arg, &unknown);
	if (unknown)
		return bs_http_error(c, 400, "invalid", "unknown argument '%.40s': GET /events takes from, to, type, "
				     "user, host and limit", unknown);
	if (events_time(c, "from", 0, &f.from_us) < 0 || events_time(c, "to", 1, &f.to_us) < 0)
		return;
	if (f.from_us && f.to_us && f.to_us < f.from_us)
		return bs_http_error(c, 400, "invalid", "?to is before ?from: give a range that runs forward in time");
	f.type = events_text(c, "type", 64, 1, &bad);
	f.user = events_text(c, "user", 256, 0, &bad);
	f.host = events_text(c, "host", 256, 0, &bad);
	if (bad)
		return;
	if ((err = query_int(c, "limit", 1, EVENTS_LIMIT_MAX, &limit)) < 0)
		return bs_http_fail(c, err);
	r.limit = (size_t)limit;
	f.limit = limit + 1; /* one more tells whether there are more */

	/* what was asked for goes into the read event */
	json_t *asked = json_object();
	for (size_t i = 0; events_args[i]; i++) {
		const char *v = bs_http_query(c, events_args[i]);
		if (v)
			json_object_set_new(asked, events_args[i], json_string(v));
	}
	char *data = json_dumps(asked, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(asked);
	err = bs_eventlog_audit_read(c->dd, data, "log search (GET /api/v1/events)");
	free(data);
	if (err < 0)
		return bs_http_fail(c, err);

	r.events = json_array();
	if ((err = bs_eventlog_each(c->dd->path, &f, events_one, &r)) < 0) {
		json_decref(r.events);
		return bs_http_fail(c, err);
	}
	bs_http_json(c, 200, json_pack("{s:o,s:b}", "events", r.events, "truncated", r.truncated));
}

/* GET /events/status: what `brokersec log status --format json` shows. */
static void h_events_status(struct bs_http_ctx *c)
{
	struct bs_eventlog_status s;
	struct bs_intake_stats in;
	char *path;
	int err;

	if ((err = bs_eventlog_status(c->dd->path, &s)) < 0)
		return bs_http_fail(c, err);
	path = bs_intake_stats_file(c->dd->path);
	err = bs_intake_stats_read(path, &in);
	if (err < 0 && err != BS_ENOTFOUND)
		fprintf(stderr, "brokersec serve: %s\n", bs_error_message());
	free(path);
	json_t *j = bs_eventlog_status_json(&s);
	json_object_set_new(j, "intake", bs_intake_stats_json(err == 0 ? &in : NULL));
	bs_http_json(c, 200, j);
}

static void h_openapi(struct bs_http_ctx *c)
{
	size_t len;
	const char *y = bs_http_openapi(&len);
	c->status = 200;
	bs_buf_clear(&c->out);
	bs_buf_put(&c->out, y, len);
	c->content_type = "application/yaml";
}

/* THE route table: method, path, the permission it needs, how it may be reached. */
const struct bs_route bs_http_routes[] = {
	{ "POST", "/api/v1/session", BS_PERM_NONE, R_JSON | R_THROTTLE, h_login },
	{ "DELETE", "/api/v1/session", BS_PERM_SELF, R_PRE, h_logout },
	{ "GET", "/api/v1/me", BS_PERM_SELF, R_PRE, h_me },
	{ "POST", "/api/v1/me/password", BS_PERM_SELF, R_PRE | R_JSON | R_THROTTLE, h_password },
	{ "POST", "/api/v1/me/totp", BS_PERM_SELF, R_PRE | R_JSON | R_THROTTLE, h_totp_enroll },
	{ "POST", "/api/v1/me/totp/confirm", BS_PERM_SELF, R_PRE | R_JSON | R_THROTTLE, h_totp_confirm },
	{ "POST", "/api/v1/password-reset", BS_PERM_NONE, R_JSON | R_THROTTLE, h_reset },
	{ "GET", "/api/v1/users", BS_PERM_USERS_READ, 0, h_users },
	{ "POST", "/api/v1/users", BS_PERM_USERS_WRITE, R_JSON, h_user_create },
	{ "GET", "/api/v1/users/*", BS_PERM_USERS_READ, 0, h_user_get },
	{ "PATCH", "/api/v1/users/*", BS_PERM_USERS_WRITE, R_JSON, h_user_patch },
	{ "DELETE", "/api/v1/users/*", BS_PERM_USERS_WRITE, 0, h_user_delete },
	{ "POST", "/api/v1/users/*/reset", BS_PERM_USERS_RESET, 0, h_user_reset },
	{ "POST", "/api/v1/users/*/unlock", BS_PERM_USERS_RESET, 0, h_user_unlock },
	{ "GET", "/api/v1/policy", BS_PERM_POLICY_READ, 0, h_policy },
	{ "GET", "/api/v1/controls", BS_PERM_CONTROLS_READ, R_TOKEN, h_controls },
	{ "GET", "/api/v1/controls/*", BS_PERM_CONTROLS_READ, R_TOKEN, h_control },
	{ "GET", "/api/v1/status", BS_PERM_STATUS_READ, R_TOKEN, h_status },
	{ "GET", "/api/v1/evidence", BS_PERM_EVIDENCE_READ, R_TOKEN, h_evidence },
	{ "POST", "/api/v1/events", BS_PERM_EVENTS_APPEND, R_TOKEN | R_TOKEN_ONLY | R_BIG, h_events },
	{ "GET", "/api/v1/events", BS_PERM_EVENTS_READ, 0, h_events_read },
	{ "GET", "/api/v1/events/status", BS_PERM_EVENTS_READ, R_TOKEN, h_events_status },
	{ "GET", "/api/v1/registers", BS_PERM_REGISTERS_READ, 0, h_registers },
	{ "GET", "/api/v1/registers/*", BS_PERM_REGISTERS_READ, 0, h_reg_list },
	{ "POST", "/api/v1/registers/*", BS_PERM_REGISTERS_WRITE, R_JSON, h_reg_add },
	/* a route has one '*' segment: the record routes are spelled out per register (the
	 * handler takes the register from the path); tests/cli/t0208 checks every register
	 * of GET /registers has them */
#define REG_ROUTES(name)                                                                                    \
	{ "GET", "/api/v1/registers/" name "/*", BS_PERM_REGISTERS_READ, 0, h_reg_get },                    \
	{ "PATCH", "/api/v1/registers/" name "/*", BS_PERM_REGISTERS_WRITE, R_JSON, h_reg_update },         \
	{ "GET", "/api/v1/registers/" name "/*/history", BS_PERM_REGISTERS_READ, 0, h_reg_history },        \
	{ "POST", "/api/v1/registers/" name "/*/archive", BS_PERM_REGISTERS_WRITE, 0, h_reg_archive },
	REG_ROUTES("asset") REG_ROUTES("system") REG_ROUTES("device") REG_ROUTES("person")
	REG_ROUTES("training") REG_ROUTES("job-change") REG_ROUTES("vendor") REG_ROUTES("app")
	REG_ROUTES("policy-doc") REG_ROUTES("incident") REG_ROUTES("disposal") REG_ROUTES("drill")
	REG_ROUTES("plan") REG_ROUTES("assessment") REG_ROUTES("backup") REG_ROUTES("account-review")
#undef REG_ROUTES
	{ "GET", "/api/v1/due", BS_PERM_REGISTERS_READ, R_TOKEN, h_due },
	{ "GET", "/api/v1/due.ics", BS_PERM_REGISTERS_READ, R_TOKEN, h_due_ics },
	{ "GET", "/api/v1/openapi.yaml", BS_PERM_NONE, 0, h_openapi },
};
const size_t bs_http_nroutes = sizeof(bs_http_routes) / sizeof(bs_http_routes[0]);
