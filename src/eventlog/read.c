/* read.c - reading events.db on connections of its own (never blocking the writer):
 * tail and search, export bundles, status with the capacity projection; and the JSON of an
 * event and of the status that the CLI and the API share. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "eventlog/el_internal.h"
#include "keys/keys.h"

int bs_eventlog_each(const char *dir, const struct bs_event_filter *f,
		     int (*fn)(const struct bs_event *ev, void *ctx), void *ctx)
{
	static const char where[] =
		"seq > ?1 AND (?2 = 0 OR time_us >= ?2) AND (?3 = 0 OR time_us <= ?3) AND (?4 IS NULL OR type = ?4 OR "
		"substr(type, 1, length(?4) + 1) = ?4 || '.') AND (?5 IS NULL OR user = ?5) AND (?6 IS NULL OR host = ?6)";
	static const char cols[] = "seq, time_us, type, severity, host, source, system, user, outcome, message, data";
	struct bs_buf sql = BS_BUF_INIT;
	char *path = el_path(dir, "events.db");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int err, rc;

	if (access(path, F_OK) != 0) {
		err = bs_error(BS_ENOTFOUND, "event log '%s' is missing: restore events.db from backup", path);
		goto done;
	}
	if ((err = el_db_open(&db, path, 1)) < 0)
		goto done;
	if (f->tail)
		bs_buf_printf(&sql, "SELECT %s FROM (SELECT %s FROM events WHERE %s ORDER BY seq DESC LIMIT ?7) ORDER BY seq",
			      cols, cols, where);
	else
		bs_buf_printf(&sql, "SELECT %s FROM events WHERE %s ORDER BY seq LIMIT ?7", cols, where);
	if (sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL) != SQLITE_OK) {
		err = el_db_fail(db, path, "cannot read events");
		goto done;
	}
	sqlite3_bind_int64(st, 1, f->after_seq);
	sqlite3_bind_int64(st, 2, f->from_us);
	sqlite3_bind_int64(st, 3, f->to_us);
	if (f->type)
		sqlite3_bind_text(st, 4, f->type, -1, SQLITE_STATIC);
	if (f->user)
		sqlite3_bind_text(st, 5, f->user, -1, SQLITE_STATIC);
	if (f->host)
		sqlite3_bind_text(st, 6, f->host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, f->limit > 0 ? f->limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bs_event ev;
		ev.seq = sqlite3_column_int64(st, 0);
		ev.time_us = sqlite3_column_int64(st, 1);
		ev.type = (const char *)sqlite3_column_text(st, 2);
		ev.severity = sqlite3_column_int(st, 3);
		ev.host = (const char *)sqlite3_column_text(st, 4);
		ev.source = (const char *)sqlite3_column_text(st, 5);
		ev.system = (const char *)sqlite3_column_text(st, 6);
		ev.user = (const char *)sqlite3_column_text(st, 7);
		ev.outcome = (const char *)sqlite3_column_text(st, 8);
		ev.message = (const char *)sqlite3_column_text(st, 9);
		ev.data = (const char *)sqlite3_column_text(st, 10);
		if ((err = fn(&ev, ctx)) != 0)
			goto done;
	}
	if (rc != SQLITE_DONE)
		err = el_db_fail(db, path, "cannot read events");
done:
	sqlite3_finalize(st);
	if (db)
		sqlite3_close_v2(db);
	bs_buf_release(&sql);
	free(path);
	return err;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *bs_event_json(const struct bs_event *ev)
{
	char t[BS_TIME_MAX];
	json_t *o = json_object(), *data = ev->data ? json_loads(ev->data, 0, NULL) : NULL;
	bs_time_format(ev->time_us, t);
	json_object_set_new(o, "seq", json_integer(ev->seq));
	json_object_set_new(o, "time", json_string(t));
	json_object_set_new(o, "type", str_or_null(ev->type));
	json_object_set_new(o, "severity", json_integer(ev->severity));
	json_object_set_new(o, "host", str_or_null(ev->host));
	json_object_set_new(o, "source", str_or_null(ev->source));
	json_object_set_new(o, "system", str_or_null(ev->system));
	json_object_set_new(o, "user", str_or_null(ev->user));
	json_object_set_new(o, "outcome", str_or_null(ev->outcome));
	json_object_set_new(o, "message", str_or_null(ev->message));
	/* append stores only JSON objects; anything else would be a damaged row: null */
	json_object_set_new(o, "data", data ? data : json_null());
	return o;
}

int bs_eventlog_audit_read(struct bs_datadir *dd, const char *data, const char *fmt, ...)
{
	struct bs_buf msg = BS_BUF_INIT;
	va_list ap;
	int err;

	va_start(ap, fmt);
	bs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	err = bs_audit(dd, "eventlog.read", "success", data, "%s", msg.ptr);
	bs_buf_release(&msg);
	/* Cover it by a checkpoint now so what is read next is sealed up to here. */
	if (err == 0)
		err = bs_eventlog_checkpoint(dd->events);
	return err;
}

