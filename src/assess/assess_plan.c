/* assess_plan.c - planning an assessment: the plan and its approval (貳二), the scope (肆二),
 * the sample (參二) and the assessors (柒). Everything here may change while the assessment
 * is planned or running; each change is one transaction recorded by bs_audit. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assess/assess_int.h"
#include "audit/audit.h"
#include "datadir/datadir.h"
#include "store/store.h"

#define EDITABLE (AS_BIT(BS_ASSESS_PLANNED) | AS_BIT(BS_ASSESS_RUNNING))

int as_audit(struct bs_datadir *dd, const char *verb, int64_t id, json_t *extra, const char *fmt, ...)
{
	char type[64], msg[512];
	json_t *j = extra ? extra : json_object();
	char *data;
	va_list ap;
	int err;

	json_object_set_new(j, "assessment", json_integer(id));
	data = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	snprintf(type, sizeof(type), "assessment.%s", verb);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err = bs_audit(dd, type, "success", data, "%s", msg);
	free(data);
	return err;
}

static int nonempty(const char *s)
{
	while (s && isspace((unsigned char)*s))
		s++;
	return s && *s;
}

int bs_assess_plan(struct bs_datadir *dd, const struct bs_assess_plan_in *in, int64_t *id)
{
	char at[BS_TIME_MAX];
	int err;

	if (!nonempty(in->title) || strlen(in->title) > 200)
		return bs_error(BS_EINVALID, "--title is required (1-200 bytes): e.g. \"2026 年度資訊安全評估\"");
	if ((err = as_date(in->period_start, "--from")) < 0 || (err = as_date(in->period_end, "--to")) < 0)
		return err;
	if (strcmp(in->period_end, in->period_start) < 0)
		return bs_error(BS_EINVALID, "--to %s is before --from %s", in->period_end, in->period_start);
	if (!in->approver || (strcmp(in->approver, "board") && strcmp(in->approver, "delegate")))
		return bs_error(BS_EINVALID, "--approver must be board (董（理）事會) or delegate (經其授權之經理部門): "
				"Annex 2 貳二 has the plan approved by the board or its delegate");
	if (!nonempty(in->approved_by) || strlen(in->approved_by) > 200)
		return bs_error(BS_EINVALID, "--approved-by is required: who approved the plan (貳二)");
	if ((err = as_date(in->approved_on, "--approved-on")) < 0)
		return err;
	as_now(at, NULL);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_exec(dd->store, "cannot save the assessment plan", NULL,
			   "INSERT INTO assessment (title, status, period_start, period_end, plan_approver, plan_approved_by,"
			   " plan_approved_on, created_at, created_by, note) VALUES (?1, 'planned', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			   "ttttttttt", in->title, in->period_start, in->period_end, in->approver, in->approved_by,
			   in->approved_on, at, dd->actor, in->note)) < 0)
		goto done;
	*id = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
	err = as_audit(dd, "plan", *id,
		       json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", in->title, "from", in->period_start, "to",
				 in->period_end, "approver", in->approver, "approved_by", in->approved_by),
		       "planned assessment %lld '%s' (%s to %s), approved by %s (%s) on %s", (long long)*id, in->title,
		       in->period_start, in->period_end, in->approved_by, in->approver, in->approved_on);
done:
	return bs_store_finish(dd->store, err);
}

/* ---- assessors: qualifications (柒二, 柒三) and independence (柒一) ---- */

