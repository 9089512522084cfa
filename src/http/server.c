/* server.c - libmicrohttpd glue: TLS, limits, headers, the request head and body, and the one
 * choke point where every route's permission is checked (admit(), on the head, before any
 * body is read). */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/tls_policy.h"
#include "core/whoami.h"
#include "eventlog/eventlog.h"
#include "http/http_int.h"

/* TLS 1.3 only by default. TLS 1.2 (serve --tls-min 1.2, for legacy clients) brings TLS 1.2
 * renegotiation with it: a ClientHello on an established TLS 1.2 connection makes
 * gnutls_record_recv() return GNUTLS_E_REHANDSHAKE, which libmicrohttpd 0.9.75 treats as a
 * hard error: it answers with close_notify and closes the connection, so no second handshake
 * is ever computed. libmicrohttpd has no option to do otherwise (nor to send a
 * no_renegotiation alert), and testssl.sh 3.0.8 reads "closed" after a renegotiation
 * attempt as "VULNERABLE, DoS threat" (HIGH) in some runs: see docs/tls.md. TLS 1.3 has no
 * renegotiation at all. The suites: core/tls_policy.h. */
const char bs_http_tls_priorities[] = BS_TLS13;
const char bs_http_tls12_priorities[] = BS_TLS12;

struct bs_http {
	struct MHD_Daemon *d;
	char *datadir;
	char *cert, *key;
	pthread_key_t tkey;
	struct bs_http_conns *conns;
	struct bs_refusals *refusals;
	struct bs_datadir *tick_dd;     /* the timer thread's handle, for the refusal summaries */
	atomic_size_t buffered;         /* request body bytes held, all connections (BS_HTTP_BODY_BUDGET) */
	pthread_mutex_t note_mu;        /* the server-log line about refusals that could not be logged */
	int64_t note_us, note_lost;
};

/* One request, from its request line to the end of its response. */
struct req {
	struct bs_http *h;
	const char *raw_uri;            /* the request line's URL as received (uri_logger) */
	size_t raw_uri_len;             /* strlen at that time: shorter than the URL when it holds a NUL */
	int nul_escape;                 /* the URL holds %00 */
	int started;                    /* the head has been checked (the access handler's first call) */
	int refused;                    /* the reply in c is final; the body, if any, is read and dropped */
	int has_ctx;
	const struct bs_route *route;
	char param[256];
	char source[INET6_ADDRSTRLEN + 1];
	struct bs_http_ctx c;
	char *body;
	size_t len, cap, reserved, limit;
	int too_large, over_budget;
};

/* Each server thread keeps its own data-directory handle (its own SQLite connections):
 * SQLite transactions belong to a connection, so sharing one across threads would mix
 * them. Freed when the thread ends. */
struct tstate {
	struct bs_datadir *dd;
	struct bs_http_cache cache;
};

static void thread_free(void *p)
{
	struct tstate *ts = p;
	bs_datadir_free(ts->dd);
	free(ts->cache.json);
	free(ts);
}

static struct tstate *thread_state(struct bs_http *h)
{
	struct tstate *ts = pthread_getspecific(h->tkey);
	if (!ts) {
		struct bs_datadir *dd;
		if (bs_datadir_open(&dd, h->datadir) < 0)
			return NULL;
		ts = bs_calloc(1, sizeof(*ts));
		ts->dd = dd;
		ts->cache.day = -1;
		(void)pthread_setspecific(h->tkey, ts);
	}
	return ts;
}

void bs_http_json(struct bs_http_ctx *c, int status, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	c->status = status;
	bs_buf_clear(&c->out);
	bs_buf_puts(&c->out, s ? s : "{}");
	free(s);
	c->content_type = "application/json";
}

void bs_http_error(struct bs_http_ctx *c, int status, const char *code, const char *fmt, ...)
{
	struct bs_buf m = BS_BUF_INIT;
	va_list ap;
	json_t *o = json_object(), *e = json_object();

	va_start(ap, fmt);
	bs_buf_vprintf(&m, fmt, ap);
	va_end(ap);
	json_object_set_new(e, "code", json_string(code));
	json_object_set_new(e, "message", json_string(m.ptr));
	json_object_set_new(o, "error", e);
	bs_buf_release(&m);
	bs_http_json(c, status, o);
}

void bs_http_fail(struct bs_http_ctx *c, int err)
{
	const char *msg = bs_error_message();
	switch (err) {
	case BS_ENOTFOUND: bs_http_error(c, 404, "not_found", "%s", msg); break;
	case BS_EEXISTS: bs_http_error(c, 409, "exists", "%s", msg); break;
	case BS_EDENIED: bs_http_error(c, 403, "forbidden", "%s", msg); break;
	case BS_EINVALID: bs_http_error(c, 400, "invalid", "%s", msg); break;
	case BS_ECONFLICT: bs_http_error(c, 409, "conflict", "%s", msg); break;
	default:
		/* internal detail (paths, SQLite text) goes to the server's log, not the client */
		fprintf(stderr, "brokersec serve: %s %s: %s\n", c->method, c->path, msg);
		bs_http_error(c, 500, "internal", "the server could not complete the request: the administrator "
			      "finds the reason in the server log");
	}
}

