/*
 * fuzz_datadir.h - a real data directory for the harnesses that change state (fuzz_csv,
 * fuzz_http): made once by LLVMFuzzerInitialize with the code `brokersec init` uses
 * (bs_datadir_init, on tmpfs when there is one), then snapshotted; after every input that
 * changed brokersec.db it is rolled back to the snapshot (SQLite's backup API into the open
 * connection), so every input runs against the same state and a crash replays alone. The
 * event log only grows (nothing a handler decides depends on it); it is put back every
 * FUZZ_EVENTS_RESET inputs so that a long run does not fill the disk.
 *
 * The clock is pinned (bs_clock_set) for the whole run: sessions never go idle, and what an
 * input does does not depend on when it runs.
 *
 * Argon2id: the directory is a test data directory (datadir.h, BS_DATADIR_TEST_KDF), as the
 * test suite makes them, or a sign-in would take 100 ms and 64 MiB per input. The hashes are
 * real Argon2id strings at libsodium's minimum cost; every code path is the same.
 */
#ifndef BS_FUZZ_DATADIR_H
#define BS_FUZZ_DATADIR_H

#include <sodium.h>
#include <sqlite3.h>

#include "core/clock.h"
#include "core/error.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"
#include "store/store.h"

#include "fuzz_common.h"

/* 2025-06-30T01:00:00Z: a weekday morning in Asia/Taipei (09:00), inside any office hours. */
#define FUZZ_T0 INT64_C(1751245200000000)
#define FUZZ_EVENTS_RESET 2000

struct fuzz_datadir {
	char path[600];
	struct bs_datadir *dd;
	sqlite3 *pristine;          /* brokersec.db as snapshotted, in memory */
	int64_t changes;            /* total_changes of dd's connection after the last restore */
	struct bs_buf events, seal; /* events.db and keys/seal.key as snapshotted */
	unsigned long inputs;
};

static inline void fuzz_dd_fail(const char *what)
{
	fprintf(stderr, "fuzz data directory: %s: %s\n", what, bs_error_message());
	abort();
}

/* Creates and opens <tmp>/data (as `brokersec init --org ... --internal-control yes`). */
static inline void fuzz_dd_create(struct fuzz_datadir *f, const char *name, unsigned profile_mask)
{
	memset(f, 0, sizeof(*f));
	bs_clock_set(FUZZ_T0);
	snprintf(f->path, sizeof(f->path), "%s/data", fuzz_tmpdir(name));
	if (setenv(BS_TESTING_ENV, "1", 1) != 0)
		fuzz_dd_fail("setenv");
	if (bs_datadir_init_flags(f->path, "模糊測試保險經紀人股份有限公司", profile_mask, "fuzz", BS_DATADIR_TEST_KDF,
				  NULL, 0) < 0)
		fuzz_dd_fail("init");
	if (bs_datadir_open(&f->dd, f->path) < 0)
		fuzz_dd_fail("open");
	f->dd->actor = "fuzz";
	f->dd->source = "cli";
}

static inline char *fuzz_dd_file(const struct fuzz_datadir *f, const char *rel)
{
	struct bs_buf p = BS_BUF_INIT;
	bs_buf_printf(&p, "%s/%s", f->path, rel);
	return bs_buf_detach(&p, NULL);
}

static inline void fuzz_dd_close_events(struct fuzz_datadir *f)
{
	bs_eventlog_close(f->dd->events);
	f->dd->events = NULL;
}

static inline void fuzz_dd_read(const struct fuzz_datadir *f, const char *rel, struct bs_buf *out)
{
	char *p = fuzz_dd_file(f, rel);
	bs_buf_clear(out);
	if (bs_buf_read_file(out, p) < 0)
		fuzz_dd_fail(rel);
	free(p);
}

static inline void fuzz_dd_put_back(const struct fuzz_datadir *f, const char *rel, const struct bs_buf *b)
{
	static const char *const sfx[] = { "-wal", "-shm" };
	char *p = fuzz_dd_file(f, rel);
	for (int i = 0; i < 2; i++) {
		struct bs_buf q = BS_BUF_INIT;
		bs_buf_printf(&q, "%s%s", p, sfx[i]);
		unlink(q.ptr);
		bs_buf_release(&q);
	}
	fuzz_write(p, b->ptr, b->len);
	free(p);
}

/* The state every input starts from: call once setup is done. */
static inline void fuzz_dd_snapshot(struct fuzz_datadir *f)
{
	sqlite3 *db = bs_store_sqlite(f->dd->store);
	sqlite3_backup *b;

	fuzz_dd_close_events(f);
	fuzz_dd_read(f, "events.db", &f->events);
	fuzz_dd_read(f, "keys/seal.key", &f->seal);
	if (sqlite3_open(":memory:", &f->pristine) != SQLITE_OK ||
	    !(b = sqlite3_backup_init(f->pristine, "main", db, "main")) || sqlite3_backup_step(b, -1) != SQLITE_DONE ||
	    sqlite3_backup_finish(b) != SQLITE_OK) {
		fprintf(stderr, "cannot snapshot brokersec.db: %s\n", sqlite3_errmsg(f->pristine));
		abort();
	}
	f->changes = sqlite3_total_changes64(db);
}

/* Back to the snapshot after an input: brokersec.db when it changed, the event log now and
 * then. */
static inline void fuzz_dd_restore(struct fuzz_datadir *f)
{
	sqlite3 *db = bs_store_sqlite(f->dd->store);
	sqlite3_backup *b;

	bs_store_rollback(f->dd->store);
	f->dd->actor = "fuzz";
	f->dd->source = "cli";
	if (sqlite3_total_changes64(db) != f->changes) {
		if (!(b = sqlite3_backup_init(db, "main", f->pristine, "main")) || sqlite3_backup_step(b, -1) != SQLITE_DONE ||
		    sqlite3_backup_finish(b) != SQLITE_OK) {
			fprintf(stderr, "cannot restore brokersec.db: %s\n", sqlite3_errmsg(db));
			abort();
		}
		f->changes = sqlite3_total_changes64(db);
	}
	if (++f->inputs % FUZZ_EVENTS_RESET == 0) {
		fuzz_dd_close_events(f);
		fuzz_dd_put_back(f, "events.db", &f->events);
		fuzz_dd_put_back(f, "keys/seal.key", &f->seal);
	}
	bs_error_clear();
}

#endif
