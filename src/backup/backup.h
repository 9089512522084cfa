/*
 * backup.h - brokersec's backups of its own state (issue 19; docs/backup.md): a repository
 * of content-defined chunks, deduplicated, compressed (zstd) and encrypted
 * (XChaCha20-Poly1305) under a backup key kept apart from the data keys, and signed manifests.
 *
 * Regulation: 第十二條 (SR.12) backups, 附件二肆、一、(八) (A2.4.1.8) the backup and its restore
 * test, 附件三七、(十一) (A3.7.11) 3-2-1 with one offline copy.
 *
 * Repository (a directory, docs/backup.md "Format"):
 *   config                      JSON, plaintext: format, repository id, the signing public key
 *   chunks/XX/<64 hex>          one chunk: "BSC1" | nonce 24 | AEAD(flag | data), AD = id
 *   snapshots/<id>.bsm          one manifest: "BSM1" | nonce 24 | length 8 | AEAD(JSON) | Ed25519 sig
 * The chunk id is BLAKE2b-256 keyed with a subkey of the backup key over the chunk's plaintext:
 * equal plaintext dedups, and an id says nothing about the content to one without the key.
 * Every file is written under a temporary name, synced, renamed, and its directory synced;
 * the manifest last, so an interrupted run leaves only unreferenced chunks and temp files.
 *
 * The backup key: keys/backup.key (32 random bytes, mode 0600) made at the first backup, never
 * inside a backup; `backup key export` prints it as "bsbackup1-<64 hex>" to keep offline. The
 * subkeys (chunk ids, chunk encryption, manifest encryption, the Ed25519 seed) come from it
 * by crypto_kdf. A restore on another machine takes it with --key-file.
 */
#ifndef BS_BACKUP_BACKUP_H
#define BS_BACKUP_BACKUP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "datadir/datadir.h"

#define BS_BACKUP_KEY_BYTES 32
#define BS_BACKUP_KEY_TEXT_MAX 80 /* "bsbackup1-" + 64 hex + NUL */
#define BS_BACKUP_ID_HEX 65       /* a chunk id in hex, with its NUL */

/* The keys of one repository, derived from the backup key (wiped by bs_backup_keys_wipe). */
struct bs_backup_keys {
	unsigned char master[BS_BACKUP_KEY_BYTES];
	unsigned char id_key[32];     /* BLAKE2b key of chunk ids */
	unsigned char chunk_key[32];  /* XChaCha20-Poly1305 key of chunks */
	unsigned char meta_key[32];   /* XChaCha20-Poly1305 key of manifests */
	unsigned char sign_sk[64];    /* Ed25519 secret key of manifests */
	unsigned char sign_pk[32];
};

/* Derives k's subkeys from k->master. */
void bs_backup_keys_derive(struct bs_backup_keys *k);
void bs_backup_keys_wipe(struct bs_backup_keys *k);
/* The data directory's backup key (keys/backup.key): made when create is set and it is not
 * there yet (*made = 1), else BS_ENOTFOUND saying how to get one. */
int bs_backup_key_load(const char *datapath, int create, struct bs_backup_keys *k, int *made);
/* A key from a file holding its text form "bsbackup1-<64 hex>" (backup key export). */
int bs_backup_key_read_file(const char *path, struct bs_backup_keys *k);
/* The text form of k's master key into out. */
void bs_backup_key_text(const struct bs_backup_keys *k, char out[BS_BACKUP_KEY_TEXT_MAX]);

/* --- the chunker (chunker.c): FastCDC with a gear hash, normalised chunking --- */

#define BS_CHUNK_MIN (256u * 1024u)
#define BS_CHUNK_AVG (1024u * 1024u)
#define BS_CHUNK_MAX (4u * 1024u * 1024u)
/* The length of the first chunk of data[0..len) (len itself when len <= BS_CHUNK_MIN or at
 * most BS_CHUNK_MAX when no cut point is found). Depends on the bytes only, so an insertion
 * moves the cut points near it and no others. */
size_t bs_chunk_next(const unsigned char *data, size_t len);

/* --- manifests (manifest.c): the parser of outside input (tests/fuzz/fuzz_backupmanifest.c) --- */

struct bs_backup_chunkref {
	unsigned char id[32];
	uint32_t len; /* plaintext bytes */
};

