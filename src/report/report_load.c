/* Fills the report's model from an assessment (src/assess): the report keeps its own plain
 * model so that the renderers depend on nothing but report.h and are tested with a doc built
 * by hand; this file is the one place that knows both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess.h"
#include "core/clock.h"
#include "datadir/datadir.h"
#include "profile/profile.h"
#include "report/report.h"
#include "witness/witness.h"

static char *dup(const char *s)
{
	return bs_strdup(s ? s : "");
}

static char *num(int64_t v)
{
	char b[32];
	snprintf(b, sizeof(b), "%lld", (long long)v);
	return bs_strdup(b);
}

static void load_findings(const struct bs_assess_full *a, struct bs_report_doc *d)
{
	d->findings = bs_calloc(a->nfindings + 1, sizeof(*d->findings));
	d->nfindings = a->nfindings;
	for (size_t i = 0; i < a->nfindings; i++) {
		const struct bs_assess_finding *s = &a->findings[i];
		struct bs_report_finding *f = &d->findings[i];
		f->id = num(s->id);
		f->system_id = dup(s->system_id);
		f->control_id = dup(s->control_id);
		f->severity = dup(bs_assess_severity_token(s->severity));
		f->category = dup(s->category);
		f->title = dup(s->title);
		f->risk = dup(s->risk);
		f->recommendation = dup(s->recommendation);
		f->owner = dup(s->owner);
		f->due = dup(s->due);
		f->status = dup(bs_assess_fstatus_token(s->status));
		f->followups = bs_calloc(s->nfollowups + 1, sizeof(*f->followups));
		f->nfollowups = s->nfollowups;
		for (size_t j = 0; j < s->nfollowups; j++) {
			const struct bs_assess_followup *u = &s->followups[j];
			f->followups[j].at = dup(u->date);
			f->followups[j].who = dup(u->by);
			f->followups[j].audit_unit = u->audit_unit;
			f->followups[j].verdict = dup(bs_assess_verdict_token(u->verdict));
			f->followups[j].note = dup(u->note);
		}
	}
}

static void load_results(const struct bs_assess_full *a, struct bs_report_doc *d)
{
	d->results = bs_calloc(a->nresults + 1, sizeof(*d->results));
	d->nresults = a->nresults;
	for (size_t i = 0; i < a->nresults; i++) {
		const struct bs_assess_result_row *s = &a->results[i];
		struct bs_report_result *r = &d->results[i];
		struct bs_buf note = BS_BUF_INIT;
		r->system_id = dup(s->system_id);
		r->control_id = dup(s->control_id);
		r->result = s->result == BS_RESULT_MET ? BS_RR_MET
			  : s->result == BS_RESULT_NOT_MET ? BS_RR_NOT_MET
			  : s->result == BS_RESULT_NOT_APPLICABLE ? BS_RR_NA : BS_RR_UNKNOWN;
		r->source = dup(s->source == BS_SOURCE_NONE ? "" : bs_assess_source_token(s->source));
		if (s->reason)
			bs_buf_puts(&note, s->reason);
		if (s->evidence)
			bs_buf_printf(&note, "%s%s", note.len ? "; " : "", s->evidence);
		if (s->scan_id)
			bs_buf_printf(&note, "%sscan %lld", note.len ? "; " : "", (long long)s->scan_id);
		r->note = bs_buf_detach(&note, NULL);
	}
}

static void load_scope(const struct bs_assess_full *a, struct bs_report_doc *d)
{
	d->systems = bs_calloc(a->nscope + 1, sizeof(*d->systems));
	d->nsystems = a->nscope;
	for (size_t i = 0; i < a->nscope; i++) {
		const struct bs_assess_scope *s = &a->scope[i];
		struct bs_report_system *y = &d->systems[i];
		y->id = dup(s->system_id);
		y->name = dup(s->system_name);
		y->category = s->category;
		y->areas = (s->areas & BS_ASSESS_AREAS_ALL) >> 1; /* assess: bit n is area n; report: bit n-1 */
		y->areas_reason = dup(s->reason);
		y->devices_total = (int)s->devices;
		y->devices_sampled = (int)s->sampled;
		y->sample_required = (int)s->sample_required;
	}
	d->samples = bs_calloc(a->nsamples + 1, sizeof(*d->samples));
	d->nsamples = a->nsamples;
	for (size_t i = 0; i < a->nsamples; i++) {
		const struct bs_assess_sample *s = &a->samples[i];
		struct bs_report_sample *y = &d->samples[i];
		struct bs_buf t = BS_BUF_INIT;
		y->system_id = dup(s->system_id);
		y->device_id = s->asset_tag && *s->asset_tag ? dup(s->asset_tag) : num(s->device_id);
		bs_buf_printf(&t, "%s%s%s", s->kind ? s->kind : "", s->kind && s->location ? " · " : "",
			      s->location ? s->location : "");
		y->device_name = bs_buf_detach(&t, NULL);
		if (s->scan_id)
			bs_buf_printf(&t, "scan %lld%s%s", (long long)s->scan_id, s->scan_at ? " · " : "", s->scan_at ? s->scan_at : "");
		y->basis = bs_buf_detach(&t, NULL);
	}
}

