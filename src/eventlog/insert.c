/* insert.c - storing chained events as rows of events and event_seconds, on the writer's
 * connection: one at a time, or (large transactions) INS_ROWS a statement with the chaining
 * on the hasher thread (hasher.c). Writer thread only. */

#include "core/error.h"
#include "eventlog/el_internal.h"

#define INS_ROWS 16              /* rows one pipelined INSERT statement writes */

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Writes the collected event_seconds rows (merging with rows earlier transactions wrote). */
int el_secs_flush(struct bs_eventlog *log)
{
	if (!log->nsecs)
		return 0;
	if (!log->ins_sec && sqlite3_prepare_v2(log->db, "INSERT INTO event_seconds (sec, min_seq, max_seq, n) VALUES "
						"(?1, ?2, ?3, ?4) ON CONFLICT(sec) DO UPDATE SET min_seq = min(min_seq, "
						"excluded.min_seq), max_seq = max(max_seq, excluded.max_seq), n = n + "
						"excluded.n", -1, &log->ins_sec, NULL) != SQLITE_OK)
		return el_db_fail(log->db, log->dbpath, "cannot update the event time index");
	for (int i = 0; i < log->nsecs; i++) {
		const struct sec_acc *a = &log->secs[i];
		sqlite3_reset(log->ins_sec);
		sqlite3_bind_int64(log->ins_sec, 1, a->sec);
		sqlite3_bind_int64(log->ins_sec, 2, a->min_seq);
		sqlite3_bind_int64(log->ins_sec, 3, a->max_seq);
		sqlite3_bind_int64(log->ins_sec, 4, a->n);
		if (sqlite3_step(log->ins_sec) != SQLITE_DONE) {
			sqlite3_reset(log->ins_sec);
			return el_db_fail(log->db, log->dbpath, "cannot update the event time index");
		}
	}
	sqlite3_reset(log->ins_sec);
	log->nsecs = 0;
	return 0;
}

/* Counts event seq (time t) into its second; seqs only grow within a transaction. */
static int sec_note(struct bs_eventlog *log, int64_t seq, int64_t t)
{
	int64_t sec = el_sec_of(t);
	int err;

	/* Newest first: a batch usually spans one or two seconds. */
	for (int i = log->nsecs - 1; i >= 0; i--)
		if (log->secs[i].sec == sec) {
			log->secs[i].max_seq = seq;
			log->secs[i].n++;
			return 0;
		}
	if (log->nsecs == EL_SECS_MAX && (err = el_secs_flush(log)) < 0)
		return err;
	log->secs[log->nsecs++] = (struct sec_acc){ sec, seq, seq, 1 };
	return 0;
}

#define EL_ROW_COLS 12

/* *st (if not made yet): an INSERT of rows rows, the columns bind_row binds. */
int el_prepare_insert(struct bs_eventlog *log, sqlite3_stmt **st, int rows)
{
	struct bs_buf sql = BS_BUF_INIT;
	int rc;

	if (*st)
		return 0;
	bs_buf_puts(&sql, "INSERT INTO events (seq, time_us, type, severity, host, source, system, user, outcome,"
		    " message, data, hash) VALUES ");
	for (int i = 0; i < rows; i++)
		bs_buf_puts(&sql, i ? ",(?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?)");
	rc = sqlite3_prepare_v2(log->db, sql.ptr, (int)sql.len, st, NULL);
	bs_buf_release(&sql);
	return rc == SQLITE_OK ? 0 : el_db_fail(log->db, log->dbpath, "cannot append an event");
}

/* Binds one chained event (it->buf stamped, it->hash set) as row seq to the row-th row of
 * ins's VALUES. */
static int bind_row(sqlite3_stmt *ins, int row, const struct el_chain_item *it, int64_t seq)
{
	const unsigned char *e = it->buf + EL_CHAIN_PREFIX, *q, *end = e + it->enc_len;
	int p = row * EL_ROW_COLS;

	sqlite3_bind_int64(ins, p + 1, seq);
	sqlite3_bind_int64(ins, p + 2, it->t);
	sqlite3_bind_int(ins, p + 4, e[17]);
	/* columns of the fields type, host, source, system, user, outcome, message, data */
	static const int col[EL_NFIELDS] = { 3, 5, 6, 7, 8, 9, 10, 11 };
	q = e + 18;
	for (int k = 0; k < EL_NFIELDS; k++) {
		if (q >= end)
			return bs_error(BS_ERR, "event log: an event encoding is damaged (internal error)");
		if (!*q) {
			sqlite3_bind_null(ins, p + col[k]);
			q++;
			continue;
		}
		uint32_t len = get_u32(q + 1);
		if ((size_t)(end - q) < 5 + (size_t)len)
			return bs_error(BS_ERR, "event log: an event encoding is damaged (internal error)");
		sqlite3_bind_text(ins, p + col[k], (const char *)q + 5, (int)len, SQLITE_STATIC);
		q += 5 + len;
	}
	sqlite3_bind_blob(ins, p + 12, it->hash, EL_HASH, SQLITE_STATIC);
	return 0;
}

