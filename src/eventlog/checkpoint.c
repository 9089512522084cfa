/* checkpoint.c - the writer's view of the log's head (the last checkpoint, the last event
 * and the compact range) and the signed, sealed checkpoints it adds to it. */
#include <string.h>

#include "core/error.h"
#include "eventlog/el_internal.h"

int el_insert_checkpoint(sqlite3 *db, const char *path, const struct el_checkpoint *c, const struct el_frontier *f)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO checkpoints (" EL_CKPT_COLS ") VALUES "
			       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", -1, &st, NULL) != SQLITE_OK)
		return el_db_fail(db, path, "cannot write a checkpoint");
	sqlite3_bind_int64(st, 1, c->idx);
	sqlite3_bind_int64(st, 2, c->tree_size);
	sqlite3_bind_int64(st, 3, c->time_us);
	sqlite3_bind_int64(st, 4, c->epoch);
	sqlite3_bind_blob(st, 5, c->root, EL_HASH, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, c->chain_head, EL_HASH, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, c->clock_sync);
	sqlite3_bind_int(st, 8, c->clock_state);
	sqlite3_bind_int64(st, 9, c->clock_maxerror_us);
	sqlite3_bind_int64(st, 10, c->clock_esterror_us);
	sqlite3_bind_blob(st, 11, c->sig, EL_SIG, SQLITE_STATIC);
	sqlite3_bind_blob(st, 12, c->seal, EL_HASH, SQLITE_STATIC);
	sqlite3_bind_blob(st, 13, f->h, f->n * EL_HASH, SQLITE_STATIC);
	sqlite3_bind_int(st, 14, c->kind);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return el_db_fail(db, path, "cannot write a checkpoint");
	return 0;
}

static int load_head(struct bs_eventlog *log, struct head *h)
{
	struct bs_buf fb = BS_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(log->db, "SELECT " EL_CKPT_COLS " FROM checkpoints ORDER BY idx DESC LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return el_db_fail(log->db, log->dbpath, "cannot read the last checkpoint");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? bs_error(BS_ERR, "event log '%s' has no checkpoint: it is damaged; run "
						   "'brokersec log verify'", log->dbpath)
					: el_db_fail(log->db, log->dbpath, "cannot read the last checkpoint");
		goto done;
	}
	el_ckpt_from_row(st, &h->c, log->log_id, log->epoch_start_us, log->epoch_us, &fb);
	if (el_frontier_load(&h->f, (uint64_t)h->c.tree_size, fb.ptr, fb.len) < 0) {
		err = bs_error(BS_ERR, "event log '%s': checkpoint %lld is damaged; run 'brokersec log verify'",
			       log->dbpath, (long long)h->c.idx);
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	h->last_seq = h->c.tree_size;
	memcpy(h->last_hash, h->c.chain_head, EL_HASH);
	h->last_t = h->c.time_us;
	/* the latest time since the checkpoint: a late arrival may be older than the one before */
	if (sqlite3_prepare_v2(log->db, "SELECT seq, hash, (SELECT max(time_us) FROM events WHERE seq > ?1) FROM events "
			       "ORDER BY seq DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
		err = el_db_fail(log->db, log->dbpath, "cannot read the last event");
		goto done;
	}
	sqlite3_bind_int64(st, 1, h->c.tree_size);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > h->last_seq && sqlite3_column_bytes(st, 1) == EL_HASH) {
		h->last_seq = sqlite3_column_int64(st, 0);
		memcpy(h->last_hash, sqlite3_column_blob(st, 1), EL_HASH);
		if (sqlite3_column_int64(st, 2) > h->last_t)
			h->last_t = sqlite3_column_int64(st, 2);
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err = el_db_fail(log->db, log->dbpath, "cannot read the last event");
	}
done:
	sqlite3_finalize(st);
	bs_buf_release(&fb);
	return err;
}

