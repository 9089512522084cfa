/* refusal.c - refusals of clients that are not signed in become events at a bounded rate.
 *
 * One 401 costs the client one request and the event log about 0.5 KiB kept for at least
 * 183 days: unbounded, any client could fill the disk. So per minute (of bs_clock_now())
 * the first BS_REFUSAL_PER_SOURCE refusals of each source, and at most BS_REFUSAL_VERBATIM
 * in all, are events of their own; every other one is only counted, and the minute's counts
 * (total, per kind, the sources with the most refusals) become one summary event. The
 * per-source table is bounded too: sources beyond BS_REFUSAL_SOURCES in one minute are
 * counted together. Whatever the number of clients or addresses, refusals cost at most
 * BS_REFUSAL_VERBATIM + 1 events per minute (docs/roles.md, "Refusals and the event log").
 * The end of the file writes the events: each refusal the bound admits, and the summaries. */
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/buf.h"
#include "core/clock.h"
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

/* ---- recording refusals as events (the bound above decides which) ---- */

/* The server log says when refusals could not be recorded: one line per 10 seconds at most,
 * with the number since the last line (a full disk must not turn into a full journal). */
static void note_unrecorded(struct bs_http_ctx *c, const char *type, const char *why)
{
	struct bs_http *h = c->server;
	int64_t now = bs_clock_now();
	long long lost;

	pthread_mutex_lock(&h->note_mu);
	h->note_lost++;
	if (h->note_us && now - h->note_us < 10 * 1000000LL && now >= h->note_us) {
		pthread_mutex_unlock(&h->note_mu);
		return;
	}
	lost = h->note_lost;
	h->note_lost = 0;
	h->note_us = now;
	pthread_mutex_unlock(&h->note_mu);
	fprintf(stderr, "brokersec serve: %lld refusal(s) answered but not recorded as %s events: %s: see 'brokersec log "
		"status' and free disk space or repair the event log\n", lost, type, why);
}

/* Every refusal is an event; one of a client not signed in (kind >= 0) goes through the
 * per-minute bound above and may end up counted in a summary event instead. When the
 * event cannot be written the refusal stands all the same: refusing is already the closed
 * outcome and nothing was changed that would have to be undone. The server log says so, a
 * failed write raises the event log's own alert (eventlog.c), and a counted refusal goes into
 * the summary. */
static void record_refusal(struct bs_http_ctx *c, const char *type, int kind, const char *msg)
{
	int64_t now = bs_clock_now();
	int err;

	if (kind >= 0 && !bs_refusals_admit(c->server->refusals, (enum bs_refusal_kind)kind, c->source, now))
		return;
	err = bs_audit(c->dd, type, "failure", NULL, "%s", msg);
	if (err < 0) {
		if (kind >= 0)
			bs_refusals_unrecorded(c->server->refusals, (enum bs_refusal_kind)kind, now);
		note_unrecorded(c, type, bs_error_message());
	}
}

void bs_http_log_refusal(struct bs_http_ctx *c, const char *type, int kind, const char *why)
{
	struct bs_buf msg = BS_BUF_INIT;

	bs_buf_printf(&msg, "%s ", c->method);
	bs_http_put_escaped(&msg, c->path, 200);
	bs_buf_printf(&msg, " from %s refused: %s", c->source, why);
	record_refusal(c, type, kind, msg.ptr);
	bs_buf_release(&msg);
}

void bs_http_refusal(struct bs_http_ctx *c, enum bs_refusal_kind kind, const char *msg)
{
	record_refusal(c, bs_refusal_kind_name(kind), (int)kind, msg);
}

/* The summaries of refusals counted but not recorded one by one: from the timer (server.c)
 * once a second for the minutes that are over, and at stop for the one still running. */
void bs_http_refusal_summaries(struct bs_http *h, int all)
{
	struct bs_refusal_summary s;

	while (bs_refusals_take(h->refusals, bs_clock_now(), all, &s)) {
		char from[BS_TIME_MAX], to[BS_TIME_MAX], *data;
		struct bs_buf msg = BS_BUF_INIT;
		json_t *d, *top = json_array();
		int err;

		bs_time_format(s.from_us, from);
		bs_time_format(s.to_us, to);
		bs_buf_printf(&msg, "%lld refusals of clients not signed in from %s to %s not recorded one by one (",
			      (long long)s.suppressed_all, from, to);
		d = json_pack("{s:s,s:s,s:I,s:I,s:I}", "from", from, "to", to, "refusals", (json_int_t)s.refusals,
			      "recorded", (json_int_t)s.verbatim, "summarized", (json_int_t)s.suppressed_all);
		for (int k = 0, first = 1; k < BS_REFUSAL_KINDS; k++) {
			const char *name = bs_refusal_kind_name((enum bs_refusal_kind)k);
			json_object_set_new(d, name, json_integer((json_int_t)s.suppressed[k]));
			if (!s.suppressed[k])
				continue;
			bs_buf_printf(&msg, "%s%lld %s", first ? "" : ", ", (long long)s.suppressed[k], name);
			first = 0;
		}
		bs_buf_printf(&msg, "; %lld more were events of their own), from %lld sources", (long long)s.verbatim,
			      (long long)s.sources);
		if (s.other)
			bs_buf_printf(&msg, " and more (%lld refusals from sources beyond the first %d)", (long long)s.other,
				      BS_REFUSAL_SOURCES);
		for (int i = 0; i < s.ntop; i++) {
			bs_buf_printf(&msg, "%s %s (%lld)", i ? "," : "; most from", s.top[i].source, (long long)s.top[i].count);
			json_array_append_new(top, json_pack("{s:s,s:I}", "source", s.top[i].source, "count",
							     (json_int_t)s.top[i].count));
		}
		json_object_set_new(d, "sources", json_integer((json_int_t)s.sources));
		json_object_set_new(d, "other", json_integer((json_int_t)s.other));
		json_object_set_new(d, "top", top);
		data = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(d);
		if (!h->tick_dd && (err = bs_datadir_open(&h->tick_dd, h->datadir)) < 0) {
			h->tick_dd = NULL;
		} else {
			h->tick_dd->actor = "-";
			h->tick_dd->source = "serve";
			err = bs_audit(h->tick_dd, "auth.denied.summary", "failure", data, "%s", msg.ptr);
			h->tick_dd->actor = NULL;
			h->tick_dd->source = NULL;
		}
		if (err < 0) /* the counts must not vanish: the server log keeps them */
			fprintf(stderr, "brokersec serve: cannot record a refusal summary in the event log (%s): %s\n",
				bs_error_message(), msg.ptr);
		free(data);
		bs_buf_release(&msg);
	}
}