static void load_people(const struct bs_assess_full *a, struct bs_report_doc *d)
{
	d->assessors = bs_calloc(a->nassessors + 1, sizeof(*d->assessors));
	d->nassessors = a->nassessors;
	for (size_t i = 0; i < a->nassessors; i++) {
		const struct bs_assess_assessor *s = &a->assessors[i];
		struct bs_report_assessor *y = &d->assessors[i];
		y->name = dup(s->name);
		y->kind = dup(s->kind);
		y->unit = dup(s->unit);
		y->independence = dup(s->independence);
		y->training_hours = s->training_hours > 0 ? s->training_hours : 0;
		y->certificate = dup(s->certificate);
		y->finance_exp = dup(s->financial_experience);
		y->nda_date = dup(s->nda_date);
	}
	d->drills = bs_calloc(a->ndrills + 1, sizeof(*d->drills));
	d->ndrills = a->ndrills;
	for (size_t i = 0; i < a->ndrills; i++) {
		const struct bs_assess_drill *s = &a->drills[i];
		struct bs_report_drill *y = &d->drills[i];
		y->id = num(s->id);
		y->date = dup(s->date);
		y->scope = dup("");
		y->sent = s->emails_sent > 0 ? (int)s->emails_sent : 0;
		y->opened = s->opened > 0 ? (int)s->opened : 0;
		y->clicked = s->clicked > 0 ? (int)s->clicked : 0;
		y->reported = s->reported > 0 ? (int)s->reported : 0;
		y->notes = dup(s->outcome);
	}
}

int bs_report_load(struct bs_datadir *dd, int64_t id, struct bs_report_doc *d)
{
	struct bs_assess_full a = { 0 };
	struct bs_profile prof = { 0 };
	struct bs_buf t = BS_BUF_INIT;
	char now[BS_TIME_MAX];
	int64_t us = bs_clock_now();
	int err;

	memset(d, 0, sizeof(*d));
	if ((err = bs_assess_load(dd, id, &a)) < 0)
		return err;
	if ((err = bs_profile_load(dd->store, &prof)) < 0) {
		bs_assess_full_release(&a);
		return err;
	}
	d->assessment_id = num(a.meta.id);
	d->title = dup(a.meta.title);
	d->org = dup(prof.org);
	if (a.meta.plan_approved_by || a.meta.plan_approved_on)
		bs_buf_printf(&t, "%s %s %s", a.meta.plan_approver ? a.meta.plan_approver : "",
			      a.meta.plan_approved_by ? a.meta.plan_approved_by : "", a.meta.plan_approved_on ? a.meta.plan_approved_on : "");
	d->plan = bs_buf_detach(&t, NULL);
	d->start = dup(a.meta.period_start);
	d->end = dup(a.meta.period_end);
	d->status = dup(bs_assess_status_token(a.meta.status));
	d->audit_unit = dup("");
	bs_report_time_seconds(us, now);
	d->generated_at = bs_strdup(now);
	d->demo = dd->demo;
	{
		struct bs_witness_delivery w;
		if ((err = bs_witness_latest(dd->store, &w)) < 0) {
			bs_profile_release(&prof);
			bs_assess_full_release(&a);
			bs_report_doc_release(d);
			return err;
		}
		if (err == 1) {
			d->witness.have = 1;
			snprintf(d->witness.url, sizeof(d->witness.url), "%s", w.url);
			snprintf(d->witness.root, sizeof(d->witness.root), "%s", w.root);
			d->witness.size = w.size;
			d->witness.time_us = w.time_us;
			d->witness.delivered_us = w.delivered_us;
			d->witness.status = w.status;
		}
	}
	load_people(&a, d);
	load_scope(&a, d);
	load_results(&a, d);
	load_findings(&a, d);
	bs_profile_release(&prof);
	bs_assess_full_release(&a);
	return 0;
}
