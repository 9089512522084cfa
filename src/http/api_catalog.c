/* api_catalog.c - the regulation catalog, the compliance status, evidence and this API's own
 * description (the deadlines: api_due.c): the read-only views the CLI prints too (src/jsonview). */
#include <sodium.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "compliance/status.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "evidence/evidence.h"
#include "http/http_int.h"
#include "core/utf8.h"
#include "jsonview/jsonview.h"
#include "report/report.h"
#include "store/store.h"

static void status_full(struct bs_http_ctx *c, int summary);

#define CONTROL_REASON_MAX 1500 /* bytes of a reason in a page of controls; /status has it whole */

/* s cut to at most max bytes on a character boundary, with "…" when cut. */
static json_t *cut_text(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0, at = 0;
	uint32_t cp;
	if (n <= max)
		return json_string(s ? s : "");
	while (at < n) {
		size_t l = bs_utf8_next(s + at, n - at, &cp);
		if (!l || at + l > max)
			break;
		at += l;
	}
	struct bs_buf b = BS_BUF_INIT;
	bs_buf_put(&b, s, at);
	bs_buf_puts(&b, "…");
	json_t *o = json_string(b.ptr);
	bs_buf_release(&b);
	return o;
}

/* ?sort= of the control page */
static int control_sortable(const char *key, const void *arg)
{
	(void)arg;
	return !strcmp(key, "id") || !strcmp(key, "state");
}

/* GET /controls?limit=N[&offset&q&state]: the catalog a page at a time for the web UI, each
 * entry flat (strings, so ?q finds the id, the titles, the verbatim text and the English), with
 * the text's own numbering (第四條第五款) and today's status and reason (cut to
 * CONTROL_REASON_MAX bytes) merged in. */
static void controls_page(struct bs_http_ctx *c, const struct bs_catalog *cat)
{
	const char *want = bs_http_query(c, "state");
	json_error_t je;
	json_t *doc, *g, *x, *st = json_object(), *recs = json_array(), *o;
	size_t i, j;
	int err;

	if (want && strcmp(want, "met") && strcmp(want, "due") && strcmp(want, "not_met") && strcmp(want, "unknown") &&
	    strcmp(want, "not_applicable")) {
		json_decref(st);
		json_decref(recs);
		return bs_http_error(c, 400, "invalid", "?state='%.16s': use met, due, not_met, unknown or "
				     "not_applicable", want);
	}
	status_full(c, 0); /* the status document (cached per thread) into c->out */
	if (c->status != 200 || !(doc = json_loadb(c->out.ptr, c->out.len, 0, &je))) {
		json_decref(st);
		json_decref(recs);
		if (c->status == 200)
			bs_http_error(c, 500, "internal", "the server could not complete the request: the status "
				      "document does not parse");
		return;
	}
	json_array_foreach (json_object_get(doc, "groups"), i, g)
		json_array_foreach (json_object_get(g, "controls"), j, x)
			json_object_set(st, json_string_value(json_object_get(x, "id")), x);
	for (i = 0; i < cat->n; i++) {
		const struct bs_control *ctl = &cat->v[i];
		json_t *s_ = json_object_get(st, ctl->id), *reason = json_object_get(s_, "reason");
		const char *state = json_string_value(json_object_get(s_, "state"));
		struct bs_buf zh = BS_BUF_INIT, en = BS_BUF_INIT;
		if (want && (!state || strcmp(state, want)))
			continue;
		bs_report_numbering(ctl->id, BS_LANG_ZH_TW, &zh);
		bs_report_numbering(ctl->id, BS_LANG_EN, &en);
		json_t *v = bs_jsonview_control(ctl), *r = json_object();
		json_object_set_new(r, "id", json_string(ctl->id));
		json_object_set_new(r, "numbering_zh", json_string(zh.ptr ? zh.ptr : ""));
		json_object_set_new(r, "numbering_en", json_string(en.ptr ? en.ptr : ""));
		json_object_set(r, "title_zh", json_object_get(json_object_get(v, "title"), "zh-TW"));
		json_object_set(r, "title_en", json_object_get(json_object_get(v, "title"), "en"));
		json_object_set(r, "text_zh", json_object_get(json_object_get(v, "text"), "zh-TW"));
		json_object_set(r, "text_en", json_object_get(json_object_get(v, "text"), "en"));
		json_object_set(r, "applies", json_object_get(v, "applies"));
		json_object_set_new(r, "state", state ? json_string(state) : json_null());
		json_object_set_new(r, "reason_zh", cut_text(json_string_value(json_object_get(reason, "zh-TW")),
							     CONTROL_REASON_MAX));
		json_object_set_new(r, "reason_en", cut_text(json_string_value(json_object_get(reason, "en")),
							     CONTROL_REASON_MAX));
		json_array_append_new(recs, r);
		json_decref(v);
		bs_buf_release(&zh);
		bs_buf_release(&en);
	}
	json_decref(st);
	json_decref(doc);
	o = json_pack("{s:I}", "catalog", (json_int_t)cat->n);
	err = bs_api_page(c, recs, control_sortable, NULL, o);
	json_decref(recs);
	if (err < 0) {
		json_decref(o);
		return bs_http_fail(c, err);
	}
	bs_http_json(c, 200, o);
}

