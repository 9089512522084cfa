/* verify.c - checks the chain, the tree heads, the signatures and the seals of a log or a
 * bundle (or of the part of it that covers a time range), and names the first event or
 * checkpoint that does not verify and why.
 *
 * Parallel plan (exact first-failure reporting is kept):
 * - checkpoint signatures are checked on all cores into an array; the checks among
 *   checkpoints (continuity, epochs, seals) then run in order on the calling thread;
 * - events are cut into blocks whose ends are multiples of BLOCK in tree size. Each worker
 *   thread takes the next block, reads its rows on its own read connection, recomputes the
 *   chain from the stored hash before the block (which the previous block checks), hashes the
 *   leaves and folds them into a frontier of the block alone: since the block starts at a
 *   multiple of BLOCK, the whole tree's frontier at any point in it is the frontier at the
 *   block start followed by the block's own. Workers record, per checkpoint in the block,
 *   whether the chain head matched and the fold of the block's own frontier;
 * - the calling thread then walks the blocks in order, completes each checkpoint's root with
 *   the frontier at the block start (a few node hashes), and reports the first problem in
 *   sequence order. Blocks after a failing one are skipped. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "eventlog/el_internal.h"
#include "keys/keys.h"

#define BLOCK_LOG 14
#define BLOCK ((int64_t)1 << BLOCK_LOG)
#define MAX_THREADS 16

static const char event_cols[] =
	"SELECT seq, time_us, type, severity, host, source, system, user, outcome, message, data, hash FROM events";

/* A growable encoding buffer with EL_CHAIN_PREFIX bytes of room in front. */
struct encbuf {
	unsigned char *p;
	size_t cap;
};

/* Encodes the event row at st (columns as event_cols) as if its sequence number were seq;
 * returns the encoding's length (it starts at b->p + EL_CHAIN_PREFIX). Strings are taken
 * with their stored byte lengths; no allocation once the buffer is large enough. */
static size_t row_encode(sqlite3_stmt *st, int64_t seq, struct encbuf *b)
{
	static const int cols[EL_NFIELDS] = { 2, 4, 5, 6, 7, 8, 9, 10 };
	struct el_field f[EL_NFIELDS];
	size_t n;

	/* The stored bytes as they are: sqlite3_column_text would copy each string to add a NUL. */
	for (int i = 0; i < EL_NFIELDS; i++) {
		sqlite3_value *val = sqlite3_column_value(st, cols[i]);
		if (sqlite3_value_type(val) == SQLITE_NULL) {
			f[i].p = NULL;
			f[i].n = 0;
			continue;
		}
		f[i].p = sqlite3_value_blob(val);
		f[i].n = (size_t)sqlite3_value_bytes(val);
		if (!f[i].p)
			f[i].p = "";
	}
	n = el_encoded_size(f);
	if (EL_CHAIN_PREFIX + n > b->cap) {
		b->cap = bs_size_add(EL_CHAIN_PREFIX + n, 4096);
		b->p = bs_realloc(b->p, b->cap);
	}
	return el_encode_fields(b->p + EL_CHAIN_PREFIX, seq, sqlite3_column_int64(st, 1), sqlite3_column_int(st, 3), f);
}

struct blockres {
	int64_t lo, hi;               /* events lo+1 .. hi */
	int64_t verified;             /* events that chained, from lo+1 */
	int64_t bad_seq;              /* first problem, 0 none */
	int chain;                    /* the problem is a chain mismatch (classified later) */
	char why[200];
	unsigned char prev[EL_HASH];  /* the chain hash before bad_seq */
	unsigned char root[EL_HASH];  /* a full block's subtree root */
	int err;                      /* database error */
	int errcode;
	char errmsg[300];
};

struct vctx {
	sqlite3 *db;
	const char *path;
	unsigned char log_id[EL_LOGID], pk[BS_SIGN_PUBLIC_BYTES];
	int64_t start_us, epoch_us;
	struct el_checkpoint *ck;
	size_t nck;
	unsigned char *sigok;
	struct bs_verify_result *r;
	/* the event phase */
	int64_t first, last, nb;
	struct el_frontier f0, fin0;  /* at ck[0]; at the end of block 0 */
	struct blockres *br;
	unsigned char (*ckroot)[EL_HASH];
	unsigned char *ckstate;       /* 0 not reached, 1 chain head ok, 2 chain head differs */
	atomic_llong next, stop;
};

struct worker {
	struct vctx *v;
	sqlite3 *db;
	size_t from, to;              /* signature phase: checkpoints [from, to) */
};

static int64_t block_lo(const struct vctx *v, int64_t j)
{
	int64_t t0 = v->first - 1;
	return j == 0 ? t0 : (t0 / BLOCK + j) * BLOCK;
}

