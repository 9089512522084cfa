/* api_assess.c - the security assessment workflow (src/assess, docs/assessments.md) over the
 * API: the same operations as `brokersec assessment`, the same checks and events. Bodies are
 * JSON objects; an unknown member is refused so that a typo never goes unnoticed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "core/clock.h"
#include "core/datefmt.h"
#include "core/error.h"
#include "http/http_int.h"

/* The path's n-th '*' as an id; 0 after a 404 reply. */
static int64_t path_id(struct bs_http_ctx *c, int n, const char *what)
{
	const char *p = c->params[n];
	int64_t id = 0;
	size_t k = 0;

	for (; p && *p >= '0' && *p <= '9' && k < 18; p++, k++)
		id = id * 10 + (*p - '0');
	if (!p || *p || id <= 0) {
		struct bs_buf seg = BS_BUF_INIT;
		bs_http_put_escaped(&seg, c->params[n] ? c->params[n] : "", 32);
		bs_http_error(c, 404, "not_found", "no %s with id '%s': ids are whole numbers above 0", what, seg.ptr);
		bs_buf_release(&seg);
		return 0;
	}
	return id;
}

/* Refuses members other than allowed (space-separated); 0 or a 400 reply sent (-1). */
static int only(struct bs_http_ctx *c, const char *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(c->json, key, v) {
		size_t n = strlen(key);
		const char *p = allowed;
		int ok = 0;
		while (p && *p && !ok) {
			size_t len = strcspn(p, " ");
			ok = len == n && !strncmp(p, key, n);
			p += len + (p[len] == ' ');
		}
		if (!ok) {
			struct bs_buf k = BS_BUF_INIT;
			bs_http_put_escaped(&k, key, 64);
			bs_http_error(c, 400, "invalid", "unknown member '%s': this request takes %s", k.ptr, allowed);
			bs_buf_release(&k);
			return -1;
		}
	}
	return 0;
}

/* A string member (NULL when absent); -1 after a 400 reply for a wrong type. */
static int str(struct bs_http_ctx *c, const char *key, size_t max, const char **out)
{
	int bad = 0;
	*out = bs_api_jstr(c, key, max, &bad);
	if (bad) {
		bs_http_error(c, 400, "invalid", "'%s' must be a string of at most %zu bytes", key, max);
		return -1;
	}
	return 0;
}

/* An id member (>0), 0 when absent; -1 after a 400 reply. */
static int num(struct bs_http_ctx *c, const char *key, int64_t *out)
{
	json_t *v = json_object_get(c->json, key);
	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		bs_http_error(c, 400, "invalid", "'%s' must be an id (a whole number above 0)", key);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

static void reply_assessment(struct bs_http_ctx *c, int status, int64_t id)
{
	struct bs_assess_full a;
	int err = bs_assess_load(c->dd, id, &a);
	if (err < 0) {
		bs_http_fail(c, err);
		return;
	}
	bs_http_json(c, status, bs_assess_json(&a));
	bs_assess_full_release(&a);
}

static int sortable_assessment(const char *key, const void *arg)
{
	(void)arg;
	return !strcmp(key, "id") || !strcmp(key, "title") || !strcmp(key, "status") || !strcmp(key, "completed_on");
}

void bs_api_assess_list(struct bs_http_ctx *c)
{
	int64_t *ids = NULL;
	size_t n = 0;
	json_t *arr = json_array();
	int err;

	if ((err = bs_assess_ids(c->dd->store, &ids, &n)) < 0) {
		json_decref(arr);
		bs_http_fail(c, err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct bs_assess_full a;
		if ((err = bs_assess_load(c->dd, ids[i], &a)) < 0)
			break;
		json_t *j = bs_assess_json(&a);
		json_array_append_new(arr, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(j, "id"), "title",
						     json_object_get(j, "title"), "status", json_object_get(j, "status"),
						     "legacy", json_object_get(j, "legacy"), "completed_on",
						     json_object_get(j, "completed_on"), "summary", json_object_get(j, "summary")));
		json_decref(j);
		bs_assess_full_release(&a);
	}
	free(ids);
	if (err < 0) {
		json_decref(arr);
		bs_http_fail(c, err);
		return;
	}
	/* newest first, a page at a time (api_page.c: ?q, ?sort, ?order, ?offset, ?limit <= 200) */
	json_t *o = json_object();
	err = bs_api_page(c, arr, sortable_assessment, NULL, o);
	json_decref(arr);
	if (err < 0) {
		json_decref(o);
		bs_http_fail(c, err);
		return;
	}
	json_object_set(o, "assessments", json_object_get(o, "records"));
	json_object_del(o, "records");
	bs_http_json(c, 200, o);
}

void bs_api_assess_get(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, 0, "assessment");
	if (id)
		reply_assessment(c, 200, id);
}

