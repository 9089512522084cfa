/*
 * fim.h - file integrity and ransomware detection (issue 16; docs/fim.md): 系統與資訊完整性
 * (第十五條, SR.15), the integrity checks of Annex 2 伍、三 (A2.5.3.3) and the signs of
 * ransomware of Annex 3 四 (A3.4), with an incident draft (A3.6) above a threshold.
 *
 * Files: fim_policy.c (the rules as YAML: paths, exclusions, attributes per rule; the built-in
 * default), fim_walk.c (the parallel walk and SHA-256 of a tree, re-hashing only what changed),
 * fim_diff.c (a walk against a baseline: added / removed / changed with the attributes),
 * fim_ransom.c (the ransomware indicators of a set of changes, canaries), fim_store.c (the
 * tables of migration 0014, the only SQL here), fim_seal.c (the canonical digest of a baseline,
 * its Ed25519 signature with the data directory's key, the host id), fim_run.c (baseline,
 * check and verify as a data directory's operations, with their events), fim_watch.c (real
 * time: fanotify where the kernel lets us, else recursive inotify).
 *
 * Paths in entries and changes are relative to the root ("." is the root itself) and may
 * hold any bytes but NUL; bs_fim_path_text() makes them printable UTF-8 for events and JSON.
 */
#ifndef BS_FIM_FIM_H
#define BS_FIM_FIM_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

struct bs_datadir;
struct bs_store;

/* ---- rules (fim_policy.c) ---- */

enum bs_fim_attr {
	BS_FIM_HASH = 1u << 0,   /* SHA-256 of a regular file's content */
	BS_FIM_SIZE = 1u << 1,
	BS_FIM_MODE = 1u << 2,   /* permission bits, setuid/setgid/sticky */
	BS_FIM_OWNER = 1u << 3,  /* uid and gid */
	BS_FIM_MTIME = 1u << 4,
	BS_FIM_CTIME = 1u << 5,
	BS_FIM_INODE = 1u << 6,
	BS_FIM_XATTRS = 1u << 7, /* every extended attribute but the ACLs (SHA-256 of names and values) */
	BS_FIM_ACL = 1u << 8,    /* system.posix_acl_access and _default */
	BS_FIM_LINK = 1u << 9,   /* a symbolic link's target */
	BS_FIM_TYPE = 1u << 10,  /* file, directory, link, device, FIFO, socket */
};
#define BS_FIM_ATTR_COUNT 11
#define BS_FIM_ATTR_ALL ((1u << BS_FIM_ATTR_COUNT) - 1)

/* The name of attribute bit i (0..BS_FIM_ATTR_COUNT-1): "hash", "size", ... */
const char *bs_fim_attr_name(unsigned i);
/* "hash,size,mtime" for mask into b (appended). */
void bs_fim_attrs_text(unsigned mask, struct bs_buf *b);

struct bs_fim_rule {
	char *path;      /* relative to the root, no leading or trailing '/'; "" for the root */
	char **exclude;  /* fnmatch(3) patterns: with a '/' against the path from the root, else
			    against the name; an excluded directory is not entered */
	size_t nexclude;
	unsigned attrs;  /* enum bs_fim_attr */
};

struct bs_fim_policy {
	struct bs_fim_rule *rules;
	size_t n;
	char *text;      /* the YAML it was read from (kept with the baseline) */
	char *file;      /* its name, "(built-in)" for the default */
};

/* Parses a policy (YAML, docs/fim.md "Rules") from data (len bytes) into p; file names it in
 * problems. Every problem is a line "file:line: message" appended to errors; returns 0, or
 * BS_EINVALID when there was any (p is then empty), BS_ERR when libyaml fails. */
int bs_fim_policy_parse(struct bs_fim_policy *p, const char *file, const char *data, size_t len,
			struct bs_buf *errors);
/* Reads the policy of path (NULL: the built-in default) into p; BS_EINVALID with the
 * problems in the message. */
int bs_fim_policy_load(struct bs_fim_policy *p, const char *path);
/* The built-in default policy's YAML. */
const char *bs_fim_policy_default_text(void);
void bs_fim_policy_release(struct bs_fim_policy *p);
/* The most specific rule covering rel (a path from the root), or NULL. *excluded: 1 when that
 * rule excludes rel. */
