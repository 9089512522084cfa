/* evidence_int.h - what evidence.c and evidence_review.c share: the columns of a record and
 * the reader of one row (borrowed strings, valid until the next step). */
#ifndef BS_EVIDENCE_INT_H
#define BS_EVIDENCE_INT_H

#include <sqlite3.h>

#include "evidence/evidence.h"

/* The longest note or review comment, in bytes. */
#define BS_EVIDENCE_TEXT_MAX 4000

#define BS_EVIDENCE_COLUMNS "id, control_id, sha256, size, name, note, created_at, created_us, created_by, state, " \
	"reviewed_by, reviewed_at, reviewed_us, review_comment, record_register, record_id"

void bs_evidence_row(sqlite3_stmt *st, struct bs_evidence *e);

#endif
