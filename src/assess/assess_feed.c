/* assess_feed.c - what others read from the assessments: the deadline engine (the systems
 * each completed assessment covered; open findings), status (the latest closed results per
 * control), the retention rule (捌: five years), and releasing a loaded assessment. */
#include <stdlib.h>
#include <string.h>

#include "assess/assess_int.h"
#include "store/store.h"

int bs_assess_completed_rows(struct bs_store *s, int32_t as_of, json_t **out)
{
	sqlite3_stmt *st;
	char date[BS_DATE_MAX];
	int err, rc;

	bs_date_format(as_of, date);
	if ((err = as_query(s, &st,
			    "SELECT a.id, c.system_id, a.completed_on, c.category, a.legacy FROM assessment a"
			    " JOIN assessment_scope c ON c.assessment_id = a.id"
			    " WHERE a.status IN ('reported', 'closed') AND a.completed_on IS NOT NULL AND a.completed_on <= ?1"
			    " ORDER BY a.id, c.system_id", "t", date)) < 0)
		return err;
	*out = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(*out, json_pack("{s:I, s:I, s:s, s:i, s:b, s:b}", "id",
						      (json_int_t)sqlite3_column_int64(st, 0), "system",
						      (json_int_t)sqlite3_column_int64(st, 1), "completed",
						      bs_store_text(st, 2), "category", sqlite3_column_int(st, 3), "legacy",
						      sqlite3_column_int(st, 4), "archived", 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(*out);
		*out = NULL;
		return bs_store_fail(s, "cannot read the completed assessments");
	}
	return 0;
}

int bs_assess_open_findings(struct bs_store *s, json_t **out)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = as_query(s, &st,
			    "SELECT f.id, f.assessment_id, f.system_id, f.control_id, f.severity, f.title, f.owner, f.due"
			    " FROM assessment_finding f WHERE f.status = 'open' ORDER BY f.due, f.id", "")) < 0)
		return err;
	*out = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(*out, json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
						      (json_int_t)sqlite3_column_int64(st, 0), "assessment",
						      (json_int_t)sqlite3_column_int64(st, 1), "system",
						      (json_int_t)sqlite3_column_int64(st, 2), "control", bs_store_text(st, 3),
						      "severity", bs_store_text(st, 4), "title", bs_store_text(st, 5), "owner",
						      bs_store_text(st, 6), "due", bs_store_text(st, 7), "archived", 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(*out);
		*out = NULL;
		return bs_store_fail(s, "cannot read the findings");
	}
	return 0;
}

