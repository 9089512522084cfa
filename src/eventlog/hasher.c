/*
 * hasher.c - chains a transaction's events on a second thread, ahead of the writer.
 *
 * Each event's chain hash depends on the one before, so the chain is sequential; but it
 * does not depend on the SQLite inserts, which cost the writer about three times as much.
 * The writer hands the hasher a transaction's whole run of events at its start and stores
 * event k as soon as the hasher has published it, so the two halves overlap and the writer,
 * the log's one serial stage, no longer spends a quarter of its time hashing. Progress is
 * published every PUBLISH_EVERY events: the threads meet on the mutex once per that many
 * events, not once per event.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "eventlog/el_internal.h"

#define PUBLISH_EVERY 64

struct el_hasher {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv_job, cv_progress;
	/* the job, set by el_hasher_begin; done and busy under mu */
	struct el_chain_item *items;
	size_t n, done;
	int64_t *last_seq;
	unsigned char *last_hash;
	struct el_frontier *f;
	int busy, stop, waiting;
};

void el_chain_one(int64_t *last_seq, unsigned char last_hash[EL_HASH], struct el_frontier *f,
		  struct el_chain_item *it)
{
	unsigned char *e = it->buf + EL_CHAIN_PREFIX;
	int64_t seq = *last_seq + 1;
	uint64_t us = (uint64_t)seq, ut = (uint64_t)it->t;

	for (int i = 7; i >= 0; i--, us >>= 8, ut >>= 8) {
		e[1 + i] = (unsigned char)(us & 0xff);
		e[9 + i] = (unsigned char)(ut & 0xff);
	}
	el_chain_prefixed(it->buf, it->enc_len, last_hash, last_hash);
	/* The frontier follows the chain while it is complete (see struct head). */
	if ((int64_t)f->size == *last_seq) {
		unsigned char leaf[EL_HASH];
		el_leaf(last_hash, leaf);
		el_frontier_push(f, leaf);
	}
	memcpy(it->hash, last_hash, EL_HASH);
	*last_seq = seq;
}

static void publish(struct el_hasher *hs, size_t done)
{
	pthread_mutex_lock(&hs->mu);
	hs->done = done;
	if (done == hs->n)
		hs->busy = 0;
	if (hs->waiting)
		pthread_cond_signal(&hs->cv_progress);
	pthread_mutex_unlock(&hs->mu);
}

static void *hasher_main(void *arg)
{
	struct el_hasher *hs = arg;

	pthread_mutex_lock(&hs->mu);
	for (;;) {
		while (!hs->busy && !hs->stop)
			pthread_cond_wait(&hs->cv_job, &hs->mu);
		if (!hs->busy)
			break;
		size_t n = hs->n;
		pthread_mutex_unlock(&hs->mu);
		/* the job's fields are the writer's again only after the last publish */
		for (size_t k = 0; k < n; k++) {
			el_chain_one(hs->last_seq, hs->last_hash, hs->f, &hs->items[k]);
			if ((k + 1) % PUBLISH_EVERY == 0 || k + 1 == n)
				publish(hs, k + 1);
		}
		pthread_mutex_lock(&hs->mu);
	}
	pthread_mutex_unlock(&hs->mu);
	return NULL;
}

int el_hasher_start(struct el_hasher **out)
{
	struct el_hasher *hs = bs_calloc(1, sizeof(*hs));

	pthread_mutex_init(&hs->mu, NULL);
	pthread_cond_init(&hs->cv_job, NULL);
	pthread_cond_init(&hs->cv_progress, NULL);
	if (pthread_create(&hs->thread, NULL, hasher_main, hs) != 0) {
		pthread_cond_destroy(&hs->cv_progress);
		pthread_cond_destroy(&hs->cv_job);
		pthread_mutex_destroy(&hs->mu);
		free(hs);
		*out = NULL;
		return -1;
	}
	*out = hs;
	return 0;
}

void el_hasher_begin(struct el_hasher *hs, struct el_chain_item *items, size_t n, int64_t *last_seq,
		     unsigned char last_hash[EL_HASH], struct el_frontier *f)
{
	if (!n)
		return;
	pthread_mutex_lock(&hs->mu);
	hs->items = items;
	hs->n = n;
	hs->done = 0;
	hs->last_seq = last_seq;
	hs->last_hash = last_hash;
	hs->f = f;
	hs->busy = 1;
	pthread_cond_signal(&hs->cv_job);
	pthread_mutex_unlock(&hs->mu);
}

size_t el_hasher_wait(struct el_hasher *hs, size_t k)
{
	size_t done;

	pthread_mutex_lock(&hs->mu);
	while (hs->done <= k && hs->busy) {
		hs->waiting = 1;
		pthread_cond_wait(&hs->cv_progress, &hs->mu);
	}
	hs->waiting = 0;
	done = hs->done;
	pthread_mutex_unlock(&hs->mu);
	return done;
}

void el_hasher_finish(struct el_hasher *hs)
{
	pthread_mutex_lock(&hs->mu);
	while (hs->busy) {
		hs->waiting = 1;
		pthread_cond_wait(&hs->cv_progress, &hs->mu);
	}
	hs->waiting = 0;
	pthread_mutex_unlock(&hs->mu);
}

void el_hasher_stop(struct el_hasher *hs)
{
	if (!hs)
		return;
	pthread_mutex_lock(&hs->mu);
	hs->stop = 1;
	pthread_cond_signal(&hs->cv_job);
	pthread_mutex_unlock(&hs->mu);
	pthread_join(hs->thread, NULL);
	pthread_cond_destroy(&hs->cv_progress);
	pthread_cond_destroy(&hs->cv_job);
	pthread_mutex_destroy(&hs->mu);
	free(hs);
}