const struct bs_fim_rule *bs_fim_policy_match(const struct bs_fim_policy *p, const char *rel, int *excluded);

/* ---- one walk of a tree (fim_walk.c) ---- */

struct bs_fim_entry {
	char *path;          /* relative to the root, "." for the root */
	char *link;          /* a link's target, else NULL */
	char *err;           /* why it could not be read whole (unreadable ...), else NULL */
	unsigned attrs;      /* what its rule records */
	char type;           /* 'f' file, 'd' directory, 'l' link, 'c' 'b' devices, 'p' FIFO, 's' socket */
	uint8_t compressed;  /* its first bytes are a compressed format's (zip, gzip, PDF streams, JPEG ...) */
	int16_t entropy;     /* bits per byte of its first 64 KiB, times 1000; -1 not measured */
	uint32_t mode, uid, gid;
	int64_t size, mtime_ns, ctime_ns;
	uint64_t inode;
	char hash[65];       /* hex SHA-256, "" when not hashed */
	char xattrs[65];     /* hex SHA-256 of the extended attributes, "" for none */
	char acl[65];        /* hex SHA-256 of the ACLs, "" for none */
};

struct bs_fim_tree {
	struct bs_fim_entry *v; /* sorted by path (strcmp) */
	size_t n, cap;
	/* counts of one walk */
	int64_t hashed, reused, bytes_hashed, excluded, unreadable, vanished, loops, errors;
	struct bs_buf problems;  /* "path: what" lines, the first 200 */
	int64_t nproblems;
};

struct bs_fim_walk_opts {
	const struct bs_fim_tree *prior; /* a baseline: files whose size, mtime, ctime and inode are
					    the same keep its hash (unless full); may be NULL */
	int full;                        /* hash every file again */
	int threads;                     /* 0: one per online CPU */
};

/* Walks root (an absolute directory) by p's rules into out (which the caller releases), on
 * o->threads threads. Problems on the way (unreadable, vanished, link loops) are counted and
 * listed in out, never fatal; an error only when root itself cannot be read. */
int bs_fim_walk(const char *root, const struct bs_fim_policy *p, const struct bs_fim_walk_opts *o,
		struct bs_fim_tree *out);
void bs_fim_tree_release(struct bs_fim_tree *t);
/* The entry of path, or NULL (binary search). */
const struct bs_fim_entry *bs_fim_tree_find(const struct bs_fim_tree *t, const char *path);
/* Adds a copy of e (the store loading a baseline); bs_fim_tree_sort() after the last. */
void bs_fim_tree_add(struct bs_fim_tree *t, const struct bs_fim_entry *e);
void bs_fim_tree_sort(struct bs_fim_tree *t);
/* The Shannon entropy of data in bits per byte times 1000 (0..8000). */
int bs_fim_entropy(const unsigned char *data, size_t len);
/* 1 when data starts like a compressed or encrypted-by-design format (zip and OOXML, gzip,
 * bzip2, xz, zstd, 7z, rar, JPEG, PNG, GIF, MP4/MOV, PDF, WebP, MP3). */
int bs_fim_magic_compressed(const unsigned char *data, size_t len);

/* ---- comparing (fim_diff.c) ---- */

enum bs_fim_kind { BS_FIM_ADDED = 'a', BS_FIM_REMOVED = 'r', BS_FIM_CHANGED = 'c' };

struct bs_fim_change {
	const struct bs_fim_entry *old, *now; /* borrowed from the two trees; old NULL when added,
						 now NULL when removed */
	const char *path;
	char kind;                            /* enum bs_fim_kind */
	unsigned attrs;                       /* what changed (changed only) */
};

struct bs_fim_diff {
	struct bs_fim_change *v;
	size_t n, cap;
	int64_t added, removed, changed;
};

/* The changes from base to now (both sorted), each compared on the attributes both record;
 * a directory's size, mtime and ctime move with its entries and are not compared; a file
 * that could not be read now is not "changed" in its hash (it is counted as unreadable). */
void bs_fim_diff(const struct bs_fim_tree *base, const struct bs_fim_tree *now, struct bs_fim_diff *out);
void bs_fim_diff_release(struct bs_fim_diff *d);

