/* queue.c - the bounded queue between the event loop (which adds what it receives, a batch
 * under one lock) and the commit thread (which takes messages off and releases them once
 * committed). Full, it stops the loop from reading: backpressure. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "intake/intake_internal.h"

static int room_for(const struct bs_intake *in, size_t count, size_t bytes, size_t more_bytes)
{
	return count < in->cfg.queue_messages && bytes + more_bytes <= in->cfg.queue_bytes;
}

void intake_pending_begin(struct bs_intake *in, struct pending *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_lock(&in->mu);
	p->base_count = in->count;
	p->base_bytes = in->bytes;
	pthread_mutex_unlock(&in->mu);
}

int intake_pending_room(struct bs_intake *in, const struct pending *p, size_t len)
{
	return room_for(in, p->base_count + p->count, p->base_bytes + p->bytes, intake_msg_cost(len));
}

void intake_pending_add(struct pending *p, const char *raw, size_t len, const char *source,
			enum bs_syslog_transport tr, unsigned flags, int64_t now)
{
	struct qmsg *m = bs_malloc(intake_msg_cost(len));

	m->next = NULL;
	m->recv_us = now;
	m->transport = (unsigned char)tr;
	m->flags = (unsigned char)flags;
	size_t sl = strnlen(source, sizeof(m->source) - 1);
	memcpy(m->source, source, sl); /* no printf per message */
	m->source[sl] = '\0';
	m->len = len;
	memcpy(m->raw, raw, len);
	m->raw[len] = 0;
	if (p->tail)
		p->tail->next = m;
	else
		p->head = m;
	p->tail = m;
	p->count++;
	p->bytes += intake_msg_cost(len);
}

/* Queues the batch; then, when there is no room for another frame of max size, marks the
 * producer as waiting and returns 0 (the commit thread wakes it). 1: room left. */
int intake_pending_commit(struct bs_intake *in, struct pending *p)
{
	int room;

	pthread_mutex_lock(&in->mu);
	if (p->head) {
		if (in->tail)
			in->tail->next = p->head;
		else
			in->head = p->head;
		in->tail = p->tail;
		in->count += p->count;
		in->bytes += p->bytes;
		pthread_cond_signal(&in->nonempty);
	}
	room = room_for(in, in->count, in->bytes, intake_msg_cost(in->cfg.max_message));
	if (!room)
		in->producer_waiting = 1;
	p->base_count = in->count;
	p->base_bytes = in->bytes;
	pthread_mutex_unlock(&in->mu);
	p->head = p->tail = NULL;
	p->count = p->bytes = 0;
	return room;
}

/* Shutdown only: waits until the commit thread has made room. */
void intake_wait_room(struct bs_intake *in, struct pending *p)
{
	pthread_mutex_lock(&in->mu);
	while (!room_for(in, in->count, in->bytes, intake_msg_cost(in->cfg.max_message))) {
		in->producer_waiting = 1;
		pthread_cond_wait(&in->room, &in->mu);
	}
	p->base_count = in->count;
	p->base_bytes = in->bytes;
	pthread_mutex_unlock(&in->mu);
}

/* Takes up to max messages off the queue (they stay counted until release). block: wait
 * (at most 250 ms) while it is empty. */
size_t intake_take(struct bs_intake *in, size_t max, int block, struct qmsg **first, size_t *bytes, int *closing)
{
	struct qmsg *m;
	size_t n = 0;

	*bytes = 0;
	pthread_mutex_lock(&in->mu);
	if (block && !in->head && !in->closed) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&in->nonempty, &in->mu, &ts);
	}
	*closing = in->closed;
	*first = in->head;
	for (m = in->head; m && n < max; m = m->next) {
		n++;
		*bytes += intake_msg_cost(m->len);
		if (n == max || !m->next) {
			in->head = m->next;
			if (!in->head)
				in->tail = NULL;
			m->next = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&in->mu);
	return n;
}

/* Frees n committed messages and makes their room available (waking the loop when it
 * stopped reading for want of room). */
void intake_release(struct bs_intake *in, struct qmsg *first, size_t n, size_t bytes)
{
	int wake = 0;

	for (size_t k = 0; k < n && first; k++) {
		struct qmsg *m = first;
		first = m->next;
		free(m);
	}
	pthread_mutex_lock(&in->mu);
	in->count -= n;
	in->bytes -= bytes;
	if (in->producer_waiting && in->count <= in->cfg.queue_messages / 2 && in->bytes <= in->cfg.queue_bytes / 2) {
		in->producer_waiting = 0;
		wake = 1;
		pthread_cond_broadcast(&in->room);
	}
	pthread_mutex_unlock(&in->mu);
	if (wake) {
		uint64_t one = 1;
		ssize_t w = write(in->wake_fd, &one, sizeof(one));
		(void)w;
	}
}
