/* refusal.c - refusals of clients that are not signed in become events at a bounded rate.
 *
 * One 401 costs the client one request and the event log about 0.5 KiB kept for at least
 * 183 days: unbounded, any client could fill the disk. So per minute (of bs_clock_now())
 * the first BS_REFUSAL_PER_SOURCE refusals of each source, and at most BS_REFUSAL_VERBATIM
 * in all, are events of their own; every other one is only counted, and the minute's counts
 * (total, per kind, the sources with the most refusals) become one summary event. The
 * per-source table is bounded too: sources beyond BS_REFUSAL_SOURCES in one minute are
 * counted together. Whatever the number of clients or addresses, refusals cost at most
 * BS_REFUSAL_VERBATIM + 1 events per minute (docs/roles.md, "Refusals and the event log"). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "http/http_int.h"

#define MINUTE_US (60LL * 1000000)
#define SLOTS (2 * BS_REFUSAL_SOURCES) /* open addressing, load at most 1/2 */
#define READY_MAX 4

struct slot {
	char source[BS_REFUSAL_SOURCE_MAX];
	int64_t count;
};

struct window {
	int64_t minute;                 /* bs_clock_now() / MINUTE_US; -1: empty */
	int64_t refusals, verbatim;
	int64_t suppressed[BS_REFUSAL_KINDS];
	int64_t sources, other;         /* sources in the table; refusals of sources beyond it */
	struct slot slot[SLOTS];
};

