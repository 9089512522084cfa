/* verify_blocks.c - the event phase of verify.c's parallel plan: the events cut into blocks
 * of EL_VBLOCK in tree size, each checked by a worker thread on a read connection of its own
 * (the chain recomputed, the leaves folded into the block's own frontier, each checkpoint's
 * chain head compared), with what it found in the block's struct blockres for verify.c to
 * walk in order. Also the row encoding the checks (and the classification of a chain break)
 * read events with. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "eventlog/el_internal.h"

static const char event_cols[] =
	"SELECT seq, time_us, type, severity, host, source, system, user, outcome, message, data, hash FROM events";

int el_open_snapshot(sqlite3 **db, const char *path)
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

static int64_t block_lo(const struct vctx *v, int64_t j)
{
	int64_t t0 = v->first - 1;
	return j == 0 ? t0 : (t0 / EL_VBLOCK + j) * EL_VBLOCK;
}

static int64_t block_hi(const struct vctx *v, int64_t j)
{
	int64_t t0 = v->first - 1, hi = (t0 / EL_VBLOCK + j + 1) * EL_VBLOCK;
	return hi < v->last ? hi : v->last;
}

/* The first checkpoint (after the anchor) with tree_size > size. */
size_t el_ck_after(const struct vctx *v, int64_t size)
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
	ci = el_ck_after(v, b->lo);
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
		/* The encoding holds the severity in one byte: 256 + s would hash as s. Append
		 * takes 0..7 only. Found by fuzzing (tests/fuzz/corpus/bundle/crash-severity-256). */
		if (sqlite3_column_int64(range, 3) < 0 || sqlite3_column_int64(range, 3) > 7) {
			b->bad_seq = seq;
			snprintf(b->why, sizeof(b->why), "modified: event %" PRId64 " has severity %lld, not 0..7", seq,
				 (long long)sqlite3_column_int64(range, 3));
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
		/* The writer dates no event before the checkpoint before it nor after the one that
		 * seals it: one dated outside them was re-dated (its chain recomputed), or sealed
		 * late by someone holding a later key (docs/eventlog-format.md, Verification 4). */
		{
			int64_t t = sqlite3_column_int64(range, 1);
			const struct el_checkpoint *lo_c = &v->ck[ci - 1];
			int after = ci < v->nck;
			int64_t hi_t = after ? v->ck[ci].time_us : v->now + EL_FUTURE_SLACK_US;
			if (t < lo_c->time_us || t > hi_t) {
				char te[BS_TIME_MAX], tl[BS_TIME_MAX], th[BS_TIME_MAX];
				bs_time_format(t, te);
				bs_time_format(lo_c->time_us, tl);
				bs_time_format(hi_t, th);
				b->bad_seq = seq;
				if (after)
					snprintf(b->why, sizeof(b->why), "re-dated: its time %s lies outside the "
						 "checkpoints around it (%" PRId64 " at %s, %" PRId64 " at %s): it was "
						 "changed and the chain recomputed, or sealed later with another key", te,
						 lo_c->idx, tl, v->ck[ci].idx, th);
				else
					snprintf(b->why, sizeof(b->why), "re-dated: its time %s lies %s (checkpoint %"
						 PRId64 " at %s; this verifier's clock allows up to %s)", te, t < lo_c->time_us ?
						 "before the last checkpoint" : "in the future", lo_c->idx, tl, th);
				goto bad;
			}
			/* ... and in the epoch of the checkpoint that seals it: the writer seals every
			 * event with the key of the epoch it was written in, before evolving it */
			if (after && t < el_epoch_start(v->ck[ci].epoch, v->start_us, v->epoch_us)) {
				char te[BS_TIME_MAX];
				bs_time_format(t, te);
				b->bad_seq = seq;
				snprintf(b->why, sizeof(b->why), "sealed late: its time %s lies before epoch %" PRId64
					 " of checkpoint %" PRId64 ", the first that covers it (an event is sealed with "
					 "the key of its own epoch): it was rewritten and sealed with a later key", te,
					 v->ck[ci].epoch, v->ck[ci].idx);
				goto bad;
			}
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
	else if (b->hi - b->lo == EL_VBLOCK && fr.n == 1)
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

/* Runs fn on nt workers (the calling thread is one of them). 0 or an error. */
int el_run_parallel(void *(*fn)(void *), struct worker *w, int nt)
{
	pthread_t th[EL_VTHREADS_MAX];
	int started = 0, err = 0;

	for (int t = 1; t < nt; t++) {
		if (pthread_create(&th[t], NULL, fn, &w[t]) != 0) {
			err = bs_error(BS_ERR, "cannot start a verify thread: %s", bs_strerror(errno));
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

/* Loads row `seq` encoded as if it had sequence number as_seq, with its stored hash;
 * returns the encoding's length, 0 when there is no such row. */
size_t el_load_row_as(sqlite3 *db, int64_t seq, int64_t as_seq, struct encbuf *eb, unsigned char hash[EL_HASH])
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

/* The end of the block that holds the first event missing from first..last (at most last),
 * or last when none is missing (or the database cannot tell: the blocks report that). The
 * scan stops at the first gap. */
static int64_t first_gap_block_end(struct vctx *v, int64_t first, int64_t last)
{
	sqlite3_stmt *st = NULL;
	int64_t gap = -1, end;

	if (sqlite3_prepare_v2(v->db, "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM events WHERE seq = ?1) THEN ?1 ELSE"
			       " (SELECT e.seq + 1 FROM events e WHERE e.seq >= ?1 AND e.seq < ?2 AND NOT EXISTS"
			       " (SELECT 1 FROM events f WHERE f.seq = e.seq + 1) ORDER BY e.seq LIMIT 1) END",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, first);
		sqlite3_bind_int64(st, 2, last);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			gap = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (gap < first || gap > last)
		return last;
	end = ((gap - 1) / EL_VBLOCK + 1) * EL_VBLOCK;
	return end < last ? end : last;
}

/* Checks the events first..last in blocks on all cores (do_block), each worker on a
 * connection of its own (conns, which the caller closes). */
int el_check_blocks(struct vctx *v, int64_t first, int64_t last, int threads, sqlite3 *conns[EL_VTHREADS_MAX])
{
	struct worker w[EL_VTHREADS_MAX];
	int err, nt;

	v->first = first;
	v->last = last;
	/* An event with a sequence number far beyond the others (a bundle edited by hand) would
	 * make more blocks than memory holds: the blocks stop with the one holding the first
	 * missing event, which reports the gap. Found by fuzzing (tests/fuzz/corpus/bundle). */
	if (last >= first && (last - first) / EL_VBLOCK >= 1024)
		v->last = first_gap_block_end(v, first, last);
	v->nb = v->last < first ? 0 : (v->last - 1) / EL_VBLOCK - (first - 1) / EL_VBLOCK + 1;
	v->br = bs_calloc(v->nb ? (size_t)v->nb : 1, sizeof(*v->br));
	v->ckroot = bs_malloc(bs_size_mul(v->nck, EL_HASH));
	v->ckstate = bs_calloc(v->nck, 1);
	atomic_init(&v->next, 0);
	atomic_init(&v->stop, v->nb);
	nt = v->nb < threads ? (int)v->nb : threads;
	for (int t = 0; t < nt; t++)
		if ((err = el_open_snapshot(&conns[t], v->path)) < 0)
			return err;
	memset(w, 0, sizeof(w));
	for (int t = 0; t < nt; t++) {
		w[t].v = v;
		w[t].db = conns[t];
	}
	if (nt > 0 && (err = el_run_parallel(events_worker, w, nt)) < 0)
		return err;
	return 0;
}
