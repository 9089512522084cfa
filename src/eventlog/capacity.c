/* capacity.c - the capacity projection of A2.4.1.7.3: whether the free space holds the
 * retention at the current rate, for 'log status' and, without anyone asking, for the
 * writer at its checkpoints. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "core/error.h"
#include "eventlog/el_internal.h"

#define CAPACITY_CHECK_US (3600LL * 1000000) /* the writer projects capacity at most hourly */

int64_t el_capacity_span(int64_t now, int64_t first_time_us)
{
	int64_t span = now - first_time_us, week = 7LL * 86400 * 1000000;
	if (span > week)
		span = week;
	if (span < 3600LL * 1000000)
		span = 3600LL * 1000000; /* an hour at least, so a young log does not look huge */
	return span;
}

/* The bytes the database's content takes ((pages - free pages) * page size, as seen through
 * the WAL), or -1. Not the files' sizes: the WAL is a bounded buffer reused after each
 * checkpoint, up to tens of MiB, and in a young log it would pass for many bytes per event. */
static int64_t content_bytes(sqlite3 *db)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM "
			       "pragma_freelist_count()), (SELECT page_size FROM pragma_page_size())", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0) * sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return v;
}

void el_capacity_project(sqlite3 *db, const char *dir, struct bs_eventlog_status *s, int64_t recent, int64_t span,
			 int64_t now)
{
	int64_t bytes = content_bytes(db);

	s->capacity_days = -1;
	if (s->events <= 0 || span <= 0)
		return;
	s->events_per_day = (double)recent * 86400e6 / (double)span;
	s->bytes_per_event = (double)(bytes > 0 ? bytes : s->db_bytes) / (double)s->events;
	s->oldest_age_days = (now - s->first_time_us) / (86400LL * 1000000);
	if (s->events_per_day > 0)
		s->capacity_days = (double)s->free_bytes / (s->events_per_day * s->bytes_per_event);
	/* A2.4.1.7.3: too little room for the retention is an alert, not just a number. */
	if (s->capacity_days >= 0 && s->capacity_days < s->retention_days - s->oldest_age_days &&
	    s->capacity_days < s->retention_days)
		bs_eventlog_alert(dir, "the free space in '%s' holds only %.0f more days of events at the current rate "
				  "(%.0f events/day), less than the %d-day retention: add disk space", dir,
				  s->capacity_days, s->events_per_day, s->retention_days);
}

/* A2.4.1.7.3 without anyone asking: at the checkpoints the writer makes on its own (every N
 * events, T seconds, each epoch; at most hourly per process) the same projection as 'log
 * status', on the writer's connection with cheap queries (seq has no gaps, so the count is a
 * difference of sequence numbers; the recent events are summed from event_seconds). Raises
 * the alert when short. Not at the checkpoint a command forces when it ends, so 'log
 * clear-alert' is not undone by its own last checkpoint; 'log status' runs the projection
 * whenever asked. */
void el_capacity_check(struct bs_eventlog *log, const struct head *h, int64_t now)
{
	struct bs_eventlog_status s;
	sqlite3_stmt *st = NULL;
	struct statvfs vfs;
	struct stat sb;
	char *wal;
	struct el_tspan recent;
	int64_t span;

	if (log->last_capacity_check && now >= log->last_capacity_check &&
	    now - log->last_capacity_check < CAPACITY_CHECK_US)
		return;
	log->last_capacity_check = now;
	memset(&s, 0, sizeof(s));
	if (sqlite3_prepare_v2(log->db, "SELECT seq, time_us FROM events ORDER BY seq LIMIT 1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto done;
	s.events = h->last_seq - sqlite3_column_int64(st, 0) + 1;
	s.first_time_us = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	span = el_capacity_span(now, s.first_time_us);
	if (el_time_span(log->db, "main", now - span, INT64_MAX, 0, &recent) < 0) {
		bs_error_clear(); /* best effort, as the rest of it */
		goto done;
	}
	s.retention_days = el_retention_days(log);
	if (stat(log->dbpath, &sb) == 0)
		s.db_bytes = sb.st_size;
	wal = el_path(log->dir, "events.db-wal");
	if (stat(wal, &sb) == 0)
		s.db_bytes += sb.st_size;
	free(wal);
	if (log->test_free_bytes >= 0)
		s.free_bytes = log->test_free_bytes;
	else if (statvfs(log->dir, &vfs) == 0)
		s.free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
	else
		goto done;
	el_capacity_project(log->db, log->dir, &s, recent.n, span, now);
done:
	sqlite3_finalize(st);
}
