/* writer.c - the single writer thread with group commit: the queue callers hand requests
 * to, and the transaction that commits a batch of them (evolving the sealing key, chaining
 * and storing the events, writing checkpoints). */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "core/clock.h"
#include "core/error.h"
#include "eventlog/el_internal.h"

#define QUEUE_MAX_EVENTS 65536   /* callers block while this many events wait */
#define PIPELINE_MIN 256         /* smaller transactions chain their events on the writer itself */

static int commit_batch(struct bs_eventlog *log, struct req *batch)
{
	unsigned char key[EL_HASH];
	struct head h;
	int64_t now, ke = 0, now_e, dv = -1;
	int err, evolved = 0, force = 0, have_key = 0, periodic = 0, pipelined = 1, closing = 0, after_close;
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
	if ((err = el_begin_head(log, &h, &dv)) < 0)
		goto fail;
	if ((err = el_seal_read(log->sealpath, log->log_id, &ke, key)) < 0)
		goto fail;
	have_key = 1;
	/* A clock set back does not take the log's times back with it. */
	now = bs_clock_now();
	if (now < h.last_t)
		now = h.last_t;
	now_e = el_epoch_of(now, log->epoch_start_us, log->epoch_us);
	/* A crash between a commit and the key update leaves the file one step behind. */
	while (ke < h.c.epoch) {
		el_seal_evolve(key);
		ke++;
		evolved = 1;
	}
	/* Close every epoch up to now: each one ends with a sealed checkpoint dated after its end
	 * (its end seal), made with its own key. After a closing checkpoint nobody wrote
	 * (docs/eventlog-format.md): the key only catches up. */
	after_close = (h.c.kind & EL_CKPT_CLOSED) && h.last_seq == h.c.tree_size;
	while (ke < now_e) {
		if (!after_close && (h.c.epoch < ke || h.last_seq > h.c.tree_size ||
				     h.c.time_us < el_epoch_start(ke + 1, log->epoch_start_us, log->epoch_us))) {
			if ((err = el_write_checkpoint(log, &h, ke, key, now, 0)) < 0)
				goto fail;
			periodic = 1;
		}
		el_seal_evolve(key);
		ke++;
		evolved = 1;
	}
	/* Events are dated in the epoch whose key seals them (a key file ahead of the clock) */
	if (now < el_epoch_start(ke, log->epoch_start_us, log->epoch_us))
		now = el_epoch_start(ke, log->epoch_start_us, log->epoch_us);
	if ((err = el_prepare_insert(log, &log->ins, 1)) < 0)
		goto fail;
	if ((err = el_log_pending_alert(log, &h, now)) < 0)
		goto fail;
	for (struct req *r = batch; r; r = r->next) {
		force |= r->force_checkpoint;
		closing |= r->close_mark;
		pipelined &= r->op == OP_APPEND;
		total += r->n;
	}
	if (pipelined && total >= PIPELINE_MIN && total <= EL_BATCH_MAX && el_hasher_ready(log)) {
		if ((err = el_insert_pipelined(log, &h, batch, total, now)) < 0)
			goto fail;
	} else {
		for (struct req *r = batch; r; r = r->next) {
			if (r->op == OP_PURGE && (err = el_do_purge(log, &h, r, now)) < 0)
				goto fail;
			if (r->op == OP_RETENTION && (err = el_do_retention(log, &h, r, now)) < 0)
				goto fail;
			if (r->op != OP_APPEND)
				force = 1;
			for (size_t i = 0; i < r->n; i++) {
				int64_t seq, t;
				if ((err = el_insert_encoded(log, &h, r->enc + r->off[i],
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
	if ((err = el_secs_flush(log)) < 0)
		goto fail;
	if (h.last_seq > h.c.tree_size && (h.last_seq - h.c.tree_size >= log->every || now - h.c.time_us >= log->ckpt_us))
		periodic = 1;
	if (closing) {
		/* the last writer closes the log: a closing checkpoint over everything (unless the
		 * last checkpoint is one already, in this epoch, with nothing after it) */
		if (!((h.c.kind & EL_CKPT_CLOSED) && h.c.epoch == ke && h.last_seq == h.c.tree_size) &&
		    (err = el_write_checkpoint(log, &h, ke, key, now, EL_CKPT_CLOSED)) < 0)
			goto fail;
	} else if (h.last_seq > h.c.tree_size && (force || periodic)) {
		if ((err = el_write_checkpoint(log, &h, ke, key, now, 0)) < 0)
			goto fail;
	}
	/* The commit: synchronous=FULL, so callers hear of success only once it is durable. */
	if ((err = el_exec(log->db, log->dbpath, "COMMIT")) < 0)
		goto fail;
	log->cache = h;
	log->cache_dv = dv; /* our own commits leave data_version unchanged */
	log->cache_valid = 1;
	/* The old key goes only once the checkpoints it sealed are on disk: lost with a power
	 * cut, they could never be sealed again. */
	if (evolved && log->sync_started && (err = el_sync_wal(log, 0)) < 0) {
		if (!atomic_exchange(&log->sync_failed, 1))
			bs_eventlog_alert(log->dir, "event log write failed: %s", bs_error_message());
		sodium_memzero(key, sizeof(key));
		return err;
	}
	if (evolved && el_seal_write(log->sealpath, log->log_id, ke, key) < 0)
		bs_eventlog_alert(log->dir, "cannot erase the previous sealing key in '%s': %s", log->sealpath,
				  bs_error_message());
	sodium_memzero(key, sizeof(key));
	if (periodic)
		el_capacity_check(log, &h, now);
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

/* Idle, the writer wakes at the end of each epoch (plus a second) for the heartbeat: a
 * commit with no events, which seals the epoch that ended with its end seal (unless another
 * writer did) and evolves the key past it. Called with mu held; 1 when the
 * heartbeat is due now. */
static int wait_or_heartbeat(struct bs_eventlog *log)
{
	int64_t now = bs_clock_now(), e = el_epoch_of(now, log->epoch_start_us, log->epoch_us);
	int64_t wait_us = log->epoch_start_us + (e + 1) * log->epoch_us - now + 1000000;
	struct timespec ts;

	if (e > log->hb_epoch)
		return 1;
	if (wait_us < 1000000)
		wait_us = 1000000;
	if (wait_us > log->epoch_us + 1000000)
		wait_us = log->epoch_us + 1000000;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(wait_us / 1000000);
	ts.tv_nsec += (long)(wait_us % 1000000) * 1000;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	(void)pthread_cond_timedwait(&log->cv_work, &log->mu, &ts);
	return 0;
}

void *el_writer_main(void *arg)
{
	struct bs_eventlog *log = arg;

	pthread_mutex_lock(&log->mu);
	for (;;) {
		struct req *batch, *last, *r, **pp, *rejected = NULL;
		size_t n;
		int err = 0;

		while (!log->head && !log->stop) {
			if (!wait_or_heartbeat(log))
				continue;
			log->hb_epoch = el_epoch_of(bs_clock_now(), log->epoch_start_us, log->epoch_us);
			pthread_mutex_unlock(&log->mu);
			if (commit_batch(log, NULL) < 0)
				bs_eventlog_alert(log->dir, "event log heartbeat failed: %s", bs_error_message());
			pthread_mutex_lock(&log->mu);
		}
		if (!log->head)
			break;
		/* Group commit: everything waiting, up to the batch limit, in one transaction. */
		batch = last = log->head;
		n = batch->n;
		while (last->next && n + last->next->n <= EL_BATCH_MAX) {
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
		el_complete_reqs(log, batch, err);
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
int el_enqueue(struct bs_eventlog *log, struct req *r)
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
int el_await(struct bs_eventlog *log, struct req *r)
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
int el_submit(struct bs_eventlog *log, struct req *r)
{
	int err = el_enqueue(log, r);
	return err < 0 ? err : el_await(log, r);
}
