/* bench/eventlog: see run. Not part of make check; prints rates and ratios. */
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "datadir/datadir.h"
#include "eventlog/eventlog.h"

#define THREADS 8
#define BATCH 500

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct arg {
	struct bs_eventlog *log;
	long n;
};

static void *producer(void *p)
{
	struct arg *a = p;
	struct bs_event ev[BATCH];
	char msg[BATCH][160];
	for (long done = 0; done < a->n; done += BATCH) {
		for (int i = 0; i < BATCH; i++) {
			snprintf(msg[i], sizeof(msg[i]), "<134>1 2026-11-27T08:00:00Z web01 sshd 4242 - - Accepted publickey "
				 "for alice from 192.0.2.%d port %ld ssh2", i % 250, done + i);
			ev[i] = (struct bs_event){ 0, 0, "syslog", 6, "web01", "192.0.2.10:514", "sys-1", "alice", "success",
						   msg[i], NULL };
		}
		if (bs_eventlog_append(a->log, ev, BATCH) != 0) {
			fprintf(stderr, "append: %s\n", bs_error_message());
			exit(1);
		}
	}
	return NULL;
}

/* One event_seconds row of a batch; nonzero on failure. */
static int upsert_second(sqlite3_stmt *st, long sec, long min_seq, long max_seq, long n)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, sec);
	sqlite3_bind_int64(st, 2, min_seq);
	sqlite3_bind_int64(st, 3, max_seq);
	sqlite3_bind_int64(st, 4, n);
	return sqlite3_step(st) != SQLITE_DONE;
}

int main(int argc, char **argv)
{
	char dir[512], vkey[BS_EVENTLOG_VKEY_MAX], path[600];
	long n = argc > 2 ? atol(argv[2]) : 200000;
	struct bs_eventlog *log;
	pthread_t th[THREADS];
	struct arg a[THREADS];
	struct bs_verify_result r;
	double t0, t_log, t_plain, t_verify;
	sqlite3 *db;
	sqlite3_stmt *st, *sec_st;

	if (argc < 2 || sodium_init() < 0)
		return 2;
	n = n / (THREADS * BATCH) * THREADS * BATCH;
	snprintf(dir, sizeof(dir), "%s/d", argv[1]);
	if (bs_datadir_init_keyed(dir, "bench", 0, "bench", vkey, sizeof(vkey)) != 0) {
		fprintf(stderr, "init: %s\n", bs_error_message());
		return 1;
	}
	if (bs_eventlog_open(&log, dir) != 0)
		return 1;
	t0 = now_s();
	for (int i = 0; i < THREADS; i++) {
		a[i].log = log;
		a[i].n = n / THREADS;
		pthread_create(&th[i], NULL, producer, &a[i]);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	bs_eventlog_close(log);
	t_log = now_s() - t0;

	/* The peer: the same rows in the same schema and page size as events.db (a 32-byte hash blob included,
	 * but not computed; event_seconds upserted once per second per batch, as the writer does),
	 * batched inserts of BATCH rows, WAL + synchronous=FULL: as durable. */
	snprintf(path, sizeof(path), "%s/plain.db", argv[1]);
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE events (seq INTEGER PRIMARY KEY,"
		     " time_us INTEGER NOT NULL, type TEXT NOT NULL, severity INTEGER NOT NULL, host TEXT, source TEXT, system TEXT,"
		     " user TEXT, outcome TEXT, message TEXT, data TEXT, hash BLOB NOT NULL);"
		     " CREATE TABLE event_seconds (sec INTEGER PRIMARY KEY, min_seq INTEGER NOT NULL,"
		     " max_seq INTEGER NOT NULL, n INTEGER NOT NULL);", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO events (seq, time_us, type, severity, host, source, system, user, outcome, message,"
			   " data, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", -1, &st, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO event_seconds (sec, min_seq, max_seq, n) VALUES (?1, ?2, ?3, ?4)"
			   " ON CONFLICT(sec) DO UPDATE SET min_seq = min(min_seq, excluded.min_seq),"
			   " max_seq = max(max_seq, excluded.max_seq), n = n + excluded.n", -1, &sec_st, NULL);
	t0 = now_s();
	for (long done = 0; done < n; done += BATCH) {
		long sec = -1, sec_min = 0, sec_n = 0;
		if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			return 1;
		for (int i = 0; i < BATCH; i++) {
			char msg[160];
			unsigned char hash[32];
			long seq = done + i + 1;
			snprintf(msg, sizeof(msg), "<134>1 2026-11-27T08:00:00Z web01 sshd 4242 - - Accepted publickey "
				 "for alice from 192.0.2.%d port %ld ssh2", i % 250, done + i);
			for (int k = 0; k < 32; k++)
				hash[k] = (unsigned char)(seq >> (8 * (k % 8)) ^ k);
			long long t = 1795000000000000LL + done + i;
			if (t / 1000000 != sec) {
				if (sec_n && upsert_second(sec_st, sec, sec_min, seq - 1, sec_n))
					return 1;
				sec = t / 1000000;
				sec_min = seq;
				sec_n = 0;
			}
			sec_n++;
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, seq);
			sqlite3_bind_int64(st, 2, t);
			sqlite3_bind_text(st, 3, "syslog", -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 4, 6);
			sqlite3_bind_text(st, 5, "web01", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 6, "192.0.2.10:514", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 7, "sys-1", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 8, "alice", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 9, "success", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 10, msg, -1, SQLITE_STATIC);
			sqlite3_bind_null(st, 11);
			sqlite3_bind_blob(st, 12, hash, sizeof(hash), SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				return 1;
		}
		if (upsert_second(sec_st, sec, sec_min, done + BATCH, sec_n) ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return 1;
	}
	t_plain = now_s() - t0;
	sqlite3_finalize(sec_st);
	sqlite3_finalize(st);
	sqlite3_close(db);

	t0 = now_s();
	if (bs_eventlog_verify(dir, NULL, vkey, NULL, 0, &r) != 0 || !r.ok) {
		fprintf(stderr, "verify failed: %s %s\n", bs_error_message(), r.problem);
		return 1;
	}
	t_verify = now_s() - t0;
	printf("events: %ld (batches of %d from %d threads)\n", n, BATCH, THREADS);
	printf("brokersec append (chain+checkpoints+seals+durable group commit): %.0f events/s\n", n / t_log);
	printf("plain batched SQLite inserts, same rows and schema, WAL+sync=FULL: %.0f events/s\n", n / t_plain);
	printf("ratio brokersec/plain: %.2f\n", (n / t_log) / (n / t_plain));
	printf("verify (chain, tree heads, signatures, seals; all cores): %.0f events/s (%lld events, %lld checkpoints)\n",
	       (double)r.events / t_verify, (long long)r.events, (long long)r.checkpoints);
	sodium_memzero(vkey, sizeof(vkey));
	return 0;
}
