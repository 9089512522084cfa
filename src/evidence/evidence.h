/*
 * evidence.h - files kept as proof that a control is met.
 *
 * A file is hashed (SHA-256) while it is copied into the data directory's evidence/
 * folder under its hash (content-addressed, mode 0600), and a record names the control (or
 * the register record it proves), the file's name and size, a note, the time (UTC) and who
 * added it.
 *
 * Review (docs/status.md): a record is *submitted*, then *accepted* or *rejected*, once, by a
 * reviewer who is not the submitter, with a comment. Only accepted evidence counts toward
 * status. Records from before the review existed (migration 0007) are submitted.
 */
#ifndef BS_EVIDENCE_EVIDENCE_H
#define BS_EVIDENCE_EVIDENCE_H

#include <stdint.h>

#include "core/buf.h"
#include "datadir/datadir.h"

enum bs_evidence_state { BS_EVIDENCE_SUBMITTED, BS_EVIDENCE_ACCEPTED, BS_EVIDENCE_REJECTED };

/* "submitted", "accepted", "rejected" */
const char *bs_evidence_state_name(enum bs_evidence_state s);

struct bs_evidence {
	int64_t id;
	char *control_id;            /* "" when the evidence proves a register record */
	char *record_register;       /* "person", "assessment", ...; NULL for a control */
	int64_t record_id;
	char sha256[65];
	int64_t size;
	char *name;
	char *note;
	char *created_at;
	int64_t created_us;
	char *created_by;
	enum bs_evidence_state state;
	char *reviewed_by, *reviewed_at, *review_comment; /* NULL while submitted */
	int64_t reviewed_us;
};

void bs_evidence_release(struct bs_evidence *e);

/* The largest evidence file: 100 MiB. Proof is a document, a scan, an export; a larger file
 * is split or compressed first, so that evidence cannot fill the data directory's disk. */
#define BS_EVIDENCE_MAX_BYTES (100LL * 1024 * 1024)

/* What a file proves: a control (checked against the catalog by the caller) or one record
 * of a register (checked here: the register and the record must exist). */
struct bs_evidence_target {
	const char *control_id;      /* or NULL */
	const char *record_register; /* with record_id, or NULL */
	int64_t record_id;
};

/* Parses "REGISTER:ID" (e.g. "person:10") into t; BS_EINVALID naming the text otherwise. The
 * register name is borrowed from spec. */
int bs_evidence_parse_record(const char *spec, struct bs_evidence_target *t, char *name, size_t namesz);

/* Adds path as evidence for the target.
 * Only a regular file of at most BS_EVIDENCE_MAX_BYTES is taken: a symbolic link (it could
 * point at /etc/shadow), a FIFO, a device or a directory is refused (BS_EINVALID) without
 * reading it. note may be NULL. On success *out is filled (release it). */
int bs_evidence_add(struct bs_datadir *dd, const struct bs_evidence_target *t, const char *path, const char *note,
		    const char *who, struct bs_evidence *out);

/* The same for a file that arrives as bytes (the API): name is what the record calls it (1 to
 * 255 bytes of UTF-8 without '/'). */
int bs_evidence_add_bytes(struct bs_datadir *dd, const struct bs_evidence_target *t, const char *name,
			  const void *data, size_t len, const char *note, const char *who, struct bs_evidence *out);

/* Reviews a submitted record: accept (1) or reject (0), with a comment (1..4000 bytes of
 * text). reviewer is who acts; whether that person may review at all (role security_officer
 * or auditor) is the caller's check (the CLI's and the API's, which know the account).
 * Refused: BS_ENOTFOUND for an unknown id; BS_EDENIED when reviewer submitted it (nobody
 * reviews their own proof); BS_ECONFLICT when it was reviewed already; BS_EINVALID for a
 * missing comment. Audited evidence.review before it commits. On success *out is the record
 * as it now is. */
int bs_evidence_review(struct bs_datadir *dd, int64_t id, int accept, const char *comment, const char *reviewer,
		       struct bs_evidence *out);
/* The record with id into *out (release it); BS_ENOTFOUND when there is none. */
int bs_evidence_get(struct bs_store *s, int64_t id, struct bs_evidence *out);

/* The stored file of record id into data (its content replaced) and the record into *out
 * (release it), checked as it is read against the record: its size and its SHA-256
 * (evidence_file.c). BS_ENOTFOUND: no such record. A copy that is missing or differs (changed
 * or damaged after it was added) is never handed out: *damaged = 1, the event log's alert is
 * raised, an evidence.integrity event written, and BS_ERR says which record, what was found and
 * what to do. Other failures: BS_ERR with *damaged = 0. */
int bs_evidence_read(struct bs_datadir *dd, int64_t id, struct bs_evidence *out, struct bs_buf *data, int *damaged);

/* Calls fn for each record whose control id is under prefix, or whose record is prefix
 * ("person" or "person:10"), (NULL: all), oldest first.
 * fn returns 0 to go on, anything else stops and is returned. */
int bs_evidence_each(struct bs_store *s, const char *prefix,
		     int (*fn)(const struct bs_evidence *e, void *ctx), void *ctx);

#endif