void bs_api_assess_plan(struct bs_http_ctx *c)
{
	struct bs_assess_plan_in in;
	int64_t id = 0;
	int err;

	memset(&in, 0, sizeof(in));
	if (only(c, "title from to approver approved_by approved_on note") < 0 || str(c, "title", 200, &in.title) < 0 ||
	    str(c, "from", 10, &in.period_start) < 0 || str(c, "to", 10, &in.period_end) < 0 ||
	    str(c, "approver", 16, &in.approver) < 0 || str(c, "approved_by", 200, &in.approved_by) < 0 ||
	    str(c, "approved_on", 10, &in.approved_on) < 0 || str(c, "note", 2000, &in.note) < 0)
		return;
	if ((err = bs_assess_plan(c->dd, &in, &id)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	reply_assessment(c, 201, id);
}

void bs_api_assess_record(struct bs_http_ctx *c)
{
	const char *date, *assessor, *report, *note;
	int64_t system, id = 0;
	int err;

	if (only(c, "system date assessor report note") < 0 || num(c, "system", &system) < 0 ||
	    str(c, "date", 10, &date) < 0 || str(c, "assessor", 200, &assessor) < 0 || str(c, "report", 500, &report) < 0 ||
	    str(c, "note", 2000, &note) < 0)
		return;
	if (!system) {
		bs_http_error(c, 400, "invalid", "'system' is required: the system the past assessment covered");
		return;
	}
	if ((err = bs_assess_record(c->dd, system, date, assessor, report, note, &id)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	reply_assessment(c, 201, id);
}

/* POST /assessments/{id}/scope {system, areas: [1,3] | "all", reason, remove} */
void bs_api_assess_scope(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, 0, "assessment"), system;
	const char *reason;
	unsigned areas = 0;
	json_t *a;
	int err;

	if (!id || only(c, "system areas reason remove") < 0 || num(c, "system", &system) < 0 ||
	    str(c, "reason", 2000, &reason) < 0)
		return;
	if (!system) {
		bs_http_error(c, 400, "invalid", "'system' is required");
		return;
	}
	a = json_object_get(c->json, "areas");
	if (json_is_string(a) && (err = bs_assess_areas_parse(json_string_value(a), &areas)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	for (size_t i = 0; json_is_array(a) && i < json_array_size(a); i++) {
		json_int_t n = json_integer_value(json_array_get(a, i));
		if (!json_is_integer(json_array_get(a, i)) || n < 1 || n > BS_ASSESS_AREAS) {
			bs_http_error(c, 400, "invalid", "'areas' item %zu is not an area 1-10 (附件二肆、一)", i + 1);
			return;
		}
		areas |= BS_ASSESS_AREA_BIT((int)n);
	}
	if (a && !json_is_string(a) && !json_is_array(a)) {
		bs_http_error(c, 400, "invalid", "'areas' is an array of area numbers 1-10 or \"all\"");
		return;
	}
	err = json_is_true(json_object_get(c->json, "remove")) ? bs_assess_scope_remove(c->dd, id, system)
							       : bs_assess_scope_set(c->dd, id, system, areas, reason);
	if (err < 0)
		bs_http_fail(c, err);
	else
		reply_assessment(c, 200, id);
}

/* POST /assessments/{id}/sample {system, devices: [ids], remove} */
void bs_api_assess_sample(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, 0, "assessment"), system, *devs;
	json_t *d = json_object_get(c->json, "devices");
	size_t n;
	int err = 0;

	if (!id || only(c, "system devices remove") < 0 || num(c, "system", &system) < 0)
		return;
	if (!json_is_array(d) || !(n = json_array_size(d)) || n > 100000) {
		bs_http_error(c, 400, "invalid", "'devices' is a non-empty array of device ids");
		return;
	}
	devs = bs_calloc(n, sizeof(*devs));
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(d, i);
		if (!json_is_integer(e) || json_integer_value(e) <= 0) {
			free(devs);
			bs_http_error(c, 400, "invalid", "'devices' item %zu is not a device id", i + 1);
			return;
		}
		devs[i] = json_integer_value(e);
	}
	if (json_is_true(json_object_get(c->json, "remove"))) {
		for (size_t i = 0; i < n && err >= 0; i++)
			err = bs_assess_sample_remove(c->dd, id, devs[i]);
	} else if (!system) {
		err = bs_error(BS_EINVALID, "'system' is required: the system the devices belong to");
	} else {
		err = bs_assess_sample_add(c->dd, id, system, devs, n);
	}
	free(devs);
	if (err < 0)
		bs_http_fail(c, err);
	else
		reply_assessment(c, 200, id);
}

/* POST /assessments/{id}/assessors {assessor, role, remove} */
void bs_api_assess_assessor(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, 0, "assessment"), assessor;
	const char *role;
	int err;

	if (!id || only(c, "assessor role remove") < 0 || num(c, "assessor", &assessor) < 0 || str(c, "role", 16, &role) < 0)
		return;
	if (!assessor) {
		bs_http_error(c, 400, "invalid", "'assessor' is required: an id of the assessor register");
		return;
	}
	err = json_is_true(json_object_get(c->json, "remove")) ? bs_assess_assessor_remove(c->dd, id, assessor)
							       : bs_assess_assessor_add(c->dd, id, assessor, role);
	if (err < 0)
		bs_http_fail(c, err);
	else
		reply_assessment(c, 200, id);
}

void bs_api_assess_run(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, 0, "assessment");
	int err;
	if (!id)
		return;
	if ((err = bs_assess_run(c->dd, id, NULL)) < 0)
		bs_http_fail(c, err);
	else
		reply_assessment(c, 200, id);
}

/* POST /assessments/{id}/results {from_scans: true} or {system, control, result, source,
 * reason, evidence} */
void bs_api_assess_results(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, 0, "assessment");
	struct bs_assess_result_in in;
	const char *result, *source;
	int err;

	memset(&in, 0, sizeof(in));
	if (!id || only(c, "from_scans system control result source reason evidence") < 0)
		return;
	if (json_is_true(json_object_get(c->json, "from_scans"))) {
		if ((err = bs_assess_results_from_scans(c->dd, id, NULL)) < 0)
			bs_http_fail(c, err);
		else
			reply_assessment(c, 200, id);
		return;
	}
	if (num(c, "system", &in.system) < 0 || str(c, "control", 64, &in.control) < 0 ||
	    str(c, "result", 32, &result) < 0 || str(c, "source", 32, &source) < 0 || str(c, "reason", 4000, &in.reason) < 0 ||
	    str(c, "evidence", 500, &in.evidence) < 0)
		return;
	if ((err = bs_assess_result_parse(result, &in.result)) < 0 || (err = bs_assess_source_parse(source, &in.source)) < 0 ||
	    (err = bs_assess_result_set(c->dd, id, &in)) < 0)
		bs_http_fail(c, err);
	else
		reply_assessment(c, 200, id);
}

