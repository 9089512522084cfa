/* Unit tests of the event log against a thief with root and keys/ (issue 23): each test forges
 * what such a thief can write, the current sealing key and the signing key in hand, and
 * checks that verify with the auditor's key refuses it. Real SQLite files; time from
 * bs_clock_set. */
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

#include "core/buf.h"
#include "core/clock.h"
#include "datadir/datadir.h"
#include "eventlog/el_internal.h"
#include "eventlog/eventlog.h"

#include "eventlog_fixture.h"

#define SEC 1000000LL
#define EPOCH (15LL * 60 * SEC)
#define DAY (86400LL * SEC)

/* What the thief holds: the signing key, the current sealing key and its epoch, and the
 * log's parameters (from the files beside the log). */
struct thief {
	unsigned char sk[64], key[EL_HASH], log_id[EL_LOGID];
	int64_t key_epoch, start_us, epoch_us;
};

static void read_file(const char *dir, const char *name, unsigned char *out, size_t n)
{
	char path[256];
	int fd;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, out, n), (ssize_t)n);
	close(fd);
}

static void steal(struct fx *f, struct thief *t)
{
	unsigned char seal[EL_SEALFILE_BYTES], k0[EL_HASH], pin[32];
	int has_pin = 0;

	read_file(f->dir, "keys/signing.key", t->sk, 64);
	read_file(f->dir, "keys/seal.key", seal, sizeof(seal));
	t->key_epoch = 0;
	for (int i = 0; i < 8; i++)
		t->key_epoch = (t->key_epoch << 8) | seal[24 + i];
	memcpy(t->key, seal + 32, EL_HASH);
	assert_int_equal(el_vkey_parse(f->vkey, t->log_id, &t->start_us, &t->epoch_us, k0, pin, &has_pin), 0);
}

/* The thief evolves the key he holds forward to epoch e (never back: the old ones are gone). */
static void key_at(const struct thief *t, int64_t e, unsigned char out[EL_HASH])
{
	assert_true(e >= t->key_epoch);
	memcpy(out, t->key, EL_HASH);
	for (int64_t i = t->key_epoch; i < e; i++)
		el_seal_evolve(out);
}