int as_assessor_qualified(const json_t *a)
{
	const char *kind = json_string_value(json_object_get(a, "kind"));
	const char *cert = json_string_value(json_object_get(a, "certificate"));
	const char *fin = json_string_value(json_object_get(a, "financial_experience"));
	const json_t *hours = json_object_get(a, "training_hours");
	struct bs_buf miss;
	int err = 0;

	if (kind && !strcmp(kind, "tool"))
		return 0;
	bs_buf_init(&miss);
	/* the parts of the message in the reader's language, like the message itself (core/error.h) */
	enum bs_lang l = bs_error_lang();
	const char *sep = BS_T(l, "、", ", ");
	if (!(json_is_number(hours) && json_number_value(hours) > 0) && !nonempty(cert))
		bs_buf_puts(&miss, BS_T(l, "訓練時數或證照（--training-hours / --certificate，柒二(一)）",
					"training hours or a certificate (--training-hours / --certificate, 柒二(一))"));
	if (!nonempty(fin))
		bs_buf_printf(&miss, "%s%s", miss.len ? sep : "",
			      BS_T(l, "金融領域經驗（--financial-experience，柒二(二)）",
				   "financial-domain experience (--financial-experience, 柒二(二))"));
	if (!json_is_string(json_object_get(a, "nda_signed")))
		bs_buf_printf(&miss, "%s%s", miss.len ? sep : "",
			      BS_T(l, "已簽署之保密協議（--nda-signed 日期，柒三）", "a signed NDA (--nda-signed DATE, 柒三)"));
	if (miss.len)
		err = bs_error(BS_EINVALID, "assessor %lld (%s) is not qualified: missing %s; add them with "
			       "`brokersec assessor update %lld ...`", (long long)json_integer_value(json_object_get(a, "id")),
			       json_string_value(json_object_get(a, "name")), miss.ptr,
			       (long long)json_integer_value(json_object_get(a, "id")));
	bs_buf_release(&miss);
	return err;
}

/* Two names are the same party: equal ignoring case and surrounding blanks. */
static int same(const char *a, const char *b)
{
	size_t la, lb;
	if (!nonempty(a) || !nonempty(b))
		return 0;
	while (isspace((unsigned char)*a))
		a++;
	while (isspace((unsigned char)*b))
		b++;
	la = strlen(a);
	lb = strlen(b);
	while (la && isspace((unsigned char)a[la - 1]))
		la--;
	while (lb && isspace((unsigned char)b[lb - 1]))
		lb--;
	return la == lb && !strncasecmp(a, b, la);
}

int as_assessor_independent(struct bs_store *s, const json_t *a, const json_t *sys)
{
	static const char *const parties[] = { "owner", "maintainer", "developer", NULL };
	const char *kind = json_string_value(json_object_get(a, "kind"));
	const char *who[3] = { json_string_value(json_object_get(a, "name")),
			       json_string_value(json_object_get(a, "unit")), NULL };
	json_t *person = NULL;
	int err = 0;

	if (kind && !strcmp(kind, "tool"))
		return 0;
	if (json_is_integer(json_object_get(a, "person")) &&
	    as_record(s, "person", json_integer_value(json_object_get(a, "person")), &person) == 0)
		who[2] = json_string_value(json_object_get(person, "name"));
	bs_error_clear();
	for (int p = 0; parties[p] && !err; p++) {
		const char *party = json_string_value(json_object_get(sys, parties[p]));
		for (int w = 0; w < 3 && !err; w++)
			if (same(who[w], party))
				err = bs_error(BS_EDENIED, "assessor %lld (%s) is not independent of system %lld (%s): '%s' is "
					       "its %s (Annex 2 柒一: an internal unit must be independent of the system's "
					       "development and maintenance); choose another assessor",
					       (long long)json_integer_value(json_object_get(a, "id")), who[0],
					       (long long)json_integer_value(json_object_get(sys, "id")),
					       json_string_value(json_object_get(sys, "name")), party, parties[p]);
	}
	json_decref(person);
	return err;
}

/* Every assessor on id against system sys; or every system in scope against assessor a. */
static int check_independence(struct bs_store *s, int64_t id, const json_t *sys, const json_t *a)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = as_query(s, &st, sys ? "SELECT assessor_id FROM assessment_assessor WHERE assessment_id = ?1"
					: "SELECT system_id FROM assessment_scope WHERE assessment_id = ?1",
			    "i", id)) < 0)
		return err;
	while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *other = NULL;
		if ((err = as_record(s, sys ? "assessor" : "system", sqlite3_column_int64(st, 0), &other)) == 0)
			err = as_assessor_independent(s, sys ? other : a, sys ? sys : other);
		json_decref(other);
	}
	sqlite3_finalize(st);
	return err;
}

