/* api_scans.c - saved host scans and their waivers (src/scan, docs/checks.md) over the API: a
 * page of saved scans newest first, the last scan per host, one scan's results with the
 * clauses each check serves and its fix, and the waivers, added through the same library call
 * as `brokersec scan --waive` (the same checks, messages and event). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "http/http_int.h"
#include "report/report.h"
#include "scan/scan.h"

static int32_t today(void)
{
	return bs_days_from_time(bs_clock_now());
}

static json_t *opt_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *pair(const char *zh, const char *en)
{
	return json_pack("{s:s, s:s}", "zh-TW", zh ? zh : (en ? en : ""), "en", en ? en : (zh ? zh : ""));
}

/* One saved scan as a list row: counts (waived: by a waiver valid today), open = failing
 * checks no waiver covers. */
static json_t *scan_row(const struct bs_scan_saved *s)
{
	unsigned fail = s->count[BS_SCAN_FAIL], waived = s->waived_now > fail ? fail : s->waived_now;
	json_t *counts = json_pack("{s:i, s:i, s:i, s:i, s:i}", "pass", (int)s->count[BS_SCAN_PASS], "fail", (int)fail,
				   "not_applicable", (int)s->count[BS_SCAN_NA], "error", (int)s->count[BS_SCAN_ERROR],
				   "waived", (int)waived);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "host", json_string(s->host));
	json_object_set_new(o, "platform", json_string(s->platform));
	json_object_set_new(o, "system", json_string(s->system_id));
	json_object_set_new(o, "device", opt_str(s->device));
	json_object_set_new(o, "root", json_string(s->root));
	json_object_set_new(o, "created_at", json_string(s->created_at));
	json_object_set_new(o, "created_by", json_string(s->created_by));
	json_object_set_new(o, "counts", counts);
	json_object_set_new(o, "open", json_integer(fail - waived));
	json_object_set_new(o, "waived_at_save", json_integer(s->waived_saved));
	return o;
}

