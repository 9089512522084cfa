/* read.c - reading events.db on connections of its own (never blocking the writer):
 * tail and search, export bundles, status with the capacity projection (capacity.c); and the
 * JSON of an event and of the status that the CLI and the API share. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "eventlog/el_internal.h"
#include "keys/keys.h"

/* ---- time ranges through event_seconds ---- */

/* The first and last microsecond of second sec, within int64. */
static int64_t sec_first_us(int64_t sec)
{
	return sec < INT64_MIN / 1000000 ? INT64_MIN : sec * 1000000;
}

static int64_t sec_last_us(int64_t sec)
{
	return sec >= INT64_MAX / 1000000 ? INT64_MAX : sec * 1000000 + 999999;
}

static int span_fail(sqlite3 *db, const char *schema)
{
	const char *path = sqlite3_db_filename(db, schema);
	return el_db_fail(db, path ? path : schema, "cannot read the event time index");
}

int el_has_seconds(sqlite3 *db, const char *schema)
{
	char sql[128];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM %s.sqlite_master WHERE type = 'table' AND name = 'event_seconds'",
		 schema);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return span_fail(db, schema);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return span_fail(db, schema);
	return rc == SQLITE_ROW;
}

int el_seconds_fill(sqlite3 *db, const char *path)
{
	return el_exec(db, path, "DELETE FROM event_seconds; INSERT INTO event_seconds (sec, min_seq, max_seq, n) "
		       "SELECT " EL_SEC_SQL ", min(seq), max(seq), count(*) FROM events GROUP BY 1;");
}

/* A time range: [from, to] exactly; its seconds s0..s1, which span [first, last]. */
struct trange {
	int64_t from, to, s0, s1, first, last;
};

/* lo, hi and n from the event_seconds rows of the range's seconds; *bad: how many of them
 * cannot be right on their own (n events do not fit between min_seq and max_seq). */
static int span_seconds(sqlite3 *db, const char *schema, const struct trange *r, struct el_tspan *s, int64_t *bad)
{
	char sql[256];
	sqlite3_stmt *st;
	int rc;

	/* total(): a forged n must not make sum() fail with an overflow */
	snprintf(sql, sizeof(sql), "SELECT min(min_seq), max(max_seq), total(n), "
		 "sum(n < 1 OR n > max_seq - min_seq + 1) FROM %s.event_seconds WHERE sec BETWEEN ?1 AND ?2", schema);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return span_fail(db, schema);
	sqlite3_bind_int64(st, 1, r->s0);
	sqlite3_bind_int64(st, 2, r->s1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		s->lo = sqlite3_column_int64(st, 0);
		s->hi = sqlite3_column_int64(st, 1);
		s->n = sqlite3_column_int64(st, 2);
		*bad = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : span_fail(db, schema);
}

/* 1 when event_seconds counts as many events as there are (seq has no gaps): rows deleted or
 * emptied to hide events from a time range show here. Reads the whole summary. */
static int seconds_total_ok(sqlite3 *db, const char *schema)
{
	char sql[256];
	sqlite3_stmt *st;
	int rc, ok = 0;

	/* min and max in queries of their own: together they would scan the table */
	snprintf(sql, sizeof(sql), "SELECT (SELECT total(n) FROM %s.event_seconds) = coalesce((SELECT max(seq) FROM "
		 "%s.events) - (SELECT min(seq) FROM %s.events) + 1, 0)", schema, schema, schema);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return span_fail(db, schema);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ok = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? ok : span_fail(db, schema);
}

/* Cheap checks of a span from event_seconds: seqs start at 1, its rows and its n events fit
 * in it, and the events at its ends exist with a time in the range's seconds. 1 plausible,
 * 0 not, or an error. */
static int span_plausible(sqlite3 *db, const char *schema, const struct trange *r, const struct el_tspan *s,
			  int64_t bad)
{
	const int64_t ends[2] = { s->lo, s->hi };
	char sql[96];
	sqlite3_stmt *st;
	int ok = 1, rc = SQLITE_DONE;

	if (s->lo > s->hi)
		return s->n == 0;
	if (s->lo < 1 || s->n < 1 || s->n - 1 > s->hi - s->lo || bad)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT time_us FROM %s.events WHERE seq = ?1", schema);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return span_fail(db, schema);
	for (int i = 0; i < 2 && ok; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ends[i]);
		rc = sqlite3_step(st);
		ok = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) >= r->first &&
		     sqlite3_column_int64(st, 0) <= r->last;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return span_fail(db, schema);
	return ok;
}

/* Scans events lo..hi: exact lo, hi, n, tmin, tmax of those with a time in [from, to] into s;
 * *whole: how many have a time in the range's whole seconds (what event_seconds counts). */
