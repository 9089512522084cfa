/* server.c - the daemon (libmicrohttpd with GnuTLS: start, threads and their data-directory
 * handles, stop) and the life of a request: its head goes through the head checks (head.c)
 * and the choke point (admit.c) before any byte of a body is read, the body is held within
 * the budget of all connections, then the handler runs (admit.c) and the reply goes out
 * (reply.c). The map of the files: http_int.h. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/tls_policy.h"
#include "core/whoami.h"
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
	char params[256];               /* the route's '*' segments (c.params points into it) */
	char source[INET6_ADDRSTRLEN + 1];
	struct bs_http_ctx c;
	char *body;
	size_t len, cap, reserved, limit;
	int too_large, over_budget;
	enum bs_lang lang;              /* of this request's messages (request_lang) */
	struct timespec t0;             /* when the request line arrived (the access log) */
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
	free(ts->cache.summary);
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

static void on_tick(void *p)
{
	bs_http_refusal_summaries(p, 0);
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

/* The access log: one line per request on stderr, written with one write(2) so that lines of
 * concurrent requests never interleave. The path is the client's: every byte outside
 * printable ASCII, '"' and '\\' is escaped, so a line cannot be forged or split. */
static void access_line(const struct req *rq, int status, uint64_t bytes)
{
	const struct bs_http_ctx *c = &rq->c;
	struct bs_buf b = BS_BUF_INIT;
	char now[BS_TIME_MAX];
	struct timespec t1;
	size_t n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	bs_time_format(bs_clock_now(), now);
	bs_buf_printf(&b, "%s %s %s \"%s ", now, c->source ? c->source : "-", c->who.username[0] ? c->who.username : "-",
		      c->method ? c->method : "-");
	for (const unsigned char *p = (const unsigned char *)(c->path ? c->path : "-"); *p && n < 256; p++, n++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			bs_buf_printf(&b, "\\x%02x", *p);
		else
			bs_buf_putc(&b, (char)*p);
	}
	bs_buf_printf(&b, "%s\" %d %llu %.1fms\n", n == 256 ? "..." : "", status, (unsigned long long)bytes,
		      (double)(t1.tv_sec - rq->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - rq->t0.tv_nsec) / 1e6);
	(void)!write(STDERR_FILENO, b.ptr, b.len); /* a lost log line never fails a request */
	bs_buf_release(&b);
}

/* Sends c's reply and frees what it holds (the body too). */
static enum MHD_Result reply(struct MHD_Connection *conn, struct req *rq)
{
	struct bs_http_ctx *c = &rq->c;
	enum MHD_Result ret;
	uint64_t bytes;

	if (!strcmp(c->method, "HEAD"))
		bs_buf_clear(&c->out);
	bytes = c->has_file ? c->file_size : c->out.len;
	ret = bs_http_send(conn, c);
	if (rq->h->access_log)
		access_line(rq, c->status, bytes);
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
	clock_gettime(CLOCK_MONOTONIC, &rq->t0);
	for (const char *p = uri; (p = strchr(p, '%')); p++)
		if (p[1] == '0' && p[2] == '0')
			rq->nul_escape = 1; /* decoded, it would cut the path short as a raw NUL does */
	return rq;
}

/* The language of a request's error messages: ?lang=, else the first tag of Accept-Language;
 * English ("en", "en-US" ...) or else zh-TW. A request that names none keeps English, as the
 * API answered before messages had a language (scripts may match them). */
static enum bs_lang request_lang(struct MHD_Connection *conn)
{
	const char *l = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "lang");

	if (!l || !*l)
		l = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Language");
	if (!l)
		return BS_LANG_EN;
	l += strspn(l, " \t");
	if (!*l)
		return BS_LANG_EN;
	return !strncasecmp(l, "en", 2) && !isalpha((unsigned char)l[2]) ? BS_LANG_EN : BS_LANG_ZH_TW;
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
	bs_http_client_address(conn, rq->source, sizeof(rq->source));
	c->server = h;
	c->method = method;
	c->path = url;
	c->conn = conn; /* handlers read query arguments through it (bs_http_query) */
	c->source = rq->source;
	c->session_id = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "__Host-bs_session");
	rq->has_ctx = 1;
	bs_error_clear();
	/* per request, not per thread: a pool thread serves many connections in turn */
	rq->lang = request_lang(conn);
	bs_error_set_lang(rq->lang);

	if (!bs_http_head_intact(conn, method, version, rq->raw_uri, rq->raw_uri_len) || rq->nul_escape) {
		c->close = 1;
		bs_http_error(c, 400, "bad_request", "the request line or a header is malformed (a NUL byte or %%00, a "
			      "line not ended by CRLF, or a folded header line): send a well-formed HTTP/1.1 request");
		return reply(conn, rq);
	}
	if (bs_http_framing(c, conn, version, &has_body, &chunked, &clen))
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
	r = bs_http_admit(c, rq->params, sizeof(rq->params),
			  MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"),
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
	rq->limit = (r->flags & R_ZIP) ? BS_HTTP_ZIP_BODY_MAX : (r->flags & R_BIG) ? BS_HTTP_BIG_BODY_MAX : BS_HTTP_BODY_MAX;
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
		bs_error_set_lang(rq->lang);
		bs_http_run(c, rq->route, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"));
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

	if (!rq) { /* no URL seen (uri_logger): bs_http_head_intact refuses it */
		rq = bs_calloc(1, sizeof(*rq));
		rq->h = h;
		clock_gettime(CLOCK_MONOTONIC, &rq->t0);
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
	h->access_log = cfg->access_log;
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
	bs_http_refusal_summaries(h, 1);        /* the minute still running, so no count is lost at stop */
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
