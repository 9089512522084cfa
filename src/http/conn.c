/* conn.c - every connection of the HTTPS server has a deadline, and a reaper closes the
 * ones that miss it (slow clients holding connection slots: "slowloris").
 *
 * libmicrohttpd 0.9.75 has only an idle timeout (MHD_OPTION_CONNECTION_TIMEOUT), reset by
 * every byte received, so a client that sends one header line every few seconds keeps its
 * connection forever. Here each connection carries a deadline: BS_HTTP_HEAD_S from accept
 * (TLS handshake and the whole request head) and from the end of each response (keep-alive
 * idle time and the next head), BS_HTTP_REQUEST_S from the end of the head (body, handler,
 * response). A thread looks once a second and shutdown(2)s the socket of a connection past
 * its deadline; libmicrohttpd then sees the end of the stream in its own thread and closes
 * the connection the usual way (no other thread may close it).
 *
 * A socket number is reused as soon as it is closed, so the reaper must never shut down a
 * number whose connection has ended. libmicrohttpd 0.9.75 calls the CLOSED notification
 * before close(2) in both places it closes a connection (MHD_cleanup_connections and the
 * failure path of new_connection_process_, daemon.c), and here both the notification and
 * the reaper hold one mutex: once the notification has run the entry is gone, and before it
 * runs the number still belongs to this connection.
 *
 * Also here, because it is per connection too: the TLS ClientHello check that answers a
 * client offering only versions we do not speak with a protocol_version alert, which
 * libmicrohttpd would not send (it closes silently on any handshake error). */
#include <errno.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/buf.h"
#include "http/http_int.h"

struct track {
	struct track *prev, *next;
	int fd;
	int64_t deadline_ms; /* CLOCK_MONOTONIC; 0: none */
	int shut;
};

