/* api_catalog.c - the regulation catalog, the compliance status, evidence, the deadlines and
 * this API's own description: the read-only views the CLI prints too (src/jsonview). */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "compliance/status.h"
#include "core/clock.h"
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
	int32_t day = bs_days_from_time(bs_clock_now());
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

/* ---- the deadlines (src/schedule) ---- */

/* The duties as `brokersec due` computes them, with the options from the query:
 * as_of (default today), within, restore_test_months, account_review_months, lang. */
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
		day = bs_days_from_time(bs_clock_now());
	}
	if ((err = bs_api_query_int(c, "within", 0, BS_DUE_WITHIN_MAX, &within)) < 0 ||
	    (err = bs_api_query_int(c, "restore_test_months", 1, 12, &restore)) < 0 ||
	    (err = bs_api_query_int(c, "account_review_months", 1, 12, &review)) < 0)
		return err;
	if (l && bs_lang_parse(l, lang) < 0)
		return bs_error(BS_EINVALID, "?lang='%.32s': use zh-TW or en", l);
	bs_schedule_opts_default(&so, day);
	so.within = within;
	so.restore_test_months = restore;
	so.account_review_months = review;
	return bs_schedule_load(c->dd->store, &so, d);
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
