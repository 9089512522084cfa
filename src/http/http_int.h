/* http_int.h - private to src/http: the request context handlers see, the route table, and
 * what the files of the server share. The files, one concept each:
 *   server.c     the daemon (TLS, threads, start/stop) and a request's life: head, body, reply
 *   head.c       the request head as received: malformed heads, body framing (smuggling)
 *   admit.c      THE choke point: route matching, authentication, CSRF, permission
 *   reply.c      the reply: JSON, the one error shape, cookies, security headers
 *   refusal.c    refusals as events, at a bounded rate, and their per-minute summaries
 *   conn.c       connection limits and deadlines (slow clients)
 *   api.c        THE route table, and the helpers the handlers share
 *   api_session.c api_users.c api_registers.c api_events.c api_catalog.c api_evidence.c   the handlers
 *   web.c        the web UI's files (web/, embedded), through the same route table */
#ifndef BS_HTTP_INT_H
#define BS_HTTP_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
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
	R_CSV = 1u << 6,        /* body is text/csv (register import) */
	R_ZIP = 1u << 7,        /* body is application/zip, up to BS_HTTP_ZIP_BODY_MAX (a Windows export bundle) */
};

#define BS_HTTP_BODY_MAX (64 * 1024)
#define BS_HTTP_BIG_BODY_MAX (4 * 1024 * 1024)
#define BS_HTTP_ZIP_BODY_MAX (16 * 1024 * 1024)
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
	int64_t total_changes;  /* moves when this connection writes (both: bs_store_changes) */
	char *json;
	size_t len;
	char *summary;          /* ?view=summary of json (NULL: not made yet) */
	size_t summary_len;
};

/* The '*' segments a route pattern may have. */
#define BS_HTTP_PARAMS 2

struct bs_http_ctx {
	struct bs_http *server;
	struct bs_datadir *dd;
	struct bs_http_cache *cache;
	const char *method;
	const char *path;
	union {
		const char *params[BS_HTTP_PARAMS]; /* the route's '*' segments in order; NULL beyond */
		const char *param;          /* params[0]: the segment of a route with one '*' */
	};
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
	const char *cache_control;  /* Cache-Control value; NULL: no-store (web.c: hashed assets) */
	char disposition[768];      /* Content-Disposition of a download (bs_http_attachment), or "" */
	char sha256[65];            /* X-Content-SHA256 of a download, hex, or "" */
	int has_file;               /* the body is streamed from file_fd (bs_http_attachment_fd), which
				     * bs_http_send hands to libmicrohttpd (or closes) */
	int file_fd;
	uint64_t file_size;
};

struct bs_route {
	const char *method;
	const char *pattern;        /* "/api/v1/registers/ * / *" (no spaces): each '*' is one
				     * non-empty path segment, at most BS_HTTP_PARAMS of them */
	enum bs_perm perm;
	unsigned flags;
	void (*fn)(struct bs_http_ctx *c);
};

extern const struct bs_route bs_http_routes[];
extern const size_t bs_http_nroutes;

/* The server (server.c). Private to src/http: the files of the server share it. */
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
	int access_log;                 /* bs_http_config.access_log */
};

/* ---- reply.c: the reply ---- */

/* Sets the one error shape. code: a short stable word ("forbidden"); message: what, which
 * input, what to do. */
void bs_http_error(struct bs_http_ctx *c, int status, const char *code, const char *fmt, ...) BS_PRINTF(4, 5);
/* Turns a core error code (and its message) into a reply. */
void bs_http_fail(struct bs_http_ctx *c, int err);
/* The query argument key ("?as_of=2025-06-30"), decoded; NULL when absent. */
const char *bs_http_query(struct bs_http_ctx *c, const char *key);
/* Sets a JSON reply (steals o). */
void bs_http_json(struct bs_http_ctx *c, int status, json_t *o);
/* A download: 200 with data (copied) as content_type, Content-Disposition: attachment with
 * name (RFC 6266: an ASCII filename= and the UTF-8 filename*=; path separators and controls
 * dropped), and X-Content-SHA256 of the bytes, so a browser saves it and never renders it in
 * this origin, and the receiver can compare it with the record's hash. */
void bs_http_attachment(struct bs_http_ctx *c, const char *content_type, const char *name, const void *data,
			size_t len);
/* A download streamed from an open file (fd, size bytes; the reply owns fd from here on and
 * closes it), with the headers of bs_http_attachment but no X-Content-SHA256 (the caller may set
 * c->sha256). For files too big to hold in memory (the event log's export bundle). */
void bs_http_attachment_fd(struct bs_http_ctx *c, const char *content_type, const char *name, int fd, uint64_t size);
/* The session cookie for id (NULL: the clearing cookie). */
void bs_http_set_cookie(struct bs_http_ctx *c, const char *id);
/* Queues c's reply on conn with the security headers (MHD_NO: it could not be made whole, and
 * the connection closes rather than answer without them). */
