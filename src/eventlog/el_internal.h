/*
 * el_internal.h - private to src/eventlog: the canonical encoding, hashes, tree, checkpoint
 * body and seal-key evolution that the writer, the verifier and the bench share.
 * docs/eventlog-format.md is the specification; this is its one implementation.
 */
#ifndef BS_EVENTLOG_INTERNAL_H
#define BS_EVENTLOG_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/buf.h"
#include "eventlog/eventlog.h"

#define EL_HASH 32
#define EL_LOGID 16
#define EL_SIG 64
#define EL_FRONTIER_MAX 64
#define EL_CKPT_BODY 157
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
};
/* The signed bytes (EL_CKPT_BODY of them). */
void el_ckpt_body(const struct el_checkpoint *c, unsigned char out[EL_CKPT_BODY]);
/* Signs with sk and seals with the epoch key. */
void el_ckpt_sign(struct el_checkpoint *c, const unsigned char *sk, const unsigned char key[EL_HASH]);
/* 0 ok; -1 bad signature. */
int el_ckpt_check_sig(const struct el_checkpoint *c, const unsigned char *pk);
/* 0 ok; -1 bad seal. */
int el_ckpt_check_seal(const struct el_checkpoint *c, const unsigned char key[EL_HASH]);

/* k_{e+1} = SHA-256("brokersec.eventlog.v1.evolve" || k_e), in place. */
void el_seal_evolve(unsigned char key[EL_HASH]);
int64_t el_epoch_of(int64_t time_us, int64_t start_us, int64_t epoch_us);

/* The verification key text and its parse. 0 or BS_EINVALID. */
void el_vkey_format(char out[BS_EVENTLOG_VKEY_MAX], const unsigned char log_id[EL_LOGID], int64_t start_us,
		    int64_t epoch_us, const unsigned char k0[EL_HASH]);
int el_vkey_parse(const char *s, unsigned char log_id[EL_LOGID], int64_t *start_us, int64_t *epoch_us,
		  unsigned char k0[EL_HASH]);

/* Kernel clock state via ntp_adjtime(2). */
void el_clock_state(int *sync, int32_t *state, int64_t *maxerr_us, int64_t *esterr_us);

/* Shared SQL helpers (events.db). */
int el_db_open(sqlite3 **out, const char *path, int readonly);
int el_db_fail(sqlite3 *db, const char *path, const char *what);
int el_exec(sqlite3 *db, const char *path, const char *sql);
int el_meta_get_int(sqlite3 *db, const char *k, int64_t *v);
int el_meta_get_blob(sqlite3 *db, const char *k, void *out, size_t len);
/* Reads the checkpoint row at the current statement position. */
void el_ckpt_from_row(sqlite3_stmt *st, struct el_checkpoint *c, const unsigned char log_id[EL_LOGID],
		      int64_t start_us, int64_t epoch_us, struct bs_buf *frontier);
#define EL_CKPT_COLS "idx, tree_size, time_us, epoch, root, chain_head, clock_sync, clock_state, " \
		     "clock_maxerror_us, clock_esterror_us, sig, seal, frontier"

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

#endif
