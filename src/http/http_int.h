/* http_int.h - private to src/http: the request context handlers see, and the route table. */
#ifndef BS_HTTP_INT_H
#define BS_HTTP_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/buf.h"
#include "datadir/datadir.h"
#include "http/http.h"

enum {
	R_PRE = 1u << 0,        /* allowed while a password change / TOTP enrolment is pending */
	R_JSON = 1u << 1,       /* body is application/json */
	R_THROTTLE = 1u << 2,   /* counts against the per-source limit (anti-automation) */
	R_TOKEN = 1u << 3,      /* an API token (Authorization: Bearer) is accepted */
	R_TOKEN_ONLY = 1u << 4, /* only an API token (machine clients) */
	R_BIG = 1u << 5,        /* large body allowed (event batches) */
};

#define BS_HTTP_BODY_MAX (64 * 1024)
#define BS_HTTP_BIG_BODY_MAX (4 * 1024 * 1024)
/* Request bodies buffered at once, all connections together: beyond it 503 + Retry-After. */
#define BS_HTTP_BODY_BUDGET (64 * 1024 * 1024)
/* A refused request's declared body up to this size is read and dropped, so the client sees
 * the answer (closing on unread data makes TCP reset the connection, and the answer may be
 * lost); a larger one, or one of unknown size, is answered at once and the connection closed. */
#define BS_HTTP_DRAIN_MAX (1024 * 1024)

/* Connection limits and deadlines (conn.c, docs/tls.md "Connections and slow clients"). */
#define BS_HTTP_CONN_MAX 512u
#define BS_HTTP_CONN_PER_ADDR 32u  /* so 16 addresses are needed to take every slot */
#define BS_HTTP_HEAD_S 10          /* TLS handshake and request head; keep-alive idle and next head */
#define BS_HTTP_REQUEST_S 60       /* body, handler and response, from the end of the head */
#define BS_HTTP_MHD_LOG_PER_MIN 20 /* libmicrohttpd's messages shown on stderr per minute */

/* Per server thread: the last /status document and what it was computed from. */
struct bs_http_cache {
	int32_t day;
	int64_t data_version;   /* PRAGMA data_version: moves when another connection commits */
	int64_t total_changes;  /* sqlite3_total_changes64: moves when this connection writes */
	char *json;
	size_t len;
};

struct bs_http_ctx {
	struct bs_http *server;
	struct bs_datadir *dd;
	struct bs_http_cache *cache;
	const char *method;
	const char *path;
	const char *param;          /* the '*' segment of the route, or NULL */
	void *conn;                 /* the MHD connection, for query arguments (bs_http_query); NULL
				     * when the server does not hand it over */
	const char *source;         /* client address */
	const char *body;
	size_t body_len;
	json_t *json;               /* parsed body for R_JSON routes */
	const char *session_id;     /* the cookie, or NULL */
	int via_token;
	struct bs_session_info who; /* the signed-in account (when the route needs one) */
	/* the reply */
	int status;
	struct bs_buf out;
	const char *content_type;
	char cookie[200];
	int retry_after;
	const char *www_auth;       /* WWW-Authenticate value (RFC 6750), or NULL */
	int close;                  /* send Connection: close (the request's framing is not trusted) */
};

struct bs_route {
	const char *method;
	const char *pattern;        /* "/api/v1/users/ *" (one '*' segment, no spaces) */
	enum bs_perm perm;
	unsigned flags;
	void (*fn)(struct bs_http_ctx *c);
};

extern const struct bs_route bs_http_routes[];
extern const size_t bs_http_nroutes;

/* Sets the one error shape. code: a short stable word ("forbidden"); message: what, which
 * input, what to do. */
void bs_http_error(struct bs_http_ctx *c, int status, const char *code, const char *fmt, ...) BS_PRINTF(4, 5);
/* Turns a core error code (and its message) into a reply. */
void bs_http_fail(struct bs_http_ctx *c, int err);
/* The query argument key ("?as_of=2025-06-30"), decoded; NULL when absent. */
const char *bs_http_query(struct bs_http_ctx *c, const char *key);
/* Sets a JSON reply (steals o). */
void bs_http_json(struct bs_http_ctx *c, int status, json_t *o);
/* The session cookie for id (NULL: the clearing cookie). */
void bs_http_set_cookie(struct bs_http_ctx *c, const char *id);