static void exec(sqlite3 *db, const char *q)
{
	if (sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
}

/* Writes event seq (type, data) dated t, chained from prev; its hash into out and its leaf
 * onto f. */
static void put_event(sqlite3 *db, int64_t seq, int64_t t, const char *type, const char *data,
		      unsigned char prev[EL_HASH], struct el_frontier *f)
{
	struct bs_event ev = { seq, t, type, 5, "h", "thief", NULL, "u", "success", "forged", data };
	struct bs_buf b = BS_BUF_INIT;
	unsigned char h[EL_HASH], leaf[EL_HASH];
	sqlite3_stmt *st;

	bs_buf_grow(&b, EL_CHAIN_PREFIX);
	b.len = EL_CHAIN_PREFIX;
	el_encode(&b, &ev);
	el_chain_prefixed((unsigned char *)b.ptr, b.len - EL_CHAIN_PREFIX, prev, h);
	bs_buf_release(&b);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO events (seq, time_us, type, severity, host, source, system, "
					    "user, outcome, message, data, hash) VALUES (?1, ?2, ?3, 5, 'h', 'thief', NULL, "
					    "'u', 'success', 'forged', ?4, ?5)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, t);
	sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
	if (data)
		sqlite3_bind_text(st, 4, data, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, h, EL_HASH, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	memcpy(prev, h, EL_HASH);
	el_leaf(h, leaf);
	el_frontier_push(f, leaf);
}

/* Writes checkpoint idx over f (chain head head), sealed as epoch e with the thief's key. */
static void put_ckpt(sqlite3 *db, const char *path, const struct thief *t, int64_t idx, int64_t e, int64_t time_us,
		     int kind, const struct el_frontier *f, const unsigned char head[EL_HASH])
{
	struct el_checkpoint c;
	unsigned char key[EL_HASH];

	memset(&c, 0, sizeof(c));
	c.idx = idx;
	c.tree_size = (int64_t)f->size;
	c.time_us = time_us;
	c.epoch = e;
	c.epoch_start_us = t->start_us;
	c.epoch_us = t->epoch_us;
	c.kind = kind;
	c.clock_sync = 255;
	memcpy(c.log_id, t->log_id, EL_LOGID);
	el_frontier_root(f, c.root);
	memcpy(c.chain_head, head, EL_HASH);
	key_at(t, e, key);
	el_ckpt_sign(&c, t->sk, key);
	assert_int_equal(el_insert_checkpoint(db, path, &c, f), 0);
}

/* The compact range and chain head at checkpoint idx, where the thief goes on writing. */
static void ckpt_state(sqlite3 *db, int64_t idx, struct el_frontier *fr, unsigned char head[EL_HASH])
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT frontier, chain_head, tree_size FROM checkpoints WHERE idx = ?1", -1,
					    &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, idx);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(el_frontier_load(fr, (uint64_t)sqlite3_column_int64(st, 2), sqlite3_column_blob(st, 0),
					  (size_t)sqlite3_column_bytes(st, 0)), 0);
	memcpy(head, sqlite3_column_blob(st, 1), EL_HASH);
	sqlite3_finalize(st);
}

static void append_msg(struct bs_eventlog *log, const char *msg)
{
	struct bs_event ev = { 0, 0, "test.event", 5, "h", "unit", NULL, "u", "success", msg, NULL };
	assert_int_equal(bs_eventlog_append(log, &ev, 1), 0);
}

static void refused(struct fx *f, const char *bundle, const char *why)
{
	struct bs_verify_result r;
	assert_int_equal(bs_eventlog_verify(bundle ? NULL : f->dir, bundle, f->vkey, NULL, 1, &r), 0);
	if (r.ok)
		fail_msg("verify passed a forgery (expected: %s)", why);
	if (!strstr(r.problem, why))
		fail_msg("verify: %s (expected: %s)", r.problem, why);
}

/* Item 4, the one-epoch lag: in epoch 1 the thief cuts the checkpoints that ended epoch 0 and
 * rewrites what they sealed, re-dated into epoch 1 and sealed with epoch 1's key. Epoch 0 then
 * ends without its end seal. */
static void test_cut_end_seal_is_refused(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct thief t;
	struct el_frontier fr;
	unsigned char head[EL_HASH];
	sqlite3 *db;

	bs_clock_set(T0 + SEC);
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_msg(log, "paid 100");                        /* 2 */
	assert_int_equal(bs_eventlog_checkpoint(log), 0);   /* 2: inside epoch 0 */
	bs_clock_set(T0 + 2 * SEC);
	append_msg(log, "paid 200");                        /* 3 */
	bs_clock_set(T0 + EPOCH + 2 * SEC);
	append_msg(log, "paid 300");                        /* epoch 0's end seal, then 4 */
	bs_eventlog_close(log);
	verify_ok(f);
	steal(f, &t);
	assert_int_equal(t.key_epoch, 1);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	exec(db, "BEGIN");
	exec(db, "DELETE FROM checkpoints WHERE idx > 2");
	exec(db, "DELETE FROM events WHERE seq > 2");
	ckpt_state(db, 2, &fr, head);
	put_event(db, 3, T0 + EPOCH + 3 * SEC, "test.event", NULL, head, &fr);
	put_ckpt(db, f->db, &t, 3, 1, T0 + EPOCH + 4 * SEC, EL_CKPT_V2 | EL_CKPT_CLOSED, &fr, head);
	exec(db, "COMMIT");
	sqlite3_close(db);
	bs_clock_set(T0 + EPOCH + 5 * SEC);
	refused(f, NULL, "epoch 0 has no end seal");
}

/* Item 4, after a closing checkpoint: the thief keeps the epoch-0 times of the events he
 * rewrites, sealed with epoch 1's key. An event is sealed in its own epoch. */
static void test_event_sealed_in_a_later_epoch_is_refused(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct thief t;
	struct el_frontier fr;
	unsigned char head[EL_HASH];
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t last;

	bs_clock_set(T0 + SEC);
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_msg(log, "paid 100");
	bs_clock_set(T0 + EPOCH + 2 * SEC);
	append_msg(log, "paid 300");
	bs_eventlog_close(log);
	verify_ok(f);
	steal(f, &t);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	exec(db, "BEGIN");
	/* back to the checkpoint the setup's init closed with (epoch 0) */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT max(idx) FROM checkpoints WHERE tree_size = 1", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	last = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "DELETE FROM checkpoints WHERE idx > ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, last);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	exec(db, "DELETE FROM events WHERE seq > 1");
	ckpt_state(db, last, &fr, head);
	put_event(db, 2, T0 + SEC, "test.event", NULL, head, &fr);   /* dated in epoch 0, as the original */
	put_ckpt(db, f->db, &t, last + 1, 1, T0 + EPOCH + 4 * SEC, EL_CKPT_V2 | EL_CKPT_CLOSED, &fr, head);
	exec(db, "COMMIT");
	sqlite3_close(db);
	bs_clock_set(T0 + EPOCH + 5 * SEC);
	refused(f, NULL, "sealed late");
}

