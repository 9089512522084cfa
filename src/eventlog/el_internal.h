/*
 * el_internal.h - private to src/eventlog: the canonical encoding, hashes, tree, checkpoint
 * body and seal-key evolution that the writer, the verifier and the bench share.
 * docs/eventlog-format.md is the specification; this is its one implementation.
 * Below them, the writer's state and the functions its files (eventlog.c lists them) share.
 */
#ifndef BS_EVENTLOG_INTERNAL_H
#define BS_EVENTLOG_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/buf.h"
#include "eventlog/eventlog.h"
#include "keys/keys.h"

#define EL_HASH 32
#define EL_LOGID 16
#define EL_SIG 64
#define EL_FRONTIER_MAX 64
#define EL_CKPT_BODY 157      /* a checkpoint of kind 0 ("BSCKPT01") */
#define EL_CKPT_BODY_MAX 158  /* any other kind ("BSCKPT02", then u8 kind) */
/* A checkpoint's kind is a set of bits (docs/eventlog-format.md, "Checkpoints"): */
#define EL_CKPT_CLOSED 1      /* the last writer closed the log here */
#define EL_CKPT_V2 2          /* written under the end-seal rules: every epoch ends with a seal */
#define EL_CKPT_KINDS 3       /* every bit a verifier knows */
#define EL_SEALFILE_BYTES 64

/* Canonical encoding of one event (appended to b). */
void el_encode(struct bs_buf *b, const struct bs_event *ev);
/* The same encoding from fields with known byte lengths (p NULL: the field is NULL), in the
 * order type, host, source, system, user, outcome, message, data. el_encoded_size gives the
 * bytes el_encode_fields writes. */
struct el_field {
	const void *p;
	size_t n;
};
#define EL_NFIELDS 8
size_t el_encoded_size(const struct el_field f[EL_NFIELDS]);
size_t el_encode_fields(unsigned char *out, int64_t seq, int64_t time_us, int severity,
			const struct el_field f[EL_NFIELDS]);
/* SHA-256 (libcrypto: uses the CPU's SHA instructions). Thread-safe. */
void el_sha256(const void *p, size_t n, unsigned char out[EL_HASH]);
/* h_0 = SHA-256("brokersec.eventlog.v1.genesis" || log_id) */
void el_genesis(const unsigned char log_id[EL_LOGID], unsigned char out[EL_HASH]);
/* h_n = SHA-256(0x45 || h_{n-1} || encoding) */
void el_chain(const unsigned char prev[EL_HASH], const void *enc, size_t len, unsigned char out[EL_HASH]);
/* The same over buf, which holds EL_CHAIN_PREFIX free bytes followed by the encoding (enc_len
 * bytes): writes 0x45 || prev into them and hashes in one pass. */
#define EL_CHAIN_PREFIX (1 + EL_HASH)
void el_chain_prefixed(unsigned char *buf, size_t enc_len, const unsigned char prev[EL_HASH],
		       unsigned char out[EL_HASH]);
/* RFC 6962 leaf hash of the chain hash: SHA-256(0x00 || h_n) */
void el_leaf(const unsigned char h[EL_HASH], unsigned char out[EL_HASH]);
/* RFC 6962 interior node: SHA-256(0x01 || l || r) */
void el_node(const unsigned char l[EL_HASH], const unsigned char r[EL_HASH], unsigned char out[EL_HASH]);

/* The compact range of a tree of size n: the roots of its perfect subtrees, largest first
 * (one per set bit of n). */
struct el_frontier {
	uint64_t size;
	int n;
	unsigned char h[EL_FRONTIER_MAX][EL_HASH];
};
void el_frontier_push(struct el_frontier *f, const unsigned char leaf[EL_HASH]);
/* Pushes a perfect subtree root of 2^level leaves; size must be a multiple of 2^level. */
void el_frontier_push_subtree(struct el_frontier *f, const unsigned char root[EL_HASH], int level);
void el_frontier_root(const struct el_frontier *f, unsigned char out[EL_HASH]);
/* Serialisation: n * 32 bytes; 0 or -1 when len does not fit size. */
int el_frontier_load(struct el_frontier *f, uint64_t size, const void *blob, size_t len);

/* ---- chaining events (hasher.c) ---- */

/* One event of a transaction: its encoding (after EL_CHAIN_PREFIX free bytes at buf), the
 * time to stamp, and its chain hash once chained. */