static int64_t block_hi(const struct vctx *v, int64_t j)
{
	int64_t t0 = v->first - 1, hi = (t0 / BLOCK + j + 1) * BLOCK;
	return hi < v->last ? hi : v->last;
}

/* The first checkpoint (after the anchor) with tree_size > size. */
static size_t ck_after(const struct vctx *v, int64_t size)
{
	size_t lo = 1, hi = v->nck;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->ck[mid].tree_size > size)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void stop_at(struct vctx *v, int64_t j)
{
	long long cur = atomic_load(&v->stop);
	while (j < cur && !atomic_compare_exchange_weak(&v->stop, &cur, j))
		;
}

static void do_block(struct vctx *v, sqlite3 *db, sqlite3_stmt *range, sqlite3_stmt *one, struct encbuf *eb, int64_t j)
{
	struct blockres *b = &v->br[j];
	struct el_frontier fr;
	unsigned char prev[EL_HASH];
	int64_t expect;
	size_t ci;
	int rc;

	b->lo = block_lo(v, j);
	b->hi = block_hi(v, j);
	expect = b->lo + 1;
	if (j == 0) {
		fr = v->f0;
		memcpy(prev, v->ck[0].chain_head, EL_HASH);
	} else {
		memset(&fr, 0, sizeof(fr));
		sqlite3_reset(one);
		sqlite3_bind_int64(one, 1, b->lo);
		rc = sqlite3_step(one);
		if (rc == SQLITE_ROW && sqlite3_column_bytes(one, 0) == EL_HASH)
			memcpy(prev, sqlite3_column_blob(one, 0), EL_HASH);
		else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			memset(prev, 0, EL_HASH); /* the previous block reports that gap */
		else
			goto dberr;
		sqlite3_reset(one);
	}
	ci = ck_after(v, b->lo);
	sqlite3_reset(range);
	sqlite3_bind_int64(range, 1, b->lo + 1);
	sqlite3_bind_int64(range, 2, b->hi);
	while ((rc = sqlite3_step(range)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(range, 0);
		const void *stored;
		unsigned char h[EL_HASH], leaf[EL_HASH];
		size_t n;

		if (seq != expect) {
			b->bad_seq = expect;
			snprintf(b->why, sizeof(b->why), "missing: events %" PRId64 "..%" PRId64 " are not in the log "
				 "(deleted)", expect, seq - 1);
			goto bad;
		}
		if (sqlite3_column_type(range, 2) == SQLITE_NULL || sqlite3_column_bytes(range, 11) != EL_HASH) {
			b->bad_seq = seq;
			snprintf(b->why, sizeof(b->why), "modified: event %" PRId64 " has no type or a damaged hash", seq);
			goto bad;
		}
		n = row_encode(range, seq, eb);
		el_chain_prefixed(eb->p, n, prev, h);
		stored = sqlite3_column_blob(range, 11);
		if (memcmp(h, stored, EL_HASH)) {
			b->bad_seq = seq;
			b->chain = 1;
			goto bad;
		}
		memcpy(prev, h, EL_HASH);
		el_leaf(h, leaf);
		el_frontier_push(&fr, leaf);
		for (; ci < v->nck && v->ck[ci].tree_size == seq; ci++) {
			el_frontier_root(&fr, v->ckroot[ci]);
			v->ckstate[ci] = memcmp(h, v->ck[ci].chain_head, EL_HASH) ? 2 : 1;
		}
		expect++;
	}
	if (rc != SQLITE_DONE)
		goto dberr;
	b->verified = expect - b->lo - 1;
	if (expect != b->hi + 1) {
		b->bad_seq = expect;
		snprintf(b->why, sizeof(b->why), "missing: events %" PRId64 "..%" PRId64 " are not in the log (deleted)",
			 expect, b->hi);
		memcpy(b->prev, prev, EL_HASH);
		stop_at(v, j);
		goto out;
	}
	if (j == 0)
		v->fin0 = fr;
	else if (b->hi - b->lo == BLOCK && fr.n == 1)
		memcpy(b->root, fr.h[0], EL_HASH);
	goto out;
bad:
	b->verified = expect - b->lo - 1;
	memcpy(b->prev, prev, EL_HASH);
	stop_at(v, j);
	goto out;
dberr:
	b->err = 1;
	b->errcode = sqlite3_errcode(db) & 0xff;
	snprintf(b->errmsg, sizeof(b->errmsg), "%s", sqlite3_errmsg(db));
	stop_at(v, j);
out:
	sqlite3_reset(range);
}

static void *events_worker(void *arg)
{
	struct worker *w = arg;
	struct vctx *v = w->v;
	struct encbuf eb = { NULL, 0 };
	sqlite3_stmt *range = NULL, *one = NULL;
	char sql[256];
	int64_t j;

	snprintf(sql, sizeof(sql), "%s WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq", event_cols);
	if (sqlite3_prepare_v2(w->db, sql, -1, &range, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(w->db, "SELECT hash FROM events WHERE seq = ?1", -1, &one, NULL) != SQLITE_OK) {
		/* Claim a block to report it on; the walk stops there. */
		j = atomic_fetch_add(&v->next, 1);
		if (j < v->nb) {
			v->br[j].err = 1;
			v->br[j].errcode = sqlite3_errcode(w->db) & 0xff;
			snprintf(v->br[j].errmsg, sizeof(v->br[j].errmsg), "%s", sqlite3_errmsg(w->db));
			stop_at(v, j);
		}
		goto done;
	}
	while ((j = atomic_fetch_add(&v->next, 1)) < v->nb && j <= atomic_load(&v->stop))
		do_block(v, w->db, range, one, &eb, j);
done:
	sqlite3_finalize(range);
	sqlite3_finalize(one);
	free(eb.p);
	return NULL;
}

static void *sig_worker(void *arg)
{
	struct worker *w = arg;
	for (size_t i = w->from; i < w->to; i++)
		w->v->sigok[i] = el_ckpt_check_sig(&w->v->ck[i], w->v->pk) == 0;
	return NULL;
}

/* Runs fn on nt workers (the calling thread is one of them). 0 or an error. */
static int run_parallel(void *(*fn)(void *), struct worker *w, int nt)
{
	pthread_t th[MAX_THREADS];
	int started = 0, err = 0;

	for (int t = 1; t < nt; t++) {
		if (pthread_create(&th[t], NULL, fn, &w[t]) != 0) {
			err = bs_error(BS_ERR, "cannot start a verify thread: %s", strerror(errno));
			break;
		}
		started = t;
	}
	if (!err)
		fn(&w[0]);
	for (int t = 1; t <= started; t++)
		pthread_join(th[t], NULL);
	return err;
}

static int fail(struct vctx *v, int64_t seq, int64_t ckpt, const char *fmt, ...) BS_PRINTF(4, 5);
static int fail(struct vctx *v, int64_t seq, int64_t ckpt, const char *fmt, ...)
{
	va_list ap;
	if (!v->r->ok)
		return 0; /* keep the first */
	v->r->ok = 0;
	v->r->bad_seq = seq;
	v->r->bad_checkpoint = ckpt;
	va_start(ap, fmt);
	vsnprintf(v->r->problem, sizeof(v->r->problem), fmt, ap);
	va_end(ap);
	return 0;
}

/* Loads row `seq` encoded as if it had sequence number as_seq, with its stored hash;
 * returns the encoding's length, 0 when there is no such row. */
static size_t load_row_as(sqlite3 *db, int64_t seq, int64_t as_seq, struct encbuf *eb, unsigned char hash[EL_HASH])
{
	char sql[160];
	sqlite3_stmt *st;
	size_t n = 0;
	snprintf(sql, sizeof(sql), "%s WHERE seq = ?1", event_cols);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 11) == EL_HASH) {
		n = row_encode(st, as_seq, eb);
		memcpy(hash, sqlite3_column_blob(st, 11), EL_HASH);
	}
	sqlite3_finalize(st);
	return n;
}

