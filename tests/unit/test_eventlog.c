/* Unit tests of src/eventlog: real SQLite files in a temp dir, time from bs_clock_set. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
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

#define EPOCH (15LL * 60 * 1000000)
#define DAY (86400LL * 1000000)

static int append1(struct bs_eventlog *log, const char *msg)
{
	struct bs_event ev = { 0, 0, "test.event", 5, "h", "unit", NULL, "u", "success", msg, "{\"k\": 1}" };
	return bs_eventlog_append(log, &ev, 1);
}

/* RFC 6962 MTH computed the textbook way, to check the compact-range code against. */
static void mth(unsigned char (*leaves)[EL_HASH], size_t n, unsigned char out[EL_HASH])
{
	size_t k = 1;
	unsigned char l[EL_HASH], r[EL_HASH];
	if (n == 1) {
		memcpy(out, leaves[0], EL_HASH);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	mth(leaves, k, l);
	mth(leaves + k, n - k, r);
	el_node(l, r, out);
}

static void test_merkle_matches_rfc6962(void **state)
{
	unsigned char leaves[70][EL_HASH], a[EL_HASH], b[EL_HASH];
	struct el_frontier fr;
	(void)state;
	memset(&fr, 0, sizeof(fr));
	for (int i = 0; i < 70; i++) {
		unsigned char h[EL_HASH];
		memset(h, i, sizeof(h));
		el_leaf(h, leaves[i]);
		el_frontier_push(&fr, leaves[i]);
		el_frontier_root(&fr, a);
		mth(leaves, (size_t)i + 1, b);
		assert_memory_equal(a, b, EL_HASH);
	}
	/* The empty tree is SHA-256 of nothing. */
	memset(&fr, 0, sizeof(fr));
	el_frontier_root(&fr, a);
	crypto_hash_sha256(b, NULL, 0);
	assert_memory_equal(a, b, EL_HASH);
}

static void test_encoding_is_unambiguous(void **state)
{
	struct bs_buf a = BS_BUF_INIT, b = BS_BUF_INIT;
	struct bs_event e1 = { 1, 2, "t", 5, "ab", "c", NULL, NULL, NULL, NULL, NULL };
	struct bs_event e2 = { 1, 2, "t", 5, "a", "bc", NULL, NULL, NULL, NULL, NULL };
	struct bs_event e3 = { 1, 2, "t", 5, "ab", "c", "", NULL, NULL, NULL, NULL };
	(void)state;
	el_encode(&a, &e1);
	el_encode(&b, &e2);
	assert_false(a.len == b.len && !memcmp(a.ptr, b.ptr, a.len));
	bs_buf_clear(&b);
	el_encode(&b, &e3); /* NULL and "" differ */
	assert_false(a.len == b.len && !memcmp(a.ptr, b.ptr, a.len));
	bs_buf_release(&a);
	bs_buf_release(&b);
}

struct thr {
	struct bs_eventlog *log;
	int fails;
};

static void *writer(void *p)
{
	struct thr *t = p;
	for (int i = 0; i < 300; i++)
		if (append1(t->log, "from a thread") != 0)
			t->fails++;
	return NULL;
}

static void test_concurrent_appends_are_all_chained(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_eventlog_status st;
	pthread_t th[4];
	struct thr t[4];

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	for (int i = 0; i < 4; i++) {
		t[i].log = log;
		t[i].fails = 0;
		assert_int_equal(pthread_create(&th[i], NULL, writer, &t[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].fails, 0);
	}
	bs_eventlog_close(log);
	assert_int_equal(bs_eventlog_status(f->dir, &st), 0);
	assert_int_equal(st.events, 1 + 4 * 300);
	assert_int_equal(st.last_seq, 1 + 4 * 300);
	verify_ok(f);
}

static void test_every_epoch_gets_a_seal(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_eventlog_status st;

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	assert_int_equal(append1(log, "epoch 0"), 0);
	bs_clock_set(T0 + 5 * EPOCH + 1000);
	assert_int_equal(append1(log, "epoch 5"), 0);
	bs_eventlog_close(log);
	assert_int_equal(bs_eventlog_status(f->dir, &st), 0);
	assert_int_equal(st.ckpt_epoch, 5);
	verify_ok(f);
}

/* A thief holding today's keys re-seals an old checkpoint: verify says so. */
static void test_seal_with_later_key_is_detected(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_verify_result r;
	unsigned char sealfile[EL_SEALFILE_BYTES], sk[64];
	char path[256], sql[512];
	int fd;

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	assert_int_equal(append1(log, "old"), 0);
	bs_clock_set(T0 + 3 * EPOCH + 1);
	assert_int_equal(append1(log, "new"), 0);
	bs_eventlog_close(log);
	verify_ok(f);
	/* Read today's sealing key (epoch 3) and the signing key, as a thief would. */
	snprintf(path, sizeof(path), "%s/keys/seal.key", f->dir);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, sealfile, sizeof(sealfile)), sizeof(sealfile));
	close(fd);
	assert_int_equal(sealfile[31], 3);
	snprintf(path, sizeof(path), "%s/keys", f->dir);
	{
		sqlite3 *db;
		sqlite3_stmt *st;
		struct el_checkpoint c;
		unsigned char id[EL_LOGID];
		unsigned char pin[32];
		int64_t s, e;
		int has_pin = 0;
		assert_int_equal(el_vkey_parse(f->vkey, id, &s, &e, (unsigned char[EL_HASH]){ 0 }, pin, &has_pin), 0);
		assert_int_equal(has_pin, 1); /* init's key names the signing key */
		snprintf(path, sizeof(path), "%s/events.db", f->dir);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		snprintf(sql, sizeof(sql), "SELECT " EL_CKPT_COLS " FROM checkpoints WHERE idx = 1");
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		el_ckpt_from_row(st, &c, id, s, e, NULL);
		sqlite3_finalize(st);
		assert_int_equal(c.epoch, 0);
		snprintf(path, sizeof(path), "%s/keys/signing.key", f->dir);
		fd = open(path, O_RDONLY);
		assert_int_equal(read(fd, sk, 64), 64);
		close(fd);
		el_ckpt_sign(&c, sk, sealfile + 32);
		assert_int_equal(sqlite3_prepare_v2(db, "UPDATE checkpoints SET sig = ?1, seal = ?2 WHERE idx = 1", -1, &st, NULL),
				 SQLITE_OK);
		sqlite3_bind_blob(st, 1, c.sig, EL_SIG, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, c.seal, EL_HASH, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, 1, &r), 0);
	assert_false(r.ok);
	assert_int_equal(r.bad_checkpoint, 1);
	assert_non_null(strstr(r.problem, "sealed with a later epoch's key"));
}