struct el_chain_item {
	unsigned char *buf;
	size_t enc_len;
	int64_t t;
	unsigned char hash[EL_HASH];
};
/* Chains it as event *last_seq + 1: stamps seq and time into its encoding, hashes it onto
 * last_hash, grows the frontier f while it covers the whole chain, and advances *last_seq. */
void el_chain_one(int64_t *last_seq, unsigned char last_hash[EL_HASH], struct el_frontier *f,
		  struct el_chain_item *it);
/* A thread that runs el_chain_one over a transaction's events ahead of the writer. */
struct el_hasher;
int el_hasher_start(struct el_hasher **out); /* -1 (and *out NULL) when no thread could start */
/* Starts chaining items[0..n) from (last_seq, last_hash, f), which belong to the hasher
 * until el_hasher_finish returns. */
void el_hasher_begin(struct el_hasher *hs, struct el_chain_item *items, size_t n, int64_t *last_seq,
		     unsigned char last_hash[EL_HASH], struct el_frontier *f);
/* Waits until item k is chained; returns how many are. */
size_t el_hasher_wait(struct el_hasher *hs, size_t k);
/* Waits until the whole job is chained. */
void el_hasher_finish(struct el_hasher *hs);
void el_hasher_stop(struct el_hasher *hs);

struct el_checkpoint {
	int64_t idx, tree_size, time_us, epoch, epoch_start_us, epoch_us;
	unsigned char log_id[EL_LOGID];
	unsigned char root[EL_HASH], chain_head[EL_HASH];
	int clock_sync;            /* 1 synced, 0 unsynced, 255 unknown */
	int32_t clock_state;       /* ntp_adjtime() return value */
	int64_t clock_maxerror_us, clock_esterror_us;
	unsigned char sig[EL_SIG], seal[EL_HASH];
	int kind;                  /* EL_CKPT_CLOSED | EL_CKPT_V2 bits; 0 for checkpoints of old logs */
};
/* The signed bytes: EL_CKPT_BODY for kind 0 (the format of every log before closing
 * checkpoints), EL_CKPT_BODY_MAX for any other kind. Returns the length. */
size_t el_ckpt_body(const struct el_checkpoint *c, unsigned char out[EL_CKPT_BODY_MAX]);
/* Signs with sk and seals with the epoch key. */
void el_ckpt_sign(struct el_checkpoint *c, const unsigned char *sk, const unsigned char key[EL_HASH]);
/* 0 ok; -1 bad signature. */
int el_ckpt_check_sig(const struct el_checkpoint *c, const unsigned char *pk);
/* 0 ok; -1 bad seal. */
int el_ckpt_check_seal(const struct el_checkpoint *c, const unsigned char key[EL_HASH]);

/* k_{e+1} = SHA-256("brokersec.eventlog.v1.evolve" || k_e), in place. */
void el_seal_evolve(unsigned char key[EL_HASH]);
int64_t el_epoch_of(int64_t time_us, int64_t start_us, int64_t epoch_us);
/* When epoch e begins (saturating: checkpoints in a bundle are anyone's numbers). */
int64_t el_epoch_start(int64_t e, int64_t start_us, int64_t epoch_us);

/* The verification key text and its parse. 0 or BS_EINVALID. */
/* The key is the line "bsseal1-..." and, made since the signing key is pinned, a second line
 * "bspub1-<64 hex>": the signing public key pk (an Ed25519 secret key's last 32 bytes). */
void el_vkey_format(char out[BS_EVENTLOG_VKEY_MAX], const unsigned char log_id[EL_LOGID], int64_t start_us,
		    int64_t epoch_us, const unsigned char k0[EL_HASH], const unsigned char pk[32]);
/* *has_pin says whether the key named the signing key (pin). */
int el_vkey_parse(const char *s, unsigned char log_id[EL_LOGID], int64_t *start_us, int64_t *epoch_us,
		  unsigned char k0[EL_HASH], unsigned char pin[32], int *has_pin);

/* Kernel clock state via ntp_adjtime(2). */
void el_clock_state(int *sync, int32_t *state, int64_t *maxerr_us, int64_t *esterr_us);

