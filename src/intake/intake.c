/*
 * intake.c - the syslog listeners, the bounded queue and the commit thread. See intake.h.
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
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "intake/intake.h"
#include "intake/tls_internal.h"
#include "syslog/syslog.h"

#define SOURCE_MAX 64
#define UDP_MAX 65536

/* One received message, queued until committed. */
struct qmsg {
	struct qmsg *next;
	int64_t recv_us;
	unsigned char transport;
	unsigned char flags;
	char source[SOURCE_MAX];
	size_t len;
	char raw[];
};

enum kind { K_STOP, K_WAKE, K_UDP, K_LISTEN, K_CONN };

struct item {
	enum kind kind;
};

struct listener {
	struct item item;
	int fd;
	enum bs_intake_transport tr;
	char addr[SOURCE_MAX];
};

struct conn {
	struct item item;
	int fd;
	enum bs_intake_transport tr;
	gnutls_session_t tls;
	struct bs_intake_tls_peer peer; /* the client's certificate as judged (client authentication) */
	int handshaking, eof, dead;
	int64_t accepted_us, last_rx_us; /* monotonic: when accepted, when bytes last came */
	uint32_t events; /* what epoll watches now; 0: not registered (paused) */
	char source[SOURCE_MAX];
	char *buf;
	size_t len, cap;
	struct bs_syslog_framer fr;
	struct conn *prev, *next;
};

struct counters {
	_Atomic int64_t received[3], committed, malformed, dropped_udp, dropped_udp_kernel, connections,
		connections_open, connections_refused, evicted, tls_failures, tls_auth_failures, sink_failures,
		backpressure;
};

struct bs_intake {
	struct bs_intake_config cfg;
	int ep;
	struct item stop_item, wake_item;
	int stop_fd, wake_fd;
	struct listener lis[3];
	int has[3];
	struct bs_intake_tls tls;
	int tls_loaded;
	struct conn *conns;
	struct conn *dead;  /* closed this round, freed after it (epoll may still name them) */
	size_t nconns;
	int paused;
	int64_t last_scan_us; /* monotonic: the last look for overdue handshakes */
	_Atomic int stopping;
	char *udp_buf;
	int64_t started_us;

	/* the queue: a FIFO list; count and bytes include the batch being committed */
	pthread_mutex_t mu;
	pthread_cond_t nonempty, room;
	struct qmsg *head, *tail;
	size_t count, bytes;
	int producer_waiting, closed;

	struct counters c;
	int64_t lost; /* received but never committed (the sink kept failing at shutdown) */
};

static const char *const tr_names[] = { "udp", "tcp", "tls" };

static void notify(struct bs_intake *in, int is_error, const char *fmt, ...) BS_PRINTF(3, 4);
static void notify(struct bs_intake *in, int is_error, const char *fmt, ...)
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
static int64_t mono_us(const struct bs_intake *in)
{
	struct timespec ts;

	if (in->cfg.clock)
		return in->cfg.clock();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- addresses ---- */

static void format_addr(const struct sockaddr *sa, char *out, size_t cap)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
		snprintf(out, cap, "%s:%u", ip, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		port = ntohs(s6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], ip, sizeof(ip));
			snprintf(out, cap, "%s:%u", ip, port);
		} else {
			inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
			snprintf(out, cap, "[%s]:%u", ip, port);
		}
	} else {
		snprintf(out, cap, "unknown");
	}
}

/* "ADDR:PORT", "[v6]:PORT", "*:PORT" or ":PORT" into a bound socket. */
static int bind_addr(const char *spec, enum bs_intake_transport tr, struct listener *l)
{
	struct addrinfo hints, *res = NULL;
	char host[256];
	const char *port, *h = host;
	int fd = -1, one = 1, r;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	const char *colon = strrchr(spec, ':');
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close || close[1] != ':')
			goto bad;
		colon = close + 1;
		if ((size_t)(close - spec - 1) >= sizeof(host))
			goto bad;
		memcpy(host, spec + 1, (size_t)(close - spec - 1));
		host[close - spec - 1] = 0;
	} else {
		if (!colon || (size_t)(colon - spec) >= sizeof(host))
			goto bad;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = 0;
	}
	port = colon + 1;
	if (!*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 || atoi(port) > 65535)
		goto bad;
	if (!host[0] || !strcmp(host, "*"))
		h = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = tr == BS_INTAKE_UDP ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((r = getaddrinfo(h, port, &hints, &res)) != 0)
		return bs_error(BS_EINVALID, "cannot use --syslog-%s '%s': %s; give ADDR:PORT such as 127.0.0.1:514",
				tr_names[tr], spec, gai_strerror(r));
	fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto syserr;
	if (tr != BS_INTAKE_UDP)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) != 0)
		goto syserr;
	if (tr != BS_INTAKE_UDP && listen(fd, 128) != 0)
		goto syserr;
	if (tr == BS_INTAKE_UDP) {
		int rcv = 8 << 20;
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
		(void)setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		goto syserr;
	freeaddrinfo(res);
	l->fd = fd;
	l->tr = tr;
	l->item.kind = tr == BS_INTAKE_UDP ? K_UDP : K_LISTEN;
	format_addr((struct sockaddr *)&ss, l->addr, sizeof(l->addr));
	return 0;
syserr:
	r = errno;
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return bs_error(BS_ERR, "cannot listen on %s '%s': %s; %s", tr_names[tr], spec, strerror(r),
			r == EADDRINUSE ? "another program uses that port: choose another one"
			: r == EACCES	? "ports below 1024 need privileges: choose a port above 1024"
					: "check the address");
bad:
	return bs_error(BS_EINVALID, "cannot use --syslog-%s '%s': give ADDR:PORT such as 127.0.0.1:514, "
			"[::1]:514 or *:514", tr_names[tr], spec);
}