/* Names why event s does not chain from prev. */
static void classify(struct vctx *v, int64_t s, const unsigned char prev[EL_HASH])
{
	struct encbuf e1 = { NULL, 0 }, e2 = { NULL, 0 };
	unsigned char h1[EL_HASH], h2[EL_HASH], c[EL_HASH];
	size_t n1, n2;

	/* Swapped with the next: the next row chains from prev as s, and this row after it as s+1. */
	if ((n2 = load_row_as(v->db, s + 1, s, &e2, h2)) > 0) {
		el_chain_prefixed(e2.p, n2, prev, c);
		if (!memcmp(c, h2, EL_HASH)) {
			if ((n1 = load_row_as(v->db, s, s + 1, &e1, h1)) > 0) {
				el_chain_prefixed(e1.p, n1, h2, c);
				if (!memcmp(c, h1, EL_HASH)) {
					fail(v, s, -1, "event %" PRId64 ": reordered: events %" PRId64 " and %" PRId64
					     " have been swapped", s, s, s + 1);
					goto done;
				}
			}
			fail(v, s, -1, "event %" PRId64 ": inserted: it is not part of the chain; the events after it "
			     "were renumbered (event %" PRId64 " is the original %" PRId64 ")", s, s + 1, s);
			goto done;
		}
	}
	fail(v, s, -1, "event %" PRId64 ": modified: its content or hash does not match the chain (or the event "
	     "before it was changed and its hash recomputed, or events before it were deleted and the rest renumbered)", s);
done:
	free(e1.p);
	free(e2.p);
}