/* Shared SQL helpers (events.db). */
int el_db_open(sqlite3 **out, const char *path, int readonly);
int el_db_fail(sqlite3 *db, const char *path, const char *what);
int el_exec(sqlite3 *db, const char *path, const char *sql);
int el_meta_get_int(sqlite3 *db, const char *k, int64_t *v);
int el_meta_get_blob(sqlite3 *db, const char *k, void *out, size_t len);
/* INSERT OR REPLACE into meta: 0 or BS_ERR (the caller reports it with el_db_fail). */
int el_meta_put_int(sqlite3 *db, const char *k, int64_t v);
int el_meta_put_blob(sqlite3 *db, const char *k, const void *v, size_t len);
/* Reads the checkpoint row at the current statement position. */
void el_ckpt_from_row(sqlite3_stmt *st, struct el_checkpoint *c, const unsigned char log_id[EL_LOGID],
		      int64_t start_us, int64_t epoch_us, struct bs_buf *frontier);
#define EL_CKPT_COLS "idx, tree_size, time_us, epoch, root, chain_head, clock_sync, clock_state, " \
		     "clock_maxerror_us, clock_esterror_us, sig, seal, frontier, kind"
/* The same for a log or bundle made before closing checkpoints (no kind column: all 0). */
#define EL_CKPT_COLS_V1 "idx, tree_size, time_us, epoch, root, chain_head, clock_sync, clock_state, " \
			"clock_maxerror_us, clock_esterror_us, sig, seal, frontier, 0"
/* 1 when schema's checkpoints table has the kind column, 0 when not, <0 on error. */
int el_ckpt_has_kind(sqlite3 *db, const char *schema);

char *el_path(const char *dir, const char *rel);

/* event_seconds: per second of event time, the smallest and largest seq of the events with a
 * time in that second and their count. An index derived from events (not covered by the
 * hashes): the writer keeps it in the transaction that writes the events, readers use it to
 * turn a time range into a seq range instead of a per-row time index (which cost ~1 us per
 * insert). Event times need not grow with seq, so the seq range is only a bound: queries
 * still filter on time_us. */
#define EL_SECONDS_DDL "CREATE TABLE event_seconds (sec INTEGER PRIMARY KEY, min_seq INTEGER NOT NULL," \
		       " max_seq INTEGER NOT NULL, n INTEGER NOT NULL);"
/* The second of time_us in SQL, and in C: floor division, so times before 1970 are right. */
#define EL_SEC_SQL "(time_us / 1000000 - (time_us % 1000000 < 0))"
static inline int64_t el_sec_of(int64_t t)
{
	return t / 1000000 - (t % 1000000 < 0);
}
/* 1 when schema ("main", "src") has event_seconds (logs and bundles before it have none). */
int el_has_seconds(sqlite3 *db, const char *schema);
/* Empties main.event_seconds and fills it from main.events in one statement. */
int el_seconds_fill(sqlite3 *db, const char *path);

/* Where the events with from_us <= time_us <= to_us are (schema "main" or an attached one).
 * flags 0: from event_seconds alone (a few rows), every such event has lo <= seq <= hi, and n
 * counts the events of the range's whole seconds. EL_SPAN_EXACT: a scan of the events lo..hi
 * then makes lo, hi, n exact and gives their smallest and largest time tmin, tmax.
 * EL_SPAN_AUDIT (verify, export): EL_SPAN_EXACT, and the summary's counts must add up to the
 * events there are (reads all of event_seconds). lo > hi: no such events.
 * event_seconds is not trusted blindly: rows that contradict the events they point at (cheap
 * checks; the recount of the exact modes; the total of the audit mode) and a missing table
 * (logs and bundles made before it) make it scan all events instead, which is exact. Only a
 * forgery that stays consistent under those checks can hide events from a time query; never
 * from a full verify, which walks the events by seq and does not read event_seconds.
 * 0 or an error. */
struct el_tspan {
	int64_t lo, hi, n;
	int64_t tmin, tmax;
};
#define EL_SPAN_EXACT 1
#define EL_SPAN_AUDIT 2
int el_time_span(sqlite3 *db, const char *schema, int64_t from_us, int64_t to_us, int flags, struct el_tspan *s);

/* The capacity projection of A2.4.1.7.3, shared by 'log status' and the writer (at
 * checkpoints): from s->events, first_time_us, free_bytes and retention_days, the size of
 * db's content (db_bytes when that cannot be read) and the recent events in the last span
 * µs, fills the rate and capacity fields and raises the alert when the free space does not
 * hold the retention. */
int64_t el_capacity_span(int64_t now, int64_t first_time_us);
void el_capacity_project(sqlite3 *db, const char *dir, struct bs_eventlog_status *s, int64_t recent, int64_t span,
			 int64_t now);