/* ---- the queue ---- */

static size_t msg_cost(size_t len)
{
	return sizeof(struct qmsg) + len + 1;
}

static int room_for(const struct bs_intake *in, size_t count, size_t bytes, size_t more_bytes)
{
	return count < in->cfg.queue_messages && bytes + more_bytes <= in->cfg.queue_bytes;
}

/* A batch the loop builds before taking the lock once. */
struct pending {
	struct qmsg *head, *tail;
	size_t count, bytes;
	size_t base_count, base_bytes; /* the queue when the batch began (it only shrinks meanwhile) */
};

static void pending_begin(struct bs_intake *in, struct pending *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_lock(&in->mu);
	p->base_count = in->count;
	p->base_bytes = in->bytes;
	pthread_mutex_unlock(&in->mu);
}

static int pending_room(struct bs_intake *in, const struct pending *p, size_t len)
{
	return room_for(in, p->base_count + p->count, p->base_bytes + p->bytes, msg_cost(len));
}

static void pending_add(struct pending *p, const char *raw, size_t len, const char *source,
			enum bs_intake_transport tr, unsigned flags, int64_t now)
{
	struct qmsg *m = bs_malloc(msg_cost(len));

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
	p->bytes += msg_cost(len);
}

/* Queues the batch; then, when there is no room for another frame of max size, marks the
 * producer as waiting and returns 0 (the commit thread wakes it). 1: room left. */
static int pending_commit(struct bs_intake *in, struct pending *p)
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
	room = room_for(in, in->count, in->bytes, msg_cost(in->cfg.max_message));
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
static void wait_room(struct bs_intake *in, struct pending *p)
{
	pthread_mutex_lock(&in->mu);
	while (!room_for(in, in->count, in->bytes, msg_cost(in->cfg.max_message))) {
		in->producer_waiting = 1;
		pthread_cond_wait(&in->room, &in->mu);
	}
	p->base_count = in->count;
	p->base_bytes = in->bytes;
	pthread_mutex_unlock(&in->mu);
}

/* ---- the commit thread ---- */

/* The counters of the stats file and of bs_intake_stats_json, in their order. */
#define STAT(f) { #f, offsetof(struct bs_intake_stats, f) }
static const struct {
	const char *k;
	size_t off;
} stat_fields[] = {
	STAT(received_udp), STAT(received_tcp), STAT(received_tls), STAT(committed), STAT(malformed),
	STAT(dropped_udp), STAT(dropped_udp_kernel), STAT(connections), STAT(connections_open),
	STAT(connections_refused), STAT(evicted), STAT(tls_failures), STAT(tls_auth_failures),
	STAT(sink_failures), STAT(backpressure), STAT(queued),
};
#undef STAT

static int64_t *stat_at(struct bs_intake_stats *st, size_t i)
{
	return (int64_t *)(void *)((char *)st + stat_fields[i].off);
}