/* A checkpoint dated after the verifier's clock (re-signed and sealed with today's keys, its
 * epoch consistent with its time) is refused: nobody writes tomorrow's checkpoints today. */
static void test_checkpoint_in_the_future_is_refused(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_verify_result r;
	unsigned char sealfile[EL_SEALFILE_BYTES], sk[64], id[EL_LOGID], pin[32];
	struct el_checkpoint c;
	sqlite3 *db;
	sqlite3_stmt *st;
	char path[256];
	int64_t s, e, last;
	int fd, has_pin = 0;

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	assert_int_equal(append1(log, "today"), 0);
	bs_eventlog_close(log);
	verify_ok(f);
	snprintf(path, sizeof(path), "%s/keys/seal.key", f->dir);
	fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, sealfile, sizeof(sealfile)), sizeof(sealfile));
	close(fd);
	snprintf(path, sizeof(path), "%s/keys/signing.key", f->dir);
	fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, sk, 64), 64);
	close(fd);
	assert_int_equal(el_vkey_parse(f->vkey, id, &s, &e, (unsigned char[EL_HASH]){ 0 }, pin, &has_pin), 0);
	snprintf(path, sizeof(path), "%s/events.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT " EL_CKPT_COLS " FROM checkpoints ORDER BY idx DESC LIMIT 1", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	el_ckpt_from_row(st, &c, id, s, e, NULL);
	sqlite3_finalize(st);
	last = c.idx;
	c.time_us = bs_clock_now() + 86400LL * 1000000; /* tomorrow, sealed with today's key */
	el_ckpt_sign(&c, sk, sealfile + 32);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE checkpoints SET time_us = ?1, sig = ?2, seal = ?3 WHERE idx = ?4", -1,
					    &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, c.time_us);
	sqlite3_bind_blob(st, 2, c.sig, EL_SIG, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, c.seal, EL_HASH, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, last);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, 1, &r), 0);
	assert_false(r.ok);
	assert_int_equal(r.bad_checkpoint, last);
	assert_non_null(strstr(r.problem, "dated in the future"));
}