/* ---- the writer: the state of an open log and the functions its files share ---- */

#define EL_BATCH_MAX BS_EVENTLOG_BATCH_MAX /* one transaction commits at most this many */
#define EL_MESSAGE_MAX 65536
#define EL_FIELD_MAX 1024
#define EL_SECS_MAX 8                      /* event_seconds rows a transaction collects before it writes them */

enum { OP_APPEND, OP_PURGE, OP_RETENTION };

struct req {
	size_t n;
	/* Encoded by the caller (outside the writer): event i's encoding starts at
	 * enc + off[i] + EL_CHAIN_PREFIX and runs to enc + off[i + 1], with room in front for
	 * the chain prefix; seq and time are patched in by the writer, which binds the columns
	 * from the encoding too. t0[i] is the caller's time (0: the commit time). */
	unsigned char *enc;
	const size_t *off;
	const int64_t *t0;
	struct bs_event *ev;         /* bs_eventlog_append: seq and time are written back */
	int64_t first_seq;
	int force_checkpoint;
	int close_mark;              /* the last writer closes the log: a closing checkpoint */
	int op;                      /* OP_APPEND, OP_PURGE, OP_RETENTION */
	int pipelined;               /* a bs_eventlog_batch: fails when its generation failed */
	uint64_t gen;
	const char *user;
	int days;
	int64_t purged;
	int done, err;
	char msg[1024];
	struct req *next;
};

/* Encodings of events before they are queued: the body of bs_eventlog_batch. */
struct enc_set {
	struct bs_buf enc;
	size_t *off;                 /* n + 1 offsets */
	int64_t *t0;
	size_t n, cap;
};

struct bs_eventlog_batch {
	struct enc_set es;
	struct req r;
	int in_flight;
};

/* One event_seconds row being collected: the events of this transaction in second sec. */
struct sec_acc {
	int64_t sec, min_seq, max_seq, n;
};

/* The state the writer reads at the start of each transaction (another process may write). */
struct head {
	struct el_checkpoint c;      /* the last checkpoint */
	struct el_frontier f;        /* compact range of the first f.size events (c.tree_size <= f.size <= last_seq) */
	int64_t last_seq;
	unsigned char last_hash[EL_HASH];
	int64_t last_t;              /* the latest time of the events since the last checkpoint
	                              * and of that checkpoint: the next checkpoint is not earlier */
};

struct bs_eventlog {
	char *dir, *dbpath, *sealpath, *alertpath;
	sqlite3 *db;                 /* the writer's connection: only the writer thread uses it */
	unsigned char *sk;           /* Ed25519 secret key, sodium_malloc'd */
	unsigned char log_id[EL_LOGID];
	int64_t epoch_start_us, epoch_us, every, ckpt_us;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_done, cv_space;
	struct req *head, *tail;
	size_t queued;
	int stop, started;
	/* The heartbeat (writer.c): at each epoch's end the writer, even idle, seals a checkpoint
	 * in that epoch and erases its key, so an open log has one in every epoch. */
	int64_t hb_epoch;            /* the epoch of the last heartbeat (writer thread) */
	/* events.lock: every writer holds it shared; the one that gets it exclusive at close is
	 * the last and writes the closing checkpoint (eventlog.c). -1: none. */
	int lock_fd;
	int fail_writes;             /* tests: fail the next n commits */
	int fail_syncs;              /* tests: fail the next n syncs (under mu) */
	/* Durability beside the writer (syncer_main): the writer commits without waiting for the
	 * disk (synchronous=NORMAL) and hands the committed requests to the syncer, which
	 * fdatasyncs the WAL and only then completes them; meanwhile the writer stores the next
	 * batch. Without the syncer (no WAL descriptor, no thread) the writer commits with
	 * synchronous=FULL as before. unsynced and sync_stop under mu. */
	pthread_t sync_thread;
	pthread_cond_t cv_sync;
	int sync_started, sync_stop, wal_fd;
	struct req *unsynced, *unsynced_tail;
	atomic_int sync_failed;      /* a sync failed: nothing more is written (fail closed) */
	/* Pipelined batches (bs_eventlog_batch): those of a generation that failed fail too,
	 * until a producer has seen the failure in bs_eventlog_batch_wait (the next generation). */
	uint64_t pipe_gen, pipe_poisoned;
	/* WAL checkpoints run on their own thread and connection, beside the writer (whose
	 * autocheckpoint is off): under load they would double the writer's work. ckpt_mu guards
	 * the fields below; the writer waits for a checkpoint only when the WAL outgrows
	 * WAL_HARD_PAGES, so that it can start over from its beginning. */
	pthread_t ckpt_thread;
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_cv;
	int ckpt_started, ckpt_stop;
	uint64_t ckpt_asked, ckpt_done; /* requests made / the last request a finished run covers */
	struct bs_buf enc;
	/* Chains large transactions' events beside the writer (hasher.c); NULL: the writer
	 * chains them itself. items holds one transaction's events, EL_BATCH_MAX of them. */
	struct el_hasher *hasher;
	struct el_chain_item *items;
	int hasher_failed;           /* no thread could start: chain on the writer */
	/* Writer thread only: statements kept across transactions, and the head as of our last
	 * commit, valid while no other connection has written (PRAGMA data_version). */
	sqlite3_stmt *ins, *ins_many, *dv, *ins_sec; /* ins_many: INS_ROWS rows */
	struct sec_acc secs[EL_SECS_MAX]; /* this transaction's event_seconds rows, not yet written */
	int nsecs;
	struct head cache;
	int cache_valid;
	int64_t cache_dv;
	int64_t last_capacity_check;  /* bs_clock_now() of the last projection, 0 never */
	int64_t test_free_bytes;      /* tests: the free space to assume, -1 the real one */
};