/* ---- ransomware indicators (fim_ransom.c) ---- */

enum bs_fim_sign {
	BS_FIM_SIGN_NOTE,      /* a ransom note by name or content */
	BS_FIM_SIGN_EXT,       /* a ransomware family's extension, or Annex 3's after a document's */
	BS_FIM_SIGN_ENTROPY,   /* a rewritten file's content became random (and its format is not compressed) */
	BS_FIM_SIGN_RENAMES,   /* many files renamed in one run */
	BS_FIM_SIGN_REWRITES,  /* many files rewritten in one run */
	BS_FIM_SIGN_CANARY,    /* a canary file changed: always an alert */
	BS_FIM_SIGN_COUNT
};

struct bs_fim_indicator {
	enum bs_fim_sign sign;
	char *path;            /* the file (relative to the root), or NULL for a count */
	char *detail;          /* English: what was seen */
	int weight;            /* what it adds to the score */
};

struct bs_fim_signs {
	struct bs_fim_indicator *v;
	size_t n, cap;
	int64_t count[BS_FIM_SIGN_COUNT];
	int score;             /* the sum of the weights; >= BS_FIM_INCIDENT_SCORE: an incident draft */
};
#define BS_FIM_INCIDENT_SCORE 10
/* Runs of at least this many renames or rewrites are a sign (per check, or per watch window). */
#define BS_FIM_BURST_FILES 50

/* The sign's name: "note", "extension", "entropy", "renames", "rewrites", "canary". */
const char *bs_fim_sign_name(enum bs_fim_sign s);
/* The indicators in d (root: where now's files are, to read a new file's first bytes) into
 * out (which it clears first). */
void bs_fim_signs_of_diff(const char *root, const struct bs_fim_diff *d, struct bs_fim_signs *out);
/* Canary signs: each canary (paths relative to the root, the SHA-256 recorded when it was
 * planted) missing from now or with another content. */
void bs_fim_canary_signs(const struct bs_fim_tree *now, char *const *paths, char *const *hashes, size_t n,
			 struct bs_fim_signs *out);
/* One file seen (by watch): its indicators into out. rel: relative to root. what: BS_FIM_BY_NAME
 * (a note's name, an extension: when a name appears), BS_FIM_BY_CONTENT (a note's words, the
 * entropy against old, its baseline entry or NULL: when it was written), or both. */
#define BS_FIM_BY_NAME 1u
#define BS_FIM_BY_CONTENT 2u
void bs_fim_signs_of_file(const char *root, const char *rel, const struct bs_fim_entry *old, unsigned what,
			  struct bs_fim_signs *out);
void bs_fim_signs_add(struct bs_fim_signs *s, enum bs_fim_sign sign, const char *path, int weight, const char *fmt, ...)
	BS_PRINTF(5, 6);
void bs_fim_signs_release(struct bs_fim_signs *s);

/* ---- host, seal (fim_seal.c) ---- */

/* This host's id (/etc/machine-id; with BROKERSEC_TESTING=1, $BROKERSEC_FIM_HOST_ID first)
 * into out. */
int bs_fim_host_id(char out[65]);
/* The canonical SHA-256 of t's entries (docs/fim.md "Baseline protection") as hex. */
void bs_fim_tree_digest(const struct bs_fim_tree *t, char hex[65]);

/* printable UTF-8 of path (bytes that are not valid UTF-8 or are control characters as \xNN),
 * appended to b */
void bs_fim_path_text(const char *path, struct bs_buf *b);

/* ---- operations on a data directory (fim_run.c) ---- */

struct bs_fim_baseline_info {
	int64_t id, entries;
	char root[4097];
	char host[65];
	char digest[65];
	char created_at[32];
	char created_by[65];
	char policy_file[256];
};

struct bs_fim_report {
	struct bs_fim_baseline_info base;
	struct bs_fim_tree now;          /* what the walk found */
	struct bs_fim_tree old;          /* the baseline's entries */
	struct bs_fim_diff diff;
	struct bs_fim_signs signs;
	int64_t check_id;                /* the fim_check row */
	int64_t incident_id;             /* the incident drafted, 0 when none */
	int64_t events;                  /* change events written */
};

