/* assess_finding.c - findings (缺失) and their follow-up by the audit unit (稽核單位, 捌): a
 * finding names a control in the scope of its system, and closes only with the audit unit's
 * verdict. */
#include <string.h>

#include "assess/assess_int.h"
#include "datadir/datadir.h"
#include "store/store.h"

static int text_ok(const char *t, size_t max, const char *flag, const char *what)
{
	if (!t || !*t || strlen(t) > max)
		return bs_error(BS_EINVALID, "%s is required (1-%zu bytes): %s", flag, max, what);
	return 0;
}

int as_finding_check(const struct bs_assess_finding_in *in)
{
	int err;

	if ((err = text_ok(in->title, 500, "--title", "the deficiency found (缺失項目)")) < 0 ||
	    (err = text_ok(in->risk, 4000, "--risk", "the risk it carries (風險說明)")) < 0 ||
	    (err = text_ok(in->recommendation, 4000, "--recommendation", "a concrete recommendation (具體改善建議)")) < 0 ||
	    (err = text_ok(in->owner, 200, "--owner", "who corrects it")) < 0 || (err = as_date(in->due, "--due")) < 0)
		return err;
	if (!bs_assess_category_label(in->category, BS_LANG_EN))
		return bs_error(BS_EINVALID, "--category '%s' is not one of management, technical, physical, personnel "
				"(缺失類別)", in->category ? in->category : "");
	if (!bs_assess_severity_token(in->severity))
		return bs_error(BS_EINVALID, "--severity is required: critical, high, medium or low (缺失嚴重程度)");
	return 0;
}

int as_finding_insert(struct bs_datadir *dd, int64_t id, const struct bs_assess_finding_in *in, int64_t *fid)
{
	char at[BS_TIME_MAX];
	int err;

	as_now(at, NULL);
	if ((err = as_control_in_scope(dd->store, id, in->system, in->control)) < 0)
		return err;
	if ((err = as_exec(dd->store, "cannot save the finding", NULL,
			   "INSERT INTO assessment_finding (assessment_id, system_id, control_id, severity, category, title, risk,"
			   " recommendation, owner, due, status, created_at, created_by)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'open', ?11, ?12)",
			   "iitttttttttt", id, in->system, in->control, bs_assess_severity_token(in->severity), in->category,
			   in->title, in->risk, in->recommendation, in->owner, in->due, at, dd->actor)) < 0)
		return err;
	*fid = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
	return as_audit(dd, "finding", id,
 		       json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "finding", (json_int_t)*fid, "system",
 				 (json_int_t)in->system, "control", in->control, "severity",
 				 bs_assess_severity_token(in->severity), "category", in->category, "owner", in->owner, "due",
 				 in->due),
 		       "assessment %lld: finding %lld (%s, %s) on system %lld %s, due %s", (long long)id, (long long)*fid,
 		       bs_assess_severity_token(in->severity), in->category, (long long)in->system, in->control, in->due);
}

int bs_assess_finding_add(struct bs_datadir *dd, int64_t id, const struct bs_assess_finding_in *in, int64_t *fid)
{
	int err;

	if ((err = as_finding_check(in)) < 0 || (err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_require(dd->store, id, AS_BIT(BS_ASSESS_RUNNING) | AS_BIT(BS_ASSESS_REPORTED), "adding a finding")) >= 0)
		err = as_finding_insert(dd, id, in, fid);
	return bs_store_finish(dd->store, err);
}

/* The finding's assessment and status; BS_ENOTFOUND naming it. */
static int finding_of(struct bs_store *s, int64_t fid, int64_t *id, int *open)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = as_query(s, &st, "SELECT assessment_id, status FROM assessment_finding WHERE id = ?1", "i", fid)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*open = !strcmp(bs_store_text(st, 1), "open");
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return bs_store_fail(s, "cannot read the finding");
	return bs_error(BS_ENOTFOUND, "finding %lld does not exist: `brokersec assessment findings ID` lists them",
			(long long)fid);
}

static int add_followup(struct bs_datadir *dd, int64_t id, const struct bs_assess_followup_in *in, const char *date,
			int64_t *out)
{
	char at[BS_TIME_MAX];
	int err;

	as_now(at, NULL);
	if ((err = as_exec(dd->store, "cannot save the follow-up", NULL,
			   "INSERT INTO assessment_followup (finding_id, date, by, audit_unit, verdict, note, recorded_at,"
			   " recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			   "ittittt" "t", in->finding, date, in->by, (int64_t)(in->audit_unit != 0),
			   bs_assess_verdict_token(in->verdict), in->note, at, dd->actor)) < 0)
		return err;
	*out = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
	return as_audit(dd, "followup", id,
			json_pack("{s:I, s:I, s:s, s:s, s:b, s:s}", "finding", (json_int_t)in->finding, "followup",
				  (json_int_t)*out, "date", date, "by", in->by, "audit_unit", in->audit_unit != 0, "verdict",
				  bs_assess_verdict_token(in->verdict)),
			"assessment %lld: finding %lld followed up by %s%s on %s: %s", (long long)id, (long long)in->finding,
			in->by, in->audit_unit ? " (audit unit)" : "", date, bs_assess_verdict_token(in->verdict));
}