/* ---- scope (肆二) ---- */

/* A system category as a message says it: the text's 第二類 in zh-TW, the number in English. */
static const char *category_word(int cat)
{
	static const char *const zh[] = { "第一類", "第二類", "第三類" }, *const en[] = { "1", "2", "3" };

	if (cat < 1 || cat > 3)
		return "?";
	return BS_T(bs_error_lang(), zh[cat - 1], en[cat - 1]);
}

int bs_assess_scope_set(struct bs_datadir *dd, int64_t id, int64_t system, unsigned areas, const char *reason)
{
	json_t *sys = NULL;
	struct bs_buf set;
	int err, cat;

	bs_buf_init(&set);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_require(dd->store, id, EDITABLE, "changing the scope")) < 0 ||
	    (err = as_record(dd->store, "system", system, &sys)) < 0)
		goto done;
	cat = (int)json_integer_value(json_object_get(sys, "category"));
	if (cat == 1) {
		/* 肆二: a category-1 system is assessed on all ten areas */
		if (areas && areas != BS_ASSESS_AREAS_ALL) {
			err = bs_error(BS_EINVALID, "system %lld (%s) is category 1: Annex 2 肆二 requires all ten areas "
				       "(附件二肆、一、(一)-(十)); leave out --areas or give --areas all",
				       (long long)system, json_string_value(json_object_get(sys, "name")));
			goto done;
		}
		areas = BS_ASSESS_AREAS_ALL;
		reason = NULL;
	} else if (!areas) {
		err = bs_error(BS_EINVALID, "system %lld (%s) is category %s: choose its areas with --areas (肆二: "
			       "依系統特性選擇必要之評估作業項目), e.g. --areas 3,5,6 --reason \"...\"",
			       (long long)system, json_string_value(json_object_get(sys, "name")), category_word(cat));
		goto done;
	} else if (!nonempty(reason)) {
		err = bs_error(BS_EINVALID, "system %lld (%s) is category %s: --reason is required to record why these "
			       "areas were chosen for the system's nature (Annex 2 肆二)",
			       (long long)system, json_string_value(json_object_get(sys, "name")), category_word(cat));
		goto done;
	} else if (strlen(reason) > 2000) {
		err = bs_error(BS_EINVALID, "--reason is longer than 2000 bytes");
		goto done;
	}
	if ((err = check_independence(dd->store, id, sys, NULL)) < 0)
		goto done;
	if ((err = as_exec(dd->store, "cannot save the scope", NULL,
			   "INSERT INTO assessment_scope (assessment_id, system_id, category, areas, reason)"
			   " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (assessment_id, system_id) DO UPDATE SET"
			   " category = excluded.category, areas = excluded.areas, reason = excluded.reason",
			   "iiiit", id, system, (int64_t)cat, (int64_t)areas, reason)) < 0)
		goto done;
	bs_assess_areas_format(areas, &set);
	err = as_audit(dd, "scope", id, json_pack("{s:I, s:i, s:s, s:s?}", "system", (json_int_t)system, "category", cat,
						  "areas", set.ptr, "reason", reason),
		       "assessment %lld: system %lld (category %d) in scope, areas %s", (long long)id, (long long)system,
		       cat, set.ptr);
done:
	json_decref(sys);
	bs_buf_release(&set);
	return bs_store_finish(dd->store, err);
}