/* seal.c: the sealing key file (keys/seal.key). */
int el_seal_read(const char *path, const unsigned char log_id[EL_LOGID], int64_t *epoch, unsigned char key[EL_HASH]);
void el_seal_encode(unsigned char buf[EL_SEALFILE_BYTES], const unsigned char log_id[EL_LOGID], int64_t epoch,
		    const unsigned char key[EL_HASH]);
int el_seal_write(const char *path, const unsigned char log_id[EL_LOGID], int64_t epoch,
		  const unsigned char key[EL_HASH]);

/* checkpoint.c: the head and the checkpoints the writer adds. */
int el_insert_checkpoint(sqlite3 *db, const char *path, const struct el_checkpoint *c, const struct el_frontier *f);
int el_write_checkpoint(struct bs_eventlog *log, struct head *h, int64_t epoch, const unsigned char key[EL_HASH],
			int64_t now, int kind);
int el_begin_head(struct bs_eventlog *log, struct head *h, int64_t *dv);
/* witness.c: the signed heads a witness kept for this log (log_id), signature checked with
 * pk, sorted by size; *bad_sig counts the lines whose signature does not verify. */
struct el_whead {
	int64_t size, time_us;
	unsigned char root[EL_HASH];
};
int el_witness_load(const char *file, const unsigned char log_id[EL_LOGID], const unsigned char pk[32],
		    struct el_whead **out, size_t *n, size_t *bad_sig);
/* batch.c: the closing checkpoint of the last writer (bs_eventlog_close). */
int el_close_mark(struct bs_eventlog *log);

/* insert.c: chained events into rows (writer thread). */
int el_secs_flush(struct bs_eventlog *log);
int el_prepare_insert(struct bs_eventlog *log, sqlite3_stmt **st, int rows);
int64_t el_event_time(const struct bs_eventlog *log, struct head *h, int64_t t0, int64_t now);
int el_insert_encoded(struct bs_eventlog *log, struct head *h, unsigned char *buf, size_t enc_len, int64_t t0,
		      int64_t now, int64_t *seq_out, int64_t *time_out);
int el_hasher_ready(struct bs_eventlog *log);
int el_insert_pipelined(struct bs_eventlog *log, struct head *h, struct req *batch, size_t total, int64_t now);
int el_insert_event(struct bs_eventlog *log, struct head *h, struct bs_event *ev, int64_t now);

/* writer.c: the writer thread and its queue. */
void *el_writer_main(void *arg);
int el_enqueue(struct bs_eventlog *log, struct req *r);
int el_await(struct bs_eventlog *log, struct req *r);
int el_submit(struct bs_eventlog *log, struct req *r);

/* syncer.c: fdatasync beside the writer. */
void el_complete_reqs(struct bs_eventlog *log, struct req *list, int err);
int el_sync_wal(struct bs_eventlog *log, int inject);
void el_syncer_start(struct bs_eventlog *log);
void el_syncer_stop(struct bs_eventlog *log);

/* checkpointer.c: WAL checkpoints beside the writer. */
void *el_ckpt_main(void *arg);
int el_wal_hook(void *ctx, sqlite3 *db, const char *name, int pages);