/* Walks root by the policy (path NULL: built-in), stores it as root's new baseline, signed,
 * and writes a fim.baseline event naming its digest. root: any path to a directory (made
 * absolute). *info (may be NULL) gets what was stored; walk (may be NULL) the walk's counts. */
int bs_fim_baseline(struct bs_datadir *dd, const char *root, const char *policy_path, int threads,
		    struct bs_fim_baseline_info *info, struct bs_fim_tree *walk);
/* Verifies root's baseline (root NULL: every root's): the entries' digest, the signature with
 * the data directory's key, this host, and the digest the fim.baseline event pinned in the
 * log. 0 when all hold; BS_ENOTFOUND when there is none; BS_ECONFLICT naming what failed. */
int bs_fim_verify_baseline(struct bs_datadir *dd, const char *root, int64_t *verified);
/* Compares root with its baseline (verified first: a tampered or foreign baseline is refused),
 * records the run (fim_check), writes an event per change (A2.5.3.3, SR.15), one per
 * ransomware indicator (A3.4) and a summary, and drafts an incident (A3.6) when the score
 * reaches BS_FIM_INCIDENT_SCORE. r is released by bs_fim_report_release. */
int bs_fim_check(struct bs_datadir *dd, const char *root, int full, int threads, struct bs_fim_report *r);
void bs_fim_report_release(struct bs_fim_report *r);

/* Plants a canary file in dir (an existing directory): a document-looking file no person
 * opens, recorded so that any change to it is an alert (fim check and watch). *path gets its
 * absolute path (caller frees). */
int bs_fim_canary_plant(struct bs_datadir *dd, const char *dir, char **path);
/* The canaries under root (absolute): their paths relative to it, sorted, and their planted
 * SHA-256 (free each string and both arrays). */
int bs_fim_canaries(struct bs_store *s, const char *root, char ***paths, char ***hashes, size_t *n);

/* What status reads (src/compliance): the latest check of any root and whether its baseline
 * was verified. 1 and the fields, 0 when no check was ever run. */
struct bs_fim_last {
	int64_t finished_us;
	int clean;             /* no change, no indicator, nothing unreadable */
	int64_t changes, indicators, problems;
	char root[4097];
};
int bs_fim_last_check(struct bs_store *s, struct bs_fim_last *out);

/* GET /api/v1/fim: every root's active baseline (id, entries, digest, host, made at and by,
 * and whether it verifies now: "verified", else "problem") and the latest check, into *out
 * (a new object). */
struct json_t;
int bs_fim_summary_json(struct bs_datadir *dd, struct json_t **out);

/* ---- real time (fim_watch.c) ---- */

struct bs_fim_watch_opts {
	const char *root;        /* absolute */
	int seconds;             /* stop after this many seconds; 0: until SIGINT/SIGTERM */
	int force_inotify;       /* do not try fanotify */
	size_t queue_max;        /* the bounded queue of events waiting for the rules; 0: 65536 */
	int stop_offender;       /* optional response (off by default): on detection, SIGSTOP the
				    processes whose writes gave the signs (fanotify only: inotify
				    has no pid); each stop is an event (fim.response) */
	/* called after each alert written (may be NULL): the CLI prints it. what: a sign's name,
	 * "overflow", "incident" (detail: its id and score) or "ready" (detail: the backend, once
	 * watching); path may be NULL */
	void (*on_alert)(const char *what, const char *path, const char *detail, void *ctx);
	void *ctx;
};

struct bs_fim_watch_stats {
	const char *backend;     /* "fanotify" or "inotify" */
	int64_t events, files, alerts, overflows, dropped, watches;
	int64_t incident_id;
};

/* Watches root until o->seconds pass or a signal: every file closed after writing, created or
 * moved is judged by the rules (note, extension, entropy against root's baseline, canaries, a
 * burst of renames or rewrites in 10 s); each indicator is an event (fim.alert), a queue
 * overflow is an alert event too; a score over the threshold drafts an incident. */
int bs_fim_watch(struct bs_datadir *dd, const struct bs_fim_watch_opts *o, struct bs_fim_watch_stats *st);

#endif