void bs_http_set_cookie(struct bs_http_ctx *c, const char *id)
{
	if (id)
		snprintf(c->cookie, sizeof(c->cookie),
			 "__Host-bs_session=%s; Path=/; Secure; HttpOnly; SameSite=Strict", id);
	else
		snprintf(c->cookie, sizeof(c->cookie),
			 "__Host-bs_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
}

/* "/api/v1/users/ *" matches "/api/v1/users/alice"; the segment goes to param. */
static int match(const char *pattern, const char *path, char *param, size_t cap)
{
	const char *star = strchr(pattern, '*');
	if (!star)
		return !strcmp(pattern, path);
	size_t pre = (size_t)(star - pattern);
	if (strncmp(pattern, path, pre))
		return 0;
	const char *seg = path + pre, *end = strchr(seg, '/');
	size_t sl = end ? (size_t)(end - seg) : strlen(seg);
	if (sl == 0 || sl >= cap)
		return 0;
	if (strcmp(star + 1, end ? end : ""))
		return 0;
	memcpy(param, seg, sl);
	param[sl] = '\0';
	return 1;
}

/* ---- refusals ---- */

/* The length of the valid UTF-8 sequence at p (1 for ASCII), 0 when the bytes are not one. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0], cp, min;
	size_t l;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		l = 2, cp = c & 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		l = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		l = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (l > n)
		return 0;
	for (size_t i = 1; i < l; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f)
		return 0; /* overlong, beyond Unicode, a surrogate, or a C1 control */
	return l;
}

/* Appends s to b as printable UTF-8 of at most max bytes (and "..." when s is longer):
 * control characters, bytes that are not UTF-8 (a URL decodes to any bytes: /users/%ff) and
 * the backslash become \xNN. The event log takes only valid text, a refusal must not go
 * unrecorded for want of it, and its event must stay small whatever the URL. */
