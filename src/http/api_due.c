/* api_due.c - the deadlines (src/schedule) over the API: GET /due (every duty, as `brokersec
 * due --format json`), /due.ics (the same as iCalendar), /due/summary (what the dashboard
 * shows: counts and the first few of each kind) and /due/list (a page at a time). */
#include <stdint.h>
#include <string.h>

#include "core/clock.h"
#include "core/datefmt.h"
#include "http/http_int.h"
#include "schedule/schedule.h"

/* The duties as `brokersec due` computes them, with the options from the query:
 * as_of (default today, the Taiwan date), within (also keeps only what falls due within it),
 * status (overdue,due_soon,ok), restore_test_months, account_review_months, lang. */
static int due_compute(struct bs_http_ctx *c, struct bs_duties *d, enum bs_lang *lang, int32_t *as_of_out)
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
	if (as_of_out)
		*as_of_out = day;
	/* as `brokersec due`: ?within keeps what falls due within it, ?status picks statuses */
	bs_duties_keep(d, bs_http_query(c, "within") ? day + within : INT32_MAX, mask);
	return 0;
}

void bs_api_due(struct bs_http_ctx *c)
{
	struct bs_duties d = { 0 };
	enum bs_lang lang;
	int err = due_compute(c, &d, &lang, NULL);
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
	int err = due_compute(c, &d, &lang, NULL);
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

#define DUE_SUMMARY_FIRST 10 /* of each kind, the soonest */

/* GET /due/summary: what the dashboard shows, whatever the number of duties (a broker with
 * hundreds of people has thousands): for overdue, due within 30 days and within 31-90 days,
 * the count and the first DUE_SUMMARY_FIRST by date. A duty that is fine but dated in the past
 * (the start of the retained log) is in none. Same query as /due (as_of, lang ...). */
void bs_api_due_summary(struct bs_http_ctx *c)
{
	static const char *const kind[] = { "overdue", "within_30", "within_90" };
	struct bs_duties d = { 0 };
	enum bs_lang lang;
	int32_t today;
	json_t *all, *out, *k[3];
	char date[BS_DATE_MAX];
	size_t n[3] = { 0, 0, 0 };
	int err = due_compute(c, &d, &lang, &today);

	if (err < 0) {
		bs_duties_release(&d);
		return bs_http_fail(c, err);
	}
	all = bs_duties_json(&d, lang);
	bs_date_format(today, date);
	out = json_pack("{s:s,s:I}", "as_of", date, "duties", (json_int_t)d.n);
	for (int i = 0; i < 3; i++)
		k[i] = json_array();
	for (size_t i = 0; i < d.n; i++) {
		const struct bs_duty *x = &d.v[i];
		int which = x->status == BS_DUTY_OVERDUE ? 0
			  : x->due < today ? -1
			  : x->due - today <= 30 ? 1
			  : x->due - today <= 90 ? 2 : -1;
		if (which < 0)
			continue;
		n[which]++;
		/* keep the soonest: insert in date order, drop the last beyond the limit */
		size_t m = json_array_size(k[which]), at = m;
		while (at > 0 && d.v[(size_t)json_integer_value(json_array_get(k[which], at - 1))].due > x->due)
			at--;
		if (at < DUE_SUMMARY_FIRST) {
			json_array_insert_new(k[which], at, json_integer((json_int_t)i));
			if (json_array_size(k[which]) > DUE_SUMMARY_FIRST)
				json_array_remove(k[which], DUE_SUMMARY_FIRST);
		}
	}
	for (int i = 0; i < 3; i++) {
		json_t *first = json_array(), *ix;
		size_t j;
		json_array_foreach (k[i], j, ix)
			json_array_append(first, json_array_get(all, (size_t)json_integer_value(ix)));
		json_decref(k[i]);
		json_object_set_new(out, kind[i], json_pack("{s:I,s:o}", "count", (json_int_t)n[i], "first", first));
	}
	json_decref(all);
	bs_duties_release(&d);
	bs_http_json(c, 200, out);
}

/* ?sort= of the duty list */
static int due_sortable(const char *key, const void *arg)
{
	(void)arg;
	return !strcmp(key, "due") || !strcmp(key, "duty") || !strcmp(key, "source") || !strcmp(key, "subject") ||
	       !strcmp(key, "status");
}

/* GET /due/list: the duties of /due (same filters: within, status, as_of, lang) a page at a
 * time, with ?q, ?sort (due by default), ?order, ?limit (at most 200) and ?offset. */
void bs_api_due_list(struct bs_http_ctx *c)
{
	struct bs_duties d = { 0 };
	enum bs_lang lang;
	int err = due_compute(c, &d, &lang, NULL);
	json_t *all, *o;

	if (err < 0) {
		bs_duties_release(&d);
		return bs_http_fail(c, err);
	}
	all = bs_duties_json(&d, lang);
	bs_duties_release(&d);
	o = json_object();
	err = bs_api_page(c, all, due_sortable, NULL, o);
	json_decref(all);
	if (err < 0) {
		json_decref(o);
		return bs_http_fail(c, err);
	}
	bs_http_json(c, 200, o);
}
