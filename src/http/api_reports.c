/* api_reports.c - the 電腦系統資訊安全評估報告 (Annex 2 捌, src/report) over the API: issue a report
 * of an assessment as `brokersec report assessment` does (the same rendering, the same
 * bs_report_issue() row and report.issue event, kept five years), list the issued reports of an
 * assessment, and download one: the very bytes that were recorded, checked against their
 * SHA-256 on every read, always as an attachment (an HTML report never runs in this origin).
 * Also the results of an assessment a page at a time (GET /assessments/ID/results). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "http/http_int.h"
#include "report/report.h"

/* One report rendered at a time: a PDF takes a second or two of CPU and Pango is not made to
 * shape from several threads at once; the server's other requests go on meanwhile. */
static pthread_mutex_t render_mu = PTHREAD_MUTEX_INITIALIZER;

static int64_t path_id(struct bs_http_ctx *c, const char *what, const char *zh)
{
	const char *p = c->params[0];
	int64_t id = 0;
	size_t k = 0;

	for (; p && *p >= '0' && *p <= '9' && k < 18; p++, k++)
		id = id * 10 + (*p - '0');
	if (!p || *p || id <= 0) {
		struct bs_buf seg = BS_BUF_INIT;
		bs_http_put_escaped(&seg, c->params[0] ? c->params[0] : "", 32);
		bs_http_error(c, 404, "not_found", BS_T(bs_error_lang(), "%s ID '%s' 不存在：ID 為大於 0 之整數",
							"no %s with id '%s': ids are whole numbers above 0"),
			      BS_T(bs_error_lang(), zh, what), seg.ptr);
		bs_buf_release(&seg);
		return 0;
	}
	return id;
}

static const char *content_type(const char *format)
{
	if (!strcmp(format, "pdf"))
		return "application/pdf";
	if (!strcmp(format, "docx"))
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
	if (!strcmp(format, "oscal"))
		return "application/json";
	return "text/html; charset=utf-8";
}

/* The download's file name: the report's own title, the assessment and the report id. */
static void file_name(const struct bs_report_issued *r, struct bs_buf *out)
{
	const char *ext = !strcmp(r->format, "oscal") ? "oscal.json" : r->format;
	if (!strcmp(r->lang, "en"))
		bs_buf_printf(out, "security-assessment-report-%lld-%lld.%s", (long long)r->assessment_id, (long long)r->id,
			      ext);
	else
		bs_buf_printf(out, "電腦系統資訊安全評估報告-評估%lld-%lld.%s", (long long)r->assessment_id, (long long)r->id,
			      ext);
}

static json_t *issued_json(struct bs_http_ctx *c, const struct bs_report_issued *r)
{
	struct bs_buf name = BS_BUF_INIT, dl = BS_BUF_INIT;
	int kept = bs_report_kept(c->dd, r);
	json_t *j;

	file_name(r, &name);
	bs_buf_printf(&dl, "/api/v1/reports/%lld", (long long)r->id);
	j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:b, s:o, s:s}", "id", (json_int_t)r->id,
		      "assessment", (json_int_t)r->assessment_id, "format", r->format, "lang", r->lang, "sha256", r->sha256,
		      "size", (json_int_t)r->size, "issued_at", r->issued_at, "issued_by", r->issued_by, "retain_until",
		      r->retain_until, "kept", kept, "download", kept ? json_string(dl.ptr) : json_null(), "filename",
		      name.ptr);
	bs_buf_release(&name);
	bs_buf_release(&dl);
	return j;
}

/* POST /assessments/{id}/reports {"format": "pdf|docx|html|oscal", "lang": "zh-TW|en"} */
void bs_api_assess_report_issue(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, "assessment", "評估");
	const char *key, *format = NULL, *lang_s = NULL;
	enum bs_report_format fmt;
	enum bs_lang lang = BS_LANG_ZH_TW;
	struct bs_report_doc doc;
	struct bs_report_issued iss;
	struct bs_buf out = BS_BUF_INIT;
	json_t *v;
	int bad = 0, err;

	if (!id)
		return;
	json_object_foreach(c->json, key, v) {
		if (strcmp(key, "format") && strcmp(key, "lang")) {
			struct bs_buf k = BS_BUF_INIT;
			bs_http_put_escaped(&k, key, 64);
			bs_http_error(c, 400, "invalid", BS_T(bs_error_lang(), "不明之欄位 '%s'：此請求僅接受 format 與 lang",
							      "unknown member '%s': this request takes format and lang"), k.ptr);
			bs_buf_release(&k);
			return;
		}
	}
	format = bs_api_jstr(c, "format", 16, &bad);
	lang_s = bs_api_jstr(c, "lang", 16, &bad);
	if (bad || !format) {
		bs_http_error(c, 400, "invalid", "%s", BS_T(bs_error_lang(), "須給 'format'：pdf、docx、html 或 oscal（'lang' 可為 zh-TW 或 en）",
						       "'format' is required: pdf, docx, html or oscal (and 'lang': zh-TW or en)"));
		return;
	}
	if ((err = bs_report_format_parse(format, &fmt)) < 0)
		return bs_http_fail(c, err);
	if (lang_s && !strcmp(lang_s, "en"))
		lang = BS_LANG_EN;
	else if (lang_s && strcmp(lang_s, "zh-TW")) {
		struct bs_buf l = BS_BUF_INIT;
		bs_http_put_escaped(&l, lang_s, 16);
		bs_http_error(c, 400, "invalid", BS_T(bs_error_lang(), "'lang' '%s'：請用 zh-TW（預設）或 en",
						      "'lang' '%s': use zh-TW (the default) or en"), l.ptr);
		bs_buf_release(&l);
		return;
	}
	if ((err = bs_report_load(c->dd, id, &doc)) < 0)
		return bs_http_fail(c, err);
	pthread_mutex_lock(&render_mu);
	err = bs_report_render(&doc, fmt, lang, &out);
	pthread_mutex_unlock(&render_mu);
	bs_report_doc_release(&doc);
	/* recorded (row and event) with the bytes kept, exactly what GET /reports/ID hands back */
	if (err >= 0)
		err = bs_report_issue_kept(c->dd, id, fmt, lang, out.ptr, out.len, &iss);
	bs_buf_release(&out);
	if (err < 0)
		return bs_http_fail(c, err);
	bs_http_json(c, 201, issued_json(c, &iss));
}

