/* backup_int.h - what the files of src/backup share (private).
 *   chunker.c   FastCDC cut points
 *   crypto.c    the backup key, subkeys, chunk and manifest encryption and signature
 *   manifest.c  the manifest's JSON: parse (outside input) and dump
 *   repo.c      the repository's files: config, chunks, snapshots; crash-safe writes
 *   create.c    backup create (snapshots of the databases, the walk, the chunk pipeline)
 *   verify.c    backup verify, backup list
 *   restore.c   backup restore and the restore test (log verify, state comparison)
 *   record.c    the targets table, events and the backup register (brokersec.db)
 *   pool.c      the worker pool create and restore share
 *   sftp.c      the sftp:// backend of repo.c (libcurl with libssh2)
 *   prune.c     backup forget (retention) and prune (unreferenced chunks), temp cleanup */
#ifndef BS_BACKUP_BACKUP_INT_H
#define BS_BACKUP_BACKUP_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "backup/backup.h"
#include "core/buf.h"
#include "core/error.h"

#define BS_BACKUP_CHUNK_MAGIC "BSC1"
#define BS_BACKUP_MANIFEST_MAGIC "BSM1"
#define BS_BACKUP_FORMAT "brokersec-backup-1"

/* chunk flag byte: how the data after it is stored */
#define BS_CHUNK_RAW 0
#define BS_CHUNK_ZSTD 1

void bs_backup_chunk_id(const struct bs_backup_keys *k, const unsigned char *data, size_t len, unsigned char id[32]);
/* out = "BSC1" | nonce | AEAD(flag | plain), AD = id. */
void bs_backup_chunk_seal(const struct bs_backup_keys *k, const unsigned char id[32], const unsigned char *plain,
			  size_t len, int flag, struct bs_buf *out);
/* Decrypts in place; *plain points into in. BS_EINVALID (no message) when not authentic. */
int bs_backup_chunk_open(const struct bs_backup_keys *k, const unsigned char id[32], unsigned char *in, size_t len,
			 unsigned char **plain, size_t *plen, int *flag);
/* The chunk's stored bytes to plaintext: decrypts, decompresses into out (cleared), checks
 * the keyed id. BS_EINVALID naming the problem ("does not authenticate", "...id"). */
int bs_backup_chunk_decode(const struct bs_backup_keys *k, const unsigned char id[32], struct bs_buf *stored,
			   struct bs_buf *out);

/* --- pool.c: a worker per CPU (at most BS_POOL_MAX) over a bounded queue of jobs --- */
#define BS_POOL_MAX 4
#define BS_POOL_QUEUE 8

struct bs_pool {
	/* set by the caller before bs_pool_start */
	void *ctx;
	void *(*init)(void *ctx);   /* a worker's own state (NULL: none) */
	void (*fini)(void *ws);
	/* runs one job; skip: an earlier job failed, only release it. <0 with a message: failed */
	int (*run)(void *ctx, void *ws, void *job, int skip);
	/* the pool's own */
	pthread_mutex_t mu;         /* also guards what jobs share (counters) */
	pthread_cond_t more, room, idle;
	void *q[BS_POOL_QUEUE];
	size_t head, count, submitted, finished;
	int closing, err;
	char errmsg[1024];
	enum bs_lang lang;          /* the starting thread's message language */
	pthread_t th[BS_POOL_MAX];
	int nth;
};

/* Starts the workers (what: "backup" or "restore", for the message when none starts). */
int bs_pool_start(struct bs_pool *p, const char *what);
/* Queues job (waits while the queue is full); the first failure's code once a job failed. */
int bs_pool_submit(struct bs_pool *p, void *job);
/* Waits until every job submitted ran; the first failure since the last wait, as this
 * thread's message. */
int bs_pool_wait(struct bs_pool *p);
/* Runs what is queued, joins the workers; the first failure, as this thread's message. */
int bs_pool_stop(struct bs_pool *p);

/* --- repo.c: the repository's files behind a backend (a local folder or sftp://) --- */

struct bs_repo;

struct bs_repo_ops {
	/* data to rel through a temporary name (rel.tmp-...), synced where the backend can,
	 * renamed. exists_ok: a file already at rel is the same content (a chunk) */
	int (*put)(struct bs_repo *r, const char *rel, const void *data, size_t len, int exists_ok);
	int (*get)(struct bs_repo *r, const char *rel, struct bs_buf *b); /* BS_ENOTFOUND, no message */
	/* the names in folder rel (no . and ..), NUL-separated in names; BS_ENOTFOUND, no message */
	int (*list)(struct bs_repo *r, const char *rel, struct bs_buf *names, size_t *n);
	int (*mkdirs)(struct bs_repo *r, const char *const *rels, size_t n); /* existing ones are fine */
	int (*remove)(struct bs_repo *r, const char *rel);                  /* BS_ENOTFOUND, no message */
	void (*close)(struct bs_repo *r);
};

struct bs_repo {
	const struct bs_repo_ops *ops;
	char *where;     /* what the targets table and messages name: absolute path or sftp URL */
	int remote;
};