static void put_escaped(struct bs_buf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, l, start = b->len, need;

	while (i < n) {
		l = utf8_seq(p + i, n - i);
		if (l == 1 && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			need = 1;
		else
			need = l > 1 ? l : 4;
		if (b->len - start + need > max)
			break;
		if (need == 4 && l <= 1)
			bs_buf_printf(b, "\\x%02x", p[i++]);
		else {
			bs_buf_put(b, p + i, need);
			i += need;
		}
	}
	if (i < n)
		bs_buf_puts(b, "...");
	if (!b->ptr)
		bs_buf_puts(b, "");
}

/* The server log says when refusals could not be recorded: one line per 10 seconds at most,
 * with the number since the last line (a full disk must not turn into a full journal). */
static void note_unrecorded(struct bs_http_ctx *c, const char *type, const char *why)
{
	struct bs_http *h = c->server;
	int64_t now = bs_clock_now();
	long long lost;

	pthread_mutex_lock(&h->note_mu);
	h->note_lost++;
	if (h->note_us && now - h->note_us < 10 * 1000000LL && now >= h->note_us) {
		pthread_mutex_unlock(&h->note_mu);
		return;
	}
	lost = h->note_lost;
	h->note_lost = 0;
	h->note_us = now;
	pthread_mutex_unlock(&h->note_mu);
	fprintf(stderr, "brokersec serve: %lld refusal(s) answered but not recorded as %s events: %s: see 'brokersec log "
		"status' and free disk space or repair the event log\n", lost, type, why);
}

/* Every refusal is an event; one of a client not signed in (kind >= 0) goes through the
 * per-minute bound of refusal.c and may end up counted in a summary event instead. When the
 * event cannot be written the refusal stands all the same: refusing is already the closed
 * outcome and nothing was changed that would have to be undone. The server log says so, a
 * failed write raises the event log's own alert (eventlog.c), and a counted refusal goes into
 * the summary. */
static void record_refusal(struct bs_http_ctx *c, const char *type, int kind, const char *msg)
{
	int64_t now = bs_clock_now();
	int err;

	if (kind >= 0 && !bs_refusals_admit(c->server->refusals, (enum bs_refusal_kind)kind, c->source, now))
		return;
	err = bs_audit(c->dd, type, "failure", NULL, "%s", msg);
	if (err < 0) {
		if (kind >= 0)
			bs_refusals_unrecorded(c->server->refusals, (enum bs_refusal_kind)kind, now);
		note_unrecorded(c, type, bs_error_message());
	}
}

static void log_refusal(struct bs_http_ctx *c, const char *type, int kind, const char *why)
{
	struct bs_buf msg = BS_BUF_INIT;

	bs_buf_printf(&msg, "%s ", c->method);
	put_escaped(&msg, c->path, 200);
	bs_buf_printf(&msg, " from %s refused: %s", c->source, why);
	record_refusal(c, type, kind, msg.ptr);
	bs_buf_release(&msg);
}

void bs_http_refusal(struct bs_http_ctx *c, enum bs_refusal_kind kind, const char *msg)
{
	record_refusal(c, bs_refusal_kind_name(kind), (int)kind, msg);
}

/* A refusal of a signed-in account: always an event of its own. */
static void deny(struct bs_http_ctx *c, int status, const char *code, const char *why)
{
	log_refusal(c, "auth.denied", -1, why);
	bs_http_error(c, status, code, "%s", why);
}

/* A refusal of a client that is not signed in. */
static void deny_anon(struct bs_http_ctx *c, int status, const char *code, const char *why)
{
	log_refusal(c, "auth.denied", BS_REFUSAL_DENIED, why);
	bs_http_error(c, status, code, "%s", why);
}

/* The summaries of refusals counted but not recorded one by one (refusal.c): from the timer
 * once a second for the minutes that are over, and at stop for the one still running. */
static void write_summaries(struct bs_http *h, int all)
{
	struct bs_refusal_summary s;

	while (bs_refusals_take(h->refusals, bs_clock_now(), all, &s)) {
		char from[BS_TIME_MAX], to[BS_TIME_MAX], *data;
		struct bs_buf msg = BS_BUF_INIT;
		json_t *d, *top = json_array();
		int err;

		bs_time_format(s.from_us, from);
		bs_time_format(s.to_us, to);
		bs_buf_printf(&msg, "%lld refusals of clients not signed in from %s to %s not recorded one by one (",
			      (long long)s.suppressed_all, from, to);
		d = json_pack("{s:s,s:s,s:I,s:I,s:I}", "from", from, "to", to, "refusals", (json_int_t)s.refusals,
			      "recorded", (json_int_t)s.verbatim, "summarized", (json_int_t)s.suppressed_all);
		for (int k = 0, first = 1; k < BS_REFUSAL_KINDS; k++) {
			const char *name = bs_refusal_kind_name((enum bs_refusal_kind)k);
			json_object_set_new(d, name, json_integer((json_int_t)s.suppressed[k]));
			if (!s.suppressed[k])
				continue;
			bs_buf_printf(&msg, "%s%lld %s", first ? "" : ", ", (long long)s.suppressed[k], name);
			first = 0;
		}
		bs_buf_printf(&msg, "; %lld more were events of their own), from %lld sources", (long long)s.verbatim,
			      (long long)s.sources);
		if (s.other)
			bs_buf_printf(&msg, " and more (%lld refusals from sources beyond the first %d)", (long long)s.other,
				      BS_REFUSAL_SOURCES);
		for (int i = 0; i < s.ntop; i++) {
			bs_buf_printf(&msg, "%s %s (%lld)", i ? "," : "; most from", s.top[i].source, (long long)s.top[i].count);
			json_array_append_new(top, json_pack("{s:s,s:I}", "source", s.top[i].source, "count",
							     (json_int_t)s.top[i].count));
		}
		json_object_set_new(d, "sources", json_integer((json_int_t)s.sources));
		json_object_set_new(d, "other", json_integer((json_int_t)s.other));
		json_object_set_new(d, "top", top);
		data = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(d);
		if (!h->tick_dd && (err = bs_datadir_open(&h->tick_dd, h->datadir)) < 0) {
			h->tick_dd = NULL;
		} else {
			h->tick_dd->actor = "-";
			h->tick_dd->source = "serve";
			err = bs_audit(h->tick_dd, "auth.denied.summary", "failure", data, "%s", msg.ptr);
			h->tick_dd->actor = NULL;
			h->tick_dd->source = NULL;
		}
		if (err < 0) /* the counts must not vanish: the server log keeps them */
			fprintf(stderr, "brokersec serve: cannot record a refusal summary in the event log (%s): %s\n",
				bs_error_message(), msg.ptr);
		free(data);
		bs_buf_release(&msg);
	}
}

static void on_tick(void *p)
{
	write_summaries(p, 0);
}

/* ---- the choke point ---- */

/* On the request head alone, before any byte of a body is read (so a client that may not
 * send one costs no memory): find the route, throttle, authenticate, check CSRF, pending
 * changes and the permission. Returns the route, or NULL when c holds the answer. */
static const struct bs_route *admit(struct bs_http_ctx *c, char *param, size_t cap, const char *authz,
				    const char *csrf)
{
	const struct bs_route *r = NULL;
	char why[256];
	int path_known = 0, err;

	for (size_t i = 0; i < bs_http_nroutes; i++) {
		if (!match(bs_http_routes[i].pattern, c->path, param, cap))
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
		put_escaped(&p, c->path, 200);
		if (path_known)
			bs_http_error(c, 405, "method_not_allowed", "%s is not allowed on %s: see /api/v1/openapi.yaml",
				      c->method, p.ptr);
		else
			bs_http_error(c, 404, "not_found", "no such endpoint '%s': see /api/v1/openapi.yaml", p.ptr);
		bs_buf_release(&p);
		return NULL;
	}
	c->param = strchr(r->pattern, '*') ? param : NULL;
	if (r->flags & R_THROTTLE) {
		struct bs_policy pol;
		if ((err = bs_policy_load(c->dd->store, &pol)) < 0)
			return bs_http_fail(c, err), NULL;
		if (bs_throttle_hit(c->source, (int)pol.v[BS_POL_THROTTLE_PER_MIN], bs_clock_now(), &c->retry_after) < 0) {
			log_refusal(c, "auth.throttled", BS_REFUSAL_THROTTLED, "too many attempts");
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
static void run(struct bs_http_ctx *c, const struct bs_route *r, const char *ctype)
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
	r->fn(c);
}

static enum MHD_Result add_headers(struct MHD_Response *resp)
{
	static const char *const h[][2] = {
		{ "Strict-Transport-Security", "max-age=31536000; includeSubDomains" },
		{ "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'" },
		{ "X-Content-Type-Options", "nosniff" },
		{ "X-Frame-Options", "DENY" },
		{ "Referrer-Policy", "no-referrer" },
		{ "Cache-Control", "no-store" },
		{ "Cross-Origin-Opener-Policy", "same-origin" },
		{ "Cross-Origin-Resource-Policy", "same-origin" },
	};
	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		if (MHD_add_response_header(resp, h[i][0], h[i][1]) != MHD_YES)
			return MHD_NO;
	return MHD_YES;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct bs_http_ctx *c)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(c->out.len, c->out.ptr, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;
	char ra[16];

	if (!resp)
		return MHD_NO;
	/* a reply without its security headers is not sent at all (the connection closes) */
	if (add_headers(resp) != MHD_YES ||
	    MHD_add_response_header(resp, "Content-Type", c->content_type ? c->content_type : "application/json") != MHD_YES ||
	    (c->cookie[0] && MHD_add_response_header(resp, "Set-Cookie", c->cookie) != MHD_YES) ||
	    (c->www_auth && (c->status == 401 || c->status == 403) &&
	     MHD_add_response_header(resp, "WWW-Authenticate", c->www_auth) != MHD_YES) ||
	    (c->close && MHD_add_response_header(resp, "Connection", "close") != MHD_YES)) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	if (c->retry_after) {
		snprintf(ra, sizeof(ra), "%d", c->retry_after);
		if (MHD_add_response_header(resp, "Retry-After", ra) != MHD_YES) {
			MHD_destroy_response(resp);
			return MHD_NO;
		}
	}
	ret = MHD_queue_response(conn, (unsigned)c->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void client_address(struct MHD_Connection *conn, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, cap, "unknown");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr, out,
			  (socklen_t)cap);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr, out,
			  (socklen_t)cap);
}

/* ---- the request head as received ---- */

/* libmicrohttpd 0.9.75 keeps header values as C strings: a NUL byte in the request line or a
 * header cuts it short without a word, and a NUL at the start of a line ends the head there
 * (the rest is then read as body or as the next request). It also takes a bare LF for CRLF
 * and folds continuation lines. None of this is visible in the values it hands over, but the
 * head is still in its read buffer as received, with only the separators it parsed replaced
 * by NUL: from the method (which starts the buffer) to MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE
 * bytes later, in the order method NUL SP* url NUL "HTTP/1.x" NUL NUL, then per header
 * name NUL (SP|HT)* value NUL NUL, then NUL NUL. The checks below walk that layout with the
 * pointers libmicrohttpd hands out; any byte it did not account for (a NUL, a bare LF, a
 * folded line) makes the head malformed. Tied to 0.9.75's parser: tests/cli/t0214 fails if a
 * newer libmicrohttpd lays it out differently. */
struct head_walk {
	uintptr_t pos, end;
	int ok;
};

static enum MHD_Result walk_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				   const char *value, size_t value_size)
{
	struct head_walk *w = cls;
	uintptr_t k = (uintptr_t)key, v = (uintptr_t)value;
	(void)kind;

	if (!w->ok)
		return MHD_NO;
	w->ok = 0;
	if (!key || !value || k != w->pos || k + key_size >= w->end || key[key_size] != '\0' || v <= k + key_size ||
	    v > w->end || w->end - v < value_size + 2)
		return MHD_NO;
	for (const char *q = key + key_size + 1; (uintptr_t)q < v; q++)
		if (*q != ' ' && *q != '\t')
			return MHD_NO;
	if (value[value_size] != '\0' || value[value_size + 1] != '\0')
		return MHD_NO;
	w->pos = v + value_size + 2;
	w->ok = 1;
	return MHD_YES;
}

static int head_intact(struct MHD_Connection *conn, const char *method, const char *version, const struct req *rq)
{
	const union MHD_ConnectionInfo *hi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	uintptr_t base = (uintptr_t)method, u = (uintptr_t)rq->raw_uri, v = (uintptr_t)version;
	struct head_walk w;
	size_t m;

	if (!hi || !rq->raw_uri || !method || !version)
		return 0;
	m = strlen(method);
	w.end = base + hi->header_size;
	if (!(base + m < u && u < v && v + 10 <= w.end))
		return 0;
	for (const char *p = method + m + 1; (uintptr_t)p < u; p++)
		if (*p != ' ')
			return 0;
	if (u + rq->raw_uri_len + 1 != v || version[-1] != '\0' || strlen(version) != 8 || version[9] != '\0')
		return 0;
	w.pos = v + 10;
	w.ok = 1;
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, walk_header, &w);
	return w.ok && w.pos + 2 == w.end && ((const char *)w.pos)[0] == '\0' && ((const char *)w.pos)[1] == '\0';
}

