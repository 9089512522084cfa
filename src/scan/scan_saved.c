/* scan_saved.c - reading saved scans back (migration 0003): a page of them newest first, the
 * last one per host, one whole scan; and how many of each one's failing checks a waiver
 * valid today covers, so that a waiver shows the moment it is added. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "scan/scan.h"

/* The columns every reader takes, in this order (s: the scan; ?3: today as YYYY-MM-DD). */
#define SAVED_COLS \
	"s.id, s.system_id, s.device, s.host, s.platform, s.root, s.created_at, s.created_us, s.created_by, " \
	"s.passed, s.failed, s.not_applicable, s.errors, s.waived, " \
	"(SELECT count(DISTINCT w.check_id) FROM scan_waiver w WHERE w.host = s.host AND w.expires >= ?3 " \
	" AND EXISTS (SELECT 1 FROM scan_result r WHERE r.scan_id = s.id AND r.check_id = w.check_id AND r.status = 'fail'))"

/* The last scan of each host (same instant: the higher id), numbered once over the table
 * rather than compared pairwise: a few thousand saved scans stay a few milliseconds. */
#define LATEST_ONLY \
	" s.id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY host ORDER BY created_us DESC, id DESC)" \
	" AS rn FROM scan) WHERE rn = 1)"

static char *dup_col(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : bs_strdup(bs_store_text(st, col));
}

static void read_row(sqlite3_stmt *st, struct bs_scan_saved *s)
{
	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
	s->system_id = dup_col(st, 1);
	s->device = dup_col(st, 2);
	s->host = dup_col(st, 3);
	s->platform = dup_col(st, 4);
	s->root = dup_col(st, 5);
	s->created_at = dup_col(st, 6);
	s->created_us = sqlite3_column_int64(st, 7);
	s->created_by = dup_col(st, 8);
	for (int i = 0; i < BS_SCAN_STATUS_COUNT; i++)
		s->count[i] = (unsigned)sqlite3_column_int(st, 9 + i);
	s->waived_saved = (unsigned)sqlite3_column_int(st, 13);
	s->waived_now = (unsigned)sqlite3_column_int(st, 14);
}

void bs_scan_saved_release(struct bs_scan_saved *s)
{
	if (!s)
		return;
	free(s->system_id);
	free(s->device);
	free(s->host);
	free(s->platform);
	free(s->root);
	free(s->created_at);
	free(s->created_by);
	free(s->result_json);
	memset(s, 0, sizeof(*s));
}

/* ?1 the host or NULL, ?2 latest only; ?3 today when day is given */
static void bind_common(sqlite3_stmt *st, const char *host, int latest, const char *day)
{
	if (host)
		sqlite3_bind_text(st, 1, host, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int(st, 2, latest);
	if (day)
		sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
}

int bs_scan_saved_list(struct bs_store *store, const char *host, int latest, int32_t today, int offset, int limit,
		       struct bs_scan_saved **out, size_t *n, int64_t *total)
{
	sqlite3_stmt *st = NULL;
	char day[BS_DATE_MAX];
	int rc, err;

	*out = NULL;
	*n = 0;
	*total = 0;
	bs_date_format(today, day);
	if ((err = bs_store_prepare(store,
			"SELECT count(*) FROM scan s WHERE (?1 IS NULL OR s.host = ?1) AND (NOT ?2 OR" LATEST_ONLY ")",
			&st)) < 0)
		return err;
	bind_common(st, host, latest, NULL);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return bs_store_fail(store, "cannot count the saved scans");
	}
	*total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	/* newest first; the latest per host in host order. The page is chosen first, so that the
	 * waiver counts are computed for its rows only. */
	if ((err = bs_store_prepare(store,
			"WITH page AS (SELECT s.id, row_number() OVER (ORDER BY CASE WHEN ?2 THEN s.host END, s.created_us DESC,"
			" s.id DESC) AS k FROM scan s WHERE (?1 IS NULL OR s.host = ?1) AND (NOT ?2 OR" LATEST_ONLY ")"
			" ORDER BY k LIMIT ?4 OFFSET ?5)"
			" SELECT " SAVED_COLS " FROM page JOIN scan s ON s.id = page.id ORDER BY page.k", &st)) < 0)
		return err;
	bind_common(st, host, latest, day);
	sqlite3_bind_int(st, 4, limit);
	sqlite3_bind_int(st, 5, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = bs_realloc(*out, bs_size_mul(*n + 1, sizeof(**out)));
		read_row(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < *n; i++)
			bs_scan_saved_release(&(*out)[i]);
		free(*out);
		*out = NULL;
		*n = 0;
		return bs_store_fail(store, "cannot read the saved scans");
	}
	return 0;
}

int bs_scan_saved_get(struct bs_store *store, int64_t id, int32_t today, struct bs_scan_saved *out)
{
	sqlite3_stmt *st = NULL;
	char day[BS_DATE_MAX];
	int rc, err;

	memset(out, 0, sizeof(*out));
	bs_date_format(today, day);
	if ((err = bs_store_prepare(store, "SELECT " SAVED_COLS ", s.result_json FROM scan s WHERE s.id = ?1", &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_row(st, out);
		out->result_json = bs_strdup(bs_store_text(st, 15));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return bs_error(BS_ENOTFOUND, BS_T(bs_error_lang(), "沒有編號 %lld 的已儲存掃描：已儲存的掃描見 GET /api/v1/scans",
						   "no saved scan %lld: see GET /api/v1/scans for the saved scans"),
				(long long)id);
	if (rc != SQLITE_ROW)
		return bs_store_fail(store, "cannot read the saved scan");
	return 0;
}