/* 1 when loc is an sftp:// URL. */
int bs_repo_is_sftp(const char *loc);
/* The repository at loc (a folder or sftp://[user@]host[:port]/path): no I/O for a folder;
 * for sftp the URL is checked (no password in it) and the key files must be readable. */
int bs_repo_connect(const char *loc, const struct bs_repo_opts *o, struct bs_repo **r);
void bs_repo_close(struct bs_repo *r);
/* What to record loc as (absolute path, or the URL as given), owned by the caller. */
char *bs_repo_location(const char *loc);
int bs_repo_sftp_connect(const char *url, const struct bs_repo_opts *o, struct bs_repo **r); /* sftp.c */

/* Creates the repository (and chunks/, snapshots/, locks/, config) when missing, else checks
 * that its config is a brokersec repository whose signing key is k's (a wrong key: BS_EDENIED). */
int bs_repo_open(struct bs_repo *r, const struct bs_backup_keys *k, int create, char repo_id[33]);
/* BS_ENOTFOUND naming r when it holds no config (before any key is needed). */
int bs_repo_probe(struct bs_repo *r);
/* "chunks/ab/<hex>" into path. */
void bs_repo_chunk_path(const unsigned char id[32], struct bs_buf *path);
/* Writes data to path through "<path>.tmp-<time>-<random>": write, fsync, rename, fsync the folder. */
int bs_repo_write_atomic(const char *path, const void *data, size_t len);
/* Reads a whole file into b (cleared first); BS_ENOTFOUND when missing. */
int bs_repo_read(const char *path, struct bs_buf *b);
/* The snapshot ids of repo, sorted (oldest first: ids start with the UTC time). */
int bs_repo_snapshots(struct bs_repo *r, char ***ids, size_t *n);
void bs_repo_ids_free(char **ids, size_t n);
/* Reads, opens and parses snapshot id. */
int bs_repo_manifest_load(struct bs_repo *r, const struct bs_backup_keys *k, const char *id,
			  struct bs_backup_manifest *m);
void bs_hex(const unsigned char *in, size_t n, char *out);

/* The names of a folder listing from a server (one a line; outside input, fuzzed by
 * tests/fuzz/fuzz_backuplist.c) into names, NUL-separated: no ".", "..", empty names, none
 * with '/', '"', '\\' or a control character. */
void bs_repo_listing_parse(const char *raw, size_t len, struct bs_buf *names, size_t *n);
/* 1 and id when name is a chunk's (64 hex digits starting with dir2, its folder's 2). */
int bs_repo_chunk_name(const char *dir2, const char *name, unsigned char id[32]);
/* The time in a temporary name NAME.tmp-<seconds>-<random>: 0 for one without it (older
 * runs), -1 when name is no temporary file. */
int64_t bs_repo_tmp_time(const char *name);

/* A set of chunk ids (open addressing; not locked: callers lock) */
struct bs_idset {
	unsigned char (*slot)[32];
	unsigned char *used;
	size_t cap, n;
};
/* 1 when added, 0 when it was there */
int bs_idset_add(struct bs_idset *s, const unsigned char id[32]);
int bs_idset_has(const struct bs_idset *s, const unsigned char id[32]);
void bs_idset_release(struct bs_idset *s);
/* Every chunk of r (one listing per chunks/XX folder, never a request per chunk); tmps
 * (when not NULL) gets "chunks/XX/NAME" of each temporary file, NUL-separated. */
int bs_repo_chunk_ids(struct bs_repo *r, struct bs_idset *s, struct bs_buf *tmps, size_t *ntmps);

/* --- the repository lock (prune.c): locks/<time>-<random>.json {op, host, pid, started} --- */
struct bs_repo_lock {
	char rel[96];
};
/* Takes a lock for op ("create", "prune"); prune refuses while another live lock is there,
 * create refuses while a live prune lock is. *others: live locks of other runs. */
int bs_repo_lock(struct bs_repo *r, const char *op, struct bs_repo_lock *l, int *others);
void bs_repo_unlock(struct bs_repo *r, struct bs_repo_lock *l);
/* Removes the temporary files (*.tmp-*) left by killed runs: those older than
 * BS_TMP_STALE_S, or all when no other run holds a lock (others == 0): in the repository's
 * folder, snapshots/ and locks/ (listed here), and chunk_tmps (bs_repo_chunk_ids's tmps). */
int bs_repo_clean_tmp(struct bs_repo *r, int others, const char *chunk_tmps, size_t nchunk_tmps, uint64_t *removed);
#define BS_TMP_STALE_S (15 * 60)

/* --- state.c: what the restore test compares --- */
/* {"table": rows, ...} of the SQLite database at path (every table of sqlite_schema). */
int bs_backup_db_state(const char *path, json_t **out);

/* --- record.c --- */
int bs_backup_record_create(struct bs_datadir *dd, const struct bs_backup_target *t, const char *repo_abs,
			    const char *repo_id, int64_t register_id, struct bs_backup_stats *st);
int bs_backup_record_verify(struct bs_datadir *dd, const char *repo, int ok, const struct bs_backup_stats *st);
/* An event type (backup.forget, backup.prune) about location with data. */
int bs_backup_record_prune(struct bs_datadir *dd, const char *location, const char *type, int ok, json_t *data,
			   const char *summary);

#endif
