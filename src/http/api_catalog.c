/* api_catalog.c - the regulation catalog, the compliance status, evidence, the deadlines and
 * this API's own description: the read-only views the CLI prints too (src/jsonview). */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "compliance/status.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "evidence/evidence.h"
#include "http/http_int.h"
#include "jsonview/jsonview.h"
#include "schedule/schedule.h"
#include "store/store.h"

void bs_api_controls(struct bs_http_ctx *c)
{
	const struct bs_catalog *cat;
	int err = bs_catalog_builtin(&cat);
	if (err < 0)
		return bs_http_fail(c, err);
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

/* The status document is the most requested and the most expensive (every evaluator, then
 * ~60 KiB of JSON): each thread keeps the last one and reuses it while the day and the
 * database are unchanged (no commit by any connection, no write by this one). */
void bs_api_status(struct bs_http_ctx *c)
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
		c->status = 200;
		bs_buf_clear(&c->out);
		bs_buf_put(&c->out, k->json, k->len);
		c->content_type = "application/json";
		return;
	}
	if ((err = bs_catalog_builtin(&cat)) < 0 || (err = bs_status_compute(c->dd, cat, day, &st)) < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 200, bs_jsonview_status(&st, NULL));
	bs_status_release(&st);
	/* the version from before the computation (a commit meanwhile makes the next request
	 * recompute); this handle's writes counted after it, as the next request will see them.
	 * Not known: nothing is cached, the reply stands */
	int64_t dv_now;
	if (bs_store_changes(c->dd->store, &dv_now, &changes) < 0)
		return;
	free(k->json);
	k->json = bs_strndup(c->out.ptr, c->out.len);
	k->len = c->out.len;
	k->day = day;
	k->data_version = dv;
	k->total_changes = changes;
}

static int evidence_one(const struct bs_evidence *e, void *ctx)
{
	json_array_append_new(ctx, bs_jsonview_evidence(e));
	return 0;
}

void bs_api_evidence(struct bs_http_ctx *c)
{
	json_t *a = json_array();
	int err = bs_evidence_each(c->dd->store, NULL, evidence_one, a);
	if (err < 0) {
		json_decref(a);
		return bs_http_fail(c, err);
	}
	bs_http_json(c, 200, json_pack("{s:o}", "evidence", a));
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

/* ---- the deadlines (src/schedule) ---- */

/* The duties as `brokersec due` computes them, with the options from the query:
 * as_of (default today, the Taiwan date), within (also keeps only what falls due within it),
 * status (overdue,due_soon,ok), restore_test_months, account_review_months, lang. */
static int due_compute(struct bs_http_ctx *c, struct bs_duties *d, enum bs_lang *lang)
{
	struct bs_schedule_opts so;
	const char *as_of = bs_http_query(c, "as_of"), *l = bs_http_query(c, "lang");
	int32_t day;
	int within = BS_DUE_WITHIN_DEFAULT, restore = 12, review = 12, err;

	*lang = BS_LANG_ZH_TW;
	if (as_of) {
		if (bs_date_parse(as_of, &day) < 0)
			return bs_error(BS_EINVALID, "?as_of='%.32s' is not a date: write YYYY-MM-DD", as_of);
	} else {
		day = bs_days_taipei(bs_clock_now()); /* today as `brokersec due` counts it */
	}
	if ((err = bs_api_query_int(c, "within", 0, BS_DUE_WITHIN_MAX, &within)) < 0 ||
	    (err = bs_api_query_int(c, "restore_test_months", 1, 12, &restore)) < 0 ||
	    (err = bs_api_query_int(c, "account_review_months", 1, 12, &review)) < 0)
		return err;
	if (l && bs_lang_parse(l, lang) < 0)
		return bs_error(BS_EINVALID, "?lang='%.32s': use zh-TW or en", l);
	const char *status = bs_http_query(c, "status");
	unsigned mask = 0;
	if (status && bs_duty_status_mask(status, &mask) < 0)
		return bs_error(BS_EINVALID, "?status: %s", bs_error_message());
	bs_schedule_opts_default(&so, day);
	so.within = within;
	so.restore_test_months = restore;
	so.account_review_months = review;
	if ((err = bs_schedule_load(c->dd->store, &so, d)) < 0)
		return err;
	/* as `brokersec due`: ?within keeps what falls due within it, ?status picks statuses */
	bs_duties_keep(d, bs_http_query(c, "within") ? day + within : INT32_MAX, mask);
	return 0;
}

void bs_api_due(struct bs_http_ctx *c)
{
	struct bs_duties d = { 0 };
	enum bs_lang lang;
	int err = due_compute(c, &d, &lang);
	if (err < 0)
		bs_http_fail(c, err);
	else
		bs_http_json(c, 200, bs_duties_json(&d, lang));
	bs_duties_release(&d);
}

void bs_api_due_ics(struct bs_http_ctx *c)
{
	struct bs_duties d = { 0 };
	enum bs_lang lang;
	int err = due_compute(c, &d, &lang);
	if (err < 0) {
		bs_http_fail(c, err);
	} else {
		c->status = 200;
		bs_buf_clear(&c->out);
		bs_duties_ics(&d, lang, bs_clock_now(), &c->out);
		c->content_type = "text/calendar; charset=utf-8";
	}
	bs_duties_release(&d);
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