struct framing {
	int cl, te;
	const char *cl_val[2], *te_val;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				     const char *value, size_t value_size)
{
	struct framing *f = cls;
	(void)kind;
	(void)key_size;
	(void)value_size;
	if (!strcasecmp(key, "Content-Length")) {
		if (f->cl < 2)
			f->cl_val[f->cl] = value;
		f->cl++;
	} else if (!strcasecmp(key, "Transfer-Encoding")) {
		f->te++;
		f->te_val = value;
	}
	return MHD_YES;
}

/* How the body is delimited (RFC 9112 6): libmicrohttpd 0.9.75 reads a chunked body when
 * Transfer-Encoding is there and ignores Content-Length then, takes the first of several
 * Content-Lengths, and waits forever for a body of any other transfer coding. A front proxy
 * that reads the same bytes differently would see other requests in them (smuggling), so
 * every ambiguous head is refused and the connection closed. Returns 1 when c holds the
 * refusal; else *has_body, *chunked and *clen (the declared length) say what follows. */
static int framing(struct bs_http_ctx *c, struct MHD_Connection *conn, const char *version, int *has_body,
		   int *chunked, uint64_t *clen)
{
	struct framing f;

	memset(&f, 0, sizeof(f));
	*has_body = *chunked = 0;
	*clen = 0;
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, count_framing, &f);
	c->close = 1;
	if (f.te && f.cl)
		return bs_http_error(c, 400, "bad_request", "the request has both Transfer-Encoding and Content-Length: "
				     "send one of them"), 1;
	if (f.te && !strcmp(version, "HTTP/1.0"))
		return bs_http_error(c, 400, "bad_request", "Transfer-Encoding is not defined for HTTP/1.0: send "
				     "Content-Length"), 1;
	if (f.te > 1 || (f.te && strcasecmp(f.te_val, "chunked"))) {
		struct bs_buf p = BS_BUF_INIT;
		put_escaped(&p, f.te_val, 60);
		bs_http_error(c, 501, "not_implemented", "the transfer coding '%s' is not supported: send the body with "
			      "Content-Length or Transfer-Encoding: chunked", f.te > 1 ? "(several)" : p.ptr);
		bs_buf_release(&p);
		return 1;
	}
	if (f.cl > 1 && strcmp(f.cl_val[0], f.cl_val[1]))
		return bs_http_error(c, 400, "bad_request", "the request has two different Content-Length headers: "
				     "send one"), 1;
	c->close = 0;
	if (f.te) {
		*has_body = *chunked = 1;
	} else if (f.cl) {
		/* libmicrohttpd has checked that it is digits only */
		*clen = strtoull(f.cl_val[0], NULL, 10);
		*has_body = *clen > 0;
	}
	return 0;
}