/* ---- conn.c: connection deadlines (slow clients), the TLS version alert ---- */

struct bs_http_conns;
int bs_http_conns_new(struct bs_http_conns **out, unsigned tls_min, void (*tick)(void *ctx), void *tick_ctx);
/* Starts the reaper thread (it also calls tick once a second). */
int bs_http_conns_start(struct bs_http_conns *cs);
/* Stops the reaper thread (before MHD_stop_daemon: the last tick runs before it returns). */
void bs_http_conns_stop(struct bs_http_conns *cs);
void bs_http_conns_free(struct bs_http_conns *cs);
/* MHD_OPTION_NOTIFY_CONNECTION (cls: the bs_http_conns). */
void bs_http_conns_notify(void *cls, struct MHD_Connection *conn, void **socket_ctx,
			  enum MHD_ConnectionNotificationCode code);
/* The connection's next deadline: seconds from now (0: none). */
void bs_http_conns_deadline(struct bs_http_conns *cs, struct MHD_Connection *conn, int seconds);
/* MHD_OPTION_EXTERNAL_LOGGER: libmicrohttpd's messages to stderr, at a bounded rate. */
void bs_http_mhd_log(void *cls, const char *fmt, va_list ap);

/* ---- refusal.c: refusals of clients not signed in, at a bounded rate ---- */

#define BS_REFUSAL_PER_SOURCE 5   /* own events per source per minute */
#define BS_REFUSAL_VERBATIM 30    /* own events per minute, all sources together */
#define BS_REFUSAL_SOURCES 1024   /* sources counted one by one per minute */
#define BS_REFUSAL_TOP 5          /* sources named in a summary */
#define BS_REFUSAL_SOURCE_MAX 48  /* an IPv6 address and its NUL */

/* DENIED: no or a bad session/token (auth.denied); THROTTLED: over the per-source rate
 * (auth.throttled); LOGIN: a sign-in with a username that has no account and RESET: a reset
 * token that is unknown, used or expired (auth.login / auth.reset failures) - the attempts
 * that cost an attacker nothing and touch no account. */
enum bs_refusal_kind { BS_REFUSAL_DENIED, BS_REFUSAL_THROTTLED, BS_REFUSAL_LOGIN, BS_REFUSAL_RESET, BS_REFUSAL_KINDS };

/* What one summary event says: refusals in [from_us, to_us) that were not events of their own. */
struct bs_refusal_summary {
	int64_t from_us, to_us;
	int64_t refusals, verbatim;                /* all refusals; those that were events */
	int64_t suppressed[BS_REFUSAL_KINDS], suppressed_all;
	int64_t sources, other;                    /* sources counted; refusals beyond the table */
	int ntop;
	struct {
		char source[BS_REFUSAL_SOURCE_MAX];
		int64_t count;
	} top[BS_REFUSAL_TOP];
};

struct bs_refusals;
struct bs_refusals *bs_refusals_new(void);
void bs_refusals_free(struct bs_refusals *r);
/* Counts a refusal: 1 when it is to be its own event, 0 when only the summary counts it. */
int bs_refusals_admit(struct bs_refusals *r, enum bs_refusal_kind kind, const char *source, int64_t now_us);
/* A refusal admitted as its own event whose event could not be written: the summary counts it. */
void bs_refusals_unrecorded(struct bs_refusals *r, enum bs_refusal_kind kind, int64_t now_us);
/* The next summary to write into *s (1), or 0. all: also the minute still running (stop). */
int bs_refusals_take(struct bs_refusals *r, int64_t now_us, int all, struct bs_refusal_summary *s);
const char *bs_refusal_kind_name(enum bs_refusal_kind kind);
/* Records a refusal of a client that is not signed in (msg: the event's message) as an event
 * of type bs_refusal_kind_name(kind), within the per-minute bound; beyond it the minute's
 * summary counts it. A failed write is counted and noted in the server log. */
void bs_http_refusal(struct bs_http_ctx *c, enum bs_refusal_kind kind, const char *msg);

#endif