static int64_t q_int(sqlite3 *db, const char *sql, int64_t a, int64_t def)
{
	sqlite3_stmt *st;
	int64_t v = def;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return def;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int bs_eventlog_export(const char *dir, int64_t from_us, int64_t to_us, const char *out, int64_t *nevents)
{
	char *src = el_path(dir, "events.db"), *keys = el_path(dir, "keys");
	unsigned char pk[BS_SIGN_PUBLIC_BYTES];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int64_t lo, hi, first_ck, last_ck, size_lo, size_hi;
	int err = 0, created = 0;

	*nevents = 0;
	if (lstat(out, &sb) == 0) {
		err = bs_error(BS_EEXISTS, "bundle '%s' exists already: choose a new --out path", out);
		goto done;
	}
	if (access(src, R_OK) != 0) {
		err = bs_error(BS_ENOTFOUND, "event log '%s' is missing", src);
		goto done;
	}
	if ((err = bs_keys_load_public(keys, pk)) < 0)
		goto done;
	if (sqlite3_open_v2(out, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		err = bs_error(BS_ERR, "cannot create bundle '%s': %s", out, db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	created = 1;
	if (sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS src", -1, &st, NULL) != SQLITE_OK)
		goto dbfail;
	sqlite3_bind_text(st, 1, src, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto dbfail;
	/* Widen [from, to] to checkpoint boundaries so the bundle verifies on its own. */
	lo = q_int(db, "SELECT min(seq) FROM src.events WHERE time_us >= ?1", from_us, -1);
	hi = q_int(db, "SELECT max(seq) FROM src.events WHERE time_us <= ?1", to_us, -1);
	if (lo < 0 || hi < 0 || hi < lo) {
		err = bs_error(BS_ENOTFOUND, "no events between --from and --to in '%s'", src);
		goto done;
	}
	first_ck = q_int(db, "SELECT max(idx) FROM src.checkpoints WHERE tree_size < ?1", lo, -1);
	last_ck = q_int(db, "SELECT min(idx) FROM src.checkpoints WHERE tree_size >= ?1", hi, -1);
	if (last_ck < 0)
		last_ck = q_int(db, "SELECT max(idx) FROM src.checkpoints", 0, -1);
	if (first_ck < 0 || last_ck < first_ck) {
		err = bs_error(BS_ERR, "event log '%s' has no checkpoints around those events: run 'brokersec log verify'", src);
		goto done;
	}
	size_lo = q_int(db, "SELECT tree_size FROM src.checkpoints WHERE idx = ?1", first_ck, 0);
	size_hi = q_int(db, "SELECT tree_size FROM src.checkpoints WHERE idx = ?1", last_ck, 0);
	if (sqlite3_exec(db, "CREATE TABLE meta AS SELECT * FROM src.meta WHERE k IN ('format', 'log_id', 'epoch_start_us',"
			 " 'epoch_us');"
			 "CREATE TABLE events AS SELECT * FROM src.events WHERE 0;"
			 "CREATE TABLE checkpoints AS SELECT * FROM src.checkpoints WHERE 0;", NULL, NULL, NULL) != SQLITE_OK)
		goto dbfail;
	if (sqlite3_prepare_v2(db, "INSERT INTO meta (k, v) VALUES ('public_key', ?1), ('bundle', 1)", -1, &st, NULL) != SQLITE_OK)
		goto dbfail;
	sqlite3_bind_blob(st, 1, pk, sizeof(pk), SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "INSERT INTO events SELECT * FROM src.events WHERE seq > ?1 AND seq <= ?2 ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		goto dbfail;
	sqlite3_bind_int64(st, 1, size_lo);
	sqlite3_bind_int64(st, 2, size_hi);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	*nevents = sqlite3_changes(db);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "INSERT INTO checkpoints SELECT * FROM src.checkpoints WHERE idx >= ?1 AND idx <= ?2 "
			       "ORDER BY idx", -1, &st, NULL) != SQLITE_OK)
		goto dbfail;
	sqlite3_bind_int64(st, 1, first_ck);
	sqlite3_bind_int64(st, 2, last_ck);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(db, "CREATE UNIQUE INDEX events_seq ON events (seq); CREATE UNIQUE INDEX ck_idx ON checkpoints (idx);"
			 "COMMIT; DETACH DATABASE src;", NULL, NULL, NULL) != SQLITE_OK)
		goto dbfail;
	goto done;
dbfail:
	err = bs_error(BS_ERR, "cannot write bundle '%s': %s", out, sqlite3_errmsg(db));
done:
	sqlite3_finalize(st);
	if (db)
		sqlite3_close_v2(db);
	if (err < 0 && created)
		(void)unlink(out);
	free(src);
	free(keys);
	return err;
}

int64_t el_capacity_span(int64_t now, int64_t first_time_us)
{
	int64_t span = now - first_time_us, week = 7LL * 86400 * 1000000;
	if (span > week)
		span = week;
	if (span < 3600LL * 1000000)
		span = 3600LL * 1000000; /* an hour at least, so a young log does not look huge */
	return span;
}

void el_capacity_project(const char *dir, struct bs_eventlog_status *s, int64_t recent, int64_t span, int64_t now)
{
	s->capacity_days = -1;
	if (s->events <= 0 || span <= 0)
		return;
	s->events_per_day = (double)recent * 86400e6 / (double)span;
	s->bytes_per_event = (double)s->db_bytes / (double)s->events;
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

int bs_eventlog_status(const char *dir, struct bs_eventlog_status *s)
{
	char *path = el_path(dir, "events.db"), *wal = el_path(dir, "events.db-wal");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct statvfs vfs;
	struct stat sb;
	int64_t now = bs_clock_now(), v;
	int err = 0;

	memset(s, 0, sizeof(*s));
	s->capacity_days = -1;
	s->clock_synced = -1;
	bs_eventlog_alert_pending(dir, s->alert, sizeof(s->alert));
	if (access(path, F_OK) != 0) {
		err = bs_error(BS_ENOTFOUND, "event log '%s' is missing: restore events.db from backup", path);
		goto done;
	}
	if ((err = el_db_open(&db, path, 1)) < 0)
		goto done;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*), min(seq), max(seq), min(time_us), max(time_us) FROM events", -1,
			       &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		err = el_db_fail(db, path, "cannot read the log status");
		goto done;
	}
	s->events = sqlite3_column_int64(st, 0);
	s->first_seq = sqlite3_column_int64(st, 1);
	s->last_seq = sqlite3_column_int64(st, 2);
	s->first_time_us = sqlite3_column_int64(st, 3);
	s->last_time_us = sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT idx, tree_size, time_us, epoch, root FROM checkpoints ORDER BY idx DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK) {
		err = el_db_fail(db, path, "cannot read the log status");
		goto done;
	}
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 4) == EL_HASH) {
		char hex[65];
		s->ckpt_index = sqlite3_column_int64(st, 0);
		s->ckpt_size = sqlite3_column_int64(st, 1);
		s->ckpt_time_us = sqlite3_column_int64(st, 2);
		s->ckpt_epoch = sqlite3_column_int64(st, 3);
		sodium_bin2hex(hex, sizeof(hex), sqlite3_column_blob(st, 4), EL_HASH);
		snprintf(s->head, sizeof(s->head), "%" PRId64 ":%s", s->ckpt_size, hex);
	}
	sqlite3_finalize(st);
	st = NULL;
	v = BS_EVENTLOG_RETENTION_MIN_DAYS;
	(void)el_meta_get_int(db, "retention_days", &v);
	s->retention_days = (int)(v < BS_EVENTLOG_RETENTION_MIN_DAYS ? BS_EVENTLOG_RETENTION_MIN_DAYS : v);
	if (stat(path, &sb) == 0)
		s->db_bytes = sb.st_size;
	if (stat(wal, &sb) == 0)
		s->db_bytes += sb.st_size;
	if (statvfs(dir, &vfs) == 0)
		s->free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
	if (s->events > 0) {
		int64_t span = el_capacity_span(now, s->first_time_us);
		int64_t recent = q_int(db, "SELECT count(*) FROM events WHERE time_us >= ?1", now - span, 0);
		el_capacity_project(dir, s, recent, span, now);
		bs_eventlog_alert_pending(dir, s->alert, sizeof(s->alert));
	}
	el_clock_state(&s->clock_synced, &(int32_t){ 0 }, &s->clock_maxerror_us, &s->clock_esterror_us);
	if (s->clock_synced == 255)
		s->clock_synced = -1;
done:
	sqlite3_finalize(st);
	if (db)
		sqlite3_close_v2(db);
	free(path);
	free(wal);
	return err;
}

