/* commit_sink.c - tests only: the commit thread with a sink callback instead of an event log
 * (bs_intake_config.sink), one batch at a time. Unit tests hold and fail the sink to drive
 * backpressure and retries; brokersec itself always gives a log (commit.c). */
#include <stdatomic.h>
#include <stdlib.h>

#include "core/clock.h"
#include "intake/intake_internal.h"
#include "syslog/syslog.h"

void *intake_commit_sink_main(void *arg)
{
	struct bs_intake *in = arg;
	size_t batch = in->cfg.batch;
	struct bs_event *ev = bs_calloc(batch + 1, sizeof(*ev));
	struct bs_syslog_scratch *sc = bs_calloc(batch, sizeof(*sc));
	struct bs_buf dropmsg = BS_BUF_INIT, dropdata = BS_BUF_INIT;
	int64_t reported_drops = 0, reported_kdrops = 0, last_stats = 0;

	for (;;) {
		struct qmsg *first, *m;
		size_t bytes, nev = 0, bad = 0, k = 0;
		int64_t drops, kdrops;
		int closing, err;
		size_t n = intake_take(in, batch, 1, &first, &bytes, &closing);

		if (intake_drop_event(in, reported_drops, reported_kdrops, &dropmsg, &dropdata, &ev[0], &drops, &kdrops))
			nev = 1;
		for (m = first; k < n; m = m->next, k++)
			if (!bs_syslog_event_build(&ev[nev++], &sc[k], m->raw, m->len, m->recv_us, m->source,
						   (enum bs_syslog_transport)m->transport, m->flags))
				bad++;
		if (nev) {
			for (int attempt = 0;; attempt++) {
				err = in->cfg.sink(in->cfg.sink_ctx, ev, nev);
				if (err == 0)
					break;
				atomic_fetch_add(&in->c.sink_failures, 1);
				intake_notify(in, 1, "cannot store %zu received messages: %s; retrying (messages are held, "
					      "TCP senders are slowed, UDP messages are dropped and counted)", nev,
					      bs_error_message());
				if ((closing || atomic_load(&in->stopping)) && attempt >= 4) {
					in->lost += (int64_t)n;
					intake_notify(in, 1, "giving up at shutdown: %zu received messages were not stored", n);
					break;
				}
				intake_sleep_ms(attempt < 6 ? 100L << attempt : 5000);
			}
			if (err == 0) {
				if (nev > n) {
					reported_drops = drops;
					reported_kdrops = kdrops;
				}
				atomic_fetch_add(&in->c.committed, (int64_t)n);
				atomic_fetch_add(&in->c.malformed, (int64_t)bad);
			}
		}
		if (n || closing)
			intake_release(in, first, n, bytes);
		int64_t now = bs_clock_now();
		if (now - last_stats >= 200000 || (closing && !in->head)) {
			intake_write_stats(in);
			last_stats = now;
		}
		if (closing && !in->head && !n)
			break;
	}
	intake_write_stats(in);
	for (size_t i = 0; i < batch; i++)
		bs_syslog_scratch_release(&sc[i]);
	free(sc);
	free(ev);
	bs_buf_release(&dropmsg);
	bs_buf_release(&dropdata);
	return NULL;
}
