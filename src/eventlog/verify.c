/* verify.c - checks the chain, the tree heads, the signatures and the seals of a log or a
 * bundle (or of the part of it that covers a time range), and names the first event or
 * checkpoint that does not verify and why.
 *
 * Parallel plan (exact first-failure reporting is kept):
 * - checkpoint signatures are checked on all cores into an array; the checks among
 *   checkpoints (continuity, epochs, seals) then run in order on the calling thread;
 * - events are cut into blocks whose ends are multiples of EL_VBLOCK in tree size. Each
 *   worker thread takes the next block, reads its rows on its own read connection, recomputes
 *   the chain from the stored hash before the block (which the previous block checks), hashes
 *   the leaves and folds them into a frontier of the block alone: since the block starts at a
 *   multiple of EL_VBLOCK, the whole tree's frontier at any point in it is the frontier at
 *   the block start followed by the block's own. Workers record, per checkpoint in the block,
 *   whether the chain head matched and the fold of the block's own frontier (verify_blocks.c);
 * - the calling thread then walks the blocks in order, completes each checkpoint's root with
 *   the frontier at the block start (a few node hashes), and reports the first problem in
 *   sequence order. Blocks after a failing one are skipped. */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "eventlog/el_internal.h"
#include "keys/keys.h"

static void *sig_worker(void *arg)
{
	struct worker *w = arg;
	for (size_t i = w->from; i < w->to; i++)
		w->v->sigok[i] = el_ckpt_check_sig(&w->v->ck[i], w->v->pk) == 0;
	return NULL;
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

/* Names why event s does not chain from prev. */
static void classify(struct vctx *v, int64_t s, const unsigned char prev[EL_HASH])
{
	struct encbuf e1 = { NULL, 0 }, e2 = { NULL, 0 };
	unsigned char h1[EL_HASH], h2[EL_HASH], c[EL_HASH];
	size_t n1, n2;

	/* Swapped with the next: the next row chains from prev as s, and this row after it as s+1. */
	if ((n2 = el_load_row_as(v->db, s + 1, s, &e2, h2)) > 0) {
		el_chain_prefixed(e2.p, n2, prev, c);
		if (!memcmp(c, h2, EL_HASH)) {
			if ((n1 = el_load_row_as(v->db, s, s + 1, &e1, h1)) > 0) {
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
	int rc, kind = el_ckpt_has_kind(v->db, "main");

	if (kind < 0)
		return el_db_fail(v->db, v->path, "cannot read checkpoints");
	/* a log or bundle made before closing checkpoints has no kind column: all are kind 0 */
	if (sqlite3_prepare_v2(v->db, kind ? "SELECT " EL_CKPT_COLS " FROM checkpoints WHERE idx >= ?1 AND idx <= ?2 "
			       "ORDER BY idx" : "SELECT " EL_CKPT_COLS_V1 " FROM checkpoints WHERE idx >= ?1 AND idx <= ?2 "
			       "ORDER BY idx", -1, &st, NULL) != SQLITE_OK)
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

/* The end of epoch e: a checkpoint dated at or after it is the epoch's end seal. */
static int64_t epoch_end(const struct vctx *v, int64_t e)
{
	return el_epoch_start(e < INT64_MAX ? e + 1 : e, v->start_us, v->epoch_us);
}

/* Checks the checkpoints among themselves: order, continuity, signatures, seals. */
static void check_checkpoints(struct vctx *v, const unsigned char *k0, int purge_ok, const char *purge_why)
{
	unsigned char key[EL_HASH];
	int64_t key_epoch = 0, now = v->now, v2_from = -1;

	if (k0)
		memcpy(key, k0, EL_HASH);
	if (v->nck == 0) {
		fail(v, 0, 0, "checkpoint 0: missing: the log has no checkpoints at all");
		return;
	}
	if (v->ck[0].idx != 0 && !purge_ok)
		fail(v, 0, v->ck[0].idx, "checkpoint %" PRId64 ": missing: checkpoints 0..%" PRId64 " are gone and no "
		     "recorded purge explains it%s%s", v->ck[0].idx, v->ck[0].idx - 1, *purge_why ? ": " : "", purge_why);
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
		if (c->kind & ~EL_CKPT_KINDS) {
			fail(v, 0, c->idx, "checkpoint %" PRId64 ": modified: unknown kind %d", c->idx, c->kind);
			break;
		}
		/* A log keeps the end-seal rules from the first checkpoint that says so: a checkpoint
		 * without it afterwards was written to dodge them. */
		if (v2_from < 0 && (c->kind & EL_CKPT_V2))
			v2_from = c->idx;
		if (v2_from >= 0 && !(c->kind & EL_CKPT_V2)) {
			fail(v, 0, c->idx, "checkpoint %" PRId64 ": modified: it does not keep the end-seal rules that "
			     "checkpoint %" PRId64 " began (an old writer's kind after a new one's)", c->idx, v2_from);
			break;
		}
		/* epochs follow one another; after a closing checkpoint nobody wrote until the next
		 * opening, so epochs may be skipped there */
		if (p && c->epoch != p->epoch && c->epoch != p->epoch + 1 &&
		    !((p->kind & EL_CKPT_CLOSED) && c->epoch > p->epoch)) {
			fail(v, 0, c->idx, "checkpoint %" PRId64 ": missing seal: epochs are not continuous (%" PRId64
			     " after %" PRId64 "): the seals of epochs %" PRId64 "..%" PRId64 " are missing",
			     c->idx, c->epoch, p->epoch, p->epoch + 1, c->epoch - 1);
			break;
		}
		if (p && c->epoch < p->epoch) {
			fail(v, 0, c->idx, "checkpoint %" PRId64 ": reordered: epoch goes back", c->idx);
			break;
		}
		/* Each epoch ends with its end seal (a checkpoint of it dated after its end, which
		 * only that epoch's key could make) unless the log was closed in it. An epoch whose
		 * last checkpoint lies inside it lost the ones after: a thief with a later key cut
		 * them and re-sealed what followed (the one-epoch lag, issue 23). */
		if (p && c->epoch > p->epoch && (p->kind & EL_CKPT_V2) && !(p->kind & EL_CKPT_CLOSED) &&
		    p->time_us < epoch_end(v, p->epoch)) {
			char when[BS_TIME_MAX];
			bs_time_format(p->time_us, when);
			fail(v, 0, c->idx, "checkpoint %" PRId64 ": missing seal: epoch %" PRId64 " has no end seal (its last "
			     "checkpoint, %" PRId64 ", is dated inside it, %s, and the log was not closed): the checkpoints "
			     "that ended it were removed and what follows was sealed with a later key", c->idx, p->epoch,
			     p->idx, when);
			break;
		}
		if (c->time_us > now + EL_FUTURE_SLACK_US) {
			char when[BS_TIME_MAX], at[BS_TIME_MAX];
			bs_time_format(c->time_us, when);
			bs_time_format(now, at);
			fail(v, 0, c->idx, "checkpoint %" PRId64 ": dated in the future (%s; this verifier's clock says %s): "
			     "whoever holds a key can evolve it ahead and seal checkpoints of epochs not yet begun; or a "
			     "clock is wrong", c->idx, when, at);
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

/* Up to now (a data directory's whole log): a log that was not closed must have a checkpoint
 * in every epoch up to the one before now, which the writers' heartbeat gives an open log.
 * One that ends earlier without a closing checkpoint lost its end, or its writer died (a
 * crash: the next writer fills the gap). The slack lets the heartbeat of the epoch that
 * just ended be written. Only the current epoch's key is on the host, so a thief can cut
 * back at most into the last epoch (docs/eventlog-format.md). */
static void check_up_to_now(struct vctx *v)
{
	const struct el_checkpoint *l = &v->ck[v->nck - 1];
	int64_t now = v->now, slack = v->epoch_us / 4 < 60000000 ? v->epoch_us / 4 : 60000000;
	int64_t want = el_epoch_of(now - slack, v->start_us, v->epoch_us) - 1;
	char when[BS_TIME_MAX];

	if ((l->kind & EL_CKPT_CLOSED) || l->epoch > want)
		return;
	/* the epoch before now must have ended with its end seal (an old log: any checkpoint) */
	if (l->epoch == want && (!(l->kind & EL_CKPT_V2) || l->time_us >= epoch_end(v, want)))
		return;
	bs_time_format(l->time_us, when);
	fail(v, 0, l->idx, "checkpoint %" PRId64 ": the log ends here (%s, epoch %" PRId64 ") without closing, but "
	     "now is epoch %" PRId64 ": its end was cut off (the events and checkpoints after it removed), or the "
	     "process writing it stopped without closing (a crash: the gap closes when it writes again)", l->idx, when,
	     l->epoch, want + 1);
}

/* A log whose first checkpoint is not 0 must say why: a recorded purge with that anchor,
 * made once the anchor was older than the retention, so that a thief cannot cut young events
 * off and call it a purge. The purge event must be dated at least the retention after the
 * anchor and sealed in an epoch that begins no earlier (less one epoch) than that: an anchor
 * made today with today's key would need a seal of an epoch months ahead, which the future
 * rule refuses (issue 23). Read from the newest event back (the last purge made the anchor),
 * on the events alone: not on event_seconds, which is not covered by the hashes. 1 when
 * recorded; else 0 with why naming what is wrong, empty when no purge names the anchor. */
static int purge_recorded(struct vctx *v, int64_t anchor, char *why, size_t cap)
{
	sqlite3_stmt *st;
	int64_t seq, t, days = BS_EVENTLOG_RETENTION_MIN_DAYS, due, seal_epoch = -1;
	int found = 0;

	*why = 0;
	if (sqlite3_prepare_v2(v->db, "SELECT seq, time_us, json_extract(data, '$.retention_days') FROM events WHERE "
			       "seq > ?2 AND type = 'eventlog.purge' AND json_extract(data, '$.anchor') = ?1 "
			       "ORDER BY seq DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, anchor);
	sqlite3_bind_int64(st, 2, v->ck[0].tree_size);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return 0;
	}
	seq = sqlite3_column_int64(st, 0);
	t = sqlite3_column_int64(st, 1);
	if (sqlite3_column_type(st, 2) == SQLITE_INTEGER && sqlite3_column_int64(st, 2) > days &&
	    sqlite3_column_int64(st, 2) < 1000000)
		days = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	if (__builtin_add_overflow(v->ck[0].time_us, days * 86400 * 1000000, &due))
		due = INT64_MAX;
	if (sqlite3_prepare_v2(v->db, "SELECT epoch FROM checkpoints WHERE tree_size >= ?1 ORDER BY idx LIMIT 1", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, seq);
		if (sqlite3_step(st) == SQLITE_ROW)
			seal_epoch = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (t < due)
		snprintf(why, cap, "the purge at event %" PRId64 " is dated before its anchor was %" PRId64 " days old", seq,
			 days);
	else if (seal_epoch < 0)
		snprintf(why, cap, "no checkpoint seals the purge at event %" PRId64, seq);
	else if (seal_epoch < el_epoch_of(due, v->start_us, v->epoch_us))
		snprintf(why, cap, "the purge at event %" PRId64 " is sealed in epoch %" PRId64 ", before its anchor "
			 "(epoch %" PRId64 ") was %" PRId64 " days old (epoch %" PRId64 "): the anchor was made with a "
			 "current key", seq, seal_epoch, v->ck[0].epoch, days, el_epoch_of(due, v->start_us, v->epoch_us));
	else
		found = 1;
	return found;
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

/* --head SIZE:ROOT (a head written down earlier) into *size and root. */
static int parse_head(const char *expect_head, int ranged, int64_t *size, unsigned char root[EL_HASH])
{
	long long sz;
	char hex[65];
	size_t got = 0;

	if (ranged)
		return bs_error(BS_EINVALID, "--head checks the end of the whole log: use it without --from/--to");
	if (sscanf(expect_head, "%lld:%64[0-9a-f]", &sz, hex) != 2 || sz < 0 ||
	    sodium_hex2bin(root, EL_HASH, hex, strlen(hex), NULL, &got, NULL) != 0 || got != EL_HASH)
		return bs_error(BS_EINVALID, "--head '%s' is not valid: expected SIZE:ROOTHEX as 'brokersec log "
				"status' prints it", expect_head);
	*size = sz;
	return 0;
}

/* Opens v->path (a data directory's log, or a bundle) and reads what checking it takes: the
 * log's parameters, the public key (the bundle's own, or the data directory's keys/) and,
 * with vkey, the first sealing key k0 (*have_k0 set), which must belong to this log. A
 * damaged file or a key of another log is a result in v->r, not an error. */
static int open_log(struct vctx *v, const char *dir, const char *bundle, const char *vkey, unsigned char k0[EL_HASH],
		    int *have_k0)
{
	int err;

	if (access(v->path, R_OK) != 0)
		return bs_error(BS_ENOTFOUND, "cannot read '%s': %s", v->path, bs_strerror(errno));
	if ((err = el_open_snapshot(&v->db, v->path)) < 0)
		return err;
	/* In a bundle meta is a plain table: a parameter twice would leave it to the row order
	 * which one is read. Found by fuzzing (tests/fuzz/corpus/bundle/crash-meta-twice). */
	{
		sqlite3_stmt *st;
		int twice = 0;
		if (sqlite3_prepare_v2(v->db, "SELECT 1 FROM meta GROUP BY k HAVING count(*) > 1 LIMIT 1", -1, &st, NULL) ==
		    SQLITE_OK)
			twice = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (twice)
			return fail(v, 0, -1, "the log's parameters (meta) name one parameter twice: the file was edited");
	}
	if (el_meta_get_blob(v->db, "log_id", v->log_id, EL_LOGID) ||
	    el_meta_get_int(v->db, "epoch_start_us", &v->start_us) || el_meta_get_int(v->db, "epoch_us", &v->epoch_us)) {
		if (db_damaged(v->db))
			return fail(v, 0, -1, "the log file is damaged or truncated: %s", sqlite3_errmsg(v->db));
		return bs_error(BS_EINVALID, "'%s' is not a brokersec event log or bundle (parameters missing)", v->path);
	}
	if (bundle) {
		if (el_meta_get_blob(v->db, "public_key", v->pk, sizeof(v->pk)))
			return bs_error(BS_EINVALID, "bundle '%s' has no public key: it is not a brokersec log bundle",
					v->path);
	} else {
		char *keys = el_path(dir, "keys");
		err = bs_keys_load_public(keys, v->pk);
		free(keys);
		if (err < 0)
			return err;
	}
	if (vkey) {
		unsigned char id[EL_LOGID], pin[32];
		int64_t s, e;
		int has_pin = 0;
		if ((err = el_vkey_parse(vkey, id, &s, &e, k0, pin, &has_pin)) < 0)
			return err;
		*have_k0 = 1;
		if (memcmp(id, v->log_id, EL_LOGID) || s != v->start_us || e != v->epoch_us)
			return fail(v, 0, -1, "the verification key belongs to another log, or the log's parameters were "
				    "changed (log id, epoch start or epoch length differ)");
		v->r->seals_checked = 1;
		/* keys/signing.pub and a bundle's public_key are the attacker's to replace: the key
		 * given at init says which signing key is the log's */
		if (has_pin) {
			v->r->key_pinned = 1;
			if (sodium_memcmp(pin, v->pk, 32) != 0)
				return fail(v, 0, -1, "the signing key is not the one the verification key names: %s was "
					    "replaced, so no signature of it proves anything", bundle ? "the bundle's "
					    "public_key" : "keys/signing.pub");
		}
	}
	return 0;
}

/* Loads the checkpoints to check (with ranged, those around the events of [from_us, to_us]:
 * range_checkpoints; *first_ck, *hi_ck and *lo_seq as it gives them), the first one's compact
 * range into ff, and checks them among themselves, their signatures on all cores. */
static int load_and_check_checkpoints(struct vctx *v, int bundle, int ranged, int64_t from_us, int64_t to_us,
				      const unsigned char *k0, int threads, struct bs_buf *ff, int64_t *first_ck,
				      int64_t *hi_ck, int64_t *lo_seq)
{
	struct worker w[EL_VTHREADS_MAX];
	int64_t lo_ck = 0;
	int err, purge_ok, nt;
	char purge_why[300] = "";

	if (ranged && range_checkpoints(v, from_us, to_us, &lo_ck, hi_ck, first_ck, lo_seq) < 0) {
		if (db_damaged(v->db))
			return fail(v, 0, -1, "the log file is damaged or truncated: %s", sqlite3_errmsg(v->db));
		return el_db_fail(v->db, v->path, "cannot read events");
	}
	/* In a bundle idx is a plain column: a checkpoint whose idx is NULL (or not a whole number)
	 * would be in no range read below, so a checkpoint could vanish unseen and its events pass
	 * as an unsealed tail. Found by fuzzing (tests/fuzz/corpus/bundle/crash-ckpt-idx-null). */
	if (bundle) {
		sqlite3_stmt *st;
		int64_t odd = -1;
		if (sqlite3_prepare_v2(v->db, "SELECT count(*) FROM checkpoints WHERE idx IS NULL OR typeof(idx) <> 'integer'",
				       -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			odd = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (odd < 0) {
			if (db_damaged(v->db))
				return fail(v, 0, -1, "the log file is damaged or truncated: %s", sqlite3_errmsg(v->db));
			return el_db_fail(v->db, v->path, "cannot read checkpoints");
		}
		if (odd > 0)
			return fail(v, 0, -1, "%" PRId64 " checkpoint%s without an index (or with one that is not a whole "
				    "number): the bundle was edited", odd, odd == 1 ? "" : "s");
	}
	if ((err = load_checkpoints(v, ff, lo_ck, *hi_ck < 0 ? INT64_MAX : *hi_ck)) < 0) {
		if (db_damaged(v->db))
			return fail(v, 0, -1, "the log file is damaged or truncated: %s", sqlite3_errmsg(v->db));
		return err;
	}
	/* A range anchored at a later checkpoint is checked from there, as a bundle is. */
	purge_ok = bundle || (ranged && v->nck && v->ck[0].idx != *first_ck) ||
		   (v->nck && v->ck[0].idx != 0 && purge_recorded(v, v->ck[0].idx, purge_why, sizeof(purge_why)));
	/* Signatures on all cores; the checks in order then use the results. */
	v->sigok = bs_calloc(v->nck ? v->nck : 1, 1);
	nt = v->nck < 64 ? 1 : threads;
	memset(w, 0, sizeof(w));
	for (int t = 0; t < nt; t++) {
		w[t].v = v;
		w[t].from = v->nck * (size_t)t / (size_t)nt;
		w[t].to = v->nck * (size_t)(t + 1) / (size_t)nt;
	}
	if ((err = el_run_parallel(sig_worker, w, nt)) < 0)
		return err;
	check_checkpoints(v, k0, purge_ok, purge_why);
	v->r->checkpoints = (int64_t)v->nck;
	return 0;
}

/* The anchor: checkpoint 0 (genesis) or the first one left after a purge, in a bundle or
 * before the range. Its compact range (ff) must fold to its root, checkpoint 0 must carry the
 * genesis hash, and checkpoints that add no events to it carry its head. */
static void check_anchor(struct vctx *v, const struct bs_buf *ff)
{
	unsigned char root[EL_HASH], gen[EL_HASH];

	if (el_frontier_load(&v->f0, (uint64_t)v->ck[0].tree_size, ff->ptr, ff->len) < 0) {
		fail(v, 0, v->ck[0].idx, "checkpoint %" PRId64 ": modified: its compact range is damaged", v->ck[0].idx);
		return;
	}
	el_frontier_root(&v->f0, root);
	el_genesis(v->log_id, gen);
	if (memcmp(root, v->ck[0].root, EL_HASH) || (v->ck[0].idx == 0 && memcmp(gen, v->ck[0].chain_head, EL_HASH))) {
		fail(v, 0, v->ck[0].idx, "checkpoint %" PRId64 ": modified: its compact range or chain head does not "
		     "match its signed tree head", v->ck[0].idx);
		return;
	}
	/* Checkpoints that add no events to the anchor carry its head. */
	for (size_t i = 1; i < v->nck && v->ck[i].tree_size == v->ck[0].tree_size; i++)
		if (memcmp(root, v->ck[i].root, EL_HASH) || memcmp(v->ck[0].chain_head, v->ck[i].chain_head, EL_HASH)) {
			fail(v, 0, v->ck[i].idx, "checkpoint %" PRId64 ": the tree head does not match events "
			     "%" PRId64 "..%" PRId64 ": an event in that range was modified, inserted or deleted "
			     "and the chain recomputed", v->ck[i].idx, v->ck[i - 1].tree_size + 1, v->ck[i].tree_size);
			return;
		}
}

/* The events to check, *first (after the anchor) .. *last (the last event, or where the
 * range's last checkpoint ends), after the checks that need no chain: no event before the
 * anchor, in a bundle none without a whole sequence number, none cut off that the last
 * checkpoint covers. */
static int event_bounds(struct vctx *v, int bundle, int ranged, int64_t first_ck, int64_t hi_ck, int64_t lo_seq,
			int64_t *first, int64_t *last)
{
	sqlite3_stmt *st;

	*first = v->ck[0].tree_size + 1;
	if (ranged && lo_seq >= 0 && lo_seq < *first && v->ck[0].idx == first_ck)
		return fail(v, lo_seq, -1, "event %" PRId64 ": inserted: it lies before the log's first checkpoint", lo_seq);
	/* min and max in queries of their own: together they would scan the table */
	if (sqlite3_prepare_v2(v->db, ranged ? "SELECT max(seq), NULL FROM events" :
			       "SELECT (SELECT max(seq) FROM events), (SELECT min(seq) FROM events)", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (db_damaged(v->db))
			return fail(v, 0, -1, "the log file is damaged or truncated: %s", sqlite3_errmsg(v->db));
		return el_db_fail(v->db, v->path, "cannot read events");
	}
	*last = sqlite3_column_int64(st, 0);
	if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		*last = *first - 1;
	if (sqlite3_column_type(st, 1) != SQLITE_NULL && sqlite3_column_int64(st, 1) < *first) {
		fail(v, sqlite3_column_int64(st, 1), -1, "event %lld: inserted: it lies before the log's first "
		     "checkpoint", (long long)sqlite3_column_int64(st, 1));
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	/* In a bundle seq is a plain column: a row whose seq is NULL (or not a whole number) would
	 * be in no range the checks read, so it would pass unseen. Found by fuzzing
	 * (tests/fuzz/corpus/bundle/crash-seq-null). In a log seq is the rowid. */
	if (bundle) {
		int64_t odd = -1;
		if (sqlite3_prepare_v2(v->db, "SELECT count(*) FROM events WHERE seq IS NULL OR typeof(seq) <> 'integer'", -1,
				       &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			odd = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (odd < 0) {
			if (db_damaged(v->db))
				return fail(v, 0, -1, "the log file is damaged or truncated: %s", sqlite3_errmsg(v->db));
			return el_db_fail(v->db, v->path, "cannot read events");
		}
		if (odd > 0)
			return fail(v, 0, -1, "%" PRId64 " event%s without a sequence number (or with one that is not a "
				    "whole number): inserted, they are not part of the chain", odd, odd == 1 ? "" : "s");
	}
	/* A range that ends at a checkpoint stops there. */
	if (ranged && hi_ck >= 0 && *last > v->ck[v->nck - 1].tree_size)
		*last = v->ck[v->nck - 1].tree_size;
	if (*last < v->ck[v->nck - 1].tree_size)
		return fail(v, *last + 1, v->ck[v->nck - 1].idx, "event %" PRId64 ": missing: the log ends at event %"
			    PRId64 " but checkpoint %" PRId64 " covers events up to %" PRId64 " (truncated)", *last + 1,
			    *last, v->ck[v->nck - 1].idx, v->ck[v->nck - 1].tree_size);
	return 0;
}

/* Walks the checked blocks in order: completes each checkpoint's root with the frontier at
 * the block start and reports the first problem in sequence order (r->events counts the
 * events that chained before it). */
static int walk_blocks(struct vctx *v)
{
	struct el_frontier g = v->f0;

	for (int64_t j = 0; j < v->nb; j++) {
		struct blockres *b = &v->br[j];
		size_t ci;
		if (b->err) {
			if (b->errcode == SQLITE_CORRUPT || b->errcode == SQLITE_NOTADB)
				return fail(v, b->lo + 1, -1, "the log file is damaged or truncated near event %" PRId64
					    ": %s", b->lo + 1, b->errmsg);
			return bs_error(BS_ERR, "cannot read event log '%s': %s", v->path, b->errmsg);
		}
		for (ci = el_ck_after(v, b->lo); ci < v->nck && v->ck[ci].tree_size <= b->hi && v->ckstate[ci]; ci++) {
			unsigned char root[EL_HASH];
			memcpy(root, v->ckroot[ci], EL_HASH);
			if (j > 0)
				for (int i = g.n - 1; i >= 0; i--)
					el_node(g.h[i], root, root);
			if (memcmp(root, v->ck[ci].root, EL_HASH) || v->ckstate[ci] != 1)
				return fail(v, 0, v->ck[ci].idx, "checkpoint %" PRId64 ": the tree head does not match "
					    "events %" PRId64 "..%" PRId64 ": an event in that range was modified, inserted "
					    "or deleted and the chain recomputed", v->ck[ci].idx,
					    ci ? v->ck[ci - 1].tree_size + 1 : 1, v->ck[ci].tree_size);
		}
		v->r->events += b->verified;
		if (b->bad_seq) {
			if (b->chain)
				classify(v, b->bad_seq, b->prev);
			else
				fail(v, b->bad_seq, -1, "event %" PRId64 ": %s", b->bad_seq, b->why);
			return 0;
		}
		if (j == 0)
			g = v->fin0;
		else if (b->hi - b->lo == EL_VBLOCK)
			el_frontier_push_subtree(&g, b->root, EL_VBLOCK_LOG);
	}
	return 0;
}

/* Walks the stored chain hashes once from the anchor's compact range (the block check has
 * verified them up to the last event) and compares the tree root at each head's size, w
 * sorted by size, none before the anchor nor after the last event: the index of the first
 * head the log cannot reproduce, n when it reproduces all, -1 when the events cannot be read.
 * The head written down (--head) and a witness's heads are checked by it alike. */
static ptrdiff_t first_unreproduced(struct vctx *v, const struct el_whead *w, size_t n)
{
	struct el_frontier f = v->f0;
	sqlite3_stmt *st;
	ptrdiff_t bad = (ptrdiff_t)n;

	if (!n)
		return 0;
	if (sqlite3_prepare_v2(v->db, "SELECT hash FROM events WHERE seq > ?1 AND seq <= ?2 ORDER BY seq", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, v->ck[0].tree_size);
	sqlite3_bind_int64(st, 2, w[n - 1].size);
	for (size_t i = 0; i < n && bad == (ptrdiff_t)n; i++) {
		unsigned char root[EL_HASH];
		while ((int64_t)f.size < w[i].size && sqlite3_step(st) == SQLITE_ROW &&
		       sqlite3_column_bytes(st, 0) == EL_HASH) {
			unsigned char leaf[EL_HASH];
			el_leaf(sqlite3_column_blob(st, 0), leaf);
			el_frontier_push(&f, leaf);
		}
		if ((int64_t)f.size != w[i].size) {
			bad = -1;
			break;
		}
		el_frontier_root(&f, root);
		if (memcmp(root, w[i].root, EL_HASH))
			bad = (ptrdiff_t)i;
	}
	sqlite3_finalize(st);
	return bad;
}

/* The head the log reports (its last checkpoint), and with head_size >= 0 the check that
 * the head written down earlier is the root of this log's first head_size events: a log cut
 * short has fewer events (truncated); a log whose first head_size events hash to another root
 * was changed there, or cut back and written again (rolled back). */
static void check_head(struct vctx *v, int64_t last, int64_t head_size, const unsigned char head_root[EL_HASH])
{
	const struct el_checkpoint *lc = &v->ck[v->nck - 1];
	char hex[65];

	v->r->unsealed = last - lc->tree_size;
	v->r->closed_us = (lc->kind & EL_CKPT_CLOSED) ? lc->time_us : 0;
	sodium_bin2hex(hex, sizeof(hex), lc->root, EL_HASH);
	snprintf(v->r->head, sizeof(v->r->head), "%" PRId64 ":%s", lc->tree_size, hex);
	if (head_size < 0)
		return;
	if (head_size > last) {
		fail(v, last + 1, -1, "event %" PRId64 ": missing: the head written down earlier covers %" PRId64
		     " events but the log has only %" PRId64 " (truncated: events %" PRId64 "..%" PRId64 " and their "
		     "checkpoints removed)", last + 1, head_size, last, last + 1, head_size);
		return;
	}
	if (head_size < v->ck[0].tree_size) {
		fail(v, 0, -1, "the head written down earlier (%" PRId64 " events) lies before this log's first "
		     "checkpoint (%" PRId64 " events, after a purge): it cannot be checked here", head_size,
		     v->ck[0].tree_size);
		return;
	}
	struct el_whead want = { head_size, 0, { 0 } };
	ptrdiff_t bad;
	memcpy(want.root, head_root, EL_HASH);
	if ((bad = first_unreproduced(v, &want, 1)) < 0) {
		fail(v, 0, -1, "cannot read events 1..%" PRId64 " to check the head written down earlier: %s", head_size,
		     sqlite3_errmsg(v->db));
		return;
	}
	if (bad == 0)
		fail(v, 0, -1, "the head written down earlier (%" PRId64 " events) does not match this log's first %" PRId64
		     " events: some of them were changed, or the log was cut back to fewer events and written "
		     "again (rolled back)", head_size, head_size);
}

/* The heads a witness kept (docs/eventlog-format.md, "Witnesses"): each one signed with the
 * log's key must be the root of the log's first events of its size; one the log cannot
 * reproduce means the log was cut or rewritten after the witness saw it. One pass over the
 * events' hashes, the heads sorted by size. */
static int check_witness(struct vctx *v, const char *file, int64_t last)
{
	struct el_whead *w = NULL;
	size_t n = 0, bad_sig = 0, skip = 0;
	ptrdiff_t bad;
	char when[BS_TIME_MAX], hex[65];
	int err;

	if ((err = el_witness_load(file, v->log_id, v->pk, &w, &n, &bad_sig)) < 0)
		return err;
	if (n == 0) {
		fail(v, 0, -1, "the witness file '%s' holds no head of this log signed with its key%s: check that it is "
		     "the witness's record of this log", file, bad_sig ? " (only heads whose signature does not verify)" : "");
		goto done;
	}
	if (w[n - 1].size > last) {
		bs_time_format(w[n - 1].time_us, when);
		fail(v, last + 1, -1, "event %" PRId64 ": missing: a witness saw %" PRId64 " events at %s, but the log has "
		     "only %" PRId64 " (its end was cut off)", last + 1, w[n - 1].size, when, last);
		goto done;
	}
	/* heads before the purge anchor: those events are gone by design */
	while (skip < n && w[skip].size < v->ck[0].tree_size)
		skip++;
	if ((bad = first_unreproduced(v, w + skip, n - skip)) < 0) {
		err = el_db_fail(v->db, v->path, "cannot read events");
		goto done;
	}
	if ((size_t)bad < n - skip) {
		const struct el_whead *h = &w[skip + (size_t)bad];
		bs_time_format(h->time_us, when);
		sodium_bin2hex(hex, sizeof(hex), h->root, EL_HASH);
		fail(v, 0, -1, "a witness saw the head %" PRId64 ":%.16s... at %s, which this log cannot reproduce: events "
		     "up to %" PRId64 " were changed, or the log was cut back and written on", h->size, hex, when, h->size);
		goto done;
	}
	v->r->witnessed = (int64_t)(n - skip);
	sodium_bin2hex(hex, sizeof(hex), w[n - 1].root, EL_HASH);
	snprintf(v->r->witness_head, sizeof(v->r->witness_head), "%" PRId64 ":%s", w[n - 1].size, hex);
done:
	free(w);
	return err;
}

/* The whole verification, in the order docs/eventlog-format.md gives (each step returns an
 * error, or records the first problem in r and leaves r->ok 0, which ends it). */
static int verify(const char *dir, const char *bundle, const char *vkey, const char *expect_head, const char *witness,
		  int threads, int ranged, int64_t from_us, int64_t to_us, struct bs_verify_result *r)
{
	struct vctx v;
	struct bs_buf ff = BS_BUF_INIT;
	unsigned char k0[EL_HASH], head_root[EL_HASH];
	sqlite3 *conns[EL_VTHREADS_MAX] = { 0 };
	char *path = bundle ? bs_strdup(bundle) : el_path(dir, "events.db");
	int64_t first = 0, last = 0, head_size = -1, hi_ck = INT64_MAX, first_ck = 0, lo_seq = -1;
	int err = 0, have_k0 = 0;

	if (sodium_init() < 0)
		abort();
	memset(&v, 0, sizeof(v));
	memset(r, 0, sizeof(*r));
	r->ok = 1;
	r->bad_checkpoint = -1;
	v.path = path;
	v.r = r;
	v.now = bs_clock_now();
	if (threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (int)n : 1;
	}
	if (threads > EL_VTHREADS_MAX)
		threads = EL_VTHREADS_MAX;
	if (expect_head && (err = parse_head(expect_head, ranged, &head_size, head_root)) < 0)
		goto done;
	if (ranged && from_us > to_us) {
		err = bs_error(BS_EINVALID, "--from is after --to: nothing to verify");
		goto done;
	}
	if ((err = open_log(&v, dir, bundle, vkey, k0, &have_k0)) < 0 || !r->ok)
		goto done;
	if ((err = load_and_check_checkpoints(&v, bundle != NULL, ranged, from_us, to_us, have_k0 ? k0 : NULL, threads,
					      &ff, &first_ck, &hi_ck, &lo_seq)) < 0 || !r->ok)
		goto done;
	check_anchor(&v, &ff);
	if (!r->ok)
		goto done;
	if ((err = event_bounds(&v, bundle != NULL, ranged, first_ck, hi_ck, lo_seq, &first, &last)) < 0 || !r->ok)
		goto done;
	r->first_seq = first;
	r->last_seq = last;
	if ((err = el_check_blocks(&v, first, last, threads, conns)) < 0 || (err = walk_blocks(&v)) < 0 || !r->ok)
		goto done;
	check_head(&v, last, head_size, head_root);
	if (r->ok && witness && (err = check_witness(&v, witness, last)) < 0)
		goto done;
	if (r->ok && !bundle && !ranged)
		check_up_to_now(&v);
done:
	for (int t = 0; t < EL_VTHREADS_MAX; t++)
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
	return verify(dir, bundle, vkey, expect_head, NULL, threads, 0, 0, 0, r);
}

int bs_eventlog_verify_witnessed(const char *dir, const char *vkey, const char *expect_head, const char *witness,
				 int threads, struct bs_verify_result *r)
{
	return verify(dir, NULL, vkey, expect_head, witness, threads, 0, 0, 0, r);
}

int bs_eventlog_verify_range(const char *dir, const char *bundle, const char *vkey, int threads, int64_t from_us,
			     int64_t to_us, struct bs_verify_result *r)
{
	return verify(dir, bundle, vkey, NULL, NULL, threads, 1, from_us, to_us, r);
}
