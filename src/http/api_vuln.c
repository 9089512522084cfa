/* api_vuln.c - vulnerability findings over the API (issue 18, src/vuln): GET /vulns, the
 * objects of `brokersec vuln list --format json`, a page at a time. */
#include <stdint.h>
#include <string.h>

#include "core/clock.h"
#include "core/datefmt.h"
#include "http/http_int.h"
#include "vuln/vuln.h"

#define VULNS_PAGE_MAX 1000

/* ?kev=1, ?overdue=1, ?all=1 (closed ones too), ?device=N, ?as_of=YYYY-MM-DD, ?limit (200,
 * at most 1000), ?offset: {total, offset, findings: [...]}. */
void bs_api_vulns(struct bs_http_ctx *c)
{
	struct bs_vuln_list_opts o;
	struct bs_vuln_finding *v = NULL;
	const char *as_of = bs_http_query(c, "as_of");
	int kev = 0, overdue = 0, all = 0, device = 0, limit = 200, offset = 0, err;
	size_t n = 0;
	json_t *arr, *doc;

	memset(&o, 0, sizeof(o));
	o.as_of = bs_days_taipei(bs_clock_now());
	if (as_of && bs_date_parse(as_of, &o.as_of) < 0) {
		bs_http_fail(c, bs_error(BS_EINVALID, "?as_of='%.32s' is not a date: write YYYY-MM-DD", as_of));
		return;
	}
	if ((err = bs_api_query_int(c, "kev", 0, 1, &kev)) < 0 || (err = bs_api_query_int(c, "overdue", 0, 1, &overdue)) < 0 ||
	    (err = bs_api_query_int(c, "all", 0, 1, &all)) < 0 ||
	    (err = bs_api_query_int(c, "device", 0, INT32_MAX, &device)) < 0 ||
	    (err = bs_api_query_int(c, "limit", 1, VULNS_PAGE_MAX, &limit)) < 0 ||
	    (err = bs_api_query_int(c, "offset", 0, INT32_MAX, &offset)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	o.kev_only = kev;
	o.overdue_only = overdue;
	o.all = all;
	o.device = device;
	if ((err = bs_vuln_findings(c->dd->store, &o, &v, &n)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	arr = json_array();
	for (size_t i = (size_t)offset; i < n && i < (size_t)offset + (size_t)limit; i++)
		json_array_append_new(arr, bs_vuln_finding_json(&v[i], o.as_of));
	doc = json_pack("{s:I, s:i, s:o}", "total", (json_int_t)n, "offset", offset, "findings", arr);
	bs_vuln_findings_free(v, n);
	bs_http_json(c, 200, doc);
}
