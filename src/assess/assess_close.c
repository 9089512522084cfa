/* assess_close.c - the end of an assessment: completion (the sample of 參二, a result for
 * every control in scope, qualified assessors), closing once the audit unit has closed every
 * finding (捌), and recording a past assessment made before brokersec. */
#include <stdlib.h>
#include <string.h>

#include "assess/assess_int.h"
#include "datadir/datadir.h"
#include "store/store.h"

/* Every sampled system meets 參二, and every sampled device is still the system's. */
static int check_samples(struct bs_store *s, int64_t id)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = as_query(s, &st, "SELECT system_id FROM assessment_scope WHERE assessment_id = ?1 ORDER BY system_id",
			    "i", id)) < 0)
		return err;
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t sys = sqlite3_column_int64(st, 0), have = 0, foreign = 0;
		json_t *rec = NULL, *devs = NULL;
		size_t active = 0, total, need;
		if ((err = as_record(s, "system", sys, &rec)) < 0 ||
		    (err = as_system_devices(s, sys, &devs, &active)) < 0 ||
		    (err = as_count(s, &have, "SELECT count(*) FROM assessment_sample WHERE assessment_id = ?1 AND system_id = ?2",
				    id, sys)) < 0)
			goto next;
		total = as_system_total(rec, active);
		need = bs_assess_sample_required(total);
		/* a device moved to another system since it was sampled no longer counts */
		{
			size_t i;
			json_t *d;
			json_t *mine = json_object();
			json_array_foreach(devs, i, d) {
				char key[32];
				snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(d, "id")));
				json_object_set_new(mine, key, json_true());
			}
			sqlite3_stmt *q;
			if ((err = as_query(s, &q, "SELECT device_id FROM assessment_sample WHERE assessment_id = ?1 AND system_id = ?2",
					    "ii", id, sys)) == 0) {
				while (sqlite3_step(q) == SQLITE_ROW) {
					char key[32];
					snprintf(key, sizeof(key), "%lld", (long long)sqlite3_column_int64(q, 0));
					if (!json_object_get(mine, key))
						foreign++;
				}
				sqlite3_finalize(q);
			}
			json_decref(mine);
		}
		if (err < 0)
			goto next;
		if (foreign)
			err = bs_error(BS_EINVALID, "system %lld: %lld sampled device(s) are no longer devices of the system "
				       "(device register); take them out with `assessment sample ID --remove DEVICE`",
				       (long long)sys, (long long)foreign);
		else if ((size_t)have > total)
			err = bs_error(BS_EINVALID, "system %lld: the sample (%lld) is larger than the system (%zu devices)",
				       (long long)sys, (long long)have, total);
		else if ((size_t)have < need)
			err = bs_error(BS_EINVALID, "system %lld (%s): the sample is %lld of %zu devices, below Annex 2 參二 "
				       "(抽測比例每次至少應占該系統全部設備之 10%%或 100台以上: at least %zu); sample %zu more "
				       "with `brokersec assessment sample %lld --system %lld --devices ...`",
				       (long long)sys, json_string_value(json_object_get(rec, "name")), (long long)have, total,
				       need, need - (size_t)have, (long long)id, (long long)sys);
next:
		json_decref(rec);
		json_decref(devs);
	}
	sqlite3_finalize(st);
	return err;
}

struct missing_ctx {
	struct bs_store *s;
	int64_t id, system;
	size_t n;
	struct bs_buf list;
	int err;
};

static int missing_one(const char *control, void *vctx)
{
	struct missing_ctx *m = vctx;
	sqlite3_stmt *st;
	int rc;

	if ((m->err = as_query(m->s, &st, "SELECT 1 FROM assessment_result WHERE assessment_id = ?1 AND system_id = ?2"
				       " AND control_id = ?3", "iit", m->id, m->system, control)) < 0)
		return 1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		if (m->n < 8)
			bs_buf_printf(&m->list, "%s%s", m->list.len ? ", " : "", control);
		m->n++;
	}
	return 0;
}

/* Every control of every area in scope has a result. */
static int check_results(struct bs_store *s, int64_t id)
{
	struct missing_ctx m = { s, id, 0, 0, { 0 }, 0 };
	sqlite3_stmt *st;
	int err, rc;
	int64_t first = 0;

	bs_buf_init(&m.list);
	if ((err = as_query(s, &st, "SELECT system_id, areas FROM assessment_scope WHERE assessment_id = ?1 ORDER BY system_id",
			    "i", id)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !m.err) {
		unsigned areas = (unsigned)sqlite3_column_int64(st, 1);
		size_t before = m.n;
		m.system = sqlite3_column_int64(st, 0);
		for (int a = 1; a <= BS_ASSESS_AREAS && !m.err; a++)
			if (areas & BS_ASSESS_AREA_BIT(a) && (err = as_area_controls(a, missing_one, &m)) < 0)
				m.err = err;
		if (m.n > before && !first)
			first = m.system;
	}
	sqlite3_finalize(st);
	if (m.err)
		err = m.err;
	else if (m.n)
		err = bs_error(BS_EINVALID, "%zu control(s) in scope have no result (system %lld: %s%s); record them with "
			       "`brokersec assessment result %lld --system N --control ID --result ...` or "
			       "`assessment results %lld --from-scans`", m.n, (long long)first, m.list.ptr,
			       m.n > 8 ? ", ..." : "", (long long)id, (long long)id);
	bs_buf_release(&m.list);
	return err;
}

static int check_assessors(struct bs_store *s, int64_t id)
{
	sqlite3_stmt *st;
	int err, rc, n = 0;

	if ((err = as_query(s, &st, "SELECT assessor_id FROM assessment_assessor WHERE assessment_id = ?1", "i", id)) < 0)
		return err;
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *a = NULL;
		n++;
		if ((err = as_record(s, "assessor", sqlite3_column_int64(st, 0), &a)) == 0)
			err = as_assessor_qualified(a);
		json_decref(a);
	}
	sqlite3_finalize(st);
	if (!err && !n)
		err = bs_error(BS_EINVALID, "assessment %lld has no assessor (Annex 2 柒)", (long long)id);
	return err;
}

