/*
 * evidence.h - files kept as proof that a control is met.
 *
 * A file is hashed (SHA-256) while it is copied into the data directory's evidence/
 * folder under its hash (content-addressed, mode 0600), and a record names the control,
 * the file's name and size, a note, the time (UTC) and who added it.
 */
#ifndef BS_EVIDENCE_EVIDENCE_H
#define BS_EVIDENCE_EVIDENCE_H

#include <stdint.h>

#include "datadir/datadir.h"

struct bs_evidence {
	int64_t id;
	char *control_id;
	char sha256[65];
	int64_t size;
	char *name;
	char *note;
	char *created_at;
	int64_t created_us;
	char *created_by;
};

void bs_evidence_release(struct bs_evidence *e);

/* The largest evidence file: 100 MiB. Proof is a document, a scan, an export; a larger file
 * is split or compressed first, so that evidence cannot fill the data directory's disk. */
#define BS_EVIDENCE_MAX_BYTES (100LL * 1024 * 1024)

/* Adds path as evidence for control_id (which the caller has checked against the catalog).
 * Only a regular file of at most BS_EVIDENCE_MAX_BYTES is taken: a symbolic link (it could
 * point at /etc/shadow), a FIFO, a device or a directory is refused (BS_EINVALID) without
 * reading it. note may be NULL. On success *out is filled (release it). */
int bs_evidence_add(struct bs_datadir *dd, const char *control_id, const char *path, const char *note,
		    const char *who, struct bs_evidence *out);

/* Calls fn for each record whose control id is under prefix (NULL: all), oldest first.
 * fn returns 0 to go on, anything else stops and is returned. */
int bs_evidence_each(struct bs_store *s, const char *prefix,
		     int (*fn)(const struct bs_evidence *e, void *ctx), void *ctx);

#endif
