/* api_evidence.c - reading evidence for the web UI and any client: the list a page at a time
 * with filters (GET /evidence), one record (GET /evidence/{id}), and its stored file
 * (GET /evidence/{id}/file), checked against the record before a byte goes out. Submitting and
 * reviewing are api_catalog.c's (POST /evidence, POST /evidence/{id}/review). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog.h"
#include "compliance/status.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "evidence/evidence.h"
#include "http/http_int.h"
#include "jsonview/jsonview.h"

/* What a person sees of a record beyond the stored one: until when an accepted proof counts
 * (its date plus the control's validity: the cycle when the catalog entry names one, else a
 * year, as `status` counts it, docs/status.md) and whether that day has come. Evidence of a
 * register record has no validity of its own (it proves the record, not a control). */
static json_t *view(const struct bs_catalog *cat, const struct bs_evidence *e, int32_t today, int *expired)
{
	json_t *o = bs_jsonview_evidence(e);
	const struct bs_control *ctl = e->control_id[0] ? bs_catalog_find(cat, e->control_id) : NULL;

	*expired = 0;
	if (ctl && e->state == BS_EVIDENCE_ACCEPTED) {
		char until[BS_DATE_MAX];
		int32_t end = bs_duration_add(bs_days_from_time(e->created_us), bs_status_validity(ctl));
		bs_date_format(end, until);
		*expired = end <= today;
		json_object_set_new(o, "valid_until", json_string(until));
	} else {
		json_object_set_new(o, "valid_until", json_null());
	}
	json_object_set_new(o, "expired", json_boolean(*expired));
	return o;
}

/* The evidence id of the route's first '*': a whole number above 0, else 0. */
static int64_t evidence_id(struct bs_http_ctx *c)
{
	const char *p = c->params[0];
	int64_t id = 0;
	size_t n = 0;

	for (; p && *p >= '0' && *p <= '9' && n < 18; p++, n++)
		id = id * 10 + (*p - '0');
	return p && !*p && n ? id : 0;
}

static void no_such(struct bs_http_ctx *c)
{
	bs_http_error(c, 404, "not_found", "no such evidence: ids are whole numbers above 0, see GET /api/v1/evidence");
}

enum want { W_ANY, W_SUBMITTED, W_ACCEPTED, W_REJECTED, W_EXPIRED };

struct list {
	const struct bs_catalog *cat;
	int32_t today;
	enum want want;
	int controls, records; /* keep only evidence of a control / of a register record */
	json_t *queue, *rest;  /* ?queue=1: the submitted ones, then the others */
	int queued;
};

static int one(const struct bs_evidence *e, void *ctx)
{
	struct list *l = ctx;
	int expired;
	json_t *o;

	if ((l->controls && !e->control_id[0]) || (l->records && !e->record_register))
		return 0;
	o = view(l->cat, e, l->today, &expired);
	if ((l->want == W_SUBMITTED && e->state != BS_EVIDENCE_SUBMITTED) ||
	    (l->want == W_REJECTED && e->state != BS_EVIDENCE_REJECTED) ||
	    (l->want == W_ACCEPTED && (e->state != BS_EVIDENCE_ACCEPTED || expired)) ||
	    (l->want == W_EXPIRED && !expired)) {
		json_decref(o);
		return 0;
	}
	json_array_append_new(l->queued && e->state == BS_EVIDENCE_SUBMITTED ? l->queue : l->rest, o);
	return 0;
}

static int sortable(const char *key, const void *arg)
{
	static const char *const keys[] = { "id", "control_id", "name", "size", "created_at", "created_by", "state",
					    "reviewed_by", "reviewed_at", "valid_until", NULL };
	(void)arg;
	for (size_t i = 0; keys[i]; i++)
		if (!strcmp(key, keys[i]))
			return 1;
	return 0;
}

/* "person" or "person:10": a register's name (lowercase letters and '-'), then maybe ':' and an
 * id. The register itself is not looked up: an unknown one simply has no evidence. */
static int record_spec_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz-");
	if (n == 0 || n > 32)
		return 0;
	if (!s[n])
		return 1;
	return s[n] == ':' && s[n + 1] && s[n + 1] != '0' && strspn(s + n + 1, "0123456789") == strlen(s + n + 1) &&
	       strlen(s + n + 1) <= 18;
}

/* GET /evidence?control=ID|record=REGISTER[:ID]&state=submitted|accepted|rejected|expired&queue=1
 * &q&sort&order&offset&limit: {"evidence": [...], "total", "offset", "limit"}. Without ?sort
 * the order is by id (oldest first); ?queue=1 puts the ones awaiting review first, oldest
 * first (the reviewers' queue), then the others newest first. */
