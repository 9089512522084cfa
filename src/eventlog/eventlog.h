/*
 * eventlog.h - the tamper-evident event log (events.db beside brokersec.db).
 *
 * Every state change by a person and every received log line is an event. Events are
 * hashed over a canonical encoding, chained, covered by signed Merkle tree heads
 * (checkpoints) and forward-secure seals; docs/eventlog-format.md specifies all of it.
 * Time is UTC from bs_clock_now(), stored in microseconds.
 *
 * Callers that change state record the change with bs_audit() (audit/audit.h) before
 * committing it, and roll it back when that fails ("fail closed"). This module knows no data
 * directory: it takes the directory's path.
 */
#ifndef BS_EVENTLOG_EVENTLOG_H
#define BS_EVENTLOG_EVENTLOG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct bs_eventlog;

/* One event. Strings are borrowed for the duration of the call; NULL means "not known".
 * Limits enforced by append: type 1..64 chars of [a-z0-9._-]; others valid UTF-8 text,
 * message up to 64 KiB, data a JSON object (or NULL). */
struct bs_event {
	int64_t seq;            /* set by append: 1, 2, 3 ... without gaps */
	int64_t time_us;        /* set by append from bs_clock_now() when 0 */
	const char *type;       /* what: "profile.set", "evidence.add", "syslog" ... */
	int severity;           /* syslog severity 0 (emerg) .. 7 (debug) */
	const char *host;       /* where: host name */
	const char *source;     /* where: source address ("192.0.2.1:514") or "cli" */
	const char *system;     /* where: the system (register id) it concerns */
	const char *user;       /* who */
	const char *outcome;    /* "success", "failure" or NULL */
	const char *message;
	const char *data;       /* JSON object text with structured detail, or NULL */
};

/* Creates events.db in the data directory (init). Fails if it exists. */
int bs_eventlog_create(const char *datadir_path);
/* Opens an existing log; a missing events.db in an existing data dir is an error. */
int bs_eventlog_open(struct bs_eventlog **out, const char *datadir_path);
void bs_eventlog_close(struct bs_eventlog *log);

/* Appends events durably: when it returns 0 they are committed and chained, and each
 * ev->seq / ev->time_us is set. n events go in one transaction. */
int bs_eventlog_append(struct bs_eventlog *log, struct bs_event *ev, size_t n);

/* ---- Trusted and pipelined appends (the syslog intake) ---- */

/* The caller built the events itself (bs_syslog_event_build, src/syslog/receipt.c): every text field is valid UTF-8
 * without control characters and data, when set, is one JSON object. Append then skips the
 * JSON parse and the UTF-8 scan; it still checks type, severity, outcome, lengths and time.
 * Never for input from outside the process (CLI `log append`, HTTP `POST /events`): those
 * use bs_eventlog_append. Builds with AddressSanitizer check trusted events fully anyway and
 * abort on a violation, so the test suites hold the builder to this contract. */
#define BS_EVENTLOG_TRUSTED 1u
/* bs_eventlog_append with flags (0 or BS_EVENTLOG_TRUSTED). */
int bs_eventlog_append_flags(struct bs_eventlog *log, struct bs_event *ev, size_t n, unsigned flags);

/* A batch of events, copied (validated and canonically encoded) in the caller's thread, then
 * committed by the writer while the caller prepares the next: a producer may keep batches in
 * flight and still learn of each one's durable commit.
 *     b = bs_eventlog_batch_new();
 *     bs_eventlog_batch_add(b, &ev, BS_EVENTLOG_TRUSTED) ... (ev may be reused at once)
 *     bs_eventlog_batch_submit(log, b);   queued, returns at once
 *     ... build the next batch ...
 *     bs_eventlog_batch_wait(log, b);     0 once b is durably committed
 *     bs_eventlog_batch_clear(b);         reuse
 * Batches commit in the order submitted. When one fails, every batch submitted before
 * bs_eventlog_batch_wait() reported that failure fails too (none of it is written), so a
 * producer that resubmits them in their order keeps its order; a failed batch may be
 * submitted again as it is. */
