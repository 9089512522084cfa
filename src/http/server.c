/* server.c - libmicrohttpd glue: TLS, limits, headers, the request body, and the one choke
 * point where every route's permission is checked (dispatch()). */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
};

struct req {
	struct bs_buf body;
	size_t limit;
	int too_large;
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

static void deny(struct bs_http_ctx *c, int status, const char *code, const char *why)
{
	/* every refusal is an event; when it cannot be written the refusal stands anyway */
	(void)bs_audit(c->dd, "auth.denied", "failure", NULL, "%s %s from %s refused: %s", c->method, c->path, c->source,
		       why);
	bs_http_error(c, status, code, "%s", why);
}

/* The choke point: find the route, authenticate, check CSRF, pending changes and the
 * permission, then run the handler. */
static void dispatch(struct bs_http_ctx *c, const char *authz, const char *csrf, const char *ctype)
{
	const struct bs_route *r = NULL;
	char param[256];
	int path_known = 0, err;

	for (size_t i = 0; i < bs_http_nroutes; i++) {
		if (!match(bs_http_routes[i].pattern, c->path, param, sizeof(param)))
			continue;
		path_known = 1;
		if (!strcmp(bs_http_routes[i].method, c->method) ||
		    (!strcmp(c->method, "HEAD") && !strcmp(bs_http_routes[i].method, "GET"))) {
			r = &bs_http_routes[i];
			break;
		}
	}
	if (!r) {
		if (path_known)
			bs_http_error(c, 405, "method_not_allowed", "%s is not allowed on %s: see /api/v1/openapi.yaml",
				      c->method, c->path);
		else
			bs_http_error(c, 404, "not_found", "no such endpoint '%.200s': see /api/v1/openapi.yaml", c->path);
		return;
	}
	c->param = strchr(r->pattern, '*') ? param : NULL;
	if (r->flags & R_THROTTLE) {
		struct bs_policy pol;
		if ((err = bs_policy_load(c->dd->store, &pol)) < 0)
			return bs_http_fail(c, err);
		if (bs_throttle_hit(c->source, (int)pol.v[BS_POL_THROTTLE_PER_MIN], bs_clock_now(), &c->retry_after) < 0) {
			(void)bs_audit(c->dd, "auth.throttled", "failure", NULL, "%s %s from %s throttled", c->method,
				       c->path, c->source);
			return bs_http_error(c, 429, "too_many_requests", "too many attempts from %s: wait %d seconds",
					     c->source, c->retry_after);
		}
	}
	if (r->flags & R_JSON) {
		json_error_t je;
		if (!ctype || strncmp(ctype, "application/json", 16))
			return bs_http_error(c, 415, "unsupported_media_type", "send the body as Content-Type: "
					     "application/json");
		c->json = json_loadb(c->body, c->body_len, JSON_REJECT_DUPLICATES, &je);
		if (!c->json || !json_is_object(c->json))
			return bs_http_error(c, 400, "invalid", "the body is not a JSON object (line %d: %s)", je.line,
					     c->json ? "not an object" : je.text);
	}
	if (r->perm == BS_PERM_NONE)
		return r->fn(c);

	/* authenticate: a session cookie, or an API token where the route accepts one */
	if (authz && !strncmp(authz, "Bearer ", 7)) {
		if (!(r->flags & R_TOKEN))
			return deny(c, 401, "unauthorized", "API tokens are not accepted on this endpoint: sign in");
		if ((err = bs_token_check(c->dd, authz + 7, r->perm, &c->who)) < 0) {
			if (err != BS_EDENIED)
				return bs_http_fail(c, err);
			return deny(c, err == BS_EDENIED ? 403 : 401, "forbidden", bs_error_message());
		}
		c->via_token = 1;
		c->dd->actor = c->who.username;
		return r->fn(c);
	}
	if (r->flags & R_TOKEN_ONLY)
		return deny(c, 401, "unauthorized", "this endpoint takes an API token (Authorization: Bearer ...)");
	if ((err = bs_session_check(c->dd, c->session_id, c->source, &c->who)) < 0) {
		if (err != BS_EDENIED)
			return bs_http_fail(c, err);
		return deny(c, 401, "unauthorized", "not signed in or the session has ended: sign in with "
			    "POST /api/v1/session");
	}
	c->dd->actor = c->who.username;
	if (strcmp(c->method, "GET") && strcmp(c->method, "HEAD") && !bs_session_csrf_ok(c->dd, c->session_id, csrf))
		return deny(c, 403, "csrf", "missing or wrong X-CSRF-Token header: send the csrf_token from sign-in");
	if ((c->who.must_change || c->who.must_enroll_totp) && !(r->flags & R_PRE))
		return deny(c, 403, c->who.must_change ? "password_change_required" : "totp_enrolment_required",
			    c->who.must_change ? "the password must be changed first: POST /api/v1/me/password"
					       : "a TOTP second factor must be set up first: POST /api/v1/me/totp");
	if (!bs_role_has(c->who.role, r->perm)) {
		char why[200];
		snprintf(why, sizeof(why), "role %s does not have the permission %s", bs_role_name(c->who.role),
			 bs_perm_name(r->perm));
		return deny(c, 403, "forbidden", why);
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
	add_headers(resp);
	MHD_add_response_header(resp, "Content-Type", c->content_type ? c->content_type : "application/json");
	if (c->cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", c->cookie);
	if (c->retry_after) {
		snprintf(ra, sizeof(ra), "%d", c->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct bs_http *h = cls;
	struct req *rq = *con_cls;
	(void)version;

	if (!rq) {
		rq = bs_calloc(1, sizeof(*rq));
		bs_buf_init(&rq->body);
		/* the large limit only for the event intake endpoint */
		rq->limit = !strcmp(url, "/api/v1/events") ? BS_HTTP_BIG_BODY_MAX : BS_HTTP_BODY_MAX;
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (rq->body.len + *upload_size > rq->limit)
			rq->too_large = 1;
		else
			bs_buf_put(&rq->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}

	struct bs_http_ctx c;
	struct tstate *ts;
	char source[INET6_ADDRSTRLEN + 1];
	enum MHD_Result ret;

	memset(&c, 0, sizeof(c));
	bs_buf_init(&c.out);
	client_address(conn, source, sizeof(source));
	c.method = method;
	c.path = url;
	c.conn = conn; /* handlers read query arguments through it (bs_http_query) */
	c.source = source;
	c.body = rq->body.ptr;
	c.body_len = rq->body.len;
	c.session_id = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "__Host-bs_session");
	bs_error_clear();
	if (rq->too_large) {
		bs_http_error(&c, 413, "payload_too_large", "the request body is larger than %zu bytes: send less "
			      "(event batches: at most %d bytes per request)", rq->limit, BS_HTTP_BIG_BODY_MAX);
	} else if (!(ts = thread_state(h))) {
		fprintf(stderr, "brokersec serve: %s\n", bs_error_message());
		bs_http_error(&c, 503, "unavailable", "the server cannot open its data directory: the administrator "
			      "finds the reason in the server log");
	} else {
		c.dd = ts->dd;
		c.cache = &ts->cache;
		c.dd->actor = "-";
		c.dd->source = source;
		dispatch(&c, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"),
			 MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token"),
			 MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"));
		/* make sure nothing of this request leaks into the next one on this thread */
		c.dd->actor = NULL;
		c.dd->source = NULL;
		if (c.dd->store)
			bs_store_rollback(c.dd->store);
	}
	if (!strcmp(method, "HEAD"))
		bs_buf_clear(&c.out);
	ret = send_reply(conn, &c);
	if (c.json)
		json_decref(c.json);
	sodium_memzero(c.out.ptr, c.out.len); /* may hold a one-time password or token */
	bs_buf_release(&c.out);
	sodium_memzero(rq->body.ptr, rq->body.len); /* may hold passwords */
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode t)
{
	struct req *rq = *con_cls;
	(void)cls;
	(void)conn;
	(void)t;
	if (rq) {
		sodium_memzero(rq->body.ptr, rq->body.len);
		bs_buf_release(&rq->body);
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
	if (pthread_key_create(&h->tkey, thread_free) != 0) {
		err = bs_error(BS_ERR, "cannot create thread state");
		goto fail;
	}
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
					(v6 ? MHD_USE_IPv6 : 0),
				0, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_HTTPS_MEM_CERT, h->cert, MHD_OPTION_HTTPS_MEM_KEY, h->key,
				MHD_OPTION_HTTPS_PRIORITIES,
				cfg->tls_min == 12 ? bs_http_tls12_priorities : bs_http_tls_priorities,
				MHD_OPTION_THREAD_POOL_SIZE,
				cfg->threads ? cfg->threads : 4u, MHD_OPTION_CONNECTION_TIMEOUT, 15u,
				MHD_OPTION_CONNECTION_LIMIT, 512u, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 256u,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536, MHD_OPTION_NOTIFY_COMPLETED,
				on_completed, h, MHD_OPTION_END);
	if (!h->d) {
		err = bs_error(BS_ERR, "cannot serve HTTPS on %s: the address is in use, not local, or the "
			       "certificate '%s' / key '%s' is invalid: pick another --listen or check the files",
			       cfg->listen, cfg->cert_file, cfg->key_file);
		pthread_key_delete(h->tkey);
		goto fail;
	}
	*out = h;
	return 0;
fail:
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
	MHD_stop_daemon(h->d);
	pthread_key_delete(h->tkey);
	sodium_memzero(h->key, strlen(h->key));
	free(h->key);
	free(h->cert);
	free(h->datadir);
	free(h);
}