void bs_api_evidence_list(struct bs_http_ctx *c)
{
	const char *control = bs_http_query(c, "control"), *record = bs_http_query(c, "record");
	const char *state = bs_http_query(c, "state"), *queue = bs_http_query(c, "queue");
	struct list l = { 0 };
	json_t *all, *out;
	int err;

	if (control && record)
		return bs_http_error(c, 400, "invalid", "give ?control= or ?record=, not both");
	if (control && (!*control || strlen(control) > 64))
		return bs_http_error(c, 400, "invalid", "?control= takes a catalog id such as SR.4.5 (its items are "
				     "included)");
	if (record && !record_spec_ok(record))
		return bs_http_error(c, 400, "invalid", "?record='%.40s': give a register (person) or REGISTER:ID "
				     "(person:10)", record);
	if (!state || !*state)
		l.want = W_ANY;
	else if (!strcmp(state, "submitted"))
		l.want = W_SUBMITTED;
	else if (!strcmp(state, "accepted"))
		l.want = W_ACCEPTED;
	else if (!strcmp(state, "rejected"))
		l.want = W_REJECTED;
	else if (!strcmp(state, "expired"))
		l.want = W_EXPIRED;
	else
		return bs_http_error(c, 400, "invalid", "?state='%.32s': use submitted, accepted (and still valid), "
				     "rejected or expired (accepted, past its validity)", state);
	if (queue && strcmp(queue, "0") && strcmp(queue, "1"))
		return bs_http_error(c, 400, "invalid", "?queue='%.32s': use 1 (awaiting review first) or 0", queue);
	if ((err = bs_catalog_builtin(&l.cat)) < 0)
		return bs_http_fail(c, err);
	l.today = bs_days_taipei(bs_clock_now()); /* today as `brokersec status` counts it */
	l.controls = control != NULL;
	l.records = record != NULL;
	l.queued = queue && !strcmp(queue, "1");
	l.queue = json_array();
	l.rest = json_array();
	err = bs_evidence_each(c->dd->store, control ? control : record, one, &l);
	if (err < 0) {
		json_decref(l.queue);
		json_decref(l.rest);
		return bs_http_fail(c, err);
	}
	/* queue: the submitted oldest first, then the rest newest first */
	all = l.queue;
	for (size_t i = json_array_size(l.rest); l.queued && i-- > 0;)
		json_array_append(all, json_array_get(l.rest, i));
	if (!l.queued)
		json_array_extend(all, l.rest);
	json_decref(l.rest);
	out = json_object();
	err = bs_api_page(c, all, sortable, NULL, out);
	json_decref(all);
	if (err < 0) {
		json_decref(out);
		return bs_http_fail(c, err);
	}
	/* the list keeps its name ("evidence"), as before paging */
	json_t *recs = json_incref(json_object_get(out, "records"));
	json_object_del(out, "records");
	json_t *reply = json_pack("{s:o, s:O, s:O, s:O}", "evidence", recs, "total", json_object_get(out, "total"),
				  "offset", json_object_get(out, "offset"), "limit", json_object_get(out, "limit"));
	json_decref(out);
	bs_http_json(c, 200, reply);
}

/* GET /evidence/{id}: the record, with valid_until and expired. */
void bs_api_evidence_get(struct bs_http_ctx *c)
{
	const struct bs_catalog *cat;
	struct bs_evidence e;
	int64_t id = evidence_id(c);
	int expired, err;

	if (!id)
		return no_such(c);
	if ((err = bs_catalog_builtin(&cat)) < 0 || (err = bs_evidence_get(c->dd->store, id, &e)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, view(cat, &e, bs_days_taipei(bs_clock_now()), &expired));
	bs_evidence_release(&e);
}

/* A type a browser saves or shows as what it is, never as a page of this origin: documents and
 * pictures it cannot run; everything else (HTML, SVG, scripts, office files, archives) is
 * application/octet-stream. The reply is an attachment with nosniff either way. */
static const char *file_type(const char *name)
{
	static const char *const types[][2] = {
		{ ".pdf", "application/pdf" }, { ".png", "image/png" }, { ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" }, { ".gif", "image/gif" }, { ".txt", "text/plain" }, { ".csv", "text/csv" },
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(dot, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

/* GET /evidence/{id}/file: the bytes as they were added. A stored copy that no longer matches
 * its record is refused (500, "integrity") and raises the event log's alert. */
void bs_api_evidence_file(struct bs_http_ctx *c)
{
	struct bs_buf data = BS_BUF_INIT;
	struct bs_evidence e;
	int64_t id = evidence_id(c);
	int damaged = 0, err;

	if (!id)
		return no_such(c);
	if ((err = bs_evidence_read(c->dd, id, &e, &data, &damaged)) < 0) {
		bs_buf_release(&data);
		if (damaged)
			return bs_http_error(c, 500, "integrity", "%s", bs_error_message());
		return bs_http_fail(c, err);
	}
	bs_http_attachment(c, file_type(e.name), e.name, data.ptr, data.len);
	bs_buf_release(&data);
	bs_evidence_release(&e);
}