struct bs_http_conns {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct track list;    /* sentinel of a circular list */
	pthread_t tid;
	int stop, started;
	void (*tick)(void *ctx);
	void *tick_ctx;
	unsigned tls_min;
	int64_t reaped, report_ms; /* closed since the last server-log line, and when that was */
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the TLS version check on the ClientHello ---- */

/* 1 when the ClientHello p (the handshake message without its 4-byte header, RFC 8446
 * 4.1.2) offers a version we speak, 0 when it offers none; *legacy gets its legacy_version.
 * A malformed hello counts as acceptable here: GnuTLS refuses it itself. */
static int hello_acceptable(const unsigned char *p, size_t n, unsigned tls_min, unsigned *legacy)
{
	size_t i = 0, l;

	if (n < 2 + 32 + 1)
		return 1;
	*legacy = (unsigned)p[0] << 8 | p[1];
	i = 2 + 32;
	l = p[i];
	i += 1 + l; /* session id */
	if (i + 2 > n)
		return 1;
	l = (size_t)p[i] << 8 | p[i + 1];
	i += 2 + l; /* cipher suites */
	if (i + 1 > n)
		return 1;
	l = p[i];
	i += 1 + l; /* compression methods */
	if (i + 2 <= n) {
		size_t end;
		l = (size_t)p[i] << 8 | p[i + 1];
		i += 2;
		end = i + l <= n ? i + l : n;
		while (i + 4 <= end) {
			unsigned type = (unsigned)p[i] << 8 | p[i + 1];
			size_t el = (size_t)p[i + 2] << 8 | p[i + 3];
			i += 4;
			if (i + el > end)
				return 1;
			if (type == 43 && el >= 1) { /* supported_versions: the client's real list */
				size_t vl = p[i];
				for (size_t j = 1; j + 1 < el && j < 1 + vl; j += 2) {
					unsigned v = (unsigned)p[i + j] << 8 | p[i + j + 1];
					if (v == 0x0304 || (v == 0x0303 && tls_min == 12))
						return 1;
				}
				return 0;
			}
			i += el;
		}
	}
	/* no supported_versions: the client speaks at most legacy_version (TLS 1.2 and older) */
	return tls_min == 12 && *legacy >= 0x0303;
}

static int hello_hook(gnutls_session_t s, const gnutls_datum_t *msg, unsigned tls_min)
{
	unsigned legacy = 0x0301;
	if (hello_acceptable(msg->data, msg->size, tls_min, &legacy))
		return 0;
	/* A fatal protocol_version alert (RFC 8446 6.2), written to the socket as it is: nothing
	 * has been sent on this connection yet, so a plaintext record is what the client expects.
	 * Its record version is the client's own (at most TLS 1.2's, as TLS 1.3 records say). */
	unsigned char alert[7] = { 21, 3, (unsigned char)(legacy > 0x0303 ? 3 : legacy < 0x0301 ? 1 : legacy & 0xff),
				   0, 2, 2, 70 };
	int fd = gnutls_transport_get_int(s);
	if (fd >= 0 && send(fd, alert, sizeof(alert), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		errno = 0; /* best effort: the connection ends either way */
	return GNUTLS_E_UNSUPPORTED_VERSION_PACKET;
}

static int hello_hook13(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming, const gnutls_datum_t *msg)
{
	(void)htype;
	(void)when;
	(void)incoming;
	return hello_hook(s, msg, 13);
}

static int hello_hook12(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming, const gnutls_datum_t *msg)
{
	(void)htype;
	(void)when;
	(void)incoming;
	return hello_hook(s, msg, 12);
}

/* ---- deadlines ---- */

void bs_http_conns_notify(void *cls, struct MHD_Connection *conn, void **socket_ctx,
			  enum MHD_ConnectionNotificationCode code)
{
	struct bs_http_conns *cs = cls;
	struct track *t;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *si = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
		if (si && si->tls_session)
			gnutls_handshake_set_hook_function(si->tls_session, GNUTLS_HANDSHAKE_CLIENT_HELLO, GNUTLS_HOOK_PRE,
							   cs->tls_min == 12 ? hello_hook12 : hello_hook13);
		t = bs_calloc(1, sizeof(*t));
		t->fd = fi ? fi->connect_fd : -1;
		t->deadline_ms = mono_ms() + BS_HTTP_HEAD_S * 1000;
		pthread_mutex_lock(&cs->mu);
		t->next = cs->list.next;
		t->prev = &cs->list;
		cs->list.next->prev = t;
		cs->list.next = t;
		pthread_mutex_unlock(&cs->mu);
		*socket_ctx = t;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && (t = *socket_ctx)) {
		pthread_mutex_lock(&cs->mu);
		t->prev->next = t->next;
		t->next->prev = t->prev;
		pthread_mutex_unlock(&cs->mu);
		free(t);
		*socket_ctx = NULL;
	}
}

void bs_http_conns_deadline(struct bs_http_conns *cs, struct MHD_Connection *conn, int seconds)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct track *t = ci ? ci->socket_context : NULL;

	if (!t)
		return;
	pthread_mutex_lock(&cs->mu);
	t->deadline_ms = seconds ? mono_ms() + (int64_t)seconds * 1000 : 0;
	pthread_mutex_unlock(&cs->mu);
}

static void *reaper(void *p)
{
	struct bs_http_conns *cs = p;

	pthread_mutex_lock(&cs->mu);
	while (!cs->stop) {
		struct timespec until;
		int64_t now;

		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		while (!cs->stop && pthread_cond_timedwait(&cs->cv, &cs->mu, &until) == 0)
			;
		if (cs->stop)
			break;
		now = mono_ms();
		for (struct track *t = cs->list.next; t != &cs->list; t = t->next) {
			if (t->shut || !t->deadline_ms || now < t->deadline_ms || t->fd < 0)
				continue;
			/* the owning thread sees end of stream and closes it; the entry stays until
			 * the CLOSED notification, so the number is not touched again */
			if (shutdown(t->fd, SHUT_RDWR) == 0 || errno == ENOTCONN) {
				t->shut = 1;
				cs->reaped++;
			}
		}
		if (cs->reaped && now - cs->report_ms >= 60000) {
			/* one line a minute at most: the server log must not grow with an attack either */
			fprintf(stderr, "brokersec serve: closed %lld connections that did not finish a request in time "
				"(head within %d s, the rest within %d s): slow or stalled clients\n",
				(long long)cs->reaped, BS_HTTP_HEAD_S, BS_HTTP_REQUEST_S);
			cs->reaped = 0;
			cs->report_ms = now;
		}
		pthread_mutex_unlock(&cs->mu);
		if (cs->tick)
			cs->tick(cs->tick_ctx);
		pthread_mutex_lock(&cs->mu);
	}
	pthread_mutex_unlock(&cs->mu);
	return NULL;
}

int bs_http_conns_new(struct bs_http_conns **out, unsigned tls_min, void (*tick)(void *ctx), void *tick_ctx)
{
	struct bs_http_conns *cs = bs_calloc(1, sizeof(*cs));
	pthread_condattr_t ca;

	*out = NULL;
	cs->list.next = cs->list.prev = &cs->list;
	cs->tls_min = tls_min;
	cs->tick = tick;
	cs->tick_ctx = tick_ctx;
	pthread_mutex_init(&cs->mu, NULL);
	if (pthread_condattr_init(&ca) != 0 || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&cs->cv, &ca) != 0) {
		pthread_mutex_destroy(&cs->mu);
		free(cs);
		return bs_error(BS_ERR, "cannot set up the connection timer: out of resources, try again");
	}
	pthread_condattr_destroy(&ca);
	*out = cs;
	return 0;
}

