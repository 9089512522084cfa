/* Unit tests of event_seconds, the per-second summary that replaced the per-row time index:
 * time queries stay exact with times out of order, purge and upgrade keep it right, bundles
 * carry it, and a forged one never changes what verify says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "datadir/datadir.h"
#include "eventlog/el_internal.h"
#include "eventlog/eventlog.h"

#include "eventlog_fixture.h"

#define SEC 1000000LL
#define DAY (86400LL * SEC)
#define MAXEV 4096
/* [T0 - 2 s, T0 - 1 s] and [T0 - 5 s, T0 + 5 s] in SQL */
#define T0_MINUS_2_TO_1 "time_us BETWEEN 1767225598000000 AND 1767225599000000"
#define T0_AROUND_5 "SELECT count(*) FROM events WHERE time_us BETWEEN 1767225595000000 AND 1767225605000000"

static void sql(const char *path, const char *q)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static int64_t q_int(const char *path, const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Rows of event_seconds that differ from a recount over the events (both ways); -1 when the
 * table is missing. */
#define RECOUNT "SELECT " EL_SEC_SQL ", min(seq), max(seq), count(*) FROM events GROUP BY 1"
static int64_t seconds_wrong(const char *path)
{
	if (q_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'event_seconds'") != 1)
		return -1;
	return q_int(path, "SELECT (SELECT count(*) FROM (SELECT * FROM event_seconds EXCEPT " RECOUNT ")) + "
			   "(SELECT count(*) FROM (" RECOUNT " EXCEPT SELECT * FROM event_seconds))");
}

/* Appends n events with the given times (0: now) in one transaction. */
static void append_at(struct bs_eventlog *log, const int64_t *t, size_t n)
{
	static struct bs_event ev[MAXEV];
	assert_true(n <= MAXEV);
	for (size_t i = 0; i < n; i++)
		ev[i] = (struct bs_event){ 0, t[i], "test.time", 6, "h", "unit", NULL, "u", NULL, "m", NULL };
	assert_int_equal(bs_eventlog_append(log, ev, n), 0);
}

static uint64_t rng = 88172645463325252ULL;
static int64_t next_rand(int64_t mod)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (int64_t)(rng % (uint64_t)mod);
}

struct seqs {
	int64_t v[MAXEV];
	int n;
};

static int collect(const struct bs_event *ev, void *p)
{
	struct seqs *s = p;
	assert_true(s->n < MAXEV);
	s->v[s->n++] = ev->seq;
	return 0;
}

/* What bs_eventlog_each returns for [from, to], and the truth by a plain scan. */
static void search(const char *dir, int64_t from, int64_t to, struct seqs *got)
{
	struct bs_event_filter flt;
	memset(&flt, 0, sizeof(flt));
	flt.from_us = from;
	flt.to_us = to;
	got->n = 0;
	assert_int_equal(bs_eventlog_each(dir, &flt, collect, got), 0);
}

static void truth(const char *path, int64_t from, int64_t to, struct seqs *want)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq FROM events NOT INDEXED WHERE time_us BETWEEN ?1 AND ?2 "
					    "ORDER BY seq", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, from ? from : INT64_MIN); /* 0: no bound, as in the filter */
	sqlite3_bind_int64(st, 2, to ? to : INT64_MAX);
	want->n = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		want->v[want->n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void expect_exact(const char *dir, const char *path, int64_t from, int64_t to)
{
	static struct seqs got, want;
	search(dir, from, to, &got);
	truth(path, from, to, &want);
	if (got.n != want.n || memcmp(got.v, want.v, (size_t)got.n * sizeof(got.v[0])))
		fail_msg("search [%lld, %lld]: %d events, expected %d", (long long)(from - T0), (long long)(to - T0),
			 got.n, want.n);
}

/* Every result is a real match and in order; returns how many there are. */
static int expect_subset(const char *dir, const char *path, int64_t from, int64_t to)
{
	static struct seqs got, want;
	int j = 0;
	search(dir, from, to, &got);
	truth(path, from, to, &want);
	for (int i = 0; i < got.n; i++) {
		while (j < want.n && want.v[j] < got.v[i])
			j++;
		if (j == want.n || want.v[j] != got.v[i])
			fail_msg("search [%lld, %lld] returned event %lld, which is not in the range",
				 (long long)(from - T0), (long long)(to - T0), (long long)got.v[i]);
	}
	return got.n;
}

/* el_time_span in its modes against a plain scan. coarse 0: the summary may be forged so that
 * it hides events, which only the audit mode sees through. */
static void expect_span_as(const char *path, int64_t from, int64_t to, int coarse)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	struct el_tspan c, e, a;
	int64_t lo = 0, hi = 0, n = 0, tmin = 0, tmax = 0;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT min(seq), max(seq), count(*), min(time_us), max(time_us) "
					    "FROM events NOT INDEXED WHERE time_us BETWEEN ?1 AND ?2", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 2);
	if (n) {
		lo = sqlite3_column_int64(st, 0);
		hi = sqlite3_column_int64(st, 1);
		tmin = sqlite3_column_int64(st, 3);
		tmax = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	assert_int_equal(el_time_span(db, "main", from, to, EL_SPAN_EXACT, &e), 0);
	assert_int_equal(el_time_span(db, "main", from, to, 0, &c), 0);
	assert_int_equal(el_time_span(db, "main", from, to, EL_SPAN_AUDIT, &a), 0);
	sqlite3_close(db);
	/* the audit mode is exact whatever the summary says */
	assert_int_equal(a.n, n);
	if (n == 0)
		assert_true(a.lo > a.hi);
	else
		assert_true(a.lo == lo && a.hi == hi && a.tmin == tmin && a.tmax == tmax);
	if (!coarse)
		return; /* a forgery that hides events may fool the others */
	assert_int_equal(e.n, n);
	if (n == 0) {
		assert_true(e.lo > e.hi);
		return;
	}
	assert_int_equal(e.lo, lo);
	assert_int_equal(e.hi, hi);
	assert_int_equal(e.tmin, tmin);
	assert_int_equal(e.tmax, tmax);
	/* the summary's span holds them all */
	assert_true(c.lo <= lo && c.hi >= hi && c.n >= n);
}