/* Stores n chained events (1 with log->ins, INS_ROWS with log->ins_many) as rows first.. */
static int store_rows(struct bs_eventlog *log, const struct el_chain_item *it, size_t n, int64_t first)
{
	sqlite3_stmt *ins = n == 1 ? log->ins : log->ins_many;
	int err;

	sqlite3_reset(ins);
	for (size_t i = 0; i < n; i++)
		if ((err = bind_row(ins, (int)i, &it[i], first + (int64_t)i)) < 0)
			return err;
	if (sqlite3_step(ins) != SQLITE_DONE)
		return el_db_fail(log->db, log->dbpath, "cannot append an event");
	for (size_t i = 0; i < n; i++)
		if ((err = sec_note(log, first + (int64_t)i, it[i].t)) < 0)
			return err;
	return 0;
}

/* An event's time: the caller's (t0, 0 for now; a late arrival may be older than the events
 * before it) but never after now, nor before the last checkpoint or the start of now's epoch
 * (whose key seals it), so that every event lies between the checkpoints around it and in
 * the epoch of the checkpoint that seals it (verify checks both). */
int64_t el_event_time(const struct bs_eventlog *log, struct head *h, int64_t t0, int64_t now)
{
	int64_t t = t0 > 0 && t0 < now ? t0 : now;
	int64_t e0 = el_epoch_start(el_epoch_of(now, log->epoch_start_us, log->epoch_us), log->epoch_start_us,
				    log->epoch_us);
	if (t < h->c.time_us)
		t = h->c.time_us;
	if (t < e0)
		t = e0;
	if (t > h->last_t)
		h->last_t = t;
	return t;
}

/* Appends the next event from its encoding: buf holds EL_CHAIN_PREFIX free bytes and then
 * enc_len bytes made by el_encode_fields (seq and time are patched in here). The columns are
 * bound from the encoding itself, with their lengths. t0: the event's own time, 0 for now.
 * *seq_out and *time_out get what was stored. */
int el_insert_encoded(struct bs_eventlog *log, struct head *h, unsigned char *buf,
		      size_t enc_len, int64_t t0, int64_t now, int64_t *seq_out, int64_t *time_out)
{
	struct el_chain_item it = { buf, enc_len, el_event_time(log, h, t0, now), { 0 } };
	int err;

	el_chain_one(&h->last_seq, h->last_hash, &h->f, &it);
	if ((err = store_rows(log, &it, 1, h->last_seq)) < 0)
		return err;
	if (seq_out)
		*seq_out = h->last_seq;
	if (time_out)
		*time_out = it.t;
	return 0;
}

/* The hasher starts with the first transaction large enough to need it: the many
 * short-lived processes that append an event or two never start it. */
int el_hasher_ready(struct bs_eventlog *log)
{
	if (!log->hasher && !log->hasher_failed) {
		if (el_hasher_start(&log->hasher) < 0)
			log->hasher_failed = 1;
		else
			log->items = bs_malloc(EL_BATCH_MAX * sizeof(*log->items));
	}
	return log->hasher != NULL;
}

/* The appends of a batch with the chaining on the hasher thread: the writer stores event k
 * once the hasher has chained it (see hasher.c). h belongs to the hasher until the end. */
int el_insert_pipelined(struct bs_eventlog *log, struct head *h, struct req *batch, size_t total, int64_t now)
{
	int64_t first = h->last_seq + 1;
	size_t k = 0, ready = 0;
	int err = 0;

	if ((err = el_prepare_insert(log, &log->ins_many, INS_ROWS)) < 0)
		return err;
	for (struct req *r = batch; r; r = r->next)
		for (size_t i = 0; i < r->n; i++, k++)
			log->items[k] = (struct el_chain_item){ r->enc + r->off[i],
				r->off[i + 1] - r->off[i] - EL_CHAIN_PREFIX, el_event_time(log, h, r->t0[i], now), { 0 } };
	el_hasher_begin(log->hasher, log->items, total, &h->last_seq, h->last_hash, &h->f);
	/* INS_ROWS rows a statement: SQLite's cost per statement is then paid once per many */
	for (k = 0; k < total;) {
		size_t n = total - k >= INS_ROWS ? INS_ROWS : 1;
		if (k + n > ready)
			ready = el_hasher_wait(log->hasher, k + n - 1);
		if ((err = store_rows(log, &log->items[k], n, first + (int64_t)k)) < 0)
			goto out;
		k += n;
	}
	k = 0;
	for (struct req *r = batch; r; r = r->next) {
		r->first_seq = first + (int64_t)k;
		for (size_t i = 0; i < r->n; i++, k++)
			if (r->ev) {
				r->ev[i].seq = first + (int64_t)k;
				r->ev[i].time_us = log->items[k].t;
			}
	}
out:
	el_hasher_finish(log->hasher);
	return err;
}

/* Appends ev (made by the writer itself: alerts, purges) as the next event. */
int el_insert_event(struct bs_eventlog *log, struct head *h, struct bs_event *ev, int64_t now)
{
	bs_buf_clear(&log->enc);
	bs_buf_grow(&log->enc, EL_CHAIN_PREFIX);
	log->enc.len = EL_CHAIN_PREFIX;
	el_encode(&log->enc, ev);
	return el_insert_encoded(log, h, (unsigned char *)log->enc.ptr, log->enc.len - EL_CHAIN_PREFIX, ev->time_us,
				 now, &ev->seq, &ev->time_us);
}