int bs_assess_latest_results(struct bs_store *s, int32_t as_of,
			     int (*fn)(int64_t system, const char *control, enum bs_assess_result r, int32_t completed,
				       int64_t assessment, int category, void *ctx),
			     void *ctx)
{
	sqlite3_stmt *st;
	char date[BS_DATE_MAX];
	int err, rc;

	/* per (system, control) the result of the closed assessment completed last by as_of */
	bs_date_format(as_of, date);
	if ((err = as_query(s, &st,
			    "SELECT r.system_id, r.control_id, r.result, a.completed_on, a.id, c.category"
			    " FROM assessment_result r JOIN assessment a ON a.id = r.assessment_id"
			    " JOIN assessment_scope c ON c.assessment_id = a.id AND c.system_id = r.system_id"
			    " WHERE a.status = 'closed' AND a.completed_on <= ?1 AND NOT EXISTS ("
			    "  SELECT 1 FROM assessment_result r2 JOIN assessment a2 ON a2.id = r2.assessment_id"
			    "  WHERE r2.system_id = r.system_id AND r2.control_id = r.control_id AND a2.status = 'closed'"
			    "  AND a2.completed_on <= ?1 AND (a2.completed_on > a.completed_on"
			    "   OR (a2.completed_on = a.completed_on AND a2.id > a.id)))"
			    " ORDER BY r.control_id, r.system_id", "t", date)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum bs_assess_result r = BS_RESULT_NONE;
		int32_t done = 0;
		(void)bs_assess_result_parse(bs_store_text(st, 2), &r);
		(void)bs_date_parse(bs_store_text(st, 3), &done);
		if ((err = fn(sqlite3_column_int64(st, 0), bs_store_text(st, 1), r, done, sqlite3_column_int64(st, 4),
			      sqlite3_column_int(st, 5), ctx)) != 0) {
			sqlite3_finalize(st);
			return err;
		}
	}
	sqlite3_finalize(st);
	bs_error_clear();
	return rc == SQLITE_DONE ? 0 : bs_store_fail(s, "cannot read the assessment results");
}

int bs_assess_ids(struct bs_store *s, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int err, rc;

	*ids = NULL;
	*n = 0;
	if ((err = as_query(s, &st, "SELECT id FROM assessment ORDER BY id DESC", "")) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*ids = bs_realloc(*ids, bs_size_mul(cap, sizeof(**ids)));
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : bs_store_fail(s, "cannot list the assessments");
}

int bs_assess_purge_allowed(struct bs_store *s, int64_t id, int32_t today)
{
	sqlite3_stmt *st;
	int err, rc, allowed = 0;
	int64_t us;

	if ((err = as_query(s, &st, "SELECT status, closed_at FROM assessment WHERE id = ?1", "i", id)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *status = bs_store_text(st, 0);
		if (strcmp(status, "closed") != 0)
			err = bs_error(BS_ECONFLICT, "assessment %lld is %s, not closed: its records are kept at least five "
				       "years after it closes (Annex 2 捌)", (long long)id, status);
		else if (bs_time_parse(bs_store_text(st, 1), &us) < 0)
			err = bs_error(BS_ERR, "assessment %lld has a broken closing time", (long long)id);
		else {
			int32_t until = bs_date_add_months(bs_days_from_time(us), 60);
			char d[BS_DATE_MAX];
			bs_date_format(until, d);
			if (today >= until)
				allowed = 1;
			else
				err = bs_error(BS_ECONFLICT, "assessment %lld and its correction records are kept until %s "
					       "(Annex 2 捌: 至少保存五年); they cannot be purged before then", (long long)id, d);
		}
	} else if (rc == SQLITE_DONE)
		err = bs_error(BS_ENOTFOUND, "assessment %lld does not exist", (long long)id);
	else
		err = bs_store_fail(s, "cannot read the assessment");
	sqlite3_finalize(st);
	return err < 0 ? (err == BS_ECONFLICT ? 0 : err) : allowed;
}

/* Frees each string and sets it to NULL. */
#define FREE_ALL(...) do { char **fa_[] = { __VA_ARGS__ }; \
	for (size_t fa_i = 0; fa_i < sizeof(fa_) / sizeof(fa_[0]); fa_i++) { free(*fa_[fa_i]); *fa_[fa_i] = NULL; } \
	} while (0)

void bs_assess_full_release(struct bs_assess_full *a)
{
	struct bs_assess_meta *m;

	if (!a)
		return;
	m = &a->meta;
	FREE_ALL(&m->title, &m->legacy_assessor, &m->legacy_report, &m->period_start, &m->period_end, &m->plan_approver,
		 &m->plan_approved_by, &m->plan_approved_on, &m->created_at, &m->created_by, &m->started_at,
		 &m->started_by, &m->completed_on, &m->completed_at, &m->completed_by, &m->closed_at, &m->closed_by,
		 &m->retain_until, &m->note);
	for (size_t i = 0; i < a->nscope; i++)
		FREE_ALL(&a->scope[i].system_id, &a->scope[i].system_name, &a->scope[i].reason, &a->scope[i].owner);
	for (size_t i = 0; i < a->nsamples; i++)
		FREE_ALL(&a->samples[i].system_id, &a->samples[i].asset_tag, &a->samples[i].kind, &a->samples[i].location,
			 &a->samples[i].scan_at);
	for (size_t i = 0; i < a->nassessors; i++) {
		struct bs_assess_assessor *x = &a->assessors[i];
		FREE_ALL(&x->name, &x->kind, &x->unit, &x->independence, &x->certificate, &x->financial_experience,
			 &x->nda_date, &x->role);
	}
	for (size_t i = 0; i < a->nresults; i++) {
		struct bs_assess_result_row *x = &a->results[i];
		FREE_ALL(&x->system_id, &x->control_id, &x->reason, &x->evidence, &x->decided_at, &x->decided_by);
	}
	for (size_t i = 0; i < a->nfindings; i++) {
		struct bs_assess_finding *x = &a->findings[i];
		FREE_ALL(&x->system_id, &x->system_name, &x->control_id, &x->category, &x->title, &x->risk,
			 &x->recommendation, &x->owner, &x->due, &x->created_at, &x->created_by, &x->closed_at,
			 &x->closed_by);
		for (size_t k = 0; k < x->nfollowups; k++) {
			struct bs_assess_followup *f = &x->followups[k];
			FREE_ALL(&f->date, &f->by, &f->note, &f->recorded_at, &f->recorded_by);
		}
		free(x->followups);
	}
	for (size_t i = 0; i < a->ndrills; i++)
		FREE_ALL(&a->drills[i].date, &a->drills[i].outcome);
	free(a->scope);
	free(a->samples);
	free(a->assessors);
	free(a->results);
	free(a->findings);
	free(a->drills);
	memset(a, 0, sizeof(*a));
}

int bs_assess_exists(struct bs_store *s, int64_t id)
{
	enum bs_assess_status st;
	return as_status(s, id, &st);
}