struct bs_eventlog_batch;
/* The most events in one batch (and in one bs_eventlog_append). */
#define BS_EVENTLOG_BATCH_MAX 16384
struct bs_eventlog_batch *bs_eventlog_batch_new(void);
/* Frees b; it must not be in flight (submitted and not yet waited for). NULL is a no-op. */
void bs_eventlog_batch_free(struct bs_eventlog_batch *b);
/* Empties b for reuse (not while in flight); keeps its memory. */
void bs_eventlog_batch_clear(struct bs_eventlog_batch *b);
size_t bs_eventlog_batch_count(const struct bs_eventlog_batch *b);
/* Checks ev (as append does; flags as bs_eventlog_append_flags) and copies it into b.
 * BS_EINVALID when it is not acceptable or b holds BS_EVENTLOG_BATCH_MAX events already. */
int bs_eventlog_batch_add(struct bs_eventlog_batch *b, const struct bs_event *ev, unsigned flags);
/* Queues b for the writer and returns; waits only while the log's queue is full. An error
 * here (the log is closing) means b was not queued. */
int bs_eventlog_batch_submit(struct bs_eventlog *log, struct bs_eventlog_batch *b);
/* Waits until the writer is done with b: 0 when its events are durably committed, else the
 * error (none of them was written). *first_seq (may be NULL) gets the seq of its first event. */
int bs_eventlog_batch_wait(struct bs_eventlog *log, struct bs_eventlog_batch *b, int64_t *first_seq);

/* The host name the events this process makes carry (bs_audit's, the log's own): the
 * kernel's, or "localhost" when it has none that is valid text. Borrowed, per thread. */
const char *bs_eventlog_hostname(void);

/* ---- Beyond the core contract: parameters, sealing, reading, verifying, retention ---- */

/* The printed verification key: "bsseal1-<log id hex>-<epoch start us>-<epoch us>-<k0 hex>". */
#define BS_EVENTLOG_VKEY_MAX 240
/* The minimum retention the regulation demands (A2.4.1.7.1.1: at least 6 months). */
#define BS_EVENTLOG_RETENTION_MIN_DAYS 183
#define BS_EVENTLOG_RETENTION_MIN_MONTHS 6

/* 1 when a log kept `days` days, or `months` calendar months (0: not counted in months),
 * meets 「保留日誌至少六個月」 (A2.4.1.7.1.1): six calendar months, or at least
 * BS_EVENTLOG_RETENTION_MIN_DAYS days (180 is less than six months from most start dates).
 * The one rule for the event log's own retention and the host logs a scan checks. */
int bs_log_retention_meets(int64_t days, int64_t months);

/* The sealing epoch's bounds (init --seal-epoch): a shorter epoch narrows what a thief of
 * today's key can rewrite, at one checkpoint per epoch. */
#define BS_EVENTLOG_EPOCH_MIN_US (10LL * 1000000)
#define BS_EVENTLOG_EPOCH_MAX_US (86400LL * 1000000)

struct bs_eventlog_params {
	int64_t epoch_us;          /* sealing epoch length; default 15 minutes */
	int64_t checkpoint_every;  /* checkpoint after this many events; default 1000 */
	int64_t checkpoint_us;     /* ... or this long after the last one; default 60 s */
	int retention_days;        /* >= BS_EVENTLOG_RETENTION_MIN_DAYS; default that */
};

/* Fills p with the defaults. */
void bs_eventlog_params_default(struct bs_eventlog_params *p);

/* Creates events.db and keys/seal.key (keys/ must exist) with the given parameters (NULL:
 * defaults) and writes checkpoint 0. The initial verification key goes to vkey and is kept
 * nowhere else: the caller shows it once to the auditor and wipes it. vkey may be NULL only
 * in tests (seals then cannot be checked). */
int bs_eventlog_create_sealed(const char *datadir_path, const struct bs_eventlog_params *p,
			      char vkey[BS_EVENTLOG_VKEY_MAX]);

/* Writes a checkpoint now if events are not yet covered by one (close does the same). */
int bs_eventlog_checkpoint(struct bs_eventlog *log);

/* Events matching a filter, oldest first; every field optional (0 / NULL: any). */
struct bs_event_filter {
	int64_t from_us, to_us;    /* time range [from, to] */
	int64_t after_seq;         /* only seq > after_seq */
	const char *type, *user, *host;
	int64_t limit;             /* with tail: the last limit events */
	int tail;
};
/* Calls fn for each event (strings borrowed for the call); fn returns nonzero to stop, which
 * is returned. Uses its own read connection: it never blocks the writer. */