void bs_api_controls(struct bs_http_ctx *c)
{
	const struct bs_catalog *cat;
	int err = bs_catalog_builtin(&cat);
	if (err < 0)
		return bs_http_fail(c, err);
	if (bs_http_query(c, "limit"))
		return controls_page(c, cat);
	json_t *a = json_array();
	for (size_t i = 0; i < cat->n; i++)
		json_array_append_new(a, bs_jsonview_control(&cat->v[i]));
	bs_http_json(c, 200, json_pack("{s:o}", "controls", a));
}

void bs_api_control(struct bs_http_ctx *c)
{
	const struct bs_catalog *cat;
	const struct bs_control *ctl;
	int err = bs_catalog_builtin(&cat);
	if (err < 0)
		return bs_http_fail(c, err);
	if (!(ctl = bs_catalog_find(cat, c->param)))
		return bs_http_error(c, 404, "not_found", "no control '%.64s' in the catalog: ids look like SR.4.5, "
				     "A2.5.4.2.3", c->param);
	bs_http_json(c, 200, bs_jsonview_control(ctl));
}

/* ?view=summary: the totals and each group's counts without its controls (the dashboard: a
 * few kB where the whole document grows with the registers). */
static void status_summary(struct bs_http_ctx *c)
{
	json_error_t je;
	json_t *doc = json_loadb(c->out.ptr, c->out.len, 0, &je), *g;
	size_t i;

	if (!doc) {
		fprintf(stderr, "brokersec serve: the status document does not parse (line %d: %s)\n", je.line, je.text);
		return bs_http_error(c, 500, "internal", "the server could not complete the request: the administrator "
				     "finds the reason in the server log");
	}
	json_array_foreach (json_object_get(doc, "groups"), i, g)
		json_object_del(g, "controls");
	bs_http_json(c, 200, doc);
}

void bs_api_status(struct bs_http_ctx *c)
{
	const char *view = bs_http_query(c, "view");
	if (view && strcmp(view, "summary") && strcmp(view, "full"))
		return bs_http_error(c, 400, "invalid", "?view='%.16s': use summary or full", view);
	status_full(c, view && !strcmp(view, "summary"));
}

/* The status document is the most requested and the most expensive (every evaluator, then
 * ~60 KiB of JSON): each thread keeps the last one and reuses it while the day and the
 * database are unchanged (no commit by any connection, no write by this one). */
/* c->out holds the cached document k->json: its summary into c->out and beside it in k. */
static void keep_summary(struct bs_http_ctx *c, struct bs_http_cache *k)
{
	status_summary(c);
	if (c->status != 200)
		return;
	free(k->summary);
	k->summary = bs_strndup(c->out.ptr, c->out.len);
	k->summary_len = c->out.len;
}

/* summary: ?view=summary, kept beside the cached document (parsing a document of MBs, with
 * thousands of people, on every dashboard load would cost more than the summary saves). */
static void status_full(struct bs_http_ctx *c, int summary)
{
	const struct bs_catalog *cat;
	struct bs_status st;
	struct bs_http_cache *k = c->cache;
	int64_t dv, changes;
	int32_t day = bs_days_taipei(bs_clock_now()); /* today as `brokersec status` counts it */
	int err;

	if ((err = bs_store_changes(c->dd->store, &dv, &changes)) < 0)
		return bs_http_fail(c, err);
	if (k->json && k->day == day && k->data_version == dv && k->total_changes == changes) {
		int have = summary && k->summary;
		c->status = 200;
		bs_buf_clear(&c->out);
		bs_buf_put(&c->out, have ? k->summary : k->json, have ? k->summary_len : k->len);
		c->content_type = "application/json";
		if (summary && !have)
			keep_summary(c, k);
		return;
	}
	if ((err = bs_catalog_builtin(&cat)) < 0 || (err = bs_status_compute(c->dd, cat, day, &st)) < 0)
		return bs_http_fail(c, err);
	json_t *doc = bs_jsonview_status(&st, NULL);
	err = bs_actions_attach(c->dd, &st, NULL, doc); /* the same document as `status --format json` */
	bs_status_release(&st);
	if (err < 0) {
		json_decref(doc);
		return bs_http_fail(c, err);
	}
	bs_http_json(c, 200, doc);
	/* the version from before the computation (a commit meanwhile makes the next request
	 * recompute); this handle's writes counted after it, as the next request will see them.
	 * Not known: nothing is cached, the reply stands */
	int64_t dv_now;
	if (bs_store_changes(c->dd->store, &dv_now, &changes) < 0) {
		if (summary)
			status_summary(c);
		return;
	}
	free(k->json);
	free(k->summary); /* made again from the new document when asked */
	k->summary = NULL;
	k->json = bs_strndup(c->out.ptr, c->out.len);
	k->len = c->out.len;
	k->day = day;
	k->data_version = dv;
	k->total_changes = changes;
	if (summary)
		keep_summary(c, k);
}