/* retention.c: retention and purge, in the writer's transaction. */
int el_retention_days(struct bs_eventlog *log);
int el_do_purge(struct bs_eventlog *log, struct head *h, struct req *r, int64_t now);
int el_do_retention(struct bs_eventlog *log, struct head *h, struct req *r, int64_t now);

/* capacity.c: the writer's own capacity check at its checkpoints. */
void el_capacity_check(struct bs_eventlog *log, const struct head *h, int64_t now);

/* batch.c: one text field of an event, checked as append checks it. */
int el_valid_field(const char *name, const char *s, size_t max);

/* alert.c: an alert raised (possibly by another process) and not yet logged becomes an event. */
int el_log_pending_alert(struct bs_eventlog *log, struct head *h, int64_t now);

/* ---- verification: verify.c and its event phase, verify_blocks.c ---- */

#define EL_VBLOCK_LOG 14
#define EL_VBLOCK ((int64_t)1 << EL_VBLOCK_LOG) /* events a worker checks at once; a power of two */
#define EL_VTHREADS_MAX 16

/* What the check of one block of events found. */
struct blockres {
	int64_t lo, hi;               /* events lo+1 .. hi */
	int64_t verified;             /* events that chained, from lo+1 */
	int64_t bad_seq;              /* first problem, 0 none */
	int chain;                    /* the problem is a chain mismatch (classified later) */
	char why[400];
	unsigned char prev[EL_HASH];  /* the chain hash before bad_seq */
	unsigned char root[EL_HASH];  /* a full block's subtree root */
	int err;                      /* database error */
	int errcode;
	char errmsg[300];
};

/* How far a checkpoint or event may lie ahead of the verifier's clock (the two machines'
 * clocks differ); beyond it, it was written by someone who evolved the key ahead of time. */
#define EL_FUTURE_SLACK_US (5LL * 60 * 1000000)

/* One verification: the log, its checkpoints and the state of the event phase. */
struct vctx {
	sqlite3 *db;
	const char *path;
	unsigned char log_id[EL_LOGID], pk[BS_SIGN_PUBLIC_BYTES];
	int64_t start_us, epoch_us;
	struct el_checkpoint *ck;
	size_t nck;
	unsigned char *sigok;
	struct bs_verify_result *r;
	int64_t now;                  /* the verifier's clock, read once */
	/* the event phase */
	int64_t first, last, nb;
	struct el_frontier f0, fin0;  /* at ck[0]; at the end of block 0 */
	struct blockres *br;
	unsigned char (*ckroot)[EL_HASH];
	unsigned char *ckstate;       /* 0 not reached, 1 chain head ok, 2 chain head differs */
	atomic_llong next, stop;
};

/* One thread of a parallel phase (el_run_parallel). */
struct worker {
	struct vctx *v;
	sqlite3 *db;
	size_t from, to;              /* signature phase: checkpoints [from, to) */
};

/* A growable encoding buffer with EL_CHAIN_PREFIX bytes of room in front. */
struct encbuf {
	unsigned char *p;
	size_t cap;
};

/* verify_blocks.c */
/* A read connection on a snapshot of path, mapped into memory. */
int el_open_snapshot(sqlite3 **db, const char *path);
/* Runs fn on nt workers (the calling thread is one of them). 0 or an error. */
int el_run_parallel(void *(*fn)(void *), struct worker *w, int nt);
/* The first checkpoint (after the anchor) with tree_size > size. */
size_t el_ck_after(const struct vctx *v, int64_t size);
/* Loads row seq encoded as if it had sequence number as_seq (into eb, with its stored hash);
 * the encoding's length, 0 when there is no such row. */
size_t el_load_row_as(sqlite3 *db, int64_t seq, int64_t as_seq, struct encbuf *eb, unsigned char hash[EL_HASH]);
/* Checks events first..last in blocks on all cores into v->br (conns: the workers' read
 * connections, which the caller closes). 0 or an error. */
int el_check_blocks(struct vctx *v, int64_t first, int64_t last, int threads, sqlite3 *conns[EL_VTHREADS_MAX]);

/* The columns of an event as bs_eventlog_each and bs_eventlog_page select them, and the row
 * read back (read.c): ev's strings point into st until its next step. */
#define EL_EVENT_COLS "seq, time_us, type, severity, host, source, system, user, outcome, message, data"
void el_event_row(sqlite3_stmt *st, struct bs_event *ev);

#endif
