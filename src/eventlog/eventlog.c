/* eventlog.c - events.db: create, open, the single writer thread with group commit,
 * checkpoints with forward-secure seals, bs_audit, alerts. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/utf8.h"
#include "datadir/datadir.h"
#include "eventlog/el_internal.h"
#include "keys/keys.h"

#define QUEUE_MAX_EVENTS 65536   /* callers block while this many events wait */
#define BATCH_MAX_EVENTS BS_EVENTLOG_BATCH_MAX /* one transaction commits at most this many */
#define MESSAGE_MAX 65536
#define FIELD_MAX 1024
#define SEALFILE_MAGIC "BSSEAL01"
#define DAY_US (86400LL * 1000000)
#define PAGE_SIZE_STR "16384"    /* events.db's page size, set when it is made */
#define WAL_CKPT_PAGES 1024      /* ask for a checkpoint once the WAL holds this many pages (16 MiB) */
#define WAL_HARD_PAGES 4096      /* ... and wait for it above this (64 MiB) */
#define CAPACITY_CHECK_US (3600LL * 1000000) /* the writer projects capacity at most hourly */
#define INS_ROWS 16              /* rows one pipelined INSERT statement writes */
#define PIPELINE_MIN 256         /* smaller transactions chain their events on the writer itself */
#define SECS_MAX 8               /* event_seconds rows a transaction collects before it writes them */

enum { OP_APPEND, OP_PURGE, OP_RETENTION };

struct req {
	size_t n;
	/* Encoded by the caller (outside the writer): event i's encoding starts at
	 * enc + off[i] + EL_CHAIN_PREFIX and runs to enc + off[i + 1], with room in front for
	 * the chain prefix; seq and time are patched in by the writer, which binds the columns
	 * from the encoding too. t0[i] is the caller's time (0: the commit time). */
	unsigned char *enc;
	const size_t *off;
	const int64_t *t0;
	struct bs_event *ev;         /* bs_eventlog_append: seq and time are written back */
	int64_t first_seq;
	int force_checkpoint;
	int op;                      /* OP_APPEND, OP_PURGE, OP_RETENTION */
	int pipelined;               /* a bs_eventlog_batch: fails when its generation failed */
	uint64_t gen;
	const char *user;
	int days;
	int64_t purged;
	int done, err;
	char msg[1024];
	struct req *next;
};

/* Encodings of events before they are queued: the body of bs_eventlog_batch. */
struct enc_set {
	struct bs_buf enc;
	size_t *off;                 /* n + 1 offsets */
	int64_t *t0;
	size_t n, cap;
};

struct bs_eventlog_batch {
	struct enc_set es;
	struct req r;
	int in_flight;
};

/* One event_seconds row being collected: the events of this transaction in second sec. */
struct sec_acc {
	int64_t sec, min_seq, max_seq, n;
};

/* The state the writer reads at the start of each transaction (another process may write). */
struct head {
	struct el_checkpoint c;      /* the last checkpoint */
	struct el_frontier f;        /* compact range of the first f.size events (c.tree_size <= f.size <= last_seq) */
	int64_t last_seq;
	unsigned char last_hash[EL_HASH];
};

struct bs_eventlog {
	char *dir, *dbpath, *sealpath, *alertpath;
	sqlite3 *db;                 /* the writer's connection: only the writer thread uses it */
	unsigned char *sk;           /* Ed25519 secret key, sodium_malloc'd */
	unsigned char log_id[EL_LOGID];
	int64_t epoch_start_us, epoch_us, every, ckpt_us;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_done, cv_space;
	struct req *head, *tail;
	size_t queued;
	int stop, started;
	int fail_writes;             /* tests: fail the next n commits */
	int fail_syncs;              /* tests: fail the next n syncs (under mu) */
	/* Durability beside the writer (syncer_main): the writer commits without waiting for the
	 * disk (synchronous=NORMAL) and hands the committed requests to the syncer, which
	 * fdatasyncs the WAL and only then completes them; meanwhile the writer stores the next
	 * batch. Without the syncer (no WAL descriptor, no thread) the writer commits with
	 * synchronous=FULL as before. unsynced and sync_stop under mu. */
	pthread_t sync_thread;
	pthread_cond_t cv_sync;
	int sync_started, sync_stop, wal_fd;
	struct req *unsynced, *unsynced_tail;
	atomic_int sync_failed;      /* a sync failed: nothing more is written (fail closed) */
	/* Pipelined batches (bs_eventlog_batch): those of a generation that failed fail too,
	 * until a producer has seen the failure in bs_eventlog_batch_wait (the next generation). */
	uint64_t pipe_gen, pipe_poisoned;
	/* WAL checkpoints run on their own thread and connection, beside the writer (whose
	 * autocheckpoint is off): under load they would double the writer's work. ckpt_mu guards
	 * the fields below; the writer waits for a checkpoint only when the WAL outgrows
	 * WAL_HARD_PAGES, so that it can start over from its beginning. */
	pthread_t ckpt_thread;
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_cv;
	int ckpt_started, ckpt_stop;
	uint64_t ckpt_asked, ckpt_done; /* requests made / the last request a finished run covers */
	struct bs_buf enc;
	/* Chains large transactions' events beside the writer (hasher.c); NULL: the writer
	 * chains them itself. items holds one transaction's events, BATCH_MAX_EVENTS of them. */
	struct el_hasher *hasher;
	struct el_chain_item *items;
	int hasher_failed;           /* no thread could start: chain on the writer */
	/* Writer thread only: statements kept across transactions, and the head as of our last
	 * commit, valid while no other connection has written (PRAGMA data_version). */
	sqlite3_stmt *ins, *ins_many, *dv, *ins_sec; /* ins_many: INS_ROWS rows */
	struct sec_acc secs[SECS_MAX]; /* this transaction's event_seconds rows, not yet written */
	int nsecs;
	struct head cache;
	int cache_valid;
	int64_t cache_dv;
	int64_t last_capacity_check;  /* bs_clock_now() of the last projection, 0 never */
	int64_t test_free_bytes;      /* tests: the free space to assume, -1 the real one */
};


static int sync_wal(struct bs_eventlog *log, int inject);

static const char schema[] =
	"PRAGMA page_size=" PAGE_SIZE_STR "; PRAGMA journal_mode=WAL;"
	"CREATE TABLE meta (k TEXT PRIMARY KEY, v) WITHOUT ROWID;"
	"CREATE TABLE events (seq INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, type TEXT NOT NULL,"
	" severity INTEGER NOT NULL, host TEXT, source TEXT, system TEXT, user TEXT, outcome TEXT,"
	" message TEXT, data TEXT, hash BLOB NOT NULL);"
	EL_SECONDS_DDL
	"CREATE TABLE checkpoints (idx INTEGER PRIMARY KEY, tree_size INTEGER NOT NULL, time_us INTEGER NOT NULL,"
	" epoch INTEGER NOT NULL, root BLOB NOT NULL, chain_head BLOB NOT NULL, clock_sync INTEGER NOT NULL,"
	" clock_state INTEGER NOT NULL, clock_maxerror_us INTEGER NOT NULL, clock_esterror_us INTEGER NOT NULL,"
	" sig BLOB NOT NULL, seal BLOB NOT NULL, frontier BLOB NOT NULL);";

void bs_eventlog_params_default(struct bs_eventlog_params *p)
{
	p->epoch_us = 15LL * 60 * 1000000;
	p->checkpoint_every = 1000;
	p->checkpoint_us = 60LL * 1000000;
	p->retention_days = BS_EVENTLOG_RETENTION_MIN_DAYS;
}

/* ---- seal key file: "BSSEAL01" || log id || epoch (u64 BE) || key, overwritten in place ---- */

static int seal_read(const char *path, const unsigned char log_id[EL_LOGID], int64_t *epoch,
		     unsigned char key[EL_HASH])
{
	unsigned char buf[EL_SEALFILE_BYTES];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	uint64_t e = 0;

	if (fd < 0)
		return bs_error(BS_ERR, "cannot open the sealing key '%s': %s: the log cannot be sealed; "
				"restore keys/ from backup", path, strerror(errno));
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n != (ssize_t)sizeof(buf) || memcmp(buf, SEALFILE_MAGIC, 8) || memcmp(buf + 8, log_id, EL_LOGID)) {
		sodium_memzero(buf, sizeof(buf));
		return bs_error(BS_ERR, "the sealing key '%s' is damaged or belongs to another log: "
				"restore keys/ from backup", path);
	}
	for (int i = 0; i < 8; i++)
		e = e << 8 | buf[24 + i];
	*epoch = (int64_t)e;
	memcpy(key, buf + 32, EL_HASH);
	sodium_memzero(buf, sizeof(buf));
	return 0;
}

