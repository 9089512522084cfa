/* assess_load.c - one assessment with everything the report needs, in plain structs
 * (assess.h, struct bs_assess_full). Read-only. */
#include <stdlib.h>
#include <string.h>

#include "assess/assess_int.h"
#include "datadir/datadir.h"
#include "registry/registry.h"
#include "scan/scan.h"
#include "store/store.h"

#define GROW(arr, n, cap) do { if ((n) == (cap)) { (cap) = (cap) ? (cap) * 2 : 8; \
	(arr) = bs_realloc((arr), bs_size_mul((cap), sizeof(*(arr)))); } \
	memset(&(arr)[(n)], 0, sizeof(*(arr))); } while (0)

static char *jstr(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? bs_strdup(v) : NULL;
}

static char *idtext(int64_t v)
{
	char b[32];
	snprintf(b, sizeof(b), "%lld", (long long)v);
	return bs_strdup(b);
}

static int load_meta(struct bs_store *s, int64_t id, struct bs_assess_meta *m)
{
	sqlite3_stmt *st;
	int err, rc;
	int64_t us;

	if ((err = as_query(s, &st,
			    "SELECT title, status, legacy, legacy_assessor, legacy_report, period_start, period_end,"
			    " plan_approver, plan_approved_by, plan_approved_on, created_at, created_by, started_at, started_by,"
			    " completed_on, completed_at, completed_by, closed_at, closed_by, note FROM assessment WHERE id = ?1",
			    "i", id)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return bs_store_fail(s, "cannot read the assessment");
		return bs_error(BS_ENOTFOUND, "assessment %lld does not exist: `brokersec assessment list` shows the ids",
				(long long)id);
	}
	m->id = id;
	m->title = as_col(st, 0);
	err = as_status_parse(bs_store_text(st, 1), &m->status);
	m->legacy = sqlite3_column_int(st, 2);
	m->legacy_assessor = as_col(st, 3);
	m->legacy_report = as_col(st, 4);
	m->period_start = as_col(st, 5);
	m->period_end = as_col(st, 6);
	m->plan_approver = as_col(st, 7);
	m->plan_approved_by = as_col(st, 8);
	m->plan_approved_on = as_col(st, 9);
	m->created_at = as_col(st, 10);
	m->created_by = as_col(st, 11);
	m->started_at = as_col(st, 12);
	m->started_by = as_col(st, 13);
	m->completed_on = as_col(st, 14);
	m->completed_at = as_col(st, 15);
	m->completed_by = as_col(st, 16);
	m->closed_at = as_col(st, 17);
	m->closed_by = as_col(st, 18);
	m->note = as_col(st, 19);
	sqlite3_finalize(st);
	/* 捌: kept at least five years; a legacy record counts from its recording */
	if (m->closed_at && bs_time_parse(m->closed_at, &us) == 0) {
		char d[BS_DATE_MAX];
		bs_date_format(bs_date_add_months(bs_days_from_time(us), 60), d);
		m->retain_until = bs_strdup(d);
	}
	bs_error_clear();
	return err;
}

static int load_scope(struct bs_store *s, struct bs_assess_full *a)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int err, rc;

	if ((err = as_query(s, &st, "SELECT system_id, category, areas, reason FROM assessment_scope WHERE assessment_id = ?1"
				    " ORDER BY system_id", "i", a->meta.id)) < 0)
		return err;
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t sys = sqlite3_column_int64(st, 0), have = 0;
		json_t *rec = NULL, *devs = NULL;
		size_t active = 0;
		GROW(a->scope, a->nscope, cap);
		struct bs_assess_scope *x = &a->scope[a->nscope++];
		x->system_id = idtext(sys);
		x->category = sqlite3_column_int(st, 1);
		x->areas = (unsigned)sqlite3_column_int64(st, 2);
		x->reason = as_col(st, 3);
		/* a system archived since keeps its row: the report shows what was assessed */
		if (bs_reg_get(s, bs_register_find("system"), sys, &rec) == 0) {
			x->system_name = jstr(rec, "name");
			x->owner = jstr(rec, "owner");
		}
		bs_error_clear();
		if ((err = as_system_devices(s, sys, &devs, &active)) == 0 &&
		    (err = as_count(s, &have, "SELECT count(*) FROM assessment_sample WHERE assessment_id = ?1 AND system_id = ?2",
				    a->meta.id, sys)) == 0) {
			x->devices = as_system_total(rec ? rec : json_null(), active);
			x->sample_required = bs_assess_sample_required(x->devices);
			x->sampled = (size_t)have;
		}
		json_decref(rec);
		json_decref(devs);
	}
	sqlite3_finalize(st);
	return err;
}