int bs_assess_complete(struct bs_datadir *dd, int64_t id, const char *date)
{
	char at[BS_TIME_MAX], today[BS_DATE_MAX];
	int err;

	as_now(at, today);
	if (!date)
		date = today;
	else if ((err = as_date(date, "--date")) < 0)
		return err;
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_require(dd->store, id, AS_BIT(BS_ASSESS_RUNNING), "completing")) < 0 ||
	    (err = check_results(dd->store, id)) < 0 || (err = check_samples(dd->store, id)) < 0 ||
	    (err = check_assessors(dd->store, id)) < 0)
		goto done;
	if ((err = as_exec(dd->store, "cannot complete the assessment", NULL,
			   "UPDATE assessment SET status = 'reported', completed_on = ?2, completed_at = ?3, completed_by = ?4"
			   " WHERE id = ?1", "ittt", id, date, at, dd->actor)) < 0)
		goto done;
	err = as_audit(dd, "complete", id, json_pack("{s:s}", "completed", date),
		       "assessment %lld completed on %s: the report goes to the audit unit for follow-up (捌)",
		       (long long)id, date);
done:
	return bs_store_finish(dd->store, err);
}

int bs_assess_close(struct bs_datadir *dd, int64_t id)
{
	char at[BS_TIME_MAX];
	int64_t open = 0;
	int err;

	as_now(at, NULL);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_require(dd->store, id, AS_BIT(BS_ASSESS_REPORTED), "closing")) < 0 ||
	    (err = as_count(dd->store, &open, "SELECT count(*) FROM assessment_finding WHERE assessment_id = ?1"
					      " AND status = 'open' AND ?2", id, 1)) < 0)
		goto done;
	if (open) {
		err = bs_error(BS_ECONFLICT, "assessment %lld has %lld open finding(s): each closes only with the audit "
			       "unit's verdict (捌); `brokersec assessment findings %lld` lists them", (long long)id,
			       (long long)open, (long long)id);
		goto done;
	}
	if ((err = as_exec(dd->store, "cannot close the assessment", NULL,
			   "UPDATE assessment SET status = 'closed', closed_at = ?2, closed_by = ?3 WHERE id = ?1", "itt", id,
			   at, dd->actor)) < 0)
		goto done;
	err = as_audit(dd, "close", id, NULL, "assessment %lld closed", (long long)id);
done:
	return bs_store_finish(dd->store, err);
}

int bs_assess_record(struct bs_datadir *dd, int64_t system, const char *date, const char *assessor,
		     const char *report, const char *note, int64_t *id)
{
	char at[BS_TIME_MAX], today[BS_DATE_MAX], title[160];
	json_t *sys = NULL;
	int err;

	as_now(at, today);
	if ((err = as_date(date, "--date")) < 0)
		return err;
	if (strcmp(date, today) > 0)
		return bs_error(BS_EINVALID, "--date %s is in the future: record only an assessment already done", date);
	if (!assessor || !*assessor || strlen(assessor) > 200)
		return bs_error(BS_EINVALID, "--assessor is required (1-200 bytes): who carried out the assessment");
	if ((report && strlen(report) > 500) || (note && strlen(note) > 2000))
		return bs_error(BS_EINVALID, "--report is limited to 500 bytes and --note to 2000");
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_record(dd->store, "system", system, &sys)) < 0)
		goto done;
	snprintf(title, sizeof(title), "%s %s", json_string_value(json_object_get(sys, "name")), date);
	if ((err = as_exec(dd->store, "cannot record the assessment", NULL,
			   "INSERT INTO assessment (title, status, legacy, legacy_assessor, legacy_report, period_start,"
			   " period_end, created_at, created_by, completed_on, completed_at, completed_by, closed_at, closed_by,"
			   " note) VALUES (?1, 'closed', 1, ?2, ?3, ?4, ?4, ?5, ?6, ?4, ?5, ?6, ?5, ?6, ?7)",
			   "ttttttt", title, assessor, report, date, at, dd->actor, note)) < 0)
		goto done;
	*id = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
	if ((err = as_exec(dd->store, "cannot record the assessment", NULL,
			   "INSERT INTO assessment_scope (assessment_id, system_id, category, areas, reason)"
			   " VALUES (?1, ?2, ?3, ?4, 'recorded: assessed before brokersec')",
			   "iiii", *id, system, (int64_t)json_integer_value(json_object_get(sys, "category")),
			   (int64_t)BS_ASSESS_AREAS_ALL)) < 0)
		goto done;
	err = as_audit(dd, "record", *id, json_pack("{s:I, s:s, s:s}", "system", (json_int_t)system, "completed", date,
						    "assessor", assessor),
		       "recorded past assessment %lld of system %lld completed %s by %s", (long long)*id,
		       (long long)system, date, assessor);
done:
	json_decref(sys);
	return bs_store_finish(dd->store, err);
}
