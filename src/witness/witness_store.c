/* witness_store.c - the tables of migration 0012: heads delivered to witnesses, and, as a
 * witness, the key pinned per log and every distinct head received (witness.h). */
#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "datadir/datadir.h"
#include "eventlog/eventlog.h"
#include "store/store.h"
#include "witness/witness.h"

int bs_witness_delivered(struct bs_store *s, const char *url, const char *line, const struct bs_head *h,
			 long status)
{
	sqlite3_stmt *st = NULL;
	char now[BS_TIME_MAX];
	int64_t t = bs_clock_now();
	int err;

	bs_time_format(t, now);
	/* the same head again (the 5-minute repeat): its latest delivery */
	if ((err = bs_store_prepare(s, "INSERT INTO witness_delivery (url, line, log_id, size, root, time_us, "
				    "delivered_at, delivered_us, http_status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
				    "ON CONFLICT (url, line) DO UPDATE SET delivered_at = ?7, delivered_us = ?8, "
				    "http_status = ?9", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, line, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, h->log_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, h->size);
	sqlite3_bind_text(st, 5, h->root_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, h->time_us);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, t);
	sqlite3_bind_int64(st, 9, status);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(s, "cannot record the head delivered to a witness");
	sqlite3_finalize(st);
	return err;
}

int bs_witness_latest(struct bs_store *s, struct bs_witness_delivery *d)
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	memset(d, 0, sizeof(*d));
	if ((err = bs_store_prepare(s, "SELECT url, size, root, time_us, delivered_us, http_status FROM witness_delivery "
				    "ORDER BY delivered_us DESC, size DESC LIMIT 1", &st)) < 0)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(d->url, sizeof(d->url), "%s", bs_store_text(st, 0));
		d->size = sqlite3_column_int64(st, 1);
		snprintf(d->root, sizeof(d->root), "%s", bs_store_text(st, 2));
		d->time_us = sqlite3_column_int64(st, 3);
		d->delivered_us = sqlite3_column_int64(st, 4);
		d->status = (long)sqlite3_column_int64(st, 5);
		err = 1;
	} else if (rc != SQLITE_DONE) {
		err = bs_store_fail(s, "cannot read the heads delivered to witnesses");
	}
	sqlite3_finalize(st);
	return err;
}

/* "bspub1-<64 hex>" into pk. */
static int parse_key(const char *key, unsigned char pk[32])
{
	size_t got = 0;
	if (strncmp(key, "bspub1-", 7) || strlen(key) != 7 + 64 || strspn(key + 7, "0123456789abcdef") != 64 ||
	    sodium_hex2bin(pk, 32, key + 7, 64, NULL, &got, NULL) || got != 32)
		return bs_error(BS_EINVALID, "key '%.80s': give the log's public key as 'bspub1-<64 hex>' (the verification "
				"key's second line)", key);
	return 0;
}