static void expect_span(const char *path, int64_t from, int64_t to)
{
	expect_span_as(path, from, to, 1);
}

/* A log with times out of order: every batch jumps around [T0 - 20 s, T0 + 20 s], lands on
 * second boundaries, spans more seconds than the writer collects at once, and some events
 * take the commit time. */
/* The fixture with the log made 30 s before T0 (less than the checkpoint interval before the
 * events fill_disordered writes), so that events may be dated around T0. */
static int setup_early(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/bs-evlog-XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->dir, sizeof(f->dir), "%s/d", f->tmp);
	snprintf(f->db, sizeof(f->db), "%s/events.db", f->dir);
	bs_clock_set(T0 - 30 * SEC);
	assert_int_equal(bs_datadir_init_keyed(f->dir, "org", 0, "tester", f->vkey, sizeof(f->vkey)), 0);
	bs_clock_set(T0);
	*state = f;
	return 0;
}

static void fill_disordered(struct fx *f)
{
	static int64_t t[MAXEV];
	static const size_t batch[] = { 1, 7, 50, 200, 3, 400, 1, 120 };
	struct bs_eventlog *log;

	bs_clock_set(T0 + 10 * SEC + 123);
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	for (size_t b = 0; b < sizeof(batch) / sizeof(batch[0]); b++) {
		for (size_t i = 0; i < batch[b]; i++) {
			int64_t r = next_rand(1000);
			t[i] = r < 50 ? 0 : r < 150 ? T0 + (next_rand(41) - 20) * SEC - (r & 1) :
			       T0 - 20 * SEC + next_rand(40 * SEC);
		}
		append_at(log, t, batch[b]);
		if (b == 3)
			assert_int_equal(bs_eventlog_checkpoint(log), 0);
	}
	/* going backwards, one per transaction */
	for (int i = 0; i < 30; i++)
		append_at(log, (int64_t[]){ T0 + 15 * SEC - i * 700000 }, 1);
	bs_eventlog_close(log);
}

