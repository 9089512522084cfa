/* commit.c - the commit thread with an event log (the production path): it parses and builds
 * what the queue holds into pipelined batches of the log, UDP drops included. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "intake/intake_internal.h"
#include "syslog/syslog.h"

void intake_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* One batch: the messages it holds (still in the queue's count until committed) and their
 * events, copied into the log's batch. */
struct slot {
	struct bs_eventlog_batch *b;
	struct qmsg *first;
	size_t n, bytes, bad;
	int64_t drops, kdrops; /* the drop totals its intake.drop event reports, or -1 */
	int in_flight;
};

/* UDP drops become an event of their own, so none is silent. Fills ev (its strings in msg
 * and data) and the totals it reports when there are new drops since reported; else 0. */
int intake_drop_event(struct bs_intake *in, int64_t reported, int64_t kreported, struct bs_buf *msg,
		      struct bs_buf *data, struct bs_event *ev, int64_t *drops, int64_t *kdrops)
{
	*drops = atomic_load(&in->c.dropped_udp);
	*kdrops = atomic_load(&in->c.dropped_udp_kernel);
	if (*drops <= reported && *kdrops <= kreported)
		return 0;
	bs_buf_clear(msg);
	bs_buf_clear(data);
	bs_buf_printf(msg, "%lld UDP syslog messages dropped by the intake (queue full) and %lld by the kernel "
		      "(socket buffer full) since the last report", (long long)(*drops - reported),
		      (long long)(*kdrops - kreported));
	bs_buf_printf(data, "{\"dropped_udp\":%lld,\"dropped_udp_kernel\":%lld,\"dropped_udp_total\":%lld,"
		      "\"dropped_udp_kernel_total\":%lld}", (long long)(*drops - reported),
		      (long long)(*kdrops - kreported), (long long)*drops, (long long)*kdrops);
	memset(ev, 0, sizeof(*ev));
	ev->type = "intake.drop";
	ev->severity = 4;
	ev->source = in->lis[BS_SYSLOG_UDP].addr;
	ev->message = msg->ptr;
	ev->data = data->ptr;
	return 1;
}

/* Adds the drop event (if any) to s's batch, remembering the totals it reports. */
static void add_drop_event(struct bs_intake *in, struct slot *s, int64_t reported, int64_t kreported,
			   struct bs_buf *msg, struct bs_buf *data)
{
	struct bs_event ev;
	int64_t drops, kdrops;

	s->drops = s->kdrops = -1;
	if (intake_drop_event(in, reported, kreported, msg, data, &ev, &drops, &kdrops) &&
	    bs_eventlog_batch_add(s->b, &ev, BS_EVENTLOG_TRUSTED) == 0) {
		s->drops = drops;
		s->kdrops = kdrops;
	}
}

/* Parses and builds s's messages into its batch. */
static void build_slot(struct slot *s, struct bs_syslog_scratch *sc)
{
	struct qmsg *m = s->first;
	struct bs_event ev;

	s->bad = 0;
	for (size_t k = 0; k < s->n; k++, m = m->next) {
		if (!bs_syslog_event_build(&ev, sc, m->raw, m->len, m->recv_us, m->source,
					   (enum bs_syslog_transport)m->transport, m->flags))
			s->bad++;
		/* cannot fail: the builder keeps every field within the log's limits (the
		 * sanitizer builds check the whole contract) */
		if (bs_eventlog_batch_add(s->b, &ev, BS_EVENTLOG_TRUSTED) < 0)
			abort();
	}
}

/* After s is committed: count it, free its messages. */
static void slot_done(struct bs_intake *in, struct slot *s, int64_t *reported, int64_t *kreported)
{
	if (s->drops >= 0) {
		*reported = s->drops;
		*kreported = s->kdrops;
	}
	atomic_fetch_add(&in->c.committed, (int64_t)s->n);
	atomic_fetch_add(&in->c.malformed, (int64_t)s->bad);
	intake_release(in, s->first, s->n, s->bytes);
	s->first = NULL;
	s->n = s->bytes = 0;
	s->in_flight = 0;
	bs_eventlog_batch_clear(s->b);
}

/* s could not be stored (shutdown): its messages are given up (counted in lost). */
static void slot_drop(struct bs_intake *in, struct slot *s)
{
	intake_release(in, s->first, s->n, s->bytes);
	s->first = NULL;
	s->n = s->bytes = 0;
	s->in_flight = 0;
	bs_eventlog_batch_clear(s->b);
}

/* s failed (and so did every batch submitted after it): submits it again, alone, until it
 * is stored; at shutdown gives up after a few tries. 0 stored, -1 given up. */
static int slot_retry(struct bs_intake *in, struct slot *s, int closing)
{
	for (int attempt = 0;; attempt++) {
		int err;
		intake_notify(in, 1, "cannot store %zu received messages: %s; retrying (messages are held, TCP senders "
			      "are slowed, UDP messages are dropped and counted)", bs_eventlog_batch_count(s->b),
			      bs_error_message());
		if ((closing || atomic_load(&in->stopping)) && attempt >= 4) {
			in->lost += (int64_t)s->n;
			intake_notify(in, 1, "giving up at shutdown: %zu received messages were not stored", s->n);
			return -1;
		}
		intake_sleep_ms(attempt < 6 ? 100L << attempt : 5000);
		err = bs_eventlog_batch_submit(in->cfg.log, s->b);
		if (err == 0)
			err = bs_eventlog_batch_wait(in->cfg.log, s->b, NULL);
		if (err == 0)
			return 0;
		atomic_fetch_add(&in->c.sink_failures, 1);
	}
}