int bs_http_conns_start(struct bs_http_conns *cs)
{
	if (pthread_create(&cs->tid, NULL, reaper, cs) != 0)
		return bs_error(BS_ERR, "cannot start the connection timer thread: out of resources, try again");
	cs->started = 1;
	return 0;
}

void bs_http_conns_stop(struct bs_http_conns *cs)
{
	if (!cs || !cs->started)
		return;
	pthread_mutex_lock(&cs->mu);
	cs->stop = 1;
	pthread_cond_signal(&cs->cv);
	pthread_mutex_unlock(&cs->mu);
	pthread_join(cs->tid, NULL);
	cs->started = 0;
}

void bs_http_conns_free(struct bs_http_conns *cs)
{
	if (!cs)
		return;
	bs_http_conns_stop(cs);
	/* entries left belong to connections MHD_stop_daemon closed (CLOSED frees them) */
	pthread_cond_destroy(&cs->cv);
	pthread_mutex_destroy(&cs->mu);
	free(cs);
}

/* ---- libmicrohttpd's own messages ---- */

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t log_minute = -1, log_lines, log_dropped;

void bs_http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	int64_t minute = mono_ms() / 60000;
	struct bs_buf line = BS_BUF_INIT;
	(void)cls;

	/* libmicrohttpd writes a line per refused or failed connection: at most
	 * BS_HTTP_MHD_LOG_PER_MIN a minute reach stderr, then a count of the rest */
	pthread_mutex_lock(&log_mu);
	if (minute != log_minute) {
		if (log_dropped)
			fprintf(stderr, "brokersec serve: libmicrohttpd: %lld more messages in the last minute not shown\n",
				(long long)log_dropped);
		log_minute = minute;
		log_lines = log_dropped = 0;
	}
	if (log_lines >= BS_HTTP_MHD_LOG_PER_MIN) {
		log_dropped++;
		pthread_mutex_unlock(&log_mu);
		return;
	}
	log_lines++;
	pthread_mutex_unlock(&log_mu);
	bs_buf_vprintf(&line, fmt, ap);
	while (line.len && line.ptr[line.len - 1] == '\n')
		line.ptr[--line.len] = '\0';
	fprintf(stderr, "brokersec serve: libmicrohttpd: %s\n", line.ptr ? line.ptr : "");
	bs_buf_release(&line);
}
