/*
 * intake.c - the syslog intake's life: create, the event loop, stop, free. See intake.h.
 *
 * Shape: two threads. The calling thread runs one epoll loop over every socket (UDP,
 * TCP and TLS listeners and connections, all non-blocking) and only receives, frames and
 * queues; a commit thread parses, builds events and hands batches to the event log
 * (pipelined: it builds the next batch while the log commits the previous one). One loop
 * rather than a thread per listener or connection because senders are many (every host of
 * the broker keeps a TCP connection open) and a thread each would cost a stack per sender
 * and make backpressure a matter of many blocked threads; with one loop the thread count
 * is fixed, memory is the queue plus one read buffer per connection, and backpressure is
 * one switch: when the queue is full the loop stops polling connections for input (their
 * kernel buffers fill and TCP flow control slows the senders) while it keeps draining UDP
 * and counting what it must drop. Parsing sits in the commit thread so that the two cores
 * of a small server share the work: I/O and framing on one, parsing, hashing and commit on
 * the other.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "intake/intake_internal.h"

const char *const intake_tr_names[3] = { "udp", "tcp", "tls" };

void intake_notify(struct bs_intake *in, int is_error, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!in->cfg.notify)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	in->cfg.notify(in->cfg.notify_ctx, is_error, line);
}

/* Monotonic microseconds for timeouts and idle times (the injected clock in tests). */
int64_t intake_mono_us(const struct bs_intake *in)
{
	struct timespec ts;

	if (in->cfg.clock)
		return in->cfg.clock();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Stop: no more connections; take in what the sockets still hold, flush partial frames,
 * and let the commit thread finish. */
static void shutdown_drain(struct bs_intake *in)
{
	for (int t = BS_SYSLOG_TCP; t <= BS_SYSLOG_TLS; t++)
		if (in->has[t] && in->lis[t].fd >= 0) {
			close(in->lis[t].fd);
			in->lis[t].fd = -1;
		}
	if (in->has[BS_SYSLOG_UDP])
		intake_udp_read(in, &in->lis[BS_SYSLOG_UDP], 1);
	while (in->conns) {
		struct conn *c = in->conns;
		if (!c->handshaking) {
			for (int rounds = 0; rounds < 1024; rounds++) {
				intake_conn_drain(in, c, 1);
				ssize_t n = intake_conn_read(in, c);
				if (n <= 0)
					break;
				c->len += (size_t)n;
			}
			c->eof = 1; /* whatever is left is an incomplete frame */
			intake_conn_drain(in, c, 1);
		}
		intake_conn_close(in, c);
	}
}

int bs_intake_create(struct bs_intake **out, const struct bs_intake_config *cfg)
{
	struct bs_intake *in;
	const char *spec[3] = { cfg->udp, cfg->tcp, cfg->tls };
	int err = 0;

	*out = NULL;
	if (!cfg->udp && !cfg->tcp && !cfg->tls)
		return bs_error(BS_EINVALID, "no listener: give --syslog-udp, --syslog-tcp or --syslog-tls ADDR:PORT");
	if (!cfg->sink && !cfg->log)
		return bs_error(BS_EINVALID, "intake has no sink for its events");
	in = bs_calloc(1, sizeof(*in));
	in->cfg = *cfg;
	if (!in->cfg.queue_messages)
		in->cfg.queue_messages = 65536;
	if (!in->cfg.queue_bytes)
		in->cfg.queue_bytes = 64u << 20;
	if (!in->cfg.batch)
		in->cfg.batch = cfg->log ? BS_EVENTLOG_BATCH_MAX : 4096;
	if (!in->cfg.max_message)
		in->cfg.max_message = 16384;
	if (in->cfg.max_message < 480)
		in->cfg.max_message = 480; /* RFC 5424 6.1: every receiver takes 480 octets */
	if (in->cfg.max_message > BS_INTAKE_FRAME_MAX)
		in->cfg.max_message = BS_INTAKE_FRAME_MAX;
	if (!in->cfg.max_connections)
		in->cfg.max_connections = 1024;
	if (in->cfg.evict_idle_us <= 0)
		in->cfg.evict_idle_us = BS_INTAKE_EVICT_IDLE_US;
	if (in->cfg.queue_bytes < 4 * intake_msg_cost(in->cfg.max_message))
		in->cfg.queue_bytes = 4 * intake_msg_cost(in->cfg.max_message);
	in->stop_fd = in->wake_fd = in->ep = -1;
	for (int t = 0; t < 3; t++)
		in->lis[t].fd = -1;
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->nonempty, NULL);
	pthread_cond_init(&in->room, NULL);
	in->started_us = bs_clock_now();
	in->last_scan_us = intake_mono_us(in);
	in->udp_buf = bs_malloc(UDP_MAX);

	in->ep = epoll_create1(EPOLL_CLOEXEC);
	in->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	in->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (in->ep < 0 || in->stop_fd < 0 || in->wake_fd < 0) {
		err = bs_error(BS_ERR, "cannot set up the intake's event loop: %s", bs_strerror(errno));
		goto fail;
	}
	in->stop_item.kind = K_STOP;
	in->wake_item.kind = K_WAKE;
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = &in->stop_item };
	(void)epoll_ctl(in->ep, EPOLL_CTL_ADD, in->stop_fd, &e);
	e.data.ptr = &in->wake_item;
	(void)epoll_ctl(in->ep, EPOLL_CTL_ADD, in->wake_fd, &e);
	if (!cfg->tls && (cfg->tls_client_ca || cfg->tls_client_fingerprint_count)) {
		err = bs_error(BS_EINVALID, "--tls-client-ca and --tls-client-fingerprint need --syslog-tls ADDR:PORT");
		goto fail;
	}
	if (cfg->tls) {
		if (!cfg->tls_cert || !cfg->tls_key) {
			err = bs_error(BS_EINVALID, "--syslog-tls needs a certificate and key: give --tls-cert and --tls-key");
			goto fail;
		}
		if ((err = bs_intake_tls_load(&in->tls, cfg->tls_cert, cfg->tls_key, cfg->tls_client_ca,
					      cfg->tls_client_fingerprints, cfg->tls_client_fingerprint_count)) < 0)
			goto fail;
		in->tls_loaded = 1;
	}
	for (int t = 0; t < 3; t++) {
		if (!spec[t])
			continue;
		if ((err = intake_bind_addr(spec[t], (enum bs_syslog_transport)t, &in->lis[t])) < 0)
			goto fail;
		in->has[t] = 1;
		e.data.ptr = &in->lis[t];
		if (epoll_ctl(in->ep, EPOLL_CTL_ADD, in->lis[t].fd, &e) != 0) {
			err = bs_error(BS_ERR, "cannot watch %s listener: %s", intake_tr_names[t], bs_strerror(errno));
			goto fail;
		}
	}
	*out = in;
	return 0;
