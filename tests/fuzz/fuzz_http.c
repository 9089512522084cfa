/*
 * fuzz_http.c - libFuzzer harness for the JSON bodies of the HTTP API (src/http/api.c): the
 * input is the body of one request to one route that takes JSON (every R_JSON route, and
 * POST /events, whose body is NDJSON), sent by a signed-in admin through the server's own
 * choke point: bs_http_admit() on the head (route, throttle, session or API token, CSRF,
 * pending changes, permission), then bs_http_run() (the JSON parse and the handler), then the
 * rollback the server does after every request. libmicrohttpd is not involved (c.conn is
 * NULL: no query arguments).
 *
 * The data directory (fuzz_datadir.h) is made once in LLVMFuzzerInitialize with the code
 * `brokersec init` uses; the admin signs in, changes its one-time password and enrols TOTP
 * through the API itself; an employee "fuzzuser" (password FUZZ_USER_PW, so POST /session can
 * succeed), an API token for POST /events and one record in every register (id 1, for the
 * PATCH routes) are added; then it is snapshotted and rolled back after every input.
 *
 * Input: the first byte picks the target (byte % number of targets), the rest is the body.
 * Targets: the routes of known[] below first, so that a corpus input keeps its route when
 * routes are added (POST /registers/<name> and PATCH /registers/<name>/1 once per register,
 * in the order of bs_registers[], PATCH /users/fuzzuser), then any other JSON route. FUZZ_HTTP_LIST=1 prints them,
 * FUZZ_HTTP_VERBOSE=1 prints every request and its reply.
 *
 * Invariants: a reply has a status of 200..599 but never 500 (an internal error caused by a
 * request body), and a JSON reply is a JSON object.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "http/http_int.h"
#include "intake/intake.h"
#include "profile/profile.h"
#include "registry/registry.h"

#include "fuzz_datadir.h"

#define FUZZ_ADMIN "fuzzadmin"
#define FUZZ_ADMIN_PW "Harness-Admin-7Qp!xZ-2025"
#define FUZZ_USER "fuzzuser"
#define FUZZ_USER_PW "Harness-User-4Kd#wV-2025"

static struct fuzz_datadir fd;
static struct bs_http *server; /* only for c->server: see LLVMFuzzerInitialize */
static struct bs_http_cache cache;
static char sid[128], csrf[128], token[80];

struct target {
	const struct bs_route *r;
	char path[160];
};
static struct target targets[128];
static size_t ntargets;
static int verbose; /* FUZZ_HTTP_VERBOSE=1: each request and its reply on stderr */

/* A reply. */
struct reply {
	int status;
	json_t *json;      /* the reply when it is JSON, else NULL */
	char cookie[200];
};

/* One request as on_request() makes it; the reply in *rep (release rep->json). */
static void request(const struct bs_route *r, const char *path, const char *body, size_t len, const char *session,
		    const char *csrf_header, struct reply *rep)
{
	struct bs_http_ctx c;
	char authz[100] = "", params[256];
	const struct bs_route *got;

	memset(&c, 0, sizeof(c));
	memset(rep, 0, sizeof(*rep));
	bs_buf_init(&c.out);
	c.server = server;
	c.dd = fd.dd;
	c.cache = &cache;
	c.method = r->method;
	c.path = path;
	c.source = "192.0.2.10";
	c.body = body;
	c.body_len = len;
	c.session_id = session;
	c.dd->actor = "-";
	c.dd->source = c.source;
	if (r->flags & R_TOKEN_ONLY)
		snprintf(authz, sizeof(authz), "Bearer %s", token);
	bs_error_clear();
	got = bs_http_admit(&c, params, sizeof(params), authz[0] ? authz : NULL, csrf_header);
	if (got) {
		fuzz_check(got == r); /* the target's path must reach the target's route */
		bs_http_run(&c, got, "application/json");
	}
	c.dd->actor = NULL;
	c.dd->source = NULL;
	if (c.dd->store)
		bs_store_rollback(c.dd->store);

	rep->status = c.status;
	snprintf(rep->cookie, sizeof(rep->cookie), "%s", c.cookie);
	if (c.content_type && !strcmp(c.content_type, "application/json")) {
		json_error_t je;
		rep->json = json_loadb(c.out.ptr, c.out.len, 0, &je);
		fuzz_check(rep->json && json_is_object(rep->json));
	}
	json_decref(c.json);
	bs_buf_release(&c.out);
}

