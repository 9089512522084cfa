/* conn.c - TCP and TLS connections in the event loop: accepting (and making room at the
 * connection limit), the TLS handshake and client check, reading, framing into the queue,
 * and pausing all of them while the queue is full. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "intake/intake_internal.h"

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

void intake_conn_close(struct bs_intake *in, struct conn *c)
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

void intake_free_dead(struct bs_intake *in)
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

void intake_resume_all(struct bs_intake *in)
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
		intake_conn_io(in, c);
	}
}

/* Frames what c's buffer holds into the queue. 1 when all of it went, 0 when the queue
 * filled up (the rest stays in the buffer). blocking: wait for room instead (shutdown). */
int intake_conn_drain(struct bs_intake *in, struct conn *c, int blocking)
{
	struct pending p;
	struct bs_syslog_frame f;
	size_t off = 0;
	int64_t now = bs_clock_now();
	int full = 0;

	intake_pending_begin(in, &p);
	for (;;) {
		if (!intake_pending_room(in, &p, in->cfg.max_message)) {
			if (!intake_pending_commit(in, &p)) {
				if (!blocking) {
					full = 1;
					break;
				}
				intake_wait_room(in, &p);
			}
		}
		if (bs_syslog_frame_next(&c->fr, c->buf + off, c->len - off, c->eof, &f) != 1)
			break;
		if (f.len || f.flags) {
			intake_pending_add(&p, c->buf + off + f.off, f.len, c->source, c->tr, f.flags, now);
			atomic_fetch_add(&in->c.received[c->tr], 1);
		}
		off += f.consumed;
	}
	if (p.head && !intake_pending_commit(in, &p))
		full = !blocking;
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	if (full)
		pause_all(in);
	return !full;
}

/* Reads once into c's buffer: >0 bytes, 0 nothing now, -1 end of stream. */
ssize_t intake_conn_read(struct bs_intake *in, struct conn *c)
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
				intake_notify(in, 1, "tls connection from %s ended: %s", c->source, gnutls_strerror((int)n));
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

/* A TLS client whose certificate was refused (or missing): counted, told on stderr, closed
 * before anything it sent is read. */
static void conn_refuse_client(struct bs_intake *in, struct conn *c, int gnutls_err)
{
	atomic_fetch_add(&in->c.tls_auth_failures, 1);
	if (gnutls_err < 0)
		(void)gnutls_alert_send_appropriate(c->tls, gnutls_err); /* best effort: non-blocking */
	intake_notify(in, 1, "refused tls client %s: %s; nothing it sent is stored", c->source,
		      c->peer.refused ? c->peer.reason
		      : gnutls_err == GNUTLS_E_NO_CERTIFICATE_FOUND || gnutls_err == GNUTLS_E_CERTIFICATE_REQUIRED || !gnutls_err
		      ? "the client sent no certificate; it must present one (RFC 5425 section 4.2): configure the "
		      "sender's client certificate and key"
		      : gnutls_strerror(gnutls_err));
	intake_conn_close(in, c);
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
			intake_conn_io(in, c); /* GnuTLS may hold records that came with the handshake */
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
	intake_notify(in, 1, "tls handshake with %s failed: %s; the sender must speak TLS 1.2 or later (RFC 5425)",
		      c->source, gnutls_strerror(r));
	intake_conn_close(in, c);
}

/* Closes TLS connections whose handshake has not finished in time: a client that connects
 * and never completes it would hold a connection slot for good. Runs at most once a second;
 * one pass over the connections. */
void intake_expire_handshakes(struct bs_intake *in, int64_t now)
{
	for (struct conn *c = in->conns, *next; c; c = next) {
		next = c->next;
		if (!c->handshaking || now - c->accepted_us < BS_INTAKE_HANDSHAKE_TIMEOUT_US)
			continue;
		atomic_fetch_add(&in->c.tls_failures, 1);
		intake_notify(in, 1, "closed the tls connection from %s: its TLS handshake did not finish within %lld s; "
			      "a sender must start TLS at once (plain syslog belongs on --syslog-tcp)", c->source,
			      (long long)(BS_INTAKE_HANDSHAKE_TIMEOUT_US / 1000000));
		intake_conn_close(in, c);
	}
}