fail:
	bs_intake_free(in);
	return err;
}

int bs_intake_address(struct bs_intake *in, const char *transport, char *out, size_t cap)
{
	for (int t = 0; t < 3; t++)
		if (!strcmp(transport, intake_tr_names[t]) && in->has[t]) {
			snprintf(out, cap, "%s", in->lis[t].addr);
			return 0;
		}
	return bs_error(BS_ENOTFOUND, "no %s listener", transport);
}

int bs_intake_run(struct bs_intake *in)
{
	struct epoll_event evs[64];
	pthread_t th;
	int stopping = 0, r;

	if ((r = pthread_create(&th, NULL, in->cfg.log ? intake_commit_log_main : intake_commit_sink_main, in)) != 0)
		return bs_error(BS_ERR, "cannot start the intake's commit thread: %s", bs_strerror(r));
	for (int t = 0; t < 3; t++)
		if (in->has[t])
			intake_notify(in, 0, "listening on %s %s", intake_tr_names[t], in->lis[t].addr);
	while (!stopping) {
		int n = epoll_wait(in->ep, evs, 64, 1000);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			intake_notify(in, 1, "the intake's event loop failed: %s; stopping", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			struct item *it = evs[i].data.ptr;
			switch (it->kind) {
			case K_STOP:
				stopping = 1;
				break;
			case K_WAKE:
				intake_resume_all(in);
				break;
			case K_UDP:
				intake_udp_read(in, (struct listener *)it, 0);
				break;
			case K_LISTEN:
				intake_accept_all(in, (struct listener *)it);
				break;
			case K_CONN: {
				struct conn *c = (struct conn *)it;
				if (c->dead || (in->paused && !c->handshaking))
					break;
				intake_conn_io(in, c);
				break;
			}
			}
		}
		if (in->has[BS_SYSLOG_TLS]) {
			int64_t now = intake_mono_us(in);
			if (now - in->last_scan_us >= 1000000 || now < in->last_scan_us) {
				intake_expire_handshakes(in, now);
				in->last_scan_us = now;
			}
		}
		intake_free_dead(in);
	}
	atomic_store(&in->stopping, 1);
	intake_notify(in, 0, "stopping: storing what was received");
	shutdown_drain(in);
	intake_free_dead(in);
	pthread_mutex_lock(&in->mu);
	in->closed = 1;
	pthread_cond_broadcast(&in->nonempty);
	pthread_mutex_unlock(&in->mu);
	pthread_join(th, NULL);
	if (in->lost)
		return bs_error(BS_ERR, "%lld received messages could not be stored (see the errors above); "
				"free disk space or fix the event log, then check 'brokersec log status'",
				(long long)in->lost);
	return 0;
}

void bs_intake_stop(struct bs_intake *in)
{
	uint64_t one = 1;
	ssize_t r = write(in->stop_fd, &one, sizeof(one));
	(void)r;
}

void bs_intake_free(struct bs_intake *in)
{
	if (!in)
		return;
	while (in->conns)
		intake_conn_close(in, in->conns);
	intake_free_dead(in);
	for (int t = 0; t < 3; t++)
		if (in->lis[t].fd >= 0)
			close(in->lis[t].fd);
	if (in->tls_loaded)
		bs_intake_tls_free(&in->tls);
	if (in->ep >= 0)
		close(in->ep);
	if (in->stop_fd >= 0)
		close(in->stop_fd);
	if (in->wake_fd >= 0)
		close(in->wake_fd);
	while (in->head) {
		struct qmsg *m = in->head;
		in->head = m->next;
		free(m);
	}
	pthread_mutex_destroy(&in->mu);
	pthread_cond_destroy(&in->nonempty);
	pthread_cond_destroy(&in->room);
	free(in->udp_buf);
	free(in);
}