static const struct bs_route *route(const char *method, const char *pattern)
{
	for (size_t i = 0; i < bs_http_nroutes; i++)
		if (!strcmp(bs_http_routes[i].method, method) && !strcmp(bs_http_routes[i].pattern, pattern))
			return &bs_http_routes[i];
	fprintf(stderr, "no route %s %s\n", method, pattern);
	abort();
}

/* A request of the setup: must answer want; takes the new session and CSRF token when the
 * reply rotates them. */
static json_t *setup(const char *method, const char *pattern, const char *path, const char *body, int want)
{
	struct reply rep;
	const struct bs_route *r = route(method, pattern);
	/* a sign-in ends the session the client presents: present none */
	request(r, path ? path : pattern, body, strlen(body), r->perm == BS_PERM_NONE ? NULL : sid, csrf, &rep);
	if (rep.status != want) {
		char *s = rep.json ? json_dumps(rep.json, 0) : NULL;
		fprintf(stderr, "setup: %s %s %s: %d, not %d: %s\n", method, path ? path : pattern, body, rep.status, want,
			s ? s : "");
		free(s);
		abort();
	}
	const char *cookie = strstr(rep.cookie, "bs_session=");
	if (cookie) {
		size_t n = strcspn(cookie + 11, ";");
		snprintf(sid, sizeof(sid), "%.*s", (int)n, cookie + 11);
	}
	const char *t = json_string_value(json_object_get(rep.json, "csrf_token"));
	if (t)
		snprintf(csrf, sizeof(csrf), "%s", t);
	return rep.json;
}