static void test_write_failure_raises_alert_and_fails_closed(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_event_filter flt;
	char alert[512];
	int n = 0;

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	assert_int_equal(bs_eventlog_alert_pending(f->dir, alert, sizeof(alert)), 0);
	bs_eventlog_test_fail_writes(log, 1);
	assert_int_equal(append1(log, "lost?"), BS_ERR);
	assert_non_null(strstr(bs_error_message(), "disk is full"));
	assert_int_equal(bs_eventlog_alert_pending(f->dir, alert, sizeof(alert)), 1);
	assert_non_null(strstr(alert, "write failed"));
	/* The next write that works records the alert as an event. */
	assert_int_equal(append1(log, "after"), 0);
	bs_eventlog_close(log);
	memset(&flt, 0, sizeof(flt));
	flt.type = "eventlog.alert";
	int count(const struct bs_event *ev, void *p);
	assert_int_equal(bs_eventlog_each(f->dir, &flt, count, &n), 0);
	assert_int_equal(n, 1);
	flt.type = "test.event";
	n = 0;
	assert_int_equal(bs_eventlog_each(f->dir, &flt, count, &n), 0);
	assert_int_equal(n, 1); /* the failed one is not there, the later one is */
	verify_ok(f);
}

/* A failed sync of a committed batch (an I/O error after the commit) fails that batch's
 * callers and every later write in this process; a new process goes on from the disk. */
static void test_sync_failure_fails_closed(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	char alert[512];

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	assert_int_equal(append1(log, "before"), 0);
	if (!bs_eventlog_test_fail_syncs(log, 1)) {
		bs_eventlog_close(log);
		skip(); /* this log syncs in its commits: nothing to fail */
	}
	assert_int_equal(append1(log, "not acknowledged"), BS_ERR);
	assert_non_null(strstr(bs_error_message(), "cannot write to disk"));
	assert_int_equal(bs_eventlog_alert_pending(f->dir, alert, sizeof(alert)), 1);
	assert_non_null(strstr(alert, "write failed"));
	/* fail closed: no later write is taken by this process */
	assert_int_equal(append1(log, "refused"), BS_ERR);
	assert_non_null(strstr(bs_error_message(), "an earlier write to disk failed"));
	bs_eventlog_close(log);
	/* a new process: the alert becomes an event and the log verifies */
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	assert_int_equal(append1(log, "after restart"), 0);
	bs_eventlog_close(log);
	verify_ok(f);
}

int count(const struct bs_event *ev, void *p)
{
	(void)ev;
	(*(int *)p)++;
	return 0;
}

static void test_purge_keeps_young_events_and_verifies(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_eventlog_status st;
	int64_t purged = -1;

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(append1(log, "old"), 0);
	assert_int_equal(bs_eventlog_checkpoint(log), 0);
	bs_clock_set(T0 + 100 * DAY);
	assert_int_equal(append1(log, "middle"), 0);
	assert_int_equal(bs_eventlog_purge(log, "tester", &purged), 0);
	assert_int_equal(purged, 0); /* nothing is 183 days old */
	bs_clock_set(T0 + 200 * DAY);
	assert_int_equal(append1(log, "new"), 0);
	assert_int_equal(bs_eventlog_purge(log, "tester", &purged), 0);
	assert_int_equal(purged, 6); /* init + 5 old; "middle" (100 days old) stays */
	bs_eventlog_close(log);
	assert_int_equal(bs_eventlog_status(f->dir, &st), 0);
	assert_int_equal(st.first_seq, 7);
	verify_ok(f);
}

static void test_retention_only_upward(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	assert_int_equal(bs_eventlog_set_retention(log, "tester", 100), BS_EINVALID);
	assert_int_equal(bs_eventlog_set_retention(log, "tester", 365), 0);
	assert_int_equal(bs_eventlog_set_retention(log, "tester", 300), BS_EINVALID);
	bs_eventlog_close(log);
	verify_ok(f);
}