struct latest_scan { int64_t scan; char *at; };

static int scan_seen(const struct bs_scan_control_row *r, void *ctx)
{
	struct bs_assess_full *a = ctx;
	for (size_t i = 0; i < a->nsamples; i++) {
		struct bs_assess_sample *x = &a->samples[i];
		char dev[32];
		snprintf(dev, sizeof(dev), "%lld", (long long)x->device_id);
		if (strcmp(r->system_id, x->system_id) != 0 || r->scan_id <= x->scan_id)
			continue;
		if ((r->device && (!strcmp(r->device, dev) || (x->asset_tag && !strcmp(r->device, x->asset_tag)))) ||
		    (x->asset_tag && !strcmp(r->host, x->asset_tag))) {
			x->scan_id = r->scan_id;
			free(x->scan_at);
			x->scan_at = bs_strdup(r->created_at);
		}
	}
	return 0;
}

static int load_samples(struct bs_store *s, struct bs_assess_full *a)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int err, rc;

	if ((err = as_query(s, &st, "SELECT system_id, device_id FROM assessment_sample WHERE assessment_id = ?1"
				    " ORDER BY system_id, device_id", "i", a->meta.id)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *d = NULL;
		GROW(a->samples, a->nsamples, cap);
		struct bs_assess_sample *x = &a->samples[a->nsamples++];
		x->system_id = idtext(sqlite3_column_int64(st, 0));
		x->device_id = sqlite3_column_int64(st, 1);
		if (bs_reg_get(s, bs_register_find("device"), x->device_id, &d) == 0) {
			x->asset_tag = jstr(d, "asset_tag");
			x->kind = jstr(d, "kind");
			x->location = jstr(d, "location");
		}
		json_decref(d);
	}
	sqlite3_finalize(st);
	bs_error_clear();
	if (rc != SQLITE_DONE)
		return bs_store_fail(s, "cannot read the sample");
	return a->nsamples ? bs_scan_latest_each(s, bs_clock_now(), scan_seen, a) : 0;
}

static int load_assessors(struct bs_store *s, struct bs_assess_full *a)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int err, rc;

	if ((err = as_query(s, &st, "SELECT assessor_id, role FROM assessment_assessor WHERE assessment_id = ?1"
				    " ORDER BY role = 'member', assessor_id", "i", a->meta.id)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *r = NULL, *h;
		GROW(a->assessors, a->nassessors, cap);
		struct bs_assess_assessor *x = &a->assessors[a->nassessors++];
		x->id = sqlite3_column_int64(st, 0);
		x->role = as_col(st, 1);
		x->training_hours = -1;
		if (bs_reg_get(s, bs_register_find("assessor"), x->id, &r) == 0) {
			x->name = jstr(r, "name");
			x->kind = jstr(r, "kind");
			x->unit = jstr(r, "unit");
			x->independence = jstr(r, "independence");
			x->certificate = jstr(r, "certificate");
			x->financial_experience = jstr(r, "financial_experience");
			x->nda_date = jstr(r, "nda_signed");
			x->person_id = json_integer_value(json_object_get(r, "person"));
			if (json_is_number(h = json_object_get(r, "training_hours")))
				x->training_hours = json_number_value(h);
		}
		json_decref(r);
	}
	sqlite3_finalize(st);
	bs_error_clear();
	return rc == SQLITE_DONE ? 0 : bs_store_fail(s, "cannot read the assessors");
}

/* Every control in scope, with its result when there is one. */
struct res_ctx {
	struct bs_store *s;
	struct bs_assess_full *a;
	size_t cap;
	int64_t system;
	int area;
	int err;
};