static size_t base32_decode(const char *s, unsigned char *out, size_t cap)
{
	unsigned bits = 0, acc = 0;
	size_t n = 0;
	for (; *s && n < cap; s++) {
		const char *p = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", *s);
		if (!p || !*s)
			break;
		acc = (acc << 5) | (unsigned)(p - "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
		bits += 5;
		if (bits >= 8) {
			out[n++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return n;
}

/* A valid record for every register (the bodies of tests/cli/t0208), added in this order so
 * that references to system 1 and person 1 resolve; each becomes id 1. */
static const char *const records[][2] = {
	{ "system", "{\"name\":\"網路投保\",\"category\":1,\"core\":true,\"internet_facing\":\"yes\",\"device_count\":\"12\"}" },
	{ "person", "{\"name\":\"資安長\",\"role\":\"security\",\"hired\":\"2019-01-01\",\"background_check\":true,\"nda_signed\":\"2019-01-01\"}" },
	{ "asset", "{\"name\":\"客戶資料庫\",\"kind\":\"data\",\"owner\":\"資訊部\",\"classification\":\"confidential\"}" },
	{ "device", "{\"asset_tag\":\"NB-001\",\"kind\":\"laptop\",\"system\":1,\"status\":\"in-use\"}" },
	{ "training", "{\"person\":1,\"date\":\"2024-12-31\",\"hours\":12.5,\"course\":\"資安管理\"}" },
	{ "job-change", "{\"person\":1,\"date\":\"2025-01-15\",\"kind\":\"transfer\",\"access_revoked\":\"2025-01-15\"}" },
	{ "vendor", "{\"name\":\"雲端廠商\",\"service\":\"主機代管\",\"contract_end\":\"2026-12-31\",\"confidentiality\":true}" },
	{ "app", "{\"name\":\"保戶 App\",\"class\":2,\"platform\":\"both\",\"version\":\"1.0\"}" },
	{ "policy-doc", "{\"title\":\"社群媒體政策\",\"kind\":\"social-media\",\"approved\":\"2025-01-01\",\"version\":\"1\"}" },
	{ "incident", "{\"title\":\"釣魚郵件\",\"detected\":\"2025-03-01T02:00:00Z\",\"severity\":\"low\",\"major\":false,\"systems\":[1],\"steps\":[\"isolate\",\"scan\"]}" },
	{ "disposal", "{\"description\":\"舊筆電\",\"device\":1,\"date\":\"2025-02-01\",\"method\":\"overwrite\",\"data_removed\":true}" },
	{ "drill", "{\"kind\":\"bcp\",\"date\":\"2023-07-01\",\"systems\":[1]}" },
	{ "plan", "{\"approved\":\"2025-01-10\",\"approved_by\":\"board\",\"title\":\"資安計畫\"}" },
	{ "assessor", "{\"name\":\"外部評估\",\"kind\":\"external\",\"independence\":\"無利害關係\",\"certificate\":\"CISA\",\"financial_experience\":\"保險業\",\"nda_signed\":\"2025-01-01\"}" },
	{ "backup", "{\"system\":1,\"rpo_hours\":24,\"copies\":3,\"media\":2,\"offsite\":true,\"offline\":true,\"last_backup\":\"2025-06-29\",\"last_restore_test\":\"2024-07-15\"}" },
	{ "account-review", "{\"date\":\"2025-06-01\",\"systems\":[1],\"reviewer\":\"稽核\"}" },
};

static void add_target(const struct bs_route *r, const char *path)
{
	if (ntargets == sizeof(targets) / sizeof(targets[0]))
		abort();
	targets[ntargets].r = r;
	snprintf(targets[ntargets].path, sizeof(targets[ntargets].path), "%s", path);
	ntargets++;
}

/* The route's pattern with its '*' segments replaced by p0 and p1 in turn. */
static void instantiate(const struct bs_route *r, const char *p0, const char *p1)
{
	const char *seg[2] = { p0, p1 };
	char path[160];
	size_t n = 0;
	int k = 0;

	for (const char *q = r->pattern; *q && n + 1 < sizeof(path); q++) {
		if (*q != '*') {
			path[n++] = *q;
			continue;
		}
		n += (size_t)snprintf(path + n, sizeof(path) - n, "%s", k < 2 && seg[k] ? seg[k] : "1");
		k++;
		if (n >= sizeof(path))
			abort();
	}
	path[n] = '\0';
	add_target(r, path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char gen[32];
	json_t *j;
	(void)argc;
	(void)argv;

	fuzz_dd_create(&fd, "http", (1u << BS_PF_COUNT) - 1);
	cache.day = -1;

	/* Handlers reach the server's state through c->server (the per-minute bound on refusal
	 * events, http/refusal.c), and struct bs_http is private to server.c: a real one, on
	 * 127.0.0.1 with a port of its own and one thread, that no request reaches. With the clock
	 * pinned its per-minute summaries never come due, so it writes nothing. */
	char *cert = NULL, *key = NULL, fp[160];
	if (bs_intake_tls_ensure(fd.path, &cert, &key, fp, sizeof(fp)) < 0)
		fuzz_dd_fail("TLS certificate");
	struct bs_http_config cfg = { .datadir = fd.path, .listen = "127.0.0.1:0", .cert_file = cert, .key_file = key,
				      .threads = 1 };
	if (bs_http_start(&server, &cfg) < 0)
		fuzz_dd_fail("start the server");
	free(cert);
	free(key);

	/* the first admin, as `brokersec init` makes it, then its first sign-in through the API */
	struct bs_account_new nw = { .username = FUZZ_ADMIN, .role = BS_ROLE_ADMIN, .kind = BS_KIND_PERSONAL };
	if (bs_account_create(fd.dd, &nw, gen) < 0)
		fuzz_dd_fail("create the admin");
	struct bs_buf b = BS_BUF_INIT;
	bs_buf_printf(&b, "{\"username\":\"%s\",\"password\":\"%s\"}", FUZZ_ADMIN, gen);
	json_decref(setup("POST", "/api/v1/session", NULL, b.ptr, 200));
	bs_buf_clear(&b);
	bs_buf_printf(&b, "{\"current_password\":\"%s\",\"new_password\":\"%s\"}", gen, FUZZ_ADMIN_PW);
	json_decref(setup("POST", "/api/v1/me/password", NULL, b.ptr, 200));
	j = setup("POST", "/api/v1/me/totp", NULL, "{\"password\":\"" FUZZ_ADMIN_PW "\"}", 200);
	unsigned char seed[BS_TOTP_SECRET_BYTES];
	if (base32_decode(json_string_value(json_object_get(j, "secret")), seed, sizeof(seed)) != sizeof(seed))
		abort();
	json_decref(j);
	bs_buf_clear(&b);
	bs_buf_printf(&b, "{\"code\":\"%06u\"}", (unsigned)bs_totp(seed, sizeof(seed), FUZZ_T0 / 1000000, 6));
	json_decref(setup("POST", "/api/v1/me/totp/confirm", NULL, b.ptr, 200));
	char admin_sid[128], admin_csrf[128];
	snprintf(admin_sid, sizeof(admin_sid), "%s", sid);
	snprintf(admin_csrf, sizeof(admin_csrf), "%s", csrf);

	/* an employee with a known password: made by the admin, its first sign-in and password
	 * change through its own session */
	j = setup("POST", "/api/v1/users", NULL, "{\"username\":\"" FUZZ_USER "\",\"role\":\"employee\"}", 201);
	snprintf(gen, sizeof(gen), "%s", json_string_value(json_object_get(j, "one_time_password")));
	json_decref(j);
	bs_buf_clear(&b);
	bs_buf_printf(&b, "{\"username\":\"%s\",\"password\":\"%s\"}", FUZZ_USER, gen);
	json_decref(setup("POST", "/api/v1/session", NULL, b.ptr, 200));
	bs_buf_clear(&b);
	bs_buf_printf(&b, "{\"current_password\":\"%s\",\"new_password\":\"%s\"}", gen, FUZZ_USER_PW);
	json_decref(setup("POST", "/api/v1/me/password", NULL, b.ptr, 200));
	bs_buf_release(&b);
	sodium_memzero(gen, sizeof(gen));

	/* an API token for the token-only routes (POST /events, POST /witness) */
	if (bs_token_create(fd.dd, FUZZ_ADMIN, "events.append,witness.write", 30, token) < 0)
		fuzz_dd_fail("token");

	/* back to the admin's session, and one record per register */
	snprintf(sid, sizeof(sid), "%s", admin_sid);
	snprintf(csrf, sizeof(csrf), "%s", admin_csrf);
	for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "/api/v1/registers/%s", records[i][0]);
		json_decref(setup("POST", "/api/v1/registers/*", path, records[i][1], 201));
	}

	/* the targets: the routes of known[] first, in that order, so that the first byte of the
	 * corpus inputs keeps its meaning when routes are added; then any other JSON route */
	static const char *const known[][2] = {
		{ "POST", "/api/v1/session" }, { "POST", "/api/v1/me/password" }, { "POST", "/api/v1/me/totp/confirm" },
		{ "POST", "/api/v1/password-reset" }, { "POST", "/api/v1/users" }, { "PATCH", "/api/v1/users/*" },
		{ "POST", "/api/v1/events" }, { "POST", "/api/v1/registers/*" }, { "PATCH", "/api/v1/registers/*/*" },
		{ "POST", "/api/v1/me/totp" }, { "POST", "/api/v1/witness" },
	};
	int added[256] = { 0 };
	for (size_t k = 0; k <= sizeof(known) / sizeof(known[0]); k++) {
		for (size_t i = 0; i < bs_http_nroutes && i < 256; i++) {
			const struct bs_route *r = &bs_http_routes[i];
			if (added[i] || (!(r->flags & R_JSON) && !(r->flags & R_BIG)))
				continue;
			if (k < sizeof(known) / sizeof(known[0]) &&
			    (strcmp(r->method, known[k][0]) || strcmp(r->pattern, known[k][1])))
				continue;
			added[i] = 1;
			if (!strncmp(r->pattern, "/api/v1/registers/*", 19)) {
				/* every register; a record route on its record 1 */
				for (size_t g = 0; bs_registers[g]; g++)
					instantiate(r, bs_registers[g]->name, "1");
			} else if (!strncmp(r->pattern, "/api/v1/users/", 14)) {
				instantiate(r, FUZZ_USER, NULL);
			} else {
				instantiate(r, "1", NULL);
			}
		}
	}
	verbose = getenv("FUZZ_HTTP_VERBOSE") != NULL;
	if (getenv("FUZZ_HTTP_LIST"))
		for (size_t i = 0; i < ntargets; i++)
			fprintf(stderr, "%3zu 0x%02zx %s %s\n", i, i, targets[i].r->method, targets[i].path);
	fuzz_dd_snapshot(&fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reply rep;

	if (size < 1)
		return 0;
	const struct target *t = &targets[data[0] % ntargets];
	size_t len = size - 1;
	/* an exact-size copy, so reading past the end is caught */
	char *body = malloc(len ? len : 1);
	memcpy(body, data + 1, len);

	bs_throttle_reset();
	request(t->r, t->path, body, len, sid, csrf, &rep);
	if (verbose) {
		char *s = rep.json ? json_dumps(rep.json, JSON_COMPACT) : NULL;
		fprintf(stderr, "%s %s -> %d %.300s\n", t->r->method, t->path, rep.status, s ? s : "");
		free(s);
	}
	fuzz_check(rep.status >= 200 && rep.status <= 599);
	if (rep.status == 500) {
		fprintf(stderr, "500 from %s %s: %s\n", t->r->method, t->path, bs_error_message());
		fuzz_check(rep.status != 500);
	}
	json_decref(rep.json);
	free(body);
	fuzz_dd_restore(&fd);
	return 0;
}
