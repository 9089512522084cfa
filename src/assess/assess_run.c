/* assess_run.c - running an assessment: start, results per control in scope (from the saved
 * scans of the sampled devices, from registers, from an assessor's judgement with evidence),
 * completion (the sample of 參二 and a result for every control), closing, and recording a
 * past assessment made before brokersec. */
#include <stdlib.h>
#include <string.h>

#include "assess/assess_int.h"
#include "catalog/catalog.h"
#include "datadir/datadir.h"
#include "scan/scan.h"
#include "store/store.h"

int bs_assess_run(struct bs_datadir *dd, int64_t id, size_t *from_scans)
{
	char at[BS_TIME_MAX];
	int64_t systems = 0, assessors = 0;
	int err;

	as_now(at, NULL);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_require(dd->store, id, AS_BIT(BS_ASSESS_PLANNED), "run")) < 0 ||
	    (err = as_count(dd->store, &systems, "SELECT count(*) FROM assessment_scope WHERE assessment_id = ?1 AND ?2",
			    id, 1)) < 0 ||
	    (err = as_count(dd->store, &assessors,
			    "SELECT count(*) FROM assessment_assessor WHERE assessment_id = ?1 AND ?2", id, 1)) < 0)
		goto done;
	if (!systems || !assessors) {
		err = !systems ? bs_error(BS_ECONFLICT, "assessment %lld has no system in scope: add one with "
					  "`assessment scope ID --system N` before `assessment run`", (long long)id)
			       : bs_error(BS_ECONFLICT, "assessment %lld has no assessor: add one with `assessment "
					  "assessor ID --assessor N` (Annex 2 柒) before `assessment run`", (long long)id);
		goto done;
	}
	if ((err = as_exec(dd->store, "cannot start the assessment", NULL,
			   "UPDATE assessment SET status = 'running', started_at = ?2, started_by = ?3 WHERE id = ?1", "itt",
			   id, at, dd->actor)) < 0 ||
	    (err = as_audit(dd, "run", id, NULL, "assessment %lld started", (long long)id)) < 0)
		goto done;
	err = bs_store_finish(dd->store, err);
	if (err < 0)
		return err;
	/* the results from saved scans are a change of their own, with their own event */
	return bs_assess_results_from_scans(dd, id, from_scans);
done:
	return bs_store_finish(dd->store, err);
}

/* ---- results from saved scans ---- */

struct scan_ctx {
	json_t *keys;  /* "system|device or asset tag or host" -> system areas */
	json_t *best;  /* "system|control" -> {rank, status, scan, host, check} */
	const struct bs_catalog *cat;
};

static int scan_rank(enum bs_scan_status s)
{
	switch (s) {
	case BS_SCAN_FAIL: return 4;
	case BS_SCAN_ERROR: return 3;
	case BS_SCAN_PASS: return 2;
	default: return 1;
	}
}

static int scan_row(const struct bs_scan_control_row *r, void *vctx)
{
	struct scan_ctx *c = vctx;
	char key[400];
	json_t *areas = NULL, *cur;
	const struct bs_control *ctl;
	int area = bs_assess_area_of(r->control_id);

	if (!area || !(ctl = bs_catalog_find(c->cat, r->control_id)) || ctl->nchildren)
		return 0;
	if (r->device) {
		snprintf(key, sizeof(key), "%s|%s", r->system_id, r->device);
		areas = json_object_get(c->keys, key);
	}
	if (!areas) {
		snprintf(key, sizeof(key), "%s|%s", r->system_id, r->host);
		areas = json_object_get(c->keys, key);
	}
	if (!areas || !((unsigned)json_integer_value(areas) & BS_ASSESS_AREA_BIT(area)))
		return 0;
	snprintf(key, sizeof(key), "%s|%s", r->system_id, r->control_id);
	cur = json_object_get(c->best, key);
	if (cur && json_integer_value(json_object_get(cur, "rank")) >= scan_rank(r->status))
		return 0;
	json_object_set_new(c->best, key,
			    json_pack("{s:i, s:i, s:I, s:s, s:s}", "rank", scan_rank(r->status), "status", (int)r->status,
				      "scan", (json_int_t)r->scan_id, "host", r->host, "check", r->check_id));
	return 0;
}