/* Loads the checkpoints with lo <= idx <= hi in idx order. */
static int load_checkpoints(struct vctx *v, struct bs_buf *first_frontier, int64_t lo, int64_t hi)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (sqlite3_prepare_v2(v->db, "SELECT " EL_CKPT_COLS " FROM checkpoints WHERE idx >= ?1 AND idx <= ?2 ORDER BY idx",
			       -1, &st, NULL) != SQLITE_OK)
		return el_db_fail(v->db, v->path, "cannot read checkpoints");
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (v->nck == cap) {
			cap = cap ? cap * 2 : 256;
			v->ck = bs_realloc(v->ck, bs_size_mul(cap, sizeof(*v->ck)));
		}
		el_ckpt_from_row(st, &v->ck[v->nck], v->log_id, v->start_us, v->epoch_us,
				 v->nck == 0 ? first_frontier : NULL);
		v->nck++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return el_db_fail(v->db, v->path, "cannot read checkpoints");
	return 0;
}

/* Checks the checkpoints among themselves: order, continuity, signatures, seals. */
static void check_checkpoints(struct vctx *v, const unsigned char *k0, int purge_ok)
{
	unsigned char key[EL_HASH];
	int64_t key_epoch = 0;

	if (k0)
		memcpy(key, k0, EL_HASH);
	if (v->nck == 0) {
		fail(v, 0, 0, "checkpoint 0: missing: the log has no checkpoints at all");
		return;
	}
	if (v->ck[0].idx != 0 && !purge_ok)
		fail(v, 0, v->ck[0].idx, "checkpoint %" PRId64 ": missing: checkpoints 0..%" PRId64 " are gone and no "
		     "recorded purge explains it", v->ck[0].idx, v->ck[0].idx - 1);
	if (v->ck[0].idx == 0 && v->ck[0].tree_size != 0)
		fail(v, 0, 0, "checkpoint 0: modified: it must cover no events");
	for (size_t i = 0; i < v->nck && v->r->ok; i++) {
		struct el_checkpoint *c = &v->ck[i], *p = i ? &v->ck[i - 1] : NULL;
		int64_t te = el_epoch_of(c->time_us, v->start_us, v->epoch_us);
		if (p && c->idx != p->idx + 1) {
			fail(v, 0, p->idx + 1, "checkpoint %" PRId64 ": missing: the checkpoints jump from %" PRId64
			     " to %" PRId64, p->idx + 1, p->idx, c->idx);
			break;
		}
		if (p && (c->tree_size < p->tree_size || c->time_us < p->time_us)) {
			fail(v, 0, c->idx, "checkpoint %" PRId64 ": reordered: its size or time goes back from "
			     "checkpoint %" PRId64, c->idx, p->idx);
			break;
		}
		if (!v->sigok[i]) {
			fail(v, 0, c->idx, "checkpoint %" PRId64 ": bad signature: the checkpoint (events up to %" PRId64
			     ") was changed or signed with another key", c->idx, c->tree_size);
			break;
		}
		if (p && c->epoch != p->epoch && c->epoch != p->epoch + 1) {
			fail(v, 0, c->idx, "checkpoint %" PRId64 ": missing seal: epochs are not continuous (%" PRId64
			     " after %" PRId64 "): the seals of epochs %" PRId64 "..%" PRId64 " are missing",
			     c->idx, c->epoch, p->epoch, p->epoch + 1, c->epoch - 1);
			break;
		}
		if (p && c->epoch < p->epoch) {
			fail(v, 0, c->idx, "checkpoint %" PRId64 ": reordered: epoch goes back", c->idx);
			break;
		}
		if (c->epoch > te) {
			fail(v, 0, c->idx, "checkpoint %" PRId64 ": sealed with a later epoch's key: epoch %" PRId64
			     " but its time %" PRId64 " lies in epoch %" PRId64, c->idx, c->epoch, c->time_us, te);
			break;
		}
		if (!k0)
			continue;
		while (key_epoch < c->epoch) {
			el_seal_evolve(key);
			key_epoch++;
		}
		if (el_ckpt_check_seal(c, key) < 0) {
			unsigned char later[EL_HASH];
			int64_t found = -1;
			memcpy(later, key, EL_HASH);
			for (int64_t e = c->epoch + 1; e <= c->epoch + 96; e++) {
				el_seal_evolve(later);
				if (el_ckpt_check_seal(c, later) == 0) {
					found = e;
					break;
				}
			}
			sodium_memzero(later, sizeof(later));
			if (found >= 0)
				fail(v, 0, c->idx, "checkpoint %" PRId64 ": sealed with a later epoch's key: epoch %" PRId64
				     " was sealed with the key of epoch %" PRId64 " (written after that key's time: "
				     "the log was rewritten by someone holding a later key)", c->idx, c->epoch, found);
			else
				fail(v, 0, c->idx, "checkpoint %" PRId64 ": bad seal: it does not match the verification key "
				     "for epoch %" PRId64, c->idx, c->epoch);
			break;
		}
	}
	sodium_memzero(key, sizeof(key));
}