/* Item 1: the whole history replaced through a made-up purge anchor sealed with today's key
 * and an eventlog.purge event dated 184 days ahead. The purge must be sealed in an epoch at
 * or after the anchor's retention; today's key cannot seal one. */
static void test_fake_purge_anchor_is_refused(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct thief t;
	struct el_frontier fr;
	unsigned char head[EL_HASH], leaf[EL_HASH];
	char data[128];
	sqlite3 *db;
	int64_t now = T0 + 3 * EPOCH + 10 * SEC;

	bs_clock_set(T0 + SEC);
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_msg(log, "the real history");
	bs_eventlog_close(log);
	bs_clock_set(now);
	steal(f, &t);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	exec(db, "BEGIN");
	exec(db, "DELETE FROM checkpoints");
	exec(db, "DELETE FROM events");
	exec(db, "DELETE FROM event_seconds");
	/* a made-up anchor: checkpoint 7 over 40 events nobody can check */
	memset(&fr, 0, sizeof(fr));
	for (int i = 0; i < 40; i++) {
		memset(leaf, i, sizeof(leaf));
		el_frontier_push(&fr, leaf);
	}
	randombytes_buf(head, sizeof(head));
	put_ckpt(db, f->db, &t, 7, el_epoch_of(now, t.start_us, t.epoch_us), now, EL_CKPT_V2, &fr, head);
	snprintf(data, sizeof(data), "{\"anchor\": 7, \"up_to_seq\": 40, \"events\": 40, \"retention_days\": 183}");
	put_event(db, 41, now + 184 * DAY, "eventlog.purge", data, head, &fr);
	put_ckpt(db, f->db, &t, 8, el_epoch_of(now, t.start_us, t.epoch_us), now + SEC, EL_CKPT_V2 | EL_CKPT_CLOSED, &fr,
		 head);
	exec(db, "COMMIT");
	sqlite3_close(db);
	bs_clock_set(now + 2 * SEC);
	refused(f, NULL, "before its anchor");
}

/* Item 2: a bundle forged with today's key for events dated before the log existed: its
 * anchor is any checkpoint, but its events lie after the anchor in time. */
static void test_forged_bundle_of_past_events_is_refused(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	struct thief t;
	struct el_frontier fr;
	unsigned char head[EL_HASH], leaf[EL_HASH];
	char bundle[256];
	sqlite3 *db;
	int64_t now = T0 + 2 * EPOCH + 10 * SEC, e;

	bs_clock_set(T0 + SEC);
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_msg(log, "one");
	bs_eventlog_close(log);
	bs_clock_set(now);
	snprintf(bundle, sizeof(bundle), "%s/b.db", f->tmp);
	int64_t nev = 0;
	assert_int_equal(bs_eventlog_export(f->dir, T0 - DAY, now + DAY, bundle, &nev), 0);
	steal(f, &t);
	e = el_epoch_of(now, t.start_us, t.epoch_us);
	assert_int_equal(sqlite3_open(bundle, &db), SQLITE_OK);
	exec(db, "BEGIN");
	exec(db, "DELETE FROM checkpoints");
	exec(db, "DELETE FROM events");
	exec(db, "DELETE FROM event_seconds");
	memset(&fr, 0, sizeof(fr));
	for (int i = 0; i < 40; i++) {
		memset(leaf, i + 1, sizeof(leaf));
		el_frontier_push(&fr, leaf);
	}
	randombytes_buf(head, sizeof(head));
	put_ckpt(db, bundle, &t, 5, e, now, EL_CKPT_V2, &fr, head);
	put_event(db, 41, 1577836800000000LL, "test.event", NULL, head, &fr); /* 2020-01-01 */
	put_ckpt(db, bundle, &t, 6, e, now + SEC, EL_CKPT_V2, &fr, head);
	exec(db, "COMMIT");
	sqlite3_close(db);
	refused(f, bundle, "re-dated");
}

