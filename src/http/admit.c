/* admit.c - THE choke point: every request is matched against the route table (api.c) and,
 * on its head alone, before any byte of a body is read, throttled, authenticated and checked
 * for CSRF, pending changes and the permission its route names. Handlers never check
 * permissions themselves; every refusal is an event. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "http/http_int.h"

/* "/api/v1/registers/ * / *" (without the spaces) matches "/api/v1/registers/system/12":
 * each '*' is one non-empty path segment. The segments are copied into buf (cap bytes for all
 * of them, each NUL-terminated) and params[] points at them, NULL beyond the last; on no
 * match params[] is all NULL. */
static int match(const char *pattern, const char *path, char *buf, size_t cap, const char *params[BS_HTTP_PARAMS])
{
	const char *p = pattern, *s = path;
	size_t used = 0, n = 0;

	for (size_t i = 0; i < BS_HTTP_PARAMS; i++)
		params[i] = NULL;
	while (*p) {
		if (*p != '*') {
			if (*p++ != *s++)
				goto none;
			continue;
		}
		size_t sl = strcspn(s, "/");
		if (sl == 0 || n == BS_HTTP_PARAMS || sl >= cap - used)
			goto none;
		memcpy(buf + used, s, sl);
		buf[used + sl] = '\0';
		params[n++] = buf + used;
		used += sl + 1;
		s += sl;
		p++;
	}
	if (!*s)
		return 1;
none:
	for (size_t i = 0; i < BS_HTTP_PARAMS; i++)
		params[i] = NULL;
	return 0;
}

/* A refusal of a signed-in account: always an event of its own. */
static void deny(struct bs_http_ctx *c, int status, const char *code, const char *why)
{
	bs_http_log_refusal(c, "auth.denied", -1, why);
	bs_http_error(c, status, code, "%s", why);
}

/* A refusal of a client that is not signed in. */
static void deny_anon(struct bs_http_ctx *c, int status, const char *code, const char *why)
{
	bs_http_log_refusal(c, "auth.denied", BS_REFUSAL_DENIED, why);
	bs_http_error(c, status, code, "%s", why);
}

/* On the request head alone, before any byte of a body is read (so a client that may not
 * send one costs no memory): find the route, throttle, authenticate, check CSRF, pending
 * changes and the permission. Returns the route, or NULL when c holds the answer. */