/* The pinned key of log_hex into pub (65 bytes) and how: 1, 0 when none, or an error. */
static int pinned(struct bs_store *s, const char *log_hex, char pub[65], char how[16], char at[BS_TIME_MAX])
{
	sqlite3_stmt *st = NULL;
	int err, rc;

	if ((err = bs_store_prepare(s, "SELECT pubkey, how, pinned_at FROM witness_key WHERE log_id = ?1", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, log_hex, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(pub, 65, "%s", bs_store_text(st, 0));
		snprintf(how, 16, "%s", bs_store_text(st, 1));
		snprintf(at, BS_TIME_MAX, "%s", bs_store_text(st, 2));
		err = 1;
	} else if (rc != SQLITE_DONE) {
		err = bs_store_fail(s, "cannot read the keys pinned for witnessed logs");
	}
	sqlite3_finalize(st);
	return err;
}

static int pin(struct bs_datadir *dd, const char *log_hex, const char *pub, const char *how)
{
	sqlite3_stmt *st = NULL;
	char now[BS_TIME_MAX];
	int err;

	bs_time_format(bs_clock_now(), now);
	if ((err = bs_store_prepare(dd->store, "INSERT INTO witness_key (log_id, pubkey, how, pinned_at, pinned_by, "
				    "summary_hour, pending) VALUES (?1, ?2, ?3, ?4, ?5, 0, 0)", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, log_hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pub, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, how, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, dd->actor ? dd->actor : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(dd->store, "cannot pin the witnessed log's key");
	sqlite3_finalize(st);
	if (err < 0)
		return err;
	return bs_audit(dd, "witness.trust", "success", NULL, "witnessed log %s: key bspub1-%s pinned (%s)", log_hex, pub,
			!strcmp(how, "trust") ? "brokersec witness trust" : "on first sight, with its first head");
}

/* Counts a head stored for log_hex and writes the hourly summary when this hour has none yet.
 * Why a summary and not an event per head: a witness's own log grows with every head it
 * stores, and when two brokersecs witness each other each new head would make a new head on
 * the other side, for ever (a loop fed by the witnesses themselves). One event per log per
 * hour at most keeps the record of receiving (A2.4.1.7: who sent what, when) bounded. */
static int count_head(struct bs_datadir *dd, const char *log_hex)
{
	sqlite3_stmt *st = NULL;
	int64_t hour = bs_clock_now() / BS_WITNESS_SUMMARY_US, last = 0, pending = 0;
	int err;

	if ((err = bs_store_prepare(dd->store, "UPDATE witness_key SET pending = pending + 1 WHERE log_id = ?1 "
				    "RETURNING summary_hour, pending", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, log_hex, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err = bs_store_fail(dd->store, "cannot count the heads received");
		sqlite3_finalize(st);
		return err;
	}
	last = sqlite3_column_int64(st, 0);
	pending = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	if (last == hour)
		return 0;
	if ((err = bs_store_prepare(dd->store, "UPDATE witness_key SET pending = 0, summary_hour = ?2 WHERE log_id = ?1",
				    &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, log_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, hour);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = bs_store_fail(dd->store, "cannot count the heads received");
	sqlite3_finalize(st);
	if (err < 0)
		return err;
	char data[160];
	snprintf(data, sizeof(data), "{\"log\":\"%s\",\"count\":%" PRId64 "}", log_hex, pending);
	return bs_audit(dd, "witness.received", "success", data,
			"witnessed log %s: %" PRId64 " new head(s) stored since the last summary (one such event an hour "
			"at most)", log_hex, pending);
}

int bs_witness_receive(struct bs_datadir *dd, const char *line, const char *key, int *stored)
{
	struct bs_head h;
	unsigned char pk[32], sent[32];
	char pub[65] = "", how[16] = "", at[BS_TIME_MAX] = "", now[BS_TIME_MAX];
	sqlite3_stmt *st = NULL;
	int err, known;

	*stored = 0;
	if ((err = bs_eventlog_head_parse(line, &h)) < 0)
		return err;
	if (key && (err = parse_key(key, sent)) < 0)
		return err;
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = known = pinned(dd->store, h.log_hex, pub, how, at)) < 0)
		goto done;
	if (known && key && strcmp(key + 7, pub)) {
		bs_store_rollback(dd->store);
		/* someone else signs heads for a log this witness knows: worth an event of its own */
		err = bs_audit(dd, "witness.refused", "failure", NULL,
			       "a head of witnessed log %s came with the key %.23s..., not the key bspub1-%.16s... pinned "
			       "for it (%s, %s)", h.log_hex, key, pub, how, at);
		if (err < 0)
			return err;
		return bs_error(BS_ECONFLICT, "log %s: this witness pinned the key bspub1-%.16s... for it (%s, %s); the head "
				"comes with another key: a log keeps its key for life (a new 'init' makes a new log id), so "
				"the sender is not the log it names", h.log_hex, pub, !strcmp(how, "trust") ?
				"brokersec witness trust" : "first sight", at);
	}
	if (!known && !key) {
		err = bs_error(BS_EINVALID, "log %s is not known to this witness: send the log's public key with its "
			       "first head (\"key\": \"bspub1-<64 hex>\"), or pin it here with 'brokersec witness trust "
			       "%s bspub1-<64 hex>'", h.log_hex, h.log_hex);
		goto done;
	}
	if (known) {
		size_t got = 0;
		if (sodium_hex2bin(pk, 32, pub, 64, NULL, &got, NULL) || got != 32) {
			err = bs_error(BS_ERR, "the key pinned for log %s is damaged in brokersec.db", h.log_hex);
			goto done;
		}
	} else {
		memcpy(pk, sent, 32);
	}
	if (!bs_eventlog_head_signed_by(&h, pk)) {
		err = bs_error(BS_EINVALID, "the head of log %s (size %" PRId64 ") is not signed with %s: it is not a head "
			       "of that log", h.log_hex, h.size, known ? "the key pinned for it" : "the key sent with it");
		goto done;
	}
	if (!known && (err = pin(dd, h.log_hex, key + 7, "first-sight")) < 0)
		goto done;
	bs_time_format(bs_clock_now(), now);
	if ((err = bs_store_prepare(dd->store, "INSERT INTO witness_head (log_id, size, root, time_us, line, received_at, "
				    "source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (line) DO NOTHING", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, h.log_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, h.size);
	sqlite3_bind_text(st, 3, h.root_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, h.time_us);
	sqlite3_bind_text(st, 5, line, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, dd->source ? dd->source : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = bs_store_fail(dd->store, "cannot store the head received");
		goto done;
	}
	*stored = sqlite3_changes(bs_store_sqlite(dd->store)) > 0;
	if (*stored)
		err = count_head(dd, h.log_hex);
done:
	sqlite3_finalize(st);
	return bs_store_finish(dd->store, err);
}

int bs_witness_trust(struct bs_datadir *dd, const char *log_hex, const char *key)
{
	unsigned char pk[32];
	char pub[65] = "", how[16] = "", at[BS_TIME_MAX] = "";
	int err, known;

	if (strlen(log_hex) != 32 || strspn(log_hex, "0123456789abcdef") != 32)
		return bs_error(BS_EINVALID, "log id '%.80s': give the 32 hex digits of 'log=' in the log's head line "
				"('brokersec log head' on its host)", log_hex);
	if ((err = parse_key(key, pk)) < 0)
		return err;
	if ((err = bs_store_begin(dd->store)) < 0)
		return err;
	if ((err = known = pinned(dd->store, log_hex, pub, how, at)) < 0)
		goto done;
	if (known && strcmp(pub, key + 7))
		err = bs_error(BS_ECONFLICT, "log %s has the key bspub1-%.16s... pinned already (%s, %s): a log keeps its "
			       "key for life, so a head signed with another one is not that log's", log_hex, pub, how, at);
	else if (!known)
		err = pin(dd, log_hex, key + 7, "trust");
done:
	return bs_store_finish(dd->store, err);
}

int bs_witness_heads(struct bs_store *s, const char *log_hex, int64_t offset, int64_t limit, int64_t *total,
		     char pubkey[65], int (*fn)(const struct bs_witness_head *h, void *ctx), void *ctx)
{
	char how[16], at[BS_TIME_MAX];
	sqlite3_stmt *st = NULL;
	int err, rc;

	pubkey[0] = '\0';
	if ((err = pinned(s, log_hex, pubkey, how, at)) < 0)
		return err;
	if (total) {
		if ((err = bs_store_prepare(s, "SELECT count(*) FROM witness_head WHERE log_id = ?1", &st)) < 0)
			return err;
		sqlite3_bind_text(st, 1, log_hex, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			err = bs_store_fail(s, "cannot count the heads kept");
		*total = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		st = NULL;
		if (err < 0)
			return err;
	}
	if ((err = bs_store_prepare(s, "SELECT id, size, root, time_us, line, received_at, source FROM witness_head "
				    "WHERE log_id = ?1 ORDER BY size, id LIMIT ?2 OFFSET ?3", &st)) < 0)
		return err;
	sqlite3_bind_text(st, 1, log_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, limit < 0 ? -1 : limit);
	sqlite3_bind_int64(st, 3, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bs_witness_head h = { sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
					     sqlite3_column_int64(st, 3), bs_store_text(st, 2), bs_store_text(st, 4),
					     bs_store_text(st, 5), bs_store_text(st, 6) };
		if (fn(&h, ctx))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = bs_store_fail(s, "cannot read the heads kept");
	sqlite3_finalize(st);
	return err;
}