int bs_assess_scope_remove(struct bs_datadir *dd, int64_t id, int64_t system)
{
	int64_t n = 0;
	int err;

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_require(dd->store, id, EDITABLE, "changing the scope")) < 0)
		goto done;
	if ((err = as_count(dd->store, &n, "SELECT count(*) FROM assessment_result WHERE assessment_id = ?1 AND system_id = ?2",
			    id, system)) < 0)
		goto done;
	if (n) {
		/* results are kept with the assessment (捌): a system assessed stays in scope */
		err = bs_error(BS_ECONFLICT, "system %lld has %lld result(s) in assessment %lld: it stays in scope; "
			       "record the remaining results instead", (long long)system, (long long)n, (long long)id);
		goto done;
	}
	if ((err = as_exec(dd->store, "cannot change the scope", NULL,
			   "DELETE FROM assessment_sample WHERE assessment_id = ?1 AND system_id = ?2", "ii", id, system)) < 0 ||
	    (err = as_exec(dd->store, "cannot change the scope", &n,
			   "DELETE FROM assessment_scope WHERE assessment_id = ?1 AND system_id = ?2", "ii", id, system)) < 0)
		goto done;
	if (!n) {
		err = bs_error(BS_ENOTFOUND, "system %lld is not in the scope of assessment %lld", (long long)system,
			       (long long)id);
		goto done;
	}
	err = as_audit(dd, "scope-remove", id, json_pack("{s:I}", "system", (json_int_t)system),
		       "assessment %lld: system %lld taken out of scope with its sample", (long long)id, (long long)system);
done:
	return bs_store_finish(dd->store, err);
}

/* ---- sample (參二) ---- */

static int count_sample(struct bs_store *s, int64_t id, int64_t system, size_t *n)
{
	int64_t c = 0;
	int err = as_count(s, &c, "SELECT count(*) FROM assessment_sample WHERE assessment_id = ?1 AND system_id = ?2",
			   id, system);
	*n = (size_t)c;
	return err;
}

int as_in_scope(struct bs_store *s, int64_t id, int64_t system, unsigned *areas)
{
	sqlite3_stmt *st;
	int err, rc;

	if ((err = as_query(s, &st, "SELECT areas FROM assessment_scope WHERE assessment_id = ?1 AND system_id = ?2",
			    "ii", id, system)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && areas)
		*areas = (unsigned)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return bs_store_fail(s, "cannot read the scope");
	return bs_error(BS_EINVALID, "system %lld is not in the scope of assessment %lld: add it first with "
			"`brokersec assessment scope %lld --system %lld ...`", (long long)system, (long long)id,
			(long long)id, (long long)system);
}

int bs_assess_sample_add(struct bs_datadir *dd, int64_t id, int64_t system, const int64_t *devices, size_t n)
{
	json_t *sys = NULL, *devs = NULL, *ids = json_array();
	size_t active = 0, have = 0, total;
	int err;

	if (!n) {
		json_decref(ids);
		return bs_error(BS_EINVALID, "--devices is empty: give the device register ids sampled");
	}
	if ((err = bs_store_begin(dd->store)) < 0) {
		json_decref(ids);
		return err;
	}
	if ((err = as_require(dd->store, id, EDITABLE, "recording the sample")) < 0 ||
	    (err = as_in_scope(dd->store, id, system, NULL)) < 0 || (err = as_record(dd->store, "system", system, &sys)) < 0 ||
	    (err = as_system_devices(dd->store, system, &devs, &active)) < 0)
		goto done;
	for (size_t k = 0; k < n && !err; k++) {
		json_t *d = NULL;
		int64_t ch = 0;
		if ((err = as_record(dd->store, "device", devices[k], &d)) < 0)
			break;
		if (json_integer_value(json_object_get(d, "system")) != system && json_is_integer(json_object_get(d, "system")))
			err = bs_error(BS_EINVALID, "device %lld (%s) is not a device of system %lld: its system is another "
				       "one; sample only the system's own devices (參二)", (long long)devices[k],
				       json_string_value(json_object_get(d, "asset_tag")), (long long)system);
		else if (json_integer_value(json_object_get(d, "system")) != system)
			err = bs_error(BS_EINVALID, "device %lld (%s) is not a device of system %lld: its system is not "
				       "recorded; sample only the system's own devices (參二)", (long long)devices[k],
				       json_string_value(json_object_get(d, "asset_tag")), (long long)system);
		else if ((err = as_exec(dd->store, "cannot save the sample", &ch,
					"INSERT OR IGNORE INTO assessment_sample (assessment_id, system_id, device_id) VALUES (?1, ?2, ?3)",
					"iii", id, system, devices[k])) == 0 && ch)
			json_array_append_new(ids, json_integer(devices[k]));
		json_decref(d);
	}
	if (err < 0 || (err = count_sample(dd->store, id, system, &have)) < 0)
		goto done;
	total = as_system_total(sys, active);
	if (have > total) {
		err = bs_error(BS_EINVALID, "the sample of system %lld would be %zu devices, more than the %zu the system has",
			       (long long)system, have, total);
		goto done;
	}
	err = as_audit(dd, "sample", id, json_pack("{s:I, s:O, s:I}", "system", (json_int_t)system, "devices", ids,
						   "sampled", (json_int_t)have),
		       "assessment %lld: %zu device(s) of system %lld sampled (%zu of %zu, %zu required)", (long long)id,
		       json_array_size(ids), (long long)system, have, total, bs_assess_sample_required(total));
done:
	json_decref(sys);
	json_decref(devs);
	json_decref(ids);
	return bs_store_finish(dd->store, err);
}

int bs_assess_sample_remove(struct bs_datadir *dd, int64_t id, int64_t device)
{
	int64_t n = 0;
	int err;

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_require(dd->store, id, EDITABLE, "changing the sample")) < 0 ||
	    (err = as_exec(dd->store, "cannot change the sample", &n,
			   "DELETE FROM assessment_sample WHERE assessment_id = ?1 AND device_id = ?2", "ii", id, device)) < 0)
		goto done;
	if (!n) {
		err = bs_error(BS_ENOTFOUND, "device %lld is not in the sample of assessment %lld", (long long)device,
			       (long long)id);
		goto done;
	}
	err = as_audit(dd, "sample-remove", id, json_pack("{s:I}", "device", (json_int_t)device),
		       "assessment %lld: device %lld taken out of the sample", (long long)id, (long long)device);