/* A log whose first checkpoint is not 0 must say why: a recorded purge with that anchor. */
static int purge_recorded(struct vctx *v, int64_t anchor)
{
	sqlite3_stmt *st;
	int found = 0;
	/* ... and the anchor must be older than the minimum retention when the purge happened,
	 * so a thief cannot cut young events off and call it a purge. Read from the newest event
	 * back (the last purge made the anchor), on the events alone: not on event_seconds,
	 * which is not covered by the hashes. */
	if (sqlite3_prepare_v2(v->db, "SELECT 1 FROM events WHERE seq > ?3 AND type = 'eventlog.purge' AND "
			       "json_extract(data, '$.anchor') = ?1 AND time_us >= ?2 ORDER BY seq DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, anchor);
	sqlite3_bind_int64(st, 2, v->ck[0].time_us + (int64_t)BS_EVENTLOG_RETENTION_MIN_DAYS * 86400 * 1000000);
	sqlite3_bind_int64(st, 3, v->ck[0].tree_size);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static int open_snapshot(sqlite3 **db, const char *path)
{
	int err;
	if ((err = el_db_open(db, path, 1)) < 0)
		return err;
	/* Read through a memory map: no copy of every page through read(2). */
	(void)sqlite3_exec(*db, "PRAGMA mmap_size=1099511627776", NULL, NULL, NULL);
	if (sqlite3_exec(*db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return el_db_fail(*db, path, "cannot read");
	return 0;
}

static int db_damaged(sqlite3 *db)
{
	int code = sqlite3_errcode(db) & 0xff;
	return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

/* The checkpoints that cover the events with time in [from_us, to_us]: *lo_ck the last one
 * before the first such event (or the first checkpoint), *hi_ck the first one at or after
 * the last such event (-1: the events run past the last checkpoint). With no events in the
 * range, the checkpoints around it by time. *first_ck is the first checkpoint of the log.
 * The events are found through event_seconds (el_time_span in its audit mode checks the rows
 * it uses against the events): it only says where to start and stop; every event in between
 * is checked as in a full verify. */
static int range_checkpoints(struct vctx *v, int64_t from_us, int64_t to_us, int64_t *lo_ck, int64_t *hi_ck,
			     int64_t *first_ck, int64_t *lo_seq)
{
	sqlite3_stmt *st = NULL;
	struct el_tspan sp;
	int64_t lo = -1, hi = -1;

	*lo_seq = -1;
	if (el_time_span(v->db, "main", from_us, to_us, EL_SPAN_AUDIT, &sp) < 0)
		return -1;
	if (sp.lo <= sp.hi) {
		lo = sp.lo;
		hi = sp.hi;
	}
	*lo_seq = lo;
	if (sqlite3_prepare_v2(v->db, lo >= 0 ?
			       "SELECT (SELECT min(idx) FROM checkpoints),"
			       " (SELECT max(idx) FROM checkpoints WHERE tree_size < ?1),"
			       " (SELECT min(idx) FROM checkpoints WHERE tree_size >= ?2)" :
			       "SELECT (SELECT min(idx) FROM checkpoints),"
			       " (SELECT max(idx) FROM checkpoints WHERE time_us < ?3),"
			       " (SELECT min(idx) FROM checkpoints WHERE time_us > ?4)", -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	sqlite3_bind_int64(st, 3, from_us);
	sqlite3_bind_int64(st, 4, to_us);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto dberr;
	*first_ck = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 0);
	*lo_ck = sqlite3_column_type(st, 1) == SQLITE_NULL ? *first_ck : sqlite3_column_int64(st, 1);
	*hi_ck = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	return 0;
dberr:
	sqlite3_finalize(st);
	return -1;
}

static int verify(const char *dir, const char *bundle, const char *vkey, const char *expect_head, int threads,
		  int ranged, int64_t from_us, int64_t to_us, struct bs_verify_result *r)
{
	struct vctx v;
	struct bs_buf ff = BS_BUF_INIT;
	struct worker w[MAX_THREADS];
	unsigned char k0[EL_HASH];
	sqlite3 *conns[MAX_THREADS] = { 0 };
	char *path = bundle ? bs_strdup(bundle) : el_path(dir, "events.db");
	int64_t first = 0, last = 0, head_size = -1, lo_ck = 0, hi_ck = INT64_MAX, first_ck = 0, lo_seq = -1;
	unsigned char head_root[EL_HASH];
	int err = 0, have_k0 = 0, purge_ok, nt;
	struct el_frontier g;

	if (sodium_init() < 0)
		abort();
	memset(&v, 0, sizeof(v));
	memset(r, 0, sizeof(*r));
	r->ok = 1;
	r->bad_checkpoint = -1;
	v.path = path;
	v.r = r;
	if (threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (int)n : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (expect_head) {
		long long sz;
		char hex[65];
		size_t got = 0;
		if (ranged) {
			err = bs_error(BS_EINVALID, "--head checks the end of the whole log: use it without --from/--to");
			goto done;
		}
		if (sscanf(expect_head, "%lld:%64[0-9a-f]", &sz, hex) != 2 || sz < 0 ||
		    sodium_hex2bin(head_root, EL_HASH, hex, strlen(hex), NULL, &got, NULL) != 0 || got != EL_HASH) {
			err = bs_error(BS_EINVALID, "--head '%s' is not valid: expected SIZE:ROOTHEX as 'brokersec log "
				       "status' prints it", expect_head);
			goto done;
		}
		head_size = sz;
	}
	if (ranged && from_us > to_us) {
		err = bs_error(BS_EINVALID, "--from is after --to: nothing to verify");
		goto done;
	}
	if (access(path, R_OK) != 0) {
		err = bs_error(BS_ENOTFOUND, "cannot read '%s': %s", path, strerror(errno));
		goto done;
	}
	if ((err = open_snapshot(&v.db, path)) < 0)
		goto done;
	if (el_meta_get_blob(v.db, "log_id", v.log_id, EL_LOGID) || el_meta_get_int(v.db, "epoch_start_us", &v.start_us) ||
	    el_meta_get_int(v.db, "epoch_us", &v.epoch_us)) {
		if (db_damaged(v.db)) {
			fail(&v, 0, -1, "the log file is damaged or truncated: %s", sqlite3_errmsg(v.db));
			goto done;
		}
		err = bs_error(BS_EINVALID, "'%s' is not a brokersec event log or bundle (parameters missing)", path);
		goto done;
	}
	if (bundle) {
		if (el_meta_get_blob(v.db, "public_key", v.pk, sizeof(v.pk))) {
			err = bs_error(BS_EINVALID, "bundle '%s' has no public key: it is not a brokersec log bundle", path);
			goto done;
		}
	} else {
		char *keys = el_path(dir, "keys");
		err = bs_keys_load_public(keys, v.pk);
		free(keys);
		if (err < 0)
			goto done;
	}
	if (vkey) {
		unsigned char id[EL_LOGID];
		int64_t s, e;
		if ((err = el_vkey_parse(vkey, id, &s, &e, k0)) < 0)
			goto done;
		have_k0 = 1;
		if (memcmp(id, v.log_id, EL_LOGID) || s != v.start_us || e != v.epoch_us) {
			fail(&v, 0, -1, "the verification key belongs to another log, or the log's parameters were changed "
			     "(log id, epoch start or epoch length differ)");
			goto done;
		}
		r->seals_checked = 1;
	}
	if (ranged && range_checkpoints(&v, from_us, to_us, &lo_ck, &hi_ck, &first_ck, &lo_seq) < 0) {
		if (db_damaged(v.db))
			fail(&v, 0, -1, "the log file is damaged or truncated: %s", sqlite3_errmsg(v.db));
		else
			err = el_db_fail(v.db, path, "cannot read events");
		goto done;
	}
	if ((err = load_checkpoints(&v, &ff, lo_ck, hi_ck < 0 ? INT64_MAX : hi_ck)) < 0) {
		if (db_damaged(v.db)) {
			err = 0;
			fail(&v, 0, -1, "the log file is damaged or truncated: %s", sqlite3_errmsg(v.db));
		}
		goto done;
	}
	/* A range anchored at a later checkpoint is checked from there, as a bundle is. */
	purge_ok = bundle || (ranged && v.nck && v.ck[0].idx != first_ck) ||
		   (v.nck && v.ck[0].idx != 0 && purge_recorded(&v, v.ck[0].idx));
	/* Signatures on all cores; the checks in order then use the results. */
	v.sigok = bs_calloc(v.nck ? v.nck : 1, 1);
	nt = v.nck < 64 ? 1 : threads;
	memset(w, 0, sizeof(w));
	for (int t = 0; t < nt; t++) {
		w[t].v = &v;
		w[t].from = v.nck * (size_t)t / (size_t)nt;
		w[t].to = v.nck * (size_t)(t + 1) / (size_t)nt;
	}
	if ((err = run_parallel(sig_worker, w, nt)) < 0)
		goto done;
	check_checkpoints(&v, have_k0 ? k0 : NULL, purge_ok);
	r->checkpoints = (int64_t)v.nck;
	if (!r->ok)
		goto done;
	/* The anchor: checkpoint 0 (genesis) or the first one left after a purge, in a bundle or
	 * before the range. */
	if (el_frontier_load(&v.f0, (uint64_t)v.ck[0].tree_size, ff.ptr, ff.len) < 0) {
		fail(&v, 0, v.ck[0].idx, "checkpoint %" PRId64 ": modified: its compact range is damaged", v.ck[0].idx);
		goto done;
	}
	{
		unsigned char root[EL_HASH], gen[EL_HASH];
		el_frontier_root(&v.f0, root);
		el_genesis(v.log_id, gen);
		if (memcmp(root, v.ck[0].root, EL_HASH) || (v.ck[0].idx == 0 && memcmp(gen, v.ck[0].chain_head, EL_HASH))) {
			fail(&v, 0, v.ck[0].idx, "checkpoint %" PRId64 ": modified: its compact range or chain head does not "
			     "match its signed tree head", v.ck[0].idx);
			goto done;
		}
		/* Checkpoints that add no events to the anchor carry its head. */
		for (size_t i = 1; i < v.nck && v.ck[i].tree_size == v.ck[0].tree_size; i++)
			if (memcmp(root, v.ck[i].root, EL_HASH) || memcmp(v.ck[0].chain_head, v.ck[i].chain_head, EL_HASH)) {
				fail(&v, 0, v.ck[i].idx, "checkpoint %" PRId64 ": the tree head does not match events "
				     "%" PRId64 "..%" PRId64 ": an event in that range was modified, inserted or deleted "
				     "and the chain recomputed", v.ck[i].idx, v.ck[i - 1].tree_size + 1, v.ck[i].tree_size);
				goto done;
			}
	}
	first = v.ck[0].tree_size + 1;
	if (ranged && lo_seq >= 0 && lo_seq < first && v.ck[0].idx == first_ck) {
		fail(&v, lo_seq, -1, "event %" PRId64 ": inserted: it lies before the log's first checkpoint", lo_seq);
		goto done;
	}
	{
		sqlite3_stmt *st;
		/* min and max in queries of their own: together they would scan the table */
		if (sqlite3_prepare_v2(v.db, ranged ? "SELECT max(seq), NULL FROM events" :
				       "SELECT (SELECT max(seq) FROM events), (SELECT min(seq) FROM events)", -1, &st,
				       NULL) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			if (db_damaged(v.db))
				fail(&v, 0, -1, "the log file is damaged or truncated: %s", sqlite3_errmsg(v.db));
			else
				err = el_db_fail(v.db, path, "cannot read events");
			goto done;
		}
		last = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			last = first - 1;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL && sqlite3_column_int64(st, 1) < first) {
			fail(&v, sqlite3_column_int64(st, 1), -1, "event %lld: inserted: it lies before the log's first "
			     "checkpoint", (long long)sqlite3_column_int64(st, 1));
			sqlite3_finalize(st);
			goto done;
		}
		sqlite3_finalize(st);
	}
	/* A range that ends at a checkpoint stops there. */
	if (ranged && hi_ck >= 0 && last > v.ck[v.nck - 1].tree_size)
		last = v.ck[v.nck - 1].tree_size;
	if (last < v.ck[v.nck - 1].tree_size) {
		fail(&v, last + 1, v.ck[v.nck - 1].idx, "event %" PRId64 ": missing: the log ends at event %" PRId64
		     " but checkpoint %" PRId64 " covers events up to %" PRId64 " (truncated)", last + 1, last,
		     v.ck[v.nck - 1].idx, v.ck[v.nck - 1].tree_size);
		goto done;
	}
	r->first_seq = first;
	r->last_seq = last;

	/* Events, in blocks on all cores. */
	v.first = first;
	v.last = last;
	v.nb = last < first ? 0 : (last - 1) / BLOCK - (first - 1) / BLOCK + 1;
	v.br = bs_calloc(v.nb ? (size_t)v.nb : 1, sizeof(*v.br));
	v.ckroot = bs_malloc(bs_size_mul(v.nck, EL_HASH));
	v.ckstate = bs_calloc(v.nck, 1);
	atomic_init(&v.next, 0);
	atomic_init(&v.stop, v.nb);
	nt = v.nb < threads ? (int)v.nb : threads;
	for (int t = 0; t < nt; t++)
		if ((err = open_snapshot(&conns[t], path)) < 0)
			goto done;
	memset(w, 0, sizeof(w));
	for (int t = 0; t < nt; t++) {
		w[t].v = &v;
		w[t].db = conns[t];
	}
	if (nt > 0 && (err = run_parallel(events_worker, w, nt)) < 0)
		goto done;
	g = v.f0;
	for (int64_t j = 0; j < v.nb; j++) {
		struct blockres *b = &v.br[j];
		size_t ci;
		if (b->err) {
			if (b->errcode == SQLITE_CORRUPT || b->errcode == SQLITE_NOTADB)
				fail(&v, b->lo + 1, -1, "the log file is damaged or truncated near event %" PRId64 ": %s",
				     b->lo + 1, b->errmsg);
			else
				err = bs_error(BS_ERR, "cannot read event log '%s': %s", path, b->errmsg);
			goto done;
		}
		for (ci = ck_after(&v, b->lo); ci < v.nck && v.ck[ci].tree_size <= b->hi && v.ckstate[ci]; ci++) {
			unsigned char root[EL_HASH];
			memcpy(root, v.ckroot[ci], EL_HASH);
			if (j > 0)
				for (int i = g.n - 1; i >= 0; i--)
					el_node(g.h[i], root, root);
			if (memcmp(root, v.ck[ci].root, EL_HASH) || v.ckstate[ci] != 1) {
				fail(&v, 0, v.ck[ci].idx, "checkpoint %" PRId64 ": the tree head does not match events "
				     "%" PRId64 "..%" PRId64 ": an event in that range was modified, inserted or deleted "
				     "and the chain recomputed", v.ck[ci].idx, ci ? v.ck[ci - 1].tree_size + 1 : 1,
				     v.ck[ci].tree_size);
				goto done;
			}
		}
		r->events += b->verified;
		if (b->bad_seq) {
			if (b->chain)
				classify(&v, b->bad_seq, b->prev);
			else
				fail(&v, b->bad_seq, -1, "event %" PRId64 ": %s", b->bad_seq, b->why);
			goto done;
		}
		if (j == 0)
			g = v.fin0;
		else if (b->hi - b->lo == BLOCK)
			el_frontier_push_subtree(&g, b->root, BLOCK_LOG);
	}
	r->unsealed = last - v.ck[v.nck - 1].tree_size;
	{
		char hex[65];
		const struct el_checkpoint *lc = &v.ck[v.nck - 1];
		sodium_bin2hex(hex, sizeof(hex), lc->root, EL_HASH);
		snprintf(r->head, sizeof(r->head), "%" PRId64 ":%s", lc->tree_size, hex);
		if (head_size >= 0) {
			/* The written-down head must be one of the checkpoints, or the log was cut back. */
			int seen = 0;
			for (size_t i = 0; i < v.nck; i++)
				if (v.ck[i].tree_size == head_size && !memcmp(v.ck[i].root, head_root, EL_HASH))
					seen = 1;
			if (!seen) {
				if (head_size > lc->tree_size)
					fail(&v, lc->tree_size + 1, -1, "event %" PRId64 ": missing: the head written down "
					     "earlier covers %" PRId64 " events but the log's last checkpoint covers only %"
					     PRId64 " (truncated and its checkpoints removed)", lc->tree_size + 1, head_size,
					     lc->tree_size);
				else
					fail(&v, 0, -1, "the head written down earlier (%" PRId64 " events) is not a checkpoint "
					     "of this log: the log was rewritten", head_size);
			}
		}
	}
done:
	for (int t = 0; t < MAX_THREADS; t++)
		if (conns[t])
			sqlite3_close_v2(conns[t]);
	if (v.db)
		sqlite3_close_v2(v.db);
	free(v.br);
	free(v.ckroot);
	free(v.ckstate);
	free(v.sigok);
	free(v.ck);
	bs_buf_release(&ff);
	sodium_memzero(k0, sizeof(k0));
	free(path);
	return err;
}

int bs_eventlog_verify(const char *dir, const char *bundle, const char *vkey, const char *expect_head, int threads,
		       struct bs_verify_result *r)
{
	return verify(dir, bundle, vkey, expect_head, threads, 0, 0, 0, r);
}

int bs_eventlog_verify_range(const char *dir, const char *bundle, const char *vkey, int threads, int64_t from_us,
			     int64_t to_us, struct bs_verify_result *r)
{
	return verify(dir, bundle, vkey, NULL, threads, 1, from_us, to_us, r);
}