static int span_scan(sqlite3 *db, const char *schema, int64_t lo, int64_t hi, const struct trange *r,
		     struct el_tspan *s, int64_t *whole)
{
#define IN_RANGE " FILTER (WHERE time_us BETWEEN ?3 AND ?4)"
	char sql[512];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT count(*), count(*)" IN_RANGE ", min(seq)" IN_RANGE ", max(seq)" IN_RANGE
		 ", min(time_us)" IN_RANGE ", max(time_us)" IN_RANGE " FROM %s.events WHERE seq BETWEEN ?1 AND ?2 AND "
		 "time_us BETWEEN ?5 AND ?6", schema);
#undef IN_RANGE
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return span_fail(db, schema);
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	sqlite3_bind_int64(st, 3, r->from);
	sqlite3_bind_int64(st, 4, r->to);
	sqlite3_bind_int64(st, 5, r->first);
	sqlite3_bind_int64(st, 6, r->last);
	rc = sqlite3_step(st);
	memset(s, 0, sizeof(*s));
	s->lo = 1;
	*whole = 0;
	if (rc == SQLITE_ROW) {
		*whole = sqlite3_column_int64(st, 0);
		s->n = sqlite3_column_int64(st, 1);
		if (s->n > 0) {
			s->lo = sqlite3_column_int64(st, 2);
			s->hi = sqlite3_column_int64(st, 3);
			s->tmin = sqlite3_column_int64(st, 4);
			s->tmax = sqlite3_column_int64(st, 5);
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : span_fail(db, schema);
}

int el_time_span(sqlite3 *db, const char *schema, int64_t from_us, int64_t to_us, int flags, struct el_tspan *s)
{
	struct trange r = { from_us, to_us, el_sec_of(from_us), el_sec_of(to_us), 0, 0 };
	int64_t whole, claimed, bad = 0;
	int have, ok, err;

	memset(s, 0, sizeof(*s));
	s->lo = 1; /* lo > hi: none */
	if (from_us > to_us)
		return 0;
	r.first = sec_first_us(r.s0);
	r.last = sec_last_us(r.s1);
	if ((have = el_has_seconds(db, schema)) < 0)
		return have;
	if (have && (flags & EL_SPAN_AUDIT) && (have = seconds_total_ok(db, schema)) < 0)
		return have;
	if (have) {
		if ((err = span_seconds(db, schema, &r, s, &bad)) < 0)
			return err;
		if (!(flags & (EL_SPAN_EXACT | EL_SPAN_AUDIT))) {
			if ((ok = span_plausible(db, schema, &r, s, bad)) != 0)
				return ok < 0 ? ok : 0;
		} else if (!bad) {
			claimed = s->n;
			if (s->lo > s->hi && claimed == 0)
				return 0;
			if ((err = span_scan(db, schema, s->lo, s->hi, &r, s, &whole)) < 0 || whole == claimed)
				return err;
		}
	}
	/* No summary (a log or bundle made before it), or one that contradicts the events: all
	 * of them, exactly. */
	return span_scan(db, schema, INT64_MIN, INT64_MAX, &r, s, &whole);
}

void el_event_row(sqlite3_stmt *st, struct bs_event *ev)
{
	ev->seq = sqlite3_column_int64(st, 0);
	ev->time_us = sqlite3_column_int64(st, 1);
	ev->type = (const char *)sqlite3_column_text(st, 2);
	ev->severity = sqlite3_column_int(st, 3);
	ev->host = (const char *)sqlite3_column_text(st, 4);
	ev->source = (const char *)sqlite3_column_text(st, 5);
	ev->system = (const char *)sqlite3_column_text(st, 6);
	ev->user = (const char *)sqlite3_column_text(st, 7);
	ev->outcome = (const char *)sqlite3_column_text(st, 8);
	ev->message = (const char *)sqlite3_column_text(st, 9);
	ev->data = (const char *)sqlite3_column_text(st, 10);
}

int bs_eventlog_each(const char *dir, const struct bs_event_filter *f,
		     int (*fn)(const struct bs_event *ev, void *ctx), void *ctx)
{
	/* seq bounds the scan (?1, ?8: one rowid range), time_us then picks the rows. */
	static const char where[] =
		"seq >= ?1 AND seq <= ?8 AND (?2 = 0 OR time_us >= ?2) AND (?3 = 0 OR time_us <= ?3) AND "
		"(?4 IS NULL OR type = ?4 OR substr(type, 1, length(?4) + 1) = ?4 || '.') AND (?5 IS NULL OR user = ?5) "
		"AND (?6 IS NULL OR host = ?6)";
	static const char cols[] = EL_EVENT_COLS;
	struct bs_buf sql = BS_BUF_INIT;
	char *path = el_path(dir, "events.db");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t lo = f->after_seq < INT64_MAX ? f->after_seq + 1 : INT64_MAX, hi = INT64_MAX;
	int err, rc;

	if (access(path, F_OK) != 0) {
		err = bs_error(BS_ENOTFOUND, "event log '%s' is missing: restore events.db from backup", path);
		goto done;
	}
	if ((err = el_db_open(&db, path, 1)) < 0)
		goto done;
	/* One snapshot for the time index and the rows. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		err = el_db_fail(db, path, "cannot read events");
		goto done;
	}
	if (f->from_us || f->to_us) {
		struct el_tspan sp;
		/* audited: the index is no hash's, so its counts must add up to the events' before it
		 * narrows a search (deleted rows would hide events from it) */
		if ((err = el_time_span(db, "main", f->from_us ? f->from_us : INT64_MIN,
					f->to_us ? f->to_us : INT64_MAX, EL_SPAN_AUDIT, &sp)) < 0 || sp.lo > sp.hi)
			goto done; /* an error, or no events in the range */
		if (sp.lo > lo)
			lo = sp.lo;
		hi = sp.hi;
	}
	if (f->tail)
		bs_buf_printf(&sql, "SELECT %s FROM (SELECT %s FROM events WHERE %s ORDER BY seq DESC LIMIT ?7) ORDER BY seq",
			      cols, cols, where);
	else
		bs_buf_printf(&sql, "SELECT %s FROM events WHERE %s ORDER BY seq LIMIT ?7", cols, where);
	if (sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL) != SQLITE_OK) {
		err = el_db_fail(db, path, "cannot read events");
		goto done;
	}
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 8, hi);
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
		el_event_row(st, &ev);
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
	json_t *o = json_object(), *data = ev->data ? json_loads(ev->data, JSON_ALLOW_NUL, NULL) : NULL;
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
	struct el_tspan sp;
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
	if ((err = bs_write_new_file(out, "", 0)) < 0)
		goto done;
	created = 1;
	if (sqlite3_open_v2(out, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		err = bs_error(BS_ERR, "cannot create bundle '%s': %s", out, db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	if (sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS src", -1, &st, NULL) != SQLITE_OK)
		goto dbfail;
	sqlite3_bind_text(st, 1, src, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto dbfail;
	/* The events with a time in [from, to], widened to checkpoint boundaries so the bundle
	 * verifies on its own. */
	if ((err = el_time_span(db, "src", from_us, to_us, EL_SPAN_AUDIT, &sp)) < 0)
		goto done;
	if (sp.lo > sp.hi) {
		err = bs_error(BS_ENOTFOUND, "no events between --from and --to in '%s'", src);
		goto done;
	}
	lo = sp.lo;
	hi = sp.hi;
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
	/* The time index over the bundle's own events, so its time queries work as the log's. */
	if (sqlite3_exec(db, EL_SECONDS_DDL, NULL, NULL, NULL) != SQLITE_OK)
		goto dbfail;
	if ((err = el_seconds_fill(db, out)) < 0)
		goto done;
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

/* The first and last second in event_seconds (*found 0: none, or no table). */
static int seconds_ends(sqlite3 *db, int64_t *s0, int64_t *s1, int *found)
{
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	if ((rc = el_has_seconds(db, "main")) <= 0)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT (SELECT min(sec) FROM event_seconds), (SELECT max(sec) FROM event_seconds)", -1,
			       &st, NULL) != SQLITE_OK)
		return span_fail(db, "main");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*s0 = sqlite3_column_int64(st, 0);
		*s1 = sqlite3_column_int64(st, 1);
		*found = 1;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : span_fail(db, "main");
}

/* The smallest and largest event time: exactly within the first and last second that
 * event_seconds knows, so a few rows are read; without it, all of them. */
static int time_bounds(sqlite3 *db, int64_t *tmin, int64_t *tmax)
{
	struct el_tspan a, b;
	int64_t s0 = 0, s1 = 0;
	int found, err;

	if ((err = seconds_ends(db, &s0, &s1, &found)) < 0)
		return err;
	if (found) {
		if ((err = el_time_span(db, "main", sec_first_us(s0), sec_last_us(s0), EL_SPAN_EXACT, &a)) < 0 ||
		    (err = el_time_span(db, "main", sec_first_us(s1), sec_last_us(s1), EL_SPAN_EXACT, &b)) < 0)
			return err;
	}
	if (!found || a.n == 0 || b.n == 0) {
		if ((err = el_time_span(db, "main", INT64_MIN, INT64_MAX, EL_SPAN_EXACT, &a)) < 0)
			return err;
		b = a;
	}
	*tmin = a.tmin;
	*tmax = b.tmax;
	return 0;
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
	    sqlite3_prepare_v2(db, "SELECT (SELECT min(seq) FROM events), (SELECT max(seq) FROM events)", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		err = el_db_fail(db, path, "cannot read the log status");
		goto done;
	}
	if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		s->first_seq = sqlite3_column_int64(st, 0);
		s->last_seq = sqlite3_column_int64(st, 1);
		/* seq has no gaps (verify checks it): count(*) would read the whole table. */
		s->events = s->last_seq - s->first_seq + 1;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (s->events > 0 && (err = time_bounds(db, &s->first_time_us, &s->last_time_us)) < 0)
		goto done;
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
		struct el_tspan recent;
		if ((err = el_time_span(db, "main", now - span, INT64_MAX, 0, &recent)) < 0)
			goto done;
		el_capacity_project(db, dir, s, recent.n, span, now);
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