/* GET /scans (?host=) and /scans/latest: a page (?limit at most BS_API_PAGE_MAX, ?offset). */
static void list(struct bs_http_ctx *c, int latest)
{
	const char *host = latest ? NULL : bs_http_query(c, "host");
	int limit = BS_API_PAGE_MAX, offset = 0, err;
	struct bs_scan_saved *v = NULL;
	size_t n = 0;
	int64_t total = 0;

	if ((err = bs_api_query_int(c, "limit", 1, BS_API_PAGE_MAX, &limit)) < 0 ||
	    (err = bs_api_query_int(c, "offset", 0, 1 << 30, &offset)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	if (host && !*host)
		host = NULL;
	if ((err = bs_scan_saved_list(c->dd->store, host, latest, today(), offset, limit, &v, &n, &total)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	json_t *recs = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(recs, scan_row(&v[i]));
		bs_scan_saved_release(&v[i]);
	}
	free(v);
	bs_http_json(c, 200, json_pack("{s:o, s:I, s:i, s:i}", "records", recs, "total", (json_int_t)total, "offset",
				       offset, "limit", limit));
}

void bs_api_scans(struct bs_http_ctx *c)
{
	list(c, 0);
}

void bs_api_scans_latest(struct bs_http_ctx *c)
{
	list(c, 1);
}

static json_t *waiver_json(const struct bs_scan_waiver *w, int32_t day)
{
	int32_t exp = 0;
	int active = bs_date_parse(w->expires, &exp) == 0 && exp >= day;
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)w->id, "host", w->host,
			 "check_id", w->check_id, "justification", w->justification, "approver", w->approver, "expires",
			 w->expires, "created_at", w->created_at ? w->created_at : "", "created_by",
			 w->created_by ? w->created_by : "", "active", active);
}

/* The clauses a check serves: catalog id, the text's own numbering, the title. */
static json_t *clauses(json_t *refs, const struct bs_catalog *cat)
{
	json_t *arr = json_array(), *r;
	size_t i;
	struct bs_buf zh = BS_BUF_INIT, en = BS_BUF_INIT;

	json_array_foreach (refs, i, r) {
		const char *id = json_string_value(r);
		if (!id)
			continue;
		const struct bs_control *ctl = cat ? bs_catalog_find(cat, id) : NULL;
		bs_buf_clear(&zh);
		bs_buf_clear(&en);
		bs_report_numbering(id, BS_LANG_ZH_TW, &zh);
		bs_report_numbering(id, BS_LANG_EN, &en);
		json_array_append_new(arr, json_pack("{s:s, s:o, s:o}", "id", id, "numbering", pair(zh.ptr, en.ptr), "title",
						     ctl ? pair(ctl->title.zh, ctl->title.en) : json_null()));
	}
	bs_buf_release(&zh);
	bs_buf_release(&en);
	return arr;
}

/* Failing checks no waiver covers first, then waived ones, errors, not applicable, passes;
 * within each the most severe first, then by check id. */
static int rank(json_t *r)
{
	const char *st = json_string_value(json_object_get(r, "status"));
	if (!st)
		return 5;
	if (!strcmp(st, "fail"))
		return json_is_null(json_object_get(r, "waiver")) ? 0 : 1;
	return !strcmp(st, "error") ? 2 : !strcmp(st, "not_applicable") ? 3 : 4;
}

static int severity(json_t *r)
{
	static const char *const names[] = { "critical", "high", "medium", "low" };
	const char *s = json_string_value(json_object_get(r, "severity"));
	for (int i = 0; s && i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return 4;
}

static int cmp_results(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int d = rank(x) - rank(y);
	if (!d)
		d = severity(x) - severity(y);
	if (!d) {
		const char *p = json_string_value(json_object_get(x, "check")), *q = json_string_value(json_object_get(y, "check"));
		d = strcmp(p ? p : "", q ? q : "");
	}
	return d;
}

/* GET /scans/ID: the scan and every check's result, failing ones first. */
void bs_api_scan_get(struct bs_http_ctx *c)
{
	const char *p = c->param;
	int64_t id = 0;
	size_t k = 0;
	int32_t day = today();
	struct bs_scan_saved s;
	struct bs_scan_waiver *w = NULL;
	size_t nw = 0;
	const struct bs_catalog *cat = NULL;
	json_error_t je;
	json_t *doc, *res, *r, *out, **v;
	int err;

	for (; *p >= '0' && *p <= '9' && k < 18; p++, k++)
		id = id * 10 + (*p - '0');
	if (*p || id <= 0) {
		struct bs_buf seg = BS_BUF_INIT;
		bs_http_put_escaped(&seg, c->param, 32);
		bs_http_error(c, 404, "not_found",
			      BS_T(bs_error_lang(), "沒有編號為 '%s' 的已儲存掃描：編號為大於 0 的整數（見 GET /api/v1/scans）",
				   "no saved scan with id '%s': ids are whole numbers above 0 (see GET /api/v1/scans)"),
			      seg.ptr);
		bs_buf_release(&seg);
		return;
	}
	if ((err = bs_scan_saved_get(c->dd->store, id, day, &s)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	if ((err = bs_scan_waiver_list(c->dd->store, s.host, 0, day, &w, &nw)) < 0) {
		bs_scan_saved_release(&s);
		bs_http_fail(c, err);
		return;
	}
	if (bs_catalog_builtin(&cat) < 0)
		cat = NULL; /* the clauses then go without their titles */
	doc = json_loads(s.result_json, 0, &je);
	res = doc ? json_object_get(doc, "results") : NULL;
	size_t n = json_is_array(res) ? json_array_size(res) : 0;
	v = bs_calloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		r = json_array_get(res, i);
		const char *check = json_string_value(json_object_get(r, "id"));
		const char *status = json_string_value(json_object_get(r, "status"));
		json_t *o = json_object(), *reason = json_object_get(r, "reason"), *saved_w = json_object_get(r, "waiver");
		json_t *cur = json_null();
		json_object_set_new(o, "check", json_string(check ? check : "?"));
		json_object_set(o, "title", json_object_get(r, "title"));
		json_object_set_new(o, "status", json_string(status ? status : "error"));
		json_object_set(o, "severity", json_object_get(r, "severity"));
		json_object_set_new(o, "clauses", clauses(json_object_get(r, "refs"), cat));
		json_object_set(o, "evidence", json_object_get(r, "evidence"));
		json_object_set_new(o, "reason", json_is_string(reason) ? pair(json_string_value(json_object_get(r, "reason_zh")),
									    json_string_value(reason)) : json_null());
		json_object_set(o, "fix", json_object_get(r, "remediation") ? json_object_get(r, "remediation") : json_null());
		json_object_set(o, "baseline", json_object_get(r, "baseline") ? json_object_get(r, "baseline") : json_null());
		for (size_t j = 0; check && status && !strcmp(status, "fail") && j < nw; j++)
			if (!strcmp(w[j].check_id, check)) {
				json_decref(cur);
				cur = waiver_json(&w[j], day);
				break;
			}
		json_object_set_new(o, "waiver", cur);
		json_object_set(o, "waiver_at_save", saved_w ? saved_w : json_null());
		v[i] = o;
	}
	qsort(v, n, sizeof(*v), cmp_results);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
	out = scan_row(&s);
	json_object_set(out, "started_at", doc ? json_object_get(doc, "started_at") : json_null());
	json_object_set_new(out, "results", arr);
	json_decref(doc);
	for (size_t j = 0; j < nw; j++)
		bs_scan_waiver_release(&w[j]);
	free(w);
	bs_scan_saved_release(&s);
	bs_http_json(c, 200, out);
}

static int waiver_sortable(const char *key, const void *arg)
{
	(void)arg;
	return !strcmp(key, "id") || !strcmp(key, "host") || !strcmp(key, "check_id") || !strcmp(key, "expires") ||
	       !strcmp(key, "created_at") || !strcmp(key, "approver");
}

/* GET /scan-waivers: the waivers valid today (?all=1: expired ones too), ?host=, paged. */
void bs_api_scan_waivers(struct bs_http_ctx *c)
{
	const char *host = bs_http_query(c, "host"), *all = bs_http_query(c, "all");
	const struct bs_scan_policy *pol = NULL;
	struct bs_scan_waiver *w = NULL;
	size_t n = 0;
	int32_t day = today();
	int err;

	if (all && strcmp(all, "0") && strcmp(all, "1")) {
		bs_http_error(c, 400, "invalid", BS_T(bs_error_lang(), "?all='%.32s'：請給 1（含已到期）或 0",
							    "?all='%.32s': give 1 (expired ones too) or 0"), all);
		return;
	}
	if (host && !*host)
		host = NULL;
	if ((err = bs_scan_waiver_list(c->dd->store, host, all && !strcmp(all, "1"), day, &w, &n)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	if (bs_scan_policy_builtin(&pol) < 0)
		pol = NULL;
	json_t *recs = json_array(), *out = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *o = waiver_json(&w[i], day);
		const struct bs_scan_check *chk = pol ? bs_scan_policy_find(pol, w[i].check_id) : NULL;
		json_object_set_new(o, "title", chk ? pair(chk->title.zh, chk->title.en) : json_null());
		json_array_append_new(recs, o);
		bs_scan_waiver_release(&w[i]);
	}
	free(w);
	err = bs_api_page(c, recs, waiver_sortable, NULL, out);
	json_decref(recs);
	if (err < 0) {
		json_decref(out);
		bs_http_fail(c, err);
		return;
	}
	bs_http_json(c, 200, out);
}

/* POST /scan-waivers {host, check_id, justification, approver, expires}: as `brokersec scan
 * --waive`: the check must exist, the date be today or later; the event is scan.waiver.add. */
void bs_api_scan_waiver_add(struct bs_http_ctx *c)
{
	static const char *const members[] = { "host", "check_id", "justification", "approver", "expires", NULL };
	const struct bs_scan_policy *pol;
	struct bs_scan_waiver w;
	const char *key, *vals[5];
	json_t *val;
	int64_t id = 0;
	int err, bad = 0;

	json_object_foreach (c->json, key, val) {
		int known = 0;
		for (size_t i = 0; members[i]; i++)
			known |= !strcmp(key, members[i]);
		if (!known) {
			struct bs_buf k = BS_BUF_INIT;
			bs_http_put_escaped(&k, key, 64);
			bs_http_error(c, 400, "invalid",
				      BS_T(bs_error_lang(), "不明的欄位 '%s'：本請求接受 host、check_id、justification、approver、expires",
					   "unknown member '%s': this request takes host, check_id, justification, approver, expires"),
				      k.ptr);
			bs_buf_release(&k);
			return;
		}
	}
	static const size_t max[] = { 255, 64, 2000, 200, 10 };
	for (size_t i = 0; members[i]; i++) {
		vals[i] = bs_api_jstr(c, members[i], max[i], &bad);
		if (bad) {
		bs_http_error(c, 400, "invalid", BS_T(bs_error_lang(), "'%s' 須為至多 %zu 位元組的字串",
								    "'%s' must be a string of at most %zu bytes"),
					     members[i], max[i]);
		return;
	}
	}
	memset(&w, 0, sizeof(w));
	w.host = (char *)vals[0];
	w.check_id = (char *)vals[1];
	w.justification = (char *)vals[2];
	w.approver = (char *)vals[3];
	w.expires = (char *)vals[4];
	if ((err = bs_scan_policy_builtin(&pol)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	if (w.check_id && *w.check_id && !bs_scan_policy_find(pol, w.check_id)) {
		bs_error(BS_ENOTFOUND, "no check '%s': see 'brokersec scan --list-checks' for the ids", w.check_id);
		bs_http_error(c, 400, "invalid", "%s", bs_error_message());
		return;
	}
	if ((err = bs_scan_waiver_add(c->dd, &w, &id)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	/* the waiver as stored */
	struct bs_scan_waiver *all = NULL;
	size_t n = 0;
	json_t *rec = NULL;
	if ((err = bs_scan_waiver_list(c->dd->store, w.host, 1, today(), &all, &n)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (all[i].id == id && !rec) {
			rec = waiver_json(&all[i], today());
			json_object_set_new(rec, "title", pair(bs_scan_policy_find(pol, all[i].check_id)->title.zh,
							       bs_scan_policy_find(pol, all[i].check_id)->title.en));
		}
		bs_scan_waiver_release(&all[i]);
	}
	free(all);
	bs_http_json(c, 201, rec ? rec : json_pack("{s:I}", "id", (json_int_t)id));
}