/* The sampled devices of id as match keys: "system|device id", "system|asset tag". */
static int sample_keys(struct bs_store *s, int64_t id, json_t *keys)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = as_query(s, &st,
			    "SELECT p.system_id, p.device_id, c.areas FROM assessment_sample p JOIN assessment_scope c"
			    " ON c.assessment_id = p.assessment_id AND c.system_id = p.system_id WHERE p.assessment_id = ?1",
			    "i", id)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t sys = sqlite3_column_int64(st, 0), dev = sqlite3_column_int64(st, 1);
		json_t *areas = json_integer(sqlite3_column_int64(st, 2)), *d = NULL;
		char key[400];
		snprintf(key, sizeof(key), "%lld|%lld", (long long)sys, (long long)dev);
		json_object_set(keys, key, areas);
		if (as_record(s, "device", dev, &d) == 0) {
			snprintf(key, sizeof(key), "%lld|%s", (long long)sys, json_string_value(json_object_get(d, "asset_tag")));
			json_object_set(keys, key, areas);
		}
		json_decref(d);
		json_decref(areas);
	}
	sqlite3_finalize(st);
	bs_error_clear();
	return rc == SQLITE_DONE ? 0 : bs_store_fail(s, "cannot read the sample");
}

static int write_scan_results(struct bs_datadir *dd, int64_t id, json_t *best, size_t *written)
{
	char at[BS_TIME_MAX];
	const char *key;
	json_t *v;
	int err = 0;

	as_now(at, NULL);
	json_object_foreach(best, key, v) {
		enum bs_scan_status st = (enum bs_scan_status)json_integer_value(json_object_get(v, "status"));
		const char *bar = strchr(key, '|');
		char sys[32], reason[400], ev[40];
		int64_t ch = 0;
		const char *res;
		if (st == BS_SCAN_ERROR || !bar || (size_t)(bar - key) >= sizeof(sys))
			continue; /* a check that could not decide decides nothing */
		memcpy(sys, key, (size_t)(bar - key));
		sys[bar - key] = 0;
		res = st == BS_SCAN_FAIL ? "not-met" : st == BS_SCAN_PASS ? "met" : "not-applicable";
		snprintf(reason, sizeof(reason), "saved scan %lld of host %s: check %s %s",
			 (long long)json_integer_value(json_object_get(v, "scan")),
			 json_string_value(json_object_get(v, "host")), json_string_value(json_object_get(v, "check")),
			 st == BS_SCAN_FAIL ? "failed" : st == BS_SCAN_PASS ? "passed" : "not applicable");
		snprintf(ev, sizeof(ev), "scan:%lld", (long long)json_integer_value(json_object_get(v, "scan")));
		/* a register's or an assessor's result stands: scans fill and refresh only their own */
		if ((err = as_exec(dd->store, "cannot save a result", &ch,
				   "INSERT INTO assessment_result (assessment_id, system_id, control_id, result, source, reason,"
				   " evidence, scan_id, decided_at, decided_by) VALUES (?1, ?2, ?3, ?4, 'scan', ?5, ?6, ?7, ?8, ?9)"
				   " ON CONFLICT (assessment_id, system_id, control_id) DO UPDATE SET result = excluded.result,"
				   " reason = excluded.reason, evidence = excluded.evidence, scan_id = excluded.scan_id,"
				   " decided_at = excluded.decided_at, decided_by = excluded.decided_by"
				   " WHERE assessment_result.source = 'scan'",
				   "iittttitt", id, (int64_t)strtoll(sys, NULL, 10), bar + 1, res, reason, ev,
				   (int64_t)json_integer_value(json_object_get(v, "scan")), at, dd->actor)) < 0)
			return err;
		*written += (size_t)ch;
	}
	return 0;
}

int bs_assess_results_from_scans(struct bs_datadir *dd, int64_t id, size_t *written)
{
	struct scan_ctx c = { json_object(), json_object(), NULL };
	size_t n = 0;
	int err;

	if ((err = bs_catalog_builtin(&c.cat)) < 0)
		goto out;
	if ((err = bs_store_begin(dd->store)) < 0)
		goto out;
	if ((err = as_require(dd->store, id, AS_BIT(BS_ASSESS_RUNNING), "reading results from scans")) < 0 ||
	    (err = sample_keys(dd->store, id, c.keys)) < 0 ||
	    (err = bs_scan_latest_each(dd->store, bs_clock_now(), scan_row, &c)) < 0 ||
	    (err = write_scan_results(dd, id, c.best, &n)) < 0)
		goto done;
	err = as_audit(dd, "results-from-scans", id, json_pack("{s:I}", "written", (json_int_t)n),
		       "assessment %lld: %zu result(s) from the saved scans of the sampled devices", (long long)id, n);
done:
	err = bs_store_finish(dd->store, err);
out:
	json_decref(c.keys);
	json_decref(c.best);
	if (err >= 0 && written)
		*written = n;
	return err;
}

/* ---- results by hand ---- */