/* The clock set back across an epoch's start takes no time in the log back: a genuine log
 * written so still verifies. */
static void test_clock_set_back_verifies(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;

	bs_clock_set(T0 + EPOCH + 5 * SEC);
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_msg(log, "in epoch 1");
	bs_eventlog_close(log);
	bs_clock_set(T0 + 10 * SEC); /* back into epoch 0 */
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_msg(log, "clock went back");
	assert_int_equal(bs_eventlog_checkpoint(log), 0);
	append_msg(log, "still back");
	bs_eventlog_close(log);
	bs_clock_set(T0 + EPOCH + 20 * SEC);
	verify_ok(f);
}

/* A log whose checkpoints were all written by a writer before the end-seal rules (kind 0)
 * verifies; the first writer after it keeps the new rules from there on, and a checkpoint of
 * the old kind after one of the new is an edit. */
static void test_old_log_upgrades(void **state)
{
	struct fx *f = *state;
	struct bs_eventlog *log;
	unsigned char k0[EL_HASH], pin[32], id[EL_LOGID], sk[64];
	int64_t s, e, n;
	int has_pin = 0;
	sqlite3 *db;
	sqlite3_stmt *st, *up;

	bs_clock_set(T0 + SEC);
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_msg(log, "old writer");
	bs_eventlog_close(log);
	/* as an old writer left it: every checkpoint of kind 0, sealed with its epoch's key */
	assert_int_equal(el_vkey_parse(f->vkey, id, &s, &e, k0, pin, &has_pin), 0);
	read_file(f->dir, "keys/signing.key", sk, 64);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	exec(db, "BEGIN");
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT " EL_CKPT_COLS " FROM checkpoints ORDER BY idx", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE checkpoints SET kind = 0, sig = ?1, seal = ?2 WHERE idx = ?3", -1,
					    &up, NULL), SQLITE_OK);
	n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct el_checkpoint c;
		unsigned char key[EL_HASH];
		el_ckpt_from_row(st, &c, id, s, e, NULL);
		c.kind = 0;
		memcpy(key, k0, EL_HASH);
		for (int64_t i = 0; i < c.epoch; i++)
			el_seal_evolve(key);
		el_ckpt_sign(&c, sk, key);
		sqlite3_bind_blob(up, 1, c.sig, EL_SIG, SQLITE_STATIC);
		sqlite3_bind_blob(up, 2, c.seal, EL_HASH, SQLITE_STATIC);
		sqlite3_bind_int64(up, 3, c.idx);
		assert_int_equal(sqlite3_step(up), SQLITE_DONE);
		sqlite3_reset(up);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	exec(db, "COMMIT");
	sqlite3_close(db);
	assert_true(n >= 3);
	verify_ok(f);
	bs_clock_set(T0 + 2 * EPOCH + SEC);
	assert_int_equal(bs_eventlog_open(&log, f->dir), 0);
	append_msg(log, "new writer");
	bs_eventlog_close(log);
	verify_ok(f);
	/* the last checkpoint back to the old kind: refused (re-signing needs only the signing
	 * key; re-sealing it with the current key as the thief could) */
	{
		struct thief t;
		struct el_checkpoint c;
		unsigned char key[EL_HASH];
		steal(f, &t);
		assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT " EL_CKPT_COLS " FROM checkpoints ORDER BY idx DESC LIMIT 1",
						    -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		el_ckpt_from_row(st, &c, id, s, e, NULL);
		sqlite3_finalize(st);
		c.kind = 0;
		key_at(&t, c.epoch, key);
		el_ckpt_sign(&c, t.sk, key);
		assert_int_equal(sqlite3_prepare_v2(db, "UPDATE checkpoints SET kind = 0, sig = ?1, seal = ?2 WHERE idx = ?3",
						    -1, &up, NULL), SQLITE_OK);
		sqlite3_bind_blob(up, 1, c.sig, EL_SIG, SQLITE_STATIC);
		sqlite3_bind_blob(up, 2, c.seal, EL_HASH, SQLITE_STATIC);
		sqlite3_bind_int64(up, 3, c.idx);
		assert_int_equal(sqlite3_step(up), SQLITE_DONE);
		sqlite3_finalize(up);
		sqlite3_close(db);
	}
	refused(f, NULL, "end-seal rules");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cut_end_seal_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_sealed_in_a_later_epoch_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_purge_anchor_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_bundle_of_past_events_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_set_back_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_log_upgrades, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