static int close_now(struct bs_datadir *dd, int64_t id, int64_t fid)
{
	char at[BS_TIME_MAX];
	int err;

	as_now(at, NULL);
	if ((err = as_exec(dd->store, "cannot close the finding", NULL,
			   "UPDATE assessment_finding SET status = 'closed', closed_at = ?2, closed_by = ?3 WHERE id = ?1",
			   "itt", fid, at, dd->actor)) < 0)
		return err;
	return as_audit(dd, "finding-close", id, json_pack("{s:I}", "finding", (json_int_t)fid),
			"assessment %lld: finding %lld closed with the audit unit's verdict", (long long)id, (long long)fid);
}

int bs_assess_followup_add(struct bs_datadir *dd, const struct bs_assess_followup_in *in, int64_t *out)
{
	char today[BS_DATE_MAX];
	const char *date = in->date;
	int64_t id = 0;
	int open = 0, err;

	as_now(NULL, today);
	if (!date)
		date = today;
	else if ((err = as_date(date, "--date")) < 0)
		return err;
	if (strcmp(date, today) > 0)
		return bs_error(BS_EINVALID, "--date %s is in the future: a follow-up records a review already made", date);
	if ((err = text_ok(in->by, 200, "--by", "who reviewed the correction")) < 0)
		return err;
	if (!bs_assess_verdict_token(in->verdict))
		return bs_error(BS_EINVALID, "--verdict is required: corrected, partial or not-corrected");
	if (in->note && strlen(in->note) > 4000)
		return bs_error(BS_EINVALID, "--note is limited to 4000 bytes");
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = finding_of(dd->store, in->finding, &id, &open)) < 0 ||
	    (err = as_require(dd->store, id, AS_BIT(BS_ASSESS_RUNNING) | AS_BIT(BS_ASSESS_REPORTED), "a follow-up")) < 0)
		goto done;
	if (!open) {
		err = bs_error(BS_ECONFLICT, "finding %lld is closed already", (long long)in->finding);
		goto done;
	}
	if ((err = add_followup(dd, id, in, date, out)) < 0)
		goto done;
	/* the audit unit's verdict "corrected" is what closes a finding (捌) */
	if (in->audit_unit && in->verdict == BS_VERDICT_CORRECTED)
		err = close_now(dd, id, in->finding);
done:
	return bs_store_finish(dd->store, err);
}

/* 1 when the latest follow-up by the audit unit says corrected. */
static int audit_says_corrected(struct bs_store *s, int64_t fid, int *yes)
{
	sqlite3_stmt *st;
	int err, rc;

	*yes = 0;
	if ((err = as_query(s, &st, "SELECT verdict FROM assessment_followup WHERE finding_id = ?1 AND audit_unit = 1"
				    " ORDER BY date DESC, id DESC LIMIT 1", "i", fid)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*yes = !strcmp(bs_store_text(st, 0), "corrected");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : bs_store_fail(s, "cannot read the follow-up");
}

int bs_assess_finding_close(struct bs_datadir *dd, int64_t fid, int actor_is_auditor)
{
	char at[BS_TIME_MAX], today[BS_DATE_MAX];
	int64_t id = 0, fu = 0;
	int open = 0, yes = 0, err;

	as_now(at, today);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = finding_of(dd->store, fid, &id, &open)) < 0 ||
	    (err = as_require(dd->store, id, AS_BIT(BS_ASSESS_RUNNING) | AS_BIT(BS_ASSESS_REPORTED), "closing a finding")) < 0)
		goto done;
	if (!open) {
		err = bs_error(BS_ECONFLICT, "finding %lld is closed already", (long long)fid);
		goto done;
	}
	if ((err = audit_says_corrected(dd->store, fid, &yes)) < 0)
		goto done;
	if (!yes && !actor_is_auditor) {
		err = bs_error(BS_EDENIED, "finding %lld closes only with the audit unit's verdict (Annex 2 捌: 送稽核單位"
			       "進行缺失改善事項之追蹤覆查): record it with `brokersec assessment followup %lld --by NAME "
			       "--audit-unit --verdict corrected`, or close it as a signed-in auditor (--as USER)",
			       (long long)fid, (long long)fid);
		goto done;
	}
	if (!yes) {
		/* an auditor closing it is the audit unit's verdict: keep it as a follow-up entry */
		struct bs_assess_followup_in f = { fid, today, dd->actor, 1, BS_VERDICT_CORRECTED,
						   "closed by the audit unit" };
		if ((err = add_followup(dd, id, &f, today, &fu)) < 0)
			goto done;
	}
	err = close_now(dd, id, fid);
done:
	return bs_store_finish(dd->store, err);
}
