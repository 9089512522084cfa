/* assess_json.c - the one JSON view of an assessment, shared by `assessment show --format
 * json` and GET /api/v1/assessments/ID (tokens, not labels: stable for programs). */
#include "assess/assess_int.h"

static json_t *str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *areas_json(unsigned set)
{
	json_t *a = json_array();
	for (int n = 1; n <= BS_ASSESS_AREAS; n++)
		if (set & BS_ASSESS_AREA_BIT(n))
			json_array_append_new(a, json_integer(n));
	return a;
}

static json_t *meta_json(const struct bs_assess_meta *m)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(m->id));
	json_object_set_new(j, "title", str(m->title));
	json_object_set_new(j, "status", json_string(bs_assess_status_token(m->status)));
	json_object_set_new(j, "legacy", json_boolean(m->legacy));
	json_object_set_new(j, "legacy_assessor", str(m->legacy_assessor));
	json_object_set_new(j, "legacy_report", str(m->legacy_report));
	json_object_set_new(j, "period_start", str(m->period_start));
	json_object_set_new(j, "period_end", str(m->period_end));
	json_object_set_new(j, "plan", json_pack("{s:o, s:o, s:o}", "approver", str(m->plan_approver), "approved_by",
						 str(m->plan_approved_by), "approved_on", str(m->plan_approved_on)));
	json_object_set_new(j, "created_at", str(m->created_at));
	json_object_set_new(j, "created_by", str(m->created_by));
	json_object_set_new(j, "started_at", str(m->started_at));
	json_object_set_new(j, "completed_on", str(m->completed_on));
	json_object_set_new(j, "completed_by", str(m->completed_by));
	json_object_set_new(j, "closed_at", str(m->closed_at));
	json_object_set_new(j, "closed_by", str(m->closed_by));
	json_object_set_new(j, "retain_until", str(m->retain_until));
	json_object_set_new(j, "note", str(m->note));
	return j;
}

static json_t *finding_json(const struct bs_assess_finding *f)
{
	json_t *fu = json_array();
	for (size_t k = 0; k < f->nfollowups; k++) {
		const struct bs_assess_followup *x = &f->followups[k];
		json_array_append_new(fu, json_pack("{s:I, s:o, s:o, s:b, s:s, s:o, s:o, s:o}", "id", (json_int_t)x->id,
						    "date", str(x->date), "by", str(x->by), "audit_unit", x->audit_unit,
						    "verdict", bs_assess_verdict_token(x->verdict), "note", str(x->note),
						    "recorded_at", str(x->recorded_at), "recorded_by", str(x->recorded_by)));
	}
	return json_pack("{s:I, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:b, s:o, s:o, s:o, s:o, s:o}",
			 "id", (json_int_t)f->id, "system", str(f->system_id), "system_name", str(f->system_name), "control",
			 str(f->control_id), "severity", bs_assess_severity_token(f->severity), "category", str(f->category),
			 "title", str(f->title), "risk", str(f->risk), "recommendation", str(f->recommendation), "owner",
			 str(f->owner), "due", str(f->due), "status", bs_assess_fstatus_token(f->status), "overdue",
			 f->overdue, "created_at", str(f->created_at), "created_by", str(f->created_by), "closed_at",
			 str(f->closed_at), "closed_by", str(f->closed_by), "followups", fu);
}

json_t *bs_assess_finding_json(const struct bs_assess_finding *f)
{
	return finding_json(f);
}