static int one_control(const char *control, void *vctx)
{
	struct res_ctx *c = vctx;
	struct bs_assess_full *a = c->a;
	sqlite3_stmt *st;
	int rc;

	GROW(a->results, a->nresults, c->cap);
	struct bs_assess_result_row *x = &a->results[a->nresults++];
	x->system_id = idtext(c->system);
	x->control_id = bs_strdup(control);
	x->area = c->area;
	if ((c->err = as_query(c->s, &st, "SELECT result, source, reason, evidence, scan_id, decided_at, decided_by"
					  " FROM assessment_result WHERE assessment_id = ?1 AND system_id = ?2 AND control_id = ?3",
			       "iit", a->meta.id, c->system, control)) < 0)
		return 1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(void)bs_assess_result_parse(bs_store_text(st, 0), &x->result);
		(void)bs_assess_source_parse(bs_store_text(st, 1), &x->source);
		x->reason = as_col(st, 2);
		x->evidence = as_col(st, 3);
		x->scan_id = sqlite3_column_int64(st, 4);
		x->decided_at = as_col(st, 5);
		x->decided_by = as_col(st, 6);
	}
	sqlite3_finalize(st);
	bs_error_clear();
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		c->err = bs_store_fail(c->s, "cannot read the results");
		return 1;
	}
	return 0;
}

static int load_results(struct bs_store *s, struct bs_assess_full *a)
{
	struct res_ctx c = { s, a, 0, 0, 0, 0 };
	int err = 0;

	if (a->meta.legacy)
		return 0; /* recorded from before brokersec: no per-control results */
	for (size_t i = 0; i < a->nscope && !err && !c.err; i++) {
		c.system = strtoll(a->scope[i].system_id, NULL, 10);
		for (c.area = 1; c.area <= BS_ASSESS_AREAS && !err && !c.err; c.area++)
			if (a->scope[i].areas & BS_ASSESS_AREA_BIT(c.area))
				err = as_area_controls(c.area, one_control, &c);
	}
	return c.err ? c.err : err;
}

static int load_followups(struct bs_store *s, struct bs_assess_finding *f)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int err, rc;

	if ((err = as_query(s, &st, "SELECT id, date, by, audit_unit, verdict, note, recorded_at, recorded_by"
				    " FROM assessment_followup WHERE finding_id = ?1 ORDER BY date, id", "i", f->id)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		GROW(f->followups, f->nfollowups, cap);
		struct bs_assess_followup *x = &f->followups[f->nfollowups++];
		x->id = sqlite3_column_int64(st, 0);
		x->date = as_col(st, 1);
		x->by = as_col(st, 2);
		x->audit_unit = sqlite3_column_int(st, 3);
		(void)bs_assess_verdict_parse(bs_store_text(st, 4), &x->verdict);
		x->note = as_col(st, 5);
		x->recorded_at = as_col(st, 6);
		x->recorded_by = as_col(st, 7);
	}
	sqlite3_finalize(st);
	bs_error_clear();
	return rc == SQLITE_DONE ? 0 : bs_store_fail(s, "cannot read the follow-up");
}

static int load_findings(struct bs_store *s, struct bs_assess_full *a)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	char today[BS_DATE_MAX];
	int err, rc;

	as_now(NULL, today);
	if ((err = as_query(s, &st, "SELECT id, system_id, control_id, severity, category, title, risk, recommendation,"
				    " owner, due, status, created_at, created_by, closed_at, closed_by"
				    " FROM assessment_finding WHERE assessment_id = ?1 ORDER BY id", "i", a->meta.id)) < 0)
		return err;
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		GROW(a->findings, a->nfindings, cap);
		struct bs_assess_finding *x = &a->findings[a->nfindings++];
		x->id = sqlite3_column_int64(st, 0);
		x->system_id = idtext(sqlite3_column_int64(st, 1));
		for (size_t i = 0; i < a->nscope; i++)
			if (!strcmp(a->scope[i].system_id, x->system_id) && a->scope[i].system_name)
				x->system_name = bs_strdup(a->scope[i].system_name);
		x->control_id = as_col(st, 2);
		(void)bs_assess_severity_parse(bs_store_text(st, 3), &x->severity);
		x->category = as_col(st, 4);
		x->title = as_col(st, 5);
		x->risk = as_col(st, 6);
		x->recommendation = as_col(st, 7);
		x->owner = as_col(st, 8);
		x->due = as_col(st, 9);
		(void)bs_assess_fstatus_parse(bs_store_text(st, 10), &x->status);
		x->created_at = as_col(st, 11);
		x->created_by = as_col(st, 12);
		x->closed_at = as_col(st, 13);
		x->closed_by = as_col(st, 14);
		x->overdue = x->status == BS_FINDING_OPEN && x->due && strcmp(x->due, today) < 0;
		err = load_followups(s, x);
	}
	sqlite3_finalize(st);
	bs_error_clear();
	return err;
}