/* Covers every event up to h->last_seq with a new checkpoint sealed at epoch, of kind 0 or
 * EL_CKPT_CLOSED; this writer adds EL_CKPT_V2 (it keeps the end-seal rules). */
int el_write_checkpoint(struct bs_eventlog *log, struct head *h, int64_t epoch, const unsigned char key[EL_HASH],
			int64_t now, int kind)
{
	struct el_checkpoint c = h->c;
	sqlite3_stmt *st;
	int rc;

	/* Events appended in this process are in the frontier already; others are read back. */
	if (h->last_seq > (int64_t)h->f.size) {
		if (sqlite3_prepare_v2(log->db, "SELECT hash FROM events WHERE seq > ?1 AND seq <= ?2 ORDER BY seq", -1,
				       &st, NULL) != SQLITE_OK)
			return el_db_fail(log->db, log->dbpath, "cannot read events for a checkpoint");
		sqlite3_bind_int64(st, 1, (int64_t)h->f.size);
		sqlite3_bind_int64(st, 2, h->last_seq);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			unsigned char leaf[EL_HASH];
			if (sqlite3_column_bytes(st, 0) != EL_HASH) {
				sqlite3_finalize(st);
				return bs_error(BS_ERR, "event log '%s': an event hash is damaged; run 'brokersec log verify'",
						log->dbpath);
			}
			el_leaf(sqlite3_column_blob(st, 0), leaf);
			el_frontier_push(&h->f, leaf);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return el_db_fail(log->db, log->dbpath, "cannot read events for a checkpoint");
		if ((int64_t)h->f.size != h->last_seq)
			return bs_error(BS_ERR, "event log '%s': events %lld..%lld are not contiguous; run "
					"'brokersec log verify'", log->dbpath, (long long)h->c.tree_size + 1,
					(long long)h->last_seq);
	}
	c.idx = h->c.idx + 1;
	c.tree_size = h->last_seq;
	c.epoch = epoch;
	c.kind = kind | EL_CKPT_V2;
	/* Checkpoint times never go back, never lie before the epoch whose key seals them, nor
	 * before an event they cover. */
	c.time_us = now;
	if (c.time_us < h->last_t)
		c.time_us = h->last_t;
	if (c.time_us < h->c.time_us)
		c.time_us = h->c.time_us;
	if (c.time_us < log->epoch_start_us + epoch * log->epoch_us)
		c.time_us = log->epoch_start_us + epoch * log->epoch_us;
	el_frontier_root(&h->f, c.root);
	memcpy(c.chain_head, h->last_hash, EL_HASH);
	el_clock_state(&c.clock_sync, &c.clock_state, &c.clock_maxerror_us, &c.clock_esterror_us);
	el_ckpt_sign(&c, log->sk, key);
	if ((rc = el_insert_checkpoint(log->db, log->dbpath, &c, &h->f)) < 0)
		return rc;
	h->c = c;
	h->last_t = c.time_us;
	return 0;
}

/* The head at the start of a transaction: our cached one when no other connection has
 * written since our last commit, else read from the database. */
int el_begin_head(struct bs_eventlog *log, struct head *h, int64_t *dv)
{
	int rc;

	if (!log->dv && sqlite3_prepare_v2(log->db, "PRAGMA data_version", -1, &log->dv, NULL) != SQLITE_OK)
		return el_db_fail(log->db, log->dbpath, "cannot read the log state");
	sqlite3_reset(log->dv);
	rc = sqlite3_step(log->dv);
	*dv = rc == SQLITE_ROW ? sqlite3_column_int64(log->dv, 0) : -1;
	sqlite3_reset(log->dv);
	if (rc != SQLITE_ROW)
		return el_db_fail(log->db, log->dbpath, "cannot read the log state");
	if (log->cache_valid && *dv == log->cache_dv) {
		*h = log->cache;
		return 0;
	}
	log->cache_valid = 0;
	return load_head(log, h);
}