struct bs_backup_file {
	char *path;      /* relative, '/'-separated, no "." / ".." / empty parts, no leading '/' */
	unsigned mode;   /* permission bits (& 0777) */
	uint64_t size;   /* the sum of its chunks' lengths */
	int64_t mtime;   /* seconds since the epoch */
	struct bs_backup_chunkref *chunks;
	size_t nchunks;
};

struct bs_backup_manifest {
	char *id;              /* "20261206T083000123456Z-<8 hex>": UTC time to the microsecond */
	char *created;         /* RFC 3339 */
	char *host;
	char *source;          /* the data directory backed up (absolute path) */
	char *log_head;        /* the event log's head at the snapshot ("" if none) */
	struct bs_backup_file *files;
	size_t nfiles;
	json_t *state;         /* {"brokersec.db": {"table": rows, ...}, "events.db": {...}} */
	uint64_t bytes;        /* sum of the files' sizes */
};

/* Parses a manifest's JSON text (already decrypted and its signature checked: still outside
 * input on another machine) into m. Fails (BS_EINVALID, with what and where) on a missing or
 * mistyped field, an unsafe or duplicate path, a chunk list that does not add up to the size,
 * a chunk longer than BS_CHUNK_MAX, leftover or unknown top-level fields. */
int bs_backup_manifest_parse(const char *text, size_t len, struct bs_backup_manifest *m);
/* The JSON text of m into out (what parse reads back). */
void bs_backup_manifest_dump(const struct bs_backup_manifest *m, struct bs_buf *out);
void bs_backup_manifest_release(struct bs_backup_manifest *m);
/* 1 when p is a path a manifest may hold (see bs_backup_file.path), else 0. */
int bs_backup_path_ok(const char *p);

/* Opens a manifest file's bytes: checks magic, lengths, the Ed25519 signature with k->sign_pk,
 * decrypts with k->meta_key; *text (owned by the caller, NUL-terminated) is the JSON. */
int bs_backup_envelope_open(const struct bs_backup_keys *k, const unsigned char *in, size_t len, char **text,
			    size_t *textlen);
/* Seals text into an envelope (out is cleared first). */
void bs_backup_envelope_seal(const struct bs_backup_keys *k, const char *text, size_t len, struct bs_buf *out);

/* --- what a run did (create, verify, restore) --- */

/* How to reach an sftp:// repository (a folder needs none of it). */
struct bs_repo_opts {
	const char *ssh_key;      /* the private key file (FILE.pub beside it when there) */
	const char *known_hosts;  /* the known_hosts file (NULL: ~/.ssh/known_hosts) */
};

struct bs_backup_target {
	const char *to;        /* repository directory or sftp://[user@]host[:port]/path */
	struct bs_repo_opts remote;
	const char *medium;    /* disk, usb, nas, tape, optical, cloud (NULL: disk) */
	int offline;           /* the medium is kept disconnected (A3.7.11) */
	int offsite;           /* kept at another site */
};

struct bs_backup_stats {
	char snapshot[64];
	uint64_t files, bytes;         /* files and plaintext bytes in the snapshot */
	uint64_t chunks, new_chunks;   /* chunks referenced, chunks written by this run */
	uint64_t stored_bytes;         /* bytes written by this run (after compression, encryption) */
	uint64_t damaged;              /* verify/restore: chunks missing or not authentic */
	int64_t register_id;           /* the backup register record updated, 0: none */
	int tested;                    /* restore: every file restored, the restore test ran */
	int log_ok;                    /* restore: the restored log verified */
	int state_ok;                  /* restore: row counts matched the manifest */
	char problem[512];             /* restore: what differed */
	/* verify / restore: one line per damaged chunk and the files it affects */
	struct bs_buf *report;
};

/* Makes a backup of dd into t->to (a directory, created when missing): snapshots
 * brokersec.db and events.db with SQLite's online backup API, adds every other file of the
 * data directory except keys/backup.key and lock files, writes the chunks and the signed
 * manifest; then records the target (medium, offline), an event (backup.create) and, when
 * register_id > 0 or one is remembered, last_backup and the copies of that backup register
 * record. */
int bs_backup_create(struct bs_datadir *dd, const struct bs_backup_target *t, int64_t register_id,
		     struct bs_backup_stats *st);