const struct bs_route *bs_http_admit(struct bs_http_ctx *c, char *buf, size_t cap, const char *authz,
				     const char *csrf)
{
	const struct bs_route *r = NULL;
	char why[256];
	int path_known = 0, err;

	for (size_t i = 0; i < bs_http_nroutes; i++) {
		if (!match(bs_http_routes[i].pattern, c->path, buf, cap, c->params))
			continue;
		path_known = 1;
		if (!strcmp(bs_http_routes[i].method, c->method) ||
		    (!strcmp(c->method, "HEAD") && !strcmp(bs_http_routes[i].method, "GET"))) {
			r = &bs_http_routes[i];
			break;
		}
	}
	if (!r) {
		struct bs_buf p = BS_BUF_INIT;
		bs_http_put_escaped(&p, c->path, 200);
		if (path_known)
			bs_http_error(c, 405, "method_not_allowed", "%s is not allowed on %s: see /api/v1/openapi.yaml",
				      c->method, p.ptr);
		else
			bs_http_error(c, 404, "not_found", "no such endpoint '%s': see /api/v1/openapi.yaml", p.ptr);
		bs_buf_release(&p);
		return NULL;
	}
	if (r->flags & R_THROTTLE) {
		struct bs_policy pol;
		if ((err = bs_policy_load(c->dd->store, &pol)) < 0)
			return bs_http_fail(c, err), NULL;
		if (bs_throttle_hit(c->source, (int)pol.v[BS_POL_THROTTLE_PER_MIN], bs_clock_now(), &c->retry_after) < 0) {
			bs_http_log_refusal(c, "auth.throttled", BS_REFUSAL_THROTTLED, "too many attempts");
			bs_http_error(c, 429, "too_many_requests", "too many attempts from %s: wait %d seconds", c->source,
				      c->retry_after);
			return NULL;
		}
	}
	if (r->perm == BS_PERM_NONE)
		return r;

	/* authenticate: a session cookie, or an API token where the route accepts one */
	if (authz && !strncmp(authz, "Bearer ", 7)) {
		if (!(r->flags & R_TOKEN))
			return deny_anon(c, 401, "unauthorized", "API tokens are not accepted on this endpoint: sign in"), NULL;
		if ((err = bs_token_check(c->dd, authz + 7, r->perm, &c->who)) < 0) {
			if (err != BS_EDENIED)
				return bs_http_fail(c, err), NULL;
			snprintf(why, sizeof(why), "%s", bs_error_message());
			if (c->who.account_id) {
				/* a valid token without the scope: its account is known (RFC 6750 3.1) */
				c->dd->actor = c->who.username;
				c->www_auth = "Bearer error=\"insufficient_scope\"";
				return deny(c, 403, "forbidden", why), NULL;
			}
			c->www_auth = "Bearer error=\"invalid_token\"";
			return deny_anon(c, 401, "unauthorized", why), NULL;
		}
		c->via_token = 1;
		c->dd->actor = c->who.username;
		return r;
	}
	if (r->flags & R_TOKEN)
		c->www_auth = "Bearer";
	if (r->flags & R_TOKEN_ONLY)
		return deny_anon(c, 401, "unauthorized", "this endpoint takes an API token (Authorization: Bearer ...)"),
		       NULL;
	if ((err = bs_session_check(c->dd, c->session_id, c->source, &c->who)) < 0) {
		if (err != BS_EDENIED)
			return bs_http_fail(c, err), NULL;
		return deny_anon(c, 401, "unauthorized", "not signed in or the session has ended: sign in with "
				 "POST /api/v1/session"),
		       NULL;
	}
	c->www_auth = NULL;
	c->dd->actor = c->who.username;
	if (strcmp(c->method, "GET") && strcmp(c->method, "HEAD") && !bs_session_csrf_ok(c->dd, c->session_id, csrf))
		return deny(c, 403, "csrf", "missing or wrong X-CSRF-Token header: send the csrf_token from sign-in"), NULL;
	if ((c->who.must_change || c->who.must_enroll_totp) && !(r->flags & R_PRE))
		return deny(c, 403, c->who.must_change ? "password_change_required" : "totp_enrolment_required",
			    c->who.must_change ? "the password must be changed first: POST /api/v1/me/password"
					       : "a TOTP second factor must be set up first: POST /api/v1/me/totp"),
		       NULL;
	if (!bs_role_has(c->who.role, r->perm)) {
		snprintf(why, sizeof(why), "role %s does not have the permission %s", bs_role_name(c->who.role),
			 bs_perm_name(r->perm));
		return deny(c, 403, "forbidden", why), NULL;
	}
	return r;
}

/* With the whole body: check it is the JSON the route wants, then run the handler. */
void bs_http_run(struct bs_http_ctx *c, const struct bs_route *r, const char *ctype)
{
	if (r->flags & R_JSON) {
		json_error_t je;
		if (!ctype || strncmp(ctype, "application/json", 16))
			return bs_http_error(c, 415, "unsupported_media_type", "send the body as Content-Type: "
					     "application/json");
		c->json = json_loadb(c->body ? c->body : "", c->body_len, JSON_REJECT_DUPLICATES, &je);
		if (!c->json || !json_is_object(c->json))
			return bs_http_error(c, 400, "invalid", "the body is not a JSON object (line %d: %s)", je.line,
					     c->json ? "not an object" : je.text);
	}
	if ((r->flags & R_ZIP) && (!ctype || strncmp(ctype, "application/zip", 15)))
		return bs_http_error(c, 415, "unsupported_media_type", "send the body as Content-Type: application/zip "
				     "(the bundle scripts/windows/brokersec-collect.ps1 makes)");
	if ((r->flags & R_CSV) && (!ctype || strncmp(ctype, "text/csv", 8)))
		return bs_http_error(c, 415, "unsupported_media_type", "send the body as Content-Type: text/csv "
				     "(UTF-8, a header row of field names)");
	r->fn(c);
}