enum MHD_Result bs_http_send(struct MHD_Connection *conn, struct bs_http_ctx *c);
/* Appends s to b as printable UTF-8 of at most max bytes (and "..." when s is longer): control
 * characters, bytes that are not UTF-8 and the backslash become \xNN. For a client's bytes
 * (a path, a header) in a message or an event. */
void bs_http_put_escaped(struct bs_buf *b, const char *s, size_t max);

/* ---- head.c: the request head as received ---- */

/* The client's address as text ("unknown" when libmicrohttpd has none). */
void bs_http_client_address(struct MHD_Connection *conn, char *out, size_t cap);
/* 1 when the head libmicrohttpd parsed is exactly what was received (no NUL byte, bare LF or
 * folded line hidden in it); raw_uri (raw_uri_len bytes) is the URL as the request line had it. */
int bs_http_head_intact(struct MHD_Connection *conn, const char *method, const char *version, const char *raw_uri,
			size_t raw_uri_len);
/* How the body is delimited: 1 when c holds the refusal of an ambiguous head (request
 * smuggling); else 0 and *has_body, *chunked, *clen (the declared length). */
int bs_http_framing(struct bs_http_ctx *c, struct MHD_Connection *conn, const char *version, int *has_body,
		    int *chunked, uint64_t *clen);

/* ---- admit.c: the choke point ---- */

/* On the request head alone, before any byte of a body: the route (its '*' segments copied
 * into buf, cap bytes, and pointed to by c->params), the throttle, authentication, CSRF,
 * pending changes and the permission, every refusal an event. Returns the route, or NULL when
 * c holds the answer. authz / csrf: the Authorization and X-CSRF-Token headers, or NULL. */
const struct bs_route *bs_http_admit(struct bs_http_ctx *c, char *buf, size_t cap, const char *authz,
				     const char *csrf);
/* With the whole body: checks it is the JSON the route wants (ctype: the Content-Type), then
 * runs the handler. */
void bs_http_run(struct bs_http_ctx *c, const struct bs_route *r, const char *ctype);

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
/* Records the refusal of c's request ("METHOD PATH from SOURCE refused: why") as an event of
 * type; kind >= 0 (enum bs_refusal_kind): a client not signed in, within the per-minute bound;
 * -1: a signed-in account, always an event of its own. */
void bs_http_log_refusal(struct bs_http_ctx *c, const char *type, int kind, const char *why);
/* Writes the summary events of the minutes that are over (all: the one still running too). */
void bs_http_refusal_summaries(struct bs_http *h, int all);

/* ---- api.c and api_*.c: the route table and its handlers ---- */

/* A string member of the JSON body, at most max bytes; NULL when absent (or not a string:
 * then *bad is set). */
const char *bs_api_jstr(struct bs_http_ctx *c, const char *key, size_t max, int *bad);
/* ?key=N within [lo, hi]; *out unchanged when absent. 0 or BS_EINVALID naming the argument. */
int bs_api_query_int(struct bs_http_ctx *c, const char *key, int lo, int hi, int *out);

/* api_page.c: a list a page at a time. The records of recs (objects) that hold ?q=, sorted by
 * ?sort= (a key sortable(key, arg) accepts) and ?order=asc|desc, from ?offset= and at most
 * ?limit= (default and maximum BS_API_PAGE_MAX) of them, into out as "records", with "total"
 * (the records that hold q), "offset" and "limit". 0, or BS_EINVALID naming the argument. */
#define BS_API_PAGE_MAX 200
int bs_api_page(struct bs_http_ctx *c, json_t *recs, int (*sortable)(const char *key, const void *arg),
		const void *arg, json_t *out);