static void test_second_of_time(void **state)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	static const int64_t t[] = { 0, 1, 999999, 1000000, -1, -999999, -1000000, -1000001, T0, T0 - 1,
				     INT64_MAX, INT64_MIN };
	(void)state;
	assert_int_equal(el_sec_of(0), 0);
	assert_int_equal(el_sec_of(999999), 0);
	assert_int_equal(el_sec_of(-1), -1);
	assert_int_equal(el_sec_of(-1000000), -1);
	assert_int_equal(el_sec_of(-1000001), -2);
	/* SQL and C agree */
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT " EL_SEC_SQL " FROM (SELECT ?1 AS time_us)", -1, &st, NULL),
			 SQLITE_OK);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, t[i]);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int64(st, 0), el_sec_of(t[i]));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_out_of_order_times_search_exactly(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog_status st;
	struct bs_verify_result r;

	fill_disordered(f);
	verify_ok(f); /* late arrivals within a segment are no edit */
	assert_int_equal(seconds_wrong(f->db), 0);
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM sqlite_master WHERE name = 'events_time'"), 0);
	/* second-aligned and arbitrary ranges, single seconds, empty ones, open ends */
	for (int64_t s = -22; s <= 22; s += 3) {
		expect_exact(f->dir, f->db, T0 + s * SEC, T0 + s * SEC + SEC - 1);
		expect_exact(f->dir, f->db, T0 + s * SEC + 1, T0 + (s + 5) * SEC);
		expect_span(f->db, T0 + s * SEC, T0 + s * SEC + SEC - 1);
	}
	for (int i = 0; i < 60; i++) {
		int64_t a = T0 - 25 * SEC + next_rand(50 * SEC), b = a + next_rand(i < 30 ? 2 * SEC : 30 * SEC);
		expect_exact(f->dir, f->db, a, b);
		expect_span(f->db, a, b);
	}
	expect_exact(f->dir, f->db, T0 + 100 * SEC, T0 + 200 * SEC);
	expect_exact(f->dir, f->db, T0 - 3 * SEC, 0);  /* no upper bound */
	expect_exact(f->dir, f->db, 1, T0 - 3 * SEC);  /* from the start */
	expect_span(f->db, INT64_MIN, INT64_MAX);
	assert_int_equal(bs_eventlog_status(f->dir, &st), 0);
	assert_int_equal(st.first_time_us, q_int(f->db, "SELECT min(time_us) FROM events"));
	assert_int_equal(st.last_time_us, q_int(f->db, "SELECT max(time_us) FROM events"));
	assert_int_equal(st.events, q_int(f->db, "SELECT count(*) FROM events"));
	/* verify of a range covers every event in it, wherever its seq is */
	assert_int_equal(bs_eventlog_verify_range(f->dir, NULL, f->vkey, 2, T0 - 2 * SEC, T0 - SEC, &r), 0);
	assert_true(r.ok);
	assert_true(r.first_seq <= q_int(f->db, "SELECT min(seq) FROM events WHERE " T0_MINUS_2_TO_1));
	assert_true(r.last_seq >= q_int(f->db, "SELECT max(seq) FROM events WHERE " T0_MINUS_2_TO_1));
}

/* Purge deletes events 1..X: rows of event_seconds before X go, a row that straddles X is
 * recounted over the events left in its second. */
static void test_purge_keeps_seconds_consistent(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_verify_result r;
	int64_t purged = -1;

	bs_clock_set(T0 + 200000);
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_at(log, (int64_t[]){ T0 + 1, T0 + 2, T0 + 5, T0 + 4, T0 + 3 }, 5);
	assert_int_equal(bs_eventlog_checkpoint(log), 0); /* covers 1..6, at T0 + 0.2 s */
	/* late arrivals (after the checkpoint, as every event is) in T0's second and the one
	 * after, and a new one */
	bs_clock_set(T0 + 2 * SEC);
	append_at(log, (int64_t[]){ T0 + 500000, T0 + SEC + 7 }, 2);
	bs_clock_set(T0 + 200 * DAY);
	append_at(log, (int64_t[]){ 0 }, 1);
	assert_int_equal(seconds_wrong(f->db), 0);
	assert_int_equal(q_int(f->db, "SELECT n FROM event_seconds WHERE sec = 1767225600"), 7);
	assert_int_equal(bs_eventlog_purge(log, "tester", &purged), 0);
	assert_int_equal(purged, 6);
	bs_eventlog_close(log);
	assert_int_equal(seconds_wrong(f->db), 0);
	assert_int_equal(q_int(f->db, "SELECT min_seq FROM event_seconds WHERE sec = 1767225600"), 7);
	assert_int_equal(q_int(f->db, "SELECT n FROM event_seconds WHERE sec = 1767225600"), 1);
	assert_int_equal(q_int(f->db, "SELECT n FROM event_seconds WHERE sec = 1767225601"), 1);
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM event_seconds WHERE sec = 1767225602"), 0);
	expect_exact(f->dir, f->db, T0, T0 + 3 * SEC);
	expect_span(f->db, T0, T0 + 3 * SEC);
	assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, 2, &r), 0);
	if (!r.ok)
		fail_msg("verify: %s", r.problem);
}

