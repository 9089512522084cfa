/* retention.c - the retention period and the purge of whole checkpoint segments older than
 * it (docs/eventlog-format.md, "Retention and purge"), each recorded as an event. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "eventlog/el_internal.h"

#define DAY_US (86400LL * 1000000)

int el_retention_days(struct bs_eventlog *log)
{
	int64_t v = BS_EVENTLOG_RETENTION_MIN_DAYS;
	(void)el_meta_get_int(log->db, "retention_days", &v);
	return v < BS_EVENTLOG_RETENTION_MIN_DAYS ? BS_EVENTLOG_RETENTION_MIN_DAYS : (int)v;
}

/* The newest checkpoint (not the last) made before the cutoff whose events all come before
 * every event at or after the cutoff, as event_seconds places them; *anchor -1: none. */
static int purge_anchor(struct bs_eventlog *log, int64_t cutoff, int64_t *anchor, int64_t *size)
{
	struct el_tspan young;
	sqlite3_stmt *st;
	int rc, err;

	*anchor = -1;
	*size = 0;
	if ((err = el_time_span(log->db, "main", cutoff, INT64_MAX, 0, &young)) < 0)
		return err;
	if (sqlite3_prepare_v2(log->db, "SELECT idx, tree_size FROM checkpoints WHERE time_us < ?1 AND "
			       "idx < (SELECT max(idx) FROM checkpoints) AND tree_size < ?2 ORDER BY idx DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return el_db_fail(log->db, log->dbpath, "cannot purge");
	sqlite3_bind_int64(st, 1, cutoff);
	sqlite3_bind_int64(st, 2, young.lo > young.hi ? INT64_MAX : young.lo);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*anchor = sqlite3_column_int64(st, 0);
		*size = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return el_db_fail(log->db, log->dbpath, "cannot purge");
	return 0;
}

/* 1 when the events a purge up to seq size would delete are all older than the cutoff: what
 * is deleted is checked on the events themselves (the cost of the delete), not on the index. */
static int purge_old_enough(struct bs_eventlog *log, int64_t size, int64_t cutoff)
{
	sqlite3_stmt *st;
	int rc, ok = 0;

	if (sqlite3_prepare_v2(log->db, "SELECT coalesce(max(time_us), 0) < ?2 FROM events WHERE seq <= ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return el_db_fail(log->db, log->dbpath, "cannot purge");
	sqlite3_bind_int64(st, 1, size);
	sqlite3_bind_int64(st, 2, cutoff);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ok = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return el_db_fail(log->db, log->dbpath, "cannot purge");
	return ok;
}

/* purge_anchor, checked; an event_seconds that contradicts the events (damaged or forged) is
 * rebuilt from them and the choice made again. */
static int purge_choose(struct bs_eventlog *log, int64_t cutoff, int64_t first, int64_t *anchor, int64_t *size)
{
	int err, ok;

	for (int pass = 0;; pass++) {
		if ((err = purge_anchor(log, cutoff, anchor, size)) < 0 || *anchor <= first)
			return err;
		if ((ok = purge_old_enough(log, *size, cutoff)) != 0)
			return ok < 0 ? ok : 0;
		if (pass > 0)
			return bs_error(BS_ERR, "event log '%s': cannot tell which events are old enough to purge; run "
					"'brokersec log verify'", log->dbpath);
		if ((err = el_seconds_fill(log->db, log->dbpath)) < 0)
			return err;
	}
}

/* event_seconds after events 1..upto are deleted: rows wholly before go, rows that straddle
 * upto are recounted over the events left in their second. */
static int purge_seconds(struct bs_eventlog *log, int64_t upto)
{
	static const char *const sql[] = {
		"DELETE FROM event_seconds WHERE max_seq <= ?1",
		"UPDATE event_seconds SET (min_seq, n) = (SELECT coalesce(min(seq), event_seconds.max_seq), count(*) "
		"FROM events WHERE seq > ?1 AND seq <= event_seconds.max_seq AND " EL_SEC_SQL " = event_seconds.sec) "
		"WHERE min_seq <= ?1",
		"DELETE FROM event_seconds WHERE n = 0",
	};
	sqlite3_stmt *st;
	int rc;

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if (sqlite3_prepare_v2(log->db, sql[i], -1, &st, NULL) != SQLITE_OK)
			return el_db_fail(log->db, log->dbpath, "cannot purge");
		if (sqlite3_bind_parameter_count(st) > 0)
			sqlite3_bind_int64(st, 1, upto);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return el_db_fail(log->db, log->dbpath, "cannot purge");
	}
	return 0;
}

/* Purge: delete whole checkpoint segments older than the retention, keep the last deleted
 * segment's checkpoint as the new verifiable start (the anchor), record it as an event. */
int el_do_purge(struct bs_eventlog *log, struct head *h, struct req *r, int64_t now)
{
	int64_t cutoff = now - (int64_t)el_retention_days(log) * DAY_US, anchor = -1, size = 0, first = 0;
	sqlite3_stmt *st;
	char data[160], msg[160];
	int rc, err;

	r->purged = 0;
	(void)el_meta_get_int(log->db, "first_checkpoint", &first);
	/* event_seconds must count this transaction's events before the purge recounts it. */
	if ((err = el_secs_flush(log)) < 0 || (err = purge_choose(log, cutoff, first, &anchor, &size)) < 0)
		return err;
	if (anchor <= first)
		return 0; /* nothing old enough: a purge that deletes nothing is not an event */
	if (sqlite3_prepare_v2(log->db, "DELETE FROM events WHERE seq <= ?1", -1, &st, NULL) != SQLITE_OK)
		return el_db_fail(log->db, log->dbpath, "cannot purge");
	sqlite3_bind_int64(st, 1, size);
	rc = sqlite3_step(st);
	r->purged = sqlite3_changes(log->db);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return el_db_fail(log->db, log->dbpath, "cannot purge");
	if ((err = purge_seconds(log, size)) < 0)
		return err;
	if (sqlite3_prepare_v2(log->db, "DELETE FROM checkpoints WHERE idx < ?1", -1, &st, NULL) != SQLITE_OK)
		return el_db_fail(log->db, log->dbpath, "cannot purge");
	sqlite3_bind_int64(st, 1, anchor);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || el_meta_put_int(log->db, "first_checkpoint", anchor))
		return el_db_fail(log->db, log->dbpath, "cannot purge");
	snprintf(data, sizeof(data), "{\"anchor\": %lld, \"up_to_seq\": %lld, \"events\": %lld, \"retention_days\": %d}",
		 (long long)anchor, (long long)size, (long long)r->purged, el_retention_days(log));
	snprintf(msg, sizeof(msg), "purged %lld events (1..%lld) older than the %d-day retention; checkpoint %lld is "
		 "the new start", (long long)r->purged, (long long)size, el_retention_days(log), (long long)anchor);
	struct bs_event ev = { 0, 0, "eventlog.purge", 5, bs_eventlog_hostname(), "brokersec", NULL, r->user, "success",
			       msg, data };
	return el_insert_event(log, h, &ev, now);
}

int el_do_retention(struct bs_eventlog *log, struct head *h, struct req *r, int64_t now)
{
	int cur = el_retention_days(log);
	char data[96], msg[128];

	if (r->days < cur)
		return bs_error(BS_EINVALID, "retention %d days is shorter than the current %d days: retention can only be "
				"raised (the regulation's minimum is %d days)", r->days, cur, BS_EVENTLOG_RETENTION_MIN_DAYS);
	if (r->days > 36500)
		return bs_error(BS_EINVALID, "retention %d days is more than 100 years: use at most 36500", r->days);
	if (el_meta_put_int(log->db, "retention_days", r->days))
		return el_db_fail(log->db, log->dbpath, "cannot set the retention");
	snprintf(data, sizeof(data), "{\"from_days\": %d, \"to_days\": %d}", cur, r->days);
	snprintf(msg, sizeof(msg), "event log retention raised from %d to %d days", cur, r->days);
	struct bs_event ev = { 0, 0, "eventlog.retention", 5, bs_eventlog_hostname(), "cli", NULL, r->user, "success",
			       msg, data };
	return el_insert_event(log, h, &ev, now);
}

int bs_eventlog_purge(struct bs_eventlog *log, const char *user, int64_t *purged)
{
	struct req r;
	int err;
	memset(&r, 0, sizeof(r));
	r.op = OP_PURGE;
	r.user = user;
	if ((err = el_valid_field("user", user, EL_FIELD_MAX)) < 0)
		return err;
	err = el_submit(log, &r);
	*purged = r.purged;
	return err;
}

int bs_log_retention_meets(int64_t days, int64_t months)
{
	return months >= BS_EVENTLOG_RETENTION_MIN_MONTHS || days >= BS_EVENTLOG_RETENTION_MIN_DAYS;
}

int bs_eventlog_set_retention(struct bs_eventlog *log, const char *user, int days)
{
	struct req r;
	int err;
	if (!bs_log_retention_meets(days, 0))
		return bs_error(BS_EINVALID, "retention %d days is below the regulation's minimum of %d days (6 months, "
				"A2.4.1.7.1.1)", days, BS_EVENTLOG_RETENTION_MIN_DAYS);
	if ((err = el_valid_field("user", user, EL_FIELD_MAX)) < 0)
		return err;
	memset(&r, 0, sizeof(r));
	r.op = OP_RETENTION;
	r.user = user;
	r.days = days;
	return el_submit(log, &r);
}
