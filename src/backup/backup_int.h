/* backup_int.h - what the files of src/backup share (private).
 *   chunker.c   FastCDC cut points
 *   crypto.c    the backup key, subkeys, chunk and manifest encryption and signature
 *   manifest.c  the manifest's JSON: parse (outside input) and dump
 *   repo.c      the repository's files: config, chunks, snapshots; crash-safe writes
 *   create.c    backup create (snapshots of the databases, the walk, the chunk pipeline)
 *   verify.c    backup verify, backup list
 *   restore.c   backup restore and the restore test (log verify, state comparison)
 *   record.c    the targets table, events and the backup register (brokersec.db) */
#ifndef BS_BACKUP_BACKUP_INT_H
#define BS_BACKUP_BACKUP_INT_H

#include <stddef.h>

#include "backup/backup.h"
#include "core/buf.h"

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

/* --- repo.c --- */
/* Creates repo (and chunks/, snapshots/, config) when missing, else checks that its config
 * is a brokersec repository whose signing key is k's (a wrong key: BS_EDENIED). */
int bs_repo_open(const char *repo, const struct bs_backup_keys *k, int create, char repo_id[33]);
/* "<repo>/chunks/ab/<hex>" into path. */
void bs_repo_chunk_path(const char *repo, const unsigned char id[32], struct bs_buf *path);
/* Writes data to path through "<path>.tmp-<random>": write, fsync, rename, fsync the folder. */
int bs_repo_write_atomic(const char *path, const void *data, size_t len);
/* Reads a whole file into b (cleared first); BS_ENOTFOUND when missing. */
int bs_repo_read(const char *path, struct bs_buf *b);
/* The snapshot ids of repo, sorted (oldest first: ids start with the UTC time). */
int bs_repo_snapshots(const char *repo, char ***ids, size_t *n);
void bs_repo_ids_free(char **ids, size_t n);
/* Reads, opens and parses snapshot id. */
int bs_repo_manifest_load(const char *repo, const struct bs_backup_keys *k, const char *id,
			  struct bs_backup_manifest *m);
void bs_hex(const unsigned char *in, size_t n, char *out);

/* --- state.c: what the restore test compares --- */
/* {"table": rows, ...} of the SQLite database at path (every table of sqlite_schema). */
int bs_backup_db_state(const char *path, json_t **out);

/* --- record.c --- */
int bs_backup_record_create(struct bs_datadir *dd, const struct bs_backup_target *t, const char *repo_abs,
			    const char *repo_id, int64_t register_id, struct bs_backup_stats *st);
int bs_backup_record_verify(struct bs_datadir *dd, const char *repo, int ok, const struct bs_backup_stats *st);

#endif
