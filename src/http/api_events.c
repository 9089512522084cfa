/* api_events.c - the event log over the API: machine clients append batches (POST /events,
 * an API token), readers search it (GET /events, itself an event: A2.4.1.7.6) and see its
 * status (src/eventlog, src/intake). */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "eventlog/eventlog.h"
#include "http/http_int.h"
#include "intake/intake.h"
#include "jsonview/jsonview.h"

/* POST /events: NDJSON, one event object per line; all or nothing; answered after commit. */
void bs_api_events_append(struct bs_http_ctx *c)
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

/* ---- reading the event log (A2.4.1.7.6) ---- */

#define EVENTS_LIMIT_DEFAULT 50
#define EVENTS_LIMIT_MAX BS_API_PAGE_MAX
#define EVENTS_BYTES_MAX (8u << 20) /* a page stops (full) before it grows past this */

static const char *const events_args[] = { "from", "to", "type", "user", "host", "q", "limit", "before", "after", "scan",
					   NULL };

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
int bs_api_events_time(struct bs_http_ctx *c, const char *key, int end_of_day, int64_t *out)
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

/* ?type / ?user / ?host / ?q: NULL when absent; a 400 reply (and *bad) when empty or too long, or
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

/* ?before / ?after / ?scan: a whole number from 1; *out unchanged when absent. */
static int events_seq(struct bs_http_ctx *c, const char *key, int64_t hi, int64_t *out)
{
	const char *v = bs_http_query(c, key);
	char *end;
	long long n;

	if (!v)
		return 0;
	n = strtoll(v, &end, 10);
	if (!*v || *end || n < 1 || n > hi) {
		bs_http_error(c, 400, "invalid", "?%s='%.32s': give a whole number from 1 to %lld (%s)", key, v,
			      (long long)hi, strcmp(key, "scan") ? "an event's seq, as the last page's older or newer gave"
			      : "how many events one request examines at most");
		return -1;
	}
	*out = n;
	return 0;
}

struct events_read {
	json_t *events;
	size_t bytes;
};

static int events_one(const struct bs_event *ev, void *p)
{
	struct events_read *r = p;
	size_t sz = 512 + (ev->message ? strlen(ev->message) : 0) + (ev->data ? strlen(ev->data) : 0);

	/* the first always goes in: a page that can hold none could never go on */
	if (json_array_size(r->events) > 0 && r->bytes + sz > EVENTS_BYTES_MAX)
		return 1;
	r->bytes += sz;
	json_array_append_new(r->events, bs_jsonview_event(ev));
	return 0;
}

static json_t *cursor_json(int64_t v)
{
	return v ? json_integer((json_int_t)v) : json_null();
}

/* GET /events: a page of the events `brokersec log search` finds with the same filters (and a
 * text ?q), newest first, at most ?limit of them, from the cursor ?before or ?after; each request
 * examines at most ?scan events (bs_eventlog_page), so its cost is bounded on a log of any size.
 * The read is itself an event (actor and source of the request), recorded before anything is
 * read. */
void bs_api_events_read(struct bs_http_ctx *c)
{
	struct bs_event_page pg;
	struct events_read r = { NULL, 0 };
	const char *unknown = NULL;
	int limit = EVENTS_LIMIT_DEFAULT, bad = 0, err;

	memset(&pg, 0, sizeof(pg));
	if (c->conn)
		MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, unknown_arg, &unknown);
	if (unknown)
		return bs_http_error(c, 400, "invalid", "unknown argument '%.40s': GET /events takes from, to, type, "
				     "user, host, q, limit, before, after and scan", unknown);
	if (bs_api_events_time(c, "from", 0, &pg.from_us) < 0 || bs_api_events_time(c, "to", 1, &pg.to_us) < 0)
		return;
	if (pg.from_us && pg.to_us && pg.to_us < pg.from_us)
		return bs_http_error(c, 400, "invalid", "?to is before ?from: give a range that runs forward in time");
	pg.type = events_text(c, "type", 64, 1, &bad);
	pg.user = events_text(c, "user", 256, 0, &bad);
	pg.host = events_text(c, "host", 256, 0, &bad);
	pg.q = events_text(c, "q", 200, 0, &bad);
	if (bad)
		return;
	if ((err = bs_api_query_int(c, "limit", 1, EVENTS_LIMIT_MAX, &limit)) < 0)
		return bs_http_fail(c, err);
	if (events_seq(c, "before", INT64_MAX, &pg.before) < 0 || events_seq(c, "after", INT64_MAX - 1, &pg.after) < 0 ||
	    events_seq(c, "scan", BS_EVENTLOG_PAGE_SCAN, &pg.scan_max) < 0)
		return;
	if (pg.before && pg.after)
		return bs_http_error(c, 400, "invalid", "give ?before (older events) or ?after (newer events), not both");
	pg.limit = limit;

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
	if ((err = bs_eventlog_page(c->dd->path, &pg, events_one, &r)) < 0) {
		json_decref(r.events);
		return bs_http_fail(c, err);
	}
	if (pg.after) { /* taken oldest first (the nearest ones): shown newest first like every page */
		size_t n = json_array_size(r.events);
		json_t *rev = json_array();
		for (size_t i = n; i > 0; i--)
			json_array_append(rev, json_array_get(r.events, i - 1));
		json_decref(r.events);
		r.events = rev;
	}
	bs_http_json(c, 200, json_pack("{s:o,s:i,s:o,s:o,s:b,s:o}", "events", r.events, "limit", limit,
				       "older", cursor_json(pg.older), "newer", cursor_json(pg.newer), "truncated", pg.full,
				       "scanned", pg.scanned_lo ? json_pack("{s:I,s:I}", "from_seq",
				       (json_int_t)pg.scanned_lo, "to_seq", (json_int_t)pg.scanned_hi) : json_null()));
}

/* GET /events/status: what `brokersec log status --format json` shows. */
void bs_api_events_status(struct bs_http_ctx *c)
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
