/* api_session.c - signing in and out, the signed-in account, its password and TOTP second
 * factor, and the use of a reset token (src/auth). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "http/http_int.h"

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

void bs_api_login(struct bs_http_ctx *c)
{
	int bad = 0, err;
	const char *u = bs_api_jstr(c, "username", 64, &bad), *p = bs_api_jstr(c, "password", BS_PASSWORD_MAX, &bad),
		   *t = bs_api_jstr(c, "totp", 8, &bad);
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

void bs_api_logout(struct bs_http_ctx *c)
{
	int err = bs_session_end(c->dd, c->session_id);
	if (err < 0)
		return bs_http_fail(c, err);
	bs_http_set_cookie(c, NULL);
	bs_http_json(c, 200, json_pack("{s:b}", "signed_out", 1));
}

void bs_api_me(struct bs_http_ctx *c)
{
	struct bs_account a;
	int err = bs_account_get(c->dd->store, c->who.username, &a);
	if (err < 0)
		return bs_http_fail(c, err);
	json_t *o = session_json(&c->who);
	json_object_set_new(o, "full_name", json_string(a.full_name));
	json_object_set_new(o, "totp", json_boolean(a.totp_enrolled));
	json_object_set_new(o, "totp_cli_only", json_boolean(a.totp_cli_only));
	/* a demo data directory (datadir.h): the web UI shows its banner on every page */
	json_object_set_new(o, "demo", json_boolean(c->dd->demo));
	/* the role's permissions (src/auth/perm.c), for a page to offer only what the API allows */
	json_t *perms = json_array();
	for (int p = BS_PERM_SELF; p < BS_PERM_COUNT; p++)
		if (bs_role_has(c->who.role, (enum bs_perm)p))
			json_array_append_new(perms, json_string(bs_perm_name((enum bs_perm)p)));
	json_object_set_new(o, "permissions", perms);
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

void bs_api_password(struct bs_http_ctx *c)
{
	int bad = 0, err;
	const char *cur = bs_api_jstr(c, "current_password", BS_PASSWORD_MAX, &bad),
		   *nw = bs_api_jstr(c, "new_password", BS_PASSWORD_MAX, &bad);
	if (bad || !cur || !nw)
		return bs_http_error(c, 400, "invalid", "send {\"current_password\": ..., \"new_password\": ...}");
	/* every other session of the account ends; this one is rotated below */
	if ((err = bs_account_change_password(c->dd, c->who.username, cur, nw, c->session_id)) < 0)
		return bs_http_fail(c, err);
	c->who.must_change = 0;
	rotated(c, json_pack("{s:b}", "changed", 1));
}

void bs_api_totp_enroll(struct bs_http_ctx *c)
{
	unsigned char secret[BS_TOTP_SECRET_BYTES];
	char b32[64];
	struct bs_buf uri = BS_BUF_INIT;
	int bad = 0, err;
	const char *pw = bs_api_jstr(c, "password", BS_PASSWORD_MAX, &bad);

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

void bs_api_totp_confirm(struct bs_http_ctx *c)
{
	int bad = 0, err;
	const char *code = bs_api_jstr(c, "code", 8, &bad);
	if (bad || !code)
		return bs_http_error(c, 400, "invalid", "send {\"code\": \"123456\"} from the authenticator app");
	if ((err = bs_account_totp_confirm(c->dd, c->who.username, code)) < 0)
		return bs_http_fail(c, err);
	c->who.must_enroll_totp = 0;
	rotated(c, json_pack("{s:b}", "totp", 1));
}

void bs_api_reset(struct bs_http_ctx *c)
{
	int bad = 0, err;
	const char *tok = bs_api_jstr(c, "token", 128, &bad), *nw = bs_api_jstr(c, "new_password", BS_PASSWORD_MAX, &bad);
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