/* Reads every chunk of every snapshot (snapshot NULL) or of one, checks each MAC and id and
 * the manifests' signatures. Returns 0 when all is intact, BS_EINVALID naming the first
 * problem when not (st->report lists every damaged chunk and the files it affects). dd may
 * be NULL (no event: a repository checked on another machine); else a backup.verify event. */
int bs_backup_verify(struct bs_datadir *dd, const struct bs_backup_keys *k, const char *repo,
		     const struct bs_repo_opts *ro, const char *snapshot, struct bs_backup_stats *st);
/* Restores snapshot (NULL: the latest) of repo into newdir (missing or empty; never a
 * non-empty directory), then verifies the restored event log and compares the restored
 * databases' row counts with the manifest. Returns 0 when the restore test passed. */
int bs_backup_restore(const struct bs_backup_keys *k, const char *repo, const struct bs_repo_opts *ro,
		      const char *snapshot, const char *newdir, struct bs_backup_stats *st);
/* Records a restore test of repo in dd: a backup.restore-test event and, when it passed,
 * last_restore_test of the backup register record (register_id, else the remembered one). */
int bs_backup_record_restore(struct bs_datadir *dd, const char *repo, const char *newdir, int64_t register_id,
			     int ok, const struct bs_backup_stats *st);
/* The snapshots of repo, oldest first: [{id, created, files, bytes}] (reads every manifest). */
int bs_backup_list(const struct bs_backup_keys *k, const char *repo, const struct bs_repo_opts *ro, json_t **out);
/* BS_ENOTFOUND with a message when repo is no brokersec repository (no config): checked
 * before any key is looked for. */
int bs_backup_probe(const char *repo, const struct bs_repo_opts *ro);
/* What the targets table records repo as: its absolute path, or the sftp URL (caller frees). */
char *bs_backup_location(const char *repo);
/* The ssh key and known_hosts file recorded for the sftp target at location (*key, *kh
 * NULL when none; the caller frees them). */
int bs_backup_target_remote(struct bs_datadir *dd, const char *location, char **key, char **kh);

/* Retention (docs/backup.md "Forget and prune"): the snapshots kept are the union of the last
 * keep_last, the latest of each of the last keep_daily days (Asia/Taipei), keep_weekly ISO
 * weeks and keep_monthly months; keep_last is at least 1. Beyond those, never forgotten: the
 * repository's latest snapshot, and the snapshot of the latest passing restore test of this
 * target recorded in dd (the proof A2.4.1.8 asks for). */
struct bs_backup_keep {
	int last, daily, weekly, monthly;
};

struct bs_backup_forget_result {
	json_t *kept;      /* [{id, created, why: [..]}] */
	json_t *removed;   /* [{id, created}] */
	uint64_t tmp_removed;
};
/* Removes the snapshots policy does not keep (dry_run: only says which); an event
 * backup.forget when dd and not dry_run. */
int bs_backup_forget(struct bs_datadir *dd, const struct bs_backup_keys *k, const char *repo,
		     const struct bs_repo_opts *ro, const struct bs_backup_keep *keep, int dry_run,
		     struct bs_backup_forget_result *res);
void bs_backup_forget_release(struct bs_backup_forget_result *res);

struct bs_backup_prune_stats {
	uint64_t snapshots, chunks, referenced, removed, removed_bytes, tmp_removed;
};
/* Deletes the chunks no snapshot references (after forget; crash-safe: snapshots are removed
 * first, so a kill leaves only unreferenced chunks), and stale temporary files; an event
 * backup.prune when dd. Refuses while another run holds the repository's lock. */
int bs_backup_prune(struct bs_datadir *dd, const struct bs_backup_keys *k, const char *repo,
		    const struct bs_repo_opts *ro, int dry_run, struct bs_backup_prune_stats *ps);
/* The backup targets recorded in dd: [{location, medium, offline, offsite, last_backup, ...}]. */
int bs_backup_targets(struct bs_datadir *dd, json_t **out);

/* Tests only (BROKERSEC_TESTING=1): $BROKERSEC_BACKUP_CRASH_AFTER=N makes create _exit(9)
 * after writing N new chunks, as kill -9 would ($BROKERSEC_BACKUP_PRUNE_CRASH_AFTER=N: prune
 * after removing N chunks); $BROKERSEC_BACKUP_SKEW_STATE=1 records a
 * wrong row count in the manifest, which the restore test must report. */

#endif