/* A forged summary that hides a young (future-dated) event in an old segment must not make
 * purge delete it: purge checks what it deletes on the events, rebuilds the summary. The
 * writer dates no event after the checkpoint that seals it, so the young event is an edit
 * here (as an old writer could have left it), and verify names it. */
static void test_purge_distrusts_a_forged_summary(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_verify_result r;
	int64_t purged = -1;

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_at(log, (int64_t[]){ 0 }, 1); /* seq 2 */
	assert_int_equal(bs_eventlog_checkpoint(log), 0);
	bs_clock_set(T0 + 200 * DAY);
	append_at(log, (int64_t[]){ 0 }, 1);
	bs_eventlog_close(log);
	/* seq 2 made young; the summary still counts it in T0's second */
	sql(f->db, "UPDATE events SET time_us = 1793145600000000 WHERE seq = 2");
	assert_true(seconds_wrong(f->db) > 0);
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	assert_int_equal(bs_eventlog_purge(log, "tester", &purged), 0);
	assert_int_equal(purged, 1); /* the init event, not the young one behind it */
	bs_eventlog_close(log);
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM events WHERE seq = 2"), 1);
	assert_int_equal(seconds_wrong(f->db), 0); /* rebuilt from the events */
	assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, 2, &r), 0);
	assert_false(r.ok);
	assert_int_equal(r.bad_seq, 2);
}

/* A log made before event_seconds (per-row index, no summary): readers fall back to scans,
 * the first writer upgrades it in one transaction. */
static void test_upgrade_from_time_index(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_eventlog_status st;
	struct bs_verify_result r;

	fill_disordered(f);
	sql(f->db, "DROP TABLE event_seconds; CREATE INDEX events_time ON events (time_us);");
	assert_int_equal(seconds_wrong(f->db), -1);
	/* read-only: status, search, verify work and change nothing */
	assert_int_equal(bs_eventlog_status(f->dir, &st), 0);
	assert_int_equal(st.first_time_us, q_int(f->db, "SELECT min(time_us) FROM events"));
	assert_int_equal(st.last_time_us, q_int(f->db, "SELECT max(time_us) FROM events"));
	for (int64_t s = -20; s <= 20; s += 7) {
		expect_exact(f->dir, f->db, T0 + s * SEC, T0 + s * SEC + 2 * SEC);
		expect_span(f->db, T0 + s * SEC, T0 + s * SEC + 2 * SEC);
	}
	assert_int_equal(bs_eventlog_verify_range(f->dir, NULL, f->vkey, 2, T0 - 5 * SEC, T0, &r), 0);
	assert_true(r.ok);
	assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, 2, &r), 0);
	assert_true(r.ok);
	assert_int_equal(seconds_wrong(f->db), -1);
	/* the writer upgrades */
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	assert_int_equal(seconds_wrong(f->db), 0);
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM sqlite_master WHERE name = 'events_time'"), 0);
	append_at(log, (int64_t[]){ T0 - 30 * SEC, 0 }, 2);
	bs_eventlog_close(log);
	assert_int_equal(seconds_wrong(f->db), 0);
	expect_exact(f->dir, f->db, T0 - 31 * SEC, T0 - 29 * SEC);
	assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, 2, &r), 0);
	assert_true(r.ok);
}