json_t *bs_assess_json(const struct bs_assess_full *a)
{
	json_t *j = meta_json(&a->meta), *arr;
	const struct bs_assess_summary *s = &a->summary;

	arr = json_array();
	for (size_t i = 0; i < a->nscope; i++) {
		const struct bs_assess_scope *x = &a->scope[i];
		json_array_append_new(arr, json_pack("{s:o, s:o, s:i, s:o, s:o, s:o, s:I, s:I, s:I}", "system",
						     str(x->system_id), "system_name", str(x->system_name), "category",
						     x->category, "areas", areas_json(x->areas), "reason", str(x->reason),
						     "owner", str(x->owner), "devices", (json_int_t)x->devices,
						     "sample_required", (json_int_t)x->sample_required, "sampled",
						     (json_int_t)x->sampled));
	}
	json_object_set_new(j, "scope", arr);
	arr = json_array();
	for (size_t i = 0; i < a->nsamples; i++) {
		const struct bs_assess_sample *x = &a->samples[i];
		json_array_append_new(arr, json_pack("{s:o, s:I, s:o, s:o, s:o, s:o}", "system", str(x->system_id),
						     "device", (json_int_t)x->device_id, "asset_tag", str(x->asset_tag),
						     "kind", str(x->kind), "scan", x->scan_id ? json_integer(x->scan_id)
											    : json_null(),
						     "scan_at", str(x->scan_at)));
	}
	json_object_set_new(j, "samples", arr);
	arr = json_array();
	for (size_t i = 0; i < a->nassessors; i++) {
		const struct bs_assess_assessor *x = &a->assessors[i];
		json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
						     (json_int_t)x->id, "name", str(x->name), "kind", str(x->kind), "unit",
						     str(x->unit), "role", str(x->role), "training_hours",
						     x->training_hours >= 0 ? json_real(x->training_hours) : json_null(),
						     "certificate", str(x->certificate), "financial_experience",
						     str(x->financial_experience), "nda_signed", str(x->nda_date),
						     "independence", str(x->independence)));
	}
	json_object_set_new(j, "assessors", arr);
	arr = json_array();
	for (size_t i = 0; i < a->nresults; i++) {
		const struct bs_assess_result_row *x = &a->results[i];
		json_array_append_new(arr, json_pack("{s:o, s:o, s:i, s:s, s:s, s:o, s:o, s:o, s:o}", "system",
						     str(x->system_id), "control", str(x->control_id), "area", x->area,
						     "result", bs_assess_result_token(x->result), "source",
						     bs_assess_source_token(x->source), "reason", str(x->reason), "evidence",
						     str(x->evidence), "decided_at", str(x->decided_at), "decided_by",
						     str(x->decided_by)));
	}
	json_object_set_new(j, "results", arr);
	arr = json_array();
	for (size_t i = 0; i < a->nfindings; i++)
		json_array_append_new(arr, finding_json(&a->findings[i]));
	json_object_set_new(j, "findings", arr);
	arr = json_array();
	for (size_t i = 0; i < a->ndrills; i++) {
		const struct bs_assess_drill *x = &a->drills[i];
		json_array_append_new(arr, json_pack("{s:I, s:o, s:I, s:I, s:I, s:I, s:o}", "id", (json_int_t)x->id, "date",
						     str(x->date), "emails_sent", (json_int_t)x->emails_sent, "opened",
						     (json_int_t)x->opened, "clicked", (json_int_t)x->clicked, "reported",
						     (json_int_t)x->reported, "outcome", str(x->outcome)));
	}
	json_object_set_new(j, "drills", arr);
	json_object_set_new(j, "summary",
			    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:I}",
				      "systems", (json_int_t)s->systems, "devices", (json_int_t)s->devices,
				      "sample_required", (json_int_t)s->sample_required, "sampled", (json_int_t)s->sampled,
				      "controls", (json_int_t)s->controls, "met", (json_int_t)s->met, "not_met",
				      (json_int_t)s->not_met, "not_applicable", (json_int_t)s->not_applicable, "undecided",
				      (json_int_t)s->undecided, "findings", (json_int_t)s->findings, "findings_open",
				      (json_int_t)s->findings_open, "findings_overdue", (json_int_t)s->findings_overdue,
				      "by_severity", "critical", (json_int_t)s->by_severity[BS_ASSESS_SEV_CRITICAL], "high",
				      (json_int_t)s->by_severity[BS_ASSESS_SEV_HIGH], "medium",
				      (json_int_t)s->by_severity[BS_ASSESS_SEV_MEDIUM], "low",
				      (json_int_t)s->by_severity[BS_ASSESS_SEV_LOW], "drills", (json_int_t)s->drills));
	return j;
}
