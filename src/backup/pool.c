/* pool.c - the worker pool of backup create and restore (backup_int.h): a worker per CPU (at
 * most BS_POOL_MAX), a bounded queue of jobs, the first failure kept as a message and handed
 * to the thread that waits; fewer workers when the system refuses more threads, an error
 * when it refuses every one. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backup/backup_int.h"
#include "core/error.h"

static void *pool_main(void *arg)
{
	struct bs_pool *p = arg;
	void *ws;

	bs_error_set_lang(p->lang);
	ws = p->init ? p->init(p->ctx) : NULL;
	for (;;) {
		void *job;
		int err, skip;
		pthread_mutex_lock(&p->mu);
		while (!p->count && !p->closing)
			pthread_cond_wait(&p->more, &p->mu);
		if (!p->count) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		job = p->q[p->head];
		p->head = (p->head + 1) % BS_POOL_QUEUE;
		p->count--;
		pthread_cond_signal(&p->room);
		skip = p->err < 0;
		pthread_mutex_unlock(&p->mu);
		err = p->run(p->ctx, ws, job, skip);
		pthread_mutex_lock(&p->mu);
		if (err < 0 && p->err >= 0) {
			p->err = err;
			snprintf(p->errmsg, sizeof(p->errmsg), "%s", bs_error_message());
			pthread_cond_broadcast(&p->room);
		}
		if (++p->finished == p->submitted)
			pthread_cond_broadcast(&p->idle);
		pthread_mutex_unlock(&p->mu);
	}
	if (p->fini)
		p->fini(ws);
	return NULL;
}

int bs_pool_start(struct bs_pool *p, const char *what)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int want = n < 1 ? 1 : n > BS_POOL_MAX ? BS_POOL_MAX : (int)n, rc = 0;

	p->lang = bs_error_lang();
	p->head = p->count = 0;
	p->submitted = p->finished = 0;
	p->closing = 0;
	p->err = 0;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->more, NULL);
	pthread_cond_init(&p->room, NULL);
	pthread_cond_init(&p->idle, NULL);
	for (p->nth = 0; p->nth < want; p->nth++)
		if ((rc = pthread_create(&p->th[p->nth], NULL, pool_main, p)) != 0)
			break;
	if (p->nth)
		return 0;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->more);
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->idle);
	if (!strcmp(what, "restore"))
		return bs_error(BS_ERR, "cannot start the restore's worker threads: %s", bs_strerror(rc));
	return bs_error(BS_ERR, "cannot start the backup's worker threads: %s", bs_strerror(rc));
}

int bs_pool_submit(struct bs_pool *p, void *job)
{
	pthread_mutex_lock(&p->mu);
	while (p->count == BS_POOL_QUEUE && p->err >= 0)
		pthread_cond_wait(&p->room, &p->mu);
	if (p->err < 0) {
		int err = p->err;
		pthread_mutex_unlock(&p->mu);
		return err;
	}
	p->q[(p->head + p->count) % BS_POOL_QUEUE] = job;
	p->count++;
	p->submitted++;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

int bs_pool_wait(struct bs_pool *p)
{
	int err = 0;
	pthread_mutex_lock(&p->mu);
	while (p->finished < p->submitted)
		pthread_cond_wait(&p->idle, &p->mu);
	if (p->err < 0)
		err = bs_error(p->err, "%s", p->errmsg);
	p->err = 0;
	pthread_mutex_unlock(&p->mu);
	return err;
}

int bs_pool_stop(struct bs_pool *p)
{
	if (!p->nth)
		return 0;
	pthread_mutex_lock(&p->mu);
	p->closing = 1;
	pthread_cond_broadcast(&p->more);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	p->nth = 0;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->more);
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->idle);
	if (p->err < 0)
		return bs_error(p->err, "%s", p->errmsg);
	return 0;
}
