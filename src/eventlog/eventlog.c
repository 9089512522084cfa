/* eventlog.c - opening and closing events.db: the threads an open log runs (the writer,
 * writer.c; the syncer, syncer.c; the WAL checkpointer, checkpointer.c), the upgrade of logs
 * made before event_seconds, the host name events carry, and the hooks tests use.
 *
 * The rest of the log, one concept a file: create.c (a new log), seal.c (the sealing key
 * file), batch.c (what callers append), writer.c (group commit), insert.c (rows),
 * checkpoint.c (the head and its checkpoints), retention.c (retention and purge),
 * capacity.c (the capacity projection), alert.c (the failure alert), read.c (reading,
 * export, status), verify.c (verification); encode.c and hasher.c implement the format. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/utf8.h"
#include "eventlog/el_internal.h"
#include "keys/keys.h"

const char *bs_eventlog_hostname(void)
{
	static _Thread_local char name[256];

	if (!name[0] && (gethostname(name, sizeof(name) - 1) != 0 || !bs_utf8_valid_text(name, strlen(name))))
		snprintf(name, sizeof(name), "%s", "localhost");
	return name;
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

/* A log made before closing checkpoints: add their kind column (0 for every old one). */
static int kind_upgrade(struct bs_eventlog *log)
{
	int have = el_ckpt_has_kind(log->db, "main"), err;

	if (have != 0)
		return have < 0 ? el_db_fail(log->db, log->dbpath, "cannot read the checkpoints' columns") : 0;
	if ((err = el_exec(log->db, log->dbpath, "BEGIN IMMEDIATE")) < 0)
		return err;
	if ((have = el_ckpt_has_kind(log->db, "main")) < 0)
		err = el_db_fail(log->db, log->dbpath, "cannot read the checkpoints' columns");
	else if (have == 0)
		err = el_exec(log->db, log->dbpath, "ALTER TABLE checkpoints ADD COLUMN kind INTEGER NOT NULL DEFAULT 0");
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
	log->lock_fd = -1;
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
	if ((err = seconds_upgrade(log)) < 0 || (err = kind_upgrade(log)) < 0) {
		bs_eventlog_alert(dir, "event log write failed: %s", bs_error_message());
		goto fail;
	}
	/* Every writer holds events.lock shared; the last one to close gets it exclusive and
	 * writes the closing checkpoint (bs_eventlog_close). A closer holding it exclusive makes
	 * an opener wait until its closing checkpoint is written. */
	{
		char *lockpath = el_path(dir, "events.lock");
		log->lock_fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (log->lock_fd < 0 || flock(log->lock_fd, LOCK_SH) != 0) {
			err = bs_error(BS_ERR, "cannot lock '%s': %s: check the data directory's owner and mode", lockpath,
				       bs_strerror(errno));
			free(lockpath);
			goto fail;
		}
		free(lockpath);
	}
	log->hb_epoch = el_epoch_of(bs_clock_now(), log->epoch_start_us, log->epoch_us);
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
	if (pthread_create(&log->ckpt_thread, NULL, el_ckpt_main, log) == 0) {
		log->ckpt_started = 1;
		/* before the writer thread exists: the connection is not shared yet */
		sqlite3_wal_hook(log->db, el_wal_hook, log);
	}
	el_syncer_start(log);
	if (pthread_create(&log->thread, NULL, el_writer_main, log) != 0) {
		err = bs_error(BS_ERR, "cannot start the event log writer: %s", bs_strerror(errno));
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
		/* Seal what this process wrote so the tail does not wait for the next writer; the
		 * last writer (events.lock exclusive) marks the log closed, so that a verifier can
		 * tell a stopped log from one whose end was cut off (docs/eventlog-format.md). */
		if (log->lock_fd >= 0 && flock(log->lock_fd, LOCK_EX | LOCK_NB) == 0)
			(void)el_close_mark(log);
		else
			(void)bs_eventlog_checkpoint(log);
		pthread_mutex_lock(&log->mu);
		log->stop = 1;
		pthread_cond_broadcast(&log->cv_work);
		pthread_cond_broadcast(&log->cv_space);
		pthread_mutex_unlock(&log->mu);
		pthread_join(log->thread, NULL);
		el_syncer_stop(log);
		el_hasher_stop(log->hasher);
		free(log->items);
		pthread_mutex_destroy(&log->mu);
		pthread_cond_destroy(&log->cv_work);
		pthread_cond_destroy(&log->cv_done);
		pthread_cond_destroy(&log->cv_space);
	} else {
		el_syncer_stop(log); /* started, then the writer could not be */
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
	if (log->lock_fd >= 0)
		close(log->lock_fd); /* releases the lock */
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
