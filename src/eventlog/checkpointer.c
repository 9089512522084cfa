/* checkpointer.c - SQLite's WAL checkpoints (copying the WAL back into events.db; not the
 * log's own signed checkpoints) on a thread and connection of their own, beside the writer. */
#include <pthread.h>

#include "core/error.h"
#include "eventlog/el_internal.h"

#define WAL_CKPT_PAGES 1024      /* ask for a checkpoint once the WAL holds this many pages (16 MiB) */
#define WAL_HARD_PAGES 4096      /* ... and wait for it above this (64 MiB) */

void *el_ckpt_main(void *arg)
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
int el_wal_hook(void *ctx, sqlite3 *db, const char *name, int pages)
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