int bs_eventlog_each(const char *datadir_path, const struct bs_event_filter *f,
		     int (*fn)(const struct bs_event *ev, void *ctx), void *ctx);

/* A page of the log at a bounded cost (page.c): at most scan_max seqs are examined per call
 * (one rowid range; default BS_EVENTLOG_PAGE_SCAN), whatever the filters and the log's size.
 * No cursor: the newest events first; before = S: those with seq < S, newest first; after = S:
 * the nearest ones with seq > S, oldest first. fn gets at most limit events in that order and
 * returns nonzero to end the page early (the cursors then go on after the last it took). On
 * return older / newer are the cursors of the next page each way (pass older as before, newer
 * as after), 0 when the range has nothing more that way; a page may hold fewer than limit events
 * (even none) and still have a cursor: the window ended there. scanned_lo..scanned_hi: the seqs
 * examined (0: none). q: a substring of message, data, user, host, system, source or type
 * (ASCII case-insensitive). */
#define BS_EVENTLOG_PAGE_SCAN 50000
struct bs_event_page {
	int64_t before, after;             /* the cursor: at most one, 0 none */
	int64_t from_us, to_us;            /* time range [from, to], 0 open */
	const char *type, *user, *host, *q;
	int limit;                         /* events wanted, >= 1 */
	int64_t scan_max;                  /* seqs examined at most; 0: BS_EVENTLOG_PAGE_SCAN */
	int64_t older, newer;              /* out: the next cursors */
	int64_t scanned_lo, scanned_hi;    /* out */
	int full;                          /* out: the page ended at limit or at fn, not at the window */
};
int bs_eventlog_page(const char *datadir_path, struct bs_event_page *p,
		     int (*fn)(const struct bs_event *ev, void *ctx), void *ctx);

/* One event as stored, as a new object: seq, time (RFC 3339), type, severity, host, source,
 * system, user, outcome, message, data. Readers show bs_jsonview_event's view of it. */
json_t *bs_event_json(const struct bs_event *ev);

/* Reading the log is itself an event (A2.4.1.7.6): bs_eventlog_audit_read (audit/audit.h)
 * records it before anyone reads. */

/* The outcome of verify. problem is empty when the log verifies. */
struct bs_verify_result {
	int ok;                    /* 1 intact, 0 tampered or unreadable */
	int seals_checked;         /* 1 when a verification key was given */
	int key_pinned;            /* 1 when it named the signing key (bspub1), which matched */
	int64_t closed_us;         /* the time of the closing checkpoint the log ends with, or 0 */
	int64_t witnessed;         /* heads of a witness checked (bs_eventlog_verify_witnessed) */
	char witness_head[160];    /* the latest of them, "<size>:<root hex>", or "" */
	int64_t events;            /* events checked */
	int64_t checkpoints;       /* checkpoints checked */
	int64_t first_seq, last_seq;
	int64_t unsealed;          /* events after the last checkpoint (chain only) */
	int64_t bad_seq;           /* the first bad event, or 0 */
	int64_t bad_checkpoint;    /* the first bad checkpoint index, or -1 */
	char problem[512];         /* what and why */
	char head[160];            /* the latest tree head: "<size>:<root hex>" */
};
/* Verifies a data directory's log (db = NULL, datadir_path set) or a bundle (db = bundle
 * path). vkey: the verification key text, or NULL to skip seals (reported). expect_head:
 * "<size>:<root hex>" written down earlier (detects truncation), or NULL. threads: 0 = all
 * cores. Returns 0 when verification ran (look at r->ok), or an error (unreadable input). */
int bs_eventlog_verify(const char *datadir_path, const char *bundle_path, const char *vkey,
		       const char *expect_head, int threads, struct bs_verify_result *r);
/* Verifies only the events with time in [from_us, to_us]: from the checkpoint before the
 * first of them to the checkpoint at or after the last (or the end of the log), with the
 * same checks and reports as the full verify over that stretch (the checkpoint before the
 * range is its trusted start, as in a bundle). With no events in the range, the checkpoints
 * around it by time. */
int bs_eventlog_verify_range(const char *datadir_path, const char *bundle_path, const char *vkey, int threads,
			     int64_t from_us, int64_t to_us, struct bs_verify_result *r);

/* The same with the heads a witness kept (witness_file: any text file holding the lines
 * bs_eventlog_head_line made, such as a remote syslog's file; NULL: none): each head signed
 * with the log's key must be the root of this log's first events of its size. */
