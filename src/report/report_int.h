/* report_int.h - what the files of src/report share and nobody else uses. */
#ifndef BS_REPORT_INT_H
#define BS_REPORT_INT_H

#include <sqlite3.h>

#include "report/report.h"

/* One row of report_issued into r: the columns id, assessment_id, format, lang, sha256, size,
 * issued_at, issued_by, retain_until, in that order (issue.c, keep.c). */
void bs_report__row_read(sqlite3_stmt *st, struct bs_report_issued *r);

#endif