static int load_drills(struct bs_store *s, struct bs_assess_full *a)
{
	json_t *all = NULL, *d;
	size_t i, cap = 0;
	int err;

	if (!a->meta.period_start || !a->meta.period_end)
		return 0;
	if ((err = bs_reg_list(s, bs_register_find("drill"), 0, &all)) < 0)
		return err;
	json_array_foreach(all, i, d) {
		const char *kind = json_string_value(json_object_get(d, "kind"));
		const char *date = json_string_value(json_object_get(d, "date"));
		if (!kind || strcmp(kind, "social-engineering") || !date || strcmp(date, a->meta.period_start) < 0 ||
		    strcmp(date, a->meta.period_end) > 0)
			continue;
		GROW(a->drills, a->ndrills, cap);
		struct bs_assess_drill *x = &a->drills[a->ndrills++];
		x->id = json_integer_value(json_object_get(d, "id"));
		x->date = bs_strdup(date);
#define CNT(f) (json_is_integer(json_object_get(d, f)) ? json_integer_value(json_object_get(d, f)) : -1)
		x->emails_sent = CNT("emails_sent");
		x->opened = CNT("opened");
		x->clicked = CNT("clicked");
		x->reported = CNT("reported");
#undef CNT
		x->outcome = jstr(d, "outcome");
	}
	json_decref(all);
	/* by date (the register lists by id) */
	for (size_t p = 1; p < a->ndrills; p++)
		for (size_t q = p; q > 0 && strcmp(a->drills[q - 1].date, a->drills[q].date) > 0; q--) {
			struct bs_assess_drill t = a->drills[q];
			a->drills[q] = a->drills[q - 1];
			a->drills[q - 1] = t;
		}
	return 0;
}

static void summarise(struct bs_assess_full *a)
{
	struct bs_assess_summary *m = &a->summary;

	memset(m, 0, sizeof(*m));
	m->systems = a->nscope;
	for (size_t i = 0; i < a->nscope; i++) {
		m->devices += a->scope[i].devices;
		m->sample_required += a->scope[i].sample_required;
		m->sampled += a->scope[i].sampled;
	}
	m->controls = a->nresults;
	for (size_t i = 0; i < a->nresults; i++)
		switch (a->results[i].result) {
		case BS_RESULT_MET: m->met++; break;
		case BS_RESULT_NOT_MET: m->not_met++; break;
		case BS_RESULT_NOT_APPLICABLE: m->not_applicable++; break;
		default: m->undecided++;
		}
	m->findings = a->nfindings;
	for (size_t i = 0; i < a->nfindings; i++) {
		const struct bs_assess_finding *f = &a->findings[i];
		if (f->status == BS_FINDING_OPEN)
			m->findings_open++;
		else
			m->findings_closed++;
		m->findings_overdue += f->overdue != 0;
		if ((unsigned)f->severity < BS_ASSESS_SEV_COUNT)
			m->by_severity[f->severity]++;
	}
	m->drills = a->ndrills;
}

int bs_assess_load(struct bs_datadir *dd, int64_t id, struct bs_assess_full *out)
{
	struct bs_store *s = dd->store;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = load_meta(s, id, &out->meta)) < 0 || (err = load_scope(s, out)) < 0 ||
	    (err = load_samples(s, out)) < 0 || (err = load_assessors(s, out)) < 0 ||
	    (err = load_results(s, out)) < 0 || (err = load_findings(s, out)) < 0 || (err = load_drills(s, out)) < 0) {
		bs_assess_full_release(out);
		return err;
	}
	summarise(out);
	return 0;
}
