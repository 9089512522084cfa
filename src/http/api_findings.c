/* api_findings.c - GET /assessment-findings/open: the open findings of every assessment as the
 * dashboard shows them (counts by severity, how many are overdue, the most urgent first). A
 * summary, not a list: an assessment's own findings come with GET /assessments/ID. */
#include <string.h>

#include "assess/assess.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "http/http_int.h"

#define FINDINGS_FIRST 10 /* the most urgent shown on the dashboard */

void bs_api_findings_open(struct bs_http_ctx *c)
{
	static const char *const sev[] = { "critical", "high", "medium", "low" };
	json_t *all, *by = json_object(), *first = json_array(), *f;
	size_t i, overdue = 0;
	char today[BS_DATE_MAX];
	int err;

	if ((err = bs_assess_open_findings(c->dd->store, &all)) < 0) {
		json_decref(by);
		json_decref(first);
		return bs_http_fail(c, err);
	}
	bs_date_format(bs_days_taipei(bs_clock_now()), today);
	for (i = 0; i < sizeof(sev) / sizeof(sev[0]); i++)
		json_object_set_new(by, sev[i], json_integer(0));
	/* the library orders by due date, then id: the first ones are the most urgent */
	json_array_foreach(all, i, f) {
		const char *s = json_string_value(json_object_get(f, "severity"));
		const char *due = json_string_value(json_object_get(f, "due"));
		json_t *n = s ? json_object_get(by, s) : NULL;
		if (n)
			json_integer_set(n, json_integer_value(n) + 1);
		if (due && *due && strcmp(due, today) < 0)
			overdue++;
		if (i < FINDINGS_FIRST)
			json_array_append(first, f);
	}
	bs_http_json(c, 200, json_pack("{s:s,s:I,s:I,s:o,s:o}", "as_of", today, "open", (json_int_t)json_array_size(all),
				       "overdue", (json_int_t)overdue, "by_severity", by, "first", first));
	json_decref(all);
}