done:
	return bs_store_finish(dd->store, err);
}

/* ---- assessors (柒) ---- */

int bs_assess_assessor_add(struct bs_datadir *dd, int64_t id, int64_t assessor, const char *role)
{
	json_t *a = NULL;
	int err;

	if (!role)
		role = "member";
	if (strcmp(role, "lead") && strcmp(role, "member"))
		return bs_error(BS_EINVALID, "--role '%s' is not one of lead, member", role);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_require(dd->store, id, EDITABLE, "adding an assessor")) < 0 ||
	    (err = as_record(dd->store, "assessor", assessor, &a)) < 0 || (err = as_assessor_qualified(a)) < 0 ||
	    (err = check_independence(dd->store, id, NULL, a)) < 0)
		goto done;
	if ((err = as_exec(dd->store, "cannot save the assessor", NULL,
			   "INSERT INTO assessment_assessor (assessment_id, assessor_id, role) VALUES (?1, ?2, ?3)"
			   " ON CONFLICT (assessment_id, assessor_id) DO UPDATE SET role = excluded.role",
			   "iit", id, assessor, role)) < 0)
		goto done;
	err = as_audit(dd, "assessor", id, json_pack("{s:I, s:s}", "assessor", (json_int_t)assessor, "role", role),
		       "assessment %lld: assessor %lld (%s) added as %s", (long long)id, (long long)assessor,
		       json_string_value(json_object_get(a, "name")), role);
done:
	json_decref(a);
	return bs_store_finish(dd->store, err);
}

int bs_assess_assessor_remove(struct bs_datadir *dd, int64_t id, int64_t assessor)
{
	int64_t n = 0;
	int err;

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = as_require(dd->store, id, EDITABLE, "removing an assessor")) < 0 ||
	    (err = as_exec(dd->store, "cannot change the assessors", &n,
			   "DELETE FROM assessment_assessor WHERE assessment_id = ?1 AND assessor_id = ?2", "ii", id,
			   assessor)) < 0)
		goto done;
	if (!n) {
		err = bs_error(BS_ENOTFOUND, "assessor %lld is not on assessment %lld", (long long)assessor, (long long)id);
		goto done;
	}
	err = as_audit(dd, "assessor-remove", id, json_pack("{s:I}", "assessor", (json_int_t)assessor),
		       "assessment %lld: assessor %lld removed", (long long)id, (long long)assessor);
done:
	return bs_store_finish(dd->store, err);
}
