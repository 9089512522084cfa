/* outbox.c - what the notification queue (migration 0016, src/notify) says of the messages given
 * up: read by the status (src/compliance/eval_notify.c), the deadline engine
 * (src/schedule/schedule_notify.c) and `notify queue`. A module of its own because src/notify
 * depends on src/schedule (the daily digest), which reads this. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "outbox/outbox.h"
#include "store/store.h"

/* One integer of a query with one optional bound integer (?1). */
static int64_t count_of(struct bs_store *s, const char *sql, int *err)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;
	int rc;

	if ((*err = bs_store_prepare(s, sql, &st)) < 0)
		return 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		*err = bs_store_fail(s, "cannot read the notification queue");
	sqlite3_finalize(st);
	return v;
}

#define LIVE_DEAD BS_OUTBOX_LIVE_DEAD

int bs_outbox_failed(struct bs_store *s, struct bs_outbox_failed *f)
{
	sqlite3_stmt *st = NULL;
	int err = 0, rc;
	size_t len = 0;

	memset(f, 0, sizeof(*f));
	f->channels = count_of(s, "SELECT count(*) FROM notify_channel WHERE removed_at IS NULL", &err);
	if (err >= 0)
		f->log_channels = count_of(s, "SELECT count(*) FROM notify_channel c JOIN notify_sub s ON s.channel_id = c.id "
					   "WHERE c.removed_at IS NULL AND s.class = 'log'", &err);
	if (err >= 0)
		f->oldest_us = count_of(s, "SELECT coalesce(min(coalesce(last_us, created_us)), 0) FROM notify_queue WHERE "
					LIVE_DEAD, &err);
	if (err >= 0)
		f->failing_log = count_of(s, "SELECT count(*) FROM notify_queue q WHERE q.state = 'pending' AND q.class = "
					  "'log' AND q.attempts > 0", &err);
	if (err < 0)
		return err;
	if ((err = bs_store_prepare(s, "SELECT class, count(*) FROM notify_queue WHERE " LIVE_DEAD " GROUP BY class ORDER "
				    "BY class", &st)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(st, 1);
		const char *cls = bs_store_text(st, 0);
		int w;
		f->dead += n;
		if (!strcmp(cls, "log"))
			f->dead_log = n;
		w = snprintf(f->classes + len, sizeof(f->classes) - len, "%s%.20s %lld", len ? ", " : "", cls, (long long)n);
		if (w > 0 && (size_t)w < sizeof(f->classes) - len)
			len += (size_t)w;
	}
	if (rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the notification queue");
	sqlite3_finalize(st);
	return err;
}