int bs_eventlog_verify_witnessed(const char *datadir_path, const char *vkey, const char *expect_head,
				 const char *witness_file, int threads, struct bs_verify_result *r);
/* The log's current head (its last checkpoint) as the signed line sent to witnesses:
 * "brokersec-head v1 log=.. size=.. root=.. time_us=.. sig=.." (docs/eventlog-format.md). */
int bs_eventlog_head_line(const char *datadir_path, char *out, size_t cap);
#define BS_EVENTLOG_HEAD_LINE_MAX 360
/* A head line taken apart (bs_eventlog_head_parse): exactly the form bs_eventlog_head_line
 * makes, or BS_EINVALID. */
struct bs_head {
	unsigned char log_id[16], root[32], sig[64];
	int64_t size, time_us;
	char log_hex[33], root_hex[65];
};
int bs_eventlog_head_parse(const char *line, struct bs_head *h);
/* 1 when h's signature verifies with the Ed25519 public key pk, else 0. */
int bs_eventlog_head_signed_by(const struct bs_head *h, const unsigned char pk[32]);
/* The log's signing public key (keys/), as 64 hex digits (the verification key's bspub1-). */
int bs_eventlog_public_key(const char *datadir_path, char out[65]);

/* Writes a self-contained bundle (a SQLite file) with the events of [from, to] widened to
 * checkpoint boundaries, the checkpoints that cover them, the parameters and the public key. */
int bs_eventlog_export(const char *datadir_path, int64_t from_us, int64_t to_us, const char *out_path,
		       int64_t *nevents);

struct bs_eventlog_status {
	int64_t events, first_seq, last_seq, first_time_us, last_time_us;
	int64_t db_bytes, free_bytes;
	double events_per_day;     /* over the last 7 days (or the log's life if shorter) */
	double bytes_per_event;
	double capacity_days;      /* days the free space holds at this rate; -1 unknown */
	int retention_days;
	int64_t oldest_age_days;
	int64_t ckpt_index, ckpt_size, ckpt_time_us, ckpt_epoch;
	char head[160];            /* "<size>:<root hex>" of the last checkpoint */
	int clock_synced;          /* kernel clock state now: 1 synced, 0 not, -1 unknown */
	int64_t clock_maxerror_us, clock_esterror_us;
	char alert[512];           /* the pending alert, "" when none */
};
int bs_eventlog_status(const char *datadir_path, struct bs_eventlog_status *st);
/* The log's status as a new JSON object; `log status --format json` and
 * GET /api/v1/events/status add "intake" (bs_intake_stats_json) beside it. */
json_t *bs_eventlog_status_json(const struct bs_eventlog_status *st);

/* Raises the alert of A2.4.1.7.3: the flag file <datadir>/eventlog.alert (shown by every
 * later command until cleared), a syslog(3) line, and an event once one can be written.
 * Never prints to stdout/stderr (the caller does). */
void bs_eventlog_alert(const char *datadir_path, const char *fmt, ...) BS_PRINTF(2, 3);
/* The pending alert text into buf ("" when none); 1 when there is one. */
int bs_eventlog_alert_pending(const char *datadir_path, char *buf, size_t cap);
/* A person clears the flag with bs_eventlog_alert_clear (audit/audit.h), itself an event. */

/* Deletes whole checkpoint segments whose events are all older than the retention (never
 * younger than BS_EVENTLOG_RETENTION_MIN_DAYS) and records the purge as an event. */
int bs_eventlog_purge(struct bs_eventlog *log, const char *user, int64_t *purged);

/* Sets the retention; only upward from BS_EVENTLOG_RETENTION_MIN_DAYS. */
int bs_eventlog_set_retention(struct bs_eventlog *log, const char *user, int days);

/* Tests only: make the next n commits fail as if the disk were full. */
void bs_eventlog_test_fail_writes(struct bs_eventlog *log, int n);
/* Tests only: make the next n syncs of committed batches fail as an I/O error would; returns
 * 1 when the log syncs beside its writer (else commits sync themselves, and nothing fails). */
int bs_eventlog_test_fail_syncs(struct bs_eventlog *log, int n);
/* Tests only: the writer's capacity projection (at checkpoints) assumes this much free space,
 * and runs at the next checkpoint. */
void bs_eventlog_test_free_bytes(struct bs_eventlog *log, int64_t bytes);

#endif
