/* create.c - a new events.db: its schema and parameters, checkpoint 0 and the first sealing
 * key (bs_eventlog_create_sealed). */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "eventlog/el_internal.h"
#include "keys/keys.h"

#define PAGE_SIZE_STR "16384"    /* events.db's page size, set when it is made */

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
	" sig BLOB NOT NULL, seal BLOB NOT NULL, frontier BLOB NOT NULL, kind INTEGER NOT NULL DEFAULT 0);";

void bs_eventlog_params_default(struct bs_eventlog_params *p)
{
	p->epoch_us = 15LL * 60 * 1000000;
	p->checkpoint_every = 1000;
	p->checkpoint_us = 60LL * 1000000;
	p->retention_days = BS_EVENTLOG_RETENTION_MIN_DAYS;
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
	/* empty and 0600 before SQLite opens it, so that its -wal and -shm files are 0600 too */
	if ((err = bs_write_new_file(dbpath, "", 0)) < 0)
		goto done;
	created = 1;
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		err = bs_error(BS_ERR, "cannot create event log '%s': %s", dbpath, db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	memset(&c, 0, sizeof(c));
	memset(&f, 0, sizeof(f));
	randombytes_buf(c.log_id, EL_LOGID);
	randombytes_buf(k0, EL_HASH);
	c.epoch_start_us = bs_clock_now();
	c.epoch_us = p->epoch_us;
	c.time_us = c.epoch_start_us;
	c.kind = EL_CKPT_V2;
	el_frontier_root(&f, c.root);
	el_genesis(c.log_id, c.chain_head);
	el_clock_state(&c.clock_sync, &c.clock_state, &c.clock_maxerror_us, &c.clock_esterror_us);
	el_ckpt_sign(&c, sk, k0);
	if ((err = el_exec(db, dbpath, schema)) < 0 || (err = el_exec(db, dbpath, "BEGIN IMMEDIATE")) < 0)
		goto done;
	if (el_meta_put_int(db, "format", 1) || el_meta_put_blob(db, "log_id", c.log_id, EL_LOGID) ||
	    el_meta_put_int(db, "epoch_start_us", c.epoch_start_us) || el_meta_put_int(db, "epoch_us", c.epoch_us) ||
	    el_meta_put_int(db, "checkpoint_every", p->checkpoint_every) ||
	    el_meta_put_int(db, "checkpoint_us", p->checkpoint_us) ||
	    el_meta_put_int(db, "retention_days", p->retention_days)) {
		err = el_db_fail(db, dbpath, "cannot write the log parameters");
		goto done;
	}
	if ((err = el_insert_checkpoint(db, dbpath, &c, &f)) < 0 || (err = el_exec(db, dbpath, "COMMIT")) < 0)
		goto done;
	el_seal_encode(sealbuf, c.log_id, 0, k0);
	if ((err = bs_write_new_file(sealpath, sealbuf, sizeof(sealbuf))) < 0)
		goto done;
	if (vkey)
		el_vkey_format(vkey, c.log_id, c.epoch_start_us, c.epoch_us, k0, sk + 32);
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
