/* http_int.h - private to src/http: the request context handlers see, and the route table. */
#ifndef BS_HTTP_INT_H
#define BS_HTTP_INT_H

#include <jansson.h>
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

/* Per server thread: the last /status document and what it was computed from. */
struct bs_http_cache {
	int32_t day;
	int64_t data_version;   /* PRAGMA data_version: moves when another connection commits */
	int64_t total_changes;  /* sqlite3_total_changes64: moves when this connection writes */
	char *json;
	size_t len;
};

struct bs_http_ctx {
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

#endif