/* ---- the body, within the budget of all connections ---- */

static int reserve(struct bs_http *h, size_t n)
{
	size_t cur = atomic_load(&h->buffered);
	do {
		if (cur > BS_HTTP_BODY_BUDGET || n > BS_HTTP_BODY_BUDGET - cur)
			return 0;
	} while (!atomic_compare_exchange_weak(&h->buffered, &cur, cur + n));
	return 1;
}

static void body_release(struct req *rq)
{
	if (rq->body) {
		sodium_memzero(rq->body, rq->len); /* may hold passwords */
		free(rq->body);
		rq->body = NULL;
	}
	if (rq->reserved)
		atomic_fetch_sub(&rq->h->buffered, rq->reserved);
	rq->len = rq->cap = rq->reserved = 0;
}

static void body_put(struct req *rq, const char *data, size_t n)
{
	if (rq->refused || rq->too_large || rq->over_budget)
		return; /* read and dropped */
	if (n > rq->limit - rq->len) {
		rq->too_large = 1;
		body_release(rq);
		return;
	}
	if (n > rq->cap - rq->len) { /* a chunked body grows by doubling, each step within the budget */
		size_t want = rq->cap ? rq->cap : 16384;
		char *nb;
		while (want < rq->len + n)
			want *= 2;
		if (want > rq->limit)
			want = rq->limit;
		if (!reserve(rq->h, want - rq->reserved)) {
			rq->over_budget = 1;
			body_release(rq);
			return;
		}
		rq->reserved = want;
		nb = bs_malloc(want);
		if (rq->len)
			memcpy(nb, rq->body, rq->len);
		if (rq->body) {
			sodium_memzero(rq->body, rq->len);
			free(rq->body);
		}
		rq->body = nb;
		rq->cap = want;
	}
	memcpy(rq->body + rq->len, data, n);
	rq->len += n;
}