struct bs_refusals {
	pthread_mutex_t mu;
	struct window cur;
	struct bs_refusal_summary ready[READY_MAX];
	int nready;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void window_reset(struct window *w, int64_t minute)
{
	memset(w, 0, sizeof(*w));
	w->minute = minute;
}

/* The window's counts as a summary (the caller checks there is something to say). */
static void summarize(const struct window *w, struct bs_refusal_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->from_us = w->minute * MINUTE_US;
	s->to_us = s->from_us + MINUTE_US;
	s->refusals = w->refusals;
	s->verbatim = w->verbatim;
	for (int k = 0; k < BS_REFUSAL_KINDS; k++) {
		s->suppressed[k] = w->suppressed[k];
		s->suppressed_all += w->suppressed[k];
	}
	s->sources = w->sources;
	s->other = w->other;
	for (size_t i = 0; i < SLOTS; i++) {
		const struct slot *e = &w->slot[i];
		int at;
		if (!e->source[0])
			continue;
		/* insertion into the short sorted top list */
		for (at = s->ntop; at > 0 && s->top[at - 1].count < e->count; at--)
			;
		if (at >= BS_REFUSAL_TOP)
			continue;
		if (s->ntop < BS_REFUSAL_TOP)
			s->ntop++;
		memmove(&s->top[at + 1], &s->top[at], (size_t)(s->ntop - 1 - at) * sizeof(s->top[0]));
		memcpy(s->top[at].source, e->source, sizeof(e->source));
		s->top[at].count = e->count;
	}
}

/* Adds b's counts to a (a summary that could not be queued on its own: the queue is full). */
static void merge(struct bs_refusal_summary *a, const struct bs_refusal_summary *b)
{
	a->to_us = b->to_us;
	a->refusals += b->refusals;
	a->verbatim += b->verbatim;
	a->suppressed_all += b->suppressed_all;
	for (int k = 0; k < BS_REFUSAL_KINDS; k++)
		a->suppressed[k] += b->suppressed[k];
	a->sources += b->sources; /* an upper bound: the same source may be in both */
	a->other += b->other;
	for (int i = 0; i < b->ntop; i++) {
		int j;
		for (j = 0; j < a->ntop && strcmp(a->top[j].source, b->top[i].source); j++)
			;
		if (j < a->ntop)
			a->top[j].count += b->top[i].count;
		else if (a->ntop < BS_REFUSAL_TOP)
			a->top[a->ntop++] = b->top[i];
	}
}

/* Moves the current window to the queue when its minute is over (only if some refusal of
 * it was not recorded one by one: otherwise its events say everything already). */
static void roll(struct bs_refusals *r, int64_t minute)
{
	struct bs_refusal_summary s;

	if (r->cur.minute == minute)
		return;
	if (r->cur.minute >= 0 && r->cur.refusals > r->cur.verbatim) {
		summarize(&r->cur, &s);
		if (r->nready < READY_MAX)
			r->ready[r->nready++] = s;
		else
			merge(&r->ready[READY_MAX - 1], &s);
	}
	window_reset(&r->cur, minute);
}

struct bs_refusals *bs_refusals_new(void)
{
	struct bs_refusals *r = bs_calloc(1, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	window_reset(&r->cur, -1);
	return r;
}

void bs_refusals_free(struct bs_refusals *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->mu);
	free(r);
}

int bs_refusals_admit(struct bs_refusals *r, enum bs_refusal_kind kind, const char *source, int64_t now_us)
{
	struct window *w = &r->cur;
	struct slot *e = NULL;
	int verbatim = 0;

	if (!source || !source[0])
		source = "unknown";
	pthread_mutex_lock(&r->mu);
	roll(r, now_us / MINUTE_US);
	w->refusals++;
	for (size_t i = hash(source) % SLOTS, n = 0; n < SLOTS; i = (i + 1) % SLOTS, n++) {
		if (!w->slot[i].source[0]) {
			if (w->sources >= BS_REFUSAL_SOURCES)
				break; /* table full: counted with the other sources */
			snprintf(w->slot[i].source, sizeof(w->slot[i].source), "%s", source);
			w->sources++;
			e = &w->slot[i];
			break;
		}
		if (!strncmp(w->slot[i].source, source, sizeof(w->slot[i].source) - 1)) {
			e = &w->slot[i];
			break;
		}
	}
	if (e)
		e->count++;
	else
		w->other++;
	if (e && e->count <= BS_REFUSAL_PER_SOURCE && w->verbatim < BS_REFUSAL_VERBATIM) {
		w->verbatim++;
		verbatim = 1;
	} else {
		w->suppressed[kind]++;
	}
	pthread_mutex_unlock(&r->mu);
	return verbatim;
}

void bs_refusals_unrecorded(struct bs_refusals *r, enum bs_refusal_kind kind, int64_t now_us)
{
	pthread_mutex_lock(&r->mu);
	/* the refusal's own event failed: the summary of its minute counts it instead */
	if (r->cur.minute == now_us / MINUTE_US && r->cur.verbatim > 0) {
		r->cur.verbatim--;
		r->cur.suppressed[kind]++;
	}
	pthread_mutex_unlock(&r->mu);
}

int bs_refusals_take(struct bs_refusals *r, int64_t now_us, int all, struct bs_refusal_summary *s)
{
	int got = 0;

	pthread_mutex_lock(&r->mu);
	roll(r, now_us / MINUTE_US);
	if (!r->nready && all && r->cur.refusals > r->cur.verbatim) {
		summarize(&r->cur, s);
		s->to_us = now_us; /* the minute is not over: the summary says up to when */
		window_reset(&r->cur, r->cur.minute);
		got = 1;
	} else if (r->nready) {
		*s = r->ready[0];
		memmove(&r->ready[0], &r->ready[1], (size_t)(r->nready - 1) * sizeof(r->ready[0]));
		r->nready--;
		got = 1;
	}
	pthread_mutex_unlock(&r->mu);
	return got;
}

const char *bs_refusal_kind_name(enum bs_refusal_kind kind)
{
	switch (kind) {
	case BS_REFUSAL_THROTTLED: return "auth.throttled";
	case BS_REFUSAL_LOGIN: return "auth.login";
	case BS_REFUSAL_RESET: return "auth.reset";
	default: return "auth.denied";
	}
}