/* The connection is readable (or was resumed): read, frame and queue until it would block
 * or the queue is full. Closes it at the end of its stream. */
void intake_conn_io(struct bs_intake *in, struct conn *c)
{
	if (c->handshaking) {
		conn_handshake(in, c);
		return;
	}
	for (int rounds = 0;; rounds++) {
		if (!intake_conn_drain(in, c, 0))
			return;
		if (c->eof) {
			intake_conn_close(in, c);
			return;
		}
		/* plain TCP: epoll reports again what is left; TLS must be drained of what
		 * GnuTLS already decrypted, or nothing would wake us for it */
		if (rounds >= 16 && !(c->tls && gnutls_record_check_pending(c->tls)))
			return;
		ssize_t n = intake_conn_read(in, c);
		if (n == 0)
			return;
		if (n < 0) {
			c->eof = 1;
		} else {
			c->len += (size_t)n;
			c->last_rx_us = intake_mono_us(in);
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
static int evict_idle(struct bs_intake *in, const char *src, enum bs_syslog_transport tr, int64_t now)
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
		(void)intake_conn_drain(in, old, 0);
		if (old->len) { /* the queue filled up: keep it, the new one is refused */
			old->eof = 0;
			return 0;
		}
	}
	atomic_fetch_add(&in->c.evicted, 1);
	intake_notify(in, 0, "closed the %s connection from %s%s%s%s, idle for %g s, to make room for a new %s "
		      "connection from %s (the limit of %zu connections was reached)", intake_tr_names[old->tr], old->source,
		      old->peer.id[0] ? " (" : "", old->peer.id, old->peer.id[0] ? ")" : "",
		      (double)((now - old->last_rx_us) / 100000) / 10, intake_tr_names[tr], src, in->cfg.max_connections);
	intake_conn_close(in, old);
	return 1;
}

void intake_accept_all(struct bs_intake *in, struct listener *l)
{
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				intake_notify(in, 1, "cannot accept a %s connection on %s: %s", intake_tr_names[l->tr], l->addr,
					      strerror(errno));
			/* NEEDSWORK: on EMFILE the listener stays readable and the loop spins until a
			 * connection closes; a reserve descriptor would let us accept and close. */
			return;
		}
		atomic_fetch_add(&in->c.connections, 1);
		int64_t now = intake_mono_us(in);
		if (in->nconns >= in->cfg.max_connections) {
			char src[SOURCE_MAX];
			intake_format_addr((struct sockaddr *)&ss, src, sizeof(src));
			if (!evict_idle(in, src, l->tr, now)) {
				atomic_fetch_add(&in->c.connections_refused, 1);
				if (in->paused)
					intake_notify(in, 1, "refused a %s connection from %s: already %zu connections (the "
						      "limit), and none is closed while the queue is full", intake_tr_names[l->tr],
						      src, in->nconns);
				else
					intake_notify(in, 1, "refused a %s connection from %s: already %zu connections (the "
						      "limit), none idle for %g s or more; raise --max-connections if these "
						      "senders are yours", intake_tr_names[l->tr], src, in->nconns,
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
		intake_format_addr((struct sockaddr *)&ss, c->source, sizeof(c->source));
		c->cap = in->cfg.max_message + BS_SYSLOG_FRAME_SLACK;
		c->buf = bs_malloc(c->cap);
		bs_syslog_framer_init(&c->fr, in->cfg.max_message);
		if (l->tr == BS_SYSLOG_TLS) {
			if (bs_intake_tls_session(&in->tls, fd, &c->peer, &c->tls) < 0) {
				intake_notify(in, 1, "%s", bs_error_message());
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
			intake_notify(in, 1, "cannot watch the connection from %s: %s", c->source, strerror(errno));
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