/* ---- the request ---- */

/* Sends c's reply and frees what it holds (the body too). */
static enum MHD_Result reply(struct MHD_Connection *conn, struct req *rq)
{
	struct bs_http_ctx *c = &rq->c;
	enum MHD_Result ret;

	if (!strcmp(c->method, "HEAD"))
		bs_buf_clear(&c->out);
	ret = send_reply(conn, c);
	if (c->json)
		json_decref(c->json);
	c->json = NULL;
	sodium_memzero(c->out.ptr, c->out.len); /* may hold a one-time password or token */
	bs_buf_release(&c->out);
	rq->has_ctx = 0;
	body_release(rq);
	return ret;
}

/* c holds a refusal made on the head. Without a body it goes out when the request ends; a
 * body of a declared size up to BS_HTTP_DRAIN_MAX is read and dropped first (no memory);
 * a larger or chunked one is not read at all: the answer goes now, and libmicrohttpd closes
 * the connection after it (a reply queued before the body is read: connection.c,
 * MHD_queue_response, "discard_request"). */
static enum MHD_Result refuse(struct MHD_Connection *conn, struct req *rq, int has_body, int chunked, uint64_t clen)
{
	rq->refused = 1;
	if (!has_body || (!chunked && clen <= BS_HTTP_DRAIN_MAX))
		return MHD_YES;
	rq->c.close = 1;
	return reply(conn, rq);
}

/* The URL as received, before libmicrohttpd decodes it (MHD_OPTION_URI_LOG_CALLBACK, called
 * once per request before the access handler): the request's state starts here. */
static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req *rq = bs_calloc(1, sizeof(*rq));
	(void)conn;
	rq->h = cls;
	rq->raw_uri = uri;
	rq->raw_uri_len = strlen(uri);
	for (const char *p = uri; (p = strchr(p, '%')); p++)
		if (p[1] == '0' && p[2] == '0')
			rq->nul_escape = 1; /* decoded, it would cut the path short as a raw NUL does */
	return rq;
}

/* The access handler's first call: the whole head is there, no byte of the body is read. */
static enum MHD_Result on_head(struct bs_http *h, struct MHD_Connection *conn, struct req *rq, const char *url,
			       const char *method, const char *version)
{
	struct bs_http_ctx *c = &rq->c;
	const struct bs_route *r;
	struct tstate *ts;
	uint64_t clen = 0;
	int has_body = 0, chunked = 0;

	bs_http_conns_deadline(h->conns, conn, BS_HTTP_REQUEST_S); /* the head is complete */
	memset(c, 0, sizeof(*c));
	bs_buf_init(&c->out);
	client_address(conn, rq->source, sizeof(rq->source));
	c->server = h;
	c->method = method;
	c->path = url;
	c->conn = conn; /* handlers read query arguments through it (bs_http_query) */
	c->source = rq->source;
	c->session_id = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "__Host-bs_session");
	rq->has_ctx = 1;
	bs_error_clear();

	if (!head_intact(conn, method, version, rq) || rq->nul_escape) {
		c->close = 1;
		bs_http_error(c, 400, "bad_request", "the request line or a header is malformed (a NUL byte or %%00, a "
			      "line not ended by CRLF, or a folded header line): send a well-formed HTTP/1.1 request");
		return reply(conn, rq);
	}
	if (framing(c, conn, version, &has_body, &chunked, &clen))
		return reply(conn, rq);
	if (!(ts = thread_state(h))) {
		fprintf(stderr, "brokersec serve: %s\n", bs_error_message());
		bs_http_error(c, 503, "unavailable", "the server cannot open its data directory: the administrator "
			      "finds the reason in the server log");
		return refuse(conn, rq, has_body, chunked, clen);
	}
	c->dd = ts->dd;
	c->cache = &ts->cache;
	c->dd->actor = "-";
	c->dd->source = rq->source;
	r = admit(c, rq->param, sizeof(rq->param), MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"),
		  MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token"));
	/* other connections of this thread run before this one's body arrives */
	c->dd->actor = NULL;
	c->dd->source = NULL;
	if (c->dd->store)
		bs_store_rollback(c->dd->store);
	c->dd = NULL;
	c->cache = NULL;
	if (!r)
		return refuse(conn, rq, has_body, chunked, clen);
	rq->route = r;
	rq->limit = (r->flags & R_BIG) ? BS_HTTP_BIG_BODY_MAX : BS_HTTP_BODY_MAX;
	if (has_body && !chunked && clen > rq->limit) {
		bs_http_error(c, 413, "payload_too_large", "the request body is larger than %zu bytes: send less (event "
			      "batches: at most %d bytes per request)", rq->limit, BS_HTTP_BIG_BODY_MAX);
		return refuse(conn, rq, has_body, chunked, clen);
	}
	if (has_body && !chunked) {
		if (!reserve(h, (size_t)clen)) {
			c->retry_after = 5;
			bs_http_error(c, 503, "busy", "the server holds too many request bodies at once: send this one again "
				      "in %d seconds", c->retry_after);
			return refuse(conn, rq, has_body, chunked, clen);
		}
		rq->reserved = rq->cap = (size_t)clen;
		rq->body = bs_malloc(rq->cap);
	}
	return MHD_YES;
}