static void test_validation(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_event ev = { 0, 0, "Bad", 5, NULL, NULL, NULL, NULL, NULL, "m", NULL };

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	assert_int_equal(bs_eventlog_append(log, &ev, 1), BS_EINVALID);
	ev.type = "ok";
	ev.severity = 9;
	assert_int_equal(bs_eventlog_append(log, &ev, 1), BS_EINVALID);
	ev.severity = 3;
	ev.message = "bad\x01";
	assert_int_equal(bs_eventlog_append(log, &ev, 1), BS_EINVALID);
	ev.message = "ok";
	ev.data = "{\"a\":";
	assert_int_equal(bs_eventlog_append(log, &ev, 1), BS_EINVALID);
	ev.data = NULL;
	ev.outcome = "maybe";
	assert_int_equal(bs_eventlog_append(log, &ev, 1), BS_EINVALID);
	bs_eventlog_close(log);
}


/* libcrypto's SHA-256 (hot paths) gives libsodium's bytes; the one-pass chain and the
 * field encoder give the documented encoding. */
static void test_hashing_and_encoding_agree(void **state)
{
	unsigned char in[300], a[EL_HASH], b[EL_HASH], buf[EL_CHAIN_PREFIX + 400];
	struct bs_buf e = BS_BUF_INIT;
	struct bs_event ev = { 7, 1234567, "t.x", 3, "h", NULL, "", "u", "success", "m\xc3\xa9", "{}" };
	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7);
	for (size_t n = 0; n <= sizeof(in); n += 13) {
		el_sha256(in, n, a);
		crypto_hash_sha256(b, in, n);
		assert_memory_equal(a, b, EL_HASH);
	}
	el_encode(&e, &ev);
	el_chain(in, e.ptr, e.len, a);
	memcpy(buf + EL_CHAIN_PREFIX, e.ptr, e.len);
	el_chain_prefixed(buf, e.len, in, b);
	assert_memory_equal(a, b, EL_HASH);
	{
		crypto_hash_sha256_state h;
		unsigned char tag = 0x45;
		crypto_hash_sha256_init(&h);
		crypto_hash_sha256_update(&h, &tag, 1);
		crypto_hash_sha256_update(&h, in, EL_HASH);
		crypto_hash_sha256_update(&h, (const unsigned char *)e.ptr, e.len);
		crypto_hash_sha256_final(&h, b);
		assert_memory_equal(a, b, EL_HASH);
	}
	bs_buf_release(&e);
}

static void append_many(struct bs_eventlog *log, int n)
{
	static struct bs_event ev[1000];
	static char msg[1000][32];
	for (int done = 0; done < n; done += 1000) {
		int k = n - done < 1000 ? n - done : 1000;
		for (int i = 0; i < k; i++) {
			snprintf(msg[i], sizeof(msg[i]), "event %d", done + i);
			ev[i] = (struct bs_event){ 0, 0, "test.bulk", 6, "h", "unit", NULL, "u", NULL, msg[i], NULL };
		}
		assert_int_equal(bs_eventlog_append(log, ev, (size_t)k), 0);
	}
}

static void sql(struct fx *f, const char *q)
{
	char path[256];
	sqlite3 *db;
	snprintf(path, sizeof(path), "%s/events.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void expect_bad(struct fx *f, int threads, int64_t seq, const char *what)
{
	struct bs_verify_result r;
	assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, threads, &r), 0);
	assert_false(r.ok);
	if (r.bad_seq != seq || !strstr(r.problem, what))
		fail_msg("threads %d: expected event %lld %s, got: %s", threads, (long long)seq, what, r.problem);
}

/* Events span several verify blocks (16384 events each): every thread count reports the same
 * first problem, also when a later block has one too. */
