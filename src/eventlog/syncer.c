/* syncer.c - durability beside the writer: the thread that fdatasyncs the WAL after the
 * writer's commits (synchronous=NORMAL) and only then completes their requests. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "eventlog/el_internal.h"

/* Under mu: the requests of list are finished with err (<0: bs_error_message() says why). */
void el_complete_reqs(struct bs_eventlog *log, struct req *list, int err)
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

int el_sync_wal(struct bs_eventlog *log, int inject)
{
	if (inject)
		return bs_error(BS_ERR, "event log '%s': cannot write to disk: input/output error (injected by a test)",
				log->dbpath);
	if (fdatasync(log->wal_fd) != 0)
		return bs_error(BS_ERR, "event log '%s': cannot write to disk (fdatasync of its WAL): %s", log->dbpath,
				bs_strerror(errno));
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
			  "failed; restart brokersec once the disk is fixed", log->dbpath) : el_sync_wal(log, inject);
		if (err < 0 && !atomic_exchange(&log->sync_failed, 1))
			bs_eventlog_alert(log->dir, "event log write failed: %s", bs_error_message());
		pthread_mutex_lock(&log->mu);
		el_complete_reqs(log, list, err);
		pthread_cond_broadcast(&log->cv_done);
		pthread_cond_broadcast(&log->cv_space);
	}
	pthread_mutex_unlock(&log->mu);
	return NULL;
}

/* Starts the syncer when the WAL can be opened beside SQLite; then the writer's commits
 * need not wait for the disk. */
void el_syncer_start(struct bs_eventlog *log)
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

void el_syncer_stop(struct bs_eventlog *log)
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