/* The access handler's last call: the body is complete. */
static enum MHD_Result on_end(struct bs_http *h, struct MHD_Connection *conn, struct req *rq)
{
	struct bs_http_ctx *c = &rq->c;
	struct tstate *ts;

	if (rq->refused)
		return reply(conn, rq);
	if (rq->too_large) {
		bs_http_error(c, 413, "payload_too_large", "the request body is larger than %zu bytes: send less (event "
			      "batches: at most %d bytes per request)", rq->limit, BS_HTTP_BIG_BODY_MAX);
	} else if (rq->over_budget) {
		c->retry_after = 5;
		bs_http_error(c, 503, "busy", "the server holds too many request bodies at once: send this one again in %d "
			      "seconds", c->retry_after);
	} else if (!(ts = thread_state(h))) {
		fprintf(stderr, "brokersec serve: %s\n", bs_error_message());
		bs_http_error(c, 503, "unavailable", "the server cannot open its data directory: the administrator "
			      "finds the reason in the server log");
	} else {
		c->dd = ts->dd;
		c->cache = &ts->cache;
		c->dd->actor = rq->route->perm == BS_PERM_NONE ? "-" : c->who.username;
		c->dd->source = rq->source;
		c->body = rq->body;
		c->body_len = rq->len;
		bs_error_clear();
		run(c, rq->route, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"));
		/* make sure nothing of this request leaks into the next one on this thread */
		c->dd->actor = NULL;
		c->dd->source = NULL;
		if (c->dd->store)
			bs_store_rollback(c->dd->store);
	}
	return reply(conn, rq);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct bs_http *h = cls;
	struct req *rq = *con_cls;

	if (!rq) { /* no URL seen (uri_logger): head_intact refuses the request */
		rq = bs_calloc(1, sizeof(*rq));
		rq->h = h;
		*con_cls = rq;
	}
	if (!rq->started) {
		rq->started = 1;
		return on_head(h, conn, rq, url, method, version);
	}
	if (*upload_size) {
		body_put(rq, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return on_end(h, conn, rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode t)
{
	struct bs_http *h = cls;
	struct req *rq = *con_cls;
	(void)t;

	/* from here: keep-alive idle time and the next request's head */
	bs_http_conns_deadline(h->conns, conn, BS_HTTP_HEAD_S);
	if (rq) {
		body_release(rq);
		if (rq->has_ctx) {
			if (rq->c.json)
				json_decref(rq->c.json);
			sodium_memzero(rq->c.out.ptr, rq->c.out.len);
			bs_buf_release(&rq->c.out);
		}
		free(rq);
		*con_cls = NULL;
	}
}

static int parse_listen(const char *s, struct sockaddr_storage *ss, int *v6)
{
	char host[64];
	const char *colon;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			goto bad;
		hl = (size_t)(close - s - 1);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, hl);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			goto bad;
		hl = (size_t)(colon - s);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, s, hl);
	}
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || *end || port < 0 || port > 65535)
		goto bad;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*v6 = 0;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*v6 = 1;
		return 0;
	}
bad:
	return bs_error(BS_EINVALID, "--listen '%s' is not ADDRESS:PORT such as 127.0.0.1:8443 or [::1]:8443", s);
}