static void seal_encode(unsigned char buf[EL_SEALFILE_BYTES], const unsigned char log_id[EL_LOGID], int64_t epoch,
			const unsigned char key[EL_HASH])
{
	uint64_t e = (uint64_t)epoch;
	memcpy(buf, SEALFILE_MAGIC, 8);
	memcpy(buf + 8, log_id, EL_LOGID);
	for (int i = 7; i >= 0; i--) {
		buf[24 + i] = (unsigned char)(e & 0xff);
		e >>= 8;
	}
	memcpy(buf + 32, key, EL_HASH);
}

/* Overwrites the one key record in place (same blocks, then fdatasync) so the previous
 * epoch's key is not left behind in a second file.
 * NEEDSWORK: on copy-on-write or data-journalling filesystems the old block may survive
 * until reused; journald has the same limit. */
static int seal_write(const char *path, const unsigned char log_id[EL_LOGID], int64_t epoch,
		      const unsigned char key[EL_HASH])
{
	unsigned char buf[EL_SEALFILE_BYTES];
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW), err = 0;

	if (fd < 0)
		return bs_error(BS_ERR, "cannot update the sealing key '%s': %s", path, strerror(errno));
	seal_encode(buf, log_id, epoch, key);
	if (pwrite(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf) || fdatasync(fd) != 0)
		err = bs_error(BS_ERR, "cannot update the sealing key '%s': %s", path, strerror(errno));
	close(fd);
	sodium_memzero(buf, sizeof(buf));
	return err;
}

/* ---- create ---- */

static int meta_put_int(sqlite3 *db, const char *k, int64_t v)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta (k, v) VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		return BS_ERR;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : BS_ERR;
}

static int meta_put_blob(sqlite3 *db, const char *k, const void *v, size_t len)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta (k, v) VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		return BS_ERR;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, v, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : BS_ERR;
}

static int insert_checkpoint(sqlite3 *db, const char *path, const struct el_checkpoint *c, const struct el_frontier *f)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO checkpoints (" EL_CKPT_COLS ") VALUES "
			       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", -1, &st, NULL) != SQLITE_OK)
		return el_db_fail(db, path, "cannot write a checkpoint");
	sqlite3_bind_int64(st, 1, c->idx);
	sqlite3_bind_int64(st, 2, c->tree_size);
	sqlite3_bind_int64(st, 3, c->time_us);
	sqlite3_bind_int64(st, 4, c->epoch);
	sqlite3_bind_blob(st, 5, c->root, EL_HASH, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, c->chain_head, EL_HASH, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, c->clock_sync);
	sqlite3_bind_int(st, 8, c->clock_state);
	sqlite3_bind_int64(st, 9, c->clock_maxerror_us);
	sqlite3_bind_int64(st, 10, c->clock_esterror_us);
	sqlite3_bind_blob(st, 11, c->sig, EL_SIG, SQLITE_STATIC);
	sqlite3_bind_blob(st, 12, c->seal, EL_HASH, SQLITE_STATIC);
	sqlite3_bind_blob(st, 13, f->h, f->n * EL_HASH, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return el_db_fail(db, path, "cannot write a checkpoint");
	return 0;
}