/* Bundles carry event_seconds; those made before it (without) verify by time all the same. */
static void test_bundle_seconds(void **state)
{
	struct fx *f = *state;
	struct bs_verify_result r1, r2;
	char bundle[256];
	int64_t n = 0;

	fill_disordered(f);
	snprintf(bundle, sizeof(bundle), "%s/b.db", f->tmp);
	assert_int_equal(bs_eventlog_export(f->dir, T0 - 5 * SEC, T0 + 5 * SEC, bundle, &n), 0);
	assert_true(n > 0);
	assert_int_equal(seconds_wrong(bundle), 0);
	/* the bundle holds every event of the range */
	assert_int_equal(q_int(bundle, T0_AROUND_5), q_int(f->db, T0_AROUND_5));
	assert_int_equal(bs_eventlog_verify(NULL, bundle, f->vkey, NULL, 2, &r1), 0);
	assert_true(r1.ok);
	assert_int_equal(bs_eventlog_verify_range(NULL, bundle, f->vkey, 2, T0 - 2 * SEC, T0, &r1), 0);
	assert_true(r1.ok);
	sql(bundle, "DROP TABLE event_seconds");
	assert_int_equal(bs_eventlog_verify_range(NULL, bundle, f->vkey, 2, T0 - 2 * SEC, T0, &r2), 0);
	assert_true(r2.ok);
	assert_int_equal(r2.first_seq, r1.first_seq);
	assert_int_equal(r2.last_seq, r1.last_seq);
	assert_int_equal(r2.events, r1.events);
	assert_int_equal(bs_eventlog_verify(NULL, bundle, f->vkey, NULL, 2, &r2), 0);
	assert_true(r2.ok);
}

/* event_seconds is not evidence: forging it changes nothing verify says, and search returns
 * only real matches (exact ones when the forgery contradicts the events it points at). */
static void test_forged_summary(void **state)
{
	static const char *const forgeries[] = {
		"UPDATE event_seconds SET max_seq = min_seq",                        /* spans cut short */
		"UPDATE event_seconds SET min_seq = min_seq + 100000, max_seq = max_seq + 100000",
		"UPDATE event_seconds SET n = n + 1",
		"UPDATE event_seconds SET min_seq = 1, max_seq = 1 WHERE sec % 3 = 0",
		"DELETE FROM event_seconds WHERE sec % 2 = 0",                        /* may hide events */
		"UPDATE event_seconds SET n = 1, max_seq = min_seq",                 /* consistent-looking */
		"DELETE FROM event_seconds",
	};
	struct fx *f = *state;
	struct bs_verify_result good, r;
	char pristine[256], cmd[600];

	fill_disordered(f);
	assert_int_equal(bs_eventlog_verify_range(f->dir, NULL, f->vkey, 2, T0 - 4 * SEC, T0 + 4 * SEC, &good), 0);
	assert_true(good.ok);
	snprintf(pristine, sizeof(pristine), "%s/pristine.db", f->tmp);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", f->db, pristine);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", pristine, f->db);
	for (size_t k = 0; k < sizeof(forgeries) / sizeof(forgeries[0]); k++) {
		assert_int_equal(system(cmd), 0);
		sql(f->db, forgeries[k]);
		assert_true(seconds_wrong(f->db) > 0);
		/* the full verify never reads it */
		assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, 2, &r), 0);
		if (!r.ok)
			fail_msg("forgery %zu: %s", k, r.problem);
		assert_int_equal(r.events, q_int(f->db, "SELECT count(*) FROM events"));
		for (int64_t s = -20; s <= 20; s += 4) {
			(void)expect_subset(f->dir, f->db, T0 + s * SEC, T0 + s * SEC + 3 * SEC);
			/* forgeries that contradict the rows they point at are caught: exact results */
			if (k < 4)
				expect_exact(f->dir, f->db, T0 + s * SEC, T0 + s * SEC + 3 * SEC);
			expect_span_as(f->db, T0 + s * SEC, T0 + s * SEC + 3 * SEC, k < 4);
		}
		/* the audit mode checks the totals too: a range verify covers what it covered before */
		assert_int_equal(bs_eventlog_verify_range(f->dir, NULL, f->vkey, 2, T0 - 4 * SEC, T0 + 4 * SEC, &r), 0);
		assert_true(r.ok);
		assert_int_equal(r.first_seq, good.first_seq);
		assert_int_equal(r.last_seq, good.last_seq);
		/* and a real change in the events is still found with the summary forged */
		sql(f->db, "UPDATE events SET message = 'forged' WHERE seq = 300");
		assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, 2, &r), 0);
		assert_false(r.ok);
		assert_int_equal(r.bad_seq, 300);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_of_time),
		cmocka_unit_test_setup_teardown(test_out_of_order_times_search_exactly, setup_early, teardown),
		cmocka_unit_test_setup_teardown(test_purge_keeps_seconds_consistent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge_distrusts_a_forged_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_time_index, setup_early, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_seconds, setup_early, teardown),
		cmocka_unit_test_setup_teardown(test_forged_summary, setup_early, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
