/* scan_store.c - saved scans and waivers in the state database (migration 0003). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/utf8.h"
#include "core/whoami.h"
#include "scan/scan.h"

static int text_ok(const char *s, size_t max)
{
	size_t l = s ? strlen(s) : 0;
	return l >= 1 && l <= max && bs_utf8_valid_text(s, l);
}

int bs_scan_waiver_add(struct bs_datadir *dd, const struct bs_scan_waiver *w, int64_t *id)
{
	sqlite3_stmt *st = NULL;
	char now[BS_TIME_MAX];
	int32_t exp;
	int err;

	if (!text_ok(w->host, 255))
		return bs_error(BS_EINVALID, "waiver host '%s' must be 1-255 bytes of text: give --host NAME",
				w->host ? w->host : "");
	if (!text_ok(w->check_id, 64))
		return bs_error(BS_EINVALID, "waiver check id must be 1-64 bytes: see scan --list-checks");
	if (!text_ok(w->justification, 2000))
		return bs_error(BS_EINVALID, "a waiver needs --justification TEXT (1-2000 bytes): why the risk is accepted");
	if (!text_ok(w->approver, 200))
		return bs_error(BS_EINVALID, "a waiver needs --approver NAME (1-200 bytes): who accepted the risk");
	if (!w->expires || bs_date_parse(w->expires, &exp) < 0)
		return bs_error(BS_EINVALID, "waiver expiry '%s' is not a date YYYY-MM-DD: give --expires",
				w->expires ? w->expires : "");
	if (exp < bs_days_from_time(bs_clock_now()))
		return bs_error(BS_EINVALID, "waiver expiry %s is in the past: give a future date", w->expires);
	bs_time_format(bs_clock_now(), now);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_store_prepare(dd->store,
			"INSERT INTO scan_waiver (host, check_id, justification, approver, expires, created_at, created_by) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, w->host, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w->check_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, w->justification, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, w->approver, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, w->expires, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, dd->actor ? dd->actor : bs_os_user(), -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot save the waiver");
		goto done;
	}
	*id = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
	{
		json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)*id, "host", w->host, "check_id",
				      w->check_id, "approver", w->approver, "expires", w->expires);
		char *js = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(j);
		err = bs_audit(dd, "scan.waiver.add", "success", js, "waived check %s on host %s until %s (approved by %s)",
			       w->check_id, w->host, w->expires, w->approver);
		free(js);
	}
done:
	sqlite3_finalize(st);
	return bs_store_finish(dd->store, err);
}

int bs_scan_waiver_list(struct bs_store *s, const char *host, int all, int32_t today, struct bs_scan_waiver **out,
			size_t *n)
{
	sqlite3_stmt *st = NULL;
	char day[BS_DATE_MAX];
	int rc, err;

	*out = NULL;
	*n = 0;
	bs_date_format(today, day);
	if ((err = bs_store_prepare(s,
			"SELECT id, host, check_id, justification, approver, expires, created_at, created_by FROM scan_waiver "
			"WHERE (?1 IS NULL OR host = ?1) AND (?2 OR expires >= ?3) ORDER BY id", &st)) < 0)
		return err;
	if (host)
		sqlite3_bind_text(st, 1, host, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int(st, 2, all);
	sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = bs_realloc(*out, bs_size_mul(*n + 1, sizeof(**out)));
		struct bs_scan_waiver *w = &(*out)[(*n)++];
		w->id = sqlite3_column_int64(st, 0);
		w->host = bs_strdup(bs_store_text(st, 1));
		w->check_id = bs_strdup(bs_store_text(st, 2));
		w->justification = bs_strdup(bs_store_text(st, 3));
		w->approver = bs_strdup(bs_store_text(st, 4));
		w->expires = bs_strdup(bs_store_text(st, 5));
		w->created_at = bs_strdup(bs_store_text(st, 6));
		w->created_by = bs_strdup(bs_store_text(st, 7));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < *n; i++)
			bs_scan_waiver_release(&(*out)[i]);
		free(*out);
		*out = NULL;
		*n = 0;
		return bs_store_fail(s, "cannot read the waivers");
	}
	return 0;
}

int bs_scan_save(struct bs_datadir *dd, const struct bs_scan *s, const char *system, const char *device, int64_t *id)
{
	sqlite3_stmt *st = NULL, *rs = NULL;
	char now[BS_TIME_MAX];
	int64_t now_us = bs_clock_now();
	char *json = NULL;
	int err;

	if (!text_ok(system, 100))
		return bs_error(BS_EINVALID, "--save needs --system ID (1-100 bytes): the system the host belongs to");
	if (device && !text_ok(device, 100))
		return bs_error(BS_EINVALID, "--device must be 1-100 bytes of text");
	/* NEEDSWORK: check system (and device) against the registers once they have a lookup
	 * function in their public header. */
	bs_time_format(now_us, now);
	json = bs_scan_json(s);
	if ((err = bs_store_begin(dd->store)) < 0)
		goto done;
	if ((err = bs_store_prepare(dd->store,
			"INSERT INTO scan (system_id, device, host, platform, root, created_at, created_us, created_by, passed, "
			"failed, not_applicable, errors, waived, result_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
			"?11, ?12, ?13, ?14)", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, system, -1, SQLITE_STATIC);
	if (device)
		sqlite3_bind_text(st, 2, device, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, s->host, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, s->platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, s->root, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now_us);
	sqlite3_bind_text(st, 8, dd->actor ? dd->actor : bs_os_user(), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, (int)s->count[BS_SCAN_PASS]);
	sqlite3_bind_int(st, 10, (int)s->count[BS_SCAN_FAIL]);
	sqlite3_bind_int(st, 11, (int)s->count[BS_SCAN_NA]);
	sqlite3_bind_int(st, 12, (int)s->count[BS_SCAN_ERROR]);
	sqlite3_bind_int(st, 13, (int)s->waived);
	sqlite3_bind_text(st, 14, json, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot save the scan");
		goto done;
	}
	*id = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
	if ((err = bs_store_prepare(dd->store,
			"INSERT OR IGNORE INTO scan_result (scan_id, check_id, control_id, status, severity, waived) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &rs)) < 0)
		goto done;
	for (size_t i = 0; i < s->n; i++) {
		const struct bs_scan_result *r = &s->results[i];
		for (size_t k = 0; k < r->check->nrefs; k++) {
			sqlite3_reset(rs);
			sqlite3_bind_int64(rs, 1, *id);
			sqlite3_bind_text(rs, 2, r->check->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(rs, 3, r->check->refs[k], -1, SQLITE_STATIC);
			sqlite3_bind_text(rs, 4, bs_scan_status_name(r->status), -1, SQLITE_STATIC);
			sqlite3_bind_text(rs, 5, bs_scan_severity_name(r->check->severity), -1, SQLITE_STATIC);
			sqlite3_bind_int(rs, 6, r->waiver != NULL);
			if (sqlite3_step(rs) != SQLITE_DONE) {
				err = bs_store_fail(dd->store, "cannot save the scan results");
				goto done;
			}
		}
	}
	{
		json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:i, s:i, s:i, s:i}", "id", (json_int_t)*id, "system", system,
				      "host", s->host, "platform", s->platform, "pass", (int)s->count[BS_SCAN_PASS], "fail",
				      (int)s->count[BS_SCAN_FAIL], "error", (int)s->count[BS_SCAN_ERROR], "waived",
				      (int)s->waived);
		char *js = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(j);
		err = bs_audit(dd, "scan.save", "success", js, "saved scan %lld of host %s for system %s: %u pass, %u fail",
			       (long long)*id, s->host, system, s->count[BS_SCAN_PASS], s->count[BS_SCAN_FAIL]);
		free(js);
	}
done:
	sqlite3_finalize(st);
	sqlite3_finalize(rs);
	free(json);
	return bs_store_finish(dd->store, err);
}

static enum bs_scan_status status_of(const char *s)
{
	for (int i = 0; i < BS_SCAN_STATUS_COUNT; i++)
		if (!strcmp(s, bs_scan_status_name((enum bs_scan_status)i)))
			return (enum bs_scan_status)i;
	return BS_SCAN_ERROR;
}

int bs_scan_latest_each(struct bs_store *s, int64_t until_us,
			int (*fn)(const struct bs_scan_control_row *r, void *ctx), void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc, err;

	/* The latest scan per (system, host, platform) up to until_us; per control the worst
	 * status of its checks, a waived failure counting as a pass. Rows ordered so that fn
	 * sees each control's failing checks first. */
	if ((err = bs_store_prepare(s,
			"WITH latest AS (SELECT s.* FROM scan s WHERE s.created_us <= ?1 AND NOT EXISTS ("
			"  SELECT 1 FROM scan t WHERE t.system_id = s.system_id AND t.host = s.host AND t.platform = s.platform"
			"  AND t.created_us <= ?1 AND (t.created_us > s.created_us OR (t.created_us = s.created_us AND t.id > s.id))))"
			" SELECT r.control_id, l.id, l.system_id, l.host, l.created_at, r.check_id,"
			"  CASE WHEN r.waived THEN 'pass' ELSE r.status END AS st, l.device"
			" FROM scan_result r JOIN latest l ON l.id = r.scan_id"
			" ORDER BY r.control_id, CASE st WHEN 'fail' THEN 0 WHEN 'error' THEN 1 WHEN 'pass' THEN 2 ELSE 3 END,"
			" l.id, r.check_id", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, until_us);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bs_scan_control_row r;
		r.control_id = bs_store_text(st, 0);
		r.scan_id = sqlite3_column_int64(st, 1);
		r.system_id = bs_store_text(st, 2);
		r.host = bs_store_text(st, 3);
		r.created_at = bs_store_text(st, 4);
		r.check_id = bs_store_text(st, 5);
		r.status = status_of(bs_store_text(st, 6));
		r.device = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : bs_store_text(st, 7);
		if ((err = fn(&r, ctx)) != 0) {
			sqlite3_finalize(st);
			return err;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return bs_store_fail(s, "cannot read the saved scans");
	return 0;
}