/* api_session.c: signing in and out, the own account, password, TOTP, reset tokens */
void bs_api_login(struct bs_http_ctx *c);
void bs_api_logout(struct bs_http_ctx *c);
void bs_api_me(struct bs_http_ctx *c);
void bs_api_password(struct bs_http_ctx *c);
void bs_api_totp_enroll(struct bs_http_ctx *c);
void bs_api_totp_confirm(struct bs_http_ctx *c);
void bs_api_reset(struct bs_http_ctx *c);
/* api_users.c: other accounts, and the policy they live under */
void bs_api_users(struct bs_http_ctx *c);
void bs_api_user_get(struct bs_http_ctx *c);
void bs_api_user_create(struct bs_http_ctx *c);
void bs_api_user_patch(struct bs_http_ctx *c);
void bs_api_user_delete(struct bs_http_ctx *c);
void bs_api_user_reset(struct bs_http_ctx *c);
void bs_api_user_unlock(struct bs_http_ctx *c);
void bs_api_policy(struct bs_http_ctx *c);
void bs_api_policy_patch(struct bs_http_ctx *c);
/* api_tokens.c: API tokens: the own (all with tokens.manage), a new one shown once, revoke */
void bs_api_tokens(struct bs_http_ctx *c);
void bs_api_token_create(struct bs_http_ctx *c);
void bs_api_token_revoke(struct bs_http_ctx *c);
/* api_registers.c: the registers (src/registry), every register through the same routes */
void bs_api_registers(struct bs_http_ctx *c);
void bs_api_reg_list(struct bs_http_ctx *c);
void bs_api_reg_add(struct bs_http_ctx *c);
void bs_api_reg_get(struct bs_http_ctx *c);
void bs_api_reg_update(struct bs_http_ctx *c);
void bs_api_reg_archive(struct bs_http_ctx *c);
void bs_api_reg_export_csv(struct bs_http_ctx *c);
void bs_api_findings_open(struct bs_http_ctx *c);
void bs_api_me_training(struct bs_http_ctx *c);
void bs_api_due_summary(struct bs_http_ctx *c);
void bs_api_due_list(struct bs_http_ctx *c);
void bs_api_reg_import_csv(struct bs_http_ctx *c);
void bs_api_reg_history(struct bs_http_ctx *c);
/* api_events.c: the event log: append a batch, read, status */
void bs_api_events_append(struct bs_http_ctx *c);
void bs_api_events_read(struct bs_http_ctx *c);
void bs_api_events_status(struct bs_http_ctx *c);
/* ?from / ?to as GET /events takes them (a date as ?to: the end of that day); -1 after a 400 reply */
int bs_api_events_time(struct bs_http_ctx *c, const char *key, int end_of_day, int64_t *out);
/* api_evlog.c: verify the log (as `log verify`, without the seals) and download an export bundle */
void bs_api_events_verify(struct bs_http_ctx *c);
void bs_api_events_bundle(struct bs_http_ctx *c);
/* api_witness.c: as a witness of other brokersecs' logs: store a signed head, read them back */
void bs_api_witness_post(struct bs_http_ctx *c);
void bs_api_witness_get(struct bs_http_ctx *c);
/* api_catalog.c: the catalog, the status, evidence, the deadlines, this API's description */
void bs_api_controls(struct bs_http_ctx *c);
void bs_api_control(struct bs_http_ctx *c);
void bs_api_status(struct bs_http_ctx *c);
void bs_api_evidence_add(struct bs_http_ctx *c);
void bs_api_evidence_review(struct bs_http_ctx *c);
void bs_api_due(struct bs_http_ctx *c);
/* GET /fim: the baselines, whether they verify, the latest check (api_fim.c) */
void bs_api_fim(struct bs_http_ctx *c);
void bs_api_vulns(struct bs_http_ctx *c);     /* api_vuln.c: GET /vulns (issue 18) */
void bs_api_due_ics(struct bs_http_ctx *c);
void bs_api_openapi(struct bs_http_ctx *c);
/* api_evidence.c: evidence read back: the list (paged, filtered), one record, its stored file */
void bs_api_evidence_list(struct bs_http_ctx *c);
void bs_api_evidence_get(struct bs_http_ctx *c);
void bs_api_evidence_file(struct bs_http_ctx *c);
/* web.c: the web UI embedded from web/ (index.html at /, assets under /assets/HASH/NAME) */
void bs_web_index(struct bs_http_ctx *c);
void bs_web_asset(struct bs_http_ctx *c);
/* api_assess.c: the security assessment workflow (src/assess) */
void bs_api_assess_list(struct bs_http_ctx *c);
void bs_api_assess_get(struct bs_http_ctx *c);
void bs_api_assess_plan(struct bs_http_ctx *c);
void bs_api_assess_record(struct bs_http_ctx *c);
void bs_api_assess_scope(struct bs_http_ctx *c);
void bs_api_assess_sample(struct bs_http_ctx *c);
void bs_api_assess_assessor(struct bs_http_ctx *c);
void bs_api_assess_run(struct bs_http_ctx *c);
void bs_api_assess_results(struct bs_http_ctx *c);
void bs_api_assess_finding(struct bs_http_ctx *c);
void bs_api_assess_complete(struct bs_http_ctx *c);
void bs_api_assess_close(struct bs_http_ctx *c);
void bs_api_assess_followup(struct bs_http_ctx *c);
void bs_api_assess_review(struct bs_http_ctx *c);
void bs_api_assess_finding_close(struct bs_http_ctx *c);
/* api_reports.c: an assessment's results a page at a time; its reports issued, listed, downloaded */
void bs_api_assess_results_list(struct bs_http_ctx *c);
void bs_api_assess_reports(struct bs_http_ctx *c);
void bs_api_assess_report_issue(struct bs_http_ctx *c);
void bs_api_report_get(struct bs_http_ctx *c);
/* api_scans.c: saved host scans and their waivers (src/scan) */
void bs_api_scans(struct bs_http_ctx *c);
void bs_api_scans_latest(struct bs_http_ctx *c);
void bs_api_scan_get(struct bs_http_ctx *c);
void bs_api_scan_waivers(struct bs_http_ctx *c);
void bs_api_scan_waiver_add(struct bs_http_ctx *c);
/* api_scan_upload.c: a PC's Windows export bundle scanned and saved (the collector) */
void bs_api_scan_upload(struct bs_http_ctx *c);

#endif
