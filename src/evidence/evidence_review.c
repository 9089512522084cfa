/* evidence_review.c - reading one record and the review: submitted -> accepted | rejected,
 * once, by someone other than the submitter (docs/status.md, "Review"). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/utf8.h"
#include "evidence/evidence.h"
#include "evidence/evidence_int.h"

static char *opt_text(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : (char *)bs_store_text(st, col);
}

void bs_evidence_row(sqlite3_stmt *st, struct bs_evidence *e)
{
	const char *state;

	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
	e->control_id = (char *)bs_store_text(st, 1);
	snprintf(e->sha256, sizeof(e->sha256), "%s", bs_store_text(st, 2));
	e->size = sqlite3_column_int64(st, 3);
	e->name = (char *)bs_store_text(st, 4);
	e->note = (char *)bs_store_text(st, 5);
	e->created_at = (char *)bs_store_text(st, 6);
	e->created_us = sqlite3_column_int64(st, 7);
	e->created_by = (char *)bs_store_text(st, 8);
	state = bs_store_text(st, 9);
	e->state = !strcmp(state, "accepted") ? BS_EVIDENCE_ACCEPTED
		   : !strcmp(state, "rejected") ? BS_EVIDENCE_REJECTED : BS_EVIDENCE_SUBMITTED;
	e->reviewed_by = opt_text(st, 10);
	e->reviewed_at = opt_text(st, 11);
	e->reviewed_us = sqlite3_column_int64(st, 12);
	e->review_comment = opt_text(st, 13);
	e->record_register = opt_text(st, 14);
	e->record_id = sqlite3_column_int64(st, 15);
}

static char *dup_or_null(const char *s)
{
	return s ? bs_strdup(s) : NULL;
}

/* A copy that outlives the statement. */
static void copy_out(const struct bs_evidence *e, struct bs_evidence *out)
{
	*out = *e;
	out->control_id = bs_strdup(e->control_id);
	out->name = bs_strdup(e->name);
	out->note = bs_strdup(e->note);
	out->created_at = bs_strdup(e->created_at);
	out->created_by = bs_strdup(e->created_by);
	out->reviewed_by = dup_or_null(e->reviewed_by);
	out->reviewed_at = dup_or_null(e->reviewed_at);
	out->review_comment = dup_or_null(e->review_comment);
	out->record_register = dup_or_null(e->record_register);
}

int bs_evidence_get(struct bs_store *s, int64_t id, struct bs_evidence *out)
{
	sqlite3_stmt *st;
	int err, rc;

	memset(out, 0, sizeof(*out));
	if ((err = bs_store_prepare(s, "SELECT " BS_EVIDENCE_COLUMNS " FROM evidence WHERE id = ?1", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		struct bs_evidence e;
		bs_evidence_row(st, &e);
		copy_out(&e, out);
	} else if (rc == SQLITE_DONE) {
		err = bs_error(BS_ENOTFOUND, "no evidence %lld: see 'brokersec evidence list' for the ids", (long long)id);
	} else {
		err = bs_store_fail(s, "cannot read evidence");
	}
	sqlite3_finalize(st);
	return err;
}

static int audit_review(struct bs_datadir *dd, const struct bs_evidence *e, const char *state, const char *comment)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "state", state, "comment", comment,
			      "submitted_by", e->created_by, "name", e->name);
	char *js = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char what[160];
	int err;

	json_decref(j);
	if (e->record_register)
		snprintf(what, sizeof(what), "%s:%lld", e->record_register, (long long)e->record_id);
	else
		snprintf(what, sizeof(what), "%s", e->control_id);
	err = bs_audit(dd, "evidence.review", "success", js, "%s evidence %lld for %s: %s",
		       !strcmp(state, "accepted") ? "accepted" : "rejected", (long long)e->id, what, e->name);
	free(js);
	return err;
}

int bs_evidence_review(struct bs_datadir *dd, int64_t id, int accept, const char *comment, const char *reviewer,
		       struct bs_evidence *out)
{
	const char *state = accept ? "accepted" : "rejected";
	struct bs_evidence cur;
	sqlite3_stmt *st = NULL;
	char now[BS_TIME_MAX];
	int64_t now_us = bs_clock_now();
	int err;

	memset(out, 0, sizeof(*out));
	if (!comment || !*comment || strlen(comment) > BS_EVIDENCE_TEXT_MAX ||
	    !bs_utf8_valid_text(comment, strlen(comment)))
		return bs_error(BS_EINVALID, "a review needs --comment: UTF-8 text of 1 to %d bytes saying why the "
				"evidence is %s", BS_EVIDENCE_TEXT_MAX, state);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	/* read inside the transaction: two reviewers at once cannot both decide */
	if ((err = bs_evidence_get(dd->store, id, &cur)) < 0)
		goto done;
	if (!strcmp(cur.created_by, reviewer)) {
		err = bs_error(BS_EDENIED, "'%s' submitted evidence %lld and cannot review it: another security officer "
			       "or auditor must", reviewer, (long long)id);
		goto done;
	}
	if (cur.state != BS_EVIDENCE_SUBMITTED) {
		err = bs_error(BS_ECONFLICT, "evidence %lld was %s by '%s' on %s already: a review is final; add the "
			       "file again to have it reviewed anew", (long long)id, bs_evidence_state_name(cur.state),
			       cur.reviewed_by ? cur.reviewed_by : "?", cur.reviewed_at ? cur.reviewed_at : "?");
		goto done;
	}
	bs_time_format(now_us, now);
	if ((err = bs_store_prepare(dd->store, "UPDATE evidence SET state = ?2, reviewed_by = ?3, reviewed_at = ?4, "
				    "reviewed_us = ?5, review_comment = ?6 WHERE id = ?1 AND state = 'submitted'", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reviewer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now_us);
	sqlite3_bind_text(st, 6, comment, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot save the review");
		goto done;
	}
	/* Logged before the commit; a review that cannot be logged does not happen. */
	if ((err = audit_review(dd, &cur, state, comment)) < 0)
		goto done;
done:
	sqlite3_finalize(st);
	err = bs_store_finish(dd->store, err);
	bs_evidence_release(&cur);
	if (err < 0)
		return err;
	return bs_evidence_get(dd->store, id, out);
}
