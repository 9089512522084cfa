/*
 * intake.h - the syslog listeners: RFC 5424 / RFC 3164 over UDP, TCP (RFC 6587 octet
 * counting or LF framing, told apart per message) and TLS (RFC 5425, GnuTLS, TLS 1.2+).
 *
 * Every message received becomes one event of type "syslog" with its source address and
 * receive time and the original bytes (data.raw, or data.raw_base64 when they are not
 * UTF-8). A message that does not parse is stored all the same, marked data.parse =
 * "invalid" with the reason; nothing received is dropped except UDP datagrams that arrive
 * while the queue is full, and those are counted (bs_intake_stats) and recorded as an
 * "intake.drop" event. Memory is bounded: a full queue stops the reading of TCP and TLS
 * connections (the senders' own buffers fill: backpressure) instead of growing.
 *
 * Events go straight into an event log (cfg.log: pipelined, trusted batches; the next
 * batch is built while the previous one commits): the one production path, which both
 * `brokersec intake` and `brokersec serve` take. Unit tests may give a sink instead (a
 * batch is handed over only after the previous one returned). Either way the order of
 * arrival is kept, and a message counts as committed only once it is durable.
 */
#ifndef BS_INTAKE_INTAKE_H
#define BS_INTAKE_INTAKE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "eventlog/eventlog.h"

struct bs_intake;

/* The largest frame one event holds: its raw bytes (base64 at worst) must fit the event
 * log's 64 KiB data limit. RFC 5425 asks receivers for 8192 octets at least. */
#define BS_INTAKE_FRAME_MAX 32768

/* Most --tls-client-fingerprint values. */
#define BS_INTAKE_CLIENT_FINGERPRINTS_MAX 64
/* A TLS connection whose handshake has not finished this long after it was accepted is
 * closed (counted in tls_failures): it would hold a connection slot for nothing. */
#define BS_INTAKE_HANDSHAKE_TIMEOUT_US (10 * INT64_C(1000000))
/* The default of bs_intake_config.evict_idle_us. */
#define BS_INTAKE_EVICT_IDLE_US (60 * INT64_C(1000000))

/* Tests only: receives a batch of events when no log is configured; returns 0 once they
 * are durably stored, or an error (with the thread's message set). Called from the intake's
 * commit thread only. */
typedef int (*bs_intake_sink_fn)(void *ctx, struct bs_event *ev, size_t n);
/* Receives one line about what the intake does ("listening on tcp 127.0.0.1:6514") or
 * what went wrong; called from any intake thread, never with a lock held. */
typedef void (*bs_intake_notify_fn)(void *ctx, int is_error, const char *line);

struct bs_intake_config {
	const char *udp;           /* "ADDR:PORT" ("127.0.0.1:514", "[::1]:514", "*:514") or NULL */
	const char *tcp;
	const char *tls;
	const char *tls_cert;      /* PEM certificate (chain) and key files, needed with tls */
	const char *tls_key;
	/* RFC 5425 client authentication (section 5.2). Either one makes a client certificate
	 * required; with both, a client that passes either check is accepted. Without them any
	 * client that completes a handshake may send. */
	const char *tls_client_ca;  /* PEM file of CA certificates; a client's certificate must chain
				     * to one of them and be within its dates */
	const char *const *tls_client_fingerprints; /* "SHA256:HEX" of allowed client certificates
						     * (self-signed ones too), ... */
	size_t tls_client_fingerprint_count;        /* ... this many, at most BS_INTAKE_CLIENT_FINGERPRINTS_MAX */
	size_t queue_messages;     /* most messages held; 0: 65536 */
	size_t queue_bytes;        /* most bytes held; 0: 64 MiB */
	size_t batch;              /* most events per sink call or log batch; 0: 4096 with a sink,
				    * BS_EVENTLOG_BATCH_MAX with a log (batches grow with the load) */
	size_t max_message;        /* largest frame kept whole; 0: 16384, at most BS_INTAKE_FRAME_MAX;
				    * longer messages are stored in pieces of this size */
	size_t max_connections;    /* 0: 1024; when reached, a new connection closes the one idle
				    * longest if that one is idle evict_idle_us or more (counted in
				    * evicted), else it is accepted and closed at once (refused) */
	int64_t evict_idle_us;     /* 0: BS_INTAKE_EVICT_IDLE_US (60 s) */
	/* Microseconds on a monotonic clock, for the handshake timeout and idle times; NULL:
	 * CLOCK_MONOTONIC. Tests give bs_clock_now and move it with bs_clock_set. */
	int64_t (*clock)(void);
	const char *stats_path;    /* where counters are written (atomically, now and then), or NULL */
	bs_intake_sink_fn sink;    /* tests only: used when log is NULL */
	void *sink_ctx;
	/* The event log to store into directly (the production path): events are added as
	 * trusted (bs_syslog_event_build builds them) and committed in pipelined batches
	 * (bs_eventlog_batch_*): the next batch is parsed and built while the previous one
	 * commits. Nothing is counted as committed before its batch is durable. When set, sink
	 * is not used. */
	struct bs_eventlog *log;
	bs_intake_notify_fn notify; /* may be NULL */
	void *notify_ctx;
};