/* 0 when control is a leaf of an area in the scope of (id, system), else BS_EINVALID. */
static int control_in_scope(struct bs_store *s, int64_t id, int64_t system, const char *control)
{
	const struct bs_catalog *cat;
	const struct bs_control *c;
	unsigned areas = 0;
	int area, err;

	if ((err = bs_catalog_builtin(&cat)) < 0 || (err = as_in_scope(s, id, system, &areas)) < 0)
		return err;
	if (!control || !(c = bs_catalog_find(cat, control)))
		return bs_error(BS_EINVALID, "--control '%s' is not a catalog id: `brokersec controls --id A2.4.1` lists the "
				"assessment items", control ? control : "");
	area = bs_assess_area_of(control);
	if (!area || !(areas & BS_ASSESS_AREA_BIT(area))) {
		struct bs_buf set;
		bs_buf_init(&set);
		bs_assess_areas_format(areas, &set);
		err = bs_error(BS_EINVALID, "--control %s is outside the scope of assessment %lld for system %lld "
			       "(its areas: %s of 附件二肆、一); choose a control of those areas or widen the scope",
			       control, (long long)id, (long long)system, set.ptr);
		bs_buf_release(&set);
		return err;
	}
	if (c->nchildren)
		return bs_error(BS_EINVALID, "--control %s has sub-items: give one of them (`brokersec controls --id %s`)",
				control, control);
	return 0;
}

int as_control_in_scope(struct bs_store *s, int64_t id, int64_t system, const char *control)
{
	return control_in_scope(s, id, system, control);
}

int bs_assess_result_set(struct bs_datadir *dd, int64_t id, const struct bs_assess_result_in *in)
{
	char at[BS_TIME_MAX];
	json_t *done = json_array();
	int err;

	if (in->result == BS_RESULT_NONE)
		err = bs_error(BS_EINVALID, "--result is required: met, not-met or not-applicable");
	else if (in->source != BS_SOURCE_REGISTER && in->source != BS_SOURCE_JUDGEMENT)
		err = bs_error(BS_EINVALID, "--source must be register or judgement: results from scans come from "
			       "`assessment results ID --from-scans`");
	else if (in->result == BS_RESULT_NOT_APPLICABLE && (!in->reason || !*in->reason))
		err = bs_error(BS_EINVALID, "--reason is required for not-applicable: say why the control does not apply");
	else if (in->source == BS_SOURCE_JUDGEMENT && (!in->reason || !*in->reason || !in->evidence || !*in->evidence))
		err = bs_error(BS_EINVALID, "an assessor's judgement needs --reason and --evidence (an evidence id or "
			       "the document it rests on)");
	else if ((in->reason && strlen(in->reason) > 4000) || (in->evidence && strlen(in->evidence) > 500))
		err = bs_error(BS_EINVALID, "--reason is limited to 4000 bytes and --evidence to 500");
	else if (!in->control || !*in->control)
		err = bs_error(BS_EINVALID, "--control is required: a catalog id of an area in scope");
	else
		err = 0;
	if (err < 0) {
		json_decref(done);
		return err;
	}
	as_now(at, NULL);
	if ((err = bs_store_begin(dd->store)) < 0) {
		json_decref(done);
		return err;
	}
	if ((err = as_require(dd->store, id, AS_BIT(BS_ASSESS_RUNNING), "recording a result")) < 0)
		goto done;
	/* "A,B,C": the same result for several controls, all or none, one event */
	for (const char *p = in->control; *p && err == 0;) {
		char one[72];
		size_t len = strcspn(p, ",");
		snprintf(one, sizeof(one), "%.*s", (int)(len < sizeof(one) ? len : sizeof(one) - 1), p);
		p += len + (p[len] == ',');
		if ((err = control_in_scope(dd->store, id, in->system, one)) < 0)
			break;
		err = as_exec(dd->store, "cannot save the result", NULL,
			      "INSERT INTO assessment_result (assessment_id, system_id, control_id, result, source, reason,"
			      " evidence, scan_id, decided_at, decided_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8, ?9)"
			      " ON CONFLICT (assessment_id, system_id, control_id) DO UPDATE SET result = excluded.result,"
			      " source = excluded.source, reason = excluded.reason, evidence = excluded.evidence, scan_id = NULL,"
			      " decided_at = excluded.decided_at, decided_by = excluded.decided_by",
			      "iittttttt", id, in->system, one, bs_assess_result_token(in->result),
			      bs_assess_source_token(in->source), in->reason, in->evidence, at, dd->actor);
		json_array_append_new(done, json_string(one));
	}
	if (err < 0)
		goto done;
	err = as_audit(dd, "result", id,
		       json_pack("{s:I, s:O, s:s, s:s, s:s?, s:s?}", "system", (json_int_t)in->system, "controls", done,
				 "result", bs_assess_result_token(in->result), "source", bs_assess_source_token(in->source),
				 "reason", in->reason, "evidence", in->evidence),
		       "assessment %lld: system %lld, %zu control(s) %s (%s)", (long long)id, (long long)in->system,
		       json_array_size(done), bs_assess_result_token(in->result), bs_assess_source_token(in->source));
done:
	json_decref(done);
	return bs_store_finish(dd->store, err);
}