json_t *bs_eventlog_status_json(const struct bs_eventlog_status *s)
{
	char t[BS_TIME_MAX];
	json_t *j;

	bs_time_format(s->ckpt_time_us, t);
	j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:i, s:I, s:{s:I, s:I, s:s, s:I, s:s}, s:{s:o, s:I, s:I}, s:o}",
		      "events", (json_int_t)s->events, "first_seq", (json_int_t)s->first_seq,
		      "last_seq", (json_int_t)s->last_seq, "db_bytes", (json_int_t)s->db_bytes,
		      "free_bytes", (json_int_t)s->free_bytes, "events_per_day", s->events_per_day,
		      "capacity_days", s->capacity_days, "retention_days", s->retention_days,
		      "oldest_age_days", (json_int_t)s->oldest_age_days,
		      "checkpoint", "index", (json_int_t)s->ckpt_index, "size", (json_int_t)s->ckpt_size,
		      "time", t, "epoch", (json_int_t)s->ckpt_epoch, "head", s->head,
		      "clock", "synchronised", s->clock_synced < 0 ? json_null() : json_boolean(s->clock_synced),
		      "maxerror_us", (json_int_t)s->clock_maxerror_us, "esterror_us", (json_int_t)s->clock_esterror_us,
		      "alert", s->alert[0] ? json_string(s->alert) : json_null());
	return j;
}
