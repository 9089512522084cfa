/*
 * intake_internal.h - private to src/intake: the state of a running intake and the functions
 * its files share. intake.c runs the event loop (its comment explains the shape); listen.c,
 * conn.c and udp.c receive; queue.c holds what was received; commit.c (commit_sink.c in
 * tests) stores it; stats.c counts; tls.c speaks TLS.
 */
#ifndef BS_INTAKE_INTAKE_INTERNAL_H
#define BS_INTAKE_INTAKE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "core/error.h"
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
	enum bs_syslog_transport tr;
	char addr[SOURCE_MAX];
};

struct conn {
	struct item item;
	int fd;
	enum bs_syslog_transport tr;
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

/* A batch the loop builds before taking the lock once. */
struct pending {
	struct qmsg *head, *tail;
	size_t count, bytes;
	size_t base_count, base_bytes; /* the queue when the batch began (it only shrinks meanwhile) */
};

/* intake.c: the names of the transports ("udp", "tcp", "tls"), by enum bs_syslog_transport. */
extern const char *const intake_tr_names[3];
/* A line for cfg.notify (when set). */
void intake_notify(struct bs_intake *in, int is_error, const char *fmt, ...) BS_PRINTF(3, 4);
/* Monotonic microseconds for timeouts and idle times (the injected clock in tests). */
int64_t intake_mono_us(const struct bs_intake *in);

/* listen.c */
void intake_format_addr(const struct sockaddr *sa, char *out, size_t cap);
int intake_bind_addr(const char *spec, enum bs_syslog_transport tr, struct listener *l);

/* queue.c; a message costs its bytes and its header (inline: counted for every message) */
static inline size_t intake_msg_cost(size_t len)
{
	return sizeof(struct qmsg) + len + 1;
}
void intake_pending_begin(struct bs_intake *in, struct pending *p);
int intake_pending_room(struct bs_intake *in, const struct pending *p, size_t len);
void intake_pending_add(struct pending *p, const char *raw, size_t len, const char *source,
			enum bs_syslog_transport tr, unsigned flags, int64_t now);
int intake_pending_commit(struct bs_intake *in, struct pending *p);
void intake_wait_room(struct bs_intake *in, struct pending *p);
size_t intake_take(struct bs_intake *in, size_t max, int block, struct qmsg **first, size_t *bytes, int *closing);
void intake_release(struct bs_intake *in, struct qmsg *first, size_t n, size_t bytes);

/* stats.c */
void intake_write_stats(struct bs_intake *in);

/* commit.c, commit_sink.c: the commit thread, with a log or (tests) a sink. */
void intake_sleep_ms(long ms);
int intake_drop_event(struct bs_intake *in, int64_t reported, int64_t kreported, struct bs_buf *msg,
		      struct bs_buf *data, struct bs_event *ev, int64_t *drops, int64_t *kdrops);
void *intake_commit_log_main(void *arg);
void *intake_commit_sink_main(void *arg);

/* conn.c */
void intake_conn_close(struct bs_intake *in, struct conn *c);
void intake_free_dead(struct bs_intake *in);
int intake_conn_drain(struct bs_intake *in, struct conn *c, int blocking);
ssize_t intake_conn_read(struct bs_intake *in, struct conn *c);
void intake_conn_io(struct bs_intake *in, struct conn *c);
/* After the commit thread made room (wake_fd): reading resumes. */
void intake_resume_all(struct bs_intake *in);
void intake_expire_handshakes(struct bs_intake *in, int64_t now);
void intake_accept_all(struct bs_intake *in, struct listener *l);

/* udp.c */
void intake_udp_read(struct bs_intake *in, struct listener *l, int blocking);

#endif