void bs_api_assess_complete(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, 0, "assessment");
	const char *date;
	int err;
	if (!id || only(c, "date") < 0 || str(c, "date", 10, &date) < 0)
		return;
	if ((err = bs_assess_complete(c->dd, id, date)) < 0)
		bs_http_fail(c, err);
	else
		reply_assessment(c, 200, id);
}

void bs_api_assess_close(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, 0, "assessment");
	int err;
	if (!id)
		return;
	if ((err = bs_assess_close(c->dd, id)) < 0)
		bs_http_fail(c, err);
	else
		reply_assessment(c, 200, id);
}

/* {from_vulns: true, owner, due, as_of}: the overdue vulnerabilities of the systems in scope */
static void finding_from_vulns(struct bs_http_ctx *c, int64_t id)
{
	struct bs_assess_vuln_in in = { bs_days_taipei(bs_clock_now()), NULL, NULL, bs_error_lang() };
	struct bs_assess_vuln_out out;
	const char *as_of = NULL;
	int err;

	if (only(c, "from_vulns owner due as_of") < 0 || str(c, "owner", 200, &in.owner) < 0 ||
	    str(c, "due", 10, &in.due) < 0 || str(c, "as_of", 10, &as_of) < 0)
		return;
	if (as_of && bs_date_parse(as_of, &in.as_of) < 0) {
		bs_http_fail(c, bs_error(BS_EINVALID, "as_of '%s' is not a date (YYYY-MM-DD)", as_of));
		return;
	}
	if ((err = bs_assess_findings_from_vulns(c->dd, id, &in, &out)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	bs_http_json(c, 201, json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "assessment", (json_int_t)id, "findings",
				       (json_int_t)out.findings, "vulnerabilities", (json_int_t)out.vulns, "already",
				       (json_int_t)out.already, "other_systems", (json_int_t)out.other_systems,
				       "out_of_areas", (json_int_t)out.out_of_areas));
}

void bs_api_assess_finding(struct bs_http_ctx *c)
{
	int64_t id = path_id(c, 0, "assessment"), fid = 0;
	struct bs_assess_finding_in in;
	const char *sev;
	int err;

	memset(&in, 0, sizeof(in));
	if (id && json_is_true(json_object_get(c->json, "from_vulns"))) {
		finding_from_vulns(c, id);
		return;
	}
	if (!id || only(c, "system control severity category title risk recommendation owner due") < 0 ||
	    num(c, "system", &in.system) < 0 || str(c, "control", 64, &in.control) < 0 || str(c, "severity", 16, &sev) < 0 ||
	    str(c, "category", 32, &in.category) < 0 || str(c, "title", 500, &in.title) < 0 ||
	    str(c, "risk", 4000, &in.risk) < 0 || str(c, "recommendation", 4000, &in.recommendation) < 0 ||
	    str(c, "owner", 200, &in.owner) < 0 || str(c, "due", 10, &in.due) < 0)
		return;
	if ((err = bs_assess_severity_parse(sev, &in.severity)) < 0 ||
	    (err = bs_assess_finding_add(c->dd, id, &in, &fid)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	bs_http_json(c, 201, json_pack("{s:I, s:I}", "finding", (json_int_t)fid, "assessment", (json_int_t)id));
}

/* A follow-up entry. audit_unit: the auditor's review route (assessments.followup), where
 * the reviewer is the signed-in account; elsewhere never the audit unit's. */
static void followup(struct bs_http_ctx *c, int audit_unit)
{
	int64_t fid = path_id(c, 0, "finding"), fu = 0;
	struct bs_assess_followup_in in;
	const char *verdict;
	int err;

	memset(&in, 0, sizeof(in));
	if (!fid || only(c, audit_unit ? "date verdict note" : "date by verdict note") < 0 ||
	    str(c, "date", 10, &in.date) < 0 || str(c, "verdict", 32, &verdict) < 0 || str(c, "note", 4000, &in.note) < 0 ||
	    (!audit_unit && str(c, "by", 200, &in.by) < 0))
		return;
	in.finding = fid;
	in.audit_unit = audit_unit;
	if (audit_unit)
		in.by = c->who.username;
	if ((err = bs_assess_verdict_parse(verdict, &in.verdict)) < 0 || (err = bs_assess_followup_add(c->dd, &in, &fu)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	bs_http_json(c, 201, json_pack("{s:I, s:I, s:b}", "followup", (json_int_t)fu, "finding", (json_int_t)fid,
				       "audit_unit", audit_unit));
}

void bs_api_assess_followup(struct bs_http_ctx *c)
{
	followup(c, 0);
}

void bs_api_assess_review(struct bs_http_ctx *c)
{
	followup(c, 1);
}

/* Only the assessments.followup route reaches here: the signed-in account is the audit unit. */
void bs_api_assess_finding_close(struct bs_http_ctx *c)
{
	int64_t fid = path_id(c, 0, "finding");
	int err;
	if (!fid)
		return;
	if ((err = bs_assess_finding_close(c->dd, fid, 1)) < 0) {
		bs_http_fail(c, err);
		return;
	}
	bs_http_json(c, 200, json_pack("{s:I, s:s}", "finding", (json_int_t)fid, "status", "closed"));
}