static int sortable_report(const char *key, const void *arg)
{
	(void)arg;
	return !strcmp(key, "id") || !strcmp(key, "format") || !strcmp(key, "lang") || !strcmp(key, "issued_at") ||
	       !strcmp(key, "size") || !strcmp(key, "issued_by");
}

/* GET /assessments/{id}/reports: its issued reports, a page at a time (api_page.c), as "reports" */
void bs_api_assess_reports(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, "assessment", "評估");
	struct bs_report_issued *rs = NULL;
	size_t n = 0;
	json_t *recs, *o;
	int err;

	if (!id)
		return;
	if ((err = bs_assess_exists(c->dd->store, id)) < 0 || (err = bs_report_issued_list(c->dd->store, id, &rs, &n)) < 0)
		return bs_http_fail(c, err);
	recs = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(recs, issued_json(c, &rs[i]));
	free(rs);
	o = json_pack("{s:I}", "assessment", (json_int_t)id);
	err = bs_api_page(c, recs, sortable_report, NULL, o);
	json_decref(recs);
	if (err < 0) {
		json_decref(o);
		return bs_http_fail(c, err);
	}
	json_object_set(o, "reports", json_object_get(o, "records"));
	json_object_del(o, "records");
	bs_http_json(c, 200, o);
}

/* GET /reports/{id}: the bytes of an issued report */
void bs_api_report_get(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, "report", "報告");
	struct bs_report_issued r;
	struct bs_buf data = BS_BUF_INIT, name = BS_BUF_INIT;
	int changed = 0, err;

	if (!id)
		return;
	if ((err = bs_report_issued_get(c->dd->store, id, &r)) < 0)
		return bs_http_fail(c, err);
	if ((err = bs_report_read_kept(c->dd, &r, &data, &changed)) < 0) {
		if (changed)
			/* said to the client as it is: the record stands, the file on the server does not */
			bs_http_error(c, 500, "report_changed", "%s", bs_error_message());
		else
			bs_http_fail(c, err);
		bs_buf_release(&data);
		return;
	}
	file_name(&r, &name);
	bs_http_attachment(c, content_type(r.format), name.ptr, data.ptr, data.len);
	bs_buf_release(&data);
	bs_buf_release(&name);
}

static int sortable_result(const char *key, const void *arg)
{
	(void)arg;
	return !strcmp(key, "system") || !strcmp(key, "control") || !strcmp(key, "area") || !strcmp(key, "result") ||
	       !strcmp(key, "source");
}

/* GET /assessments/{id}/results[?result=none|met|not-met|not-applicable][&system=N]: the results
 * per system and control (as in GET /assessments/ID), a page at a time, as "results" */
void bs_api_assess_results_list(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, "assessment", "評估");
	const char *want = bs_http_query(c, "result"), *sys = bs_http_query(c, "system");
	struct bs_assess_full a;
	enum bs_assess_result r = BS_RESULT_NONE;
	json_t *all, *recs, *o, *x;
	size_t i;
	int err;

	if (!id)
		return;
	if (want && strcmp(want, "none") && (err = bs_assess_result_parse(want, &r)) < 0)
		return bs_http_fail(c, err);
	if ((err = bs_assess_load(c->dd, id, &a)) < 0)
		return bs_http_fail(c, err);
	all = bs_assess_json(&a);
	bs_assess_full_release(&a);
	recs = json_array();
	json_array_foreach(json_object_get(all, "results"), i, x) {
		if (want && strcmp(json_string_value(json_object_get(x, "result")), want))
			continue;
		if (sys && (!json_is_string(json_object_get(x, "system")) ||
			    strcmp(json_string_value(json_object_get(x, "system")), sys)))
			continue;
		json_array_append(recs, x);
	}
	json_decref(all);
	o = json_pack("{s:I}", "assessment", (json_int_t)id);
	err = bs_api_page(c, recs, sortable_result, NULL, o);
	json_decref(recs);
	if (err < 0) {
		json_decref(o);
		return bs_http_fail(c, err);
	}
	json_object_set(o, "results", json_object_get(o, "records"));
	json_object_del(o, "records");
	bs_http_json(c, 200, o);
}