/* Counters since the intake started. */
struct bs_intake_stats {
	int64_t started_us, updated_us;
	int64_t received_udp, received_tcp, received_tls;
	int64_t committed;           /* events the sink has stored, drop records excluded */
	int64_t malformed;           /* of those, messages that did not parse */
	int64_t dropped_udp;         /* UDP datagrams dropped because the queue was full */
	int64_t dropped_udp_kernel;  /* UDP datagrams the kernel dropped (SO_RXQ_OVFL) */
	int64_t connections, connections_open, connections_refused;
	int64_t evicted;             /* idle connections closed to make room for a new one */
	int64_t tls_failures;        /* TLS handshakes that failed or did not finish in time */
	int64_t tls_auth_failures;   /* TLS clients refused: no, or no acceptable, certificate */
	int64_t sink_failures;       /* sink calls that failed (and were retried) */
	int64_t backpressure;        /* times reading stopped because the queue was full */
	int64_t queued;              /* messages waiting now */
};

/* Binds the listeners of cfg (TLS: loads cert and key). Nothing runs yet. On failure *out
 * is NULL and the message names the address or file and what to do. */
int bs_intake_create(struct bs_intake **out, const struct bs_intake_config *cfg);

/* The bound address of a listener ("127.0.0.1:40123", port 0 resolved) into out; transport
 * is "udp", "tcp" or "tls". BS_ENOTFOUND when that listener is not configured. */
int bs_intake_address(struct bs_intake *in, const char *transport, char *out, size_t cap);

/* Runs until bs_intake_stop(): receives, queues and commits. On stop it stops accepting,
 * reads what the sockets still hold, and returns after everything received is committed.
 * Returns 0, or BS_ERR when messages could not be committed (the count is in the message). */
int bs_intake_run(struct bs_intake *in);

/* Asks a running intake to stop. Async-signal-safe: call it from a signal handler. */
void bs_intake_stop(struct bs_intake *in);

void bs_intake_get_stats(struct bs_intake *in, struct bs_intake_stats *out);

/* Closes the sockets and frees everything. NULL is a no-op. */
void bs_intake_free(struct bs_intake *in);

/* The stats file of a data directory ("<datadir>/intake.stats"), caller frees. */
char *bs_intake_stats_file(const char *datadir_path);
/* Reads the counters the last (or running) intake wrote there: for `log status`.
 * BS_ENOTFOUND when no intake has run. */
int bs_intake_stats_read(const char *path, struct bs_intake_stats *out);
/* The counters as a new JSON object (the "intake" of `log status --format json`); st NULL
 * (no intake has run) gives json null. */
json_t *bs_intake_stats_json(const struct bs_intake_stats *st);

/*
 * The TLS certificate of a data directory: <datadir>/tls/cert.pem and tls/key.pem. When
 * neither exists, makes a self-signed ECDSA P-256 certificate (397 days, CN and SAN the
 * host name, "localhost", 127.0.0.1 and ::1) and a key file of mode 0600; renews that
 * certificate (never one the user supplied) when fewer than 30 days are left. *cert and *key
 * are the paths (caller frees); fingerprint gets "SHA256:<hex>" of the certificate.
 */
int bs_intake_tls_ensure(const char *datadir_path, char **cert, char **key, char *fingerprint, size_t cap);

#endif
