/* page.c - the event log a page at a time, at a bounded cost whatever its size: a cursor
 * (?before=SEQ, newest first; ?after=SEQ, the nearest newer ones) and a window of at most
 * scan_max seqs examined per call, so a filter that matches nothing costs one window, not the
 * whole log. seq is the table's rowid and has no gaps (verify checks it), so a window is one
 * rowid range; the time filter narrows the range through event_seconds (el_time_span). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "eventlog/el_internal.h"

/* ?q as a LIKE pattern: %q% with %, _ and \ escaped (ESCAPE '\'). */
static char *like_pattern(const char *q)
{
	struct bs_buf b = BS_BUF_INIT;

	bs_buf_putc(&b, '%');
	for (const char *s = q; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			bs_buf_putc(&b, '\\');
		bs_buf_putc(&b, *s);
	}
	bs_buf_putc(&b, '%');
	return b.ptr;
}

/* The log's seq range [*lo, *hi] within the time filter; *lo > *hi: none. */
static int page_range(sqlite3 *db, const char *path, const struct bs_event_page *p, int64_t *lo, int64_t *hi)
{
	sqlite3_stmt *st;
	int rc;

	*lo = 1;
	*hi = 0;
	/* min and max in queries of their own: each is one rowid lookup */
	if (sqlite3_prepare_v2(db, "SELECT (SELECT min(seq) FROM events), (SELECT max(seq) FROM events)", -1, &st,
			       NULL) != SQLITE_OK)
		return el_db_fail(db, path, "cannot read events");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*lo = sqlite3_column_int64(st, 0);
		*hi = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return el_db_fail(db, path, "cannot read events");
	if (*lo <= *hi && (p->from_us || p->to_us)) {
		struct el_tspan sp;
		/* audited, as a search (read.c): deleted index rows must not hide events */
		int err = el_time_span(db, "main", p->from_us ? p->from_us : INT64_MIN, p->to_us ? p->to_us : INT64_MAX,
				       EL_SPAN_AUDIT, &sp);
		if (err < 0)
			return err;
		if (sp.lo > sp.hi) {
			*lo = 1;
			*hi = 0;
		} else {
			if (sp.lo > *lo)
				*lo = sp.lo;
			if (sp.hi < *hi)
				*hi = sp.hi;
		}
	}
	return 0;
}

int bs_eventlog_page(const char *dir, struct bs_event_page *p, int (*fn)(const struct bs_event *ev, void *ctx),
		     void *ctx)
{
	static const char cols[] = EL_EVENT_COLS;
	static const char where[] =
		"seq BETWEEN ?1 AND ?2 AND (?3 = 0 OR time_us >= ?3) AND (?4 = 0 OR time_us <= ?4) AND "
		"(?5 IS NULL OR type = ?5 OR substr(type, 1, length(?5) + 1) = ?5 || '.') AND (?6 IS NULL OR user = ?6) "
		"AND (?7 IS NULL OR host = ?7) AND (?8 IS NULL OR message LIKE ?8 ESCAPE '\\' OR data LIKE ?8 ESCAPE '\\' "
		"OR user LIKE ?8 ESCAPE '\\' OR host LIKE ?8 ESCAPE '\\' OR system LIKE ?8 ESCAPE '\\' OR "
		"source LIKE ?8 ESCAPE '\\' OR type LIKE ?8 ESCAPE '\\')";
	struct bs_buf sql = BS_BUF_INIT;
	char *path = el_path(dir, "events.db"), *pat = p->q ? like_pattern(p->q) : NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t lo, hi, wlo, whi, last = 0, scan = p->scan_max > 0 ? p->scan_max : BS_EVENTLOG_PAGE_SCAN;
	int asc = p->after > 0, err, rc, n = 0, stopped = 0;

	p->older = p->newer = 0;
	p->scanned_lo = p->scanned_hi = 0;
	p->full = 0;
	if (p->limit < 1 || p->before < 0 || p->after < 0 || (p->before && p->after)) {
		err = bs_error(BS_EINVALID, "a page needs a limit of at least 1 and at most one cursor (before or after)");
		goto done;
	}
	if (access(path, F_OK) != 0) {
		err = bs_error(BS_ENOTFOUND, "event log '%s' is missing: restore events.db from backup", path);
		goto done;
	}
	if ((err = el_db_open(&db, path, 1)) < 0)
		goto done;
	/* one snapshot for the range and the rows */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		err = el_db_fail(db, path, "cannot read events");
		goto done;
	}
	if ((err = page_range(db, path, p, &lo, &hi)) < 0 || lo > hi)
		goto done;
	if (asc) {
		wlo = p->after < lo ? lo : p->after + 1;
		if (p->after >= lo)
			p->older = p->after < hi ? p->after + 1 : hi + 1;
		if (wlo > hi)
			goto done; /* nothing newer */
		whi = wlo > hi - (scan - 1) ? hi : wlo + (scan - 1);
	} else {
		whi = p->before && p->before - 1 < hi ? p->before - 1 : hi;
		if (whi < lo) {
			if (p->before && p->before <= hi)
				p->newer = p->before - 1;
			goto done;
		}
		wlo = whi < lo + (scan - 1) ? lo : whi - (scan - 1);
		if (whi < hi)
			p->newer = whi;
	}
	p->scanned_lo = wlo;
	p->scanned_hi = whi;
	bs_buf_printf(&sql, "SELECT %s FROM events WHERE %s ORDER BY seq %s LIMIT ?9", cols, where, asc ? "ASC" : "DESC");
	if (sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL) != SQLITE_OK) {
		err = el_db_fail(db, path, "cannot read events");
		goto done;
	}
	sqlite3_bind_int64(st, 1, wlo);
	sqlite3_bind_int64(st, 2, whi);
	sqlite3_bind_int64(st, 3, p->from_us);
	sqlite3_bind_int64(st, 4, p->to_us);
	if (p->type)
		sqlite3_bind_text(st, 5, p->type, -1, SQLITE_STATIC);
	if (p->user)
		sqlite3_bind_text(st, 6, p->user, -1, SQLITE_STATIC);
	if (p->host)
		sqlite3_bind_text(st, 7, p->host, -1, SQLITE_STATIC);
	if (pat)
		sqlite3_bind_text(st, 8, pat, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, (int64_t)p->limit + 1); /* one more tells whether the page is full */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bs_event ev;
		if (n == p->limit) {
			stopped = 1;
			break;
		}
		el_event_row(st, &ev);
		if (fn(&ev, ctx) != 0) {
			stopped = 1; /* the caller's page is full (its byte budget): continue after the last one */
			break;
		}
		last = ev.seq;
		n++;
	}
	if (!stopped && rc != SQLITE_DONE) {
		err = el_db_fail(db, path, "cannot read events");
		goto done;
	}
	p->full = stopped;
	/* Where the next page goes on: after the last event given when the page stopped early,
	 * else past the window (when the range goes on beyond it). */
	if (asc) {
		if (stopped && n > 0)
			p->newer = last;
		else if (stopped) /* not even one fitted: nothing to give, nowhere to go */
			p->newer = 0;
		else if (whi < hi)
			p->newer = whi;
		if (stopped && n > 0)
			p->scanned_hi = last;
	} else {
		if (stopped && n > 0)
			p->older = last;
		else if (stopped)
			p->older = 0;
		else if (wlo > lo)
			p->older = wlo;
		if (stopped && n > 0)
			p->scanned_lo = last;
	}
	err = 0;
done:
	sqlite3_finalize(st);
	if (db)
		sqlite3_close_v2(db);
	bs_buf_release(&sql);
	free(pat);
	free(path);
	return err;
}
