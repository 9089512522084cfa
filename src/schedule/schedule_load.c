/* schedule_load.c - the deadline engine fed from a data directory: the one path both
 * `brokersec due` and GET /api/v1/due take, so the two always show the same duties. */
#include "schedule/schedule.h"

#include "assess/assess.h"
#include "lookalike/check.h"
#include "outbox/outbox.h"
#include "profile/profile.h"
#include "registry/registry.h"
#include "vuln/vuln.h"

int bs_schedule_snapshot(struct bs_store *s, int32_t as_of, json_t **out)
{
	json_t *snap = NULL, *rows = NULL, *open = NULL;
	int err;

	/* the assessments are src/assess's tables, not a register: the systems each completed one
	 * covered (the old register's shape, {system, completed}) and the open findings */
	if ((err = bs_reg_snapshot(s, &snap)) < 0 || (err = bs_assess_completed_rows(s, as_of, &rows)) < 0 ||
	    (err = bs_assess_open_findings(s, &open)) < 0) {
		json_decref(snap);
		json_decref(rows);
		return err;
	}
	json_object_set_new(snap, "assessment", rows);
	json_object_set_new(snap, "assessment_finding", open);
	{
		json_t *look = NULL;
		/* the look-alike checks up to the end of the as-of day (SR.14's daily duty) */
		if ((err = bs_lookalike_summary(s, ((int64_t)as_of + 1) * 86400 * 1000000 - 1, &look)) < 0) {
			json_decref(snap);
			return err;
		}
		json_object_set_new(snap, "lookalike", look);
	}
	{
		json_t *vuln = NULL;
		/* open vulnerability findings per device (issue 18, schedule_vuln.c) */
		if ((err = bs_vuln_due_rows(s, as_of, &vuln)) < 0) {
			json_decref(snap);
			return err;
		}
		json_object_set_new(snap, "vuln", vuln);
	}
	{
		struct bs_outbox_failed f;
		/* notifications given up (issue 19, schedule_notify.c) */
		if ((err = bs_outbox_failed(s, &f)) < 0) {
			json_decref(snap);
			return err;
		}
		json_object_set_new(snap, "notify", json_pack("{s:I, s:I, s:I, s:s}", "dead", (json_int_t)f.dead, "dead_log",
							      (json_int_t)f.dead_log, "oldest_us", (json_int_t)f.oldest_us,
							      "classes", f.classes));
	}
	*out = snap;
	return 0;
}

int bs_schedule_load(struct bs_store *s, const struct bs_schedule_opts *o, struct bs_duties *out)
{
	struct bs_schedule_opts so = *o;
	struct bs_profile prof = { 0 };
	json_t *snap = NULL;
	int err;

	if ((err = bs_profile_load(s, &prof)) < 0 || (err = bs_schedule_snapshot(s, o->as_of, &snap)) < 0)
		goto done;
	so.profile_mask = prof.mask;
	err = bs_schedule_compute(snap, &so, out);
done:
	bs_profile_release(&prof);
	json_decref(snap);
	return err;
}