int bs_http_start(struct bs_http **out, const struct bs_http_config *cfg)
{
	struct bs_buf cert = BS_BUF_INIT, key = BS_BUF_INIT;
	struct sockaddr_storage ss;
	struct bs_http *h;
	int v6 = 0, err;

	*out = NULL;
	if ((err = parse_listen(cfg->listen, &ss, &v6)) < 0)
		return err;
	if (cfg->tls_min != 0 && cfg->tls_min != 12 && cfg->tls_min != 13)
		return bs_error(BS_EINVALID, "the lowest TLS version must be 1.2 or 1.3 (12 or 13), not %u",
				cfg->tls_min);
	/* Process-wide lazy state is loaded here, before any server thread exists: the built-in
	 * catalog's first load is not thread-safe (NEEDSWORK for src/catalog: pthread_once),
	 * nor is the first bs_os_user() call. */
	const struct bs_catalog *cat;
	if ((err = bs_catalog_builtin(&cat)) < 0)
		return err;
	(void)bs_os_user();
	if ((err = bs_buf_read_file(&cert, cfg->cert_file)) < 0 || (err = bs_buf_read_file(&key, cfg->key_file)) < 0) {
		bs_buf_release(&cert);
		sodium_memzero(key.ptr, key.len);
		bs_buf_release(&key);
		return err;
	}
	h = bs_calloc(1, sizeof(*h));
	h->datadir = bs_strdup(cfg->datadir);
	h->cert = bs_buf_detach(&cert, NULL);
	h->key = bs_buf_detach(&key, NULL);
	atomic_init(&h->buffered, 0);
	pthread_mutex_init(&h->note_mu, NULL);
	h->refusals = bs_refusals_new();
	if ((err = bs_http_conns_new(&h->conns, cfg->tls_min == 12 ? 12 : 13, on_tick, h)) < 0)
		goto fail;
	if (pthread_key_create(&h->tkey, thread_free) != 0) {
		err = bs_error(BS_ERR, "cannot create the server's thread state: out of resources, try again");
		goto fail;
	}
	/* Limits (docs/tls.md, "Connections and slow clients"): a connection has BS_HTTP_HEAD_S
	 * for its TLS handshake and request head (conn.c), few per address so that a handful of
	 * addresses cannot take every slot, and 15 s of silence at most at any point. */
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
					(v6 ? MHD_USE_IPv6 : 0),
				0, NULL, NULL, on_request, h,
				/* first, so that every message of libmicrohttpd goes through it */
				MHD_OPTION_EXTERNAL_LOGGER, bs_http_mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_HTTPS_MEM_CERT, h->cert, MHD_OPTION_HTTPS_MEM_KEY, h->key,
				MHD_OPTION_HTTPS_PRIORITIES,
				cfg->tls_min == 12 ? bs_http_tls12_priorities : bs_http_tls_priorities,
				MHD_OPTION_THREAD_POOL_SIZE,
				cfg->threads ? cfg->threads : 4u, MHD_OPTION_CONNECTION_TIMEOUT, 15u,
				MHD_OPTION_CONNECTION_LIMIT, BS_HTTP_CONN_MAX, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				BS_HTTP_CONN_PER_ADDR, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_NOTIFY_CONNECTION,
				bs_http_conns_notify, h->conns, MHD_OPTION_URI_LOG_CALLBACK, uri_logger, h,
				MHD_OPTION_END);
	if (!h->d) {
		err = bs_error(BS_ERR, "cannot serve HTTPS on %s: the address is in use, not local, or the "
			       "certificate '%s' / key '%s' is invalid: pick another --listen or check the files",
			       cfg->listen, cfg->cert_file, cfg->key_file);
		pthread_key_delete(h->tkey);
		goto fail;
	}
	if ((err = bs_http_conns_start(h->conns)) < 0) {
		MHD_stop_daemon(h->d);
		pthread_key_delete(h->tkey);
		goto fail;
	}
	*out = h;
	return 0;
fail:
	bs_http_conns_free(h->conns);
	bs_refusals_free(h->refusals);
	pthread_mutex_destroy(&h->note_mu);
	sodium_memzero(h->key, strlen(h->key));
	free(h->key);
	free(h->cert);
	free(h->datadir);
	free(h);
	return err;
}

unsigned bs_http_port(struct bs_http *h)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	return di ? di->port : 0;
}

void bs_http_stop(struct bs_http *h)
{
	if (!h)
		return;
	bs_http_conns_stop(h->conns); /* the timer first: it writes summaries with its own handle */
	MHD_stop_daemon(h->d);
	write_summaries(h, 1);        /* the minute still running, so no count is lost at stop */
	bs_datadir_free(h->tick_dd);
	bs_http_conns_free(h->conns);
	bs_refusals_free(h->refusals);
	pthread_mutex_destroy(&h->note_mu);
	pthread_key_delete(h->tkey);
	sodium_memzero(h->key, strlen(h->key));
	free(h->key);
	free(h->cert);
	free(h->datadir);
	free(h);
}