static void write_stats(struct bs_intake *in)
{
	struct bs_intake_stats st;
	struct bs_buf tmp = BS_BUF_INIT;
	json_t *o;

	if (!in->cfg.stats_path)
		return;
	bs_intake_get_stats(in, &st);
	o = json_object();
	json_object_set_new(o, "started_us", json_integer((json_int_t)st.started_us));
	json_object_set_new(o, "updated_us", json_integer((json_int_t)st.updated_us));
	for (size_t i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
		json_object_set_new(o, stat_fields[i].k, json_integer((json_int_t)*stat_at(&st, i)));
	bs_buf_printf(&tmp, "%s.tmp", in->cfg.stats_path);
	if (json_dump_file(o, tmp.ptr, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0) {
		if (rename(tmp.ptr, in->cfg.stats_path) != 0)
			(void)unlink(tmp.ptr);
	}
	json_decref(o);
	bs_buf_release(&tmp);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- the commit thread with an event log: pipelined batches ---- */

/* One batch: the messages it holds (still in the queue's count until committed) and their
 * events, copied into the log's batch. */
struct slot {
	struct bs_eventlog_batch *b;
	struct qmsg *first;
	size_t n, bytes, bad;
	int64_t drops, kdrops; /* the drop totals its intake.drop event reports, or -1 */
	int in_flight;
};

/* Takes up to max messages off the queue (they stay counted until release). block: wait
 * (at most 250 ms) while it is empty. */
static size_t take(struct bs_intake *in, size_t max, int block, struct qmsg **first, size_t *bytes, int *closing)
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
		*bytes += msg_cost(m->len);
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
static void release(struct bs_intake *in, struct qmsg *first, size_t n, size_t bytes)
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

/* UDP drops become an event of their own, so none is silent. Fills ev (its strings in msg
 * and data) and the totals it reports when there are new drops since reported; else 0. */
static int drop_event(struct bs_intake *in, int64_t reported, int64_t kreported, struct bs_buf *msg,
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
	ev->source = in->lis[BS_INTAKE_UDP].addr;
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
	if (drop_event(in, reported, kreported, msg, data, &ev, &drops, &kdrops) &&
	    bs_eventlog_batch_add(s->b, &ev, BS_EVENTLOG_TRUSTED) == 0) {
		s->drops = drops;
		s->kdrops = kdrops;
	}
}

/* ---- the commit thread with a sink callback (tests, embedding): one batch at a time ---- */

static void *commit_main_sink(void *arg)
{
	struct bs_intake *in = arg;
	size_t batch = in->cfg.batch;
	struct bs_event *ev = bs_calloc(batch + 1, sizeof(*ev));
	struct bs_intake_scratch *sc = bs_calloc(batch, sizeof(*sc));
	struct bs_buf dropmsg = BS_BUF_INIT, dropdata = BS_BUF_INIT;
	int64_t reported_drops = 0, reported_kdrops = 0, last_stats = 0;

	for (;;) {
		struct qmsg *first, *m;
		size_t bytes, nev = 0, bad = 0, k = 0;
		int64_t drops, kdrops;
		int closing, err;
		size_t n = take(in, batch, 1, &first, &bytes, &closing);

		if (drop_event(in, reported_drops, reported_kdrops, &dropmsg, &dropdata, &ev[0], &drops, &kdrops))
			nev = 1;
		for (m = first; k < n; m = m->next, k++)
			if (!bs_intake_event_build(&ev[nev++], &sc[k], m->raw, m->len, m->recv_us, m->source,
						   (enum bs_intake_transport)m->transport, m->flags))
				bad++;
		if (nev) {
			for (int attempt = 0;; attempt++) {
				err = in->cfg.sink(in->cfg.sink_ctx, ev, nev);
				if (err == 0)
					break;
				atomic_fetch_add(&in->c.sink_failures, 1);
				notify(in, 1, "cannot store %zu received messages: %s; retrying (messages are held, "
				       "TCP senders are slowed, UDP messages are dropped and counted)", nev,
				       bs_error_message());
				if ((closing || atomic_load(&in->stopping)) && attempt >= 4) {
					in->lost += (int64_t)n;
					notify(in, 1, "giving up at shutdown: %zu received messages were not stored", n);
					break;
				}
				sleep_ms(attempt < 6 ? 100L << attempt : 5000);
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
			release(in, first, n, bytes);
		int64_t now = bs_clock_now();
		if (now - last_stats >= 200000 || (closing && !in->head)) {
			write_stats(in);
			last_stats = now;
		}
		if (closing && !in->head && !n)
			break;
	}
	write_stats(in);
	for (size_t i = 0; i < batch; i++)
		bs_intake_scratch_release(&sc[i]);
	free(sc);
	free(ev);
	bs_buf_release(&dropmsg);
	bs_buf_release(&dropdata);
	return NULL;
}

/* Parses and builds s's messages into its batch. */
static void build_slot(struct slot *s, struct bs_intake_scratch *sc)
{
	struct qmsg *m = s->first;
	struct bs_event ev;

	s->bad = 0;
	for (size_t k = 0; k < s->n; k++, m = m->next) {
		if (!bs_intake_event_build(&ev, sc, m->raw, m->len, m->recv_us, m->source,
					   (enum bs_intake_transport)m->transport, m->flags))
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
	release(in, s->first, s->n, s->bytes);
	s->first = NULL;
	s->n = s->bytes = 0;
	s->in_flight = 0;
	bs_eventlog_batch_clear(s->b);
}

/* s could not be stored (shutdown): its messages are given up (counted in lost). */
static void slot_drop(struct bs_intake *in, struct slot *s)
{
	release(in, s->first, s->n, s->bytes);
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
		notify(in, 1, "cannot store %zu received messages: %s; retrying (messages are held, TCP senders "
		       "are slowed, UDP messages are dropped and counted)", bs_eventlog_batch_count(s->b),
		       bs_error_message());
		if ((closing || atomic_load(&in->stopping)) && attempt >= 4) {
			in->lost += (int64_t)s->n;
			notify(in, 1, "giving up at shutdown: %zu received messages were not stored", s->n);
			return -1;
		}
		sleep_ms(attempt < 6 ? 100L << attempt : 5000);
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
static void *commit_main_log(void *arg)
{
	struct bs_intake *in = arg;
	struct bs_intake_scratch sc;
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
		cur->n = take(in, max, !prev, &cur->first, &cur->bytes, &closing);
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
			write_stats(in);
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
	write_stats(in);
	bs_eventlog_batch_free(slots[0].b);
	bs_eventlog_batch_free(slots[1].b);
	bs_intake_scratch_release(&sc);
	bs_buf_release(&dropmsg);
	bs_buf_release(&dropdata);
	return NULL;
}

/* ---- connections ---- */

/* Paused connections leave the epoll set altogether: with an empty interest mask epoll
 * would still report hang-ups, and the loop would spin on them. */
static void ep_set(struct bs_intake *in, struct conn *c, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.ptr = c };
	if (c->events == events)
		return;
	if (!events)
		(void)epoll_ctl(in->ep, EPOLL_CTL_DEL, c->fd, NULL);
	else if (!c->events)
		(void)epoll_ctl(in->ep, EPOLL_CTL_ADD, c->fd, &e);
	else
		(void)epoll_ctl(in->ep, EPOLL_CTL_MOD, c->fd, &e);
	c->events = events;
}

static void conn_close(struct bs_intake *in, struct conn *c)
{
	if (c->events)
		(void)epoll_ctl(in->ep, EPOLL_CTL_DEL, c->fd, NULL);
	if (c->tls)
		gnutls_deinit(c->tls);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		in->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	in->nconns--;
	atomic_fetch_sub(&in->c.connections_open, 1);
	free(c->buf);
	c->buf = NULL;
	c->tls = NULL;
	c->dead = 1;
	c->next = in->dead;
	in->dead = c;
}

static void free_dead(struct bs_intake *in)
{
	while (in->dead) {
		struct conn *c = in->dead;
		in->dead = c->next;
		free(c);
	}
}

static void pause_all(struct bs_intake *in)
{
	if (in->paused)
		return;
	in->paused = 1;
	atomic_fetch_add(&in->c.backpressure, 1);
	for (struct conn *c = in->conns; c; c = c->next)
		if (!c->handshaking)
			ep_set(in, c, 0);
}

/* Frames what c's buffer holds into the queue. 1 when all of it went, 0 when the queue
 * filled up (the rest stays in the buffer). blocking: wait for room instead (shutdown). */
static int conn_drain(struct bs_intake *in, struct conn *c, int blocking)
{
	struct pending p;
	struct bs_syslog_frame f;
	size_t off = 0;
	int64_t now = bs_clock_now();
	int full = 0;

	pending_begin(in, &p);
	for (;;) {
		if (!pending_room(in, &p, in->cfg.max_message)) {
			if (!pending_commit(in, &p)) {
				if (!blocking) {
					full = 1;
					break;
				}
				wait_room(in, &p);
			}
		}
		if (bs_syslog_frame_next(&c->fr, c->buf + off, c->len - off, c->eof, &f) != 1)
			break;
		if (f.len || f.flags) {
			pending_add(&p, c->buf + off + f.off, f.len, c->source, c->tr, f.flags, now);
			atomic_fetch_add(&in->c.received[c->tr], 1);
		}
		off += f.consumed;
	}
	if (p.head && !pending_commit(in, &p))
		full = !blocking;
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	if (full)
		pause_all(in);
	return !full;
}

/* Reads once into c's buffer: >0 bytes, 0 nothing now, -1 end of stream. */
static ssize_t conn_read(struct bs_intake *in, struct conn *c)
{
	size_t space = c->cap - c->len;

	if (!space)
		return 0;
	for (;;) {
		if (c->tls) {
			ssize_t n = gnutls_record_recv(c->tls, c->buf + c->len, space);
			if (n > 0)
				return n;
			if (n == 0)
				return -1;
			if (n == GNUTLS_E_AGAIN)
				return 0;
			if (n == GNUTLS_E_INTERRUPTED || !gnutls_error_is_fatal((int)n))
				continue;
			if (n != GNUTLS_E_PREMATURE_TERMINATION)
				notify(in, 1, "tls connection from %s ended: %s", c->source, gnutls_strerror((int)n));
			return -1;
		}
		ssize_t n = recv(c->fd, c->buf + c->len, space, 0);
		if (n > 0)
			return n;
		if (n == 0)
			return -1;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -1; /* ECONNRESET and friends: the sender is gone */
	}
}

static void conn_io(struct bs_intake *in, struct conn *c);

/* A TLS client whose certificate was refused (or missing): counted, told on stderr, closed
 * before anything it sent is read. */
static void conn_refuse_client(struct bs_intake *in, struct conn *c, int gnutls_err)
{
	atomic_fetch_add(&in->c.tls_auth_failures, 1);
	if (gnutls_err < 0)
		(void)gnutls_alert_send_appropriate(c->tls, gnutls_err); /* best effort: non-blocking */
	notify(in, 1, "refused tls client %s: %s; nothing it sent is stored", c->source,
	       c->peer.refused ? c->peer.reason
	       : gnutls_err == GNUTLS_E_NO_CERTIFICATE_FOUND || gnutls_err == GNUTLS_E_CERTIFICATE_REQUIRED || !gnutls_err
		       ? "the client sent no certificate; it must present one (RFC 5425 section 4.2): configure the "
			 "sender's client certificate and key"
		       : gnutls_strerror(gnutls_err));
	conn_close(in, c);
}

static void conn_handshake(struct bs_intake *in, struct conn *c)
{
	int r = gnutls_handshake(c->tls);

	if (r == 0 && bs_intake_tls_auth(&in->tls) && !c->peer.accepted) {
		/* fail closed: a handshake that ended without a certificate check (it cannot with
		 * GNUTLS_CERT_REQUIRE and no resumption, but nothing is read unless one passed) */
		conn_refuse_client(in, c, 0);
		return;
	}
	if (r == 0) {
		c->handshaking = 0;
		ep_set(in, c, in->paused ? 0 : EPOLLIN);
		if (!in->paused)
			conn_io(in, c); /* GnuTLS may hold records that came with the handshake */
		return;
	}
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED || !gnutls_error_is_fatal(r)) {
		ep_set(in, c, gnutls_record_get_direction(c->tls) ? EPOLLOUT : EPOLLIN);
		return;
	}
	if (bs_intake_tls_auth(&in->tls) && (c->peer.refused || r == GNUTLS_E_NO_CERTIFICATE_FOUND ||
					      r == GNUTLS_E_CERTIFICATE_REQUIRED)) {
		conn_refuse_client(in, c, r);
		return;
	}
	atomic_fetch_add(&in->c.tls_failures, 1);
	notify(in, 1, "tls handshake with %s failed: %s; the sender must speak TLS 1.2 or later (RFC 5425)",
	       c->source, gnutls_strerror(r));
	conn_close(in, c);
}

/* Closes TLS connections whose handshake has not finished in time: a client that connects
 * and never completes it would hold a connection slot for good. Runs at most once a second;
 * one pass over the connections. */
static void expire_handshakes(struct bs_intake *in, int64_t now)
{
	for (struct conn *c = in->conns, *next; c; c = next) {
		next = c->next;
		if (!c->handshaking || now - c->accepted_us < BS_INTAKE_HANDSHAKE_TIMEOUT_US)
			continue;
		atomic_fetch_add(&in->c.tls_failures, 1);
		notify(in, 1, "closed the tls connection from %s: its TLS handshake did not finish within %lld s; "
		       "a sender must start TLS at once (plain syslog belongs on --syslog-tcp)", c->source,
		       (long long)(BS_INTAKE_HANDSHAKE_TIMEOUT_US / 1000000));
		conn_close(in, c);
	}
}

/* The connection is readable (or was resumed): read, frame and queue until it would block
 * or the queue is full. Closes it at the end of its stream. */
static void conn_io(struct bs_intake *in, struct conn *c)
{
	if (c->handshaking) {
		conn_handshake(in, c);
		return;
	}
	for (int rounds = 0;; rounds++) {
		if (!conn_drain(in, c, 0))
			return;
		if (c->eof) {
			conn_close(in, c);
			return;
		}
		/* plain TCP: epoll reports again what is left; TLS must be drained of what
		 * GnuTLS already decrypted, or nothing would wake us for it */
		if (rounds >= 16 && !(c->tls && gnutls_record_check_pending(c->tls)))
			return;
		ssize_t n = conn_read(in, c);
		if (n == 0)
			return;
		if (n < 0) {
			c->eof = 1;
		} else {
			c->len += (size_t)n;
			c->last_rx_us = mono_us(in);
		}
	}
}

/*
 * At max_connections: makes room for a new connection (from src) by closing the one that
 * has received nothing for the longest time, if that is evict_idle_us or more. Senders
 * may stay connected and idle for hours, so nothing is closed for being idle alone; only
 * when the slots are full does the longest-idle one give way. Not while reading is paused
 * (a full queue): then every connection looks idle and holds unread bytes. What the
 * connection's buffer holds of an unfinished frame is stored first, marked incomplete.
 * 1: a slot is free.
 */
static int evict_idle(struct bs_intake *in, const char *src, enum bs_intake_transport tr, int64_t now)
{
	struct conn *old = NULL;

	if (in->paused)
		return 0;
	for (int tries = 0;; tries++) {
		char b;
		old = NULL;
		for (struct conn *c = in->conns; c; c = c->next)
			if (!old || c->last_rx_us < old->last_rx_us)
				old = c;
		if (!old || now - old->last_rx_us < in->cfg.evict_idle_us || tries == 4)
			return 0;
		/* bytes that came since the loop last looked (epoll may report them in this very
		 * round) or records GnuTLS holds: not idle, and closing would lose them */
		if (recv(old->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0 ||
		    (old->tls && !old->handshaking && gnutls_record_check_pending(old->tls)))
			old->last_rx_us = now;
		else
			break;
	}
	if (old->len) {
		old->eof = 1;
		(void)conn_drain(in, old, 0);
		if (old->len) { /* the queue filled up: keep it, the new one is refused */
			old->eof = 0;
			return 0;
		}
	}
	atomic_fetch_add(&in->c.evicted, 1);
	notify(in, 0, "closed the %s connection from %s%s%s%s, idle for %g s, to make room for a new %s "
	       "connection from %s (the limit of %zu connections was reached)", tr_names[old->tr], old->source,
	       old->peer.id[0] ? " (" : "", old->peer.id, old->peer.id[0] ? ")" : "",
	       (double)((now - old->last_rx_us) / 100000) / 10, tr_names[tr], src, in->cfg.max_connections);
	conn_close(in, old);
	return 1;
}

static void accept_all(struct bs_intake *in, struct listener *l)
{
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				notify(in, 1, "cannot accept a %s connection on %s: %s", tr_names[l->tr], l->addr,
				       strerror(errno));
			/* NEEDSWORK: on EMFILE the listener stays readable and the loop spins until a
			 * connection closes; a reserve descriptor would let us accept and close. */
			return;
		}
		atomic_fetch_add(&in->c.connections, 1);
		int64_t now = mono_us(in);
		if (in->nconns >= in->cfg.max_connections) {
			char src[SOURCE_MAX];
			format_addr((struct sockaddr *)&ss, src, sizeof(src));
			if (!evict_idle(in, src, l->tr, now)) {
				atomic_fetch_add(&in->c.connections_refused, 1);
				if (in->paused)
					notify(in, 1, "refused a %s connection from %s: already %zu connections (the "
					       "limit), and none is closed while the queue is full", tr_names[l->tr],
					       src, in->nconns);
				else
					notify(in, 1, "refused a %s connection from %s: already %zu connections (the "
					       "limit), none idle for %g s or more; raise --max-connections if these "
					       "senders are yours", tr_names[l->tr], src, in->nconns,
					       (double)in->cfg.evict_idle_us / 1e6);
				close(fd);
				continue;
			}
		}
		struct conn *c = bs_calloc(1, sizeof(*c));
		c->item.kind = K_CONN;
		c->fd = fd;
		c->tr = l->tr;
		c->accepted_us = c->last_rx_us = now;
		format_addr((struct sockaddr *)&ss, c->source, sizeof(c->source));
		c->cap = in->cfg.max_message + BS_SYSLOG_FRAME_SLACK;
		c->buf = bs_malloc(c->cap);
		bs_syslog_framer_init(&c->fr, in->cfg.max_message);
		if (l->tr == BS_INTAKE_TLS) {
			if (bs_intake_tls_session(&in->tls, fd, &c->peer, &c->tls) < 0) {
				notify(in, 1, "%s", bs_error_message());
				close(fd);
				free(c->buf);
				free(c);
				continue;
			}
			c->handshaking = 1;
		}
		c->events = c->handshaking || !in->paused ? EPOLLIN : 0;
		struct epoll_event e = { .events = c->events, .data.ptr = c };
		if (epoll_ctl(in->ep, EPOLL_CTL_ADD, fd, &e) != 0) {
			notify(in, 1, "cannot watch the connection from %s: %s", c->source, strerror(errno));
			if (c->tls)
				gnutls_deinit(c->tls);
			close(fd);
			free(c->buf);
			free(c);
			continue;
		}
		c->next = in->conns;
		if (in->conns)
			in->conns->prev = c;
		in->conns = c;
		in->nconns++;
		atomic_fetch_add(&in->c.connections_open, 1);
	}
}

/* ---- UDP ---- */

static void udp_read(struct bs_intake *in, struct listener *l, int blocking)
{
	struct pending p;
	char ctl[CMSG_SPACE(sizeof(uint32_t))];

	pending_begin(in, &p);
	for (int i = 0; i < (blocking ? 1 << 20 : 256); i++) {
		struct sockaddr_storage ss;
		struct iovec iov = { in->udp_buf, UDP_MAX };
		struct msghdr mh = { .msg_name = &ss, .msg_namelen = sizeof(ss), .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		char src[SOURCE_MAX];
		ssize_t n = recvmsg(l->fd, &mh, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
				uint32_t dropped;
				memcpy(&dropped, CMSG_DATA(cm), sizeof(dropped));
				atomic_store(&in->c.dropped_udp_kernel, (int64_t)dropped);
			}
		size_t len = (size_t)n;
		/* many senders end a datagram with LF (or CR LF, or NUL): not part of the message */
		if (len && (in->udp_buf[len - 1] == '\n' || in->udp_buf[len - 1] == 0))
			len--;
		if (len && in->udp_buf[len - 1] == '\r')
			len--;
		if (!pending_room(in, &p, len)) {
			if (!pending_commit(in, &p)) {
				if (!blocking) {
					atomic_fetch_add(&in->c.dropped_udp, 1);
					continue;
				}
				wait_room(in, &p);
			}
		}
		format_addr((struct sockaddr *)&ss, src, sizeof(src));
		pending_add(&p, in->udp_buf, len, src, BS_INTAKE_UDP, 0, bs_clock_now());
		atomic_fetch_add(&in->c.received[BS_INTAKE_UDP], 1);
	}
	if (p.head)
		(void)pending_commit(in, &p);
}

/* ---- the loop ---- */

static void resume_all(struct bs_intake *in)
{
	uint64_t v;
	ssize_t r = read(in->wake_fd, &v, sizeof(v));
	(void)r;
	if (!in->paused)
		return;
	in->paused = 0;
	for (struct conn *c = in->conns, *next; c && !in->paused; c = next) {
		next = c->next;
		if (c->handshaking)
			continue;
		ep_set(in, c, EPOLLIN);
		conn_io(in, c);
	}
}

/* Stop: no more connections; take in what the sockets still hold, flush partial frames,
 * and let the commit thread finish. */
static void shutdown_drain(struct bs_intake *in)
{
	for (int t = BS_INTAKE_TCP; t <= BS_INTAKE_TLS; t++)
		if (in->has[t] && in->lis[t].fd >= 0) {
			close(in->lis[t].fd);
			in->lis[t].fd = -1;
		}
	if (in->has[BS_INTAKE_UDP])
		udp_read(in, &in->lis[BS_INTAKE_UDP], 1);
	while (in->conns) {
		struct conn *c = in->conns;
		if (!c->handshaking) {
			for (int rounds = 0; rounds < 1024; rounds++) {
				conn_drain(in, c, 1);
				ssize_t n = conn_read(in, c);
				if (n <= 0)
					break;
				c->len += (size_t)n;
			}
			c->eof = 1; /* whatever is left is an incomplete frame */
			conn_drain(in, c, 1);
		}
		conn_close(in, c);
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
	if (in->cfg.queue_bytes < 4 * msg_cost(in->cfg.max_message))
		in->cfg.queue_bytes = 4 * msg_cost(in->cfg.max_message);
	in->stop_fd = in->wake_fd = in->ep = -1;
	for (int t = 0; t < 3; t++)
		in->lis[t].fd = -1;
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->nonempty, NULL);
	pthread_cond_init(&in->room, NULL);
	in->started_us = bs_clock_now();
	in->last_scan_us = mono_us(in);
	in->udp_buf = bs_malloc(UDP_MAX);

	in->ep = epoll_create1(EPOLL_CLOEXEC);
	in->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	in->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (in->ep < 0 || in->stop_fd < 0 || in->wake_fd < 0) {
		err = bs_error(BS_ERR, "cannot set up the intake's event loop: %s", strerror(errno));
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
		if ((err = bind_addr(spec[t], (enum bs_intake_transport)t, &in->lis[t])) < 0)
			goto fail;
		in->has[t] = 1;
		e.data.ptr = &in->lis[t];
		if (epoll_ctl(in->ep, EPOLL_CTL_ADD, in->lis[t].fd, &e) != 0) {
			err = bs_error(BS_ERR, "cannot watch %s listener: %s", tr_names[t], strerror(errno));
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
		if (!strcmp(transport, tr_names[t]) && in->has[t]) {
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

	if ((r = pthread_create(&th, NULL, in->cfg.log ? commit_main_log : commit_main_sink, in)) != 0)
		return bs_error(BS_ERR, "cannot start the intake's commit thread: %s", strerror(r));
	for (int t = 0; t < 3; t++)
		if (in->has[t])
			notify(in, 0, "listening on %s %s", tr_names[t], in->lis[t].addr);
	while (!stopping) {
		int n = epoll_wait(in->ep, evs, 64, 1000);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			notify(in, 1, "the intake's event loop failed: %s; stopping", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			struct item *it = evs[i].data.ptr;
			switch (it->kind) {
			case K_STOP:
				stopping = 1;
				break;
			case K_WAKE:
				resume_all(in);
				break;
			case K_UDP:
				udp_read(in, (struct listener *)it, 0);
				break;
			case K_LISTEN:
				accept_all(in, (struct listener *)it);
				break;
			case K_CONN: {
				struct conn *c = (struct conn *)it;
				if (c->dead || (in->paused && !c->handshaking))
					break;
				conn_io(in, c);
				break;
			}
			}
		}
		if (in->has[BS_INTAKE_TLS]) {
			int64_t now = mono_us(in);
			if (now - in->last_scan_us >= 1000000 || now < in->last_scan_us) {
				expire_handshakes(in, now);
				in->last_scan_us = now;
			}
		}
		free_dead(in);
	}
	atomic_store(&in->stopping, 1);
	notify(in, 0, "stopping: storing what was received");
	shutdown_drain(in);
	free_dead(in);
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

void bs_intake_get_stats(struct bs_intake *in, struct bs_intake_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->started_us = in->started_us;
	st->updated_us = bs_clock_now();
	st->received_udp = atomic_load(&in->c.received[BS_INTAKE_UDP]);
	st->received_tcp = atomic_load(&in->c.received[BS_INTAKE_TCP]);
	st->received_tls = atomic_load(&in->c.received[BS_INTAKE_TLS]);
	st->committed = atomic_load(&in->c.committed);
	st->malformed = atomic_load(&in->c.malformed);
	st->dropped_udp = atomic_load(&in->c.dropped_udp);
	st->dropped_udp_kernel = atomic_load(&in->c.dropped_udp_kernel);
	st->connections = atomic_load(&in->c.connections);
	st->connections_open = atomic_load(&in->c.connections_open);
	st->connections_refused = atomic_load(&in->c.connections_refused);
	st->evicted = atomic_load(&in->c.evicted);
	st->tls_failures = atomic_load(&in->c.tls_failures);
	st->tls_auth_failures = atomic_load(&in->c.tls_auth_failures);
	st->sink_failures = atomic_load(&in->c.sink_failures);
	st->backpressure = atomic_load(&in->c.backpressure);
	pthread_mutex_lock(&in->mu);
	st->queued = (int64_t)in->count;
	pthread_mutex_unlock(&in->mu);
}

void bs_intake_free(struct bs_intake *in)
{
	if (!in)
		return;
	while (in->conns)
		conn_close(in, in->conns);
	free_dead(in);
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

char *bs_intake_stats_file(const char *datadir_path)
{
	struct bs_buf b = BS_BUF_INIT;
	bs_buf_printf(&b, "%s/intake.stats", datadir_path);
	return bs_buf_detach(&b, NULL);
}

int bs_intake_stats_read(const char *path, struct bs_intake_stats *st)
{
	json_error_t je;
	json_t *o, *v;

	memset(st, 0, sizeof(*st));
	if (access(path, F_OK) != 0)
		return bs_error(BS_ENOTFOUND, "no intake statistics at '%s': 'brokersec intake' has not run", path);
	if (!(o = json_load_file(path, 0, &je)) || !json_is_object(o)) {
		json_decref(o);
		return bs_error(BS_EINVALID, "cannot read intake statistics '%s': %s; it is rewritten when the "
				"intake runs", path, je.text);
	}
	if (json_is_integer(v = json_object_get(o, "started_us")))
		st->started_us = (int64_t)json_integer_value(v);
	if (json_is_integer(v = json_object_get(o, "updated_us")))
		st->updated_us = (int64_t)json_integer_value(v);
	/* counters an older intake did not write stay 0 */
	for (size_t i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
		if (json_is_integer(v = json_object_get(o, stat_fields[i].k)))
			*stat_at(st, i) = (int64_t)json_integer_value(v);
	json_decref(o);
	return 0;
}

json_t *bs_intake_stats_json(const struct bs_intake_stats *in)
{
	char started[BS_TIME_MAX], updated[BS_TIME_MAX];
	struct bs_intake_stats st;
	json_t *o;

	if (!in)
		return json_null();
	st = *in;
	o = json_object();
	bs_time_format(st.started_us, started);
	bs_time_format(st.updated_us, updated);
	json_object_set_new(o, "started", st.started_us ? json_string(started) : json_null());
	json_object_set_new(o, "updated", st.updated_us ? json_string(updated) : json_null());
	for (size_t i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
		json_object_set_new(o, stat_fields[i].k, json_integer((json_int_t)*stat_at(&st, i)));
	return o;
}
