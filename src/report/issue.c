/* Issued reports (Annex 2 捌): a report file, once written, is recorded by its SHA-256 as an
 * event and a row kept five years; `report verify` looks a file up by the same hash. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "datadir/datadir.h"
#include "report/report.h"
#include "report/report_int.h"
#include "store/store.h"

void bs_report_sha256_hex(const void *data, size_t len, char hex[BS_REPORT_SHA256_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, BS_REPORT_SHA256_HEX, h, sizeof(h));
}

void bs_report_time_seconds(int64_t us, char *out)
{
	char *dot;
	bs_time_format(us - us % 1000000, out);
	if ((dot = strchr(out, '.')))
		memcpy(dot, "Z", 2);
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

int bs_report_issue(struct bs_datadir *dd, int64_t assessment_id, enum bs_report_format f, enum bs_lang lang,
		    const void *data, size_t len, struct bs_report_issued *out)
{
	struct bs_report_issued r = { 0 };
	sqlite3_stmt *st = NULL;
	char js[512];
	int64_t now = bs_clock_now();
	int err;

	r.assessment_id = assessment_id;
	copy(r.format, sizeof(r.format), bs_report_format_name(f));
	copy(r.lang, sizeof(r.lang), lang == BS_LANG_EN ? "en" : "zh-TW");
	bs_report_sha256_hex(data, len, r.sha256);
	r.size = (int64_t)len;
	bs_report_time_seconds(now, r.issued_at);
	copy(r.issued_by, sizeof(r.issued_by), dd->actor);
	bs_date_format(bs_date_add_months(bs_days_from_time(now), 12 * BS_REPORT_RETAIN_YEARS), r.retain_until);

	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_store_prepare(dd->store,
				    "INSERT INTO report_issued (assessment_id, format, lang, sha256, size, issued_at, issued_by, "
				    "retain_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, r.assessment_id);
	sqlite3_bind_text(st, 2, r.format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r.lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r.sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r.size);
	sqlite3_bind_text(st, 6, r.issued_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r.issued_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r.retain_until, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot record the issued report");
		goto done;
	}
	r.id = sqlite3_last_insert_rowid(bs_store_sqlite(dd->store));
	snprintf(js, sizeof(js),
		 "{\"report\":%lld,\"assessment\":%lld,\"format\":\"%s\",\"lang\":\"%s\",\"sha256\":\"%s\",\"size\":%lld,"
		 "\"retain_until\":\"%s\"}",
		 (long long)r.id, (long long)r.assessment_id, r.format, r.lang, r.sha256, (long long)r.size, r.retain_until);
	err = bs_audit(dd, "report.issue", "success", js, "issued the %s report of assessment %lld: sha256 %s",
		       r.format, (long long)r.assessment_id, r.sha256);
done:
	sqlite3_finalize(st);
	err = bs_store_finish(dd->store, err);
	if (err >= 0 && out)
		*out = r;
	return err;
}

/* One row of report_issued, columns id, assessment_id, format, lang, sha256, size, issued_at,
 * issued_by, retain_until in that order (issue.c and keep.c select them so). */
void bs_report__row_read(sqlite3_stmt *st, struct bs_report_issued *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->assessment_id = sqlite3_column_int64(st, 1);
	copy(r->format, sizeof(r->format), bs_store_text(st, 2));
	copy(r->lang, sizeof(r->lang), bs_store_text(st, 3));
	copy(r->sha256, sizeof(r->sha256), bs_store_text(st, 4));
	r->size = sqlite3_column_int64(st, 5);
	copy(r->issued_at, sizeof(r->issued_at), bs_store_text(st, 6));
	copy(r->issued_by, sizeof(r->issued_by), bs_store_text(st, 7));
	copy(r->retain_until, sizeof(r->retain_until), bs_store_text(st, 8));
}

int bs_report_verify(struct bs_store *store, const void *data, size_t len, struct bs_report_issued *out)
{
	char hex[BS_REPORT_SHA256_HEX];
	sqlite3_stmt *st = NULL;
	int err, rc;

	bs_report_sha256_hex(data, len, hex);
	if ((err = bs_store_prepare(store,
				    "SELECT id, assessment_id, format, lang, sha256, size, issued_at, issued_by, retain_until "
				    "FROM report_issued WHERE sha256 = ? ORDER BY id LIMIT 1", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		bs_report__row_read(st, out);
		err = 0;
	} else if (rc == SQLITE_DONE) {
		memset(out, 0, sizeof(*out));
		copy(out->sha256, sizeof(out->sha256), hex);
		err = bs_error(BS_ENOTFOUND, "no report issued by brokersec has SHA-256 %s: the file was changed, or it "
					     "is not a report from this data directory", hex);
	} else {
		err = bs_store_fail(store, "cannot look the report up");
	}
	sqlite3_finalize(st);
	return err;
}

int bs_report_purge(struct bs_datadir *dd, int64_t assessment_id, size_t *purged)
{
	struct bs_buf kept = BS_BUF_INIT; /* paths of the kept copies, each NUL-terminated */
	sqlite3_stmt *st = NULL;
	char today[BS_DATE_MAX], js[128];
	int err;

	*purged = 0;
	bs_date_format(bs_days_from_time(bs_clock_now()), today);
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = bs_store_prepare(dd->store, "SELECT max(retain_until) FROM report_issued WHERE assessment_id = ?", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, assessment_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    strcmp(bs_store_text(st, 0), today) > 0) {
		err = bs_error(BS_EDENIED, "the reports of assessment %lld are kept until %s (Annex 2 捌: at least five "
					   "years with the correction records): purge them after that date",
				(long long)assessment_id, bs_store_text(st, 0));
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* the copies the server kept of these reports (keep.c) go with their rows */
	if ((err = bs_store_prepare(dd->store, "SELECT sha256 FROM report_issued WHERE assessment_id = ?", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, assessment_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (strlen(bs_store_text(st, 0)) == BS_REPORT_SHA256_HEX - 1 && !strchr(bs_store_text(st, 0), '/')) {
			bs_buf_printf(&kept, "%s/reports/%s", dd->path, bs_store_text(st, 0));
			bs_buf_put(&kept, "", 1);
		}
	sqlite3_finalize(st);
	st = NULL;
	if ((err = bs_store_prepare(dd->store, "DELETE FROM report_issued WHERE assessment_id = ?", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, assessment_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot purge the issued reports");
		goto done;
	}
	*purged = (size_t)sqlite3_changes(bs_store_sqlite(dd->store));
	snprintf(js, sizeof(js), "{\"assessment\":%lld,\"purged\":%zu}", (long long)assessment_id, *purged);
	err = bs_audit(dd, "report.purge", "success", js, "purged %zu issued report(s) of assessment %lld", *purged,
		       (long long)assessment_id);
done:
	sqlite3_finalize(st);
	err = bs_store_finish(dd->store, err);
	for (size_t off = 0; err >= 0 && off < kept.len; off += strlen(kept.ptr + off) + 1)
		(void)unlink(kept.ptr + off);
	bs_buf_release(&kept);
	return err;
}