/* Stores s (not in flight) until done or given up. */
static void slot_store(struct bs_intake *in, struct slot *s, int closing, int64_t *reported, int64_t *kreported)
{
	if (slot_retry(in, s, closing) == 0)
		slot_done(in, s, reported, kreported);
	else
		slot_drop(in, s);
}

/* Waits for s (in flight); when it failed, next (in flight behind it, or NULL) failed too:
 * stores both again in their order. Afterwards neither is in flight. */
static void slot_finish(struct bs_intake *in, struct slot *s, struct slot *next, int closing, int64_t *reported,
			int64_t *kreported)
{
	int err = bs_eventlog_batch_wait(in->cfg.log, s->b, NULL), next_err = 0;

	s->in_flight = 0;
	if (err == 0) {
		slot_done(in, s, reported, kreported);
		return;
	}
	atomic_fetch_add(&in->c.sink_failures, 1);
	if (next) {
		next_err = bs_eventlog_batch_wait(in->cfg.log, next->b, NULL);
		next->in_flight = 0;
	}
	slot_store(in, s, closing, reported, kreported);
	if (next) {
		if (next_err == 0)
			slot_done(in, next, reported, kreported);
		else
			slot_store(in, next, closing, reported, kreported);
	}
}

/* The commit thread with a log: takes what is queued (up to a batch), builds it, submits it
 * and, while the writer commits it, waits for the previous batch — so parsing and building
 * overlap hashing, inserting and fsync. Batches grow to what arrived during the last commit. */
void *intake_commit_log_main(void *arg)
{
	struct bs_intake *in = arg;
	struct bs_syslog_scratch sc;
	struct slot slots[2], *cur = &slots[0], *prev = NULL;
	struct bs_buf dropmsg = BS_BUF_INIT, dropdata = BS_BUF_INIT;
	int64_t reported = 0, kreported = 0, last_stats = 0, last_committed = -1;
	size_t max = in->cfg.batch > BS_EVENTLOG_BATCH_MAX - 1 ? BS_EVENTLOG_BATCH_MAX - 1 : in->cfg.batch;

	memset(&sc, 0, sizeof(sc));
	bs_buf_init(&sc.host);
	bs_buf_init(&sc.message);
	bs_buf_init(&sc.source);
	bs_buf_init(&sc.data);
	bs_buf_init(&sc.tmp);
	memset(slots, 0, sizeof(slots));
	slots[0].b = bs_eventlog_batch_new();
	slots[1].b = bs_eventlog_batch_new();
	for (;;) {
		int closing;

		/* Block for input only when nothing is in flight; else finish that first. */
		cur->n = intake_take(in, max, !prev, &cur->first, &cur->bytes, &closing);
		if (!cur->n && prev) {
			slot_finish(in, prev, NULL, closing, &reported, &kreported);
			prev = NULL;
			goto stats;
		}
		add_drop_event(in, cur, reported, kreported, &dropmsg, &dropdata);
		build_slot(cur, &sc);
		if (bs_eventlog_batch_count(cur->b)) {
			int err = bs_eventlog_batch_submit(in->cfg.log, cur->b);
			cur->in_flight = err == 0;
			if (err < 0)
				atomic_fetch_add(&in->c.sink_failures, 1); /* the log is closing */
			if (prev)
				slot_finish(in, prev, cur->in_flight ? cur : NULL, closing, &reported, &kreported);
			prev = NULL;
			if (cur->in_flight)
				prev = cur;
			else if (bs_eventlog_batch_count(cur->b)) /* not queued, and not stored by slot_finish */
				slot_store(in, cur, closing, &reported, &kreported);
			cur = cur == &slots[0] ? &slots[1] : &slots[0];
		} else if (prev) {
			slot_finish(in, prev, NULL, closing, &reported, &kreported);
			prev = NULL;
		}
stats:;
		/* Every 200 ms under load, and as soon as all that arrived is committed (so the
		 * counters are current whenever the intake is idle). */
		int64_t now = bs_clock_now(), committed = atomic_load(&in->c.committed);
		int idle = !prev && committed != last_committed;
		if (idle) {
			pthread_mutex_lock(&in->mu);
			idle = !in->head;
			pthread_mutex_unlock(&in->mu);
		}
		if (now - last_stats >= 200000 || idle || (closing && !in->head)) {
			intake_write_stats(in);
			last_stats = now;
			last_committed = committed;
		}
		if (closing && !prev && !cur->n) {
			pthread_mutex_lock(&in->mu);
			int empty = !in->head;
			pthread_mutex_unlock(&in->mu);
			if (empty)
				break;
		}
	}
	intake_write_stats(in);
	bs_eventlog_batch_free(slots[0].b);
	bs_eventlog_batch_free(slots[1].b);
	bs_syslog_scratch_release(&sc);
	bs_buf_release(&dropmsg);
	bs_buf_release(&dropdata);
	return NULL;
}