static void test_parallel_verify_names_the_first_problem(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_verify_result r1, r2;
	char snap[300], cmd[700];

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_many(log, 40000);
	bs_eventlog_close(log);
	assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, 1, &r1), 0);
	assert_int_equal(bs_eventlog_verify(f->dir, NULL, f->vkey, NULL, 2, &r2), 0);
	assert_true(r1.ok && r2.ok);
	assert_int_equal(r1.events, 40001);
	assert_int_equal(r2.events, 40001);
	assert_string_equal(r1.head, r2.head);
	snprintf(snap, sizeof(snap), "%s/pristine.db", f->tmp);
	snprintf(cmd, sizeof(cmd), "cp '%s/events.db' '%s'", f->dir, snap);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/events.db'", snap, f->dir);

	sql(f, "UPDATE events SET message = 'x' WHERE seq IN (20000, 36000)");
	for (int t = 1; t <= 4; t++)
		expect_bad(f, t, 20000, "event 20000: modified");
	assert_int_equal(system(cmd), 0);
	sql(f, "DELETE FROM events WHERE seq = 16385");
	for (int t = 1; t <= 4; t++)
		expect_bad(f, t, 16385, "event 16385: missing");
	assert_int_equal(system(cmd), 0);
	sql(f, "DELETE FROM events WHERE seq = 32768");
	for (int t = 1; t <= 2; t++)
		expect_bad(f, t, 32768, "event 32768: missing");
	assert_int_equal(system(cmd), 0);
	sql(f, "UPDATE events SET seq = -1 WHERE seq = 16384; UPDATE events SET seq = 16384 WHERE seq = 16385;"
	       "UPDATE events SET seq = 16385 WHERE seq = -1");
	for (int t = 1; t <= 2; t++)
		expect_bad(f, t, 16384, "event 16384: reordered");
	assert_int_equal(system(cmd), 0);
	/* A checkpoint whose root does not match the events is named before later events. */
	sql(f, "UPDATE checkpoints SET root = zeroblob(32) WHERE idx = (SELECT max(idx) FROM checkpoints)");
	{
		struct bs_verify_result r;
		assert_int_equal(bs_eventlog_verify(f->dir, NULL, NULL, NULL, 2, &r), 0);
		assert_false(r.ok);
		assert_non_null(strstr(r.problem, "bad signature"));
	}
	assert_int_equal(system(cmd), 0);
	verify_ok(f);
}

static void test_verify_range(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct bs_verify_result r;

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_many(log, 3000);
	assert_int_equal(bs_eventlog_checkpoint(log), 0);
	bs_clock_set(T0 + DAY);
	append_many(log, 2000);
	assert_int_equal(bs_eventlog_checkpoint(log), 0);
	bs_clock_set(T0 + 2 * DAY);
	append_many(log, 1000);
	bs_eventlog_close(log);
	/* The middle day: events 3002..5001, between two checkpoints. */
	assert_int_equal(bs_eventlog_verify_range(f->dir, NULL, f->vkey, 2, T0 + DAY, T0 + DAY + 1000, &r), 0);
	if (!r.ok)
		fail_msg("range: %s", r.problem);
	assert_int_equal(r.first_seq, 3002);
	assert_int_equal(r.last_seq, 5001);
	assert_int_equal(r.events, 2000);
	sql(f, "UPDATE events SET message = 'x' WHERE seq = 100");
	assert_int_equal(bs_eventlog_verify_range(f->dir, NULL, f->vkey, 2, T0 + DAY, T0 + DAY + 1000, &r), 0);
	assert_true(r.ok); /* outside the range */
	sql(f, "UPDATE events SET message = 'x' WHERE seq = 4000");
	assert_int_equal(bs_eventlog_verify_range(f->dir, NULL, f->vkey, 2, T0 + DAY, T0 + DAY + 1000, &r), 0);
	assert_false(r.ok);
	assert_int_equal(r.bad_seq, 4000);
	assert_non_null(strstr(r.problem, "event 4000: modified"));
	/* To the end of the log. */
	assert_int_equal(bs_eventlog_verify_range(f->dir, NULL, f->vkey, 2, T0 + 2 * DAY, INT64_MAX, &r), 0);
	assert_true(r.ok);
	assert_int_equal(r.last_seq, 6001);
}

/* The writer runs the capacity projection at its own checkpoints and raises the alert. */
static void test_capacity_alert_at_checkpoint(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	char alert[512];

	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_many(log, 10);
	assert_int_equal(bs_eventlog_alert_pending(f->dir, alert, sizeof(alert)), 0);
	bs_eventlog_test_free_bytes(log, 4096);
	append_many(log, 1000); /* checkpoint_every: a checkpoint of the writer's own */
	assert_int_equal(bs_eventlog_alert_pending(f->dir, alert, sizeof(alert)), 1);
	assert_non_null(strstr(alert, "free space"));
	bs_eventlog_close(log);
	verify_ok(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merkle_matches_rfc6962),
		cmocka_unit_test(test_encoding_is_unambiguous),
		cmocka_unit_test_setup_teardown(test_concurrent_appends_are_all_chained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_epoch_gets_a_seal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seal_with_later_key_is_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_in_the_future_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure_raises_alert_and_fails_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_failure_fails_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge_keeps_young_events_and_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention_only_upward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
		cmocka_unit_test(test_hashing_and_encoding_agree),
		cmocka_unit_test_setup_teardown(test_parallel_verify_names_the_first_problem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capacity_alert_at_checkpoint, setup, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