int bs_eventlog_create_sealed(const char *dir, const struct bs_eventlog_params *p, char vkey[BS_EVENTLOG_VKEY_MAX])
{
	struct bs_eventlog_params def;
	char *dbpath = el_path(dir, "events.db"), *sealpath = el_path(dir, "keys/seal.key"), *keysdir = el_path(dir, "keys");
	unsigned char *sk, k0[EL_HASH], sealbuf[EL_SEALFILE_BYTES];
	struct el_checkpoint c;
	struct el_frontier f;
	sqlite3 *db = NULL;
	struct stat sb;
	int err = 0, created = 0;

	/* Idempotent; callers (tests, other tools) need not have called it. */
	if (sodium_init() < 0)
		abort();
	sk = sodium_malloc(BS_SIGN_SECRET_BYTES);
	if (!sk)
		abort();
	if (!p) {
		bs_eventlog_params_default(&def);
		p = &def;
	}
	if (p->epoch_us < 1000000 || p->checkpoint_every < 1 || p->checkpoint_us < 0 ||
	    p->retention_days < BS_EVENTLOG_RETENTION_MIN_DAYS) {
		err = bs_error(BS_EINVALID, "invalid event log parameters: epoch at least 1 s, checkpoint every >= 1 "
			       "event, retention at least %d days", BS_EVENTLOG_RETENTION_MIN_DAYS);
		goto done;
	}
	if (lstat(dbpath, &sb) == 0) {
		err = bs_error(BS_EEXISTS, "event log '%s' exists already: create never replaces a log", dbpath);
		goto done;
	}
	if ((err = bs_keys_load_signing(keysdir, sk)) < 0)
		goto done;
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		err = bs_error(BS_ERR, "cannot create event log '%s': %s", dbpath, db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	created = 1;
	if (chmod(dbpath, 0600) != 0) {
		err = bs_error(BS_ERR, "cannot restrict '%s' to mode 0600: %s", dbpath, strerror(errno));
		goto done;
	}
	memset(&c, 0, sizeof(c));
	memset(&f, 0, sizeof(f));
	randombytes_buf(c.log_id, EL_LOGID);
	randombytes_buf(k0, EL_HASH);
	c.epoch_start_us = bs_clock_now();
	c.epoch_us = p->epoch_us;
	c.time_us = c.epoch_start_us;
	el_frontier_root(&f, c.root);
	el_genesis(c.log_id, c.chain_head);
	el_clock_state(&c.clock_sync, &c.clock_state, &c.clock_maxerror_us, &c.clock_esterror_us);
	el_ckpt_sign(&c, sk, k0);
	if ((err = el_exec(db, dbpath, schema)) < 0 || (err = el_exec(db, dbpath, "BEGIN IMMEDIATE")) < 0)
		goto done;
	if (meta_put_int(db, "format", 1) || meta_put_blob(db, "log_id", c.log_id, EL_LOGID) ||
	    meta_put_int(db, "epoch_start_us", c.epoch_start_us) || meta_put_int(db, "epoch_us", c.epoch_us) ||
	    meta_put_int(db, "checkpoint_every", p->checkpoint_every) ||
	    meta_put_int(db, "checkpoint_us", p->checkpoint_us) ||
	    meta_put_int(db, "retention_days", p->retention_days)) {
		err = el_db_fail(db, dbpath, "cannot write the log parameters");
		goto done;
	}
	if ((err = insert_checkpoint(db, dbpath, &c, &f)) < 0 || (err = el_exec(db, dbpath, "COMMIT")) < 0)
		goto done;
	seal_encode(sealbuf, c.log_id, 0, k0);
	if ((err = bs_write_new_file(sealpath, sealbuf, sizeof(sealbuf))) < 0)
		goto done;
	if (vkey)
		el_vkey_format(vkey, c.log_id, c.epoch_start_us, c.epoch_us, k0);
done:
	if (db)
		sqlite3_close_v2(db);
	if (err < 0 && created) {
		char *w = el_path(dir, "events.db-wal"), *s = el_path(dir, "events.db-shm");
		(void)unlink(dbpath);
		(void)unlink(w);
		(void)unlink(s);
		free(w);
		free(s);
	}
	sodium_memzero(k0, sizeof(k0));
	sodium_memzero(sealbuf, sizeof(sealbuf));
	sodium_free(sk);
	free(dbpath);
	free(sealpath);
	free(keysdir);
	return err;
}

int bs_eventlog_create(const char *datadir_path)
{
	return bs_eventlog_create_sealed(datadir_path, NULL, NULL);
}

/* ---- the writer ---- */

static int load_head(struct bs_eventlog *log, struct head *h)
{
	struct bs_buf fb = BS_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(log->db, "SELECT " EL_CKPT_COLS " FROM checkpoints ORDER BY idx DESC LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return el_db_fail(log->db, log->dbpath, "cannot read the last checkpoint");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? bs_error(BS_ERR, "event log '%s' has no checkpoint: it is damaged; run "
						   "'brokersec log verify'", log->dbpath)
					: el_db_fail(log->db, log->dbpath, "cannot read the last checkpoint");
		goto done;
	}
	el_ckpt_from_row(st, &h->c, log->log_id, log->epoch_start_us, log->epoch_us, &fb);
	if (el_frontier_load(&h->f, (uint64_t)h->c.tree_size, fb.ptr, fb.len) < 0) {
		err = bs_error(BS_ERR, "event log '%s': checkpoint %lld is damaged; run 'brokersec log verify'",
			       log->dbpath, (long long)h->c.idx);
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	h->last_seq = h->c.tree_size;
	memcpy(h->last_hash, h->c.chain_head, EL_HASH);
	if (sqlite3_prepare_v2(log->db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
		err = el_db_fail(log->db, log->dbpath, "cannot read the last event");
		goto done;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > h->last_seq && sqlite3_column_bytes(st, 1) == EL_HASH) {
		h->last_seq = sqlite3_column_int64(st, 0);
		memcpy(h->last_hash, sqlite3_column_blob(st, 1), EL_HASH);
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err = el_db_fail(log->db, log->dbpath, "cannot read the last event");
	}
done:
	sqlite3_finalize(st);
	bs_buf_release(&fb);
	return err;
}

/* Covers every event up to h->last_seq with a new checkpoint sealed at epoch. */
static int write_checkpoint(struct bs_eventlog *log, struct head *h, int64_t epoch, const unsigned char key[EL_HASH],
			    int64_t now)
{
	struct el_checkpoint c = h->c;
	sqlite3_stmt *st;
	int rc;

	/* Events appended in this process are in the frontier already; others are read back. */
	if (h->last_seq > (int64_t)h->f.size) {
		if (sqlite3_prepare_v2(log->db, "SELECT hash FROM events WHERE seq > ?1 AND seq <= ?2 ORDER BY seq", -1,
				       &st, NULL) != SQLITE_OK)
			return el_db_fail(log->db, log->dbpath, "cannot read events for a checkpoint");
		sqlite3_bind_int64(st, 1, (int64_t)h->f.size);
		sqlite3_bind_int64(st, 2, h->last_seq);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			unsigned char leaf[EL_HASH];
			if (sqlite3_column_bytes(st, 0) != EL_HASH) {
				sqlite3_finalize(st);
				return bs_error(BS_ERR, "event log '%s': an event hash is damaged; run 'brokersec log verify'",
						log->dbpath);
			}
			el_leaf(sqlite3_column_blob(st, 0), leaf);
			el_frontier_push(&h->f, leaf);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return el_db_fail(log->db, log->dbpath, "cannot read events for a checkpoint");
		if ((int64_t)h->f.size != h->last_seq)
			return bs_error(BS_ERR, "event log '%s': events %lld..%lld are not contiguous; run "
					"'brokersec log verify'", log->dbpath, (long long)h->c.tree_size + 1,
					(long long)h->last_seq);
	}
	c.idx = h->c.idx + 1;
	c.tree_size = h->last_seq;
	c.epoch = epoch;
	/* Checkpoint times never go back, and never lie before the epoch whose key seals them. */
	c.time_us = now;
	if (c.time_us < h->c.time_us)
		c.time_us = h->c.time_us;
	if (c.time_us < log->epoch_start_us + epoch * log->epoch_us)
		c.time_us = log->epoch_start_us + epoch * log->epoch_us;
	el_frontier_root(&h->f, c.root);
	memcpy(c.chain_head, h->last_hash, EL_HASH);
	el_clock_state(&c.clock_sync, &c.clock_state, &c.clock_maxerror_us, &c.clock_esterror_us);
	el_ckpt_sign(&c, log->sk, key);
	if ((rc = insert_checkpoint(log->db, log->dbpath, &c, &h->f)) < 0)
		return rc;
	h->c = c;
	return 0;
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Writes the collected event_seconds rows (merging with rows earlier transactions wrote). */
static int secs_flush(struct bs_eventlog *log)
{
	if (!log->nsecs)
		return 0;
	if (!log->ins_sec && sqlite3_prepare_v2(log->db, "INSERT INTO event_seconds (sec, min_seq, max_seq, n) VALUES "
						"(?1, ?2, ?3, ?4) ON CONFLICT(sec) DO UPDATE SET min_seq = min(min_seq, "
						"excluded.min_seq), max_seq = max(max_seq, excluded.max_seq), n = n + "
						"excluded.n", -1, &log->ins_sec, NULL) != SQLITE_OK)
		return el_db_fail(log->db, log->dbpath, "cannot update the event time index");
	for (int i = 0; i < log->nsecs; i++) {
		const struct sec_acc *a = &log->secs[i];
		sqlite3_reset(log->ins_sec);
		sqlite3_bind_int64(log->ins_sec, 1, a->sec);
		sqlite3_bind_int64(log->ins_sec, 2, a->min_seq);
		sqlite3_bind_int64(log->ins_sec, 3, a->max_seq);
		sqlite3_bind_int64(log->ins_sec, 4, a->n);
		if (sqlite3_step(log->ins_sec) != SQLITE_DONE) {
			sqlite3_reset(log->ins_sec);
			return el_db_fail(log->db, log->dbpath, "cannot update the event time index");
		}
	}
	sqlite3_reset(log->ins_sec);
	log->nsecs = 0;
	return 0;
}

/* Counts event seq (time t) into its second; seqs only grow within a transaction. */
static int sec_note(struct bs_eventlog *log, int64_t seq, int64_t t)
{
	int64_t sec = el_sec_of(t);
	int err;

	/* Newest first: a batch usually spans one or two seconds. */
	for (int i = log->nsecs - 1; i >= 0; i--)
		if (log->secs[i].sec == sec) {
			log->secs[i].max_seq = seq;
			log->secs[i].n++;
			return 0;
		}
	if (log->nsecs == SECS_MAX && (err = secs_flush(log)) < 0)
		return err;
	log->secs[log->nsecs++] = (struct sec_acc){ sec, seq, seq, 1 };
	return 0;
}

/* Appends the next event from its encoding: buf holds EL_CHAIN_PREFIX free bytes and then
 * enc_len bytes made by el_encode_fields (seq and time are patched in here). The columns are
 * bound from the encoding itself, with their lengths. t0: the event's own time, 0 for now.
 * *seq_out and *time_out get what was stored. */
#define EL_ROW_COLS 12

/* *st (if not made yet): an INSERT of rows rows, the columns bind_row binds. */
static int prepare_insert(struct bs_eventlog *log, sqlite3_stmt **st, int rows)
{
	struct bs_buf sql = BS_BUF_INIT;
	int rc;

	if (*st)
		return 0;
	bs_buf_puts(&sql, "INSERT INTO events (seq, time_us, type, severity, host, source, system, user, outcome,"
		    " message, data, hash) VALUES ");
	for (int i = 0; i < rows; i++)
		bs_buf_puts(&sql, i ? ",(?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?)");
	rc = sqlite3_prepare_v2(log->db, sql.ptr, (int)sql.len, st, NULL);
	bs_buf_release(&sql);
	return rc == SQLITE_OK ? 0 : el_db_fail(log->db, log->dbpath, "cannot append an event");
}

/* Binds one chained event (it->buf stamped, it->hash set) as row seq to the row-th row of
 * ins's VALUES. */
static int bind_row(sqlite3_stmt *ins, int row, const struct el_chain_item *it, int64_t seq)
{
	const unsigned char *e = it->buf + EL_CHAIN_PREFIX, *q, *end = e + it->enc_len;
	int p = row * EL_ROW_COLS;

	sqlite3_bind_int64(ins, p + 1, seq);
	sqlite3_bind_int64(ins, p + 2, it->t);
	sqlite3_bind_int(ins, p + 4, e[17]);
	/* columns of the fields type, host, source, system, user, outcome, message, data */
	static const int col[EL_NFIELDS] = { 3, 5, 6, 7, 8, 9, 10, 11 };
	q = e + 18;
	for (int k = 0; k < EL_NFIELDS; k++) {
		if (q >= end)
			return bs_error(BS_ERR, "event log: an event encoding is damaged (internal error)");
		if (!*q) {
			sqlite3_bind_null(ins, p + col[k]);
			q++;
			continue;
		}
		uint32_t len = get_u32(q + 1);
		if ((size_t)(end - q) < 5 + (size_t)len)
			return bs_error(BS_ERR, "event log: an event encoding is damaged (internal error)");
		sqlite3_bind_text(ins, p + col[k], (const char *)q + 5, (int)len, SQLITE_STATIC);
		q += 5 + len;
	}
	sqlite3_bind_blob(ins, p + 12, it->hash, EL_HASH, SQLITE_STATIC);
	return 0;
}

/* Stores n chained events (1 with log->ins, INS_ROWS with log->ins_many) as rows first.. */
static int store_rows(struct bs_eventlog *log, const struct el_chain_item *it, size_t n, int64_t first)
{
	sqlite3_stmt *ins = n == 1 ? log->ins : log->ins_many;
	int err;

	sqlite3_reset(ins);
	for (size_t i = 0; i < n; i++)
		if ((err = bind_row(ins, (int)i, &it[i], first + (int64_t)i)) < 0)
			return err;
	if (sqlite3_step(ins) != SQLITE_DONE)
		return el_db_fail(log->db, log->dbpath, "cannot append an event");
	for (size_t i = 0; i < n; i++)
		if ((err = sec_note(log, first + (int64_t)i, it[i].t)) < 0)
			return err;
	return 0;
}

static int insert_encoded(struct bs_eventlog *log, struct head *h, unsigned char *buf,
			  size_t enc_len, int64_t t0, int64_t now, int64_t *seq_out, int64_t *time_out)
{
	struct el_chain_item it = { buf, enc_len, t0 ? t0 : now, { 0 } };
	int err;

	el_chain_one(&h->last_seq, h->last_hash, &h->f, &it);
	if ((err = store_rows(log, &it, 1, h->last_seq)) < 0)
		return err;
	if (seq_out)
		*seq_out = h->last_seq;
	if (time_out)
		*time_out = it.t;
	return 0;
}

/* The hasher starts with the first transaction large enough to need it: the many
 * short-lived processes that append an event or two never start it. */
static int hasher_ready(struct bs_eventlog *log)
{
	if (!log->hasher && !log->hasher_failed) {
		if (el_hasher_start(&log->hasher) < 0)
			log->hasher_failed = 1;
		else
			log->items = bs_malloc(BATCH_MAX_EVENTS * sizeof(*log->items));
	}
	return log->hasher != NULL;
}

/* The appends of a batch with the chaining on the hasher thread: the writer stores event k
 * once the hasher has chained it (see hasher.c). h belongs to the hasher until the end. */
static int insert_pipelined(struct bs_eventlog *log, struct head *h, struct req *batch, size_t total, int64_t now)
{
	int64_t first = h->last_seq + 1;
	size_t k = 0, ready = 0;
	int err = 0;

	if ((err = prepare_insert(log, &log->ins_many, INS_ROWS)) < 0)
		return err;
	for (struct req *r = batch; r; r = r->next)
		for (size_t i = 0; i < r->n; i++, k++)
			log->items[k] = (struct el_chain_item){ r->enc + r->off[i],
				r->off[i + 1] - r->off[i] - EL_CHAIN_PREFIX, r->t0[i] ? r->t0[i] : now, { 0 } };
	el_hasher_begin(log->hasher, log->items, total, &h->last_seq, h->last_hash, &h->f);
	/* INS_ROWS rows a statement: SQLite's cost per statement is then paid once per many */
	for (k = 0; k < total;) {
		size_t n = total - k >= INS_ROWS ? INS_ROWS : 1;
		if (k + n > ready)
			ready = el_hasher_wait(log->hasher, k + n - 1);
		if ((err = store_rows(log, &log->items[k], n, first + (int64_t)k)) < 0)
			goto out;
		k += n;
	}
	k = 0;
	for (struct req *r = batch; r; r = r->next) {
		r->first_seq = first + (int64_t)k;
		for (size_t i = 0; i < r->n; i++, k++)
			if (r->ev) {
				r->ev[i].seq = first + (int64_t)k;
				r->ev[i].time_us = log->items[k].t;
			}
	}
out:
	el_hasher_finish(log->hasher);
	return err;
}

/* Appends ev (made by the writer itself: alerts, purges) as the next event. */
static int insert_event(struct bs_eventlog *log, struct head *h, struct bs_event *ev, int64_t now)
{
	bs_buf_clear(&log->enc);
	bs_buf_grow(&log->enc, EL_CHAIN_PREFIX);
	log->enc.len = EL_CHAIN_PREFIX;
	el_encode(&log->enc, ev);
	return insert_encoded(log, h, (unsigned char *)log->enc.ptr, log->enc.len - EL_CHAIN_PREFIX, ev->time_us,
			      now, &ev->seq, &ev->time_us);
}

static const char *hostname(void)
{
	static _Thread_local char name[256];

	if (!name[0] && (gethostname(name, sizeof(name) - 1) != 0 || !bs_utf8_valid_text(name, strlen(name))))
		snprintf(name, sizeof(name), "%s", "localhost");
	return name;
}

/* An alert raised (possibly by another process) and not yet logged becomes an event. */
static int log_pending_alert(struct bs_eventlog *log, struct head *h, int64_t now)
{
	struct bs_buf text = BS_BUF_INIT;
	unsigned char digest[EL_HASH], logged[EL_HASH];
	struct stat sb;
	int err = 0;

	if (stat(log->alertpath, &sb) != 0)
		return 0;
	if (bs_buf_read_file(&text, log->alertpath) < 0) {
		bs_error_clear();
		bs_buf_release(&text);
		return 0;
	}
	crypto_hash_sha256(digest, (const unsigned char *)text.ptr, text.len);
	if (el_meta_get_blob(log->db, "alert_logged", logged, EL_HASH) == 0 && !memcmp(logged, digest, EL_HASH)) {
		bs_buf_release(&text);
		return 0;
	}
	{
		const char *msg = text.len ? text.ptr : "an event log write failed (the details could not be saved: the disk was full)";
		if (!bs_utf8_valid_text(msg, strlen(msg)) || strlen(msg) > MESSAGE_MAX)
			msg = "(alert text unreadable: see eventlog.alert in the data directory)";
		struct bs_event ev = { 0, 0, "eventlog.alert", 1, hostname(), "brokersec", NULL, "brokersec",
				       "failure", msg, NULL };
		err = insert_event(log, h, &ev, now);
	}
	if (!err && meta_put_blob(log->db, "alert_logged", digest, EL_HASH))
		err = el_db_fail(log->db, log->dbpath, "cannot record the alert");
	bs_buf_release(&text);
	return err;
}

static int retention_days(struct bs_eventlog *log)
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
static int do_purge(struct bs_eventlog *log, struct head *h, struct req *r, int64_t now)
{
	int64_t cutoff = now - (int64_t)retention_days(log) * DAY_US, anchor = -1, size = 0, first = 0;
	sqlite3_stmt *st;
	char data[160], msg[160];
	int rc, err;

	r->purged = 0;
	(void)el_meta_get_int(log->db, "first_checkpoint", &first);
	/* event_seconds must count this transaction's events before the purge recounts it. */
	if ((err = secs_flush(log)) < 0 || (err = purge_choose(log, cutoff, first, &anchor, &size)) < 0)
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
	if (rc != SQLITE_DONE || meta_put_int(log->db, "first_checkpoint", anchor))
		return el_db_fail(log->db, log->dbpath, "cannot purge");
	snprintf(data, sizeof(data), "{\"anchor\": %lld, \"up_to_seq\": %lld, \"events\": %lld, \"retention_days\": %d}",
		 (long long)anchor, (long long)size, (long long)r->purged, retention_days(log));
	snprintf(msg, sizeof(msg), "purged %lld events (1..%lld) older than the %d-day retention; checkpoint %lld is "
		 "the new start", (long long)r->purged, (long long)size, retention_days(log), (long long)anchor);
	struct bs_event ev = { 0, 0, "eventlog.purge", 5, hostname(), "brokersec", NULL, r->user, "success", msg, data };
	return insert_event(log, h, &ev, now);
}

static int do_retention(struct bs_eventlog *log, struct head *h, struct req *r, int64_t now)
{
	int cur = retention_days(log);
	char data[96], msg[128];

	if (r->days < cur)
		return bs_error(BS_EINVALID, "retention %d days is shorter than the current %d days: retention can only be "
				"raised (the regulation's minimum is %d days)", r->days, cur, BS_EVENTLOG_RETENTION_MIN_DAYS);
	if (r->days > 36500)
		return bs_error(BS_EINVALID, "retention %d days is more than 100 years: use at most 36500", r->days);
	if (meta_put_int(log->db, "retention_days", r->days))
		return el_db_fail(log->db, log->dbpath, "cannot set the retention");
	snprintf(data, sizeof(data), "{\"from_days\": %d, \"to_days\": %d}", cur, r->days);
	snprintf(msg, sizeof(msg), "event log retention raised from %d to %d days", cur, r->days);
	struct bs_event ev = { 0, 0, "eventlog.retention", 5, hostname(), "cli", NULL, r->user, "success", msg, data };
	return insert_event(log, h, &ev, now);
}

/* A2.4.1.7.3 without anyone asking: at the checkpoints the writer makes on its own (every N
 * events, T seconds, each epoch; at most hourly per process) the same projection as 'log
 * status', on the writer's connection with cheap queries (seq has no gaps, so the count is a
 * difference of sequence numbers; the recent events are summed from event_seconds). Raises
 * the alert when short. Not at the checkpoint a command forces when it ends, so 'log
 * clear-alert' is not undone by its own last checkpoint; 'log status' runs the projection
 * whenever asked. */
static void capacity_check(struct bs_eventlog *log, const struct head *h, int64_t now)
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
	s.retention_days = retention_days(log);
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

/* The head at the start of a transaction: our cached one when no other connection has
 * written since our last commit, else read from the database. */
static int begin_head(struct bs_eventlog *log, struct head *h, int64_t *dv)
{
	int rc;

	if (!log->dv && sqlite3_prepare_v2(log->db, "PRAGMA data_version", -1, &log->dv, NULL) != SQLITE_OK)
		return el_db_fail(log->db, log->dbpath, "cannot read the log state");
	sqlite3_reset(log->dv);
	rc = sqlite3_step(log->dv);
	*dv = rc == SQLITE_ROW ? sqlite3_column_int64(log->dv, 0) : -1;
	sqlite3_reset(log->dv);
	if (rc != SQLITE_ROW)
		return el_db_fail(log->db, log->dbpath, "cannot read the log state");
	if (log->cache_valid && *dv == log->cache_dv) {
		*h = log->cache;
		return 0;
	}
	log->cache_valid = 0;
	return load_head(log, h);
}

static int commit_batch(struct bs_eventlog *log, struct req *batch)
{
	unsigned char key[EL_HASH];
	struct head h;
	int64_t now, ke = 0, now_e, dv = -1;
	int err, evolved = 0, force = 0, have_key = 0, periodic = 0, pipelined = 1;
	size_t total = 0;

	if (atomic_load(&log->sync_failed))
		return bs_error(BS_ERR, "event log '%s': an earlier write to disk failed; nothing more is written "
				"until brokersec restarts with the disk fixed", log->dbpath);
	if (log->fail_writes > 0) {
		log->fail_writes--;
		return bs_error(BS_ERR, "cannot append an event: event log '%s': database or disk is full "
				"(injected by a test)", log->dbpath);
	}
	if ((err = el_exec(log->db, log->dbpath, "BEGIN IMMEDIATE")) < 0)
		return err;
	if ((err = begin_head(log, &h, &dv)) < 0)
		goto fail;
	if ((err = seal_read(log->sealpath, log->log_id, &ke, key)) < 0)
		goto fail;
	have_key = 1;
	now = bs_clock_now();
	now_e = el_epoch_of(now, log->epoch_start_us, log->epoch_us);
	/* A crash between a commit and the key update leaves the file one step behind. */
	while (ke < h.c.epoch) {
		el_seal_evolve(key);
		ke++;
		evolved = 1;
	}
	/* Close every epoch up to now: each one gets a sealed checkpoint with its own key. */
	while (ke < now_e) {
		if (h.c.epoch < ke || h.last_seq > h.c.tree_size) {
			if ((err = write_checkpoint(log, &h, ke, key, now)) < 0)
				goto fail;
			periodic = 1;
		}
		el_seal_evolve(key);
		ke++;
		evolved = 1;
	}
	if ((err = prepare_insert(log, &log->ins, 1)) < 0)
		goto fail;
	if ((err = log_pending_alert(log, &h, now)) < 0)
		goto fail;
	for (struct req *r = batch; r; r = r->next) {
		force |= r->force_checkpoint;
		pipelined &= r->op == OP_APPEND;
		total += r->n;
	}
	if (pipelined && total >= PIPELINE_MIN && total <= BATCH_MAX_EVENTS && hasher_ready(log)) {
		if ((err = insert_pipelined(log, &h, batch, total, now)) < 0)
			goto fail;
	} else {
		for (struct req *r = batch; r; r = r->next) {
			if (r->op == OP_PURGE && (err = do_purge(log, &h, r, now)) < 0)
				goto fail;
			if (r->op == OP_RETENTION && (err = do_retention(log, &h, r, now)) < 0)
				goto fail;
			if (r->op != OP_APPEND)
				force = 1;
			for (size_t i = 0; i < r->n; i++) {
				int64_t seq, t;
				if ((err = insert_encoded(log, &h, r->enc + r->off[i],
							  r->off[i + 1] - r->off[i] - EL_CHAIN_PREFIX, r->t0[i], now,
							  &seq, &t)) < 0)
					goto fail;
				if (i == 0)
					r->first_seq = seq;
				if (r->ev) {
					r->ev[i].seq = seq;
					r->ev[i].time_us = t;
				}
			}
		}
	}
	sqlite3_reset(log->ins);
	if ((err = secs_flush(log)) < 0)
		goto fail;
	if (h.last_seq > h.c.tree_size && (h.last_seq - h.c.tree_size >= log->every || now - h.c.time_us >= log->ckpt_us))
		periodic = 1;
	if (h.last_seq > h.c.tree_size && (force || periodic))
		if ((err = write_checkpoint(log, &h, ke, key, now)) < 0)
			goto fail;
	/* The commit: synchronous=FULL, so callers hear of success only once it is durable. */
	if ((err = el_exec(log->db, log->dbpath, "COMMIT")) < 0)
		goto fail;
	log->cache = h;
	log->cache_dv = dv; /* our own commits leave data_version unchanged */
	log->cache_valid = 1;
	/* The old key goes only once the checkpoints it sealed are on disk: lost with a power
	 * cut, they could never be sealed again. */
	if (evolved && log->sync_started && (err = sync_wal(log, 0)) < 0) {
		if (!atomic_exchange(&log->sync_failed, 1))
			bs_eventlog_alert(log->dir, "event log write failed: %s", bs_error_message());
		sodium_memzero(key, sizeof(key));
		return err;
	}
	if (evolved && seal_write(log->sealpath, log->log_id, ke, key) < 0)
		bs_eventlog_alert(log->dir, "cannot erase the previous sealing key in '%s': %s", log->sealpath,
				  bs_error_message());
	sodium_memzero(key, sizeof(key));
	if (periodic)
		capacity_check(log, &h, now);
	return 0;
fail:
	log->cache_valid = 0;
	log->nsecs = 0; /* rolled back with the events they count */
	if (log->ins)
		sqlite3_reset(log->ins);
	if (!sqlite3_get_autocommit(log->db))
		(void)sqlite3_exec(log->db, "ROLLBACK", NULL, NULL, NULL);
	if (have_key)
		sodium_memzero(key, sizeof(key));
	return err;
}

/* ---- WAL checkpoints beside the writer ---- */

static void *ckpt_main(void *arg)
{
	struct bs_eventlog *log = arg;
	sqlite3 *db = NULL;

	if (el_db_open(&db, log->dbpath, 0) < 0 || el_exec(db, log->dbpath, "PRAGMA synchronous=FULL;") < 0) {
		bs_error_clear();
		sqlite3_close_v2(db);
		db = NULL; /* the writer's connection checkpoints when it closes */
	}
	pthread_mutex_lock(&log->ckpt_mu);
	for (;;) {
		while (log->ckpt_done == log->ckpt_asked && !log->ckpt_stop)
			pthread_cond_wait(&log->ckpt_cv, &log->ckpt_mu);
		if (log->ckpt_stop)
			break;
		uint64_t asked = log->ckpt_asked;
		pthread_mutex_unlock(&log->ckpt_mu);
		/* PASSIVE: copies what no reader needs, never blocks the writer. A failure (disk
		 * full) is the writer's to report: its own writes fail the same way. */
		if (db)
			(void)sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&log->ckpt_mu);
		log->ckpt_done = asked;
		pthread_cond_broadcast(&log->ckpt_cv);
	}
	pthread_mutex_unlock(&log->ckpt_mu);
	if (db)
		sqlite3_close_v2(db);
	return NULL;
}

/* After each commit of the writer's connection (sqlite3_wal_hook; replaces autocheckpoint):
 * asks the checkpointer to run when the WAL has grown; when it is very large, waits until a
 * checkpoint covering this commit has finished, so the next transaction restarts the WAL
 * from its beginning (SQLite does that only when every frame has been copied back). */
static int wal_hook(void *ctx, sqlite3 *db, const char *name, int pages)
{
	struct bs_eventlog *log = ctx;

	(void)db;
	(void)name;
	if (pages < WAL_CKPT_PAGES)
		return SQLITE_OK;
	pthread_mutex_lock(&log->ckpt_mu);
	uint64_t mine = ++log->ckpt_asked;
	pthread_cond_broadcast(&log->ckpt_cv);
	if (pages >= WAL_HARD_PAGES)
		while (log->ckpt_done < mine && !log->ckpt_stop)
			pthread_cond_wait(&log->ckpt_cv, &log->ckpt_mu);
	pthread_mutex_unlock(&log->ckpt_mu);
	return SQLITE_OK;
}

/* Under mu: the requests of list are finished with err (<0: bs_error_message() says why). */
static void complete_reqs(struct bs_eventlog *log, struct req *list, int err)
{
	for (struct req *r = list; r; r = r->next) {
		r->err = err;
		if (err < 0) {
			snprintf(r->msg, sizeof(r->msg), "%s", bs_error_message());
			if (r->pipelined)
				log->pipe_poisoned = r->gen;
		}
		r->done = 1;
		log->queued -= r->n;
	}
}

static int sync_wal(struct bs_eventlog *log, int inject)
{
	if (inject)
		return bs_error(BS_ERR, "event log '%s': cannot write to disk: input/output error (injected by a test)",
				log->dbpath);
	if (fdatasync(log->wal_fd) != 0)
		return bs_error(BS_ERR, "event log '%s': cannot write to disk (fdatasync of its WAL): %s", log->dbpath,
				strerror(errno));
	return 0;
}

/* After a failed fdatasync the kernel may have dropped the pages it could not write, and a
 * later fdatasync can succeed without them: so one failure fails everything committed and
 * not yet synced, and the log takes no more writes in this process (fail closed, A2.4.1.7.4);
 * a new process starts from what is on disk. */
static void *syncer_main(void *arg)
{
	struct bs_eventlog *log = arg;

	pthread_mutex_lock(&log->mu);
	for (;;) {
		while (!log->unsynced && !log->sync_stop)
			pthread_cond_wait(&log->cv_sync, &log->mu);
		if (!log->unsynced)
			break;
		struct req *list = log->unsynced;
		int inject = log->fail_syncs > 0;
		log->unsynced = log->unsynced_tail = NULL;
		if (inject)
			log->fail_syncs--;
		pthread_mutex_unlock(&log->mu);
		int err = atomic_load(&log->sync_failed) ? bs_error(BS_ERR, "event log '%s': an earlier write to disk "
			  "failed; restart brokersec once the disk is fixed", log->dbpath) : sync_wal(log, inject);
		if (err < 0 && !atomic_exchange(&log->sync_failed, 1))
			bs_eventlog_alert(log->dir, "event log write failed: %s", bs_error_message());
		pthread_mutex_lock(&log->mu);
		complete_reqs(log, list, err);
		pthread_cond_broadcast(&log->cv_done);
		pthread_cond_broadcast(&log->cv_space);
	}
	pthread_mutex_unlock(&log->mu);
	return NULL;
}

/* Starts the syncer when the WAL can be opened beside SQLite; then the writer's commits
 * need not wait for the disk. */
static void syncer_start(struct bs_eventlog *log)
{
	char *wal = el_path(log->dir, "events.db-wal");

	log->wal_fd = open(wal, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(wal);
	if (log->wal_fd < 0)
		return;
	pthread_cond_init(&log->cv_sync, NULL);
	if (pthread_create(&log->sync_thread, NULL, syncer_main, log) != 0) {
		pthread_cond_destroy(&log->cv_sync);
		close(log->wal_fd);
		log->wal_fd = -1;
		return;
	}
	log->sync_started = 1;
	if (el_exec(log->db, log->dbpath, "PRAGMA synchronous=NORMAL;") < 0)
		bs_error_clear(); /* stays FULL: slower, as durable */
}

static void syncer_stop(struct bs_eventlog *log)
{
	if (!log->sync_started)
		return;
	pthread_mutex_lock(&log->mu);
	log->sync_stop = 1;
	pthread_cond_signal(&log->cv_sync);
	pthread_mutex_unlock(&log->mu);
	pthread_join(log->sync_thread, NULL);
	pthread_cond_destroy(&log->cv_sync);
	log->sync_started = 0;
}

static void *writer_main(void *arg)
{
	struct bs_eventlog *log = arg;

	pthread_mutex_lock(&log->mu);
	for (;;) {
		struct req *batch, *last, *r, **pp, *rejected = NULL;
		size_t n;
		int err = 0;

		while (!log->head && !log->stop)
			pthread_cond_wait(&log->cv_work, &log->mu);
		if (!log->head)
			break;
		/* Group commit: everything waiting, up to the batch limit, in one transaction. */
		batch = last = log->head;
		n = batch->n;
		while (last->next && n + last->next->n <= BATCH_MAX_EVENTS) {
			last = last->next;
			n += last->n;
		}
		log->head = last->next;
		if (!log->head)
			log->tail = NULL;
		last->next = NULL;
		/* Pipelined batches queued behind one that failed must not overtake it. */
		for (pp = &batch; *pp;) {
			r = *pp;
			if (r->pipelined && log->pipe_poisoned && r->gen == log->pipe_poisoned) {
				*pp = r->next;
				r->next = rejected;
				rejected = r;
			} else {
				pp = &r->next;
			}
		}
		pthread_mutex_unlock(&log->mu);

		if (batch) {
			err = commit_batch(log, batch);
			if (err < 0)
				bs_eventlog_alert(log->dir, "event log write failed: %s", bs_error_message());
		}

		pthread_mutex_lock(&log->mu);
		if (err == 0 && batch && log->sync_started) {
			/* committed; done once the syncer has it on disk */
			if (log->unsynced_tail)
				log->unsynced_tail->next = batch;
			else
				log->unsynced = batch;
			for (last = batch; last->next; last = last->next)
				;
			log->unsynced_tail = last;
			pthread_cond_signal(&log->cv_sync);
			batch = NULL;
		}
		complete_reqs(log, batch, err);
		for (r = rejected; r; r = r->next) {
			r->err = BS_ERR;
			snprintf(r->msg, sizeof(r->msg), "event log '%s': not written because an earlier batch failed; "
				 "submit it again", log->dbpath);
			r->done = 1;
			log->queued -= r->n;
		}
		pthread_cond_broadcast(&log->cv_done);
		pthread_cond_broadcast(&log->cv_space);
	}
	pthread_mutex_unlock(&log->mu);
	return NULL;
}

/* Hands r to the writer (waiting while the queue is full). */
static int enqueue(struct bs_eventlog *log, struct req *r)
{
	pthread_mutex_lock(&log->mu);
	while (log->queued > 0 && log->queued + r->n > QUEUE_MAX_EVENTS && !log->stop)
		pthread_cond_wait(&log->cv_space, &log->mu);
	if (log->stop) {
		pthread_mutex_unlock(&log->mu);
		return bs_error(BS_ECONFLICT, "event log '%s' is closing: the event was not written", log->dbpath);
	}
	if (r->pipelined)
		r->gen = log->pipe_gen;
	log->queued += r->n;
	if (log->tail)
		log->tail->next = r;
	else
		log->head = r;
	log->tail = r;
	pthread_cond_signal(&log->cv_work);
	pthread_mutex_unlock(&log->mu);
	return 0;
}

/* Waits until the writer is done with r. */
static int await(struct bs_eventlog *log, struct req *r)
{
	pthread_mutex_lock(&log->mu);
	while (!r->done)
		pthread_cond_wait(&log->cv_done, &log->mu);
	/* The producer has seen the failure: what it submits from now on starts afresh. */
	if (r->err < 0 && r->pipelined && log->pipe_poisoned == log->pipe_gen)
		log->pipe_gen++;
	pthread_mutex_unlock(&log->mu);
	if (r->err < 0)
		return bs_error(r->err, "%s", r->msg);
	return 0;
}

/* Hands r to the writer and waits until its batch is committed (or failed). */
static int submit(struct bs_eventlog *log, struct req *r)
{
	int err = enqueue(log, r);
	return err < 0 ? err : await(log, r);
}

static int valid_field(const char *name, const char *s, size_t max)
{
	size_t n;
	if (!s)
		return 0;
	n = strlen(s);
	if (n > max || !bs_utf8_valid_text(s, n))
		return bs_error(BS_EINVALID, "event field '%s' must be valid UTF-8 text of at most %zu bytes "
				"without control characters", name, max);
	return 0;
}

static int field_len(const char *name, size_t n, size_t max)
{
	if (n > max)
		return bs_error(BS_EINVALID, "event field '%s' must be valid UTF-8 text of at most %zu bytes "
				"without control characters", name, max);
	return 0;
}

/* The checks every event gets; f holds the fields' lengths. */
static int validate_cheap(const struct bs_event *ev, const struct el_field f[EL_NFIELDS])
{
	static const char *const names[EL_NFIELDS] = { "type", "host", "source", "system", "user", "outcome",
						       "message", "data" };
	static const size_t max[EL_NFIELDS] = { 64, FIELD_MAX, FIELD_MAX, FIELD_MAX, FIELD_MAX, FIELD_MAX,
						MESSAGE_MAX, MESSAGE_MAX };
	size_t n = f[0].n;
	int err;

	if (n < 1 || n > 64 || strspn(ev->type, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return bs_error(BS_EINVALID, "event type '%s' is not valid: use 1 to 64 characters of a-z 0-9 . _ -",
				ev->type ? ev->type : "");
	if (ev->severity < 0 || ev->severity > 7)
		return bs_error(BS_EINVALID, "event severity %d is not valid: use 0 (emergency) to 7 (debug)", ev->severity);
	if (ev->outcome && strcmp(ev->outcome, "success") && strcmp(ev->outcome, "failure"))
		return bs_error(BS_EINVALID, "event outcome '%s' is not valid: use success or failure", ev->outcome);
	for (int k = 1; k < EL_NFIELDS; k++)
		if (k != 5 && f[k].p && (err = field_len(names[k], f[k].n, max[k])) < 0)
			return err;
	if (ev->time_us < 0)
		return bs_error(BS_EINVALID, "event time must not be before 1970");
	return 0;
}

/* What trusted callers promise: text fields valid UTF-8 text, data one JSON object. */
static int validate_text(const struct bs_event *ev)
{
	int err;

	if ((err = valid_field("host", ev->host, FIELD_MAX)) < 0 || (err = valid_field("source", ev->source, FIELD_MAX)) < 0 ||
	    (err = valid_field("system", ev->system, FIELD_MAX)) < 0 || (err = valid_field("user", ev->user, FIELD_MAX)) < 0 ||
	    (err = valid_field("message", ev->message, MESSAGE_MAX)) < 0 || (err = valid_field("data", ev->data, MESSAGE_MAX)) < 0)
		return err;
	if (ev->data) {
		json_error_t je;
		json_t *j = json_loads(ev->data, JSON_REJECT_DUPLICATES, &je);
		int ok = j && json_is_object(j);
		json_decref(j);
		if (!ok)
			return bs_error(BS_EINVALID, "event data must be a JSON object: %s", j ? "not an object" : je.text);
	}
	return 0;
}

#if defined(__SANITIZE_ADDRESS__)
#define CHECK_TRUSTED 1 /* test builds hold trusted callers to their promise */
#else
#define CHECK_TRUSTED 0
#endif

static void enc_set_release(struct enc_set *es)
{
	bs_buf_release(&es->enc);
	free(es->off);
	free(es->t0);
	memset(es, 0, sizeof(*es));
	bs_buf_init(&es->enc);
}

static void enc_set_clear(struct enc_set *es)
{
	bs_buf_clear(&es->enc);
	es->n = 0;
}

/* Checks ev and appends its encoding (with room for the chain prefix) to es. */
static int enc_set_add(struct enc_set *es, const struct bs_event *ev, unsigned flags)
{
	const char *v[EL_NFIELDS] = { ev->type, ev->host, ev->source, ev->system, ev->user, ev->outcome,
				      ev->message, ev->data };
	struct el_field f[EL_NFIELDS];
	size_t size;
	int err;

	for (int k = 0; k < EL_NFIELDS; k++) {
		f[k].p = v[k];
		f[k].n = v[k] ? strlen(v[k]) : 0;
	}
	if ((err = validate_cheap(ev, f)) < 0)
		return err;
	if (!(flags & BS_EVENTLOG_TRUSTED)) {
		if ((err = validate_text(ev)) < 0)
			return err;
	} else if (CHECK_TRUSTED && validate_text(ev) < 0) {
		static const char msg[] = "brokersec: a trusted event broke the event log's contract (eventlog.h)\n";
		ssize_t w = write(2, msg, sizeof(msg) - 1);
		(void)w;
		abort();
	}
	if (es->n >= BATCH_MAX_EVENTS)
		return bs_error(BS_EINVALID, "cannot append more than %d events at once", BATCH_MAX_EVENTS);
	if (es->n + 1 >= es->cap) {
		es->cap = es->cap ? es->cap * 2 : 64;
		es->off = bs_realloc(es->off, bs_size_mul(es->cap + 1, sizeof(*es->off)));
		es->t0 = bs_realloc(es->t0, bs_size_mul(es->cap, sizeof(*es->t0)));
	}
	size = EL_CHAIN_PREFIX + el_encoded_size(f);
	bs_buf_grow(&es->enc, size);
	es->off[es->n] = es->enc.len;
	el_encode_fields((unsigned char *)es->enc.ptr + es->enc.len + EL_CHAIN_PREFIX, 0, 0, ev->severity, f);
	es->enc.len += size;
	es->t0[es->n] = ev->time_us;
	es->n++;
	es->off[es->n] = es->enc.len;
	return 0;
}

static void req_from_set(struct req *r, struct enc_set *es)
{
	memset(r, 0, sizeof(*r));
	r->n = es->n;
	r->enc = (unsigned char *)es->enc.ptr;
	r->off = es->off;
	r->t0 = es->t0;
}

int bs_eventlog_append_flags(struct bs_eventlog *log, struct bs_event *ev, size_t n, unsigned flags)
{
	struct enc_set es;
	struct req r;
	int err = 0;

	if (n == 0)
		return 0;
	if (n > BATCH_MAX_EVENTS)
		return bs_error(BS_EINVALID, "cannot append %zu events at once: at most %d", n, BATCH_MAX_EVENTS);
	/* Encode here, in the caller's thread, so the writer only patches in seq and time and
	 * hashes. */
	memset(&es, 0, sizeof(es));
	bs_buf_init(&es.enc);
	for (size_t i = 0; i < n && err == 0; i++)
		err = enc_set_add(&es, &ev[i], flags);
	if (err == 0) {
		req_from_set(&r, &es);
		r.ev = ev;
		err = submit(log, &r);
	}
	enc_set_release(&es);
	return err;
}

int bs_eventlog_append(struct bs_eventlog *log, struct bs_event *ev, size_t n)
{
	return bs_eventlog_append_flags(log, ev, n, 0);
}

struct bs_eventlog_batch *bs_eventlog_batch_new(void)
{
	struct bs_eventlog_batch *b = bs_calloc(1, sizeof(*b));
	bs_buf_init(&b->es.enc);
	return b;
}

void bs_eventlog_batch_free(struct bs_eventlog_batch *b)
{
	if (!b)
		return;
	if (b->in_flight)
		abort(); /* the writer still uses it: a caller bug */
	enc_set_release(&b->es);
	free(b);
}

void bs_eventlog_batch_clear(struct bs_eventlog_batch *b)
{
	if (b->in_flight)
		abort();
	enc_set_clear(&b->es);
}

size_t bs_eventlog_batch_count(const struct bs_eventlog_batch *b)
{
	return b->es.n;
}

int bs_eventlog_batch_add(struct bs_eventlog_batch *b, const struct bs_event *ev, unsigned flags)
{
	if (b->in_flight)
		abort();
	return enc_set_add(&b->es, ev, flags);
}

int bs_eventlog_batch_submit(struct bs_eventlog *log, struct bs_eventlog_batch *b)
{
	int err;

	if (b->in_flight)
		abort();
	req_from_set(&b->r, &b->es);
	b->r.pipelined = 1;
	if ((err = enqueue(log, &b->r)) < 0)
		return err;
	b->in_flight = 1;
	return 0;
}

int bs_eventlog_batch_wait(struct bs_eventlog *log, struct bs_eventlog_batch *b, int64_t *first_seq)
{
	int err;

	if (!b->in_flight)
		return bs_error(BS_EINVALID, "event log: waiting for a batch that was not submitted (internal error)");
	err = await(log, &b->r);
	b->in_flight = 0;
	if (first_seq)
		*first_seq = err == 0 ? b->r.first_seq : 0;
	return err;
}

int bs_eventlog_checkpoint(struct bs_eventlog *log)
{
	struct req r;
	memset(&r, 0, sizeof(r));
	r.force_checkpoint = 1;
	return submit(log, &r);
}

int bs_eventlog_purge(struct bs_eventlog *log, const char *user, int64_t *purged)
{
	struct req r;
	int err;
	memset(&r, 0, sizeof(r));
	r.op = OP_PURGE;
	r.user = user;
	if ((err = valid_field("user", user, FIELD_MAX)) < 0)
		return err;
	err = submit(log, &r);
	*purged = r.purged;
	return err;
}

int bs_eventlog_set_retention(struct bs_eventlog *log, const char *user, int days)
{
	struct req r;
	int err;
	if (days < BS_EVENTLOG_RETENTION_MIN_DAYS)
		return bs_error(BS_EINVALID, "retention %d days is below the regulation's minimum of %d days (6 months, "
				"A2.4.1.7.1.1)", days, BS_EVENTLOG_RETENTION_MIN_DAYS);
	if ((err = valid_field("user", user, FIELD_MAX)) < 0)
		return err;
	memset(&r, 0, sizeof(r));
	r.op = OP_RETENTION;
	r.user = user;
	r.days = days;
	return submit(log, &r);
}

/* A log made before event_seconds has a per-row time index instead: build the summary from
 * the events and drop the index, in one transaction (another process may be at it too). Also
 * the way to rebuild a damaged summary: drop the table, the next writer builds it again. */
static int seconds_upgrade(struct bs_eventlog *log)
{
	int have = el_has_seconds(log->db, "main"), err;

	if (have != 0)
		return have < 0 ? have : 0;
	if ((err = el_exec(log->db, log->dbpath, "BEGIN IMMEDIATE")) < 0)
		return err;
	if ((have = el_has_seconds(log->db, "main")) < 0)
		err = have;
	else if (have == 0 && ((err = el_exec(log->db, log->dbpath, EL_SECONDS_DDL)) == 0 &&
			       (err = el_seconds_fill(log->db, log->dbpath)) == 0))
		err = el_exec(log->db, log->dbpath, "DROP INDEX IF EXISTS events_time");
	if (err == 0)
		err = el_exec(log->db, log->dbpath, "COMMIT");
	if (err < 0 && !sqlite3_get_autocommit(log->db))
		(void)sqlite3_exec(log->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

int bs_eventlog_open(struct bs_eventlog **out, const char *dir)
{
	struct bs_eventlog *log = bs_calloc(1, sizeof(*log));
	char *keysdir = el_path(dir, "keys");
	struct stat sb;
	int64_t v;
	int err;

	*out = NULL;
	if (sodium_init() < 0)
		abort();
	log->dir = bs_strdup(dir);
	log->dbpath = el_path(dir, "events.db");
	log->sealpath = el_path(dir, "keys/seal.key");
	log->alertpath = el_path(dir, "eventlog.alert");
	log->enc = (struct bs_buf)BS_BUF_INIT;
	log->test_free_bytes = -1;
	log->wal_fd = -1;
	log->pipe_gen = 1; /* pipe_poisoned 0: none */
	if (stat(log->dbpath, &sb) != 0) {
		err = bs_error(BS_ENOTFOUND, "event log '%s' is missing: every change must be logged, so brokersec "
			       "refuses to work; restore events.db from backup", log->dbpath);
		goto fail;
	}
	if ((err = el_db_open(&log->db, log->dbpath, 0)) < 0 ||
	    (err = el_exec(log->db, log->dbpath, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-16384;")) < 0) {
		/* The log exists but cannot be written: that is the A2.4.1.7.3 failure too. */
		bs_eventlog_alert(dir, "event log write failed: %s", bs_error_message());
		goto fail;
	}
	if (el_meta_get_blob(log->db, "log_id", log->log_id, EL_LOGID) || el_meta_get_int(log->db, "epoch_start_us",
				&log->epoch_start_us) || el_meta_get_int(log->db, "epoch_us", &log->epoch_us) ||
	    el_meta_get_int(log->db, "checkpoint_every", &log->every) ||
	    el_meta_get_int(log->db, "checkpoint_us", &log->ckpt_us) || el_meta_get_int(log->db, "format", &v) || v != 1) {
		err = bs_error(BS_ERR, "event log '%s' has missing or unknown parameters: is it a brokersec "
			       "event log of this version? run 'brokersec log verify'", log->dbpath);
		goto fail;
	}
	if ((err = seconds_upgrade(log)) < 0) {
		bs_eventlog_alert(dir, "event log write failed: %s", bs_error_message());
		goto fail;
	}
	log->sk = sodium_malloc(BS_SIGN_SECRET_BYTES);
	if (!log->sk)
		abort();
	if ((err = bs_keys_load_signing(keysdir, log->sk)) < 0)
		goto fail;
	pthread_mutex_init(&log->mu, NULL);
	pthread_cond_init(&log->cv_work, NULL);
	pthread_cond_init(&log->cv_done, NULL);
	pthread_cond_init(&log->cv_space, NULL);
	pthread_mutex_init(&log->ckpt_mu, NULL);
	pthread_cond_init(&log->ckpt_cv, NULL);
	if (pthread_create(&log->ckpt_thread, NULL, ckpt_main, log) == 0) {
		log->ckpt_started = 1;
		/* before the writer thread exists: the connection is not shared yet */
		sqlite3_wal_hook(log->db, wal_hook, log);
	}
	syncer_start(log);
	if (pthread_create(&log->thread, NULL, writer_main, log) != 0) {
		err = bs_error(BS_ERR, "cannot start the event log writer: %s", strerror(errno));
		goto fail;
	}
	log->started = 1;
	free(keysdir);
	*out = log;
	return 0;
fail:
	free(keysdir);
	bs_eventlog_close(log);
	return err;
}

void bs_eventlog_close(struct bs_eventlog *log)
{
	if (!log)
		return;
	if (log->started) {
		/* Seal what this process wrote so the tail does not wait for the next writer. */
		(void)bs_eventlog_checkpoint(log);
		pthread_mutex_lock(&log->mu);
		log->stop = 1;
		pthread_cond_broadcast(&log->cv_work);
		pthread_cond_broadcast(&log->cv_space);
		pthread_mutex_unlock(&log->mu);
		pthread_join(log->thread, NULL);
		syncer_stop(log);
		el_hasher_stop(log->hasher);
		free(log->items);
		pthread_mutex_destroy(&log->mu);
		pthread_cond_destroy(&log->cv_work);
		pthread_cond_destroy(&log->cv_done);
		pthread_cond_destroy(&log->cv_space);
	} else {
		syncer_stop(log); /* started, then the writer could not be */
	}
	if (log->ckpt_started) {
		pthread_mutex_lock(&log->ckpt_mu);
		log->ckpt_stop = 1;
		pthread_cond_broadcast(&log->ckpt_cv);
		pthread_mutex_unlock(&log->ckpt_mu);
		pthread_join(log->ckpt_thread, NULL);
		pthread_mutex_destroy(&log->ckpt_mu);
		pthread_cond_destroy(&log->ckpt_cv);
	}
	if (log->wal_fd >= 0)
		close(log->wal_fd);
	sqlite3_finalize(log->ins);
	sqlite3_finalize(log->ins_many);
	sqlite3_finalize(log->ins_sec);
	sqlite3_finalize(log->dv);
	if (log->db)
		sqlite3_close_v2(log->db);
	if (log->sk)
		sodium_free(log->sk); /* sodium_free wipes */
	bs_buf_release(&log->enc);
	free(log->dir);
	free(log->dbpath);
	free(log->sealpath);
	free(log->alertpath);
	free(log);
}

void bs_eventlog_test_free_bytes(struct bs_eventlog *log, int64_t bytes)
{
	pthread_mutex_lock(&log->mu);
	log->test_free_bytes = bytes;
	log->last_capacity_check = 0;
	pthread_mutex_unlock(&log->mu);
}

void bs_eventlog_test_fail_writes(struct bs_eventlog *log, int n)
{
	pthread_mutex_lock(&log->mu);
	log->fail_writes = n;
	pthread_mutex_unlock(&log->mu);
}

int bs_eventlog_test_fail_syncs(struct bs_eventlog *log, int n)
{
	pthread_mutex_lock(&log->mu);
	log->fail_syncs = n;
	pthread_mutex_unlock(&log->mu);
	return log->sync_started;
}

/* ---- audit ---- */

int bs_audit(struct bs_datadir *dd, const char *type, const char *outcome, const char *data, const char *fmt, ...)
{
	struct bs_buf msg = BS_BUF_INIT;
	struct bs_event ev;
	va_list ap;
	int err;

	if (!dd->events && (err = bs_eventlog_open(&dd->events, dd->path)) < 0)
		return err;
	va_start(ap, fmt);
	bs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.severity = outcome && !strcmp(outcome, "failure") ? 4 : 5;
	ev.host = hostname();
	ev.source = dd->source ? dd->source : "cli";
	ev.user = dd->actor;
	ev.outcome = outcome;
	ev.message = msg.ptr;
	ev.data = data;
	err = bs_eventlog_append(dd->events, &ev, 1);
	bs_buf_release(&msg);
	return err;
}

/* ---- alerts ---- */

void bs_eventlog_alert(const char *dir, const char *fmt, ...)
{
	struct bs_buf line = BS_BUF_INIT;
	char when[BS_TIME_MAX], *path = el_path(dir, "eventlog.alert");
	va_list ap;
	int fd;

	bs_time_format(bs_clock_now(), when);
	bs_buf_printf(&line, "%s ", when);
	va_start(ap, fmt);
	bs_buf_vprintf(&line, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < line.len; i++)
		if (line.ptr[i] == '\n')
			line.ptr[i] = ' ';
	syslog(LOG_USER | LOG_ALERT, "brokersec event log alert (%s): %s", dir, line.ptr + strlen(when) + 1);
	bs_buf_putc(&line, '\n');
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		/* Best effort: when even this fails the syslog line and the caller's error remain. */
		ssize_t w = write(fd, line.ptr, line.len);
		(void)w;
		(void)fsync(fd);
		close(fd);
	}
	free(path);
	bs_buf_release(&line);
}

int bs_eventlog_alert_pending(const char *dir, char *buf, size_t cap)
{
	struct bs_buf b = BS_BUF_INIT;
	char *path = el_path(dir, "eventlog.alert");
	int r = 0;

	if (cap)
		buf[0] = '\0';
#define NO_DETAIL "an event log write failed (the details could not be saved: the disk was full)"
	if (bs_buf_read_file(&b, path) == 0) {
		if (b.len == 0)
			bs_buf_puts(&b, NO_DETAIL);
		/* The last line is the most recent alert. */
		while (b.len && b.ptr[b.len - 1] == '\n')
			b.ptr[--b.len] = '\0';
		const char *nl = strrchr(b.ptr, '\n');
		snprintf(buf, cap, "%s", nl ? nl + 1 : b.ptr);
		r = 1;
	}
	bs_error_clear();
	bs_buf_release(&b);
	free(path);
	return r;
}

int bs_eventlog_alert_clear(struct bs_datadir *dd)
{
	char text[512], *path = el_path(dd->path, "eventlog.alert");
	int err = 0;

	if (!bs_eventlog_alert_pending(dd->path, text, sizeof(text))) {
		free(path);
		return bs_error(BS_ENOTFOUND, "no event log alert is pending in '%s'", dd->path);
	}
	if ((err = bs_audit(dd, "eventlog.alert.clear", "success", NULL, "cleared the event log alert: %s", text)) == 0 &&
	    unlink(path) != 0)
		err = bs_error(BS_ERR, "cannot remove '%s': %s", path, strerror(errno));
	free(path);
	return err;
}