/* POST /evidence {"control_id": "SR.4.5" | "record": "person:10", "name": "nda.pdf",
 * "content_base64": "...", "note": "..."}: submitted by the signed-in account (evidence.write);
 * at most what a 4 MiB body holds (about 3 MiB of file); larger files through the CLI. */
void bs_api_evidence_add(struct bs_http_ctx *c)
{
	const char *control, *record, *name, *b64, *note;
	const struct bs_catalog *cat;
	struct bs_evidence_target t = { NULL, NULL, 0 };
	struct bs_evidence e;
	unsigned char *bin;
	size_t cap, len = 0;
	char reg[64];
	int bad = 0, err;

	control = bs_api_jstr(c, "control_id", 64, &bad);
	record = bs_api_jstr(c, "record", 96, &bad);
	name = bs_api_jstr(c, "name", 255, &bad);
	note = bs_api_jstr(c, "note", 4000, &bad);
	b64 = bs_api_jstr(c, "content_base64", BS_HTTP_BIG_BODY_MAX, &bad);
	if (bad || !name || !b64 || !control == !record)
		return bs_http_error(c, 400, "invalid", "send {\"control_id\": ID or \"record\": \"REGISTER:ID\", "
				     "\"name\": file name, \"content_base64\": the file, \"note\": optional}");
	if (control) {
		if ((err = bs_catalog_builtin(&cat)) < 0)
			return bs_http_fail(c, err);
		if (!bs_catalog_find(cat, control))
			return bs_http_error(c, 404, "not_found", "no control '%.64s' in the catalog: see GET /api/v1/controls",
					     control);
		t.control_id = control;
	} else if ((err = bs_evidence_parse_record(record, &t, reg, sizeof(reg))) < 0) {
		return bs_http_fail(c, err);
	}
	cap = strlen(b64) / 4 * 3 + 3;
	bin = bs_malloc(cap ? cap : 1);
	if (sodium_base642bin(bin, cap, b64, strlen(b64), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(bin);
		return bs_http_error(c, 400, "invalid", "content_base64 is not base64 (RFC 4648, with padding)");
	}
	err = bs_evidence_add_bytes(c->dd, &t, name, bin, len, note, c->dd->actor, &e);
	free(bin);
	if (err < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 201, bs_jsonview_evidence(&e));
	bs_evidence_release(&e);
}

/* POST /evidence/{id}/review {"decision": "accept"|"reject", "comment": "..."}: the signed-in
 * account reviews (the route asks for evidence.review: security_officer, auditor); the
 * submitter is refused (403) by bs_evidence_review, a second review is 409. */
void bs_api_evidence_review(struct bs_http_ctx *c)
{
	const char *p = c->params[0], *decision, *comment;
	struct bs_evidence e;
	int64_t id = 0;
	size_t n = 0;
	int bad = 0, err;

	for (; p && *p >= '0' && *p <= '9' && n < 18; p++, n++)
		id = id * 10 + (*p - '0');
	if (!p || *p || id <= 0)
		return bs_http_error(c, 404, "not_found", "no such evidence: ids are whole numbers above 0, see "
				     "GET /api/v1/evidence");
	decision = bs_api_jstr(c, "decision", 16, &bad);
	comment = bs_api_jstr(c, "comment", 4000, &bad);
	if (bad || !decision || (strcmp(decision, "accept") != 0 && strcmp(decision, "reject") != 0) || !comment ||
	    !*comment)
		return bs_http_error(c, 400, "invalid", "send {\"decision\": \"accept\" or \"reject\", \"comment\": "
				     "\"why\"}: a review needs both");
	if ((err = bs_evidence_review(c->dd, id, !strcmp(decision, "accept"), comment, c->dd->actor, &e)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, bs_jsonview_evidence(&e));
	bs_evidence_release(&e);
}

void bs_api_openapi(struct bs_http_ctx *c)
{
	size_t len;
	const char *y = bs_http_openapi(&len);
	c->status = 200;
	bs_buf_clear(&c->out);
	bs_buf_put(&c->out, y, len);
	c->content_type = "application/yaml";
}
